"""Template sentences from extracted facts: key metrics, targets and claims to watch.

Values are written as the report printed them ("32.6 Mt CO2e", "52 thousand tCO2e"), so the
number in every template sentence can be found on the page it cites (``verify_sentence``).
Wording lives in ``data/templates.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Citation, Claim, Document, Metric, Sentence, Target
from .phrasing import (
    EU_NUMERAL,
    clean_sentence,
    english_numeral,
    possessive,
    third_person,
    verify_sentence,
    wording,
)
from .quality import company_names, has_finite_verb, is_dangling, is_prose, mentions_company, subject_kind

__all__ = ["claim_sentences", "headline_target", "label_and_verb", "metric_sentences",
           "english_number", "none_text", "printed_alike", "printed_value", "target_sentences"]

_SCALE_WORDS = {"x1000": "thousand", "x1e+03": "thousand", "x1e+06": "million",
                "x1e+09": "billion", "x1": ""}
_CURRENCY = {"EUR": "€", "USD": "US$", "GBP": "£", "CAD": "C$", "AUD": "A$", "CNY": "RMB ",
             "HKD": "HK$", "JPY": "¥", "CHF": "CHF "}
_SCALES = ("thousand", "million", "billion", "trillion", "mn", "bn", "m", "k")
# a conversion factor in ``raw_unit`` names the unit the report printed (9,012 TJ -> MWh)
_FACTOR_UNITS = {("x277.778", "MWh"): "TJ", ("x0.277778", "MWh"): "GJ", ("x277778", "MWh"): "PJ",
                 ("x0.001", "MWh"): "kWh", ("x1e+06", "MWh"): "TWh"}


def fill(template: str, **values: object) -> str:
    """``template`` filled in, whitespace collapsed and the first letter capitalised."""
    text = template.format(**values)
    text = re.sub(r"\s+", " ", text).strip()
    return text[0].upper() + text[1:]


def _rate_unit(m: Metric) -> str:
    """The unit of an intensity printed in its row label ("(tCO2e/t Cu-eq)"), else none."""
    for inner in re.findall(r"\(([^()]*)\)", m.label):
        if "/" in inner or " per " in f" {inner} ":
            return inner.strip()
    return ""


_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve")


def printed_value(m: Metric) -> str:
    """The value with its unit, as readable text whose number is printed in the report.

    A raw value that carries its own unit ("32.6Mt CO2e") keeps it, spaced ("32.6 Mt CO2e"); a
    scale code ("x1e+06 tCO2e") becomes a word ("23.3 million tCO2e"); currencies get a symbol.
    """
    count_units = wording()[0]["metric"]["count_units"]
    unit = re.sub(r"^1[,.]?000[,.]?000 ", "x1e+06 ", (m.raw_unit or m.unit).strip())
    unit = re.sub(r"^1[,.]?000 ", "x1000 ", unit)  # a "1,000 gigajoule" column: thousand GJ
    scale, _, rest = unit.partition(" ")
    if (scale, rest) in _FACTOR_UNITS:
        scale, unit = "x1", _FACTOR_UNITS[(scale, rest)]
        rest = unit
    if scale in _SCALE_WORDS:
        scale_word, unit = _SCALE_WORDS[scale], rest
    else:
        scale_word = ""
    if unit.split()[-1:] in (["rate"], ["ratio"]) or unit in ("rate", "ratio"):
        unit = _rate_unit(m)
    if unit.lower() in count_units or unit == "currency":
        unit = ""
    unit = re.sub(r"^Per\b", "per", unit)  # "0.13 per 100,000 hours", as running text
    # a unit column's header after a number: "3,873 billions of btus" -> "3,873 billion Btu"
    unit = re.sub(r"(?i)\b(thousand|million|billion)s of\b", lambda m: m.group(1).lower(), unit)
    unit = re.sub(r"(?i)\bbtus?\b", "Btu", unit)
    if m.value != 1:  # "9,012 thousand gigajoule": a spelled-out unit after a number is plural
        unit = _SPELLED_UNIT.sub(lambda u: u.group(0) + "s", unit)
    raw = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+$", "", (m.raw_value or "").strip().rstrip(".,;:"))  # footnote marks
    raw = re.sub(r"\bt\s?CO2\s?e\b", "tCO2e", raw)  # "t CO2 e": a subscript split off, as templates print it
    if raw.count("(") > raw.count(")"):
        raw = raw[: raw.rindex("(")].rstrip()  # "13,129 metric tons of CO2 equivalent (t CO2": cut
    if re.fullmatch(r"\([\d.,]+\)", raw) and m.value >= 0:
        raw = raw[1:-1]  # "(41,206)": brackets that mark a column's basis, not a negative number
    if raw.count(")") > raw.count("("):
        raw = raw[: raw.rindex(")")].rstrip()  # "61 %)" read out of "Green electricity (61 %)"
    if not re.search(r"\d", raw) and m.value == int(m.value) and 0 < m.value < len(_NUMBER_WORDS):
        return _NUMBER_WORDS[int(m.value)]  # "zwei tödliche Unfälle" -> "two", in the overview's words
    if not raw:
        value = f"{m.value:,.0f}" if m.value >= 100 else f"{m.value:,.2f}".rstrip("0").rstrip(".")
    else:
        value = re.sub(r"^([\d.,]+)([A-Za-z])", r"\1 \2", raw)
        value = re.sub(r"(\d) %$", r"\1%", value)  # "82 %" (German and French spacing)
        factor = {"x1000": 1e3, "x1e+03": 1e3, "x1e+06": 1e6, "x1e+09": 1e9}.get(scale, 1.0)
        value = english_number(value, m.value, factor)
    words = value.split()
    carried = [w for w in words[1:] if w.lower() not in _SCALES]
    if any(c.isalpha() for c in "".join(carried)) or value.endswith("%"):
        return value  # the report printed the unit with the number
    if (not scale_word and unit.lower() in ("", "t", m.unit.lower())
            and not any(w.lower() in _SCALES for w in value.split()[1:])):
        scale_word = _implied_scale(value, m.value)  # "327" in a column "in thousands"
    value = " ".join([value, scale_word] if scale_word else [value])
    if unit.upper() == "USD" and not re.search(r"US\$|USD|U\.S\.|US dollars?", m.quote):
        return "$" + value  # "$" alone: Canadian, Australian … dollars are printed so too
    if unit.upper() in _CURRENCY:
        return _CURRENCY[unit.upper()] + value
    if not unit:
        return value
    return value + unit if unit == "%" else f"{value} {unit}"


_EU_NUMBER = re.compile(rf"^({EU_NUMERAL})(?![\d.,])")


_SPELLED_UNIT = re.compile(r"(?i)\b(?:(?:giga|tera|mega|kilo|peta)?joule|(?:metric )?tonne|(?:metric )?ton|"
                           r"(?:mega|kilo|giga|tera)watt[- ]hour|lit(?:re|er)|gallon|cubic met(?:re|er))$")


def english_number(printed: str, value: float, factor: float = 1.0) -> str:
    """ "1.843,3 t" -> "1,843.3 t" when the figure is written with a decimal comma (German, French)
    and that reading is the extracted value: the overview is English, and "1.843,3" reads there
    as about 1.8. ``factor`` is the column's scale ("in thousands": 1e3)."""
    m = _EU_NUMBER.match(printed)
    plain = re.match(r"\d{4,}(?![\d.,])", printed)
    if plain and float(plain.group()) == value:  # "4364" -> "4,364"
        return f"{int(value):,}" + printed[plain.end() :]
    if m is None:
        return printed
    english = english_numeral(m.group(1))
    if not value or abs(float(english.replace(",", "")) * factor / value - 1) > 0.005:
        return printed  # the English reading is the one extracted ("1,234" = 1234)
    return english + printed[m.end() :]


