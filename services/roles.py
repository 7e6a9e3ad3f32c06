"""The three roles and who may see full ID and phone numbers, with no database import.

services/access.py (what each role may do) and services/safety/privacy.py (masking) use these; the
window imports them before SQLAlchemy is loaded (ui/app.py shows the roll first).
"""

from __future__ import annotations

ADMIN = "管理员"
EDITOR = "录入员"
VIEWER = "查阅"
ROLES = (ADMIN, EDITOR, VIEWER)
# What each role may do; a higher rank includes everything below it.
ROLE_RANK = {VIEWER: 1, EDITOR: 2, ADMIN: 3}

# Roles whose work needs full numbers (entering and checking the roll). `None` is a database
# without accounts: a single-user office where the clerk is everyone.
FULL_ID_ROLES = (ADMIN, EDITOR, None)


def can_see_full_ids(role: str | None) -> bool:
    """Whether lists show full ID and phone numbers to this role (printouts mask by default)."""
    return role in FULL_ID_ROLES
