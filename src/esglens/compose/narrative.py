"""Sentences told from extracted facts: the quantified core of the ESG_overview and the Data gaps.

The report's own figures (latest GHG totals by scope, energy, water, waste, workforce, diversity,
safety) become sentences that vary with what is known: a level, a level with the change from
the prior period, or two scopes in one sentence. A change is calculated by esglens, so the text
says "(calculated)", the number is listed in ``Sentence.computed`` and both inputs' pages are
cited. Every other number is printed on a cited page (``verify_sentence``); a sentence that
fails falls back to a plainer one or is dropped. Wording, per language, is ``narrative``,
``gaps`` and ``zh`` in ``data/templates.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..extract.counts import more_deaths
from ..model import Citation, Document, Gap, Metric, Sentence
from .facts import fill, none_text, printed_alike, printed_value
from .facts import label_and_verb as _label
from .phrasing import per_document, verify_sentence, wording

__all__ = ["closing_sentence", "environment_facts", "gap_sentences", "series_by_metric",
           "social_facts", "workforce_fact"]

Series = dict[str, list[Metric]]
_ZH_SCALES = {" thousand ": "千", " million ": "百万", " billion ": "十亿"}


def series_by_metric(metrics: Sequence[Metric]) -> Series:
    """Primary values per metric id, latest period first, in the latest value's unit."""
    by_id: dict[str, dict[str, Metric]] = {}
    for m in sorted(metrics, key=lambda m: -m.confidence):
        if m.primary:
            by_id.setdefault(m.metric, {}).setdefault(m.period, m)
    out: Series = {}
    for mid, periods in by_id.items():
        ordered = sorted(periods.values(), key=lambda m: m.period, reverse=True)
        # one series, one basis: a market-based year beside location-based ones is no trend
        out[mid] = [m for m in ordered if m.unit == ordered[0].unit and m.basis == ordered[0].basis]
    return out


def _tpl(lang: str) -> dict[str, Any]:
    """The narrative templates in ``lang`` ("zh" overrides the English ones it defines)."""
    tpl = wording()[0]
    base = dict(tpl["narrative"])
    return {**base, **tpl["zh"]} if lang == "zh" else base


def _value(m: Metric, lang: str) -> str:
    text = printed_value(m)
    if lang == "zh":
        for word, zh in _ZH_SCALES.items():
            text = text.replace(word, zh)
    return text


def _name(m: Metric, lang: str, doc: Document | None = None) -> tuple[str, str]:
    """(label, verb) of a metric in running text: "The lost-time injury frequency rate", "was"."""
    if lang == "zh":
        return str(wording()[0]["zh"]["labels"].get(m.metric, m.label)), ""
    label, verb = _label(m)
    if m.metric == "renewable_energy_share" and doc is not None and "energy" in label \
            and "generation" not in label and (
            not re.search(r"(?i)energ", m.quote) and _ELECTRIC.search(_before(m, doc))
            or _electricity_elsewhere(m, doc)):
        # "Im Berichtsjahr betrug der Anteil 77 %." after "… Strom aus erneuerbaren …": the
        # sentence before says what the share is of
        label = label.replace("energy", "electricity")
    if re.search(r"\b(rate|share|ratio|intensity)\b", label.split("(")[0]) and not re.match(
            r"(?i)the ", label):
        label = "The " + label[0].lower() + label[1:]
    return label, verb


_ELECTRIC = re.compile(r"(?i)\b(?:electricity|power|strom\w*|électricité)\b")


def _electricity_elsewhere(m: Metric, doc: Document) -> bool:
    """Whether the report states the same share as one of electricity on another page ("The share
    of renewable energies in total electricity demand was 76.2 %"), as a data page may where an
    infographic says "energy"."""
    raw = m.raw_value.strip(" %.") if m.raw_value else ""
    if not re.fullmatch(r"\d+[.,]\d+", raw):
        return False  # only a figure with decimals is distinctive enough to recognise
    printed = re.escape(raw)
    rx = re.compile(rf"(?i)\belectricity\b[^.%]{{0,60}}?\b{printed}\s?%|\b{printed}\s?%[^.]{{0,30}}"
                    rf"\bof (?:\w+ ){{0,3}}electricity\b")
    return any(rx.search(" ".join(p.text.split())) for p in doc.pages if p.number != m.page)


