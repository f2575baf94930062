"""Sentence quality: is a report sentence well formed, free of boilerplate and about the company?

Report text arrives through PDF layout analysis, so a "sentence" may be table cells run together,
a heading glued to a paragraph, or two sentences merged by a missed split. ``is_prose`` accepts
only complete English sentences (shape, a finite verb, enough function words, no stray dashes or
all-caps runs) that are not boilerplate (``data/boilerplate.yaml``). ``subject_kind`` tells
whether a sentence's grammatical subject is the reporting company, another organisation or a
common noun, so that policy context and other organisations' news stay out of the overview.
"""

from __future__ import annotations

import re
from typing import Literal

from ..model import Document
from .phrasing import CLAUSE_OPENERS, FUNCTION_WORDS, grammar_words, per_document, wording

__all__ = ["has_finite_verb", "is_boilerplate", "is_dangling", "is_first_person_singular",
           "is_statements_page", "accounts_pages",
           "is_off_topic", "is_prose", "is_shaped", "is_well_formed", "mentions_company", "subject_kind",
           "why_malformed"]

SubjectKind = Literal["company", "affiliate", "other", "none"]

AUXILIARIES = grammar_words("auxiliaries")
_IRREGULAR_PAST = grammar_words("irregular_past")
# words that open an adverbial phrase before the subject ("In 2023, Acme ...")
_LEAD = grammar_words("lead")
# governance bodies and self-references that stand for the reporting company as a subject
_SELF = grammar_words("self")
_SELF_HEADS = grammar_words("self_heads")
_SELF_REF = re.compile(
    r"\b(?:it|its|itself|the (?:group|company|reit|board|business|organi[sz]ation|trust))\b", re.I
)
_START = re.compile(r"[“\"‘(]?[A-Z]")
_GLUED = re.compile(r"[a-z][A-Z][a-z]")
_DIGIT_WORD = re.compile(r"\S*\d\S*")
# two dots, digits split by a space ("201 9", a footnote "41" before "8.7"), a mid-sentence list,
# adjacent or typographic-minus dashes ("based on − − Suppliers"), "(%)" column headers
_DEBRIS = re.compile(
    r"\.\s*\.|(?<![\d,.])\d+ \d(?!\d{2}\b)|\s[–-] [A-Z]|:\s{2,}|[−–—-]\s+[−–—-]|(?:^|\s)−\s|"
    r"\(%\)|\betc\.\s+[A-Z]|\d \.\d|[a-z]- [A-Z]"
)
_PARENS = re.compile(r"\([^()]*\)")
_LABEL_HEADS = frozenset({"total", "number", "share", "proportion", "percentage", "ratio"})
# sentence openers that cannot follow a lower-case function word mid-sentence
_SPLICE_WORDS = frozenset({"however", "moreover", "furthermore", "therefore", "although", "whereas"})
_CAPS_RUN = re.compile(r"\b[A-Z]{2,}(?:\s+(?:[A-Z]{2,}|AND|OF|&))+\b")
_ABBREV = grammar_words("abbrev")
_IMPERATIVES = grammar_words("imperatives")
_SCOPE_WORDS = grammar_words("scope_words")
# words that open section headings; capitalised mid-sentence they mark a glued heading
_COMMON_HEADS = grammar_words("heading_words")


def is_prose(text: str, shaped: bool = False) -> bool:
    """A complete, self-standing report sentence: no furniture, boilerplate or table debris.

    ``shaped`` says ``is_shaped(text)`` is already known to hold (it is not tested again).
    """
    return ((shaped or is_shaped(text)) and is_well_formed(text)
            and not is_first_person_singular(text) and not is_boilerplate(text))


_I = re.compile(r"(?<![\w.])I\s+(?!and\b|or\b|to\b)[a-z]")


def is_off_topic(text: str) -> bool:
    """Product marketing, market or competition commentary, financial results or guidance."""
    return wording()[1]["offtopic_re"].search(text) is not None


_STATEMENT_TITLES = (r"notes to the (?:consolidated )?financial statements|consolidated (?:balance "
                     r"sheets?|statements? of (?:financial position|income|cash flows?|"
                     r"comprehensive income))")
