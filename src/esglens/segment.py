"""Passages and sentences: heading-bounded chunks of page text that later stages classify and search.

Stage: Document -> tuple[Passage, ...]. A passage never crosses a page (so its citation is one
page), carries the nearest heading above it, and excludes running headers/footers. Table rows
become their own short passages ("header: cells") so a retriever can find a single KPI row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Block, Document, Page, Passage

MAX_WORDS = 120

# A sentence ends at . ! ? (or a CJK full stop) followed by space and an upper-case letter, digit
# or quote; common abbreviations (English and German) and decimal numbers do not end sentences.
_ABBREV = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|no|nos|fig|figs|mr|mrs|ms|dr|st|inc|ltd|co|corp|"
    r"plc|p|pp|ca|cf|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|u\.s|u\.k|dept|est|al|"
    r"bzw|ggf|mio|mrd|rd|vgl|sog|abs|kap|gem|evtl|usw|zzgl|bspw|insb|bzgl|inkl|max|min)\.)$",
    re.I,
)
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_BOUNDARY = re.compile(
    r"(?<=[.!?])(?P<tail>[\"”’)]?[" + _SUPERSCRIPTS + r"]*)\s+(?=[\"“‘„(]?[A-ZÄÖÜ0-9])"
    r"|(?<=[。！？])"
    r"|(?P<bullet>\s+)(?=[•▪■●◦]\s)"  # a list item starts a sentence even without a full stop
)
# "am 31. Dezember 2022": a German day number's full stop is no sentence end.
_GERMAN_DATE = re.compile(
    r"\s*(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)\b"
)


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping abbreviations and numbers like 9.5 intact.

    List bullets ("• ...") start a new sentence; a footnote mark after the full stop
    ("women.¹¹ In 2024") stays with the sentence it ends.
    """
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    pieces: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end("tail") if m.group("tail") is not None else m.start()
        candidate = text[start:end].strip()
        if not candidate:
            continue
        if m.group("bullet") is None:
            bare = candidate[: len(candidate) - len(m.group("tail") or "")]
            end_of = bare[-20:]  # both patterns look at the end only: no rescan of the sentence
            if _ABBREV.search(end_of) or re.search(r"\b[A-Z]\.$", end_of):
                continue
            if re.search(r"\b\d{1,2}\.$", bare) and _GERMAN_DATE.match(text, m.end()):
                continue
        pieces.append(candidate)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


# ------------------------------------------------------------------ paragraphs across block breaks

# A block ending like this closes its sentence; the next block starts a new one.
_CLOSED = re.compile(r"[.!?:;。！？：；][\"'”’)\]" + _SUPERSCRIPTS + r"]*$")
# A block ending on a word that needs a complement ("... in the workforce is" / "36.2%, up from"):
# a value at the start of the next block completes it.
_DANGLING = re.compile(
    r"(?:\b(?:is|are|was|were|be|been|of|at|to|by|from|totall?ed|amounted|reached|stood|"
    r"approximately|about|around|roughly|nearly|some|with|and|or|than|the|a|an|in|for|on|"
    r"beträgt|betrug|betragen|betrugen|lag|lagen|bei|von|auf|rund|etwa|insgesamt|um|und|oder|"
    r"fiscal|financial|calendar|year|FY|GJ|Jahr|Geschäftsjahr|January|February|March|April|May|June|July|"
    r"August|September|October|November|December|Januar|Februar|März|Juni|Juli|Oktober|Dezember)"
    r"|[为是达約约])$",
    re.I,
)


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")


def _continues(prev: Block, nxt: Block) -> bool:
    """True when ``nxt`` carries on the sentence ``prev`` leaves open (a line or block break).

    Text layers split one sentence into blocks at a line wrap with loose leading, at a column
    or page-region break, or where a value is set in another font ("The proportion of women in
    the workforce is" / "36.2%, up from 36.1%"). A lower-case start, a dangling hyphen, a value
    after a dangling verb or preposition, or the next line of the same column continues it.
    """
    a, b = prev.text.rstrip(), nxt.text.lstrip()
    if not a or not b or _CLOSED.search(a):
        return False
    if b[0].islower() or (a.endswith("-") and a[-2:-1].isalpha()):
        return True
    if b[0].isdigit() or b[0] in "~≈<>":
        return bool(_DANGLING.search(a))
    if prev.kind in ("heading", "caption") or nxt.kind in ("heading", "caption"):
        return False
    if re.search(r"[\d%]$", a):  # "label 1,444" lines of a key-figure list are rows, not prose
        return False
    # One block per wrapped line (loose leading): same left edge, the next line right below.
    line = max(prev.font_size, 4.0) if prev.font_size else max(4.0, min(prev.bbox[3] - prev.bbox[1], 14.0))
    return abs(prev.bbox[0] - nxt.bbox[0]) <= 4 and -1.0 <= nxt.bbox[1] - prev.bbox[3] <= 1.2 * line


def _join(a: str, b: str) -> str:
    """``a`` and ``b`` joined as one text: "propor-" + "tion" -> "proportion"; CJK unspaced."""
    if a.endswith("-") and len(a) > 1 and a[-2].isalpha():
        return a[:-1] + b if b[:1].islower() else a + b
    if _is_cjk(a[-1]) and _is_cjk(b[:1]):
        return a + b
    return f"{a} {b}"


def iter_paragraphs(page: Page, skip_tables: bool = False) -> Iterator[tuple[str, str]]:
    """``(heading, text)`` for each paragraph of the page body, rebuilt across block breaks.

    Running headers/footers are left out. A heading block that a lower-case block continues is
    text, not a heading ("The percentage of women in leadership positions in 2023" / "was
    14.2 %."). ``skip_tables`` leaves out blocks inside the page's tables.
    """
    boxes = [t.bbox for t in page.tables] if skip_tables else []
    blocks = [
        b for b in page.blocks
        if not b.furniture and b.text.strip() and not any(_inside(b.bbox, box) for box in boxes)
    ]
    heading, text = "", ""
    prev: Block | None = None
    for n, block in enumerate(blocks):
        body = block.text.strip()
        if prev is not None and text and _continues(prev, block):
            text, prev = _join(text, body), block
            continue
        if text:
            yield heading, text
        text, prev = "", block
        after = blocks[n + 1] if n + 1 < len(blocks) else None
        if block.kind == "heading" and not (after is not None and _continues(block, after)):
            heading = body
            continue
        text = body
    if text:
        yield heading, text


def _table_passages(page: Page) -> Iterator[Passage]:
    for table in page.tables:
        header = " ".join(" ".join(r) for r in table.rows[: table.header_rows])
        for row in table.rows[table.header_rows :]:
            cells = [c for c in row if c]
            if len(cells) >= 2:
                text = f"{header} | {' | '.join(cells)}" if header else " | ".join(cells)
                yield Passage(page=page.number, text=text, heading=header, is_table=True)


def segment_page(page: Page) -> tuple[Passage, ...]:
    """Passages of one page: prose under headings (<= MAX_WORDS words each), then table rows.

    Paragraphs come from ``iter_paragraphs``, so a sentence broken over blocks stays whole.
    """
    out: list[Passage] = []

    def flush(heading: str, buffer: list[str]) -> None:
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

    heading = ""
    buffer: list[str] = []
    for under, text in iter_paragraphs(page, skip_tables=True):
        if under != heading:
            flush(heading, buffer)
            heading, buffer = under, []
        buffer.append(text)
    flush(heading, buffer)
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
