"""The analysis a web upload gets, run in a corpus pool worker: read, analyse, index for questions.

Like ``corpus.batch.analyze_task`` (the same Outcome, the same one-line errors), plus two things
a browser needs: the stage the report is at, written to a small JSON file the server reads when
the page polls, and the question index, built from the Document already in memory so the first
question asked does not read the PDF again. Imported by fresh worker interpreters, so it
imports nothing of the web stack.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus.batch import Outcome
from ..errors import EsglensError

__all__ = ["WebTask", "analyze_upload", "read_progress"]

_READ_KEYS = ("pages", "password", "ocr_mode", "ocr_lang", "max_pages", "time_limit", "max_memory")


@dataclass(frozen=True)
class WebTask:
    """One report to analyse: where it is, its options, and where its side files go."""

    sha256: str
    path: str
    options: dict[str, Any] = field(default_factory=dict)
    index_dir: str = ""
    progress_file: str = ""


def _write_progress(path: str, stage: str, fraction: float) -> None:
    """Replace the progress file in one rename (the server never reads half of one)."""
    if not path:
        return
    tmp = f"{path}.{os.getpid()}.tmp"
    with contextlib.suppress(OSError):
        Path(tmp).write_text(json.dumps({"stage": stage, "fraction": round(fraction, 2),
                                         "at": time.time()}), encoding="utf-8")
        os.replace(tmp, path)


def read_progress(path: str | Path) -> dict[str, Any] | None:
    """The stage a running analysis reported last, or None."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def analyze_upload(task: WebTask) -> Outcome:
    """Analyse one report (in a worker); expected failures become the Outcome's one-line error."""
    from ..analyze import analyze_document
    from ..ask import get_index
    from ..guard import read_guarded

    t0 = time.perf_counter()
    analysis, error = None, None
    read_opts = {k: v for k, v in task.options.items() if k in _READ_KEYS}
    rest = {k: v for k, v in task.options.items() if k not in _READ_KEYS}
    try:
        _write_progress(task.progress_file, "read", 0.05)
        doc = read_guarded(task.path, **read_opts)
        clock = {"read": round(time.perf_counter() - t0, 4)}
        analysis = analyze_document(doc, timings=clock, **rest,
                                    progress=lambda s, f: _write_progress(task.progress_file, s, f))
        if task.index_dir:
            _write_progress(task.progress_file, "index", 0.95)
            # the options that change the text, as ``ask.answer_questions`` will key the cache
            content = {k: read_opts[k] for k in ("pages", "ocr_mode", "ocr_lang")
                       if read_opts.get(k) is not None}
            get_index(doc, task.index_dir, read_options=content)
    except EsglensError as exc:
        error = " ".join(str(exc).split()) or type(exc).__name__
    except MemoryError:
        error = "out of memory — the report is too large for this server's limits"
    except Exception as exc:  # a pipeline bug must not stop the server; the message says what broke
        error = f"internal error ({type(exc).__name__}: {' '.join(str(exc).split())})"
    usage = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    rss = max(u.ru_maxrss for u in usage) / 1024  # KiB on Linux
    return Outcome(analysis, error, round(time.perf_counter() - t0, 3), round(rss, 1))