_STATEMENTS_PAGE = re.compile(  # an English statement's title opens a line ("see the Notes to …" does not)
    rf"(?m:^[ \t]*(?:{_STATEMENT_TITLES}))|"
    r"合并资产负债表|合併資產負債表|合并利润表|合併損益表|母公司利润表|母公司资产负债表|现金流量表|現金流量表|所有者权益变动表|"
    r"财务报表附注|財務報表附註|利润表\s*\n|资产负债表\s*\n", re.I)


# the same titles in a page's running head, where the text layer may put them mid-line
_STATEMENTS_TITLE = re.compile(_STATEMENT_TITLES, re.I)


_LINE_ITEMS = re.compile(r"税金及附加|營業成本|营业成本|应付职工薪酬|應付職工薪酬|递延所得税|遞延所得稅|"
                         r"营业外收入|營業外收入|其他综合收益|其他綜合收益|少数股东|少數股東|未分配利润|"
                         r"未分配利潤|流动资产合计|流動資產合計|非流动资产|非流動資產|资产总计|資產總計|"
                         r"长期股权投资|長期股權投資|"
                         r"retained earnings|deferred tax (?:assets|liabilities)|non-controlling interests?")


# the auditor's report on the financial statements: the accounts follow it
_AUDIT_OPINION = re.compile(r"independent auditor[’']?s[’']? report|report of independent registered "
                            r"public accounting firm|形成审计意见的基础|形成審計意見的基礎|"
                            r"我们审计了|我們審計了", re.I)


_OPINION_WORDING = re.compile(r"in our opinion|we have audited|basis for (?:our )?opinion|"
                              r"我们认为|我們認為|我们审计了|我們審計了|审计意见|審計意見", re.I)


def accounts_pages(doc: Document) -> set[int]:
    """Pages of the financial statements: each statement or notes page, and every page after the
    auditor's opinion on them when it is not among the last pages (an annual report's back half)."""
    return set(_accounts(doc))


@per_document  # asked by the candidates and by each empty pillar's note
def _accounts(doc: Document) -> frozenset[int]:
    pages = {p.number for p in doc.pages if is_statements_page(p.text)}
    # the report itself, not a contents line naming it: its heading and its opinion wording
    # …and on the financial statements: the first of them follows within a few pages
    opinion = next((p.number for p in doc.pages if _AUDIT_OPINION.search(p.text)
                    and _OPINION_WORDING.search(p.text)
                    and any(p.number < q <= p.number + 4 for q in pages)), None)
    if opinion is not None and doc.pages and doc.pages[-1].number - opinion >= 10:
        pages |= {p.number for p in doc.pages if p.number >= opinion}
    return frozenset(pages)


def is_statements_page(text: str) -> bool:
    """A page of the financial statements or their notes: accounts, not ESG substance (its
    "energy prices", "employee benefits" and "biological assets" are accounting lines)."""
    if _STATEMENTS_PAGE.search(text) is not None or _STATEMENTS_TITLE.search(text[:160]):
        return True
    return len(set(_LINE_ITEMS.findall(text))) >= 3  # a statement page whose title is on the last one


def is_first_person_singular(text: str) -> bool:
    """True for an author's own voice ("In December, I attended ..."): not the company's record."""
    return _I.search(text) is not None


def is_boilerplate(text: str) -> bool:
    """Disclaimers, talk about the document, printer credits, assurance wording (by pattern)."""
    return wording()[1]["reject_re"].search(text.lower()) is not None


def is_shaped(text: str) -> bool:
    """Sentence shape (the cheap test): capital start, full stop, 8-60 words, not mostly digits
    or capitals, no table separators."""
    words = text.split()
    if not 8 <= len(words) <= 60 or not _START.match(text):
        return False
    if not text.endswith(".") or text.endswith(("..", "e.g.", "i.e.", "etc.")):
        return False
    if any(ch in text for ch in ("|", "…", "__", "\t", "•")) or _DEBRIS.search(text):
        return False
    if text.count("(") != text.count(")") or text.count("“") != text.count("”"):
        return False
    digits = len(_DIGIT_WORD.findall(text))
    caps = sum(w.isupper() and len(w) > 1 for w in words)
    if digits > 0.4 * len(words) or caps > 0.3 * len(words):
        return False
    if any(len(w) > 30 for w in words) or _GLUED.search(text.replace("Mc", "")):
        return False
    return sum(w[0].isupper() for w in words[1:]) <= 0.4 * len(words)  # else a heading


