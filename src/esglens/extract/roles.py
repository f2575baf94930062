"""What a quantity in a sentence is, and which year it is for.

Prose states a value with company: "Scope 1 emissions were 39,428 t CO2eq (previous period:
37,738 t)", "increased slightly to 18.6 %, which is above the 17.2 % of the sector", "a decrease
of 32 % compared to 2022". ``role`` tells the reported value from a prior-period, comparison,
change, part or benchmark figure beside it; ``value_year`` finds the year a value is for: the
year tied to it ("... in 2023"), the one year the sentence is about, or none. A report states its
own reporting period's values (GRI 2-3), so ``names_report_year`` and ``is_present`` recognise a
sentence about the reporting year that prints no year ("in the year under review", "currently").
Words come from ``data/prose.yaml``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Literal

from ..data import load_data
from .periods import YEAR, year_of

Role = Literal["value", "prior", "comparison", "change", "part", "benchmark"]


@cache
def words() -> dict[str, Any]:
    """The parsed ``data/prose.yaml`` (cached)."""
    data: dict[str, Any] = load_data("prose.yaml")
    return data


def _alternation(items: list[str]) -> str:
    """One pattern for a word list: Latin entries as whole words, Chinese entries anywhere."""
    latin = [str(i) for i in items if re.search(r"[A-Za-zÄÖÜäöüß]", str(i))]
    other = [str(i) for i in items if str(i) not in latin]
    parts = []
    if latin:
        parts.append(r"(?<![\w])(?:" + "|".join(latin) + r")(?![\w])")
    if other:
        parts.append("(?:" + "|".join(other) + ")")
    return "|".join(parts)


@cache
def pattern(name: str) -> re.Pattern[str]:
    """The compiled, case-insensitive pattern for the word list ``name`` in prose.yaml."""
    return re.compile(_alternation(words()[name]), re.I)


@cache
def _suffix(name: str) -> re.Pattern[str]:
    """The word list ``name`` at the end of a text, with up to three filler words after it."""
    filler = r"(?:\s+(?:about|around|approximately|approx\.|some|nearly|almost|only|just|roughly|"
    filler += r"the|a|an|of|at|rund|etwa|ca\.|knapp|fast|figure of|level of|total of|[~≈]))*"
    return re.compile(r"(?:" + _alternation(words()[name]) + r")" + filler + r"\s*[~≈(]?\s*$", re.I)


_OPEN_BRACKET = re.compile(r"\(([^()]*)$")
_CLAUSE_END = re.compile(r"[,;:]|\s(?:and|while|whereas|which|und|sowie)\s")
_FROM = re.compile(r"(?<![\w])(?:from|von|由)\s*(?:\w+\s+){0,2}$", re.I)
_TO = re.compile(r"(?<![\w])(?:to|auf|至|到)(?![\w])", re.I)


@cache
def _grammar() -> dict[str, re.Pattern[str]]:
    """The role patterns, compiled once from the word lists."""
    approx = r"(?:(?:a further|another|about|around|approximately|some|nearly|almost|over|more than|rund|"
    approx += r"etwa|ca\.|weitere|knapp)\s+)?"
    return {
        "prior_after": re.compile(
            r"\s*(?:in|im|for|des|the)?\s*(?:the\s+)?(?:" + _alternation(words()["prior"]) + ")", re.I
        ),
        "change_before": re.compile(
            r"(?:" + _alternation(words()["change"]) + r")[^.;]{0,30}?(?<![\w])(?:by|of|um)\s*"
            + approx
            + "$",
            re.I,
        ),
        "change_cjk": re.compile(r"(?:" + "|".join(words()["change_cjk"]) + r")$"),
        "change_after": re.compile(r"[)]?\s*(?:" + _alternation(words()["change_after"]) + ")", re.I),
    }


def role(sentence: str, start: int, end: int, clause_start: int = 0, next_start: int | None = None) -> Role:
    """The role of the quantity at ``sentence[start:end]`` among its neighbours.

    ``clause_start`` is where the text that labels it begins (after the previous quantity);
    ``next_start`` where the next quantity starts. A bracket "(2022: ...)" or "(previous year:
    ...)" holds a prior figure; "up from", "than", "from X to Y" a comparison; "a decrease of",
    "1.4 percentage points" a change; "of which", "for the Springfield location" a part; "the
    sector average" a benchmark.
    """
    grammar = _grammar()
    before = sentence[clause_start:start]
    near = re.split(r"[;,]", before)[-1] if before else ""
    after = sentence[end : next_start if next_start is not None else len(sentence)]
    own = _CLAUSE_END.split(after, maxsplit=1)[0]
    bracket = _OPEN_BRACKET.search(sentence[max(0, start - 60) : start])
    if bracket and (pattern("prior").search(bracket.group(1)) or re.search(r"\d{2,4}\s*:", bracket.group(1))):
        return "prior"
    if pattern("prior").search(near) or grammar["prior_after"].match(after):
        return "prior"
    if _suffix("comparison").search(before) or (_FROM.search(before) and _TO.search(own or after[:40])):
        return "comparison"
    if grammar["change_before"].search(before) or grammar["change_cjk"].search(before):
        return "change"
    if grammar["change_after"].match(after):
        return "change"
    if _suffix("part_before").search(before):
        return "part"
    if pattern("part_words").search(near) or pattern("part_words").search(own):
        return "part"
    if pattern("benchmark").search(own) or pattern("benchmark").search(near):
        return "benchmark"
    if _THRESHOLD.search(near):
        return "benchmark"  # "donations of more than €5,000 are included": a reporting threshold
    return "value"


# a size limit that selects items ("donations of more than €5,000", "suppliers with spend above
# $1 million"): the bar the disclosure uses, not an amount disclosed
_THRESHOLD = re.compile(
    r"\b(?:donations?|contributions?|gifts?|payments?|transactions?|contracts?|projects?|suppliers?|"
    r"invoices?|spend(?:ing)?|amounts?|orders?)\s+(?:(?:of|with|worth|valued at|exceeding|above|"
    r"over)\s+)?(?:more than|greater than|above|over|exceeding|in excess of|at least|less than|below|"
    r"under|up to)\s*(?:US\$|€|\$|£|EUR|USD|CHF)?\s*$", re.I)


# A year tied to the value right after it: "... 23.3 Mt in 2023", "... at the end of FY2023",
# "... as of December 31, 2022", "... im Jahr 2022", "... 2022年".
_TIED = re.compile(
    r"[),]?\s*(?:(?:in|for|during|through|at the end of|by the end of|at year[- ]end|as (?:of|at)|"
    r"at|on|im|zum|Ende|per|于|於)\s+)?(?:the\s+)?(?:(?:fiscal|financial|calendar|reporting|business) "
    r"(?:year\s+)?|Jahr(?:es)?\s+|Geschäftsjahr\s+|(?:\w+\.?\s+\d{1,2},?\s+)|(?:\d{1,2}\.?\s+\w+\s+))?",
    re.I,
)
# Years that are references, not the value's year: "base year 2020", "compared to 2019",
# "since 2015", "by 2030", "2019 levels", "(2022: ...)".
_REF_BEFORE = re.compile(
    r"(?:base(?:line)?(?: year)?|since|from|compared (?:to|with)|than|versus|vs\.?|relative to|over|"
    r"against|Basisjahr|seit|gegenüber|im Vergleich zu|bis|by|until|before|after|between|ab)\s+"
    r"(?:(?:the|fiscal|financial|calendar|year|FY|Jahr|Geschäftsjahr)\s+){0,2}$",
    re.I,
)
# ... or the first year of a range ("December 2022 to November 2023" ends in 2023).
_REF_AFTER = re.compile(
    r"\s*(?:levels?|baseline|base year|figures?|values?|Niveau|Basisjahr)\b|\s*:"
    r"|\s*(?:to|through|until|bis|[–-])\s*(?:[A-Z][a-z]+\.?\s+)?(?:\d{1,2},?\s+)?(?:19|20)\d\d",
    re.I,
)


def reference_year(sentence: str, match: re.Match[str]) -> bool:
    """True when a year in ``sentence`` is a reference (a base year, a comparison, a target)."""
    before = sentence[max(0, match.start() - 40) : match.start()]
    if _REF_BEFORE.search(before) or _REF_AFTER.match(sentence, match.end()):
        return True
    bracket = _OPEN_BRACKET.search(before)
    return bool(bracket and not bracket.group(1).strip())  # "(2022: 32.7Mt)", "(2021)"


def _tied(sentence: str, end: int) -> re.Match[str] | None:
    lead = _TIED.match(sentence, end)
    if lead is None:
        return None
    m = YEAR.match(sentence, lead.end())
    if m is None or _REF_AFTER.match(sentence, m.end()):  # "5,000 t (2022: 4,000 t)": a prior bracket
        return None
    return m


def tied_year(sentence: str, end: int) -> str | None:
    """The year named right after a value ending at ``end`` ("23.3 Mt CO2e in 2023"), if any."""
    m = _tied(sentence, end)
    return year_of(m) if m else None


def tied_position(sentence: str, end: int) -> int | None:
    """Where the year tied to a value ending at ``end`` ends (it is that value's, no other's)."""
    m = _tied(sentence, end)
    return m.end() if m else None


def value_years(sentence: str) -> list[tuple[int, str]]:
    """(end position, year) of the years in ``sentence`` that can be a value's period."""
    return [(m.end(), year_of(m)) for m in YEAR.finditer(sentence) if not reference_year(sentence, m)]


