"""figures cache: the statistics of a period kept with the stamp of the data they came from

A repeated `stats` of the same period answers from here while the data are unchanged
(services/assessment/stats_cache.py); every write through the workspace empties the table.

Revision ID: speed_0002
Revises: speed_0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'speed_0002'
down_revision: str | Sequence[str] | None = 'speed_0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'figures_cache',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('stamp', sa.String(length=500), nullable=False),
        sa.Column('figures', sa.Text(), nullable=False),
        sa.Column('made', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_figures_cache')),
    )


def downgrade() -> None:
    op.drop_table('figures_cache')
