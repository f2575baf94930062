"""Reporting-period grammar shared by reading and extraction: the year a period ends in.

"FY2024", "FY 2024", "fiscal 2024", "2024" -> "2024"; "2022/23", "2022-2023" and "FY 2022/23" ->
"2023" (a period is named by the year it ends, as the answer keys and GRI 2-3 do); "FY24" ->
"2024"; "2023年" / "2023年度" -> "2023". ``YEAR`` finds periods in running text; ``PERIOD_CELL``
matches a table header cell that is only a period (with an optional restated marker).
"""

from __future__ import annotations

import re

YEAR = re.compile(
    r"(?<![\w.,/-])(?P<prefix>(?:FY|F\.Y\.|GJ|fiscal(?:\s+year)?|financial\s+year|year\s+ended\s+"
    r"(?:\d{1,2}\s+)?[A-Z][a-z]+(?:\s+\d{1,2})?,?)\s*)?"
    r"(?P<year>(?:19[89]|20[0-5])\d)(?:\s*[/–-]\s*(?P<end>\d{4}|\d{2}))?(?![\w%/]|[.,]\d|\s*%)"
    r"|(?<![\w])FY\s*'?(?P<short>\d{2})(?![\w%]|[.,]\d)",
    re.I,
)

# A header cell naming one period: "2023", "FY22", "FY 2023", "2022/23", "2023年度", "GJ 2023",
# "Fiscal 2024", "2022 restated", "2021*", "RESULTS 2023", "2021 PRO FORMA" (footnote marks are
# stripped before matching).
PERIOD_CELL = re.compile(
    r"(?:(?:results?|actuals?|status|ist|reported|performance|baseline|base\s+year)\s+)?"
    r"(?:(?:FY|F\.Y\.|GJ|CY|fiscal(?:\s+year)?|financial\s+year|year|jahr|geschäftsjahr)\s*)?'?"
    r"(?:(?:19[89]|20[0-5])\d(?:\s*[/–-]\s*(?:\d{4}|\d{2}))?|\d{2})"
    r"(?:\s*年度?)?(?:\s*\(?(?:restated|adjusted|revised|angepasst|pro\s+forma|rebased|actual|results?)\)?)?",
    re.I,
)
_SHORT = re.compile(r"(?:FY|F\.Y\.|GJ|CY)\s*'?(\d{2})\b", re.I)


def year_of(match: re.Match[str]) -> str:
    """The period string for a YEAR match ("2022/23" -> "2023")."""
    if match.group("short"):
        return str(2000 + int(match.group("short")))
    year = match.group("year")
    end = match.group("end")
    if end:
        full = int(year[:2] + end) if len(end) == 2 else int(end)
        if 0 < full - int(year) <= 1:
            return str(full)
    return year


def period_of(text: str) -> str | None:
    """The period a header cell names ("FY22" -> "2022", "2022/23" -> "2023"), or None."""
    s = text.strip()
    if not PERIOD_CELL.fullmatch(s):
        return None
    m = re.search(r"((?:19[89]|20[0-5])\d)(?:\s*[/–-]\s*(\d{4}|\d{2}))?", s)
    if m:
        year, end = m.group(1), m.group(2)
        if end:
            full = int(year[:2] + end) if len(end) == 2 else int(end)
            if 0 < full - int(year) <= 1:
                return str(full)
        return year
    short = _SHORT.search(s)
    return str(2000 + int(short.group(1))) if short else None


def parse_period(text: str) -> str | None:
    """The period named by a whole string ("FY2024" -> "2024"), or None."""
    m = YEAR.fullmatch(text.strip())
    return year_of(m) if m else None
