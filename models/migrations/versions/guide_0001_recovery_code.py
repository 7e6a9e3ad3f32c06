"""account recovery code: the salted hash of the code shown once when the first 管理员 was made

Revision ID: guide_0001
Revises: branches_0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'guide_0001'
down_revision: str | Sequence[str] | None = 'branches_0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('account') as batch:
        batch.add_column(sa.Column('recovery_hash', sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('account') as batch:
        batch.drop_column('recovery_hash')
