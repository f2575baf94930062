"""Reading speed and memory per report: whole-process pages/s and peak RSS, median of N runs.

Each run is a fresh `esglens read` process (what a user waits for), so interpreter start and
imports count. Prints one row per report in ../shared/reports (skipped when absent).
``--against DIR`` compares with another checkout (e.g. a worktree of main): runs alternate
between DIR/src and this tree, and each row shows both medians of wall and CPU time (user+sys
of the process and its children, steadier than wall on a shared machine) and their ratios.
Bytecode is cached in a temporary PYTHONPYCACHEPREFIX (after one untimed run per tree), as for an
installed package, even where PYTHONDONTWRITEBYTECODE is set: else every run compiles esglens.

    python benchmarks/bench_read.py [--runs 3] [--ocr] [--only NAME] [--against DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_analyze import REPORTS, run

SRC = Path(__file__).resolve().parents[1] / "src"


def run_once(pdf: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh `esglens read` process."""
    return run(["read", str(pdf)])


_PYCACHE = tempfile.TemporaryDirectory(prefix="bench-read-pycache-")


def run_with(src: Path, pdf: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh `esglens read` importing esglens from ``src``."""
    env = dict(os.environ, PYTHONPATH=str(src), PYTHONPYCACHEPREFIX=_PYCACHE.name)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "esglens.cli", "read", str(pdf)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"esglens read {pdf} ({src}) failed")
    return time.perf_counter() - t0, usage.ru_utime + usage.ru_stime


def compare(pdf: Path, other: Path, runs: int) -> str:
    times: dict[Path, list[tuple[float, float]]] = {other: [], SRC: []}
    for src in times:  # untimed: writes the bytecode cache
        run_with(src, pdf)
    for i in range(runs):
        for src in (other, SRC) if i % 2 == 0 else (SRC, other):
            times[src].append(run_with(src, pdf))
    wall = {s: statistics.median(t[0] for t in v) for s, v in times.items()}
    cpu = {s: statistics.median(t[1] for t in v) for s, v in times.items()}
    return (f"{wall[other]:8.3f} {wall[SRC]:8.3f} {wall[SRC] / wall[other]:6.3f}   "
            f"{cpu[other]:8.3f} {cpu[SRC]:8.3f} {cpu[SRC] / cpu[other]:6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ocr", action="store_true", help="include the image-only (OCR) report")
    parser.add_argument("--only", default="", help="substring of report names to run")
    parser.add_argument("--against", type=Path, help="another checkout to compare with, run alternately")
    args = parser.parse_args()
    if not REPORTS.is_dir():
        print(f"skipped: {REPORTS} not found")
        return
    import pypdfium2 as pdfium

    if args.against:
        print(f"{'report':45} {'pages':>5} {'wall other/this s':>17} {'ratio':>6}   "
              f"{'cpu other/this s':>17} {'ratio':>6}")
    else:
        print(f"{'report':45} {'pages':>5} {'median s':>9} {'pages/s':>8} {'peak MB':>8}")
    for pdf in sorted(REPORTS.glob("*.pdf")):
        if ("image-only" in pdf.name and not args.ocr) or args.only not in pdf.name:
            continue
        pages = len(pdfium.PdfDocument(str(pdf)))
        if args.against:
            print(f"{pdf.name:45} {pages:5d} {compare(pdf, args.against.resolve() / 'src', args.runs)}",
                  flush=True)
            continue
        runs = [run_once(pdf) for _ in range(args.runs)]
        wall = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        print(f"{pdf.name:45} {pages:5d} {wall:9.2f} {pages / wall:8.1f} {rss:8.0f}")


if __name__ == "__main__":
    main()
