"""Reading speed and memory per report: whole-process pages/s and peak RSS, median of N runs.

Each run is a fresh `esglens read` process (what a user waits for), so interpreter start and
imports count. Prints one row per report in ../shared/reports (skipped when absent).

    python benchmarks/bench_read.py [--runs 3] [--ocr]
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from bench_analyze import REPORTS, run


def run_once(pdf: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh `esglens read` process."""
    return run(["read", str(pdf)])


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
