"""Metrics from a Document: table rows, chart labels and prose, then one primary per key.

Stage: Document -> tuple[Metric, ...]. Pages are prefiltered by the catalog's synonyms so most of
a long report is never parsed. Every candidate keeps its page and quote; ``select_primary`` marks
the single best value per (metric, period, basis, boundary) and says why the others lost.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from itertools import product

from ..model import Document, Metric, Page
from .catalog import Kpi, clean_label, has_keyword, match_kpi, sum_rules
from .lines import iter_table_metrics, segments
from .periods import YEAR, has_ascending_header, report_year, year_of
from .prose import iter_prose_metrics
from .quantity import (
    iter_quantities,
    normalize_unit,
    number_locale,
    parse_number,
    parse_quantity,
)
from .tables import iter_cell_metrics, page_notes

# Confidence of values read from chart labels and tiles; primaries need at least MIN_PRIMARY.
CHART_LABEL = 0.55
MIN_PRIMARY = 0.5
_SOURCE_RANK = {"table": 0, "chart": 1, "text": 2}  # where a primary is cited: its data table first


def iter_candidates(doc: Document) -> Iterator[Metric]:
    """Every metric value found, before primary selection."""
    year = report_year(doc)
    latest_first = not has_ascending_header(doc)
    locale = number_locale([p.text for p in doc.pages])
    for page in doc.pages:
        text = page.body_text or page.text
        if not re.search(r"\d", text) or not has_keyword(text):
            continue
        lines = _lines_outside_tables(page)
        yield from iter_table_metrics(lines, page.number, year, latest_first)
        notes = page_notes(page) if any(t.cells for t in page.tables) else {}
        read = [t.bbox for t in page.tables if t.cells]
        # geometry tables: values read from cells, the page's blocks compared across its tables
        yield from segments([m for t in page.tables for m in iter_cell_metrics(t, locale, year, notes)])
        for table in page.tables:
            if table.cells:
                continue
            if any(_overlaps(table.bbox, b) for b in read):
                continue  # the line-based reading of a table already read from its cells
            # line-based tables: a second reading of rows the text may split
            rows = [" ".join(c for c in row if c) for row in table.rows]
            rows = [r for r in rows if r.strip()]
            yield from iter_table_metrics([*_caption(text, rows), *rows], page.number, year, latest_first)
        yield from _chart_labels(lines, page.number, year)
        yield from iter_prose_metrics(page, year, locale)


def _caption(text: str, rows: list[str]) -> list[str]:
    """The three text lines above a table's first row: its caption ("The staff turnover rate by
    gender … are as follows:") says what the rows' shares are of."""
    lines = text.splitlines()
    first = rows[0].split()[:3] if rows else []
    at = next((i for i, ln in enumerate(lines) if first and ln.split()[:3] == first), None)
    return [ln for ln in lines[max(0, at - 3) : at] if ln.strip() and not re.search(r"\d", ln)] if at else []


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _lines_outside_tables(page: Page) -> list[str]:
    """Text lines of the page's body outside its geometry tables (whose cells are read apart)."""
    boxes = [t.bbox for t in page.tables if t.cells]
    if not page.blocks:
        return [ln for ln in page.text.splitlines() if ln.strip()]
    out: list[str] = []
    for b in page.blocks:
        if b.furniture and page.body_text:
            continue
        cx, cy = (b.bbox[0] + b.bbox[2]) / 2, (b.bbox[1] + b.bbox[3]) / 2
        if any(x0 - 2 <= cx <= x1 + 2 and top - 2 <= cy <= bottom + 2 for x0, top, x1, bottom in boxes):
            continue
        out.extend(ln for ln in b.text.splitlines() if ln.strip())
    return out


