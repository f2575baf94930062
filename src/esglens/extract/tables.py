"""Metrics from table cells: row label x period column -> value, in the catalog unit.

Stage: Table (cells from word geometry, ``esglens.ingest.cells``) -> Metric per (row, period).
A row's KPI comes from its own label; a generic label ("Total", "Market-based", the company's
name) reads with its section label or the table title ("Carbon emissions, Scope 3" + "Total").
The unit comes, in this order, from the row's unit cell, its label, its section label, then the
unit printed beside the header or in the title ("in t CO2e", "(in 1,000 metric tons)"), with
scale words ("(in millions)", "'000") applied on top. Sub-rows ("of which", indented) are never
read as the total of the row above, intensities ("per", "/") are kept apart by the catalog, and
a restated column keeps its own value. A row the catalog cannot name but whose values are the
sum of the rows above it is read as their total (GHG Protocol: Scope 1 + 2 is their sum).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator
from dataclasses import replace

from ..model import Cell, Column, Metric, Page, Table, TableRow
from .catalog import Kpi, clean_label, convert, kpi_by_id, match_kpi, sum_rules, vetoed_by_context
from .lines import differ, groups_of, own_words, unit_in
from .periods import YEAR, year_of
from .quantity import SUPERSCRIPTS, UnitMatch, normalize_unit, number_locale, parse_number, unit_table

TABLE_CELL = 0.9  # a value under a period header, with its unit stated
_GENERIC = re.compile(
    r"\W*(?:total|sum|overall|group(?: total)?|company[- ]wide|all|gesamt|insgesamt|summe|"
    r"合计|合計|总计|總計|小计|小計)(?:\s+(?:ghg |greenhouse gas |co2e? |carbon )?emissions?)?\W*",
    re.I,
)
_BASIS_ONLY = re.compile(r"^\W*(?:market|location)[- ]based(?: method| approach)?\W*$", re.I)
_QUALIFIER = re.compile(
    r"\W*(?:women|woman|female|frauen|weiblich|女性|女)\W*|\(.*\)\W*|(?:\w+\W+){0,3}(?:group|gruppe|konzern)\W*"
    # a role under a "Positions held by women" section
    r"|\W*(?:(?:senior |middle |top )?(?:managers?|management|leaders?|leadership|executives?)|"
    r"führungskräfte|管理层|管理層|主管)\W*",
    re.I,
)
_SCALE = re.compile(
    r"\(?\bin\s+(?P<w>thousands?|millions?|billions?|'000|000s?|mio\.?|mn)\b\)?|\((?P<p>'000|000s?)\)|"
    r"\b(?P<w2>thousands?|millions?|billions?)\s+of\b",
    re.I,
)
_BOUNDARY = re.compile(
    r"\(([^()]*\b(?:company|system|group|gruppe|konzern|operations|sites?|global|worldwide|"
    r"own|including|excluding|incl\.?|excl\.?)\b[^()]*)\)",
    re.I,
)
_FOOTNOTE_TAIL = re.compile(r"^(\d{1,3}(?:,\d{3})+)(\d{1,2})$")  # "3,976,6171": a glued footnote mark
_TOTAL = re.compile(r"\b(?:total|gesamt|insgesamt|overall|合计|合計|总计|總計)\b", re.I)
# A "time basis" column of KPI annexes ("Fiscal year", "Sept. 30th", "as at 31.12."): no label.
_TIME_BASIS = re.compile(
    r"\b(?:fiscal year|financial year|calendar year|reporting year|year[- ]end|"
    r"(?:as (?:at|of) )?(?:sept?\.?|september|dec\.?|december|march|june)\s*\d{1,2}(?:st|nd|rd|th)?|"
    r"\(?as (?:at|of) \d{1,2}\.\s?\d{1,2}\.?\)?)",
    re.I,
)
_LAST_PAREN = re.compile(r"\s*\([^()]*\)\s*$")
_TARGETISH = re.compile(r"\b(?:target|goal|ziel|by 20[3-5]\d|long[- ]term|目标|目標)\b|\(20[3-5]\d\)", re.I)


def _scale(text: str) -> float:
    """The scale a label or title states apart from its unit ("(in millions)" -> 1e6)."""
    factor = 1.0
    scales = unit_table()["scales"]
    for m in _SCALE.finditer(text):
        word = (m.group("w") or m.group("p") or m.group("w2") or "").lower().rstrip(".")
        factor = scales.get(word, scales.get(word.rstrip("s"), factor))
    return factor


def _unit(text: str) -> UnitMatch | None:
    """A unit named in a cell, label or caption, with the label's scale words removed."""
    if not text.strip():
        return None
    stripped = _SCALE.sub(" ", text)
    unit = normalize_unit(stripped.strip(" ()[]/")) or unit_in(stripped)
    return unit


