"""esglens.ask (answer, retrieve): retrieval, metric answers, abstention, cache round-trip."""

from __future__ import annotations

import json
import re
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
    assert answer.answer == "Scope 3 GHG emissions were 410,000 tCO2e in 2023 [p. 3]."
    assert answer.kind == "numeric"
    assert answer.citations[0] == Citation(
        page=3, quote="Scope 3 emissions (tCO2e) 410,000", score=1.0
    )
    earlier = ask(index, "What were the Scope 1 emissions in FY2022?", metrics=METRICS)
    assert earlier.answer == "Scope 1 GHG emissions were 25,100 tCO2e in 2022 [p. 3]."


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
    assert answer.reason  # says why
    data = answer.to_dict()
    assert data["answer"] is None and data["abstained"] is True and data["citations"] == []


def test_answer_json_round_trip(index) -> None:  # type: ignore[no-untyped-def]
    answer = ask(index, "How many people does the company employ?")
    data = json.loads(json.dumps(answer.to_dict()))
    assert set(data) == {"answer", "abstained", "citations", "kind", "reason"}
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


# --------------------------------------------------------------------------- question kinds

@pytest.mark.parametrize(
    ("question", "kind", "ids"),
    [
        ("What were the company's Scope 1 GHG emissions in 2019?", "numeric", [("ghg_scope1",)]),
        ("What were the market-based Scope 2 emissions in FY23?", "numeric", [("ghg_scope2_market",)]),
        ("What is the scope 1, 2 and 3 emissions of the company? Provide each scope individually.",
         "numeric", [("ghg_scope1",), ("ghg_scope2_market", "ghg_scope2_location", "ghg_scope2"),
                     ("ghg_scope3",)]),
        ("What is the total carbon footprint, the sum of scopes 1, 2 and 3?", "numeric", [("ghg_total",)]),
        ("What were combined Scope 1 and 2 emissions?", "numeric", [("ghg_scope1_2",)]),
        ("What was the headcount in 2021?", "numeric", [("employees",)]),
        ("What share of women are in management positions?", "numeric", [("women_management_share",)]),
        ("What percentage of the workforce is female?", "numeric", [("women_share",)]),
        ("How many fatalities were there?", "numeric", [("fatalities",)]),
        ("What was the LTIFR?", "numeric", [("ltifr",)]),
        ("What was the total recordable injury frequency rate?", "numeric", [("injury_frequency_rate",)]),
        ("How much water was withdrawn?", "numeric", [("water_withdrawal",)]),
        ("What was total water consumption?", "numeric", [("water_consumption",)]),
        ("How much waste was generated?", "numeric", [("waste_generated",)]),
        ("What was the renewable electricity share?", "numeric", [("renewable_energy_share",)]),
        ("What was total energy consumption in 2022?", "numeric", [("energy_consumption",)]),
        ("Who is the CEO?", "who", []),
        ("Which firm provided assurance on the GHG data?", "who", []),
        ("Which topics have been assessed to be material?", "list", []),
        ("Has the company identified decarbonisation levers? If yes, detail them.", "list", []),
        ("Does the company report its Scope 3 emissions?", "yesno", [("ghg_scope3",)]),
        ("Does the company have a Scope 3 reduction target?", "yesno", []),
        ("Does the company use an internal carbon price?", "yesno", []),
        ("What drove the change in carbon intensity?", "explain", [("ghg_intensity",)]),
        ("What does the company do?", "profile", []),
        ("Where is the company headquartered?", "profile", []),
        ("What is the company's business model?", "profile", []),
        ("Does the company operate in a high-emitting sector?", "profile", []),
        ("Does the company seek to adjust its business model to provide climate adaptation products?",
         "yesno", []),
    ],
)
def test_question_kinds_and_metrics(question: str, kind: str, ids: list[tuple[str, ...]]) -> None:
    from esglens.ask.kinds import parse_question

    query = parse_question(question)
    assert query.kind == kind
    assert [r.ids for r in query.requests] == ids


def test_question_year_selects_the_period() -> None:
    from esglens.ask.kinds import parse_question

    assert parse_question("What were Scope 1 emissions in fiscal 2023?").years == ("2023",)
    assert parse_question("What was the headcount in FY24?").years == ("2024",)
    assert parse_question("What were Scope 1 emissions in 2022/23?").years == ("2023",)


def _m(metric: str, value: float, period: str, page: int, basis: str | None = None, unit: str = "tCO2e",
       raw: str = "") -> Metric:
    return Metric(metric=metric, label=metric, value=value, unit=unit, period=period, page=page,
                  quote=f"{metric} {raw or value}", raw_value=raw or f"{value:,.0f}", basis=basis)


