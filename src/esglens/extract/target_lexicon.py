"""The target lexicon (``data/targets.yaml``) compiled once: anchors, year and base-year phrasings.

Target extraction reads English, German and Chinese with one set of rules; the words live in
the data file, the grammar (how a year, a base year and a percentage sit around an anchor) here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..data import load_data

YEAR = r"(?:19|20)\d\d"


def _alt(items: Any) -> str:
    """One alternation from a string or a list of regex fragments."""
    if isinstance(items, str):
        return items
    return "|".join(f"(?:{p})" for p in items)


def _rx(items: Any, flags: int = re.I) -> re.Pattern[str]:
    return re.compile(_alt(items), flags)


@dataclass(frozen=True)
class Lexicon:
    """Compiled patterns; see ``data/targets.yaml`` for what each one means."""

    net_zero: re.Pattern[str]
    carbon_neutral: re.Pattern[str]
    carbon_peak: re.Pattern[str]
    re100: re.Pattern[str]
    halve: re.Pattern[str]
    name_after: re.Pattern[str]
    name_before: re.Pattern[str]
    pledge_adjective_after: re.Pattern[str]
    negation_before: re.Pattern[str]
    finite_verb: re.Pattern[str]
    target_word: re.Pattern[str]
    hypothetical_before: re.Pattern[str]
    deadline: re.Pattern[str]
    deadline_weak: re.Pattern[str]
    zh_year: re.Pattern[str]
    base: tuple[re.Pattern[str], ...]
    pct: re.Pattern[str]
    reduction_before: re.Pattern[str]
    reduction_verb_object: re.Pattern[str]
    reduction_object_end: re.Pattern[str]
    reduction_after: re.Pattern[str]
    renewable_after: re.Pattern[str]
    renewable_before: re.Pattern[str]
    pct_not_target_after: re.Pattern[str]
    emissions: re.Pattern[str]
    pollutants: re.Pattern[str]
    intensity: re.Pattern[str]
    scope_digits: re.Pattern[str]
    past_cut: re.Pattern[str]
    future_cut: re.Pattern[str]
    achieved_before: re.Pattern[str]
    closes_after_year: re.Pattern[str]
    joins: re.Pattern[str]
    result_between: re.Pattern[str]
    carry_before: re.Pattern[str]
    list_label: re.Pattern[str]
    value_gap: re.Pattern[str]
    row_renewable: re.Pattern[str]
    candidate: re.Pattern[str]
    target_year_header: re.Pattern[str]
    base_year_header: re.Pattern[str]
    target_column_header: re.Pattern[str]
    scope_phrases: tuple[tuple[str, re.Pattern[str]], ...]
    subsets: tuple[tuple[str, re.Pattern[str]], ...]
    whole_company: re.Pattern[str]
    value_chain: re.Pattern[str]
    other_owner: re.Pattern[str]
    supports_other: re.Pattern[str]
    own: re.Pattern[str]
    progress_label: re.Pattern[str]
    list_heading_max_chars: int
    bullets: re.Pattern[str]
    abbreviations: re.Pattern[str]


def _deadline(d: dict[str, Any]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Strong target-year phrasings (group ``y`` a 4-digit year, ``yy`` a 2-digit fiscal year).

    "by 2030", "by the end of fiscal year 2030", "by the end of the 2030 fiscal year", "by FY25",
    "bis 2045", "(2030)", "2030 target", "target for 2030", "Ziele 2030". The weak form, "in 2023",
    only counts right after an anchor ("achieving RE100 in 2023").
    """
    before = _alt(d["deadline_before"])
    filler, fiscal, suffix, noun = (d["deadline_filler"], d["fiscal_prefix"], d["fiscal_suffix"],
                                    d["year_noun"])
    year = rf"(?:(?:{fiscal})\s*'?(?P<yy>\d{{2}})(?!\d)|(?:(?:{fiscal})\s*)?(?P<y>{YEAR}))"
    strong = (
        rf"\b(?:{before})\s+(?:{filler}){year}(?:\s+{suffix})?(?![\d/.,]\d)"
        rf"|\((?P<y2>{YEAR})\)"
        rf"|\b(?P<y3>{YEAR})(?:\s+(?:{suffix}))?\s+(?:{noun})\b"
        rf"|\b(?:{noun})\s+(?:year\s+)?(?:(?:for|für|of)\s+(?:the\s+)?(?:year\s+)?)?(?:{fiscal})?\s*(?P<y4>{YEAR})\b"
    )
    weak = (rf"\b(?:in|im\s+Jahr|im|ab)\s+(?:(?:the\s+)?(?:year\s+)?)(?:{fiscal})?\s*(?P<y>{YEAR})\b"
            r"(?![\d/.,]\d)")
    return re.compile(strong, re.I), re.compile(weak, re.I)


