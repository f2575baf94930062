"""Export a store table for spreadsheet users: one row per fact, with company, report, page, quote.

CSV and XLSX flatten list columns (a sentence's pages "12; 14", its quotes joined by " | ");
Parquet keeps them as lists. XLSX cells are written as text, never formulas: a quote that starts
with "=" must not run as one in the analyst's spreadsheet. The file is written beside ``out``
and moved into place, so a failed export leaves no half-written file.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from .frames import FACT_VIEWS
from .store import require

if TYPE_CHECKING:
    from .frames import Corpus

__all__ = ["FORMATS", "export_table", "write_xlsx"]

FORMATS = ("csv", "parquet", "xlsx")
_XLSX_ROWS = 1_048_575
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML (so XLSX) cannot hold


def export_table(corpus: Corpus, table: str, fmt: str, out: str | Path) -> int:
    """Write ``table`` (see FACT_VIEWS) of ``corpus`` as ``fmt`` to ``out``; returns the rows written.

    Raises ConfigError for an unknown table or format, or more rows than XLSX holds.
    """
    if table not in FACT_VIEWS:
        raise ConfigError(f"unknown table {table!r} — use one of {', '.join(FACT_VIEWS)}")
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r} — use one of {', '.join(FORMATS)}")
    frame = corpus.facts(table)
    if fmt == "xlsx" and len(frame) > _XLSX_ROWS:
        raise ConfigError(f"{len(frame):,} rows do not fit in one XLSX sheet — export as csv or parquet")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    try:
        if fmt == "parquet":
            require("pyarrow")
            frame.to_parquet(tmp, index=False)
        elif fmt == "csv":
            _flatten(frame).to_csv(tmp, index=False)
        else:
            write_xlsx(_flatten(frame), table, tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return len(frame)


def _flatten(frame: Any) -> Any:
    """List columns as text: pages "12; 14", quotes joined by " | "."""
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].map(lambda v: hasattr(v, "__len__") and not isinstance(v, str)).any():
            sep = " | " if col == "quotes" else "; "
            frame[col] = [sep.join(map(str, items)) if items is not None else "" for items in frame[col]]
    return frame


def write_xlsx(frame: Any, table: str, path: str) -> None:
    """A DataFrame as one XLSX sheet whose text cells are text, never formulas (also the web app's)."""
    require("openpyxl")
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    pd = require("pandas")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=table)
    bold = Font(bold=True)
    header = []
    for name in frame.columns:
        cell = WriteOnlyCell(ws, value=str(name))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for values in frame.itertuples(index=False, name=None):
        row: list[Any] = []
        for v in values:
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                row.append(None)
            elif isinstance(v, str):
                cell = WriteOnlyCell(ws, value=_ILLEGAL.sub("", v)[:32767])
                cell.data_type = "s"  # text, even when it starts with "=" (no formula injection)
                row.append(cell)
            elif hasattr(v, "to_pydatetime"):
                row.append(v.to_pydatetime())
            elif hasattr(v, "item"):
                row.append(v.item())  # numpy scalar -> Python
            else:
                row.append(v)
        ws.append(row)
    wb.save(path)
