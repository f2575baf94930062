"""The ESG overview: report sentences chosen by topic salience, plus template sentences from facts.

Stage: (Document, passages, metrics, targets, claims) -> Overview. Deterministic and offline.
Sentences are taken from the report (never generated), cleaned of bullets and footnote marks,
rewritten into the third person ("we" -> the company's name) and cited to their page. Template
sentences print metric values as the report printed them, so every number in every sentence can
be found on a cited page; ``verify_sentence`` checks exactly that and failing sentences are
dropped. Wording (templates, boilerplate patterns) lives in ``data/templates.yaml`` and
``data/boilerplate.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from .classify import TopicScorer, classify_passages, load_topics, tokenize
from .model import (
    Citation,
    Claim,
    Document,
    Metric,
    Overview,
    Passage,
    Section,
    Sentence,
    Target,
)

__all__ = ["compose_overview", "detect_company", "detect_period", "verify_sentence"]

SECTIONS = ("ESG_overview", "Environmental", "Social", "Governance", "Key metrics",
            "Targets and commitments", "Claims to watch")
PILLAR_SECTION = {"E": "Environmental", "S": "Social", "G": "Governance"}
SECTION_SIZE = 5
MIN_TOPIC_SCORE = 0.8
DUPLICATE_OVERLAP = 0.55  # share of content words two sentences may have in common


@lru_cache(maxsize=1)
def _data() -> tuple[dict[str, Any], dict[str, Any]]:
    """(templates.yaml, boilerplate.yaml) with the boilerplate patterns compiled once."""
    files = resources.files("esglens.data")
    tpl = yaml.safe_load(files.joinpath("templates.yaml").read_text("utf-8"))
    bp = yaml.safe_load(files.joinpath("boilerplate.yaml").read_text("utf-8"))
    bp["reject_re"] = re.compile("|".join(f"(?:{p})" for p in bp["reject"]))  # on lower()
    tpl["cues_re"] = {k: (re.compile(v["pattern"], re.I), float(v["weight"]))
                      for k, v in tpl["cues"].items()}
    return tpl, bp


# --------------------------------------------------------------------------- numbers

_NUMBER = re.compile(r"\d[\d,.]*")


def _canonical(num: str) -> str:
    num = num.rstrip(".,")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", num):
        num = num.replace(",", "")
    if re.fullmatch(r"\d+\.\d+", num):
        num = num.rstrip("0").rstrip(".")
    return num.lstrip("0") or "0"


def numbers_in(text: str) -> set[str]:
    """Numbers printed in ``text``, normalised so "1,234" == "1234" and "2.50" == "2.5"."""
    out = set()
    for m in _NUMBER.finditer(text):
        raw = m.group().rstrip(".,")
        out.add(_canonical(raw))
        if "," in raw and not re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
            out.update(_canonical(part) for part in raw.split(","))  # lists like "1,2"
    return out


_PAGE_NUMBERS: dict[tuple[str, int], set[str]] = {}


def page_numbers(doc: Document, page: int) -> set[str]:
    """Numbers on a 1-based PDF page of ``doc`` (cached per document hash and page)."""
    key = (doc.sha256 + doc.path, page)
    if key not in _PAGE_NUMBERS:
        if len(_PAGE_NUMBERS) > 5000:
            _PAGE_NUMBERS.clear()
        _PAGE_NUMBERS[key] = numbers_in(doc.page(page).text)
    return _PAGE_NUMBERS[key]


def verify_sentence(sentence: Sentence, doc: Document) -> bool:
    """True when the sentence is cited and every number in it is printed on a cited page."""
    if not sentence.citations:
        return False
    found: set[str] = set()
    for c in sentence.citations:
        try:
            found |= page_numbers(doc, c.page)
        except IndexError:
            return False
    return numbers_in(sentence.text) <= found


# --------------------------------------------------------------------------- sentences

_BULLET = re.compile(r"^[\s–—•→►▪■·*\-−>✓]+")
_SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_CONNECTOR = re.compile(
    r"^(in addition|additionally|furthermore|moreover|also|besides|as a result|in fact|"
    r"importantly|notably|overall|in particular|at the same time|to this end|therefore|"
    r"meanwhile|likewise|similarly)\s*,\s*", re.I)


_CAPS_LEAD = re.compile(r"^(?:[A-Z][A-Z&’'\-]+\s+)+(?=[A-Z][a-z])")  # "ANTI-CORRUPTION The"


def clean_sentence(text: str, headings: Sequence[str] = ()) -> str:
    """Strip bullets, footnote marks, PDF hyphenation, leading connectors and a heading glued
    to the front of a sentence (``headings`` are the short heading lines of its page)."""
    text = _SUPERSCRIPT.sub("", text)
    text = re.sub(r"(?<=[a-z%])\(\d{1,2}\)", "", text)  # "levels(6)": a footnote reference
    text = _BULLET.sub("", text)
    for heading in headings:
        rest = text[len(heading) + 1 :]
        if text.startswith(heading + " ") and rest[:1].isupper() and len(rest.split()) >= 8:
            text = rest
            break
    text = _CAPS_LEAD.sub("", text)
    text = re.sub(r"([a-z])- (?!and\b|or\b|to\b)([a-z])", r"\1\2", text)
    text = re.sub(r"\s+", " ", text).strip()
    m = _CONNECTOR.match(text)
    if m and len(text) > m.end():
        text = text[m.end()].upper() + text[m.end() + 1 :]
    return text


def is_prose(text: str) -> bool:
    """A complete, self-standing report sentence: no furniture, boilerplate or table debris."""
    return _is_shaped(text) and not _is_boilerplate(text)


def _is_boilerplate(text: str) -> bool:
    return _data()[1]["reject_re"].search(text.lower()) is not None


_START = re.compile(r"[“\"‘(]?[A-Z]")
_GLUED = re.compile(r"[a-z][A-Z][a-z]")
_DIGIT_WORD = re.compile(r"\S*\d\S*")
# two dots, digits split by a space ("201 9", a footnote "41" before "8.7"), a mid-sentence list
_DEBRIS = re.compile(r"\.\s*\.|(?<![\d,.])\d+ \d(?!\d{2}\b)|\s[–-] [A-Z]|:\s{2,}")


def _is_shaped(text: str) -> bool:
    """Sentence shape: capital start, full stop, 8-60 words, not mostly digits or capitals."""
    words = text.split()
    if not 8 <= len(words) <= 60 or not _START.match(text):
        return False
    if not text.endswith(".") or text.endswith(("..", "e.g.", "i.e.", "etc.")):
        return False
    if any(ch in text for ch in ("|", "…", "__", "\t", "•")) or _DEBRIS.search(text):
        return False
    if text.count("(") != text.count(")") or text.count("“") != text.count("”"):
        return False
    digits = len(_DIGIT_WORD.findall(text))
    caps = sum(w.isupper() and len(w) > 1 for w in words)
    if digits > 0.4 * len(words) or caps > 0.3 * len(words):
        return False
    if any(len(w) > 30 for w in words) or _GLUED.search(text.replace("Mc", "")):
        return False
    return sum(w[0].isupper() for w in words[1:]) <= 0.5 * len(words)  # else a heading


def is_dangling(text: str) -> bool:
    """True when the sentence opens by pointing at something it does not contain ("This ...")."""
    first = re.sub(r"[^a-z]", "", text.split()[0].lower()) if text else ""
    return first in set(_data()[1]["dangling_openers"])


def cue_score(text: str) -> dict[str, float]:
    """Which salience cues (commitment, achievement, quantity, ...) a sentence has, by weight."""
    out = {}
    for name, (pattern, weight) in _data()[0]["cues_re"].items():
        m = pattern.search(text)
        if m and (name != "quantity" or not re.fullmatch(r"(19|20)\d\d", m.group().strip())):
            out[name] = weight
    return out


def _possessive(name: str) -> str:
    return name + ("’" if name.endswith("s") else "’s")


def _third_person_verb(word: str) -> str:
    rules = _data()[0]["third_person"]
    low = word.lower()
    if low in rules["irregular"]:
        return str(rules["irregular"][low])
    if (low in rules["unchanged"] or low.endswith(("ed", "ly", "s")) or not low.isalpha()
            or word[0].isupper()):
        return word
    if low.endswith(("sh", "ch", "x", "z", "o")):
        return word + "es"
    if low.endswith("y") and low[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


_PRONOUN = re.compile(  # case-sensitive on purpose: "US" is a country, not "us"
    r"\b([Ww]e(?:['’](?:re|ve))?|[Oo]ur (?:company|[Gg]roup|organi[sz]ation|business)|[Oo]urs|"
    r"[Oo]ur|us|[Oo]urselves)\b")


def third_person(text: str, company: str) -> str:
    """Rewrite first-person company voice into the third person ("We aim" -> "Acme aims")."""
    rules = _data()[0]["third_person"]
    named = company.lower() in text.lower()
    out: list[str] = []
    pos = 0
    for m in _PRONOUN.finditer(text):
        word = m.group().lower().replace("’", "'")
        start = m.start() == 0
        out.append(text[pos : m.start()])
        if word.startswith("our ") and len(word) > 4 or word in ("we", "we're", "we've", "us"):
            repl = "it" if named else company
            if word.startswith("our ") and named:
                repl = "the " + word[4:]
            out.append(repl[0].upper() + repl[1:] if start else repl)
            named = True
            pos = m.end()
            if word.startswith("we"):
                if word != "we":
                    out.append(" " + ("is" if word.endswith("re") else "has"))
                rest = text[pos:]
                adverbs = "|".join(rules["adverbs"])
                skip = re.match(r"((?:\s+(?:" + adverbs + r"))*)\s+([A-Za-z]+)", rest)
                if skip and word == "we":
                    out.append(skip.group(1) + " " + _third_person_verb(skip.group(2)))
                    pos += skip.end()
            continue
        if word == "ourselves":
            out.append("itself")
        elif word in ("our", "ours"):
            repl = "its" if named else _possessive(company)
            out.append(repl[0].upper() + repl[1:] if start else repl)
            named = True
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


# --------------------------------------------------------------------------- identity


_COMPANY: dict[str, str] = {}


def detect_company(doc: Document) -> str:
    """The reporting company's name (cached per document; see ``_detect_company``)."""
    key = doc.sha256 + doc.path
    if key not in _COMPANY:
        if len(_COMPANY) > 256:
            _COMPANY.clear()
        _COMPANY[key] = _detect_company(doc)
    return _COMPANY[key]


