"""ESG topics per passage: lexical BM25-style scoring over the taxonomy in ``data/topics.yaml``.

Stage: tuple[Passage, ...] -> tuple[Passage, ...] with ``topics`` set, best first. Offline and
torch-free on purpose: a keyword phrase only counts when it matches whole tokens ("ey" never
matches inside "key"), term frequency saturates as in Okapi BM25 (Robertson & Zaragoza 2009,
k1 = 1.2, b = 0.75) and each phrase is weighted by its inverse document frequency over the
passages being classified, so a word on every page of a climate report ("emissions") counts less
than one that marks a passage ("tailings"). Chinese text is matched by substring against the
topics' ``keywords_zh`` because it has no word spaces.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import ClassVar

import yaml

from .model import Passage

K1 = 1.2
B = 0.75
MAX_TOPICS = 3
MIN_SCORE = 0.5  # below this a passage is left without topics
RELATIVE = 0.4  # runner-up topics must score at least this share of the best
HEADING_WEIGHT = 1.5  # a heading's words count this many times the body's

_TOKEN = re.compile(r"[a-z0-9]+(?:[&+][a-z0-9]*)?")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉³", "01234567893")


@dataclass(frozen=True)
class Topic:
    """One taxonomy entry; ``keywords`` are (token tuple, weight) pairs after stemming."""

    id: str
    pillar: str
    label: str
    description: str
    keywords: tuple[tuple[tuple[str, ...], float], ...]
    keywords_zh: tuple[str, ...] = ()
    gri: tuple[str, ...] = ()
    esrs: tuple[str, ...] = ()
    sasb: tuple[str, ...] = ()
    tcfd: tuple[str, ...] = ()


def _stem(token: str) -> str:
    """Light plural folding so "emissions" matches "emission" and "communities" "community"."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


@lru_cache(maxsize=1 << 16)
def _tokens(text: str) -> tuple[str, ...]:
    stem = _stem_cached
    return tuple(stem(t) for t in _TOKEN.findall(text.translate(_SUBSCRIPTS).lower()))


_stem_cached = lru_cache(maxsize=1 << 16)(_stem)


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed word tokens; CO₂ becomes co2 and hyphens split words (cached)."""
    return list(_tokens(text))


def _keyword(entry: str | dict[str, float]) -> tuple[tuple[str, ...], float]:
    if isinstance(entry, dict):
        ((phrase, weight),) = entry.items()
    else:
        phrase, weight = entry, 1.0
    return tuple(tokenize(str(phrase))), float(weight)


@lru_cache(maxsize=1)
def load_topics() -> tuple[Topic, ...]:
    """The taxonomy from ``esglens/data/topics.yaml``, in file order (E, then S, then G)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: 10x faster
    raw = yaml.load(resources.files("esglens.data").joinpath("topics.yaml").read_text("utf-8"),
                    Loader=loader)
    topics = []
    for t in raw["topics"]:
        keywords = tuple(k for k in (_keyword(e) for e in t.get("keywords", [])) if k[0])
        topics.append(
            Topic(
                id=t["id"],
                pillar=t["pillar"],
                label=t["label"],
                description=t.get("description", ""),
                keywords=keywords,
                keywords_zh=tuple(t.get("keywords_zh", [])),
                gri=tuple(t.get("gri", [])),
                esrs=tuple(t.get("esrs", [])),
                sasb=tuple(t.get("sasb", [])),
                tcfd=tuple(t.get("tcfd", [])),
            )
        )
    return tuple(topics)


def topic_by_id(topic_id: str) -> Topic:
    """The taxonomy entry with this id (raises KeyError for an unknown id)."""
    for t in load_topics():
        if t.id == topic_id:
            return t
    raise KeyError(topic_id)


