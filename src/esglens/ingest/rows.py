"""Rows of a geometry table: labels joined across line breaks, sections, sub-rows, row groups.

A table line holds label phrases and value phrases. Label lines without values either continue
the row above ("(location-based)", a lower-case or bracketed start, an unclosed bracket, a line
closer to the row above than to the row below), start the two-line label of the row below (values
centred between them), or stand alone as the section label of the rows beneath. Indented rows and
"of which" rows are sub-rows of the row above; a first label column whose labels span several rows
(KPI annexes) gives each row its group label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .words import CJK, SUPERS, Phrase, PhraseLine

_FOOTNOTE_ONLY = re.compile(r"^(?:\(\d{1,2}\)[,\s]*)+$|^[" + SUPERS + r"\s,*]+$")
_CONNECTOR_END = re.compile(
    r"(?:\b(?:and|of|in|for|from|to|the|by|per|with|und|der|des|von)|[-–,/&+(])\s*$", re.I
)
_SUBROW = re.compile(r"^\s*(?:of which|thereof|davon|hiervon|including|incl\.|[-–•▪·]\s)", re.I)


@dataclass
class Record:
    """One line inside a table: its label phrases and the value phrase of each column."""

    line: PhraseLine
    labels: list[Phrase]
    values: dict[int, Phrase]
    unit: Phrase | None = None

    @property
    def label_text(self) -> str:
        return " ".join(p.text for p in self.labels).strip()


def _is_prose(records: list[Record], cut: float) -> bool:
    """True when the words left of ``cut`` read as a text column: on most lines, in sentences.

    Labels of a table stand only on its rows; a text column beside a table runs through the
    lines between rows too, and its lines are long.
    """
    lefts = [" ".join(p.text for p in r.labels if p.x1 <= cut) for r in records]
    filled = [t for t in lefts if t]
    if len(filled) < 3:
        return False
    long = sum(1 for t in filled if len(t.split()) >= 6 or len(CJK.findall(t)) >= 14)
    if len(filled) >= 0.6 * len(lefts) and long >= 0.5 * len(filled):
        return True
    # Words left of the cut on lines where the table has no values, and words right of it on
    # the value lines: a text column runs beside the table (its rows have labels of their own).
    between = [t for t, r in zip(lefts, records, strict=True) if t and not r.values and len(t.split()) >= 4]
    own = [r for r in records if r.values and any(p.x0 >= cut for p in r.labels)]
    valued = [r for r in records if r.values]
    return len(between) >= 3 and len(between) >= 0.25 * len(records) and len(own) >= 0.8 * len(valued)


def trim_prose(records: list[Record]) -> float | None:
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


def assemble_rows(records: list[Record]) -> list[tuple[str, str, Record, int, str]]:
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
    groups = _spanning_groups(records, kinds)
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
        above, first = neighbour(i, -1), i
        # Lines above that the label continues from: "Indirect energy-related" / "greenhouse gas" /
        # "emissions (Scope 2) –" over the value line; their unit-column words join the unit.
        while (
            above is not None
            and kinds[above] == "label"
            and above not in used
            and close(above, first)
            and (_continues(texts[i]) or _open(texts[above]))
        ):
            texts[i] = _join(texts[above], texts[i])
            extra = records[above].unit
            if extra is not None:
                unit = records[i].unit
                records[i].unit = extra if unit is None else Phrase(
                    extra.x0, extra.x1, extra.top, unit.bottom, f"{extra.text} {unit.text}", unit.size,
                    unit.bold, "text")
            used.add(above)
            first, above = above, neighbour(above, -1)
        below, last = neighbour(i, 1), i
        while below is not None and kinds[below] == "label" and below not in used and close(last, below):
            nxt = neighbour(below, 1)
            if nxt is not None and kinds[nxt] == "value" and not texts[nxt] and close(below, nxt):
                break  # the line is the first half of the next row's two-line label
            gap_above = records[below].line.top - records[last].line.bottom
            gap_below = records[nxt].line.top - records[below].line.bottom if nxt is not None else 99.0
            heading = (
                records[below].labels
                and all(p.bold for p in records[below].labels)
                and not all(p.bold for p in records[i].labels or records[i].line.phrases)
            )
            tighter = gap_above < gap_below - 0.5 and not heading
            if not (_continues(texts[below]) or _open(texts[i]) or tighter):
                break
            texts[i] = _join(texts[i], texts[below])
            extra = records[below].unit
            if extra is not None:
                unit = records[i].unit
                records[i].unit = (
                    extra
                    if unit is None
                    else Phrase(
                        unit.x0,
                        unit.x1,
                        unit.top,
                        extra.bottom,
                        f"{unit.text}{extra.text}",
                        unit.size,
                        unit.bold,
                        "text",
                    )
                )
            used.add(below)
            last, below = below, neighbour(below, 1)
    out = []
    section = ""
    value_rows = [i for i in idx if kinds[i] == "value" and records[i].labels]
    first_x = min((min(p.x0 for p in records[i].labels) for i in value_rows), default=0.0)
    parent_row: tuple[float, str] | None = None  # x0 and label of the last top-level row
    for i in idx:
        if kinds[i] == "label" and i not in used:
            section = texts[i]
            parent_row = None
            continue
        if kinds[i] != "value":
            continue
        r = records[i]
        label = texts[i]
        level, parent = 0, ""
        if i in groups:
            group = groups[i]
            label, parent = (f"{group} {label}".strip(), group) if label else (group, "")
        elif r.labels:
            x0 = min(p.x0 for p in r.labels)
            if parent_row is not None and x0 > parent_row[0] + 4 and x0 > first_x + 4:
                level, parent = 1, parent_row[1]  # indented under the row above
            else:
                parent_row = (x0, label)
        if _SUBROW.match(texts[i]):
            level = 1
            parent = parent or (parent_row[1] if parent_row else "")
        out.append((label, section, r, level, parent))
    return out


def _spanning_groups(records: list[Record], kinds: list[str]) -> dict[int, str]:
    """Row-group labels of a first label column that span several rows, by value record index.

    KPI annexes print a group label ("Scope 2", "Energy consumption: primary & secondary energy")
    in a first label column beside the rows it spans, either on its group's first row or
    vertically centred on the group. Its words are taken out of the records' labels; each value
    row gets the label of the group it falls in. Empty when the table has one label column.
    """
    value_rows = [i for i, k in enumerate(kinds) if k == "value" and records[i].labels]
    if not value_rows:
        return {}
    first_x = min(min(p.x0 for p in records[i].labels) for i in value_rows)
    split = {i: _label_columns(records[i].labels) for i in value_rows}
    if not any(len(parts) >= 2 and records[i].labels[0].x0 <= first_x + 6 for i, parts in split.items()):
        return {}
    seconds = [p.x0 for i in value_rows for p in records[i].labels if p.x0 > first_x + 12]
    if not seconds:
        return {}
    second_x = min(seconds)
    entries: list[tuple[int, str, float, float]] = []  # record index, text, top, bottom
    sizes = sorted(p.size for i in value_rows for p in records[i].labels)
    body = sizes[len(sizes) // 2]
    for i, r in enumerate(records):
        if kinds[i] == "skip":
            continue
        first = [p for p in r.labels if p.x0 <= first_x + 6 and p.x1 <= second_x - 2]
        if not first:
            continue
        if (
            kinds[i] == "label"
            and all(p.bold or p.size > 1.1 * body for p in first)
            and not all(p.bold for j in value_rows for p in records[j].labels)
        ):
            continue  # a section heading, not a row-group label
        r.labels = [p for p in r.labels if p not in first]
        entries.append(
            (i, " ".join(p.text for p in first), min(p.top for p in first), max(p.bottom for p in first))
        )
        if kinds[i] == "label" and not r.labels:
            kinds[i] = "skip"
    heights = sorted(records[i].line.height for i in value_rows)
    h = heights[len(heights) // 2]
    blocks: list[tuple[str, float, float, int]] = []  # text, top, bottom, lines
    for _i, text, top, bottom in entries:
        prev = blocks[-1] if blocks else None
        if prev and top - prev[2] <= 0.8 * h and (_continues(text) or _open(prev[0])):
            blocks[-1] = (_join(prev[0], text), prev[1], bottom, prev[3] + 1)
        else:
            blocks.append((text, top, bottom, 1))
    rows = sorted(value_rows, key=lambda i: records[i].line.mid)
    out: dict[int, str] = {}
    on_row = all(any(abs(records[i].line.mid - (b[1] + b[2]) / 2) < 0.5 * h for i in rows) for b in blocks)
    if on_row and all(b[3] == 1 for b in blocks):  # labels on their group's first row
        for n, (text, top, _bottom, _lines) in enumerate(blocks):
            end = blocks[n + 1][1] if n + 1 < len(blocks) else 1e9
            for i in rows:
                if top - 2 <= records[i].line.mid < end - 2:
                    out[i] = text
        return out
    # Labels centred on their groups: cut the rows into consecutive groups, one per label, so
    # that each group's middle is as close as possible to its label's centre (rows left outside
    # every group cost two line heights each), by dynamic programming over the cut points.
    mids = [records[i].line.mid for i in rows]
    centres = [(b[1] + b[2]) / 2 for b in blocks]
    n, penalty, inf = len(rows), 2.0 * h, float("inf")
    best = [[inf] * (n + 1) for _ in range(len(blocks) + 1)]  # best[k][e]: k groups end at row e-1
    back: dict[tuple[int, int], int] = {}
    best[0] = [e * penalty for e in range(n + 1)]
    for k, centre in enumerate(centres, start=1):
        for e in range(1, n + 1):
            for start in range(e):
                before = min(best[k - 1][i] + (start - i) * penalty for i in range(start + 1))
                cost = before + abs((mids[start] + mids[e - 1]) / 2 - centre)
                if cost < best[k][e]:
                    best[k][e], back[(k, e)] = cost, start
    end = min(range(n + 1), key=lambda e: best[len(blocks)][e] + (n - e) * penalty)
    for k in range(len(blocks), 0, -1):
        if (k, end) not in back:
            break
        start = back[(k, end)]
        for i in rows[start:end]:
            out[i] = blocks[k - 1][0]
        end = min(range(start + 1), key=lambda i: best[k - 1][i] + (start - i) * penalty)
    return out


_COMPOUND = re.compile(
    r"(?:based|related|term|time|scale|wide|free|neutral|specific|intensive|owned|"
    r"party|site|level|year|up|out|in|off|over|down)\b"
)


def _join(first: str, second: str) -> str:
    """Two lines of one label: "market-" + "based" -> "market-based", "emis-" + "sions" -> "emissions"."""
    if first.endswith("-") and second[:1].islower():
        return first + second if _COMPOUND.match(second) else first[:-1] + second
    return f"{first} {second}"


def _label_columns(labels: list[Phrase]) -> list[str]:
    """Label phrases of one line split at wide gaps: a first-level and a second-level label."""
    parts: list[list[Phrase]] = []
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