def _detect_company(doc: Document) -> str:
    """The reporting company's name, as most often spelled in the body ("BHP", "Rio Tinto").

    Candidates are runs of capitalised words; they score for appearing in running headers,
    on the cover, before a legal suffix ("Ltd"), as a possessive, in the file name or metadata.
    """
    bp = _data()[1]
    stop = set(bp["name_stopwords"])
    suffixes = set(bp["legal_suffixes"])
    body = "\n".join(p.text for p in doc.pages[:40])  # enough to see the name; bounded time
    furniture = "\n".join(b.text for p in doc.pages for b in p.blocks if b.furniture)
    cover = "\n".join(p.text for p in doc.pages[:2])
    hints = " ".join([doc.path.rsplit("/", 1)[-1], doc.metadata.get("Author", ""),
                      doc.metadata.get("Subject", ""), doc.title]).lower()
    hint_tokens = set(re.findall(r"[a-z0-9]+", hints))
    scores: dict[str, float] = {}
    spelled: dict[str, dict[str, int]] = {}
    run = re.compile(r"(?<![\w&])([A-Z][\w&]*(?:[ \-][A-Z][\w&]*){0,2})(?![\w&])")
    for source, weight in ((body, 1.0), (furniture, 2.0), (cover, 5.0)):
        for m in run.finditer(source):
            words = m.group(1).split()
            for i in range(len(words)):
                for j in range(i + 1, len(words) + 1):
                    cand = words[i:j]
                    if any(w.lower() in stop or w.lower() in suffixes or w.isdigit() for w in cand):
                        continue
                    if len("".join(cand)) < 2:
                        continue
                    key = " ".join(cand).lower()
                    after = source[m.start(1) + len(" ".join(words[:j])) :][:12].lower()
                    bonus = 1.0
                    if re.match(r"\s*(?:['’]s?\b)", after):
                        bonus += 2.0
                    suffix = re.match(r"\s*([a-z.]+)", after)
                    if suffix and suffix.group(1).rstrip(",") in suffixes:
                        bonus += 2.0
                    scores[key] = scores.get(key, 0.0) + weight * bonus
                    spelled.setdefault(key, {})
                    form = " ".join(cand)
                    spelled[key][form] = spelled[key].get(form, 0) + (source is body)
    if not scores:
        return "The company"
    for key in scores:
        if set(key.split()) & hint_tokens:
            scores[key] *= 3.0
    top = sorted(scores, key=lambda k: -scores[k])[:40]
    for key in top:  # prefer "Rio Tinto" over "Tinto" when they mostly occur together
        for longer in top:
            inside = f" {key} " in f" {longer} "
            if key != longer and inside and scores[longer] >= 0.6 * scores[key]:
                scores[longer] = max(scores[longer], scores[key])
    best = max(scores, key=lambda k: (scores[k], len(k)))
    forms = spelled[best]
    mixed = {f: n for f, n in forms.items() if not f.isupper() or len(f) <= 5}
    return max(mixed or forms, key=lambda f: ((mixed or forms)[f], f))