@cache
def lexicon() -> Lexicon:
    """The compiled lexicon from ``data/targets.yaml`` (cached)."""
    d = load_data("targets.yaml")
    strong, weak = _deadline(d)
    pct = re.compile(
        r"(?<![\d.,])(?P<v>\d{1,3}(?:[.,]\d{1,2})?)(?:\s*(?:-|–|to|bis)\s*\d{1,3}(?:[.,]\d+)?)?"
        r"\s*(?:%|％|\bper\s?cent\b|\bpercent\b|\bProzent\b)",
        re.I,
    )
    return Lexicon(
        net_zero=_rx(d["net_zero"]),
        carbon_neutral=_rx(d["carbon_neutral"]),
        carbon_peak=_rx(d["carbon_peak"]),
        re100=re.compile(d["re100"]),
        halve=_rx(d["halve"]),
        name_after=re.compile(d["net_zero_name_after"]),
        name_before=re.compile(d["net_zero_name_before"]),
        pledge_adjective_after=_rx(d["pledge_adjective_after"]),
        negation_before=_rx(d["negation_before"]),
        finite_verb=_rx(d["finite_verb"]),
        target_word=_rx(d["target_word"]),
        hypothetical_before=_rx(d["hypothetical_before"]),
        deadline=strong,
        deadline_weak=weak,
        zh_year=re.compile(d["zh_year"]),
        base=tuple(re.compile(p, re.I) for p in d["base"]),
        pct=pct,
        reduction_before=_rx(d["reduction_before"]),
        reduction_verb_object=_rx(d["reduction_verb_object"]),
        reduction_object_end=_rx(d["reduction_object_end"]),
        reduction_after=_rx(d["reduction_after"]),
        renewable_after=_rx(d["renewable_after"]),
        renewable_before=_rx(d["renewable_before"]),
        pct_not_target_after=_rx(d["pct_not_target_after"]),
        emissions=_rx(d["emissions"]),
        pollutants=re.compile(d["pollutants"]),
        intensity=_rx(d["intensity"]),
        scope_digits=_rx(d["scope_digits"]),
        past_cut=_rx(d["past_cut"]),
        future_cut=_rx(d["future_cut"]),
        achieved_before=_rx(d["achieved_before"]),
        closes_after_year=_rx(d["closes_after_year"], 0),
        joins=_rx(d["joins"]),
        result_between=_rx(d["result_between"]),
        carry_before=_rx(d["carry_before"]),
        list_label=_rx(d["list_label"]),
        value_gap=_rx(d["value_gap"]),
        row_renewable=_rx(d["row_renewable"]),
        candidate=_rx(d["candidate"], 0),
        target_year_header=_rx(d["target_year_header"]),
        base_year_header=_rx(d["base_year_header"]),
        target_column_header=_rx(d["target_column_header"]),
        scope_phrases=tuple((k, _rx(v)) for k, v in d["scope_phrases"].items()),
        subsets=tuple((k, _rx(v)) for k, v in d["subsets"].items()),
        whole_company=_rx(d["whole_company"]),
        value_chain=_rx(d["value_chain"]),
        other_owner=_rx(d["other_owner"], 0),
        supports_other=_rx(d["supports_other"]),
        own=_rx(d["own"], 0),
        progress_label=_rx(d["progress_label"]),
        list_heading_max_chars=int(d["list_heading_max_chars"]),
        bullets=re.compile(d["bullets"]),
        abbreviations=_rx(d["abbreviations"]),
    )