def printed_alike(a: Metric, b: Metric) -> bool:
    """True when two values of a series print with the same unit and scale ("5,621,357 tCO2e"
    and "5,557,615 tCO2e", not "5.56 million t"): a comparison reads only between like prints."""
    def tail(m: Metric) -> str:
        return re.sub(r"^[\d.,\s]+", "", printed_value(m)).strip().lower()
    return tail(a) == tail(b)


def _implied_scale(printed: str, value: float) -> str:
    """The scale word a printed number needs to equal ``value`` (a table "in thousands")."""
    m = re.match(r"[\d,]+(?:\.\d+)?", printed)
    try:
        number = float(m.group().replace(",", "")) if m else 0.0
    except ValueError:
        return ""
    for word, factor in (("thousand", 1e3), ("million", 1e6), ("billion", 1e9)):
        if number and abs(value / (number * factor) - 1) < 0.005:
            return word
    return ""


def label_and_verb(m: Metric, label: str | None = None) -> tuple[str, str]:
    """(subject, verb) for the metric sentence, from the KPI catalog label when there is one
    (``label``: that label, when the caller already has it)."""
    if label is None:
        label = m.label
        try:
            from ..extract.catalog import kpi_by_id

            kpi = kpi_by_id().get(m.metric)
            label = kpi.label if kpi is not None else label
        except ImportError:  # the catalog is optional for composing
            pass
    label = re.sub(r"\s*\((?:basis not stated|total)\)", "", label or m.metric).strip()
    if m.basis in ("market", "location") and "based" not in label and "Scope 2" not in label \
            and re.search(r"(?i)scopes? 1 (?:and|\+|&) 2|scope 1\+2", label):
        label = f"{label} ({m.basis}-based)"  # a Scope 1+2 total carries its Scope 2 basis
    where = _BOUNDARY_NOTE.search(m.label or "")
    if where and where.group(0) not in label:
        label = f"{label} {where.group(0)}"  # "(U.S.)": the row covers part of the company only
    note = ""
    words = re.findall(r"[a-z]{4,}", (m.label or "").lower())
    spliced = len(words) != len(set(words))  # "Total GHG Emissions Like-For-Like GHG Emissions"
    levels = _MANAGEMENT_LEVEL.search(m.quote) if "management" in label.lower() else None
    at = m.quote.find(m.raw_value) if m.raw_value else -1
    # "women in the first management tier was 12.5% and … in the second tier was 21.4%": the
    # level named last before the figure is the figure's
    before = m.quote[max(at - 60, 0) : at] if at > 0 and "management" in label.lower() else ""
    nearest = re.findall(_LEVEL_WORD + r"(?= (?:management )?(tier|level))", before)
    if nearest and nearest[-1][0].lower() not in label.lower():
        word, kind = nearest[-1]
        label = label.replace("management", f"{word.lower()}-{kind} management")
    elif levels and levels.group(1).lower() not in label.lower():
        label = label.replace("management", f"{levels.group(1).lower()} management")
    if (not where and not spliced and _SUBSET.search(m.label or "") and len(m.label) <= 90
            and not _SUBSET.search(label)):
        # "Scope 1 - Direct Manufacturing per CDP": the row's own words say what it covers
        row = _UNIT_BRACKET.sub("", m.label)
        row = re.sub(r"(?<=[A-Za-z)])\s*,?\s*\d(?:\s*,\s*\d)*$", "", row)  # footnote marks
        note = " (reported as “" + " ".join(row.split()).strip(" ,;") + "”)"
    quote = m.quote.lower()
    if m.metric == "renewable_energy_share" and "electricity" in quote and "energy" not in quote:
        label = label.replace("energy", "electricity")  # the report measured electricity only
    if m.metric == "energy_consumption" and re.search(r"(?i)\bprimary energy\b", m.label or ""):
        label = "Primary energy consumption"  # the fuels used, not all the energy consumed
    elif (m.metric == "renewable_energy_share" and re.search(r"\b(?:power )?generation\b", quote)
          and not re.search(r"consum|use\b", quote)):
        label = "share of power generation from renewable energy"  # a utility's output, not its use
    count = m.unit.lower() in wording()[0]["metric"]["count_units"]
    if re.match(r"(?i)number of ", label):
        label = label[len("number of "):]
    if re.match(r"(?i)(women|men|female|male) in ", label) or re.match(r"(?i)share of ", label):
        label = "the share of " + re.sub(r"(?i)^share of ", "", label)
        label = label.replace("share of Women", "share of women")
    head = re.sub(r"\s*\(.*?\)", "", label).split() or [label]
    plural = bool(re.search(r"[^s]s$", head[-1])) and not label.startswith("the share")
    verb = ("totalled" if "hours" in label.lower() else "numbered") if count else (
        "were" if plural else "was")
    if note and label.endswith(")"):  # "(location-based) (reported as …)": one bracket
        label, note = label[:-1] + "; " + note.strip(" ()") + ")", ""
    label += note
    return label[0].upper() + label[1:], verb


