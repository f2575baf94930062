"""Counts stated in sentences: the headcount (GRI 2-7) and work-related deaths (GRI 403-9).

A count has no unit to tell its KPI, so each reader follows the few ways reports phrase it:
"we employed about 137,000 people", "a workforce of 4,250", "the Group employed a total of 1,435
permanent employees", "X and its subsidiaries ... employ approximately 130,000 people", "~2.1
million associates" (a key-figure tile); "There were no fatal work-related accidents", "zwei
tödliche Unfälle", "未发生死亡事故". Parts of the workforce (contractors, new hires, people trained)
are not the headcount, and deaths of contractors, customers or the public are not the company's
workers' (both standards report those apart). Words: ``data/prose.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from .periods import YEAR
from .quantity import Found, Quantity, parse_number
from .roles import _alternation, pattern, words

_ABOUT = (
    r"(?:(?:approximately|approx\.|about|around|over|more than|nearly|almost|some|roughly|close to|"
    r"a total of|total of|in total|insgesamt|rund|etwa|ca\.|über|mehr als|knapp)\s+|[~≈]\s*)?"
)
_COUNT = (
    r"(?P<n>\d+(?:[.,]\d+)?\s+(?:million|thousand|Millionen|Tausend)|\d{1,3}(?:,\d{3})+|"
    r"\d{1,3}(?:\.\d{3})+|\d{1,6})(?![\d.,]\d)"
)
_SCALE = {"million": 1e6, "millionen": 1e6, "thousand": 1e3, "tausend": 1e3}
# Sentences about a part of the workforce or about an activity, not the total headcount.
_NOT_HEADCOUNT = re.compile(
    r"contractor|new hires?|\bhired\b|recruit|trained|training|volunteer|intern|apprentic|graduates?\b"
    r"|survey|participat|complet|attended|promot|%|percent|\bof whom\b|injur|redundan|laid off|"
    r"retire|joined|onboard|union|\bper\b|department|division|\bsubsidiary\b|(?<!and its )(?<!and our )"
    r"subsidiaries|board|committee|director|founded|history|Auszubildende|Leiharbeit",
    re.I,
)


# Cheap test before the full patterns: a headcount sentence names its staff.
_STAFF_HINT = re.compile(
    r"employ|people|staff|colleague|team member|associates|persons|workforce|headcount|Mitarbeit|"
    r"Beschäftigt|员工|員工|职工|職工",
    re.I,
)


@cache
def _headcount_patterns() -> tuple[re.Pattern[str], ...]:
    staff = r"(?:" + _alternation(words()["staff"]) + r")"
    verb = r"(?:had|has|have|employ(?:s|ed)?|counted|numbered)"
    subject = (
        r"\b(?:we|group|company|organi[sz]ation|it|subsidiaries|affiliates|franchisees|"
        r"[A-Z][\w&’'.-]+)(?:\s+(?:currently|now|today|still|globally|worldwide))?"
    )
    return tuple(
        re.compile(p, re.I if n else 0)
        for n, p in enumerate(
            (
                subject + r"\s+" + verb + r"\s+" + _ABOUT + _COUNT + r"\s+" + staff,
                r"\b(?:all|our|total|the)\s+(?:employees|staff|workforce|headcount|number of employees)\s+"
                r"(?:comprise[ds]?(?: of)?|consist(?:s|ed)? of|total(?:l?ed|s)?|numbered|was|were|is|"
                r"stood at|amounted to)\s+" + _ABOUT + _COUNT,
                r"\b(?:workforce|headcount) of\s+" + _ABOUT + _COUNT,
                r"\bbeschäftigte?n?\s+(?:\w+\s+){0,4}?" + _ABOUT + _COUNT + r"\s+" + staff,
                r"\b(?:Anzahl|Zahl) der (?:Mitarbeitenden|Mitarbeiter\w*|Beschäftigten)\s+(?:\w+\s+){0,4}?"
                r"(?:betrug|lag bei|belief sich auf)\s+" + _ABOUT + _COUNT,
                r"(?:在职|在職)?(?:员工|員工|职工|職工)(?:的)?(?:数量|數量)?(?:总数|總數|总人数|總人數|合计|合計)"
                r"(?:为|為|共|达|約|约|:|：)?\s*" + _COUNT + r"\s*(?:人|名)?",
            )
        )
    )


def _count_value(text: str) -> float | None:
    parts = text.split()
    if len(parts) == 2 and parts[1].lower() in _SCALE:
        value = parse_number(parts[0])
        return None if value is None else float(f"{value * _SCALE[parts[1].lower()]:.15g}")
    return parse_number(text, "eu" if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text) else "en")


def iter_headcounts(sentence: str) -> Iterator[Found]:
    """The company's total headcount stated in ``sentence``, as a count at its number."""
    if len(sentence) > 300 or not _STAFF_HINT.search(sentence) or _NOT_HEADCOUNT.search(sentence):
        return
    for p in _headcount_patterns():
        m = p.search(sentence)
        if m is None:
            continue
        value = _count_value(m.group("n"))
        if value is None or value < 5 or YEAR.fullmatch(m.group("n")):
            return
        yield Found(m.start("n"), m.end(), Quantity(value, "count", None, m.group("n")))
        return


