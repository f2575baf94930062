"""Cited answers to questions about one report: extracted metrics first, else the best sentences.

Stage: (Index, question) -> Answer. A numeric question ("What were Scope 3 emissions in 2023?") is
answered from the extracted metrics with the metric's page and quote; any other question with the
best-matching sentences of the top retrieved passages. Citations are one per page, best first, with
1-based PDF page numbers. When the report does not answer (no passage shares the question's
distinctive terms) the answer abstains: ``answer`` is None and ``abstained`` true.

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

from .model import Citation, Document, Metric, Record
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
QUOTE_CHARS = 300
_NUMERIC = re.compile(
    r"\b(how (much|many)|what (is|was|were|are)|total|amount|level|value|quantity)\b", re.I
)
_YEAR = re.compile(r"\b(?:fy\s?)?((?:19|20)\d\d)\b", re.I)
_YEAR_WORD = re.compile(r"^(?:fy)?(?:19|20)\d\d$")


@dataclass(frozen=True)
class Answer(Record):
    """A cited answer; ``to_dict()`` is the ``--json`` output. Citations are ranked best first."""

    answer: str | None
    abstained: bool
    citations: tuple[Citation, ...] = ()


def coverage(index: Index, question: str, chunk_ids: Sequence[int]) -> tuple[float, bool]:
    """Idf-weighted share (0..1) of the question's own terms found in the given chunks, and
    whether one of the found terms is sustainability-reporting vocabulary."""
    terms = {t for t in tokenize(question) if not _YEAR_WORD.match(t)}
    if not terms:
        return 0.0, False
    found: set[str] = set()
    for i in chunk_ids:
        c = index.chunks[i]
        found |= set(tokenize(f"{c.heading} {c.text}"))
    total = sum(index.idf(t) for t in terms)
    share = sum(index.idf(t) for t in terms & found) / total if total else 0.0
    return share, bool(terms & found & domain_terms())


def is_answerable(index: Index, question: str, chunk_ids: Sequence[int]) -> bool:
    """False when the report clearly does not address the question (the abstention rule)."""
    share, on_topic = coverage(index, question, chunk_ids)
    return share >= MIN_COVERAGE or (on_topic and share >= MIN_DOMAIN_COVERAGE)


def _sentences(text: str) -> list[str]:
    from .segment import split_sentences

    return [s for s in split_sentences(text) if len(s) > 3] or [text]


def _best_sentence(text: str, weights: dict[str, float], index: Index) -> tuple[float, str]:
    """The sentence of ``text`` sharing most (idf-weighted) query terms, and its score."""
    best = (0.0, "")
    for sentence in _sentences(text):
        terms = set(tokenize(sentence))
        score = sum(w * index.idf(t) for t, w in weights.items() if t in terms)
        score /= 1.0 + 0.01 * max(0, len(sentence.split()) - 40)  # prefer sentences to paragraphs
        if score > best[0] or not best[1]:
            best = (score, sentence)
    return best


def _clip(text: str, limit: int = QUOTE_CHARS) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _format_value(value: float, unit: str) -> str:
    """Human-readable value: 23300000 tCO2e -> '23.3 million tCO2e'."""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            return f"{value / size:,.3g} {word} {unit}".strip()
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()


def match_metrics(question: str, metrics: Sequence[Metric]) -> list[Metric]:
    """Primary metrics a numeric question asks for (all requested scopes), best period first.

    A metric matches when every word of its id/label core is in the question (after stemming and
    synonyms) and, if it names a GHG scope, that scope is asked for. The question's year selects
    the period; without one the latest period is used.
    """
    if not metrics or not _NUMERIC.search(question):
        return []
    asked = set(expand_query(question))
    years = set(_YEAR.findall(question))
    candidates = []
    for m in metrics:
        if not m.primary:
            continue
        key = set(tokenize(m.metric.replace("_", " "))) | set(tokenize(m.label))
        scopes = {t for t in key if t.startswith("scope") and t[5:].isdigit()}
        if scopes and not scopes <= asked:
            continue
        core = key - scopes - {"scope", "1", "2", "3", "total"}
        if not core or len(core & asked) / len(core) < 0.5:
            continue
        candidates.append(m)
    if not candidates:
        return []
    in_year = [m for m in candidates if m.period in years]
    if in_year:
        chosen = in_year
    else:
        latest = max(m.period for m in candidates)
        chosen = [m for m in candidates if m.period == latest]
    seen: set[str] = set()
    out = []
    for m in sorted(chosen, key=lambda m: (m.metric, -m.confidence)):
        if m.metric not in seen:
            seen.add(m.metric)
            out.append(m)
    return out


def _metric_sentence(m: Metric) -> str:
    """"Scope 3 emissions in 2023 were 578 million tCO2e [p. 30]." — the catalog's label, not
    the row text the value was read from (which can carry other years and footnotes)."""
    from .extract.catalog import kpi_by_id

    kpi = kpi_by_id().get(m.metric)
    label = kpi.label if kpi is not None else m.label
    basis = f" ({m.basis}-based)" if m.basis and m.basis not in label.lower() else ""
    verb = "were" if label.rstrip().endswith("s") or "emissions" in label.lower() else "was"
    return f"{label}{basis} in {m.period} {verb} {_format_value(m.value, m.unit)} [p. {m.page}]."


def ask(index: Index, question: str, k: int = 5, metrics: Sequence[Metric] = ()) -> Answer:
    """Answer ``question`` from one report's index with up to ``k`` citations (one per page)."""
    hits = search(index, question, k=max(4 * k, 20))
    weights = expand_query(question)
    if not hits or not is_answerable(index, question, [i for i, _ in hits[:_TOP_FOR_COVERAGE]]):
        return Answer(answer=None, abstained=True, citations=())

    citations: list[Citation] = []
    pages: set[int] = set()
    found = match_metrics(question, metrics or index.metrics)
    for m in found:
        if m.page not in pages:
            pages.add(m.page)
            citations.append(Citation(page=m.page, quote=_clip(m.quote), score=1.0))
    scored: list[tuple[float, str, int]] = []
    for rank, (i, score) in enumerate(hits):
        chunk = index.chunks[i]
        s_score, sentence = _best_sentence(chunk.text, weights, index)
        if rank < 3:
            scored.append((s_score / (1.0 + 0.3 * rank), sentence, chunk.page))
        if chunk.page in pages or len(citations) >= k:
            continue
        pages.add(chunk.page)
        quote = chunk.text if chunk.is_table else sentence
        citations.append(Citation(page=chunk.page, quote=_clip(quote), score=round(score, 4)))

    if found:
        text = " ".join(_metric_sentence(m) for m in found)
    else:
        scored.sort(key=lambda t: -t[0])
        chosen: list[tuple[str, int]] = []
        for _, sentence, page in scored:
            if sentence not in (s for s, _ in chosen):
                chosen.append((sentence, page))
            if len(chosen) == 2:
                break
        text = " ".join(f"{_clip(s)} [p. {p}]" for s, p in chosen)
    return Answer(answer=text, abstained=False, citations=tuple(citations[:k]))


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
        from .extract import extract_metrics  # type: ignore[attr-defined]
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
            from .guard import check_path

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
        from .guard import read_guarded

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
