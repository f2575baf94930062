"""Cited answers to questions about one report, composed by question kind.

Stage: (Index, question) -> Answer. ``kinds.parse_question`` tells what is asked; a numeric
question is answered from the extracted primary metrics ("Scope 1 GHG emissions were 52,000 tCO2e
in 2024 [p. 4]."), a "who" question with the person or firm the report names, a "which"
question with the items it lists, a yes/no question with "Yes — " or "No — " and the evidence
sentence, anything else with the two or three best sentences, cleaned. Every page the answer text
cites is among its citations (one per page, best first, 1-based PDF pages, at most ``k``). When
the report does not address the question the answer abstains: ``answer`` is None, ``abstained``
true and ``reason`` says why.

``answer_questions`` is the whole path used by the CLI: read -> index (cached by sha256) -> answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..model import Citation, Document, Metric, Record
from .evidence import Piece, clip
from .kinds import Query, parse_question, vocabulary
from .numeric import change_pieces, find_request, in_periods
from .respond import (
    Composed,
    list_answer,
    numeric_answer,
    own_terms,
    profile_answer,
    sentence_answer,
    who_answer,
)
from .retrieve import (
    Index,
    build_index,
    domain_terms,
    expand_query,
    load_index,
    save_index,
    search,
    tokenize,
)

# A question is answered when the top passages hold most of its distinctive (idf-weighted) terms,
# or some of them including a sustainability-reporting term; otherwise the answer abstains.
MIN_COVERAGE = 0.6
MIN_DOMAIN_COVERAGE = 0.2
_TOP_FOR_COVERAGE = 5
_YEAR_WORD = re.compile(r"^(?:fy)?(?:19|20)\d\d$")


@dataclass(frozen=True)
class Answer(Record):
    """A cited answer; ``to_dict()`` is the ``--json`` output. Citations are ranked best first.

    ``kind`` is the question kind (numeric, who, list, yesno, explain); ``reason`` says why an
    answer abstained.
    """

    answer: str | None
    abstained: bool
    citations: tuple[Citation, ...] = ()
    kind: str = "explain"
    reason: str | None = None


def coverage(index: Index, question: str, chunk_ids: Sequence[int]) -> tuple[float, bool]:
    """Idf-weighted share (0..1) of the question's own terms found in the given chunks, and
    whether one of the found terms (or of their ESG synonyms) is sustainability vocabulary."""
    terms = own_terms(question)
    if not terms:
        return 0.0, False
    found: set[str] = set()
    for i in chunk_ids:
        c = index.chunks[i]
        found |= set(tokenize(f"{c.heading} {c.text}"))
    total = sum(index.idf(t) for t in terms)
    share = sum(index.idf(t) for t in terms & found) / total if total else 0.0
    synonyms = {t for t, w in expand_query(question).items() if w < 1.0}
    on_topic = bool(terms & found & domain_terms()) or len(synonyms & found & domain_terms()) >= 2
    return share, on_topic


def is_answerable(index: Index, question: str, chunk_ids: Sequence[int]) -> bool:
    """False when the report clearly does not address the question (the abstention rule)."""
    share, on_topic = coverage(index, question, chunk_ids)
    if not on_topic and not _rarest_found(index, question, chunk_ids):
        return False  # "Who won the FIFA World Cup?": "world cup" is there, "FIFA" is not
    return share >= MIN_COVERAGE or (on_topic and share >= MIN_DOMAIN_COVERAGE)


def _rarest_found(index: Index, question: str, chunk_ids: Sequence[int]) -> bool:
    """True when the question's most distinctive term (highest idf) is in the given chunks."""
    terms = own_terms(question)
    if not terms:
        return False
    rarest = max(terms, key=index.idf)
    return any(rarest in tokenize(f"{index.chunks[i].heading} {index.chunks[i].text}") for i in chunk_ids)


def _missing_terms(index: Index, question: str, chunk_ids: Sequence[int]) -> list[str]:
    found: set[str] = set()
    for i in chunk_ids:
        found |= set(tokenize(f"{index.chunks[i].heading} {index.chunks[i].text}"))
    words = [w for w in re.findall(r"[A-Za-z][\w-]+", question) if tokenize(w)]
    return [w for w in words if not set(tokenize(w)) & found and not _YEAR_WORD.match(w.lower())][:4]


