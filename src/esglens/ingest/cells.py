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

from ..model import Cell, CellKind, Column, Table, TableRow
from .columns import build_column_tables
from .lines import Segment
from .rows import Record, assemble_rows, trim_prose
from .words import SUPERS, Phrase, PhraseLine, box, box_of, group_phrase_lines, iter_phrases, round_box

# Header words of columns that are not periods: change, share, units, notes, references, targets.
_UNIT_HEAD = re.compile(r"^(?:units?|einheit|unité|unidad|单位|單位|measure|uom|metric unit)$", re.I)
_NOTE_HEAD = re.compile(
    r"^(?:notes?|comments?|remarks?|gri\b.*|sasb\b.*|esrs\b.*|wef\b.*|tcfd\b.*|reference.*|"
    r"target.*|goal.*|objective.*|ambition.*|ziel.*|备注|說明|说明|scope of data|boundary|indicator.*|"
    r"standard.*)$",
    re.I,
)
_CHANGE_HEAD = re.compile(
    r"^(?:change|δ|Δ|\+/[-–]|var\.?|variation|veränderung|delta|yoy|share|anteil|in %|%|"
    r"change in %|cagr|trend|变化|變動|占比)$",
    re.I,
)
_RESTATED = re.compile(r"restat|adjust|angepasst|revised|pro forma|rebased", re.I)


@dataclass
class _Spec:
    """A table being built: its header line, period columns and horizontal limits."""

    header: int
    columns: list[Phrase]  # period phrases, left to right
    extras: list[Phrase]  # other header phrases right of the label column (unit, change, notes)
    left: float = 0.0
    right: float = 1e9
    bottom: float = 1e9
    label_head: list[Phrase] = field(default_factory=list)
    body: int = -1  # the last header line (a sub-header below the periods); rows start after it


def _header_groups(line: PhraseLine) -> list[_Spec]:
    """Period groups on a header line: a repeated period or a label between them starts a table."""
    periods = [p for p in line.phrases if p.kind == "period"]
    values = [p for p in line.phrases if p.kind == "value"]
    if not periods or len(values) > len(periods):
        return []
    if len(periods) == 1 and len(line.phrases) > 6:
        return []
    # A year that starts a heading ("2021 Footnote:", "2021 Workforce Snapshot") is no column.
    periods = [p for p in periods if not _starts_heading(p, line)]
    if not periods:
        return []
    groups: list[list[Phrase]] = [[]]
    for p in line.phrases:
        if p.kind == "period" and p in periods:
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
        extras = [
            p for p in line.phrases if p.kind != "period" and first.x0 < p.x0 and _is_column_head(p.text)
        ]
        label_head = [p for p in line.phrases if p.x1 <= first.x0 and p.kind == "text"]
        specs.append(
            _Spec(0, group, [e for e in extras if e.x0 > first.x0 or e.x1 <= last.x1], label_head=label_head)
        )
    return specs


def _starts_heading(p: Phrase, line: PhraseLine) -> bool:
    """True for a period phrase that begins a line's text and runs on into words close by."""
    after = [q for q in line.phrases if q.x0 >= p.x1]
    before = [q for q in line.phrases if q.x1 <= p.x0]
    nxt = min(after, key=lambda q: q.x0) if after else None
    return not before and nxt is not None and nxt.kind == "text" and nxt.x0 - p.x1 < 2.0 * p.size


def _is_label_text(p: Phrase) -> bool:
    return len(re.findall(r"[A-Za-z]{2,}|[\u3400-\u9fff]", p.text)) >= 2


def _is_column_head(text: str) -> bool:
    s = text.strip().strip(SUPERS + "*()")
    return bool(_UNIT_HEAD.match(s) or _NOTE_HEAD.match(s) or _CHANGE_HEAD.match(s)) or len(s) <= 3


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


def _assign(
    spec: _Spec,
    line: PhraseLine,
    slots: list[tuple[float, float]],
    label_edge: float,
    unit_slot: tuple[float, float] | None,
) -> Record | None:
    """Split one line into label phrases, unit phrase and per-column values (None: not in table)."""
    labels: list[Phrase] = []
    values: dict[int, Phrase] = {}
    unit = None
    prose = None
    for p in line.phrases:
        if p.x1 <= spec.left or p.x0 >= spec.right:
            continue
        if (
            unit_slot
            and unit_slot[0] <= p.cx <= unit_slot[1]
            and (p.kind == "text" or (p.kind == "value" and re.search(r"[A-Za-z%]", p.text)))
        ):  # "1,000 gigajoule" in a unit column is a unit
            unit = p
            continue
        if p.cx < label_edge and p.kind != "value" or p.x1 <= label_edge:
            if re.search(r"\w", p.text):  # leader dots and rules are no label
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
    return Record(line, labels, values, unit)


