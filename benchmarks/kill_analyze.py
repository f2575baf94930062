"""SIGKILL `esglens analyze` while it publishes, many times, and count what the output folder holds.

Two generated reports take turns being written into the same --out; each run is killed either
as soon as the output folder or its parent changes (plus a random delay up to the time an
uninterrupted run takes from that change to its end: rendering and the switch), or at a random
moment of the whole run. After each kill --out must hold the previous complete set or the new
complete set (checked file by file against its manifest and the report's sha256), with nothing
visible beside it; hidden staging left by a kill must be gone after the next run.

    python benchmarks/kill_analyze.py [--runs 40]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import write_pdf  # noqa: E402

CMD = [sys.executable, "-m", "esglens.cli", "analyze"]


def _state(out: Path) -> str | None:
    """The sha256 of the report whose complete set ``out`` holds, or None for anything else."""
    try:
        names = sorted(os.listdir(out))
        manifest = json.loads((out / ".esglens-manifest.json").read_text())
        if names != sorted([*manifest["files"], ".esglens-manifest.json"]):
            return None
        analysis = json.loads((out / "analysis.json").read_text())
        (out / "overview.md").read_text()
        html = (out / "overview.html").read_text()
    except (OSError, ValueError, KeyError):
        return None
    ok = analysis["sha256"] == manifest["sha256"] and html.rstrip().endswith("</html>")
    return str(manifest["sha256"]) if ok else None


def _timed_run(report: Path, parent: Path, out: Path) -> tuple[float, float]:
    """Seconds of a whole uninterrupted run, and from the first change beside --out to its end."""
    before = (os.listdir(parent), os.listdir(out))
    t0 = time.monotonic()
    proc = subprocess.Popen([*CMD, str(report), "--out", str(out)], stdout=subprocess.DEVNULL)
    while proc.poll() is None and (os.listdir(parent), os.listdir(out)) == before:
        pass
    changed = time.monotonic()
    proc.wait()
    end = time.monotonic()
    return end - t0, end - changed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        reports = [
            write_pdf(base / "a.pdf", [["Report A. Scope 1 emissions were 900 tCO2e in 2022."]] * 4),
            write_pdf(base / "b.pdf", [["Report B. Scope 1 emissions were 1,200 tCO2e in 2023."]] * 6),
        ]
        sha_of = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in reports}
        parent = base / "results"
        out = parent / "out"
        subprocess.run([*CMD, str(reports[0]), "--out", str(out)], check=True, capture_output=True)
        full, window = _timed_run(reports[1], parent, out)
        subprocess.run([*CMD, str(reports[0]), "--out", str(out)], check=True, capture_output=True)
        counts: Counter[str] = Counter()
        for i in range(args.runs):
            previous = _state(out)
            hidden_before = len(os.listdir(parent))
            report = next(r for r in reports if sha_of[r] != previous)  # outcomes tell apart
            mode = "first-change" if i % 2 == 0 else "random-moment"
            before = (os.listdir(parent), os.listdir(out))
            proc = subprocess.Popen([*CMD, str(report), "--out", str(out)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if mode == "first-change":
                while proc.poll() is None and (os.listdir(parent), os.listdir(out)) == before:
                    pass
                time.sleep(rng.uniform(0, window))
            else:
                time.sleep(rng.uniform(0, full * 1.2))
            finished = proc.poll() is not None
            proc.kill()
            proc.wait()
            now = _state(out)
            new = sha_of[report]
            counts[f"{mode}: " + ("previous set" if now == previous else "new set" if now == new
                                  else "MIXED OR MISSING")] += 1
            counts["runs that finished before the kill"] += finished
            if sorted(n for n in os.listdir(parent) if not n.startswith(".")) != ["out"]:
                counts["VISIBLE staging or extra entries"] += 1
            if len(os.listdir(parent)) > hidden_before:
                counts["kills that left a hidden staging folder (removed by the next run)"] += 1
        subprocess.run([*CMD, str(reports[0]), "--out", str(out)], check=True, capture_output=True)
        counts["entries beside --out after a final clean run"] = len(os.listdir(parent)) - 1
        print(f"{args.runs} kills; an uninterrupted run takes {full:.2f} s, {window * 1000:.0f} ms of it "
              "after the output folder first changes")
        for key, value in sorted(counts.items()):
            print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
