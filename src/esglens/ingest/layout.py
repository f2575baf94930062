"""Blocks and light tables of a page from its positioned text segments.

Stage: segments (pdfium text runs or OCR words) -> reading-ordered regions (``order.xy_cut``) ->
lines (``lines.group_lines``) -> blocks (heading / paragraph / list / caption / footnote) with
de-hyphenation, and tables from runs of lines that carry values.
"""

from __future__ import annotations

import re
import statistics

from ..hyphenation import keeps_hyphen
from ..model import Block, BlockKind, Table
from .cells import build_tables
from .lines import (
    _BULLET,
    _CAPTION,
    _NUMERIC,
    _TRAILING_NUMBERS,
    Line,
    Segment,
    _is_cjk,
    group_lines,
    mark_superscripts,
)
from .order import xy_cut

__all__ = ["Line", "Segment", "build_blocks", "group_lines", "mark_superscripts", "xy_cut"]


def _dehyphenate(lines: list[str]) -> str:
    """Join wrapped lines; "sustain-" + "ability" becomes "sustainability", a compound keeps
    its hyphen ("zero-emission")."""
    out = ""
    for text in lines:
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and text[:1].islower():
            out = out + text if keeps_hyphen(out[:-1], text) else out[:-1] + text
        elif out and _is_cjk(out[-1]) and _is_cjk(text[:1]):
            out += text
        else:
            out = f"{out} {text}" if out else text
    return out


def _kind(text: str, size: float, bold: bool, body: float, top: float, height: float) -> BlockKind:
    words = len(text.split())
    if size >= 1.18 * body and words <= 25:
        return "heading"
    if size < 0.86 * body and top > 0.75 * height:
        return "footnote"
    if re.match(r"^[\d¹²³⁴⁵⁶⁷⁸⁹⁰*†]{1,3}\s", text) and size < 0.95 * body and top > 0.6 * height:
        return "footnote"
    if _CAPTION.match(text):
        return "caption"
    if _BULLET.match(text):
        return "list"
    if bold and words <= 12 and not text.endswith("."):
        return "heading"
    return "paragraph"


def build_blocks(
    segments: list[Segment], page_number: int, page_height: float
) -> tuple[list[Block], list[Table]]:
    """Reading-ordered blocks and light tables for one page's segments.

    Tables come from the same geometry: runs of at least two consecutive lines with two or more
    cells of which one is a number. That keeps tables in step with the text layer, which the
    pdfplumber trap in wide KPI annexes shows is the safer source of truth.
    """
    if not segments:
        return [], []
    mark_superscripts(segments)
    weights = [(s.size, len(s.text)) for s in segments]
    by_size: dict[float, int] = {}
    for size, n in weights:
        by_size[round(size, 1)] = by_size.get(round(size, 1), 0) + n
    body = max(by_size, key=lambda k: by_size[k]) or 10.0
    blocks: list[Block] = []
    tables: list[Table] = []
    lines = [line for region in xy_cut(segments) for line in group_lines(region)]
    current: list[Line] = []
    table_run: list[Line] = []

    def flush() -> None:
        if not current:
            return
        text = _dehyphenate([ln.text for ln in current])
        if text:
            size = statistics.median(ln.size for ln in current)
            bold = all(ln.bold for ln in current)
            top = min(ln.top for ln in current)
            bbox = (
                round(min(ln.x0 for ln in current), 2),
                round(top, 2),
                round(max(ln.x1 for ln in current), 2),
                round(max(ln.bottom for ln in current), 2),
            )
            kind = _kind(text, size, bold, body, top, page_height)
            blocks.append(Block(text, bbox, kind, round(size, 2), bold))
        current.clear()

    def flush_table() -> None:
        rows = [tuple(ln.cells()) for ln in table_run]
        if len(rows) >= 2:
            bbox = (
                round(min(ln.x0 for ln in table_run), 2),
                round(min(ln.top for ln in table_run), 2),
                round(max(ln.x1 for ln in table_run), 2),
                round(max(ln.bottom for ln in table_run), 2),
            )
            header = 1 if not any(_has_number_cell(c) for c in rows[0][1:]) else 0
            tables.append(Table(page_number, bbox, tuple(rows), header))
        table_run.clear()

    prev: Line | None = None
    for line in lines:
        cells = line.cells()
        tabular = (len(cells) >= 2 and any(_has_number_cell(c) for c in cells[1:])) or bool(
            _TRAILING_NUMBERS.search(line.text)
        )
        jumped = prev is not None and (line.top < prev.top - 1 or line.x0 > prev.x1 or line.x1 < prev.x0)
        if tabular or (table_run and len(cells) >= 2 and not jumped):
            if jumped and table_run:
                flush_table()
            table_run.append(line)
        elif table_run:
            flush_table()
        if prev is not None:
            gap = line.top - prev.bottom
            if (
                jumped
                or gap > 0.7 * max(line.size, 1.0)
                or abs(line.size - prev.size) >= 0.6
                or tabular
                or len(cells) >= 3
                or _BULLET.match(line.text)
            ):
                flush()
        current.append(line)
        if tabular or len(cells) >= 3:
            flush()
        prev = line
    flush()
    if table_run:
        flush_table()
    # Tables from word geometry come first; the line-based ones stay as a fallback reading.
    source = "text" if any(s.baseline is not None for s in segments) else "ocr"
    return blocks, build_tables(segments, page_number, source) + tables


def _has_number_cell(cell: str) -> bool:
    return bool(re.search(r"\d", cell)) and bool(_NUMERIC.match(cell.replace("n/a", "")))
