"""Answers by question kind: the pieces (sentences with their pages) and the lead-in of each.

Each function returns ``(pieces, lead)`` — the lead is "Yes — ", "No — " or a note such as "The
report gives no figure for 2019; the latest it gives:" — or a string: the reason to abstain.
``answer.ask`` assembles the text and citations from them. A figure esglens did not extract is
quoted from the sentence or table row stating it, said to be not extracted, before abstaining.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..model import Metric
from .evidence import Piece, best_sentences, clip
from .kinds import Query, Request, has_phrase, metric_requests, phrase_text, phrases_in, vocabulary
from .lists import list_pieces
from .names import assurance_provider, role_holder
from .numeric import numeric_pieces, request_label, states_quantity
from .retrieve import Index, domain_terms, expand_query, search, tokenize

Composed = tuple[list[Piece], str | None] | str
Hits = Sequence[tuple[int, float]]

# "Yes — " needs the evidence sentence to hold this share of the question's own terms.
YES_COVERAGE = 0.65
_YEAR_WORD = re.compile(r"^(?:fy)?(?:19|20)\d\d$")
_DETAIL = re.compile(r"\b(?:if (?:so|yes)|specify|detail|describe|highlight|which|what are|explain)\b", re.I)
_LIST_NAMES = {"material_topics": "material topics", "levers": "decarbonisation levers"}
_ROLE_NAMES = {"ceo": "chief executive", "chair": "chair", "cso": "sustainability lead"}
_GENERIC_METRIC_WORDS = frozenset(tokenize("ghg emissions total number share of the in"))


def own_terms(question: str) -> set[str]:
    """The question's search terms without years."""
    return {t for t in tokenize(question) if not _YEAR_WORD.match(t)}


def absent_topic_words(index: Index, question: str) -> list[str]:
    """Words of the question that are sustainability vocabulary and occur nowhere in the report
    ("scenario" asked of a report without one)."""
    topic = domain_terms()
    out: list[str] = []
    for word in re.findall(r"[A-Za-z][\w-]+", question):
        terms = [t for t in tokenize(word) if t in topic and not _YEAR_WORD.match(t)]
        if terms and all(t not in index.vocab for t in terms) and word.lower() not in out:
            out.append(word.lower())
    return out


def is_negative(sentence: str, terms: set[str]) -> bool:
    """A negation within five words of one of the question's terms ("we have not adopted ...")."""
    words = sentence.split()
    neg = vocabulary()["negation_re"]
    near = [i for i, w in enumerate(words) if set(tokenize(w)) & terms]
    return any(neg.search(w) and any(abs(i - j) <= 5 for j in near) for i, w in enumerate(words))


def share_in(sentence: str, weights: dict[str, float], index: Index) -> float:
    """Idf-weighted share of the question's own terms a sentence holds, an ESG synonym of the
    question counting at its (lower) weight; capped at 1."""
    own = [t for t, w in weights.items() if w >= 1.0 and not _YEAR_WORD.match(t)]
    total = sum(index.idf(t) for t in own)
    found = set(tokenize(sentence))
    got = sum(w * index.idf(t) for t, w in weights.items() if t in found)
    return min(1.0, got / total) if total else 0.0


def _in_report(index: Index, phrase: str) -> bool:
    """True when some chunk holds the phrase ("scenario analysis", "scenario analyses")."""
    words = phrase.lower().split()
    rx = re.compile(r"\b" + r"[\s-]+".join(re.escape(w[: max(4, len(w) - 2)]) + r"\w*" for w in words),
                    re.I)
    return any(rx.search(c.text) for c in index.chunks)


def profile_answer(query: Query, index: Index) -> Composed:
    """What the company is and does: sentences presenting it, found with ``profile_query``."""
    v = vocabulary()
    weights = expand_query(query.text)
    for t in tokenize(f"{index.company} {v['profile_query']}"):
        weights.setdefault(t, 0.4)
    scores = index.bm25(weights)
    top = float(scores.max()) or 1.0
    hits = [(int(i), float(scores[i]) / top) for i in scores.argsort()[::-1][:30] if scores[i] > 0]
    who = re.escape(index.company) if index.company else r"the company"
    presents = re.compile(  # a sentence that opens by presenting the company
        rf"^(?:(?:the\s+)?{who}(?:\s+(?:AG|SE|plc|Inc\.?|Group|Corporation|Ltd\.?))?"
        rf"(?:\s*\([^)]*\))?,?\s+"
        rf"(?:is|are|was|has been|operates|employs|develops|designs|makes|produces|provides|offers|serves)\b"
        rf"|we are an?\b|we're an?\b|headquartered in\b|founded in\b)", re.I)
    pieces = best_sentences(index, hits, weights, n=2, top=30, must_re=presents)
    return (pieces, None) if pieces else "no sentence of the report presents the company"


