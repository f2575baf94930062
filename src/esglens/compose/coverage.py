"""What to say in a pillar section the report gives nothing to quote for, grounded in the pages.

An analyst expects every pillar section to say something, and "nothing found" is a finding when
it is stated as a fact about the report and cited. Three cases, by what the report holds:
- the pillar's topics are discussed, but in a language the overview does not summarise (a German
  report): say so and cite the pages that discuss them;
- the pillar's topics are only mentioned (notes, tables, passing words): say the report gives no
  account of them beyond those mentions, cited to them;
- the pillar is absent: say the report does not cover it and what it concentrates on instead,
  cited to the pages of its main topics.
Topics come from ``classify`` (``data/topics.yaml``); the wording from ``data/templates.yaml``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from ..classify import topic_by_id
from ..model import Citation, Document, Metric, Passage, Sentence
from .facts import fill
from .phrasing import verify_sentence, wording
from .quality import accounts_pages

__all__ = ["figures_note", "pillar_note"]

_LANGUAGE_NAMES = {"de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "nl": "Dutch",
                   "ja": "Japanese", "ko": "Korean", "pt": "Portuguese"}
MIN_PASSAGES = 2  # fewer passages on a pillar than this count as "only mentioned"


def _pillar_of(topic: str) -> str | None:
    try:
        return topic_by_id(topic).pillar
    except KeyError:
        return None


def _label(topic: str, lang: str) -> str:
    if lang == "zh":
        return wording()[0]["zh"]["coverage"]["topic_names"].get(topic, "")
    label = topic_by_id(topic).label
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def _join(items: list[str], lang: str) -> str:
    """Two topic labels joined; labels that hold "and" themselves are joined by "as well as"."""
    items = [i for i in items if i][:2]
    if lang == "zh":
        return "、".join(items)
    if len(items) == 1:
        return items[0]
    return f"{items[0]} {'as well as' if any(' and ' in i for i in items) else 'and'} {items[1]}"


def _cite(doc: Document, passages: list[Passage], n: int = 3) -> tuple[Citation, ...]:
    pages: dict[int, str] = {}
    for p in passages:
        if p.page not in pages and len(pages) < n:
            pages[p.page] = re.sub(r"\s+", " ", p.text)[:200]
    if not pages and doc.pages:
        pages[doc.pages[0].number] = re.sub(r"\s+", " ", doc.pages[0].text)[:200]
    return tuple(Citation(page, quote) for page, quote in sorted(pages.items()))


def pillar_note(pillar: str, doc: Document, passages: Sequence[Passage], lang: str) -> Sentence | None:
    """One cited sentence for the empty ``pillar`` section (E, S or G), or None if unverifiable."""
    by_topic: dict[str, list[Passage]] = defaultdict(list)
    statements = accounts_pages(doc)
    for p in passages:
        if p.page in statements:
            continue  # "生产性生物资产" on a balance sheet is no biodiversity disclosure
        for t in p.topics:
            by_topic[t].append(p)
    mine = Counter({t: len(ps) for t, ps in by_topic.items() if _pillar_of(t) == pillar})
    words = wording()[0]["zh"]["coverage"] if lang == "zh" else wording()[0]["coverage"]
    name = words["pillars"][pillar]
    top = [t for t, _ in mine.most_common(3)]
    on_pillar = [p for t in top for p in by_topic[t]]
    if sum(mine.values()) >= MIN_PASSAGES and doc.language in _LANGUAGE_NAMES and lang != "zh":
        text = fill(words["other_language"], pillar=name, language=_LANGUAGE_NAMES[doc.language],
                    topics=_join([_label(t, lang) for t in top], lang))
        cites = _cite(doc, on_pillar)
    elif mine:
        text = fill(words["mentions"], pillar=name, topics=_join([_label(t, lang) for t in top], lang))
        cites = _cite(doc, on_pillar)
    else:
        others = Counter({t: len(ps) for t, ps in by_topic.items() if _pillar_of(t) not in (None, pillar)})
        main = [t for t, _ in others.most_common(2)]
        if main:
            text = fill(words["absent"], pillar=name, topics=_join([_label(t, lang) for t in main], lang))
        else:
            text = fill(words["absent_no_topics"], pillar=name)
        cites = _cite(doc, [p for t in main for p in by_topic[t]])
    if not cites:
        return None
    sentence = Sentence(text, cites)
    return sentence if verify_sentence(sentence, doc) else None


def figures_note(pillar: str, doc: Document, metrics: Sequence[Metric], lang: str) -> Sentence | None:
    """The pillar's extracted figures, named and cited, for a section with no sentence to quote:
    a data sheet covers a pillar in its tables, which is a fact about the report worth stating."""
    try:
        from ..extract.catalog import kpi_by_id
    except ImportError:
        return None
    kpis = kpi_by_id()
    mine = [m for m in metrics if m.primary and m.metric in kpis and kpis[m.metric].pillar == pillar]
    if not mine:
        return None
    words = wording()[0]["zh"] if lang == "zh" else wording()[0]
    names: list[str] = []
    cites: dict[int, Citation] = {}
    for m in sorted(mine, key=lambda m: (m.page, m.metric)):
        label = (words["labels"].get(m.metric, "") if lang == "zh"
                 else kpis[m.metric].label[0].lower() + kpis[m.metric].label[1:])
        if label and label not in names and len(names) < 4:
            names.append(label)
            cites.setdefault(m.page, Citation(m.page, m.quote))
    if not names:
        return None
    joined = "、".join(names) if lang == "zh" else (
        names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])
    text = fill(words["coverage"]["figures"], pillar=words["coverage"]["pillars"][pillar], labels=joined)
    sentence = Sentence(text, tuple(list(cites.values())[:3]))
    return sentence if verify_sentence(sentence, doc) else None
