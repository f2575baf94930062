"""Self-contained, accessible HTML for an Analysis: no scripts, fonts or images from outside.

Semantic landmarks and headings, a ``lang`` attribute, every citation a link to the PDF page
(``report.pdf#page=7``, the PDF open-parameters fragment), and each metric series drawn as an
inline SVG chart per metric family (GHG by scope over the years) with a title, a description
and the numbers in the key-metrics table.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape
from pathlib import PurePath

from ..model import Analysis, Metric, Sentence
from .markdown import OVERVIEW, cite_pages, paragraphs
from .metrics import family_charts, format_value, metric_rows

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


_COLOURS = ("#2a6f97", "#e07a1f", "#4d8b31", "#8e44ad", "#b03a2e", "#555555")


def chart_svg(title: str, unit: str, series_of: dict[str, list[Metric]], chart_id: str) -> str:
    """An inline SVG grouped bar chart (one colour per metric, bars grouped by year), labelled
    for screen readers; the same numbers are in the table beside it."""
    width, height, pad = 420, 200, 30
    periods = sorted({m.period for s in series_of.values() for m in s})
    top = max((m.value for s in series_of.values() for m in s), default=1.0) or 1.0
    group_w = (width - 2 * pad) / max(len(periods), 1)
    bar_w = group_w * 0.8 / max(len(series_of), 1)
    desc = "; ".join(f"{label} {m.period}: {format_value(m.value)} {unit}"
                     for label, s in series_of.items() for m in s)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 16 * len(series_of)}" '
        f'viewBox="0 0 {width} {height + 16 * len(series_of)}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)} ({escape(unit)})</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
        f'<line class="axis" x1="{pad}" y1="{height - pad}" x2="{width - pad}" '
        f'y2="{height - pad}"/>',
    ]
    for j, period in enumerate(periods):
        gx = pad + j * group_w + group_w * 0.1
        parts.append(f'<text class="label" x="{gx + group_w * 0.4:.1f}" y="{height - pad + 14}" '
                     f'text-anchor="middle">{escape(period)}</text>')
        for i, series in enumerate(series_of.values()):
            m = next((x for x in series if x.period == period), None)
            if m is None:
                continue
            h = max(0.0, m.value) / top * (height - 2 * pad - 10)
            x, y = gx + i * bar_w, height - pad - h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.9:.1f}" height="{h:.1f}" '
                         f'fill="{_COLOURS[i % len(_COLOURS)]}"/>')
    for i, label in enumerate(series_of):
        y = height + 16 * i
        parts.append(f'<rect x="{pad}" y="{y - 9}" width="10" height="10" '
                     f'fill="{_COLOURS[i % len(_COLOURS)]}"/>'
                     f'<text class="label" x="{pad + 14}" y="{y}">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _metrics_table(analysis: Analysis) -> str:
    """The key metrics as one table: metric, year, value, unit, a link to the source page."""
    rows = metric_rows(analysis.metrics)
    if not rows:
        return '<p class="muted">No metric figures were found in the report.</p>'
    body = "".join(
        f'<tr><th scope="row">{escape(r.label)}</th><td>{escape(r.period)}</td>'
        f"<td>{escape(r.value)}</td><td>{escape(r.unit)}</td>"
        f'<td><a href="{_link(analysis, r.page)}">p.&nbsp;{r.page}</a></td></tr>'
        for r in rows
    )
    return ('<table><caption class="muted">Key metrics by year (canonical units)</caption>'
            '<thead><tr><th scope="col">Metric</th><th scope="col">Year</th>'
            '<th scope="col">Value</th><th scope="col">Unit</th><th scope="col">Source</th>'
            f"</tr></thead><tbody>{body}</tbody></table>")


def _metric_figures(analysis: Analysis) -> list[str]:
    out = []
    for n, (title, unit, series_of) in enumerate(family_charts(analysis.metrics), start=1):
        cid = f"chart-{n}"
        out.append(f'<figure aria-labelledby="{cid}-c"><figcaption id="{cid}-c">{escape(title)} '
                   f"({escape(unit)})</figcaption>{chart_svg(title, unit, series_of, cid)}</figure>")
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
        elif section.header == "Key metrics":
            body.append(_metrics_table(analysis))
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