def none_text(m: Metric) -> str | None:
    """"There were no work-related fatalities in 2023." for a count of zero: "<label> numbered
    no fatal accidents" (the report's words) or "numbered 0" would not read."""
    count = m.unit.lower() in wording()[0]["metric"]["count_units"]
    if not count or m.value != 0:
        return None
    label, _ = label_and_verb(m)
    if not label.split()[0].isupper():
        label = label[0].lower() + label[1:]
    return fill(wording()[0]["metric"]["none"], label=label, period=m.period)


def metric_sentences(metrics: Sequence[Metric], doc: Document) -> list[Sentence]:
    """"<label> was <value> in <period>[, compared with ...]" for primary metrics."""
    tpl = wording()[0]["metric"]
    order = tpl["order"]
    by_id: dict[str, list[Metric]] = {}
    for m in metrics:
        if m.primary:
            by_id.setdefault(m.metric, []).append(m)

    def rank(metric_id: str) -> tuple[int, str]:
        hits = [i for i, p in enumerate(order) if metric_id.startswith(p)]
        return (hits[0] if hits else len(order), metric_id)

    out = []
    for metric_id in sorted(by_id, key=rank)[:12]:
        series = sorted(by_id[metric_id], key=lambda m: m.period, reverse=True)
        cur = series[0]
        label, verb = label_and_verb(cur)
        value = printed_value(cur)
        cites = [Citation(page=cur.page, quote=cur.quote)]
        none = none_text(cur)
        text = none or fill(tpl["sentence"], label=label, verb=verb, value=value, period=cur.period)
        prev = None if none else next(
            (m for m in series[1:] if m.unit == cur.unit and m.period != cur.period
             and printed_alike(m, cur)), None)
        if prev is not None:
            longer = fill(tpl["with_previous"], label=label, verb=verb, value=value,
                          period=cur.period, prev_value=printed_value(prev),
                          prev_period=prev.period)
            pc = cites + ([Citation(prev.page, prev.quote)] if prev.page != cur.page else [])
            candidate = Sentence(longer, tuple(pc))
            if verify_sentence(candidate, doc):
                out.append(candidate)
                continue
        out.append(Sentence(text, tuple(cites)))
    return out


