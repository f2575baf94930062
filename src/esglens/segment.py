"""Passages and sentences: heading-bounded chunks of page text that later stages classify and search.

Stage: Document -> tuple[Passage, ...]. A passage never crosses a page (so its citation is one
page), carries the nearest heading above it, and excludes running headers/footers. Table rows
become their own short passages ("header: cells") so a retriever can find a single KPI row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Document, Page, Passage

MAX_WORDS = 120

# A sentence ends at . ! ? (or a CJK full stop) followed by space and an upper-case letter, digit
# or quote; common abbreviations and decimal numbers do not end sentences.
_ABBREV = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|no|nos|fig|figs|mr|mrs|ms|dr|st|inc|ltd|co|corp|"
    r"plc|p|pp|ca|cf|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|u\.s|u\.k|dept|est|al)\.)$",
    re.I,
)
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])|(?<=[。！？])")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping abbreviations and numbers like 9.5 intact."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    pieces: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        candidate = text[start : m.start()].strip()
        if not candidate:
            continue
        if _ABBREV.search(candidate) or re.search(r"\b[A-Z]\.$", candidate):
            continue
        pieces.append(candidate)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def _table_passages(page: Page) -> Iterator[Passage]:
    for table in page.tables:
        header = " ".join(" ".join(r) for r in table.rows[: table.header_rows])
        for row in table.rows[table.header_rows :]:
            cells = [c for c in row if c]
            if len(cells) >= 2:
                text = f"{header} | {' | '.join(cells)}" if header else " | ".join(cells)
                yield Passage(page=page.number, text=text, heading=header, is_table=True)


def segment_page(page: Page) -> tuple[Passage, ...]:
    """Passages of one page: prose under headings (<= MAX_WORDS words each), then table rows."""
    out: list[Passage] = []
    heading = ""
    buffer: list[str] = []

    def flush() -> None:
        words = 0
        chunk: list[str] = []
        for sentence in split_sentences(" ".join(buffer)):
            n = len(sentence.split())
            if chunk and words + n > MAX_WORDS:
                out.append(Passage(page=page.number, text=" ".join(chunk), heading=heading))
                chunk, words = [], 0
            chunk.append(sentence)
            words += n
        if chunk:
            out.append(Passage(page=page.number, text=" ".join(chunk), heading=heading))
        buffer.clear()

    table_boxes = [t.bbox for t in page.tables]
    for block in page.blocks:
        if block.furniture:
            continue
        if any(_inside(block.bbox, box) for box in table_boxes):
            continue
        if block.kind == "heading":
            flush()
            heading = block.text
            continue
        buffer.append(block.text)
    flush()
    out.extend(_table_passages(page))
    return tuple(out)


def _inside(inner: tuple[float, float, float, float], outer: tuple[float, float, float, float]) -> bool:
    return (
        inner[0] >= outer[0] - 1
        and inner[1] >= outer[1] - 1
        and inner[2] <= outer[2] + 1
        and inner[3] <= outer[3] + 1
    )


def segment_document(doc: Document) -> tuple[Passage, ...]:
    """All passages of the document, page by page in reading order."""
    return tuple(p for page in doc.pages for p in segment_page(page))
