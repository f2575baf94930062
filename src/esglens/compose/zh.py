"""The overview of a Chinese report, in Chinese: the same sections and narrative as in English.

Report sentences are split at 。！？, pillar-tagged by keywords (``zh.pillars`` in
``data/templates.yaml``) and kept when they are whole sentences of 12-120 characters about the
company, not table debris, boilerplate, financial statements or another organisation's news
(``zh.reject``); "本公司"/"本行" become the company's name. Figures come from the extracted
metrics (``narrative``) and targets, with Chinese templates. Every number is printed on a cited
page, as in English.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..model import Citation, Claim, Document, Gap, Metric, Sentence, Target
from .facts import fill
from .narrative import (
    closing_sentence,
    environment_facts,
    gap_sentences,
    metric_fact,
    series_by_metric,
    social_facts,
    workforce_fact,
)
from .phrasing import verify_sentence, wording
from .quality import accounts_pages

__all__ = ["compose_zh"]

_CJK = r"\u3400-\u9fff"
_JOIN = re.compile(rf"(?<=[{_CJK}，、：；（）“”])\s*\n\s*(?=[{_CJK}0-9（“])")
_SPLIT = re.compile(r"(?<=[。！？])")
_LEAD = re.compile(r"^\s*(?:[（(]?[0-9一二三四五六七八九十]{1,3}[)）、.．]|[•●■◆▪·\-–])\s*")
_SELF = re.compile(r"本公司|本行|本集团|本集團|我行|我公司|我们|我們")
# a sentence that continues a list or points back ("二是…", "此外…", "上述…") is not
# self-contained; a biography line ("现任…") has lost its person; the industry or market as
# subject is not the company
_LEANS = re.compile(r"^(?:通过|通過|升级|升級|构建|構建|加强|加強|推进|推進|提升|大力|积极|積極|"
                    r"持续|持續|不断|不斷|完善|深化|坚持|堅持|开展|開展|建立|严格|嚴格|努力|进一步|進一步|[二三四五六七八九]是|其次|再次|此外|另外|同时|同時|最后|最後|因此|所以|"
                    r"该|該|此|这|這|上述|前述|其中|基于该|基於該|现任|現任|曾任|历任|歷任|行业|行業|市场|市場|"
                    r"将|將|把|对于|對於|针对|針對|"  # "將…納入…規則": the actor is left out
                    r"[\u4e00-\u9fff「」]{2,10}：)")  # "綠色存款：…": a glossary entry's heading
# financed emissions (PCAF): the portfolio a bank or insurer lends to and invests in
_FINANCED = re.compile(r"投融資|投融资|金融資產|金融资产|投資組合|投资组合|融資組合|融资组合|授信")
# pointing back at what an earlier sentence said ("呈報前述報告"): not self-contained
_REFERS = re.compile(r"前述|上述|该等|該等|前款|前項|前项|如前所述")
# a sentence must name who acts: the company, a body of it or "we" ("排放烟尘符合…" has no subject)
_NAMES_SUBJECT = re.compile(r"公司|本行|本集团|本集團|集团|集團|我们|我們|我行|董事会|董事會|监事会|監事會|"
                            r"股东大会|股東大會|银行|銀行|工会|工會")
# the auditor's report (its "我们" is the auditor)
_AUDITOR_PAGE = re.compile(r"注册会计师的责任|註冊會計師的責任|形成审计意见的基础|形成審計意見的基礎|"
                           r"我们审计了|我們審計了|我们按照中国注册会计师审计准则|重大错报|重大錯報|审计证据|審計證據")
_OTHER = re.compile(r"^(?:《|「|金管會|金管会|國家|国家|政府|世界|聯合國|联合国|國際|国际|监管|監管|"
                    r"臺灣|台灣|台湾|行政院|國發會|国发会|經濟部|经济部|生态环境部|環境部)")
# a section number run into the text by the PDF's column order ("建立氣1.0 氣候環境治理")
_GARBLED = re.compile(rf"[{_CJK}]\d\.\d\s*[{_CJK}]")
MAX_CHARS = 120  # about 60 words' worth, the longest an overview sentence should be


@dataclass(frozen=True)
class _Candidate:
    text: str
    quote: str
    page: int
    pillar: str
    score: float


@lru_cache(maxsize=1)
def _rules() -> tuple[dict[str, re.Pattern[str]], re.Pattern[str], re.Pattern[str]]:
    zh: dict[str, Any] = wording()[0]["zh"]
    pillars = {k: re.compile(v) for k, v in zh["pillars"].items()}
    return pillars, re.compile(zh["reject"]), re.compile(zh["identity"])


def _sentences(text: str) -> list[str]:
    text = _JOIN.sub("", text)
    out = []
    for line in text.split("\n"):
        out += [s.strip() for s in _SPLIT.split(line) if s.strip()]
    return out


def _opening(quote: str, company: str) -> str:
    """Where a Chinese sentence's subject sits: its first characters after a time phrase."""
    head = re.sub(r"^(?:报告期内|報告期內|\d{4}\s*年(?:度)?|本年度|年内|年內)[，,、]?", "", quote)
    return head.replace(company, "公司")[:14]


