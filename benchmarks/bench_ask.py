"""Benchmark ``esglens.ask``: page hit@5, abstention and latency on the shared QA datasets.

Datasets (read in place from ../shared, never copied):
- climate-finance-bench/dataset.json: questions whose company and fiscal year match a report in
  shared/reports (Siemens, Orange, Suez); gold = the ``Pages`` field (``doc1{page7}`` = 1-based
  PDF page 7), plus the pages holding a ``Document extracts`` passage (some ``Pages`` are off:
  Siemens Q1 cites p. 9 for a passage printed on p. 22; ``--no-extracts`` scores ``Pages`` only);
  questions with no gold page are skipped.
- climretrieve/ClimRetrieve_base.xlsx: (document, question) pairs with relevance >= 1 for reports we
  have (same company and year: CT REIT, Rio Tinto, the Walmart excerpt); its pages are *printed*
  labels, so gold = the PDF page carrying that label (Rio Tinto: label + 2), plus any page whose
  text holds the annotated passage (the only evidence used for an excerpt).
"Holds a passage": >= 90% of its first 30 words are on the page (robust to column order).

hit@5 = share of questions with a gold page among the first 5 citations. Abstention is measured on
questions clearly not about any report (should abstain) and on the dataset questions (should not).
Needs openpyxl (bench-only).
Usage: python benchmarks/bench_ask.py [--dense | --no-dense] [--cache-dir DIR] [-v]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from esglens import read
from esglens.ask import ask, get_index
from esglens.model import Document

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
REPORTS = SHARED / "reports"

OFF_TOPIC = [
    "Who won the FIFA World Cup in 2018?",
    "What is the recipe for a classic French croissant?",
    "How many moons does Jupiter have?",
    "Which actor played James Bond in Goldfinger?",
    "What is the best way to train a puppy to sit?",
    "Who wrote the novel Pride and Prejudice?",
    "What is the boiling point of ethanol at sea level?",
    "How do I change a flat bicycle tyre?",
    "What is the capital city of Mongolia?",
    "Which team won the NBA championship in 1996?",
]


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def report_for(name: str, year: object) -> Path | None:
    """The shared report whose company prefix (file name before the first '-') starts ``name``
    and whose file name carries the dataset document's year: another year's report of the same
    company is a different document, and its gold pages mean nothing here."""
    for path in sorted(REPORTS.glob("*.pdf")):
        if "image-only" in path.name:
            continue
        if _key(name).startswith(path.name.split("-")[0]) and str(year) in path.name:
            return path
    return None


def _year(document: str) -> str | None:
    found = re.findall(r"(?:19|20)\d\d", document)
    return found[0] if found else None


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("_x0002_", ""))


def pages_holding(doc: Document, snippet: str) -> set[int]:
    """Pages holding >= 90% of the snippet's first 30 words (column-order-proof "verbatim")."""
    words = set(_words(snippet)[:30])
    if len(words) < 8:
        return set()
    return {p.number for p in doc.pages if len(words & set(_words(p.text))) >= 0.9 * len(words)}


def cfb_questions(docs: dict[Path, Document], extracts: bool) -> list[tuple[Path, str, set[int]]]:
    data = json.loads((SHARED / "datasets/climate-finance-bench/dataset.json").read_text())
    out = []
    for item in data:
        path = report_for(item["Company's name"], item["Fiscal year"])
        pages = {int(p) for p in re.findall(r"page\s*(\d+)", item["Pages"] or "")}
        if path and pages:
            if extracts:
                doc = docs.setdefault(path, read(path))
                for snippet in re.findall(r"doc\d+\{(.*?)\}", item["Document extracts"] or "", re.S):
                    pages |= pages_holding(doc, snippet)
            out.append((path, item["Question"], pages))
    return out


