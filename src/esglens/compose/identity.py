"""Who reports and for when: the company name and reporting year of a document.

Both are found by scoring candidates over the cover, running headers, the body, the file name and
the PDF metadata, because no single source is reliable (titles are often left over from an earlier
year, file names are abbreviations). Results are cached per document.
"""

from __future__ import annotations

import re

from ..model import Document
from .phrasing import per_document, wording

__all__ = ["detect_company", "detect_period", "report_title"]

@per_document
def detect_company(doc: Document) -> str:
    """The reporting company's name (cached per document; see ``_detect_company``)."""
    return _detect_company(doc)


_ZH_NAME = re.compile(r"([\u3400-\u9fff]{2,14}?(?:股份有限公司|有限公司|銀行|银行|集團|集团))")
_ZH_LEGAL = re.compile(r"([\u3400-\u9fff]{2,20}股份有限公司)")
_ZH_GENERIC = re.compile(r"^(?:本|该|該|各|其|子|母|控股|上市|商业|商業|公司|本行|全体|全體)")


def _detect_company_zh(doc: Document) -> str | None:
    """A Chinese report's company: the legal name on the cover, else the most frequent bank or
    company name in the first pages ("北风生物技术股份有限公司", "北風銀行")."""
    for page in doc.pages[:2]:
        for line in page.text.splitlines():
            m = _ZH_LEGAL.search(re.sub(r"\s+", "", line))
            if m and not _ZH_GENERIC.match(m.group(1)):
                return m.group(1)
    counts: dict[str, int] = {}
    text = re.sub(r"\s+", "", " ".join(p.text for p in doc.pages[:30]) + doc.title)
    for m in _ZH_NAME.finditer(text):
        name = m.group(1)
        for cut in range(max(0, len(name) - 8), len(name) - 3):  # shortest plausible name
            short = name[cut:]
            if not _ZH_GENERIC.match(short):
                counts[short] = counts.get(short, 0) + 1
    top = max(counts.values(), default=0)
    good = [k for k, v in counts.items() if v >= max(2, 0.6 * top)]
    return max(good, key=lambda k: (len(k), counts[k])) if good else None


def _detect_company(doc: Document) -> str:
    """The reporting company's name, as most often spelled in the body ("Acme", "Northwind Renewables").

    Candidates are runs of capitalised words; they score for appearing in running headers,
    on the cover, before a legal suffix ("Ltd"), as a possessive, in the file name or metadata.
    """
    if doc.language == "zh":
        name = _detect_company_zh(doc)
        if name:
            return name
    bp = wording()[1]
    stop = set(bp["name_stopwords"])
    suffixes = set(bp["legal_suffixes"])
    body = "\n".join(p.text for p in doc.pages[:40])  # enough to see the name; bounded time
    furniture = "\n".join(b.text for p in doc.pages for b in p.blocks if b.furniture)
    cover = "\n".join(p.text for p in doc.pages[:2])
    hints = " ".join([doc.path.rsplit("/", 1)[-1], doc.metadata.get("Author", ""),
                      doc.metadata.get("Subject", ""), doc.title]).lower()
    hint_tokens = set(re.findall(r"[a-z0-9]+", hints))
    scores: dict[str, float] = {}
    spelled: dict[str, dict[str, int]] = {}
    # capitalised words, or a name opening with digits and an ampersand ("3&4")
    run = re.compile(r"(?<![\w&])((?:[A-Z][\w&]*|\d+&\w+)(?:[ \-][A-Z][\w&]*){0,2})(?![\w&])")
    for source, weight in ((body, 1.0), (furniture, 2.0), (cover, 5.0)):
        for m in run.finditer(source):
            words = m.group(1).split()
            for i in range(len(words)):
                for j in range(i + 1, len(words) + 1):
                    cand = words[i:j]
                    if any(w.lower() in stop or w.lower() in suffixes or w.isdigit() for w in cand):
                        continue
                    if len("".join(cand)) < 2:
                        continue
                    key = " ".join(cand).lower()
                    after = source[m.start(1) + len(" ".join(words[:j])) :][:12].lower()
                    bonus = 1.0
                    if re.match(r"\s*(?:['’]s?\b)", after):
                        bonus += 2.0
                    suffix = re.match(r"\s*([a-z.]+)", after)
                    if suffix and suffix.group(1).rstrip(",") in suffixes:
                        bonus += 2.0
                    scores[key] = scores.get(key, 0.0) + weight * bonus
                    spelled.setdefault(key, {})
                    form = " ".join(cand)
                    spelled[key][form] = spelled[key].get(form, 0) + (source is body)
    if not scores:
        return "The company"
    for key in scores:
        if set(re.findall(r"[a-z0-9]+", key)) & hint_tokens:  # "coca-cola" matches "coca", "cola"
            scores[key] *= 3.0
    top = sorted(scores, key=lambda k: -scores[k])[:40]
    for key in top:  # prefer "Northwind Renewables" over "Renewables" when they mostly occur together
        for longer in top:
            inside = f" {key} " in f" {longer} "
            if key != longer and inside and scores[longer] >= 0.6 * scores[key]:
                scores[longer] = max(scores[longer], scores[key])
    best = max(scores, key=lambda k: (scores[k], len(k)))
    forms = spelled[best]
    mixed = {f: n for f, n in forms.items() if not f.isupper() or len(f) <= 5}
    return max(mixed or forms, key=lambda f: ((mixed or forms)[f], f))