def is_own_target(t: Target, company: str, page_text: str = "") -> bool:
    """True when the target's quote is the company's own commitment, not a law's or a peer's.

    ``page_text`` is the cited page's: a verbless row of a page about targets or goals is a line
    of the report's own targets table."""
    quote = t.quote
    if re.search(r"\b(?:[Oo]ur|[Ii]ts) (?:customers?|clients?|suppliers?|partners?|peers?) [A-Z]", quote):
        return False  # "our customer Borealis aims for net zero": the customer's goal
    if _LIST_TARGET.match(quote) or _TOPIC_GOAL.match(quote):
        return True  # a scorecard line of the report's own targets has no subject to check
    cleaned = clean_sentence(quote)
    if (page_text and not has_finite_verb(cleaned.split()) and _GOALS_PAGE.search(page_text)
            and not re.search(r"\b[A-Z][a-z]+ (?:aims|plans|targets|pledged|committed)\b", quote)
            and (not re.search(r"\bfrom\b|:\s", quote) or _SEGMENT.search(quote))):
        return True  # (a row whose label qualifies it, "GHG from …:", only with its qualifier)
    if company and any(re.search(rf"\b{re.escape(n)}[’']s\b", quote) for n in company_names(company)):
        return True  # "… to reduce Acme's CO2 footprint by 60% by 2030": its own footprint
    subject = subject_kind(cleaned, company)
    own = (re.search(r"\b([Ww]e|[Oo]ur|us|[Ww]ir|[Uu]nser\w*|[Nn]ous|[Nn]otre|[Nn]os)\b", quote)
           or mentions_company(quote, company)
           or re.match(r"(?i)targets?\b", quote)
           or subject == "none" and _GOAL_WORDS.search(quote))
    return bool(own) and subject not in ("other", "affiliate")