def _before(m: Metric, doc: Document) -> str:
    """The 200 characters of the page before the figure's quote (its sentence's context)."""
    try:
        text = " ".join(doc.page(m.page).text.split())
    except (IndexError, KeyError, ValueError):
        return ""
    at = text.find(" ".join(m.quote.split())[:60])
    return text[max(at - 200, 0) : at] if at > 0 else ""


def lower_label(label: str) -> str:
    """A label inside a sentence: "Share of renewable energy" -> "the share of renewable energy"
    (names and acronyms such as "Scope 1 GHG emissions" keep their capital)."""
    first = label.split()[0] if label.split() else ""
    if first.isupper() or first in ("Scope",) or first[1:2].isupper():
        return label
    low = label[0].lower() + label[1:]
    return "the " + low if re.match(r"(share|number|rate|total) ", low) else low


MAX_CHANGE = 50.0  # % between consecutive periods, beyond which no change is calculated


def _significant(m: Metric) -> int:
    """Significant digits of the value as printed ("0.24" -> 2, "32.6" -> 3, "1,234" -> 4)."""
    printed = re.search(r"\d[\d.,]*", m.raw_value or "")
    digits = re.sub(r"\D", "", printed.group()) if printed else re.sub(r"\D", "", f"{m.value:g}")
    return len(digits.lstrip("0")) or 1


def _cite(*metrics: Metric, doc: Document | None = None) -> tuple[Citation, ...]:
    seen: dict[int, Citation] = {}
    for m in metrics:
        seen.setdefault(m.page, Citation(m.page, m.quote))
    for m in metrics:
        dated = _year_page(m, doc) if doc is not None else None
        if dated is not None:
            seen.setdefault(dated.page, dated)
    return tuple(seen.values())


def _change(cur: Metric, prev: Metric | None, lang: str) -> tuple[str, str]:
    """(the change clause, the calculated percentage) between two periods, or ("", "")."""
    if prev is None or not prev.value or cur.unit == "%" or not printed_alike(cur, prev):
        return "", ""
    if cur.unit.lower() in wording()[0]["metric"]["count_units"] and min(cur.value, prev.value) < 20:
        return "", ""  # "fatalities down 100% from 2": a percentage of a handful says nothing
    if min(_significant(cur), _significant(prev)) < 3:
        return "", ""  # "0.24 from 0.23": rounded figures give a change the report may not state
    pct = (cur.value - prev.value) / abs(prev.value) * 100
    if abs(pct) < 0.05 or abs(pct) > MAX_CHANGE:
        return "", ""  # a change this large is a new method or boundary more often than a result
    tpl = _tpl(lang)
    text = f"{abs(pct):.1f}"
    clause = tpl["change"].format(direction=tpl["down" if pct < 0 else "up"], pct=text,
                                  prev_value=_value(prev, lang), prev_period=prev.period)
    return clause, text


def _first_verified(options: list[Sentence], doc: Document) -> Sentence | None:
    return next((s for s in options if verify_sentence(s, doc)), None)


def _year_page(m: Metric, doc: Document) -> Citation | None:
    """For a table figure whose page prints no year (two columns under no header, read as the
    report's year and the one before), the front page that states that year."""
    if m.source != "table" or m.period in doc.page(m.page).text:
        return None
    front = next((p for p in doc.pages[:3] if m.period in p.text and p.number != m.page), None)
    if front is None:
        return None
    return Citation(front.number, next(ln.strip() for ln in front.text.splitlines() if m.period in ln)[:200])


# the words a footnote uses to narrow what a figure covers ("Covers all own data centers.",
# "Safety metrics disclosed are for U.S. employees only.")
_RESTRICTS = re.compile(r"\b(?:only|covers?|covering|exclud\w+|does not include|do not include|not including|"
                        r"not included|limited to|ausschließlich|nur|umfasst)\b", re.I)
