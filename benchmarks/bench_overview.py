"""Benchmark the overview on every shared report: sections, citations, grounding, well-formedness.

For each report in ../shared/reports: analyse it (read -> segment -> classify -> extract ->
compose), then check
- the sections ESG_overview, Environmental, Social, Governance, Key metrics, Targets and
  commitments, Data gaps and Claims to watch are present (an empty one counts as present);
- every sentence cites at least one page of the report;
- every number a sentence prints is printed on a page it cites (``phrasing.page_numbers``: a
  decimal-comma report's "1.843,3" counts when the overview writes it "1,843.3"), except
  the changes esglens calculates, which the sentence marks "(calculated)" and lists in
  ``Sentence.computed`` (counted separately);
- every prose sentence (all sections) is well formed: no lower-case start, an end mark, >= 5
  words (>= 10 characters for Chinese), no glued "Heading: " opening, no doubled word, no broken
  hyphenation ("environ- mental").
Read documents are cached as JSON (``--cache``, default ~/.cache/esglens/bench-docs), so reruns
only pay for the analysis. ``-v`` prints each failing sentence; ``--show NAME`` prints one
report's ESG_overview, E, S and G for review.

    python benchmarks/bench_overview.py [--only siemens] [-v] [--show siemens] [--lang auto]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from esglens import read
from esglens.analyze import analyze_document
from esglens.compose.phrasing import numbers_in, page_numbers
from esglens.model import Analysis, Document

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT.parent / "shared" / "reports"
REQUIRED = ("ESG_overview", "Environmental", "Social", "Governance", "Key metrics",
            "Targets and commitments", "Data gaps", "Claims to watch")
PROSE = ("ESG_overview", "Environmental", "Social", "Governance")
_CJK = re.compile(r"[\u3400-\u9fff]")
_END = re.compile(r"[.!?。！？][”’\"')）]*$")
_GLUED = re.compile(r"^(?:[A-Z][\w&,’'-]*\s){0,5}[A-Z]?[\w&’'-]+: [A-Z]")
_DOUBLED = re.compile(r"\b(\w{2,})\s+\1\b", re.I)
_BROKEN = re.compile(r"\b[a-z]{2,}- (?!and\b|or\b|to\b|und\b|oder\b)[a-z]{2,}")


def why_malformed(text: str) -> str | None:
    """The first well-formedness rule the sentence breaks, or None."""
    if _CJK.search(text):
        if len(text) < 10:
            return "short"
    elif len(text.split()) < 5:
        return "short"
    if text[:1].islower():
        return "lower-case start"
    if not _END.search(text.strip()):
        return "no end mark"
    if _GLUED.match(text) and not re.match(r"^Flagged: ", text):
        return "glued heading"
    m = _DOUBLED.search(text)
    if m and not m.group(1).isdigit():
        return f"doubled word {m.group(1)!r}"
    if _BROKEN.search(text):
        return "broken hyphenation"
    return None


def _reader_version() -> str:
    """A hash of the reader's source: a cached Document is stale once ``ingest/`` changes."""
    import hashlib

    import esglens.ingest

    src = Path(esglens.ingest.__file__).parent
    files = [*sorted(src.glob("*.py")), src.parent / "hyphenation.py"]  # ingest and what it imports
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()[:10]


def load(path: Path, cache: Path) -> Document:
    """The read Document, from the JSON cache when it holds this file's version read by this
    version of the reader."""
    stat = path.stat()
    key = cache / f"{path.stem}-{stat.st_size}-{int(stat.st_mtime)}-{_reader_version()}.json"
    if key.exists():
        return Document.from_dict(json.loads(key.read_text("utf-8")))
    doc = read(path)
    cache.mkdir(parents=True, exist_ok=True)
    key.write_text(json.dumps(doc.to_dict(), ensure_ascii=False), "utf-8")
    return doc


