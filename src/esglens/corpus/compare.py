"""Compare one metric across companies and years: a company x period table, and a chart.

One value per (company, period): the primary value from the company's newest report for that
period (a later report restates earlier years), then the most confident, then the earliest page
— so every cell points at one page and quote a reader can check.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from .store import require

if TYPE_CHECKING:
    from .frames import Corpus

__all__ = ["compare_metric", "draw_chart", "format_compare"]

_FONTS = ("DejaVu Sans", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK JP")
COLUMNS = ["company", "period", "metric", "value", "unit", "page", "label", "quote", "report", "report_year",
           "sha256"]


def compare_metric(corpus: Corpus, metric: str, *, companies: Iterable[str] | str | None = None,
                   years: str | Iterable[int] | None = None) -> Any:
    """DataFrame of ``metric`` with one row per company and period (columns: COLUMNS).

    Raises ConfigError when no report in the store has the metric at all, listing those it has.
    """
    facts = corpus.metrics(metric, companies=companies, years=years, primary_only=True)
    if facts.empty:
        known = corpus.sql("SELECT metric, count(*) AS n FROM metrics WHERE \"primary\" GROUP BY metric "
                           "ORDER BY n DESC, metric")
        if metric not in set(known["metric"]):
            listed = ", ".join(known["metric"].head(25))
            raise ConfigError(f"no report in the store has metric {metric!r} — "
                              f"metrics it has: {listed or 'none'}")
    facts = facts.rename(columns={"year": "report_year"})
    facts["_ry"] = facts["report_year"].fillna(-1)
    facts = facts.sort_values(["company", "period", "_ry", "confidence", "page"],
                              ascending=[True, False, False, False, True], kind="stable")
    best = facts.drop_duplicates(["company", "period"], keep="first")
    return best[COLUMNS].reset_index(drop=True)


def _fmt(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"


def format_compare(frame: Any, fmt: str = "table", *, max_periods: int | None = None) -> str:
    """The comparison as a text table (companies x periods, "value p.N"), CSV or JSON.

    The table shows the ``max_periods`` latest periods (all when None); CSV and JSON all rows.
    """
    if fmt == "csv":
        return str(frame.to_csv(index=False)).rstrip("\n")
    if fmt == "json":
        return json.dumps(json.loads(frame.to_json(orient="records", force_ascii=False)), ensure_ascii=False,
                          indent=1)
    if fmt != "table":
        raise ConfigError(f"unknown format {fmt!r} — use table, csv or json")
    if frame.empty:
        return "(none found)"
    periods = sorted(frame["period"].unique(), reverse=True)
    older = periods[max_periods:] if max_periods else []
    periods = periods[:max_periods] if max_periods else periods
    frame = frame[frame["period"].isin(periods)]
    units = sorted(set(frame["unit"]))
    head = f"{frame['metric'].iloc[0]} ({', '.join(units)}): value and page per company and period"
    cells: dict[str, dict[str, str]] = {}
    for row in frame.itertuples(index=False):
        cells.setdefault(row.company, {})[row.period] = f"{_fmt(row.value)} p.{row.page}"
    header = ["company", *periods]
    rows = [[company, *(cells[company].get(p, "—") for p in periods)] for company in sorted(cells)]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [head, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    if older:
        lines.append(f"({len(older)} earlier periods not shown: use --years or --format csv)")
    return "\n".join(lines)


def draw_chart(frame: Any, out: str | Path) -> Path:
    """Draw the comparison to ``out`` (.svg or .png): bars per company, or per year for one company.

    Several companies: each company's latest period. One company: every period. Each bar is
    labelled with its page. Raises ConfigError for another file type or an empty comparison.
    """
    out = Path(out)
    if out.suffix.lower() not in (".svg", ".png"):
        raise ConfigError(f"--chart {out}: give a .svg or .png file name")
    if frame.empty:
        raise ConfigError("nothing to draw: no report discloses that metric for these companies/years")
    require("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    if frame["company"].nunique() == 1:
        data = frame.sort_values("period")
        names = list(data["period"])
        title = f"{data['company'].iloc[0]}: {data['metric'].iloc[0]} by year"
    else:
        data = frame.sort_values("period", ascending=False).drop_duplicates("company").sort_values("value")
        names = [f"{c} ({p})" for c, p in zip(data["company"], data["period"], strict=True)]
        title = f"{data['metric'].iloc[0]}, latest year per company"
    unit = ", ".join(sorted(set(data["unit"])))
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    fonts = [f for f in _FONTS if f in installed] or ["sans-serif"]  # CJK names need a CJK font
    with warnings.catch_warnings(), plt.rc_context({"font.family": fonts, "svg.hashsalt": "esglens"}):
        warnings.simplefilter("ignore")  # missing glyphs (a CJK name without a CJK font) are not fatal
        fig, ax = plt.subplots(figsize=(8, max(2.5, 0.45 * len(names) + 1.2)))
        bars = ax.barh(names, data["value"], color="#3b7a57")
        for bar, page in zip(bars, data["page"], strict=True):
            ax.annotate(f" p.{page}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                        va="center", fontsize=8)
        ax.set_xlabel(unit)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _fmt(v)))
        ax.set_title(title, fontsize=11)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        out.parent.mkdir(parents=True, exist_ok=True)
        kind = out.suffix.lower().lstrip(".")
        fig.savefig(out, format=kind, metadata={"Date": None} if kind == "svg" else None)  # reproducible SVG
        plt.close(fig)
    return out
