"""What the report does not disclose: expected metric families with no value for its year.

Stage: (Document, metrics) -> tuple[Gap, ...]. The families a reader expects (``families`` in
``data/kpis.yaml``: GHG by scope, energy, water, waste, workforce, diversity, safety) follow GRI
and ESRS topic disclosures. A family counts as disclosed when any of its metrics has a primary
value for the reporting year; a gap cites the pages where the family's other years are reported.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..data import load_data
from ..model import Document, Gap, Metric
from .periods import report_year


@cache
def families() -> tuple[dict[str, Any], ...]:
    """The disclosure families from ``data/kpis.yaml``, in file order."""
    return tuple(load_data("kpis.yaml").get("families", []))


def find_gaps(doc: Document, metrics: tuple[Metric, ...], year: str | None = None) -> tuple[Gap, ...]:
    """Families with no primary value for the reporting year (``year``, else the report's own)."""
    year = year or report_year(doc)
    gaps = []
    for family in families():
        ids = set(family["metrics"])
        mine = [m for m in metrics if m.metric in ids]
        if any(m.primary and year is not None and m.period == year for m in mine):
            continue
        pages = tuple(sorted({m.page for m in mine if m.primary}))[:5]
        periods = sorted({m.period for m in mine if m.primary})
        if periods:
            note = f"reported only for {', '.join(periods)}, not for {year}" if year else ""
        else:
            note = "no figure found in the report"
        gaps.append(Gap(family["id"], family["label"], family["pillar"], year, pages, note))
    return tuple(gaps)
