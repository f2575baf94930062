"""Key metrics for the renderers: one table (metric x year) and one chart series per family.

The table lists every primary metric value, in the order of ``metric.order`` in
``data/templates.yaml`` (GHG by scope first), latest year first, with its canonical value, unit
and source page. A family (``narrative.family_of``: GHG, energy, water, waste, workforce,
diversity, safety, community) becomes one chart with one series per metric of the same unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..compose.phrasing import wording
from ..model import Metric

__all__ = ["Row", "family_charts", "format_value", "metric_rows"]


@dataclass(frozen=True)
class Row:
    """One table row: label, year, value as text, unit, page."""

    metric: str
    label: str
    period: str
    value: str
    unit: str
    page: int


def format_value(value: float) -> str:
    """"416,758,000", "0.25", "28": readable, without trailing zeros."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _label(m: Metric) -> str:
    try:
        from ..extract.catalog import kpi_by_id

        kpi = kpi_by_id().get(m.metric)
        return kpi.label if kpi is not None else m.label
    except ImportError:
        return m.label


def _rank(metric_id: str) -> tuple[int, str]:
    order = wording()[0]["metric"]["order"]
    hits = [i for i, p in enumerate(order) if metric_id.startswith(p)]
    return (hits[0] if hits else len(order), metric_id)


def _primaries(metrics: tuple[Metric, ...]) -> dict[str, dict[str, Metric]]:
    by_id: dict[str, dict[str, Metric]] = {}
    for m in sorted(metrics, key=lambda m: -m.confidence):
        if m.primary:
            by_id.setdefault(m.metric, {}).setdefault(m.period, m)
    return by_id


def metric_rows(metrics: tuple[Metric, ...]) -> list[Row]:
    """The key-metrics table: one row per (metric, year), GHG first, latest year first."""
    rows = []
    by_id = _primaries(metrics)
    for mid in sorted(by_id, key=_rank):
        for period in sorted(by_id[mid], reverse=True):
            m = by_id[mid][period]
            unit = "" if m.unit in ("count", "rate") else m.unit
            rows.append(Row(mid, _label(m), period, format_value(m.value), unit, m.page))
    return rows


def family_charts(metrics: tuple[Metric, ...]) -> list[tuple[str, str, dict[str, list[Metric]]]]:
    """(family, unit, {label: series oldest first}) for each family worth a chart: two or more
    years, or two or more metrics of one unit."""
    family_of = wording()[0]["narrative"]["family_of"]
    names = wording()[0]["narrative"]["family_names"]
    groups: dict[tuple[str, str], dict[str, list[Metric]]] = {}
    by_id = _primaries(metrics)
    for mid in sorted(by_id, key=_rank):
        family = family_of.get(mid)
        if family is None:
            continue
        series = sorted(by_id[mid].values(), key=lambda m: m.period)
        unit = series[-1].unit
        series = [m for m in series if m.unit == unit]
        groups.setdefault((family, unit), {})[_label(series[-1])] = series
    out = []
    for (family, unit), series_of in groups.items():
        periods = {m.period for s in series_of.values() for m in s}
        if len(periods) >= 2 or len(series_of) >= 2:
            name = str(names.get(family, family)).removeprefix("its ")
            out.append((name[0].upper() + name[1:], unit, series_of))
    return out