def value_year(sentence: str, start: int, end: int, years: list[tuple[int, str]]) -> str | None:
    """The year the value at ``sentence[start:end]`` is for, from the sentence alone, or None.

    A tied year wins; else the sentence's one value year; else, with several, the nearest one
    before the value in its own clause ("In 2023, emissions were 1,749 t (2022: 2,584 t)").
    """
    tied = tied_year(sentence, end)
    if tied is not None:
        return tied
    distinct = {y for _, y in years}
    if len(distinct) == 1:
        return distinct.pop()
    if not distinct:
        return None
    clause = max((m.end() for m in re.finditer(r"[;]", sentence[:start])), default=0)
    before = [y for pos, y in years if clause <= pos < start]
    return before[-1] if before else None


def names_report_year(sentence: str) -> bool:
    """True when the sentence names the reporting period in words ("in the year under review")."""
    return pattern("report_year").search(sentence) is not None


def is_present(text: str) -> bool:
    """True when ``text`` (a clause before a value) states how things are now."""
    return bool(pattern("present").search(text) or pattern("present_verbs").search(text))


def is_hypothetical(sentence: str) -> bool:
    """True for a condition or possibility ("would have been", "could reach")."""
    return pattern("modal").search(sentence) is not None


def is_future(sentence: str) -> bool:
    """True for a plan or forecast ("will be 75 percent in 2023")."""
    return pattern("future").search(sentence) is not None