_YEAR = re.compile(r"(?<!\d)(20[0-4]\d|19[89]\d)(?!\d)")


def detect_period(doc: Document) -> str | None:
    """The reporting year ("2024"), from the cover, running headers and "in/fiscal YYYY" phrases.

    The PDF title metadata is only a weak hint: it is often left over from an earlier year.
    """
    scores: dict[str, float] = {}
    created = re.search(r"(20\d\d)", doc.metadata.get("CreationDate", ""))
    latest = int(created.group(1)) if created else 2100

    def add(text: str, weight: float) -> None:
        text = re.sub(r"(20\d\d)\s*[-–/]\s*(20)?\d\d\b", r"\1", text)  # "2023-2024" is FY 2023
        for y in _YEAR.findall(text):
            if int(y) <= latest:
                scores[y] = scores.get(y, 0.0) + weight

    for page in doc.pages[:2]:
        add(" ".join(b.text for b in page.blocks if len(b.text) < 120), 4.0)
    add(" ".join({b.text for p in doc.pages for b in p.blocks if b.furniture}), 3.0)
    add(doc.path.rsplit("/", 1)[-1], 3.0)
    add(doc.title, 1.0)
    body = " ".join(p.text for p in doc.pages)
    phrase = r"\b(?:in|fiscal|financial year|fy|during|year ended [a-z0-9 ]*?)\s*(20[0-4]\d)\b"
    for y in re.findall(phrase, body, re.I)[:2000]:
        if int(y) <= latest:
            scores[y] = scores.get(y, 0.0) + 0.2
    return max(scores, key=lambda y: (scores[y], y)) if scores else None


