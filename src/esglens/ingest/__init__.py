"""Read a report PDF into a page-anchored :class:`~esglens.model.Document`.

Stage: path -> Document. Text comes from the PDF's text layer (pypdfium2); pages without one are
OCRed with tesseract when it is installed. Running headers/footers are marked as furniture across
the whole document, and printed page labels are detected where the PDF or the footer gives them.
``esglens.read`` runs all of it in the PDF engine's sandbox (guard/): a forked child per report.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import re
import subprocess
import time
from collections import Counter
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium

from ..errors import ConfigError, NoTextError, TimeLimitError, TooLargeError, UnreadablePDFError
from ..model import Block, Document, Page
from . import ocr
from .layout import build_blocks
from .lines import Segment
from .pdf import has_images, iter_segments, open_pdf, page_label, read_metadata

MAX_PAGES = 1000
TIME_LIMIT = 300.0
PARALLEL_MIN_PAGES = 40  # below this, forking a second reader costs more than it saves
_CJK = re.compile(r"[\u4e00-\u9fff]")


def parse_pages(spec: str, page_count: int) -> list[int]:
    """1-based page numbers from a spec like ``5-9,12``; raises ConfigError when malformed."""
    pages: set[int] = set()
    for part in spec.split(","):
        m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if not m:
            raise ConfigError(f"--pages {spec!r}: use numbers and ranges like 5-9,12")
        a = int(m.group(1))
        b = int(m.group(2) or a)
        if a < 1 or b < a:
            raise ConfigError(f"--pages {spec!r}: pages start at 1 and ranges go up")
        pages.update(range(a, min(b, page_count) + 1))
    if not pages:
        raise ConfigError(f"--pages {spec!r}: the report has only {page_count} pages")
    return sorted(pages)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def mark_furniture(pages: list[Page]) -> list[Page]:
    """Mark blocks in the top/bottom margin that repeat on many pages, and bare page numbers."""
    counts: Counter[str] = Counter()
    for page in pages:
        seen = set()
        for b in page.blocks:
            if _in_margin(b, page.height):
                seen.add(_furniture_key(b.text))
        counts.update(seen)
    threshold = max(3, int(0.25 * len(pages)))
    out = []
    for page in pages:
        blocks = []
        changed = False
        for b in page.blocks:
            margin = _in_margin(b, page.height)
            key = _furniture_key(b.text)
            furniture = margin and (counts[key] >= threshold or re.fullmatch(r"#|page #", key) is not None)
            if furniture != b.furniture:
                b = replace(b, furniture=furniture)
                changed = True
            blocks.append(b)
        out.append(replace(page, blocks=tuple(blocks)) if changed else page)
    return out


def _in_margin(block: Block, height: float) -> bool:
    return block.bbox[3] < 0.09 * height or block.bbox[1] > 0.91 * height


def _printed_label(page: Page) -> str | None:
    """A bare number printed in the page margin, read as the printed page label."""
    for b in page.blocks:
        if b.furniture and re.fullmatch(r"\d{1,4}", b.text):
            return b.text
    return None


def _language(text: str) -> str:
    sample = text[:20000]
    if not sample:
        return "und"
    if len(_CJK.findall(sample)) > 0.1 * len(sample.replace(" ", "")):
        return "zh"
    words = Counter(re.findall(r"[a-zà-ÿ]+", sample.lower()))
    scores = {
        "en": sum(words[w] for w in ("the", "and", "of", "to", "in", "is")),
        "fr": sum(words[w] for w in ("le", "la", "les", "et", "des", "est")),
        "de": sum(words[w] for w in ("der", "die", "und", "das", "ist", "mit")),
        "es": sum(words[w] for w in ("el", "los", "las", "y", "del", "es")),
    }
    return max(scores, key=lambda k: scores[k])


def _title(metadata: dict[str, str], pages: list[Page]) -> str:
    title = (metadata.get("Title") or "").strip()
    if title and not re.fullmatch(r"(untitled|microsoft word.*|.*\.(docx?|indd|pdf))", title, re.I):
        return title
    for page in pages[:3]:
        headings = [b for b in page.blocks if b.kind == "heading" and not b.furniture]
        if headings:
            best = max(headings, key=lambda b: b.font_size)
            return best.text[:200]
    return ""


def read_document(
    path: str | Path,
    *,
    pages: str | None = None,
    password: str | None = None,
    ocr_mode: str = "auto",
    ocr_lang: str = "auto",
    max_pages: int = MAX_PAGES,
    time_limit: float = TIME_LIMIT,
    labels: bool = True,
) -> Document:
    """Read ``path`` into a Document. ``pages`` like ``"5-9"`` limits which pages are read.

    ``ocr_mode``: ``auto`` OCRs pages with no text layer when tesseract is installed, ``force``
    OCRs every page, ``off`` never OCRs. Raises an InputError subclass for unreadable input,
    TooLargeError beyond ``max_pages``, TimeLimitError beyond ``time_limit`` seconds. A page
    pdfium cannot load is skipped and listed in ``skipped_pages`` / ``warnings``; ``labels=False``
    skips pdfium's /PageLabels lookup. This runs in the calling process: ``esglens.read``
    (guard/) runs it in the sandbox, which is what untrusted files need.
    """
    path = Path(path)
    started = time.monotonic()
    pdf = open_pdf(path, password)
    try:
        count = len(pdf)
        wanted = parse_pages(pages, count) if pages else list(range(1, count + 1))
        if len(wanted) > max_pages:
            raise TooLargeError(
                f"{path}: {len(wanted)} pages exceeds the limit of {max_pages} — "
                "read a part with --pages or raise --max-pages"
            )
        metadata = read_metadata(pdf)
        deadline = started + time_limit
        if len(wanted) >= PARALLEL_MIN_PAGES and ocr_mode != "force":
            half = len(wanted) // 2
            with ProcessPoolExecutor(2, mp_context=mp.get_context("fork")) as pool:
                future = pool.submit(_read_pages, str(path), password, wanted[half:], ocr_mode, deadline,
                                     labels=labels)
                results = _read_pages(str(path), password, wanted[:half], ocr_mode, deadline, pdf,
                                      labels=labels)
                results += future.result()
        else:
            results = _read_pages(str(path), password, wanted, ocr_mode, deadline, pdf, labels=labels)
        if any(r is None for r in results):
            raise TimeLimitError(f"{path}: reading took over {time_limit:.0f} s — use --pages")
        skipped = [r for r in results if isinstance(r, int)]
        kept = [r for r in results if isinstance(r, tuple)]
        if not kept:
            raise UnreadablePDFError(
                f"{path}: none of its {len(skipped)} pages can be loaded — the file is damaged; re-export it"
            )
        read = [r[0] for r in kept]
        needs_ocr = [i for i, r in enumerate(kept) if r[1]]
        if needs_ocr:
            if ocr.tesseract_path() is None and ocr_mode == "auto":
                if not any(p.text for p in read):
                    raise NoTextError(
                        f"{path}: no text layer on any page — install tesseract-ocr "
                        "(see README) so esglens can OCR it"
                    )
            else:
                read = _ocr_pages(pdf, read, needs_ocr, ocr_lang, started, time_limit, path)
        if not any(p.text.strip() for p in read):
            raise NoTextError(f"{path}: no text found on any page (not even by OCR) — is it blank?")
    finally:
        pdf.close()
    marked = mark_furniture(read)
    marked = [p if p.label else replace(p, label=_printed_label(p)) for p in marked]
    body = " ".join(p.text for p in marked[:20])
    return Document(
        path=str(path),
        sha256=_sha256(path),
        title=_title(metadata, marked),
        page_count=count,
        language=_language(body),
        pages=tuple(marked),
        metadata=metadata,
        skipped_pages=tuple(skipped),
        warnings=tuple(f"page {n}: the PDF engine cannot load it (a damaged page object) — skipped"
                       for n in skipped),
    )


def _read_pages(
    path: str,
    password: str | None,
    numbers: list[int],
    ocr_mode: str,
    deadline: float,
    pdf: pdfium.PdfDocument | None = None,
    labels: bool = True,
) -> list[tuple[Page, bool] | int | None]:
    """Read pages ``numbers`` from the text layer: (page, needs OCR) each, None past the deadline,
    the page number of a page pdfium cannot load (skipped: the rest of the report still reads).

    Runs in a forked worker for long documents (2 cores: ~2x whole-process), so it opens its own
    PdfDocument unless one is passed in.
    """
    own = pdf is None
    doc = pdfium.PdfDocument(path, password=password) if pdf is None else pdf
    out: list[tuple[Page, bool] | int | None] = []
    try:
        for number in numbers:
            if time.monotonic() > deadline:
                out.append(None)
                break
            try:
                page = doc[number - 1]
            except pdfium.PdfiumError:
                out.append(number)
                continue
            width, height = page.get_size()
            segments = [] if ocr_mode == "force" else iter_segments(page, height)
            wants_ocr = ocr_mode != "off" and sum(len(s.text.strip()) for s in segments) < 10
            wants_ocr = wants_ocr and (ocr_mode == "force" or has_images(page))
            blocks, tables = build_blocks(segments, number, height)
            text = "\n".join(b.text for b in blocks)
            label = page_label(doc, number - 1) if labels else None
            out.append(
                (Page(number, round(width, 2), round(height, 2), text, tuple(blocks), tuple(tables), label),
                 wants_ocr)
            )
            page.close()
    finally:
        if own:
            doc.close()
    return out


def _recognise_job(
    job: tuple[int, bytes], options: tuple[str, str, float]
) -> tuple[int, list[Segment]]:
    """OCR one rendered page for the thread pool: (page index, word segments)."""
    binary, lang, timeout = options
    return job[0], ocr.recognise(job[1], binary, lang, timeout)


def _ocr_pages(
    pdf: pdfium.PdfDocument,
    read: list[Page],
    indexes: list[int],
    lang: str,
    started: float,
    time_limit: float,
    path: Path,
) -> list[Page]:
    """OCR the pages at ``indexes`` in two tesseract processes (2 cores), rebuilding their blocks.

    Pages are rendered one at a time on this thread (pdfium is not thread-safe, and a page
    image is several MB) while up to three recognitions are in flight, so both cores stay busy.
    """
    binary = ocr.check_ocr("eng" if lang == "auto" else lang)
    out = list(read)
    if lang == "auto":
        known = " ".join(p.text for p in read)
        first = pdf[read[indexes[0]].number - 1]
        lang = ocr.choose_lang(lang, known, ocr.render_pgm(first, 150) if not known.strip() else None, binary)
        first.close()

    def finish(future: Future[tuple[int, list[Segment]]]) -> None:
        try:
            i, segments = future.result()
        except subprocess.TimeoutExpired as exc:
            raise TimeLimitError(f"{path}: OCR took over {time_limit:.0f} s — use --pages") from exc
        blocks, tables = build_blocks(segments, read[i].number, read[i].height)
        text = "\n".join(b.text for b in blocks)
        out[i] = replace(read[i], text=text, blocks=tuple(blocks), tables=tuple(tables), ocr=True)

    pending: list[Future[tuple[int, list[Segment]]]] = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for i in indexes:
            remaining = time_limit - (time.monotonic() - started)
            if remaining <= 0:
                raise TimeLimitError(f"{path}: OCR took over {time_limit:.0f} s — use --pages")
            page = pdf[read[i].number - 1]
            image = ocr.render_pgm(page)
            page.close()
            pending.append(pool.submit(_recognise_job, (i, image), (binary, lang, remaining)))
            while len(pending) >= 3:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    pending.remove(future)
                    finish(future)
        for future in pending:
            finish(future)
    return out
