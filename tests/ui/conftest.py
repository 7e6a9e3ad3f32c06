"""UI fixtures shared by every window test (defined in tests/helpers/ui_workspace.py)."""

from tests.helpers.ui_workspace import demo_ws, ws  # noqa: F401 (fixtures)