# a table band naming one business line: "GHG from Water activities:"
_BAND = re.compile(r"\bfrom ((?:[A-Za-z-]+ ){0,2}[A-Za-z-]+) (?:activities|operations|business)\b:?")
_SUPERSCRIPTS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹", "123456789")
# a row label's footnote mark: "(TRIR)(1)", "Fatalities²", "Scope 1 1)"
_MARK = re.compile(r"(?:\((\d)\)|(?<=[A-Za-z)])([1-9])\)?|\s([1-9])\))(?=[\s,]|$)")
# the families a page note may name without a mark ("Safety metrics …")
_FAMILY_WORDS = {"ghg": r"emissions?|GHG|CO2|carbon", "energy": r"energy|electricity",
                 "water": r"water", "waste": r"waste", "safety": r"safety|injur\w*|incidents?|"
                 r"fatalit\w*|health", "workforce": r"employees?|workforce|headcount|staff",
                 "diversity": r"women|gender|female|employees?|workforce"}


def _mark(m: Metric) -> str | None:
    """The footnote mark of the figure's row label ("(TRIR)(1)" -> "1"), if any."""
    label_part = re.split(r"\s\d[\d.,]*(?:\s|$)", m.quote.translate(_SUPERSCRIPTS), maxsplit=1)[0]
    mark = _MARK.search(label_part)
    return next((g for g in mark.groups() if g), None) if mark else None


def footnote(m: Metric, doc: Document) -> str:
    """The text of the footnote the figure's row label points to, or ""."""
    digit = _mark(m)
    if digit is None:
        return ""
    try:
        lines = doc.page(m.page).text.splitlines()
    except (IndexError, KeyError, ValueError):
        return ""
    return next((note for line in lines if (note := _footnote_text(digit, line))), "")


def _footnote_text(digit: str, line: str) -> str | None:
    """The text of ``line`` when it is footnote ``digit`` ("6 Full-time equivalents …")."""
    hit = re.match(rf"\s*(?:\({digit}\)|{digit}\)|{digit}\.?)\s+([A-Z].{{8,200}})$",
                   line.translate(_SUPERSCRIPTS))
    return hit.group(1) if hit else None


def scope_note(m: Metric, doc: Document) -> str | None:
    """A note on the metric's page that narrows what its figure covers, or None.

    Reviewers found figures stated for the whole company that the page's footnote limits to one
    country or one kind of site; the note is either the footnote of the row's mark or a short
    line naming the metric's family with a restricting word.
    """
    if m.source not in ("table", "text") or not m.quote:
        return None
    try:
        lines = [ln.strip() for ln in doc.page(m.page).text.splitlines()]
    except (IndexError, KeyError, ValueError):
        return None
    digit = _mark(m)
    family = wording()[0]["narrative"]["family_of"].get(m.metric, "")
    words = _FAMILY_WORDS.get(family)
    for line in lines:  # the row's line names one business ("GHG from Water activities: … 2,317")
        band = _BAND.search(line) if m.raw_value and m.raw_value in line else None
        if band and band.group(0).lower() not in m.quote.lower():
            return f"figures for {band.group(1).lower()} activities"
    for line in lines:
        text = line.translate(_SUPERSCRIPTS)
        note = _footnote_text(digit, text) if digit else None
        if note is None and words and len(text.split()) <= 25 and re.search(r"\bonly\b", text) \
                and re.match(rf"[A-Z]\w*(?: \w+){{0,2}}? (?:{words})\b|(?:{words})\b", text, re.I):
            note = text  # "Safety metrics disclosed are for U.S. employees only."
        if not note or note in m.quote:
            continue
        for part in re.split(r"(?<=[a-z]{2})\. (?=[A-Z])", note):
            years = set(re.findall(r"\b(?:19|20)\d\d\b", part))
            # "Turnover data reported for the UK only for 2021." is not the 2022 figure's note
            if _RESTRICTS.search(part) and (not years or m.period in years):
                return part.rstrip(". ")
    return None


_NOTE_VERB = re.compile(r"(Covers|Includes|Excludes|Relates to|Refers to|Applies to)\b(?!.*[.;:]\s)")