def test_numeric_answers_give_basis_period_and_say_what_is_missing(index) -> None:  # type: ignore[no-untyped-def]
    metrics = (
        _m("ghg_scope2_market", 456.4, "2023", 2, "market", raw="456.4"),
        _m("ghg_scope2_location", 2046.4, "2023", 3, "location", raw="2,046.4"),
        _m("ghg_scope1", 1772.6, "2023", 2, raw="1,772.6"),
        _m("employees", 3320.0, "2023", 4, unit="count"),
    )
    both = ask(index, "What were the Scope 2 emissions in 2023?", metrics=metrics).answer or ""
    assert "456.4 tCO2e" in both and "market-based" in both and "2,046.4 tCO2e" in both
    assert "location-based" in both and "[p. 2]" in both and "[p. 3]" in both
    market = ask(index, "What were market-based Scope 2 emissions?", metrics=metrics).answer or ""
    assert "456.4" in market and "2,046.4" not in market
    old = ask(index, "What were Scope 1 emissions in 2019?", metrics=metrics).answer or ""
    assert old.startswith("The report gives no figure for 2019") and "1,772.6 tCO2e in 2023 [p. 2]" in old
    total = ask(index, "What were total GHG emissions (Scope 1, 2 and 3) in 2023?", metrics=metrics)
    text = total.answer or ""
    assert "No figure for the total GHG emissions" in text and "1,772.6" in text
    staff = ask(index, "How many employees did the company have in 2023?", metrics=metrics)
    assert staff.answer == "Employees numbered 3,320 in 2023 [p. 4]."
    none = ask(index, "What was the company's water withdrawal in 2023?", metrics=metrics)
    assert none.abstained and "water withdrawal" in (none.reason or "")


def test_a_total_not_reported_is_summed_from_its_parts_and_marked_computed(index) -> None:  # type: ignore[no-untyped-def]
    parts = (
        _m("ghg_scope1", 1000.0, "2023", 2, raw="1,000"),
        _m("ghg_scope2_market", 500.0, "2023", 2, "market", raw="500"),
        _m("ghg_scope2_location", 800.0, "2023", 2, "location", raw="800"),
    )
    text = ask(index, "What were combined Scope 1 and 2 emissions in 2023?", metrics=parts).answer or ""
    assert text.startswith("No figure for Scope 1 and 2 GHG emissions was found; the report gives:")
    assert "come to 1,500 tCO2e in 2023 (Scope 1 + Scope 2 (market-based); computed by esglens" in text
    assert "[p. 2]" in text
    location = ask(index, "What were combined location-based Scope 1 and 2 emissions?", metrics=parts)
    assert "come to 1,800 tCO2e" in (location.answer or "")
    no_scope3 = ask(index, "What were total GHG emissions in 2023?", metrics=parts).answer or ""
    assert "computed" not in no_scope3 and "1,000 tCO2e" in no_scope3  # a part missing: no sum
    given = (*parts, _m("ghg_scope1_2", 1500.0, "2023", 2, raw="1,500"),
             _m("ghg_scope3", 9000.0, "2023", 3, raw="9,000"))
    total = ask(index, "What were total GHG emissions in 2023?", metrics=given).answer or ""
    assert "1,500 tCO2e in 2023" in total and "1,000 tCO2e" not in total  # Scope 1+2 stands for its parts
    assert "come to 10,500 tCO2e in 2023" in total and "No figure for Scope 1 and 2" not in total


def test_a_figure_not_extracted_is_quoted_from_the_sentence_or_table_row_stating_it(index, make_pdf) -> None:  # type: ignore[no-untyped-def]
    scope1 = METRICS[:2]  # extraction found Scope 1 only
    rate = ask(index, "What was the LTIFR in 2023?", metrics=scope1)  # the abbreviation is not printed
    assert not rate.abstained and "extracted" in (rate.answer or "")
    assert "0.8 in 2023 [p. 4]" in (rate.answer or "") and 4 in {c.page for c in rate.citations}
    row = ask(index, "What were Scope 3 emissions in 2023?", metrics=scope1).answer or ""
    assert row.startswith("No figure for Scope 3 GHG emissions was extracted; a table row reads")
    assert "410,000" in row and "[p. 3]" in row
    other = build_index(read(make_pdf("w.pdf", [[("Diversity", 16),
                                                  "Women held 30% of management positions in 2023.",
                                                  "Our site employs 4,200 people in 2023."]])))
    women = ask(other, "What share of the workforce were women in 2023?", metrics=scope1)
    assert "30%" not in (women.answer or "")  # a sentence about another metric is not quoted
    assert women.abstained and "women" in (women.reason or "")


