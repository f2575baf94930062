"""Metrics stated in sentences: "Scope 1 emissions were 23.3 Mt CO2e in 2023", headcounts, deaths.

Stage: Page -> Metric candidates from prose. Paragraphs are rebuilt across line and block breaks
(``segment.iter_paragraphs``), then split into sentences. A sentence names a KPI and a quantity
in a unit that fits it, before the value ("The proportion of women ... is 36.2%") or after it
("26% of our global workforce were women"); a sentence whose subject points back ("Im
Berichtsjahr betrug der Anteil 82 %") borrows the sentence before. Prior-year, comparison,
change, part and benchmark figures beside the value are skipped (``roles.role``). The period is
the year tied to the value, the sentence's one year, the reporting year named in words ("in the
year under review") or by the sentence before; an undated statement of fact is the reporting
year's at lower confidence. Prose values stay below table values (tables ~0.9). Sentences about
targets and conditions are skipped (targets are read apart, ``targets.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import Metric, Page
from ..segment import iter_paragraphs, split_sentences
from .catalog import Kpi, clean_label, has_keyword, kpi_by_id, load_catalog, vetoed_by_context
from .counts import headcount_tile, iter_fatalities, iter_headcounts
from .numbers import BULLET, bare_rates, page_locale, sentence_quantities
from .periods import year_of
from .quantity import SUPERSCRIPTS, Found
from .roles import (
    is_future,
    is_hypothetical,
    is_present,
    names_report_year,
    pattern,
    role,
    tied_position,
    value_year,
    value_years,
)

# Confidence by how a value was found: tables (~0.9) > prose, so a table's value wins; within
# prose, a year in the sentence or named in words > the year of the sentence before > a forecast
# for the reporting year > an undated statement of fact ("currently employs 4,100 people") > a
# headcount tile. All are at least metrics.MIN_PRIMARY (0.5): alone, they can be primary.
PROSE_YEAR = 0.6
PROSE_PREVIOUS_YEAR = 0.55
PROSE_FORECAST = 0.55
PROSE_UNDATED = 0.52
TILE = 0.5
# How far before a value (characters) its label may start.
LABEL_WIDTH = 150
_DIGIT = re.compile(r"\d")
# Injury rates are read from bare numbers (GRI 403-9); other rates need their unit.
_INJURY_RATES = ("ltifr", "injury_frequency_rate")
_RATE_HINT = re.compile(r"\b(?:ltifr?|ltir|trifr?|trir|lost[- ]time|recordable)\b", re.I)
_MARK_AFTER_STOP = re.compile(r"([.!?])([" + SUPERSCRIPTS + r"]+)(?=\s)")
_TARGET_WORDS = re.compile(
    r"\b(?:target|goal|ambition|aim|aims|commit\w*|pledg\w*|plan to|by (?:FY|fiscal )?20[3-5]\d|"
    r"reduc\w+ by|forecast|expected|avoid\w*|offset\w*|equivalent to|baseline|Ziel\w*|wants?|strive\w*|"
    r"intends?|aspire\w*|seeks? to|in the long term|anstreb\w*|soll|sollen)\b",
    re.I,
)
_SHARE_OF = re.compile(
    r"\s*(?:of\b|(?:share|proportion|percentage) of\b|female|women|woman|weiblich|Frauen)", re.I
)
# A value for a later year: "to 25 Percent by 2025" is a target, whatever the sentence says next.
_BY_YEAR = re.compile(
    r"[)\s]*(?:by|until|bis|zum Jahr)\s+(?:the end of\s+)?(?:FY\s*|fiscal\s+)?20\d\d", re.I
)
_BASE_YEAR = re.compile(
    r"(?:base(?:line)?(?: year)?|Basisjahr|基准年)\W{0,3}(?:of\s+)?(?:FY\s*)?(?:19|20)\d\d", re.I
)
# A label and its value on one line, no verb: a key-figure row ("在职员工的数量合计 1,444").
_LABEL_LINE = re.compile(r"[^\d]{2,60}?[:：]?\s*\d[\d,.]*\s*(?:人|名|employees|people)?")
# A clause on method after a value ("based on the operational control approach") is no label.
_METHOD = re.compile(r"\b(?:based on|according to|calculated|in accordance with|using|following)\b", re.I)
# Sentences the catalog's page stems miss but a count reader needs ("employ approximately 4,100 people").
_COUNT_HINT = re.compile(r"\bemploy|\bpeople\b|\bstaff\b|\bassociates\b|\bfatal|tödlich|员工|員工", re.I)
_FATAL_HINT = re.compile(r"fatal|death|tödlich|todesf|死亡|工亡", re.I)
# A sentence worth reading for values: a catalog stem, or words the stems miss ("green electricity").
_VALUE_HINT = re.compile(r"electricity|strom|Anteil|share|proportion|percentage|电|電", re.I)


def iter_prose_metrics(page: Page, year: str | None, locale: str | None = None) -> Iterator[Metric]:
    """Metrics stated in the sentences of ``page`` (1-based) for report year ``year``.

    ``locale`` is the document's number style (``quantity.number_locale``: "eu" reads
    "219.900 t" as 219,900 t); without it the page's own numbers decide.
    """
    if locale is None:
        locale = page_locale(page.text)
    lead = ""  # a lead-in sentence ending in ":" sets year and unit for the list under it
    for heading, paragraph in iter_paragraphs(page):
        text = _MARK_AFTER_STOP.sub(r"\2\1", paragraph)
        bullet = bool(BULLET.match(text))
        current_lead = lead if bullet else ""
        if not bullet or text.rstrip().endswith(":"):
            lead = split_sentences(text)[-1] if text.rstrip().endswith(":") else ""
        if not _DIGIT.search(text) and not (_FATAL_HINT.search(text) and pattern("fatal_nouns").search(text)):
            continue
        tile = headcount_tile(text) if len(text) < 60 else None
        if tile is not None and year is not None:
            yield _tile_metric(tile, text, page.number, year)
            continue
        hinted = _COUNT_HINT.search(text) or _VALUE_HINT.search(text)
        if not (hinted or has_keyword(text) or has_keyword(heading)):
            continue
        previous = current_lead
        for sentence in split_sentences(text):
            yield from _sentence(sentence, page.number, year, heading, previous, locale, current_lead)
            previous = sentence


def _sentence(
    sentence: str, page: int, year: str | None, heading: str, previous: str, locale: str, lead: str = ""
) -> Iterator[Metric]:
    """Every prose metric of one sentence; ``previous`` is the sentence before it."""
    before = {y for _, y in value_years(previous)}
    context = _Context(year, heading, previous, before, locale, lead)
    for found in iter_headcounts(sentence):
        yield from _emit(found, sentence, page, context, "employees", "headcount")
    for found in iter_fatalities(sentence):
        yield from _emit(found, sentence, page, context, "fatalities", "count")
    if (
        len(sentence) <= 600
        and _DIGIT.search(sentence)
        and (has_keyword(sentence) or _VALUE_HINT.search(sentence) or lead)
        and not _TARGET_WORDS.search(sentence)
        and not is_hypothetical(sentence)
    ):
        yield from _kpi_values(sentence, page, context)


@dataclass
class _Context:
    """What a sentence is read with: report year, heading, the sentence before, number style."""

    year: str | None
    heading: str
    previous: str
    before: set[str]  # the value years of the sentence before
    locale: str
    lead: str
    claimed: set[int] = field(default_factory=set)  # positions of years tied to other values


def _kpi_values(sentence: str, page: int, context: _Context) -> Iterator[Metric]:
    """Values of catalog KPIs stated in ``sentence`` with a unit that fits them."""
    spaced, found = sentence_quantities(sentence, context.locale, context.lead)
    bare = bare_rates(spaced, found) if _RATE_HINT.search(spaced) else []
    found = sorted(found + bare, key=lambda f: f.start)
    out: list[Metric] = []
    ends = [0] + [f.end for f in found]
    starts = [f.start for f in found[1:]] + [None]
    roles = [role(spaced, f.start, f.end, ends[n], starts[n]) for n, f in enumerate(found)]
    # "36.2%, up from 36.1% in 2022": the year tied to a comparison is not the sentence's year.
    claimed = {tied_position(spaced, f.end) for f, r in zip(found, roles, strict=True) if r != "value"}
    context.claimed = {c for c in claimed if c is not None}
    labelled = 0  # where the text labelling the last value ended
    for n, f in enumerate(found):
        clause_start = max(found[n - 1].end if n else 0, labelled)
        next_start = found[n + 1].start if n + 1 < len(found) else None
        if roles[n] != "value" or role(spaced, f.start, f.end, clause_start, next_start) != "value":
            continue
        kpi, labelled = _kpi_for(spaced, f, clause_start, next_start, context, tuple(found[:n]))
        if kpi is None or (f in bare and kpi.id not in _INJURY_RATES):
            continue
        after = spaced[f.end : f.end + 40]
        if re.match(r"\s*(?:of|in) (?:reductions?|savings?|abatement)", after) or _BY_YEAR.match(after):
            continue
        if kpi.unit == "%" and not 0 <= f.quantity.value <= 100:
            continue
        metric = _emit_one(kpi, f, spaced, page, context)
        if metric is not None:
            out.append(metric)
    yield from out


def _emit(
    found: Found, sentence: str, page: int, context: _Context, kpi_id: str, kind: str
) -> Iterator[Metric]:
    """The count ``found`` as a value of catalog KPI ``kpi_id`` (``kind``: "headcount" or "count")."""
    metric = _emit_one(kpi_by_id()[kpi_id], found, sentence, page, context, kind)
    if metric is not None:
        yield metric


def _emit_one(
    kpi: Kpi, f: Found, sentence: str, page: int, context: _Context, kind: str = "value"
) -> Metric | None:
    """The Metric for quantity ``f`` of ``kpi``, with the period and confidence the text allows."""
    dated = _period(sentence, f, context, kind == "headcount")
    if dated is None:
        return None
    period, confidence = dated
    counted = kind != "value"
    q = f.quantity
    return Metric(
        metric=kpi.id,
        label=kpi.label,
        value=q.value,
        unit=q.unit if kpi.unit == "currency" else kpi.unit,
        period=period,
        page=page,
        quote=sentence[:400],
        raw_value=q.raw,
        raw_unit="count" if counted else q.unit,
        basis=kpi.basis,
        source="text",
        confidence=confidence,
    )


def _period(sentence: str, f: Found, context: _Context, history_risk: bool) -> tuple[str, float] | None:
    """(period, confidence) for a value in ``sentence``, or None when its year is unclear.

    ``history_risk``: an undated value is kept only in a present-tense statement (headcounts).
    """
    year = context.year
    years = [(pos, y) for pos, y in value_years(sentence) if pos not in context.claimed]
    dated = value_year(sentence, f.start, f.end, years)
    future = is_future(sentence)
    if dated is not None:
        if year is not None and dated > year and not history_risk:
            return None  # a later year than the report's: a target ("28% 2030", "bis 2026")
        if future:
            return (dated, PROSE_FORECAST) if dated == year else None
        return dated, PROSE_YEAR
    if future or year is None or _BASE_YEAR.search(sentence[: f.start]):
        return None  # a plan, or the base year's value ("For the base year 2020, ... amount to")
    if years:  # several candidate years and none tied to the value
        return None
    if names_report_year(sentence):
        return year, PROSE_YEAR
    if context.before:
        return (year, PROSE_PREVIOUS_YEAR) if context.before == {year} else None
    if history_risk and not is_present(sentence[: f.start]) and not _LABEL_LINE.fullmatch(sentence):
        return None  # an undated past headcount is often a history ("founded with 12 people")
    return year, PROSE_UNDATED


def _kpi_for(
    sentence: str,
    f: Found,
    clause_start: int,
    next_start: int | None,
    context: _Context,
    others: tuple[Found, ...] = (),
) -> tuple[Kpi | None, int]:
    """The KPI a quantity's sentence names for it, by the label before or after the value, and
    where the text that labelled it ends (a label after the value is not the next value's)."""
    unit = f.quantity.unit
    label = _near(sentence[clause_start : f.start]).lstrip("•▪■●◦‣- ")  # a bullet is no sub-row mark here
    after = sentence[f.end : next_start if next_start is not None else len(sentence)]
    # Excludes read only the rest of the value's clause: "16.2 Mt CO2-e in FY2021, about 2 per
    # cent higher" is not a per-unit figure.
    veto = _METHOD.split(re.split(r"[,;](?=\s)", sentence[f.end : f.end + 40], maxsplit=1)[0], maxsplit=1)[0]
    own_after = re.split(r"[,;()]|\s(?:and|while|whereas|which)\s", after, maxsplit=1)[0]
    # "Male (56 %) Female (44 %)": a value in brackets annotates the label before it.
    bracketed = f.quantity.raw.rstrip().endswith(")") or sentence[f.end :].lstrip().startswith(")")
    kpi = _match(label, veto, unit)
    end = f.end
    # The label after the value only in a share construction ("26% of our global workforce were
    # women", "51.8 % female", "20.2 % share of renewable energy"; "powered by 100% renewable
    # electricity" describes, it does not report) or naming what a unit measures ("withdrew
    # 34,049,374 cubic meters of water").
    share = _SHARE_OF.match(own_after) if unit == "%" else re.match(r"\s*of\s", own_after)
    if kpi is None and share and not bracketed:
        kpi = _match(label + (" % " if unit == "%" else " ") + own_after, veto, unit)
        if kpi is None:  # the value names its own subject, and that is no KPI
            return None, f.end + len(own_after)
        end = f.end + len(own_after)
    kpi = kpi or _last_kpi(_near(_masked(sentence, f.start, others)), veto, unit)
    if kpi is None and pattern("anaphora").search(label) and context.previous:
        kpi = _match(label + " " + context.previous, veto, unit)
    if kpi is not None and context.heading and vetoed_by_context(kpi, context.heading):
        other = _match(context.heading + " " + label, veto, unit)
        kpi = other if other is not None and not vetoed_by_context(other, context.heading) else None
    return kpi, end


def _masked(sentence: str, end: int, others: tuple[Found, ...]) -> str:
    """``sentence[:end]`` with the earlier values blanked: "consumption decreased by 9.3 % to"
    names energy consumption, and the "%" of another value is no exclude of it."""
    out, start = [], 0
    for o in others:
        if o.end <= end:
            out.append(sentence[start : o.start] + " # ")
            start = o.end
    out.append(sentence[start:end])
    return "".join(out)


def _near(label: str, width: int = LABEL_WIDTH) -> str:
    """The end of a long label: a KPI named far before the value is seldom its label."""
    if len(label) <= width:
        return label
    cut = label[-width:]
    return cut[cut.find(" ") + 1 :] if " " in cut else cut


@lru_cache(maxsize=8192)
def _match(label: str, context: str, unit: str) -> Kpi | None:
    """The first catalog KPI that ``label`` names and whose unit ``unit`` fits, or None."""
    s = clean_label(label)
    veto = s + " " + clean_label(context) if context else s
    for kpi in load_catalog():
        if not kpi.accepts_unit(unit) or (unit == "%") != (kpi.unit == "%"):
            continue
        if any(p.search(s) for p in kpi.synonyms) and not any(p.search(veto) for p in kpi.exclude):
            return kpi
    return None


def _last_kpi(prefix: str, after: str, unit: str) -> Kpi | None:
    """The KPI named last in ``prefix`` (the sentence before a quantity), if any."""
    parts = re.split(r"[;:]|\bwhile\b|\bwhereas\b", prefix)
    return _match(parts[-1], after, unit) if parts else None


def _tile_metric(found: Found, text: str, page: int, year: str) -> Metric:
    """A headcount tile ("~2.1 million associates") as the reporting year's headcount."""
    return Metric(
        metric="employees",
        label="Number of employees",
        value=found.quantity.value,
        unit="count",
        period=year,
        page=page,
        quote=text[:400],
        raw_value=found.quantity.raw,
        raw_unit="count",
        basis=None,
        source="chart",
        confidence=TILE,
    )


# Compatibility with callers of the one-sentence readers (tests, the lead's table code).
def _sentence_metrics(
    sentence: str, page: int, year: str | None, year_before: bool = False
) -> Iterator[Metric]:
    """Metrics in one sentence; ``year_before``: the sentence before names the report year."""
    context = _Context(year, "", "", {year} if year_before and year else set(), "en", "")
    if len(sentence) <= 600 and not _TARGET_WORDS.search(sentence) and not is_hypothetical(sentence):
        yield from _kpi_values(sentence, page, context)


def _prose_headcount(sentence: str, page: int, year: str | None, year_before: bool) -> Iterator[Metric]:
    """The company's total headcount stated in one sentence (GRI 2-7 counts employees)."""
    context = _Context(year, "", "", {year} if year_before and year else set(), "en", "")
    for found in iter_headcounts(sentence):
        yield from _emit(found, sentence, page, context, "employees", "headcount")


__all__ = ["iter_prose_metrics", "year_of"]