def _noted(sent: Sentence | None, m: Metric, doc: Document, lang: str) -> Sentence | None:
    """The sentence with its figure's coverage note quoted after it, cited to the same page; None
    for a figure of one line of business ("GHG from Water activities"), which is no headline."""
    note = scope_note(m, doc) if sent is not None and lang != "zh" else None
    if sent is None or note is None:
        return sent
    verb = _NOTE_VERB.match(note)
    if note.startswith("figures for "):
        return None
    if verb:  # "Covers all own sites": the note's subject is the figure
        said = f"the figure {verb.group(1).lower()}{note[verb.end(1):]}"
        text = f"{sent.text.rstrip('.')} ({said}, as the page notes)."
    else:
        text = f"{sent.text.rstrip('.')} (a note on the page: “{note}”)."
    return Sentence(text, (*sent.citations, Citation(m.page, note)), sent.paragraph, sent.computed)


_APPROX = re.compile(r"\b(?:approximately|approx\.|about|around|roughly|some|nearly|almost|"
                     r"over|more than)\s*$|~\s*$", re.I)


def _about(m: Metric, lang: str) -> str:
    """ "about 84,000": a figure the report gives as approximate stays approximate."""
    value = _value(m, lang)
    if lang == "zh" or not m.raw_value:
        return value
    at = m.quote.find(m.raw_value)
    before = m.quote[max(at - 20, 0):at] if at > 0 else ""
    hit = _APPROX.search(before)
    if hit is None:
        return value
    word = hit.group().strip().lower()
    word = "about" if word in ("~", "approx.", "approximately", "around", "roughly", "some") else word
    return f"{word} {value}"


def _fragment(m: Metric) -> bool:
    """A figure read from a clause the PDF cut from its sentence ("donated … ($3M in corporate
    donations and $9M raised)"): its sentence may have said it is a part. So is a death count its
    sentence goes on to add to ("two … of its drivers and one of a contractor's")."""
    if m.source != "text":
        return False
    at = m.quote.find(m.raw_value) if m.raw_value else -1
    return m.quote[:1].islower() or (m.metric == "fatalities" and at >= 0
                                     and more_deaths(m.quote[at + len(m.raw_value):]))


def metric_fact(series: list[Metric], doc: Document, lang: str, paragraph: int) -> Sentence | None:
    """The latest value of one metric, with its change from the prior period when it verifies."""
    cur = series[0]
    if _fragment(cur):
        return None
    prev = series[1] if len(series) > 1 else None
    label, verb = _name(cur, lang, doc)
    tpl = _tpl(lang)
    change, pct = _change(cur, prev, lang)
    options = []
    if change and prev is not None:
        options.append(Sentence(fill(tpl["level"], label=label, verb=verb, value=_about(cur, lang),
                                     period=cur.period, change=change),
                                _cite(cur, prev, doc=doc), paragraph, (pct,)))
    none = none_text(cur) if lang != "zh" else None
    if none is not None:
        options = []
    options.append(Sentence(none or fill(tpl["level"], label=label, verb=verb,
                                         value=_about(cur, lang), period=cur.period, change=""),
                            _cite(cur, doc=doc), paragraph))
    return _noted(_first_verified(options, doc), cur, doc, lang)


def _pair(a: list[Metric], b: list[Metric], doc: Document, lang: str,
          paragraph: int) -> Sentence | None:
    """Scope 1 and Scope 2 of the same period in one sentence."""
    x, y = a[0], b[0]
    if x.period != y.period:
        return None
    label, verb = _name(x, lang)
    label2, _ = _name(y, lang)
    if lang != "zh":
        label2 = re.sub(r"\s*\((?:basis not stated)\)", "", label2)
    text = fill(_tpl(lang)["pair"], period=x.period, label=label, verb=verb,
                value=_about(x, lang), label2=label2, value2=_about(y, lang), change="")
    return _noted(_first_verified([Sentence(text, _cite(x, y, doc=doc), paragraph)], doc), x, doc, lang)


