"""The one data model every esglens stage reads and writes.

Conventions (after pdfplumber): page numbers are 1-based PDF page indices everywhere; a bbox is
``(x0, top, x1, bottom)`` in PDF points measured from the page's top-left corner. Every type is a
frozen dataclass that round-trips exactly: ``type(x).from_dict(x.to_dict()) == x``. A fact (metric,
target, claim, overview sentence) cannot exist without the page it came from.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

BBox = tuple[float, float, float, float]
BlockKind = Literal["heading", "paragraph", "list", "caption", "footnote"]

T = TypeVar("T", bound="Record")


def _load(tp: Any, value: Any) -> Any:
    """Rebuild ``value`` (plain JSON data) as type ``tp``; the inverse of ``_dump``."""
    if value is None:
        return None
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        return _load(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_load(args[0], v) for v in value)
        return tuple(_load(a, v) for a, v in zip(args, value, strict=True))
    if origin is dict:
        _, vt = get_args(tp)
        return {k: _load(vt, v) for k, v in value.items()}
    if isinstance(tp, type) and issubclass(tp, Record):
        return tp.from_dict(value)
    if tp is float and isinstance(value, int):
        return float(value)
    return value


def _dump(value: Any) -> Any:
    """Turn a model value into plain JSON data (tuples become lists)."""
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, (tuple, list)):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def to_json(data: Any, indent: int | None = None) -> str:
    """``data`` as JSON text that always encodes as valid UTF-8.

    A file name with bytes that are not UTF-8 reaches Python as lone surrogates (PEP 383); they
    are written as ``\\udcXX`` escapes, which ``json.loads`` turns back into the same string.
    """
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def printable(text: str) -> str:
    """``text`` safe to print or write as UTF-8: an undecodable file-name byte shows as ``\\xNN``."""
    def shown(m: re.Match[str]) -> str:
        code = ord(m.group())
        return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"

    return _SURROGATE.sub(shown, text)


_HINTS: dict[type, dict[str, Any]] = {}


class Record:
    """Mixin giving frozen dataclasses a lossless ``to_dict`` / ``from_dict``."""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of every field (this is exactly what ``--json`` prints)."""
        return {f.name: _dump(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any]) -> T:
        """Rebuild from ``to_dict`` output; unknown keys are ignored so newer JSON still loads."""
        hints = _HINTS.get(cls)
        if hints is None:
            hints = _HINTS[cls] = typing.get_type_hints(cls)
        kwargs = {
            f.name: _load(hints[f.name], data[f.name])
            for f in dataclasses.fields(cls)  # type: ignore[arg-type]
            if f.name in data
        }
        return cls(**kwargs)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Block(Record):
    """A run of text in reading order: a heading, paragraph, list item, caption or footnote.

    ``furniture`` marks running headers/footers repeated across pages, kept but excluded from
    prose. Superscript footnote markers are written as Unicode superscript digits (``Scope 1⁹``)
    so they never merge with the number or label they touch.
    """

    text: str
    bbox: BBox
    kind: BlockKind = "paragraph"
    font_size: float = 0.0
    bold: bool = False
    furniture: bool = False


CellKind = Literal["label", "value", "unit", "header", "note", "empty"]
ColumnKind = Literal["label", "period", "unit", "value", "note"]


@dataclass(frozen=True)
class Cell(Record):
    """One table cell: its text and bbox, 0-based row/column index and span, and its role.

    ``kind`` says what the cell holds: a row ``label``, a ``value``, a ``unit``, a column
    ``header`` (a period or a unit heading), a ``note`` (standards references, comments).
    """

    text: str
    bbox: BBox
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    kind: CellKind = "value"


@dataclass(frozen=True)
class Column(Record):
    """A table column: its x-extent, role and, for a period column, the period it reports.

    ``period`` is the 4-digit year the column's reporting period ends ("FY22" and "2021/22" ->
    "2022"); ``restated`` marks a column headed as restated or adjusted.
    """

    index: int
    x0: float
    x1: float
    kind: ColumnKind = "value"
    header: str = ""
    period: str | None = None
    restated: bool = False


@dataclass(frozen=True)
class TableRow(Record):
    """A table row: its label (wrapped lines merged), bbox and nesting level.

    ``level`` is 0 for a top-level row and 1 for an indented or "of which" sub-row, which is a
    part of the row above it and never its total. ``section`` is the label line above a group of
    rows ("Carbon emissions, Scope 3"), which names what a generic row ("Total") totals;
    ``parent`` the label of the row a sub-row belongs to, or the first-level label a second-level
    row ("market-based" under "Scope 2") was read under.
    """

    index: int
    label: str
    bbox: BBox
    level: int = 0
    section: str = ""
    parent: str = ""


