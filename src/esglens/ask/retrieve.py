"""A per-report search index: BM25 over heading-bounded chunks, optionally fused with dense vectors.

Stage: Document -> Index (build once, cache beside the analysis, reload without the PDF). Chunks
are ``segment.py`` passages (table rows stay separate so one KPI row is retrievable), each indexed
with its heading; pages the segmenter left empty fall back to sentence windows of the page text.
BM25 weights are computed with bm25s at build time and stored as a CSC matrix, so a query is a few
numpy gathers and the bm25s import is never paid when answering. When the ``semantic`` extra is
installed, chunk embeddings (all-MiniLM-L6-v2, see ``embed.py``) are fused with BM25 by reciprocal
rank fusion (Cormack et al., SIGIR 2009, k=60).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..model import Document, Metric, Passage
from ..segment import segment_document, split_sentences

INDEX_VERSION = 4
_ITEM_WORDS = 14  # blocks up to this long are kept as lines (list items, signatures)
RRF_K = 60
_WINDOW_WORDS = 100

# Function words and question boilerplate ("does the company disclose ... if yes, specify").
_STOP = frozenset(
    """a about above after again all also am an and any are as at be been being below between both
    but by can could did do does doing down during each few for from further had has have having
    he her here hers how i if in into is it its itself just me more most my no nor not of off on
    once only or other our ours out over own same she should so some such than that the their them
    then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yes company companies company's
    according disclose disclosed disclosure report reported reporting provide detail details
    specify highlight main characteristic characteristics fy if please describe explain many much
    identify identified significant its""".split()  # noqa: SIM905
)
_SUPERSCRIPT = str.maketrans("", "", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_SCOPE = re.compile(r"\bscopes?\s*([123])((?:\s*(?:,|and|&|\+|/|-)\s*[123])*)")


def _stem(word: str) -> str:
    """A light suffix stripper, the same for documents and queries: plurals, -ing/-ed, British
    -ise, and the -ize/-ate/-ment families folded to one stem ("decarbonisation",
    "decarbonizing", "decarbonised" -> "decarboniz"; "engagement", "engaged" -> "engag")."""
    if len(word) <= 3 or word[0].isdigit():
        return word
    word = re.sub(r"is(e|es|ed|ing|ation|ations)$", r"iz\1", word)
    for suffix in ("izations", "ization", "izing", "ized", "izes", "ize"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + "iz"
    for suffix in ("ations", "ation", "ating", "ated", "ates", "ate"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + "at"
    for suffix in ("ements", "ement"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    for suffix, repl in (
        ("ies", "y"), ("sses", "ss"), ("ings", ""), ("ing", ""), ("edly", ""), ("ed", ""),
        ("es", "e"), ("s", ""),
    ):  # fmt: skip
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: len(word) - len(suffix)] + repl
    return word


def normalise(text: str) -> str:
    """Lower-case, NFKC text (CO₂ -> co2) with footnote superscripts dropped."""
    return unicodedata.normalize("NFKC", text.translate(_SUPERSCRIPT)).lower()


def tokenize(text: str, keep_stopwords: bool = False) -> list[str]:
    """Search terms of ``text``: stemmed words and numbers, plus ``scope1``-style joined terms.

    "Scope 1 and 2" also yields ``scope1`` and ``scope2`` so Scope 1 and Scope 3 never match.
    """
    text = normalise(text)
    terms = [
        _stem(t) for t in _TOKEN.findall(text) if keep_stopwords or t not in _STOP
    ]
    for m in _SCOPE.finditer(text):
        terms.extend(f"scope{d}" for d in re.findall(r"[123]", m.group(0)))
    return terms


@lru_cache(maxsize=1)
def _synonyms() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """ESG query expansions from data/query_synonyms.yaml as (trigger terms, added terms)."""
    import yaml

    raw = yaml.load(
        resources.files("esglens").joinpath("data/query_synonyms.yaml").read_text("utf-8"),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
    )
    rules = []
    for trigger, expansions in raw.items():
        added = tuple(t for e in expansions for t in tokenize(str(e)))
        rules.append((tuple(tokenize(str(trigger))), added))
    return tuple(rules)


# Words of the synonym file too generic to show a question is about sustainability reporting.
_GENERIC = frozenset(
    tokenize(
        "change business people products services growth market policy industry sector actions "
        "initiatives measures board pay income sales nature total use level way best point year "
        "goal strategy opportunities value technology regulation risk acute chronic heat per high "
        "low well good direct create model internal double based located associations sold credit "
        "advantage competitive price tax"
    )
)


@lru_cache(maxsize=1)
def domain_terms() -> frozenset[str]:
    """Sustainability-reporting vocabulary: every term of the synonym file minus generic words."""
    terms = {t for trigger, added in _synonyms() for t in (*trigger, *added)}
    terms |= set(tokenize("climate sustainability esg environmental social emissions carbon"))
    return frozenset(t for t in terms - _GENERIC if len(t) > 2 and not t[0].isdigit())


def expand_query(question: str) -> dict[str, float]:
    """Weighted query terms: the question's own terms at 1.0, ESG synonyms at 0.4."""
    terms = tokenize(question)
    weights: dict[str, float] = {t: 1.0 for t in terms}
    joined = f" {' '.join(terms)} "
    for trigger, added in _synonyms():
        if trigger and f" {' '.join(trigger)} " in joined:
            for t in added:
                weights.setdefault(t, 0.4)
    return weights