_LEADING_NUMBER = re.compile(r"\s*[€$£¥]?\s?([<>~≈]?\s?[-–−+]?\(?\d[\d,.\u00a0\u202f']*\)?)(.*)$")


def cell_unit(text: str) -> UnitMatch | None:
    """The unit printed inside a value cell after its number ("146 kt CO₂e" -> kt CO2e)."""
    m = _LEADING_NUMBER.match(text.strip(SUPERSCRIPTS))
    rest = m.group(2).strip(" " + SUPERSCRIPTS) if m else ""
    if not rest or rest == "%" or not re.search(r"[A-Za-z]", rest):
        return None
    return _unit(rest)


def _value(text: str, locale: str) -> float | None:
    s = text.strip().rstrip(SUPERSCRIPTS + "*abcde").strip()
    m = _LEADING_NUMBER.match(s)
    if m and re.search(r"[^\W\d_]", m.group(2)):
        s = m.group(1)  # "2,296,953 GJ": the number before the unit
    s = re.sub(r"\s?\(\d{1,2}\)$", "", s)  # "38,341(2)": a footnote reference
    s = s.replace("%", "").replace(" ", "").strip()
    glued = _FOOTNOTE_TAIL.match(s)
    if glued:
        s = glued.group(1)
    return parse_number(s, locale)


def is_qualifier(label: str) -> bool:
    """A row label that names no quantity of its own, only a part or variant of its section's:
    a total, a Scope 2 basis, a gender, the group ("Total", "market-based", "Women", "X Group")."""
    s = _TIME_BASIS.sub(" ", clean_label(label)).strip()
    s = re.sub(r"(?<=[a-z])\d{1,2}\b", "", s)  # "Female2": a footnote mark set on the baseline
    s = re.sub(r"\s*\((?:in\s+)?[^()]{0,25}\)\s*$", "", s).strip() or s  # a trailing "(MT CO2e)"
    unit = normalize_unit(s.split()[-1]) if s.split() else None
    if unit is not None and unit.unit not in ("count", "%") and len(s.split()) > 1:
        s = " ".join(s.split()[:-1])  # "Total emissions tCO2-eq"
    return bool(_GENERIC.fullmatch(s) or _BASIS_ONLY.fullmatch(s) or _QUALIFIER.fullmatch(s))


