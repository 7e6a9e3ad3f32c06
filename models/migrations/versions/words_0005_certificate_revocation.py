"""certificate revocation: when, why and by whom a certificate was revoked (已作废)

Revision ID: words_0005
Revises: survey_0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'words_0005'
down_revision: str | Sequence[str] | None = 'survey_0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('certificate') as batch:
        batch.add_column(sa.Column('revoked_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('revoked_reason', sa.Text(), nullable=True))
        batch.add_column(sa.Column('revoked_by', sa.String(length=50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('certificate') as batch:
        batch.drop_column('revoked_by')
        batch.drop_column('revoked_reason')
        batch.drop_column('revoked_on')