def _chart_labels(lines: list[str], page: int, year: str | None) -> Iterator[Metric]:
    """A line that is only a quantity ("32.6Mt CO2e") labelled by the lines around it."""
    if year is None:
        return
    for n, line in enumerate(lines):
        if len(line) > 40:
            yield from _inline_label(line, page, year)
            continue
        q = parse_quantity(line)
        if q is None:
            yield from _inline_label(line, page, year)
            yield from _count_tile(lines, n, page, year)
            continue
        if q.unit == "%":
            continue
        before = lines[n - 1] if n else ""
        after = lines[n + 1] if n + 1 < len(lines) else ""
        if parse_quantity(before) or parse_quantity(after):
            continue
        label = f"{before} {after}"
        kpi = match_kpi(label)
        if kpi is None or not kpi.accepts_unit(q.unit) or len(label) > 90:
            continue
        if normalize_unit(after) is not None:  # "Scope 1 and 2 / Mt CO2e": a column header
            continue
        quote = f"{before} | {line} | {after}".strip(" |")
        yield _chart_metric(kpi, label, q.value, year, page, quote, line.strip(), q.unit)


def _count_tile(lines: list[str], n: int, page: int, year: str) -> Iterator[Metric]:
    """A key-figure tile: a bare number over its caption ("137,000" / "employees at the end of
    2023"). Only count KPIs: a bare number has no unit, the caption names what is counted."""
    line = lines[n].strip()
    if not re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d{3,6}", line) or n + 1 >= len(lines):
        return
    caption = lines[n + 1].strip()
    kpi = match_kpi(caption)
    value = parse_number(line)
    if kpi is None or kpi.unit != "count" or value is None or YEAR.fullmatch(line):
        return
    years = {year_of(m) for m in YEAR.finditer(caption)}
    period = years.pop() if len(years) == 1 else year
    yield _chart_metric(kpi, caption, value, period, page, f"{line} | {caption}", line, "")


def _inline_label(line: str, page: int, year: str) -> Iterator[Metric]:
    """A short line "label quantity" ("Operational emissions 32.6Mt CO2e"): a tile or key figure."""
    if len(line) > 80 or year is None or not has_keyword(line):
        return
    found = list(iter_quantities(line))
    if len(found) != 1 or found[0].end < len(line.rstrip(" .")) or found[0].quantity.unit == "%":
        return
    label = line[: found[0].start].rstrip(" :–-")
    if not re.search(r"[A-Za-z]{3}", label) or YEAR.search(label) or len(label.split()) > 8:
        return
    q = found[0].quantity
    kpi = match_kpi(label)
    if kpi is None or not kpi.accepts_unit(q.unit):
        return
    yield _chart_metric(kpi, label, q.value, year, page, line.strip(), q.raw, q.unit)


def _chart_metric(
    kpi: Kpi, label: str, value: float, period: str, page: int, quote: str, raw_value: str,
    raw_unit: str,
) -> Metric:
    """A value read from a chart label, tile or key figure (lower confidence than a table)."""
    return Metric(
        metric=kpi.id,
        label=clean_label(label),
        value=value,
        unit=kpi.unit,
        period=period,
        page=page,
        quote=quote,
        raw_value=raw_value,
        raw_unit=raw_unit,
        basis=kpi.basis,
        source="chart",
        confidence=CHART_LABEL,
    )


def select_primary(metrics: list[Metric]) -> list[Metric]:
    """One primary per (metric, period, basis, boundary); the others carry a ``reason``.

    The VALUE is the best-ranked candidate's: higher confidence (table > chart label > prose,
    explicit unit and year > assumed), then values corroborated by other candidates, then the larger
    value (a total over its parts), then the earlier page. The primary CITES the page where the
    report's data table states that value (within 0.5 %), the earliest such page; a chart label or a
    sentence only when no table has it. Values below MIN_PRIMARY confidence are never primary.
    """
    groups: dict[tuple[str, str, str | None, str | None], list[Metric]] = defaultdict(list)
    for m in metrics:
        groups[(m.metric, m.period, m.basis, m.boundary)].append(m)
    out: list[Metric] = []
    for group in groups.values():

        def agree(m: Metric, group: list[Metric] = group) -> int:
            return sum(1 for o in group if _close(o.value, m.value))

        ranked = sorted(group, key=lambda m: (-m.confidence, -agree(m), m.page, -abs(m.value)))
        best = _most_precise(ranked[0], ranked)
        if best.confidence < MIN_PRIMARY:
            out.extend(replace(m, primary=False, reason="confidence too low to be primary") for m in ranked)
            continue
        first = min(
            (m for m in ranked if _close(m.value, best.value)),
            key=lambda m: (_SOURCE_RANK.get(m.source, 3), m.page, -m.confidence),
        )
        out.append(
            replace(
                first,
                value=best.value,
                unit=best.unit,
                confidence=best.confidence,
                primary=True,
                reason=None,
            )
        )
        where = f"p.{first.page} {first.source}"
        for m in ranked:
            if m is first:
                continue
            if _close(m.value, best.value):
                why = (
                    f"duplicate of {where}"
                    if m.source == first.source
                    else f"{m.source} restatement of {where}"
                )
            else:
                why = f"lower-confidence value; {where} preferred ({best.value:g})"
            out.append(replace(m, primary=False, reason=why))
    return sorted(out, key=lambda m: (m.metric, m.period, not m.primary, m.page))