def build_chunks(doc: Document, passages: tuple[Passage, ...] | None = None) -> tuple[Passage, ...]:
    """Retrieval units: segment passages, plus sentence windows for pages with none."""
    passages = segment_document(doc) if passages is None else passages
    chunks = [p for p in passages if p.text.strip()]
    covered = {p.page for p in chunks}
    for page in doc.pages:
        if page.number in covered or not page.text.strip():
            continue
        window: list[str] = []
        for sentence in split_sentences(page.text):
            window.append(sentence)
            if sum(len(s.split()) for s in window) >= _WINDOW_WORDS:
                chunks.append(Passage(page=page.number, text=" ".join(window)))
                window = []
        if window:
            chunks.append(Passage(page=page.number, text=" ".join(window)))
    return tuple(chunks)


@dataclass(frozen=True, eq=False)
class Index:
    """One report's search index. ``chunks[i].page`` is the 1-based PDF page of row i everywhere."""

    sha256: str
    title: str
    chunks: tuple[Passage, ...]
    vocab: dict[str, int]
    indptr: np.ndarray  # CSC over terms: postings of term t are [indptr[t], indptr[t+1])
    doc_ids: np.ndarray
    weights: np.ndarray
    dense: np.ndarray | None = None  # (n_chunks, dim) unit vectors, float16
    metrics: tuple[Metric, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)  # read options that shaped the text
    # short blocks in reading order, (page, text); a longer block is kept as "" so runs break
    items: tuple[tuple[int, str], ...] = ()
    company: str = ""
    printed: tuple[str, ...] = ()  # each primary metric's value text (ask.numeric.quantity_text)

    def idf(self, term: str) -> float:
        """Inverse document frequency of a term (unknown terms get the rarest possible value)."""
        n = len(self.chunks)
        tid = self.vocab.get(term)
        df = 0 if tid is None else int(self.indptr[tid + 1] - self.indptr[tid])
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def bm25(self, query: dict[str, float]) -> np.ndarray:
        """BM25 score of every chunk for weighted query terms."""
        scores = np.zeros(len(self.chunks), dtype=np.float32)
        for term, w in query.items():
            tid = self.vocab.get(term)
            if tid is None:
                continue
            lo, hi = int(self.indptr[tid]), int(self.indptr[tid + 1])
            np.add.at(scores, self.doc_ids[lo:hi], w * self.weights[lo:hi])
        return scores


def build_items(doc: Document) -> tuple[tuple[int, str], ...]:
    """Short lines of every page in reading order (list items, table labels, signatures)."""
    out: list[tuple[int, str]] = []
    for page in doc.pages:
        for block in page.blocks:
            if block.furniture:
                continue
            text = " ".join(block.text.split())
            out.append((page.number, text if len(text.split()) <= _ITEM_WORDS else ""))
    return tuple(out)


def _chunk_text(chunk: Passage) -> str:
    return f"{chunk.heading}\n{chunk.text}" if chunk.heading and not chunk.is_table else chunk.text


def build_index(
    doc: Document,
    passages: tuple[Passage, ...] | None = None,
    *,
    metrics: tuple[Metric, ...] = (),
    dense: bool = False,
) -> Index:
    """Index ``doc`` for ``ask``; ``dense=True`` also embeds every chunk (needs the semantic extra,
    raises ConfigError without it; ~10-60 s for a 170-page report on a laptop CPU)."""
    import time

    import bm25s

    t0 = time.perf_counter()
    chunks = build_chunks(doc, passages)
    corpus = [tokenize(_chunk_text(c)) or ["_empty_"] for c in chunks]
    bm = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    bm.index(corpus, show_progress=False)
    s = bm.scores
    timings = {"bm25": round(time.perf_counter() - t0, 3)}
    vectors = None
    if dense:
        from . import embed

        t1 = time.perf_counter()
        vectors = embed.encode([_chunk_text(c) for c in chunks]).astype(np.float16)
        timings["dense"] = round(time.perf_counter() - t1, 3)
    return Index(
        sha256=doc.sha256,
        title=doc.title,
        chunks=chunks,
        vocab={str(k): int(v) for k, v in bm.vocab_dict.items()},
        indptr=np.asarray(s["indptr"], dtype=np.int64),
        doc_ids=np.asarray(s["indices"], dtype=np.int32),
        weights=np.asarray(s["data"], dtype=np.float32),
        dense=vectors,
        metrics=metrics,
        timings=timings,
        items=build_items(doc),
        company=_company(doc),
        printed=_printed(metrics),
    )