_NET_ZERO = ("net_zero", "net-zero", "carbon_neutral")
# a target as a scorecard line: an imperative ("Source 100% of …", "Reduce …") or a figure that
# names itself a target ("55% minimum reduction target for …"): the report's own, as listed
_LIST_TARGET = re.compile(
    r"(?:(?:source|reduc(?:e|ing)|cut(?:ting)?|achiev(?:e|ing)|reach(?:ing)?|increas(?:e|ing)|"
    r"eliminat(?:e|ing)|halve|halving|become|maintain(?:ing)?|procur(?:e|ing)|use|using|"
    r"deliver(?:ing)?|divert(?:ing)?|send|transition(?:ing)?)\b|[<>≥≤]?\s*\d[\d.,]*\s*%[^.;]{0,60}\b(?:target|goal)\b|"
    r"\d[\d.,]*\s*% (?:absolute )?(?:reduction|cut|decrease) (?:in|of)\b)",
    re.I)
# "the two primary sustainability goals include … carbon neutral by 2050", "(2010 baseline)"
_GOALS_PAGE = re.compile(r"\b(?:goals?|targets?|ambitions?|Ziele?|Zielen|objectifs?)\b", re.I)
_GOAL_WORDS = re.compile(r"\b(?:goals?|targets?|ambitions?|milestones?|baseline)\b", re.I)
_FINANCED = re.compile(r"(?i)\bfinanced emissions\b|\b(?:lending|loan|investment|financing|credit) "
                       r"portfolios?\b")
# "Scope 1 + 2 GHG from water activities": a target of one business line
_SEGMENT = re.compile(r"(?i)\bfrom ((?:\w+ ){0,2}\w+) activities\b")
# "our Scope 3 emissions from our premium ores by 40%": emissions of one product or unit
_SOURCE = re.compile(r"(?i)\bemissions from (our |the company[’']s |the )?"
                     r"(?!(?:a|an|the|its|their)\b)((?:[a-z-]+ ){0,3}?[a-z-]+)(?= by \d| to \d|,| in \d| \()")
# an intensity's denominator: "CO2 per package delivered", "emissions per tonne of steel"
# a goal the report calls an ambition or aspiration: the company "aims for" it, it does not target it
_AMBITION = re.compile(r"(?i)\b(?:ambitions?|aspirations?|aspires?|aspirational)\b")
_PER = re.compile(r"(?i)\b(?:CO2e?|CO₂e?|GHG|emissions?|carbon)\s+per\s+((?:[a-z-]+ ){0,3}?[a-z-]+)"
                  r"(?=\s*(?:\(|,|\bby\b|\bfor\b|\bfrom\b|$))"
                  # the part of the business it is for ("… for global small package"): a qualifier
                  r"(?:\s+(for (?!20\d\d)(?:[a-z-]+ ){0,3}?[a-z-]+)(?=\s*(?:\(|,|\.|\bby\b|$)))?")
# neutrality of one part of the business: "CO2-neutral production", "carbon neutral operations"
_NEUTRAL_PART = re.compile(r"(?i)\b(?:carbon|CO2|CO₂|climate)[- ]neutral (production|operations|sites|"
                           r"plants|manufacturing|buildings)\b")
# a scorecard row that names its topic and calls itself a target ("GHG reduction targets …")
_TOPIC_GOAL = re.compile(r"(?i)(?:ghg|co2|co₂|carbon|emissions?|scopes?|energy|renewable)\b[^.]{0,40}?"
                         r"\b(?:targets?|goals?)\b")
_COMMITS = re.compile(r"\b(?:commit\w*|pledge\w*|will (?:reach|achieve|be)|verpflicht\w*)\b", re.I)


