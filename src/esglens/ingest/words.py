"""Words and lines of a page from positioned text segments, for reading tables by geometry.

A phrase is the words of one line that sit close enough to be one cell: a label, a value, a
period header. Numbers never join each other (in tables, a space between two numbers is a column
gap), sub- and superscripts join the word they touch, and each phrase is classified as text, a
value, an empty-cell marker or a reporting period. Lines group phrases by vertical overlap.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..periods import PERIOD_CELL, period_of
from .lines import Segment

SUPERS = "⁰¹²³⁴⁵⁶⁷⁸⁹˒"
_VALUE = re.compile(
    r"[<>~≈]?\s?[-–−+]?\s?\(?[-–−]?\d[\d,.\u00a0\u202f' ]*\)?\s?%?\)?[" + SUPERS + r"*a-e]?"
    r"(?:\s?\(\d{1,2}\))?"
)
# A value with a short unit in the same cell: "75,617 t", "596 million liters", "€11,433.7 million".
_VALUE_UNIT = re.compile(
    r"[€$£¥]?\s?[-–−]?\d[\d,.\u00a0']*\s?(?:%|(?:[A-Za-z€$£¥µ][\w.²³₂/\-]*|CO₂e?|CO2e?)(?:\s[\w.²³₂/\-]+){0,3})"
    r"[" + SUPERS + r"]*"
)
_EMPTY = re.compile(r"(?:[-–—‐]{1,3}|n/?a|n\.a\.|N/?A|k\.\s?A\.|nm|n\.m\.|/|x|–\s?%)", re.I)
CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Phrase:
    """Words of one line close enough to be one cell (a label, a value, a header)."""

    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    size: float
    bold: bool
    kind: str = "text"  # text | value | empty | period
    period: str | None = None

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class PhraseLine:
    phrases: list[Phrase]
    top: float
    bottom: float

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)


def _classify(p: Phrase) -> None:
    s = p.text.strip().rstrip(":")
    plain = s.strip(SUPERS + "* ")
    period = period_of(plain) if PERIOD_CELL.fullmatch(plain) else None
    if period is not None:
        p.kind, p.period = "period", period
    elif _VALUE.fullmatch(s) and re.search(r"\d", s):
        p.kind = "value"
    elif _EMPTY.fullmatch(s):
        p.kind = "empty"
    elif _VALUE_UNIT.fullmatch(s):
        p.kind = "value"  # a value printed with its unit in the cell ("2,296,953 GJ", "146 kt CO₂e")


def iter_phrases(segments: list[Segment]) -> list[Phrase]:
    """Segments split into words where a run holds several numbers, then merged into phrases."""
    words: list[Phrase] = []
    for seg in segments:
        text = seg.text.strip()
        if not text:
            continue
        parts = text.split()
        numeric = [bool(re.fullmatch(r"[-–−(]?[\d.,]+%?\)?[" + SUPERS + "]*", w)) for w in parts]
        if len(parts) > 1 and sum(numeric) >= 2:
            # Several numbers in one run (OCR or a run set with wide spaces): estimate word boxes
            # from character positions, so each number can find its column.
            width = (seg.x1 - seg.x0) / max(len(text), 1)
            pos = 0
            for w in parts:
                start = text.index(w, pos)
                pos = start + len(w)
                words.append(
                    Phrase(
                        seg.x0 + start * width,
                        seg.x0 + pos * width,
                        seg.top,
                        seg.bottom,
                        w,
                        seg.size,
                        seg.bold,
                    )
                )
        else:
            words.append(Phrase(seg.x0, seg.x1, seg.top, seg.bottom, text, seg.size, seg.bold))
    return words


def group_phrase_lines(words: list[Phrase]) -> list[PhraseLine]:
    """Words into lines by vertical overlap with each line's first word (no snowballing).

    Small words (sub- and superscripts, footnote marks) join afterwards the line they overlap
    most, so the 2 of a lowered "CO2" never starts a line of its own.
    """
    heights = sorted(w.bottom - w.top for w in words)
    median = heights[len(heights) // 2] if heights else 8.0
    small = [w for w in words if (w.bottom - w.top) < 0.7 * median or w.text[:1] in SUPERS]
    normal = [w for w in words if not ((w.bottom - w.top) < 0.7 * median or w.text[:1] in SUPERS)]
    lines: list[tuple[float, float, list[Phrase]]] = []
    for w in sorted(normal, key=lambda w: (w.mid, w.x0)):
        placed = False
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            top, bottom, members = lines[i]
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap >= 0.5 * min(bottom - top, w.bottom - w.top, 100.0):
                members.append(w)
                placed = True
                break
        if not placed:
            lines.append((w.top, w.bottom, [w]))
    # Lines are ordered by their first word's middle; a small word can only overlap lines whose
    # band starts within a line height or two of it, so only those are scored.
    lines.sort(key=lambda ln: ln[0])
    starts = [top for top, _bottom, _members in lines]
    reach = 3 * median + 2
    for w in small:
        best, best_score = None, 0.25 * (w.bottom - w.top)
        lo = bisect.bisect_left(starts, w.top - reach)
        hi = bisect.bisect_right(starts, w.bottom + reach)
        for i in range(lo, hi):
            top, bottom, members = lines[i]
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap <= 0:
                continue
            # A sub/superscript belongs to the word it touches, not to the line it overlaps most.
            touching = any(
                -1.0 < w.x0 - m.x1 < 0.6 * m.size or -1.0 < m.x0 - w.x1 < 0.3 * m.size for m in members
            )
            score = overlap + (100.0 if touching else 0.0)
            if score > best_score:
                best, best_score = i, score
        if best is None:  # a line of small words only: later small words may join it
            k = bisect.bisect_right(starts, w.top)
            starts.insert(k, w.top)
            lines.insert(k, (w.top, w.bottom, [w]))
        else:
            lines[best][2].append(w)
    out = []
    for _top, _bottom, members in lines:
        members.sort(key=lambda w: w.x0)
        core = [w for w in members if w not in small] or members
        out.append(PhraseLine(_merge(members), min(w.top for w in core), max(w.bottom for w in core)))
    out.sort(key=lambda ln: ln.mid)
    return out


def _merge(words: list[Phrase]) -> list[Phrase]:
    """Adjacent words of a line joined into phrases; numbers never join each other."""
    out: list[Phrase] = []
    for w in words:
        if out:
            p = out[-1]
            gap = w.x0 - p.x1
            both_numbers = _looks_numeric(p.text) and _looks_numeric(w.text)
            either_number = _looks_numeric(p.text) or _looks_numeric(w.text)
            # Words of a label sit within an em of each other (even letter-spaced capitals);
            # a number stands apart from its label by more than half an em in any table.
            limit = max(3.0, (0.5 if either_number else 1.0) * max(p.size, w.size))
            superscript = w.text[:1] in SUPERS or (w.bottom - w.top) < 0.7 * (p.bottom - p.top)
            if (gap < limit and not both_numbers) or (
                superscript and gap < limit and not p.text[-1:].isdigit()
            ):
                cjk = CJK.match(w.text[:1]) and CJK.search(p.text[-1:])
                tight = gap < 0.2 * max(p.size, w.size) and not p.text.endswith(" ")
                sep = "" if cjk or w.text[:1] in SUPERS or (tight and (superscript or p_small(p, w))) else " "
                out[-1] = Phrase(
                    p.x0,
                    max(p.x1, w.x1),
                    min(p.top, w.top),
                    max(p.bottom, w.bottom),
                    p.text + sep + w.text,
                    max(p.size, w.size),
                    p.bold and w.bold,
                )
                continue
        out.append(Phrase(w.x0, w.x1, w.top, w.bottom, w.text, w.size, w.bold))
    for p in out:
        _classify(p)
    return out


def p_small(p: Phrase, w: Phrase) -> bool:
    """True when one of two touching words is a sub/superscript (smaller than the other)."""
    hp, hw = p.bottom - p.top, w.bottom - w.top
    return min(hp, hw) < 0.8 * max(hp, hw) or len(p.text.split()[-1]) <= 2


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[-–−(<>~]?[\d.,%]+\)?[" + SUPERS + r"]*", text.strip()))


def box(p: Phrase) -> tuple[float, float, float, float]:
    return round_box((p.x0, p.top, p.x1, p.bottom))


def box_of(phrases: list[Phrase]) -> tuple[float, float, float, float]:
    return round_box(
        (
            min(p.x0 for p in phrases),
            min(p.top for p in phrases),
            max(p.x1 for p in phrases),
            max(p.bottom for p in phrases),
        )
    )


def round_box(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (round(b[0], 2), round(b[1], 2), round(b[2], 2), round(b[3], 2))
