"""The HTML report opened in headless Chromium as a manager would: every row and chart point there, and screenshots.

Screenshots go to DEALCOACH_REPORT_SHOTS when set (docs/reporting/ is refreshed that way), else to a temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sync.report.build import build_report
from sync.report.html import render_html
from sync.report.monthly import NAMED_ROWS, ROWS
from tests.report.seeded_month import NOW, seeded_input

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (bash .ci/run installs it)")
PHASES = {"needs_discovery": "ニーズヒアリング", "proposal": "提案・プレゼンテーション"}
LAPTOP = 1280
A4_PX = 794  # 210 mm at 96 dpi


class Dom(HTMLParser):
    """Collects the attributes of every element Chromium serialised, by tag."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    report = build_report(seeded_input(), generated_at=NOW, phase_names=PHASES)
    path = tmp_path / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    target = Path(os.environ.get("DEALCOACH_REPORT_SHOTS") or tmp_path / "shots")
    target.mkdir(parents=True, exist_ok=True)
    return target


def test_chromium_shows_every_row_kpi_and_chart_point(report_file: Path) -> None:
    dom = Dom()
    dom.feed(_chromium("--dump-dom", report_file.as_uri()).stdout)
    tables = [a for t, a in dom.elements if t == "table" and a.get("class") == "monthly"]
    assert len(tables) == 6  # whole team, two teams, three reps
    rows = [a["data-row"] for t, a in dom.elements if t == "tr" and a.get("data-row")]
    expected = [r for r, _ in ROWS] + [f"{n}_names" for n in NAMED_ROWS]
    assert sorted(rows) == sorted(expected * 6)
    assert {a["data-kpi"] for t, a in dom.elements if t == "tr" and a.get("data-kpi")} == {
        "thank_you_hours",
        "minutes_reply_rate",
        "touches_per_deal",
        "next_meeting_30d_rate",
        "pilot_rate",
        "activity_input_rate",
    }
    points = [a for t, a in dom.elements if t == "circle" and a.get("class") == "point"]
    assert sorted(float(p["data-value"] or 0) for p in points) == [40.0, 60.0, 70.0, 90.0]
    cells = [float(a["data-value"] or 0) for t, a in dom.elements if t == "rect" and a.get("class") == "cell"]
    assert sorted(cells) == [30.0, 60.0, 80.0, 90.0, 100.0]
    bars = [a for t, a in dom.elements if t == "rect" and a.get("class") == "bar"]
    assert len(bars) == 5 + 4  # funnel stages + SLA outcome segments (on time + missed, open, late)
    assert not any((a.get("src") or a.get("href") or "").startswith("http") for _, a in dom.elements)
    assert not [a for t, a in dom.elements if t in ("script", "link")]


def test_screenshots_at_laptop_and_a4_width(report_file: Path, shots: Path) -> None:
    laptop = shots / "report-laptop.png"
    _chromium(f"--window-size={LAPTOP},2400", f"--screenshot={laptop}", report_file.as_uri())
    assert _png_size(laptop) == (LAPTOP, 2400)
    a4 = shots / "report-a4.png"
    _chromium(f"--window-size={A4_PX},1123", f"--screenshot={a4}", report_file.as_uri())
    assert _png_size(a4) == (A4_PX, 1123)
    pdf = shots / "report-a4.pdf"
    _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", report_file.as_uri())
    data = pdf.read_bytes()
    boxes = set(re.findall(rb"MediaBox *\[0 0 ([0-9.]+) ([0-9.]+)\]", data))
    assert (
        data.startswith(b"%PDF") and boxes and all(round(float(w)) == 595 and round(float(h)) == 842 for w, h in boxes)
    )
    if shutil.which("pdftoppm"):  # the first printed page as a picture, for docs/reporting.md
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(shots / "report-print")], check=True
        )
