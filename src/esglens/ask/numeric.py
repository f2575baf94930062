"""Numeric answers from the extracted primary metrics: "Scope 1 GHG emissions were 1.2 Mt CO2e
in 2023 [p. 12]." — the value as the report printed it, its period, unit and basis.

Stage: (Query, metrics) -> answer pieces. Each request of the query is looked up among the
primary metrics (its ids together, then its fallback groups); the question's year selects the
period, else the latest one is used and, when the year asked for is missing, the answer says so.
A total that is not reported is given as its parts (``parts`` in ``data/questions.yaml``) and,
when all parts share a period, their sum, said to be computed by esglens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

import yaml

from ..compose.facts import label_and_verb, printed_value
from ..model import Metric
from .evidence import Piece, clip
from .kinds import Query, Request


def _best_per_key(metrics: Sequence[Metric]) -> list[Metric]:
    """One metric per (id, basis, boundary): the most confident, a table value on ties."""
    best: dict[tuple[str, str | None, str | None], Metric] = {}
    for m in metrics:
        key = (m.metric, m.basis, m.boundary)
        old = best.get(key)
        if old is None or (m.confidence, m.source == "table") > (old.confidence, old.source == "table"):
            best[key] = m
    return list(best.values())


def _lookup(ids: Sequence[str], basis: str | None, metrics: Sequence[Metric]) -> list[Metric]:
    found = [m for m in metrics if m.primary and m.metric in ids]
    if basis:
        found = [m for m in found if m.basis in (None, basis)] if len(ids) > 1 else [
            m for m in found if m.basis in (None, basis) or m.metric.endswith(basis)]
        exact = [m for m in found if m.basis == basis]
        found = exact or found
    return found


def find_request(request: Request, metrics: Sequence[Metric]) -> list[list[Metric]]:
    """Metric groups answering one request: its ids, else each fallback group found."""
    found = _lookup(request.ids, request.basis, metrics)
    if found:
        return [found]
    groups = [g for ids in request.fallback if (g := _lookup(ids, request.basis, metrics))]
    parts = _parts()  # a found total stands for its parts: Scope 1+2 found, Scope 1 and 2 not repeated
    covered = {i for g in groups for m in g for alternatives in parts.get(m.metric, ()) for i in alternatives}
    return [g for g in groups if not {m.metric for m in g} <= covered]


def _parts() -> dict[str, list[list[str]]]:
    from .kinds import vocabulary

    return vocabulary().get("parts", {})


def _has_parts(metric: str, found: set[str]) -> bool:
    """True when every part of a total (``parts``) is among the found ids."""
    parts = _parts().get(metric)
    return bool(parts) and all(found & set(alternatives) for alternatives in parts or ())


def _part_name(m: Metric) -> str:
    """"Scope 2 (market-based)": a part's catalog label without "GHG emissions"."""
    label = kpi_labels().get(m.metric, (m.label, ""))[0]
    name = re.sub(r" GHG emissions|\s*\((?:total|basis not stated)\)", "", label)
    return name + (f" ({m.basis}-based)" if m.basis and m.basis not in m.metric else "")


def sum_piece(request: Request, metrics: Sequence[Metric], years: Sequence[str]) -> Piece | None:
    """The requested total summed from its parts (``parts`` in ``data/questions.yaml``) when
    every part has one figure, in the same unit, for a common period (an asked year, else the
    latest); marked as computed. None when a part is missing or ambiguous."""
    chosen: list[list[Metric]] = []
    for alternatives in _parts().get(request.ids[0], ()):
        if request.basis:  # "market-based Scope 1 and 2": that basis of Scope 2 first
            alternatives = sorted(alternatives, key=lambda i: not i.endswith(request.basis or ""))
        found = next((g for i in alternatives if (g := [m for m in metrics if m.primary and m.metric == i
                                                         and m.boundary is None])), None)
        if found is None:
            return None
        chosen.append(found)
    if not chosen:
        return None
    common = set.intersection(*({m.period for m in g} for g in chosen))
    asked = sorted((p for p in common if any(y in p for y in years)), reverse=True)
    period = asked[0] if asked else (max(common) if common and not years else None)
    if period is None:
        return None
    picked = []
    for group in chosen:
        one = _best_per_key([m for m in group if m.period == period])
        if len(one) != 1 or one[0].unit != chosen[0][0].unit:
            return None
        picked.append(one[0])
    total = sum(m.value for m in picked)
    value = f"{total:,.0f}" if abs(total) >= 100 else f"{total:,.3g}"
    names = " + ".join(_part_name(m) for m in picked)
    label = request_label(request)
    pages = {m.page for m in picked}
    page = picked[0].page if len(pages) == 1 else 0
    text = (f"Summed, {label} come to {value} {picked[0].unit} in {period} ({names}; computed by "
            f"esglens from the figures above).")
    return Piece(text, page, clip(picked[0].quote) if page else "", 1.0)


