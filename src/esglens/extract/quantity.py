"""Quantities in report text: numbers, scale words and units, normalised to catalog units.

``parse_number("9,5") == 9.5`` (a decimal comma) but ``parse_number("9,218") == 9218.0`` (a
thousands comma); ``normalize_unit("1,000 tonnes CO₂e") == UnitMatch("tCO2e", 1000.0)``;
``parse_quantity("23.3 Mt CO2e") == Quantity(23_300_000.0, "tCO2e")``. Unit spellings, scale words
and currencies live in ``data/units.yaml``; this module only holds the grammar. Footnote markers
(Unicode superscript digits, "9,218³") end a number and are never part of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from ..data import load_data

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_PLAIN = str.maketrans("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹−–—（）：，％", "01234567890123456789---():,%")
_STRIP_SUPER = str.maketrans("", "", SUPERSCRIPTS)

# A number: English thousands (1,234,567.8), European thousands (1.234.567,8), thin/no-break
# space or apostrophe thousands (1 234 567), or a plain number with one decimal point or comma.
# Regular spaces never join digits: in table rows they separate cells ("347 387").
NUMBER = (
    r"(?<![\w.,/])(?P<sign>[-−–+])?"
    r"(?P<num>\d{1,3}(?:(?:,\d{3})+(?:\.\d+)?|(?:\.\d{3}){2,}(?:,\d+)?|(?:\.\d{3})+,\d+"
    r"|(?:[\u00a0\u2009\u202f']\d{3})+(?:[.,]\d+)?)|\d+(?:[.,]\d+)?)(?![\d])"
)
_NUMBER_RE = re.compile(NUMBER)
_FULL_NUMBER = re.compile(r"\s*[<>~≈]?\s*" + NUMBER + r"\s*$")

_CO2E = re.compile(
    r"co2?\s*[-‐]?\s*(?:e\b|eq\b|equivalents?\b|equiv\.?)|co2e\b|"
    r"carbon\s+dioxide\s+equivalents?|co2\s*\(?equivalents?\)?",
    re.I,
)
_GLUED_MASS = re.compile(r"^(k?t|mt|gt|kg)(co2e?|co2|ghg)$", re.I)
_GLUED_CASE = re.compile(r"^(Mt|MT|Gt|MMt)(?=CO|co|\s|$)")
# OCR readings of a superscript/subscript digit: "CO,-e" (CO₂-e), "m?" / "m°" (m³).
_OCR_UNIT = re.compile(r"\bCO[,.]\s*-\s*e\b|\bm[?°º](?=[\s/)]|$)", re.I)
_CJK_MASS = re.compile(r"^((?:万|萬|千)?(?:吨|噸|公吨|公噸)|公斤|千克)(.*)$")
_FILLER = {"of", "metric", "emissions", "emission", "in", "the", "equivalent", "equivalents", "e"}


@dataclass(frozen=True)
class UnitMatch:
    """A recognised unit: the canonical unit and the factor from the printed unit to it."""

    unit: str
    factor: float


@dataclass(frozen=True)
class Quantity:
    """A value in a canonical unit; ``high`` is the upper end of a range ("2-3%")."""

    value: float
    unit: str
    high: float | None = None
    raw: str = field(default="", compare=False)


@cache
def unit_table() -> dict[str, Any]:
    """The parsed ``data/units.yaml`` (cached: loaded once per process)."""
    data: dict[str, Any] = dict(load_data("units.yaml"))
    spellings: dict[str, tuple[str, float]] = {}
    for unit, table in data["units"].items():
        for spelling, factor in table.items():
            # Keys are looked up after clean_unit, so they are stored the same way
            # ("per 100,000 hours" -> "per 100 000 hours").
            spellings[unit_key(clean_unit(str(spelling)))] = (unit, float(factor))
            spellings[str(spelling)] = (unit, float(factor))
    spellings.setdefault(unit_key("count"), ("count", 1.0))
    data["spellings"] = spellings
    data["scales"] = {str(k): float(v) for k, v in data["scales"].items()}
    data["mass"] = {str(k): float(v) for k, v in data["mass"].items()}
    data["mass_case"] = {str(k): float(v) for k, v in data["mass_case"].items()}
    return data


def unit_key(text: str) -> str:
    """Lower-case, whitespace-collapsed form used to look spellings up."""
    return re.sub(r"\s+", " ", text.strip().lower())


def plain(text: str) -> str:
    """Subscript/superscript digits made plain and dashes made ASCII ("CO₂" -> "CO2")."""
    return text.translate(_PLAIN)


def strip_footnotes(text: str) -> str:
    """Remove superscript footnote digits ("Scope 1⁹" -> "Scope 1")."""
    return text.translate(_STRIP_SUPER)


def parse_number(text: str, locale: str = "en") -> float | None:
    """The float a printed number means, or None; decides comma/point by the grouping rule.

    A comma followed by exactly three digits groups thousands; any other single comma is a
    decimal comma ("9,5" -> 9.5). ``locale="eu"`` (a report writing "1.234,5", see
    ``number_locale``) reads the ambiguous "219.900" as 219900 and "1,435" as 1.435. Footnote
    superscripts and a leading "<"/"~" are ignored.
    """
    m = _FULL_NUMBER.match(strip_footnotes(text).replace("(", "").replace(")", ""))
    if not m:
        return None
    return _number_value(m.group("num"), m.group("sign"), locale)


_EU_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_EN_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")


def _number_value(num: str, sign: str | None, locale: str = "en") -> float:
    s = num.replace("\u00a0", "").replace("\u2009", "").replace("\u202f", "").replace("'", "")
    if "," in s and "." in s:
        european = s.rfind(",") > s.rfind(".")  # 1.234,5
        s = s.replace(".", "").replace(",", ".") if european else s.replace(",", "")
    elif locale == "eu" and _EU_THOUSANDS.fullmatch(s):
        s = s.replace(".", "")
    elif locale == "eu" and "," in s and s.count(",") == 1:
        s = s.replace(",", ".")
    elif "," in s:
        groups = s.split(",")
        thousands = len(groups) > 2 or len(groups[1]) == 3
        s = s.replace(",", "") if thousands else s.replace(",", ".")
    elif s.count(".") > 1:
        s = s.replace(".", "")
    value = float(s)
    return -value if sign and sign in "-−–" else value


# Evidence of a number style: "1.234,5", "1092,6", "99,5 %" (decimal comma) against "1,234.5",
# "1092.6", "99.5%" (decimal point).
_EU_EVIDENCE = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:\.\d{3})+,\d+|\d+,\d{1,2}|\d+,\d{4,})(?![\d.,])")
_EN_EVIDENCE = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+\.\d+|\d+\.\d{1,2}|\d+\.\d{4,})(?![\d.,])")


def number_locale(texts: list[str], default: str = "en") -> str:
    """ "eu" when the texts write decimal commas ("1.234,5", "99,5 %") more than decimal points,
    "en" when they write decimal points more, else ``default`` (a table's own cells decide
    before the report's)."""
    eu = sum(len(_EU_EVIDENCE.findall(t)) for t in texts)
    en = sum(len(_EN_EVIDENCE.findall(t)) for t in texts)
    if eu == en:
        return default
    return "eu" if eu > en else "en"


def _split_scale(s: str, scales: dict[str, float]) -> tuple[float, str]:
    factor = 1.0
    changed = True
    while changed:
        changed = False
        for word in sorted(scales, key=len, reverse=True):
            if s.lower().startswith(word) and (len(s) == len(word) or not s[len(word)].isalnum()):
                if word == "mm" and s[:2] != "mm":  # "MM" is million only in lower/upper pairs
                    continue
                factor *= scales[word]
                s = s[len(word) :].strip()
                changed = True
                break
    return factor, s


def clean_unit(text: str) -> str:
    """A printed unit folded for lookup: plain digits, CO2e spellings unified, fillers dropped."""
    s = text.replace("m³", "m3").replace("m²", "m2")
    s = plain(strip_footnotes(s))
    s = _OCR_UNIT.sub(lambda m: "CO2-e" if m.group(0)[0] in "Cc" else "m3", s)
    s = _CO2E.sub(" co2e ", s)
    s = re.sub(r"[()\[\],:;]", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s


@lru_cache(maxsize=8192)
def scaled(value: float, factor: float) -> float:
    """``value * factor`` without binary noise: 32.3 x 1e6 is 32,300,000, not 32,299,999.999..."""
    return value if factor == 1 else float(f"{value * factor:.15g}")


@lru_cache(maxsize=16384)
def normalize_unit(text: str) -> UnitMatch | None:
    """The canonical unit and factor for a printed unit ("Mt CO2-e" -> tCO2e x 1e6), or None.

    Intensity units ("tonnes CO2e per tonne", "t/m³") come back as ``rate``. Unknown spellings
    return None rather than a guess.
    """
    table = unit_table()
    s = clean_unit(text)
    if s.lower().startswith("in "):
        s = s[3:]
    if not s:
        return None
    factor, s = _split_scale(s, table["scales"])
    s = re.sub(r"^of\s+", "", s)  # "billions of Btus", "millions of gallons"
    if not s:
        return None
    per = re.split(r"\s*(?:/|\bper\b)\s*", s, maxsplit=1)
    if len(per) == 2 and per[1] and per[0] and normalize_unit(per[0]) is not None:
        return UnitMatch("rate", 1.0)
    mass = _mass_gas(s, table)
    if mass is not None:
        unit, f = mass
        return UnitMatch(unit, factor * f)
    key = unit_key(s)
    if key in table["spellings"]:
        unit, f = table["spellings"][key]
        return UnitMatch(unit, factor * f)
    if key.startswith("per ") or " per " in key:
        return UnitMatch("rate", 1.0) if key in table["spellings"] else None
    currency = _currency(key, table)
    if currency:
        return UnitMatch(currency, factor)
    return None


def _currency(key: str, table: dict[str, Any]) -> str | None:
    code: str | None = table["currency"].get(key)
    return code


def _mass_gas(s: str, table: dict[str, Any]) -> tuple[str, float] | None:
    """("tCO2e" or "t", factor) when ``s`` is a mass unit optionally followed by a gas."""
    s = s.strip()
    glued = _GLUED_CASE.match(s)
    factor: float | None = None
    cjk = _CJK_MASS.match(s)
    if cjk:  # "吨二氧化碳当量", "万吨": no spaces between mass and gas in Chinese
        factor = table["mass"].get(cjk.group(1))
        rest = cjk.group(2).strip()
        if factor is None:
            return None
    elif glued:
        factor = table["mass_case"][glued.group(1)]
        rest = s[glued.end() :].strip()
    else:
        words = s.split()
        if not words:
            return None
        first = _GLUED_MASS.match(words[0])
        if first:
            words = [first.group(1), first.group(2)] + words[1:]
        while len(words) > 1 and words[0].lower() in ("metric", "of"):
            words = words[1:]
        lower = [w.lower() for w in words]
        for n in (2, 1):
            head = " ".join(lower[:n])
            if len(lower) >= n and head in table["mass"]:
                factor = table["mass"][head]
                rest = " ".join(words[n:])
                break
        if factor is None:
            return None
    tail = [w for w in re.split(r"[\s\-]+", rest.lower()) if w and w not in _FILLER]
    if not tail:
        return "t", factor
    gas = " ".join(tail)
    if gas in table["gas"] or tail[0] in table["gas"] and all(w in _FILLER for w in tail[1:]):
        return "tCO2e", factor
    if tail[0] in ("co2e", "co2", "ghg"):
        return "tCO2e", factor
    return None


def _trails(word: str) -> bool:
    """A word that may follow a unit phrase without belonging to it ("in", "the", "reporting"):
    lower-case letters, not a gas or an "equivalent" (which change or complete the unit)."""
    bare = word.strip(".,;:)").lower()
    return (bare.isalpha() and bare == word.strip(".,;:)") and bare not in unit_table()["gas"]
            and bare not in ("equivalent", "equivalents", "e", "metric"))


def format_quantity(q: Quantity) -> str:
    """Printable form that ``parse_quantity`` reads back to an equal Quantity."""

    def num(v: float) -> str:
        text = repr(float(v))
        if "e" in text or "inf" in text or "nan" in text:
            raise ValueError(f"cannot format {v!r} without an exponent")
        whole, _, frac = text.partition(".")
        sign = "-" if whole.startswith("-") else ""
        digits = f"{int(whole.lstrip('-')):,}"
        return f"{sign}{digits}.{frac}" if frac and frac != "0" else f"{sign}{digits}"

    value = num(q.value) if q.high is None else f"{num(q.value)} to {num(q.high)}"
    return f"{value}%" if q.unit == "%" else f"{value} {q.unit}"


_RANGE = re.compile(
    r"\s*(?:-|–|—|to)\s*" + NUMBER.replace("sign", "sign2").replace("num>", "num2>")
)
_CURRENCY_PREFIX = re.compile(r"^(?:US\$|A\$|C\$|HK\$|[€$£¥])")


def parse_quantity(text: str) -> Quantity | None:
    """A whole string read as one quantity ("1,000 tonnes CO₂e", "−19%", "€5m"), or None."""
    s = text.strip()
    currency = None
    cm = _CURRENCY_PREFIX.match(s)
    if cm:
        currency = unit_table()["currency"].get(cm.group(0).lower())
        s = s[cm.end() :].strip()
    m = re.match(r"[<>~≈]?\s*" + NUMBER, s)
    if not m:
        return None
    value = _number_value(m.group("num"), m.group("sign"))
    high = None
    rest = s[m.end() :]
    r = _RANGE.match(rest)
    if r:
        high = _number_value(r.group("num2"), None)
        rest = rest[r.end() :]
    rest = strip_footnotes(rest).strip()
    if currency:
        factor, rest = _split_scale(rest, {**unit_table()["scales"], "m": 1e6, "b": 1e9})
        if rest:
            return None
        return Quantity(scaled(value, factor), currency, None if high is None else scaled(high, factor), text)
    if not rest:
        return None
    unit = normalize_unit(rest)
    if unit is None:
        return None
    f = unit.factor
    return Quantity(scaled(value, f), unit.unit, None if high is None else scaled(high, f), text)


@dataclass(frozen=True)
class Found:
    """A quantity located in running text: character span and the Quantity."""

    start: int
    end: int
    quantity: Quantity


def iter_quantities(text: str, max_unit_words: int = 7) -> Iterator[Found]:
    """Quantities in prose: a number followed by a recognised unit of up to ``max_unit_words``.

    The longest unit phrase that normalises wins ("70 million tonnes of CO2 equivalent").
    Numbers with no recognisable unit are skipped.
    """
    for m in _NUMBER_RE.finditer(text):
        value = _number_value(m.group("num"), m.group("sign"))
        pre = text[max(0, m.start() - 4) : m.start()]
        cm = re.search(r"(?:US\$|A\$|C\$|HK\$|[€$£¥])\s*$", pre)
        tail = text[m.end() : m.end() + 90]
        tail = re.sub(f"^[{SUPERSCRIPTS}]+", "", tail)
        if cm:
            code = unit_table()["currency"].get(cm.group(0).strip().lower())
            sm = re.match(r"\s*(million|billion|thousand|bn|m|b|k)\b", tail, re.I)
            factor = 1.0
            end = m.end()
            if sm:
                factor = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9}.get(
                    sm.group(1).lower(), 1e3
                )
                end += sm.end()
            if code:
                yield Found(
                    m.start() - len(cm.group(0)),
                    end,
                    Quantity(scaled(value, factor), code, None, text[m.start() : end]),
                )
            continue
        if tail.startswith("%") or re.match(r"\s*(?:per ?cent|percent)\b", tail):
            pm = re.match(r"\s*(?:%|per ?cent|percent)", tail)
            end = m.end() + (pm.end() if pm else 1)
            yield Found(m.start(), end, Quantity(value, "%", None, text[m.start() : end]))
            continue
        words: list[re.Match[str]] = []
        for w in re.finditer(r"\S+", tail):
            if re.fullmatch(r"[\d.,()%]+", w.group(0)) and (words or w.start() > 1):
                break
            if re.fullmatch(r"\(?(?:FY|CY)?'?\d{2,4}\W*", w.group(0), re.I) and words:
                break  # "16.2 Mt CO2-e in FY2021": a year ends the unit
            words.append(w)
            if w.group(0)[-1] in ",;":
                break  # "..., about 2 per cent": a comma ends the unit phrase
        best: tuple[int, UnitMatch] | None = None
        for n in range(min(max_unit_words, len(words)), 0, -1):
            if words[n - 1].group(0).lower().strip(".,;:") in {"of", "in", "the", "metric"}:
                continue
            phrase = tail[: words[n - 1].end()]
            unit = normalize_unit(phrase.rstrip(".,;:)"))
            if unit is not None and unit.unit not in ("count",):
                while n > 1 and _trails(words[n - 1].group(0)) and normalize_unit(
                        tail[: words[n - 2].end()].rstrip(".,;:)")) == unit:
                    n -= 1  # "tons of CO2 equivalents in the reporting [period]": words after it
                word = words[n - 1].group(0)
                best = (words[n - 1].end() - len(word) + len(word.rstrip(",;")), unit)
                break
        if best is None:
            continue
        end = m.end() + best[0]
        yield Found(
            m.start(),
            end,
            Quantity(scaled(value, best[1].factor), best[1].unit, None, text[m.start() : end]),
        )