def who_answer(query: Query, index: Index, hits: Hits) -> Composed:
    """The person holding the role, or the firm that gave assurance, with where it is named."""
    if query.role == "auditor":
        found = assurance_provider(index)
        if not found:
            return "the report names no assurance provider or auditor"
        firm, piece = found
        lead = Piece(f"The assurance provider the report names is {firm}.", piece.page, piece.quote)
        more = best_sentences(index, hits, expand_query(query.text), n=1, must=set(tokenize(firm)))
        return [lead, *more], None
    holder = role_holder(index, query.role or "")
    if holder is None:
        return f"the report names no {_ROLE_NAMES.get(query.role or '', query.role)}"
    title = re.sub(r"\s+", " ", holder.title)
    return [Piece(f"The report names {holder.name} as {title}.", holder.page, holder.quote)], None


def list_answer(query: Query, index: Index, hits: Hits) -> Composed:
    """The listed items (a run of lines or an enumeration), else the best sentences about them.
    The pages searched are the question's hits and those of the list's own query ("material
    topics materiality assessment ...")."""
    weights = expand_query(query.text)
    own = vocabulary()["lists"].get(query.list_name or "", {}).get("query", "")
    if own:
        found = search(index, own, k=20)
        hits = sorted({i: s for i, s in [*found, *hits]}.items(), key=lambda t: -t[1])
    how, pieces = list_pieces(index, query.list_name or "", hits)
    label = _LIST_NAMES.get(query.list_name or "", "items")
    lead = "Yes — " if vocabulary()["kinds_re"]["yesno"].search(query.text.lower()) else None
    if how == "items":
        return [replace(pieces[0], text=f"The report lists these {label}: {pieces[0].text}.")], lead
    if how == "sentence":
        items = pieces[0].text
        more = [p for p in best_sentences(index, hits, weights, n=2) if p.quote != pieces[0].quote]
        return [replace(pieces[0], text=f"The report names these {label}: {items}."), *more[:1]], lead
    finds = vocabulary()["lists_re"][query.list_name or ""]["finds"] if query.list_name else None
    about = best_sentences(index, hits, weights, n=3, must_re=finds, phrases=phrases_in(query.text))
    if about:
        return about, None
    return (best_sentences(index, hits, weights, n=3),
            f"The report gives no list of {label}; the closest passages:")


def numeric_answer(query: Query, index: Index, hits: Hits, metrics: Sequence[Metric]) -> Composed | None:
    """Figures from the extracted metrics (a sentence stating the figure for one not extracted);
    None to fall back to sentences (a yes/no question), or the reason to abstain."""
    found, notes, not_found = numeric_pieces(query, metrics)
    for request in not_found:
        label = request_label(request)
        near = stated_elsewhere(query, request, index, hits)
        if near:
            how, piece = near
            said = "the report says:" if how == "sentence" else "a table row reads"
            found.append(replace(piece, text=f"No figure for {label} was extracted; {said} {piece.text}"))
        elif found:
            found.append(Piece(f"No figure for {label} was found.", 0))
    if found:
        return found, " ".join(notes) or ("Yes — " if query.kind == "yesno" else None)
    if query.kind not in ("numeric", "explain"):
        return None
    labels = " or ".join(request_label(r) for r in query.requests)
    years = f" for {' or '.join(query.years)}" if query.years else ""
    must = {t for r in query.requests for t in tokenize(request_label(r))} - _GENERIC_METRIC_WORDS
    rows = sorted({index.chunks[i].page for i, _ in hits[:10]
                   if index.chunks[i].is_table and must & set(tokenize(index.chunks[i].text))})
    where = f"; table rows naming it are on p. {', '.join(map(str, rows[:4]))}" if rows else ""
    return f"esglens extracted no figure for {labels}{years}{where}"