def environment_facts(series: Series, doc: Document, lang: str, paragraph: int) -> list[Sentence]:
    """Headline environmental figures: GHG by scope first, then energy, water and waste."""
    tpl = _tpl(lang)
    out: list[Sentence] = []
    used: set[str] = set()
    scope2 = next((k for k in ("ghg_scope2", "ghg_scope2_market", "ghg_scope2_location")
                   if k in series), None)
    scopes = {"ghg_scope1", "ghg_scope2", "ghg_scope2_market", "ghg_scope2_location"}
    combined = series.get("ghg_scope1_2", [])
    if ("ghg_scope1" in series and scope2  # each scope's figure, as the GHG Protocol reports them
            and not (combined and combined[0].period > series["ghg_scope1"][0].period)):  # (not older)
        pair = _pair(series["ghg_scope1"], series[scope2], doc, lang, paragraph)
        if pair is not None:
            out.append(pair)
            used |= scopes | {"ghg_scope1_2"}  # (their sum is then no further figure)
    if "ghg_scope1_2" in series and "ghg_scope1_2" not in used:
        used |= scopes
    for mid in tpl["environment"]:
        if len(out) >= int(tpl["max_environment"]):
            break
        if mid in used or mid not in series:
            continue
        if mid.startswith("ghg_scope2"):
            used |= {"ghg_scope2", "ghg_scope2_market", "ghg_scope2_location"}
        if mid.startswith("water"):
            used |= {"water_withdrawal", "water_consumption"}
        if mid == "ghg_total" and (any(k.startswith("ghg_scope") for k in used)
                                   or not re.search(r"(?i)scope|范围|範疇", series[mid][0].label)):
            continue  # the scopes are told, or the total does not say which it adds up
        if mid == "ghg_total" and _repeats(series[mid][0], [series[k][0] for k in used if k in series]):
            continue  # a "total" that is the Scope 1+2 figure again (a net or a subtotal row)
        sent = metric_fact(series[mid], doc, lang, paragraph)
        if sent is not None:
            out.append(sent)
            used.add(mid)
    return out


def _repeats(m: Metric, told: list[Metric]) -> bool:
    """True when ``m`` has the value of a figure already told for the same period."""
    return any(t.period == m.period and abs(t.value - m.value) <= 0.005 * abs(m.value) for t in told)


def workforce_fact(series: Series, doc: Document, company: str, lang: str,
                   paragraph: int) -> Sentence | None:
    """"<company> had 327,000 employees in 2024." — the size of the company."""
    if "employees" not in series:
        return None
    m = series["employees"][0]
    if _fragment(m):
        return None
    # ("6 Full-time equivalents at year end": the row's footnote may say so)
    key = "workforce_fte" if _FTE.search(f"{m.label} {m.quote} {footnote(m, doc)}") else "workforce"
    value = _about(m, lang)
    kind = re.search(rf"{re.escape(m.raw_value)}\s+{_KIND.pattern}", m.quote, re.I) \
        if m.raw_value and lang != "zh" else None
    if kind is not None:  # "2,615 permanent employees": the headcount of one kind of contract
        value = f"{value} {kind.group(1).lower()}"
    text = fill(_tpl(lang).get(key, _tpl(lang)["workforce"]), company=company,
                value=value, period=m.period)
    wider = _WIDER.search(m.quote[: m.quote.find(m.raw_value)]) if m.raw_value and lang != "zh" else None
    if wider is not None and not re.fullmatch(r"subsidiaries", wider.group(1), re.I):
        # "Acme and its franchisees employ …": the count is not the company's own
        text = f"Including its {wider.group(1)}, {text}"
    return _noted(_first_verified([Sentence(text, _cite(m, doc=doc), paragraph)], doc), m, doc, lang)


# employees of one kind of contract or status ("2,615 permanent employees")
_KIND = re.compile(r"(permanent|full-time|part-time|salaried|hourly|active|core|direct|"
                   r"fixed-term|temporary|own)\s+(?=employees|staff)", re.I)
