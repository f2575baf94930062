"""Shared fixtures: PDFs generated with reportlab, so expected pages and positions are known exactly.

``make_pdf(name, pages)`` writes a PDF where each page is a list of lines; a line is a string
(body text, 10 pt) or a tuple ``(text, size)``; a tuple ``("TABLE", rows)`` draws a table whose
rows are lists of cells laid out in columns. ``SHARED`` is ../shared when present, else None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from esglens.model import Document

ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = ROOT.parent / "shared"
SHARED = SHARED_DIR if (SHARED_DIR / "reports").is_dir() else None
REPORTS = SHARED / "reports" if SHARED else None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden files")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def shared_report(name: str) -> Path:
    """Path of a report in ../shared/reports, skipping the test when ../shared is absent."""
    if REPORTS is None or not (REPORTS / name).exists():
        pytest.skip(f"../shared/reports/{name} not available")
    return REPORTS / name


@cache
def _read_shared(name: str) -> Document:
    import esglens

    return esglens.read(REPORTS / name) if REPORTS else esglens.read(name)


def shared_document(name: str) -> Document:
    """A report of ../shared read once per test session (real-report checks share one reading),
    skipping the test when ../shared is absent."""
    shared_report(name)
    return _read_shared(name)


def write_pdf(path: Path, pages: Sequence[Sequence[Any]], title: str = "") -> Path:
    """Write ``pages`` (see module docstring) to ``path`` with reportlab; returns the path."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    if title:
        c.setTitle(title)
    width, height = A4
    for lines in pages:
        y = height - 72
        for line in lines:
            if isinstance(line, tuple) and line and line[0] == "TABLE":
                for row in line[1]:
                    x = 72.0
                    for i, cell in enumerate(row):
                        c.setFont("Helvetica", 10)
                        c.drawString(x, y, str(cell))
                        x += 200 if i == 0 else 80
                    y -= 16
                y -= 8
                continue
            text, size = (line, 10) if isinstance(line, str) else line
            c.setFont("Helvetica-Bold" if size > 12 else "Helvetica", size)
            c.drawString(72, y, text)
            y -= size * 1.5
        c.showPage()
    c.save()
    return path


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    """Factory: ``make_pdf("x.pdf", pages, title="")`` -> path of a generated PDF."""

    def factory(name: str, pages: Sequence[Sequence[Any]], title: str = "") -> Path:
        return write_pdf(tmp_path / name, pages, title)

    return factory


def write_report(path: Path, company: str, year: int, scope1: int, *, legal: str = "AG",
                 filler_pages: int = 0) -> Path:
    """A small sustainability report of ``company`` for ``year``: cover, climate prose, a KPI table.

    Scope 1 is ``scope1`` tCO2e in ``year`` (page 2 prose and page 3 table) and ``scope1 + 1000``
    the year before (page 3); ``filler_pages`` add plain prose pages to make analysis slower.
    """
    pages: list[list[Any]] = [
        [(f"{company} {legal} Sustainability Report {year}", 20),
         f"{company} {legal} reports on the financial year {year}.",
         f"This report of {company} covers our environmental, social and governance performance in {year}."],
        [("Climate", 16), f"{company} reduced its Scope 1 emissions to {scope1:,} tCO2e in {year}.",
         "We aim to reduce absolute Scope 1 and 2 emissions by 40% by 2030 from a 2020 base year."],
        [("Key figures", 16), ("TABLE", [
            ["Indicator", "Unit", str(year), str(year - 1)],
            ["Scope 1 emissions", "tCO2e", f"{scope1:,}", f"{scope1 + 1000:,}"],
            ["Scope 2 emissions (market-based)", "tCO2e", f"{scope1 // 3:,}", f"{scope1 // 3 + 50:,}"],
            ["Employees", "headcount", "1,200", "1,150"]])],
    ]
    for i in range(filler_pages):
        pages.append([(f"Our people {i + 1}", 16)] + [
            f"{company} trains its employees and works with communities near its sites, line {j}."
            for j in range(40)])
    return write_pdf(path, pages, title=f"{company} Sustainability Report {year}")
