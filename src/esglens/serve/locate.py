"""Find where a quoted text sits on a PDF page, as boxes to highlight over the page image.

A citation carries its page and quote, not a position; the quote is text the pipeline read
(whitespace joined, footnote markers as superscripts, a table row's cells in one line), so it is
matched against pdfium's characters with spaces ignored and NFKC-folded, and where it is not
there whole (a clipped quote, a row whose cells the text layer orders differently), by the
longest runs it shares with the page. Boxes are line rectangles in PDF points from the page's
top-left (the model's bbox convention), so the browser draws them over an image of any scale.

pdfium runs in the guard's sandboxed child (``guard.run_guarded``), like every other read.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..guard import Limits, check_path, run_guarded

__all__ = ["Query", "find_boxes", "locate_on_page"]

Query = tuple[str, str]  # (quote, value to emphasise inside it or "")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212\x02\ufffe"), "-")
_DASHES.update(dict.fromkeys(map(ord, "\u2018\u2019\u201a\u2032"), "'"))
_DASHES.update(dict.fromkeys(map(ord, "\u201c\u201d\u201e\u2033"), '"'))
_MIN_RUN = 8  # characters (spaces ignored) a partial match must share with the page per run
_MIN_SHARE = 0.5  # of the quote's characters, for a partial match to count


def fold(text: str) -> str:
    """Text as compared: NFKC (superscript 9 -> 9, ligatures split), case-folded, one dash."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).casefold().replace("\u00ad", "")


def _page_chars(textpage: Any, count: int) -> tuple[str, list[int]]:
    """The page's non-space characters folded, and the pdfium char index of each."""
    import pypdfium2.raw as pdfium_c

    out: list[str] = []
    where: list[int] = []
    for i in range(count):
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        ch = chr(code) if 0 < code < 0x110000 else ""
        for c in fold(ch):
            if not c.isspace() and c.isprintable():
                out.append(c)
                where.append(i)
    return "".join(out), where


def _spans(page_text: str, quote: str) -> tuple[list[tuple[int, int]], str]:
    """Spans of ``page_text`` (folded, no spaces) holding ``quote``: whole, else its longest runs."""
    key = "".join(c for c in fold(quote.rstrip("…").strip()) if not c.isspace())
    if len(key) < 2:
        return [], "none"
    at = page_text.find(key)
    if at >= 0:
        return [(at, at + len(key))], "exact"
    if len(page_text) > 60_000:  # a page of that much text: matching runs costs too much
        return [], "none"
    matcher = difflib.SequenceMatcher(None, page_text, key, autojunk=False)
    runs = [(a, a + n) for a, _, n in matcher.get_matching_blocks() if n >= _MIN_RUN]
    if sum(b - a for a, b in runs) < _MIN_SHARE * len(key):
        return [], "none"
    return runs, "partial"


def _rects(textpage: Any, where: list[int], spans: Sequence[tuple[int, int]],
           origin: tuple[float, float]) -> list[list[float]]:
    """pdfium's line rectangles over the characters of ``spans``, top-left based, rounded."""
    left, top = origin
    boxes: list[list[float]] = []
    for a, b in spans:
        first, last = where[a], where[b - 1]
        for i in range(textpage.count_rects(first, last - first + 1)):
            x0, y0, x1, y1 = textpage.get_rect(i)
            boxes.append([round(x0 - left, 1), round(top - y1, 1), round(x1 - left, 1), round(top - y0, 1)])
    return boxes


def _value_spans(page_text: str, where: list[int], spans: Sequence[tuple[int, int]],
                 value: str) -> list[tuple[int, int]]:
    """The first place inside the matched spans where ``value`` (a number as printed) stands alone.

    Spaces were dropped from ``page_text``, so "2,987 2,760" reads "2,9872,760": a boundary is a
    character that is no digit, or a gap in pdfium's char indices (the space that was there).
    """
    key = "".join(c for c in fold(value) if not c.isspace())
    if not key:
        return []

    def apart(i: int) -> bool:  # is there a boundary between characters i - 1 and i?
        return not (page_text[i - 1].isdigit() and page_text[i].isdigit()) or where[i] - where[i - 1] > 1

    for a, b in spans:
        at = page_text.find(key, a, b)
        while at >= 0:
            end = at + len(key)
            if (at == 0 or apart(at)) and (end >= len(page_text) or apart(end)):
                return [(at, end)]
            at = page_text.find(key, at + 1, b)
    return []


def locate_on_page(pdf: Any, page_number: int, queries: Sequence[Query]) -> dict[str, Any]:
    """Boxes of each query on one page of an open pdfium document (call it in the sandbox).

    Returns ``{"width", "height", "rotation", "results": [{"boxes", "value_boxes", "match"}]}``,
    results in query order; ``match`` is "exact", "partial" or "none". Rotated pages get no
    boxes (their image is turned; the text coordinates are not).
    """
    page = pdf[page_number - 1]
    try:
        width, height = page.get_size()
        rotation = page.get_rotation()
        crop = page.get_cropbox()
        results: list[dict[str, Any]] = []
        textpage = page.get_textpage()
        try:
            text, where = _page_chars(textpage, textpage.count_chars())
            for quote, value in queries:
                spans, match = _spans(text, quote) if text and rotation == 0 else ([], "none")
                origin = (crop[0], crop[3])
                results.append({
                    "boxes": _rects(textpage, where, spans, origin),
                    "value_boxes": _rects(textpage, where, _value_spans(text, where, spans, value), origin),
                    "match": match,
                })
        finally:
            textpage.close()
    finally:
        page.close()
    return {"width": round(width, 1), "height": round(height, 1), "rotation": rotation, "results": results}


def _locate_in_child(path: str, page_number: int, queries: list[Query]) -> dict[str, Any]:
    from ..errors import ConfigError
    from ..ingest.pdf import open_pdf

    pdf = open_pdf(Path(path))
    try:
        if not 1 <= page_number <= len(pdf):
            raise ConfigError(f"{path}: page {page_number} does not exist — pages are 1 to {len(pdf)}")
        return locate_on_page(pdf, page_number, queries)
    finally:
        pdf.close()


def find_boxes(path: str | Path, page_number: int, queries: Sequence[Query],
               *, time_limit: float = 30.0) -> dict[str, Any]:
    """Highlight boxes of ``queries`` (quote, value) on 1-based page ``page_number`` of ``path``.

    See ``locate_on_page`` for the result. Raises the InputError family like ``esglens.read``
    (the engine runs sandboxed, ``time_limit`` seconds at most), ConfigError for a missing page.
    """
    check_path(path)
    return run_guarded(_locate_in_child, (str(path), page_number, list(queries)), {},
                       limits=Limits(time_s=time_limit), name=str(path))
