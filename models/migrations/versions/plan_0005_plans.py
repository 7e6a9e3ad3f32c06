"""plan periods with their default targets, materials register

Revision ID: plan_0005
Revises: 0003, 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'plan_0005'
down_revision: str | Sequence[str] | None = ('0003', '0004')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The national plans and their default yearly targets (group, hours, class_required, carried_over).
PLANS = (
    ("2019—2023年全国党员教育培训工作规划", dt.date(2019, 1, 1), dt.date(2023, 12, 31),
     (("all", 32.0, False, False), ("committee", 56.0, True, False), ("bureau", None, False, False))),
    ("2024—2028年全国党员教育培训工作规划", dt.date(2024, 1, 1), dt.date(2028, 12, 31),
     (("all", 32.0, False, True), ("committee", 56.0, True, True), ("bureau", None, False, False))),
)


def upgrade() -> None:
    plan = op.create_table(
        'plan_period',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=False),
        sa.Column('builtin', sa.Boolean(), nullable=False),
        sa.Column('remarks', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )
    target = op.create_table(
        'plan_target',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('group', sa.String(length=20), nullable=False),
        sa.Column('hours', sa.Float(), nullable=True),
        sa.Column('class_required', sa.Boolean(), nullable=False),
        sa.Column('carried_over', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plan_period.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('plan_id', 'group'),
    )
    op.create_index(op.f('ix_plan_target_plan_id'), 'plan_target', ['plan_id'], unique=False)
    op.create_table(
        'material',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('spending_id', sa.Integer(), nullable=True),
        sa.Column('remarks', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['spending_id'], ['spending.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_material_title'), 'material', ['title'], unique=False)
    op.create_table(
        'material_issue',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('material_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('copies', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['material_id'], ['material.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['member.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('material_id', 'member_id', 'date'),
    )
    op.create_index(op.f('ix_material_issue_date'), 'material_issue', ['date'], unique=False)
    op.create_index(op.f('ix_material_issue_material_id'), 'material_issue', ['material_id'], unique=False)
    op.create_index(op.f('ix_material_issue_member_id'), 'material_issue', ['member_id'], unique=False)
    for plan_id, (name, start, end, targets) in enumerate(PLANS, start=1):
        op.bulk_insert(plan, [{"id": plan_id, "name": name, "start_date": start, "end_date": end,
                               "builtin": True, "remarks": None}])
        op.bulk_insert(target, [{"plan_id": plan_id, "group": g, "hours": h, "class_required": c,
                                 "carried_over": carried} for g, h, c, carried in targets])


def downgrade() -> None:
    op.drop_table('material_issue')
    op.drop_table('material')
    op.drop_table('plan_target')
    op.drop_table('plan_period')