# a headcount that counts a wider group ("Acme and its subsidiaries, franchisees and affiliates")
_OTHERS = r"(?:subsidiaries|franchisees|affiliates|joint ventures|partners|contractors|suppliers)"
_WIDER = re.compile(rf"\band its ({_OTHERS}(?:,? (?:and )?{_OTHERS})*)\b", re.I)
# a headcount given in full-time equivalents is not the number of people employed
_FTE = re.compile(r"\bFTEs?\b|full[- ]time equivalents?|Vollzeitäquivalent\w*", re.I)


def social_facts(series: Series, doc: Document, lang: str, paragraph: int,
                 skip: frozenset[str] = frozenset()) -> list[Sentence]:
    """Workforce, diversity, safety and community figures (up to ``max_social``)."""
    tpl = _tpl(lang)
    out: list[Sentence] = []
    families: set[str] = set()
    for mid in tpl["social"]:
        if len(out) >= int(tpl["max_social"]):
            break
        family = wording()[0]["narrative"]["family_of"].get(mid, mid)
        if mid in skip or mid not in series or family in families and family != "safety":
            continue
        sent = metric_fact(series[mid], doc, lang, paragraph)
        if sent is not None:
            out.append(sent)
            families.add(family)
    return out


def _join(items: list[str], lang: str) -> str:
    word = _tpl(lang)["and"]
    if lang == "zh":
        return "、".join(items[:-1]) + (word if len(items) > 1 else "") + items[-1]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def closing_sentence(series: Series, gaps: Sequence[Gap], doc: Document, company: str,
                     lang: str, paragraph: int) -> Sentence | None:
    """Where the disclosure is strong (several years of figures) and where it is thin (gaps)."""
    tpl = _tpl(lang)
    family_of = wording()[0]["narrative"]["family_of"]
    strong: dict[str, Metric] = {}
    for mid, values in series.items():
        family = family_of.get(mid)
        if family and len(values) >= 2:
            strong.setdefault(family, values[0])
    names = tpl["family_names"]
    zh_families = wording()[0]["zh"]["families"]
    weak = [g for g in gaps if g.pillar in ("E", "S")][:3]
    from ..extract.gaps import families

    members = {f["id"]: f.get("metrics", []) for f in families()}
    for g in weak:  # "reports most fully on energy use" and "no figure for energy" cannot both hold
        for mid in members.get(g.metric, [g.metric]):
            if family_of.get(mid) != "ghg":  # GHG gaps name their scope, so both read true
                strong.pop(family_of.get(mid, ""), None)
    weak_names = [zh_families.get(g.metric, g.label) if lang == "zh" else lower_label(g.label)
                  for g in weak]
    strong_names = [names[f] for f in list(strong)[:3]]
    cites = list(_cite(*strong.values()))[:3]
    for g in weak:
        cites += [Citation(p, q) for p, q in related_pages(g, doc)[:1]]
    if not cites:
        return None
    if strong_names and weak_names:
        text = fill(tpl["closing_both"], company=company, strong=_join(strong_names, lang),
                    weak=_join(weak_names, lang))
    elif strong_names:
        text = fill(tpl["closing_strong"], company=company, strong=_join(strong_names, lang))
    elif weak_names:
        text = fill(tpl["closing_weak"], weak=_join(weak_names, lang))
    else:
        return None
    unique = tuple({c.page: c for c in cites}.values())
    return _first_verified([Sentence(text, unique, paragraph)], doc)


def related_pages(gap: Gap, doc: Document) -> list[tuple[int, str]]:
    """(page, quote) where the gap's disclosure family is discussed, most mentions first."""
    if gap.pages:
        return [(p, _mention(doc, p, None)) for p in gap.pages]
    pattern = wording()[0]["gaps"]["keywords"].get(gap.metric)
    if not pattern:
        return []
    rx = re.compile(pattern, re.I)
    counts = sorted(((len(rx.findall(p.text)), p.number) for p in doc.pages), reverse=True)
    return [(n, _mention(doc, n, rx)) for c, n in counts[:2] if c]


def _mention(doc: Document, page: int, rx: re.Pattern[str] | None) -> str:
    text = re.sub(r"\s+", " ", doc.page(page).text)
    m = rx.search(text) if rx else None
    start = max(0, m.start() - 80) if m else 0
    return text[start : start + 200].strip()


