"""Statements a target can be read from: sentences of prose, table cells and graphics, list items.

Targets are printed as prose ("By 2030, reduce Scope 1 and 2 emissions by 70%"), as a tile (a big
"55%" over "reduction target for Scope 1 and 2 emissions by 2030"), as a table cell wrapped over
several lines ("75.7% reduction in" / "Scope 1 and 2 emissions" / "by 2030 (kgCO2e/MWh)") or as a
list under a dated heading ("By 2035" then "100% renewable electricity for facilities"). Blocks
stacked in one column with no sentence end between them are joined ("chains"), then split into
sentences and list items; a short dated heading lends its year to the items below it, and a
base year printed in a table header ("Base Year 2020") to the rows below it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from ..model import Block, Page
from .target_lexicon import lexicon

_SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_SUBSCRIPT = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_HAS_CJK = re.compile(rf"[{_CJK}]")
# "reduzieren1)", "Quellen3)": German footnote markers glued to a word; "levels(6)" in English.
_GLUED_NOTE = re.compile(r"(?<=[a-zäöüß%])(?:\d{1,2}\)|\(\d{1,2}\))(?=[\s,.;:]|$)")
_END = re.compile(r"[.!?。！？:：]\s*[\"”’)]?$")
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-ZÄÖÜ0-9•])|(?<=[。！？；])")
_NUMBER_ONLY = re.compile(r"[\d.,%\s+~<>≥≤−–-]*\d[\d.,%\s+~<>≥≤−–-]*")
_YEARISH = re.compile(r"(?:19|20)\d\d|[Ff][Yy]\s*'?\d\d")
# A table row ends in its values: two numbers at the end of the line.
_ROW_END = re.compile(r"\d[\d.,]*\s*%?\s+[-–]?\d[\d.,]*\s*%?\s*$")
MAX_CHAIN = 8
MAX_STATEMENT = 700


@dataclass(frozen=True)
class Statement:
    """One sentence or list item: ``text`` normalised for matching, ``quote`` as printed.

    ``context`` is the short line above (a heading or row label), ``list_year`` the year of a
    dated list heading above it, ``table_base`` the one base year a table header above states;
    ``layout`` is true for text from short stacked blocks (cells, tiles, list items);
    ``bare_years`` when a "Target year" column heads the table it sits in, so a bare "2030"
    in the row is its target year (and with ``bare_base``, a "Base year" column beside it, the
    row's earlier bare year its base year).
    """

    text: str
    quote: str
    page: int
    context: str = ""
    list_year: int | None = None
    table_base: int | None = None
    layout: bool = False
    bare_years: bool = False
    bare_base: bool = False


def is_candidate(text: str) -> bool:
    """True when ``text`` holds something a target is made of (a percentage, net zero, …)."""
    return lexicon().candidate.search(text.lower()) is not None


def normalise(text: str) -> str:
    """Text for matching: footnote markers dropped, CO₂ -> CO2, CJK glyph spacing removed."""
    text = _SUPERSCRIPT.sub(" ", text.translate(_SUBSCRIPT))
    text = _GLUED_NOTE.sub("", text)
    text = re.sub(r"[\u00a0\u2009\u202f\u2007]", " ", text).replace("\u2011", "-")
    text = re.sub(r"\s+", " ", text).strip()
    if _HAS_CJK.search(text):
        text = _CJK_SPACE.sub("", text)
    return text


def _join(parts: list[str]) -> str:
    """Join stacked lines, repairing words hyphenated at the line end ("com-" + "pared")."""
    out = ""
    for part in parts:
        part = part.strip()
        if re.search(r"[a-zäöü]-$", out) and re.match(r"[a-zäöü]", part):
            out = out[:-1] + part
        else:
            out = f"{out} {part}" if out else part
    return out


def _successor(block: Block, candidates: list[Block]) -> Block | None:
    """The block continuing ``block`` below it in the same column, if any.

    Left edges align (a wrapped cell, a paragraph split by the PDF) or, under a big number tile,
    the text below starts within the number's width; the gap is at most about one line.
    """
    x0, top, x1, bottom = block.bbox
    line = max(4.0, min(bottom - top, block.font_size * 1.6 if block.font_size else 12.0))
    tile = bool(_NUMBER_ONLY.fullmatch(block.text))
    reach = max(line * 1.2, block.font_size * 1.5) if tile else line * 1.2
    best: Block | None = None
    for c in candidates:
        cx0, ctop, _, _ = c.bbox
        if ctop < bottom - 2 or ctop - bottom > reach:
            continue
        aligned = abs(cx0 - x0) <= 6 or (tile and x0 - 10 <= cx0 <= x0 + (x1 - x0) * 0.5)
        if aligned and (best is None or ctop < best.bbox[1]):
            best = c
    return best


def _continues(block: Block) -> bool:
    """True when the text below may carry on this block: no sentence end, not a table row that
    ends in its values ("… 30% 2019 2030 12%"), not a column header ("Target year")."""
    text = block.text
    tail = text[-40:]  # the end-anchored tests only need the line's end (and stay fast)
    if _END.search(tail) or (len(text) <= 80 and lexicon().target_year_header.search(text)):
        return False
    return bool(_NUMBER_ONLY.fullmatch(text)) or not _ROW_END.search(tail)


def iter_chains(page: Page) -> Iterator[list[Block]]:
    """Runs of blocks stacked in one column with no sentence end between them, in reading order."""
    blocks = [b for b in page.blocks if not b.furniture and b.text.strip()]
    used: set[int] = set()
    for i, b in enumerate(blocks):
        if i in used:
            continue
        used.add(i)
        chain = [b]
        while len(chain) < MAX_CHAIN and _continues(chain[-1]):
            # the continuation is among the next blocks in reading order
            ahead = [j for j in range(i + 1, min(len(blocks), i + 16)) if j not in used]
            nxt = _successor(chain[-1], [blocks[j] for j in ahead])
            if nxt is None:
                break
            used.add(next(j for j in ahead if blocks[j] is nxt))
            chain.append(nxt)
        yield chain


@cache
def _bullet_split() -> re.Pattern[str]:
    return re.compile(rf"\s+(?=(?:{lexicon().bullets.pattern})\s*\S)|(?<=\S)(?=[\ue000-\uf8ff・])")


@cache
def _bullet_lead() -> re.Pattern[str]:
    return re.compile(rf"^(?:{lexicon().bullets.pattern})\s*")


def split_statements(text: str) -> list[str]:
    """Sentences and list items: sentence ends, CJK full stops, bullet markers.

    Semicolons stay inside: "Targets: 15% by 2025; 50% by 2030" is one list of one kind.
    """
    lex = lexicon()
    pieces: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        candidate = text[start : m.start()].strip()
        if candidate and not lex.abbreviations.search(candidate) and not re.search(
            r"\b[A-Z]\.$", candidate
        ):
            pieces.append(candidate)
            start = m.end()
    pieces.append(text[start:].strip())
    out: list[str] = []
    for piece in pieces:
        for item in _bullet_split().split(piece):
            item = _bullet_lead().sub("", item.strip()).strip()
            if item:
                out.append(item)
    return out


def _heading_year(text: str) -> int | None:
    """The year a short list heading names ("By 2025", "2035 goals:"), None for other headings."""
    lex = lexicon()
    if len(text) > lex.list_heading_max_chars or lex.pct.search(text):
        return None
    if lex.net_zero.search(text) or lex.carbon_neutral.search(text):
        return None
    m = lex.deadline.search(text)
    if m is None:
        return None
    return _year_of(m)


def _year_of(m: re.Match[str]) -> int:
    for g in ("y", "y2", "y3", "y4"):
        if m.groupdict().get(g):
            return int(m.group(g))
    return 2000 + int(m.group("yy"))


def _header_base(text: str) -> int | None:
    """The base year a short table header states ("Base Year 2020", "% change against 2020 baseline")."""
    if len(text) > 80:
        return None
    for pattern in lexicon().base:
        m = pattern.search(text)
        if m:
            return int(m.group("b"))
    return None


def _is_list_item(item: str) -> bool:
    """A short item that names a target, not a sentence reporting a dated result."""
    return len(item) <= 160 and not re.search(r"\b(?:in|im|In|Im)\s+(?:19|20)\d\d\b|(?:19|20)\d\d\s*:", item)


def iter_statements(page: Page, report_year: int | None = None) -> Iterator[Statement]:
    """Every statement on ``page`` with the context a target needs (1-based page number).

    A table header's base year counts only before the reporting year: "Baseline 2023" in a
    2023 report heads the current-year column, not a baseline.
    """
    if not is_candidate(page.text):
        return
    chains = list(iter_chains(page))
    list_year: int | None = None
    since = 0
    bases: list[tuple[float, int]] = []  # (top, year) of table headers stating a base year
    previous = ""  # the chain above, as printed (a heading or row label gives context)
    year_column: float | None = None  # top of a "Target year" column header
    base_column = False  # ... with a "Base year" column beside it
    lex = lexicon()
    for chain in chains:
        raw = _join([b.text for b in chain])
        if len(raw) <= 80 and lex.target_year_header.search(raw):
            year_column = chain[0].bbox[1] if year_column is None else year_column
            base_column = base_column or bool(lex.base_year_header.search(raw))
        candidate, yearish = is_candidate(raw), _YEARISH.search(raw)
        if not (candidate and (list_year or yearish)) and (len(raw) > 150 or not yearish):
            # neither a target nor a dated heading in it (the common case)
            since, previous = since + 1, raw if len(raw) <= 120 else ""
            if len(raw) > 200:
                list_year = None
            continue
        text = normalise(raw)
        top = chain[0].bbox[1]
        short = len(text) <= lex.list_heading_max_chars
        if short and (year := _heading_year(text)) is not None:
            list_year, since, previous = year, 0, raw
            continue
        if short and re.search(r"(?:19|20)\d\d", text) and not lex.pct.search(text):
            list_year = None  # another dated heading ("Progress made in 2022") ends the list
        base = _header_base(text)
        if base is not None and (report_year is None or base < report_year):
            bases.append((top, base))
        since += 1
        if since > 8 or len(text) > 200:
            list_year = None  # the list ended: far below its heading, or prose again
        if not candidate:
            previous = raw
            continue
        layout = len(chain) > 1 and all(len(b.text) < 160 for b in chain) or len(text) < 200
        above = {y for t, y in bases if t < top}
        table_base = next(iter(above)) if len(above) == 1 and layout else None
        context = normalise(previous) if len(previous) <= 120 else ""
        pending = ""
        for raw_item in split_statements(raw):
            if _NUMBER_ONLY.fullmatch(raw_item):
                pending = f"{pending} {raw_item}"  # a tile's number, read with its caption
                continue
            raw_item, pending = f"{pending} {raw_item}".strip(), ""
            if not is_candidate(raw_item):
                continue
            item = normalise(raw_item)
            if len(item) > MAX_STATEMENT or not re.search(r"\d", item):
                continue
            yield Statement(item, re.sub(r"\s+", " ", raw_item)[:400], page.number,
                            context=context, list_year=list_year if _is_list_item(item) else None,
                            table_base=table_base, layout=layout,
                            bare_years=layout and year_column is not None and top >= year_column,
                            bare_base=base_column)
        previous = raw