def _candidates(doc: Document, company: str) -> list[_Candidate]:
    pillars, reject, identity = _rules()
    out: list[_Candidate] = []
    seen: set[str] = set()
    n_pages = max(doc.page_count, 1)
    accounts = accounts_pages(doc)
    for page in doc.pages:
        if page.number in accounts or _AUDITOR_PAGE.search(page.text):
            continue  # the auditor's report (the auditor's voice) and the accounts
        heads = sorted({re.sub(r"\s+", "", b.text) for b in page.blocks
                        if len(b.text.strip()) <= 20 and not b.text.strip().endswith("。")},
                       key=len, reverse=True)
        for raw in _sentences(page.text):
            quote = _LEAD.sub("", raw)
            # an inline heading before the sentence proper: "董事与董事会报告期内…", "技术工艺优势公司是…"
            quote = re.sub(r"^[\u4e00-\u9fff]{2,12}?(?:优势|情况|工作|管理|董事会|监事会|股东大会)"
                           r"(?=报告期内|公司)", "", quote)
            for head in heads:  # a heading run into the sentence after it
                if head and quote.startswith(head) and len(quote) - len(head) >= 12:
                    quote = _LEAD.sub("", quote[len(head):])
                    break
            if quote in seen or not 12 <= len(quote) <= MAX_CHARS or not quote.endswith(("。", "！")):
                continue
            seen.add(quote)
            digits = sum(ch.isdigit() for ch in quote)
            if (reject.search(quote) or _OTHER.search(quote) or _GARBLED.search(quote)
                    or _LEANS.search(quote) or _REFERS.search(quote)
                    or not _NAMES_SUBJECT.search(_opening(quote, company))
                    or digits > 0.25 * len(quote)
                    or re.search(r"\s{2,}|\|", quote) or not re.match(rf"[{_CJK}“]", quote)):
                continue
            hits = {p: len(rx.findall(quote)) for p, rx in pillars.items()}
            best = max(hits, key=lambda p: hits[p])
            ranked = sorted(hits.values(), reverse=True)
            is_identity = page.number <= 12 and identity.search(quote) is not None
            if not is_identity and (ranked[0] == 0 or ranked[0] == ranked[1]):
                continue
            text = _SELF.sub(company, quote)
            text = re.sub(r"^公司(?!代码|简称|章程|法)", company, text)
            text = re.sub(rf"(?<=[{_CJK}])\s*,\s*(?=[{_CJK}])", "，", text)  # a half-width comma from the PDF
            if len(text) > MAX_CHARS:
                continue  # the company's full name made it too long for the overview
            score = min(ranked[0], 3) + 0.8 * bool(re.search(r"\d", quote))
            score += 0.5 * bool(_SELF.search(quote) or company in quote)
            score += 0.4 * (1 - page.number / n_pages)
            out.append(_Candidate(text, quote, page.number, "I" if is_identity else best, score))
    return sorted(out, key=lambda c: (-c.score, c.page))


# the governance of sustainability, ethics and compliance: the headline governance, not the
# procedure of a shareholders' meeting or how directors' pay is approved
_ESG_GOVERNANCE = re.compile(r"ESG|环境|環境|社会责任|社會責任|气候|氣候|合规管理|"
                             r"合規管理|反腐|廉洁|廉潔|商业道德|商業道德|举报|舉報|风险管理|風險管理|碳")