# --------------------------------------------------------------------------- facts


def _fill(template: str, **values: object) -> str:
    text = template.format(**values)
    text = re.sub(r"\s+", " ", text).strip()
    return text[0].upper() + text[1:]


_SCALE_WORDS = {"x1000": "thousand", "x1e+03": "thousand", "x1e+06": "million",
                "x1e+09": "billion", "x1": ""}


def _printed(m: Metric) -> tuple[str, str]:
    """The value and unit as the report printed them (a "x1000" scale read as "thousand")."""
    if m.raw_value:
        unit = m.raw_unit or m.unit
        scale, _, rest = unit.partition(" ")
        if scale in _SCALE_WORDS:
            unit = f"{_SCALE_WORDS[scale]} {rest}".strip()
        if unit.split()[-1:] in (["rate"], ["ratio"]):
            unit = " ".join(unit.split()[:-1])
        return m.raw_value, unit
    value = f"{m.value:,.0f}" if m.value >= 100 else f"{m.value:,.2f}".rstrip("0").rstrip(".")
    return value, m.unit


def _unit(unit: str, value: str = "") -> str:
    """The unit as printed after a value: none for counts or when the value carries it."""
    unit = unit.strip()
    if unit.lower() in _data()[0]["metric"]["count_units"] or (unit and value.endswith(unit)):
        return ""
    return unit if unit in ("%", "") else " " + unit


