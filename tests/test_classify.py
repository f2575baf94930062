"""Topic classification: whole-token matching, ranking, taxonomy coverage and the Chinese path."""

from __future__ import annotations

from esglens.classify import TopicScorer, classify_passages, load_topics, tokenize, topic_by_id
from esglens.model import Passage

REQUIRED = {
    "climate", "energy", "water", "waste_circularity", "biodiversity", "pollution",
    "green_products", "workforce", "diversity_inclusion", "health_safety", "training",
    "human_rights", "supply_chain", "community", "accessibility", "customers", "data_privacy",
    "board", "esg_governance", "ethics", "risk_management", "compliance", "responsible_tech", "tax",
}


def test_taxonomy_covers_required_topics_with_framework_references() -> None:
    topics = load_topics()
    ids = {t.id for t in topics}
    assert ids >= REQUIRED
    assert len(ids) == len(topics) >= 25
    assert {t.pillar for t in topics} == {"E", "S", "G"}
    for t in topics:
        assert t.label and t.description and t.keywords, t.id
        assert t.gri or t.esrs or t.sasb or t.tcfd, t.id


def test_tokenize_folds_plurals_and_subscripts() -> None:
    expected = ["emission", "of", "co2", "by", "community"]
    assert tokenize("Emissions of CO₂ by communities") == expected


def test_keywords_match_whole_tokens_only() -> None:
    scorer = TopicScorer()
    # "ey" and "ai" must not fire inside "key" or "maintain"
    assert "responsible_tech" not in scorer.score("Key results maintain the trend for the year.")
    assert "responsible_tech" in scorer.score("We govern the use of AI in our products.")


def test_classify_passages_ranks_best_topic_first() -> None:
    passages = (
        Passage(page=1, text="Scope 1 and Scope 2 greenhouse gas emissions fell 12% in 2023."),
        Passage(page=2, text="The lost time injury frequency rate and fatalities are reported."),
        Passage(page=3, text="Our code of conduct prohibits bribery and corruption.",
                heading="Ethics and compliance"),
        Passage(page=4, text="Women hold 30% of leadership roles; diversity and inclusion matter."),
        Passage(page=5, text="Water withdrawal in water-stressed areas fell to 1,200 megalitres."),
        Passage(page=6, text="The weather was nice on the day of the picnic."),
    )
    out = classify_passages(passages)
    assert [p.topics[0] if p.topics else None for p in out] == [
        "climate", "health_safety", "ethics", "diversity_inclusion", "water", None,
    ]
    assert all(p.text == q.text and p.page == q.page for p, q in zip(out, passages, strict=True))


def test_topics_are_ordered_and_bounded() -> None:
    p = Passage(page=1, text="Suppliers sign our supplier code of conduct; we audit 1,200 "
                              "suppliers and assess procurement risks in the supply chain.")
    (out,) = classify_passages([p], max_topics=2)
    assert 1 <= len(out.topics) <= 2
    assert out.topics[0] == "supply_chain"


def test_chinese_text_uses_chinese_keywords() -> None:
    scorer = TopicScorer()
    scores = scorer.score("公司持续推进节能减排，降低碳排放强度。")
    assert max(scores, key=lambda t: scores[t]) == "climate"
    assert topic_by_id("climate").keywords_zh


def test_empty_input() -> None:
    assert classify_passages([]) == ()
