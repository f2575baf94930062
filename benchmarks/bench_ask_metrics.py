"""Benchmark ``esglens.ask`` on numeric questions generated from the gold metric facts.

For every metric fact in ../shared/gold/dev_answer_key.json the benchmark asks "What were the
company's <metric> in <year>?" (the metric worded as an analyst would, several wordings rotated
so no single phrasing is tuned for) and checks the answer text: correct when a quantity in it,
converted to the fact's canonical unit, is within 0.5% of the gold value and the year is named.
Scored of all facts, of the facts whose metric and year esglens extracted as a primary, and of
the facts extraction got right (a hit or wrong-page in gold/SCORING.md terms), so the answer
stage is told apart from extraction recall. Also counts abstentions and answers that cite a page
missing from their citations.

Usage: python benchmarks/bench_ask_metrics.py [--cache-dir DIR] [-k 5] [-v] [--report NAME]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from esglens.ask import ask, get_index
from esglens.evaluate import HIT, WRONG_PAGE, judge_metric
from esglens.extract.quantity import iter_quantities, parse_number

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# How an analyst words each metric; rotated per fact (wording i % len for the i-th fact).
WORDINGS: dict[str, list[str]] = {
    "ghg_scope1": ["Scope 1 GHG emissions", "Scope 1 emissions", "direct (Scope 1) greenhouse gas emissions"],
    "ghg_scope2": ["Scope 2 emissions", "Scope 2 GHG emissions"],
    "ghg_scope2_market": ["market-based Scope 2 emissions", "Scope 2 (market-based) GHG emissions"],
    "ghg_scope2_location": ["location-based Scope 2 emissions", "Scope 2 emissions (location-based)"],
    "ghg_scope1_2": ["combined Scope 1 and 2 emissions", "Scope 1+2 GHG emissions"],
    "ghg_scope3": ["Scope 3 emissions", "Scope 3 GHG emissions", "value chain (Scope 3) emissions"],
    "ghg_total": ["total GHG emissions", "total greenhouse gas emissions"],
    "energy_consumption": ["total energy consumption", "energy use", "energy consumption"],
    "renewable_energy_share": ["share of renewable energy", "renewable energy share",
                               "percentage of energy from renewable sources"],
    "water_withdrawal": ["water withdrawal", "total water withdrawn"],
    "water_consumption": ["water consumption", "total water consumed"],
    "waste_generated": ["total waste generated", "total amount of waste"],
    "waste_diverted_share": ["share of waste diverted from disposal", "waste diversion rate"],
    "employees": ["number of employees", "headcount", "total workforce"],
    "women_share": ["share of women in the workforce", "percentage of female employees",
                    "proportion of women employees"],
    "women_management_share": ["share of women in management", "percentage of women in management positions"],
    "fatalities": ["number of work-related fatalities", "fatalities"],
    "ltifr": ["lost-time injury frequency rate", "LTIFR"],
    "injury_frequency_rate": ["total recordable injury frequency rate", "TRIFR"],
}
_SINGULAR = re.compile(r"^(?:number|share|percentage|proportion|headcount|total workforce|rate|"
                       r"\w+ rate|LTIFR|TRIFR|lost|total recordable|water|energy|total energy|"
                       r"renewable|waste diversion|total amount)", re.I)
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def question_for(fact: dict[str, Any], i: int) -> str:
    first = fact["metric"][0] if isinstance(fact["metric"], list) else fact["metric"]
    options = WORDINGS[first]
    metric = options[i % len(options)]
    verb = "was" if _SINGULAR.match(metric) and "emissions" not in metric else "were"
    return f"What {verb} the company's {metric} in {fact['period']}?"


def values_in(text: str, unit: str) -> list[float]:
    """Quantities in ``text`` in ``unit`` (canonical), plus bare numbers for counts and rates."""
    out = [f.quantity.value for f in iter_quantities(text) if f.quantity.unit == unit]
    if unit in ("count", "rate", "%") or unit.startswith("per "):  # "per 100,000 hours": a rate
        for m in re.finditer(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)(?:\s+(thousand|million|billion))?", text):
            value = parse_number(m.group(1))
            if value is not None:
                out.append(value * _SCALE.get(m.group(2) or "", 1.0))
    return out


def is_correct(text: str, fact: dict[str, Any]) -> bool:
    gold = float(fact["value"])
    close = any(abs(v - gold) <= 0.005 * max(abs(gold), 1e-9) for v in values_in(text, fact["unit"]))
    return close and str(fact["period"]) in text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache-dir", default=None)
    ap.add_argument("-k", type=int, default=5)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--report", help="only facts of reports whose file name contains this")
    args = ap.parse_args()
    key = SHARED / "gold" / "dev_answer_key.json"
    if not key.exists():
        sys.exit("../shared/gold/dev_answer_key.json not found")
    facts = [f for f in json.loads(key.read_text()) if f["kind"] == "metric"]
    if args.report:
        facts = [f for f in facts if args.report in f["report"]]
    cache = Path(args.cache_dir or tempfile.mkdtemp(prefix="esglens-bench-"))
    indexes: dict[str, Any] = {}
    t0 = time.perf_counter()
    for name in sorted({f["report"] for f in facts}):
        indexes[name] = get_index(SHARED / "reports" / name, cache)
    print(f"indexes ready in {time.perf_counter() - t0:.1f}s ({len(indexes)} reports)")

    groups: dict[str, list[bool]] = defaultdict(list)
    abstained = bad_cites = 0
    latencies: list[float] = []
    by_metric: dict[str, Counter[str]] = defaultdict(Counter)
    for i, fact in enumerate(facts):
        index = indexes[fact["report"]]
        question = question_for(fact, i)
        t = time.perf_counter()
        answer = ask(index, question, k=args.k)
        latencies.append(time.perf_counter() - t)
        text = answer.answer or ""
        ok = not answer.abstained and is_correct(text, fact)
        abstained += answer.abstained
        cited = {c.page for c in answer.citations}
        bad_cites += any(int(p) not in cited for p in re.findall(r"\[p\. (\d+)\]", text))
        result, _ = judge_metric(fact, index.metrics)
        extracted = any(
            m.primary and m.metric in fact["metric"] and str(fact["period"]) in m.period
            for m in index.metrics
        )
        groups["all facts"].append(ok)
        if extracted:
            groups["metric + year extracted as a primary"].append(ok)
        if result in (HIT, WRONG_PAGE):
            groups["extracted right (hit or wrong-page)"].append(ok)
        by_metric[fact["metric"][0]][("ok" if ok else "wrong")] += 1
        if args.verbose and not ok:
            print(f"  {'ABST' if answer.abstained else 'WRONG'} [{result}{'' if extracted else ', none'}] "
                  f"{fact['report'][:22]} gold={fact['value']} {fact['unit']} p.{fact['page']}\n"
                  f"      Q: {question}\n      A: {text[:240]}")
    for name, oks in groups.items():
        print(f"{name}: {sum(oks)}/{len(oks)} = {sum(oks) / max(len(oks), 1):.3f}")
    print(f"abstained: {abstained}/{len(facts)}; answers citing a page not in their citations: {bad_cites}")
    for metric, c in sorted(by_metric.items()):
        print(f"  {metric:24} {c['ok']}/{c['ok'] + c['wrong']}")
    latencies.sort()
    print(f"per-question latency: median {latencies[len(latencies) // 2] * 1000:.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