def _title(lines: list[PhraseLine], spec: _Spec, x0: float, x1: float) -> str:
    """Short lines just above the header inside the table's x-range: title, caption, unit line."""
    out: list[str] = []
    header = lines[spec.header]
    last_top = header.top
    for line in reversed(lines[max(0, spec.header - 6) : spec.header]):
        parts = [p for p in line.phrases if p.x1 > x0 and p.x0 < x1]
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
    lines = group_phrase_lines(iter_phrases(segments))
    specs: list[_Spec] = []
    for i, line in enumerate(lines):
        groups = _header_groups(line)
        for n, spec in enumerate(groups):
            spec.header = i
            if n:
                prev = groups[n - 1]
                # The gutter follows the left table's last column: the right table's label
                # column fills the space between them.
                edge = max(p.x1 for p in prev.columns + prev.extras)
                spec.left = prev.right = edge + min(20.0, 0.25 * (spec.columns[0].x0 - edge))
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
    return tables + build_column_tables(lines, page_number, source, [t.bbox for t in tables])


def _sub_columns(spec: _Spec, lines: list[PhraseLine]) -> None:
    """Split period columns into their sub-columns when a header line below the periods names
    several columns per period ("2023" over "Non-hazardous | Hazardous | Total", "2022" over
    "abs. | in %"). Each sub-column keeps its period; the table's rows start below the sub-header.

    Sub-column headers are the words stacked above the value columns of the first data rows;
    the groups they form are found where the first sub-header repeats, else by the period
    header each sub-column sits nearest to.
    """
    data = [
        i
        for i in range(spec.header + 1, min(len(lines), spec.header + 10))
        if sum(p.kind in ("value", "empty") and p.x0 > spec.left for p in lines[i].phrases) >= 2
    ]
    if not data or data[0] == spec.header + 1:
        return
    between = list(range(spec.header + 1, data[0]))[-3:]
    values = [p for i in data for p in lines[i].phrases if p.kind in ("value", "empty") and p.x0 > spec.left]
    heads: list[Phrase] = []
    for i in between:
        area = [p for p in lines[i].phrases if p.x0 >= spec.columns[0].x0 - 60]
        if any(p.kind in ("value", "empty") for p in area) or any(len(p.text.split()) > 5 for p in area):
            continue  # a row (or a text cell) under the header, not a line of sub-column names
        for p in lines[i].phrases:
            if p.x0 < spec.left or p.kind == "value" and not re.search(r"[A-Za-z%]", p.text):
                continue
            if any(min(p.x1, v.x1) - max(p.x0, v.x0) > -2 for v in values):
                heads.append(p)
    cols: list[list[Phrase]] = []
    for p in sorted(heads, key=lambda p: (p.x0, p.top)):
        home = next(
            (c for c in cols if min(p.x1, max(q.x1 for q in c)) - max(p.x0, min(q.x0 for q in c)) > 0), None
        )
        if home is None:
            cols.append([p])
        else:
            home.append(p)
    tops = [
        Phrase(
            min(q.x0 for q in c),
            max(q.x1 for q in c),
            min(q.top for q in c),
            max(q.bottom for q in c),
            " ".join(q.text for q in sorted(c, key=lambda q: q.top)),
            c[0].size,
            c[0].bold,
        )
        for c in cols
    ]
    tops.sort(key=lambda p: p.x0)
    heads_in_order = sorted(
        spec.columns + [e for e in spec.extras if e.x0 > spec.columns[0].x0], key=lambda p: p.x0
    )
    if len(tops) <= len(spec.columns):
        return
    groups: list[list[Phrase]] = [[]]
    for p in tops:
        if groups[-1] and p.text == tops[0].text:
            groups.append([])
        groups[-1].append(p)
    if len(groups) not in (len(spec.columns), len(heads_in_order)):
        groups = [[] for _ in heads_in_order]  # each sub-column under the nearest period header
        for p in tops:
            k = min(range(len(heads_in_order)), key=lambda k: abs(heads_in_order[k].cx - p.cx))
            groups[k].append(p)
    owners = spec.columns if len(groups) == len(spec.columns) else heads_in_order
    extras = [e for e in heads_in_order if e.kind != "period"]
    for group in groups:  # a sub-column under a "Change" header belongs to it, not to a period
        for p in list(group):
            over = next((e for e in extras if min(e.x1, p.x1) - max(e.x0, p.x0) > 0), None)
            if over is not None and len(group) > 1:
                group.remove(p)
                over.x0, over.x1 = min(over.x0, p.x0), max(over.x1, p.x1)
    new_cols: list[Phrase] = []
    new_extras = [e for e in spec.extras if e not in heads_in_order]
    for owner, group in zip(owners, groups, strict=True):
        for p in group:
            p.kind, p.period = ("period", owner.period) if owner.kind == "period" else ("text", None)
            (new_cols if owner.kind == "period" else new_extras).append(p)
    if new_cols:
        spec.columns, spec.extras, spec.body = new_cols, new_extras, between[-1]
        first = min(c.x0 for c in new_cols)  # "in t" left of the sub-headers: the unit
        spec.label_head += [
            p for i in between for p in lines[i].phrases if spec.left <= p.x0 and p.x1 < first
        ]