def _bare(word: str) -> str:
    return word.strip("“”\"‘’'(),;:.").lower()


# word pairs English grammar does not allow, which a line of another column leaves behind: two
# auxiliaries, a preposition or article before an auxiliary, two articles, "according" without "to"
_SPLICED = re.compile(
    r"\b(?:is|are|was|were|has|have|had) (?:is|are|was|were)\b|"
    r"\b(?:of|to|for|with|in|on|by|the|a|an) (?:was|were|is|are|has)\b|"
    r"\b(?:[Tt]he|[Aa]n?) (?:the|a|an)\b|\baccording (?!to\b)")

# a result line that starts with its verb ("Began construction of …", "Reduced the …")
_SUBJECTLESS = re.compile(r"(?:[A-Z][a-z]{2,}ed|Began|Built|Won|Set|Led|Took|Grew|Held|Sold|Became) "
                          r"(?:construction of|the|a|an|its|our|\d)\b")
# a footnote's marker and its definition run into the sentence: "regulations 1 XYZ is a …"
# ("Scope 1 GHG is", "Category 3 Fuel …" name a scope or category and are not footnotes)
_FOOTNOTE = re.compile(r"\b(?!(?:scopes?|category|categories|tier|level|phase|stage|step|group|"
                       r"unit|line|plant|block|site|zone|class|grade)\b)[a-z]{3,}[,;]? [1-9] "
                       r"[A-Z][\w-]* (?:is|are|was|were|refers? to|means|includes?)\b")


_BEFORE_VERB = frozenset(("it", "we", "they", "he", "she", "has", "have", "had", "is", "are", "was", "were",
                          "be", "been", "also", "and", "then", "which", "who", "that"))


