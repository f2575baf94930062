"""The main job: report PDF -> Analysis (metrics, targets, claims, overview) -> files on disk.

Stages run in pipeline order, each timed: read -> segment -> classify -> extract -> compose
(-> optional LLM rewrite). Output files are written into a temporary directory beside ``out``
and moved into place only when all of them succeeded, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from .model import Analysis, Document

Progress = Callable[[str, float], None]


def _noop(stage: str, fraction: float) -> None:
    """Default progress callback: nothing."""


def analyze_document(
    doc: Document,
    *,
    llm_endpoint: str | None = None,
    llm_model: str | None = None,
    llm_api_key: str | None = None,
    llm_timeout: float = 60.0,
    lang: str = "auto",
    progress: Progress = _noop,
    timings: dict[str, float] | None = None,
) -> Analysis:
    """Run every stage after reading on ``doc`` and return the Analysis (nothing is written).

    ``lang`` is the overview's language: "en", "zh", or "auto" (the report's own language when
    templates exist for it, else English).
    """
    from .classify import classify_passages
    from .compose import compose_overview, detect_company, detect_period
    from .extract import extract_claims, extract_metrics, extract_targets, find_gaps
    from .segment import segment_document

    clock: dict[str, float] = dict(timings or {})

    def timed(name: str, fraction: float, fn: Callable[[], Any]) -> Any:
        progress(name, fraction)
        t0 = time.perf_counter()
        result = fn()
        clock[name] = round(time.perf_counter() - t0, 4)
        return result

    passages = timed("segment", 0.30, lambda: segment_document(doc))
    passages = timed("classify", 0.40, lambda: classify_passages(passages))
    metrics = timed("metrics", 0.50, lambda: extract_metrics(doc))
    targets = timed("targets", 0.60, lambda: extract_targets(doc))
    claims = timed("claims", 0.70, lambda: extract_claims(doc))
    gaps = find_gaps(doc, tuple(metrics))
    overview = timed("compose", 0.80, lambda: compose_overview(
        doc, passages, metrics, targets, claims, gaps=gaps, lang=lang))
    if llm_endpoint:
        from .compose.llm import rewrite_overview

        overview = timed(
            "llm",
            0.90,
            lambda: rewrite_overview(
                overview, doc, llm_endpoint, model=llm_model, api_key=llm_api_key, timeout=llm_timeout
            ),
        )
    progress("done", 1.0)
    return Analysis(
        path=doc.path,
        sha256=doc.sha256,
        title=doc.title,
        company=detect_company(doc),
        period=detect_period(doc),
        page_count=doc.page_count,
        metrics=tuple(metrics),
        targets=tuple(targets),
        claims=tuple(claims),
        not_disclosed=gaps,
        language=doc.language,
        overview=overview,
        timings=clock,
    )


def analyze(path: str | Path, *, progress: Progress = _noop, **options: Any) -> Analysis:
    """Read and analyse the report at ``path``; ``options`` are read_document / analyze options."""
    from .ingest import read_document

    read_keys = {"pages", "password", "ocr_mode", "ocr_lang", "max_pages", "time_limit"}
    read_opts = {k: v for k, v in options.items() if k in read_keys}
    rest = {k: v for k, v in options.items() if k not in read_keys}
    progress("read", 0.0)
    t0 = time.perf_counter()
    doc = read_document(path, **read_opts)
    return analyze_document(
        doc, progress=progress, timings={"read": round(time.perf_counter() - t0, 4)}, **rest
    )


def write_outputs(
    analysis: Analysis, out: str | Path, *, pdf: bool = False, audio: bool = False
) -> list[Path]:
    """Write analysis.json, overview.md, overview.html (+ .pdf, .wav) into ``out`` atomically.

    Everything is rendered into a temporary sibling directory first; files move into ``out``
    only after all renders succeed. Returns the written paths.
    """
    from .render import render_html, render_markdown

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".esglens-", dir=out))
    try:
        (staging / "analysis.json").write_text(
            json.dumps(analysis.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        (staging / "overview.md").write_text(render_markdown(analysis), encoding="utf-8")
        href = Path(os.path.relpath(Path(analysis.path).resolve(), out.resolve())).as_posix()
        (staging / "overview.html").write_text(render_html(analysis, pdf_href=href), encoding="utf-8")
        if pdf:
            from .render.pdf import render_pdf

            render_pdf(analysis, staging / "overview.pdf")
        if audio:
            from .render.audio import render_audio

            render_audio(analysis, staging / "overview.wav")
        written = []
        for item in sorted(staging.iterdir()):
            target = out / item.name
            os.replace(item, target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def with_timings(analysis: Analysis, **extra: float) -> Analysis:
    """A copy of ``analysis`` with more stage timings recorded (seconds)."""
    return replace(analysis, timings={**analysis.timings, **extra})
