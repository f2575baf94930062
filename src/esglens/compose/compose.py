"""The ESG overview: report sentences chosen by topic salience, plus template sentences from facts.

Stage: (Document, passages, metrics, targets, claims) -> Overview. Deterministic and offline.
Sentences are taken from the report (never generated), cleaned (``phrasing``), kept only when
well formed and about the company (``quality``), rewritten into the third person and cited to
their page. The ESG_overview section reads as 2-4 paragraphs (``Sentence.paragraph``): who the
company is and its headline commitment, then quantified achievements, then initiatives across
Social and Governance. Template sentences (``facts``) print values as the report printed them, so
every number in every sentence is found on a cited page; ``verify_sentence`` checks exactly that
and failing sentences are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ..classify import TopicScorer, classify_passages, load_topics, tokenize
from ..model import Citation, Claim, Document, Metric, Overview, Passage, Section, Sentence, Target
from .facts import claim_sentences, fill, headline_target, metric_sentences, target_sentences
from .identity import detect_company, report_title
from .phrasing import (
    clean_sentence,
    cue_score,
    possessive,
    third_person,
    verify_sentence,
    wording,
)
from .quality import is_dangling, is_prose, is_shaped, mentions_company, subject_kind

__all__ = ["SECTIONS", "compose_overview"]

SECTIONS = ("ESG_overview", "Environmental", "Social", "Governance", "Key metrics",
            "Targets and commitments", "Claims to watch")
PILLAR_SECTION = {"E": "Environmental", "S": "Social", "G": "Governance"}
SECTION_SIZE = 5
MIN_TOPIC_SCORE = 0.8
PILLAR_MARGIN = 1.3  # the winning pillar must outscore the runner-up by this factor
DUPLICATE_OVERLAP = 0.55  # share of content words two sentences may have in common
IDENTITY_PAGES = 12  # "who we are" statements are looked for on the first pages only


@dataclass(frozen=True)
class Candidate:
    """A report sentence eligible for the overview, already rewritten, with its salience.

    ``pillar`` is "" when the topic evidence is too weak or split between pillars; ``about`` is
    true when the sentence names or refers to the company, ``subject`` says who its clause is
    about (see ``quality.subject_kind``).
    """

    text: str
    quote: str
    page: int
    topic: str
    pillar: str
    score: float
    words: frozenset[str]
    quantified: bool
    commitment: bool
    achievement: bool
    identity: bool
    about: bool
    subject: str

    @property
    def on_target(self) -> bool:
        """About the company, or a quantified result whose subject is no other organisation."""
        return self.subject != "affiliate" and (self.about or self.quantified)


def _pillar(scores: dict[str, float], pillar_of: dict[str, str]) -> tuple[str, str]:
    """(best topic, its pillar or "" when the pillars are too close to call)."""
    topic = max(scores, key=lambda t: scores[t])
    sums: dict[str, float] = {}
    for t, s in scores.items():
        sums[pillar_of[t]] = sums.get(pillar_of[t], 0.0) + s
    ranked = sorted(sums.values(), reverse=True)
    best = pillar_of[topic]
    if sums[best] < ranked[0] or len(ranked) > 1 and ranked[0] < PILLAR_MARGIN * ranked[1]:
        return topic, ""
    return topic, best


def _headings(doc: Document) -> dict[int, list[str]]:
    """Short heading lines per page, longest first: PDF text flow glues them onto sentences."""
    out: dict[int, list[str]] = {}
    for page in doc.pages:
        heads = {b.text.strip() for b in page.blocks
                 if len(b.text.split()) <= 6 and not b.text.rstrip().endswith((".", ",", ";"))}
        out[page.number] = sorted(heads, key=len, reverse=True)
    return out


def _candidates(doc: Document, passages: Sequence[Passage], company: str) -> list[Candidate]:
    """Every well-formed, on-topic prose sentence of every passage, scored."""
    pillar_of = {t.id: t.pillar for t in load_topics()}
    prose = [p for p in passages if not p.is_table]
    scorer = TopicScorer(tokenize(p.text) + tokenize(p.heading) for p in prose)  # as classify
    identity_re = wording()[0]["cues_re"]["identity"][0]
    n_pages = max(doc.page_count, 1)
    seen: set[str] = set()
    out: list[Candidate] = []
    headings = _headings(doc)
    for passage in prose:
        for raw in _split(passage.text):
            quote = clean_sentence(raw, headings.get(passage.page, ()), company)
            key = quote.lower()
            if key in seen or not is_shaped(quote) or is_dangling(quote):
                continue
            seen.add(key)
            tokens = tokenize(quote)
            scores = scorer.score_tokens(tokens)
            identity = passage.page <= IDENTITY_PAGES and identity_re.search(quote) is not None
            if not scores and not identity:
                continue
            topic, pillar = _pillar(scores, pillar_of) if scores else ("", "")
            if scores and scores[topic] < MIN_TOPIC_SCORE:
                pillar = ""
            if not (pillar or identity) or not is_prose(quote, shaped=True):
                continue  # off-topic (checked first: it is cheaper), malformed or boilerplate
            subject = subject_kind(quote, company)
            if subject == "other" or not (pillar or identity):
                continue  # another organisation's news, or off-topic
            about = mentions_company(quote, company) or re.search(r"\b([Ww]e|[Oo]ur)\b", quote)
            cues = cue_score(quote)
            score = min(scores.get(topic, 0.0), 3.0) + sum(cues.values())
            if passage.topics and passage.topics[0] == topic:
                score += 0.3
            score += 0.4 * (1 - passage.page / n_pages)  # highlights come first in reports
            score += 0.5 * bool(about) + 0.4 * (subject == "company")
            score -= 0.02 * abs(len(quote.split()) - 28)
            out.append(
                Candidate(third_person(quote, company), quote, passage.page, topic, pillar, score,
                          frozenset(t for t in tokens if len(t) > 3), "quantity" in cues,
                          "commitment" in cues, "achievement" in cues,
                          identity and subject == "company", bool(about), subject)
            )
    return out


def _split(text: str) -> list[str]:
    from ..segment import split_sentences

    return split_sentences(text)


class _Picker:
    """Greedy selection without repeats: no sentence twice, no near-duplicates, spread topics."""

    def __init__(self, candidates: list[Candidate]) -> None:
        self.ranked = sorted(candidates, key=lambda c: (-c.score, c.page, c.text))
        self.used: list[Candidate] = []
        self.texts: list[frozenset[str]] = []

    def is_duplicate(self, cand: Candidate) -> bool:
        for u in self.used:
            if cand.quote == u.quote:
                return True
        for words in self.texts:
            if len(cand.words & words) >= DUPLICATE_OVERLAP * min(len(cand.words), len(words), 100):
                return True
        return False

    def block(self, text: str) -> None:
        """Treat a template sentence as used, so report sentences saying the same are skipped."""
        self.texts.append(frozenset(t for t in tokenize(text) if len(t) > 3))

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
                self.texts.append(cand.words)
        return chosen


def _sentence(c: Candidate, paragraph: int = 0) -> Sentence:
    return Sentence(text=c.text, citations=(Citation(page=c.page, quote=c.quote),),
                    paragraph=paragraph)


def _in_pillar(pillar: str, strict: bool = True) -> Callable[[Candidate], bool]:
    """A filter for candidates of one ESG pillar (``strict``: only on-target ones)."""
    return lambda c: c.pillar == pillar and (c.on_target or not strict)


def _identity(picker: _Picker) -> list[Candidate]:
    """The sentence saying who the company is and what it does, earliest pages first."""
    ids = sorted((c for c in picker.ranked if c.identity), key=lambda c: (c.page, -c.score))
    if ids:
        picker.used.append(ids[0])
        picker.texts.append(ids[0].words)
        return ids[:1]
    return []


def _scope(doc: Document, passages: Sequence[Passage], company: str) -> Sentence | None:
    """The report's own statement of its scope, with "this report" made "<company>'s <title>"."""
    rx = re.compile(wording()[0]["opening"]["scope_pattern"], re.I)
    for passage in passages:
        if passage.page > IDENTITY_PAGES or passage.is_table or not rx.search(passage.text):
            continue
        for raw in _split(passage.text):
            quote = clean_sentence(raw, (), company)
            m = rx.search(quote)
            if m is None:
                continue
            words = m.group(0).split()[1:]
            title = report_title(doc) if len(words) == 1 else ""
            name = title or " ".join(words).lower() if len(words) == 1 else " ".join(words)
            text = third_person(f"{quote[: m.start()]}{possessive(company)} {name}"
                                f"{quote[m.end() :]}", company)
            cites = [Citation(passage.page, quote)]
            if title and doc.pages and doc.pages[0].number != passage.page:
                cites.append(Citation(doc.pages[0].number, title))  # the title is on the cover
            sent = Sentence(text[0].upper() + text[1:], tuple(cites))
            if is_prose(sent.text) and verify_sentence(sent, doc):
                return sent
    return None


