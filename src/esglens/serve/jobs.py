"""The server's analysis queue: uploads go into the store's queue, a bounded worker pool drains it.

The queue is the store's own (``Store.enqueue``/``claim``/``complete``/``fail``, the one
``esglens batch`` drives), so work survives a restart: on start, reports a dead server left
``running`` go back to ``queued`` and are analysed again; a report whose file is gone fails with
its error. One thread drives ``corpus.pool.run_pool`` with a feed — the same crash-proof workers
as a batch: a worker that dies or overruns fails that one report and is replaced. That thread
alone writes results; request threads only enqueue, through their own cursor.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from ..corpus.batch import Outcome
from ..corpus.store import Store
from ..errors import InputError
from .files import Files
from .worker import WebTask, analyze_upload

__all__ = ["Analyser", "QueueFullError"]

log = logging.getLogger("esglens.serve")


class QueueFullError(InputError):
    """Too many reports waiting (HTTP 503): the server's --max-queue."""


class _Stop(Exception):
    """Raised by the feed to stop the pool (the server is shutting down)."""


class Analyser:
    """Owns the worker pool: ``start``, ``submit`` uploads, ``stop`` (workers killed, work kept)."""

    def __init__(self, store: Store, files: Files, *, workers: int = 1, max_queue: int = 100,
                 timeout: float = 300.0, on_change: Callable[[str], None] | None = None) -> None:
        self.store, self.files = store, files
        self.workers, self.max_queue, self.timeout = workers, max_queue, timeout
        self.on_change = on_change or (lambda sha: None)
        self._stop = threading.Event()
        self._submit = threading.Lock()
        self._thread: threading.Thread | None = None
        self.started: dict[str, float] = {}  # sha -> when its analysis began (monotonic)

    # ------------------------------------------------------------------ request side

    def submit(self, view: Store, sha: str, path: str) -> str:
        """Queue the report unless it is queued, running or done; returns its status.

        A failed report uploaded again is tried again. Raises QueueFullError past max_queue.
        """
        with self._submit:  # two uploads of one file at once queue it once
            status = view.status(sha)
            if status in ("queued", "running") or (status == "done" and view.is_done(sha)):
                return str(status)
            counts = view.counts()
            if counts["queued"] + counts["running"] >= self.max_queue:
                raise QueueFullError(f"{self.max_queue} reports are waiting to be analysed — "
                                     "try again in a few minutes")
            view.add_file(path, sha, self.files.upload(sha).stat().st_size)
            view.enqueue(sha, path, options={"time_limit": self.timeout}, force=True)
        self.on_change(sha)
        return "queued"

    def position(self, view: Store, sha: str) -> int | None:
        """How many reports are ahead of a queued one (0: next), None when it is not queued."""
        row = view.con.execute(
            "SELECT count(*) FROM reports r, reports me WHERE me.sha256 = ? AND me.status = 'queued' "
            "AND r.status = 'queued' AND (r.queued_at < me.queued_at "
            "OR (r.queued_at = me.queued_at AND r.sha256 < me.sha256))", [sha]).fetchone()
        return int(row[0]) if row is not None and view.status(sha) == "queued" else None

    # ------------------------------------------------------------------ the pool

    def start(self) -> None:
        """Put work a dead server left running back in the queue, and start draining it."""
        resumed = self.store.recover()
        if resumed:
            log.info("resuming %d report(s) left running by a previous server", resumed)
        self._thread = threading.Thread(target=self._run, name="esglens-analyser", daemon=True)
        self._thread.start()

    def stop(self, wait: float = 15.0) -> None:
        """Kill the workers; reports they held go back to the queue for the next start."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(wait)

    def _feed(self, idle: int) -> list[WebTask]:
        if self._stop.is_set():
            raise _Stop
        if idle <= 0:
            return []
        jobs = self.store.claim(idle)
        now = time.monotonic()
        for job in jobs:
            self.started[job.sha256] = now
            self.on_change(job.sha256)
        return [WebTask(j.sha256, j.path, j.options, str(self.files.index_dir),
                        str(self.files.progress(j.sha256))) for j in jobs]

    def _run(self) -> None:
        grace = max(5.0, 0.1 * self.timeout)  # past the reader's own deadline, as a batch allows
        while not self._stop.is_set():
            results = None
            try:
                results = run_pool_fed(self.workers, self.timeout + grace, self._feed)
                for task, outcome, error in results:
                    self._record(task, outcome, error)
            except _Stop:
                break
            except Exception:  # a store error must not end the queue for good: log, requeue, retry
                log.exception("the analysis queue failed; restarting it")
                time.sleep(1.0)
            finally:
                if results is not None:
                    results.close()
                self.store.recover()  # what the killed workers held is queued again

    def _record(self, task: WebTask, outcome: Outcome | None, error: str | None) -> None:
        """Store one finished report: done with its analysis, or failed with its one-line error."""
        analysis = outcome.analysis if outcome else None
        seconds, rss = (outcome.seconds, outcome.peak_rss_mb) if outcome else (None, None)
        if analysis is not None and error is None and analysis.sha256 != task.sha256:
            analysis, error = None, "the uploaded file changed while it was analysed — upload it again"
        if analysis is not None and error is None:
            self.store.complete(analysis, seconds=seconds, peak_rss_mb=rss)
        else:
            message = error or (outcome.error if outcome else None) or "the worker returned no result"
            message = message.replace(task.path, "the report").replace("(the batch's limit)", "")
            self.store.fail(task.sha256, task.path, " ".join(message.split()), seconds=seconds,
                            peak_rss_mb=rss)
        self.started.pop(task.sha256, None)
        self.files.progress(task.sha256).unlink(missing_ok=True)
        self.on_change(task.sha256)


def run_pool_fed(workers: int, timeout: float, feed: Callable[[int], list[WebTask]]) -> Any:
    """``corpus.pool.run_pool`` of ``analyze_upload`` tasks that ``feed`` hands out as they come."""
    from ..corpus.pool import run_pool

    return run_pool([], analyze_upload, jobs=workers, timeout=timeout, feed=feed)