@dataclass(frozen=True)
class Table(Record):
    """A table found on a page: rows of cell strings, the first ``header_rows`` being headers.

    Tables built from word geometry also carry ``cells``, ``columns`` and ``table_rows``, the
    ``title`` printed above them and the ``unit`` that title or caption states; ``source`` is
    ``text`` (text layer), ``ocr`` (an OCRed page or image region) or ``lines`` (the line-based
    fallback, without cells).
    """

    page: int
    bbox: BBox
    rows: tuple[tuple[str, ...], ...]
    header_rows: int = 1
    cells: tuple[Cell, ...] = ()
    columns: tuple[Column, ...] = ()
    table_rows: tuple[TableRow, ...] = ()
    title: str = ""
    unit: str = ""
    source: str = "lines"


@dataclass(frozen=True)
class Page(Record):
    """One PDF page. ``number`` is the 1-based PDF page index; ``label`` the printed label if any."""

    number: int
    width: float
    height: float
    text: str
    blocks: tuple[Block, ...] = ()
    tables: tuple[Table, ...] = ()
    label: str | None = None
    ocr: bool = False

    @property
    def body_text(self) -> str:
        """The page text without running headers and footers."""
        return "\n".join(b.text for b in self.blocks if not b.furniture)


@dataclass(frozen=True)
class Document(Record):
    """A report as read: identity (path, sha256), metadata and its pages in order."""

    path: str
    sha256: str
    title: str
    page_count: int
    language: str
    pages: tuple[Page, ...]
    metadata: dict[str, str] = field(default_factory=dict)
    skipped_pages: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()

    def page(self, number: int) -> Page:
        """The page with 1-based PDF index ``number`` (raises IndexError when absent)."""
        for p in self.pages:
            if p.number == number:
                return p
        raise IndexError(f"page {number} not in document")


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class Citation(Record):
    """Where a statement comes from: 1-based PDF page, the quoted source text, optional score."""

    page: int
    quote: str
    score: float | None = None


@dataclass(frozen=True)
class Metric(Record):
    """One reported figure, normalised to its catalog unit, pinned to page and quote.

    ``primary`` is true for the single value chosen per (metric, period, basis, boundary); the
    others stay with ``primary`` false and ``reason`` saying why they lost.
    """

    metric: str
    label: str
    value: float
    unit: str
    period: str
    page: int
    quote: str
    primary: bool = True
    raw_value: str = ""
    raw_unit: str = ""
    basis: str | None = None
    boundary: str | None = None
    source: str = "text"
    confidence: float = 0.5
    reason: str | None = None


@dataclass(frozen=True)
class Target(Record):
    """A commitment: type, scopes covered, target/base year, reduction, with page and quote.

    ``reduction_pct`` is the promised cut for reduction targets; ``target_pct`` the share to
    reach for share targets (renewable_share: "100% renewable electricity by 2030").
    """

    type: str
    page: int
    quote: str
    target_year: int | None = None
    base_year: int | None = None
    reduction_pct: float | None = None
    scope: str | None = None
    metric: str | None = None
    confidence: float = 0.5
    target_pct: float | None = None


@dataclass(frozen=True)
class Gap(Record):
    """A catalog metric the report does not disclose for its reporting year.

    ``pages`` are where the related disclosure is (the other years or the family's table), so a
    reader can see what is there; empty when nothing related is reported at all.
    """

    metric: str
    label: str
    pillar: str
    period: str | None
    pages: tuple[int, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Claim(Record):
    """A statement an analyst should check, with the reason it was flagged and what evidence
    would substantiate it."""

    text: str
    reason: str
    page: int
    topic: str | None = None
    substantiate: str | None = None


@dataclass(frozen=True)
class Passage(Record):
    """A heading-bounded chunk of page text used for classification and retrieval."""

    page: int
    text: str
    heading: str = ""
    topics: tuple[str, ...] = ()
    is_table: bool = False


@dataclass(frozen=True)
class Sentence(Record):
    """An overview sentence, the pages (with quotes) that support it, and its paragraph index.

    ``computed`` lists the numbers in ``text`` that esglens calculated (a change, a sum) from
    figures printed on the cited pages; the text says so ("(calculated)"). Every other number
    is printed on a cited page.
    """

    text: str
    citations: tuple[Citation, ...]
    paragraph: int = 0
    computed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section(Record):
    """A headed part of the overview."""

    header: str
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Overview(Record):
    """The composed ESG overview."""

    sections: tuple[Section, ...]
    mode: str = "extractive"

    def section(self, header: str) -> Section | None:
        """The section with this header, or None."""
        return next((s for s in self.sections if s.header == header), None)


@dataclass(frozen=True)
class Analysis(Record):
    """Everything esglens derives from one report; ``analysis.json`` is exactly ``to_dict()``."""

    path: str
    sha256: str
    title: str
    company: str
    period: str | None
    page_count: int
    metrics: tuple[Metric, ...] = ()
    targets: tuple[Target, ...] = ()
    claims: tuple[Claim, ...] = ()
    not_disclosed: tuple[Gap, ...] = ()
    language: str = "en"
    overview: Overview | None = None
    timings: dict[str, float] = field(default_factory=dict)
