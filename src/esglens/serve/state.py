"""What the server holds while it runs: the store and a cursor per thread, its files, the queue, caches.

The server is the store's one writer (DuckDB allows one writing process): it opens the store
once, each request thread reads through its own cursor (``Store.cursor``), and the analysis
queue's thread writes results. A done report's Analysis is kept in a small LRU, dropped when
the queue changes that report, so the report view does not parse its JSON on every request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from ..corpus.store import Store
from ..model import Analysis
from .files import Files, is_sha
from .jobs import Analyser

__all__ = ["ServeConfig", "ServerState"]

_CACHED_ANALYSES = 32


@dataclass(frozen=True)
class ServeConfig:
    """``esglens serve`` options (see cli.py); ``files`` defaults to STORE's name + ``.files``."""

    store: str = "corpus.duckdb"
    host: str = "127.0.0.1"
    port: int = 8000
    max_upload_mb: int = 100
    token: str | None = None
    workers: int = 1
    max_queue: int = 100
    timeout: float = 300.0
    files: str | None = None
    allowed_hosts: frozenset[str] | None = field(default=None)

    @property
    def files_dir(self) -> Path:
        return Path(self.files) if self.files else Path(self.store).with_suffix(".files")


class ServerState:
    """The open store, per-thread cursors, the files folder, the analysis queue and caches."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.files = Files(config.files_dir)
        self.store = Store(config.store)
        self._local = threading.local()
        self._views: list[Store] = []
        self._lock = threading.Lock()
        self._analyses: OrderedDict[str, Analysis] = OrderedDict()
        self.render_slots = threading.BoundedSemaphore(2)  # sandboxed pdfium children at once
        self.analyser = Analyser(self.store.cursor(), self.files, workers=config.workers,
                                 max_queue=config.max_queue, timeout=config.timeout, on_change=self.forget)
        self._page_locks: dict[tuple[str, int], threading.Lock] = {}

    def view(self) -> Store:
        """This thread's cursor on the store."""
        view = getattr(self._local, "view", None)
        if view is None:
            view = self._local.view = self.store.cursor()
            with self._lock:
                self._views.append(view)
        return view

    def analysis(self, sha: str) -> Analysis | None:
        """A done report's Analysis (cached), or None."""
        if not is_sha(sha):
            return None
        with self._lock:
            cached = self._analyses.get(sha)
            if cached is not None:
                self._analyses.move_to_end(sha)
                return cached
        found = self.view().analysis(sha)
        if found is not None:
            with self._lock:
                self._analyses[sha] = found
                while len(self._analyses) > _CACHED_ANALYSES:
                    self._analyses.popitem(last=False)
        return found

    def forget(self, sha: str) -> None:
        """Drop what is cached about a report (the queue changed it)."""
        with self._lock:
            self._analyses.pop(sha, None)

    def page_lock(self, sha: str, page: int) -> threading.Lock:
        """One lock per report page, so two requests never render or locate it twice at once."""
        with self._lock:
            return self._page_locks.setdefault((sha, page), threading.Lock())

    def start(self) -> None:
        self.analyser.start()

    def close(self) -> None:
        """Stop the queue (running work goes back to queued) and close every cursor and the store."""
        self.analyser.stop()
        with self._lock:
            for view in self._views:
                view.close()
            self._views.clear()
        self.analyser.store.close()
        self.store.close()
