"""Metrics from table rows as they appear in page text: the line-based fallback reading.

Rows are read from the line-ordered page text rather than from ``page.tables``: the text layer keeps
label and values on one line where table detection scrambles them (wide KPI annexes, rows whose
unit column wraps).
A header line with two or more years ("2021 2022 2023", "FY 2024 / FY 2023" over two lines)
sets the column periods; a caption or header unit ("(In 1,000 metric tons of CO2-equivalents)",
a line "Mt CO2e") sets the unit for rows that print none. One Metric per (row, year column).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from ..model import Metric
from .catalog import Kpi, clean_label, convert, match_kpi, vetoed_by_context
from .periods import header_years, single_header_year
from .quantity import SUPERSCRIPTS, UnitMatch, normalize_unit, parse_number

# A value cell: optional "<", sign, digits with separators, optional % and footnote superscripts.
_CELL = re.compile(r"[<>~]?[-−–+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:[.,]\d+)?%?[" + SUPERSCRIPTS + r"]*")
_EMPTY = re.compile(r"(?:-|–|—|n/?a|n\.a\.|nm)", re.I)
_LABEL_NUMBER = re.compile(r"(?:scopes?|category|cat|tier|and|&|\+|,)$", re.I)
# The number after "Scope"/"Category": 1-2 digits, or a scope digit with a glued footnote ("211").
_LABEL_DIGITS = re.compile(r"(?:\d{1,2}|[123]\d{2})[" + SUPERSCRIPTS + r"°º]*")
_OCR_EDGE = re.compile(r"^[|/!]+\s*(?=[A-Za-z-])")  # OCR table rules read as "|" or "/"
_TARGET_CELLS = re.compile(r"\s(?:by|target|goal|objective)\s+(?:FY\s*)?20\d\d\b.*$", re.I)
_PAREN = re.compile(r"\(([^()]{2,70})\)?")
# A row label that names no quantity, only an aggregate of its row group ("Total", "Sum (market
# based)"): the group label printed beside the rows (a KPI annex's row groups) names it.
_GENERIC = re.compile(
    r"(?:total|sum|overall|group total|group|company[- ]wide|all)\b[" + SUPERSCRIPTS + r"]*"
    r"(?:\s*\([^)]{1,40}\))?",
    re.I,
)
_LATER_TOTAL = re.compile(r"\s(?:total|sum)\b", re.I)  # "Scope 1+2 Total": another group
# Standards columns ("GRI 302-1, SASB", "RT-EE-130a.1", "WEF") are references, not labels.
_STANDARDS = re.compile(r"\s*(?:\b(?:GRI|SASB|WEF|ESRS|TCFD)\b.*|\b[A-Z]{2}-[A-Z]{2}[-_]\w.*)$")
_GROUP_LOOKAHEAD = 24  # lines: a centred label sits mid-group (a Scope 1 group of 17 rows)


@dataclass(frozen=True)
class Row:
    """A split table line: label text, value cells (None for an empty cell), text after them."""

    label: str
    cells: tuple[str | None, ...]
    suffix: str


@lru_cache(maxsize=16384)
def split_row(line: str) -> Row | None:
    """Split a text line into label, value cells and suffix; None when it holds no value."""
    tokens = line.split()
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if _CELL.fullmatch(tokens[i]) or (_EMPTY.fullmatch(tokens[i]) and runs_adjacent(tokens, i)):
            j = i
            while j < len(tokens) and (_CELL.fullmatch(tokens[j]) or _EMPTY.fullmatch(tokens[j])):
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    for start, end in reversed(runs):
        if start > 0 and re.fullmatch(r"(?:p|pp|page|pages|s|seite)\.?", tokens[start - 1], re.I):
            continue  # "p. 117 ff": a page reference, not a value
        # "Scope 1 23.3": a small integer right after "Scope"/"Category" belongs to the label.
        while start < end and start > 0 and _LABEL_NUMBER.search(tokens[start - 1]):
            if not re.fullmatch(_LABEL_DIGITS, tokens[start]):
                break
            start += 1
        while start < end and _EMPTY.fullmatch(tokens[start]) and start > 0:
            if _CELL.fullmatch(tokens[start - 1]):
                break
            start += 1
        cells = tokens[start:end]
        if not any(_CELL.fullmatch(c) for c in cells) or _is_scale_word(tokens, start, end):
            continue
        label = " ".join(tokens[:start])
        if not re.search(r"[A-Za-zÀ-ÿ]{2}|[\u3400-\u9fff]{2}", label):
            return None
        values = tuple(None if _EMPTY.fullmatch(c) else c for c in cells)
        return Row(label, values, " ".join(tokens[end:]))
    return None


def _is_scale_word(tokens: list[str], start: int, end: int) -> bool:
    """True for a lone "1,000" that starts a unit ("1,000 metric tons"): a scale, not a value."""
    if end - start != 1 or end >= len(tokens) or tokens[start] not in ("1,000", "1.000", "000"):
        return False
    return any(normalize_unit(" ".join(tokens[start : end + k])) is not None for k in range(1, 4))


def runs_adjacent(tokens: list[str], i: int) -> bool:
    """True when an empty-cell marker at ``i`` sits next to a value cell."""
    return (i + 1 < len(tokens) and bool(_CELL.fullmatch(tokens[i + 1]))) or (
        i > 0 and bool(_CELL.fullmatch(tokens[i - 1]))
    )


def unit_in(text: str) -> UnitMatch | None:
    """A unit printed in a label or caption: a parenthesised unit or the label's last words."""
    for m in _PAREN.finditer(text):
        unit = normalize_unit(m.group(1))
        if unit is not None and unit.unit != "count":
            return unit
    words = text.split()
    for n in range(min(7, len(words)), 0, -1):
        phrase = " ".join(words[-n:]).strip("()[],:;")
        unit = normalize_unit(phrase)
        if unit is not None and unit.unit != "count":
            return unit
    return None


