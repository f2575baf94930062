"""Self-contained, accessible HTML for an Analysis: no scripts, fonts or images from outside.

Semantic landmarks and headings, a ``lang`` attribute, every citation a link to the PDF page
(``report.pdf#page=7``, the PDF open-parameters fragment), and each metric series drawn as an
inline SVG bar chart with a title, a description and the same numbers as a data table.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape
from pathlib import PurePath

from ..model import Analysis, Metric, Sentence
from .markdown import OVERVIEW, cite_pages, paragraphs

CSS = """
body{font:16px/1.55 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;
color:#1a1a1a;background:#fff}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}
a{color:#0645ad}a:focus{outline:3px solid #f90}
.cite{font-size:.85em;white-space:nowrap}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #999;padding:.2rem .5rem;
text-align:right}th:first-child,td:first-child{text-align:left}
figure{margin:1rem 0}figcaption{font-weight:600}
.bar{fill:#2a6f97}.axis{stroke:#555}.label{font-size:11px;fill:#1a1a1a}
.muted{color:#555}
"""


def _link(analysis: Analysis, page: int) -> str:
    """Link to a PDF page; ``analysis.path`` is the report's href as seen from the HTML file."""
    return f"{escape(analysis.path, quote=True)}#page={page}"


def _cited(analysis: Analysis, sentence: Sentence) -> str:
    quotes = {c.page: c.quote for c in sentence.citations}
    links = ", ".join(
        f'<a href="{_link(analysis, p)}" title="{escape(quotes[p][:300], quote=True)}">'
        f'p.&nbsp;{p}</a>' for p in cite_pages(sentence)
    )
    return f'{escape(sentence.text)} <span class="cite">[{links}]</span>'


def _series(metrics: tuple[Metric, ...]) -> dict[str, list[Metric]]:
    """Primary metrics with two or more periods in one unit, keyed by metric id."""
    by_id: dict[str, dict[str, Metric]] = {}
    for m in metrics:
        if m.primary:
            by_id.setdefault(f"{m.metric}|{m.unit}", {}).setdefault(m.period, m)
    return {k: sorted(v.values(), key=lambda m: m.period) for k, v in by_id.items() if len(v) >= 2}


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


def chart_svg(series: list[Metric], chart_id: str) -> str:
    """An inline SVG bar chart of one metric over its periods, labelled for screen readers."""
    width, height, pad = 360, 180, 28
    top = max(m.value for m in series) or 1.0
    bar_w = (width - 2 * pad) / len(series)
    label = series[-1].label
    desc = "; ".join(f"{m.period}: {_fmt(m.value)} {m.unit}" for m in series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(label)} ({escape(series[-1].unit)})</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
        f'<line class="axis" x1="{pad}" y1="{height - pad}" x2="{width - pad}" '
        f'y2="{height - pad}"/>',
    ]
    for i, m in enumerate(series):
        h = max(0.0, m.value) / top * (height - 2 * pad - 10)
        x = pad + i * bar_w + bar_w * 0.15
        y = height - pad - h
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.7:.1f}" '
                     f'height="{h:.1f}"/>')
        cx = x + bar_w * 0.35
        parts.append(f'<text class="label" x="{cx:.1f}" y="{height - pad + 14}" '
                     f'text-anchor="middle">{escape(m.period)}</text>')
        parts.append(f'<text class="label" x="{cx:.1f}" y="{y - 3:.1f}" '
                     f'text-anchor="middle">{escape(_fmt(m.value))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _metric_figures(analysis: Analysis) -> list[str]:
    out = []
    for n, series in enumerate(_series(analysis.metrics).values(), start=1):
        cid = f"chart-{n}"
        label, unit = escape(series[-1].label), escape(series[-1].unit)
        rows = "".join(
            f'<tr><th scope="row">{escape(m.period)}</th><td>{escape(_fmt(m.value))}</td>'
            f'<td><a href="{_link(analysis, m.page)}">p.&nbsp;{m.page}</a></td></tr>'
            for m in series
        )
        out.append(
            f'<figure aria-labelledby="{cid}-c"><figcaption id="{cid}-c">{label} ({unit})'
            f"</figcaption>{chart_svg(series, cid)}"
            f'<table><caption class="muted">{label}, {unit}, by period</caption>'
            f'<thead><tr><th scope="col">Period</th><th scope="col">Value</th>'
            f'<th scope="col">Source</th></tr></thead><tbody>{rows}</tbody></table></figure>'
        )
    return out


def render_html(analysis: Analysis, *, lang: str = "en", pdf_href: str | None = None) -> str:
    """The analysis as one standalone HTML5 page (inline CSS and SVG, no external assets).

    ``pdf_href`` is the report's path relative to where the HTML is written, so citation links
    open the right page; by default the report's file name (the HTML beside the PDF).
    """
    analysis = replace(analysis, path=pdf_href or PurePath(analysis.path).name)
    period = f" ({escape(analysis.period)})" if analysis.period else ""
    title = f"ESG overview: {escape(analysis.company)}{period}"
    name = escape(PurePath(analysis.path).name)
    href = escape(analysis.path, quote=True)
    body = [
        f"<header><h1>{title}</h1><p class=\"muted\">Source: "
        f"{escape(analysis.title) + ', ' if analysis.title else ''}"
        f'<a href="{href}">{name}</a>, {analysis.page_count} pages. '
        "Page numbers are PDF pages.</p></header>",
        "<main>",
    ]
    for section in analysis.overview.sections if analysis.overview else ():
        sid = escape(section.header.lower().replace(" ", "-").replace("_", "-"), quote=True)
        body.append(f'<section aria-labelledby="{sid}"><h2 id="{sid}">'
                    f"{escape(section.header)}</h2>")
        if section.header == OVERVIEW:
            body += [f"<p>{' '.join(_cited(analysis, s) for s in para)}</p>"
                     for para in paragraphs(section)]
        elif section.sentences:
            body.append("<ul>" + "".join(f"<li>{_cited(analysis, s)}</li>"
                                         for s in section.sentences) + "</ul>")
        else:
            body.append('<p class="muted">Nothing found in the report.</p>')
        if section.header == "Key metrics":
            body += _metric_figures(analysis)
        body.append("</section>")
    body.append("</main>")
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang, quote=True)}">\n<head>\n'
        '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, '
        f'initial-scale=1">\n<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n'
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