def climretrieve_questions(docs: dict[Path, Document]) -> list[tuple[Path, str, set[int]]]:
    import openpyxl

    wb = openpyxl.load_workbook(
        SHARED / "datasets/climretrieve/ClimRetrieve_base.xlsx", read_only=True
    )
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    gold: dict[tuple[Path, str], set[int]] = defaultdict(set)
    last_page: dict[str, int] = defaultdict(int)
    for row in rows[1:]:
        if row[1] and isinstance(row[5], int):
            last_page[row[1]] = max(last_page[row[1]], row[5])
    for row in rows[1:]:
        document, question, context, page, relevance = row[1], row[2], row[3], row[5], row[8]
        path = report_for(document, _year(document)) if document else None
        if path is None or page is None or not relevance:
            continue
        doc = docs.setdefault(path, read(path))
        # An excerpt (fewer pages than the annotated document) renumbers its pages: only pages
        # holding the annotated passage verbatim count there.
        if last_page[document] <= doc.page_count:
            labelled = [p.number for p in doc.pages if p.label == str(page)]
            gold[(path, question)].update(labelled or [int(page)])
        gold[(path, question)].update(pages_holding(doc, context or ""))
    return [(path, q, pages) for (path, q), pages in gold.items() if pages]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dense", action=argparse.BooleanOptionalAction, default=None)
    ap.add_argument("--cache-dir", default=None)
    ap.add_argument("-k", type=int, default=5)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--extracts", action=argparse.BooleanOptionalAction, default=True,
                    help="also count climate-finance-bench pages holding the answer's document "
                         "extract (default; --no-extracts scores its Pages field only)")
    args = ap.parse_args()
    if not REPORTS.is_dir():
        sys.exit("../shared/reports not found")
    cache = Path(args.cache_dir or tempfile.mkdtemp(prefix="esglens-bench-"))
    docs: dict[Path, Document] = {}
    datasets = {"climate-finance-bench": cfb_questions(docs, args.extracts)}
    datasets["climretrieve"] = climretrieve_questions(docs)

    indexes, build_s, read_s = {}, {}, {}
    for path in sorted({p for qs in datasets.values() for p, _, _ in qs}):
        t = time.perf_counter()
        doc = docs.get(path) or read(path)
        read_s[path.name] = time.perf_counter() - t
        t = time.perf_counter()
        indexes[path] = get_index(doc, cache, dense=args.dense)
        build_s[path.name] = time.perf_counter() - t

    latencies: list[float] = []
    all_hits: list[int] = []
    false_abstain = total = 0
    for name, questions in datasets.items():
        per_report: dict[str, list[int]] = defaultdict(list)
        for path, question, gold in questions:
            t = time.perf_counter()
            answer = ask(indexes[path], question, k=args.k)
            latencies.append(time.perf_counter() - t)
            cited = [c.page for c in answer.citations[: args.k]]
            hit = int(bool(gold & set(cited)))
            per_report[path.name].append(hit)
            false_abstain += answer.abstained
            total += 1
            if args.verbose:
                print(
                    f"  {'HIT ' if hit else 'miss'} {path.name[:12]} gold={sorted(gold)} "
                    f"cited={cited} {question[:70]}\n      [{answer.kind}] "
                    f"{(answer.answer or 'ABSTAINED: ' + str(answer.reason))[:300]}"
                )
        hits = [h for v in per_report.values() for h in v]
        all_hits += hits
        print(f"{name}: hit@{args.k} = {sum(hits) / len(hits):.3f} ({sum(hits)}/{len(hits)})")
        for report, v in sorted(per_report.items()):
            print(f"  {report}: {sum(v) / len(v):.3f} ({sum(v)}/{len(v)})")

    print(f"both datasets: hit@{args.k} = {sum(all_hits) / len(all_hits):.3f} "
          f"({sum(all_hits)}/{len(all_hits)})")
    abstained = sum(ask(ix, q).abstained for ix in indexes.values() for q in OFF_TOPIC)
    n_off = len(indexes) * len(OFF_TOPIC)
    print(f"abstention on off-topic questions: {abstained}/{n_off} = {abstained / n_off:.2f}")
    print(f"false abstention on dataset questions: {false_abstain}/{total}")
    dense = {p.name: ix.dense is not None for p, ix in indexes.items()}
    print(f"dense vectors: {dense}")
    for report in sorted(build_s):
        print(f"  {report}: read {read_s[report]:.2f}s, index {build_s[report]:.2f}s")
    print(
        f"per-question latency (in process): median {statistics.median(latencies) * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms"
    )
    biggest = max(indexes, key=lambda p: len(indexes[p].chunks))
    code = (
        "import sys; from esglens.ask import answer_questions; "
        "a = answer_questions(sys.argv[1], [sys.argv[2]], cache_dir=sys.argv[3]); "
        "print(a[0].to_dict()['abstained'])"
    )
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code, str(biggest), "What were Scope 1 emissions?", str(cache)],
            check=True,
            capture_output=True,
        )
        runs.append(time.perf_counter() - t)
    print(f"whole-process question on cached {biggest.name}: median {statistics.median(runs):.2f}s")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
