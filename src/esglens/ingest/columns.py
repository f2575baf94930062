"""Tables whose columns name the quantities: "Scope 1 (MTCO2e) | Scope 2 (MTCO2e) | Total".

Stage: a page's phrase lines -> Tables without period columns. Breakdown tables put what is
measured in the column headers and the breakdown (asset class, job category, segment) in the rows,
with a "Total" row; the period is in the title ("2021 Greenhouse Gas Emissions", "As of March 31,
2022"). Columns are found from the x-alignment of values on consecutive lines; each column's
header is the text stacked above it, and a header over several columns ("Greenhouse Gas
Emissions") prefixes each of them. Lines already read as a period table are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import BBox, Cell, CellKind, Column, Table, TableRow
from .rows import Record, assemble_rows, trim_prose
from .words import Phrase, PhraseLine, box, box_of, round_box


@dataclass
class _Cluster:
    """Values aligned in one column: on their right edges or on their centres."""

    x0: float
    x1: float
    members: list[tuple[int, Phrase]]

    def fits(self, p: Phrase) -> bool:
        tol = max(3.0, 0.4 * p.size)
        right = sorted(m.x1 for _, m in self.members)[len(self.members) // 2]
        centre = sorted(m.cx for _, m in self.members)[len(self.members) // 2]
        return abs(p.x1 - right) <= tol or abs(p.cx - centre) <= tol


def _is_cell_value(p: Phrase) -> bool:
    return p.kind in ("value", "empty")


def _is_data(p: Phrase) -> bool:
    """A value that cannot be part of a header ("1" in a stacked "Scope / 1 & 2" can)."""
    return p.kind == "value" and (sum(c.isdigit() for c in p.text) >= 3 or any(c in p.text for c in ",.%"))


def _inside(p: Phrase, line: PhraseLine, taken: list[BBox]) -> bool:
    return any(
        x0 - 2 <= p.cx <= x1 + 2 and top - 2 <= line.mid <= bottom + 2 for x0, top, x1, bottom in taken
    )


@dataclass
class _Block:
    """Lines of one breakdown table and the value columns they share."""

    lines: list[int]
    clusters: list[_Cluster]

    def fit(self, n: int, values: list[Phrase]) -> float:
        """Share of a line's values that sit in this block's columns."""
        return sum(1 for p in values if any(c.fits(p) for c in self.clusters)) / len(values)

    def add(self, n: int, values: list[Phrase]) -> None:
        self.lines.append(n)
        for p in values:
            home = next((c for c in self.clusters if c.fits(p) and all(i != n for i, _ in c.members)), None)
            if home is None:
                self.clusters.append(_Cluster(p.x0, p.x1, [(n, p)]))
            else:
                home.members.append((n, p))
                home.x0, home.x1 = min(home.x0, p.x0), max(home.x1, p.x1)


def _blocks(lines: list[PhraseLine], taken: list[BBox]) -> list[_Block]:
    """Tables as runs of lines whose values share columns. A line joins the open block whose
    columns its values fit, so two tables interleaved down a page stay apart; a few lines without
    values (wrapped labels, footnote marks) may sit between rows."""
    open_blocks: list[_Block] = []
    done: list[_Block] = []
    for n, line in enumerate(lines):
        values = [p for p in line.phrases if _is_cell_value(p) and not _inside(p, line, taken)]
        if not values:
            continue
        for b in list(open_blocks):
            last = b.lines[-1]
            if n - last > 6 or line.top - lines[last].bottom > 4.5 * max(line.height, 6.0):
                open_blocks.remove(b)
                done.append(b)
        best = max(open_blocks, key=lambda b: b.fit(n, values), default=None)
        if best is not None and best.fit(n, values) >= 0.5:
            best.add(n, values)
        elif len(values) >= 1:
            block = _Block([], [])
            block.add(n, values)
            open_blocks.append(block)
    done.extend(open_blocks)
    out = []
    for b in done:
        b.clusters = [c for c in b.clusters if len({i for i, _ in c.members}) >= 2]
        if len(b.lines) >= 2 and b.clusters:
            out.append(b)
    return sorted(out, key=lambda b: b.lines[0])


def _header(
    lines: list[PhraseLine],
    first: int,
    slots: list[tuple[float, float]],
    others: set[int] = frozenset(),  # type: ignore[assignment]
) -> tuple[list[str], int]:
    """Header text of each column slot from the lines stacked above the first value line, and the
    index of the topmost header line."""
    parts: list[list[str]] = [[] for _ in slots]
    top_line = first
    last_top = lines[first].top
    for n in range(first - 1, max(-1, first - 8), -1):
        line = lines[n]
        if n in others:
            continue  # a row of another table set beside this one
        if last_top - line.bottom > 2.5 * max(line.height, 6.0):
            break
        inside = [p for p in line.phrases if p.x1 > slots[0][0] and p.x0 < slots[-1][1]]
        if not inside:
            continue
        if any(_is_data(p) for p in inside) or any(len(p.text) > 60 for p in inside):
            break
        line_parts: list[list[str]] = [[] for _ in slots]
        for p in inside:
            if p.x0 < slots[0][0] - 5:
                continue  # a title over the label column, not a column header
            covered = [k for k, (a, b) in enumerate(slots) if p.x0 < (a + b) / 2 < p.x1]
            if len(covered) < 2:
                covered = [k for k, (a, b) in enumerate(slots) if a <= p.cx <= b]
            if not covered:  # a header wider than its slot: the slot it overlaps most
                overlap = [(min(b, p.x1) - max(a, p.x0), k) for k, (a, b) in enumerate(slots)]
                best = max(overlap)
                covered = [best[1]] if best[0] > 0 else []
            for k in covered:
                line_parts[k].append(p.text)
        for k, texts in enumerate(line_parts):
            if texts:
                parts[k].insert(0, " ".join(texts))
        if any(line_parts):
            top_line, last_top = n, line.top
    return [" ".join(p) for p in parts], top_line


def _title(lines: list[PhraseLine], top: int, x0: float, x1: float) -> str:
    """Up to three short lines above the header within the table's width (title, period)."""
    out: list[str] = []
    for line in reversed(lines[max(0, top - 8) : top]):
        parts = [p for p in line.phrases if p.x1 > x0 and p.x0 < x1]
        text = " ".join(p.text for p in parts)
        if text and len(text) <= 120 and not any(_is_cell_value(p) for p in parts):
            out.insert(0, text)
        if len(out) >= 3:
            break
    return " / ".join(out)


