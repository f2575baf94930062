"""Scale-out: the batch's per-report tasks on a dask.distributed cluster.

The tasks are the same ``analyze_task`` calls the process pool runs; results come back to the
driver, which alone writes the store, so the store is the same whichever engine ran. Every
worker needs esglens installed (same version) and must see the report paths (a shared file
system): dask ships the task, not the PDF. Without a scheduler address a LocalCluster of
``jobs`` single-threaded worker processes is started for the run and closed after it.

Workers must not be daemonic processes (the pipeline may start a helper process per report):
start them with ``DASK_DISTRIBUTED__WORKER__DAEMON=False`` (the LocalCluster here does that).
A worker that dies is rescheduled by dask and, after the scheduler's allowed failures, the task
fails with KilledWorker: that report is recorded as failed. A task running past the deadline is
recorded as failed and its worker restarted (where the cluster has nannies to restart it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..errors import ConfigError
from .pool import cores

__all__ = ["run_dask"]

_INSTALL = "pip install 'esglens[dask]'"


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise ConfigError(f"--engine dask needs dask.distributed — {_INSTALL}") from exc
    return distributed


def run_dask(tasks: Sequence[Any], fn: Callable[[Any], Any], *, jobs: int, timeout: float | None,
             scheduler: str | None) -> Iterator[tuple[Any, Any, str | None]]:
    """Run ``fn(task)`` for each task on the cluster at ``scheduler`` (or a LocalCluster).

    Yields ``(task, result, None)`` or ``(task, None, message)`` as tasks finish. Raises
    ConfigError when the scheduler cannot be reached.
    """
    distributed = _distributed()
    import dask

    cluster = None
    try:
        if scheduler:
            client = distributed.Client(scheduler, timeout="10s")
        else:
            # Non-daemonic workers: the pipeline may start helper processes (a second PDF reader).
            with dask.config.set({"distributed.worker.daemon": False}):
                cluster = distributed.LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                                   dashboard_address=None)
            client = distributed.Client(cluster)
            client.register_plugin(_pin_plugin(distributed, cores(jobs)))  # a core each, as in the pool
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise ConfigError(f"cannot reach the dask scheduler at {scheduler}: {exc}") from exc
    try:
        yield from _collect(distributed, client, tasks, fn, timeout)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _pin_plugin(distributed: Any, cpus: list[int | None]) -> Any:
    """A worker plugin pinning LocalCluster worker N (named 0, 1, …) to core ``cpus[N]``."""

    class Pin(distributed.WorkerPlugin):  # type: ignore[misc, name-defined]
        def setup(self, worker: Any) -> None:
            import os

            cpu = cpus[worker.name % len(cpus)] if isinstance(worker.name, int) and cpus else None
            if cpu is not None:
                os.sched_setaffinity(0, {cpu})

    return Pin()


def _collect(distributed: Any, client: Any, tasks: Sequence[Any], fn: Callable[[Any], Any],
             timeout: float | None) -> Iterator[tuple[Any, Any, str | None]]:
    futures = {client.submit(fn, t, key=f"esglens-{t.sha256}-{time.time_ns()}", pure=False): t for t in tasks}
    by_key = {f.key: f for f in futures}
    started: dict[str, float] = {}
    finished = distributed.as_completed(list(futures), timeout=None)
    while futures:
        for future in _poll(finished):
            task = futures.pop(future, None)
            if task is None:  # cancelled after its deadline, already recorded
                continue
            yield task, *_result(distributed, future)
        if timeout:
            yield from _overruns(client, futures, by_key, started, timeout)


def _poll(finished: Any) -> list[Any]:
    """Futures finished within the next second (an empty list when none did)."""
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        batch = finished.next_batch(block=False)
        if batch:
            return list(batch)
        time.sleep(0.05)
    return []


def _result(distributed: Any, future: Any) -> tuple[Any, str | None]:
    try:
        return future.result(), None
    except distributed.KilledWorker:
        return None, "the dask worker died while analysing it (crash or out of memory)"
    except Exception as exc:  # the task itself records expected failures; this is dask's or a bug
        return None, f"dask task failed ({type(exc).__name__}: {' '.join(str(exc).split())})"


def _overruns(client: Any, futures: dict[Any, Any], by_key: dict[str, Any], started: dict[str, float],
              timeout: float) -> Iterator[tuple[Any, Any, str | None]]:
    """Fail and cancel tasks processing longer than ``timeout``; restart their workers."""
    now = time.monotonic()
    for worker, keys in client.processing().items():
        for key in keys:
            future = by_key.get(key)
            if future is None or future not in futures:
                continue
            if now - started.setdefault(key, now) > timeout:
                task = futures.pop(future)
                future.cancel()
                client.restart_workers([worker], raise_for_error=False)
                yield task, None, (f"timed out after {timeout:.0f} s (the batch's limit) — "
                                   "raise --timeout or analyse it alone with --pages")
