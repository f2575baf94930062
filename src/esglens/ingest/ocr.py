"""OCR for pages without a text layer and for image regions, with Debian's tesseract (eng, chi_sim).

Tesseract is run as a subprocess with ``OMP_THREAD_LIMIT=1`` (3–6x faster on 2 cores, see
NOTES-deps.md) and asked for TSV, so each recognised word comes back with its box and feeds the
same layout code as the text layer. A region (an image on a text page, ``images.py``) is rendered
alone and its word boxes are shifted back onto the page: points from the page's top-left.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import NamedTuple

import pypdfium2 as pdfium

from ..errors import ConfigError
from .lines import Segment

OCR_DPI = 200  # 300 dpi costs ~50% more time here for no gain on report-size text
OCR_PSM = "6"  # one block: our own layout orders the word boxes; 12% faster and more digits right than 3
# Sparse text for image regions: tiles, charts and tables scatter words over a picture. On a table
# image and a bar chart it read 11–13% more words (and every bar label) than one block, ~1.3x slower.
REGION_PSM = "11"


def tesseract_path() -> str | None:
    """The tesseract binary, or None when it is not installed."""
    return shutil.which("tesseract")


def _langs_available(binary: str) -> set[str]:
    out = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30)
    return {ln.strip() for ln in out.stdout.splitlines()[1:] if ln.strip()}


def check_ocr(lang: str) -> str:
    """The tesseract binary for ``lang`` (e.g. ``eng+chi_sim``) or a ConfigError saying how to get it."""
    binary = tesseract_path()
    if binary is None:
        raise ConfigError(
            "pages have no text layer and tesseract is not installed — "
            "run: apt-get install tesseract-ocr tesseract-ocr-chi-sim"
        )
    missing = set(lang.split("+")) - _langs_available(binary)
    if missing:
        raise ConfigError(
            f"tesseract lacks language data {sorted(missing)} — install tesseract-ocr-chi-sim "
            "or pass --ocr-lang eng"
        )
    return binary


def detect_script(image: bytes, binary: str, timeout: float = 30.0, dpi: int = 150) -> str | None:
    """The dominant script of a rendered page by tesseract's OSD ("Latin", "Han", …), or None."""
    if "osd" not in _langs_available(binary):
        return None
    proc = subprocess.run(
        [binary, "stdin", "stdout", "--psm", "0", "-l", "osd", "--dpi", str(dpi)],
        input=image, capture_output=True, timeout=timeout, env=dict(os.environ, OMP_THREAD_LIMIT="1"),
    )
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("Script:"):
            return line.split(":", 1)[1].strip()
    return None


def choose_lang(lang: str, known_text: str, first_image: bytes | None, binary: str) -> str:
    """Resolve ``auto``: Chinese+English when the text layer or OSD says Han, else English."""
    if lang != "auto":
        return lang
    available = _langs_available(binary)
    han = sum(1 for ch in known_text[:5000] if "\u4e00" <= ch <= "\u9fff") > 50
    if not han and not known_text.strip() and first_image is not None:
        han = detect_script(first_image, binary) in ("Han", "HanS", "HanT")
    return "chi_sim+eng" if han and "chi_sim" in available else "eng"


class Grey(NamedTuple):
    """A greyscale image: one byte a pixel, rows of ``width`` bytes, no padding."""

    data: bytes
    width: int
    height: int


def render_grey(
    page: pdfium.PdfPage, dpi: float, bbox: tuple[float, float, float, float] | None = None
) -> Grey:
    """The page, or its ``bbox`` (x0, top, x1, bottom in points from the top-left), in greyscale.

    Plain bytes rather than a numpy array: the read path never imports numpy (~0.1-0.3 s here).
    """
    crop = (0.0, 0.0, 0.0, 0.0)
    if bbox is not None:
        width, height = page.get_size()
        x0, top, x1, bottom = bbox
        crop = (max(0.0, x0), max(0.0, height - bottom), max(0.0, width - x1), max(0.0, top))
    bitmap = page.render(scale=dpi / 72, grayscale=True, crop=crop)
    try:
        w, h, stride = bitmap.width, bitmap.height, bitmap.stride
        raw = bytes(bitmap.buffer)
    finally:
        bitmap.close()
    data = raw if stride == w else b"".join(raw[r * stride : r * stride + w] for r in range(h))
    return Grey(data, w, h)


def to_pgm(image: Grey) -> bytes:
    """A greyscale image as PGM bytes, the format tesseract reads from stdin (no Pillow needed)."""
    return b"P5\n%d %d\n255\n" % (image.width, image.height) + image.data


def render_pgm(page: pdfium.PdfPage, dpi: int = OCR_DPI) -> bytes:
    """The page as a greyscale PGM image."""
    return to_pgm(render_grey(page, dpi))


def render_region_pgm(
    page: pdfium.PdfPage, bbox: tuple[float, float, float, float], dpi: int = OCR_DPI
) -> bytes:
    """Only ``bbox`` of the page (points from the top-left) as a greyscale PGM image."""
    return to_pgm(render_grey(page, dpi, bbox))


def recognise(
    image: bytes,
    binary: str,
    lang: str = "eng",
    timeout: float = 60.0,
    dpi: int = OCR_DPI,
    *,
    psm: str = OCR_PSM,
    origin: tuple[float, float] = (0.0, 0.0),
    min_conf: float = 0.0,
    invert: bool = False,
) -> list[Segment]:
    """OCR one rendered image (PGM bytes at ``dpi``) into word segments, bbox in page points.

    ``origin`` is where the image's top-left corner sits on the page (points from the page's
    top-left; (0, 0) for a whole page), so region words land where the region is. Words below
    ``min_conf`` (tesseract's 0–100 confidence) are dropped. ``invert`` lets tesseract also try
    light-on-dark text (tiles and table headers in pictures; off for pages, where it costs time).
    """
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    proc = subprocess.run(
        [binary, "stdin", "stdout", "-l", lang, "--psm", psm, "--dpi", str(dpi),
         "-c", f"tessedit_do_invert={int(invert)}", "tsv"],
        input=image,
        capture_output=True,
        timeout=timeout,
        env=env,
    )
    if proc.returncode != 0:
        return []
    scale = 72 / dpi
    segments: list[Segment] = []
    for row in proc.stdout.decode("utf-8", "replace").splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5":
            continue
        text = parts[11].strip()
        if not text or float(parts[10]) < max(0.0, min_conf):
            continue
        left, top, w, h = (int(v) for v in parts[6:10])
        x0, y0 = origin[0] + left * scale, origin[1] + top * scale
        x1, y1 = x0 + w * scale, y0 + h * scale
        # A word box spans ascenders to descenders; the font size is about 1.3x the x-height box.
        segments.append(Segment(x0, y0, x1, y1, text + " ", round(h * scale, 1)))
    if segments:
        # Word boxes vary with ascenders; one body size per page keeps lines in one block.
        heights = sorted(s.size for s in segments)
        body = heights[len(heights) // 2]
        for seg in segments:
            seg.size = round(seg.size, 0) if seg.size > 1.6 * body else body
    return segments
