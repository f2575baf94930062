"""Reading: page count, reading order, footnote markers, tables, furniture, OCR, round-trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import esglens
from esglens.errors import ConfigError
from esglens.ingest import parse_pages
from esglens.ingest.layout import Segment, build_blocks, mark_superscripts
from esglens.model import Block, Document, Page, Table
from tests.conftest import shared_report


def _two_column_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica-Bold", 18)
    c.drawString(56, 780, "Climate action")
    c.setFont("Helvetica", 10)
    left = [f"Left column line {i} on energy use." for i in range(12)]
    right = [f"Right column line {i} on water use." for i in range(12)]
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        c.drawString(56, 740 - 14 * i, a)
        c.drawString(310, 740 - 14 * i, b)
    c.showPage()
    c.save()
    return path


def _footnote_pdf(path: Path) -> Path:
    """A KPI row where the footnote marker 9 is raised right after "Scope 1"."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.setFont("Helvetica", 10)
    c.drawString(72, 700, "GHG emission")
    c.drawString(250, 700, "2019")
    c.drawString(330, 700, "2018")
    c.drawString(72, 680, "Scope 1")
    c.setFont("Helvetica", 6)
    c.drawString(72 + c.stringWidth("Scope 1", "Helvetica", 10) + 0.5, 684, "9")
    c.setFont("Helvetica", 10)
    c.drawString(250, 680, "94,962.47")
    c.drawString(330, 680, "97,968.15")
    c.drawString(72, 660, "Scope 2")
    c.drawString(250, 660, "11.59")
    c.drawString(330, 660, "8.79")
    c.drawString(72, 640, "Emissions of CO")
    c.setFont("Helvetica", 6)
    c.drawString(72 + c.stringWidth("Emissions of CO", "Helvetica", 10) + 0.5, 637, "2")
    c.showPage()
    c.save()
    return path


def test_reads_every_page_in_order(make_pdf):
    path = make_pdf("three.pdf", [["Page one text here."], ["Page two text here."], ["Page three."]])
    doc = esglens.read(path)
    assert doc.page_count == 3
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert "Page two" in doc.pages[1].text
    assert len(doc.sha256) == 64


def test_pages_option_limits_pages(make_pdf):
    path = make_pdf("five.pdf", [[f"This is page {i}."] for i in range(1, 6)])
    doc = esglens.read(path, pages="2-3")
    assert [p.number for p in doc.pages] == [2, 3]
    assert doc.page_count == 5


def test_parse_pages_rejects_nonsense():
    assert parse_pages("1-3,5", 10) == [1, 2, 3, 5]
    for bad in ("x", "0", "5-2", "20"):
        with pytest.raises(ConfigError):
            parse_pages(bad, 10)


def test_two_columns_read_column_by_column(tmp_path):
    doc = esglens.read(_two_column_pdf(tmp_path / "cols.pdf"))
    text = doc.pages[0].text
    assert text.index("Left column line 11") < text.index("Right column line 0")
    assert doc.pages[0].blocks[0].kind == "heading"


def test_footnote_marker_stays_apart_from_label_and_value(tmp_path):
    doc = esglens.read(_footnote_pdf(tmp_path / "fn.pdf"))
    text = doc.pages[0].text
    assert "Scope 1⁹ 94,962.47 97,968.15" in text
    assert "Scope 19" not in text
    assert "CO2" in text  # a lowered subscript stays a plain digit
    rows = [r for t in doc.pages[0].tables for r in t.rows]
    assert ("Scope 1⁹", "94,962.47", "97,968.15") in rows


def test_table_rows_keep_label_and_values(make_pdf):
    rows = [["Indicator", "2024", "2023"], ["Scope 1 emissions", "1,200", "1,350"],
            ["Water withdrawal", "52,000", "55,100"]]
    doc = esglens.read(make_pdf("table.pdf", [["KPI table", ("TABLE", rows)]]))
    table = doc.pages[0].tables[0]
    assert ("Scope 1 emissions", "1,200", "1,350") in table.rows
    assert "Water withdrawal 52,000 55,100" in doc.pages[0].text


