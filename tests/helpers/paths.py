"""Where the repository and the shared sample files are, found relative to this file."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# CI and every session lay shared/ beside the clone (../shared/samples); DANGXUN_SAMPLES overrides.
SAMPLES = Path(os.environ.get("DANGXUN_SAMPLES") or REPO.parent / "shared" / "samples")
