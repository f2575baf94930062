"""Score extraction against a gold answer key (``dev_answer_key.json`` format).

A metric fact is found when the PRIMARY value for one of its acceptable metric ids and its period
has the right value (within 0.5 %) and unit, and the gold page is the primary's page or the page
of a non-primary record stating the same value (the same figure cited elsewhere). A target fact is
found when a target of an acceptable type has the gold target year, and, where the gold gives them,
reduction % and base year, on a gold page. Precision counts a primary value for a gold
(metric, period) that is wrong, and a target of the gold type and year with a wrong %, as errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import NotFoundError
from .model import Document, Metric, Target


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.005 * max(abs(a), abs(b), 1e-9)


def judge_metric(fact: dict[str, Any], metrics: tuple[Metric, ...]) -> str:
    """ "found", "wrong" (a wrong primary for the key) or "missing"."""
    ids = set(_as_list(fact["metric"]))
    pages = set(_as_list(fact["page"]))
    primaries = [
        m for m in metrics if m.primary and m.metric in ids and m.period == str(fact["period"])
    ]
    if not primaries:
        return "missing"
    for p in primaries:
        if p.unit == fact["unit"] and _close(p.value, float(fact["value"])):
            cited = {p.page} | {
                m.page
                for m in metrics
                if m.metric in ids and m.period == p.period and _close(m.value, p.value)
            }
            return "found" if cited & pages else "wrong"
    return "wrong"


def judge_target(fact: dict[str, Any], targets: tuple[Target, ...]) -> str:
    """ "found", "wrong" (same type and year, wrong %) or "missing"."""
    types = set(_as_list(fact["type"]))
    pages = set(_as_list(fact["page"]))
    same = [t for t in targets if t.type in types and t.target_year == fact["target_year"]]
    if not same:
        return "missing"
    for t in same:
        pct_ok = fact.get("reduction_pct") is None or (
            t.reduction_pct is not None and _close(t.reduction_pct, float(fact["reduction_pct"]))
        )
        base_ok = fact.get("base_year") is None or t.base_year == fact["base_year"]
        if pct_ok and base_ok and t.page in pages:
            return "found"
    return "wrong" if all(t.reduction_pct is not None for t in same) else "missing"


def evaluate_metrics(
    gold_path: str | Path,
    reports_dir: str | Path,
    reader: Callable[[Path], Document] | None = None,
) -> dict[str, Any]:
    """Recall/precision per fact and overall; reports missing from ``reports_dir`` are skipped.

    Returns ``{"facts": [{id, kind, report, result}], "recall", "precision", "found", "total",
    "wrong", "skipped"}``. ``reader`` defaults to ``esglens.read``.
    """
    from .extract import extract_metrics, extract_targets
    from .guard import read_guarded

    read = reader or read_guarded
    needed = ((gold_path, "gold answer key", "--gold FILE"), (reports_dir, "reports folder", "--reports DIR"))
    for path, what, flag in needed:
        if not Path(path).exists():
            raise NotFoundError(f"{path}: no {what} there — eval needs the shared data set "
                                f"(../shared beside the repo); pass {flag}")
    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    cache: dict[str, tuple[tuple[Metric, ...], tuple[Target, ...]]] = {}
    facts = []
    skipped = 0
    for fact in gold:
        path = Path(reports_dir) / fact["report"]
        if not path.exists():
            skipped += 1
            continue
        if fact["report"] not in cache:
            doc = read(path)
            cache[fact["report"]] = (extract_metrics(doc), extract_targets(doc))
        metrics, targets = cache[fact["report"]]
        is_target = fact["kind"] == "target"
        result = judge_target(fact, targets) if is_target else judge_metric(fact, metrics)
        facts.append(
            {"id": fact["id"], "kind": fact["kind"], "report": fact["report"], "result": result}
        )
    found = sum(f["result"] == "found" for f in facts)
    wrong = sum(f["result"] == "wrong" for f in facts)
    return {
        "facts": facts,
        "found": found,
        "wrong": wrong,
        "total": len(facts),
        "skipped": skipped,
        "recall": found / len(facts) if facts else 0.0,
        "precision": found / (found + wrong) if found + wrong else 0.0,
    }
