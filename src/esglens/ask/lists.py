""""Which" answers: the items a report lists (material topics, decarbonisation levers), each
cited to its page.

Two shapes are read. An enumeration in a sentence about the list ("Our levers include energy
efficiency, renewable electricity and fleet electrification.") and a run of short lines under a
line that names the list (a materiality table, a bulleted list of levers). The pages searched are
the retrieved ones whose text names the list (``lists.*.finds`` in ``data/questions.yaml``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from ..segment import split_sentences
from .evidence import Piece, clip, why_not_quotable
from .kinds import vocabulary
from .retrieve import Index

MIN_ITEMS, MAX_ITEMS = 3, 15
_ENUM = re.compile(
    r"(?:\b(?:include|includes|including|are|were|comprise|comprises|such as|namely|as follows|cover|"
    r"covers)|:)"
    r"\s*:?\s+(?P<items>[^.;:]*?(?:,|;)[^.;:]*?\b(?:and|as well as|or)\b[^.;:]+)",
)
_BULLET = re.compile(r"^\s*(?:[•▪●■◦·→>*–—-]|\(?\d{1,2}[.)]|[a-z]\))\s*")
_SPACED_CAPS = re.compile(r"\s+[A-Z]\s?[A-Z]{3,}(?:\s+[A-Z]{3,})*\b")
_INDEX_LINE = re.compile(r"\b(?:GRI|ESRS|SASB)\s*[A-Z]?\d|\b\d{3}-\d{1,2}\b")
_FOOTNOTE = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\(\d\)")


def clean_item(text: str) -> str:
    """A list line without its bullet, footnote marks and column labels in spaced capitals."""
    text = _FOOTNOTE.sub("", _BULLET.sub("", text))
    text = _SPACED_CAPS.sub("", text)
    return re.sub(r"\s+", " ", text).strip(" ,;:.–-")


def is_item(text: str) -> bool:
    """A short line that can be one list item (a topic, a lever), not a heading or a number."""
    words = text.split()
    if not 1 <= len(words) <= 12 or not text[:1].isupper() or text.isupper():
        return False
    if re.search(r"\d{2,}|%|\||[−–-]\s+[−–-]", text) or text.endswith((":", "?")):
        return False
    return not re.search(r"\b(?:page|report|contents|see|table|figure|source)\b", text, re.I)


def split_enumeration(items: str) -> list[str]:
    """"a, b and c" -> ["a", "b", "c"] (items of 1-10 words)."""
    items = re.sub(r"\s*\([^()]*\)", "", items)  # "(for example ...)" asides
    parts = re.split(r"\s*(?:,|;|\band\b|\bas well as\b)\s*", items)
    out = [p.strip(" .") for p in parts if p.strip(" .")]
    return [p for p in out if 1 <= len(p.split()) <= 14]


def _pages(index: Index, hits: Sequence[tuple[int, float]], finds: re.Pattern[str]) -> list[int]:
    score: dict[int, float] = defaultdict(float)
    for i, s in hits[:20]:
        chunk = index.chunks[i]
        if finds.search(chunk.heading):
            score[chunk.page] += 1.5 * s
        elif finds.search(chunk.text):
            score[chunk.page] += s
    for page, text in index.items:
        if finds.search(text) and page in score:
            score[page] += 0.5
    return sorted(score, key=lambda p: -score[p])[:3]


def _run_after(lines: list[str], core: re.Pattern[str], finds: re.Pattern[str]) -> list[str]:
    """The longest run of item lines following a line that names the list."""
    best: list[str] = []
    for j, line in enumerate(lines):
        if not core.search(line):
            continue
        run: list[str] = []
        for nxt in lines[j + 1 :]:
            item = clean_item(nxt)
            if is_item(item) and not finds.search(item):
                if item not in run:
                    run.append(item)
            elif nxt and not re.fullmatch(r"[A-Z\s&]+", nxt):  # column labels do not end a run
                if len(run) >= MIN_ITEMS:
                    break
                run = []
        if len(run) > len(best):
            best = run
    return best[:MAX_ITEMS]


def list_pieces(index: Index, name: str, hits: Sequence[tuple[int, float]]) -> tuple[str, list[Piece]]:
    """(how the items were found, pieces): one piece whose text is the items of the best page
    ("a, b and c" from a sentence, "a; b; c" from lines) and whose quote is the source."""
    finds = vocabulary()["lists_re"][name]["finds"]
    core = vocabulary()["lists_re"][name].get("core") or finds
    pages = _pages(index, hits, finds)
    for page in pages:
        for chunk in (c for c in index.chunks if c.page == page and not c.is_table):
            for sentence in split_sentences(chunk.text):
                named = core.search(sentence)
                m = _ENUM.search(sentence, named.start()) if named else None
                if m and not why_not_quotable(sentence):
                    items = split_enumeration(m.group("items"))
                    if len(items) >= MIN_ITEMS:
                        listed = ", ".join(items[:-1]) + " and " + items[-1]
                        return "sentence", [Piece(listed, page, clip(sentence))]
        lines = [t for p, t in index.items if p == page]
        if sum(bool(_INDEX_LINE.search(t)) for t in lines) >= 3:
            continue  # a GRI / ESRS content index lists disclosures, not the company's topics
        run = _run_after(lines, core, finds)
        if len(run) >= MIN_ITEMS:
            quote = clip(" · ".join(run))
            return "items", [Piece("; ".join(run), page, quote)]
    return "none", []
