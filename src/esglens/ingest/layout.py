"""Reading order and blocks from positioned text segments (pdfium text runs or OCR words).

The reading order is a recursive XY-cut: a region is split at the widest whitespace gap, across
(rows) or down (columns), so multi-column pages and two-page spreads read column by column. A
vertical cut whose one side is mostly numbers is refused: that gap separates table columns, and
cutting it would tear table rows apart (the trap seen on BHP p.25 and Siemens p.67).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from ..model import Block, BlockKind, Table

_SUPERSCRIPT = str.maketrans("0123456789,", "⁰¹²³⁴⁵⁶⁷⁸⁹˒")
_SUPERSCRIPT_CHARS = "⁰¹²³⁴⁵⁶⁷⁸⁹˒"
_CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])")
# A row of values at the end of a line ("equivalent) 12.9 14.8 19.6"), even in one text run.
_TRAILING_NUMBERS = re.compile(r"(?:\s[-–−(]?\d[\d.,]*%?\)?[¹²³⁴⁵⁶⁷⁸⁹⁰]*){2,}\s*$")
_DIGITISH = set("0123456789.,")
_CJK_ANY = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_NUMERIC = re.compile(r"^[\s\d.,%()+\-–−/$€£*x×<>~]+$")
_BULLET = re.compile(r"^(?:[•●▪■◦‣∙·\-–—]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_CAPTION = re.compile(r"^(?:Figure|Fig\.|Table|Chart|Graph|Source|Sources|Note|Notes)\b[\s\d.:]", re.I)


@dataclass
class Segment:
    """A run of text on one line in one font: bbox in points from the top-left, font size."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    size: float
    bold: bool = False
    baseline: float | None = None
    numeric: bool = False

    def __post_init__(self) -> None:
        self.numeric = bool(_NUMERIC.match(self.text)) and any(c.isdigit() for c in self.text)

    @property
    def height(self) -> float:
        return self.bottom - self.top


class Line:
    """Segments sharing a baseline inside one reading-order region, left to right.

    The box and text are computed once and refreshed only when segments are added, because
    layout code asks for them many times per line (a 170-page report has ~10,000 lines).
    """

    __slots__ = ("segments", "x0", "x1", "top", "bottom", "size", "_text", "_cells")

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments
        self._refresh()

    def _refresh(self) -> None:
        segs = self.segments
        self.x0 = min(s.x0 for s in segs)
        self.x1 = max(s.x1 for s in segs)
        self.top = min(s.top for s in segs)
        self.bottom = max(s.bottom for s in segs)
        self.size = max(s.size for s in segs)
        self._text: str | None = None
        self._cells: list[str] | None = None

    def add(self, segments: list[Segment]) -> None:
        """Add segments and re-sort them left to right."""
        self.segments.extend(segments)
        self.segments.sort(key=lambda s: s.x0)
        self._refresh()

    @property
    def bold(self) -> bool:
        return all(s.bold for s in self.segments)

    def cells(self) -> list[str]:
        """Cell strings: segments separated by a gap wider than about two spaces."""
        if self._cells is None:
            cells: list[list[Segment]] = []
            for seg in self.segments:
                if cells and seg.x0 - cells[-1][-1].x1 < max(6.0, 0.9 * seg.size):
                    cells[-1].append(seg)
                else:
                    cells.append([seg])
            self._cells = [_join(c) for c in cells]
        return self._cells

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = _join(self.segments)
        return self._text


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")


