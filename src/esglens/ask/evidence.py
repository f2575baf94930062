"""Evidence for answers: the pieces an answer is composed of, and the report sentences that best
support a question, cleaned so that an answer never quotes a glued heading or a table fragment.

A ``Piece`` is one sentence of an answer with the 1-based PDF page it cites; ``best_sentences``
ranks the sentences of retrieved chunks by idf-weighted overlap with the question and drops
sentences that are not prose (``compose.quality.why_malformed``), table rows ("a | b | c") and
lists of numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..compose.phrasing import clean_sentence
from ..compose.quality import subject_kind, why_malformed
from ..segment import split_sentences
from .retrieve import Index, tokenize

MIN_WORDS, MAX_WORDS = 6, 60
QUOTE_CHARS = 300


@dataclass(frozen=True)
class Piece:
    """One sentence of an answer (without its page tag), the page it cites and a quote there."""

    text: str
    page: int
    quote: str = ""
    score: float = 1.0


def clip(text: str, limit: int = QUOTE_CHARS) -> str:
    """Whitespace collapsed, cut at a word boundary to ``limit`` characters with an ellipsis."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


_TABLEISH = re.compile(r"\s\|\s|(?:\b\d[\d.,%]*\s+){4,}")
_BULLETS = re.compile(r"(?:^|\s)[•▪●■◦·]\s|(?:\s[•▪●■◦·]){2,}")


def why_not_quotable(sentence: str) -> str | None:
    """Why a cleaned sentence should not stand in an answer, or None when it can."""
    words = sentence.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return "length"
    if _TABLEISH.search(sentence) or _BULLETS.search(sentence):
        return "table or list fragment"
    if not re.match(r"[\"“‘(]?[A-Z0-9]", sentence) or not re.search(r"[.!?)”\"]$", sentence):
        return "not a whole sentence"
    if re.match(r"\(?\d{1,2}\)\s|\d{1,2}\s+[A-Z]|[*†‡]", sentence):
        return "a footnote"
    why = why_malformed(sentence)
    # the overview's tests are tuned for precision; "The plan sets a target" and "Levers include
    # energy efficiency, renewable electricity and fleet electrification." are fine in an answer
    if why == "no finite verb" or why == "few function words" and _has_verb(words):
        return None
    return why


_VERB = re.compile(r"^(?:is|are|was|were|has|have|had|will|can|[a-z]{3,}(?:ed|es|s))$")


def _has_verb(words: list[str]) -> bool:
    return any(_VERB.match(w) for w in words[1:])


def sentence_score(sentence: str, weights: dict[str, float], index: Index) -> float:
    """Idf-weighted share of query terms in the sentence, lightly favouring shorter sentences."""
    terms = set(tokenize(sentence))
    score = sum(w * index.idf(t) for t, w in weights.items() if t in terms)
    return score / (1.0 + 0.01 * max(0, len(sentence.split()) - 35))


def best_sentences(
    index: Index,
    hits: Sequence[tuple[int, float]],
    weights: dict[str, float],
    n: int = 3,
    top: int = 8,
    must: set[str] | None = None,
    min_share: float = 0.0,
    phrases: Sequence[tuple[str, ...]] = (),
    must_re: re.Pattern[str] | None = None,
) -> list[Piece]:
    """Up to ``n`` quotable sentences from the ``top`` retrieved chunks, best first, one per
    distinct text. ``must``: terms of which a sentence needs at least one (with ``min_share``,
    at least that idf-weighted share of them); ``must_re``: a pattern it must match; a sentence
    holding one of ``phrases`` whole ranks higher."""
    from .kinds import has_phrase

    scored: list[tuple[float, int, Piece]] = []
    for rank, (i, chunk_score) in enumerate(hits[:top]):
        chunk = index.chunks[i]
        if chunk.is_table:
            continue
        for raw in split_sentences(chunk.text):
            sentence = clean_sentence(raw, headings=[chunk.heading] if chunk.heading else [])
            if why_not_quotable(sentence):
                continue
            terms = set(tokenize(sentence))
            if must and not terms & must:
                continue
            if must_re is not None and not must_re.search(sentence):
                continue
            if must and min_share:
                total = sum(index.idf(t) for t in must)
                if sum(index.idf(t) for t in must & terms) < min_share * total:
                    continue
            score = sentence_score(sentence, weights, index) * (0.6 + 0.4 * chunk_score)
            score /= 1.0 + 0.15 * rank
            if phrases and any(has_phrase(sentence, p) for p in phrases):
                score *= 1.5
            if subject_kind(sentence, index.company) == "other":
                score *= 0.5  # another organisation's statement ("COP 28 resulted in ...")
            scored.append((score, rank, Piece(sentence, chunk.page, clip(raw), round(chunk_score, 4))))
    scored.sort(key=lambda t: (-t[0], t[1]))
    out: list[Piece] = []
    seen: set[str] = set()
    for _, _, piece in scored:
        key = re.sub(r"\W+", " ", piece.text.lower())[:80]  # near-duplicates from two chunks
        if key in seen:
            continue
        seen.add(key)
        out.append(piece)
        if len(out) == n:
            break
    return out
