"""The grammar of a target statement: anchors, target-year and base-year phrases, and which goes
with which.

An anchor is what makes a target: a net-zero or neutrality pledge, RE100, carbon peaking, or a
percentage that is a cut ("reduce ... by 42%", "42% reduction", "um 40 % reduzieren", "減少42%")
or a renewable share ("100% renewable electricity", "zu 100 % aus erneuerbaren Quellen"). Each
target-year phrase goes to its nearest anchor, so "bis 2030 … um 40 % reduzieren und bis 2045
Netto-Null" pairs 2030 with the cut and 2045 with net zero, whether the year comes before the
anchor (German, Chinese, "By 2030, reduce …") or after it ("net zero by 2050"). An anchor no
phrase is nearest to shares its neighbour's along a list of one kind ("by 90% and … by 30% by
2030"). Base years go the same way, shared along such a list but never across another kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .target_lexicon import Lexicon, lexicon

# A year phrase opening its clause ("By 2030, reduce …", "到2025年，…") may lead forward past a comma.
_OPENS = re.compile(r"(?:^|[.;:•·・，。；：]|\)\s)\W*$")
_DATED_AFTER = re.compile(r"\s*(?:(?:by|bis|until|before)\s+(?:FY\s*)?20\d\d|\(20\d\d\))", re.I)
_RUN = re.compile(r"^(?:\s*\d{1,3}(?:[.,]\d+)?\s*%)+")
PLEDGES = ("net_zero", "carbon_neutral", "carbon_peak")
# How far a year phrase may sit from the anchor it is nearest to (characters): after / before.
REACH = {"pledge": (80, 40), "pct": (150, 80)}


@dataclass(frozen=True)
class Anchor:
    """A span that can make a target; ``value`` for percentages; kind "inert" for one that
    cannot ("net zero fuel", "will not achieve climate neutrality") but still holds its year."""

    kind: str  # net_zero, carbon_neutral, carbon_peak, re100, pct, inert
    start: int
    end: int
    value: float | None = None

    @property
    def group(self) -> str:
        return "pledge" if self.kind in PLEDGES or self.kind == "inert" else "pct"  # pct, halve, re100


@dataclass(frozen=True)
class Mark:
    """A target-year phrase ("by 2030", "(2045)", "2030年"); weak ones are "in 2023".

    ``closing`` marks a parenthesised year closing a table item ("Grünstrom (2025)"): it belongs
    to the item before it, never to the one after; ``heads`` a year naming the targets after it
    ("Our 2030 targets: reduce …", "Ziele 2030: …"), which reaches past its colon.
    """

    year: int
    start: int
    end: int
    weak: bool = False
    closing: bool = False
    heads: bool = False


def _year(m: re.Match[str]) -> int:
    for g in ("y", "y2", "y3", "y4"):
        if m.groupdict().get(g):
            return int(m.group(g))
    return 2000 + int(m.group("yy"))


def find_bases(text: str) -> list[tuple[int, int, int]]:
    """(start, end, year) of every base-year phrase."""
    out = []
    for pattern in lexicon().base:
        out += [(m.start(), m.end(), int(m.group("b"))) for m in pattern.finditer(text)]
    return sorted(set(out))


def find_marks(text: str, bases: list[tuple[int, int, int]], bare: bool = False) -> list[Mark]:
    """Target-year phrases outside base-year phrases; in CJK text every "2030年" counts, and
    with ``bare`` (a row under a "Target year" header) every bare year from 2020 on."""
    lex = lexicon()

    def free(s: int, e: int) -> bool:
        return not any(s < be and bs < e for bs, be, _ in bases)

    marks = [Mark(_year(m), m.start(), m.end(), closing=bool(m.group("y2")),
                  heads=bool(m.group("y3") or m.group("y4")))
             for m in lex.deadline.finditer(text) if free(m.start(), m.end())]
    # "Net Zero 2040", "Carbon neutral 2030": a pledge's name that carries its year
    for a in re.finditer(rf"(?:{lex.net_zero.pattern}|{lex.carbon_neutral.pattern})\s*[-–:]?\s*"
                         r"(?P<y>20\d\d)\b(?![\d/.,]\d)", text, re.I):
        if free(a.start("y"), a.end("y")):
            marks.append(Mark(int(a.group("y")), a.start("y"), a.end("y")))
    marks += [Mark(int(m.group("y")), m.start(), m.end(), weak=True)
              for m in lex.deadline_weak.finditer(text) if free(m.start(), m.end())]
    if re.search(r"[\u3400-\u9fff]", text):
        marks += [Mark(int(m.group(1)), m.start(1), m.end())
                  for m in lex.zh_year.finditer(text) if free(m.start(1), m.end())]
    if bare:
        marks += [Mark(int(m.group(1)), m.start(1), m.end(1), closing=True)
                  for m in re.finditer(r"(?<![\d.,/])(20[2-9]\d)(?![\d.,/])", text)
                  if free(m.start(1), m.end(1))]
    kept: list[Mark] = []
    for m in sorted(marks, key=lambda m: (m.start, m.weak, -m.end)):
        if not any(o.start <= m.start < o.end for o in kept):
            kept.append(m)
    return kept


def find_anchors(text: str) -> list[Anchor]:
    """Anchors in text order; a percentage in a run of reported values is not one."""
    lex = lexicon()
    out: list[Anchor] = []
    for kind, pattern in (("net_zero", lex.net_zero), ("carbon_neutral", lex.carbon_neutral),
                          ("carbon_peak", lex.carbon_peak), ("re100", lex.re100)):
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 60) : m.start()]
            after = text[m.end() : m.end() + 60]
            if kind == "net_zero" and (lex.name_after.match(after) or lex.name_before.search(before)):
                continue
            inert = kind in PLEDGES and (lex.pledge_adjective_after.match(after)
                                         or lex.negation_before.search(before))
            out.append(Anchor("inert" if inert else kind, m.start(), m.end()))
    last_end = -1
    for m in lex.pct.finditer(text):
        gap = text[last_end : m.start()] if last_end >= 0 else None
        last_end = m.end()
        # "77% reduction 89% reduction" after a target cell: reported values, not targets
        if gap is not None and lex.value_gap.fullmatch(gap):
            continue
        if lex.progress_label.search(text[max(0, m.start() - 16) : m.start()]):
            continue
        if lex.pct_not_target_after.match(text[m.end() : m.end() + 60]):
            continue
        out.append(Anchor("pct", m.start(), m.end(), float(m.group("v").replace(",", "."))))
    # "halve our emissions", "halbieren", "減半": a 50% cut
    out += [Anchor("halve", m.start(), m.end(), 50.0) for m in lex.halve.finditer(text)]
    out.sort(key=lambda a: a.start)
    # a neutrality word inside a net-zero phrase ("net zero carbon neutral") counts once
    return [a for i, a in enumerate(out) if not (i and out[i - 1].end > a.start)]


def pct_kind(lex: Lexicon, text: str, a: Anchor, prev: str | None, row: bool = False) -> str | None:
    """"reduction", "renewable" or None for a percentage anchor, from the words around it.

    ``row``: the statement is a row of a target table, whose label names what the share is of
    ("Renewable electricity 100% 2025").
    """
    before, after = text[max(0, a.start - 160) : a.start], text[a.end : a.end + 160]
    if row and a.start <= 60 and lex.row_renewable.search(before):
        return "renewable"
    after = _RUN.sub("", after)  # a tile's "28% 22%" over its caption: the caption is the first's
    if lex.hypothetical_before.search(before[-60:]):
        return None
    if lex.renewable_after.match(after) or lex.renewable_before.search(before):
        return "renewable"
    if a.kind == "halve" or re.search(r"(?:^|[:;•(]\s*)[-–−]$", before):
        return "reduction"  # "halve emissions by 2030", "–42 % CO2 emissions by 2030" (a tile)
    if re.search(r"[-–−]\s?$", before) and _DATED_AFTER.match(after):
        return "reduction"  # an objective column: "1,023 - 39% By 2030"
    verb_object = lex.reduction_verb_object.search(before) and lex.reduction_object_end.match(after)
    if lex.reduction_before.search(before) or lex.reduction_after.match(after) or verb_object:
        if lex.past_cut.search(before[-100:]) and not lex.future_cut.search(before[-100:]):
            return None  # "we reduced emissions by 20%": a result
        if lex.achieved_before.search(before[-60:]):
            return None  # "we have seen a 14% reduction", "this represents a 41% reduction"
        return "reduction"
    if prev in ("reduction", "renewable") and lex.carry_before.search(before):
        return prev  # "… by 42% and Scope 3 by 25%", "15% by 2025; 50% by 2030"
    if lex.list_label.search(before):
        return prev or "reduction"  # "Targets: 15% by 2025" under an emissions heading
    return None


def anchor_kinds(lex: Lexicon, text: str, anchors: list[Anchor], row: bool = False) -> list[str | None]:
    """What each anchor promises; a percentage can carry on the kind of the one before it."""
    kinds: list[str | None] = []
    for i, a in enumerate(anchors):
        prev = kinds[-1] if kinds else None
        if a.kind in ("pct", "halve"):
            kinds.append(pct_kind(lex, text, a, prev, row and i == 0))
        else:
            kinds.append(None if a.kind == "inert" else a.kind)
    return kinds


def _gap(a: Anchor, s: int, e: int) -> int:
    return max(0, s - a.end) if s >= a.end else max(0, a.start - e)


def assign_years(text: str, anchors: list[Anchor], kinds: list[str | None],
                 marks: list[Mark]) -> dict[int, Mark]:
    """Anchor index -> its target-year phrase.

    Pairs are taken closest first, one phrase per anchor and one anchor per phrase. A phrase
    reaches forward to an anchor after it ("By 2030, reduce …", "bis 2030 … um 40 %") only when
    it does not close what came before it ("by 2027 and 100% by 2030", "by 2035 We have seen");
    a little further than backwards in English and German, a little nearer in Chinese, where
    the time comes first ("2030年前实现碳达峰、2060年前实现碳中和"). An anchor left without
    shares the phrase of its neighbour in a list of one kind when no other year phrase sits
    between them ("by 90% and … by 30% by 2030"); a weak "in 2023" right after it comes last.
    """
    lex = lexicon()
    cjk = bool(re.search(r"[\u3400-\u9fff]", text))
    scale = 0.4 if cjk else 1.0  # a Chinese glyph carries what an English word does
    strong = [m for m in marks if not m.weak]
    pairs: list[tuple[int, int, int]] = []
    for ai, a in enumerate(anchors):
        after_reach, before_reach = (int(r * scale) for r in REACH[a.group])
        for mi, m in enumerate(strong):
            behind = m.start >= a.end  # the phrase follows the anchor
            d = _gap(a, m.start, m.end)
            if d > (after_reach if behind else before_reach):
                continue
            closes = lex.closes_after_year.match(text, m.end) and not (
                m.heads and text.startswith(":", m.end))
            if not behind and (m.closing or closes or (
                    text.startswith(",", m.end) and not _OPENS.search(text, 0, m.start))):
                continue  # "Net Zero supply chain by 2050, 20% …": the year is the pledge's
            # a year naming what follows ("2025 target -30%") leads forward, like Chinese
            pairs.append((d + (10 if behind == (cjk or m.heads) else 0), ai, mi))
    own: dict[int, Mark] = {}
    used: set[int] = set()
    for _, ai, mi in sorted(pairs):
        if ai not in own and mi not in used:
            own[ai] = strong[mi]
            used.add(mi)
    out = dict(own)
    for ai, a in enumerate(anchors):
        if ai in out:
            continue
        for step in (1, -1):
            j = ai + step
            if not (0 <= j < len(anchors)) or kinds[j] != kinds[ai] or kinds[ai] is None:
                continue
            lo, hi = sorted((a.end, anchors[j].start if j > ai else anchors[j].end))
            if j in own and _shares(text, lo, hi, marks) and not _dated_before(a, marks):
                out[ai] = own[j]
                break
        else:
            weak = [m for m in marks if m.weak and m.start >= a.end and _gap(a, m.start, m.end) <= 40]
            if weak:
                out[ai] = weak[0]
    return out


def _shares(text: str, lo: int, hi: int, marks: list[Mark]) -> bool:
    """True when the text between two anchors joins them into one list ("… by 90% and … by 30%
    by 2030"): short, a conjunction, no year phrase and no reported result in it."""
    between, lex = text[lo:hi], lexicon()
    return (len(between) <= 100 and not any(lo <= m.start < hi for m in marks)
            and bool(lex.joins.search(between)) and not lex.result_between.search(between))


def _dated_before(a: Anchor, marks: list[Mark]) -> bool:
    """True when a weak "in 2023" sits right before the anchor: it is that year's figure."""
    return any(m.weak and m.end <= a.start and a.start - m.end <= 60 for m in marks)


def assign_bases(bases: list[tuple[int, int, int]], anchors: list[Anchor],
                 kinds: list[str | None]) -> dict[int, int]:
    """Anchor index -> base year: each base phrase goes to its nearest anchor, and is shared
    along a run of anchors of the same kind ("by 90% and … by 30% by 2030 compared to 2019").

    A base year next to a reported result ("Compared to fiscal 2023, we reduced … by 20%")
    stays with that result.
    """
    own: dict[int, int] = {}
    for s, e, year in bases:
        ranked = sorted((_gap(a, s, e), a.end > s, i) for i, a in enumerate(anchors))
        if ranked and ranked[0][0] <= 150:
            own.setdefault(ranked[0][2], year)
    out = dict(own)
    for i, kind in enumerate(kinds):
        if i in out or kind is None:
            continue
        for step in (1, -1):
            j = i + step
            while 0 <= j < len(anchors) and kinds[j] == kind and j not in own:
                j += step
            if 0 <= j < len(anchors) and kinds[j] == kind and j in own:
                out[i] = own[j]
                break
    return out
