"""The PDF engine's sandbox: every read of a report (pdfium, tesseract) runs in a forked child
process with limits, so a crash, a bomb or a C-level hang costs one clean error, never this process.

Why a process: pdfium is C++. A /PageLabels tree whose /Kids points to itself makes it recurse
until SIGSEGV; a few KB of nested /FlateDecode inflate to GBs; a loop in C never returns to
Python, so no ``try`` and no alarm can stop it. ``esglens.read`` (``read_guarded``), and so
``analyze``, ``ask`` and any batch or web layer on top, read through here; ``render_page`` gives
page images the same way. One fork per report, not per page.

Why not inside ``ingest/``: importing that package loads pdfium and numpy. This module forks
from a process that has not (the CLI), so the child does not copy-on-write the reader's modules
— that copying cost ~20 ms per report, 10% of reading a short one. From the second report in one
process on, the reader is imported here once, so later children inherit it instead of importing
it (a batch). The parent never calls pdfium itself.

What this contains is crashes and exhaustion, not exploits: the child runs as the same user
with the same files (no seccomp or namespaces), and its pickle is trusted like our own.
"""

from __future__ import annotations

import math
import os
import re
import stat
import struct
import time
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import ConfigError, EngineCrashError, NotAPDFError, NotFoundError, UnreadablePDFError
from ..model import Document
from .process import GRACE, MAX_MEMORY, Background, Limits, run_guarded

__all__ = ["GRACE", "MAX_MEMORY", "Background", "Limits", "check_path", "read_guarded", "render_page",
           "run_guarded"]

MAX_PAGES = 1000  # the defaults of ingest.read_document (not imported: that would load pdfium)
TIME_LIMIT = 300.0
MAX_RENDER_PIXELS = 40_000_000  # a page image is never larger (a 14,400 pt page at scale 4 is 3.3 G)
_URL = re.compile(r"[a-z][a-z0-9+.-]*://", re.I)
_reads = 0


def check_path(path: str | Path) -> Path:
    """``path`` as a Path when it names a readable, non-empty regular file, else a specific InputError.

    Checked before anything opens the file: a FIFO would block the reader and /dev/zero never
    ends, and ``Path("https://…")`` drops a slash, so a URL is recognised from the string.
    """
    text = os.fspath(path)
    if _URL.match(text):
        raise NotFoundError(f"{text}: is a URL — esglens reads local files; download the PDF first")
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise NotFoundError(f"{path}: no such file — check the path") from None
    except OSError as exc:
        raise NotFoundError(f"{path}: cannot be opened ({exc.strerror}) — check the path") from None
    if stat.S_ISDIR(mode):
        raise NotFoundError(f"{path}: is a directory — give a PDF file")
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        raise NotFoundError(f"{path}: is {kind}, not a regular file — give a PDF file")
    if not os.access(path, os.R_OK):
        raise NotFoundError(f"{path}: cannot be read — check its permissions")
    if path.stat().st_size == 0:
        raise NotAPDFError(f"{path}: the file is empty — give a PDF report")
    return path


def read_guarded(
    path: str | Path,
    *,
    pages: str | None = None,
    password: str | None = None,
    ocr_mode: str = "auto",
    ocr_lang: str = "auto",
    max_pages: int = MAX_PAGES,
    time_limit: float = TIME_LIMIT,
    max_memory: int = MAX_MEMORY,
) -> Document:
    """``esglens.read``: ``ingest.read_document`` in the sandbox, capped at ``max_memory`` MB and
    ``time_limit`` seconds (options as there; pages are 1-based).

    Raises the InputError family for unreadable input (EngineCrashError when the engine crashed),
    TooLargeError beyond ``max_pages``, TimeLimitError / MemoryLimitError past the limits. A page
    that cannot be loaded is skipped and listed in ``skipped_pages`` and ``warnings``; when pdfium
    crashes on the /PageLabels tree, the report is read again without printed labels.
    """
    global _reads
    check_path(path)
    _reads += 1
    if _reads > 1:
        import esglens.ingest  # noqa: F401 - see the module docstring (a batch)
    options: dict[str, Any] = {
        "pages": pages, "password": password, "ocr_mode": ocr_mode, "ocr_lang": ocr_lang,
        "max_pages": max_pages, "time_limit": time_limit,
    }
    started = time.monotonic()
    limits = Limits(memory_mb=max_memory, time_s=time_limit)
    try:
        doc: Document = run_guarded(_read_in_child, (path,), options, limits=limits, name=str(path))
        return doc
    except EngineCrashError as exc:
        # A /PageLabels tree that loops makes pdfium recurse until SIGSEGV; the text is fine.
        if "page_label" not in exc.frames:
            raise
        left = max(1.0, time_limit - (time.monotonic() - started))
        options = dict(options, labels=False, time_limit=left)
        doc = run_guarded(_read_in_child, (path,), options, limits=replace(limits, time_s=left),
                          name=str(path))
        note = "page labels: the PDF engine crashed reading /PageLabels — printed labels not used"
        return replace(doc, warnings=(*doc.warnings, note))


def _read_in_child(path: str | Path, **options: Any) -> Document:
    """The reader with the engine's own errors wrapped once, at the sandbox boundary."""
    import pypdfium2 as pdfium

    from ..ingest import read_document

    try:
        return read_document(path, **options)
    except pdfium.PdfiumError as exc:
        raise UnreadablePDFError(
            f"{path}: the PDF engine failed ({exc}) — the file is damaged; re-download or re-export it"
        ) from exc


def render_page(
    path: str | Path, page_number: int, scale: float = 1.0, password: str | None = None,
    *, limits: Limits | None = None,
) -> bytes:
    """Page ``page_number`` (1-based) as PNG bytes at ``scale`` (1.0 = 72 dpi), rendered in the sandbox.

    The scale is lowered so the image stays under MAX_RENDER_PIXELS. Raises the InputError family
    like ``esglens.read``, ConfigError for a page outside the document or a bad scale.
    """
    check_path(path)
    if not 0 < scale <= 20:
        raise ConfigError(f"scale {scale}: use a value between 0 and 20 (1.0 = 72 dpi)")
    limits = limits or Limits(time_s=60.0)
    return run_guarded(_render_png, (str(path), page_number, scale, password), {}, limits=limits,
                       name=str(path))


def _render_png(path: str, page_number: int, scale: float, password: str | None) -> bytes:
    from ..ingest.pdf import open_pdf

    pdf = open_pdf(Path(path), password)
    try:
        if not 1 <= page_number <= len(pdf):
            raise ConfigError(f"{path}: page {page_number} does not exist — pages are 1 to {len(pdf)}")
        page = pdf[page_number - 1]
        width, height = page.get_size()
        scale = min(scale, math.sqrt(MAX_RENDER_PIXELS / max(1.0, width * height)))
        rgb = page.render(scale=scale, rev_byteorder=True).to_numpy()
        page.close()
    finally:
        pdf.close()
    return encode_png(rgb[:, :, :3])


def encode_png(rgb: Any) -> bytes:
    """An RGB uint8 array (height, width, 3) as PNG bytes (PNG spec, filter 0; no Pillow needed)."""
    import numpy as np

    h, w = rgb.shape[:2]
    raw = np.zeros((h, w * 3 + 1), dtype=np.uint8)
    raw[:, 1:] = rgb.reshape(h, w * 3)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw.tobytes(), 6))
            + chunk(b"IEND", b""))