def _kpi_for(row: TableRow, table: Table) -> tuple[Kpi | None, str, bool]:
    """(KPI, the label it was read from, whether it came from the parent, section or title).

    The context names a row's quantity only when the row's own label is a qualifier (a total, a
    basis, a gender, the group, a bracketed variant): a row with a label of its own ("Lost days",
    "Heating oil", "Groundwater") is something else, or a part of the context's quantity.
    """
    own, parent = row.label, row.parent
    if parent and own.startswith(parent + " "):
        own = own[len(parent) + 1 :]  # the row's own words under a row-group label
    contexts = [parent, row.section, table.unit, table.title.split(" / ")[-1] if table.title else ""]
    if row.level == 1 and parent and own.strip().startswith("("):
        contexts[0] = _LAST_PAREN.sub("", parent)  # "(The X Company)" under "Energy use (the X system)"
    around = f"{row.section} {table.unit} {table.title}"
    if not is_qualifier(own):
        kpi = match_kpi(own)
        if kpi is not None and vetoed_by_context(kpi, around):
            kpi = None
        return kpi, own, False
    for context in contexts:
        if context and not _TARGETISH.search(context):
            kpi = match_kpi(f"{context} {own}")
            if kpi is not None and not vetoed_by_context(kpi, around):
                return kpi, f"{context} {own}", True
    kpi = match_kpi(own)
    if kpi is not None and vetoed_by_context(kpi, around):
        kpi = None
    return kpi, own, False


def iter_cell_metrics(
    table: Table, locale: str = "en", year: str | None = None, notes: dict[str, str] | None = None
) -> Iterator[tuple[Metric, str]]:
    """Metrics from one geometry table (``table.cells``), each with the heading of the block it
    sits in (see ``lines.segments``); nothing for line-based tables.

    ``year`` is the report's year (for tables whose title names no period), ``notes`` the page's
    footnotes by mark, read with the labels and headers that cite them ("Scope 2⁷" and "7.
    Calculated using the location-based method").
    """
    if not table.cells:
        return
    locale = number_locale([c.text for c in table.cells if c.kind == "value"], default=locale)
    notes = notes or {}
    if any(c.kind == "period" for c in table.columns):
        found = list(_period_metrics(table, locale, notes))
    else:
        found = [(m, table.title) for m in _column_metrics(table, locale, year, notes)]
    blocks = [b for _, b in found]
    yield from zip(_complete_basis(_repeats(found)), blocks, strict=True)


def _block(table: Table, row: TableRow) -> str:
    """The headings a row sits under: the table's title, the label column's header ("DATA
    CENTERS | 2022 | 2023") and the row's section ("PLANET (OFFICES)")."""
    head = next((c.header for c in table.columns if c.kind == "label"), "")
    return " | ".join(filter(None, (table.title, head, row.section)))


def _repeats(found: list[tuple[Metric, str]]) -> list[Metric]:
    """One table printing the same row label with different values under one heading (Scope 1
    per asset class, Scope 1+2 per business activity, the class named in a column): each is a
    segment, none speaks for the company, so none may become primary (an analyst would sum them
    or ask). Rows under different headings are the page's blocks (``lines.segments``)."""
    out = []
    for (m, _), group in zip(found, groups_of(found, _cell_key), strict=True):
        if differ([o.value for o, _ in group]):
            m = replace(m, confidence=min(m.confidence, 0.45))
        out.append(m)
    return out


def _cell_key(m: Metric, block: str) -> Hashable:
    return m.metric, m.period, m.basis, m.boundary, own_words(m.label), block


_MIXED_UNITS = re.compile(r"\b(?:number|numbers|abs\.?|absolute|count|anzahl|headcount)\b", re.I)
_PERCENT_LABEL = re.compile(r"%|\bper ?cent|\bshare\b|\bproportion\b|\bpercentage\b|anteil|占比|比例", re.I)
_CHANGE_COL = re.compile(r"\+/|change|veränderung|var\.|Δ|vs\.?|变化|變動", re.I)
_SHARE_COL = re.compile(r"%|\bshare\b|anteil|percent|占比|佔比|比例", re.I)
_PART_COL = re.compile(
    r"\b(?:men|women|male|female|frauen|männer|non-?\s?hazardous|hazardous|direct|indirect|"
    r"full-?time|part-?time|permanent|temporary|男|女)(?![^\W\d_])",  # "Female²" read as "Female2"
    re.I,
)


