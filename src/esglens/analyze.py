"""The main job: report PDF -> Analysis (metrics, targets, claims, overview) -> files on disk.

Stages run in pipeline order, each timed: read -> segment -> classify -> extract -> compose
(-> optional LLM rewrite). Output files are written into a staging folder beside ``out`` and
switched into place in one rename, so a failure or a kill never leaves a half-written set.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .model import Analysis, Document, printable, to_json

Progress = Callable[[str, float], None]
BACKGROUND_MIN_PAGES = 40  # below this, forking for the extraction stages costs more than it saves


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
    from .compose import candidates, compose_overview, detect_company, detect_period, resolve_language
    from .extract import extract_claims, extract_metrics, extract_targets, find_gaps
    from .guard import Background
    from .segment import segment_document

    clock: dict[str, float] = dict(timings or {})

    def timed(name: str, fraction: float, fn: Callable[[], Any]) -> Any:
        progress(name, fraction)
        t0 = time.perf_counter()
        result = fn()
        clock[name] = round(time.perf_counter() - t0, 4)
        return result

    def extraction() -> tuple[Any, Any, dict[str, float]]:
        t0 = time.perf_counter()
        metrics = extract_metrics(doc)
        t1 = time.perf_counter()
        targets = extract_targets(doc)
        took = {"metrics": round(t1 - t0, 4), "targets": round(time.perf_counter() - t1, 4)}
        return metrics, targets, took

    # Metrics and targets (the longest extraction stages) run in a forked child on a long report,
    # beside segment, classify, claims and the overview's sentence candidates: two cores, and
    # neither side needs the other's result until the overview is put together.
    company = detect_company(doc)
    english = resolve_language(lang, doc) != "zh"
    background = Background(extraction, fork=doc.page_count >= BACKGROUND_MIN_PAGES)
    try:
        passages = timed("segment", 0.30, lambda: segment_document(doc))
        passages = timed("classify", 0.40, lambda: classify_passages(passages))
        claims = timed("claims", 0.50, lambda: extract_claims(doc))
        picks = timed("candidates", 0.60, lambda: candidates(doc, passages, company)) if english else None
        progress("metrics", 0.70)
        metrics, targets, took = background.result()
        clock.update(took)
    finally:
        background.close()
    gaps = find_gaps(doc, tuple(metrics))
    overview = timed("compose", 0.80, lambda: compose_overview(
        doc, passages, metrics, targets, claims, company=company, gaps=gaps, lang=lang,
        candidates=picks))
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
        company=company,
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
    from .guard import read_guarded

    read_keys = {"pages", "password", "ocr_mode", "ocr_lang", "max_pages", "time_limit", "max_memory"}
    read_opts = {k: v for k, v in options.items() if k in read_keys}
    rest = {k: v for k, v in options.items() if k not in read_keys}
    progress("read", 0.0)
    t0 = time.perf_counter()
    doc = read_guarded(path, **read_opts)
    return analyze_document(
        doc, progress=progress, timings={"read": round(time.perf_counter() - t0, 4)}, **rest
    )


def write_outputs(
    analysis: Analysis, out: str | Path, *, pdf: bool = False, audio: bool = False
) -> list[Path]:
    """Write analysis.json, overview.md, overview.html (+ .pdf, .wav) as the folder ``out``, atomically.

    Everything is rendered into a staging folder beside ``out`` and switched into place in one
    rename (render/publish.py): ``out`` holds the previous run's complete set or this one's, never
    a mix, and no file of an earlier run is left behind. Returns the written paths; raises
    OutputError when ``out`` is a file or holds files esglens did not write.
    """
    from . import __version__
    from .render import render_html, render_markdown
    from .render.publish import check_output_dir, publish

    target = check_output_dir(out)
    rel = os.path.relpath(Path(analysis.path).resolve(), target)
    href = Path(rel).as_posix() if printable(rel) == rel else quote(os.fsencode(Path(rel).as_posix()))

    def write(staging: Path) -> None:
        (staging / "analysis.json").write_text(to_json(analysis.to_dict(), indent=1), encoding="utf-8")
        (staging / "overview.md").write_text(printable(render_markdown(analysis)), encoding="utf-8")
        (staging / "overview.html").write_text(printable(render_html(analysis, pdf_href=href)),
                                               encoding="utf-8")
        if pdf:
            from .render.pdf import render_pdf

            render_pdf(analysis, staging / "overview.pdf")
        if audio:
            from .render.audio import render_audio

            render_audio(analysis, staging / "overview.wav")

    manifest = {"esglens": __version__, "report": analysis.path, "sha256": analysis.sha256}
    return publish(out, write, manifest)


def with_timings(analysis: Analysis, **extra: float) -> Analysis:
    """A copy of ``analysis`` with more stage timings recorded (seconds)."""
    return replace(analysis, timings={**analysis.timings, **extra})
