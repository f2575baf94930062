""""Who" answers: the person holding a role (CEO, chair, sustainability lead) and the firm that
assured the report, each cited to the page that names them.

A role holder is voted for across the report: every printed title ("Chief Executive Officer",
"Chairman of the Supervisory Board") that is not someone else's (a region's, a division's, a
committee's, another organisation's — ``not_the_company_role`` in ``data/questions.yaml``) gives
a vote to the person name right before it (a signature block, "Jane Doe, our CEO") and a smaller
one to the name right after it ("CEO Jane Doe"). An assurance provider is a firm of the
``assurance_providers`` list named in a sentence about assurance, audit or verification.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ..segment import split_sentences
from .evidence import Piece, clip
from .kinds import vocabulary
from .retrieve import Index

_PARTICLE = r"(?:von|van|der|den|de|du|da|di|le|la|zu|bin|al|dos|del)"
_WORD = r"[A-Z][a-zà-ÿß'’-]+"
NAME = re.compile(
    rf"(?:(?:Dr|Prof|Mr|Mrs|Ms|Sir|Dame)\.?\s+)*{_WORD}(?:\s+(?:[A-Z]\.|{_PARTICLE}|{_WORD})){{1,3}}"
)
# capitalised words that are never part of a person's name in a report
_NOT_NAME = frozenset(
    """chief executive officer president chair chairman chairwoman chairperson board director directors
    managing member members supervisory management executive committee group company report annual
    sustainability message letter foreword our the we from dear and of for in on at to with statement
    corporate governance vice head global financial operating officers team council about review
    introduction highlights contents year fiscal climate environment social responsibility esg
    independent non deputy ceo cfo coo cso letter interview welcome stakeholders shareholders
    strategy performance overview responsible business plc inc ltd ag se sa gmbh llc limited
    corporation corp holdings best regards wishes sincerely yours kind
    january february march april may june july august september october november december
    united nations alliance coalition mandate forum initiative initiatives foundation institute
    university association agency commission world economic partnership network water leaders
    summit programme program award awards day week conference compact council""".split()  # noqa: SIM905
)


# a title that is part of an initiative's name ("CEO Water Mandate", "CEO Climate Leaders")
_INITIATIVE = re.compile(
    r"\s+[A-Z][a-z]+\s+(?:Mandate|Coalition|Alliance|Forum|Award|Summit|Council|Leaders)\b")


@dataclass(frozen=True)
class Holder:
    """A person named for a role, the title as printed, and where."""

    name: str
    title: str
    page: int
    quote: str


def _is_name(text: str, company: str = "") -> bool:
    """Two to four capitalised words that are not title, organisation or company words."""
    words = [w.strip(".,").lower() for w in text.split()]
    core = [w for w in words if w not in ("dr", "prof", "mr", "mrs", "ms", "sir", "dame")]
    own = {w.lower() for w in re.findall(r"\w+", company)}
    return len(core) >= 2 and not any(w in _NOT_NAME or w in own for w in core)


# other titles a holder may carry before the one asked about ("Chairman, President and CEO")
_OTHER_TITLES = r"(?:(?:is|as|our|the|its|and|&|chairman|chairwoman|chair|president|founder)[\s,]+)*"


def _name_before(text: str, end: int, company: str) -> str | None:
    head = text[max(0, end - 80) : end]
    m = re.search(rf"({NAME.pattern})[\s,–-]*(?i:{_OTHER_TITLES})$", head)
    if not m:
        return None
    words = m.group(1).split()
    while len(words) > 2 and words[-1].strip(",").lower() in _NOT_NAME:  # "... Taiclet Chairman"
        words.pop()
    name = " ".join(words)
    return name if _is_name(name, company) else None


def _name_after(text: str, start: int, company: str) -> str | None:
    m = re.match(rf"[\s,:–-]*(?:(?:is|was)\s+)?({NAME.pattern})", text[start : start + 60])
    if not m or not _is_name(m.group(1), company):
        return None
    return m.group(1).rstrip()


def _is_someone_elses(m: re.Match[str], text: str, company: str) -> bool:
    """A title of a region, division, committee or other organisation ("CEO Asia Pacific",
    "CEO of Acme Health" when the company is Acme Group, "CEO Water Mandate")."""
    other = vocabulary()["not_the_company_role_re"]
    after = text[m.end() : m.end() + 40]
    before = text[max(0, m.start() - 25) : m.start()]
    if _INITIATIVE.match(after) or other.search(m.group(0)) or other.search(re.split(r"[,.;]", after)[0]):
        return True
    if re.search(r"\b(?:former|deputy|vice|regional|division\w*)\s*$", before, re.I):
        return True
    of = re.match(r"\s+of\s+(?!the\s+(?:company|group|board))([A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)*)", after)
    if of and company and not of.group(1).startswith(company.split()[0]):
        return True  # another organisation's CEO
    # the company's name plus more words names a subsidiary or a foundation ("Acme Health")
    legal = r"(?:\s+(?:AG|SE|plc|Inc\.?|Ltd\.?|Group|Corporation|N\.V\.|S\.A\.))*"
    return bool(of and len(of.group(1).split()) > len(company.split())
                and not re.fullmatch(re.escape(company) + legal, of.group(1)))


def _signature(lines: list[str], i: int, title_re: re.Pattern[str], company: str) -> str | None:
    """A signature block laid out in columns: names on one line, their titles on the next, in
    the same order ("Jane Doe  John Roe" / "Chief Executive Officer  Chief Financial Officer")."""
    line, prev = lines[i], lines[i - 1] if i else ""
    m = title_re.search(line)
    if not m or not prev:
        return None
    names = [n for n in _names_in(prev) if _is_name(n, company)]
    runs = _title_runs(line)
    if len(names) < 2 or len(names) != len(runs):
        return None
    k = sum(1 for start in runs if start <= m.start()) - 1
    return names[k] if 0 <= k < len(names) else None


def _names_in(line: str) -> list[str]:
    """Person names side by side on a line ("Rob Smith Valeria Gargiulo" -> two names): runs of
    capitalised words cut into first-name/last-name pairs when no particle joins them."""
    tail = re.search(r"(?:(?:Dr|Prof)\.?\s+|[A-Z][a-zà-ÿß'’-]+\s*|[A-Z]\.\s*)+$", line)
    words = re.findall(r"(?:(?:Dr|Prof)\.?\s+)?[A-Z][a-zà-ÿß'’-]+|[A-Z]\.", tail.group(0) if tail else "")
    out, current = [], []
    for w in words:
        current.append(w)
        if len([x for x in current if not re.match(r"(?:Dr|Prof)\b|[A-Z]\.$", x)]) == 2:
            out.append(" ".join(current))
            current = []
    return out


def _title_runs(line: str) -> list[int]:
    """Start offsets of the titles in a line of column titles ("Chief Executive Officer Chief
    People & Sustainability Officer" -> two runs: each starts a title after an "Officer"-like end)."""
    runs = [0] if line[:1].isupper() else []
    ends = r"\b(?:Officer|Director|Chair(?:man|woman|person)?|President|Board|CEO|CFO|COO|CSO)\b\s+(?=[A-Z])"
    for t in re.finditer(ends, line):
        runs.append(t.end())
    return runs


def _iter_texts(index: Index) -> list[tuple[int, str]]:
    """Page texts to scan: prose chunks and short lines (signature blocks), in page order."""
    return [(c.page, c.text) for c in index.chunks] + list(index.items)


def role_holder(index: Index, role: str) -> Holder | None:
    """The person the report names for ``role`` (ceo, chair, cso), by votes; None if nobody."""
    title_re = vocabulary()["roles_re"][role]["title"]
    company = index.company
    votes: dict[str, float] = defaultdict(float)
    where: dict[str, Holder] = {}

    def vote(name: str, weight: float, page: int, title: str, quote: str) -> None:
        key = re.sub(r"^(?:(?:Dr|Prof|Mr|Mrs|Ms|Sir|Dame)\.?\s+)+", "", name)
        votes[key] += weight
        if key not in where or weight > 0.9:
            where[key] = Holder(name, title, page, clip(quote))

    for page, text in _iter_texts(index):
        for m in title_re.finditer(text):
            if _is_someone_elses(m, text, company):
                continue
            quote = text[max(0, m.start() - 80) : m.end() + 60]
            for name, weight in ((_name_before(text, m.start(), company), 1.0),
                                 (_name_after(text, m.end(), company), 0.8)):
                if name:
                    vote(name, weight, page, m.group(0), quote)
    lines = [t for _, t in index.items]
    for i, (page, line) in enumerate(index.items):
        name = _signature(lines, i, title_re, company)
        m = title_re.search(line)
        if name and m and not _is_someone_elses(m, line, company):
            vote(name, 1.5, page, m.group(0), f"{lines[i - 1]} / {line}")
    if not votes:
        return None
    best = max(votes, key=lambda k: (votes[k], len(k)))
    return where[best]


def _providers() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for firm in vocabulary()["assurance_providers"]:
        flags = 0 if len(firm) <= 4 else re.I  # "EY", "PwC", "SGS" only as printed
        out.append((firm, re.compile(rf"(?<![\w&]){re.escape(firm)}(?![\w])", flags)))
    return out


_LEGAL = (r"(?:\s+(?:&\s+)?(?:AG|GmbH|LLP|LLC|Inc\.?|S\.A\.|SA|SE|Ltd\.?|Limited|Touche|Young|Co\.|"
          r"Wirtschaftsprüfungsgesellschaft|Certification|Verification|Services|Business Assurance|"
          r"Assurance|Audit|Accountants|Australia|Germany|UK|USA|Canada|Japan|France|Austria)\b)*")


def assurance_provider(index: Index) -> tuple[str, Piece] | None:
    """The firm named in the report's assurance wording, with its best sentence; None if none."""
    context = vocabulary()["assurance_context_re"]
    scores: dict[str, float] = defaultdict(float)
    evidence: dict[str, Piece] = {}
    for chunk in index.chunks:
        for sentence in split_sentences(chunk.text):
            if not context.search(sentence):
                continue
            for firm, pattern in _providers():
                m = pattern.search(sentence)
                if not m:
                    continue
                legal = re.match(_LEGAL, sentence[m.end() :])
                full = m.group(0) + (legal.group(0) if legal else "")
                weight = 2.0 if re.search(r"\b(?:assurance|verif\w*|assured)\b", sentence, re.I) else 1.0
                scores[firm] += weight
                old = evidence.get(firm)
                if old is None or weight > old.score:
                    evidence[firm] = Piece(full.strip(), chunk.page, clip(sentence), weight)
                break
    if not scores:
        return None
    firm = max(scores, key=lambda f: (scores[f], len(f)))
    piece = evidence[firm]
    return piece.text, piece