def in_periods(group: list[Metric], years: Sequence[str]) -> tuple[list[Metric], list[str]]:
    """The group's metrics for the asked years (else for its latest period), and the asked
    years it has no figure for."""
    if years:
        chosen = [m for m in group if any(y in m.period for y in years)]
        missing = [y for y in years if not any(y in m.period for m in group)]
        if chosen:
            return _best_per_key(chosen), missing
    else:
        missing = []
    latest = max(m.period for m in group)
    return _best_per_key([m for m in group if m.period == latest]), missing


def _reads_back(text: str, m: Metric) -> bool:
    """True when ``text`` states ``m.value`` in ``m.unit`` (within 0.5%)."""
    from ..extract.quantity import iter_quantities, parse_number

    if m.unit in ("count", "rate", "%", "currency") or m.unit.isupper():
        found = [parse_number(n) for n in re.findall(r"\d[\d,.]*", text)]
        scale = 1e9 if "billion" in text else 1e6 if "million" in text else 1e3 if "thousand" in text else 1
        values = [v * scale for v in found if v is not None] + [v for v in found if v is not None]
    else:
        values = [f.quantity.value for f in iter_quantities(text) if f.quantity.unit == m.unit]
    return any(abs(v - m.value) <= 0.005 * max(abs(m.value), 1e-9) for v in values)


# Value texts worked out when the index was built (``remember``), so a cached question need not
# load the quantity grammar to check that a printed value reads back.
_PRINTED: dict[Metric, str] = {}


def remember(metrics: Sequence[Metric], texts: Sequence[str]) -> None:
    """Prime ``quantity_text`` with texts computed at index build time."""
    if len(_PRINTED) > 50_000:
        _PRINTED.clear()
    _PRINTED.update(zip(metrics, texts, strict=False))


def quantity_text(m: Metric) -> str:
    """The value with its unit as printed (see ``_quantity_text``), remembered per metric."""
    if m not in _PRINTED:
        _PRINTED[m] = _quantity_text(m)
    return _PRINTED[m]


def _quantity_text(m: Metric) -> str:
    """The value with its unit as printed ("52 thousand tCO2e", "35.1%"); a GHG figure printed
    in bare tonnes says CO2e so the reader knows what the tonnes are. A value printed in a unit
    esglens cannot name is given in the catalog unit, marked as converted."""
    from ..extract.quantity import parse_number

    text = printed_value(m)
    if m.unit in ("rate", "count"):  # a stray unit cell ("No.", "n", "number") says nothing
        text = re.sub(r"\s+(?:no\.?|n|nr\.?|number|count|#|x1)$", "", text, flags=re.I)
    if m.unit == "tCO2e" and not re.search(r"co2|carbon", text, re.I):
        text = re.sub(r"\s*(?:t|tonnes?|metric tons?|tons?)?$", "", text) + " tCO2e"
    if _reads_back(text, m):
        return text
    raw = re.match(r"[\d.,]+", m.raw_value.strip())
    printed_number = parse_number(raw.group(0)) if raw else None
    for factor, word in ((1e3, "thousand"), (1e6, "million"), (1e9, "billion")):
        if printed_number and abs(m.value - printed_number * factor) <= 1e-6 * abs(m.value):
            return f"{raw.group(0)} {word} {m.unit}"  # type: ignore[union-attr]
    value = f"{m.value:,.0f}" if abs(m.value) >= 100 else f"{m.value:,.3g}"
    same = raw is not None and parse_number(raw.group(0)) == m.value
    printed = f" (converted from the printed {raw.group(0)})" if raw and not same else ""
    return f"{value} {m.unit}{printed}"


