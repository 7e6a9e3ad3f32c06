"""post history, yearly exemptions, mobile members (the rules of the 条例 and the plans)

Revision ID: plan_0006
Revises: plan_0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'plan_0006'
down_revision: str | Sequence[str] | None = 'plan_0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'member_post',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('post', sa.String(length=50), nullable=False),
        sa.Column('start', sa.String(length=10), nullable=False),
        sa.Column('end', sa.String(length=10), nullable=True),
        sa.Column('remarks', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_member_post_member_id'), 'member_post', ['member_id'], unique=False)
    op.create_table(
        'exemption',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('member_id', 'year'),
    )
    op.create_index(op.f('ix_exemption_member_id'), 'exemption', ['member_id'], unique=False)
    op.create_index(op.f('ix_exemption_year'), 'exemption', ['year'], unique=False)
    op.create_table(
        'mobile_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('start', sa.String(length=10), nullable=False),
        sa.Column('end', sa.String(length=10), nullable=True),
        sa.Column('place', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_mobile_member_member_id'), 'mobile_member', ['member_id'], unique=False)


def downgrade() -> None:
    op.drop_table('mobile_member')
    op.drop_table('exemption')
    op.drop_table('member_post')
