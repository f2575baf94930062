"""The ESG overview: a narrative from extracted facts and salient report sentences, all cited.

Stage: (Document, passages, metrics, targets, claims, gaps) -> Overview. Deterministic and
offline. The ESG_overview reads as five paragraphs in the shape of an analyst's note: who the
company is (what it does, its size); climate and environment (the headline commitment, the
latest GHG figures by scope with the change from the prior year, progress against a target,
one result from the report); social (workforce, diversity, safety, community); governance
(board oversight of sustainability, ethics); and a closing sentence on where the disclosure is
full and where it is thin. Facts are told by ``narrative``, report sentences chosen by
``select``; both print values as the report printed them, so every number is on a cited page
(``verify_sentence``), except calculated changes, which say so. Chinese reports get the same
overview in Chinese (``zh``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from ..classify import classify_passages
from ..model import (
    Citation,
    Claim,
    Document,
    Gap,
    Metric,
    Overview,
    Passage,
    Section,
    Sentence,
    Target,
)
from .coverage import figures_note, pillar_note
from .facts import claim_sentences, fill, headline_target, metric_sentences, target_sentences
from .identity import detect_company, detect_period, report_title
from .narrative import (
    closing_sentence,
    environment_facts,
    gap_sentences,
    series_by_metric,
    social_facts,
    workforce_fact,
)
from .phrasing import (
    numbers_in,
    verify_sentence,
    wording,
)
from .select import CLIMATE_WORDS, SECURITY, Candidate, Picker
from .select import candidates as find_candidates

__all__ = ["SECTIONS", "compose_overview", "resolve_language"]

SECTIONS = ("ESG_overview", "Environmental", "Social", "Governance", "Key metrics",
            "Targets and commitments", "Data gaps", "Claims to watch")
PILLAR_SECTION = {"E": "Environmental", "S": "Social", "G": "Governance"}
NARRATIVE = ("ESG_overview", *PILLAR_SECTION.values())
SECTION_SIZE = 5
LANGUAGES = ("en", "zh")
# a board or committee concerned with sustainability (the headline governance fact)
_BOARD_ESG = re.compile(r"\b(board|committee|supervisory|directors|chief \w+ officer|CSO)\b[^.]*"
                        r"\b(sustainab\w*|climate|ESG|environmental|social)\b", re.I)
_OVERSIGHT = re.compile(_BOARD_ESG.pattern + r"|\b(oversight|oversees?|overseen)\b", re.I)
_ESG_GOVERNANCE = re.compile(r"\b(?:sustainab\w*|ESG|climate|environment\w*|ethic\w*|compliance|"
                             r"corruption|brib\w*|human rights|whistle\w*|diversity|integrity|"
                             r"code of conduct|anti-\w+|TCFD)\b", re.I)
# "sustainable and profitable growth", "sustainable value added": the financial sense of the word
_SUSTAINED = re.compile(r"\bsustainabl[ey] (?:and profitable )?(?:organic )?(?:growth|value(?: added)?|"
                        r"added value|returns?|profitab\w*|success|increase)\b", re.I)
# a figure that is not a year: "41 of 120 reports", "12 industry associations"
_COUNT = re.compile(r"(?<![\w.,])(?<!ISO )(?!(?:19|20)\d\d\b)\d[\d,.]*\b")
_DATED = re.compile(r"\b(?:by|until|before) (?:FY ?)?20[2-9]\d\b")
_PERCENT = re.compile(r"\d(?:[\d.,]*\d)?\s?(?:%|per ?cent)")
_FUTURE = re.compile(r"\b(?:will|would|plans? to|intends? to|proposes?|expected to|works? towards?|"
                     r"working towards?|"
                     r"can (?:achieve|save|help|reduce|avoid|enable))\b", re.I)  # or a potential
# the subjects an ESG headline is about (GRI 200/300/400 topics); a sentence naming none of them
# ("Acme receives 90% of its customer invoices …", "was awarded a grant of $4 million") is business news
_ESG_SUBJECT = re.compile(
    r"\b(?:sustainab\w*|ESG|HSEC|climate|emissions?|greenhouse|GHG|CO2|CO₂|carbon|decarboni[sz]\w*|"
    r"net[- ]zero|energy|electricity|renewables?|water\w*|wastes?|recycl\w*|circular\w*|"
    r"biodiversity|nature|pollut\w*|packaging|environment\w*|employees?|staff|workforce|"
    r"women|gender|divers\w*|inclusi\w*|equal\w*|training|safety|injur\w*|fatal\w*|accidents?|"
    r"health|wages?|human rights|communit\w*|donat\w*|volunteer\w*|Indigenous|suppliers?|"
    r"ethic\w*|integrity|corruption|brib\w*|whistle\w*|compliance|code of conduct|privacy|"
    r"data protection|cyber\w*)\b", re.I)
# "completed the workshop", "take the training": an activity the page introduced before
# ("additional governance bodies": beyond those the page named first)
_ANAPHORIC = re.compile(r"\b(?:additional|likewise|similarly)\b|"
                        r"\bthe (?:workshop|training|programme|program|initiative|project|campaign|"
                        r"survey|course|session|pilot|scheme|event)s?\b|"
                        r"\bthe (?:[\w-]+ ){0,2}(?:criteria|policy)\b"
                        r"(?! (?:of|on|for|in|to|called|named|“)\b)(?![ -](?-i:[A-Z]))", re.I)
# a sentence about the report, its frameworks or its materiality process, not about the company
_META = re.compile(r"\b(?:(?:this|the|our|its) (?:\w+ )?report\b|reporting(?! (?:year|period))|"
                   r"materiality|frameworks?|standards? board|stakeholders?|GRI|SASB|ISSB)", re.I)


# acronyms a reader of an ESG overview knows without their expansion
_KNOWN_ACRONYMS = frozenset((
    "GHG", "ESG", "EU", "US", "USA", "UK", "UN", "SDG", "SDGS", "CEO", "CFO", "COO", "CSO", "HR",
    "IT", "OT", "ISO", "GRI", "TCFD", "SBT", "SBTS", "CDP", "NGO", "NGOS", "LED", "LEDS", "EV",
    "EVS", "PV", "LNG", "AI", "HSE", "HSEC", "DEI", "LGBTQ", "COVID", "IPCC", "OECD", "ILO",
    "SASB", "ISSB", "ESRS", "CSRD", "AG", "SE", "PLC", "LLC", "KPI", "KPIS", "II", "III", "IV",
    "GWH", "MWH", "TWH", "GJ", "TJ", "PJ", "MW", "GW", "UNGC", "RE", "STEM", "EHS", "CO"))


def _unexplained(text: str, company: str) -> bool:
    """Whether the sentence leans on an acronym it does not expand ("40,000 XCUs retired under
    the offset scheme"): reviewers fail such sentences as not self-contained."""
    names = {w.upper() for w in re.findall(r"[\w&]+", company)}
    for m in re.finditer(r"\b([A-Z]{2,})s?\b", text):
        word = m.group(1)
        if word in _KNOWN_ACRONYMS or word in names or word.rstrip("S") in _KNOWN_ACRONYMS:
            continue
        if re.search(rf"\(\s*{word}s?\s*\)|\b{word}s? \(", text):
            continue  # expanded in the sentence: "Executive Leadership Team (ELT)"
        return True
    return False


# a financial statement's prior-year aside ("$1,000,000 (2018: $1,000,000)"): a note's wording,
# which reviewers found unedited in a narrative
_PRIOR_ASIDE = re.compile(r"\((?:FY\s?)?(?:19|20)\d\d\s?:\s")


def _headline(c: Candidate, company: str = "") -> bool:
    """Whether a report sentence is headline substance: on an ESG subject, not about the report,
    and a figure, an achieved result or board-level oversight rather than a statement of values.

    Reviews of the narrative failed value statements ("believes all hazards can be avoided"),
    process descriptions ("processes and information channels are continuously optimised") and
    report meta-text far more often than sentences with a figure or a result.
    """
    text = _SUSTAINED.sub("", c.text)
    if (_META.search(text) or not _ESG_SUBJECT.search(text) or _FUTURE.search(text)
            or re.search(r"\b(?:believes?|strives?|aspires?|hopes?)\b", text)
            or _ANAPHORIC.search(text) or _unexplained(text, company) or _PRIOR_ASIDE.search(text)):
        return False  # (plans are the targets' section: "will continue to use its position …")
    unnamed = text.replace(company, "") if company else text  # "3M" or "A2A" holds no figure
    return (c.quantified or c.achievement or _BOARD_ESG.search(text) is not None
            or _COUNT.search(unnamed) is not None)


def resolve_language(lang: str, doc: Document) -> str:
    """The overview's language: ``lang`` itself, or for "auto" the report's when supported."""
    if lang == "auto":
        return doc.language if doc.language in LANGUAGES else "en"
    return lang if lang in LANGUAGES else "en"


def _sentence(c: Candidate, paragraph: int = 0) -> Sentence:
    return Sentence(text=c.text, citations=(Citation(page=c.page, quote=c.quote),),
                    paragraph=paragraph)


def _in_pillar(pillar: str, strict: bool = True) -> Callable[[Candidate], bool]:
    """A filter for candidates of one ESG pillar (``strict``: only on-target ones)."""
    return lambda c: c.pillar == pillar and (c.on_target or not strict)


def _identity(picker: Picker) -> list[Candidate]:
    """The sentence saying who the company is and what it does, earliest pages first."""
    ids = sorted((c for c in picker.ranked if c.identity), key=lambda c: (c.page, -c.score))
    if ids:
        picker.used.append(ids[0])
        picker.texts.append(ids[0].words)
        return ids[:1]
    return []


def _fallback(doc: Document, company: str) -> Sentence | None:
    """A template naming the company and the report's cover title, cited to the cover."""
    title = report_title(doc)
    if not title or not doc.pages:
        return None
    text = fill(wording()[0]["opening"]["fallback"], company=company, title=title)
    return Sentence(text, (Citation(doc.pages[0].number, title),))


_CORE_SOCIAL = frozenset(("workforce", "diversity_inclusion", "health_safety", "training", "human_rights",
                          "community"))


def _results(picker: Picker, n: int, company: str, figures: bool) -> list[Candidate]:
    """The company's own quantified environmental results (not its plans), best first
    (``figures``: whether the extracted figures are already told)."""
    def result(c: Candidate) -> bool:  # "with a 37.4% cut … it exceeded its 2025 target": a result
        return ((c.quantified or _PERCENT.search(c.text) is not None) and c.achievement and c.about
                and _headline(c, company)  # (which also keeps out plans: "will", "plans to")
                and c.on_target and c.subject == "company")

    # emission results first: the headline result is the one against the climate targets
    got = picker.pick(n, lambda c: c.pillar == "E" and result(c) and CLIMATE_WORDS.search(c.text) is not None)
    got += picker.pick(n - len(got), lambda c: c.pillar == "E" and result(c))
    # a figure that is no result ("an additional 0.4 Mt … attributed to …") is a detail where
    # the report's own headline figures are told
    return got + picker.pick(n - len(got), lambda c: c.pillar == "E" and c.quantified
                             and (c.achievement or not figures)
                             and c.about and c.on_target and _headline(c, company))


def _block(picker: Picker, sentences: Sequence[Sentence]) -> None:
    for s in sentences:
        picker.block(s.text)


def _overview(
    doc: Document, passages: Sequence[Passage], picker: Picker, company: str,
    headline: Sentence | None, metrics: Sequence[Metric], targets: Sequence[Target],
    gaps: Sequence[Gap],
) -> list[Sentence]:
    """Five paragraphs: who; climate and environment; social; governance; the closing note."""
    series = series_by_metric(metrics)
    who = [_sentence(c, 0) for c in _identity(picker)]
    size = workforce_fact(series, doc, company, "en", 0)
    # the report's statement of its own scope only when nothing else says who reports: on its
    # own it is a sentence about the document, not about the company
    # (the report's statement of its own scope is left out: reviewers read "Acme's report details
    # its activities during 2019" as boilerplate about the document)
    head = numbers_in(size.text) - numbers_in(series["employees"][0].period) if size else set()
    if size is not None and not any(head <= numbers_in(s.text) for s in who):
        who.append(size)  # unless the opening already says how many work there
    _block(picker, who)

    env = [replace(headline, paragraph=1)] if headline is not None else [
        _sentence(c, 1) for c in picker.pick(
            1, lambda c: c.commitment and c.pillar == "E" and c.subject == "company"
            and (_headline(c, company) or _DATED.search(c.text) is not None))]
    if headline is not None and "% reduction" not in headline.text:
        # beside a net-zero pledge, the main dated reduction target
        listed = target_sentences(targets, doc, company)
        # the main one: of the whole footprint ("from its … ores", "from … activities": a part),
        # Scopes 1 and 2 before Scope 3
        cuts = sorted((s for s in listed[1:] if "% reduction" in s.text),
                      key=lambda s: (" from its " in s.text or " activities " in s.text,
                                     "Scopes 1 and 2" not in s.text))
        env += [replace(s, paragraph=1) for s in cuts[:1]]
    # (no "progress against the target" sentence: the base-year figure found beside a target is
    # too often on another boundary or an old method for the arithmetic to hold)
    figures = environment_facts(series, doc, "en", 1)
    env += figures
    # (the figures, not the targets: "with a 41.2% cut … it exceeded its 2025 target of 35%" is
    # the progress against the target the report itself states)
    _block(picker, figures)
    env += [_sentence(c, 1) for c in _results(picker, 1 if figures else 2, company, bool(figures))]

    social = social_facts(series, doc, "en", 2, frozenset({"employees"}) if size else frozenset())
    _block(picker, social)
    # the headline narrative quotes only sentences whose subject is the company (or its board):
    # "graduates are offered …" or "the actions undertaken …" need the page around them
    staff = {f"{series['employees'][0].value:g}"} if size and "employees" in series else set()

    def social_result(c: Candidate) -> bool:  # (not the headcount told again: "… by 327,000 people")
        return (c.pillar == "S" and c.on_target and c.subject == "company" and _headline(c, company)
                and (c.achievement or c.quantified) and not numbers_in(c.text) & staff)

    # the people the company employs and the communities around it first: a supplier count or a
    # customer programme is a detail beside safety or diversity
    told = _sentence_list(picker.pick(1, lambda c: social_result(c) and c.topic in _CORE_SOCIAL
                                      and not SECURITY.search(c.text)), 2)  # (data security)
    if not told and len(social) < 2:  # (two figures say more than another topic's detail)
        told = _sentence_list(picker.pick(1, social_result) or picker.pick(
            1 if social else 2, lambda c: c.pillar == "S" and c.on_target and c.subject == "company"
            and _headline(c, company)), 2)
    social += told

    gov = picker.pick(1, lambda c: c.pillar == "G" and c.on_target and _headline(c, company)
                      and _OVERSIGHT.search(_SUSTAINED.sub("", c.text)) is not None
                      and _ESG_GOVERNANCE.search(_SUSTAINED.sub("", c.text)) is not None)
    # the headline governance is that of sustainability, ethics and compliance, not a board's
    # generic duties or a pay-plan footnote
    gov += picker.pick(2 - len(gov), lambda c: c.pillar == "G" and c.about and c.on_target
                       and c.subject == "company" and _headline(c, company)
                       and _ESG_GOVERNANCE.search(_SUSTAINED.sub("", c.text)) is not None)
    governance = _sentence_list(gov, 3)

    out = who + env + social + governance
    if len(out) < 3:  # a thin report: fill with its most salient remaining sentences
        out += _sentence_list(picker.pick(3 - len(out), lambda c: c.on_target and _headline(c, company)), 3)
    if out:  # what the report lacks is said in "Data gaps", not in the narrative
        return out
    # last resort: a sentence about the report and where its disclosure is thin
    close = closing_sentence(series, gaps, doc, company, "en", 4)
    fallback = _fallback(doc, company)
    return [s for s in (fallback, close) if s is not None]


def _sentence_list(cands: Sequence[Candidate], paragraph: int) -> list[Sentence]:
    return [_sentence(c, paragraph) for c in cands]


def compose_overview(
    doc: Document,
    passages: Sequence[Passage] = (),
    metrics: Sequence[Metric] = (),
    targets: Sequence[Target] = (),
    claims: Sequence[Claim] = (),
    *,
    company: str | None = None,
    gaps: Sequence[Gap] | None = None,
    lang: str = "auto",
    candidates: Sequence[Candidate] | None = None,
) -> Overview:
    """Compose the cited overview; every section of ``SECTIONS`` is present, in order.

    ``passages`` default to the document's own (segmented and classified here when not given or
    unclassified); ``gaps`` are ``Analysis.not_disclosed`` (found here when
    not given); ``lang`` is "en", "zh" or "auto" (see ``resolve_language``); ``candidates`` are
    ``select.candidates(doc, passages, company)`` when already computed (``analyze`` finds them
    while the extraction runs beside it). Every returned sentence passes ``verify_sentence``
    against ``doc``.
    """
    company = company or detect_company(doc)
    if gaps is None:
        from ..extract import find_gaps

        gaps = find_gaps(doc, tuple(metrics))
    if not passages:
        from ..segment import segment_document

        passages = segment_document(doc)
    if not any(p.topics for p in passages):
        passages = classify_passages(passages)
    metrics = _not_future(metrics, doc)
    if resolve_language(lang, doc) == "zh":
        from .zh import compose_zh

        sections = compose_zh(doc, company, metrics, targets, claims, gaps)
        return _finish(_fill_pillars(sections, doc, passages, "zh", metrics), doc)
    picker = Picker(list(candidates) if candidates is not None
                    else find_candidates(doc, passages, company))
    headline = headline_target(targets, doc, company)
    if headline is not None and not verify_sentence(headline, doc):
        headline = None
    sections = {"ESG_overview": _overview(doc, passages, picker, company, headline, metrics,
                                          targets, gaps)}
    for pillar, header in PILLAR_SECTION.items():
        # Governance leads with who oversees sustainability (board, committees), when stated
        got = picker.pick(2, lambda c: c.pillar == "G" and c.on_target
                          and _OVERSIGHT.search(c.text) is not None) if pillar == "G" else []
        got += picker.pick(SECTION_SIZE - len(got), _in_pillar(pillar))
        if len(got) < 2:  # never leave a pillar empty: relax the on-target rule
            got += picker.pick(2 - len(got), _in_pillar(pillar, strict=False))
        sections[header] = [_sentence(c) for c in sorted(got, key=lambda c: c.page)]
    sections["Key metrics"] = metric_sentences(metrics, doc)
    sections["Targets and commitments"] = target_sentences(targets, doc, company)
    sections["Data gaps"] = gap_sentences(gaps, doc, "en")
    sections["Claims to watch"] = claim_sentences(claims, doc, company) or _no_claims(doc)
    return _finish(_fill_pillars(sections, doc, passages, "en", metrics), doc)


def _not_future(metrics: Sequence[Metric], doc: Document) -> list[Metric]:
    """Metrics without values dated after the reporting period: a figure "for 2025" in a 2020
    report is a target or a forecast, not a result (a year's slack for fiscal years that end in
    the next calendar year)."""
    period = detect_period(doc)
    if period is None or not period[:4].isdigit():
        return list(metrics)
    last = int(period[:4]) + 1
    return [m for m in metrics if not (m.period[:4].isdigit() and int(m.period[:4]) > last)]


def _no_claims(doc: Document) -> list[Sentence]:
    """"Claims to watch" with nothing flagged says so, cited to the report's cover."""
    if not doc.pages:
        return []
    cover = Citation(doc.pages[0].number, re.sub(r"\s+", " ", doc.pages[0].text)[:200])
    return [Sentence(wording()[0]["claims_none"], (cover,))]


def _fill_pillars(sections: dict[str, list[Sentence]], doc: Document, passages: Sequence[Passage],
                  lang: str, metrics: Sequence[Metric] = ()) -> dict[str, list[Sentence]]:
    """A pillar section with nothing to quote says so, as a cited fact about the report: the
    figures it gives on that pillar when there are some, else where it discusses the pillar."""
    for pillar, header in PILLAR_SECTION.items():
        if not any(verify_sentence(s, doc) for s in sections.get(header, [])):
            note = figures_note(pillar, doc, metrics, lang) or pillar_note(pillar, doc, passages, lang)
            sections[header] = [note] if note is not None else []
    return sections


def _finish(sections: dict[str, list[Sentence]], doc: Document) -> Overview:
    """Every section in order, without repeated or unverified sentences."""
    out = []
    seen: set[str] = set()
    for header in SECTIONS:
        kept = []
        if header not in NARRATIVE:  # a list section is complete even when the prose repeats it
            seen = set()
        for s in sections.get(header, []):
            norm = re.sub(r"\W+", " ", s.text.lower())
            if norm not in seen and verify_sentence(s, doc):
                seen.add(norm)
                kept.append(s)
        out.append(Section(header=header, sentences=tuple(kept)))
    return Overview(sections=tuple(out), mode="extractive")
