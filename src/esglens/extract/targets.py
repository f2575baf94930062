"""Targets: net-zero, carbon-neutral, reduction and renewable-share commitments, with year and page.

Stage: Document -> tuple[Target, ...]. A sentence (or a "Targets: 15% by 2025; 50% by 2030" line)
with a commitment cue is split into clauses; each "N% ... by YYYY" pair becomes a reduction target
(intensity when the clause says so), "net zero by YYYY" a net_zero target. Base years come from
"from/compared with/relative to ... YYYY (levels|baseline)". Repeats of one (type, year, %) keep
the best-cited one: the most complete, then the earliest page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Document, Target
from ..segment import split_sentences
from .periods import report_year

_CUE = re.compile(
    r"\b(?:target|goal|ambition|aim|aims|commit\w*|pledg\w*|objective|strive|plan to|will|"
    r"set|reach|achieve|reduc\w+|cut|net[- ]zero|carbon[- ]neutral\w*|climate[- ]neutral\w*)\b",
    re.I,
)
_BY_YEAR = re.compile(
    r"\b(?:by|until|before|for)\s+(?:the\s+end\s+of\s+)?(?:FY\s*|fiscal\s+(?:year\s+)?)?(20[2-6]\d)\b"
)
_PCT = re.compile(
    r"(?<![\d.])(\d{1,3}(?:\.\d+)?)\s*(?:-\s*\d{1,3}\s*)?(?:%|per\s?cent|percent)", re.I
)
_BASE = re.compile(
    r"\b(?:from|against|compared\s+(?:with|to)|relative\s+to|versus|vs\.?|below|on)\s+"
    r"(?:(?:the|our|a|an)\s+)?(?:[a-z]+\s+){0,2}?(?:FY\s*|fiscal\s+(?:year\s+)?)?((?:19|20)\d\d)\b"
    r"|\b((?:19|20)\d\d)\s+(?:\w+\s+)?(?:levels?|baseline|base\s+year)",
    re.I,
)
_NET_ZERO = re.compile(r"\bnet[- ]zero\b", re.I)
_NEUTRAL = re.compile(r"\b(?:carbon|climate|co2)[- ]neutral\w*", re.I)
_REDUCE = re.compile(r"\b(?:reduc\w+|cut\w*|lower\w*|decreas\w+|abat\w+)\b|\btargets?:", re.I)
_EMISSIONS = re.compile(r"\b(?:emission\w*|ghg|greenhouse|co2e?|carbon|scope)", re.I)
_RENEWABLE = re.compile(r"\brenewable", re.I)
# Another organisation's goal (a regulator, a coalition, a country) is not the company's target
# unless the sentence also speaks for the company ("we", "our").
_OTHER = re.compile(
    r"\b(?:IMO|International Maritime Organi[sz]ation|[Cc]oalition|[Gg]overnments?|"
    r"Safeguard Mechanism|European (?:Union|Green Deal|Commission)|Paris Agreement|"
    r"[A-Z][a-z]+['’]s (?:economy|emissions)|(?:the )?(?:country|nation)['’]s)\b"
)
_OWN = re.compile(r"\b(?:[Ww]e|[Oo]ur|us)\b")
_SUPPORTS_OTHER = re.compile(
    r"\bsupport\w*\s+(?:the|a|their|its)\s+(?:goals?|targets?|ambitions?)\s+of\b"
    r"|\b(?:countries|country|nations?|governments?|which|who|that)\s+(?:has|have)\s+"
    r"(?:pledged|committed|announced|set)\b",
    re.I,
)
# Net zero for a subset (buildings, fleet, supply chain) is not a company-wide commitment:
# the subset goes in ``metric`` so the overview never leads with it.
_SUBSET = (
    ("supply_chain", re.compile(r"\b(?:supply chain|suppliers?)\b", re.I)),
    ("buildings", re.compile(r"\b(?:buildings?|building assets|real estate|propert(?:y|ies)|"
                             r"offices?|sites? we (?:own|lease))\b", re.I)),
    ("fleet", re.compile(r"\b(?:fleet|vehicles?|cars?)\b", re.I)),
    ("shipping", re.compile(r"\b(?:shipping|vessels?|ships?)\b", re.I)),
    ("products", re.compile(r"\b(?:products? (?:we sell|sold)|energy products)\b", re.I)),
)
_FOOTNOTE = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
# "FY 19: –60%" is a reported value in a progress graphic, not the target
_PROGRESS = re.compile(r"\b(?:FY|fiscal)\s*'?\d{2,4}\s*:\s*[–−-]?\s*$|(?:^|\s)[–−]$", re.I)

_SCOPE = re.compile(
    r"scopes?\s*(1|2|3)(?:\s*(?:,|and|&|\+)\s*(?:scope\s*)?(1|2|3))?(?:\s*(?:,|and|&|\+)\s*(3))?",
    re.I,
)


def _scope(text: str) -> str | None:
    m = _SCOPE.search(text)
    if not m:
        if re.search(r"\boperational (?:ghg )?emissions", text, re.I):
            return "1+2"
        return None
    return "+".join(sorted({g for g in m.groups() if g}))


def _base_year(text: str, target_year: int, start: int = 0, end: int | None = None) -> int | None:
    """The baseline year stated within ``text[start:end]`` (the target's own clause), if any.

    A base year further away belongs to another statement: in "…by 55% by 2025 … Compared to
    fiscal 2023, we reduced…" 2023 is the comparison for an achieved result, not the baseline.
    """
    for m in _BASE.finditer(text, max(0, start), len(text) if end is None else end):
        year = int(m.group(1) or m.group(2))
        if year < target_year:
            return year
    return None


def _subset(clause: str) -> str | None:
    """The part of the business a net-zero clause covers when it is not the whole company."""
    whole_company = _SCOPE.search(clause) or re.search(r"\boperations\b|\boperational\b",
                                                         clause, re.I)
    if whole_company and not re.search(r"\b(?:suppliers?|supply chain)\b", clause, re.I):
        return None
    for name, pattern in _SUBSET:
        if pattern.search(clause):
            return name
    return None


def _net_zero_year(clause: str) -> int | None:
    """The year tied to net zero: the first "by YYYY" after the mention, else the last before."""
    nz = _NET_ZERO.search(clause) or _NEUTRAL.search(clause)
    if nz is None:
        return None
    years = list(_BY_YEAR.finditer(clause))
    after = [m for m in years if m.start() >= nz.start()]
    chosen = after[0] if after else (years[-1] if years else None)
    return int(chosen.group(1)) if chosen else None


def _target_pct(clause: str) -> re.Match[str] | None:
    """The first percentage in ``clause`` that is not a reported value ("FY 19: –60%")."""
    for m in _PCT.finditer(clause):
        if not _PROGRESS.search(clause[max(0, m.start() - 16) : m.start()]):
            return m
    return None


def is_third_party(sentence: str) -> bool:
    """True when the goal is another organisation's (IMO, a coalition, a government)."""
    if _SUPPORTS_OTHER.search(sentence):
        return True
    return bool(_OTHER.search(sentence)) and not _OWN.search(sentence)


def _clauses(sentence: str) -> list[str]:
    return [c for c in re.split(r";|\band\s+(?=\d{1,3}\s*%)|,\s+and\b", sentence) if c.strip()]


def iter_sentence_targets(sentence: str, page: int, context: str = "") -> Iterator[Target]:
    """Targets stated in one sentence; ``context`` (the line before) supplies scope/emissions."""
    quote = sentence.strip()[:400]
    sentence = _FOOTNOTE.sub(" ", sentence)
    if not _CUE.search(sentence) or not _BY_YEAR.search(sentence) or is_third_party(sentence):
        return
    whole = f"{context} {sentence}"
    scope = _scope(sentence) or _scope(context)
    emissions = bool(_EMISSIONS.search(whole))
    for clause in _clauses(sentence):
        at = sentence.find(clause)
        year_m = _BY_YEAR.search(clause)
        if not year_m:
            continue
        year = int(year_m.group(1))
        pct = _target_pct(clause)
        stated = re.search(r"(?:net[- ]zero|neutral\w*)\s+(?:by|before|until)\s+"
                           r"(?:FY\s*|fiscal\s+(?:year\s+)?)?20\d\d", clause, re.I)
        if (_NET_ZERO.search(clause) or _NEUTRAL.search(clause)) and (not pct or stated):
            kind = "net_zero" if _NET_ZERO.search(clause) else "carbon_neutral"
            subset = _subset(clause)
            yield Target(kind, page, quote, target_year=_net_zero_year(clause) or year,
                         scope="3" if subset == "supply_chain" else scope, metric=subset,
                         confidence=0.8 if subset is None else 0.6)
            if not pct:
                continue
        if pct is not None:  # "N% by YYYY": the year right after the percentage is its year
            after = _BY_YEAR.search(clause, pct.end())
            if after and after.start() - pct.end() <= 25:
                year_m, year = after, int(after.group(1))
        near = [year_m.start(), year_m.end()] + ([pct.start(), pct.end()] if pct else [])
        offset = sentence.find(clause) if clause in sentence else 0
        base = _base_year(sentence, year, offset + min(near) - 60, offset + max(near) + 60)
        if not pct or pct.start() > year_m.start() + 40 and pct.start() > year_m.end() + 25:
            continue
        value = float(pct.group(1))
        if not 0 < value <= 100:
            continue
        if _RENEWABLE.search(clause) and not _REDUCE.search(clause):
            kind = "renewable_share"
        elif _REDUCE.search(whole) and emissions and _EMISSIONS.search(
            f"{context} {sentence[max(0, at + pct.start() - 200) : at + pct.end() + 80]}"
        ):
            intensity = re.search(r"\bintensity\b|\bper\b(?!\s?cent)", clause, re.I)
            kind = "intensity_reduction" if intensity else "absolute_reduction"
        else:
            continue
        yield Target(
            kind,
            page,
            quote,
            target_year=year,
            base_year=base,
            reduction_pct=value if "reduction" in kind else None,
            scope=scope,
            metric="renewable_energy_share" if kind == "renewable_share" else None,
            confidence=0.75 if base else 0.65,
            target_pct=value if kind == "renewable_share" else None,
        )


def dedupe_targets(targets: list[Target]) -> list[Target]:
    """One target per (type, year, %, scope): the most complete, then the earliest page."""
    best: dict[tuple[str, int | None, float | None, str | None], Target] = {}
    for t in targets:
        key = (t.type, t.target_year, t.reduction_pct, t.metric)
        old = best.get(key)
        if old is None or _citation_score(t) > _citation_score(old):
            best[key] = t
    return sorted(best.values(), key=lambda t: (t.type, t.target_year or 0, t.page))


def _citation_score(t: Target) -> tuple[bool, bool, bool, float, int]:
    """How well a target is cited: base year, scope, an explicit "target" word, earlier page."""
    named = bool(re.search(r"\btargets?\b", t.quote, re.I))
    return (t.base_year is not None, t.scope is not None, named, t.confidence, -t.page)


def extract_targets(doc: Document) -> tuple[Target, ...]:
    """Distinct targets in ``doc`` (1-based pages); only target years after the report's year."""
    year = report_year(doc)
    found: list[Target] = []
    for page in doc.pages:
        text = page.body_text or page.text
        if not _BY_YEAR.search(text):
            continue
        lines = [ln for ln in text.splitlines() if ln.strip()]
        for n, line in enumerate(lines):
            if len(line) < 200 and re.match(r"\s*targets?\s*:", line, re.I):
                found.extend(iter_sentence_targets(line, page.number, lines[n - 1] if n else ""))
        prose = " ".join(b.text for b in page.blocks if not b.furniture and b.kind != "heading")
        for sentence in split_sentences(prose):
            if len(sentence) < 600:
                found.extend(iter_sentence_targets(sentence, page.number))
    if year is not None:
        found = [t for t in found if t.target_year is None or t.target_year > int(year)]
    return tuple(dedupe_targets(found))
