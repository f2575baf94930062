"""Batch: analyse many reports into a store, one report per task, surviving bad input and crashes.

Inputs are PDF files, folders (searched recursively for ``*.pdf``) or text files listing paths.
Each distinct file (by sha256) is analysed once; one already done by this esglens version is
skipped unless ``force``. A report that fails — not a PDF, truncated, over the time limit, or
its worker dying — is recorded as failed with its one-line error, and the batch goes on. Only
the driver writes the store, one transaction per report, so a killed batch resumes where it was.
"""

from __future__ import annotations

import hashlib
import os
import resource
import time
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, EsglensError
from ..model import Analysis
from .identity import load_overrides
from .store import Store

__all__ = ["BatchProgress", "BatchResult", "analyze_task", "batch", "collect_inputs", "default_jobs"]

ENGINES = ("process", "dask")


@dataclass(frozen=True)
class Task:
    """One report to analyse: its sha256, absolute path and ``esglens.analyze`` options."""

    sha256: str
    path: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: the Analysis or the one-line error, its wall time and peak RSS."""

    analysis: Analysis | None
    error: str | None
    seconds: float
    peak_rss_mb: float


@dataclass(frozen=True)
class BatchProgress:
    """Counts after each finished report, for a progress bar (``pages`` analysed so far)."""

    total: int
    done: int
    failed: int
    skipped: int
    pages: int
    elapsed: float
    last: str = ""

    @property
    def remaining(self) -> int:
        """Reports still to finish in this run."""
        return self.total - self.done - self.failed - self.skipped


@dataclass(frozen=True)
class BatchResult:
    """How a batch ended: counts, the failures with their errors, pages and wall time."""

    store: str
    total: int
    done: int
    failed: int
    skipped: int
    duplicates: int
    pages: int
    seconds: float
    failures: tuple[tuple[str, str], ...] = ()


def default_jobs() -> int:
    """The cores this process may use (the default ``--jobs``)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def analyze_task(task: Task) -> Outcome:
    """Analyse one report (runs in a worker); expected failures become the Outcome's error."""
    from ..analyze import analyze  # esglens.analyze, imported so the submodule cannot shadow it

    t0 = time.perf_counter()
    analysis, error = None, None
    try:
        analysis = analyze(task.path, **task.options)
    except EsglensError as exc:
        error = " ".join(str(exc).split()) or type(exc).__name__
    except MemoryError:
        error = "out of memory — analyse it alone, or with --pages"
    except Exception as exc:  # a pipeline bug must not stop the batch; the message says what broke
        error = f"internal error ({type(exc).__name__}: {' '.join(str(exc).split())})"
    # the worker's peak, or a child's it waited for (a sandboxed PDF engine, tesseract); KiB on Linux
    usage = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    rss = max(u.ru_maxrss for u in usage) / 1024
    return Outcome(analysis, error, round(time.perf_counter() - t0, 3), round(rss, 1))


