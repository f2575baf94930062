"""Tables from word geometry: period columns, label and unit columns, rows with wrapped labels.

Stage: a page's positioned segments (text runs or OCR words) -> :class:`~esglens.model.Table`
records with cells. KPI tables in reports share one skeleton: a header row of reporting periods
("2023 2022 2021", "FY22", "2022/23"), a label column on the left, sometimes a unit column, and
value cells aligned under the periods. So a table starts at a header row of periods; every value
below it is assigned to the period column it sits under (x-alignment, not reading order), which
keeps rows right when labels wrap, when units and values sit on their own text lines, and when
two tables share a page. Two period groups on one header row are two tables split at the gutter
between them. Label lines without values are joined to the row they continue ("(location-based)")
or, standing alone, become the section label of the rows beneath them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Cell, Column, Table, TableRow
from .lines import Segment
from ..periods import PERIOD_CELL, period_of

_SUPERS = "⁰¹²³⁴⁵⁶⁷⁸⁹˒"
# A value cell: "1,234.5", "(35,338)", "-12%", "<1", "0.38", "3,976,617¹", "817,082a", "99,5 %".
_VALUE = re.compile(
    r"[<>~≈]?\s?[-–−+]?\s?\(?[-–−]?\d[\d,.\u00a0\u202f' ]*\)?\s?%?\)?[" + _SUPERS + r"*a-e]?"
    r"(?:\s?\(\d{1,2}\))?"
)
_EMPTY = re.compile(r"(?:[-–—‐]{1,3}|n/?a|n\.a\.|N/?A|k\.\s?A\.|nm|n\.m\.|/|x|–\s?%)", re.I)
# Header words of columns that are not periods: change, share, units, notes, references, targets.
_UNIT_HEAD = re.compile(r"^(?:units?|einheit|unité|unidad|单位|單位|measure|uom|metric unit)$", re.I)
_NOTE_HEAD = re.compile(
    r"^(?:notes?|comments?|remarks?|gri\b.*|sasb\b.*|esrs\b.*|wef\b.*|tcfd\b.*|reference.*|"
    r"target.*|goal.*|ziel.*|备注|說明|说明|scope of data|boundary|indicator.*|standard.*)$",
    re.I,
)
_CHANGE_HEAD = re.compile(
    r"^(?:change|δ|Δ|\+/[-–]|var\.?|variation|veränderung|delta|yoy|share|anteil|in %|%|"
    r"change in %|cagr|trend|变化|變動|占比)$",
    re.I,
)
_RESTATED = re.compile(r"restat|adjust|angepasst|revised|pro forma|rebased", re.I)
_FOOTNOTE_ONLY = re.compile(r"^(?:\(\d{1,2}\)[,\s]*)+$|^[" + _SUPERS + r"\s,*]+$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CONNECTOR_END = re.compile(r"(?:\b(?:and|of|in|for|from|to|the|by|per|with|und|der|des|von)|[-–,/&+(])\s*$",
                            re.I)
_SUBROW = re.compile(r"^\s*(?:of which|thereof|davon|hiervon|including|incl\.|[-–•▪·]\s)", re.I)


@dataclass
class _Phrase:
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
class _Line:
    phrases: list[_Phrase]
    top: float
    bottom: float

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)


@dataclass
class _Spec:
    """A table being built: its header line, period columns and horizontal limits."""

    header: int
    columns: list[_Phrase]  # period phrases, left to right
    extras: list[_Phrase]  # other header phrases right of the label column (unit, change, notes)
    left: float = 0.0
    right: float = 1e9
    bottom: float = 1e9
    label_head: list[_Phrase] = field(default_factory=list)


def _classify(p: _Phrase) -> None:
    s = p.text.strip().rstrip(":")
    plain = s.strip(_SUPERS + "* ")
    period = period_of(plain) if PERIOD_CELL.fullmatch(plain) else None
    if period is not None:
        p.kind, p.period = "period", period
    elif _VALUE.fullmatch(s) and re.search(r"\d", s):
        p.kind = "value"
    elif _EMPTY.fullmatch(s):
        p.kind = "empty"


def _phrases(segments: list[Segment]) -> list[_Phrase]:
    """Segments split into words where a run holds several numbers, then merged into phrases."""
    words: list[_Phrase] = []
    for seg in segments:
        text = seg.text.strip()
        if not text:
            continue
        parts = text.split()
        numeric = [bool(re.fullmatch(r"[-–−(]?[\d.,]+%?\)?[" + _SUPERS + "]*", w)) for w in parts]
        if len(parts) > 1 and sum(numeric) >= 2:
            # Several numbers in one run (OCR or a run set with wide spaces): estimate word boxes
            # from character positions, so each number can find its column.
            width = (seg.x1 - seg.x0) / max(len(text), 1)
            pos = 0
            for w in parts:
                start = text.index(w, pos)
                pos = start + len(w)
                words.append(_Phrase(seg.x0 + start * width, seg.x0 + pos * width, seg.top, seg.bottom,
                                     w, seg.size, seg.bold))
        else:
            words.append(_Phrase(seg.x0, seg.x1, seg.top, seg.bottom, text, seg.size, seg.bold))
    return words


def _group_lines(words: list[_Phrase]) -> list[_Line]:
    """Words into lines by vertical overlap with each line's first word (no snowballing).

    Small words (sub- and superscripts, footnote marks) join afterwards the line they overlap
    most, so the 2 of a lowered "CO2" never starts a line of its own.
    """
    heights = sorted(w.bottom - w.top for w in words)
    median = heights[len(heights) // 2] if heights else 8.0
    small = [w for w in words if (w.bottom - w.top) < 0.7 * median or w.text[:1] in _SUPERS]
    normal = [w for w in words if not ((w.bottom - w.top) < 0.7 * median or w.text[:1] in _SUPERS)]
    lines: list[tuple[float, float, list[_Phrase]]] = []
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
    for w in small:
        best, best_score = None, 0.25 * (w.bottom - w.top)
        for i, (top, bottom, members) in enumerate(lines):
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap <= 0:
                continue
            # A sub/superscript belongs to the word it touches, not to the line it overlaps most.
            touching = any(-1.0 < w.x0 - m.x1 < 0.6 * m.size or -1.0 < m.x0 - w.x1 < 0.3 * m.size
                           for m in members)
            score = overlap + (100.0 if touching else 0.0)
            if score > best_score:
                best, best_score = i, score
        if best is None:
            lines.append((w.top, w.bottom, [w]))
        else:
            lines[best][2].append(w)
    out = []
    for _top, _bottom, members in lines:
        members.sort(key=lambda w: w.x0)
        core = [w for w in members if w not in small] or members
        out.append(_Line(_merge(members), min(w.top for w in core), max(w.bottom for w in core)))
    out.sort(key=lambda ln: ln.mid)
    return out


def _merge(words: list[_Phrase]) -> list[_Phrase]:
    """Adjacent words of a line joined into phrases; numbers never join each other."""
    out: list[_Phrase] = []
    for w in words:
        if out:
            p = out[-1]
            gap = w.x0 - p.x1
            both_numbers = _looks_numeric(p.text) and _looks_numeric(w.text)
            either_number = _looks_numeric(p.text) or _looks_numeric(w.text)
            # Words of a label sit within an em of each other (even letter-spaced capitals);
            # a number stands apart from its label by more than half an em in any table.
            limit = max(3.0, (0.5 if either_number else 1.0) * max(p.size, w.size))
            superscript = w.text[:1] in _SUPERS or (w.bottom - w.top) < 0.7 * (p.bottom - p.top)
            if (gap < limit and not both_numbers) or (superscript and gap < limit and not p.text[-1:].isdigit()):
                cjk = _CJK.match(w.text[:1]) and _CJK.search(p.text[-1:])
                tight = gap < 0.2 * max(p.size, w.size) and not p.text.endswith(" ")
                sep = "" if cjk or w.text[:1] in _SUPERS or (tight and (superscript or p_small(p, w))) else " "
                out[-1] = _Phrase(p.x0, max(p.x1, w.x1), min(p.top, w.top), max(p.bottom, w.bottom),
                                  p.text + sep + w.text, max(p.size, w.size), p.bold and w.bold)
                continue
        out.append(_Phrase(w.x0, w.x1, w.top, w.bottom, w.text, w.size, w.bold))
    for p in out:
        _classify(p)
    return out


def p_small(p: _Phrase, w: _Phrase) -> bool:
    """True when one of two touching words is a sub/superscript (smaller than the other)."""
    hp, hw = p.bottom - p.top, w.bottom - w.top
    return min(hp, hw) < 0.8 * max(hp, hw) or len(p.text.split()[-1]) <= 2


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[-–−(<>~]?[\d.,%]+\)?[" + _SUPERS + r"]*", text.strip()))


def _header_groups(line: _Line) -> list[_Spec]:
    """Period groups on a header line: a repeated period or a label between them starts a table."""
    periods = [p for p in line.phrases if p.kind == "period"]
    values = [p for p in line.phrases if p.kind == "value"]
    if not periods or len(values) > len(periods):
        return []
    if len(periods) == 1 and len(line.phrases) > 6:
        return []
    groups: list[list[_Phrase]] = [[]]
    for p in line.phrases:
        if p.kind == "period":
            if any(q.period == p.period for q in groups[-1]):
                groups.append([])
            groups[-1].append(p)
        elif groups[-1] and p.kind == "text" and _is_label_text(p) and not _is_column_head(p.text):
            groups.append([])
    specs = []
    for group in groups:
        if not group:
            continue
        first, last = group[0], group[-1]
        extras = [p for p in line.phrases if p.kind != "period" and first.x0 < p.x0 and _is_column_head(p.text)]
        label_head = [p for p in line.phrases if p.x1 <= first.x0 and p.kind == "text"]
        specs.append(_Spec(0, group, [e for e in extras if e.x0 > first.x0 or e.x1 <= last.x1], label_head=label_head))
    return specs


def _is_label_text(p: _Phrase) -> bool:
    return len(re.findall(r"[A-Za-z]{2,}|[\u3400-\u9fff]", p.text)) >= 2


def _is_column_head(text: str) -> bool:
    s = text.strip().strip(_SUPERS + "*()")
    return bool(_UNIT_HEAD.match(s) or _NOTE_HEAD.match(s) or _CHANGE_HEAD.match(s)) or len(s) <= 3


@dataclass
class _Record:
    """One line inside a table: its label phrases and the value phrase of each column."""

    line: _Line
    labels: list[_Phrase]
    values: dict[int, _Phrase]
    unit: _Phrase | None = None

    @property
    def label_text(self) -> str:
        return " ".join(p.text for p in self.labels).strip()


def _boundaries(spec: _Spec) -> tuple[list[tuple[float, float]], float]:
    """Each period column's x-slot (left, right) and the left edge of the first slot."""
    heads = sorted(spec.columns + spec.extras, key=lambda p: p.x0)
    centres = [p.cx for p in heads]
    pitches = [b - a for a, b in zip(centres, centres[1:], strict=False)]
    pitch = sorted(pitches)[len(pitches) // 2] if pitches else 60.0
    pitch = max(min(pitch, 120.0), 20.0)
    slots = {}
    for i, p in enumerate(heads):
        left = (heads[i - 1].x1 + p.x0) / 2 if i else min(p.x0, p.cx - pitch / 2)
        right = (p.x1 + heads[i + 1].x0) / 2 if i + 1 < len(heads) else max(p.x1, p.cx + pitch / 2)
        slots[id(p)] = (left, right)
    return [slots[id(p)] for p in spec.columns], slots[id(heads[0])][0]


def _assign(spec: _Spec, line: _Line, slots: list[tuple[float, float]], label_edge: float,
            unit_slot: tuple[float, float] | None) -> _Record | None:
    """Split one line into label phrases, unit phrase and per-column values (None: not in table)."""
    labels: list[_Phrase] = []
    values: dict[int, _Phrase] = {}
    unit = None
    prose = None
    for p in line.phrases:
        if p.x1 <= spec.left or p.x0 >= spec.right:
            continue
        if unit_slot and unit_slot[0] <= p.cx <= unit_slot[1] and p.kind == "text":
            unit = p
            continue
        if p.cx < label_edge and p.kind != "value" or p.x1 <= label_edge:
            labels.append(p)
            continue
        if p.kind in ("value", "empty", "period"):
            for i, (left, right) in enumerate(slots):
                if left <= p.cx <= right:
                    if i not in values:
                        values[i] = p
                    break
        elif p.kind == "text":
            spanned = sum(1 for left, right in slots if p.x0 < (left + right) / 2 < p.x1)
            if spanned >= 2 and len(p.text.split()) >= 6 or spanned >= 3:
                prose = p
    if prose is not None and not any(v.kind in ("value", "empty") for v in values.values()):
        return None  # prose or a footnote running across the value columns
    return _Record(line, labels, values, unit)


def _is_prose(records: list[_Record], cut: float) -> bool:
    """True when the words left of ``cut`` read as a text column: on most lines, in sentences.

    Labels of a table stand only on its rows; a text column beside a table runs through the
    lines between rows too, and its lines are long.
    """
    lefts = [" ".join(p.text for p in r.labels if p.x1 <= cut) for r in records]
    filled = [t for t in lefts if t]
    if len(filled) < 3 or len(filled) < 0.6 * len(lefts):
        return False
    long = sum(1 for t in filled if len(t.split()) >= 6 or len(_CJK.findall(t)) >= 14)
    return long >= 0.5 * len(filled)


def _trim_prose(records: list[_Record]) -> float | None:
    """Drop a prose column left of the table: words beyond a gutter whose left side reads as text."""
    spans = sorted((p.x0, p.x1) for r in records for p in r.labels)
    if not spans:
        return None
    gaps = []
    end = spans[0][1]
    for a, b in spans[1:]:
        if a - end >= 8:
            gaps.append((end, a))
        end = max(end, b)
    for gap_start, gap_end in reversed(gaps):
        if _is_prose(records, gap_start + 0.1):
            for r in records:
                r.labels = [p for p in r.labels if p.x0 >= gap_end - 0.1]
            return gap_end - 0.1
    return None


def _rows(records: list[_Record]) -> list[tuple[str, str, _Record, int, str]]:
    """(label, section, record, level, parent) per value record, wrapped label lines joined."""
    kinds = []
    for r in records:
        if _FOOTNOTE_ONLY.match(r.label_text) and not r.values:
            kinds.append("skip")
        elif any(v.kind in ("value", "empty") for v in r.values.values()):
            kinds.append("value")
        elif r.label_text:
            kinds.append("label")
        else:
            kinds.append("skip")
    idx = [i for i, k in enumerate(kinds) if k != "skip"]
    used: set[int] = set()
    texts: dict[int, str] = {i: records[i].label_text for i in idx}
    heights = sorted(records[i].line.height for i in idx) or [10.0]
    h = heights[len(heights) // 2]

    def close(a: int, b: int) -> bool:
        return records[b].line.top - records[a].line.bottom <= 0.8 * h

    order = {i: n for n, i in enumerate(idx)}

    def neighbour(i: int, step: int) -> int | None:
        n = order[i] + step
        return idx[n] if 0 <= n < len(idx) else None

    for i in idx:  # values centred on a two-line label that has no text on the value line
        if kinds[i] != "value" or texts[i]:
            continue
        above, below = neighbour(i, -1), neighbour(i, 1)
        parts = []
        if above is not None and kinds[above] == "label" and above not in used and close(above, i):
            parts.append(above)
        if below is not None and kinds[below] == "label" and below not in used and close(i, below):
            parts.append(below)
        texts[i] = " ".join(texts[j] for j in parts)
        used.update(parts)
    for i in idx:
        if kinds[i] != "value":
            continue
        above = neighbour(i, -1)
        if (above is not None and kinds[above] == "label" and above not in used and close(above, i)
                and (_continues(texts[i]) or _open(texts[above]))):
            texts[i] = _join(texts[above], texts[i])
            used.add(above)
        below, last = neighbour(i, 1), i
        while below is not None and kinds[below] == "label" and below not in used and close(last, below):
            nxt = neighbour(below, 1)
            if nxt is not None and kinds[nxt] == "value" and not texts[nxt] and close(below, nxt):
                break  # the line is the first half of the next row's two-line label
            gap_above = records[below].line.top - records[last].line.bottom
            gap_below = records[nxt].line.top - records[below].line.bottom if nxt is not None else 99.0
            heading = records[below].labels and all(p.bold for p in records[below].labels) and not all(
                p.bold for p in records[i].labels or records[i].line.phrases)
            tighter = gap_above < gap_below - 0.5 and not heading
            if not (_continues(texts[below]) or _open(texts[i]) or tighter):
                break
            texts[i] = _join(texts[i], texts[below])
            if records[below].unit is not None:
                unit = records[i].unit
                records[i].unit = records[below].unit if unit is None else _Phrase(
                    unit.x0, unit.x1, unit.top, records[below].unit.bottom,
                    f"{unit.text}{records[below].unit.text}", unit.size, unit.bold, "text")
            used.add(below)
            last, below = below, neighbour(below, 1)
    out = []
    section = ""
    value_rows = [i for i in idx if kinds[i] == "value" and records[i].labels]
    first_x = min((min(p.x0 for p in records[i].labels) for i in value_rows), default=0.0)
    split = {i: _label_columns(records[i].labels) for i in value_rows}
    two_level = any(len(parts) >= 2 and records[i].labels[0].x0 <= first_x + 6 for i, parts in split.items())
    seconds = sorted(min(p.x0 for p in records[i].labels) for i in value_rows
                     if min(p.x0 for p in records[i].labels) > first_x + 6)
    second_x = seconds[0] if seconds else first_x
    parent_first = ""
    parent_row: tuple[float, str] | None = None  # x0 and label of the last top-level row
    for i in idx:
        if kinds[i] == "label" and i not in used:
            section = texts[i]
            parent_first, parent_row = "", None
            continue
        if kinds[i] != "value":
            continue
        r = records[i]
        label = texts[i]
        level, parent = 0, ""
        if r.labels:
            x0 = min(p.x0 for p in r.labels)
            if two_level and x0 <= first_x + 6:
                parts = split.get(i, [label])
                parent_first = parts[0] if len(parts) >= 2 else ""
            elif two_level:
                if parent_first:
                    label, parent = f"{parent_first} {label}", parent_first
                if x0 > second_x + 6:
                    level = 1
            elif parent_row is not None and x0 > parent_row[0] + 4:
                level, parent = 1, parent_row[1]  # indented under the row above
            else:
                parent_row = (x0, label)
        if _SUBROW.match(texts[i]):
            level = 1
            parent = parent or (parent_row[1] if parent_row else "")
        out.append((label, section, r, level, parent))
    return out


_COMPOUND = re.compile(r"(?:based|related|term|time|scale|wide|free|neutral|specific|intensive|owned|"
                       r"party|site|level|year|up|out|in|off|over|down)\b")


def _join(first: str, second: str) -> str:
    """Two lines of one label: "market-" + "based" -> "market-based", "emis-" + "sions" -> "emissions"."""
    if first.endswith("-") and second[:1].islower():
        return first + second if _COMPOUND.match(second) else first[:-1] + second
    return f"{first} {second}"


def _label_columns(labels: list[_Phrase]) -> list[str]:
    """Label phrases of one line split at wide gaps: a first-level and a second-level label."""
    parts: list[list[_Phrase]] = []
    for p in labels:
        if parts and p.x0 - parts[-1][-1].x1 < 3 * p.size:
            parts[-1].append(p)
        else:
            parts.append([p])
    return [" ".join(p.text for p in part) for part in parts]


def _continues(text: str) -> bool:
    """A label fragment that continues the line above: lower case, a bracket, a connector."""
    return bool(re.match(r"\s*(?:[a-zà-ÿ(\[]|[-–&/+]\s)", text))


def _open(text: str) -> bool:
    """An unclosed bracket or a trailing connector: the label goes on on the next line."""
    return text.count("(") > text.count(")") or bool(_CONNECTOR_END.search(text))


def _title(lines: list[_Line], spec: _Spec) -> str:
    """Short lines just above the header inside the table's x-range: title, caption, unit line."""
    out: list[str] = []
    header = lines[spec.header]
    last_top = header.top
    for line in reversed(lines[max(0, spec.header - 6) : spec.header]):
        parts = [p for p in line.phrases if p.x1 > spec.left and p.x0 < spec.right]
        if not parts:
            continue
        if last_top - line.bottom > 4 * line.height:
            break
        text = " ".join(p.text for p in parts)
        if len(text) > 160 or any(p.kind == "value" for p in parts):
            break
        out.append(text)
        last_top = line.top
        if len(out) >= 3:
            break
    out.reverse()
    return " / ".join(out)


def build_tables(segments: list[Segment], page_number: int, source: str = "text") -> list[Table]:
    """Tables with cells on one page, each anchored on a header row of reporting periods."""
    if sum(1 for s in segments if any(c.isdigit() for c in s.text)) < 4:
        return []
    lines = _group_lines(_phrases(segments))
    specs: list[_Spec] = []
    for i, line in enumerate(lines):
        groups = _header_groups(line)
        for n, spec in enumerate(groups):
            spec.header = i
            if n:
                prev = groups[n - 1]
                edge = max(p.x1 for p in prev.columns + prev.extras)
                spec.left = prev.right = edge + 0.35 * (spec.columns[0].x0 - edge)
            specs.append(spec)
    for spec in specs:  # a later header over the same columns ends the table above it
        x0, x1 = spec.columns[0].x0, spec.columns[-1].x1
        for other in specs:
            if other.header > spec.header and other.columns[0].x0 < x1 and other.columns[-1].x1 > x0:
                spec.bottom = min(spec.bottom, lines[other.header].top - 0.1)
    tables = []
    for spec in specs:
        table = _build(spec, lines, page_number, source)
        if table is not None:
            tables.append(table)
    return tables


def _build(spec: _Spec, lines: list[_Line], page_number: int, source: str) -> Table | None:
    slots, label_edge = _boundaries(spec)
    unit_head = next((e for e in spec.extras if _UNIT_HEAD.match(e.text.strip())), None)
    if unit_head is None:
        unit_head = next((p for p in spec.label_head if _UNIT_HEAD.match(p.text.strip())), None)
    unit_slot = None
    if unit_head is not None:
        unit_slot = (unit_head.x0 - 4, (unit_head.x1 + spec.columns[0].x0) / 2)
        if unit_head.x1 <= spec.columns[0].x0:
            label_edge = min(label_edge, unit_head.x0 - 2)
            unit_slot = (unit_head.x0 - 4, slots[0][0])
    header = lines[spec.header]
    restated = [bool(_RESTATED.search(c.text)) for c in spec.columns]
    records: list[_Record] = []
    gap_rows = 0
    last_bottom = header.bottom
    for line in lines[spec.header + 1 :]:
        if line.top >= spec.bottom:
            break
        r = _assign(spec, line, slots, label_edge, unit_slot)
        if r is None:
            break
        if not r.labels and not r.values and r.unit is None:
            if any(p.x1 > spec.left and p.x0 < spec.right for p in line.phrases):
                last_bottom = line.bottom  # notes beside the table keep it open
            continue
        if all(v.kind == "period" for v in r.values.values()) and r.values and not r.labels:
            break  # another header row of periods over the same columns
        if line.top - last_bottom > 6 * max(line.height, 6.0):
            gap_rows += 1
            if gap_rows > 0 and records:
                break
        if not r.values and r.labels and len(r.label_text) > 0:
            below = [p for p in r.labels if _RESTATED.search(p.text)]
            if below and not records:
                continue
        records.append(r)
        last_bottom = line.bottom
    while records and not any(v.kind in ("value", "empty") for v in records[-1].values.values()):
        records.pop()  # text after the last row (footnotes, the next section) is not the table's
    cut = _trim_prose(records)
    if cut is not None:
        spec.left = max(spec.left, cut)
        spec.label_head = [p for p in spec.label_head if p.x0 >= cut]
    rows = [row for row in _rows(records) if re.search(r"[A-Za-z\u3400-\u9fff]", row[0] + row[1])]
    rows = [row for row in rows if any(v.kind == "value" for v in row[2].values.values())]
    if not rows:
        return None
    left = min([p.x0 for row in rows for p in row[2].labels] or [label_edge - 50])
    columns = [Column(0, round(left, 2), round(label_edge, 2), "label", " ".join(p.text for p in spec.label_head))]
    offset = 1
    if unit_slot is not None:
        columns.append(Column(1, round(unit_slot[0], 2), round(unit_slot[1], 2), "unit", unit_head.text if unit_head else ""))
        offset = 2
    for n, (c, (x0, x1)) in enumerate(zip(spec.columns, slots, strict=True)):
        columns.append(Column(n + offset, round(x0, 2), round(x1, 2), "period", c.text, c.period, restated[n]))
    cells: list[Cell] = [
        Cell(c.text, _box(c), 0, n + offset, kind="header") for n, c in enumerate(spec.columns)
    ]
    table_rows: list[TableRow] = []
    grid: list[tuple[str, ...]] = [tuple([columns[0].header] + ([columns[1].header] if offset == 2 else [])
                                         + [c.text for c in spec.columns])]
    for n, (label, section, r, level, parent) in enumerate(rows, start=1):
        box = _box_of([*r.labels, *r.values.values()] or r.line.phrases)
        table_rows.append(TableRow(n, label, box, level, section, parent))
        cells.append(Cell(label, _box_of(r.labels) if r.labels else box, n, 0, kind="label"))
        row_text = [label]
        if offset == 2:
            unit_text = r.unit.text if r.unit else ""
            row_text.append(unit_text)
            if r.unit is not None:
                cells.append(Cell(unit_text, _box(r.unit), n, 1, kind="unit"))
        for c in range(len(spec.columns)):
            v = r.values.get(c)
            row_text.append(v.text if v else "")
            if v is not None:
                cells.append(Cell(v.text, _box(v), n, c + offset, kind="value" if v.kind == "value" else "empty"))
        grid.append(tuple(row_text))
    all_boxes = [c.bbox for c in cells]
    bbox = (min(b[0] for b in all_boxes), min(b[1] for b in all_boxes),
            max(b[2] for b in all_boxes), max(b[3] for b in all_boxes))
    title = _title(lines, spec)
    unit = " ".join(p.text for p in spec.label_head if not _UNIT_HEAD.match(p.text.strip()))
    return Table(page_number, _round(bbox), tuple(grid), 1, tuple(cells), tuple(columns), tuple(table_rows),
                 title, unit, source)


def _box(p: _Phrase) -> tuple[float, float, float, float]:
    return _round((p.x0, p.top, p.x1, p.bottom))


def _box_of(phrases: list[_Phrase]) -> tuple[float, float, float, float]:
    return _round((min(p.x0 for p in phrases), min(p.top for p in phrases),
                   max(p.x1 for p in phrases), max(p.bottom for p in phrases)))


def _round(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (round(b[0], 2), round(b[1], 2), round(b[2], 2), round(b[3], 2))