def _is_year_value(cell: str) -> bool:
    return bool(re.fullmatch(r"(?:19[89]|20[0-6])\d", cell))


_CHANGE_AFTER = re.compile(r"(?i)(?:increase|decrease|rise|reduction|improvement|growth|drop|decline|"
                           r"jump|fall|gain)s?\b")


def iter_table_metrics(
    lines: list[str], page: int, report_year: str | None, latest_first: bool = False
) -> Iterator[Metric]:
    """Metrics from the table-like lines of one page (see module docstring).

    ``latest_first``: a row of two values under no readable header (OCR often loses a header
    printed on a coloured band) is read as (report year, prior year) at low confidence.
    """
    yield from segments(list(_block_metrics(lines, page, report_year, latest_first)))


# A block heading for the whole company ("ALL OWN FACILITIES", "Group", "Konzern", "Total", or a
# GHG Protocol consolidation approach: "Equity basis", "Operational control"); a "Total water
# consumption" heading names a quantity, not the whole.
_WHOLE = re.compile(
    r"\b(?:all|group|overall|company[- ]wide|consolidated|portfolio|gesamt|insgesamt|konzern|"
    r"equity (?:basis|share)|(?:managed|operated|operational) basis|(?:operational|financial) control)\b"
    r"|(?:^|\|)\s*total\s*(?:\||$)|合计|合計|总计|總計|集团|集團|整体|整體",
    re.I,
)


def segments(found: list[tuple[Metric, str]]) -> Iterator[Metric]:
    """Blocks of one page that print the same row under their own headings ("DATA CENTERS",
    "OFFICES", "ALL OWN FACILITIES") with different values: each block is a segment. A value
    under a heading for the whole company keeps its confidence and gains a little, so it also wins
    over the same segment's table on another page; the segment values drop below primary, as
    none of them speaks for the company (an analyst would take the total or sum them)."""
    for (m, block), group in zip(found, groups_of(found, _row_key), strict=True):
        split = len({b for _, b in group}) > 1 and differ([o.value for o, _ in group])
        if split and _WHOLE.search(block):
            m = replace(m, confidence=round(min(1.0, m.confidence + 0.03), 3))
        elif split:
            m = replace(m, confidence=min(m.confidence, 0.45))
        yield m