def _metric_label(m: Metric) -> str:
    """The KPI catalog's label when the extract stage has one, else the report's row label."""
    label = m.label
    try:
        from .extract.catalog import kpi_by_id

        kpi = kpi_by_id().get(m.metric)
        label = kpi.label if kpi is not None else label
    except ImportError:  # the catalog is optional for composing
        pass
    return label[0].upper() + label[1:] if label else m.metric


def _metric_sentences(metrics: Sequence[Metric], doc: Document) -> list[Sentence]:
    """"<label> was <value> <unit> in <period>[, compared with ...]" for primary metrics."""
    tpl = _data()[0]["metric"]
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
        label = _metric_label(cur)
        head = re.sub(r"\s*\(.*?\)", "", label).split() or [label]
        verb = "were" if re.search(r"[^s]s$", head[-1]) else "was"
        value, unit = _printed(cur)
        cites = [Citation(page=cur.page, quote=cur.quote)]
        if unit.lower() in tpl["count_units"]:
            verb = "numbered"
        text = _fill(tpl["sentence"], label=label, verb=verb, value=value,
                     unit=_unit(unit, value), period=cur.period)
        prev = next((m for m in series[1:] if m.unit == cur.unit and m.period != cur.period), None)
        if prev is not None:
            pv, pu = _printed(prev)
            longer = _fill(tpl["with_previous"], label=label, verb=verb, value=value,
                           unit=_unit(unit, value), period=cur.period, prev_value=pv,
                           prev_unit=_unit(pu, pv), prev_period=prev.period)
            pc = cites + ([Citation(prev.page, prev.quote)] if prev.page != cur.page else [])
            candidate = Sentence(longer, tuple(pc))
            if verify_sentence(candidate, doc):
                out.append(candidate)
                continue
        out.append(Sentence(text, tuple(cites)))
    return out


def _target_sentences(targets: Sequence[Target], doc: Document, company: str) -> list[Sentence]:
    """A template sentence per distinct target, else its own quote in the third person."""
    tpl = _data()[0]["target"]
    out: list[Sentence] = []
    seen: set[str] = set()
    seen_keys: set[tuple[object, ...]] = set()
    for t in sorted(targets, key=lambda t: (-t.confidence, t.target_year or 9999, t.page)):
        scope = ""
        if t.scope:
            scopes = [x.strip() for x in re.split(r"[+,&]|\band\b", t.scope) if x.strip()]
            plural = "Scopes" if len(scopes) > 1 else "Scope"
            scope = (f"{plural} {' and '.join(scopes)} " if all(x.isdigit() for x in scopes)
                     else f"{t.scope} ")
        metric = (t.metric or "emissions").replace("_", " ")
        text = None
        if t.type in ("net_zero", "net-zero", "carbon_neutral") and t.target_year:
            text = _fill(tpl["net_zero"], company=company, scope=scope, target_year=t.target_year)
        elif t.reduction_pct is not None and t.target_year:
            pct = f"{t.reduction_pct:g}"
            key = "reduction" if t.base_year else "reduction_no_base"
            text = _fill(tpl[key], company=company, reduction_pct=pct, scope=scope,
                         metric=metric, target_year=t.target_year, base_year=t.base_year)
        cite = (Citation(page=t.page, quote=t.quote),)
        sent = Sentence(text, cite) if text else None
        if sent is None or not verify_sentence(sent, doc):
            quote = clean_sentence(t.quote)
            if not is_prose(quote) and not (quote.endswith(".") and 6 <= len(quote.split()) <= 60):
                continue
            sent = Sentence(third_person(quote, company), cite)
        fact = (t.type, t.scope, t.target_year, t.reduction_pct)
        if sent.text.lower() not in seen and fact not in seen_keys:
            seen.add(sent.text.lower())
            seen_keys.add(fact)
            out.append(sent)
    return out[:10]