def _period_columns(table: Table, kpi_unit: str) -> dict[int, Column]:
    """One column per period for a KPI: where a period has sub-columns ("Non-hazardous |
    Hazardous | Total", "abs. | in %"), the total one, or the share one for a percentage."""
    by_period: dict[str, list[Column]] = {}
    for c in table.columns:
        if c.kind == "period" and c.period is not None:
            by_period.setdefault(c.period, []).append(c)
    out = {}
    for cols in by_period.values():
        if len(cols) == 1:
            out[cols[0].index] = cols[0]
            continue
        usable = [c for c in cols if not _CHANGE_COL.search(c.header)]
        shares = [c for c in usable if _SHARE_COL.search(c.header)]
        usable = shares if kpi_unit == "%" and shares else [c for c in usable if c not in shares] or usable
        totals = [c for c in usable if _TOTAL.search(c.header)]
        whole = [c for c in usable if not _PART_COL.search(c.header)]
        chosen = (totals or whole or usable)[:1]
        out.update({c.index: c for c in chosen})
    return out


def _period_metrics(table: Table, locale: str, notes: dict[str, str]) -> Iterator[tuple[Metric, str]]:
    """Row label x period column: one Metric per row and period, with the row's block."""
    all_periods = {c.index: c for c in table.columns if c.kind == "period"}
    unit_col = next((c.index for c in table.columns if c.kind == "unit"), None)
    cells = {(c.row, c.col): c for c in table.cells if c.kind in ("value", "empty", "unit")}
    context_unit = (
        _unit(table.unit)
        or _caption_unit(table.title)
        or _caption_unit(table.title + table.unit)  # "(In 1,000 metric tons of CO" + "2-equivalents)"
    )
    context_scale = _scale(table.unit + " " + table.title + table.unit)
    rows = list(table.table_rows)
    kpis = {r.index: _kpi_for(r, table) for r in rows}
    for row in rows:
        kpi, label, via_context = kpis[row.index]
        if kpi is None:
            kpi, label = _as_total(row, rows, kpis, table, locale)
            via_context = True
        if kpi is None or _TARGETISH.search(label):
            continue
        if row.level == 1 and via_context and not row.label.strip().startswith("("):
            continue  # a part of the row above, never its total
        unit_cell = cells.get((row.index, unit_col)) if unit_col is not None else None
        unit_text = unit_cell.text if unit_cell is not None else ""
        own_unit = _unit(unit_text) or unit_in(_SCALE.sub(" ", label)) or _unit(row.section)
        unit = own_unit or context_unit or _shared_unit(table, unit_col, kpi)
        if own_unit is None and unit is not None and unit.unit == "%" and _MIXED_UNITS.search(table.unit):
            unit = None  # "Number and percent": the table's rows carry both; a bare cell is a count
        if unit is None and kpi.unit == "%" and _PERCENT_LABEL.search(label):
            unit = UnitMatch("%", 1.0)  # "% Women overall", "Share of renewable electricity"
        # Scale words apart from the unit ("(metric tons) (in millions)"): the row's own, else the
        # table's. A unit parsed from the same text has had them removed, so none counts twice.
        row_scale = _scale(f"{label} {unit_text}")
        scale = row_scale if row_scale != 1.0 else context_scale
        kpi, basis = _with_basis(kpi, f"{label} {row.section} {_cited_notes(label, notes)}")
        boundary_m = _BOUNDARY.search(label)
        periods = _period_columns(table, kpi.unit)
        quote = (
            " ".join(filter(None, [label, unit_text]))
            + " "
            + " ".join(cells[(row.index, c)].text for c in all_periods if (row.index, c) in cells)
        )
        for col, column in periods.items():
            cell = cells.get((row.index, col))
            if cell is None or cell.kind != "value" or column.period is None:
                continue
            converted = _reading(kpi, cell.text, unit, scale, locale)
            if converted is None:
                continue
            confidence = TABLE_CELL - (0.0 if unit is not None or kpi.unit in ("%", "count") else 0.05)
            confidence += 0.03 if _TOTAL.search(label) else 0.0
            confidence -= 0.05 if via_context else 0.0
            confidence -= 0.2 if row.level == 1 else 0.0
            confidence -= 0.2 if cell.text.strip()[:1] in "<>~" else 0.0
            confidence -= 0.1 if column.restated else 0.0
            yield (
                _metric(
                    kpi,
                    label,
                    converted,
                    column.period,
                    table.page,
                    quote,
                    cell.text,
                    unit_text or _unit_note(unit, scale),
                    basis,
                    boundary_m.group(1).strip() if boundary_m else None,
                    confidence,
                ),
                _block(table, row),
            )