def _build(spec: _Spec, lines: list[PhraseLine], page_number: int, source: str) -> Table | None:
    _sub_columns(spec, lines)
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
    body = max(spec.body, spec.header)
    records: list[Record] = []
    gap_rows = 0
    last_bottom = header.bottom
    since_value = 0  # lines read since the last one with a value under a period column
    for line in lines[body + 1 :]:
        if line.top >= spec.bottom:
            break
        # A table's rows follow its header closely and keep coming; a chart axis or a year in a
        # heading has no rows under it, and a table ends where its values stop. Notes beside the
        # table (right of its last period column) do not count.
        if any(p.x1 > spec.left and p.x0 < slots[-1][1] for p in line.phrases):
            since_value += 1
        has_rows = any(any(v.kind in ("value", "empty") for v in r.values.values()) for r in records)
        if since_value > (8 if has_rows else 6):
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
        if any(v.kind in ("value", "empty") for v in r.values.values()):
            since_value = 0
    last = max(
        (i for i, r in enumerate(records) if any(v.kind in ("value", "empty") for v in r.values.values())),
        default=-1,
    )
    # Text after the last row (footnotes, the next section) is not the table's, except a short
    # line right under it that continues its label ("within the UK").
    tail = records[last + 1 : last + 2]
    keep = [
        r
        for r in tail
        if r.line.top - records[last].line.bottom <= 0.8 * records[last].line.height
        and len(r.label_text.split()) <= 8
        and re.match(r"\s*[a-z(]", r.label_text)
    ]
    records = records[: last + 1] + keep
    cut = trim_prose(records)
    if cut is not None:
        spec.left = max(spec.left, cut)
        spec.label_head = [p for p in spec.label_head if p.x0 >= cut]
    rows = [row for row in assemble_rows(records) if re.search(r"[A-Za-z\u3400-\u9fff]", row[0] + row[1])]
    rows = [row for row in rows if any(v.kind == "value" for v in row[2].values.values())]
    if not rows:
        return None
    left = min([p.x0 for row in rows for p in row[2].labels] or [label_edge - 50])
    columns = [
        Column(0, round(left, 2), round(label_edge, 2), "label", " ".join(p.text for p in spec.label_head))
    ]
    offset = 1
    if unit_slot is not None:
        columns.append(
            Column(
                1, round(unit_slot[0], 2), round(unit_slot[1], 2), "unit", unit_head.text if unit_head else ""
            )
        )
        offset = 2
    for n, (c, (x0, x1)) in enumerate(zip(spec.columns, slots, strict=True)):
        columns.append(
            Column(n + offset, round(x0, 2), round(x1, 2), "period", c.text, c.period, restated[n])
        )
    cells: list[Cell] = [
        Cell(c.text, box(c), 0, n + offset, kind="header") for n, c in enumerate(spec.columns)
    ]
    table_rows: list[TableRow] = []
    grid: list[tuple[str, ...]] = [
        tuple(
            [columns[0].header]
            + ([columns[1].header] if offset == 2 else [])
            + [c.text for c in spec.columns]
        )
    ]
    for n, (label, section, r, level, parent) in enumerate(rows, start=1):
        row_box = box_of([*r.labels, *r.values.values()] or r.line.phrases)
        table_rows.append(TableRow(n, label, row_box, level, section, parent))
        cells.append(Cell(label, box_of(r.labels) if r.labels else row_box, n, 0, kind="label"))
        row_text = [label]
        if offset == 2:
            unit_text = r.unit.text if r.unit else ""
            row_text.append(unit_text)
            if r.unit is not None:
                cells.append(Cell(unit_text, box(r.unit), n, 1, kind="unit"))
        for col in range(len(spec.columns)):
            v = r.values.get(col)
            row_text.append(v.text if v else "")
            if v is not None:
                kind: CellKind = "value" if v.kind == "value" else "empty"
                cells.append(Cell(v.text, box(v), n, col + offset, kind=kind))
        grid.append(tuple(row_text))
    all_boxes = [c.bbox for c in cells]
    bbox = (
        min(b[0] for b in all_boxes),
        min(b[1] for b in all_boxes),
        max(b[2] for b in all_boxes),
        max(b[3] for b in all_boxes),
    )
    right = max([slots[-1][1]] + [e.x1 for e in spec.extras]) + 20
    title = _title(lines, spec, max(spec.left, left - 5), min(spec.right, right))
    unit = " ".join(p.text for p in spec.label_head if not _UNIT_HEAD.match(p.text.strip()))
    return Table(
        page_number,
        round_box(bbox),
        tuple(grid),
        1,
        tuple(cells),
        tuple(columns),
        tuple(table_rows),
        title,
        unit,
        source,
    )