@cache
def kpi_labels() -> dict[str, tuple[str, str]]:
    """Catalog id -> (label, canonical unit), read straight from ``data/kpis.yaml`` (the full
    catalog, with its compiled patterns, is not needed to answer and costs a cached question
    a tenth of a second)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(resources.files("esglens.data").joinpath("kpis.yaml").read_text("utf-8"), Loader=loader)
    out: dict[str, tuple[str, str]] = {}
    for k in raw.get("kpis", []):
        out.setdefault(k["id"], (k.get("label", k["id"]), k.get("unit", "")))
    return out


def metric_sentence(m: Metric) -> str:
    """"Scope 2 GHG emissions (market-based) were 456.4 tCO2e in 2023." (no page tag)."""
    label, verb = label_and_verb(m, kpi_labels().get(m.metric, (m.label, ""))[0])
    extra = []
    if m.basis and m.basis not in label.lower():
        extra.append(f"{m.basis}-based")
    if m.boundary:
        extra.append(m.boundary)
    qualifier = f" ({', '.join(extra)})" if extra else ""
    return f"{label}{qualifier} {verb} {quantity_text(m)} in {m.period}."


def _order(m: Metric) -> tuple[object, ...]:
    return (m.period, {"market": 1, "location": 2}.get(m.basis or "", 0), m.metric)


def change_pieces(query: Query, metrics: Sequence[Metric]) -> list[Piece]:
    """For "what drove the change in X": X for its two latest periods, then the figures X is
    computed from (``drivers`` in ``data/questions.yaml``), each "A in 2024, against B in 2023"."""
    from .kinds import vocabulary

    drivers = vocabulary()["drivers"]
    pieces: list[Piece] = []
    for request in query.requests:
        ids = [request.ids] + [(d,) for d in drivers.get(request.ids[0], [])]
        for group_ids in ids:
            group = _best_per_key([m for m in metrics if m.primary and m.metric in group_ids])
            by_key: dict[tuple[str, str | None], list[Metric]] = {}
            for m in _lookup(group_ids, request.basis, metrics):
                by_key.setdefault((m.metric, m.basis), []).append(m)
            for series in by_key.values():
                periods = sorted({m.period for m in series}, reverse=True)[:2]
                if len(periods) < 2:
                    continue
                cur, prev = (next(m for m in series if m.period == p) for p in periods)
                if cur.page != prev.page:
                    continue
                text = metric_sentence(cur).rstrip(".") + f", against {quantity_text(prev)} in {prev.period}."
                pieces.append(Piece(text, cur.page, clip(cur.quote), 1.0))
                break
            if len(pieces) >= 2 or group and pieces and group_ids != request.ids:
                break
    return pieces[:2]


def request_label(request: Request) -> str:
    """How the answer names a request it found nothing for ("Scope 3 GHG emissions")."""
    label = kpi_labels().get(request.ids[0], (request.ids[0].replace("_", " "), ""))[0]
    label = re.sub(r"\s*\((?:total|basis not stated)\)", "", label)
    if label[1:2].islower() and not label.startswith("Scope"):
        label = label[0].lower() + label[1:]
    return "the " + label if label.startswith(("number", "share", "total")) else label


_COUNT_NOUNS = {"employees": r"(?:employees|people|staff|workers|colleagues|ftes?|persons)\b",
                "fatalities": r"(?:fatalit\w*|deaths?)\b", "volunteer_hours": r"hours\b"}


def states_quantity(text: str, request: Request) -> bool:
    """True when a sentence states a quantity in the unit of the request's metric."""
    from ..extract.quantity import iter_quantities

    label, unit = kpi_labels().get(request.ids[0], ("", ""))
    plain = re.sub(r"\b(?:19|20)\d\d\b", "", text)
    if unit == "count":  # a number counting the label's own noun ("4,200 people", "3 fatalities")
        noun = _COUNT_NOUNS.get(request.ids[0], r"\w+")
        return bool(re.search(rf"\b\d[\d,.]*\s+(?:[\w-]+\s+){{0,2}}{noun}", plain, re.I))
    if unit in ("", "rate", "currency"):
        return bool(re.search(r"\d[\d,.]*\d|\b\d\b", plain))
    return any(f.quantity.unit == unit for f in iter_quantities(text))


def numeric_pieces(query: Query, metrics: Sequence[Metric]) -> tuple[list[Piece], list[str], list[Request]]:
    """Answer pieces for every request found, notes (asked years the report lacks, a total given
    only as its parts) and the requests nothing was found for."""
    pieces: list[Piece] = []
    notes: list[str] = []
    missing_years: list[str] = []
    not_found: list[Request] = []
    for request in query.requests:
        groups = find_request(request, metrics)
        if not groups:
            not_found.append(request)
            continue
        if not _lookup(request.ids, request.basis, metrics):
            notes.append(f"No figure for {request_label(request)} was found; the report gives:")
            found_ids = {m.metric for g in groups for m in g}
            not_found += [Request(ids) for ids in request.fallback if not found_ids & set(ids)
                          and not _has_parts(ids[0], found_ids)]
        for group in groups:
            chosen, missing = in_periods(group, query.years)
            missing_years += [y for y in missing if y not in missing_years]
            for m in sorted(chosen, key=_order):
                pieces.append(Piece(metric_sentence(m), m.page, clip(m.quote), 1.0))
        if not _lookup(request.ids, request.basis, metrics):
            summed = sum_piece(request, metrics, query.years)
            if summed is not None:
                pieces.append(summed)
    if pieces and missing_years:
        notes.insert(0, f"The report gives no figure for {' or '.join(missing_years)}; the latest it gives:")
    return pieces, notes, not_found
