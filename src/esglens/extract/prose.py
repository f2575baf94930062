"""Metrics stated in sentences: "Scope 1 emissions were 23.3 Mt CO2e in 2023", headcounts.

Stage: Page -> Metric candidates from prose. A sentence names a KPI and a quantity in a unit
that fits it; the period is the year the sentence ties to the value ("in 2023", "FY2024"), the
year of the sentence before it, or the report's year at lower confidence. Sentences about
targets and savings are skipped (targets are read apart, ``targets.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Metric, Page
from ..segment import split_sentences
from .catalog import Kpi, has_keyword, match_kpi
from .periods import YEAR, year_of
from .quantity import SUPERSCRIPTS, iter_quantities, parse_number

# Confidence by how a value was found (tables > chart labels > prose; explicit year > assumed).
PROSE_YEAR = 0.6
PROSE_PREVIOUS_YEAR = 0.55
PROSE_ASSUMED_YEAR = 0.45
_DIGIT = re.compile(r"\d")
_MARK_AFTER_STOP = re.compile(r"([.!?])([" + SUPERSCRIPTS + r"]+)(?=\s)")
_TARGET_WORDS = re.compile(
    r"\b(?:target|goal|ambition|aim|aims|commit\w*|pledg\w*|plan to|by (?:FY|fiscal )?20[3-5]\d|"
    r"reduc\w+ by|forecast|expected|avoid\w*|offset\w*|equivalent to|baseline)\b",
    re.I,
)
# A headcount stated in prose: "All employees comprise of 58 people as of Dec 31, 2022", "we
# employed about 137,000 people at the end of 2023", "a workforce of 4,250 employees in 2022".
_ABOUT = r"(?:(?:approximately|about|around|over|more than|nearly|almost|some|roughly|close to)\s+)?"
_COUNT = r"(?P<n>\d{1,3}(?:,\d{3})+|\d{1,6})(?![\d.,]\d)"
_STAFF = r"(?:full[- ]time\s+|permanent\s+|active\s+)?(?:employees|people|staff|colleagues|team members)"
_HEADCOUNT = tuple(
    re.compile(p)
    for p in (
        r"\b(?:we|group|company|organi[sz]ation|[A-Z][\w&’'.-]+)\s+(?:had|has|have|employ(?:s|ed)?|counted)\s+"
        + _ABOUT
        + _COUNT
        + r"\s+"
        + _STAFF,
        r"\b(?:[Aa]ll|[Oo]ur|[Tt]otal)\s+(?:employees|staff|workforce|headcount)\s+(?:comprise[ds]?(?: of)?|"
        r"consist(?:s|ed)? of|total(?:l?ed|s)?|numbered|was|were|is|stood at)\s+" + _ABOUT + _COUNT,
        r"\b(?:workforce|headcount) of\s+" + _ABOUT + _COUNT,
    )
)
# Sentences about a part of the workforce or about an activity, not the total headcount.
_NOT_HEADCOUNT = re.compile(
    r"contractor|new hires?|\bhired\b|recruit|trained|training|volunteer|intern|apprentic|graduates?\b"
    r"|survey|participat|complet|attended|promot|%|percent|\bof whom\b|injur|redundan|laid off|"
    r"retire|joined|onboard|union|\bper\b|department|division|subsidiar|board|committee|director",
    re.I,
)


def iter_prose_metrics(page: Page, year: str | None) -> Iterator[Metric]:
    """Sentences naming a KPI and a quantity in a fitting unit ("Scope 1 ... 23.3 Mt CO2e")."""
    blocks = [b.text for b in page.blocks if not b.furniture and b.kind != "heading"]
    # Only blocks with a number, or just before one (a sentence split over two blocks), can state
    # a value: skipping the rest keeps sentence splitting off most of a long report.
    digits = [bool(_DIGIT.search(t)) for t in blocks]
    text = " ".join(t for n, t in enumerate(blocks) if digits[n] or (n + 1 < len(blocks) and digits[n + 1]))
    # "women.¹¹ In fiscal 2024": a footnote mark after the full stop hides the sentence end
    # from split_sentences; put the mark before the stop.
    text = _MARK_AFTER_STOP.sub(r"\2\1", text)
    if has_keyword(text):
        previous = ""
        for sentence in split_sentences(text):
            # "In fiscal 2024, about 34,000 ... . The percentage of women ... was 22%.": a
            # sentence without a year continues the year the sentence before names.
            before = {year_of(m) for m in YEAR.finditer(previous)}
            previous = sentence
            yield from _prose_headcount(sentence, page.number, year, before == {year})
            if len(sentence) > 600 or not has_keyword(sentence) or _TARGET_WORDS.search(sentence):
                continue
            yield from _sentence_metrics(sentence, page.number, year, before == {year})


def _sentence_metrics(
    sentence: str, page: int, year: str | None, year_before: bool = False
) -> Iterator[Metric]:
    """Metrics in one sentence; ``year_before``: the sentence before names the report year."""
    years = list(YEAR.finditer(sentence))
    last_end = 0
    for found in iter_quantities(sentence):
        q = found.quantity
        clause = sentence[last_end : found.start]
        last_end = found.end
        after = sentence[found.end : found.end + 40]
        # Excludes read only the rest of the value's clause: "16.2 Mt CO2-e in FY2021, about 2 per
        # cent higher" is not a per-unit figure (BHP 2021 p.10).
        veto = re.split(r"(?<=\w)[,;]", after, maxsplit=1)[0]
        kpi = match_kpi(clause, veto) or _last_kpi(sentence[: found.start], veto)
        if kpi is None or not kpi.accepts_unit(q.unit) or (q.unit == "%") != (kpi.unit == "%"):
            continue
        if re.match(r"\s*(?:of|in) (?:reductions?|savings?|abatement)", after):
            continue
        period: str | None = None
        near = re.match(r"\s*(?:\)|,)?\s*(?:in|for|during)\s+(?:the\s+)?", after)
        if near:
            m = YEAR.match(after, near.end())
            period = year_of(m) if m else None
        if period is None:
            before_years = [m for m in years if m.end() <= found.start]
            if len(years) == 1 and before_years:
                period = year_of(before_years[0])
            elif not years:
                period = year
        if period is None:
            continue
        yield Metric(
            metric=kpi.id,
            label=kpi.label,
            value=q.value,
            unit=q.unit if kpi.unit == "currency" else kpi.unit,
            period=period,
            page=page,
            quote=sentence[:400],
            raw_value=q.raw,
            raw_unit=q.unit,
            basis=kpi.basis,
            source="text",
            confidence=PROSE_YEAR if years else PROSE_PREVIOUS_YEAR if year_before else PROSE_ASSUMED_YEAR,
        )


def _prose_headcount(sentence: str, page: int, year: str | None, year_before: bool) -> Iterator[Metric]:
    """The company's total headcount stated in a sentence that names its year or date.

    Only a sentence naming one year, or continuing a sentence about the report year: a count
    without a date is often a history ("founded with 12 people"). Parts of the workforce
    (contractors, new hires, people trained) are not the headcount (GRI 2-7 counts employees).
    """
    if len(sentence) > 300 or _NOT_HEADCOUNT.search(sentence) or _TARGET_WORDS.search(sentence):
        return
    m = next((m for p in _HEADCOUNT if (m := p.search(sentence))), None)
    if m is None:
        return
    value = parse_number(m.group("n"))
    years = {year_of(y) for y in YEAR.finditer(sentence)}
    if value is None or value < 5 or YEAR.fullmatch(m.group("n")):
        return
    if len(years) == 1:
        period, confidence = years.pop(), PROSE_YEAR
    elif not years and year_before and year is not None:
        period, confidence = year, PROSE_PREVIOUS_YEAR
    else:
        return
    yield Metric(
        metric="employees",
        label="Number of employees",
        value=value,
        unit="count",
        period=period,
        page=page,
        quote=sentence[:400],
        raw_value=m.group("n"),
        raw_unit="count",
        basis=None,
        source="text",
        confidence=confidence,
    )


def _last_kpi(prefix: str, after: str) -> Kpi | None:
    """The KPI named last in ``prefix`` (the sentence before a quantity), if any."""
    parts = re.split(r"[;:]|\bwhile\b|\bwhereas\b", prefix)
    return match_kpi(parts[-1], after) if parts else None