def _join(segments: list[Segment]) -> str:
    """Join segments of one line, adding a space where the gap is wider than a thin space."""
    out = ""
    prev: Segment | None = None
    for seg in segments:
        piece = seg.text
        if (
            prev is not None
            and out
            and not out.endswith(" ")
            and not piece.startswith(" ")
            and piece[:1] not in _SUPERSCRIPT_CHARS
            and not (_is_cjk(out[-1]) and _is_cjk(piece[:1]))  # Chinese has no word spaces
        ):
            gap = seg.x0 - prev.x1
            # Digits have wide side bearings (a "1" sits in a wide box): within a number, a gap
            # up to about half an em is still no space ("41" + "8.7" is 418.7).
            digits = out[-1] in _DIGITISH and piece[:1] in _DIGITISH
            if gap > (0.45 if digits else 0.2) * max(seg.size, prev.size, 1.0):
                out += " "
        out += piece
        prev = seg
    out = " ".join(out.split())
    if _CJK_ANY.search(out):  # OCR words of Chinese text arrive space-separated
        out = _CJK_SPACE.sub("", out)
    return out


def mark_superscripts(segments: list[Segment]) -> None:
    """Rewrite raised digit runs (footnote markers) as Unicode superscripts, in place.

    A marker is a short digit run right after other text whose baseline sits at least a fifth of
    that text's height above the text's baseline: "Scope 1" + raised "9" becomes "Scope 1⁹", never
    "Scope 19". Digits on the baseline (Siemens sets "Scope 1" in two fonts) and lowered digits
    (the 2 of CO2) stay plain. Needs baselines, so OCR words are left alone.
    """
    for i in range(1, len(segments)):
        seg, prev = segments[i], segments[i - 1]
        t = seg.text.strip()
        if not t or len(t) > 3 or not t.isdigit() or seg.baseline is None or prev.baseline is None:
            continue
        h = prev.height
        if h <= 0 or not (-1.0 < seg.x0 - prev.x1 < 0.5 * h) or seg.height > 0.9 * h:
            continue
        shift = prev.baseline - seg.baseline  # top-left coords: positive means raised
        if abs(shift) < 0.15 * h:
            continue
        prev.text = prev.text.rstrip()  # a generated space would detach the marker or subscript
        if shift >= 0.2 * h:
            seg.text = t.translate(_SUPERSCRIPT) + (" " if seg.text.endswith(" ") else "")


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

    KPI annexes (Siemens pp.120–133) print a group label ("Waste") in a left column, centred
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


def _overlap_ratio(top: float, bottom: float, top2: float, bottom2: float) -> float:
    """Vertical overlap of two spans as a share of the shorter one."""
    shorter = max(min(bottom - top, bottom2 - top2), 0.5)
    return (min(bottom, bottom2) - max(top, top2)) / shorter


def group_lines(segments: list[Segment]) -> list[Line]:
    """Group a region's segments into lines by vertical overlap, top to bottom.

    Each segment joins the recent line it overlaps most; then lines that overlap by half are
    merged, so a raised footnote marker or a hairline hyphen processed first does not start a
    line of its own.
    """
    lines: list[Line] = []
    for seg in sorted(segments, key=lambda s: (s.bottom, s.x0)):
        best, best_ratio = None, 0.3
        for line in lines[-3:]:
            ratio = _overlap_ratio(line.top, line.bottom, seg.top, seg.bottom)
            if ratio >= best_ratio:
                best, best_ratio = line, ratio
        if best is None:
            lines.append(Line([seg]))
        else:
            best.add([seg])
    lines.sort(key=lambda ln: ln.top)
    merged: list[Line] = []
    for line in lines:
        if merged and _overlap_ratio(merged[-1].top, merged[-1].bottom, line.top, line.bottom) >= 0.5:
            merged[-1].add(line.segments)
        else:
            merged.append(line)
    return merged


def _dehyphenate(lines: list[str]) -> str:
    """Join wrapped lines; "sustain-" + "ability" becomes "sustainability"."""
    out = ""
    for text in lines:
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and text[:1].islower():
            out = out[:-1] + text
        elif out and _is_cjk(out[-1]) and _is_cjk(text[:1]):
            out += text
        else:
            out = f"{out} {text}" if out else text
    return out