def _column_metrics(table: Table, locale: str, year: str | None, notes: dict[str, str]) -> Iterator[Metric]:
    """Column header x total row, for breakdown tables whose columns name the quantities.

    The period is the latest year the title or header names (a title "2021 GHG Emissions", a
    header "As of March 31, 2022"), else the report's year at lower confidence.
    """
    rows = list(table.table_rows)
    cells = {(c.row, c.col): c for c in table.cells if c.kind in ("value", "empty")}
    context_unit = _caption_unit(table.title)
    years = sorted(y for m in YEAR.finditer(table.title) if (y := year_of(m)) <= (year or "9999"))
    value_cols = [c for c in table.columns if c.kind == "value"]
    if value_cols and all(not c.header or _unit(c.header) for c in value_cols):
        # Columns headed by a unit or by nothing ("Mt CO2e"): the rows name the quantities.
        period = years[-1] if years else year
        if period is not None:
            yield from _unit_column_metrics(
                table, rows, cells, value_cols, period, bool(years), locale, notes
            )
        return
    totals = [r for r in rows if _GENERIC.fullmatch(_TIME_BASIS.sub(" ", clean_label(r.label)).strip())]
    if not totals and len(rows) == 1:
        totals = rows
    if not totals:
        return
    total = totals[-1]
    for column in table.columns:
        if column.kind != "value" or not column.header:
            continue
        cell = cells.get((total.index, column.index))
        if cell is None or cell.kind != "value":
            continue
        head = column.header
        years = sorted(
            y for m in YEAR.finditer(f"{table.title} {head}") if (y := year_of(m)) <= (year or "9999")
        )
        period = years[-1] if years else year
        if period is None:
            continue
        name = YEAR.sub(" ", head)
        if is_qualifier(name):  # "Female²": the population it is a share of is in the title
            plain_name = re.sub(r"(?<=[a-z])\d{1,2}\b", "", clean_label(name))
            # "Employees by management classes and gender": what follows "by" are the table's
            # breakdowns (its rows and columns), not the population its total row counts
            whole = re.sub(r"(?i)\s+by\s.*$", "", table.title.split(" / ")[-1])
            kpi = match_kpi(f"{whole} {plain_name}") or match_kpi(plain_name)
        else:
            whole = table.title
            kpi = match_kpi(name)
        if kpi is None or _TARGETISH.search(head) or vetoed_by_context(kpi, whole):
            continue
        unit = _unit(name) or unit_in(_SCALE.sub(" ", name)) or context_unit or _sibling_unit(table, kpi)
        scale = _scale(name) if _scale(name) != 1.0 else _scale(table.title)
        kpi, basis = _with_basis(kpi, f"{head} {table.title} {_cited_notes(head, notes)}")
        text = cell.text
        if kpi.unit == "%" and "%" not in text and _splits_100(table, cells, total.index, locale):
            text += "%"  # "Female 35.9 | Male 64.1": the shares of a whole, printed without "%"
        converted = _reading(kpi, text, unit, scale, locale)
        if converted is None:
            continue
        confidence = TABLE_CELL - 0.05 - (0.0 if years else 0.1)
        quote = f"{head} | {total.label}: {cell.text}"
        yield _metric(
            kpi,
            f"{name} {total.label}",
            converted,
            period,
            table.page,
            quote,
            cell.text,
            _unit_note(unit, scale),
            basis,
            None,
            confidence,
        )