# a number that can be a figure: not a year, not a footnote or page number
_FIGURE = re.compile(r"(?<![\w.,])(?!(?:19|20)\d\d\b)"
                     r"(?:\d{1,3}(?:[,.]\d{3})+(?:[.,]\d+)?|\d+[.,]\d+|\d{3,})(?![\w.,]*\d)(?!\s?%)")
_SHARE = re.compile(r"\d(?:[.,]\d+)?\s?%")
# a content index line ("305-3 Scope 3 … NfB, S. 119"): it points to a page, it states nothing
_INDEX_LINE = re.compile(r"\b(?:GRI|S\.|p\.|pp\.|page|Seite)\s*\d|\b\d{3}-\d{1,2}\b", re.I)
# a line about a target or a cost ("by 2030", "目標", "工伤保险费") gives no level of the family
_NOT_A_LEVEL = re.compile(r"\bby 20\d\d\b|\btarget|\bgoal|\bziel|\breduc|目標|目标|基準|基准|減少|减少|降低|"
                         r"保险|保險|insurance", re.I)


@per_document
def _figure_lines(doc: Document) -> tuple[tuple[int, str], ...]:
    """(page, line) of the report's lines that may state a level: short, with a digit, not a
    content index line and not about a target or a cost. Read once for all of a report's gaps."""
    out = []
    for page in doc.pages:
        for raw in page.text.splitlines():
            if not re.search(r"\d", raw):
                continue
            line = re.sub(r"\s+", " ", raw).strip()
            if len(line) <= 200 and not _INDEX_LINE.search(line) and not _NOT_A_LEVEL.search(line):
                out.append((page.number, line))
    return tuple(out)


def _unread(gap: Gap, doc: Document) -> tuple[int, str] | None:
    """(page, line) where the report names the gap's family beside a number that may be its
    figure, or None: extraction missed some tables, and a gap is then no fact about the report."""
    gaps = wording()[0]["gaps"]
    pattern = gaps["figures"].get(gap.metric)
    if not pattern:
        return None
    rx, number = re.compile(pattern, re.I), _SHARE if gap.metric in gaps["shares"] else _FIGURE
    # "women in management" is not the share of women in the workforce
    narrower = re.compile(gaps["figures"][gap.metric + "_management"], re.I) \
        if gap.metric + "_management" in gaps["figures"] else None
    for page, line in _figure_lines(doc):
        if not (hit := rx.search(line)) or narrower and narrower.search(line):
            continue
        if number.search(line, hit.end(), hit.end() + 60):  # (a mark glued to the label is none)
            return page, line
    return None


def gap_sentences(gaps: Sequence[Gap], doc: Document, lang: str) -> list[Sentence]:
    """One sentence per undisclosed family, cited to where the related disclosure is (or the
    cover, for the report as a whole)."""
    tpl = wording()[0]
    zh = tpl["zh"]
    en = tpl["gaps"]
    cover = (Citation(doc.pages[0].number, re.sub(r"\s+", " ", doc.pages[0].text)[:200]),) \
        if doc.pages else ()
    if not gaps:
        return [Sentence(zh["gaps_none"] if lang == "zh" else en["none"], cover)] if cover else []
    out = []
    for g in gaps:
        label = zh["families"].get(g.metric, g.label) if lang == "zh" else lower_label(g.label)
        cites = tuple(Citation(p, q) for p, q in related_pages(g, doc)) or cover
        if not cites:
            continue
        words = zh if lang == "zh" else en
        options = []
        seen = _unread(g, doc) if not g.pages else None
        if seen is not None:
            options.append(Sentence(fill(words["unread"], label=label), (Citation(*seen),)))
        if g.period and g.pages:
            options.append(Sentence(fill(words["other_years"], label=label, period=g.period),
                                    cites))
        if g.period:
            options.append(Sentence(fill(words["missing"], label=label, period=g.period), cites))
        options.append(Sentence(fill(words["missing_no_year"], label=label), cites))
        sent = _first_verified(options, doc)
        if sent is not None:
            out.append(sent)
    return out