def _printed(metrics: tuple[Metric, ...]) -> tuple[str, ...]:
    from .numeric import quantity_text

    return tuple(quantity_text(m) if m.primary else "" for m in metrics)


def _company(doc: Document) -> str:
    from ..compose.identity import detect_company

    return detect_company(doc)


def search(index: Index, question: str, k: int = 20) -> list[tuple[int, float]]:
    """Chunk ids and fused scores, best first: BM25 alone, or BM25 + dense by RRF."""
    query = expand_query(question)
    bm = index.bm25(query)
    order = [int(i) for i in np.argsort(-bm, kind="stable")[: max(k * 4, 50)] if bm[i] > 0]
    if index.dense is None:
        top = float(bm[order[0]]) if order else 1.0
        return [(i, float(bm[i]) / top) for i in order[:k]]
    from . import embed

    if not embed.is_available():
        top = float(bm[order[0]]) if order else 1.0
        return [(i, float(bm[i]) / top) for i in order[:k]]
    sims = index.dense.astype(np.float32) @ embed.encode([question])[0]
    dense_order = [int(i) for i in np.argsort(-sims)[: max(k * 4, 50)]]
    fused: dict[int, float] = {}
    for ranking in (order, dense_order):
        for rank, i in enumerate(ranking):
            fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank + 1)
    best = sorted(fused.items(), key=lambda kv: -kv[1])[:k]
    top = best[0][1] if best else 1.0
    return [(i, s / top) for i, s in best]


# --------------------------------------------------------------------------- cache


def cache_path(cache_dir: str | Path, sha256: str) -> Path:
    """Directory holding one report's index: ``<cache_dir>/<sha256>/ask``."""
    return Path(cache_dir) / sha256 / "ask"


def save_index(index: Index, cache_dir: str | Path) -> Path:
    """Write ``index`` as JSON (chunks, vocab, metrics) plus .npy arrays; returns the directory."""
    path = cache_path(cache_dir, index.sha256)
    path.mkdir(parents=True, exist_ok=True)
    meta: dict[str, Any] = {
        "version": INDEX_VERSION,
        "sha256": index.sha256,
        "title": index.title,
        "chunks": [[c.page, c.text, c.heading, c.is_table] for c in index.chunks],
        "vocab": index.vocab,
        "metrics": [m.to_dict() for m in index.metrics],
        "timings": index.timings,
        "options": index.options,
        "items": [list(t) for t in index.items],
        "company": index.company,
        "printed": list(index.printed),
    }
    for name in ("indptr", "doc_ids", "weights"):
        np.save(path / f"{name}.npy", getattr(index, name))
    if index.dense is not None:
        np.save(path / "dense.npy", index.dense)
    else:
        (path / "dense.npy").unlink(missing_ok=True)
    tmp = path / "index.json.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    tmp.replace(path / "index.json")  # written last: its presence marks a complete cache
    return path


def load_index(cache_dir: str | Path, sha256: str) -> Index | None:
    """The cached index of the report with this sha256, or None when absent or outdated."""
    path = cache_path(cache_dir, sha256)
    try:
        meta = json.loads((path / "index.json").read_text("utf-8"))
        if meta.get("version") != INDEX_VERSION or meta.get("sha256") != sha256:
            return None
        arrays = {n: np.load(path / f"{n}.npy") for n in ("indptr", "doc_ids", "weights")}
        dense = np.load(path / "dense.npy") if (path / "dense.npy").exists() else None
    except (OSError, ValueError, KeyError):
        return None
    metrics = tuple(Metric.from_dict(m) for m in meta["metrics"])
    printed = tuple(meta.get("printed", ()))
    if printed:
        from .numeric import remember

        remember(metrics, printed)
    return Index(
        sha256=sha256,
        title=meta["title"],
        chunks=tuple(
            Passage(page=p, text=t, heading=h, is_table=b) for p, t, h, b in meta["chunks"]
        ),
        vocab=meta["vocab"],
        indptr=arrays["indptr"],
        doc_ids=arrays["doc_ids"],
        weights=arrays["weights"],
        dense=dense,
        metrics=metrics,
        timings=meta.get("timings", {}),
        options=meta.get("options", {}),
        items=tuple((int(p), str(t)) for p, t in meta.get("items", [])),
        company=meta.get("company", ""),
        printed=printed,
    )
