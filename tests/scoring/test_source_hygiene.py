"""No control characters in the project's Python sources: a regex's word bound once written as a backspace (an
escape lost on the way into the file) silently matched nothing (issue 13, fifteenth session)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("scoring", "sync", "connector", "webhooks", "rubrics", "cli", "bench", "tests")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def test_no_python_source_holds_a_control_character() -> None:
    sources = [p for pkg in PACKAGES if (ROOT / pkg).is_dir() for p in (ROOT / pkg).rglob("*.py")]
    assert len(sources) > 100
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sources
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if _CONTROL.search(line)
    ]
    assert found == []
