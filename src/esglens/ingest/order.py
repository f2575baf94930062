"""Reading order: a recursive XY-cut over a page's segments into ordered regions.

A region is split at the widest whitespace gap, across (rows) or down (columns), so multi-column
pages and two-page spreads read column by column. A vertical gap with numbers level with labels
on its other side is a table gap, not a gutter, and is never cut: cutting it would tear table
rows apart (a trap seen in several KPI annexes).
"""

from __future__ import annotations

from .lines import _TRAILING_NUMBERS, Line, Segment, group_lines


def _is_numeric(seg: Segment) -> bool:
    return seg.numeric


def _gaps(intervals: list[tuple[float, float]], min_gap: float) -> list[tuple[float, float]]:
    """Whitespace gaps (start, end) at least ``min_gap`` wide between merged intervals."""
    intervals.sort()
    gaps = []
    end = intervals[0][1]
    for a, b in intervals[1:]:
        if a - end >= min_gap:
            gaps.append((end, a))
        end = max(end, b)
    return gaps


def _rows_aligned(numbers: list[Segment], labels: list[Segment], gap: float) -> bool:
    """True when numbers on one side of a gap sit level with labels on the other: a table.

    A prose column beside a table also lines up on a baseline grid, so a label side whose lines
    mostly fill the width up to the gap (a text column) never counts as labels. ``gap`` is the
    gap edge on the labels' side.
    """
    numeric_mids = [(s.top + s.bottom) / 2 for s in numbers if s.numeric]
    # Table values: the number side is largely numbers. A spread's facing page with a chart
    # beside a text box is mostly words.
    if len(numeric_mids) < 2 or len(numeric_mids) < 0.25 * len(numbers):
        return False
    covered: dict[int, float] = {}
    for s in labels:
        key = round((s.top + s.bottom) / 4)  # 2 pt bands
        covered[key] = covered.get(key, 0.0) + (s.x1 - s.x0)
    width = max(abs(gap - min(s.x0 for s in labels)), abs(max(s.x1 for s in labels) - gap))
    width = min(width, max(s.x1 for s in labels) - min(s.x0 for s in labels))
    # Prose lines fill their column; table rows leave gaps between their cells.
    full = sum(1 for c in covered.values() if c >= 0.85 * width)
    if width >= 120 and full >= 0.5 * len(covered) and len(covered) >= 4:
        return False
    # Level within most of a line height: a value centred on a two-line label still counts.
    label_mids = [((s.top + s.bottom) / 2, max(2.0, 0.8 * s.height)) for s in labels]
    aligned = sum(1 for m in numeric_mids if any(abs(m - lm) <= tol for lm, tol in label_mids))
    return aligned >= 2 and aligned >= 0.3 * len(numeric_mids)


def _is_table_gap(left: list[Segment], right: list[Segment], a: float, b: float) -> bool:
    """Values right of labels, or labels/notes right of values: either way, one table."""
    return _rows_aligned(right, left, a) or _rows_aligned(left, right, b)


def _interleave_row_groups(
    left: list[Segment], right: list[Segment]
) -> list[list[Segment]] | None:
    """Put row-group labels of a table before the rows they span, or None if not such a table.

    KPI annexes print a group label ("Waste") in a left column, centred
    on the rows of its group. Read column by column, all group labels would come first, far from
    their values. A label's group starts at the first row not yet claimed and ends as far below
    the label's centre as it starts above it.
    """
    if not left or not right or any(len(s.text.strip()) > 45 for s in left):
        return None
    rows = group_lines(right)
    tabular = [
        r for r in rows if _TRAILING_NUMBERS.search(r.text) or sum(s.numeric for s in r.segments) >= 2
    ]
    labels = _cluster_lines(group_lines(left))
    if len(tabular) < 4 or len(tabular) < 0.5 * len(rows) or len(labels) * 1.5 > len(rows):
        return None
    x0 = min(s.x0 for s in left)
    if max(s.x1 for s in left) - x0 > 0.6 * (max(s.x1 for s in right) - x0):
        return None
    leaves: list[list[Segment]] = []
    i = 0
    for label in labels:
        top = min(ln.top for ln in label)
        bottom = max(ln.bottom for ln in label)
        centre = (top + bottom) / 2
        start_top = rows[i].top if i < len(rows) else top
        end = 2 * centre - start_top + 2
        leaves.append([seg for ln in label for seg in ln.segments])
        group: list[Segment] = []
        while i < len(rows) and (rows[i].top + rows[i].bottom) / 2 <= end:
            group.extend(rows[i].segments)
            i += 1
        if group:
            leaves.append(group)
    rest = [seg for r in rows[i:] for seg in r.segments]
    if rest:
        leaves.append(rest)
    return leaves