def collect_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Absolute paths of the reports named by ``inputs``, in order, without repeats.

    A folder gives every ``*.pdf`` below it; a file named ``.pdf`` or starting ``%PDF`` is a
    report; any other file lists paths, one per line (``#`` comments, relative to the list).
    Raises ConfigError for a path that does not exist.
    """
    seen: dict[Path, None] = {}
    missing: list[str] = []

    def add(item: Path, depth: int) -> None:
        if item.is_dir():
            for pdf in sorted(p for p in item.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file()):
                seen.setdefault(pdf.resolve())
        elif not item.is_file():
            missing.append(str(item))
        elif item.suffix.lower() == ".pdf" or _starts_like_pdf(item) or depth > 0:
            seen.setdefault(item.resolve())
        else:
            try:
                lines = item.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{item}: neither a PDF nor a text list of paths") from exc
            for line in lines:
                line = line.strip()
                if line and not line.startswith("#"):
                    p = Path(line).expanduser()
                    add(p if p.is_absolute() else item.parent / p, depth + 1)

    for raw in inputs:
        add(Path(raw).expanduser(), 0)
    if missing:
        more = f" (and {len(missing) - 3} more)" if len(missing) > 3 else ""
        raise ConfigError(f"no such file or folder: {', '.join(missing[:3])}{more}")
    return list(seen)


def _starts_like_pdf(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(1024).lstrip().startswith(b"%PDF")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def batch(
    inputs: Sequence[str | Path],
    store: str | Path,
    *,
    jobs: int | None = None,
    force: bool = False,
    timeout: float = 300.0,
    engine: str = "process",
    scheduler: str | None = None,
    overrides: str | Path | Mapping[str, Any] | None = None,
    progress: Callable[[BatchProgress], None] | None = None,
    **options: Any,
) -> BatchResult:
    """Analyse every report in ``inputs`` into the DuckDB ``store``; returns the counts.

    ``jobs`` workers (default: the cores) each analyse one report at a time with
    ``esglens.analyze(path, time_limit=timeout, **options)``; a task running past the limit (plus
    a grace period) is failed and its worker replaced. ``engine="dask"`` sends the same tasks
    to the dask.distributed ``scheduler`` (a LocalCluster when None). ``overrides`` is a file
    (or mapping) of sha256 -> company/year corrections. With no ``inputs``, reports already
    queued in the store are run. Raises ConfigError for bad arguments, StoreError for the store.
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r} — use one of {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise ConfigError("--scheduler needs --engine dask")
    jobs = jobs or default_jobs()
    if jobs < 1 or timeout <= 0:
        raise ConfigError("--jobs and --timeout must be positive")
    paths = collect_inputs(inputs)
    fixes = overrides if isinstance(overrides, Mapping) else load_overrides(overrides)
    t0 = time.perf_counter()
    with Store(store) as db:
        db.recover()
        by_sha: dict[str, Path] = {}
        for path in paths:
            sha = _sha256(path)
            db.add_file(path, sha, path.stat().st_size)
            by_sha.setdefault(sha, path)
        read_opts = {**options, "time_limit": timeout}
        queued = [sha for sha, path in by_sha.items()
                  if db.enqueue(sha, path, options=read_opts, force=force)]
        if not inputs:
            queued = [r["sha256"] for r in db.reports(status="queued")]
        if fixes:
            db.set_overrides(fixes)  # type: ignore[arg-type]
        jobs_list = db.claim(len(queued), shas=queued)
        tasks = sorted((Task(j.sha256, j.path, j.options) for j in jobs_list),
                       key=lambda t: -_size(t.path))  # longest first: the last report ends sooner
        skipped = len(by_sha) - len(queued) if inputs else 0
        tally = _Tally(db, len(tasks) + skipped, skipped, t0, progress)
        tally.report("")
        results = _run(tasks, engine, jobs, timeout + max(5.0, 0.1 * timeout), scheduler)
        try:
            for task, outcome, error in results:
                tally.record(task, outcome, error)
        finally:
            results.close()  # stops and reaps the workers, also on Ctrl-C or a store error
    return BatchResult(str(store), tally.total, tally.done, tally.failed, skipped, len(paths) - len(by_sha),
                       tally.pages, round(time.perf_counter() - t0, 2), tuple(tally.failures))


@dataclass
class _Tally:
    """The driver's side of a run: stores each finished report and keeps the counts."""

    db: Store
    total: int
    skipped: int
    t0: float
    progress: Callable[[BatchProgress], None] | None
    done: int = 0
    failed: int = 0
    pages: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def record(self, task: Task, outcome: Outcome | None, error: str | None) -> None:
        """Write one finished report: done with its analysis, or failed with its error."""
        analysis = outcome.analysis if outcome else None
        if analysis is not None and error is None and analysis.sha256 != task.sha256:
            error = "the file changed while the batch ran — run the batch again"
        seconds, rss = (outcome.seconds, outcome.peak_rss_mb) if outcome else (None, None)
        if analysis is not None and error is None:
            self.db.complete(analysis, seconds=seconds, peak_rss_mb=rss)
            self.done += 1
            self.pages += analysis.page_count
        else:
            message = error or (outcome.error if outcome else None) or "the worker returned no result"
            self.db.fail(task.sha256, task.path, message, seconds=seconds, peak_rss_mb=rss)
            self.failed += 1
            self.failures.append((task.path, message))
        self.report(task.path)

    def report(self, last: str) -> None:
        if self.progress:
            self.progress(BatchProgress(self.total, self.done, self.failed, self.skipped, self.pages,
                                        time.perf_counter() - self.t0, last))


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _run(tasks: list[Task], engine: str, jobs: int, timeout: float,
         scheduler: str | None) -> Generator[tuple[Task, Outcome | None, str | None], None, None]:
    """The engine's results as one generator (closing it stops the engine's workers)."""
    if not tasks:
        return
    if engine == "dask":
        from .cluster import run_dask

        yield from run_dask(tasks, analyze_task, jobs=jobs, timeout=timeout, scheduler=scheduler)
        return
    from .pool import run_pool

    yield from run_pool(tasks, analyze_task, jobs=jobs, timeout=timeout)
