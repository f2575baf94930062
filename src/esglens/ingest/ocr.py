"""OCR for pages without a text layer, with Debian's tesseract (English and simplified Chinese).

Tesseract is run as a subprocess with ``OMP_THREAD_LIMIT=1`` (3–6x faster on 2 cores, see
NOTES-deps.md) and asked for TSV, so each recognised word comes back with its box and feeds the
same layout code as the text layer.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pypdfium2 as pdfium

from ..errors import ConfigError
from .lines import Segment

OCR_DPI = 200  # 300 dpi costs ~50% more time here for no gain on report-size text
OCR_PSM = "6"  # one block: our own layout orders the word boxes; 12% faster and more digits right than 3


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


def render_pgm(page: pdfium.PdfPage, dpi: int = OCR_DPI) -> bytes:
    """The page as a greyscale PGM image (no Pillow needed)."""
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    arr = bitmap.to_numpy()
    if arr.ndim == 3:
        arr = arr[:, :, 0]
    h, w = arr.shape[:2]
    return b"P5\n%d %d\n255\n" % (w, h) + arr.astype("uint8").tobytes()


def recognise(
    image: bytes, binary: str, lang: str = "eng", timeout: float = 60.0, dpi: int = OCR_DPI
) -> list[Segment]:
    """OCR one rendered page (PGM bytes at OCR_DPI) into word segments, bbox in points."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    proc = subprocess.run(
        [binary, "stdin", "stdout", "-l", lang, "--psm", OCR_PSM, "--dpi", str(dpi),
         "-c", "tessedit_do_invert=0", "tsv"],
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
        if not text or float(parts[10]) < 0:
            continue
        left, top, w, h = (int(v) for v in parts[6:10])
        x0, y0 = left * scale, top * scale
        x1, y1 = (left + w) * scale, (top + h) * scale
        # A word box spans ascenders to descenders; the font size is about 1.3x the x-height box.
        segments.append(Segment(x0, y0, x1, y1, text + " ", round(h * scale, 1)))
    if segments:
        # Word boxes vary with ascenders; one body size per page keeps lines in one block.
        heights = sorted(s.size for s in segments)
        body = heights[len(heights) // 2]
        for seg in segments:
            seg.size = round(seg.size, 0) if seg.size > 1.6 * body else body
    return segments