# "women in middle and senior management": the levels a management share covers
_LEVEL_WORD = r"(?i)\b(first|second|third|top|senior|middle|upper|lower|executive)"
_MANAGEMENT_LEVEL = re.compile(
    r"(?i)\b(?:women|female)s? in ((?:middle|senior|top|upper|executive|first|second|lower)"
    r"(?:(?:,| and| &| or) (?:middle|senior|top|upper|executive|first|second|lower))*)"
    r"(?:[- ]level)? management")
# words in a row label saying that its figure covers a part or a variant of the catalog's metric
_SUBSET = re.compile(r"(?i)\b(?:manufacturing|franchise\w*|like[- ]for[- ]like|water stress|significant|"
                     r"headquarters|only|excluding|excl\.|net|offsets?|FTE|full[- ]time equivalents?|"
                     r"category|of which|upstream|downstream|executives?)\b")
_UNIT_BRACKET = re.compile(r"\((?:[^()]*\b(?:CO2?e?|tCO2e?|MT|t|tonnes?|tons|MWh|GWh|GJ|TJ|m3|m³|"
                           r"megaliters|kilotons)\b[^()]*|%|in %)\)", re.I)
# a bracketed boundary in a row label: the figure covers one country, region or site only
_BOUNDARY_NOTE = re.compile(r"\((?:U\.S\.|US|USA|UK|EU|Europe|Germany|China|HQ|headquarters|"
                            r"[A-Z][\w .&-]{1,30} only)\)")


def _year_text(year: int | None, quote: str) -> str:
    """A year as the quote prints it: "FY25" stays FY25 (the figure a reader finds on the page)."""
    if year is None:
        return ""
    short = rf"\bFY\s?'?{year % 100:02d}\b"
    if re.search(rf"\bFY\s?{year}\b", quote):
        return f"FY{year}"
    if not re.search(rf"\b{year}\b", quote) and re.search(short, quote):
        return f"FY{year % 100:02d}"
    return str(year)


def _target_rank(t: Target) -> tuple[object, ...]:
    """Net zero first (the latest year: the whole commitment), then the surest and largest."""
    net_zero = t.type in _NET_ZERO
    year = -(t.target_year or 0) if net_zero else t.target_year or 9999
    return (not net_zero, -t.confidence, -(t.reduction_pct or 0), year, t.page)


def _states_net_zero(t: Target) -> bool:
    """True when the quote itself ties net zero (or neutrality) to the target year."""
    year = (rf"\b(?:by|in|before|until)(?: no later than)?(?: the end of)?(?: the| its)? "
            rf"(?:FY ?|fiscal (?:year )?)?{t.target_year}\b")
    near = r"(?:(?!\b(?:19|20)\d\d\b)[^.;]){0,90}?"  # no other year between goal and year
    goal = (r"net[- ]?zero|carbon[- ](?:neutral|negative)|climate[- ](?:neutral|positive)|CO2[- ]neutral|"
            r"netto[- ]null|klimaneutral\w*|treibhausgasneutral\w*|neutralité carbone")
    year = rf"(?:{year}|\({t.target_year}\))"  # "… (2045)": a goals table's year column
    pattern = rf"({goal}){near}{year}|{year}{near}(net[- ]?zero|neutral|negative|positive)"
    return re.search(pattern, t.quote, re.I) is not None


def _page_text(doc: Document, page: int) -> str:
    try:
        return doc.page(page).text
    except (IndexError, KeyError, ValueError):
        return ""


def _scopes(t: Target) -> frozenset[str]:
    return frozenset(x.strip() for x in re.split(r"[+,&]|\band\b", t.scope or "") if x.strip())


def _subsumed(t: Target, targets: Sequence[Target]) -> bool:
    """A target another one of the same kind and year covers with more scopes: "carbon neutral
    in Scope 1 by 2025" beside "in Scope 1 and 2 by 2025" is the wider pledge read in part
    (a line or column break inside "Scope 1 and Scope 2") or restated."""
    mine = _scopes(t)
    # (only pledges without a percentage: two cuts of the same size may be two targets, one for
    # generation and one for all electricity sold)
    return bool(mine) and t.reduction_pct is None and any(
        o.type == t.type and o.target_year == t.target_year and o.reduction_pct == t.reduction_pct
        and mine < _scopes(o) for o in targets)