_YEAR = re.compile(r"(?<!\d)(20[0-4]\d|19[89]\d)(?!\d)")


def detect_period(doc: Document) -> str | None:
    """The reporting year ("2024"), from the cover, running headers and "in/fiscal YYYY" phrases.

    The PDF title metadata is only a weak hint: it is often left over from an earlier year.
    """
    scores: dict[str, float] = {}
    created = re.search(r"(20\d\d)", doc.metadata.get("CreationDate", ""))
    latest = int(created.group(1)) if created else 2100

    def add(text: str, weight: float) -> None:
        text = re.sub(r"(20\d\d)\s*[-–/]\s*(20)?\d\d\b", r"\1", text)  # "2023-2024" is FY 2023
        for y in _YEAR.findall(text):
            if int(y) <= latest:
                scores[y] = scores.get(y, 0.0) + weight

    for page in doc.pages[:2]:
        add(" ".join(b.text for b in page.blocks if len(b.text) < 120), 4.0)
    add(" ".join({b.text for p in doc.pages for b in p.blocks if b.furniture}), 3.0)
    add(doc.path.rsplit("/", 1)[-1], 3.0)
    add(doc.title, 1.0)
    body = " ".join(p.text for p in doc.pages)
    phrase = r"\b(?:in|fiscal|financial year|fy|during|year ended [a-z0-9 ]*?)\s*(20[0-4]\d)\b"
    for y in re.findall(phrase, body, re.I)[:2000]:
        if int(y) <= latest:
            scores[y] = scores.get(y, 0.0) + 0.2
    return max(scores, key=lambda y: (scores[y], y)) if scores else None


_REPORT_WORD = re.compile(r"\b(report|plan|review|statement)\b", re.I)


_TITLE = re.compile(
    r"(?:^|.*?(?P<year>(?:19|20)\d\d(?:[-–/]\d{2,4})?) )(?P<words>[^\d]*?\b(?:report|plan|review|"
    r"statement)\b)(?P<after> (?:19|20)\d\d(?:[-–/]\d{2,4})?)?", re.I)


def report_title(doc: Document) -> str:
    """The report's title as printed on its cover ("Climate Change Report 2023"), or "".

    The cover's first short lines are joined up to the one naming a report; the PDF title
    metadata is the fallback, as it is often truncated or left over from an earlier year. A year
    printed after the title is kept, else one printed before it; titles set in capitals are
    written in title case.
    """
    cover = []
    for b in doc.pages[0].blocks if doc.pages else ():
        text = re.sub(r"\s+", " ", b.text).strip()
        if not b.furniture and len(text.split()) <= 8 and re.match(r"[A-Za-z0-9]", text):
            cover.append(text)
        if len(cover) >= 6:
            break
    for source in (" ".join(cover), re.sub(r"\s+", " ", doc.title).strip()):
        m = _TITLE.match(source)
        if m is None:
            continue
        words = m.group("words").strip()
        words = re.sub(r"^(?:" + re.escape(detect_company(doc)) + r")\s+", "", words)
        if not 1 <= len(words.split()) <= 8:
            continue
        if m.group("after"):
            title = words + m.group("after")
        elif m.group("year"):
            title = f"{m.group('year')} {words}"
        else:
            title = words
        return title.title() if title.isupper() else title
    return ""
