"""Batch throughput on the shared corpus: reports/hour and pages/s for --jobs 1, --jobs 2 and dask.

Each configuration is a fresh `esglens batch` process into a new store (what a user waits for:
interpreter start, hashing, worker start-up and store writes all count). Pages/s counts the
pages of reports that finished; peak RSS per worker is the highest resident set any worker
process reached (each report records its worker's peak so far). Target (issue 10): --jobs 2 at
least 1.5x the reports/hour of --jobs 1 on 2 cores. Medians over --runs; the machine is shared,
so also say what else was running when you quote the figures: the "cores" column (CPU seconds of
the batch and all its processes over wall seconds) shows how many cores the run actually got.

    python benchmarks/bench_batch.py [--runs 1] [--only siemens,bhp] [--skip-ocr]
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

from bench_analyze import REPORTS

# (engine, jobs, pinned): workers are pinned to a core each by default; the unpinned --jobs 1 row
# lets one worker use both cores through the pipeline's own helpers (second reader, OCR threads).
CONFIGS = [("process", 1, True), ("process", 1, False), ("process", 2, True), ("dask", 2, True)]


def run_batch(inputs: list[Path], engine: str, jobs: int, pinned: bool = True) -> dict[str, float]:
    """One fresh batch process; returns wall s, CPU s, reports done/failed, pages, peak worker RSS (MB)."""
    import resource

    import duckdb

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.duckdb"
        args = [sys.executable, "-m", "esglens.cli", "batch", *map(str, inputs), "--store", str(store),
                "--jobs", str(jobs), "--engine", engine, "--no-progress"]
        env = {**os.environ, "ESGLENS_PIN_WORKERS": "1" if pinned else "0"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True, env=env)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the batch, its workers and their helpers
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        if proc.returncode != 0:
            raise SystemExit(f"batch failed: {proc.stderr.strip()}")
        con = duckdb.connect(str(store), read_only=True)
        done, failed, pages, rss = con.execute(
            "SELECT count(*) FILTER (status = 'done'), count(*) FILTER (status = 'failed'), "
            "coalesce(sum(pages) FILTER (status = 'done'), 0), max(peak_rss_mb) FROM reports").fetchone()
        con.close()
    return {"wall": wall, "cpu": cpu, "done": done, "failed": failed, "pages": pages, "rss": rss or 0.0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated substrings of report names")
    parser.add_argument("--skip-ocr", action="store_true", help="leave out the image-only (OCR) report")
    args = parser.parse_args()
    if not REPORTS.is_dir():
        print(f"skipped: {REPORTS} not found")
        return
    wanted = [w for w in args.only.split(",") if w]
    inputs = [p for p in sorted(REPORTS.glob("*.pdf"))
              if (not wanted or any(w in p.name for w in wanted))
              and not (args.skip_ocr and "image-only" in p.name)]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{len(inputs)} reports, {cores} cores, load average {load:.2f} before the runs")
    print(f"{'engine':8} {'jobs':>4} {'pinned':>6} {'wall s':>8} {'reports/h':>10} {'pages/s':>8} "
          f"{'peak MB/worker':>15} {'cores':>5} {'done':>5} {'failed':>6}")
    rates: dict[tuple[str, int, bool], float] = {}
    for engine, jobs, pinned in CONFIGS:
        runs = [run_batch(inputs, engine, jobs, pinned) for _ in range(args.runs)]
        wall = statistics.median(r["wall"] for r in runs)
        last = runs[-1]
        rate = rates[(engine, jobs, pinned)] = last["done"] / wall * 3600
        print(f"{engine:8} {jobs:4d} {'yes' if pinned else 'no':>6} {wall:8.1f} {rate:10.0f} "
              f"{last['pages'] / wall:8.1f} {max(r['rss'] for r in runs):15.0f} "
              f"{last['cpu'] / last['wall']:5.2f} {last['done']:5d} {last['failed']:6d}")
    one, free, two = rates[("process", 1, True)], rates[("process", 1, False)], rates[("process", 2, True)]
    print(f"speed-up --jobs 2 vs --jobs 1: {two / one:.2f}x (target >= 1.5x); vs an unpinned --jobs 1: "
          f"{two / free:.2f}x; dask 2 workers vs --jobs 1: {rates[('dask', 2, True)] / one:.2f}x")
    if hasattr(os, "getloadavg"):
        print(f"load average after the runs {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