def target_sentences(targets: Sequence[Target], doc: Document, company: str) -> list[Sentence]:
    """A template sentence per distinct own target (net zero first), else its quote rewritten."""
    tpl = wording()[0]["target"]
    out: list[Sentence] = []
    seen: set[str] = set()
    seen_keys: set[tuple[object, ...]] = set()
    for t in sorted(targets, key=_target_rank):
        if not is_own_target(t, company, _page_text(doc, t.page)) or _subsumed(t, targets):
            continue
        scope = ""
        if t.scope:
            scopes = [x.strip() for x in re.split(r"[+,&]|\band\b", t.scope) if x.strip()]
            plural = "Scopes" if len(scopes) > 1 else "Scope"
            listed = ", ".join(scopes[:-1]) + " and " + scopes[-1] if len(scopes) > 1 else scopes[0]
            scope = f"{plural} {listed} " if all(x.isdigit() for x in scopes) else f"{t.scope} "
            part = re.search(r"\b([a-z]+-[a-z]+) scopes? \d", t.quote, re.I)
            if part and not re.search(r"(?i)market|location", part.group(1)):
                scope = f"{part.group(1).lower()} {scope}"  # "non-generation Scope 1 and 2": its part

        # "cut the intensity of the emissions of the products we sell by about 50%": an intensity
        intensity = t.type == "intensity_reduction" or re.search(r"(?i)\bintensity\b", t.quote)
        default = "emissions intensity" if intensity else "emissions"
        metric = (t.metric or default).replace("_", " ")
        if intensity and "intensity" not in metric:
            metric = f"{metric} intensity"
        per = _PER.search(t.quote) if intensity else None
        if per:  # "CO2 per package delivered": the intensity's denominator
            metric = f"{metric} (per {per.group(1)}{', ' + per.group(2) if per.group(2) else ''})"
        if _FINANCED.search(t.quote) and "financed" not in metric:
            metric = f"financed {metric}"  # (PCAF) a lender's or investor's portfolio, not its own
        segment = _SEGMENT.search(t.quote)
        source = _SOURCE.search(t.quote)
        if segment:  # "Scope 1 + 2 GHG from water activities": one business line's target
            metric = f"{metric} from {segment.group(1).lower()} activities"
        elif source:  # "Scope 3 emissions from our high-grade ores": that part of the footprint
            own = "its " if source.group(1) and source.group(1).lower() != "the " else ""
            metric = f"{metric} from {own}{source.group(2)}"
        text = None
        if t.type in _NET_ZERO and t.metric:
            pass  # net zero for buildings or a fleet: the quote says what it covers
        elif t.type in _NET_ZERO and t.target_year and _states_net_zero(t):
            key = "net_zero" if _COMMITS.search(t.quote) else "net_zero_goal"
            if t.type == "carbon_neutral":  # neutrality (offsets allowed) is not net zero
                key = "carbon_neutral"
            if re.search(r"(?i)carbon[- ]negative|climate[- ]positive", t.quote):
                key = "carbon_negative"  # more than neutral: removals beyond what is emitted
            part = _NEUTRAL_PART.search(t.quote)  # "CO2-neutral production by 2035"
            scope_of = f"of {scope}emissions " if scope else f"of its {part.group(1).lower()} " \
                if part else ""
            text = fill(tpl[key], company=company, scope=scope, scope_of=scope_of,
                        target_year=_year_text(t.target_year, t.quote))
        elif t.type == "renewable_share" and t.target_pct is not None and t.target_year:
            electric = re.search(r"(?i)electricity|power|\bRE100\b|strom|électricité", t.quote)
            what = "electricity" if electric else "energy"
            text = fill(tpl["renewable"], company=company, target_pct=f"{t.target_pct:g}",
                        what=what, target_year=_year_text(t.target_year, t.quote))
        elif t.reduction_pct is not None and t.target_year:
            pct = f"{t.reduction_pct:g}"
            printed = rf"\s*{pct}\s?(?:%|per ?cent)"
            if re.search(rf"(?i)\b(?:about|around|approximately|roughly|some|~){printed}", t.quote):
                pct = f"roughly {pct}"  # "by about 50%": the report's own approximation
            elif re.search(rf"(?i)\b(?:at least|a minimum of|minimum|no less than){printed}", t.quote):
                pct = f"minimum {pct}"  # "by at least 30%": a floor, not the cut itself
            key = "reduction" if t.base_year else "reduction_no_base"
            text = fill(tpl[key], company=company, reduction_pct=pct, scope=scope, metric=metric,
                        target_year=_year_text(t.target_year, t.quote),
                        base_year=_year_text(t.base_year, t.quote))
        if text and _AMBITION.search(t.quote) and not re.search(r"(?i)\btarget", t.quote):
            text = text.replace(f"{company} targets ", f"{company} aims for ", 1)  # not a target
        cite = (Citation(page=t.page, quote=t.quote),)
        sent = Sentence(text, cite) if text else None
        if sent is None or not verify_sentence(sent, doc):
            quote = clean_sentence(t.quote)
            if not is_prose(quote) or is_dangling(quote):
                continue
            sent = Sentence(third_person(quote, company), cite)
        fact = (t.type, t.scope, t.target_year, t.reduction_pct)
        if sent.text.lower() not in seen and fact not in seen_keys:
            seen.add(sent.text.lower())
            seen_keys.add(fact)
            out.append(sent)
    return out[:10]