def _row_key(m: Metric, block: str) -> Hashable:
    return m.metric, m.period, m.basis, own_words(m.label)


def groups_of(found: list[tuple[Metric, str]], key: Callable[[Metric, str], Hashable]
              ) -> list[list[tuple[Metric, str]]]:
    """For each (metric, block) of ``found``, the items sharing its ``key`` (itself included)."""
    keys = [key(m, b) for m, b in found]
    groups: dict[Hashable, list[tuple[Metric, str]]] = {}
    for k, item in zip(keys, found, strict=True):
        groups.setdefault(k, []).append(item)
    return [groups[k] for k in keys]


def own_words(label: str) -> str:
    """A row label's words alone, to find one row printed twice on a page."""
    return re.sub(r"[\W\d_]+", " ", clean_label(label)).strip().lower()


def differ(values: list[float]) -> bool:
    """Whether some of ``values`` differ by more than rounding (0.5 %)."""
    return any(abs(a - b) > 0.005 * max(abs(a), abs(b)) for a in values for b in values)


def _block_heading(line: str) -> str | None:
    """A line that heads a block of rows: short capitals with no value ("PLANET (OFFICES)",
    "DATA CENTERS¹"), or the text a year header line starts with."""
    s = re.sub(r"[\d" + SUPERSCRIPTS + r"]+$", "", line.strip()).strip()
    letters = [c for c in s if c.isalpha()]
    if not 3 <= len(s) <= 60 or len(letters) < 3 or s.endswith("."):
        return None
    return s if sum(c.isupper() for c in letters) >= 0.8 * len(letters) else None


def _block_metrics(
    lines: list[str], page: int, report_year: str | None, latest_first: bool
) -> Iterator[tuple[Metric, str]]:
    """The page's row metrics, each with the heading of the block it sits in ("" before any)."""
    lines = [_OCR_EDGE.sub("", ln) for ln in lines]
    block = header = ""
    years: list[str] | None = None
    pending: list[str] = []
    context_unit: UnitMatch | None = None
    suppressed: set[int] = set()  # rows whose label is their group's label (read for a Total)
    for n, line in enumerate(lines):
        single = single_header_year(line)
        if single:
            pending.append(single)
            continue
        if len(pending) >= 2:
            years = list(pending)
        if line.strip() in ("+/–", "+/-", "Change", "%") or not line.strip():
            continue
        pending = []
        found = header_years(line)
        if found and len(line) < 160:
            years = found
            header = line[: line.find(found[0][:2])].strip()  # "Turnover Rate 2019 2018"
            block = _block_heading(header) or block
            unit = unit_in(line[: line.find(found[0][:2])] if found else line)
            if unit is not None:
                context_unit = unit
            continue
        line = _TARGET_CELLS.sub("", line)  # "34.3% By 2027 34.5%": the cells after are a target
        row = split_row(line)
        if row is None:
            block = _block_heading(line) or block
            if line.rstrip().endswith(":") and len(line) < 160:  # "… turnover rate … as follows:"
                header = f"{lines[n - 1] if n else ''} {line}"
            if len(line) < 90:
                unit = _unit_line(line)
                if unit is not None:
                    context_unit = unit
            continue
        if len(line) > 220 or len(row.label.split()) > 14 or n in suppressed:
            continue
        if len(row.cells) == 1 and _CHANGE_AFTER.match(row.suffix):
            continue  # "…, a 9.1% increase over last year": a change, not the level
        generic = _generic_prefix(row.label)
        if generic is not None:
            grouped = _group_kpi(lines, n, generic, row.label)
            if grouped is not None:
                group_kpi, group, source = grouped
                row_unit = unit_in(row.label) or context_unit
                grouped_metrics = list(
                    _row_metrics(
                        Row(f"{group} {row.label}", row.cells, row.suffix),
                        group_kpi.id,
                        page,
                        years,
                        report_year,
                        row_unit,
                        row_unit is not None,
                        line,
                        latest_first,
                        inherited=True,
                    )
                )
                # The row that carried the label is a group label only if the Total reads as that
                # group (an intensity row below "Total ... (adjusted)" is its own row).
                if source is not None and grouped_metrics:
                    suppressed.add(source)
                yield from ((m, block) for m in grouped_metrics)
            continue
        follow = lines[n + 1] if n + 1 < len(lines) else ""
        continuation = follow if split_row(follow) is None and len(follow) < 80 else ""
        wrapped = continuation if re.match(r"\s*[a-z()]", continuation) else ""
        if n and (re.match(r"\s*[a-z(]", row.label) or lines[n - 1].rstrip().endswith(":")):
            head = " ".join(t for t in lines[n - 1].split() if not _CELL.fullmatch(t))
            row = Row(head + " " + row.label, row.cells, row.suffix)
        if not re.match(r"\s*[A-Za-zÀ-ÿ(•–%\u3400-\u9fff-]", row.label):
            continue
        kpi = match_kpi(row.label, row.suffix + " " + wrapped[:40])
        if kpi is None and n and _is_label_line(lines[n - 1]):
            # A label on its own line above its values ("Acme employees Total" /
            # "Sept. 30th No. (rounded) 327,000 320,000").
            row = Row(lines[n - 1].strip() + " " + row.label, row.cells, row.suffix)
            kpi = match_kpi(row.label, row.suffix + " " + wrapped[:40])
        if kpi is None or vetoed_by_context(kpi, header):
            continue  # ("Female 24%" under "Turnover Rate 2019 2018" is no share of the workforce)
        unit = unit_in(row.label) or unit_in(row.label + " " + continuation[:40])
        explicit = unit is not None
        if unit is None:
            unit = context_unit
        for m in _row_metrics(row, kpi.id, page, years, report_year, unit, explicit, line, latest_first):
            yield m, block


