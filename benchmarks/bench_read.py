"""Reading speed and memory per report: whole-process pages/s and peak RSS, median of N runs.

Each run is a fresh `esglens read` process (what a user waits for), so interpreter start and
imports count. Prints one row per report in ../shared/reports (skipped when absent).

    python benchmarks/bench_read.py [--runs 3] [--ocr]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPORTS = Path(__file__).resolve().parents[2] / "shared" / "reports"


def run_once(pdf: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, the largest of the process and its workers) of one read."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "esglens.cli", "read", str(pdf)],
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{pdf.name}: {proc.stderr.strip()}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ocr", action="store_true", help="include the image-only (OCR) report")
    args = parser.parse_args()
    if not REPORTS.is_dir():
        print(f"skipped: {REPORTS} not found")
        return
    import pypdfium2 as pdfium

    print(f"{'report':45} {'pages':>5} {'median s':>9} {'pages/s':>8} {'peak MB':>8}")
    for pdf in sorted(REPORTS.glob("*.pdf")):
        if "image-only" in pdf.name and not args.ocr:
            continue
        pages = len(pdfium.PdfDocument(str(pdf)))
        runs = [run_once(pdf) for _ in range(args.runs)]
        wall = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        print(f"{pdf.name:45} {pages:5d} {wall:9.2f} {pages / wall:8.1f} {rss:8.0f}")


if __name__ == "__main__":
    main()