def stated_elsewhere(query: Query, request: Request, index: Index, hits: Hits) -> tuple[str, Piece] | None:
    """A sentence stating a figure esglens did not extract, else the table row naming it best
    (quoted as printed, its header first), searched for with the question and the metric's
    catalog label ("LTIFR" finds "lost-time injury rate"). A sentence must hold 40% (a row label
    50%, and two of them) of the idf weight of the label's terms the report uses at all (a term
    it never uses cannot count), and the year asked for, if any; a sentence must state a quantity
    in the metric's unit, a row a number."""
    label = request_label(request)

    def used(terms: set[str]) -> set[str]:
        return {t for t in terms - _GENERIC_METRIC_WORDS if t in index.vocab and len(t) > 1}

    must = used(set(tokenize(label))) or used(own_terms(query.text))  # "employ" when "employees" is not used
    if not must:
        return None
    extra = search(index, f"{query.text} {label}", k=20)
    best: dict[int, float] = {}
    for i, score in [*extra, *hits]:
        best[i] = max(score, best.get(i, 0.0))
    merged = sorted(best.items(), key=lambda t: -t[1])
    weights = expand_query(f"{query.text} {label}")
    total = sum(index.idf(t) for t in must)
    near = [p for p in best_sentences(index, merged, weights, n=6, top=12, must=must, min_share=0.4)
            if states_quantity(p.text, request) and all(y in p.text for y in query.years[:1])
            and not _names_another_metric(p.text, request)]
    said = sum(index.idf(t) for t in must & set(tokenize(near[0].text))) / total if near else 0.0
    row = _best_row(query, request, index, merged[:12], must)
    if near and (row is None or said >= row[0]):  # a row naming more of the metric beats a sentence
        return "sentence", near[0]
    return ("row", row[1]) if row else None


def _best_row(query: Query, request: Request, index: Index, hits: Hits,
              must: set[str]) -> tuple[float, Piece] | None:
    """(recall, quote) of the table row whose label names most of ``must`` (recall: idf share
    of ``must`` in the label, >= 0.5; ties to the label with fewest other words, then rank)."""
    total = sum(index.idf(t) for t in must)
    rows: list[tuple[float, int, float, Piece]] = []
    for rank, (i, _) in enumerate(hits):
        chunk = index.chunks[i]
        if not chunk.is_table or query.years and not any(y in chunk.text for y in query.years):
            continue
        cells = [c.strip() for c in chunk.text.split("|")]
        at = next((j for j, c in enumerate(cells) if re.search(r"[^\W\d]", c) and c != chunk.heading.strip()),
                  None)
        if at is None or not re.search(r"\d", " ".join(cells[at + 1:])):  # a label and a value
            continue
        label = set(tokenize(cells[at]))
        if len(label & must) < min(2, len(must)) or len(cells[at].split()) > 12:  # a row label, not prose
            continue
        if _names_another_metric(cells[at], request):
            continue
        recall = sum(index.idf(t) for t in must & label) / total
        precision = sum(index.idf(t) for t in must & label) / (sum(index.idf(t) for t in label) or 1.0)
        if recall >= 0.5:
            quote = Piece(f"\u201c{clip(chunk.text, 200)}\u201d.", chunk.page, clip(chunk.text), 1.0)
            rows.append((recall + precision, -rank, recall, quote))
    if not rows:
        return None
    best = max(rows, key=lambda t: t[:2])
    return best[2], best[3]


def _names_another_metric(text: str, request: Request) -> bool:
    """True when the text is about another catalog metric than the request's ("women in
    management" quoted for the share of women in the workforce)."""
    named = {i for r in metric_requests(text) for i in r.ids}
    return bool(named) and not named & {request.ids[0], *(i for ids in request.fallback for i in ids)}


def sentence_answer(query: Query, index: Index, hits: Hits) -> Composed:
    """The best two or three sentences; for a yes/no question led by "Yes — " or "No — " when
    the best one says so, else by a note that the report does not say so directly."""
    weights = expand_query(query.text)
    n = 3 if query.kind == "explain" or _DETAIL.search(query.text) else 2
    phrases = phrases_in(query.text)
    pieces = best_sentences(index, hits, weights, n=n, top=12, phrases=phrases)
    if not pieces:
        return "no sentence of the report's prose answers it (only tables and fragments match)"
    if query.kind != "yesno":
        return pieces, None
    top = pieces[0].text
    if is_negative(top, own_terms(query.text)):
        return pieces, "No — "
    v = vocabulary()
    whole = all(has_phrase(top, p) for p in phrases)
    states = not v["target_question_re"].search(query.text) or v["target_evidence_re"].search(top)
    if whole and states and share_in(top, weights, index) >= YES_COVERAGE:
        return pieces, "Yes — "
    missing = [phrase_text(p) for p in phrases if not _in_report(index, phrase_text(p))]
    absent = missing or absent_topic_words(index, query.text)
    said = f"never mentions {' or '.join(absent)}" if absent else "does not say so in as many words"
    return pieces, f"The report {said}; the closest passages:"
