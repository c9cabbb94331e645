"""Where the standards' own files are (see /work/shared/standards/README.md).

Looked for in `EGOV_STANDARDS_DIR`, then `../shared/standards` beside the project's root, then
`/work/shared/standards` (where a clone elsewhere, e.g. CI's, still finds them); a test that
needs one skips with the places it looked when none has it.
"""

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def standards_dirs() -> list[Path]:
    places = [PROJECT_ROOT.parent / "shared" / "standards", Path("/work/shared/standards")]
    if os.environ.get("EGOV_STANDARDS_DIR"):
        places.insert(0, Path(os.environ["EGOV_STANDARDS_DIR"]))
    return places


def standards_file(name: str) -> Path:
    """The standard's file `name`, or skip the test saying where it was looked for."""
    for place in standards_dirs():
        if (place / name).is_file():
            return (place / name).resolve()
    pytest.skip(f"{name} is in none of {', '.join(map(str, standards_dirs()))} (set EGOV_STANDARDS_DIR)")
