"""Hyphens at line breaks: a split word or a compound? Shared by ingest (joining wrapped lines)
and compose (cleaning quoted sentences), so both read "zero-emission" the same way."""

from __future__ import annotations

import re

__all__ = ["COMPOUND_PARTS", "keeps_hyphen"]

# Second parts of English compounds that are words of their own: "zero-" + "emission" at a line
# break is "zero-emission", not "zeroemission"; likewise after a capitalised first part
# ("Australia-" + "based").
COMPOUND_PARTS = frozenset((
    "based", "related", "owned", "term", "led", "free", "scale", "wide", "emission", "emissions",
    "carbon", "level", "friendly", "intensive", "making", "specific", "driven", "neutral",
    "efficient", "functional", "time", "year", "party", "site", "sourced", "certified", "oriented",
    "focused", "linked", "aligned", "compliant", "assessed", "bound", "wise", "class",
))


def keeps_hyphen(left: str, right: str) -> bool:
    """True when a hyphen at a line break is part of the word (a compound), not a split."""
    first = re.findall(r"[A-Za-z]+$", left)
    second = re.match(r"[a-z]+", right)
    if not first or second is None:
        return False
    if second.group() in COMPOUND_PARTS:
        return True
    word = first[0]
    # after a capitalised first part, only a name's compound keeps it ("Australia-wide",
    # "Non-financial", "ESG-"); "Sec-" + "tion" and "Man-" + "aging" are one word split
    return word[:1].isupper() and len(word) > 2 and (
        word.isupper() or word.lower() in _PREFIXES or right[:1].isupper())


# prefixes written with a hyphen ("Non-financial", "Co-operation", "Self-assessment")
_PREFIXES = frozenset(("non", "co", "anti", "self", "multi", "pre", "post", "cross", "well",
                       "long", "short", "mid", "low", "high", "top", "end", "eco", "inter",
                       "intra", "sub", "semi", "ex", "all", "half", "near", "off", "on", "zero"))