def _generic_prefix(label: str) -> str | None:
    """The aggregate word(s) of a row labelled only "Total"/"Sum (market based)"..., else None."""
    m = _GENERIC.match(label.strip())
    if m is None or match_kpi(label) is not None:
        return None
    return m.group(0)


def _group_text(line: str) -> str:
    """A line as a possible row-group label: standards references cut, "" when it is none."""
    s = _STANDARDS.sub("", line).strip()
    if (
        len(s) < 3
        or len(s) > 60
        or not re.search(r"[A-Za-z]{3}", s)
        or s.endswith(".")
        or re.match(r"(?:FY\s*)?(?:19|20)\d\d\b", s)  # "2023 Scope 2 reporting update": a heading
        or split_row(s) is not None
        or header_years(s)
        or single_header_year(s)
        or _unit_line(s) is not None
        or normalize_unit(s) is not None
    ):
        return ""
    return s


def _group_kpi(lines: list[str], n: int, generic: str, own_label: str) -> tuple[Kpi, str, int | None] | None:
    """The KPI a generic row ("Total") takes from its row-group label, the label, and the index of
    the value row that carried the label (None for a label line of its own).

    A group label is printed beside its rows: read in line order it comes right before them
    (possibly above a standards line) or, centred on the group, a few lines below the Total row,
    alone or merged into a later row's label ("Water withdrawal Groundwater 6.71"). Rows after
    the group's next Total are another group; the first run of label lines is the group's label,
    a label line followed by a Total row labels that next group. The row's own label ("Total
    Fiscal year of CO2e emissions") can veto a KPI through its excludes.
    """
    in_labels = False  # inside a run of label lines: the first run is the group's label
    for k in range(n + 1, min(len(lines), n + 1 + _GROUP_LOOKAHEAD)):
        row = split_row(lines[k])
        if row is not None:
            if in_labels or header_years(lines[k]):  # a year header starts another table
                break
            label = _STANDARDS.sub("", row.label).strip()
            if _generic_prefix(label) is not None or _LATER_TOTAL.search(label):
                break
            source: int | None = k
        else:
            if header_years(lines[k]) or single_header_year(lines[k]):
                break
            label = _group_text(lines[k])
            if not label or _next_row_is_generic(lines, k):
                continue
            in_labels = True
            source = None
        kpi = match_kpi(f"{generic} {label}", own_label)
        if kpi is not None:
            return kpi, label, source
    if in_labels:
        return None
    k = n - 1
    while k >= 0 and split_row(lines[k]) is None and not _group_text(lines[k]):
        if header_years(lines[k]) or single_header_year(lines[k]) or len(lines[k]) > 60:
            return None
        k -= 1
    if k >= 0 and split_row(lines[k]) is None:
        label = _group_text(lines[k])
        kpi = match_kpi(f"{generic} {label}", own_label)
        if kpi is not None:
            return kpi, label, None
    return None