class TopicScorer:
    """Scores texts against every topic, with phrase IDF taken from a corpus of texts.

    Build it once per document (``TopicScorer(texts)``) and call ``score`` per passage or
    sentence; without a corpus every phrase gets the same weight.
    """

    def __init__(self, corpus: Iterable[str | Sequence[str]] = ()) -> None:
        self.topics = load_topics()
        # first token -> [(phrase tokens, topic index, weight)], for one left-to-right scan
        self._index: dict[str, list[tuple[tuple[str, ...], int, float]]] = {}
        for i, topic in enumerate(self.topics):
            for phrase, weight in topic.keywords:
                self._index.setdefault(phrase[0], []).append((phrase, i, weight))
        self._n = 0
        self._df: Counter[tuple[str, ...]] = Counter()
        lengths = 0
        for text in corpus:
            tokens = tokenize(text) if isinstance(text, str) else text
            self._df.update(self._phrases(tokens).keys())
            self._n += 1
            lengths += len(tokens)
        self._avglen = lengths / self._n if self._n and lengths else 60.0

    _seen: ClassVar[dict[tuple[str, ...], Counter[tuple[str, ...]]]] = {}

    def _phrases(self, tokens: Sequence[str]) -> Counter[tuple[str, ...]]:
        key = tuple(tokens)
        if key in self._seen:  # the taxonomy is fixed, so phrase counts can be shared
            return self._seen[key]
        if len(self._seen) > 50_000:
            self._seen.clear()
        self._seen[key] = found = self._count(key)
        return found

    def _count(self, tokens: Sequence[str]) -> Counter[tuple[str, ...]]:
        found: Counter[tuple[str, ...]] = Counter()
        for pos, tok in enumerate(tokens):
            for phrase, _, _ in self._index.get(tok, ()):
                if tuple(tokens[pos : pos + len(phrase)]) == phrase:
                    found[phrase] += 1
        return found

    def _idf(self, phrase: tuple[str, ...]) -> float:
        if self._n == 0:
            return 1.0
        df = self._df.get(phrase, 0)
        return max(0.2, math.log(1 + (self._n - df + 0.5) / (df + 0.5)) / math.log(1 + self._n))

    def score(self, text: str, heading: str = "") -> dict[str, float]:
        """Topic id -> score (0 when absent); phrases of 2+ tokens count extra as more specific."""
        if _CJK.search(text):
            return self._score_zh(heading + " " + text)
        return self.score_tokens(tokenize(text), tokenize(heading))

    def score_tokens(self, tokens: Sequence[str], heading: Sequence[str] = ()) -> dict[str, float]:
        """``score`` on already tokenized text (see ``tokenize``)."""
        norm = K1 * (1 - B + B * max(len(tokens), 1) / self._avglen)
        counts: dict[tuple[int, tuple[str, ...]], float] = {}
        weights: dict[tuple[int, tuple[str, ...]], float] = {}
        for source, factor in ((tokens, 1.0), (heading, HEADING_WEIGHT)):
            for pos, tok in enumerate(source):
                for phrase, i, weight in self._index.get(tok, ()):
                    if tuple(source[pos : pos + len(phrase)]) == phrase:
                        key = (i, phrase)
                        counts[key] = counts.get(key, 0.0) + factor
                        weights[key] = weight * (1 + 0.5 * (len(phrase) - 1)) * self._idf(phrase)
        scores: dict[str, float] = {}
        for (i, phrase), tf in counts.items():
            tid = self.topics[i].id
            scores[tid] = scores.get(tid, 0.0) + weights[(i, phrase)] * tf * (K1 + 1) / (tf + norm)
        return scores

    def _score_zh(self, text: str) -> dict[str, float]:
        norm = K1 * (1 - B + B * max(len(text) / 2, 1) / self._avglen)
        scores: dict[str, float] = {}
        for topic in self.topics:
            total = 0.0
            for kw in topic.keywords_zh:
                tf = text.count(kw)
                if tf:
                    total += (0.6 + 0.2 * len(kw)) * tf * (K1 + 1) / (tf + norm)
            if total:
                scores[topic.id] = total
        return scores

    def rank(self, text: str, heading: str = "", max_topics: int = MAX_TOPICS) -> tuple[str, ...]:
        """Topic ids that clear MIN_SCORE and RELATIVE x best, best first (ties by file order)."""
        return self._rank(self.score(text, heading), max_topics)

    def _rank(self, scores: dict[str, float], max_topics: int) -> tuple[str, ...]:
        if not scores:
            return ()
        best = max(scores.values())
        if best < MIN_SCORE:
            return ()
        order = {t.id: n for n, t in enumerate(self.topics)}
        ranked = sorted(scores, key=lambda t: (-scores[t], order[t]))
        return tuple(t for t in ranked if scores[t] >= RELATIVE * best)[:max_topics]


def classify_passages(
    passages: Sequence[Passage], *, max_topics: int = MAX_TOPICS
) -> tuple[Passage, ...]:
    """Return the passages with ``topics`` set to up to ``max_topics`` topic ids, best first.

    IDF comes from the passages themselves, so classify a whole document at once.
    """
    tokens = [(tokenize(p.text), tokenize(p.heading)) for p in passages]
    scorer = TopicScorer(body + head for body, head in tokens)
    out = []
    for p, (body, head) in zip(passages, tokens, strict=True):
        scores = scorer.score(p.text, p.heading) if _CJK.search(p.text) else scorer.score_tokens(
            body, head
        )
        out.append(replace(p, topics=scorer._rank(scores, max_topics)))
    return tuple(out)