def build_column_tables(
    lines: list[PhraseLine], page_number: int, source: str, taken: list[BBox]
) -> list[Table]:
    """Tables whose column headers name what is measured (no period header row)."""
    tables = []
    blocks = _blocks(lines, taken)
    for found in blocks:
        block = found.lines
        others = {i for b in blocks if b is not found for i in b.lines}
        cols = sorted(found.clusters, key=lambda c: c.x0)
        if not cols or (len(cols) == 1 and len(block) < 3):
            continue
        label_end = max(
            [p.x1 for i in block for p in lines[i].phrases if not _is_cell_value(p) and p.x1 <= cols[0].x0]
            or [cols[0].x0 - 60]
        )
        slots = []
        for k, c in enumerate(cols):
            # The first column's header may sit anywhere between the labels and its values.
            left = (cols[k - 1].x1 + c.x0) / 2 if k else min(c.x0 - 6, (label_end + c.x0) / 2)
            right = (c.x1 + cols[k + 1].x0) / 2 if k + 1 < len(cols) else c.x1 + max(12.0, c.x1 - c.x0)
            slots.append((left, right))
        heads, top = _header(lines, block[0], slots, others)
        if not any(heads) or any(h and _all_periods(h) for h in heads):
            continue
        edge = slots[0][0]
        records = []
        members = set(block)
        for i in range(block[0], block[-1] + 1):
            line = lines[i]
            if i not in members and any(_is_cell_value(p) for p in line.phrases):
                continue  # a row of another table interleaved with this one
            labels = [p for p in line.phrases if p.x1 <= edge and not _is_cell_value(p)]
            values: dict[int, Phrase] = {}
            for p in line.phrases:
                if _is_cell_value(p) and p.x1 > edge:
                    slot = next((k for k, (a, b) in enumerate(slots) if a <= p.cx <= b), None)
                    if slot is not None and slot not in values:
                        values[slot] = p
            records.append(Record(line, labels, values))
        cut = trim_prose(records)
        if cut is not None:
            edge_left = cut
            for r in records:
                r.labels = [p for p in r.labels if p.x0 >= edge_left]
        rows = [r for r in assemble_rows(records) if r[0].strip()]
        if not rows:
            continue
        table = _table(page_number, source, heads, slots, rows, _title(lines, top, edge - 300, slots[-1][1]))
        tables.append(table)
    return tables


def _all_periods(text: str) -> bool:
    from ..periods import period_of

    return all(period_of(w) for w in text.split()) and bool(text.split())


def _table(
    page_number: int,
    source: str,
    heads: list[str],
    slots: list[tuple[float, float]],
    rows: list[tuple[str, str, Record, int, str]],
    title: str,
) -> Table:
    left = min([p.x0 for row in rows for p in row[2].labels] or [slots[0][0] - 50])
    columns = [Column(0, round(left, 2), round(slots[0][0], 2), "label", "")]
    columns += [
        Column(k + 1, round(a, 2), round(b, 2), "value", h)
        for k, (h, (a, b)) in enumerate(zip(heads, slots, strict=True))
    ]
    cells = [
        Cell(h, round_box((a, 0.0, b, 0.0)), 0, k + 1, kind="header")
        for k, (h, (a, b)) in enumerate(zip(heads, slots, strict=True))
    ]
    table_rows, grid = [], [tuple([""] + heads)]
    for n, (label, section, r, level, parent) in enumerate(rows, start=1):
        row_box = box_of([*r.labels, *r.values.values()] or r.line.phrases)
        table_rows.append(TableRow(n, label, row_box, level, section, parent))
        cells.append(Cell(label, box_of(r.labels) if r.labels else row_box, n, 0, kind="label"))
        texts = [label]
        for k in range(len(heads)):
            v = r.values.get(k)
            texts.append(v.text if v else "")
            if v is not None:
                kind: CellKind = "value" if v.kind == "value" else "empty"
                cells.append(Cell(v.text, box(v), n, k + 1, kind=kind))
        grid.append(tuple(texts))
    boxes = [c.bbox for c in cells if c.kind != "header"]
    bbox = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    return Table(
        page_number,
        round_box(bbox),
        tuple(grid),
        1,
        tuple(cells),
        tuple(columns),
        tuple(table_rows),
        title,
        "",
        source,
    )
