"""Benchmark "Claims to watch": the claim detector's F1 on the environmental-claims dev split, and
the flags raised on the shared reports (counts per reason; ``--sample N`` prints N flags drawn at
random, seed 0, with their pages, for a reviewer to check against the PDF).

The dev split (265 sentences, ../shared/datasets/environmental-claims) is never used for training
or tuning (scripts/train_claims.py fits on train and tunes by cross-validation on train).
Usage: python benchmarks/bench_claims.py [--sample N] [--reports]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from pathlib import Path

import esglens
from esglens.extract.claims import extract_claims, is_environmental_claim

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def dev_f1() -> None:
    rows = [json.loads(line) for line in
            (SHARED / "datasets/environmental-claims/dev.jsonl").read_text("utf-8").splitlines() if line]
    tp = fp = fn = 0
    for r in rows:
        pred, gold = is_environmental_claim(r["text"]), bool(r["label"])
        tp += pred and gold
        fp += pred and not gold
        fn += gold and not pred
    p = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
    print(f"detector on dev ({len(rows)} sentences, {tp + fn} claims): "
          f"precision {p:.3f} recall {rec:.3f} F1 {f1:.3f}")


def flags(sample: int) -> None:
    found = []
    reasons: Counter[str] = Counter()
    t0 = time.perf_counter()
    for path in sorted((SHARED / "reports").glob("*.pdf")):
        if "image-only" in path.name:
            continue
        doc = esglens.read(path)
        t = time.perf_counter()
        claims = extract_claims(doc)
        took = time.perf_counter() - t
        reasons.update(c.reason for c in claims)
        found += [(path.name, c) for c in claims]
        print(f"  {path.name:48} {len(claims):3} flags  ({took:.2f}s)")
    print(f"{len(found)} flags on the shared reports in {time.perf_counter() - t0:.0f}s:")
    for reason, n in reasons.most_common():
        print(f"  {n:4}  {reason}")
    for name, c in random.Random(0).sample(found, min(sample, len(found))):
        print(f"\n[{name} p. {c.page}] ({c.reason}; {c.topic})\n  {c.text}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--reports", action="store_true", help="also run on the shared reports")
    args = ap.parse_args()
    dev_f1()
    if args.reports or args.sample:
        flags(args.sample)


if __name__ == "__main__":
    main()
