"""Quantities of a sentence as the document prints them: number style, typos, list units, CJK.

``sentence_quantities("... totaled 219.900 t CO2e", "eu")`` finds 219,900 tCO2e: the report's
number locale (``quantity.number_locale``) decides what a point means. In a comma-grouping report
"from 31,758 tonnes ... to 31.913 tonnes" holds a grouping typo; a list under a lead-in "In 2020
(in '000 Metric Tonnes):" gives its bare numbers that unit; Chinese text, which has no spaces,
is spaced around numbers so "为12,345吨二氧化碳当量" reads as a value and a unit; a number naming a
scope ("Scope 1 + 2 (in Tonnen)") is no value.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .periods import YEAR
from .quantity import NUMBER, Found, Quantity, iter_quantities, normalize_unit, number_locale
from .quantity import parse_number as _parse_number

_NUMBER_AT = re.compile(NUMBER)
_AMBIGUOUS = re.compile(r"\d[.,]\d{3}(?![\d.,])")
BULLET = re.compile(r"^\s*[•▪■●◦‣-]\s")  # a list item
_SCOPE_NUMBER = re.compile(
    r"(?:scopes?|categor(?:y|ies)|kategorie\w*)[\s\d+&,/–-]*(?:and|und|&)?[\s-]*$", re.I
)
# Spaces around numbers and before full-width punctuation in Chinese text
# ("为12,345吨二氧化碳当量。" -> "为 12,345 吨二氧化碳当量 。").
_CJK_DIGIT = re.compile(r"(?<=[\u3400-\u9fff])(?=[\d(（])|(?<=[\d%])(?=[\u3400-\u9fff])|(?=[，。；：、（）])")


def page_locale(text: str) -> str:
    """A page's own number style, for callers without the document's: "eu" or "en"."""
    return "eu" if _AMBIGUOUS.search(text) and number_locale([text]) == "eu" else "en"


def sentence_quantities(sentence: str, locale: str = "en", lead: str = "") -> tuple[str, list[Found]]:
    """(the sentence as read, its quantities) in ``locale``; ``lead`` is a list's lead-in."""
    spaced = _CJK_DIGIT.sub(" ", sentence) if re.search(r"[\u3400-\u9fff]", sentence) else sentence
    found = list(iter_quantities(spaced)) or lead_unit_values(spaced, lead)
    found = [_relocale(f, spaced, locale) for f in found]
    found = [f for f in _fix_grouping_typos(found, spaced, locale) if not _is_scope_number(spaced, f)]
    found = [f for f in found if not _is_unit_scale(spaced, f)]
    return spaced, [f for n, f in enumerate(found) if not _in_row(spaced, found, n)]


# A bare number after a rate's verb: "our LTIFR was 0.38", "TRIR ... to 0.48 in 2022" (injury
# rates are printed without a unit; GRI 403-9 gives the hours basis in a note).
_BARE_RATE = re.compile(
    r"(?<![\w.,])(?:was|were|of|at|to|stood at|amounted to|reached|is|:|=)\s+"
    r"(?:approximately |about |around )?(?P<n>\d{1,2}(?:[.,]\d{1,3})?)(?![\d.,]*\d)"
    r"(?!\s*(?:%|percent|per ?cent|x\b|times|[A-Za-z]{2,}\s*(?:of|per)\b))",
    re.I,
)


def bare_rates(text: str, found: list[Found]) -> list[Found]:
    """Unitless numbers a rate KPI can take ("LTIFR was 0.38"), outside the quantities found."""
    out = []
    for m in _BARE_RATE.finditer(text):
        if any(f.start <= m.start("n") < f.end for f in found) or YEAR.fullmatch(m.group("n")):
            continue
        value = _parse_number(m.group("n"))
        if value is not None:
            out.append(Found(m.start("n"), m.end("n"), Quantity(value, "rate", None, m.group("n"))))
    return out


def _is_unit_scale(text: str, f: Found) -> bool:
    """True for "(in 1,000 metric tons)": a scale written as a number heads a column, no value."""
    if not re.fullmatch(r"1[,. ]?000", f.quantity.raw.split()[0] if f.quantity.raw else ""):
        return False
    return bool(re.search(r"(?:\(|\bin|\bpart)\s*$", text[max(0, f.start - 8) : f.start], re.I))


