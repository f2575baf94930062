"""Score extraction against a gold answer key (``dev_answer_key.json`` format, ``gold/SCORING.md``).

Only primary metrics are judged. A metric fact is a **hit** when a primary with one of its metric
ids, its unit, a period containing its year and a value within 0.5 % sits on one of its pages; the
same value on another page is **wrong-page**; another value for that id/unit/period is
**wrong-value**; nothing for that id/unit/period is a **miss**. A target fact is a hit when a
target of one of its types has its target year, its percentage (reduction_pct or target_pct, within
1 %) and base year where the fact gives them, on one of its pages; a target of that type and year
that disagrees is wrong (wrong-page when only the page differs). recall = hits / facts; precision
= hits / (hits + wrong-value + wrong-page): saying nothing beats guessing.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .errors import ConfigError, NotFoundError
from .model import Document, Metric, Target

HIT, WRONG_VALUE, WRONG_PAGE, MISS = "hit", "wrong-value", "wrong-page", "miss"

# Metric id -> the family the scores are broken down by (targets form their own family).
_FAMILIES = {
    "ghg": ("ghg_",),
    "energy": ("energy_consumption",),
    "renewable share": ("renewable_energy_share",),
    "water": ("water_",),
    "waste": ("waste_",),
    "employees": ("employees",),
    "women": ("women_",),
    "fatalities": ("fatalities",),
    "ltifr": ("ltifr", "injury_frequency_rate"),
}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _close(a: float, b: float, tolerance: float = 0.005) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-9)


def family(fact: dict[str, Any]) -> str:
    """The family a gold fact is reported under ("ghg", "targets", "women", ...)."""
    if fact["kind"] == "target":
        return "targets"
    first = _as_list(fact["metric"])[0]
    for name, prefixes in _FAMILIES.items():
        if first.startswith(prefixes):
            return name
    return "other"


def judge_metric(fact: dict[str, Any], metrics: Iterable[Metric]) -> tuple[str, Metric | None]:
    """(result, the primary it was judged against) for one metric fact."""
    ids = set(_as_list(fact["metric"]))
    pages = set(_as_list(fact["page"]))
    year = str(fact["period"])
    same = [
        m for m in metrics if m.primary and m.metric in ids and m.unit == fact["unit"] and year in m.period
    ]
    if not same:
        return MISS, None
    value = float(fact["value"])
    agreeing = [m for m in same if _close(m.value, value)]
    on_page = [m for m in agreeing if m.page in pages]
    if on_page:
        return HIT, on_page[0]
    if agreeing:
        return WRONG_PAGE, agreeing[0]
    return WRONG_VALUE, same[0]


def judge_target(fact: dict[str, Any], targets: Iterable[Target]) -> tuple[str, Target | None]:
    """(result, the target it was judged against) for one target fact."""
    types = set(_as_list(fact["type"]))
    pages = set(_as_list(fact["page"]))
    same = [t for t in targets if t.type in types and t.target_year == fact["target_year"]]
    if not same:
        return MISS, None

    def agrees(t: Target) -> bool:
        want = fact.get("reduction_pct")
        if want is not None:
            got = [p for p in (t.reduction_pct, t.target_pct) if p is not None]
            if not any(abs(p - float(want)) <= 1.0 for p in got):
                return False
        return fact.get("base_year") is None or t.base_year == fact["base_year"]

    agreeing = [t for t in same if agrees(t)]
    on_page = [t for t in agreeing if t.page in pages]
    if on_page:
        return HIT, on_page[0]
    if agreeing:
        return WRONG_PAGE, agreeing[0]
    return WRONG_VALUE, same[0]


def _summary(results: list[str]) -> dict[str, Any]:
    counts = Counter(results)
    hits, wrong = counts[HIT], counts[WRONG_VALUE] + counts[WRONG_PAGE]
    return {
        "total": len(results),
        "hits": hits,
        "wrong_value": counts[WRONG_VALUE],
        "wrong_page": counts[WRONG_PAGE],
        "misses": counts[MISS],
        "recall": round(hits / len(results), 4) if results else 0.0,
        "precision": round(hits / (hits + wrong), 4) if hits + wrong else 0.0,
    }


def evaluate_metrics(
    gold_path: str | Path,
    reports_dir: str | Path,
    reader: Callable[[Path], Document] | None = None,
) -> dict[str, Any]:
    """Score every fact of ``gold_path`` whose report is in ``reports_dir``.

    Returns the overall summary (total, hits, wrong_value, wrong_page, misses, recall,
    precision) plus ``by_family``, ``by_report``, ``facts`` (one row per fact with its result
    and what esglens gave) and ``skipped`` (facts whose report is absent). Raises ConfigError
    when the key or the folder is missing. ``reader`` defaults to ``esglens.read``.
    """
    from .extract import extract_metrics, extract_targets
    from .guard import read_guarded

    gold_file, folder = Path(gold_path), Path(reports_dir)
    needed = ((gold_file, "gold answer key", "--gold FILE"), (folder, "reports folder", "--reports DIR"))
    for path, what, flag in needed:
        if not path.exists():
            raise NotFoundError(
                f"{path}: no {what} there — eval needs the shared data set (../shared beside the repo); "
                f"pass {flag}"
            )
    if not gold_file.is_file():
        raise ConfigError(f"{gold_file}: not a file — pass --gold FILE")
    if not folder.is_dir():
        raise ConfigError(f"{folder}: not a folder of reports — pass --reports DIR")
    try:
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{gold_file}: not a JSON answer key ({exc})") from exc
    read = reader or read_guarded
    cache: dict[str, tuple[tuple[Metric, ...], tuple[Target, ...]]] = {}
    rows: list[dict[str, Any]] = []
    skipped = 0
    for fact in gold:
        path = folder / fact["report"]
        if not path.exists():
            skipped += 1
            continue
        if fact["report"] not in cache:
            doc = read(path)
            cache[fact["report"]] = (extract_metrics(doc), extract_targets(doc))
        metrics, targets = cache[fact["report"]]
        if fact["kind"] == "target":
            result, target = judge_target(fact, targets)
            got = (
                None
                if target is None
                else {
                    "type": target.type,
                    "target_year": target.target_year,
                    "base_year": target.base_year,
                    "reduction_pct": target.reduction_pct,
                    "target_pct": target.target_pct,
                    "page": target.page,
                }
            )
        else:
            result, metric = judge_metric(fact, metrics)
            got = (
                None
                if metric is None
                else {
                    "metric": metric.metric,
                    "value": metric.value,
                    "unit": metric.unit,
                    "period": metric.period,
                    "page": metric.page,
                    "quote": metric.quote[:160],
                }
            )
        rows.append(
            {
                "id": fact.get("id", ""),
                "report": fact["report"],
                "kind": fact["kind"],
                "family": family(fact),
                "result": result,
                "gold": fact,
                "got": got,
            }
        )
    by_family: dict[str, list[str]] = defaultdict(list)
    by_report: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_family[row["family"]].append(row["result"])
        by_report[row["report"]].append(row["result"])
    return {
        **_summary([r["result"] for r in rows]),
        "skipped": skipped,
        "by_family": {k: _summary(v) for k, v in sorted(by_family.items())},
        "by_report": {k: _summary(v) for k, v in sorted(by_report.items())},
        "facts": rows,
    }


def format_scores(scores: dict[str, Any], details: bool = True) -> str:
    """A plain-text report: overall, per family, per report, then misses and wrong values."""
    out = [
        f"recall {scores['recall']:.3f}  precision {scores['precision']:.3f}  "
        f"({scores['hits']} hits, {scores['wrong_value']} wrong value, {scores['wrong_page']} wrong page, "
        f"{scores['misses']} missed of {scores['total']} facts; {scores['skipped']} skipped)",
        "",
        f"{'family':18} {'facts':>5} {'recall':>7} {'precision':>9}",
    ]
    for name, s in scores["by_family"].items():
        out.append(f"{name:18} {s['total']:5} {s['recall']:7.3f} {s['precision']:9.3f}")
    out += ["", f"{'report':48} {'facts':>5} {'recall':>7} {'precision':>9}"]
    for name, s in scores["by_report"].items():
        out.append(f"{name:48} {s['total']:5} {s['recall']:7.3f} {s['precision']:9.3f}")
    if details:
        out.append("")
        for row in scores["facts"]:
            if row["result"] == HIT:
                continue
            g = row["gold"]
            want = (
                f"{g.get('type')} {g.get('target_year')} {g.get('reduction_pct')} base {g.get('base_year')}"
                if row["kind"] == "target"
                else f"{g['metric']} {g['value']:g} {g['unit']} {g['period']}"
            )
            got = row["got"]
            gave = "" if got is None else f" -> got {got}"
            out.append(f"{row['result']:11} {row['report']} p.{g['page']}: {want}{gave}")
    return "\n".join(out)
