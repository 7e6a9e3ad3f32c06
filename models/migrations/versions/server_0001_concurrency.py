"""several writers at once: activity identities (insert-or-get) and record versions

Revision ID: server_0001
Revises: words_0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'server_0001'
down_revision: str | Sequence[str] | None = 'words_0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fold(value: str | None) -> str:
    # services.normalize.fold_key, frozen here as it was when this revision was written
    import unicodedata

    text = unicodedata.normalize("NFKC", value or "").strip()
    return "".join(text.casefold().split())


def upgrade() -> None:
    identity = op.create_table(
        'activity_identity',
        sa.Column('key', sa.String(length=400), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_identity_activity_id_activity'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_activity_identity')),
    )
    op.create_index(op.f('ix_activity_identity_activity_id'), 'activity_identity', ['activity_id'], unique=False)
    with op.batch_alter_table('member') as batch:
        batch.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('activity') as batch:
        batch.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, title, type_id, start_date FROM activity ORDER BY id")).all()
    seen: set[str] = set()
    values = []
    for activity_id, title, type_id, start in rows:
        key = f"{_fold(title)}|{type_id}|{start}"[:400]
        if key not in seen:
            seen.add(key)
            values.append({"key": key, "activity_id": activity_id})
    if values:
        op.bulk_insert(identity, values)


def downgrade() -> None:
    with op.batch_alter_table('activity') as batch:
        batch.drop_column('version')
    with op.batch_alter_table('member') as batch:
        batch.drop_column('version')
    op.drop_index(op.f('ix_activity_identity_activity_id'), table_name='activity_identity')
    op.drop_table('activity_identity')