def _splits_100(table: Table, cells: dict[tuple[int, int], Cell], row: int, locale: str) -> bool:
    """True when a row's values under two or more part columns (women | men) add up to 100: a
    percentage split of the row's whole, as GRI 405-1 tables print it."""
    parts = [c for c in table.columns if c.kind == "value" and _PART_COL.search(c.header or "")
             and not _TOTAL.search(c.header or "")]
    values = [_value(cells[(row, c.index)].text, locale) for c in parts if (row, c.index) in cells]
    numbers = [v for v in values if v is not None]
    return len(numbers) >= 2 and all(0 <= v <= 100 for v in numbers) and abs(sum(numbers) - 100) <= 1.0


def _unit_column_metrics(
    table: Table,
    rows: list[TableRow],
    cells: dict[tuple[int, int], Cell],
    columns: list[Column],
    period: str,
    dated: bool,
    locale: str,
    notes: dict[str, str],
) -> Iterator[Metric]:
    """Rows of a table whose value columns are headed by units: each KPI row's one value, for the
    period the title names (``dated``), else the report year at lower confidence."""
    for row in rows:
        kpi, label, via_context = _kpi_for(row, table)
        found = [(c, cells[(row.index, c.index)]) for c in columns if (row.index, c.index) in cells]
        found = [(c, cell) for c, cell in found if cell.kind == "value"]
        if kpi is None or len(found) != 1 or row.level == 1:
            continue
        column, cell = found[0]
        unit = unit_in(_SCALE.sub(" ", label)) or _unit(column.header) or _caption_unit(table.title)
        kpi, basis = _with_basis(kpi, f"{label} {row.section} {_cited_notes(label, notes)}")
        converted = _reading(kpi, cell.text, unit, _scale(table.title), locale)
        if converted is None:
            continue
        confidence = TABLE_CELL - 0.1 - (0.05 if via_context else 0.0) - (0.0 if dated else 0.05)
        yield _metric(
            kpi,
            label,
            converted,
            period,
            table.page,
            f"{label} {cell.text}",
            cell.text,
            _unit_note(unit, 1.0),
            basis,
            None,
            confidence,
        )


def _sibling_unit(table: Table, kpi: Kpi) -> UnitMatch | None:
    """The unit the other columns of a breakdown table state for the same kind of quantity
    ("Scope 1 (MTCO2e) | Scope 2 (MTCO2e) | Scope 1&2 TOTAL")."""
    found = set()
    for column in table.columns:
        unit = _unit(column.header) if column.kind == "value" and column.header else None
        if unit is not None and kpi.accepts_unit(unit.unit):
            found.add(unit)
    return found.pop() if len(found) == 1 else None


def _reading(
    kpi: Kpi, text: str, unit: UnitMatch | None, scale: float, locale: str
) -> tuple[float, str] | None:
    """A cell's value in the KPI's canonical unit, or None when value and unit do not fit it."""
    unit = cell_unit(text) or unit
    is_pct = "%" in text or (unit is not None and unit.unit == "%")
    if (kpi.unit == "%") != is_pct:
        return None
    value = _value(text, locale)
    if value is None:
        return None
    if kpi.unit == "%":
        return value, "%"
    if kpi.unit == "rate" and (unit is None or unit.unit in ("count", "rate")):
        return value, "rate"
    if kpi.unit == "count" and (unit is None or unit.unit == "count"):
        return (value * scale, "count") if re.fullmatch(r"[\d,.\s]+", text.strip(SUPERSCRIPTS)) else None
    converted = convert(kpi, unit, value)
    return None if converted is None else (float(f"{converted[0] * scale:.15g}"), converted[1])