def _abstain(kind: str, reason: str) -> Answer:
    return Answer(answer=None, abstained=True, citations=(), kind=kind, reason=reason)


def match_metrics(question: str, metrics: Sequence[Metric]) -> list[Metric]:
    """Primary metrics a numeric question asks for (every requested scope), in answer order."""
    query = parse_question(question)
    if query.kind != "numeric":
        return []
    out: list[Metric] = []
    for request in query.requests:
        for group in find_request(request, metrics):
            out += sorted(in_periods(group, query.years)[0], key=lambda m: (m.metric, m.basis or ""))
    return out


def _compose(query: Query, index: Index, hits: list[tuple[int, float]],
             metrics: Sequence[Metric]) -> Composed:
    """(pieces, a lead-in) for the question by its kind, or a reason to abstain."""
    if query.kind == "who":
        return who_answer(query, index, hits)
    if query.kind == "profile":
        composed = profile_answer(query, index)
        if isinstance(composed, str) and vocabulary()["kinds_re"]["yesno"].search(query.text.lower()):
            return sentence_answer(replace(query, kind="yesno"), index, hits)  # "Does it operate in ...?"
        return composed
    if query.kind == "list":
        return list_answer(query, index, hits)
    if query.kind == "explain":
        return _explain(query, index, hits, metrics)
    if query.requests:
        numeric = numeric_answer(query, index, hits, metrics)
        if numeric is not None:
            return numeric
    return sentence_answer(query, index, hits)


def _explain(query: Query, index: Index, hits: list[tuple[int, float]],
             metrics: Sequence[Metric]) -> Composed:
    """The best sentences; for "what drove the change in X" X's two latest figures first; when
    no sentence can be quoted, the figures the question is about."""
    composed = sentence_answer(query, index, hits)
    said = composed[0] if not isinstance(composed, str) else []
    if query.requests and vocabulary()["change_re"].search(query.text):
        figures = change_pieces(query, metrics)
        if figures:
            return figures + said[:2], None
    if isinstance(composed, str) and query.requests:
        numeric = numeric_answer(query, index, hits, metrics)
        if numeric is not None and not isinstance(numeric, str):
            return numeric[0], "The report explains it in no sentence esglens could quote; its figures:"
    return composed


def ask(index: Index, question: str, k: int = 5, metrics: Sequence[Metric] = ()) -> Answer:
    """Answer ``question`` from one report's index with up to ``k`` citations (one per page)."""
    query = parse_question(question)
    hits = search(index, question, k=max(4 * k, 20))
    top = [i for i, _ in hits[:_TOP_FOR_COVERAGE]]
    if not own_terms(question) and query.kind != "profile":
        return _abstain(query.kind, "the question has no terms to look for")
    needs_gate = query.kind in ("yesno", "explain") or (query.kind == "numeric" and not query.requests)
    no_hits = not hits and query.kind not in ("who", "profile")
    if no_hits or (needs_gate and not is_answerable(index, question, top)):
        missing = _missing_terms(index, question, top) if hits else []
        said = f" ({', '.join(missing)} not found)" if missing else ""
        return _abstain(query.kind, f"the report does not address the question{said}")
    composed = _compose(query, index, hits, metrics or index.metrics)
    if isinstance(composed, str):
        return _abstain(query.kind, composed)
    pieces, lead = composed
    if not any(p.page for p in pieces):
        return _abstain(query.kind, "no sentence of the report's prose answers it")
    return _assemble(query, pieces, lead, hits, index, k)


def _tagged(piece: Piece) -> str:
    """The piece's text with its page tag before the closing mark: "... in 2023 [p. 3]."; a
    note (page 0) cites nothing."""
    text = piece.text.rstrip()
    if not piece.page:
        return text
    m = re.search(r"[.!?]+[\"”’)]*$", text)
    if m:
        return f"{text[: m.start()]} [p. {piece.page}]{text[m.start():]}"
    return f"{text} [p. {piece.page}]."