GOVERNANCE = [
    [
        ("Letter from the CEO", 16),
        "We made good progress on our climate commitments this year.",
        "Jane Doe",
        "Chief Executive Officer",
        "John Roe, CEO Asia Pacific, leads the regional business.",
        "We joined the CEO Water Mandate in 2021.",
    ],
    [
        ("Governance", 16),
        "The Board of Directors oversees sustainability through its ESG Committee.",
        "Mary Major is the Chair of the Board of Directors.",
        "KPMG AG Wirtschaftsprufungsgesellschaft provided limited assurance on the GHG data.",
    ],
    [
        ("Materiality assessment", 16),
        "Our material topics",
        "• Climate change",
        "• Water management",
        "• Employee health and safety",
        "• Business ethics",
    ],
    [
        ("Our people", 16),
        "employees | women in management networks",
        "We employ 4,200 people in 12 countries.",
    ],
]


@pytest.fixture
def gov_index(make_pdf):  # type: ignore[no-untyped-def]
    return build_index(read(make_pdf("gov.pdf", GOVERNANCE, title="Acme Annual Report 2023")))


def test_who_answers_name_the_company_role_holder_and_assurer(gov_index) -> None:  # type: ignore[no-untyped-def]
    ceo = ask(gov_index, "Who is the CEO?")
    assert ceo.kind == "who" and "Jane Doe" in (ceo.answer or "") and "John Roe" not in (ceo.answer or "")
    assert "[p. 1]" in (ceo.answer or "")
    chair = ask(gov_index, "Who chairs the board?")
    assert "Mary Major" in (chair.answer or "")
    auditor = ask(gov_index, "Who provided assurance on the emissions data?")
    assert "KPMG AG" in (auditor.answer or "") and "[p. 2]" in (auditor.answer or "")


def test_list_answer_names_each_item_with_its_page(gov_index) -> None:  # type: ignore[no-untyped-def]
    topics = ask(gov_index, "Which topics are material?")
    assert topics.kind == "list"
    text = topics.answer or ""
    for item in ("Climate change", "Water management", "Employee health and safety", "Business ethics"):
        assert item in text
    assert "[p. 3]" in text


def test_answers_never_quote_table_fragments(gov_index) -> None:  # type: ignore[no-untyped-def]
    answer = ask(gov_index, "How does the company support women in management?")
    assert "|" not in (answer.answer or "")


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_answer_text_cites_only_pages_among_its_citations(index, gov_index, k: int) -> None:  # type: ignore[no-untyped-def]
    questions = ["What are the decarbonization levers?", "Does the company have a net zero target?",
                 "What were Scope 1 and Scope 3 emissions?", "Who is the CEO?", "Which topics are material?",
                 "How does the company govern sustainability?"]
    for ix in (index, gov_index):
        for q in questions:
            answer = ask(ix, q, k=k, metrics=METRICS if ix is index else ())
            cited = {c.page for c in answer.citations}
            assert len(answer.citations) <= k
            for page in re.findall(r"\[p\. (\d+)\]", answer.answer or ""):
                assert int(page) in cited, (q, answer)


def test_profile_question_answered_from_the_sentence_presenting_the_company(index) -> None:  # type: ignore[no-untyped-def]
    answer = ask(index, "What does the company do?")
    assert answer.kind == "profile" and not answer.abstained
    assert (answer.answer or "").startswith("Acme Industrial Group makes pumps and valves") and "[p. 1]" in (
        answer.answer or "")


def test_a_sector_question_is_answered_from_what_the_company_does(index, make_pdf) -> None:  # type: ignore[no-untyped-def]
    sector = ask(index, "Does the company operate in a high-emitting sector?")
    assert not sector.abstained and "Acme Industrial Group makes pumps" in (sector.answer or "")
    pages = [[("Markets", 16), "Our plants serve the cement sector in twelve countries."]]
    plain = build_index(read(make_pdf("s.pdf", pages)))
    answer = ask(plain, "Does the company operate in the cement sector?")  # no sentence presents it
    text = answer.answer or ""
    assert not answer.abstained and "cement sector" in text and "[p. 1]" in text


def test_off_topic_question_sharing_common_words_abstains(index) -> None:  # type: ignore[no-untyped-def]
    answer = ask(index, "Which team won the water polo world championship in 2023?")
    assert answer.abstained and "not found" in (answer.reason or "")
