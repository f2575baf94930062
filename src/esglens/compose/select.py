"""Which report sentences may enter the overview: candidates scored by topic salience.

Every prose sentence of every passage is cleaned (``phrasing``), kept only when well formed,
about the company and on an ESG topic (``quality``), and off the salience blacklist
(``offtopic`` in ``data/boilerplate.yaml``: product marketing, market and competition
commentary, financial guidance), then rewritten into the third person and scored. ``Picker``
chooses among them without repeats or near-duplicates, spreading topics and pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..classify import TopicScorer, load_topics, tokenize
from ..model import Document, Passage
from .phrasing import clean_sentence, cue_score, english_figures, numbers_in, third_person, wording
from .quality import (
    accounts_pages,
    company_names,
    has_finite_verb,
    is_dangling,
    is_off_topic,
    is_prose,
    is_shaped,
    mentions_company,
    subject_kind,
)

__all__ = ["Candidate", "Picker", "candidates", "split"]

MIN_TOPIC_SCORE = 0.8
PILLAR_MARGIN = 1.3  # the winning pillar must outscore the runner-up by this factor
VAGUE_PENALTY = 0.6  # salience lost by a sentence with no figure, year or achieved result
DUPLICATE_OVERLAP = 0.55  # share of content words two sentences may have in common
IDENTITY_PAGES = 12  # "who we are" statements are looked for on the first pages only
# "(see p. 45)", "(refer to the Governance chapter)": a pointer into the report, not content
_XREF = re.compile(r"\s*\((?:see|cf\.?|refer to|siehe|more on)\b[^)]*\)", re.I)
# emissions, carbon and offsets are the Environmental pillar's (GHG Protocol), whatever else a
# sentence mentions ("offsets that also support local communities")
CLIMATE_WORDS = re.compile(r"\b(?:scopes? [123]|emissions?|greenhouse|GHG|CO2|CO₂|carbon|offsets?|"
                      r"decarboni[sz]\w*|climate|physical risks?|adaptation)\b", re.I)
# a page that is a third party's statement: there "we" is the assurer or auditor, not the company
_THIRD_PARTY_PAGE = re.compile(
    r"independent (?:limited |reasonable )?assurance (?:statement|report)|independent "
    r"auditor[’']?s[’']? report|report of (?:the )?independent|independent practitioner[’']?s|"
    r"our (?:limited )?assurance (?:procedures|engagement)|ISAE 3000", re.I)
# the subjects of the environmental and social pillars, and of governance (GRI 300/400/200 topics)
_NATURE = re.compile(r"\b(?:water\w*|wastes?|wastewater|discharges?|effluents?|recycl\w*|adapt\w*|"
                     r"biodiversity|packaging|plastics?|energy|"
                     r"renewable|pollut\w*|spills?|land|forests?|deforestation|circular\w*)\b", re.I)
_PEOPLE = re.compile(r"\b(?:employees?|staff|workforce|hiring|hires?|recruit\w*|training|benefits|"
                     r"diversity|equal opportunit\w*|personnel|careers?|talent|apprentic\w*|"
                     r"health and safety|occupational|community|communities|volunteer\w*)\b", re.I)
_BOARD = re.compile(r"\b(?:board|committee|directors?|executive|management board)\b", re.I)
# IT and data security: governance, and no development of the workforce when people are trained in it
_SECURITY_WORDS = r"cyber\w*|(?:information|IT|OT|data) security|data protection"
SECURITY = re.compile(rf"\b(?:{_SECURITY_WORDS})\b", re.I)
_GOVERNANCE_WORDS = re.compile(r"\b(?:board|committee|directors?|compliance|corruption|brib\w*|"
                               r"ethic\w*|code of conduct|whistle\w*|audit\w*|tax\w*|"
                               rf"shareholders?|governance|risk management|{_SECURITY_WORDS}|privacy)\b",
                               re.I)
# who oversees, advocates, discloses or pays for sustainability is Governance, whatever the topic
_GOVERNS = re.compile(
    r"\b(?:board|committee|directors)\b[^.;]{0,80}\b(?:overs\w+|review\w*|approv\w+|responsib\w+|"
    r"monitor\w*)\b|\b(?:industry associations?|trade associations?|lobbying|advocacy|public policy|"
    r"(?:executive|board|director\w*|management board) (?:remuneration|pay|compensation)|"
    r"remuneration (?:committee|report|policy|system of the)|executive pay|in line with the TCFD|"
    r"TCFD recommendations)\b", re.I)


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


def candidates(doc: Document, passages: Sequence[Passage], company: str) -> list[Candidate]:
    """Every well-formed, on-topic prose sentence of every passage, scored."""
    pillar_of = {t.id: t.pillar for t in load_topics()}
    prose = [p for p in passages if not p.is_table]
    scorer = TopicScorer(tokenize(p.text) + tokenize(p.heading) for p in prose)  # as classify
    identity_re = wording()[0]["cues_re"]["identity"][0]
    n_pages = max(doc.page_count, 1)
    seen: set[str] = set()
    out: list[Candidate] = []
    headings = _headings(doc)
    third_party = {p.number for p in doc.pages if _THIRD_PARTY_PAGE.search(p.text)}
    accounts = accounts_pages(doc)
    names = "|".join(re.escape(n) for n in sorted(company_names(company), key=len, reverse=True)) \
        if company else ""
    glued = re.compile(rf"\b[a-z]{{3,}} (?:{names}) [a-z]+s\b") if names else re.compile("$^")
    for passage in prose:
        if passage.page in accounts or passage.page in third_party:
            continue  # the accounts' notes; an assurer's or auditor's statement (its voice, its work)
        for raw in split(passage.text):
            quote = _drop_heading(clean_sentence(raw, headings.get(passage.page, ()), company))
            key = quote.lower()
            if key in seen or not is_shaped(quote) or is_dangling(quote) or glued.search(quote):
                continue  # (glued: "Activities focus on prevention Acme strives to …", a heading)
            seen.add(key)
            tokens = tokenize(quote)
            scores = scorer.score_tokens(tokens)
            identity = passage.page <= IDENTITY_PAGES and identity_re.search(quote) is not None
            if not scores and not identity:
                continue
            topic, pillar = _pillar(scores, pillar_of) if scores else ("", "")
            if scores and scores[topic] < MIN_TOPIC_SCORE:
                pillar = ""
            if pillar == "S" and (CLIMATE_WORDS.search(quote) or _NATURE.search(quote)
                                  and not _PEOPLE.search(quote)):
                pillar = "E"
            if pillar == "G" and _PEOPLE.search(quote) and not _GOVERNANCE_WORDS.search(quote):
                pillar = "S"  # hiring, training and benefits: the workforce, not governance
            if pillar == "G" and _NATURE.search(quote) and not _BOARD.search(quote):
                pillar = "E"  # environmental compliance (spills, permits, water treatment)
            if pillar in ("E", "S") and _GOVERNS.search(quote):
                pillar = "G"
            if not (pillar or identity) or not is_prose(quote, shaped=True) or is_off_topic(quote):
                continue  # off-topic (checked first: it is cheaper), malformed, boilerplate,
                # marketing, market commentary or financial guidance
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
            if not re.search(r"\d", quote) and "achievement" not in cues:
                score -= VAGUE_PENALTY  # no figure, year or result: a slogan more often than a fact
            out.append(
                Candidate(english_figures(third_person(_XREF.sub("", quote), company), doc), quote,
                          passage.page, topic,
                          pillar, score,
                          frozenset(t for t in tokens if len(t) > 3), "quantity" in cues,
                          "commitment" in cues, "achievement" in cues,
                          identity and subject == "company", bool(about), subject)
            )
    return out


_LEAD_HEADING = re.compile(r"([A-Z][^:;.!?]{2,70}):\s+(?=[A-Za-z“\"])")


def _drop_heading(quote: str) -> str:
    """ "Rewiring for a low-carbon future: we are committed …" -> "We are committed …": a short
    verbless run before a colon is a heading the text flow glued on."""
    m = _LEAD_HEADING.match(quote)
    if m is None or len(m.group(1).split()) > 8 or has_finite_verb(m.group(1).split()):
        return quote
    rest = quote[m.end() :]
    return rest[0].upper() + rest[1:] if len(rest.split()) >= 6 else quote


def split(text: str) -> list[str]:
    from ..segment import split_sentences

    return split_sentences(text)


def _figures(text: str) -> set[str]:
    """A sentence's distinctive figures: its decimals ("37.4"), which counts and years are not."""
    return {n for n in numbers_in(text) if "." in n}


class Picker:
    """Greedy selection without repeats: no sentence twice, no near-duplicates, spread topics."""

    def __init__(self, candidates: list[Candidate]) -> None:
        self.ranked = sorted(candidates, key=lambda c: (-c.score, c.page, c.text))
        self.used: list[Candidate] = []
        self.texts: list[frozenset[str]] = []

    def is_duplicate(self, cand: Candidate) -> bool:
        figures = _figures(cand.text)
        for u in self.used:
            if cand.quote == u.quote or figures & _figures(u.text):
                return True  # the same result told twice ("a 37.4% cut" on two pages)
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


