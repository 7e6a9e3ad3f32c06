"""branch accounts: the branches an account is limited to (none: the whole bureau)

Revision ID: branches_0001
Revises: server_0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'branches_0001'
down_revision: str | Sequence[str] | None = 'server_0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'account_branch',
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('branch_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['branch_id'], ['branch.id']),
        sa.PrimaryKeyConstraint('account_id', 'branch_id'),
    )
    op.create_index(op.f('ix_account_branch_branch_id'), 'account_branch', ['branch_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_account_branch_branch_id'), table_name='account_branch')
    op.drop_table('account_branch')
