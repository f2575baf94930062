"""Claims to watch: environmental and social claims the report does not substantiate.

Stage: Document -> tuple[Claim, ...]. A sentence is flagged when (1) it is an environmental claim
— the detector is a logistic regression over word uni/bigrams (``data/claims_model.json``,
trained by ``scripts/train_claims.py`` on the environmental-claims train split, Stammbach et al.
2023) — or a claim about a social topic; (2) a rule of ``data/claims.yaml`` matches it (a vague
commitment, a net-zero claim without a year, a superlative, a generic green claim; rules follow
the EU Green Claims Directive proposal, 2023, and the UK CMA Green Claims Code); and (3) no
evidence clears it: not in the sentence (``unless``: a number, a year, a named rating) and not
anywhere else in the report (``cleared_by``: a net-zero target year on another page, a quantified
target on the same topic, a third-party rating). Each Claim says what would substantiate it.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import yaml

from ..model import Claim, Document
from ..segment import split_sentences


@dataclass(frozen=True)
class Rule:
    """One claim pattern: the reason shown, the evidence that clears it in the sentence
    (``unless``) or anywhere in the report (``cleared_by``, on the same topic when ``same_topic``),
    and what would substantiate it."""

    id: str
    pattern: re.Pattern[str]
    reason: str
    unless: re.Pattern[str] | None
    cleared_by: re.Pattern[str] | None = None
    same_topic: bool = False
    substantiate: str = ""
    requires: re.Pattern[str] | None = None
    needs_detector: bool = False
    cleared_needs: str = ""


def _rx(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern, re.I) if pattern else None


@cache
def load_rules() -> tuple[tuple[Rule, ...], tuple[tuple[str, re.Pattern[str]], ...]]:
    """Rules and topic patterns from ``data/claims.yaml`` (cached)."""
    text = resources.files("esglens.data").joinpath("claims.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    rules = tuple(
        Rule(r["id"], re.compile(r["pattern"], re.I), r["reason"], _rx(r.get("unless")),
             _rx(r.get("cleared_by")), bool(r.get("same_topic")), r.get("substantiate", ""),
             _rx(r.get("requires")), bool(r.get("needs_detector")), str(r.get("cleared_needs", "")))
        for r in data["rules"]
    )
    topics = tuple((name, re.compile(p, re.I)) for name, p in data["topics"].items())
    return rules, topics


@cache
def _settings() -> dict[str, re.Pattern[str]]:
    text = resources.files("esglens.data").joinpath("claims.yaml").read_text("utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {k: re.compile(data[k], re.I) for k in ("social", "not_a_claim", "own", "environmental")}


# --------------------------------------------------------------------------- the detector


def features(text: str) -> list[str]:
    """Binary features of the detector: lower-cased word unigrams and bigrams, numbers as <num>."""
    plain = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    words = ["<num>" if w[0].isdigit() else w for w in re.findall(r"[a-z][a-z'-]*|\d+", plain)]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@cache
def _model() -> tuple[dict[str, float], float, float]:
    raw = json.loads(resources.files("esglens.data").joinpath("claims_model.json").read_text("utf-8"))
    return raw["weights"], float(raw["bias"]), float(raw["threshold"])


def claim_probability(sentence: str) -> float:
    """Probability (0..1) that ``sentence`` is an environmental claim."""
    weights, bias, _ = _model()
    z = bias + sum(weights.get(f, 0.0) for f in set(features(sentence)))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def is_environmental_claim(sentence: str) -> bool:
    """True when the detector calls ``sentence`` an environmental claim."""
    return claim_probability(sentence) >= _model()[2]


# --------------------------------------------------------------------------- flags


@lru_cache(maxsize=8192)
def topic_of(sentence: str) -> str | None:
    """The first topic of ``data/claims.yaml`` the sentence names, or None."""
    return next((name for name, p in load_rules()[1] if p.search(sentence)), None)


Evidence = dict[str, list[tuple[int, str, str | None]]]


def find_evidence(sentences: list[tuple[int, str]]) -> Evidence:
    """Per rule, the report's sentences that would clear its flags, as (page, text, topic)."""
    rules, _ = load_rules()
    out: Evidence = {}
    for rule in rules:
        if rule.cleared_by is None:
            continue
        pattern, needs = rule.cleared_by, rule.cleared_needs
        out[rule.id] = [(page, s, topic_of(s)) for page, s in sentences
                        if needs in s and pattern.search(s)]
    return out


def classify_claim(sentence: str, evidence: Evidence | None = None) -> tuple[str, str | None, str] | None:
    """(reason, topic, what would substantiate it) when ``sentence`` should be watched, else None.

    ``evidence`` (``find_evidence`` of the report) clears a flag when another sentence of the
    report holds the rule's ``cleared_by`` (on the claim's topic when the rule says so).
    """
    rules, _ = load_rules()
    settings = _settings()
    if settings["not_a_claim"].search(sentence) or not settings["own"].search(sentence):
        return None
    sentence = after_glued_heading(sentence)
    topic = topic_of(sentence)
    for rule in rules:
        m = rule.pattern.search(sentence)
        if not m or (rule.unless and rule.unless.search(sentence)):
            continue
        if m.start() > 0 and m.group(0)[:1].isupper():
            continue  # "our Leading in Sustainability training": a programme's name
        if rule.requires and not rule.requires.search(sentence):
            continue
        if rule.needs_detector and not (
            _is_social_claim(sentence, m)
            or settings["environmental"].search(sentence) and is_environmental_claim(sentence)
        ):
            return None  # a commercial boast, a governance statement or not a claim at all
        found = (evidence or {}).get(rule.id, [])
        if any(text != sentence and (not rule.same_topic or topic is None or t == topic)
               for _, text, t in found):
            continue
        return rule.reason, topic, rule.substantiate
    return None


_GLUE = re.compile(r"(?<=[a-z]) (?=(?:Our|We|The|This|In|At|As|For|With|By) [a-z])")


def after_glued_heading(sentence: str) -> str:
    """The sentence without a heading the PDF ran into it ("Contribution through sustainable
    products Our product example: ..." -> "Our product example: ...")."""
    m = _GLUE.search(sentence[:80])
    return sentence[m.end():] if m else sentence


def _is_social_claim(sentence: str, match: re.Match[str]) -> bool:
    """A social word in prose within ~40 characters of the flagged words ("leading employer of
    women"); a heading in capitals glued to the sentence does not count."""
    window = sentence[max(0, match.start() - 40) : match.end() + 40]
    window = re.sub(r"\b[A-Z]{2,}\b", " ", window)
    return bool(_settings()["social"].search(window))


def report_sentences(doc: Document) -> list[tuple[int, str]]:
    """Every prose sentence of the report (no headings, running headers or footers), with its page."""
    out = []
    for page in doc.pages:
        prose = " ".join(b.text for b in page.blocks if not b.furniture and b.kind != "heading")
        out += [(page.number, s) for s in split_sentences(prose)]
    return out


def extract_claims(doc: Document, max_claims: int = 50) -> tuple[Claim, ...]:
    """Flagged sentences in page order (at most ``max_claims``; repeated text kept once)."""
    sentences = report_sentences(doc)
    evidence = find_evidence(sentences)
    out: list[Claim] = []
    seen: set[str] = set()
    for page, sentence in sentences:
        if not 30 <= len(sentence) <= 400 or sentence.lower() in seen:
            continue
        found = classify_claim(sentence, evidence)
        if found:
            seen.add(sentence.lower())
            out.append(Claim(after_glued_heading(sentence), found[0], page, found[1], found[2] or None))
            if len(out) >= max_claims:
                break
    return tuple(out)
