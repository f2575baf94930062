"""Worker processes for a batch: one report per task, a deadline per task, crashes survived.

Why not ``concurrent.futures.ProcessPoolExecutor``: it cannot stop one overrunning task, and a
worker that dies breaks every pending future at once (BrokenProcessPool) without saying which
report killed it. Here each worker has its own pipe, so the driver knows which report each one
holds: a worker that dies (a PDF engine crash, the kernel's OOM killer) fails exactly that report
and is replaced; one that overruns its deadline is killed, its report failed, and replaced.

Each worker is pinned to a core of its own (Linux), so ``--jobs N`` takes N cores: the pipeline
parallelises one report by itself (a second reader process, two tesseract workers), which helps
a lone report but oversubscribes the cores when several reports run at once; pinned, a worker's
helpers share its core and the workers stop competing. ``ESGLENS_PIN_WORKERS=0`` turns it off
(then one worker may use every core through the pipeline's own helpers).

Workers are fresh interpreters (``python -m esglens.corpus.pool``), not forks — the driver has
threads — and not ``multiprocessing`` spawns, which re-run the caller's main script (a notebook
or an unguarded script would start batches recursively). They exit by themselves when the
driver dies, even by ``kill -9``, so a killed batch leaves no orphans.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import IO, Any

__all__ = ["cores", "run_pool"]

# (task, result or None, error or None): error says why the worker gave no result.
Done = tuple[Any, Any, str | None]


def _watch_parent(parent: int) -> None:
    """Exit the worker when its driver is gone (re-parented), however the driver died."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(3)


def _worker_main(fd_in: int, fd_out: int, target: str, parent: int, cpu: int | None = None) -> None:
    """Run tasks from ``fd_in`` with ``target`` ("module:function") until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})  # inherited by the processes the pipeline starts
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    module, _, name = target.partition(":")
    fn = getattr(importlib.import_module(module), name)
    tasks, results = Connection(fd_in, writable=False), Connection(fd_out, readable=False)
    while True:
        try:
            task = tasks.recv()
        except (EOFError, OSError):
            return
        try:
            result: Any = fn(task)
            error = None
        except BaseException as exc:  # fn records expected failures itself; this is a bug's last line
            result, error = None, f"internal error in the worker ({type(exc).__name__}: {exc})"
        try:
            results.send((result, error))
        except (OSError, ValueError):
            return


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    tasks: Connection
    results: Connection
    stderr: IO[bytes]
    cpu: int | None = None
    task: Any = None
    started: float = 0.0
    busy: bool = False

    def stop(self, kill: bool) -> int | None:
        """End the process (closing its task pipe asks it to exit) and return its exit code."""
        self.tasks.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(0 if kill else 2)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        self.results.close()
        return self.process.returncode

    def last_words(self) -> str:
        """The last line the worker wrote to stderr (a crash's message), or ""."""
        self.stderr.seek(0)
        lines = [ln.strip() for ln in self.stderr.read()[-4000:].decode("utf-8", "replace").splitlines()]
        self.stderr.close()
        return next((ln for ln in reversed(lines) if ln), "")[:200]


def _spawn(target: str, cpu: int | None) -> _Worker:
    task_r, task_w = os.pipe()
    result_r, result_w = os.pipe()
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 - the worker's stderr, closed when it is retired
    # the driver's import path, so a task function importable here is importable there
    code = (f"import sys; sys.path[:] = {sys.path!r}; from esglens.corpus.pool import _worker_main; "
            f"_worker_main({task_r}, {result_w}, {target!r}, {os.getpid()}, {cpu!r})")
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=stderr, pass_fds=(task_r, result_w), start_new_session=False)
    os.close(task_r)
    os.close(result_w)
    tasks, results = Connection(task_w, readable=False), Connection(result_r, writable=False)
    return _Worker(proc, tasks, results, stderr, cpu)


def cores(jobs: int) -> list[int | None]:
    """The core each of ``jobs`` workers is pinned to (round robin), or None when not pinning."""
    if os.environ.get("ESGLENS_PIN_WORKERS", "1") == "0" or not hasattr(os, "sched_getaffinity"):
        return [None] * jobs
    cpus = sorted(os.sched_getaffinity(0))
    return [cpus[i % len(cpus)] for i in range(jobs)]


def _death(code: int | None, words: str) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        why = f"{name} — out of memory?" if name == "SIGKILL" else name
    else:
        why = f"exit code {code}"
    return f"the worker process died ({why}) while analysing it" + (f": {words}" if words else "")


FEED_POLL = 0.2  # s between asking ``feed`` for work while workers are idle


def run_pool(tasks: Iterable[Any], fn: Callable[[Any], Any], *, jobs: int,
             timeout: float | None = None,
             feed: Callable[[int], Iterable[Any] | None] | None = None) -> Iterator[Done]:
    """Run ``fn(task)`` for every task in ``jobs`` worker processes; yield each as it finishes.

    ``fn`` must be a module-level function (workers import it by name). A task whose worker
    dies or runs longer than ``timeout`` seconds yields ``(task, None, message)``; the others
    ``(task, result, None)``. Closing the generator stops and reaps every worker.

    ``feed`` keeps the pool running for a front end whose work arrives over time (a web
    server): it is called about every FEED_POLL seconds with the number of idle workers and
    returns up to that many new tasks (an empty list: none yet), or None to end the pool once
    running tasks finish. An exception raised by ``feed`` stops the pool like closing it.
    """
    target = f"{fn.__module__}:{fn.__qualname__}"
    pending = deque(tasks)
    workers: list[_Worker] = []
    feeding = feed is not None

    def retire(w: _Worker, kill: bool) -> tuple[int | None, str]:
        code = w.stop(kill)
        words = w.last_words()
        workers.remove(w)
        if pending or feeding:
            workers.append(_spawn(target, w.cpu))  # the replacement takes over the core
        return code, words

    try:
        size = jobs if feeding else max(1, min(jobs, len(pending)))
        workers.extend(_spawn(target, cpu) for cpu in cores(size))
        while pending or any(w.busy for w in workers) or feeding:
            if feed is not None and feeding:
                idle = sum(not w.busy for w in workers) - len(pending)
                more = feed(max(0, idle))
                if more is None:
                    feeding = False
                else:
                    pending.extend(more)
            for w in workers:
                if not w.busy and pending:
                    w.task, w.started, w.busy = pending.popleft(), time.monotonic(), True
                    w.tasks.send(w.task)
            busy = [w for w in workers if w.busy]
            wait_for = FEED_POLL if feeding else 1.0
            if not busy:
                time.sleep(wait_for)
                continue
            if timeout is not None:
                now = time.monotonic()
                wait_for = max(0.0, min([wait_for] + [w.started + timeout - now for w in busy]))
            ready = set(wait([w.results for w in busy], wait_for))
            for w in busy:
                task = w.task
                if w.results in ready:
                    try:
                        result, error = w.results.recv()
                    except (EOFError, OSError):  # the pipe closed: the worker died mid-task
                        yield task, None, _death(*retire(w, kill=True))
                        continue
                    w.busy = False
                    yield task, result, error
                elif timeout is not None and time.monotonic() - w.started > timeout:
                    retire(w, kill=True)
                    yield task, None, (f"timed out after {timeout:.0f} s (the batch's limit) — "
                                       "raise --timeout or analyse it alone with --pages")
    finally:
        for w in workers:
            w.stop(kill=w.busy)
            w.stderr.close()
