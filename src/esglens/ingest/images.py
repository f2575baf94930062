"""Image regions on pages with a text layer that hold text: a KPI table, tiles or a chart as a picture.

Stage: while a page is read, ``find_regions`` names the images worth OCRing (cheap, no OCR);
after the text layer is read, ``ocr_regions`` OCRs each region alone (not the page) and rebuilds
the page's blocks and tables from its text segments plus the region's words, so image tables go
through the same layout and cell code (``layout.build_blocks`` -> ``cells.build_tables``) as text.

Which images: every image object (inside forms too) at least MIN_WIDTH x MIN_HEIGHT points and
MIN_AREA of the page, overlapping ones merged, over which the text layer has little text (else
it is a background under real text); then a 72 dpi greyscale render must look like a graphic
with text, not a photo: a flat background (the commonest of 32 grey levels covers >= 35% of the
pixels, 90% fall in <= 12 levels) and glyph strokes (>= 1.5% of the pixels in horizontal ink runs
of <= 3 px). Measured on the 38 shared reports: of 288 image regions of >= 3% of a page with
little text over them, the test keeps 36, among them every table, KPI tile set and labelled chart;
the 252 it drops are photos, renders on white, maps and text-free diagrams. OCRing all 288 costs
~630 s of tesseract, the 36 ~160 s; the test costs 1-70 ms a region. A layout model (rapid-layout,
0.5-1 s a page on these 2 cores, NOTES-deps.md) would cost as much as the OCR it could save, so
none is used. Regions are OCRed with sparse-text segmentation (``ocr.REGION_PSM``).
"""

from __future__ import annotations

import ctypes
import re
import subprocess
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import replace
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..data import load_data
from ..model import BBox, Page
from . import ocr
from .garbage import is_garbage
from .layout import build_blocks
from .lines import Segment
from .pdf import iter_segments

MIN_WIDTH = 90.0  # points: a KPI tile is at least this wide
MIN_HEIGHT = 40.0
MIN_AREA = 0.02  # of the page
# Text-layer characters over an image: at most 10 + 4 per 10,000 pt² and never over 100 (the text
# pictures kept above had 0-42; backgrounds under a text column have hundreds).
MAX_TEXT, MAX_TEXT_DENSITY, MAX_TEXT_CAP = 10, 4e-4, 100
MAX_FORM_DEPTH = 4  # nested form XObjects looked into
MIN_BACKGROUND = 0.35  # share of pixels in the commonest grey level (of 32)
MAX_TONES = 12  # grey levels holding 90% of the pixels; photos need 14-28
MIN_STROKES = 0.015  # share of pixels in horizontal ink runs of <= 3 px at 72 dpi
MIN_CONF = 60.0  # tesseract confidence of a kept word; noise in pictures scores lower
MIN_WORDS = 3  # a region with fewer confident words holds no text worth reading
MAX_REGIONS = 60  # per document: a bound on the OCR bill of a brochure full of diagrams
# seconds of region OCR per document: an infographic-heavy plan costs 2-4 s a region, so the
# regions on pages whose text names a KPI go first and the rest wait for --ocr force
REGION_BUDGET_S = 4.0