def _in_row(text: str, found: list[Found], n: int) -> bool:
    """True when a value sits next to another with nothing but space between: a table row read
    as text ("82% 81% 0.5%"), whose columns prose cannot tell apart (the table reader can)."""
    f = found[n]
    if re.search(r"(?<![\w.,])\d[\d,.]*\s+\d[\d,.]*\s+$", text[max(0, f.start - 30) : f.start]):
        return True  # "... emissions 552 454 21.7%": the last column of a row of numbers
    before = found[n - 1] if n else None
    after = found[n + 1] if n + 1 < len(found) else None
    return bool(
        (before is not None and re.fullmatch(r"[\s|]*", text[before.end : f.start]))
        or (after is not None and re.fullmatch(r"[\s|]*", text[f.end : after.start]))
    )


def _is_scope_number(text: str, f: Found) -> bool:
    """True for "2" in "Scope 1 + 2 (in Tonnen)": the number names a scope or category."""
    return bool(_SCOPE_NUMBER.search(text[max(0, f.start - 24) : f.start])) and bool(
        re.match(r"[1-3]\b", f.quantity.raw)
    )


def _relocale(f: Found, text: str, locale: str) -> Found:
    """``f`` read in the document's number style ("219.900 t" is 219,900 t in a German report)."""
    if locale == "en":
        return f
    m = _NUMBER_AT.match(text, f.start)
    if m is None:
        return f
    plain, local = _parse_number(m.group(0)), _parse_number(m.group(0), locale)
    if plain in (None, 0) or local is None or local == plain:
        return f
    q = f.quantity
    return replace(f, quantity=replace(q, value=float(f"{q.value * local / plain:.15g}")))


def _fix_grouping_typos(found: list[Found], text: str, locale: str) -> list[Found]:
    """A "31.913 tonnes" beside "31,758 tonnes" in a comma-grouping report is 31,913 tonnes.

    In a report that groups thousands with commas (``number_locale`` "en"), a value printed with
    a point and exactly three decimals, next to a value of the same unit grouped with a comma, is
    read as grouped when that brings the two within a factor of two (a typo, not a 1,000-fold
    change between two years).
    """
    if locale != "en" or len(found) < 2:
        return found
    numbers = [_NUMBER_AT.match(text, f.start) for f in found]
    out = list(found)
    for n, (f, m) in enumerate(zip(found, numbers, strict=True)):
        if m is None or not re.fullmatch(r"[1-9]\d{0,2}\.\d{3}", m.group("num")):
            continue
        grouped = float(m.group("num").replace(".", ""))
        factor = grouped / float(m.group("num"))
        for g, other in zip(found, numbers, strict=True):
            if other is None or g is f or g.quantity.unit != f.quantity.unit or "," not in other.group("num"):
                continue
            ratio = f.quantity.value * factor / g.quantity.value if g.quantity.value else 0.0
            if 0.5 <= ratio <= 2.0:
                q = f.quantity
                out[n] = replace(f, quantity=replace(q, value=float(f"{q.value * factor:.15g}")))
                break
    return out


def lead_unit_values(sentence: str, lead: str) -> list[Found]:
    """Bare numbers of a list item read in the unit its lead-in names ("In 2020 (in '000 Metric
    Tonnes):" / "• Scope 1 CO2e emissions were 15,751")."""
    m = re.search(r"\((?:in\s+)?([^()]{1,40})\)\s*:?\s*$", lead)
    if not m or not BULLET.match(sentence):
        return []
    unit = normalize_unit(m.group(1).replace("‘", "'").replace("’", "'"))
    if unit is None or unit.unit in ("%", "count", "rate"):
        return []
    out = []
    for num in _NUMBER_AT.finditer(sentence):
        rest = sentence[num.end() :].strip(" .;")
        value = _parse_number(num.group(0))
        if value is None or YEAR.fullmatch(num.group(0)) or (rest and not rest.startswith("(")):
            continue
        q = Quantity(float(f"{value * unit.factor:.15g}"), unit.unit, None, num.group(0))
        out.append(Found(num.start(), num.end(), q))
    return out