def _fallback(doc: Document, company: str) -> Sentence | None:
    """A template naming the company and the report's cover title, cited to the cover."""
    title = report_title(doc)
    if not title or not doc.pages:
        return None
    text = fill(wording()[0]["opening"]["fallback"], company=company, title=title)
    return Sentence(text, (Citation(doc.pages[0].number, title),))


_FUTURE = re.compile(r"\b(?:will|would|plans? to|intends? to|proposes?|expected to)\b", re.I)


def _overview(
    doc: Document, passages: Sequence[Passage], picker: _Picker, company: str,
    headline: Sentence | None,
) -> list[Sentence]:
    """Who the company is and its headline commitment; quantified achievements; S and G."""
    out = [_sentence(c, 0) for c in _identity(picker)]
    scope = _scope(doc, passages, company)
    if scope is None and not out:
        scope = _fallback(doc, company)
    if scope is not None:
        out.append(scope)
        picker.block(scope.text)
    if headline is not None:
        out.append(replace(headline, paragraph=0))
        picker.block(headline.text)
    else:
        out += [_sentence(c, 0) for c in picker.pick(
            1, lambda c: c.commitment and c.pillar == "E" and c.subject == "company")]
    para = 1 if out else 0
    # the company's own results with numbers (reductions, renewables, investment, safety), not
    # its plans: a sentence with a commitment cue ("will", "target", "by 2030") comes last
    def result(c: Candidate) -> bool:
        return (c.quantified and c.achievement and c.about and c.on_target
                and not c.commitment and not _FUTURE.search(c.text))

    results = picker.pick(2, lambda c: c.pillar == "E" and result(c))
    results += picker.pick(2 - len(results), lambda c: c.pillar != "" and result(c))
    results += picker.pick(2 - len(results), lambda c: c.pillar == "E" and c.quantified
                           and c.about and c.on_target and not c.commitment
                           and not _FUTURE.search(c.text))
    results += picker.pick(3 - len(results), lambda c: c.quantified and c.achievement
                           and c.about and c.on_target and c.pillar != ""
                           and not c.commitment and not _FUTURE.search(c.text))
    out += [_sentence(c, para) for c in sorted(results, key=lambda c: c.page)]
    para += bool(results)
    social = picker.pick(1, lambda c: c.pillar == "S" and c.on_target and c.achievement)
    social = social or picker.pick(1, _in_pillar("S"))
    gov = picker.pick(1, lambda c: c.pillar == "G" and c.about and c.on_target)
    gov = gov or picker.pick(1, _in_pillar("G"))
    out += [_sentence(c, para) for c in social + gov]
    if len(out) < 3:  # a thin report: fill with its most salient remaining sentences
        out += [_sentence(c, para) for c in picker.pick(3 - len(out), lambda c: c.on_target)]
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
        from ..segment import segment_document

        passages = segment_document(doc)
    if not any(p.topics for p in passages):
        passages = classify_passages(passages)
    company = company or detect_company(doc)
    picker = _Picker(_candidates(doc, passages, company))
    headline = headline_target(targets, doc, company)
    if headline is not None and not verify_sentence(headline, doc):
        headline = None
    sections = {"ESG_overview": _overview(doc, passages, picker, company, headline)}
    for pillar, header in PILLAR_SECTION.items():
        got = picker.pick(SECTION_SIZE, _in_pillar(pillar))
        if len(got) < 2:  # never leave a pillar empty: relax the on-target rule
            got += picker.pick(2 - len(got), _in_pillar(pillar, strict=False))
        sections[header] = [_sentence(c) for c in sorted(got, key=lambda c: c.page)]
    sections["Key metrics"] = metric_sentences(metrics, doc)
    sections["Targets and commitments"] = target_sentences(targets, doc, company)
    sections["Claims to watch"] = claim_sentences(claims, doc, company)
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
