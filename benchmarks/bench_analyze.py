"""The main job, whole-process: `esglens analyze` wall time, peak RSS and stage timings per report.

Targets (issue 4): siemens-2024-sustainability.pdf (170 pp) in <= 15 s with peak RSS <= 1 GB;
metrics + targets (issue 3) in <= 10 s. Median of N fresh processes per report.

    python benchmarks/bench_analyze.py [--runs 3] [--only siemens]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPORTS = Path(__file__).resolve().parents[2] / "shared" / "reports"


def run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one fresh esglens process (and its workers)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "esglens.cli", *args], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"esglens {' '.join(args)}: {proc.stderr.strip()}")
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="substring of report names to run")
    args = parser.parse_args()
    if not REPORTS.is_dir():
        print(f"skipped: {REPORTS} not found")
        return
    print(f"{'report':42} {'analyze s':>9} {'metrics s':>9} {'peak MB':>8}  stages (s)")
    for pdf in sorted(REPORTS.glob("*.pdf")):
        if args.only not in pdf.name or "image-only" in pdf.name:
            continue
        with tempfile.TemporaryDirectory() as out:
            runs = [run(["analyze", str(pdf), "--out", out, "--no-progress"]) for _ in range(args.runs)]
            stages = json.loads((Path(out) / "analysis.json").read_text())["timings"]
        metric_runs = [run(["metrics", str(pdf), "--format", "json"]) for _ in range(args.runs)]
        wall = statistics.median(r[0] for r in runs)
        mwall = statistics.median(r[0] for r in metric_runs)
        rss = max(r[1] for r in runs)
        stage_text = " ".join(f"{k}={v:.2f}" for k, v in stages.items())
        print(f"{pdf.name:42} {wall:9.2f} {mwall:9.2f} {rss:8.0f}  {stage_text}")


if __name__ == "__main__":
    main()
