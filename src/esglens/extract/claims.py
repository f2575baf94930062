"""Claims to watch: vague commitments, undated net-zero claims, superlatives without evidence.

Stage: Document -> tuple[Claim, ...]. Rules live in ``data/claims.yaml`` (pattern, reason, and
``unless``: evidence in the same sentence that clears the flag). One Claim per flagged sentence,
with its 1-based page and a topic from the same file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from ..model import Claim, Document
from ..segment import split_sentences


@dataclass(frozen=True)
class Rule:
    """One claim pattern with the reason shown and the evidence pattern that clears it."""

    id: str
    pattern: re.Pattern[str]
    reason: str
    unless: re.Pattern[str] | None


@cache
def load_rules() -> tuple[tuple[Rule, ...], tuple[tuple[str, re.Pattern[str]], ...]]:
    """Rules and topic patterns from ``data/claims.yaml`` (cached)."""
    text = resources.files("esglens.data").joinpath("claims.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    rules = tuple(
        Rule(
            r["id"],
            re.compile(r["pattern"], re.I),
            r["reason"],
            re.compile(r["unless"], re.I) if r.get("unless") else None,
        )
        for r in data["rules"]
    )
    topics = tuple((name, re.compile(p, re.I)) for name, p in data["topics"].items())
    return rules, topics


def classify_claim(sentence: str) -> tuple[str, str | None] | None:
    """(reason, topic) when ``sentence`` should be watched, else None."""
    rules, topics = load_rules()
    for rule in rules:
        if rule.pattern.search(sentence) and not (rule.unless and rule.unless.search(sentence)):
            topic = next((name for name, p in topics if p.search(sentence)), None)
            return rule.reason, topic
    return None


def extract_claims(doc: Document, max_claims: int = 50) -> tuple[Claim, ...]:
    """Flagged sentences in page order (at most ``max_claims``; repeated text kept once)."""
    out: list[Claim] = []
    seen: set[str] = set()
    for page in doc.pages:
        prose = " ".join(b.text for b in page.blocks if not b.furniture and b.kind != "heading")
        for sentence in split_sentences(prose):
            if not 30 <= len(sentence) <= 400 or sentence.lower() in seen:
                continue
            found = classify_claim(sentence)
            if found:
                seen.add(sentence.lower())
                out.append(Claim(sentence, found[0], page.number, found[1]))
                if len(out) >= max_claims:
                    return tuple(out)
    return tuple(out)