def _cluster_lines(lines: list[Line]) -> list[list[Line]]:
    """Consecutive lines closer than a line height, as multi-line labels."""
    out: list[list[Line]] = []
    for ln in lines:
        if out and ln.top - out[-1][-1].bottom < 0.8 * max(ln.bottom - ln.top, 1.0):
            out[-1].append(ln)
        else:
            out.append([ln])
    return out


def xy_cut(segments: list[Segment], depth: int = 0) -> list[list[Segment]]:
    """Split segments into reading-order regions (a list of leaf regions, in order)."""
    if len(segments) <= 1 or depth > 40:
        return [segments]
    sizes = sorted(s.size for s in segments)
    body = sizes[len(sizes) // 2] or 10.0
    hgaps = _gaps([(s.top, s.bottom) for s in segments], 0.5 * body)
    vgaps = _gaps([(s.x0, s.x1) for s in segments], max(8.0, 0.9 * body))
    best_v = None
    if max(s.bottom for s in segments) - min(s.top for s in segments) < 2.2 * body:
        vgaps = []  # one line: its gaps separate cells or words, never columns
    for a, b in sorted(vgaps, key=lambda g: g[0] - g[1]):
        mid = (a + b) / 2
        left = [s for s in segments if s.x1 <= mid]
        right = [s for s in segments if s.x0 >= mid]
        # A gap with numbers level with labels on its left is a table column gap, not a
        # column gutter: cutting it would tear table rows apart.
        if _is_table_gap(left, right, a, b):
            continue
        best_v = (b - a, mid)
        break
    widest_h = max((b - a for a, b in hgaps), default=0.0)
    # Columns win when their gutter is wider than the widest row gap: gutters are 10-30 pt,
    # line gaps 2-6 pt; a full-width heading or rule gives a wide row gap and cuts first.
    if best_v is not None and best_v[0] >= widest_h * 0.8:
        mid = best_v[1]
        parts = [[s for s in segments if s.x1 <= mid], [s for s in segments if s.x1 > mid]]
        grouped = _interleave_row_groups(parts[0], parts[1])
        if grouped is not None:
            return grouped
    elif hgaps:
        # With no column gutter left, cutting at every row gap at once is safe and saves one
        # recursion per line; beside a gutter, cut only at the widest row gap and look again.
        if best_v is None:
            cuts = [(a + b) / 2 for a, b in hgaps]
            # On a page of running text (no table's numbers), cut first only at row gaps much
            # wider than the others (under a page header): the band below may show the column
            # gutter the header hid, where cut row by row its columns would be read across.
            widths = sorted(b - a for a, b in hgaps)
            big = [(a + b) / 2 for a, b in hgaps
                   if b - a >= max(2 * body, 3 * widths[len(widths) // 2])]
            if 0 < len(big) < len(hgaps) and sum(s.numeric for s in segments) < 0.1 * len(segments):
                cuts = big
        else:
            cuts = [next((a + b) / 2 for a, b in hgaps if b - a == widest_h)]
        ordered = sorted(segments, key=lambda s: s.bottom)
        parts, i = [], 0
        for cut in cuts:
            part = []
            while i < len(ordered) and ordered[i].bottom <= cut:
                part.append(ordered[i])
                i += 1
            parts.append(part)
        parts.append(ordered[i:])
    else:
        return [segments]
    parts = [p for p in parts if p]
    if len(parts) < 2:
        return [segments]
    return [leaf for part in parts for leaf in xy_cut(part, depth + 1)]