def _claim_sentences(claims: Sequence[Claim], doc: Document, company: str) -> list[Sentence]:
    """One sentence per flagged claim, quoting it and naming why an analyst should check it."""
    out = []
    per_reason: dict[str, int] = {}
    for c in claims:
        text = clean_sentence(c.text).rstrip(".")
        if not 4 <= len(text.split()) <= 40 or not _START.match(text) or "“" in text:
            continue
        if per_reason.get(c.reason, 0) >= 3:
            continue
        per_reason[c.reason] = per_reason.get(c.reason, 0) + 1
        sentence = _fill(_data()[0]["claim"], company=company, text=text,
                         reason=c.reason.rstrip("."))
        out.append(Sentence(sentence, (Citation(page=c.page, quote=c.text),)))
    return out[:8]


@dataclass(frozen=True)
class Candidate:
    """A report sentence eligible for the overview, already rewritten, with its salience."""

    text: str
    quote: str
    page: int
    topic: str
    pillar: str
    score: float
    words: frozenset[str]
    quantified: bool
    commitment: bool
    identity: bool


def _candidates(doc: Document, passages: Sequence[Passage], company: str) -> list[Candidate]:
    """Every prose sentence of every passage that passes the quality filters, scored."""
    pillar = {t.id: t.pillar for t in load_topics()}
    prose = [p for p in passages if not p.is_table]
    scorer = TopicScorer(tokenize(p.text) + tokenize(p.heading) for p in prose)  # as classify
    n_pages = max(doc.page_count, 1)
    seen: set[str] = set()
    out: list[Candidate] = []
    headings: dict[int, list[str]] = {}
    for page in doc.pages:  # short heading lines that PDF text flow glues onto a sentence
        heads = {b.text.strip() for b in page.blocks
                 if len(b.text.split()) <= 6 and not b.text.rstrip().endswith((".", ",", ";"))}
        headings[page.number] = sorted(heads, key=len, reverse=True)
    for passage in prose:
        for raw in _split(passage.text):
            quote = clean_sentence(raw, headings.get(passage.page, ()))
            key = quote.lower()
            if key in seen or not _is_shaped(quote) or is_dangling(quote):
                continue
            seen.add(key)
            tokens = tokenize(quote)
            scores = scorer.score_tokens(tokens)
            if not scores:
                continue
            topic = max(scores, key=lambda t: scores[t])
            if scores[topic] < MIN_TOPIC_SCORE and not _data()[0]["cues_re"]["identity"][0].search(
                quote
            ):
                continue  # off-topic: skip the costlier checks below
            if _is_boilerplate(quote):
                continue
            cues = cue_score(quote)
            score = min(scores[topic], 3.0) + sum(cues.values())
            if passage.topics and passage.topics[0] == topic:
                score += 0.3
            score += 0.4 * (1 - passage.page / n_pages)  # highlights come first in reports
            words = len(quote.split())
            score -= 0.02 * abs(words - 28)
            if scores[topic] < MIN_TOPIC_SCORE and "identity" not in cues:
                continue
            text = third_person(quote, company)
            out.append(
                Candidate(text, quote, passage.page, topic, pillar[topic], score,
                          frozenset(t for t in tokens if len(t) > 3),
                          "quantity" in cues, "commitment" in cues, "identity" in cues)
            )
    return out


def _split(text: str) -> list[str]:
    from .segment import split_sentences

    return split_sentences(text)


