"""Image regions on pages with a text layer: a KPI table drawn as a picture is OCRed and read as a
table; photos, backgrounds under text and ``--ocr off`` are left alone."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import esglens
from esglens.extract import extract_metrics

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
KPI_ROWS = [
    ["Indicator", "Unit", "2024", "2023"],
    ["Scope 1 emissions", "tCO2e", "12,480", "13,150"],
    ["Scope 2 emissions", "tCO2e", "8,215", "9,040"],
    ["Water withdrawal", "m3", "452,300", "470,100"],
]


def _needs_tesseract() -> None:
    from esglens.ingest.ocr import tesseract_path

    if tesseract_path() is None:
        pytest.skip("tesseract not installed")
    if not FONT.exists() or not BOLD.exists():
        pytest.skip("no DejaVu font to draw the fixture")


def _table_png(path: Path) -> Path:
    """A borderless KPI table as a 1300 px wide greyscale PNG (rules between rows, no text layer)."""
    from PIL import Image, ImageDraw, ImageFont

    font, bold = ImageFont.truetype(str(FONT), 36), ImageFont.truetype(str(BOLD), 36)
    image = Image.new("L", (1300, 60 + 70 * len(KPI_ROWS)), 255)
    draw = ImageDraw.Draw(image)
    for r, row in enumerate(KPI_ROWS):
        for x, cell in zip((30, 560, 800, 1050), row, strict=True):
            draw.text((x, 30 + 70 * r), cell, fill=0, font=bold if r == 0 else font)
        draw.line((20, 95 + 70 * r, 1280, 95 + 70 * r), fill=160, width=2)
    image.save(path)
    return path


def _photo_png(path: Path) -> Path:
    """A photo-like picture: smooth gradients with noise, many grey levels, no glyph strokes."""
    from PIL import Image

    rng = random.Random(8)
    w, h = 400, 260
    image = Image.new("L", (w, h))
    image.putdata([max(0, min(255, int(40 + 120 * x / w + 80 * y / h + rng.gauss(0, 18))))
                   for y in range(h) for x in range(w)])
    image.save(path)
    return path


def _report(path: Path, picture: Path, text_over: bool = False) -> Path:
    """Two pages with a text layer; page 2 holds ``picture`` under a short introduction.

    ``text_over`` prints a column of text-layer lines across the picture (a background image).
    """
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.setFont("Helvetica", 10)
    c.drawString(56, 760, "About this report: it covers our operations in the calendar year.")
    c.showPage()
    c.setFont("Helvetica-Bold", 16)
    c.drawString(56, 780, "Environmental performance")
    c.setFont("Helvetica", 10)
    c.drawString(56, 750, "Our key figures for the year are shown in the table below.")
    c.drawString(56, 736, "We report greenhouse gas emissions following the GHG Protocol.")
    reader = ImageReader(str(picture))
    iw, ih = reader.getSize()
    w = 480
    h = w * ih / iw
    c.drawImage(reader, 56, 700 - h, w, h)
    if text_over:
        for i in range(int(h // 12)):
            c.drawString(66, 690 - 12 * i, f"Line {i} of the text printed over the picture, read as text.")
    c.showPage()
    c.save()
    return path


def test_kpi_table_image_on_a_text_page_gives_metrics_on_its_page(tmp_path):
    _needs_tesseract()
    doc = esglens.read(_report(tmp_path / "kpi.pdf", _table_png(tmp_path / "table.png")))
    page = doc.pages[1]
    assert not page.ocr and len(page.ocr_regions) == 1
    assert "Environmental performance" in page.text  # the text layer is kept
    assert any(t.source == "ocr" and ("Scope 1 emissions", "tCO2e", "12,480", "13,150") in t.rows
               for t in page.tables)
    assert doc.timings["ocr_regions"] == 1 and doc.timings["ocr_regions_s"] > 0
    found = {(m.metric, m.period): (m.value, m.unit, m.page) for m in extract_metrics(doc) if m.primary}
    assert found[("ghg_scope1", "2024")] == (12480.0, "tCO2e", 2)
    assert found[("ghg_scope2", "2023")] == (9040.0, "tCO2e", 2)
    assert found[("water_withdrawal", "2024")] == (452300.0, "m3", 2)
    assert not doc.pages[0].ocr_regions


def test_ocr_off_leaves_image_regions_unread(tmp_path):
    doc = esglens.read(_report(tmp_path / "kpi.pdf", _table_png(tmp_path / "table.png")), ocr_mode="off")
    assert not doc.pages[1].ocr_regions and "ocr_regions" not in doc.timings
    assert "12,480" not in doc.pages[1].text


def test_photo_and_background_images_are_not_ocred(tmp_path):
    photo = esglens.read(_report(tmp_path / "photo.pdf", _photo_png(tmp_path / "photo.png")))
    under = esglens.read(_report(tmp_path / "under.pdf", _table_png(tmp_path / "t.png"), text_over=True))
    for doc in (photo, under):
        assert not any(p.ocr or p.ocr_regions for p in doc.pages)
        assert "ocr_regions" not in doc.timings


def test_region_ocr_over_its_budget_is_skipped_and_said(tmp_path, monkeypatch):
    _needs_tesseract()
    from esglens.ingest import images, read_document

    monkeypatch.setattr(images, "REGION_BUDGET_S", 0.0)
    path = _report(tmp_path / "kpi.pdf", _table_png(tmp_path / "table.png"))
    doc = read_document(path)
    assert "12,480" not in doc.pages[1].text
    assert any("region budget" in w for w in doc.warnings)
    forced = read_document(path, ocr_mode="force")  # force reads every region, budget or not
    assert not any("region budget" in w for w in forced.warnings)
