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
from collections.abc import Iterator

from ..model import Metric, Table, TableRow
from .catalog import Kpi, clean_label, convert, kpi_by_id, match_kpi, sum_rules, vetoed_by_context
from .lines import unit_in
from .quantity import SUPERSCRIPTS, UnitMatch, normalize_unit, number_locale, parse_number, unit_table

TABLE_CELL = 0.9  # a value under a period header, with its unit stated
_GENERIC = re.compile(
    r"\W*(?:total|sum|overall|group(?: total)?|company[- ]wide|all|gesamt|insgesamt|summe|"
    r"合计|合計|总计|總計|小计|小計)(?:\s+(?:ghg |greenhouse gas |co2e? |carbon )?emissions?)?\W*",
    re.I,
)
_BASIS_ONLY = re.compile(r"^\W*(?:market|location)[- ]based(?: method| approach)?\W*$", re.I)
_QUALIFIER = re.compile(
    r"\W*(?:women|woman|female|frauen|weiblich|女性|女)\W*|\(.*\)\W*|(?:\w+\W+){0,3}(?:group|gruppe|konzern)\W*",
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
_TARGETISH = re.compile(r"\b(?:target|goal|ziel|by 20[3-5]\d|目标|目標)\b", re.I)


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


def _value(text: str, locale: str) -> float | None:
    s = text.strip().rstrip(SUPERSCRIPTS + "*abcde").strip()
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
    contexts = [parent, row.section, table.title.split(" / ")[-1] if table.title else ""]
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


def iter_cell_metrics(table: Table, locale: str = "en") -> Iterator[Metric]:
    """Metrics from one geometry table (``table.cells``); nothing for line-based tables."""
    if not table.cells:
        return
    periods = {c.index: c for c in table.columns if c.kind == "period"}
    unit_col = next((c.index for c in table.columns if c.kind == "unit"), None)
    cells = {(c.row, c.col): c for c in table.cells if c.kind in ("value", "empty", "unit")}
    context = table.unit + " " + table.title
    context_unit = _unit(table.unit) or _caption_unit(table.title) or _shared_unit(table, unit_col)
    context_scale = _scale(context)
    rows = list(table.table_rows)
    locale = number_locale([c.text for c in table.cells if c.kind == "value"], default=locale)
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
        unit = _unit(unit_text) or unit_in(_SCALE.sub(" ", label)) or _unit(row.section) or context_unit
        explicit = unit is not None
        # Scale words apart from the unit ("(metric tons) (in millions)"): the row's own, else the
        # table's. A unit parsed from the same text has had them removed, so none counts twice.
        row_scale = _scale(f"{label} {unit_text}")
        scale = row_scale if row_scale != 1.0 else context_scale
        boundary_m = _BOUNDARY.search(label)
        boundary = boundary_m.group(1).strip() if boundary_m else None
        basis = kpi.basis or _basis(kpi, f"{label} {row.section}")
        quote = (
            " ".join(filter(None, [label, unit_text]))
            + " "
            + " ".join(cells[(row.index, c)].text for c in periods if (row.index, c) in cells)
        )
        for col, column in periods.items():
            cell = cells.get((row.index, col))
            if cell is None or cell.kind != "value" or column.period is None:
                continue
            is_pct = "%" in cell.text
            if (kpi.unit == "%") != (is_pct or (unit is not None and unit.unit == "%")):
                continue
            value = _value(cell.text, locale)
            if value is None:
                continue
            if kpi.unit == "%":
                converted: tuple[float, str] | None = (value, "%")
            elif kpi.unit == "rate" and (unit is None or unit.unit in ("count", "rate")):
                converted = (value, "rate")
            elif kpi.unit == "count" and (unit is None or unit.unit == "count"):
                plain_count = re.fullmatch(r"[\d,.\s]+", cell.text.strip(SUPERSCRIPTS))
                converted = (value * scale, "count") if plain_count else None
            else:
                converted = convert(kpi, unit, value)
                if converted is not None:
                    converted = (float(f"{converted[0] * scale:.15g}"), converted[1])
            if converted is None:
                continue
            confidence = TABLE_CELL - (0.0 if explicit or kpi.unit in ("%", "count") else 0.05)
            confidence += 0.03 if _TOTAL.search(label) else 0.0
            confidence -= 0.05 if via_context else 0.0
            confidence -= 0.2 if row.level == 1 else 0.0
            confidence -= 0.2 if cell.text.strip()[:1] in "<>~" else 0.0
            confidence -= 0.1 if column.restated else 0.0
            yield Metric(
                metric=kpi.id,
                label=clean_label(label)[:160],
                value=converted[0],
                unit=converted[1],
                period=column.period,
                page=table.page,
                quote=quote[:300],
                raw_value=cell.text,
                raw_unit=unit_text or ("" if unit is None else f"x{unit.factor * scale:g} {unit.unit}"),
                basis=basis,
                boundary=boundary,
                source="table",
                confidence=round(confidence, 3),
            )


def _basis(kpi: Kpi, text: str) -> str | None:
    """The Scope 2 basis of a combined GHG figure, when its label or section states one
    (GHG Protocol Scope 2 Guidance, ch. 7: report both; a combined total follows one of them)."""
    if not kpi.id.startswith("ghg_") or kpi.id in ("ghg_scope1", "ghg_scope3"):
        return None
    market = re.search(r"market[- ]?based", text, re.I)
    location = re.search(r"location[- ]?based", text, re.I)
    if market and not location:
        return "market"
    if location and not market:
        return "location"
    return None


def _shared_unit(table: Table, unit_col: int | None) -> UnitMatch | None:
    """The unit a table states on one row only (a total "（噸）"), for its rows that state none:
    a table has one unit per dimension. None when its rows state different mass units."""
    found = []
    for row in table.table_rows:
        cell = next((c for c in table.cells if c.row == row.index and c.col == unit_col), None)
        unit = _unit(cell.text) if cell is not None else None
        unit = unit or unit_in(_SCALE.sub(" ", clean_label(row.label)))
        if unit is not None and unit.unit not in ("%", "count", "rate"):
            found.append(unit)
    kinds = {(u.unit, u.factor) for u in found}
    return found[0] if len(kinds) == 1 else None


def _caption_unit(title: str) -> UnitMatch | None:
    """A unit stated in the table's title lines ("(in 1,000 metric tons of CO2e)", "in t")."""
    for part in reversed(title.split(" / ")):
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
    for context in (parts[0].section, table.title.split(" / ")[-1] if table.title else ""):
        if context:
            kpi = match_kpi(f"total {context}")
            if kpi is not None:
                return kpi
    return None