def _metric(
    kpi: Kpi,
    label: str,
    converted: tuple[float, str],
    period: str,
    page: int,
    quote: str,
    raw: str,
    raw_unit: str,
    basis: str | None,
    boundary: str | None,
    confidence: float,
) -> Metric:
    return Metric(
        metric=kpi.id,
        label=clean_label(label)[:160],
        value=converted[0],
        unit=converted[1],
        period=period,
        page=page,
        quote=quote[:300],
        raw_value=raw,
        raw_unit=raw_unit,
        basis=basis,
        boundary=boundary,
        source="table",
        confidence=round(confidence, 3),
    )


def _unit_note(unit: UnitMatch | None, scale: float) -> str:
    return "" if unit is None else f"x{unit.factor * scale:g} {unit.unit}"


_MARKS = re.compile(r"([" + SUPERSCRIPTS + r"]+)|\((\d{1,2})\)")
_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")


_NOTE = re.compile(r"^\s*(?:(\d{1,2})[.)]?|\((\d{1,2})\)|([" + SUPERSCRIPTS + r"]{1,2}))\s+(\S.{8,})")


def page_notes(page: Page) -> dict[str, str]:
    """A page's footnotes by mark: blocks in its lower half that start with "7.", "(7)" or "⁷"."""
    notes: dict[str, str] = {}
    for b in page.blocks:
        if b.kind != "footnote" and b.bbox[1] < 0.5 * page.height:
            continue
        m = _NOTE.match(b.text)
        if m:
            mark = m.group(1) or m.group(2) or (m.group(3) or "").translate(_TO_DIGIT)
            notes.setdefault(mark, m.group(4)[:300])
    return notes


def _cited_notes(text: str, notes: dict[str, str]) -> str:
    """The footnotes a label or header cites by its marks ("Scope 2⁷", "Emissions (3)")."""
    out = []
    for m in _MARKS.finditer(text):
        marks = (m.group(1) or "").translate(_TO_DIGIT) or m.group(2)
        for mark in [marks] if m.group(2) else list(marks) + [marks]:
            if mark in notes:
                out.append(notes[mark])
    return " ".join(dict.fromkeys(out))


def _with_basis(kpi: Kpi, text: str) -> tuple[Kpi, str | None]:
    """The KPI with the Scope 2 basis its label, section or footnote states: a plain Scope 2 row
    "calculated using the location-based method" is the location-based Scope 2 figure."""
    basis = kpi.basis or _basis(kpi, text)
    if kpi.id == "ghg_scope2" and basis is not None:
        return kpi_by_id()[f"ghg_scope2_{basis}"], basis
    return kpi, basis


def _complete_basis(found: list[Metric]) -> list[Metric]:
    """A table reporting a Scope 2 figure of one stated basis beside one of no stated basis: the
    unstated one is the other basis (GHG Protocol Scope 2 Guidance asks for both; tables print
    the location-based one plain with "market-based" in brackets, or the reverse)."""
    out = []
    for m in found:
        if m.metric in ("ghg_scope2", "ghg_scope1_2") and m.basis is None:
            family = ("ghg_scope2_market", "ghg_scope2_location") if m.metric == "ghg_scope2" else ()
            stated = {
                o.basis
                for o in found
                if o.period == m.period
                and o.basis
                and (o.metric in family or (o.metric == m.metric and m.metric == "ghg_scope1_2"))
            }
            if len(stated) == 1:
                other = "location" if stated == {"market"} else "market"
                metric = f"ghg_scope2_{other}" if m.metric == "ghg_scope2" else m.metric
                m = replace(m, metric=metric, basis=other, confidence=round(m.confidence - 0.02, 3))
        out.append(m)
    return out


def _basis(kpi: Kpi, text: str) -> str | None:
    """The Scope 2 basis of a combined GHG figure, when its label or section states one
    (GHG Protocol Scope 2 Guidance, ch. 7: report both; a combined total follows one of them)."""
    if not kpi.id.startswith("ghg_") or kpi.id in ("ghg_scope1", "ghg_scope3"):
        return None
    text = clean_label(text)
    market = re.search(r"market[- ]?based", text, re.I)
    location = re.search(r"location[- ]?based", text, re.I)
    if market and not location:
        return "market"
    if location and not market:
        return "location"
    return None