_BOUNDS = tuple(ctypes.c_float() for _ in range(4))
_LEVEL = bytes(v // 8 for v in range(256))  # 256 grey values -> 32 levels
_STROKE = re.compile(rb"(?<!1)1{1,3}(?!1)")  # a horizontal ink run of 1-3 px


class PageScan(NamedTuple):
    """What reading a page's text layer found besides text: a garbage layer, image regions to OCR."""

    garbage: bool = False
    regions: tuple[BBox, ...] = ()


def scan_page(page: pdfium.PdfPage, segments: list[Segment], ocr_mode: str) -> PageScan:
    """Check a page's text layer (``ocr_mode`` auto only): garbage, or images that want OCR."""
    if ocr_mode != "auto" or not segments:
        return PageScan()
    if is_garbage(" ".join(s.text for s in segments)):
        return PageScan(garbage=True)
    if sum(len(s.text.strip()) for s in segments) < 10:  # a text-less page: OCRed whole
        return PageScan()
    width, height = page.get_size()
    return PageScan(regions=find_regions(page, segments, width, height))


def finish_reading(
    pdf: pdfium.PdfDocument,
    pages: list[Page],
    scans: list[PageScan],
    lang: str,
    deadline: float,
    ocr_started: float,
    budget: float | None = REGION_BUDGET_S,
) -> tuple[list[Page], dict[str, float], list[str]]:
    """After page OCR (begun at ``ocr_started``): OCR image regions, count the cost, name garbage pages.

    Returns (pages, timings, warnings) for the Document.
    """
    timings: dict[str, float] = {}
    done = sum(p.ocr for p in pages)
    if done:
        timings = {"ocr_pages": float(done), "ocr_pages_s": round(time.monotonic() - ocr_started, 3)}
    regions = {i: s.regions for i, s in enumerate(scans) if s.regions}
    pages, region_timings, warnings = ocr_regions(pdf, pages, regions, lang, deadline, budget)
    garbage = [p for p, s in zip(pages, scans, strict=True) if s.garbage]
    if garbage:
        read = [p.number for p in garbage if p.ocr]
        lost = [p.number for p in garbage if not p.ocr]
        if read:
            warnings.append(f"{_pages(read)}: the text layer is scrambled (a font without a usable "
                            "character map) — read by OCR instead")
        if lost:
            warnings.append(f"{_pages(lost)}: the text layer is scrambled (a font without a usable "
                            "character map) — skipped; install tesseract-ocr so esglens can OCR them")
    return pages, {**timings, **region_timings}, warnings


def _pages(numbers: list[int]) -> str:
    """'page 4' or 'pages 3–5, 9' for sorted 1-based page numbers."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    text = ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    return f"page {text}" if len(numbers) == 1 else f"pages {text}"


def find_regions(
    page: pdfium.PdfPage, segments: list[Segment], width: float, height: float
) -> tuple[BBox, ...]:
    """Boxes (points from the top-left) of images on ``page`` that look like text and lack a text layer."""
    if page.get_rotation():  # object bounds and crops of rotated pages are not in one frame
        return ()
    boxes = _image_boxes(page, width, height)
    if not boxes:
        return ()
    found = []
    for box in boxes:
        area = (box[2] - box[0]) * (box[3] - box[1])
        if _text_over(box, segments) > min(MAX_TEXT_CAP, MAX_TEXT + MAX_TEXT_DENSITY * area):
            continue
        if is_text_image(ocr.render_grey(page, 72, box)):
            found.append(tuple(round(v, 2) for v in box))
    return tuple(found)  # type: ignore[arg-type]


def _image_boxes(page: pdfium.PdfPage, width: float, height: float) -> list[BBox]:
    """Page-clipped boxes of the page's large image objects, overlapping ones merged."""
    left, bottom, right, top = _BOUNDS
    count = pdfium_c.FPDFPage_CountObjects(page)
    stack = [(pdfium_c.FPDFPage_GetObject(page, i), 0) for i in range(count)]
    boxes: list[BBox] = []
    while stack:
        obj, depth = stack.pop()
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
            n = pdfium_c.FPDFFormObj_CountObjects(obj)
            stack.extend((pdfium_c.FPDFFormObj_GetObject(obj, i), depth + 1) for i in range(n))
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE and pdfium_c.FPDFPageObj_GetBounds(
            obj, left, bottom, right, top
        ):
            # Objects inside forms report page coordinates too (checked against renders).
            box = (max(0.0, left.value), max(0.0, height - top.value),
                   min(width, right.value), min(height, height - bottom.value))
            w, h = box[2] - box[0], box[3] - box[1]
            if w >= MIN_WIDTH and h >= MIN_HEIGHT and w * h >= MIN_AREA * width * height:
                boxes.append(box)
    return _merge(boxes)


def _merge(boxes: list[BBox]) -> list[BBox]:
    """Union boxes that overlap by half of the smaller one (one picture split or drawn twice)."""
    merged: list[BBox] = []
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        for i, other in enumerate(merged):
            ix = min(box[2], other[2]) - max(box[0], other[0])
            iy = min(box[3], other[3]) - max(box[1], other[1])
            smaller = min(_area(box), _area(other))
            if ix > 0 and iy > 0 and ix * iy >= 0.5 * smaller:
                merged[i] = (min(box[0], other[0]), min(box[1], other[1]),
                             max(box[2], other[2]), max(box[3], other[3]))
                break
        else:
            merged.append(box)
    return merged


def _area(box: BBox) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _text_over(box: BBox, segments: list[Segment]) -> int:
    """Text-layer characters whose segment centre lies inside ``box``."""
    x0, top, x1, bottom = box
    return sum(
        len(s.text.strip()) for s in segments
        if x0 <= (s.x0 + s.x1) / 2 <= x1 and top <= (s.top + s.bottom) / 2 <= bottom
    )


def is_text_image(image: ocr.Grey) -> bool:
    """True when a 72 dpi greyscale render looks like a graphic carrying text, not a photo.

    Counted with bytes methods (C speed, no numpy): grey levels by ``translate`` + ``count``,
    strokes as short runs of ink bytes found by a regular expression, row by row.
    """
    data, total = image.data, len(image.data)
    if total < 2000:
        return False
    levels = data.translate(_LEVEL)
    hist = [levels.count(bytes([i])) for i in range(32)]
    tones = sorted(hist, reverse=True)
    if tones[0] < MIN_BACKGROUND * total:
        return False
    held, needed = 0, 0
    for count in tones:
        held += count
        needed += 1
        if held >= 0.9 * total:
            break
    if needed > MAX_TONES:
        return False
    background = hist.index(tones[0]) * 8 + 4
    ink = data.translate(bytes(49 if abs(v - background) > 64 else 48 for v in range(256)))
    w = image.width
    rows = (ink[r * w : (r + 1) * w] for r in range(image.height))
    strokes = sum(len(run) for row in rows for run in _STROKE.findall(row))
    return strokes >= MIN_STROKES * total


def ocr_regions(
    pdf: pdfium.PdfDocument,
    pages: list[Page],
    regions: dict[int, tuple[BBox, ...]],
    lang: str,
    deadline: float,
    budget: float | None = REGION_BUDGET_S,
) -> tuple[list[Page], dict[str, float], list[str]]:
    """OCR ``regions`` (page index -> boxes) and rebuild those pages: (pages, timings, warnings).

    ``budget`` (seconds, None for none) bounds the region OCR of one document.

    Two tesseract processes run at once (2 cores) while regions are rendered one at a time on
    this thread (pdfium is not thread-safe). Regions left when ``deadline`` (time.monotonic)
    passes are skipped with a warning: they add to a page, they never cost the rest of it.
    """
    binary = ocr.tesseract_path()
    stems = tuple(load_data("kpis.yaml").get("prefilter", ()))

    def relevance(i: int) -> int:  # a page that names a KPI may hold its figure in a picture
        text = pages[i].text.lower()
        return sum(stem in text for stem in stems)

    order = sorted(regions, key=lambda i: (-relevance(i), i))
    jobs = [(i, box) for i in order for box in regions[i]][:MAX_REGIONS]
    if binary is None or not jobs:
        return pages, {}, []
    started = time.monotonic()
    known = " ".join(p.text for p in pages[:40])
    lang = ocr.choose_lang(lang, known, None, binary)
    ocr.check_ocr(lang)
    words: dict[int, dict[BBox, list[Segment]]] = {}
    skipped = 0

    def recognise(i: int, box: BBox, image: bytes, timeout: float) -> tuple[int, BBox, list[Segment]]:
        return i, box, ocr.recognise(image, binary, lang, timeout, ocr.OCR_DPI, psm=ocr.REGION_PSM,
                                     origin=(box[0], box[1]), min_conf=MIN_CONF, invert=True)

    pending: list[Future[tuple[int, BBox, list[Segment]]]] = []
    over_budget = 0

    def collect(future: Future[tuple[int, BBox, list[Segment]]]) -> None:
        nonlocal skipped
        try:
            i, box, found = future.result()
        except subprocess.TimeoutExpired:
            skipped += 1
            return
        words.setdefault(i, {})[box] = found

    with ThreadPoolExecutor(max_workers=2) as pool:
        for i, box in jobs:
            while len(pending) >= 2:  # two in flight: the budget is checked as they finish
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    pending.remove(future)
                    collect(future)
            remaining = deadline - time.monotonic()
            if remaining <= 1:
                skipped += 1
                continue
            if budget is not None and time.monotonic() - started > budget:
                over_budget += 1
                continue
            page = pdf[pages[i].number - 1]
            image = ocr.render_region_pgm(page, box)
            page.close()
            pending.append(pool.submit(recognise, i, box, image, remaining))
        for future in pending:
            collect(future)
    out = list(pages)
    for i, by_box in words.items():
        out[i] = _rebuild(pdf, pages[i], by_box)
    timings = {"ocr_regions": float(len(jobs) - skipped - over_budget),
               "ocr_regions_s": round(time.monotonic() - started, 3)}
    warnings = [f"{skipped} image regions not OCRed: the time limit ran out — raise --timeout"] \
        if skipped else []
    if over_budget:
        warnings.append(f"{over_budget} image regions not OCRed: over the {budget:g} s region "
                        "budget (pages naming a KPI went first) — use --ocr force to read them all")
    return out, timings, warnings


def _rebuild(pdf: pdfium.PdfDocument, page: Page, by_box: dict[BBox, list[Segment]]) -> Page:
    """The page read again from its text segments plus the OCR words of its image regions.

    Words that overlap a text-layer segment are dropped (text printed over a picture is already
    read), as are regions left with fewer than MIN_WORDS words. Tables inside a region are
    marked ``source="ocr"``.
    """
    pdfpage = pdf[page.number - 1]
    try:
        segments = iter_segments(pdfpage, page.height)
    finally:
        pdfpage.close()
    kept: list[BBox] = []
    extra: list[Segment] = []
    for box, found in by_box.items():
        near = [s for s in segments
                if s.x1 > box[0] and s.x0 < box[2] and s.bottom > box[1] and s.top < box[3]]
        fresh = [w for w in found if not any(_covers(s, w) for s in near)]
        if len(fresh) >= MIN_WORDS:
            kept.append(box)
            extra.extend(fresh)
    if not kept:
        return page
    blocks, tables = build_blocks(segments + extra, page.number, page.height)
    tables = [replace(t, source="ocr") if t.source != "lines" and any(_inside(t.bbox, b) for b in kept) else t
              for t in tables]
    text = "\n".join(b.text for b in blocks)
    return replace(page, text=text, blocks=tuple(blocks), tables=tuple(tables), ocr_regions=tuple(kept))


def _covers(seg: Segment, word: Segment) -> bool:
    """True when a text-layer segment covers at least half of an OCR word's box."""
    ix = min(seg.x1, word.x1) - max(seg.x0, word.x0)
    iy = min(seg.bottom, word.bottom) - max(seg.top, word.top)
    return ix > 0 and iy > 0 and ix * iy >= 0.5 * max(1e-6, (word.x1 - word.x0) * (word.bottom - word.top))


def _inside(inner: BBox, outer: BBox) -> bool:
    """True when the centre of ``inner`` lies inside ``outer``."""
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]
