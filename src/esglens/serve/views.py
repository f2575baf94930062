"""Shaping the store and an Analysis for the templates: rows, cited sentences, charts.

Charts are inline SVG built here with every text escaped (``html.escape``), bars as attributes
(no inline styles: the page's Content-Security-Policy allows none).
"""

from __future__ import annotations

from html import escape
from typing import Any

from markupsafe import Markup

from ..model import Analysis, Metric
from ..render.html import chart_svg
from ..render.markdown import OVERVIEW, cite_pages, paragraphs
from ..render.metrics import family_charts
from .reports import metric_label
from .state import ServerState

# Overview sections whose facts the report view also lists as tables.
_TABLED = ("Key metrics", "Targets and commitments", "Claims to watch")


def fmt_value(value: float) -> str:
    """12345.0 -> "12,345"; 0.4213 -> "0.4213"; 42.125 -> "42.13"."""
    if value != value:  # NaN
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"


def corpus_rows(state: ServerState, *, q: str = "", status: str = "", year: str = "") -> list[dict[str, Any]]:
    """Reports for the corpus view, identity overrides applied, filtered by text, status and year."""
    from ..corpus import Corpus

    frame = Corpus(state.view()).reports()
    rows = []
    needle = q.strip().casefold()
    for r in frame.to_dict("records"):
        name = state.files.original_name(r["sha256"])
        r["file"] = name or r["path"].rsplit("/", 1)[-1]
        r["year"] = None if r["year"] is None or r["year"] != r["year"] else int(r["year"])
        hay = " ".join(str(r.get(k) or "") for k in ("company", "title", "file")).casefold()
        if needle and needle not in hay:
            continue
        if status and r["status"] != status:
            continue
        if year and str(r["year"] or "") != year.strip():
            continue
        rows.append(r)
    return rows


def _cites(sentence: Any) -> list[dict[str, Any]]:
    quotes: dict[int, str] = {}
    for c in sentence.citations:
        quotes.setdefault(c.page, c.quote)
    return [{"page": p, "quote": quotes[p], "value": ""} for p in cite_pages(sentence)]


def report_context(analysis: Analysis, status: dict[str, Any]) -> dict[str, Any]:
    """Everything report.html shows: cited overview, metrics, charts (the HTML renderer's family
    charts, each point linked to its page), targets, claims, gaps."""
    sections = []
    for section in analysis.overview.sections if analysis.overview else ():
        groups = paragraphs(section) if section.header == OVERVIEW else [list(section.sentences)]
        sections.append({
            "header": "ESG overview" if section.header == OVERVIEW else section.header,
            "anchor": section.header.lower().replace(" ", "-").replace("_", "-"),
            "prose": section.header == OVERVIEW,
            "tabled": section.header in _TABLED,
            "paragraphs": [[{"text": s.text, "cites": _cites(s)} for s in g] for g in groups if g],
        })
    def order(m: Metric) -> tuple[str, int]:  # by label, newest period first
        return metric_label(m.metric, m.label), -int(m.period) if m.period.isdigit() else 0

    metrics = sorted((m for m in analysis.metrics if m.primary), key=order)
    charts = []
    for n, (title, unit, series_of) in enumerate(family_charts(analysis.metrics), start=1):
        charts.append({"label": title, "unit": unit,
                       "svg": Markup(chart_svg(title, unit, series_of, f"chart-{n}")),  # noqa: S704 - chart_svg escapes its text
                       "points": [{"name": name, "period": m.period, "value": fmt_value(m.value),
                                   "page": m.page, "quote": m.quote, "raw": m.raw_value}
                                  for name, series in series_of.items() for m in series]})
    company = analysis.company or analysis.title or status.get("file") or "Report"
    return {
        "analysis": analysis,
        "heading": f"{company}" + (f" ({analysis.period})" if analysis.period else ""),
        "sections": sections,
        "metrics": [{"label": metric_label(m.metric, m.label), "metric": m.metric, "period": m.period,
                     "value": fmt_value(m.value), "unit": m.unit, "page": m.page, "quote": m.quote,
                     "raw": m.raw_value, "basis": m.basis or "", "source": m.source} for m in metrics],
        "alternates": sum(not m.primary for m in analysis.metrics),
        "charts": charts,
        "targets": analysis.targets,
        "claims": analysis.claims,
        "gaps": analysis.not_disclosed,
    }


def compare_table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Compare rows as companies x periods (newest first), each cell a value with its page."""
    periods = sorted({r["period"] for r in rows}, reverse=True)
    companies: dict[str, dict[str, dict[str, Any]]] = {}
    for r in rows:
        companies.setdefault(r["company"], {})[r["period"]] = {**r, "text": fmt_value(r["value"])}
    return {"periods": periods, "companies": sorted(companies.items()),
            "units": sorted({r["unit"] for r in rows})}


def bar_chart(rows: list[dict[str, Any]], label: str) -> Markup:
    """Horizontal bars: each company's latest period, or every period when there is one company."""
    if len({r["company"] for r in rows}) == 1:
        data = sorted(rows, key=lambda r: r["period"])
        names = [r["period"] for r in data]
        title = f"{rows[0]['company']}: {label} by year"
    else:
        latest: dict[str, dict[str, Any]] = {}
        for r in sorted(rows, key=lambda r: r["period"]):
            latest[r["company"]] = r
        data = sorted(latest.values(), key=lambda r: -r["value"])
        names = [f"{r['company']} ({r['period']})" for r in data]
        title = f"{label}, latest year per company"
    unit = ", ".join(sorted({r["unit"] for r in data}))
    width, left, bar, gap = 640, 220, 22, 8
    height = 40 + len(data) * (bar + gap)
    top = max((r["value"] for r in data), default=0) or 1.0
    span = width - left - 90
    heading = f"{escape(title)} ({escape(unit)})"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="cmp-t" class="compare-chart"><title id="cmp-t">{heading}</title>',
             f'<text class="chart-title" x="0" y="16">{heading}</text>']
    for i, (name, r) in enumerate(zip(names, data, strict=True)):
        y = 30 + i * (bar + gap)
        w = max(0.0, r["value"]) / top * span
        parts.append(f'<text class="label" x="{left - 8}" y="{y + bar * 0.7:.1f}" text-anchor="end">'
                     f'{escape(name[:38])}</text>')
        parts.append(f'<rect class="bar" x="{left}" y="{y}" width="{w:.1f}" height="{bar}"/>')
        parts.append(f'<text class="label" x="{left + w + 6:.1f}" y="{y + bar * 0.7:.1f}">'
                     f'{escape(fmt_value(r["value"]))} · p.{int(r["page"])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
