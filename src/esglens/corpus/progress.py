"""Batch progress for people: a live bar on a terminal (rich), one line per report in a log.

Both show done / failed / remaining, pages/s and the ETA. Kept out of ``cli.py`` so the command
stays thin; the library itself never prints — ``batch`` only calls the callback these return.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from .batch import BatchProgress
from .store import require

__all__ = ["progress_bar", "progress_lines"]


@contextmanager
def progress_bar() -> Iterator[Callable[[BatchProgress], None]]:
    """A callback for ``batch(progress=…)`` drawing a live bar on stderr while the block runs."""
    require("rich")
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns: list[Any] = [
        TextColumn("[bold]batch"), BarColumn(), MofNCompleteColumn(),
        TextColumn("done {task.fields[done]} · failed {task.fields[failed]} · left {task.fields[left]}"),
        TextColumn("{task.fields[rate]} pages/s"), TextColumn("ETA"), TimeRemainingColumn(),
    ]
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("batch", total=None, done=0, failed=0, left="?", rate="-")

        def show(p: BatchProgress) -> None:
            rate = f"{p.pages / p.elapsed:.1f}" if p.elapsed > 0 and p.pages else "-"
            bar.update(task, total=p.total, completed=p.done + p.failed + p.skipped, done=p.done,
                       failed=p.failed, left=p.remaining, rate=rate)

        yield show


def progress_lines(stream: IO[str]) -> Callable[[BatchProgress], None]:
    """A callback writing one line per finished report to ``stream`` (a log, not a terminal)."""

    def show(p: BatchProgress) -> None:
        finished = p.done + p.failed
        rate = p.pages / p.elapsed if p.elapsed > 0 else 0.0
        eta = p.elapsed / finished * p.remaining if finished else None
        when = f", ETA {eta:.0f} s" if eta is not None and p.remaining else ""
        last = f" {p.last}" if p.last else ""
        stream.write(f"[{finished + p.skipped}/{p.total}] done {p.done}, failed {p.failed}, "
                     f"left {p.remaining}, {rate:.1f} pages/s{when}{last}\n")
        stream.flush()

    return show
