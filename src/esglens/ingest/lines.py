"""Positioned text segments and the lines they form: the units every layout step works on.

A segment is a run of text in one font on one line (a pdfium text rect or an OCR word), with a
bbox in points from the page's top-left. Lines group segments by vertical overlap; footnote
markers become Unicode superscripts here so they never merge with the text they touch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SUPERSCRIPT = str.maketrans("0123456789,", "⁰¹²³⁴⁵⁶⁷⁸⁹˒")
_SUPERSCRIPT_CHARS = "⁰¹²³⁴⁵⁶⁷⁸⁹˒"
_CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])")
# A row of values at the end of a line ("equivalent) 12.9 14.8 19.6"), even in one text run.
_TRAILING_NUMBERS = re.compile(r"(?:\s[-–−(]?\d[\d.,]*%?\)?[¹²³⁴⁵⁶⁷⁸⁹⁰]*){2,}\s*$")
_DIGITISH = set("0123456789.,")
_CJK_ANY = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_NUMERIC = re.compile(r"^[\s\d.,%()+\-–−/$€£*x×<>~]+$")
_BULLET = re.compile(r"^(?:[•●▪■◦‣∙·\-–—]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_CAPTION = re.compile(r"^(?:Figure|Fig\.|Table|Chart|Graph|Source|Sources|Note|Notes)\b[\s\d.:]", re.I)


@dataclass
class Segment:
    """A run of text on one line in one font: bbox in points from the top-left, font size."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    size: float
    bold: bool = False
    baseline: float | None = None
    numeric: bool = False

    def __post_init__(self) -> None:
        self.numeric = bool(_NUMERIC.match(self.text)) and any(c.isdigit() for c in self.text)

    @property
    def height(self) -> float:
        return self.bottom - self.top


class Line:
    """Segments sharing a baseline inside one reading-order region, left to right.

    The box and text are computed once and refreshed only when segments are added, because
    layout code asks for them many times per line (a 170-page report has ~10,000 lines).
    """

    __slots__ = ("segments", "x0", "x1", "top", "bottom", "size", "_text", "_cells")

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments
        self._refresh()

    def _refresh(self) -> None:
        segs = self.segments
        self.x0 = min(s.x0 for s in segs)
        self.x1 = max(s.x1 for s in segs)
        self.top = min(s.top for s in segs)
        self.bottom = max(s.bottom for s in segs)
        self.size = max(s.size for s in segs)
        self._text: str | None = None
        self._cells: list[str] | None = None

    def add(self, segments: list[Segment]) -> None:
        """Add segments and re-sort them left to right."""
        self.segments.extend(segments)
        self.segments.sort(key=lambda s: s.x0)
        self._refresh()

    @property
    def bold(self) -> bool:
        return all(s.bold for s in self.segments)

    def cells(self) -> list[str]:
        """Cell strings: segments separated by a gap wider than about two spaces."""
        if self._cells is None:
            cells: list[list[Segment]] = []
            for seg in self.segments:
                if cells and seg.x0 - cells[-1][-1].x1 < max(6.0, 0.9 * seg.size):
                    cells[-1].append(seg)
                else:
                    cells.append([seg])
            self._cells = [_join(c) for c in cells]
        return self._cells

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = _join(self.segments)
        return self._text


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")


def _join(segments: list[Segment]) -> str:
    """Join segments of one line, adding a space where the gap is wider than a thin space."""
    out = ""
    prev: Segment | None = None
    for seg in segments:
        piece = seg.text
        if (
            prev is not None
            and out
            and not out.endswith(" ")
            and not piece.startswith(" ")
            and piece[:1] not in _SUPERSCRIPT_CHARS
            and not (_is_cjk(out[-1]) and _is_cjk(piece[:1]))  # Chinese has no word spaces
        ):
            gap = seg.x0 - prev.x1
            # Digits have wide side bearings (a "1" sits in a wide box): within a number, a gap
            # up to about half an em is still no space ("41" + "8.7" is 418.7).
            digits = out[-1] in _DIGITISH and piece[:1] in _DIGITISH
            if gap > (0.45 if digits else 0.2) * max(seg.size, prev.size, 1.0):
                out += " "
        out += piece
        prev = seg
    out = " ".join(out.split())
    if _CJK_ANY.search(out):  # OCR words of Chinese text arrive space-separated
        out = _CJK_SPACE.sub("", out)
    return out


def mark_superscripts(segments: list[Segment]) -> None:
    """Rewrite raised digit runs (footnote markers) as Unicode superscripts, in place.

    A marker is a short digit run right after other text whose baseline sits at least a fifth of
    that text's height above the text's baseline: "Scope 1" + raised "9" becomes "Scope 1⁹", never
    "Scope 19". Digits on the baseline (a report setting "Scope 1" in two fonts) and lowered digits
    (the 2 of CO2) stay plain. Needs baselines, so OCR words are left alone.
    """
    for i in range(1, len(segments)):
        seg, prev = segments[i], segments[i - 1]
        t = seg.text.strip()
        if not t or len(t) > 3 or not t.isdigit() or seg.baseline is None or prev.baseline is None:
            continue
        h = prev.height
        if h <= 0 or not (-1.0 < seg.x0 - prev.x1 < 0.5 * h) or seg.height > 0.9 * h:
            continue
        shift = prev.baseline - seg.baseline  # top-left coords: positive means raised
        if abs(shift) < 0.15 * h:
            continue
        prev.text = prev.text.rstrip()  # a generated space would detach the marker or subscript
        if shift >= 0.2 * h:
            seg.text = t.translate(_SUPERSCRIPT) + (" " if seg.text.endswith(" ") else "")


def _overlap_ratio(top: float, bottom: float, top2: float, bottom2: float) -> float:
    """Vertical overlap of two spans as a share of the shorter one."""
    shorter = max(min(bottom - top, bottom2 - top2), 0.5)
    return (min(bottom, bottom2) - max(top, top2)) / shorter


def group_lines(segments: list[Segment]) -> list[Line]:
    """Group a region's segments into lines by vertical overlap, top to bottom.

    Each segment joins the recent line it overlaps most; then lines that overlap by half are
    merged, so a raised footnote marker or a hairline hyphen processed first does not start a
    line of its own.
    """
    lines: list[Line] = []
    for seg in sorted(segments, key=lambda s: (s.bottom, s.x0)):
        best, best_ratio = None, 0.3
        for line in lines[-3:]:
            ratio = _overlap_ratio(line.top, line.bottom, seg.top, seg.bottom)
            if ratio >= best_ratio:
                best, best_ratio = line, ratio
        if best is None:
            lines.append(Line([seg]))
        else:
            best.add([seg])
    lines.sort(key=lambda ln: ln.top)
    merged: list[Line] = []
    for line in lines:
        if merged and _overlap_ratio(merged[-1].top, merged[-1].bottom, line.top, line.bottom) >= 0.5:
            merged[-1].add(line.segments)
        else:
            merged.append(line)
    return merged
