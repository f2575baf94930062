"""The KPI catalog (``data/kpis.yaml``): KPI ids, labels, units, standard references, synonyms.

``match_kpi("Scope 1⁹ tonnes of CO2-e")`` returns the ghg_scope1 entry; the first KPI (in file
order) whose synonym matches and whose excludes do not veto wins, so combined KPIs ("Scope 1 and
2") are tried before single ones. Matching strips footnote superscripts and folds "CO₂" to "CO2".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from ..data import load_data
from .quantity import UnitMatch, plain, scaled, strip_footnotes


@dataclass(frozen=True)
class Kpi:
    """One catalog entry; ``synonyms``/``exclude`` are compiled case-insensitive patterns."""

    id: str
    label: str
    pillar: str
    unit: str
    synonyms: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    accepts: tuple[str, ...] = ()
    context_exclude: tuple[re.Pattern[str], ...] = ()
    basis: str | None = None
    gri: str = ""
    esrs: str = ""
    sasb: str = ""

    def accepts_unit(self, unit: str) -> bool:
        """True when a value printed in canonical ``unit`` can be this KPI's value."""
        if self.unit == "currency":
            return len(unit) == 3 and unit.isupper()
        return unit == self.unit or unit in self.accepts


def _flatten(items: list[Any]) -> list[str]:
    out: list[str] = []
    for item in items:
        out.extend(_flatten(item) if isinstance(item, list) else [str(item)])
    return out


def _compile(pattern: str) -> re.Pattern[str]:
    # Whole-word matching, except for Chinese, which has no word boundaries.
    prefix = "" if pattern[:1] in "^\\%(" or "\u3400" <= pattern[:1] <= "\u9fff" else r"(?<![\w])"
    return re.compile(prefix + pattern, re.I)


@cache
def load_catalog() -> tuple[Kpi, ...]:
    """All KPIs from ``data/kpis.yaml`` in priority order (cached)."""
    data = load_data("kpis.yaml")
    out = []
    for e in data["kpis"]:
        out.append(
            Kpi(
                id=e["id"],
                label=e["label"],
                pillar=e["pillar"],
                unit=e["unit"],
                synonyms=tuple(_compile(p) for p in _flatten(e["synonyms"])),
                exclude=tuple(_compile(p) for p in _flatten(e.get("exclude", []))),
                accepts=tuple(e.get("accepts", [])),
                context_exclude=tuple(_compile(p) for p in _flatten(e.get("context_exclude", []))),
                basis=e.get("basis"),
                gri=str(e.get("gri", "")),
                esrs=str(e.get("esrs", "")),
                sasb=str(e.get("sasb", "")),
            )
        )
    return tuple(out)


@cache
def kpi_by_id() -> dict[str, Kpi]:
    """Catalog entries keyed by id."""
    return {k.id: k for k in load_catalog()}


# "Scope 19", "Scope 211", "Scope 1°", "Scope 2"!": a scope number with a footnote glued on (text
# layers without superscript fonts, OCR). GHG Protocol scopes are 1-3: the first digit is the scope.
_GLUED_SCOPE = re.compile(r"\b(scopes?)\s*([123])(?:\d{1,2}|[°º\"'!*†‡]+)(?![\w.,])", re.I)


def clean_label(text: str) -> str:
    """A label for matching: no footnote digits or "(5)" refs, plain CO2, single spaces."""
    s = plain(strip_footnotes(text))
    s = re.sub(r"(?<=[A-Za-z0-9])- (?=[a-z])", "-", s)  # "market- based": a hyphen kept at a line break
    s = _GLUED_SCOPE.sub(r"\1 \2 ", s)
    s = re.sub(r"\(\d{1,2}\)|\[[A-Z]\]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


_EXCLUDING = re.compile(
    r"\(\s*(?:excluding|excl\.?|without|w/o|not including|ohne|exkl\.?)\b[^)]*\)"
    r"|\b(?:excluding|excl\.|not including|ohne)\b.*$", re.I,
)


@lru_cache(maxsize=8192)
def match_kpi(label: str, context: str = "") -> Kpi | None:
    """The KPI a row label or clause names, or None; ``context`` only feeds the excludes."""
    s = clean_label(label)
    veto = s + " " + clean_label(context) if context else s
    named = _EXCLUDING.sub(" ", s)  # "injuries (excluding fatalities)" names injuries, not fatalities
    for kpi in load_catalog():
        if any(p.search(named) for p in kpi.synonyms) and not any(p.search(veto) for p in kpi.exclude):
            return kpi
    return None


def vetoed_by_context(kpi: Kpi, context: str) -> bool:
    """True when the section or title a row sits under rules the KPI out (``context_exclude``)."""
    s = clean_label(context)
    return any(p.search(s) for p in kpi.context_exclude)


@cache
def prefilter() -> re.Pattern[str]:
    """One cheap pattern over the catalog's ``prefilter`` stems, for LOWER-CASED text.

    Case-insensitive alternations are slow in ``re``; lower-case once and use ``has_keyword``.
    """
    stems = load_data("kpis.yaml")["prefilter"]
    return re.compile("|".join(re.escape(str(s).lower()) for s in stems))


def has_keyword(text: str) -> bool:
    """True when ``text`` holds one of the catalog's prefilter stems (pages without are skipped)."""
    return prefilter().search(text.lower()) is not None


def convert(kpi: Kpi, unit: UnitMatch | None, value: float) -> tuple[float, str] | None:
    """``value`` in the KPI's canonical unit, or None when the unit does not fit the KPI."""
    if unit is None:
        return (value, "count") if kpi.unit == "count" else None
    if not kpi.accepts_unit(unit.unit):
        return None
    canonical = unit.unit if kpi.unit == "currency" else kpi.unit
    return scaled(value, unit.factor), canonical


@cache
def sum_rules() -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
    """(total id, parts) identities from ``kpis.yaml``; each part is a tuple of alternative ids."""
    rules = load_data("kpis.yaml").get("sums", [])
    return tuple(
        (r["total"], tuple(tuple(p) if isinstance(p, list) else (p,) for p in r["parts"]))
        for r in rules
    )