def why_malformed(text: str) -> str | None:
    """The first reason the text is not a well-formed sentence, or None (for tests and tuning)."""
    words = text.split()
    if not words:
        return "empty"
    bare = [_bare(w) for w in words]
    if sum(b in FUNCTION_WORDS for b in bare) < 0.2 * len(words):
        return "few function words"
    caps = _CAPS_RUN.search(text)
    if caps and any(len(w) >= 5 for w in caps.group().split()):
        return "all-caps run"
    for m in re.finditer(r"(\S+)\.\s+([a-z])", text):
        if _bare(m.group(1)).rstrip(".") not in _ABBREV and not re.search(r"\d$", m.group(1)):
            return "lower case after a full stop"
    if re.search(r"\b(?:by|in) (?:19|20)\d\d [A-Z][\w&]+ (?:has|have|is|are|was|were|had)\b", text):
        return "heading run into a sentence"  # "… by 2035 Acme has seen a 14% reduction"
    for m in re.finditer(r"\b([a-z]{3,}|(?:19|20)\d\d)\.\s+[A-Z][a-z]", text):
        if m.group(1) not in _ABBREV:
            return "two sentences run together"
    for prev, word in zip(words, words[1:], strict=False):
        if (word in CLAUSE_OPENERS and re.fullmatch(r"[A-Za-z’'-]+", prev)
                and prev.lower() not in FUNCTION_WORDS):
            return "heading glued mid-sentence"
        if (prev in FUNCTION_WORDS and word[:1].isupper() and word[1:].islower()
                and (_bare(word) in FUNCTION_WORDS or _bare(word) in _SPLICE_WORDS)):
            return "two text columns spliced"  # "a Most of the …", "use of other However, …"
    if "[" in text or text.startswith("("):
        return "a bracketed insert or heading"  # "[T41] Workplace accidents", "(Compliance risks) …"
    if _SPLICED.search(text):
        return "two text columns spliced"  # "testing was is", "the implementation of was", "The a"
    for m in re.finditer(r"\b([a-z]+) ([A-Z][a-z]{3,}(?:ed|ing))\b", text):
        # a verb form after a subject or an auxiliary; not a name after a preposition ("for
        # Lockheed Martin", "with Boeing")
        if m.group(1) in _BEFORE_VERB:
            return "two text columns spliced"  # "In 2023, it Revised risk management …"
    if _SUBJECTLESS.match(text):
        return "no subject"  # "Began construction of Acme's first net zero centre": a list item
    if re.search(r"\bwhich (?:including|being|having)\b", text):
        return "relative clause without a verb"  # "a group which including … is represented"
    if _FOOTNOTE.search(text):
        return "footnote text spliced in"  # "… laws, regulations 1 XYZ is a drilling …"
    if re.search(r"\w-ing[a-z]{3,}\b", text):
        return "words fused across a line break"  # "best-ingiven" (best-in-class + given)
    if re.search(r"\b(?:has|have|had) made (?:with|to|for|in|on|by)\b", text):
        return "verb missing its object"  # "has made with respect to": the object was dropped
    for prev, word, nxt in zip(words, words[1:], words[2:], strict=False):
        if (re.fullmatch(r"[a-z]{4,}", prev) and prev not in FUNCTION_WORDS
                and re.fullmatch(r"[A-Z][a-z]{3,}", word) and re.fullmatch(r"[a-z]{4,}", nxt)
                and nxt not in FUNCTION_WORDS and word.lower() in _COMMON_HEADS):
            return "heading glued mid-sentence"  # "Advocacy strategy Climate change ..."
    tail = re.search(r"(\S+) \d{1,2}\.$", text)
    if tail and tail.group(1)[:1].isupper() and _bare(tail.group(1)) not in _SCOPE_WORDS:
        return "trailing page or note number"
    doubled = re.search(r"\b([A-Za-z]{2,})\s+\1\b", text, re.I)
    if doubled and doubled.group(1).lower() not in ("had", "that"):
        return "doubled word"  # two columns run together ("base year emissions emissions from")
    grams = [" ".join(bare[i : i + 4]) for i in range(len(bare) - 3)]
    if len(grams) != len(set(grams)):
        return "repeated words"
    if not has_finite_verb(words) or not has_finite_verb(_PARENS.sub(" ", text).split()):
        return "no finite verb"  # one inside brackets ("(includes biomass)") does not count
    if (words[0][:1].isupper() and bare[0].endswith("s") and not bare[0].endswith("ss")
            and len(bare) > 1 and bare[1] in ("with", "the", "a", "an", "all")
            and not any(b in AUXILIARIES for b in bare)):
        return "no subject"  # "Partners with the Chief Diversity Officer to …": a charter line
    if (bare[0] in _IMPERATIVES and words[0][:1].isupper() and len(bare) > 1
            and bare[1] not in FUNCTION_WORDS - {"a", "an", "the", "our", "its", "their", "all", "to",
                                                  "with"}):
        return "an imperative: a goal or to-do line"  # "Reduce our use of virgin plastic by …"
    if bare[0] in _LABEL_HEADS and not any(b in AUXILIARIES or b in _IRREGULAR_PAST
                                           or b.endswith("ed") for b in bare[1:]):
        return "a table label, not a sentence"  # "Total number of Group employees as at …"
    if bare[0].endswith("ed") and "," not in " ".join(words[:8]):
        return "fragment opening with a participle"
    return None


def is_well_formed(text: str) -> bool:
    """True when ``why_malformed`` finds nothing wrong."""
    return why_malformed(text) is None


def has_finite_verb(words: list[str]) -> bool:
    """True when a word looks like a finite verb: an auxiliary, a past form or a 3rd-person -s."""
    prev = ""
    for i, w in enumerate(words):
        b = _bare(w)
        if b in AUXILIARIES or b in _IRREGULAR_PAST:
            return True
        if i and len(b) > 4 and b.endswith("ed") and w.islower():
            return True
        if (i and w.isalpha() and w.islower() and b.endswith("s")
                and not b.endswith(("ss", "us", "is", "ics", "ous"))
                and (prev[:1].isupper() and not prev.endswith(("’s", "'s", "’"))
                     or _bare(prev) in ("it", "which", "that", "who", "also"))):
            return True
        prev = w
    return False