def headline_target(targets: Sequence[Target], doc: Document, company: str) -> Sentence | None:
    """The one commitment to lead with: net zero when set, else the largest dated reduction."""
    lead = wording()[0]["target"]["headline"]
    listed = target_sentences(targets, doc, company)
    net_zero = re.compile(r"(?i)net[- ]?zero|carbon[- ](?:neutral|negative)|climate[- ](?:neutral|positive)")
    # net zero first, then an emissions reduction, then any other (a renewable-power goal)
    for want in (lambda s: net_zero.search(s.text), lambda s: "% reduction" in s.text, lambda s: True):
        for s in listed:
            if not want(s):
                continue
            if not net_zero.search(s.text):
                return s  # a reduction target as it is: the report may not call it its headline
            for verb, phrase in lead.items():
                if s.text.startswith(f"{company} {verb} "):
                    text = fill(phrase, company=possessive(company)) + s.text[len(company)
                                                                              + len(verb) + 1 :]
                    return Sentence(text, s.citations)
            if net_zero.search(s.text) and s.text.startswith(company):
                return s  # the report's own sentence of its net-zero commitment, as quoted
    return None


def claim_sentences(claims: Sequence[Claim], doc: Document, company: str) -> list[Sentence]:
    """One sentence per flagged claim, quoting it and naming why an analyst should check it."""
    out = []
    per_reason: dict[str, int] = {}
    for c in claims:
        text = clean_sentence(c.text).rstrip(".")
        if not 4 <= len(text.split()) <= 40 or not re.match(r"[A-Z]", text) or "“" in text:
            continue
        if re.search(r"\b[b-hj-z] [a-z]{2,}", text):
            continue  # letters split from their word by the PDF ("m edium", "w hich")
        if len(re.findall(r"(?<![\w.])\d{1,3}(?![\w.%])", text)) >= 3:
            continue  # a contents line ("Pursuing net zero 7 Our role 7 ... 10 2"), not a claim
        letters = [ch for ch in text if ch.isalpha()]
        if sum(ch.isupper() for ch in letters) > 0.5 * len(letters):
            continue  # a heading in capitals, not a claim
        if subject_kind(text, company) in ("other", "affiliate"):
            continue  # a peer's or a partner's statement, not the company's claim
        if per_reason.get(c.reason, 0) >= 3:
            continue
        per_reason[c.reason] = per_reason.get(c.reason, 0) + 1
        needs = f"; {c.substantiate.rstrip('.')}" if c.substantiate else ""
        sentence = fill(wording()[0]["claim"], company=company, text=text,
                        reason=c.reason.rstrip("."), substantiate=needs)
        out.append(Sentence(sentence, (Citation(page=c.page, quote=c.text),)))
    return out[:8]