_TILE = re.compile(
    r"\W*" + _ABOUT + _COUNT + r"\s+(?P<staff>employees|associates|people|staff|team members|Mitarbeitende|"
    r"Mitarbeiter|Beschäftigte)(?:\s+(?:worldwide|globally|in \d+ countries|weltweit))?\W*",
    re.I,
)


def headcount_tile(text: str) -> Found | None:
    """A key-figure tile that is only a headcount ("~2.1 million associates", "4,200 EMPLOYEES")."""
    m = _TILE.fullmatch(text.strip())
    if m is None:
        return None
    value = _count_value(m.group("n"))
    if value is None or value < 5 or YEAR.fullmatch(m.group("n")):
        return None
    return Found(m.start("n"), m.end("n"), Quantity(value, "count", None, m.group("n")))


@cache
def _fatal_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    nouns = r"(?:" + _alternation(words()["fatal_nouns"]) + r")"
    number_words = sorted(words()["number_words"], key=len, reverse=True)
    latin = [w for w in number_words if re.search(r"[A-Za-zÄÖÜäöüß]", str(w))]
    counted = re.compile(
        r"(?<![\w.,])(?P<n>" + "|".join(re.escape(str(w)) for w in latin) + r"|\d{1,3})(?![\w.,])"
        r"\s+(?:(?:single|more|further|weitere\w*)\s+)?" + nouns,
        re.I,
    )
    without = re.compile(r"\b(?:without (?:any )?|ohne |not a single )" + nouns, re.I)
    cjk = re.compile(
        r"(?P<zero>(?:未发生|未發生|无|無|零)\S{0,6}?(?:死亡事故|工亡|死亡))"
        r"|(?:死亡人数|死亡人數|因工死亡人数|工亡人数)\s*(?:为|為|:|：)?\s*(?P<n>\d{1,3})"
    )
    return counted, without, cjk


def iter_fatalities(sentence: str) -> Iterator[Found]:
    """Work-related deaths counted in ``sentence`` ("no fatal accidents" -> 0, "zwei tödliche
    Unfälle" -> 2), as a count spanning the number and its noun."""
    if len(sentence) > 400 or not pattern("fatal_nouns").search(sentence):
        return
    counted, without, cjk = _fatal_patterns()
    numbers = {str(k).lower(): float(v) for k, v in words()["number_words"].items()}
    for m in counted.finditer(sentence):
        n = m.group("n").lower()
        value = numbers.get(n, parse_number(n))
        if value is not None and _is_ours(sentence, m.start(), m.end()):
            yield Found(m.start(), m.end(), Quantity(value, "count", None, m.group(0)))
            return
    for m in without.finditer(sentence):
        if _is_ours(sentence, m.start(), m.end()):
            yield Found(m.start(), m.end(), Quantity(0.0, "count", None, m.group(0)))
            return
    for m in cjk.finditer(sentence):
        value = 0.0 if m.group("zero") else parse_number(m.group("n") or "")
        if value is not None and _is_ours(sentence, m.start(), m.end()):
            yield Found(m.start(), m.end(), Quantity(value, "count", None, m.group(0)))
            return


def more_deaths(rest: str) -> bool:
    """True when the sentence goes on to count another death ("… and one contractor fatality",
    "… und an einem Standort zum tödlichen Unfall eines Fahrers")."""
    return _another_death().search(rest) is not None


@cache
def _another_death() -> re.Pattern[str]:
    nouns = r"(?:" + _alternation(words()["fatal_nouns"]) + r")"
    another = r"(?:one|a|an|another|further|ein\w*|zum|zur|weitere\w*|\d{1,3})"
    return re.compile(r"\s(?:and|und|sowie|as well as|plus)\s(?:[^.;]{0,80}?\s)?" + another
                      + r"\s+(?:[\w-]+\s+){0,3}?" + nouns, re.I)


_EMPLOYEE = re.compile(r"\b(?:employees?|staff|own workforce|Mitarbeit\w*|Beschäftigt\w*)\b|员工|員工", re.I)


def _is_ours(sentence: str, start: int, end: int) -> bool:
    """True when a death count at ``sentence[start:end]`` is of the company's own workers."""
    if re.match(r"\s*(?:rate|frequency|Quote|率)", sentence[end:], re.I):
        return False  # a fatality rate, read as a rate elsewhere
    clause = re.split(r"[,;]|\s(?:and|und|sowie|while|whereas)\s", sentence[end:], maxsplit=1)[0]
    own = sentence[max(0, start - 40) : start] + sentence[start:end] + clause
    return not (pattern("fatal_not_ours").search(own) and not _EMPLOYEE.search(own))