def _assemble(query: Query, pieces: list[Piece], lead: str | None, hits: list[tuple[int, float]],
              index: Index, k: int) -> Answer:
    """The answer text from pieces on at most ``k`` pages, and citations covering every page
    the text cites (then the best retrieved pages, up to ``k``)."""
    pages: list[int] = []
    kept: list[Piece] = []
    seen: set[str] = set()
    for piece in pieces:
        key = re.sub(r"\W+", " ", piece.text.lower())
        if key in seen:
            continue
        seen.add(key)
        if not piece.page:
            kept.append(piece)
            continue
        if piece.page not in pages:
            if len(pages) >= k:
                continue
            pages.append(piece.page)
        kept.append(piece)
    citations = [
        Citation(page=p, quote=next(x.quote or clip(x.text) for x in kept if x.page == p), score=1.0)
        for p in pages
    ]
    for i, score in hits:
        chunk = index.chunks[i]
        if len(citations) >= k:
            break
        if chunk.page not in pages:
            pages.append(chunk.page)
            citations.append(Citation(page=chunk.page, quote=clip(chunk.text), score=round(score, 4)))
    body = " ".join(_tagged(p) for p in kept)
    if lead and lead.endswith("— "):
        text = lead + (body[0].lower() + body[1:] if body.startswith("The report ") else body)
    elif lead:
        text = f"{lead} {body}"
    else:
        text = body
    return Answer(answer=text, abstained=False, citations=tuple(citations), kind=query.kind)


# --------------------------------------------------------------------------- whole path


def default_cache_dir() -> Path:
    """``$ESGLENS_CACHE`` or ``$XDG_CACHE_HOME/esglens`` (``~/.cache/esglens``)."""
    if os.environ.get("ESGLENS_CACHE"):
        return Path(os.environ["ESGLENS_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "esglens"


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes (the cache key; matches ``Document.sha256``)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _extract(doc: Document) -> tuple[Metric, ...]:
    """Metrics from ``esglens.extract`` when that stage is installed, else none."""
    try:
        from ..extract import extract_metrics  # type: ignore[attr-defined]
    except ImportError:
        return ()
    return tuple(extract_metrics(doc))


# read options that change the text a report yields (a cached index must match them)
_CONTENT_OPTIONS = ("pages", "ocr_mode", "ocr_lang")


def get_index(
    report: str | Path | Document,
    cache_dir: str | Path | None = None,
    dense: bool | None = None,
    read_options: Mapping[str, Any] | None = None,
) -> Index:
    """The report's index: loaded from ``cache_dir`` if cached (no PDF read), else built and saved.

    ``report`` is a PDF path or an already-read Document; ``read_options`` are keyword arguments
    of ``esglens.read`` (pages, password, ocr_mode, ...). Raises the InputError family of
    ``esglens.read`` for unreadable PDFs.
    """
    options = dict(read_options or {})
    content = {k: options[k] for k in _CONTENT_OPTIONS if options.get(k) is not None}
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    if isinstance(report, Document):
        doc: Document | None = report
        sha = report.sha256
    else:
        if not Path(report).is_file():  # the reader's own checks say what is wrong (no such file, URL…)
            from ..guard import check_path

            check_path(report)
        doc, sha = None, file_sha256(report)
    cached = load_index(cache, sha)
    if (
        cached is not None
        and cached.options == content
        and (not dense or cached.dense is not None)
    ):
        return cached
    if doc is None:
        from ..guard import read_guarded

        doc = read_guarded(Path(report), **options)  # type: ignore[arg-type]
    index = replace(build_index(doc, metrics=_extract(doc), dense=bool(dense)), options=content)
    with contextlib.suppress(OSError):  # a read-only cache only costs speed next time
        save_index(index, cache)
    return index


def answer_questions(
    report: str | Path | Document,
    questions: Sequence[str],
    k: int = 5,
    cache_dir: str | Path | None = None,
    dense: bool | None = None,
    read_options: Mapping[str, Any] | None = None,
) -> list[Answer]:
    """Answer each question about one report (read -> cached index -> answer), in order.

    ``dense=True`` builds (or requires) MiniLM chunk vectors, fused with BM25 when answering;
    ``None``/``False`` use whatever the cache holds and build BM25 only. ``read_options`` are
    passed to ``esglens.read`` when the report has to be read.
    """
    index = get_index(report, cache_dir, dense=dense, read_options=read_options)
    return [ask(index, q, k=k) for q in questions]