def check(analysis: Analysis, doc: Document) -> dict[str, object]:
    """Counts for one report and the failing sentences with why."""
    sections = analysis.overview.sections if analysis.overview else ()
    headers = [s.header for s in sections]
    known = {p.number for p in doc.pages}
    printed = {p.number: page_numbers(doc, p.number) for p in doc.pages}
    out: dict[str, object] = {"missing": [h for h in REQUIRED if h not in headers]}
    sentences = uncited = numbers = grounded = prose = formed = computed = 0
    failures: list[str] = []
    for section in sections:
        for s in section.sentences:
            sentences += 1
            pages = [c.page for c in s.citations if c.page in known]
            if not pages:
                uncited += 1
                failures.append(f"uncited [{section.header}] {s.text}")
            on_page = set().union(*(printed[p] for p in pages)) if pages else set()
            calculated = set().union(*(numbers_in(c) for c in s.computed)) if s.computed else set()
            computed += len(numbers_in(s.text) & calculated)
            for n in numbers_in(s.text) - calculated:
                numbers += 1
                if n in on_page:
                    grounded += 1
                else:
                    failures.append(f"number {n} not on p. {pages} [{section.header}] {s.text}")
            prose += 1
            why = why_malformed(s.text)
            if why is None:
                formed += 1
            else:
                failures.append(f"{why} [{section.header}] {s.text}")
    out.update(sentences=sentences, uncited=uncited, numbers=numbers, grounded=grounded,
               computed=computed,
               prose=prose, formed=formed, failures=failures,
               overview=sum(len(s.sentences) for s in sections if s.header == "ESG_overview"))
    return out


def show(analysis: Analysis) -> None:
    """Print the narrative sections with their citations, for a reviewer."""
    print(f"== {analysis.company} ({analysis.period}) {Path(analysis.path).name}")
    for section in analysis.overview.sections if analysis.overview else ():
        if section.header not in (*PROSE, "Data gaps", "Targets and commitments"):
            continue
        print(f"-- {section.header}")
        for s in section.sentences:
            print(f"  ({s.paragraph}) {s.text} [p. {', '.join(str(c.page) for c in s.citations)}]")


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="substring of report names")
    ap.add_argument("--cache", default=str(Path.home() / ".cache" / "esglens" / "bench-docs"))
    ap.add_argument("--show", default=None, help="print the narrative of reports matching this")
    ap.add_argument("--lang", default="auto", choices=["auto", "en", "zh"])
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if not REPORTS.is_dir():
        sys.exit(f"skipped: {REPORTS} not found")
    totals = dict.fromkeys(("reports", "complete", "sentences", "uncited", "numbers", "grounded",
                            "prose", "formed", "computed"), 0)
    print(f"{'report':44} {'sent':>4} {'ESG':>3} {'cited':>6} {'nums':>6} {'formed':>6}  "
          "missing sections")
    for path in sorted(REPORTS.glob("*.pdf")):
        if args.only not in path.name:
            continue
        doc = load(path, Path(args.cache))
        t0 = time.perf_counter()
        analysis = analyze_document(doc, lang=args.lang)
        r = check(analysis, doc)
        totals["reports"] += 1
        totals["complete"] += not r["missing"]
        for k in ("sentences", "uncited", "numbers", "grounded", "prose", "formed", "computed"):
            totals[k] += int(r[k])  # type: ignore[call-overload]
        n = int(r["sentences"])  # type: ignore[call-overload]
        print(f"{path.name[:44]:44} {n:4} {r['overview']:>3} "
              f"{_pct(n - int(r['uncited']), n):>6} "  # type: ignore[call-overload]
              f"{_pct(int(r['grounded']), int(r['numbers'])):>6} "  # type: ignore[call-overload]
              f"{_pct(int(r['formed']), int(r['prose'])):>6}  "  # type: ignore[call-overload]
              f"{','.join(r['missing']) or '-'}  ({time.perf_counter() - t0:.1f} s)")  # type: ignore[arg-type]
        if args.verbose:
            for f in r["failures"]:  # type: ignore[attr-defined]
                print(f"    {f}")
        if args.show and args.show in path.name:
            show(analysis)
    t = totals
    print(f"\nreports with all {len(REQUIRED)} sections: {t['complete']}/{t['reports']}")
    print(f"sentences cited: {_pct(t['sentences'] - t['uncited'], t['sentences'])} "
          f"({t['sentences'] - t['uncited']}/{t['sentences']})")
    print(f"numbers on a cited page: {_pct(t['grounded'], t['numbers'])} "
          f"({t['grounded']}/{t['numbers']}); plus {t['computed']} calculated changes, marked as "
          "such and citing their inputs' pages")
    print(f"prose sentences well formed: {_pct(t['formed'], t['prose'])} "
          f"({t['formed']}/{t['prose']})")


if __name__ == "__main__":
    main()