def is_dangling(text: str) -> bool:
    """True when the sentence leans on what came before it: it opens by pointing at something it
    does not contain ("This ...", "Altogether, ..."), or refers back ("against these risks")."""
    first = re.sub(r"[^a-z]", "", text.split()[0].lower()) if text else ""
    if first in set(wording()[1]["dangling_openers"]):
        return True
    return wording()[1]["anaphora_re"].search(text.lower()) is not None


def company_aliases(company: str) -> tuple[str, ...]:
    """Spellings that name the company: the full name and a distinctive first word ("Acme")."""
    names = [company]
    first = company.split()[0] if company.split() else ""
    if len(company.split()) > 1 and len(first) >= 4 and first[0].isupper():
        names.append(first)
    return tuple(names)


def company_names(company: str) -> tuple[str, ...]:
    """``company_aliases`` and a short capitalised first word ("ACME" of "ACME Aero Works"): the
    names a possessive ("ACME's footprint") or a glued heading ("… prevention ACME strives") use."""
    first = company.split()[0] if company.split() else ""
    short = (first,) if len(first) >= 3 and first[0].isupper() else ()
    return tuple(dict.fromkeys(company_aliases(company) + short))


def mentions_company(text: str, company: str) -> bool:
    """True when the sentence names the company or refers back to it ("its", "the Group")."""
    if any(re.search(rf"\b{re.escape(n)}\b", text) for n in company_aliases(company)):
        return True
    return _SELF_REF.search(text) is not None


def subject_kind(text: str, company: str) -> SubjectKind:
    """Who the main clause is about: the company, an affiliate of it ("Acme Foundation"),
    another named organisation ("The Inflation Reduction Act"), or no proper noun ("none")."""
    words = text.split()
    start = 0
    if words and _bare(words[0]) in _LEAD:
        for i, w in enumerate(words[:18]):
            if w.endswith(",") and i + 1 < len(words) and _bare(words[i + 1]) not in _LEAD:
                start = i + 1  # the first comma that is not followed by another lead phrase
                break
    rest = words[start:]
    if rest and _bare(rest[0]) in ("our", "we", "its", "it"):
        return "company"
    if rest and _bare(rest[0]) == "the":
        rest = rest[1:]
    run: list[str] = []
    for i, w in enumerate(rest[:8]):
        word = w.strip("“”\"‘(),;:.")
        if word[:1].isupper():
            run.append(word)
            if w.endswith((",", ";", ":")) or re.search(r"[’']s?$", word):
                break
        elif word in ("of", "and", "for", "on", "&") and rest[i + 1 : i + 2] and rest[
            i + 1
        ][:1].isupper():
            run.append(word)
        else:
            break
    if not run:
        return "none"
    name = " ".join(run)
    plain = re.sub(r"[’']s?$", "", name)
    for alias in company_aliases(company):
        if plain == alias or plain.startswith(alias + " ") and all(
            _bare(w) in _SELF or _bare(w) in wording()[1]["legal_suffixes"]
            for w in plain[len(alias):].split()
        ):
            return "company"
        if plain.startswith(alias + " "):
            return "affiliate"
    if _bare(plain.split()[-1]) in _SELF_HEADS and all(
            _bare(w) in _SELF or _bare(w) in ("of", "and", "the") for w in plain.split()):
        return "company"
    if re.search(r"\b(?:Committee|Council)(?: [A-Z]{2,6})?$", plain) and re.search(
            r"\b(?:of|to) (?:our|the|its) (?:\w+ )?Board\b", text):
        return "company"  # "The Nominating … Committee (NCGC) of our Board": its own board's
    if len(run) == 1 and not run[0].isupper() and start == 0:
        return "none"  # a common noun capitalised only because it opens the sentence
    if len(run) == 1 and not run[0].isupper() and len(run[0]) > 1 and run[0][1:].islower():
        return "none"
    return "other"