def _kind(text: str, size: float, bold: bool, body: float, top: float, height: float) -> BlockKind:
    words = len(text.split())
    if size >= 1.18 * body and words <= 25:
        return "heading"
    if size < 0.86 * body and top > 0.75 * height:
        return "footnote"
    if re.match(r"^[\d¹²³⁴⁵⁶⁷⁸⁹⁰*†]{1,3}\s", text) and size < 0.95 * body and top > 0.6 * height:
        return "footnote"
    if _CAPTION.match(text):
        return "caption"
    if _BULLET.match(text):
        return "list"
    if bold and words <= 12 and not text.endswith("."):
        return "heading"
    return "paragraph"


def build_blocks(
    segments: list[Segment], page_number: int, page_height: float
) -> tuple[list[Block], list[Table]]:
    """Reading-ordered blocks and light tables for one page's segments.

    Tables come from the same geometry: runs of at least two consecutive lines with two or more
    cells of which one is a number. That keeps tables in step with the text layer, which the
    pdfplumber trap on Siemens p.67 shows is the safer source of truth.
    """
    if not segments:
        return [], []
    mark_superscripts(segments)
    weights = [(s.size, len(s.text)) for s in segments]
    by_size: dict[float, int] = {}
    for size, n in weights:
        by_size[round(size, 1)] = by_size.get(round(size, 1), 0) + n
    body = max(by_size, key=lambda k: by_size[k]) or 10.0
    blocks: list[Block] = []
    tables: list[Table] = []
    lines = [line for region in xy_cut(segments) for line in group_lines(region)]
    current: list[Line] = []
    table_run: list[Line] = []

    def flush() -> None:
        if not current:
            return
        text = _dehyphenate([ln.text for ln in current])
        if text:
            size = statistics.median(ln.size for ln in current)
            bold = all(ln.bold for ln in current)
            top = min(ln.top for ln in current)
            bbox = (
                round(min(ln.x0 for ln in current), 2),
                round(top, 2),
                round(max(ln.x1 for ln in current), 2),
                round(max(ln.bottom for ln in current), 2),
            )
            kind = _kind(text, size, bold, body, top, page_height)
            blocks.append(Block(text, bbox, kind, round(size, 2), bold))
        current.clear()

    def flush_table() -> None:
        rows = [tuple(ln.cells()) for ln in table_run]
        if len(rows) >= 2:
            bbox = (
                round(min(ln.x0 for ln in table_run), 2),
                round(min(ln.top for ln in table_run), 2),
                round(max(ln.x1 for ln in table_run), 2),
                round(max(ln.bottom for ln in table_run), 2),
            )
            header = 1 if not any(_has_number_cell(c) for c in rows[0][1:]) else 0
            tables.append(Table(page_number, bbox, tuple(rows), header))
        table_run.clear()

    prev: Line | None = None
    for line in lines:
        cells = line.cells()
        tabular = (len(cells) >= 2 and any(_has_number_cell(c) for c in cells[1:])) or bool(
            _TRAILING_NUMBERS.search(line.text)
        )
        jumped = prev is not None and (line.top < prev.top - 1 or line.x0 > prev.x1 or line.x1 < prev.x0)
        if tabular or (table_run and len(cells) >= 2 and not jumped):
            if jumped and table_run:
                flush_table()
            table_run.append(line)
        elif table_run:
            flush_table()
        if prev is not None:
            gap = line.top - prev.bottom
            if (
                jumped
                or gap > 0.7 * max(line.size, 1.0)
                or abs(line.size - prev.size) >= 0.6
                or tabular
                or len(cells) >= 3
                or _BULLET.match(line.text)
            ):
                flush()
        current.append(line)
        if tabular or len(cells) >= 3:
            flush()
        prev = line
    flush()
    if table_run:
        flush_table()
    return blocks, tables


def _has_number_cell(cell: str) -> bool:
    return bool(re.search(r"\d", cell)) and bool(_NUMERIC.match(cell.replace("n/a", "")))
