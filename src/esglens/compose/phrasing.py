"""Sentence wording: the wording data, number grounding, cleaning and third-person rewriting.

``verify_sentence`` is the grounding rule of the overview: every number a sentence prints must be
printed on a page it cites (numbers are compared after normalising "1,234" == "1234" and
"2.50" == "2.5"). ``clean_sentence`` removes PDF debris (bullets, footnote marks, hyphenation,
headings glued to the front) and ``third_person`` turns the company's "we" into its name. Wording
lives in ``data/templates.yaml`` and ``data/boilerplate.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache, wraps
from importlib import resources
from typing import Any, TypeVar

import yaml

from ..hyphenation import keeps_hyphen
from ..model import Document, Sentence

__all__ = ["EU_NUMERAL", "clean_sentence", "cue_score", "english_figures", "english_numeral",
           "grammar_words", "numbers_in",
           "page_numbers", "per_document", "possessive", "third_person", "verify_sentence", "wording"]


@lru_cache(maxsize=1)
def wording() -> tuple[dict[str, Any], dict[str, Any]]:
    """(templates.yaml, boilerplate.yaml) with the boilerplate patterns compiled once."""
    files = resources.files("esglens.data")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: 10x faster
    tpl = yaml.load(files.joinpath("templates.yaml").read_text("utf-8"), Loader=loader)
    bp = yaml.load(files.joinpath("boilerplate.yaml").read_text("utf-8"), Loader=loader)
    bp["reject_re"] = re.compile("|".join(f"(?:{p})" for p in bp["reject"]))  # on lower()
    bp["anaphora_re"] = re.compile("|".join(f"(?:{p})" for p in bp["anaphora"]))  # on lower()
    bp["offtopic_re"] = re.compile("|".join(f"(?:{p})" for p in bp["offtopic"]), re.I)
    tpl["cues_re"] = {k: (re.compile(v["pattern"], re.I), float(v["weight"]))
                      for k, v in tpl["cues"].items()}
    return tpl, bp


# --------------------------------------------------------------------------- numbers

_NUMBER = re.compile(r"\d[\d,.]*")


def _canonical(num: str) -> str:
    num = num.rstrip(".,")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", num):
        num = num.replace(",", "")
    if re.fullmatch(r"\d+\.\d+", num):
        num = num.rstrip("0").rstrip(".")
    return num.lstrip("0") or "0"


# "Scope 1", "Scopes 1 and 2", "Scope 3 category 11": names of GHG Protocol categories, not figures
_SCOPE_NAME = re.compile(
    r"\b(?:[Ss]copes?|[Cc]ategor(?:y|ies))\s+\d{1,2}(?:\s*(?:,|and|&|\+|/|-|–)\s*\d{1,2}\b)*")


def numbers_in(text: str) -> set[str]:
    """Numbers printed in ``text``, normalised so "1,234" == "1234" and "2.50" == "2.5".

    The digits of a GHG Protocol category name ("Scope 3", "Scopes 1 and 2") are not figures and
    are left out."""
    out = set()
    text = _SCOPE_NAME.sub(" ", text)
    for m in _NUMBER.finditer(text):
        raw = m.group().rstrip(".,")
        out.add(_canonical(raw))
        if "," in raw and not re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
            out.update(_canonical(part) for part in raw.split(","))  # lists like "1,2"
    return out


_PAGE_NUMBERS: dict[tuple[str, int], set[str]] = {}


def page_numbers(doc: Document, page: int) -> set[str]:
    """Numbers on a 1-based PDF page of ``doc`` (cached per document hash and page)."""
    key = (doc.sha256 + doc.path, page)
    if key not in _PAGE_NUMBERS:
        if len(_PAGE_NUMBERS) > 5000:
            _PAGE_NUMBERS.clear()
        text = doc.page(page).text
        found = numbers_in(text)
        if _decimal_comma(doc):  # "1.843,3" is printed; the overview writes it "1,843.3"
            found |= {_canonical(english_numeral(n)) for n in _EU_NUMBERS.findall(text)}
        _PAGE_NUMBERS[key] = found
    return _PAGE_NUMBERS[key]


# a decimal-comma figure in running text, unambiguous ("1.843,3") or before a unit ("75,8 %")
_EU_FIGURE = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+,\d+|\d+,\d{1,2}(?=\s?(?:%|per ?cent|t\b|tons?\b|"
                        r"tonnes?\b|MWh|GWh|kWh|GJ|m3|m³|km|hours?)))(?![\d.,])")


def english_figures(text: str, doc: Document) -> str:
    """A quoted sentence of a decimal-comma report with its figures in English notation
    ("1.843,3 tons" -> "1,843.3 tons"); ``verify_sentence`` accepts both notations."""
    if not _decimal_comma(doc):
        return text

    return _EU_FIGURE.sub(lambda m: english_numeral(m.group(1)), text)


def english_numeral(numeral: str) -> str:
    """A decimal-comma numeral in English notation: "1.843,3" -> "1,843.3", "31,0" -> "31.0"."""
    whole, _, frac = numeral.partition(",")
    return f"{float(whole.replace('.', '') + ('.' + frac if frac else '')):,.{len(frac)}f}"


EU_NUMERAL = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+"  # "1.843,3", "261.385", "31,0"
_EU_NUMBERS = re.compile(rf"(?<![\d.,])(?:{EU_NUMERAL})(?![\d.,])")

R = TypeVar("R")


def per_document(fn: Callable[[Document], R]) -> Callable[[Document], R]:
    """``fn(doc)`` computed once per document (its hash, path and page count): the overview asks
    the same whole-document questions from several places. Bounded: a batch holds few at once."""
    store: dict[tuple[str, str, int], R] = {}

    @wraps(fn)
    def cached(doc: Document) -> R:
        key = (doc.sha256, doc.path, len(doc.pages))
        if key not in store:
            if len(store) > 256:
                store.clear()
            store[key] = fn(doc)
        return store[key]

    return cached


@per_document
def _decimal_comma(doc: Document) -> bool:
    """True when the report writes decimal commas (its figures are German or French style)."""
    from ..extract.quantity import number_locale

    return number_locale([p.text for p in doc.pages]) == "eu"


def verify_sentence(sentence: Sentence, doc: Document) -> bool:
    """True when the sentence is cited and every number in it is printed on a cited page,
    except the ones it declares ``computed`` (calculated from figures on those pages)."""
    if not sentence.citations:
        return False
    found: set[str] = set()
    for c in sentence.citations:
        try:
            found |= page_numbers(doc, c.page)
        except IndexError:
            return False
    computed = set().union(*(numbers_in(n) for n in sentence.computed)) if sentence.computed \
        else set()
    return numbers_in(sentence.text) - computed <= found


# --------------------------------------------------------------------------- sentences

_BULLET = re.compile(r"^[\s–—•→►▪■·*\-−>✓]+")
_SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_CONNECTOR = re.compile(
    r"^(in addition|additionally|furthermore|moreover|also|besides|as a result|in fact|"
    r"importantly|notably|overall|in particular|at the same time|to this end|therefore|"
    r"meanwhile|likewise|similarly)\s*,\s*", re.I)


_CAPS_LEAD = re.compile(r"^(?:[A-Z][A-Z&’'\-]+\s+)+(?=[A-Z][a-z])")  # "ANTI-CORRUPTION The"


def grammar_words(key: str) -> frozenset[str]:
    """A closed word list from the ``grammar`` block of ``data/templates.yaml``."""
    return frozenset(str(wording()[0]["grammar"][key]).split())


# closed-class English words; real prose has roughly 40% of them, table debris almost none
FUNCTION_WORDS = grammar_words("function_words")
# capitalised words that open a clause: seen mid-sentence after a content word, they mark a
# heading glued to the front of a paragraph ("Compensation and benefits The Group aims ...")
CLAUSE_OPENERS = grammar_words("clause_openers")


def _strip_glued_heading(text: str, company: str) -> str:
    """Drop a short heading run into the sentence that follows it (up to 7 words)."""
    words = text.split()
    first = company.split()[0] if company.split() else ""
    names = [n for n in {company, first if len(first) >= 4 else ""} if n]
    heads = {n.split()[0] for n in names}
    for i in range(1, min(8, len(words) - 8)):
        word = words[i]
        bare = word.rstrip("’'s") if word.endswith(("’s", "'s", "’")) else word
        if word not in CLAUSE_OPENERS and bare not in heads:
            continue
        prev = words[i - 1]
        if not prev.isalpha() or prev.lower() in FUNCTION_WORDS or not words[0][:1].isupper():
            continue
        rest = " ".join(words[i:])
        has_verb = any(w.lower() in ("is", "are", "was", "were", "has", "have") for w in words[:i])
        if (word in CLAUSE_OPENERS or any(rest.startswith(n) for n in names)) and not has_verb:
            return rest
    return text


def clean_sentence(text: str, headings: Sequence[str] = (), company: str = "") -> str:
    """Strip bullets, footnote marks, PDF hyphenation, leading connectors and a heading glued
    to the front of a sentence (``headings`` are the short heading lines of its page; with
    ``company`` a heading run into "<company> ..." or "The ..." is removed too)."""
    text = _SUPERSCRIPT.sub("", text)
    text = re.sub(r"(?<=[a-z%])\(\d{1,2}\)", "", text)  # "levels(6)": a footnote reference
    text = _BULLET.sub("", text)
    for heading in headings:
        rest = text[len(heading) + 1 :]
        if text.startswith(heading + " ") and rest[:1].isupper() and len(rest.split()) >= 8:
            text = rest
            break
    text = _CAPS_LEAD.sub("", text)
    text = re.sub(r"(\w*[a-z])- (?!and\b|or\b|to\b)([a-z]\w*)",
                  lambda m: m.group(1) + ("-" if keeps_hyphen(m.group(1), m.group(2)) else "")
                  + m.group(2), text)
    # a soft hyphen the PDF's text layer dropped: "longterm", "mediumterm" (always hyphenated)
    text = re.sub(r"\b([Ll]ong|[Mm]edium|[Ss]hort|[Mm]id|[Nn]ear)(term)\b", r"\1-\2", text)
    # a letter-spaced capital: "U kraine", "U .K." (a single capital other than A or I is no word)
    text = re.sub(r"\b([B-HJ-Z]) (?=[a-z]{3,})", r"\1", text)
    text = re.sub(r"\b([A-Z]) \.(?=[A-Z]\.)", r"\1.", text)
    text = re.sub(r"\s+", " ", text).strip()
    if company:
        text = _strip_glued_heading(text, company)
    m = _CONNECTOR.match(text)
    if m and len(text) > m.end():
        text = text[m.end()].upper() + text[m.end() + 1 :]
    return text


def cue_score(text: str) -> dict[str, float]:
    """Which salience cues (commitment, achievement, quantity, ...) a sentence has, by weight."""
    out = {}
    for name, (pattern, weight) in wording()[0]["cues_re"].items():
        m = pattern.search(text)
        if m and (name != "quantity" or not re.fullmatch(r"(19|20)\d\d", m.group().strip())):
            out[name] = weight
    return out


def possessive(name: str) -> str:
    """"Acme’s", "Acme Materials’": the possessive of a name."""
    return name + ("’" if name.endswith("s") else "’s")


def _third_person_verb(word: str) -> str:
    rules = wording()[0]["third_person"]
    low = word.lower()
    if low in rules["irregular"]:
        return str(rules["irregular"][low])
    if low.endswith(("ss", "us")) and low.isalpha() and not word[0].isupper():
        return word + "es"  # "assess" -> "assesses", "focus" -> "focuses"
    if (low in rules["unchanged"] or low.endswith(("ed", "ly", "s")) or not low.isalpha()
            or word[0].isupper()):
        return word
    if low.endswith(("sh", "ch", "x", "z", "o")):
        return word + "es"
    if low.endswith("y") and low[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


_PRONOUN = re.compile(  # case-sensitive on purpose: "US" is a country, not "us"
    r"\b([Ww]e(?:['’](?:re|ve))?|[Oo]ur (?:company|[Gg]roup|organi[sz]ation|business)(?![-‑]| [A-Z])|[Oo]urs|"
    r"[Oo]ur|us|[Oo]urselves)\b")


# a second verb of the same subject: "we identify and control the …" -> "identifies and controls"
_COORDINATED = re.compile(r"(\band(?:,\s+(?:where|when|if|as)\s[a-z ]{2,20},)?\s+"
                          r"(?:continuously\s+|also\s+|actively\s+)?)((?:are|have|were|do)\b|"
                          # "and, where possible, invest": after the aside, the verb
                          r"(?<=, )(?!(?:we|it|they|the|its|our|their|a|an)\b)[a-z]+\b|"
                          r"[a-z]+(?=\s+(?:its|the|a|an|our|their)\b))")


# "our planet", "our society": the reader's too, not the company's
_GENERIC_OUR = re.compile(r"\b([Oo])ur (planet|world|society|future|climate|children|"
                          r"grandchildren|generation|environment|oceans|nature)\b")
_AUX_COORDINATED = re.compile(r"(\band\s+(?:also\s+)?)(are|have|were)\b")


# a name of another organisation or place inside the sentence ("partnership with Northwind GmbH")
_OTHER_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b(?:with|by|from|and|of|at) (?:the )?[A-Z][\w&-]+")
_PREPOSITIONS = frozenset(("for", "to", "in", "on", "at", "by", "with", "from", "of", "as", "into",
                           "through", "across", "over", "under", "about", "after", "before",
                           "between", "during", "without", "within", "via", "per"))


def _coordinate(text: str) -> str:
    """The verbs coordinated with "we …" in its clause, in the third person."""
    out, pos = [], 0
    adverbs = "|".join(wording()[0]["third_person"]["adverbs"])
    for m in re.finditer(r"\b[Ww]e(?:\s+(?:" + adverbs + r"))*\s+([a-z]+)", text):
        if m.start() < pos:
            continue
        # after a modal or a past form only an auxiliary agrees ("achieved … and have progressed")
        rx = _AUX_COORDINATED if _third_person_verb(m.group(1)) == m.group(1) else _COORDINATED
        end = m.end() + len(re.match(r"[^.;:]*", text[m.end():]).group())  # type: ignore[union-attr]
        out.append(text[pos : m.end()])
        # "building and sustaining a relationship": a gerund stays as it is
        out.append(rx.sub(lambda v: v.group(1) + (v.group(2) if v.group(2) in _PREPOSITIONS
                                                  or re.fullmatch(r"[a-z]{3,}ing", v.group(2))
                                                  else _third_person_verb(v.group(2))),
                          text[m.end() : end]))  # "and for a portion": a preposition stays
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _owns_one(after: str) -> bool:
    """True when a possessive ("’s commitment on …") owns one thing, which "it" could then mean."""
    hit = re.match(r"['’]s\s+([a-z]+)\b", after)
    return hit is not None and not (hit.group(1).endswith("s") and not hit.group(1).endswith("ss"))


def third_person(text: str, company: str) -> str:
    """Rewrite first-person company voice into the third person ("We aim" -> "Acme aims")."""
    rules = wording()[0]["third_person"]
    if company:  # "With 42,000 employees, the Group is …": the reporting company, by name
        text = re.sub(r"(^|, )[Tt]he (?:Group|Company)\b(?![’'])(?= [a-z])",
                      lambda m: m.group(1) + company, text, count=1)
    text = _GENERIC_OUR.sub(lambda m: ("The " if m.group(1) == "O" else "the ") + m.group(2), text)
    if company:  # "how we at Acme implement" -> "how Acme implements"
        text = re.sub(rf"\b([Ww]e),? (?:here )?at {re.escape(company)}\b,?", r"\1", text)
    text = _coordinate(text)
    low, name = text.lower(), company.lower()
    first_named = low.find(name) if name else -1
    # "it" for "we" only after the company was named as a subject or as the owner of plural
    # things: after "Acme's commitment …" it would point at the commitment
    after = text[first_named + len(name):] if first_named >= 0 else ""
    named = subject = False
    out: list[str] = []
    pos = 0
    for m in _PRONOUN.finditer(text):
        word = m.group().lower().replace("’", "'")
        start = m.start() == 0
        # "it" only once the company is named before it ("… suppliers, it has …" names no one)
        named = named or 0 <= first_named < m.start()
        subject = subject or (0 <= first_named < m.start() and not _owns_one(after))
        out.append(text[pos : m.start()])
        if word.startswith("our ") and len(word) > 4 or word in ("we", "we're", "we've", "us"):
            # "Through Acme's partnership with Northwind GmbH, it has …": after another name,
            # "it" would point at that one
            other = word in ("we", "we're", "we've", "us") and _OTHER_NAME.search(
                text[max(first_named, 0) + len(company) : m.start()].replace(company, ""))
            repl = "it" if subject and not start and not other else company  # "It" cannot open a sentence
            if word.startswith("our ") and named and not start:
                repl = "the " + word[4:]
            out.append(repl[0].upper() + repl[1:] if start else repl)
            named = True
            subject = subject or not word.startswith("our ")
            pos = m.end()
            if word.startswith("we"):
                if word != "we":
                    out.append(" " + ("is" if word.endswith("re") else "has"))
                rest = text[pos:]
                # "strictly", "openly" (not the verbs "apply", "rely", "supply" …)
                adverbs = "|".join([*rules["adverbs"],
                                    r"(?!(?:ap|re|sup|com|multi|im|al)?ply\b|rely\b)[a-z]{2,}ly"])
                skip = re.match(r"((?:\s+(?:" + adverbs + r"))*)\s+([A-Za-z]+)", rest)
                if skip and word == "we":
                    verb = skip.group(2)
                    if rest[skip.end() : skip.end() + 1] in ("'", "’"):  # "didn't", "don't"
                        verb = "doesn" if verb.lower() == "don" else verb
                    else:
                        verb = _third_person_verb(verb)
                    out.append(skip.group(1) + " " + verb)
                    pos += skip.end()
            continue
        if word == "ourselves":
            out.append("itself")
        elif word in ("our", "ours"):
            repl = "its" if named and not start else possessive(company)
            out.append(repl[0].upper() + repl[1:] if start else repl)
            subject = subject or (named or not _owns_one("’s" + text[m.end():]))
            named = True
        pos = m.end()
    out.append(text[pos:])
    # "its Company’s success": the possessive of "our Company" once the company is named
    return re.sub(r"\bits (?:Company|Group)[’']s\b", "its", "".join(out))
