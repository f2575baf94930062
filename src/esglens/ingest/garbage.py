"""Detect a garbage text layer: glyphs that print fine but extract as scrambled characters.

A font embedded without a usable ToUnicode map (or with a deliberately shuffled one) gives a page
that looks right and extracts as nonsense: private-use or control codepoints, ``(cid:12)``
artefacts, identity-mapped glyph ids spread over a dozen scripts, or letters that form no words.
Such a page is worse than none (its digits are scrambled too), so ``ingest`` treats it like a page
without a text layer and OCRs it.

The test is deliberately conservative, because a false alarm OCRs a good page (slower, and OCR
reads worse than a text layer). A page is garbage only when one signal is far outside anything
seen on real pages. Measured on every page of the 38 shared reports (2,704 with 30+ characters,
none flagged) and on simulated garbage made from their text: unmappable characters (real pages at
most 2.4%, threshold 30%); letters spread over many scripts (real pages: three scripts hold 100% of
the letters, threshold 80%); Han text whose common characters are rare (real pages 45–98% in the
600 commonest, threshold 20%; random CJK codepoints ~3%); Latin text with almost no function words
(under 3%, which 10 real table pages also show) *and* letter statistics no language has (mixed
case inside words, too few or too many vowels, lower-case words without vowels, punctuation inside
words). Runs on the first 2,500 characters of a page: about 0.4 ms.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

from ..data import load_data

SAMPLE = 2500  # characters of a page looked at: a scrambled font scrambles the whole page
MIN_CHARS = 30  # fewer non-space characters say too little (pages under 10 are OCRed anyway)
MAX_UNMAPPABLE = 0.30  # share of private-use / control / unassigned / U+FFFD / (cid:N) characters
MIN_TOP_SCRIPTS = 0.80  # share of letters in the page's three commonest scripts
MIN_COMMON_HANZI = 0.20  # share of Han characters among the 600 commonest
MIN_FUNCTION_WORDS = 0.03  # share of Latin words that are function words ("the", "und", "les")
# The twelve commonest letters of English, German, French and Spanish text: 65-90% of the letters on
# real pages (median 80%), about 46% after a letter substitution.
_FREQUENT = "etaoinsrhldu"
MIN_FREQUENT_LETTERS = 0.55

_UNMAPPABLE = re.compile(
    r"\(cid:\d+\)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd\U000f0000-\U0010ffff]"
)
# Words whose presence (three different ones) settles that a page is language, before any counting.
_PLAIN_WORDS = (" the ", " and ", " of ", " to ", " in ", " und ", " der ", " die ", " et ", " les ", " des ")
_NOT_LATIN = re.compile(r"[^A-Za-z\u00c0-\u024f]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\u1100-\u11ff\uac00-\ud7af]")
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{2,}")
_TOKEN = re.compile(r"\S+")
_VOWEL = re.compile(r"[aeiouyäöüàâæéèêëîïôœûùáíóúãõåø]", re.I)
_IRREGULAR_CASE = re.compile(r"[a-zß-ÿ][A-ZÀ-Þ]")
_CAMEL = re.compile(r"[a-z]{1,2}[A-Z][A-Za-z]*")  # iPhone, eMobility, kWh: real mixed case
_JUNK = re.compile(r"[A-Za-z][#$&*;<=>?@\[\\\]^_`{|}~!\"][A-Za-z]")


@cache
def _lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """(function words, common Han characters) from data/garbage.yaml, loaded on first use."""
    raw = load_data("garbage.yaml")
    words = frozenset(w for line in raw["function_words"].values() for w in line.split())
    hanzi = frozenset(raw["common_hanzi"].replace(" ", ""))
    return words, hanzi


def is_garbage(text: str) -> bool:
    """True when a page's extracted ``text`` is a scrambled glyph mapping, not language."""
    head = text[:SAMPLE]
    if sum(w in head for w in _PLAIN_WORDS) >= 3:  # fast path: plainly running text
        return False
    sample = "".join(head.split())
    if len(sample) < MIN_CHARS:
        return False
    unmappable = sum(len(m) for m in _UNMAPPABLE.findall(sample))
    if unmappable >= MAX_UNMAPPABLE * len(sample):
        return True
    letters = sum(map(str.isalpha, sample))
    if letters < MIN_CHARS:
        return False
    latin = len(_NOT_LATIN.sub("", sample))
    han = _HAN.findall(sample)
    other = letters - latin - len(han) - len(_KANA_HANGUL.findall(sample))
    if other > (1 - MIN_TOP_SCRIPTS) * letters and _top_scripts(sample, letters) < MIN_TOP_SCRIPTS:
        return True
    if len(han) >= 50 and len(han) >= 0.5 * letters:
        common = _lexicon()[1]
        return sum(ch in common for ch in han) < MIN_COMMON_HANZI * len(han)
    if latin >= 0.7 * letters:
        return _latin_garbage(text[:SAMPLE])
    return False


def _top_scripts(sample: str, letters: int) -> float:
    """Share of the letters written in the sample's three commonest scripts (by Unicode name)."""
    scripts: Counter[str] = Counter()
    for ch in sample:
        if ch.isalpha():
            name = unicodedata.name(ch, "UNNAMED")
            scripts["HAN" if name.startswith("CJK") else name.split()[0]] += 1
    return sum(n for _, n in scripts.most_common(3)) / max(letters, 1)


def _latin_garbage(text: str) -> bool:
    """Latin letters that form no words: few function words and letter statistics of no language."""
    words = _WORD.findall(text)
    if len(words) < 20:
        return False
    function_words = _lexicon()[0]
    hits = [w for w in words if w in function_words or (w.istitle() and w.lower() in function_words)]
    if len(hits) >= MIN_FUNCTION_WORDS * len(words) and len({w.lower() for w in hits}) >= 4:
        return False
    letters = "".join(words)
    lower = letters.lower()
    frequent = sum(lower.count(ch) for ch in _FREQUENT)
    irregular = sum(bool(_IRREGULAR_CASE.search(w)) and not _CAMEL.fullmatch(w) for w in words)
    lowered = [w for w in words if not w.isupper()]
    voiceless = sum(not _VOWEL.search(w) for w in lowered)
    vowels = len(_VOWEL.findall(letters))
    tokens = _TOKEN.findall(text)
    junk = sum(bool(_JUNK.search(t)) for t in tokens)
    return (
        frequent < MIN_FREQUENT_LETTERS * len(letters)
        or irregular >= 0.15 * len(words)
        or not 0.28 <= vowels / len(letters) <= 0.60
        or voiceless >= 0.4 * max(len(lowered), 1) and len(lowered) >= 10
        or junk >= 0.15 * len(tokens)
    )
