"""Measure topic classification on the labelled Chinese ESG sentences in ../shared/datasets.

Dataset: esg-topics-zh (LCYgogogo/ESG-dataset, MIT): 8,471 report sentences, each labelled with
one of 36 ESG key issues or "irrelevant" (无关文本). The 36 issues are mapped below onto the esglens
taxonomy (several issues share one esglens topic; "Technology innovation" maps to green_products).
For every relevant sentence we classify it alone (no corpus IDF) and report top-1 and top-3
topic accuracy, pillar (E/S/G) accuracy, and coverage (share given any topic), plus how many
irrelevant sentences get no topic. Run: python benchmarks/bench_classify.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from esglens.classify import TopicScorer, load_topics

SHARED = Path(__file__).resolve().parents[2] / "shared"
DATA = SHARED / "datasets" / "esg-topics-zh" / "esgdata.xlsx"

LABELS = {  # dataset key issue (Chinese) -> esglens topic id
    "碳排放": "climate", "应对气候变化": "climate_risk", "水资源": "water",
    "生物多样性": "biodiversity", "土地利用": "biodiversity", "原材料": "waste_circularity",
    "能源与资源消耗": "energy", "废弃物管理": "waste_circularity", "绿色金融": "green_finance",
    "清洁技术": "green_products", "绿色建筑": "green_products",
    "环境政策": "environmental_management",
    "可持续认证": "environmental_management", "环境处罚": "pollution", "产品质量": "customers",
    "数据安全": "data_privacy", "化学品安全": "pollution", "负责任投资": "green_finance",
    "员工": "workforce", "客户与消费者": "customers", "促进就业": "workforce",
    "供应链管理": "supply_chain", "公益和志愿服务": "community", "农村帮扶": "community",
    "抗疫": "health_safety", "科技创新": "green_products", "组织架构与运作": "board",
    "信息披露与投资者沟通": "esg_governance", "审计工作": "risk_management", "举报制度": "ethics",
    "股东及债权人权益": "board", "法律诉讼与外部处分": "compliance", "反不正当竞争": "ethics",
    "知识产权保护": "compliance", "税收透明度": "tax", "反贪污反洗钱": "ethics",
}
IRRELEVANT = "无关文本"


def main() -> int:
    if not DATA.exists():
        print(f"skipped: {DATA} not found")
        return 0
    import openpyxl

    rows = list(openpyxl.load_workbook(DATA, read_only=True)["Sheet1"].iter_rows(values_only=True))
    pillar = {t.id: t.pillar for t in load_topics()}
    scorer = TopicScorer()
    top1 = top3 = pillars = covered = n = irrelevant = quiet = 0
    started = time.perf_counter()
    for text, label, _ in rows[1:]:
        if not text:
            continue
        ranked = scorer.rank(str(text), max_topics=3)
        if label == IRRELEVANT:
            irrelevant += 1
            quiet += not ranked
            continue
        gold = LABELS[str(label)]
        n += 1
        covered += bool(ranked)
        top1 += bool(ranked) and ranked[0] == gold
        top3 += gold in ranked
        pillars += bool(ranked) and pillar[ranked[0]] == pillar[gold]
    elapsed = time.perf_counter() - started
    print(f"esg-topics-zh: {n} relevant sentences, {len(LABELS)} issues -> esglens topics")
    print(f"  top-1 topic accuracy  {top1 / n:.3f}")
    print(f"  top-3 topic accuracy  {top3 / n:.3f}")
    print(f"  pillar (E/S/G) acc.   {pillars / n:.3f}")
    print(f"  coverage (any topic)  {covered / n:.3f}")
    print(f"  irrelevant left empty {quiet / max(irrelevant, 1):.3f} of {irrelevant}")
    print(f"  speed                 {(n + irrelevant) / elapsed:,.0f} sentences/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
