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


def _is_name(text: str) -> bool:
    words = [w.strip(".,").lower() for w in text.split()]
    core = [w for w in words if w not in ("dr", "prof", "mr", "mrs", "ms", "sir", "dame")]
    return len(core) >= 2 and not any(w in _NOT_NAME for w in core)


def _name_before(text: str, end: int) -> str | None:
    head = text[max(0, end - 60) : end]
    m = re.search(rf"({NAME.pattern})[\s,–-]*(?:(?:is|as|our|the|its|and)\s+)*$", head)
    return m.group(1) if m and _is_name(m.group(1)) else None


def _name_after(text: str, start: int) -> str | None:
    m = re.match(rf"[\s,:–-]*(?:(?:is|was)\s+)?({NAME.pattern})", text[start : start + 60])
    if not m or not _is_name(m.group(1)):
        return None
    return m.group(1).rstrip()


def _iter_texts(index: Index) -> list[tuple[int, str]]:
    """Page texts to scan: prose chunks and short lines (signature blocks), in page order."""
    return [(c.page, c.text) for c in index.chunks] + list(index.items)


def role_holder(index: Index, role: str) -> Holder | None:
    """The person the report names for ``role`` (ceo, chair, cso), by votes; None if nobody."""
    v = vocabulary()
    title_re = v["roles_re"][role]["title"]
    other = v["not_the_company_role_re"]
    votes: dict[str, float] = defaultdict(float)
    where: dict[str, Holder] = {}
    for page, text in _iter_texts(index):
        for m in title_re.finditer(text):
            after = text[m.end() : m.end() + 40]
            if _INITIATIVE.match(after):
                continue  # "CEO Water Mandate": the title is part of an initiative's name
            before = text[max(0, m.start() - 25) : m.start()]
            if other.search(m.group(0)) or other.search(re.split(r"[,.;]", after)[0]) or re.search(
                r"\b(?:former|deputy|vice|regional|division\w*)\s*$", before, re.I
            ):
                continue
            if re.match(r"\s+of\s+(?!the\s+(?:company|group|board))(?:[A-Z]\w+)", after) and not re.match(
                rf"\s+of\s+{re.escape(index.company)}", after
            ) and index.company:
                continue  # the CEO of another organisation
            for name, weight in ((_name_before(text, m.start()), 1.0), (_name_after(text, m.end()), 0.8)):
                if not name:
                    continue
                key = re.sub(r"^(?:(?:Dr|Prof|Mr|Mrs|Ms|Sir|Dame)\.?\s+)+", "", name)
                votes[key] += weight
                if key not in where or weight > 0.9:
                    lo = max(0, min(m.start(), text.find(name, max(0, m.start() - 80))) - 40)
                    where[key] = Holder(name, m.group(0), page, clip(text[lo : m.end() + 80]))
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
