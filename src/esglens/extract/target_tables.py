"""Targets printed in a column beside data rows: a KPI table headed "… 2019 2018 Target".

Data supplements often give each KPI row a "Target" cell, wrapped over the rows beside it
("Reduce absolute" / "Scope 1 & Scope 2" / "emissions by 55% by" / "2030 vs. 2017"). When the
table reader keeps that column its cells are read top to bottom; when it does not, the column is
what a row's line holds to the right of its last cell (or of its section label), and those tails
are read the same way. A column cut by the page end continues on the next page ("Achieve 100%
renewable electricity" / "by 2030"): ``extract_targets`` joins the two.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Block, Page, Table
from .target_lexicon import lexicon
from .target_text import Statement, normalise


def _has_target_column(table: Table, header: list[Block]) -> bool:
    if any(lexicon().target_column_header.search(c.header.strip()) for c in table.columns):
        return True
    return any(lexicon().target_column_header.search(b.text.strip()) for b in header)


def _column_cells(table: Table) -> str:
    """The text of the table's own target-headed column, read top to bottom ("" if none)."""
    cols = {c.index for c in table.columns if lexicon().target_column_header.search(c.header.strip())}
    cells = sorted((c for c in table.cells if c.col in cols and c.kind != "header"),
                   key=lambda c: (c.row, c.bbox[1]))
    return " ".join(c.text for c in cells if c.text.strip())


def _tail(block: Block, table: Table) -> str:
    """What ``block`` (a row's whole line) holds right of the table's own cells."""
    top, bottom = block.bbox[1], block.bbox[3]
    middle = (top + bottom) / 2
    for row in table.table_rows:
        if row.bbox[1] - 1 <= middle <= row.bbox[3] + 1:
            cells = [c.text for c in sorted(table.cells, key=lambda c: c.col)
                     if c.row == row.index and c.text.strip()]
            if cells and (at := block.text.rfind(cells[-1])) >= 0:
                return block.text[at + len(cells[-1]) :].strip()
    labels = sorted({r.section for r in table.table_rows} | {r.label for r in table.table_rows},
                    key=len, reverse=True)
    for label in labels:
        if label and block.text.startswith(label):
            return block.text[len(label) :].strip()
    return ""


def iter_column_text(page: Page) -> Iterator[tuple[Table, str]]:
    """(table, its target column's text) for every table on ``page`` with a target column."""
    blocks = [b for b in page.blocks if not b.furniture]
    for table in page.tables:
        x0, top, x1, bottom = table.bbox
        rows = [b for b in blocks if top - 2 <= b.bbox[1] <= bottom + 2]
        header = [b for b in rows if b.bbox[1] <= top + 12]
        if not _has_target_column(table, header):
            continue
        text = _column_cells(table)
        if not text:
            tails = [_tail(b, table) for b in rows if b not in header and b.bbox[2] > x1 + 5]
            text = " ".join(t for t in tails if t)
        if text:
            yield table, text


def column_statements(page_number: int, columns: list[str]) -> Iterator[Statement]:
    """One statement per target column text (see ``iter_column_text``)."""
    for text in columns:
        yield Statement(normalise(text), re.sub(r"\s+", " ", text)[:400], page_number, layout=True)


def iter_column_statements(page: Page) -> Iterator[Statement]:
    """One statement per target column on ``page``."""
    return column_statements(page.number, [t for _, t in iter_column_text(page)])


def unfinished(columns: list[str]) -> str:
    """The end of a page's last target column when it stops mid-target (no year after its
    last percentage), to be read with the start of the next page's column."""
    if not columns:
        return ""
    last = columns[-1]
    m = list(re.finditer(r"\d{1,3}(?:[.,]\d+)?\s*%", last))
    if m and not re.search(r"(?:19|20)\d\d", last[m[-1].end() :]):
        start = max(0, m[-1].start() - 40)
        return last[start:].split(" ", 1)[-1] if start else last
    return ""


def continued(carried: str, page_number: int, columns: list[str]) -> Statement | None:
    """The statement joining ``carried`` (from page ``page_number``) to the start of the next
    page's first target column, cited on the page where it starts."""
    if not carried or not columns:
        return None
    text = f"{carried} {columns[0][:120]}"
    return Statement(normalise(text), re.sub(r"\s+", " ", text)[:400], page_number, layout=True)