def test_running_headers_and_page_numbers_are_furniture(make_pdf, tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "furniture.pdf"
    c = canvas.Canvas(str(path))
    for i in range(1, 6):
        c.setFont("Helvetica", 8)
        c.drawString(72, 810, "Acme Corp Sustainability Report 2024")
        c.drawString(290, 20, str(i))
        c.setFont("Helvetica", 10)
        c.drawString(72, 600, f"Body text of page {i} talks about our climate programme.")
        c.showPage()
    c.save()
    doc = esglens.read(path)
    for page in doc.pages:
        furniture = [b.text for b in page.blocks if b.furniture]
        assert "Acme Corp Sustainability Report 2024" in furniture
        assert "Acme Corp" not in page.body_text
        assert page.label == str(page.number)


def test_superscript_marking_needs_a_raised_baseline():
    base = Segment(10, 100, 40, 110, "Scope 1", 10, baseline=108)
    raised = Segment(40.5, 97, 44, 103, "9", 6, baseline=103)
    level = Segment(40.5, 100, 44, 110, "9", 10, baseline=108)
    mark_superscripts([base, raised])
    assert raised.text == "⁹"
    mark_superscripts([base, level])
    assert level.text == "9"


def test_blocks_are_inside_the_page(make_pdf):
    doc = esglens.read(make_pdf("b.pdf", [["Some heading text", "A paragraph of body text."]]))
    page = doc.pages[0]
    for b in page.blocks:
        x0, top, x1, bottom = b.bbox
        assert 0 <= x0 <= x1 <= page.width and 0 <= top <= bottom <= page.height


def test_build_blocks_of_nothing_is_empty():
    assert build_blocks([], 1, 800) == ([], [])


def test_json_round_trip_of_a_real_document(make_pdf):
    table = ("TABLE", [["a", "1", "2"], ["b", "3", "4"]])
    doc = esglens.read(make_pdf("rt.pdf", [["Hello world text.", table]]))
    again = Document.from_dict(json.loads(json.dumps(doc.to_dict())))
    assert again == doc


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_bbox = st.tuples(*[st.floats(0, 1000, allow_nan=False)] * 4)
_blocks = st.builds(Block, text=_text, bbox=_bbox,
                    kind=st.sampled_from(["heading", "paragraph", "list", "caption", "footnote"]),
                    font_size=st.floats(0, 40, allow_nan=False), bold=st.booleans(),
                    furniture=st.booleans())
_tables = st.builds(Table, page=st.integers(1, 500), bbox=_bbox,
                    rows=st.lists(st.lists(_text, max_size=4).map(tuple), max_size=4).map(tuple),
                    header_rows=st.integers(0, 2))
_pages = st.builds(Page, number=st.integers(1, 500), width=st.floats(1, 2000, allow_nan=False),
                   height=st.floats(1, 2000, allow_nan=False), text=_text,
                   blocks=st.lists(_blocks, max_size=3).map(tuple),
                   tables=st.lists(_tables, max_size=2).map(tuple),
                   label=st.none() | _text, ocr=st.booleans())


@settings(max_examples=60, deadline=None)
@given(pages=st.lists(_pages, max_size=3), title=_text)
def test_document_round_trips(pages, title):
    doc = Document(path="x.pdf", sha256="0" * 64, title=title, page_count=len(pages),
                   language="en", pages=tuple(pages), metadata={"Title": title})
    assert Document.from_dict(json.loads(json.dumps(doc.to_dict()))) == doc


# ----------------------------------------------------------------- real reports (../shared)

REAL = [
    ("siemens-2024-sustainability.pdf", 170),
    ("orange-2023-integrated.pdf", 69),
    ("suez-2023-progress.pdf", 11),
    ("bhp-2020-climate-change.pdf", 48),
    ("bhp-2021-climate-transition-plan.pdf", 27),
    ("riotinto-2023-climate-change.pdf", 46),
    ("ctreit-2022-esg.pdf", 34),
    ("sunshine-oilsands-2019-esg.pdf", 32),
    ("shell-2019-excerpt.pdf", 4),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "pages"), REAL)
def test_real_reports_read_every_page_with_text(name, pages):
    doc = esglens.read(shared_report(name))
    assert doc.page_count == pages == len(doc.pages)
    assert sum(1 for p in doc.pages if p.text.strip()) >= 0.9 * pages
    assert doc.language == "en"


@pytest.mark.slow
def test_real_footnote_digits_do_not_glue_to_labels():
    sunshine = esglens.read(shared_report("sunshine-oilsands-2019-esg.pdf"), pages="10")
    assert "Scope 1⁹ tonnes of CO2-e 94,962.47 97,968.15" in sunshine.pages[0].text
    siemens = esglens.read(shared_report("siemens-2024-sustainability.pdf"), pages="67")
    text = siemens.pages[0].text
    assert "Scope 2² 94 163" in text and "Scope 1 347 387" in text


@pytest.mark.slow
def test_real_rio_tinto_page_labels_are_offset():
    doc = esglens.read(shared_report("riotinto-2023-climate-change.pdf"), pages="3-7")
    assert [p.label for p in doc.pages] == ["1", "2", "3", "4", "5"]


