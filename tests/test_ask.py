"""esglens.ask (answer, retrieve): retrieval, metric answers, abstention, cache round-trip."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from esglens import read
from esglens.ask import Answer, answer_questions, ask, get_index, match_metrics
from esglens.ask.retrieve import build_index, expand_query, load_index, save_index, search, tokenize
from esglens.model import Citation, Metric

PAGES = [
    [
        ("Sustainability Report 2023", 20),
        "Acme Industrial Group makes pumps and valves for water utilities.",
        "This report covers the fiscal year ending 31 December 2023.",
    ],
    [
        ("Climate strategy", 16),
        "Our climate transition plan sets a net zero target for 2050.",
        "We will cut Scope 1 and 2 emissions by 50% by 2030 against a 2019 baseline.",
        "Decarbonization levers include energy efficiency, renewable electricity and",
        "fleet electrification.",
    ],
    [
        ("Greenhouse gas emissions", 16),
        (
            "TABLE",
            [
                ["Metric", "2023", "2022"],
                ["Scope 1 emissions (tCO2e)", "23,300", "25,100"],
                ["Scope 3 emissions (tCO2e)", "410,000", "430,000"],
            ],
        ),
    ],
    [
        ("Our people", 16),
        "We employ 4,200 people in 12 countries and invest in health and safety training.",
        "The lost time injury frequency rate fell to 0.8 in 2023.",
    ],
]

METRICS = (
    Metric(
        metric="ghg_scope1",
        label="Scope 1 emissions",
        value=23300.0,
        unit="tCO2e",
        period="2023",
        page=3,
        quote="Scope 1 emissions (tCO2e) 23,300",
    ),
    Metric(
        metric="ghg_scope1",
        label="Scope 1 emissions",
        value=25100.0,
        unit="tCO2e",
        period="2022",
        page=3,
        quote="Scope 1 emissions (tCO2e) 25,100",
    ),
    Metric(
        metric="ghg_scope3",
        label="Scope 3 emissions",
        value=410000.0,
        unit="tCO2e",
        period="2023",
        page=3,
        quote="Scope 3 emissions (tCO2e) 410,000",
    ),
    Metric(
        metric="ghg_scope3",
        label="Scope 3 emissions",
        value=999.0,
        unit="tCO2e",
        period="2023",
        page=4,
        quote="a rejected duplicate",
        primary=False,
    ),
)


@pytest.fixture
def report(make_pdf) -> Path:  # type: ignore[no-untyped-def]
    return make_pdf("acme.pdf", PAGES, title="Acme Sustainability Report 2023")


@pytest.fixture
def index(report: Path):  # type: ignore[no-untyped-def]
    return build_index(read(report), dense=False)


def test_tokenize_keeps_scopes_apart_and_normalises() -> None:
    assert "scope1" in tokenize("Scope 1 and 2 emissions") and "scope2" in tokenize("Scope 1 and 2")
    assert "scope3" not in tokenize("Scope 1 and 2 emissions")
    assert "co2e" in tokenize("t CO₂e")
    assert tokenize("Decarbonisation") == tokenize("decarbonization")
    assert "scope1" in tokenize("Scope 1¹ emissions")  # footnote superscript does not glue on


def test_query_expansion_adds_synonyms_at_lower_weight() -> None:
    weights = expand_query("Which topics are material?")
    assert weights[tokenize("material")[0]] == 1.0
    assert 0 < weights[tokenize("materiality")[0]] < 1.0


def test_search_finds_heading_bounded_passage_and_table_rows(index) -> None:  # type: ignore[no-untyped-def]
    hits = search(index, "What are the decarbonization levers?", k=3)
    assert index.chunks[hits[0][0]].page == 2
    rows = search(index, "Scope 3 emissions tCO2e", k=3)
    assert index.chunks[rows[0][0]].page == 3 and index.chunks[rows[0][0]].is_table


def test_ask_prose_answer_cites_pages_best_first(index) -> None:  # type: ignore[no-untyped-def]
    answer = ask(index, "Does the company have a net zero target?", k=5)
    assert not answer.abstained
    assert answer.citations[0].page == 2
    assert "net zero" in (answer.answer or "") and "[p. 2]" in (answer.answer or "")
    pages = [c.page for c in answer.citations]
    assert len(pages) == len(set(pages)) <= 5
    scores = [c.score or 0 for c in answer.citations]
    assert scores == sorted(scores, reverse=True)


def test_numeric_question_answered_from_metrics(index) -> None:  # type: ignore[no-untyped-def]
    answer = ask(index, "What were Scope 3 emissions in 2023?", metrics=METRICS)
    assert answer.answer == "Scope 3 GHG emissions (total) in 2023 were 410,000 tCO2e [p. 3]."
    assert answer.citations[0] == Citation(
        page=3, quote="Scope 3 emissions (tCO2e) 410,000", score=1.0
    )
    earlier = ask(index, "What were the Scope 1 emissions in FY2022?", metrics=METRICS)
    assert earlier.answer == "Scope 1 GHG emissions in 2022 were 25,100 tCO2e [p. 3]."


def test_match_metrics_respects_scope_year_and_primary() -> None:
    both = match_metrics("What were Scope 1 and 3 emissions?", METRICS)
    assert [(m.metric, m.period) for m in both] == [("ghg_scope1", "2023"), ("ghg_scope3", "2023")]
    assert match_metrics("What were Scope 2 emissions in 2023?", METRICS) == []
    assert match_metrics("Describe the Scope 3 strategy", METRICS) == []  # not a numeric question
    assert all(m.primary for m in match_metrics("What were Scope 3 emissions?", METRICS))


@pytest.mark.parametrize(
    "question",
    [
        "Who won the FIFA World Cup in 2018?",
        "What is the recipe for a French croissant?",
        "How many moons does Jupiter have?",
        "",
    ],
)
def test_abstains_on_questions_the_report_does_not_answer(index, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = ask(index, question)
    assert answer.abstained and answer.answer is None and answer.citations == ()
    assert answer.to_dict() == {"answer": None, "abstained": True, "citations": []}


def test_answer_json_round_trip(index) -> None:  # type: ignore[no-untyped-def]
    answer = ask(index, "How many people does the company employ?")
    data = json.loads(json.dumps(answer.to_dict()))
    assert set(data) == {"answer", "abstained", "citations"}
    assert set(data["citations"][0]) == {"page", "quote", "score"}
    assert Answer.from_dict(data) == answer


def test_cache_round_trip(tmp_path: Path, index) -> None:  # type: ignore[no-untyped-def]
    assert load_index(tmp_path, index.sha256) is None
    save_index(index, tmp_path)
    loaded = load_index(tmp_path, index.sha256)
    assert loaded is not None and loaded.chunks == index.chunks and loaded.vocab == index.vocab
    q = "What are the decarbonization levers?"
    assert ask(loaded, q) == ask(index, q)
    assert load_index(tmp_path, "0" * 64) is None


def test_answer_questions_uses_cache_without_reading_pdf(
    report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = answer_questions(
        report, ["What is the net zero target?"], cache_dir=tmp_path, dense=False
    )
    assert first[0].citations[0].page == 2

    def no_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("the PDF was read again")

    monkeypatch.setattr("esglens.ingest.read_document", no_read)
    again = answer_questions(
        report,
        ["What is the net zero target?", "Who wrote Hamlet?"],
        cache_dir=tmp_path,
        dense=False,
    )
    assert again[0] == first[0] and again[1].abstained


@pytest.mark.slow
def test_real_report_retrieval_and_speed(tmp_path: Path) -> None:
    from tests.conftest import shared_report

    path = shared_report("suez-2023-progress.pdf")
    get_index(path, tmp_path, dense=False)
    start = time.perf_counter()
    answers = answer_questions(
        path,
        [
            "Does the company have a climate change mitigation objective?",
            "Who won the 1996 NBA title?",
        ],
        cache_dir=tmp_path,
    )
    assert time.perf_counter() - start < 1.0
    assert 6 in [c.page for c in answers[0].citations]
    assert answers[1].abstained
