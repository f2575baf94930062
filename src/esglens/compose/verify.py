"""The LLM verifier: a generated sentence is kept only when its cited pages support every part.

A sentence passes when (against the cited pages' text, tables included) every number is printed
there (thousands separators, trailing zeros, percent forms and million/billion scales
normalised), every acronym and capitalised name is there (or in the report's title or metadata,
which name the company), at least ``MIN_GROUNDED`` of its content words occur there (echoed
instructions fail), and it reads as a sentence: no word broken off a page word ("mpared" from
"compared"), no doubled word or repeated phrase, and a subject before its verb. Used by ``llm``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..model import Document

__all__ = ["MIN_GROUNDED", "is_fluent", "number_values", "strip_tags", "verify_sentence",
           "why_not_fluent"]

MIN_GROUNDED = 0.6  # share of a sentence's content words that must occur on its cited pages

# "[p. 7]", "[pp. 7, 9]", "(p.7-8)", "[page 12]" — how the model cites pages.
_TAG = re.compile(r"[\[(]\s*(?:pp?\.?|pages?)\s*(\d[\d\s,–\-&and]*)\s*[\])]", re.I)
# A number not glued to a letter (so CO2, tCO2e, FY2023 and Scope1 are left to the name check).
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.,])(\d{1,3}(?:(?:,|[ \u00a0\u202f])\d{3})+|\d+)(?:([.,])(\d+))?(?![0-9])"
)
_SCALE = re.compile(r"\s*(thousand|million|billion|trillion|mn|bn|k|m|b)\b", re.I)
_SCALES = {"thousand": "k", "k": "k", "million": "m", "mn": "m", "m": "m",
           "billion": "b", "bn": "b", "b": "b", "trillion": "t"}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&'’\-]*")
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_STOP = frozenset(
    re.findall(
        r"\w+",
        "a an and are as at be by for from has have in into is it its of on or our over since that "
        "the their this these those to under was we were which while will with during also than "
        "per cent percent total year years compared",
    )
)


def _decimal(text: str) -> str | None:
    try:
        return format(Decimal(text).normalize(), "f")
    except InvalidOperation:
        return None


def number_values(text: str, page: bool = False) -> list[tuple[frozenset[str], str | None]]:
    """Numbers in ``text`` as (possible normalised values, scale); "1,234"=="1234", "23.30"=="23.3".

    With ``page`` true (the cited page's side) ambiguous forms also yield their parts, so "1,2"
    (decimal comma or a list) and "12 500" (thin-space thousands or two numbers) match either way.
    """
    out: list[tuple[frozenset[str], str | None]] = []
    for m in _NUMBER.finditer(text):
        whole, sep, frac = m.group(1), m.group(2), m.group(3)
        grouped = re.sub(r"[, \u00a0\u202f]", "", whole)
        values = {_decimal(grouped + (f".{frac}" if sep == "." else ""))}
        if sep == ",":  # "9,5" is a decimal comma (thousands groups were taken by the pattern)
            values = {_decimal(f"{grouped}.{frac}")}
        if re.fullmatch(r"\d{1,3},\d{3}", whole) and sep is None:
            values.add(_decimal(whole.replace(",", ".")))  # "1,234" may be 1.234 in EU style
        if page:
            values.update(_decimal(part) for part in re.split(r"[, \u00a0\u202f]", whole))
            if sep == ",":
                values.add(_decimal(frac))
        scale = _SCALE.match(text, m.end())
        found = frozenset(v for v in values if v is not None)
        out.append((found, _SCALES[scale.group(1).lower()] if scale else None))
    return out


def _page_corpus(pages: list[int], doc: Document) -> str:
    parts = []
    for number in pages:
        page = doc.page(number)
        cells = " ".join(" ".join(row) for table in page.tables for row in table.rows)
        parts.append(f"{page.text}\n{cells}")
    return re.sub(r"\s+", " ", "\n".join(parts)).translate(_SUBSCRIPTS)


def _entities(text: str) -> list[str]:
    """Acronyms (SBTi, TCFD, CO2e) and capitalised names (Northwind, Paris Agreement) in a sentence.

    A run of adjacent capitalised words is one name; leading stop words ("In", "The") are dropped,
    and so is a lone sentence-initial word (capitalised by grammar, not because it is a name).
    """
    text = re.sub(r"['’]s\b", "", text)  # possessives: "Acme Materials’s" names "Acme Materials"
    tokens = [t for t in _WORD.finditer(text) if len(t.group(0)) > 1]
    found = [t.group(0) for t in tokens if sum(c.isupper() for c in t.group(0)) >= 2]
    runs: list[list[re.Match[str]]] = []
    for tok in tokens:
        if not tok.group(0)[0].isupper():
            runs.append([])
        elif runs and runs[-1] and not text[runs[-1][-1].end() : tok.start()].strip():
            runs[-1].append(tok)
        else:
            runs.append([tok])
    for run in runs:
        words = [t.group(0) for t in run]
        while words and words[0].lower() in _STOP:
            words = words[1:]
        if run and run[0] is tokens[0] and len(words) == 1 and words[0] == run[0].group(0):
            continue
        if words:
            found.append(" ".join(words))
    return found


def _on_page(entity: str, corpus: str, compact: str) -> bool:
    words = [re.escape(w) for w in entity.split()]
    pattern = r"(?<![A-Za-z0-9])" + r"[\s\-]+".join(words) + r"(?![A-Za-z0-9])"
    if re.search(pattern, corpus, re.I):
        return True
    # "CO2e" vs "CO2-e" / "CO₂e": compare letters and digits only for tokens carrying digits.
    key = re.sub(r"[^a-z0-9]", "", entity.lower())
    return any(c.isdigit() for c in key) and len(key) >= 3 and key in compact


def strip_tags(text: str) -> tuple[str, list[int]]:
    """The sentence without its page tags, and the 1-based pages those tags cite (in order)."""
    pages: list[int] = []
    for m in _TAG.finditer(text):
        for part in re.split(r"\s*(?:,|&|\band\b)\s*", m.group(1).strip()):
            bounds = [int(x) for x in re.findall(r"\d+", part)]
            if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= 10:
                pages.extend(range(bounds[0], bounds[1] + 1))
            elif bounds:
                pages.append(bounds[0])
    clean = re.sub(r"\s+([.,;:!?])", r"\1", _TAG.sub("", text))
    return re.sub(r"\s+", " ", clean).strip(), list(dict.fromkeys(pages))


def verify_sentence(text: str, cited_pages: list[int] | tuple[int, ...], doc: Document) -> bool:
    """True when ``text`` is grounded in the 1-based ``cited_pages`` of ``doc``.

    Checks, against the cited pages' text (tables included): at least one valid cited page; every
    number appears there (thousands separators, trailing zeros, percent forms and million/billion
    scale normalised); every acronym and capitalised name appears there (or in the report's title
    or metadata, which name the company); and at least
    ``MIN_GROUNDED`` of the content words occur there, which rejects echoed instructions.
    """
    text, tagged = strip_tags(text)
    pages = list(dict.fromkeys([*cited_pages, *tagged]))
    known = {p.number for p in doc.pages}
    if not pages or any(p not in known for p in pages) or len(_WORD.findall(text)) < 3:
        return False
    corpus = _page_corpus(pages, doc)
    compact = re.sub(r"[^a-z0-9]", "", corpus.lower())
    on_page: set[tuple[str, str | None]] = set()
    for values, scale in number_values(corpus, page=True):
        on_page.update((v, s) for v in values for s in (scale, None))
    for values, scale in number_values(text.translate(_SUBSCRIPTS)):
        if not any((v, scale) in on_page for v in values):
            return False
    # the report's own title and metadata name the company, which is never a hallucination
    about = " ".join([doc.title, *doc.metadata.values()])
    about_compact = re.sub(r"[^a-z0-9]", "", about.lower())
    for entity in _entities(text):
        if not (_on_page(entity, corpus, compact) or _on_page(entity, about, about_compact)):
            return False
    if why_not_fluent(text, corpus) is not None:
        return False
    words = [w.lower() for w in _WORD.findall(text) if len(w) > 3 and w.lower() not in _STOP]
    if not words:
        return True
    stems = {w.lower()[:5] for w in _WORD.findall(corpus)}
    return sum(w[:5] in stems for w in words) / len(words) >= MIN_GROUNDED


# --------------------------------------------------------------------------- fluency

# a verb form or a conjunction opening the sentence where its subject should be
_SUBJECTLESS = re.compile(
    r"^(?:(?:is|are|was|were|has|have|had|will|would|can|could|and|or|but|which|that|who|"
    r"also|then|to)\b|(?!(?:mining|building|training|housing|funding|spending|packaging|"
    r"recycling|engineering|manufacturing|shipping|banking|lending|reporting|united)\b)"
    r"[A-Za-z]{3,}(?:ed|ing)\b(?![^,]{0,60},))", re.I)
_REPORT_TITLE = re.compile(r"^(?:FY ?)?(?:19|20)\d\d\b[^.]{0,60}\b(?:Report|Review|Plan)\b")


def why_not_fluent(text: str, corpus: str = "") -> str | None:
    """Why a generated sentence does not read as one (None when it does).

    ``corpus`` is the cited pages' text: a word found there only inside a longer word
    ("mpared" in "compared", "educed" in "reduced") was broken off it.
    """
    words = text.split()
    bare = [re.sub(r"[^\w’'%-]", "", w).lower() for w in words]
    if len(words) < 4 or not re.match(r"[\"“‘(]?[A-Z0-9]", text):
        return "no capital start or too short"
    for a, b in zip(bare, bare[1:], strict=False):
        if a and a == b and not a.isdigit():
            return f"doubled word {a!r}"
    pairs = [f"{a} {b}" for a, b in zip(bare, bare[1:], strict=False) if a and b]
    if len(pairs) != len(set(pairs)):
        return "repeated phrase"
    if _REPORT_TITLE.match(text):
        return "opens with a report title, not a subject"
    if _SUBJECTLESS.match(text):
        return "lost its subject"
    if corpus:
        low = corpus.lower()
        for w in bare:
            if len(w) < 4 or not w.isalpha():
                continue
            if re.search(rf"(?<![a-z]){re.escape(w)}", low) is None and w in low:
                return f"broken word {w!r}"
    return None


def is_fluent(text: str, corpus: str = "") -> bool:
    """True when ``why_not_fluent`` finds nothing wrong."""
    return why_not_fluent(text, corpus) is None