def _step(m: Metric) -> float:
    """The rounding step of a printed value in canonical units ("35" kt -> 1,000 t)."""
    raw = re.sub(r"[^\d.,]", "", m.raw_value)
    number = parse_number(raw) if raw else None
    if not number:
        return 0.0
    grouped = re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw)  # "219.900": a thousands point
    decimals = len(raw.rsplit(".", 1)[1]) if "." in raw and not grouped else 0
    return abs(m.value / number) * 10.0**-decimals


def _most_precise(best: Metric, ranked: list[Metric]) -> Metric:
    """The best value, or a more precise statement of it elsewhere: "35 kt" in a summary table and
    "35,338 t" in the detailed one are one figure, and the detailed one is the figure."""
    step = _step(best)
    finer = [
        m for m in ranked
        if m is not best and m.confidence >= best.confidence - 0.15 and 0 < _step(m) < step
        and abs(m.value - best.value) <= 0.5 * step
    ]
    return min(finer, key=_step) if finer else best


def add_consistency(metrics: list[Metric], bonus: float = 0.05) -> list[Metric]:
    """Raise the confidence of values that add up on their page (scope 1 + scope 2 = sum)."""
    by_key: dict[tuple[int, str, str], list[Metric]] = defaultdict(list)
    for m in metrics:
        by_key[(m.page, m.period, m.metric)].append(m)
    boosted: set[int] = set()
    for page, period in {(m.page, m.period) for m in metrics}:
        for total_id, parts in sum_rules():
            for total in by_key.get((page, period, total_id), []):
                options = [[m for pid in alts for m in by_key.get((page, period, pid), [])] for alts in parts]
                for combo in product(*options):
                    if _close(sum(m.value for m in combo), total.value, 0.01):
                        boosted.update(id(m) for m in (total, *combo))
    return [
        replace(m, confidence=round(min(1.0, m.confidence + bonus), 3)) if id(m) in boosted else m
        for m in metrics
    ]


# a row label that ends in a comparison: the value after it is a limit or a target, not a result
_BOUND = re.compile(r"(?:[<>≤≥]|\b(?:max\.|less than|weniger als|höchstens))\s*$", re.I)


def _count_unscaled(m: Metric) -> Metric:
    """A headcount scaled by a money table's "in millions of yen" is the printed number again: a
    count printed without a scale word of its own is never a million times larger."""
    raw = (m.raw_value or "").strip()
    if m.unit != "count" or not re.fullmatch(r"\d{1,3}(?:[,.\s  ]\d{3})*|\d+", raw):
        return m  # a whole number, grouped either way ("79,944", "79.944"), and nothing else
    printed = float(re.sub(r"\D", "", raw))
    return replace(m, value=printed) if printed and m.value / printed >= 1e6 else m


def _close(a: float, b: float, tolerance: float = 0.005) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-9)


def extract_metrics(doc: Document) -> tuple[Metric, ...]:
    """All metric values in ``doc`` (1-based pages), with exactly one primary per key."""
    seen: set[tuple[str, str, float, int, str]] = set()
    unique = []
    for m in iter_candidates(doc):
        if _BOUND.search(m.label):
            continue  # "TRIR < 2.0": a label ending in a comparison gives a target's bound
        m = _count_unscaled(m)
        key = (m.metric, m.period, round(m.value, 6), m.page, m.source)
        if key not in seen:
            seen.add(key)
            unique.append(m)
    return tuple(select_primary(add_consistency(unique)))
