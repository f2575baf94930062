"""Who and when, across reports: company names folded for grouping, years, and user overrides.

The pipeline names the company as the report spells it ("Acme AG", "ACME"); a portfolio
groups on a folded key instead (case, accents, punctuation and legal forms dropped, German
umlauts spelled out; see ``data/company_names.yaml``). Where detection is wrong the user writes
an overrides file keyed by sha256 (a unique prefix of at least 8 hex digits is enough)::

    # overrides.yaml (or the same as JSON)
    3f2a9c0e11d4:
      company: Acme
      year: 2024

Overrides are applied when a batch stores a report and again whenever the store is queried, so
editing the file corrects an existing store without re-analysing anything.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError

__all__ = ["Override", "company_key", "display_names", "load_overrides", "report_year", "resolve_overrides"]

_HEX = re.compile(r"^[0-9a-f]{8,64}$")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


@dataclass(frozen=True)
class Override:
    """A user's correction of one report's company and/or year (None keeps the detected one)."""

    company: str | None = None
    year: int | None = None


@cache
def _forms() -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...], tuple[str, ...]]:
    data = yaml.safe_load(resources.files("esglens.data").joinpath("company_names.yaml").read_text("utf-8"))
    tails = sorted({tuple(f.split()) for f in data["legal_forms"] + data["generic_tails"]}, key=len,
                   reverse=True)
    return tuple(tails), tuple(data["leading"]), tuple(sorted(data["cjk_forms"], key=len, reverse=True))


def company_key(name: str | None) -> str:
    """The grouping key of a company name: "Acme AG", "ACME" and "Acme" -> "acme".

    Folds Unicode (NFKC, accents), case and punctuation ("A&B" keeps its ampersand as a word),
    then drops legal forms and generic tails ("Group", "Holding") from the end and "The" from
    the start, never down to nothing. An empty or missing name gives "".
    """
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.translate(_UMLAUTS)  # German spelling: "Rück" and "Rueck" are one name
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"(?<=\w)\.(?=\w\.)|(?<=\b\w)\.", "", text)  # "s.a." -> "sa", "n.v." -> "nv"
    text = text.replace("&", " & ")
    words = re.findall(r"[\w&]+", text)
    tails, leading, cjk = _forms()
    changed = True
    while changed and len(words) > 1:
        changed = False
        for tail in tails:
            if len(words) > len(tail) and tuple(words[-len(tail):]) == tail:
                words = words[: -len(tail)]
                changed = True
                break
        if len(words) > 1 and words[0] in leading:
            words, changed = words[1:], True
    while words and (form := next((f for f in cjk if words[-1].endswith(f) and len(words[-1]) > len(f)), "")):
        words[-1] = words[-1][: -len(form)]
    return " ".join(words)


def report_year(period: str | None) -> int | None:
    """The report's year as an int from the pipeline's period ("2024", "FY2023" -> 2023)."""
    if not period:
        return None
    m = _YEAR.search(str(period))
    return int(m.group(0)) if m else None


def display_names(names: Iterable[str]) -> dict[str, str]:
    """For each company key, the spelling to show: the most common one, then the shortest."""
    counts = Counter(n for n in names if n)
    best: dict[str, str] = {}
    for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0])):
        best.setdefault(company_key(name), name)
    return best


def load_overrides(path: str | Path | None) -> dict[str, Override]:
    """Read an overrides file (YAML or JSON, keyed by sha256 or a >= 8-digit prefix).

    Raises ConfigError naming the file and the bad entry when it cannot be used.
    """
    if path is None:
        return {}
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"overrides file {p}: no such file")
    try:
        text = p.read_text(encoding="utf-8")
        data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise ConfigError(f"overrides file {p}: cannot parse it ({exc}) — "
                          "see the README's overrides example") from exc
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"overrides file {p}: expected a mapping of sha256 -> {{company, year}}")
    out: dict[str, Override] = {}
    for key, entry in data.items():
        sha = str(key).strip().lower()
        if not _HEX.match(sha):
            raise ConfigError(f"overrides file {p}: {key!r} is not a sha256 (or a prefix of 8+ hex digits)")
        if not isinstance(entry, Mapping) or not set(entry) <= {"company", "year"}:
            raise ConfigError(f"overrides file {p}: {key}: give only 'company' and/or 'year'")
        out[sha] = Override(company=_text(entry.get("company")), year=_int_year(entry.get("year"), p, key))
    return out


def resolve_overrides(overrides: Mapping[str, Override], shas: Iterable[str]) -> dict[str, Override]:
    """Overrides keyed by full sha256: prefixes resolved against ``shas`` (unknown ones dropped).

    Raises ConfigError for a prefix that matches more than one report.
    """
    known = list(shas)
    out: dict[str, Override] = {}
    for key, value in overrides.items():
        matches = [s for s in known if s.startswith(key)]
        if len(matches) > 1:
            raise ConfigError(f"overrides: {key} matches {len(matches)} reports — give more digits")
        if matches:
            out[matches[0]] = value
    return out


def _text(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def _int_year(value: Any, path: Path, key: Any) -> int | None:
    if value is None:
        return None
    year = report_year(str(value))
    if year is None:
        raise ConfigError(f"overrides file {path}: {key}: year {value!r} is not a 4-digit year")
    return year