def _pick(cands: list[_Candidate], used: set[str], pillar: str, n: int,
          paragraph: int = 0, want: re.Pattern[str] | None = None) -> list[Sentence]:
    out: list[Sentence] = []
    pages: dict[int, int] = {}
    for c in cands:
        if len(out) >= n:
            break
        if c.pillar != pillar or c.quote in used or pages.get(c.page, 0) >= 2:
            continue
        if want is not None and not want.search(c.quote):
            continue
        used.add(c.quote)
        pages[c.page] = pages.get(c.page, 0) + 1
        out.append(Sentence(c.text, (Citation(c.page, c.quote),), paragraph))
    return out


def _title(doc: Document) -> str:
    for line in (doc.pages[0].text.splitlines() if doc.pages else []):
        line = re.sub(r"\s+", "", line)
        if re.search(r"报告|報告|报告书|報告書", line) and len(line) <= 40:
            return line
    return re.sub(r"\s+", "", doc.title)


def _targets(targets: Sequence[Target], doc: Document, company: str) -> list[Sentence]:
    zh = wording()[0]["zh"]
    out: list[Sentence] = []
    # net zero or neutrality first, as in the English overview: the headline commitment
    for t in sorted(targets, key=lambda t: t.type not in ("net_zero", "carbon_neutral")):
        scope = f"范围{t.scope.replace('+', '和')}" if t.scope else ""
        if _FINANCED.search(t.quote):  # a bank's or insurer's target for what it lends and invests
            scope = "投融资组合的"
        metric = "温室气体排放" if t.type != "intensity_reduction" else "排放强度"
        if t.type in ("net_zero", "carbon_neutral") and t.target_year:
            text = fill(zh["net_zero"], company=company, target_year=t.target_year, scope=scope)
        elif t.reduction_pct is not None and t.target_year:
            key = "reduction" if t.base_year else "reduction_no_base"
            text = fill(zh[key], company=company, target_year=t.target_year, scope=scope,
                        metric=metric, base_year=t.base_year, reduction_pct=f"{t.reduction_pct:g}")
        else:
            continue
        sent = Sentence(text, (Citation(t.page, t.quote),))
        if verify_sentence(sent, doc) and sent.text not in {s.text for s in out}:
            out.append(sent)
    return out[:8]


def compose_zh(doc: Document, company: str, metrics: Sequence[Metric],
               targets: Sequence[Target], claims: Sequence[Claim],
               gaps: Sequence[Gap]) -> dict[str, list[Sentence]]:
    """The overview's sections (header -> sentences) for a Chinese report, in Chinese."""
    series = series_by_metric(metrics)
    cands = _candidates(doc, company)
    used: set[str] = set()
    who = _pick(cands, used, "I", 1, 0)
    size = workforce_fact(series, doc, company, "zh", 0)
    who += [size] if size is not None else []
    commitments = _targets(targets, doc, company)
    # the headline commitment and, beside a net-zero pledge, the first dated reduction target
    cuts = [s for s in commitments[1:] if "减少" in s.text]
    lead = commitments[:1] + (cuts[:1] if commitments and "减少" not in commitments[0].text else [])
    env = [Sentence(s.text, s.citations, 1) for s in lead]
    env += environment_facts(series, doc, "zh", 1)
    env += _pick(cands, used, "E", 3 - min(len(env), 2), 1)
    social = social_facts(series, doc, "zh", 2, frozenset({"employees"}) if size else frozenset())
    social += _pick(cands, used, "S", 3 - min(len(social), 2), 2)
    gov = _pick(cands, used, "G", 2, 3, _ESG_GOVERNANCE)
    overview = who + env + social + gov
    if not overview:  # a sentence about the report, and what it lacks: the last resort
        close = closing_sentence(series, gaps, doc, company, "zh", 4)
        if doc.pages:
            text = fill(wording()[0]["zh"]["fallback"], company=company, title=_title(doc))
            overview = [Sentence(text, (Citation(doc.pages[0].number, _title(doc)),))]
        overview += [close] if close else []
    sections = {"ESG_overview": overview}
    for pillar, header in (("E", "Environmental"), ("S", "Social"), ("G", "Governance")):
        sections[header] = sorted(_pick(cands, used, pillar, 5), key=lambda s: s.citations[0].page)
    key = []
    for values in series.values():
        sent = metric_fact(values, doc, "zh", 0)
        if sent is not None:
            key.append(sent)
    sections["Key metrics"] = key[:12]
    sections["Targets and commitments"] = commitments
    sections["Data gaps"] = gap_sentences(gaps, doc, "zh")
    sections["Claims to watch"] = []
    del claims  # the claim patterns are English; Chinese claims are not flagged yet
    return sections
