"""drop three indexes that others begin with: every import paid for them, no query needed them

ix_attendance_session_id is the first column of uq_attendance_session_id (session, member) and
ix_attendance_session_cover; ix_attendance_member_id of ix_attendance_member_cover (member, session,
hours); ix_enrolment_activity_id of uq_enrolment_activity_id (activity, member). Lookups and the
cascades of the foreign keys use those longer indexes the same way.

Revision ID: speed_0001
Revises: guide_0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = 'speed_0001'
down_revision: str | Sequence[str] | None = 'guide_0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROPPED = (
    ("ix_attendance_session_id", "attendance", "session_id"),
    ("ix_attendance_member_id", "attendance", "member_id"),
    ("ix_enrolment_activity_id", "enrolment", "activity_id"),
)


def upgrade() -> None:
    for name, table, _column in DROPPED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, column in DROPPED:
        op.create_index(name, table, [column])
