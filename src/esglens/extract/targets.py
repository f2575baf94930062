"""Targets: net-zero, carbon-neutral, reduction and renewable-share commitments, with year and page.

Stage: Document -> tuple[Target, ...]. Each page is read as statements (``target_text``: prose
sentences, wrapped table cells and tiles, items under a dated list heading), each statement as
anchors paired with target years and base years (``target_parse``); the words in every language
come from ``data/targets.yaml``. Only target years after the reporting year are kept (a year at or
before it is a result or a past milestone), and repeats of one commitment keep the best-cited one.

What a target covers: ``scope`` is "1+2", "3", "1+2+3" as printed (GHG Protocol). A target for a
part of the business (supply chain, buildings, fleet, shipping, sold products, a bank's or an
insurer's financed portfolio) names that part in ``metric`` ("financed_emissions"), so an analyst
sees it is not the company-wide commitment. Renewable-share targets carry
``metric="renewable_energy_share"`` and the share in ``target_pct``. Types follow GHG Protocol and
SBTi wording: a cut "per unit", "specific", "in relation to revenues", "intensity-based" is an
intensity target, any other an absolute one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Document, Target
from .periods import report_year
from .target_lexicon import Lexicon, lexicon
from .target_parse import (
    PLEDGES,
    Anchor,
    anchor_kinds,
    assign_bases,
    assign_years,
    find_anchors,
    find_bases,
    find_marks,
)
from .target_tables import column_statements, continued, iter_column_text, unfinished
from .target_text import Statement, iter_statements, normalise

__all__ = ["dedupe_targets", "extract_targets", "is_third_party", "iter_sentence_targets",
           "parse_statement"]

_NUMERALS = {"一": "1", "二": "2", "三": "3"}
_BARE_YEAR = re.compile(r"(?<![\d.,/])(?:19|20)\d\d(?![\d.,/])")
_PAGE_HINT = re.compile(r"20[2-9]\d|[Ff][Yy]\s*'?[2-9]\d")  # a page that can hold a target year


def _scope_mentions(text: str) -> list[tuple[int, str]]:
    """(position, scope) of every scope the text names: digits, or a GHG Protocol phrase."""
    out = []
    for m in lexicon().scope_digits.finditer(text):
        digits = re.findall(r"[123一二三]", m.group(0))
        out.append((m.start(), "+".join(sorted({_NUMERALS.get(d, d) for d in digits}))))
    for name, pattern in lexicon().scope_phrases:
        out += [(m.start(), name) for m in pattern.finditer(text)]
    return sorted(out)


_NEW_DATED_CLAUSE = re.compile(
    r"[,;，；]\s*(?:in|during|since|over|at the end of)?\s*(?:FY\s?)?(?:19|20)\d\d\b", re.I)


def _digit_positions(text: str) -> set[int]:
    return {m.start() for m in lexicon().scope_digits.finditer(text)}


def _scope(text: str, a: Anchor | None = None, lo: int = 0, hi: int | None = None) -> str | None:
    """The scope the text names, or when it names several the one nearest the anchor.

    Nearest within the anchor's own part of the text (between its neighbours), before it on a
    tie ("reduce Scope 3 by 25%"); a mention with a year between it and the anchor belongs to
    another target ("Scopes 1, 2 and 3 by 2045 and a 50% reduction in Scope 1 and 2"), one
    after a conjunction to the next item ("Scope 1 and 2 emissions by 50% and Scope 3 …").
    """
    mentions = _scope_mentions(text)
    digits = _digit_positions(text)
    # "Scope 2 emissions from its Queensland operations": a phrase right after digits repeats them
    mentions = [(p, s) for p, s in mentions
                if p in digits or not any(0 < p - d <= 40 for d in digits)]
    if a is not None:
        # "net zero by 2040, in 2023 we cut our scopes 1 and 2 …": after a clause break that opens
        # with a date, the scope is another statement's
        mentions = [(p, s) for p, s in mentions
                    if p < a.end or not _NEW_DATED_CLAUSE.search(text[a.end : p])]
    if len({s for _, s in mentions}) <= 1 or a is None:
        return mentions[0][1] if mentions else None
    hi = len(text) if hi is None else hi
    best: tuple[int, str] | None = None
    for p, scope in mentions:
        if not max(lo, a.start - 200) <= p < min(hi, a.end + 120) or a.start <= p < a.end:
            continue
        between = text[p : a.start] if p < a.start else text[a.end : p]
        d = len(between) + (1 if p > a.start else 0) + (60 if re.search(r"(?:19|20)\d\d", between) else 0)
        if p > a.start and re.search(r"\band\b|\bund\b|[,;、，；]", between):
            d += 60  # "by 50% and Scope 3 …": the scope after the conjunction is the next item's
        if best is None or d < best[0]:
            best = (d, scope)
    return best[1] if best else None


def _subset(lex: Lexicon, window: str) -> str | None:
    """The part of the business a target covers when it is not the whole company."""
    subsets = dict(lex.subsets)
    if subsets["financed_emissions"].search(window):
        return "financed_emissions"  # a portfolio target is never the company's own operations
    if lex.value_chain.search(window):
        return None
    if subsets["supply_chain_emissions"].search(window):
        return "supply_chain_emissions"  # "the operational emissions of our suppliers"
    if lex.whole_company.search(window):
        return None
    for name, pattern in lex.subsets:
        if pattern.search(window):
            return name
    return None


def is_third_party_near(text: str, start: int, end: int, lead: int | None = None,
                        until: int = 0) -> bool:
    """True when the words around an anchor give the goal to another organisation.

    The words looked at run from 120 characters before the anchor to 40 after it or to the end
    of its year phrase (``until``): "net zero commitments in the … nations of China (2060)".
    ``lead`` is where the statement's first anchor ends: a sentence opened by another
    organisation ("The IMO has set goals to … 40 per cent by 2030 and 70 per cent by 2050")
    owns every anchor in it that its own words do not give to the company.
    """
    lex = lexicon()
    lo = max(0, start - 120)
    window = text[lo : max(end + 40, until)]
    if lex.supports_other.search(window):
        return True
    own = [m.start() for m in lex.own.finditer(window)]
    other = [m.start() for m in lex.other_owner.finditer(window)]
    if own and other:
        # both speak: the one nearer before the anchor owns it ("Our 2023 progress The EU aims …")
        before = start - lo
        own_b, other_b = [p for p in own if p < before], [p for p in other if p < before]
        return bool(other_b) and (not own_b or other_b[-1] > own_b[-1])
    if own:
        return False
    if other:
        return True
    opening = text[: (lead if lead is not None else end) + 40]
    return bool(lex.other_owner.search(opening)) and not lex.own.search(opening)


def parse_statement(st: Statement) -> list[Target]:
    """Every target in one statement (years not yet checked against the reporting year)."""
    lex = lexicon()
    text = st.text
    anchors = find_anchors(text)
    if not anchors:
        return []
    bases = find_bases(text)
    if st.bare_years and st.bare_base:
        # "… 30% 2019 2030 12%" under "Base year Target year": the earlier year is the base
        bare = [(m.start(), m.end(), int(m.group())) for m in _BARE_YEAR.finditer(text)]
        if len(bare) >= 2:
            bases.append(min(bare, key=lambda b: b[2]))
    kinds = anchor_kinds(lex, text, anchors, row=st.bare_years)
    years = assign_years(text, anchors, kinds, find_marks(text, bases, st.bare_years))
    base_of = assign_bases(bases, anchors, kinds)
    listed = st.list_year is not None and not lex.finite_verb.search(text)
    voiced = bool(lex.own.search(text) or lex.target_word.search(text))
    out: list[Target] = []
    emitted = False  # the previous anchor was a cut of emissions
    for i, (a, kind) in enumerate(zip(anchors, kinds, strict=True)):
        lo = anchors[i - 1].end if i else 0
        hi = anchors[i + 1].start if i + 1 < len(anchors) else len(text)
        near = text[max(lo, a.start - 160) : min(hi, a.end + 120)]
        # what is cut: the words before it, back past reported values of the same thing
        typed_lo = next((anchors[j].end for j in range(i - 1, -1, -1)
                         if kinds[j] is not None and kinds[j] != kind), 0)
        near = text[max(typed_lo, a.start - 160) : min(hi, a.end + 120)]
        context = st.context if st.layout else ""
        emissions = bool(lex.emissions.search(near)) or (i > 0 and kinds[i - 1] == kind and emitted)
        emissions = emissions or bool(lex.emissions.search(context))
        emitted = emissions
        mark = years.get(i)
        if mark is not None and mark.weak and not voiced:
            mark = None  # "… net zero in 2050" said of no one
        year = mark.year if mark else (st.list_year if listed and a.start <= 60 else None)
        if year is None or kind is None:
            continue
        if kind in PLEDGES and not voiced and not st.layout and len(text) > 60:
            continue  # a pledge in a sentence that is neither the company's nor called a target
        if is_third_party_near(text, a.start, a.end, anchors[0].end, mark.end if mark else 0):
            continue
        if kind == "reduction" and (not emissions or lex.pollutants.search(f"{context} {near}")):
            continue
        base = base_of.get(i)
        if base is None and kind == "reduction" and st.table_base is not None:
            base = st.table_base
        # the part of the business: words right around the anchor, along its list
        region_lo = next((anchors[j].end for j in range(i - 1, -1, -1)
                          if anchors[j].group != a.group), 0)
        region = text[max(region_lo, a.start - 100) : min(hi, a.end + 60)]
        target = _build(st, kind, a, year, base if base is not None and base < year else None,
                        _subset(lex, region), (lo, hi), dated=mark is not None)
        if target is not None:
            out.append(target)
    return out


def _build(st: Statement, kind: str, a: Anchor, year: int, base: int | None, subset: str | None,
           own: tuple[int, int], dated: bool) -> Target | None:
    """The Target for one typed anchor (``own``: its part of the statement's text)."""
    lo, hi = own
    lex = lexicon()
    scope = _scope(st.text, a, lo, hi) or (_scope(st.context) if st.layout else None)
    conf = 0.8 if dated else 0.6
    if kind in ("net_zero", "carbon_neutral", "carbon_peak"):
        # a pledge has a year, not a baseline (its cuts come as percentages)
        return Target(kind, st.page, st.quote, target_year=year,
                      scope="3" if subset == "supply_chain_emissions" else scope,
                      metric=subset, confidence=conf if subset is None else conf - 0.2)
    if kind in ("renewable", "re100"):
        if subset == "financed_emissions":
            return None  # a share of renewables in lending is a portfolio mix, not own energy
        value = 100.0 if kind == "re100" else a.value
        if value is None or not 0 < value <= 100:
            return None
        return Target("renewable_share", st.page, st.quote, target_year=year,
                      metric="renewable_energy_share", confidence=conf, target_pct=value)
    if a.value is None or not 0 < a.value <= 100:
        return None
    window = st.text[max(lo, a.start - 200) : min(hi, a.end + 120)]
    intensity = bool(lex.intensity.search(window))
    return Target("intensity_reduction" if intensity else "absolute_reduction", st.page, st.quote,
                  target_year=year, base_year=base, reduction_pct=a.value, scope=scope,
                  metric=subset, confidence=conf + (0.05 if base else 0))


def iter_sentence_targets(sentence: str, page: int, context: str = "",
                          list_year: int | None = None) -> Iterator[Target]:
    """Targets stated in one sentence; ``context`` (the line above) can supply scope/emissions."""
    st = Statement(normalise(sentence), re.sub(r"\s+", " ", sentence).strip()[:400], page,
                   context=normalise(context), list_year=list_year, layout=bool(context))
    yield from parse_statement(st)


def is_third_party(sentence: str) -> bool:
    """True when every anchor of the sentence is another organisation's goal."""
    text = normalise(sentence)
    anchors = find_anchors(text)
    return bool(anchors) and all(
        is_third_party_near(text, a.start, a.end, anchors[0].end) for a in anchors
    )


def dedupe_targets(targets: list[Target]) -> list[Target]:
    """One target per commitment (type, year, %, part of the business, compatible scope).

    The one kept is the best cited (``_citation_score``), so its page is where the report
    states the commitment most fully.
    """
    kept: list[Target] = []
    for t in sorted(targets, key=_citation_score, reverse=True):
        pct = t.reduction_pct if t.reduction_pct is not None else t.target_pct
        if any(k.type == t.type and k.target_year == t.target_year and k.metric == t.metric
               and (k.reduction_pct if k.reduction_pct is not None else k.target_pct) == pct
               and (k.scope is None or t.scope is None or k.scope == t.scope) for k in kept):
            continue
        kept.append(t)
    return sorted(kept, key=lambda t: (t.type, t.target_year or 0, t.page))


def _citation_score(t: Target) -> tuple[bool, bool, float, int]:
    """How well a target is cited: with its base year and scope, from a dated statement, then
    the earliest page (where a report first states a commitment, usually its summary)."""
    return (t.base_year is not None, t.scope is not None, t.confidence, -t.page)


def extract_targets(doc: Document) -> tuple[Target, ...]:
    """Distinct targets in ``doc`` (1-based pages); only target years after the report's year."""
    year = report_year(doc)
    latest = int(year) if year is not None else None
    found: list[Target] = []
    carried, carried_page = "", 0
    for page in doc.pages:
        columns = [text for _, text in iter_column_text(page)]
        statements = list(column_statements(page.number, columns))
        if (joined := continued(carried, carried_page, columns)) is not None:
            statements.append(joined)
        carried, carried_page = unfinished(columns), page.number
        if _PAGE_HINT.search(page.text):
            statements += iter_statements(page, latest)
        for st in statements:
            for t in parse_statement(st):
                if t.target_year is None or not 2000 < t.target_year <= 2100:
                    continue
                if latest is not None and t.target_year <= latest:
                    continue
                found.append(t)
    return tuple(dedupe_targets(found))
