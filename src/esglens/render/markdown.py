"""Markdown rendering of an Analysis: the overview with page citations, a key-metrics table, targets.

The output is deterministic (no timings, no absolute paths) so it can be compared to golden files.
"""

from __future__ import annotations

from pathlib import PurePath

from ..model import Analysis, Section, Sentence
from .metrics import metric_rows

OVERVIEW = "ESG_overview"


def cite_pages(sentence: Sentence) -> list[int]:
    """The distinct cited 1-based PDF pages of a sentence, in citation order."""
    pages: list[int] = []
    for c in sentence.citations:
        if c.page not in pages:
            pages.append(c.page)
    return pages


def paragraphs(section: Section) -> list[list[Sentence]]:
    """The section's sentences grouped by ``Sentence.paragraph``, in order.

    The composer numbers ESG_overview paragraphs (who and headline commitment, achievements,
    initiatives); other sections, and overviews rewritten without numbers, are one paragraph.
    """
    out: list[list[Sentence]] = []
    last: int | None = None
    for s in section.sentences:
        if last is None or s.paragraph != last:
            out.append([])
        out[-1].append(s)
        last = s.paragraph
    return out


def _cited(sentence: Sentence) -> str:
    pages = ", ".join(str(p) for p in cite_pages(sentence))
    return f"{sentence.text} [p. {pages}]"


def metrics_table(analysis: Analysis) -> list[str]:
    """The key metrics as one Markdown table, each value linked to its PDF page."""
    rows = metric_rows(analysis.metrics)
    if not rows:
        return ["_No metric figures were found in the report._", ""]
    href = PurePath(analysis.path).name
    out = ["| Metric | Year | Value | Unit | Source |", "|---|---|--:|---|---|"]
    for r in rows:
        out.append(f"| {r.label} | {r.period} | {r.value} | {r.unit} | "
                   f"[p. {r.page}]({href}#page={r.page}) |")
    return [*out, ""]


def render_markdown(analysis: Analysis) -> str:
    """The analysis as Markdown: title, source line, overview sections with ``[p. N]`` cites."""
    period = f" ({analysis.period})" if analysis.period else ""
    lines = [f"# ESG overview: {analysis.company}{period}", ""]
    name = PurePath(analysis.path).name
    title = f"{analysis.title}, " if analysis.title else ""
    lines += [f"_Source: {title}{name}, {analysis.page_count} pages. "
              "Page numbers are PDF pages._", ""]
    sections = analysis.overview.sections if analysis.overview else ()
    for section in sections:
        lines += [f"## {section.header}", ""]
        if section.header == OVERVIEW:
            for para in paragraphs(section):
                lines += [" ".join(_cited(s) for s in para), ""]
        elif section.header == "Key metrics":
            lines += metrics_table(analysis)
        elif section.sentences:
            lines += [f"- {_cited(s)}" for s in section.sentences] + [""]
        else:
            lines += ["_Nothing found in the report._", ""]
    return "\n".join(lines).rstrip() + "\n"