@pytest.mark.slow
def test_real_image_only_report_is_ocred():
    from esglens.ingest.ocr import tesseract_path

    if tesseract_path() is None:
        pytest.skip("tesseract not installed")
    doc = esglens.read(shared_report("sunshine-oilsands-2019-esg-image-only.pdf"), pages="10")
    page = doc.pages[0]
    assert page.ocr and "94,962.47" in page.text


# ----------------------------------------------------------------- OCR (tesseract)


def _rasterise(src: Path, dst: Path) -> Path:
    """Copy ``src`` as an image-only PDF: each page becomes a 300 dpi picture, no text layer."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pdf = pdfium.PdfDocument(str(src))
    c = canvas.Canvas(str(dst))
    for page in pdf:
        w, h = page.get_size()
        c.setPageSize((w, h))
        c.drawImage(ImageReader(page.render(scale=300 / 72).to_pil()), 0, 0, w, h)
        c.showPage()
    c.save()
    return dst


def _needs_tesseract(lang: str = "eng") -> None:
    from esglens.ingest.ocr import _langs_available, tesseract_path

    binary = tesseract_path()
    if binary is None or lang not in _langs_available(binary):
        pytest.skip(f"tesseract with {lang} not installed")


def test_image_only_page_is_ocred(make_pdf, tmp_path):
    _needs_tesseract()
    lines = [("Water report", 18), "Water withdrawal was 187,354.6 cubic metres in 2019."]
    src = make_pdf("src.pdf", [lines])
    doc = esglens.read(_rasterise(src, tmp_path / "scan.pdf"))
    page = doc.pages[0]
    assert page.ocr
    assert "187,354.6" in page.text and "Water withdrawal" in page.text


def test_ocr_off_reports_no_text(make_pdf, tmp_path):
    src = make_pdf("src.pdf", [["Some text that only exists as pixels after rasterising."]])
    from esglens.errors import NoTextError

    with pytest.raises(NoTextError):
        esglens.read(_rasterise(src, tmp_path / "scan.pdf"), ocr_mode="off")


def test_chinese_image_only_page_is_ocred(tmp_path):
    _needs_tesseract("chi_sim")
    font = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    if not font.exists():
        pytest.skip("no CJK font to draw the fixture")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("wqy", str(font)))
    src = tmp_path / "zh.pdf"
    c = canvas.Canvas(str(src))
    c.setFont("wqy", 16)
    c.drawString(72, 700, "我们致力于在二零五零年实现碳中和。")
    c.drawString(72, 670, "二零二三年温室气体排放总量下降。")
    c.showPage()
    c.save()
    doc = esglens.read(_rasterise(src, tmp_path / "zh-scan.pdf"))
    assert doc.pages[0].ocr and doc.language == "zh"
    assert "碳中和" in doc.pages[0].text and " " not in doc.pages[0].text.strip()


def test_compounds_keep_their_hyphen_at_a_line_break():
    from esglens.ingest.layout import _dehyphenate

    assert _dehyphenate(["low and zero-", "emission fuels at Australia-", "based sites; sustain-",
                         "ability"]) == "low and zero-emission fuels at Australia-based sites; sustainability"


def test_columns_under_a_header_that_spans_the_gutter_are_read_apart(tmp_path):
    """A page header whose items sit over the gutter hides it from the whole page; the band of
    running text under it still reads column by column, not line by line across both."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "header-cols.pdf"
    c = canvas.Canvas(str(path), pagesize=(842, 595))
    c.setFont("Helvetica", 7)
    items = ((60, "01 Shareholders"), (200, "02 Management report"),
             (280, "03 Consolidated financial statements and the notes to them"),  # over the gutter
             (600, "04 Further information"))
    for x, item in items:
        c.drawString(x, 570, item)
    c.setFont("Helvetica", 8)
    for i in range(25):
        y = 480 - 15 * i
        c.drawString(57, y, f"Left column sentence number {i} continues in the left column here")
        c.drawString(430, y, f"Right column sentence number {i} continues in the right column too")
    c.save()
    text = esglens.read(path).pages[0].text
    assert text.index("Left column sentence number 24") < text.index("Right column sentence number 0")


def test_a_capitalised_word_split_at_a_line_break_is_joined_but_prefixes_keep_the_hyphen():
    from esglens.hyphenation import keeps_hyphen

    assert not keeps_hyphen("Sec", "tion") and not keeps_hyphen("Man", "aging")
    assert keeps_hyphen("Non", "financial") and keeps_hyphen("ESG", "related")
    assert keeps_hyphen("Australia", "based") and keeps_hyphen("zero", "emission")
