"""A garbage text layer (a font whose character map is scrambled) is detected and OCRed; ordinary
pages, tables and other languages are not flagged."""

from __future__ import annotations

import random
import re
import string
from pathlib import Path

import pytest

import esglens
from esglens.ingest.garbage import is_garbage

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PROSE = [
    "Our water withdrawal fell by ten percent in the year, mainly because the",
    "plants in the south reused more of their process water. We set a target to",
    "reduce it by a further fifth by the end of the decade and report on it in",
    "this chapter every year. The figures cover all sites that we operate and",
    "they were checked by an independent auditor with limited assurance.",
    "Water withdrawal in 2024 was 187,354 cubic metres across the group.",
]


def _cipher() -> dict[str, str]:
    """A fixed letter substitution (no letter kept): what a shuffled ToUnicode map extracts as."""
    rng = random.Random(3)
    lower = list(string.ascii_lowercase)
    while True:
        shuffled = lower[:]
        rng.shuffle(shuffled)
        if all(a != b for a, b in zip(lower, shuffled, strict=True)):
            break
    table = dict(zip(lower, shuffled, strict=True))
    table.update({a.upper(): b.upper() for a, b in table.items()})
    return table


def _prose_pdf(path: Path, scramble: bool) -> Path:
    """A page of prose in an embedded TrueType font; ``scramble`` rewrites the font's ToUnicode map
    so the page prints correctly but its text layer extracts as a letter substitution."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    c = canvas.Canvas(str(path), pageCompression=0)
    c.setFont("DejaVu", 11)
    for i, line in enumerate(PROSE):
        c.drawString(56, 760 - 16 * i, line)
    c.showPage()
    c.save()
    if scramble:
        cipher = _cipher()

        def swap(m: re.Match[bytes]) -> bytes:
            char = chr(int(m.group(2), 16))
            return m.group(1) + b"%04X>" % ord(cipher.get(char, char))

        raw = path.read_bytes()
        assert b"beginbfchar" in raw  # reportlab writes the map uncompressed: same length, same xref
        path.write_bytes(re.sub(rb"(<[0-9A-F]{2}> <)([0-9A-F]{4})>", swap, raw))
    return path


def _needs_font() -> None:
    if not FONT.exists():
        pytest.skip("no DejaVu font to draw the fixture")


def test_scrambled_text_layer_is_detected_and_ocred(tmp_path):
    _needs_font()
    from esglens.ingest.ocr import tesseract_path

    plain = esglens.read(_prose_pdf(tmp_path / "plain.pdf", scramble=False))
    scrambled_path = _prose_pdf(tmp_path / "scrambled.pdf", scramble=True)
    assert not is_garbage(plain.pages[0].text) and not plain.pages[0].ocr and not plain.warnings
    off = esglens.read(scrambled_path, ocr_mode="off")  # the text layer as it extracts
    assert "water" not in off.pages[0].text.lower() and is_garbage(off.pages[0].text)
    if tesseract_path() is None:
        pytest.skip("tesseract not installed")
    doc = esglens.read(scrambled_path)
    page = doc.pages[0]
    assert page.ocr and "Water withdrawal" in page.text and "187,354" in page.text
    assert any("scrambled" in w for w in doc.warnings)


@pytest.mark.parametrize(
    "text",
    [
        " ".join(PROSE),
        "Scope 1 tCO2e 12,480 13,150 Scope 2 tCO2e 8,215 9,040 Water m3 452,300 470,100 " * 3,
        "Unsere Treibhausgasemissionen sind im Berichtsjahr gesunken, weil wir mehr Strom aus "
        "erneuerbaren Quellen bezogen haben. Für das Jahr 2030 haben wir uns ein neues Ziel gesetzt.",
        "我们致力于在二零五零年实现碳中和，二零二三年温室气体排放总量下降百分之十，员工培训时长增加。" * 2,
        "GRI 305-1 Direct (Scope 1) GHG emissions p. 45; GRI 305-2 Energy indirect (Scope 2) p. 46; "
        "SASB EM-MM-110a.1; TCFD Metrics and Targets (a) (b) (c) p. 12-14; ESRS E1-6 p. 50",
    ],
)
def test_ordinary_text_is_not_garbage(text):
    assert not is_garbage(text)


def test_unmappable_and_shuffled_text_is_garbage():
    rng = random.Random(5)
    assert is_garbage("(cid:12)(cid:45)(cid:7) " * 20)
    assert is_garbage("".join(chr(0xE000 + rng.randrange(500)) for _ in range(200)))
    cipher = _cipher()
    assert is_garbage("".join(cipher.get(ch, ch) for ch in " ".join(PROSE)))
    assert is_garbage("".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(200)))