def _next_row_is_generic(lines: list[str], k: int) -> bool:
    for line in lines[k + 1 : k + 4]:
        row = split_row(line)
        if row is not None:
            return _generic_prefix(row.label) is not None
    return False


def _is_label_line(line: str) -> bool:
    """A short text line with no value cell: the first line of a two-line table row."""
    s = line.strip()
    return 3 <= len(s) < 60 and split_row(s) is None and not re.search(r"[.:;]$", s)


def _unit_line(line: str) -> UnitMatch | None:
    """A caption or column-unit line ("Mt CO2e", "(million tonnes CO2-e) (1)") as a unit."""
    s = re.sub(r"\(\d{1,2}\)", " ", line).strip()
    if len(s.split()) <= 5 and (unit := normalize_unit(s.strip("()"))) is not None:
        return unit if unit.unit not in ("count", "%") else None
    if "(" in s or len(s) < 60:
        unit = unit_in(s)
        if unit is not None and unit.unit not in ("count", "%", "rate"):
            return unit
    return None


def _row_metrics(
    row: Row,
    kpi_id: str,
    page: int,
    years: list[str] | None,
    report_year: str | None,
    unit: UnitMatch | None,
    explicit: bool,
    line: str,
    latest_first: bool = False,
    inherited: bool = False,
) -> Iterator[Metric]:
    from .catalog import kpi_by_id

    kpi = kpi_by_id()[kpi_id]
    cells = list(row.cells)
    percent_kpi = kpi.unit == "%"
    if years:
        if len(cells) < len(years):
            if years != sorted(years, reverse=True) or len(cells) > 1 and len(years) > 4:
                cells = cells + [None] * (len(years) - len(cells))
            else:
                cells = cells + [None] * (len(years) - len(cells))
        pairs = list(zip(years, cells[: len(years)], strict=True))
        confidence = 0.85 if explicit else 0.8  # below cell-read tables (0.9)
    else:
        real = [c for c in cells if c is not None]
        if not percent_kpi:
            real = [c for c in real if not c.rstrip(SUPERSCRIPTS).endswith("%")]
        if report_year is None or not real or parse_number(real[0].rstrip("%")) == 0:
            return
        if len(real) == 1:
            confidence = 0.7 if explicit else 0.65
        elif len(real) == 2 and len(cells) == 2 and latest_first:
            confidence = 0.55 if explicit else 0.5
        else:
            return
        pairs = [(report_year, real[0])]
    for period, cell in pairs:
        if cell is None:
            continue
        is_pct = cell.rstrip(SUPERSCRIPTS).endswith("%")
        if is_pct != percent_kpi or _is_year_value(cell):
            continue
        if kpi.unit == "count" and not re.fullmatch(r"[\d,]+", cell):
            continue
        value = parse_number(cell.rstrip(SUPERSCRIPTS).rstrip("%"))
        if value is None:
            continue
        if percent_kpi:
            converted: tuple[float, str] | None = (value, "%")
        elif kpi.unit == "rate" and (unit is None or unit.unit == "count"):
            converted = (value, "rate")  # a frequency rate printed under "No." or no unit
        else:
            converted = convert(kpi, unit, value)
        if converted is None:
            continue
        yield Metric(
            metric=kpi.id,
            label=clean_label(row.label),
            value=converted[0],
            unit=converted[1],
            period=period,
            page=page,
            quote=line.strip()[:300],
            raw_value=cell,
            raw_unit="" if unit is None else f"x{unit.factor:g} {unit.unit}",
            basis=kpi.basis,
            source="table",
            confidence=round(confidence - 0.05 * inherited - (0.2 if cell[0] in "<>~" else 0.0), 3),
        )