def _shared_unit(table: Table, unit_col: int | None, kpi: Kpi) -> UnitMatch | None:
    """The unit a table states on its other rows for the same kind of quantity (a total "（噸）",
    the category rows under a Scope 3 total), for a row that states none: a table has one unit
    per dimension. None when its rows state different units for that dimension."""
    found = []
    for row in table.table_rows:
        cell = next((c for c in table.cells if c.row == row.index and c.col == unit_col), None)
        unit = _unit(cell.text) if cell is not None else None
        unit = unit or unit_in(_SCALE.sub(" ", clean_label(row.label)))
        if unit is not None and unit.unit not in ("%", "count", "rate") and kpi.accepts_unit(unit.unit):
            found.append(unit)
    kinds = {(u.unit, u.factor) for u in found}
    return found[0] if len(kinds) == 1 else None


def _caption_unit(title: str) -> UnitMatch | None:
    """A unit stated in the table's title lines ("(in 1,000 metric tons of CO2e)", "in t")."""
    for part in reversed(title.split(" / ")):
        if len(part) > 120 or len(part.split()) > 20 or re.search(r"[a-z]\.\s+[A-Z]", part):
            continue  # a sentence above the table, not its caption
        unit = _unit(part) if len(part) < 60 else None
        if unit is None:
            m = re.search(r"\(([^()]{1,50})\)|\bin\s+([^,;()]{1,40})$", part)
            unit = _unit(m.group(1) or m.group(2)) if m else None
        if unit is not None and unit.unit not in ("count",):
            return unit
    return None


def _as_total(
    row: TableRow,
    rows: list[TableRow],
    kpis: dict[int, tuple[Kpi | None, str, bool]],
    table: Table,
    locale: str,
) -> tuple[Kpi | None, str]:
    """The KPI of a row whose values are the sum of the top-level rows above it in its section.

    The parts' KPIs name the total through the catalog's sum rules (Scope 1 + Scope 2 -> Scope 1
    and 2); parts the catalog cannot name ("Hazardous", "Non-hazardous") take the total from the
    table title ("Waste volumes" -> total waste).
    """
    if row.level:
        return None, row.label
    above = [r for r in rows if r.index < row.index and r.level == 0 and r.section == row.section]
    if len(above) < 2:
        return None, row.label
    values: dict[int, dict[int, float]] = {}
    for c in table.cells:
        if c.kind == "value":
            v = _value(c.text, locale)
            if v is not None:
                values.setdefault(c.row, {})[c.col] = v
    mine = values.get(row.index, {})
    for start in range(len(above) - 1):
        parts = above[start:]
        ok = 0
        for col, v in mine.items():
            got = [values.get(p.index, {}).get(col) for p in parts]
            if None in got:
                break
            if abs(sum(g for g in got if g is not None) - v) <= max(0.005 * abs(v), 1.0):
                ok += 1
        else:
            if ok:
                return _total_kpi(parts, kpis, table), row.label
    return None, row.label


def _total_kpi(
    parts: list[TableRow], kpis: dict[int, tuple[Kpi | None, str, bool]], table: Table
) -> Kpi | None:
    found = [kpis[p.index][0] for p in parts]
    ids = [k.id for k in found if k is not None]
    if len(ids) == len(found):
        for total, rule in sum_rules():
            if len(rule) == len(ids) and all(any(i in alts for i in ids) for alts in rule):
                return kpi_by_id()[total]
        return None
    for context in (parts[0].section, table.unit, table.title.split(" / ")[-1] if table.title else ""):
        if context:
            kpi = match_kpi(f"total {context}")
            if kpi is not None:
                return kpi
    return None
