"""What a question asks: its kind, the catalog metrics and years of a numeric question, the role
of a "who" question and the list of a "which" question.

Stage: question text -> Query. Vocabulary lives in ``data/questions.yaml``; this module holds the
logic GHG scopes need (a sum, each scope, a Scope 2 basis — GHG Protocol Scope 2 Guidance ch. 6).
Kinds: ``numeric`` (answered from extracted metrics), ``who`` (a named person or firm), ``list``
(named items: material topics, decarbonisation levers), ``yesno`` and ``explain`` (sentences).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from ..periods import YEAR, year_of

Kind = Literal["numeric", "who", "list", "yesno", "explain", "profile"]

_SCOPE = re.compile(r"\bscopes?\s*([123])((?:\s*(?:,|and|&|\+|/|-|or)\s*(?:scope\s*)?[123])*)")


@dataclass(frozen=True)
class Request:
    """One figure a question asks for: catalog ids tried together (every one found is reported),
    then ``fallback`` groups when none is found; ``basis`` narrows to market- or location-based."""

    ids: tuple[str, ...]
    fallback: tuple[tuple[str, ...], ...] = ()
    basis: str | None = None


@dataclass(frozen=True)
class Query:
    """A parsed question. ``years`` are 4-digit period strings ("FY24" -> "2024")."""

    text: str
    kind: Kind
    requests: tuple[Request, ...] = ()
    years: tuple[str, ...] = ()
    role: str | None = None
    list_name: str | None = None


@cache
def vocabulary() -> dict[str, Any]:
    """``data/questions.yaml`` with every pattern compiled (cached)."""
    text = resources.files("esglens.data").joinpath("questions.yaml").read_text("utf-8")
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: fast

    def rx(p: str | None) -> re.Pattern[str] | None:
        return re.compile(p, re.I) if p else None

    raw["kinds_re"] = {k: rx(p) for k, p in raw["kinds"].items()}
    for key in ("combine", "individually", "emissions", "not_the_company_role", "assurance_context",
                "negation", "reports_figure", "not_a_figure", "change", "target_question",
                "target_evidence", "profile"):
        raw[key + "_re"] = rx(raw[key])
    raw["scope_words_re"] = {k: rx(p) for k, p in raw["scope_words"].items()}
    raw["basis_re"] = {k: rx(p) for k, p in raw["basis"].items()}
    raw["metrics_re"] = [
        (Request(tuple(m["ids"]), tuple(tuple(f) for f in m.get("fallback", ()))),
         rx(m["when"]), rx(m.get("unless")))
        for m in raw["metrics"]
    ]
    raw["roles_re"] = {k: {f: rx(p) for f, p in v.items()} for k, v in raw["roles"].items()}
    raw["lists_re"] = {k: {f: rx(p) for f, p in v.items() if f != "query"} for k, v in raw["lists"].items()}
    return raw


def phrase_text(phrase: tuple[str, ...]) -> str:
    """How a phrase of ``phrases_in`` is written in ``data/questions.yaml`` ("scenario analysis")."""
    from .retrieve import tokenize

    return next((str(p) for p in vocabulary()["phrases"] if tuple(tokenize(str(p))) == phrase),
                " ".join(phrase))


def phrases_in(question: str) -> list[tuple[str, ...]]:
    """The multi-word terms of ``phrases`` the question holds, as search-term tuples."""
    from .retrieve import tokenize

    terms = tokenize(question)
    joined = f" {' '.join(terms)} "
    out = []
    for phrase in vocabulary()["phrases"]:
        toks = tuple(tokenize(str(phrase)))
        if len(toks) >= 2 and f" {' '.join(toks)} " in joined:
            out.append(toks)
    return out


def has_phrase(text: str, phrase: tuple[str, ...]) -> bool:
    """True when ``text`` holds the phrase's terms adjacently."""
    from .retrieve import tokenize

    return f" {' '.join(phrase)} " in f" {' '.join(tokenize(text))} "


def normalise(question: str) -> str:
    """Lower-case NFKC text with subscripts plain ("CO₂e" -> "co2e") and spaces collapsed."""
    text = unicodedata.normalize("NFKC", question).lower()
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip()


def years_in(question: str) -> tuple[str, ...]:
    """Reporting periods named in the question, in order ("fiscal 2023", "FY24", "2022/23")."""
    out: list[str] = []
    for m in YEAR.finditer(question):
        year = year_of(m)
        if year not in out:
            out.append(year)
    return tuple(out)