class _Picker:
    """Greedy selection without repeats: no sentence twice, no near-duplicates, spread topics."""

    def __init__(self, candidates: list[Candidate]) -> None:
        self.ranked = sorted(candidates, key=lambda c: (-c.score, c.page, c.text))
        self.used: list[Candidate] = []

    def is_duplicate(self, cand: Candidate) -> bool:
        for u in self.used:
            if cand.quote == u.quote:
                return True
            shared = len(cand.words & u.words)
            if shared >= DUPLICATE_OVERLAP * min(len(cand.words), len(u.words), 100):
                return True
        return False

    def pick(
        self, n: int, want: Callable[[Candidate], bool], per_topic: int = 2
    ) -> list[Candidate]:
        """Up to ``n`` best candidates for which ``want(candidate)`` is true.

        A first pass spreads the choice over topics and pages; a second fills what is left.
        """
        chosen: list[Candidate] = []
        for spread in (True, False):
            for cand in self.ranked:
                if len(chosen) >= n:
                    return chosen
                if cand in chosen or not want(cand) or self.is_duplicate(cand):
                    continue
                if spread and (sum(c.topic == cand.topic for c in chosen) >= per_topic
                               or sum(c.page == cand.page for c in chosen) >= 2):
                    continue
                chosen.append(cand)
                self.used.append(cand)
        return chosen


def _sentence(c: Candidate) -> Sentence:
    return Sentence(text=c.text, citations=(Citation(page=c.page, quote=c.quote),))


def _in_pillar(pillar: str, quantified: bool = False) -> Callable[[Candidate], bool]:
    """A filter for candidates of one ESG pillar (optionally only those with a quantity)."""
    return lambda c: c.pillar == pillar and (c.quantified or not quantified)


def _overview_sentences(picker: _Picker) -> list[Candidate]:
    """Who the company is, its headline commitment, then quantified E, S and G highlights."""
    out = picker.pick(1, lambda c: c.identity)
    out += picker.pick(1, lambda c: c.commitment and c.pillar == "E" and c.quantified)
    for pillar, n in (("E", 2), ("S", 2), ("G", 1)):
        got = picker.pick(n, _in_pillar(pillar, quantified=True))
        if len(got) < n:
            got += picker.pick(n - len(got), _in_pillar(pillar))
        out += got
    return out


def compose_overview(
    doc: Document,
    passages: Sequence[Passage] = (),
    metrics: Sequence[Metric] = (),
    targets: Sequence[Target] = (),
    claims: Sequence[Claim] = (),
    *,
    company: str | None = None,
) -> Overview:
    """Compose the cited overview; sections in ``SECTIONS`` order, empty fact sections omitted.

    ``passages`` default to the document's own (segmented and classified here when not given or
    unclassified). Every returned sentence passes ``verify_sentence`` against ``doc``.
    """
    if not passages:
        from .segment import segment_document

        passages = segment_document(doc)
    if not any(p.topics for p in passages):
        passages = classify_passages(passages)
    company = company or detect_company(doc)
    picker = _Picker(_candidates(doc, passages, company))
    sections: dict[str, list[Sentence]] = {"ESG_overview": []}
    sections["ESG_overview"] = [_sentence(c) for c in _overview_sentences(picker)]
    for pillar, header in PILLAR_SECTION.items():
        got = picker.pick(SECTION_SIZE, _in_pillar(pillar))
        sections[header] = [_sentence(c) for c in sorted(got, key=lambda c: c.page)]
    sections["Key metrics"] = _metric_sentences(metrics, doc)
    sections["Targets and commitments"] = _target_sentences(targets, doc, company)
    sections["Claims to watch"] = _claim_sentences(claims, doc, company)
    out = []
    seen: set[str] = set()
    for header in SECTIONS:
        kept_list = []
        for s in sections.get(header, []):
            norm = re.sub(r"\W+", " ", s.text.lower())
            if norm not in seen and verify_sentence(s, doc):
                seen.add(norm)
                kept_list.append(s)
        kept = tuple(kept_list)
        if kept or header in ("ESG_overview", *PILLAR_SECTION.values()):
            out.append(Section(header=header, sentences=kept))
    return Overview(sections=tuple(out), mode="extractive")

