"""Reporting periods: the 4-digit year a period ends in, from column headers and prose.

"FY2024", "FY 2024", "fiscal 2024", "2024" -> "2024"; "2022/23" and "2022-2023" -> "2023";
"FY24" -> "2024". ``header_years`` reads a table header line ("GHG Emission Unit 2019 2018",
"Fiscal year (In 1,000 metric tons) 2024 2023"); ``report_year`` guesses the year a report covers.
"""

from __future__ import annotations

import re
from collections import Counter

from ..model import Document
from ..periods import YEAR, parse_period, year_of

__all__ = ["YEAR", "has_ascending_header", "header_years", "parse_period", "report_year",
           "single_header_year", "year_of"]

_YEARISH = re.compile(r"(?:19[89]|20[0-5])\d|FY\s*'?\d{2}", re.I)


def header_years(line: str) -> list[str] | None:
    """Column years when ``line`` is a table header: >= 2 years and no other number after them."""
    if len(_YEARISH.findall(line)) < 2:  # cheap test before the full pattern
        return None
    matches = list(YEAR.finditer(line))
    if len(matches) < 2:
        return None
    tail = line[matches[0].start() :]
    rest = YEAR.sub(" ", tail)
    if re.search(r"\d", rest):
        return None
    if len(re.findall(r"[A-Za-z]{3,}", rest)) > 4:
        return None
    for a, b in zip(matches, matches[1:], strict=False):  # columns sit side by side
        if len(re.findall(r"[A-Za-z]{3,}", line[a.end() : b.start()])) > 1:
            return None
    if line.rstrip().endswith(".") and len(line.split()) > 8:  # a sentence, not a header
        return None
    years = [year_of(m) for m in matches]
    if len(set(years)) != len(years):
        return None
    return years


def single_header_year(line: str) -> str | None:
    """A line that is only a prefixed year ("FY 2024"): one column of a header split over lines."""
    m = YEAR.fullmatch(line.strip())
    if m and (m.group("prefix") or m.group("short")):
        return year_of(m)
    return None


def has_ascending_header(doc: Document) -> bool:
    """True when some table header lists years oldest first ("2020 2021 2022").

    Without any, a header-less two-value row is read as (report year, prior year), the usual
    order of comparison tables; with one, the column order of such rows is unknown.
    """
    for page in doc.pages:
        for line in page.text.splitlines():
            if (
                len(line) < 120
                and (years := header_years(line))
                and years != sorted(years, reverse=True)
            ):
                return True
    return False


def report_year(doc: Document) -> str | None:
    """The year the report covers: the most cited year on its first pages and in table headers.

    Years after the latest year seen in a table header are ignored (they are targets).
    """
    counts: Counter[str] = Counter()
    # A report cannot state actuals for years after it was made: scenario tables headed
    # "2030 2040 2050" must not make 2050 the reporting year.
    made = re.match(r"D?:?(\d{4})", doc.metadata.get("CreationDate", "") or "")
    bound = made.group(1) if made and "1990" <= made.group(1) <= "2100" else "9999"
    front = " ".join(p.text for p in doc.pages[:3]) + " " + doc.title + " " + doc.path
    for m in YEAR.finditer(front):
        counts[year_of(m)] += 1
    header_first: Counter[str] = Counter()
    for page in doc.pages:
        for line in page.text.splitlines():
            years = [y for y in header_years(line) or () if y <= bound]
            ordered = sorted({int(y) for y in years})
            # Reporting columns are consecutive years; "2030 2040 2050" is a scenario table.
            if len(line) < 120 and years and (
                len(ordered) == 1 or any(b - a == 1 for a, b in zip(ordered, ordered[1:], strict=False))
            ):
                header_first[max(years)] += 1
    if header_first:
        latest = max(header_first)
        for year, n in header_first.items():
            counts[year] += 3 * n
        counts = Counter({y: n for y, n in counts.items() if y <= latest})
    counts = Counter({y: n for y, n in counts.items() if y <= bound})
    if not counts:
        return None
    return max(counts, key=lambda y: (counts[y], y))