def scopes_in(text: str) -> set[str]:
    """GHG scopes a (normalised) question names: "scopes 1 and 2" -> {"1", "2"}."""
    found: set[str] = set()
    for m in _SCOPE.finditer(text):
        found |= set(re.findall(r"[123]", m.group(0)))
    for scope, pattern in vocabulary()["scope_words_re"].items():
        if pattern.search(text):
            found.add(scope)
    return found


def _scope2(basis: str | None) -> Request:
    if basis == "market":
        return Request(("ghg_scope2_market",), (("ghg_scope2",),), basis)
    if basis == "location":
        return Request(("ghg_scope2_location",), (("ghg_scope2",),), basis)
    return Request(("ghg_scope2_market", "ghg_scope2_location", "ghg_scope2"))


def ghg_requests(text: str) -> tuple[Request, ...]:
    """The GHG figures a question asks for, or () when it is not about GHG totals."""
    v = vocabulary()
    scopes = scopes_in(text)
    basis = next((b for b, p in v["basis_re"].items() if p.search(text)), None)
    each = bool(v["individually_re"].search(text))
    one = {"1": Request(("ghg_scope1",)), "2": _scope2(basis), "3": Request(("ghg_scope3",))}
    if not scopes:
        if not v["emissions_re"].search(text):
            return ()
        if re.search(r"\bintensity\b", text):
            return ()
        return (Request(("ghg_total",), (("ghg_scope1_2",), ("ghg_scope1",), one["2"].ids, ("ghg_scope3",))),)
    if scopes == {"1", "2", "3"} and not each:
        return (Request(("ghg_total",), (("ghg_scope1_2",), ("ghg_scope1",), one["2"].ids, ("ghg_scope3",))),)
    if scopes == {"1", "2"} and not each:
        return (Request(("ghg_scope1_2",), (("ghg_scope1",), one["2"].ids), basis),)
    return tuple(one[s] for s in sorted(scopes))


def metric_requests(question: str) -> tuple[Request, ...]:
    """Catalog metrics a question names: GHG scopes by rule, others by ``data/questions.yaml``."""
    text = normalise(question)
    v = vocabulary()
    request, when, unless = v["metrics_re"][0]  # intensity first: "Scope 1+2 intensity" is a rate
    if when and when.search(text) and not (unless and unless.search(text)):
        return (request,)
    found = ghg_requests(text)
    if found and not re.search(r"\brenewable|\bwater\b|\bwaste\b|\bemployee", text):
        return found
    for request, when, unless in v["metrics_re"][1:]:
        if when and when.search(text) and not (unless and unless.search(text)):
            return (request,)
    return found


def role_in(text: str) -> str | None:
    """The role a "who" question names (ceo, chair, cso, auditor), or None."""
    for role, patterns in vocabulary()["roles_re"].items():
        if patterns["asks"] and patterns["asks"].search(text):
            return role
    return None


def list_in(text: str) -> str | None:
    """The list a "which" question wants (material_topics, levers), or None."""
    for name, patterns in vocabulary()["lists_re"].items():
        if patterns["asks"] and patterns["asks"].search(text):
            return name
    return None


def parse_question(question: str) -> Query:
    """The kind of ``question`` and what it names; unknown shapes are ``explain``."""
    text = normalise(question)
    kinds = vocabulary()["kinds_re"]
    years = years_in(question)
    requests = metric_requests(question)
    if vocabulary()["profile_re"].search(text) and not requests:
        return Query(question, "profile", years=years)
    if kinds["who"].search(text) and (role := role_in(text)):
        return Query(question, "who", years=years, role=role)
    if kinds["list"].search(text) and (name := list_in(text)):
        return Query(question, "list", years=years, list_name=name)
    if kinds["yesno"].search(text):
        v = vocabulary()
        about_figure = v["reports_figure_re"].search(text) and not v["not_a_figure_re"].search(text)
        return Query(question, "yesno", requests if about_figure else (), years)
    if kinds["explain"].search(text) and not re.match(r"\W*how (?:much|many)\b", text):
        return Query(question, "explain", requests, years)
    if requests and kinds["numeric"].search(text):
        return Query(question, "numeric", requests, years)
    return Query(question, "explain", (), years)
