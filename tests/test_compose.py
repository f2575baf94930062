"""Overview composition: grounding, verification, rewriting, and checks over the real reports."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

import esglens
from esglens.compose import (
    clean_sentence,
    compose_overview,
    detect_company,
    detect_period,
    is_prose,
    numbers_in,
    third_person,
    verify_sentence,
)
from esglens.model import Citation, Claim, Document, Metric, Page, Sentence, Target
from tests.conftest import REPORTS, shared_report

ACME_PAGES = [
    [("Acme Industries", 28), ("Sustainability Report 2023", 20)],
    [("About Acme Industries", 16),
     "Acme Industries is a leading global manufacturer of industrial pumps and valves,",
     "with 12,000 employees in 30 countries.",
     "We aim to reach net zero greenhouse gas emissions across our operations by 2040.",
     ("Climate and energy", 16),
     "In 2023, we reduced our Scope 1 and Scope 2 emissions by 18% compared with 2019.",
     "Our plants sourced 64% of their electricity from renewable energy in 2023.",
     "We installed 4,500 solar panels at our Lyon plant, generating 2.1 GWh of clean energy.",
     ("Water and waste", 16),
     "Our factories recycled 91% of their waste and cut water withdrawal by 7% in 2023."],
    [("Our people", 16),
     "Women held 31% of management positions at Acme Industries at the end of 2023.",
     "Every employee received an average of 22 hours of safety and skills training in 2023.",
     "Our lost-time injury frequency rate fell to 0.8 per million hours worked in 2023.",
     "Acme volunteers gave 9,000 hours to local community projects in our home towns.",
     ("Governance", 16),
     "The Board of Directors oversees climate risk through its Sustainability Committee.",
     "All 12,000 employees completed anti-corruption and code of conduct training in 2023.",
     "Forward-looking statements in this report involve risks and uncertainties.",
     ("TABLE", [["Indicator", "2022", "2023"],
                ["Scope 1 emissions (tCO2e)", "52,400", "48,100"],
                ["Scope 2 emissions (tCO2e)", "31,000", "27,900"]])],
]
SCOPE1_QUOTE = "Scope 1 emissions (tCO2e) 52,400 48,100"


def acme_facts() -> tuple[tuple[Metric, ...], tuple[Target, ...], tuple[Claim, ...]]:
    """Hand-built facts for the Acme fixture (as the extract stage would report them)."""
    metrics = (
        Metric("ghg_scope1", "Scope 1 emissions", 48100.0, "tCO2e", "2023", 3, SCOPE1_QUOTE,
               raw_value="48,100", raw_unit="tCO2e"),
        Metric("ghg_scope1", "Scope 1 emissions", 52400.0, "tCO2e", "2022", 3, SCOPE1_QUOTE,
               raw_value="52,400", raw_unit="tCO2e"),
        Metric("employees", "Employees", 12000.0, "count", "2023", 2,
               "with 12,000 employees in 30 countries.", raw_value="12,000", raw_unit="employees"),
    )
    targets = (
        Target("net_zero", 2, "We aim to reach net zero greenhouse gas emissions across our "
               "operations by 2040.", target_year=2040, scope="operational "),
    )
    claims = (
        Claim("Our plants sourced 64% of their electricity from renewable energy in 2023.",
              "a renewable-energy claim without the basis (certificates or contracts)", 2,
              "energy"),
    )
    return metrics, targets, claims


@pytest.fixture
def acme(make_pdf: Callable[..., Path]) -> Document:
    return esglens.read(make_pdf("acme-2023-sustainability.pdf", ACME_PAGES))


def test_numbers_are_normalised() -> None:
    assert numbers_in("We cut 1,234 t (2.50%) in FY2024.") == {"1234", "2.5", "2024"}
    assert numbers_in("Scope 1⁹ and 9,5") >= {"9", "5"}
    assert numbers_in("Scopes 1 and 2 fell 5% in 2023; Scope 3 category 11 rose.") == {"5", "2023"}


def test_verify_sentence_checks_every_number_on_cited_pages() -> None:
    page = Page(1, 600, 800, "Emissions fell to 1,234 tCO2e in 2023.")
    doc = Document("x.pdf", "0", "", 1, "en", (page,))
    cite = (Citation(1, "Emissions fell to 1,234 tCO2e in 2023."),)
    assert verify_sentence(Sentence("Emissions were 1234 tCO2e in 2023.", cite), doc)
    assert not verify_sentence(Sentence("Emissions were 1,235 tCO2e in 2023.", cite), doc)
    assert not verify_sentence(Sentence("Emissions were 1,234 tCO2e in 2023.", ()), doc)
    assert not verify_sentence(Sentence("Emissions fell.", (Citation(9, "x"),)), doc)


def test_third_person_rewrite() -> None:
    assert third_person("We aim to cut our emissions.", "Acme") == "Acme aims to cut its emissions."
    assert third_person("Our plants are efficient and we are proud.", "Acme") == (
        "Acme’s plants are efficient and it is proud.")
    assert third_person("We also reach out to the US market.", "Acme") == (
        "Acme also reaches out to the US market.")
    assert third_person("We publicly committed to it.", "Northwind") == "Northwind publicly committed to it."


def test_sentence_filters() -> None:
    assert is_prose("Acme reduced its Scope 1 emissions by 18% compared with 2019 levels.")
    disclaimer = "Forward-looking statements in this report involve risks and uncertainties."
    assert not is_prose(disclaimer)
    assert not is_prose("Scope 1 | 52,400 | 48,100 | 46,000 | 45,000 | 44,000 | 43,000.")
    assert not is_prose("For more information visit www.acme.com and our website today.")
    assert not is_prose("short sentence.")
    assert clean_sentence("– Reduced waste by 5%¹ in 2023.") == "Reduced waste by 5% in 2023."


def test_detect_company_and_period(acme: Document) -> None:
    assert detect_company(acme) == "Acme Industries"
    assert detect_period(acme) == "2023"


def test_compose_acme_overview(acme: Document) -> None:
    metrics, targets, claims = acme_facts()
    overview = compose_overview(acme, (), metrics, targets, claims)
    headers = [s.header for s in overview.sections]
    assert headers[:4] == ["ESG_overview", "Environmental", "Social", "Governance"]
    assert "Key metrics" in headers and "Targets and commitments" in headers
    texts = [s.text for sec in overview.sections for s in sec.sentences]
    assert len(texts) == len(set(texts))
    assert not any("Forward-looking" in t for t in texts)
    assert all(verify_sentence(s, acme) for sec in overview.sections for s in sec.sentences)
    km = overview.section("Key metrics")
    assert km is not None
    assert km.sentences[0].text == (
        "Scope 1 GHG emissions were 48,100 tCO2e in 2023, compared with 52,400 tCO2e in 2022."
    )
    joined = " ".join(texts)
    assert " we " not in f" {joined.lower()} " and " our " not in f" {joined.lower()} "


def test_template_sentence_with_unprinted_number_is_dropped(acme: Document) -> None:
    bad = Metric("ghg_scope2", "Scope 2 emissions", 27.9, "ktCO2e", "2023", 3, "x")
    overview = compose_overview(acme, (), (bad,), (), ())
    km = overview.section("Key metrics")
    assert km is None or not km.sentences


def _report_names() -> list[str]:
    if REPORTS is None:
        return ["siemens-2024-sustainability.pdf"]
    names = sorted(p.name for p in REPORTS.glob("*.pdf"))
    return sorted(names, key=lambda n: "image-only" in n)  # the OCR one last: it is slow


@pytest.mark.slow
@pytest.mark.parametrize("name", _report_names())
def test_real_report_overview_is_grounded(name: str) -> None:
    doc = esglens.read(shared_report(name))
    metrics, targets, claims = _real_facts(doc)
    overview = compose_overview(doc, (), metrics, targets, claims)
    seen: set[str] = set()
    for header in ("ESG_overview", "Environmental", "Social", "Governance"):
        section = overview.section(header)
        assert section is not None and section.sentences, header
    narrative = ("ESG_overview", "Environmental", "Social", "Governance")
    for section in overview.sections:
        if section.header not in narrative:
            seen = set()  # a list section (key metrics, targets …) is complete: it may repeat the prose
        for s in section.sentences:
            assert s.citations, s.text
            assert verify_sentence(s, doc), s.text
            key = re.sub(r"\W+", " ", s.text.lower())
            assert key not in seen, s.text
            seen.add(key)
            size = len(s.text) // 2 if re.search(r"[\u3400-\u9fff]", s.text) else len(s.text.split())
            assert 5 <= size <= 60 or section.header != "ESG_overview", s.text


def _real_facts(doc: Document) -> tuple[tuple[Metric, ...], tuple[Target, ...], tuple[Claim, ...]]:
    """The extract stage's facts when it exists (it is written concurrently), else none."""
    try:
        from esglens import extract
    except ImportError:
        return (), (), ()
    out = []
    for fn in ("extract_metrics", "extract_targets", "extract_claims"):
        func = getattr(extract, fn, None)
        out.append(tuple(func(doc)) if func else ())
    return out[0], out[1], out[2]


def test_well_formedness_filter_rejects_layout_debris() -> None:
    from esglens.compose.quality import why_malformed

    assert why_malformed("ESG-secured supply chain based on − − Suppliers committed − − supplier "
                         "commitment to the Supplier Code of Conduct 5.") is not None
    assert why_malformed("Baseline at the end of FY 24 Ambitions Achieved residual emissions "
                         "Acme’s Business Conduct Guidelines every three years Governance 4.")
    assert why_malformed("Results from the outside-in perspective were taken into account in "
                         "order to introduce the outcome. double materiality principle.")
    assert why_malformed("Its commitment is anchored in its Business Conduct Guidelines (BCGs) "
                         "COMPLIANCE AND ETHICS.") == "all-caps run"
    assert why_malformed("Sustainability Putting health and safety first, being environmentally "
                         "responsible and supporting local communities.") == "no finite verb"
    assert why_malformed("Acme reduced its Scope 1 emissions by 18% compared with 2019.") is None


def test_off_target_sentences_are_not_prose_or_not_about_the_company() -> None:
    from esglens.compose.quality import subject_kind

    assert not is_prose("In December, I attended the UN climate summit and came away concerned.")
    assert not is_prose("Reasonable assurance is a high level of assurance, but is not a "
                        "guarantee that it will always detect a material misstatement.")
    assert not is_prose("Pureprint Ltd is FSC certified and ISO 14001 certified, printed on "
                        "recycled paper.")
    assert subject_kind("The Inflation Reduction Act provides financial incentives.", "Rio") == (
        "other")
    assert subject_kind("Acme Stiftung is an internationally operating foundation.",
                        "Acme") == "affiliate"
    assert subject_kind("In 2023, Acme reduced its emissions by 20%.", "Acme") == "company"
    assert subject_kind("The Board approved the target.", "Acme") == "company"


def test_metric_values_print_their_unit_once() -> None:
    from esglens.compose.facts import printed_value

    m = Metric("ghg_scope1_2", "Scope 1 and 2", 32.6e6, "tCO2e", "2023", 6, "q",
               raw_value="32.6Mt CO2e", raw_unit="tCO2e")
    assert printed_value(m) == "32.6 Mt CO2e"
    m = Metric("ghg_scope1", "Scope 1", 347000.0, "tCO2e", "2024", 6, "q",
               raw_value="347", raw_unit="x1000 tCO2e")
    assert printed_value(m) == "347 thousand tCO2e"
    m = Metric("community_investment", "Community", 48.4e6, "EUR", "2024", 6, "q",
               raw_value="48.4 million", raw_unit="EUR")
    assert printed_value(m) == "€48.4 million"


def test_overview_paragraphs_open_with_identity(acme: Document) -> None:
    metrics, targets, claims = acme_facts()
    overview = compose_overview(acme, (), metrics, targets, claims)
    section = overview.section("ESG_overview")
    assert section is not None
    first = section.sentences[0]
    assert first.text.startswith("Acme Industries is a leading global manufacturer")
    paragraphs = [s.paragraph for s in section.sentences]
    assert paragraphs == sorted(paragraphs) and 3 <= len(set(paragraphs)) <= 5


def test_overview_tells_the_figures_and_marks_calculated_changes(acme: Document) -> None:
    metrics, targets, claims = acme_facts()
    overview = compose_overview(acme, (), metrics, targets, claims)
    section = overview.section("ESG_overview")
    assert section is not None
    texts = [s.text for s in section.sentences]
    change = next(s for s in section.sentences if "(calculated)" in s.text)
    assert change.text == ("Scope 1 GHG emissions were 48,100 tCO2e in 2023, down 8.2% from "
                           "52,400 tCO2e in 2022 (calculated).")
    assert change.computed == ("8.2",) and verify_sentence(change, acme)
    assert "Acme Industries had 12,000 employees in 2023." not in texts  # the opening says it
    assert [s.header for s in overview.sections] == [
        "ESG_overview", "Environmental", "Social", "Governance", "Key metrics",
        "Targets and commitments", "Data gaps", "Claims to watch"]


def test_data_gaps_are_facts_about_the_report(acme: Document) -> None:
    from esglens.extract import find_gaps

    metrics, targets, claims = acme_facts()
    gaps = find_gaps(acme, metrics)
    overview = compose_overview(acme, (), metrics, targets, claims, gaps=gaps)
    section = overview.section("Data gaps")
    assert section is not None and section.sentences
    assert any(s.text == "No figure for Scope 3 GHG emissions was found in the report."
               or s.text.startswith("No figure for Scope 3 GHG emissions in 2023")
               for s in section.sentences), [s.text for s in section.sentences]
    assert all(s.citations for s in section.sentences)


def test_off_topic_sentences_stay_out() -> None:
    from esglens.compose.quality import is_off_topic

    assert is_off_topic("In 2023, Acme launched the Cyber Protection offering for small firms.")
    assert is_off_topic("The company faces heightened competition in its core markets.")
    assert is_off_topic("Revenue grew 4% to €6.3 billion and the dividend was raised.")
    assert not is_off_topic("Acme reduced its Scope 1 emissions by 18% compared with 2019.")


def test_coordinated_verbs_and_group_modifiers_in_the_third_person() -> None:
    assert third_person("We identify risks and continuously improve our performance.", "Acme") == (
        "Acme identifies risks and continuously improves its performance.")
    assert third_person("We strive for integrity and are committed to it.", "Acme") == (
        "Acme strives for integrity and is committed to it.")
    assert third_person("We will cut waste and increase the recycling rate.", "Acme") == (
        "Acme will cut waste and increase the recycling rate.")  # a modal: the base form stays
    assert third_person("Our Group-wide system applies.", "Acme") == "Acme’s Group-wide system applies."
    assert third_person("Last year we cut waste and have progressed toward our goal.", "Acme") == (
        "Last year Acme cut waste and has progressed toward its goal.")
    assert third_person("With our suppliers, we protect our planet.", "Acme") == (
        "With Acme’s suppliers, it protects the planet.")  # "it" once named; the planet is everyone's
    assert third_person("As regards our commitment to safety, we made progress.", "Acme") == (
        "As regards Acme’s commitment to safety, Acme made progress.")  # "it" would be the commitment
    assert third_person("We review our systems and, where possible, invest in retrofits.", "Acme") == (
        "Acme reviews its systems and, where possible, invests in retrofits.")  # after the aside


def test_sentences_leaning_on_the_one_before_are_dangling() -> None:
    from esglens.compose.quality import is_dangling

    assert is_dangling("Altogether, Acme supported projects worth EUR 1.5 million.")
    assert is_dangling("With a view to protecting against these risks, Acme runs an ISMS.")
    assert is_dangling("Acme has therefore been working with local communities for decades.")
    assert is_dangling("Acme is transforming this ambition into reality across all regions.")
    assert not is_dangling("Acme reduced its Scope 1 emissions by 18% compared with 2019.")


def test_letter_spaced_capitals_are_joined() -> None:
    assert clean_sentence("Acme donated $4 million to U kraine and opened a site in the U .K. today.") == (
        "Acme donated $4 million to Ukraine and opened a site in the U.K. today.")
    assert clean_sentence("A new plant opened in 2023 and I visited it.") == (
        "A new plant opened in 2023 and I visited it.")


def test_annual_report_accounting_text_is_off_topic() -> None:
    from esglens.compose.quality import is_off_topic

    assert is_off_topic("The Company has cash flow hedges used to manage exposure to energy prices.")
    assert is_off_topic("Management believes that gross margin is an important indicator.")
    assert is_off_topic("With the efficiency program it targets €600 million of net savings.")
    assert not is_off_topic("Acme's energy efficiency programme cut electricity use by 4%.")


def test_scorecard_targets_are_listed_with_the_years_the_page_prints() -> None:
    from esglens.compose.facts import target_sentences

    quotes = ("Source 100% of global electricity use from renewable energy by end of FY25.",
              "55% minimum reduction target for absolute Scope 1 and 2 emissions by 2030.")
    doc = Document("x.pdf", "1", "", 1, "en", (Page(1, 600, 800, " ".join(quotes)),))
    targets = [Target("renewable_share", 1, quotes[0], target_year=2025, target_pct=100.0,
                      metric="renewable_energy_share", confidence=0.8),
               Target("absolute_reduction", 1, quotes[1], target_year=2030, reduction_pct=55.0,
                      scope="1+2", confidence=0.8)]
    texts = [s.text for s in target_sentences(targets, doc, "Acme")]
    assert texts == ["Acme targets a 55% reduction in Scopes 1 and 2 emissions by 2030.",
                     "Acme targets 100% renewable electricity by FY25."]


def test_chinese_candidates_are_self_contained_and_the_companys() -> None:
    from esglens.compose.zh import _candidates

    own = "公司严格执行环保制度，废水经处理后达标排放，全年未发生环境污染事故。"
    leaning = "二是强化废水治理，确保污染物达标排放和环保设施正常运行。"
    bio = "现任公司环保部部长，负责废水、废气治理与环保设施运行。"
    audit = "我们检查了公司废水、废气排放与环保设施运行的相关记录。"
    pages = (Page(1, 600, 800, "\n".join((own, leaning, bio))),
             Page(2, 600, 800, "形成审计意见的基础\n" + audit))
    doc = Document("x.pdf", "2", "", 2, "zh", pages)
    found = _candidates(doc, "北风科技")
    quotes = {c.quote for c in found}
    assert own in quotes
    assert not quotes & {leaning, bio, audit}
    comma = "公司组织环保志愿活动, 全年植树 1200 棵，改善了厂区周边的生态环境。"
    doc = Document("x.pdf", "2b", "", 1, "zh", (Page(1, 600, 800, comma),))
    assert [c.text for c in _candidates(doc, "北风科技")] == [
        "北风科技组织环保志愿活动，全年植树 1200 棵，改善了厂区周边的生态环境。"]


def test_printed_values_keep_the_scale_of_their_column() -> None:
    from esglens.compose.facts import printed_value

    def metric(value: float, raw: str, raw_unit: str, unit: str = "count") -> Metric:
        return Metric("employees", "Number of employees", value, unit, "2024", 1, "Total 327 320",
                      raw_value=raw, raw_unit=raw_unit)

    assert printed_value(metric(327000, "327", "")) == "327 thousand"  # a table "in thousands"
    assert printed_value(metric(4100, "4,100", "")) == "4,100"
    assert printed_value(metric(2.5e6, "9,012", "1,000 gigajoule", "MWh")) == "9,012 thousand gigajoules"


def test_goal_lists_are_the_companys_targets_and_neutrality_is_not_net_zero() -> None:
    from esglens.compose.facts import target_sentences

    quote = ("Recently announced, the two primary sustainability goals include an environmental "
             "goal of being carbon neutral by 2050.")
    doc = Document("x.pdf", "3", "", 1, "en", (Page(1, 600, 800, quote),))
    targets = [Target("carbon_neutral", 1, quote, target_year=2050, confidence=0.8)]
    assert [s.text for s in target_sentences(targets, doc, "Acme")] == [
        "Acme aims for carbon neutrality by 2050."]
    policy = "The European Union aims for climate neutrality by 2050."
    other = [Target("carbon_neutral", 1, policy, target_year=2050, confidence=0.8)]
    assert target_sentences(other, Document("y.pdf", "4", "", 1, "en",
                                            (Page(1, 600, 800, policy),)), "Acme") == []


def test_the_group_as_subject_is_named_and_modals_stay() -> None:
    assert third_person("With about 42,000 employees, the Group is the largest maker of trucks.",
                        "Acme") == "With about 42,000 employees, Acme is the largest maker of trucks."
    assert third_person("We cannot predict the impact of regulation.", "Acme") == (
        "Acme cannot predict the impact of regulation.")


def test_framework_prompts_table_notes_and_risk_factors_are_boilerplate() -> None:
    from esglens.compose.quality import is_boilerplate

    assert is_boilerplate("Describe the resilience of the organization's strategy under scenarios.")
    assert is_boilerplate("Total includes both employees and contractors across our sites.")
    assert is_boilerplate("Higher costs could have a material adverse effect on our results.")
    assert not is_boilerplate("Acme cut its Scope 1 emissions by 5% in 2023.")


def test_table_labels_and_bracketed_verbs_are_not_sentences() -> None:
    from esglens.compose.quality import why_malformed

    assert why_malformed("Total number of Group employees as at 31 December for reporting year.")
    assert why_malformed("Total renewable generation output as a proportion of total output "
                         "(includes biomass, hydro and pumped storage).")
    assert why_malformed("Total emissions fell 5% in 2023 as Acme replaced its old boilers.") is None


def test_target_table_rows_are_listed_with_their_part_of_the_business() -> None:
    from esglens.compose.facts import target_sentences

    quote = "42% reduction in non-generation Scope 1 and 2 emissions by 2030"
    doc = Document("x.pdf", "5", "", 1, "en", (Page(1, 600, 800, quote + " Base Year 2020"),))
    targets = [Target("absolute_reduction", 1, quote, target_year=2030, base_year=2020,
                      reduction_pct=42.0, scope="1+2", confidence=0.8)]
    assert [s.text for s in target_sentences(targets, doc, "Acme")] == [
        "Acme targets a 42% reduction in non-generation Scopes 1 and 2 emissions by 2030 from a 2020 "
        "baseline."]


def test_charter_lines_without_a_subject_are_not_sentences() -> None:
    from esglens.compose.quality import why_malformed

    assert why_malformed("Partners with the Chief Diversity Officer to support programs aimed at goals.")
    assert why_malformed("Employees with disabilities are supported by a network in all regions.") is None


def test_chinese_sentences_need_a_subject_and_the_accounts_are_left_out() -> None:
    from esglens.compose.quality import accounts_pages
    from esglens.compose.zh import _candidates

    own = "公司严格执行环保制度，废水经处理后达标排放，全年未发生环境污染事故。"
    subjectless = "排放烟尘符合大气污染物综合排放标准，废水经处理后达标排放，不造成环境污染。"
    verb_first = "升级公司环保设施，加强废水治理，确保污染物达标排放和环保设施正常运行。"
    pages = [Page(1, 600, 800, "\n".join((own, subjectless, verb_first)))]
    pages += [Page(2, 600, 800, "形成审计意见的基础\n我们审计了公司财务报表。")]
    body = "公司废水处理设施运行正常，环保投入持续增加，排放达标。"
    pages += [Page(3, 600, 800, "合并资产负债表\n" + body)]
    pages += [Page(n, 600, 800, body) for n in range(4, 15)]
    doc = Document("x.pdf", "6", "", 14, "zh", tuple(pages))
    quotes = {c.quote for c in _candidates(doc, "四方科技")}
    assert own in quotes and not quotes & {subjectless, verb_first}
    assert accounts_pages(doc) == set(range(2, 15))  # after the auditor's opinion: the accounts
    # an auditor's opinion on something else (a pay report) with no statements after it, or a
    # contents line naming the auditor's report, does not make the rest of the report accounts
    other = [Page(1, 600, 800, "Contents\nIndependent auditor's report 250")]
    other += [Page(2, 600, 800, "Independent auditor's report\nIn our opinion, the remuneration "
                                "report complies with the law.")]
    other += [Page(n, 600, 800, "Our climate strategy cut emissions by 5%.") for n in range(3, 20)]
    assert accounts_pages(Document("y.pdf", "7", "", 19, "en", tuple(other))) == set()


def test_a_heading_run_into_a_sentence_is_malformed() -> None:
    from esglens.compose.quality import why_malformed

    assert why_malformed("Reduce the CO2e per package delivered 50% by 2035 Acme has seen a 14% reduction "
                         "in CO2e per package from 2010 to 2020.")
    assert why_malformed("Acme cut its CO2e per package by 14% from 2010 to 2020.") is None


def test_a_pillar_with_figures_but_no_quotable_sentence_names_them() -> None:
    from esglens.compose.coverage import figures_note

    doc = Document("x.pdf", "7", "", 1, "en", (Page(1, 600, 800, "Employees 3,551 Fatalities 0"),))
    metrics = [Metric("employees", "Employees", 3551.0, "count", "2023", 1, "Employees 3,551"),
               Metric("fatalities", "Fatalities", 0.0, "count", "2023", 1, "Fatalities 0")]
    note = figures_note("S", doc, metrics, "en")
    assert note is not None and note.text == (
        "The report's social figures cover number of employees and work-related fatalities.")
    assert [c.page for c in note.citations] == [1]
    assert figures_note("G", doc, metrics, "en") is None


def test_a_row_for_one_country_keeps_its_boundary_in_the_label() -> None:
    from esglens.compose.facts import label_and_verb

    us = Metric("ltifr", "Lost-time incident rate (U.S.)", 0.0, "rate", "2022", 22, "q")
    assert label_and_verb(us)[0] == "Lost-time injury frequency rate (U.S.)"
    group = Metric("ltifr", "LTIFR (per million hours)", 0.5, "rate", "2022", 22, "q")
    assert label_and_verb(group)[0] == "Lost-time injury frequency rate"


def test_zero_counts_and_number_words_read_as_english() -> None:
    from esglens.compose.facts import none_text, printed_value

    words = Metric("fatalities", "Work-related fatalities", 2.0, "count", "2022", 19,
                   "… zu zwei tödlichen Verkehrsunfällen …", raw_value="zwei tödlichen Verkehrsunfällen")
    assert printed_value(words) == "two"
    zero = Metric("fatalities", "Work-related fatalities", 0.0, "count", "2022", 27,
                  "There were no fatal work-related accidents.", raw_value="no fatal accidents")
    assert none_text(zero) == "There were no work-related fatalities in 2022."
    share = Metric("renewable_energy_share", "Share", 82.0, "%", "2022", 30, "82 %.", raw_value="82 %.")
    assert printed_value(share) == "82%"
    marked = Metric("ghg_total", "Total", 3976617.0, "tCO2e", "2022", 19, "q", raw_value="3,976,617¹",
                    raw_unit="tCO2e")
    assert printed_value(marked) == "3,976,617 tCO2e"


def test_changes_of_a_handful_or_of_a_new_method_are_not_calculated() -> None:
    from esglens.compose.narrative import _change

    def m(value: float, period: str, unit: str = "tCO2e") -> Metric:
        return Metric("ghg_scope3", "Scope 3", value, unit, period, 1, "q")

    assert _change(m(0, "2020", "count"), m(2, "2019", "count"), "en") == ("", "")
    assert _change(m(18.9e6, "2020"), m(187.2e6, "2019"), "en") == ("", "")  # -90%: a new method
    assert _change(m(9500.0, "2020"), m(10000.0, "2019"), "en")[1] == "5.0"
    assert _change(m(0.24, "2020"), m(0.23, "2019"), "en") == ("", "")  # rounded: no change


def test_goal_lines_in_the_imperative_are_not_sentences() -> None:
    from esglens.compose.quality import why_malformed

    assert why_malformed("Reduce our use of virgin plastic derived from non-renewable sources by "
                         "3 million metric tons from 2020 to 2025.")
    assert why_malformed("Support for local communities is a key part of how the company works with "
                         "its neighbours.") is None


def test_we_at_the_company_and_contractions_in_the_third_person() -> None:
    assert third_person("This report sets out how we at Acme implement the ten principles.",
                        "Acme") == "This report sets out how Acme implements the ten principles."
    assert third_person("We didn't reduce our use of virgin plastic.", "Acme") == (
        "Acme didn't reduce its use of virgin plastic.")


def test_the_headline_is_the_net_zero_or_neutrality_goal_before_interim_cuts() -> None:
    from esglens.compose.facts import headline_target

    neutral = ("Acme has set itself the target of becoming carbon-neutral by the end of the 2030 "
               "fiscal year with respect to scope 1 and scope 2 emissions.")
    cut = "By 2025, Acme aims to reduce its Scope 1 and 2 emissions by 70% from 2019."
    doc = Document("x.pdf", "6", "", 2, "en", (Page(1, 600, 800, neutral), Page(2, 600, 800, cut)))
    targets = [Target("absolute_reduction", 2, cut, target_year=2025, base_year=2019,
                      reduction_pct=70.0, scope="1+2", confidence=0.9),
               Target("carbon_neutral", 1, neutral, target_year=2030, scope="1+2", confidence=0.6)]
    head = headline_target(targets, doc, "Acme")
    assert head is not None and "carbon neutrality" in head.text and head.citations[0].page == 1


def test_third_person_verbs_after_adverbs_and_in_ss_ly_eed() -> None:
    assert third_person("We strictly reject corruption and we assess our suppliers.", "Acme") == (
        "Acme strictly rejects corruption and it assesses its suppliers.")
    assert third_person("We need partners and we apply the rules.", "Acme") == (
        "Acme needs partners and it applies the rules.")


def test_auditor_voice_risk_factors_and_corporate_law_are_not_esg() -> None:
    from esglens.compose.quality import is_boilerplate, is_off_topic

    assert is_boilerplate("In our opinion, the statements give a true and fair view of the company.")
    assert is_boilerplate("Higher raw material prices could adversely affect the company's results.")
    assert is_off_topic("The board may issue preferred stock without stockholder approval.")
    assert not is_off_topic("Acme cut its Scope 1 emissions by 5% in 2023.")


def test_decimal_comma_figures_are_written_in_english_and_still_verify() -> None:
    from esglens.compose.facts import english_number
    from esglens.compose.phrasing import english_figures

    assert english_number("1.843,3 t", 1843.3) == "1,843.3 t"
    assert english_number("31,0%", 31.0) == "31.0%"
    assert english_number("1,234", 1234.0) == "1,234"  # the English reading was extracted
    assert english_number("4364", 4364.0) == "4,364"
    text = "Die Emissionen betrugen 1.843,3 t und 75,8 % der Führungskräfte."
    doc = Document("de.pdf", "7", "", 1, "de", (Page(1, 600, 800, text + " Quote 1,5 % 2,3 %"),))
    quoted = english_figures("Acme avoided 1.843,3 tons of CO2 and 75,8 % took part.", doc)
    assert quoted == "Acme avoided 1,843.3 tons of CO2 and 75.8 % took part."
    assert verify_sentence(Sentence(quoted, (Citation(1, text),)), doc)


def test_targets_table_rows_and_first_person_in_german_are_the_companys() -> None:
    from esglens.compose.facts import is_own_target

    page = "Our targets 2030 Reducing Scope 1 and 2 GHG emissions by 25% (intensity, vs. 2009)"
    row = Target("intensity_reduction", 1, "Reducing Scope 1 and 2 GHG emissions by 25% (intensity)",
                 target_year=2030, reduction_pct=25.0, confidence=0.8)
    assert is_own_target(row, "Acme", page)
    verbless = Target("renewable_share", 1, "DATA CENTERS 100% renewable electricity use (2030)",
                      target_year=2030, target_pct=100.0, confidence=0.8)
    assert is_own_target(verbless, "Acme", page) and not is_own_target(verbless, "Acme", "Our data centres")
    german = Target("absolute_reduction", 1, "Dazu wollen wir bis 2030 unsere Emissionen um 40 % senken.",
                    target_year=2030, reduction_pct=40.0, confidence=0.8)
    assert is_own_target(german, "Acme")
    peer = Target("net_zero", 1, "Our customer Borealis aims for net zero by 2040.", target_year=2040,
                  confidence=0.8)
    assert not is_own_target(peer, "Acme", "Case study: customer goals")


def test_labels_keep_management_levels_and_changes_compare_like_prints() -> None:
    from esglens.compose.facts import label_and_verb, printed_alike, printed_value

    share = Metric("women_management_share", "Women in management", 16.5, "%", "2022", 21,
                   "The percentage of women in middle and senior management positions was 16.5 percent.")
    assert label_and_verb(share)[0] == "The share of women in middle and senior management"
    cut = Metric("ghg_total", "Total", 13129.02, "tCO2e", "2023", 28, "q",
                 raw_value="13,129.02 metric tons of CO2 equivalent (t CO2", raw_unit="tCO2e")
    assert printed_value(cut) == "13,129.02 metric tons of CO2 equivalent"
    exact = Metric("ghg_total", "Total", 5621357.0, "tCO2e", "2023", 10, "q", raw_value="5,621,357",
                   raw_unit="tCO2e")
    rounded = Metric("ghg_total", "Total", 5.56e6, "tCO2e", "2022", 10, "q", raw_value="5.56",
                     raw_unit="x1e+06 t")
    assert not printed_alike(exact, rounded)
    assert printed_alike(exact, replace(exact, value=5557615.0, raw_value="5,557,615"))


def test_pillars_follow_the_subject_of_the_sentence() -> None:
    from esglens.compose import select

    hr = ("When Acme makes human resources decisions, such as hiring or staff training, it is guided "
          "by the principle of equal opportunities.")
    assert select._PEOPLE.search(hr) and not select._GOVERNANCE_WORDS.search(hr)
    assert not select._GOVERNS.search(hr)  # staff remuneration is not the board's pay
    assert select._GOVERNS.search("The remuneration committee reviews executive pay every year.")
    water = "Acme replenished 100% of the water it uses in its beverages in 2023."
    assert select._NATURE.search(water) and not select._PEOPLE.search(water)


def test_chinese_glossary_entries_and_back_references_are_not_quoted() -> None:
    from esglens.compose import zh

    assert zh._LEANS.search("綠色存款：本行綠色存款募集之資金，專門用於綠色授信項目。")
    assert zh._LEANS.search("將環境風險調查表納入本行授信規則，2022 年 6 月 1 日正式實施。")
    assert zh._REFERS.search("本行每半年定期向董事會呈報前述工作報告。")
    assert not zh._LEANS.search("本行承诺于2050年前实现净零排放。")


def test_financed_targets_and_unit_headers_read_right() -> None:
    from esglens.compose.facts import printed_value, target_sentences

    quote = "We target net zero financed emissions across our lending portfolio by 2050."
    doc = Document("b.pdf", "8", "", 1, "en", (Page(1, 600, 800, quote),))
    t = Target("absolute_reduction", 1, quote, target_year=2050, reduction_pct=30.0, confidence=0.8)
    assert "financed emissions" in target_sentences([t], doc, "Acme")[0].text
    energy = Metric("energy_consumption", "Energy Use", 1.28e6, "MWh", "2020", 1, "q",
                    raw_value="4,364", raw_unit="billions of btus")
    assert printed_value(energy) == "4,364 billion Btu"


def test_a_preposition_after_and_is_not_conjugated() -> None:
    assert third_person("We signed agreements in Chile, and for a portion of our needs in Peru.",
                        "Acme") == "Acme signed agreements in Chile, and for a portion of its needs in Peru."


def test_environmental_compliance_and_climate_adaptation_are_environmental() -> None:
    from esglens.compose import select

    spill = "If there is an unapproved discharge from its wastewater system, Acme must report it."
    assert select._NATURE.search(spill) and not select._BOARD.search(spill)
    assert select.CLIMATE_WORDS.search("Physical risks from extreme heat affect Acme's sites.")


def test_fte_headcounts_and_financial_sustainability_are_told_apart() -> None:
    from esglens.compose import compose as composer
    from esglens.compose.narrative import workforce_fact

    fte = Metric("employees", "Employees", 19498.0, "count", "2020", 1, "Employees FTE 19,498 17,287",
                 raw_value="19,498")
    doc = Document("f.pdf", "9", "", 1, "en", (Page(1, 600, 800, "2020 2019 Employees FTE 19,498 17,287"),))
    sent = workforce_fact({"employees": [fte]}, doc, "Acme", "en", 0)
    assert sent is not None and sent.text == "Acme had 19,498 employees in full-time equivalents in 2020."
    growth = "The Supervisory Board endorsed the strategy of sustainable and profitable organic growth."
    assert not composer._ESG_GOVERNANCE.search(composer._SUSTAINED.sub("", growth))
    assert composer._ESG_GOVERNANCE.search("The Board oversees the sustainability strategy.")


def _candidate(text: str, **cues: bool) -> object:
    from esglens.compose.select import Candidate

    return Candidate(text, text, 1, "t", "S", 1.0, frozenset(), cues.get("quantified", False),
                     False, cues.get("achievement", False), False, True, "company")


def test_headline_quotes_are_esg_substance_not_values_plans_or_report_meta() -> None:
    from esglens.compose.compose import _headline

    keep = [("Acme reduced its Scope 1 and 2 emissions by 37% since 2015.", {"achievement": True}),
            ("The Board's Sustainability Committee reviews climate risks twice a year.", {}),
            ("Acme's whistleblower system followed up on 41 of 120 reports received.", {})]
    for text, cues in keep:
        assert _headline(_candidate(text, **cues)), text  # type: ignore[arg-type]
    drop = [("Acme receives 95% of customer invoices sold net of a dilution factor.",
             {"quantified": True}),  # no ESG subject: financing
            ("Acme believes that all hazards can be avoided by preventive action.", {}),
            ("Acme has adopted the principle of materiality in its ESG reporting.", {}),
            ("Acme will continue to use its seat on the Chamber's climate task force.", {}),
            ("96% of employees who completed the workshop felt more prepared to intervene.",
             {"quantified": True}),  # "the workshop": introduced on the page before
            ("During the year, Acme donated $80,000 (2018: $75,000) to local community groups.",
             {"quantified": True}),  # a financial note's prior-year aside
            ("Acme continues to work towards its ambition to cut carbon intensity by 40%.",
             {"quantified": True})]  # a plan, not a result
    for text, cues in drop:
        assert not _headline(_candidate(text, **cues)), text  # type: ignore[arg-type]


def test_a_gerund_after_and_stays_and_a_spliced_footnote_is_malformed() -> None:
    from esglens.compose.quality import why_malformed

    assert third_person("We are committed to building and sustaining a relationship with them.",
                        "Acme") == "Acme is committed to building and sustaining a relationship with them."
    assert why_malformed("Acme monitors its sites to ensure compliance with the applicable laws, "
                         "regulations 1 XYZ is a drilling technology for heavy oil.")
    assert why_malformed("Scope 1 GHG emissions of the group were 1,200 t in 2023.") is None
    assert why_malformed("Acme links the pay of executives for Sterling Works to its safety goals.") is None
    assert why_malformed("In 2023, it Revised risk management processes across all of its sites.")


def test_a_figure_keeps_its_approximation_and_its_pages_coverage_note() -> None:
    from esglens.compose.narrative import metric_fact, workforce_fact

    page = ("Safety 2023 2022\nTotal recordable incident rate (TRIR)(1) 1.31 1.12\n"
            "Safety metrics disclosed are for U.S. employees only.\n"
            "Acme employs approximately 84,000 people.")
    doc = Document("n.pdf", "10", "", 1, "en", (Page(1, 600, 800, page),))
    rate = Metric("injury_frequency_rate", "TRIR", 1.31, "rate", "2023", 1,
                  "Total recordable incident rate (TRIR)(1) 1.31 1.12", raw_value="1.31")
    sent = metric_fact([rate], doc, "en", 2)
    assert sent is not None and sent.text.endswith(
        "(a note on the page: “Safety metrics disclosed are for U.S. employees only”).")
    assert [c.quote for c in sent.citations][-1] == "Safety metrics disclosed are for U.S. employees only"
    staff = Metric("employees", "Employees", 84000.0, "count", "2023", 1,
                   "Acme employs approximately 84,000 people.", raw_value="84,000", source="text")
    told = workforce_fact({"employees": [staff]}, doc, "Acme", "en", 0)
    assert told is not None and told.text == "Acme had about 84,000 employees in 2023."
    page = "Safety 2023 2022\nNumber of fatalities(2) 0 0\n2) Covers all own warehouses."
    noted = Document("n.pdf", "10b", "", 1, "en", (Page(1, 600, 800, page),))
    deaths = Metric("fatalities", "Number of fatalities", 0.0, "count", "2023", 1,
                    "Number of fatalities(2) 0 0", raw_value="0")
    sent = metric_fact([deaths], noted, "en", 2)
    assert sent is not None and sent.text.endswith(
        "(the figure covers all own warehouses, as the page notes).")
    part = replace(staff, quote="donated ($6M in corporate donations and $84,000 raised) in 2023.")
    assert workforce_fact({"employees": [part]}, doc, "Acme", "en", 0) is None  # a cut clause


def _told_targets(page_text: str, *targets: Target) -> list[str]:
    """The Targets section's sentences for ``targets`` quoted from a one-page document."""
    from esglens.compose.facts import target_sentences

    sha = hashlib.sha256(page_text.encode()).hexdigest()  # per-document caches key on it
    doc = Document("t.pdf", sha, "", 1, "en", (Page(1, 600, 800, page_text),))
    return [s.text for s in target_sentences(list(targets), doc, "Acme")]


def _told_cut(quote: str, year: int, base: int, pct: float, scope: str) -> list[str]:
    """The Targets section's sentences for one absolute reduction target read from ``quote``."""
    return _told_targets("Our targets " + quote, Target(
        "absolute_reduction", 1, quote, target_year=year, base_year=base, reduction_pct=pct,
        scope=scope, confidence=0.8))


def test_a_target_read_in_part_gives_way_to_the_wider_one() -> None:
    text = "Acme aims to be carbon neutral by 2025 for Scope 1 and Scope 2 emissions."
    part = Target("carbon_neutral", 1, text, target_year=2025, scope="1", confidence=0.8)
    whole = Target("carbon_neutral", 1, text, target_year=2025, scope="1+2", confidence=0.8)
    told = _told_targets(text, part, whole)
    assert len(told) == 1 and "Scopes 1 and 2" in told[0]


def test_a_figure_names_the_tier_and_the_kind_of_staff_it_counts() -> None:
    from esglens.compose.facts import label_and_verb, printed_value
    from esglens.compose.narrative import workforce_fact

    tiers = ("the proportion of women in the first management tier was 12.5% (three women) and the "
             "proportion in the second tier was 21.4% (17 women).")
    women = Metric("women_management_share", "Women in management", 21.4, "%", "2023", 1, tiers,
                   raw_value="21.4")
    assert label_and_verb(women)[0] == "The share of women in second-tier management"
    quote = "At the end of 2023, the Acme Group employed a total of 2,615 permanent employees."
    doc = Document("p.pdf", "12", "", 1, "en", (Page(1, 600, 800, quote),))
    staff = Metric("employees", "Employees", 2615.0, "count", "2023", 1, quote, raw_value="2,615",
                   source="text")
    told = workforce_fact({"employees": [staff]}, doc, "Acme", "en", 0)
    assert told is not None and told.text == "Acme had 2,615 permanent employees in 2023."
    share = Metric("renewable_energy_share", "Green electricity", 61.0, "%", "2022", 1,
                   "Green electricity (61 %) Other sources (39 %)", raw_value="61 %)", raw_unit="%")
    assert printed_value(share) == "61%"


def test_headline_quotes_expand_their_acronyms_and_read_as_english() -> None:
    from esglens.compose.compose import _unexplained
    from esglens.compose.quality import why_malformed

    assert _unexplained("Its net emissions do not include 40,000 XCUs retired in 2023.", "Acme")
    assert not _unexplained("The Executive Leadership Team (ELT) reviews GHG targets.", "Acme")
    assert not _unexplained("ACME reduced its Scope 1 GHG emissions by 10%.", "ACME Corp")
    assert why_malformed("Acme is an international group which including its renewable business "
                         "is represented in 23 countries.")
    assert clean_sentence("Our longterm goal is to raise the share of women.") == \
        "Our long-term goal is to raise the share of women."


def test_a_target_for_one_products_emissions_says_so() -> None:
    quote = "Reduce our Scope 3 emissions from our high-grade ores by 50% by 2035 relative to 2022 levels."
    told = _told_cut(quote, 2035, 2022, 50.0, "3")
    assert told and "emissions from its high-grade ores" in told[0], told


def test_a_rows_footnote_and_band_qualify_its_figure() -> None:
    from esglens.compose.facts import label_and_verb, printed_value
    from esglens.compose.narrative import metric_fact, workforce_fact

    page = ("2023 2022\nNumber of employees6, * 18,240 17,905\n"
            "6 Full-time equivalents (FTE) as at balance sheet date 31/12/.\n"
            "GHG from Water activities: Scope 1 + Scope 2 (kilotons of CO2 eq.) 2,317 2,402\n"
            "Share of the Group's power generation accounted for by renewable energy 31.6 29.9")
    doc = Document("f.pdf", "14", "", 1, "en", (Page(1, 600, 800, page),))
    staff = Metric("employees", "Employees", 18240.0, "count", "2023", 1,
                   "Number of employees6, * 18,240 17,905", raw_value="18,240")
    told = workforce_fact({"employees": [staff]}, doc, "Acme", "en", 0)
    assert told is not None and "in full-time equivalents" in told.text
    water = Metric("ghg_scope1_2", "Scope 1 + Scope 2", 2.317e6, "tCO2e", "2023", 1,
                   "Scope 1 + Scope 2 (kilotons of CO2 eq.) 2,317 2,402", raw_value="2,317",
                   raw_unit="ktCO2e")
    assert metric_fact([water], doc, "en", 1) is None  # one business's figure is no headline
    share = Metric("renewable_energy_share", "Renewables", 31.6, "%", "2023", 1,
                   "Share of the Group's power generation accounted for by renewable energy 31.6",
                   raw_value="31.6")
    assert "power generation" in label_and_verb(share)[0]
    bracketed = Metric("ghg_scope2_market", "Scope 2", 41206.0, "tCO2e", "2023", 1, "Scope 2 (41,206)",
                       raw_value="(41,206)", raw_unit="tCO2e")
    assert printed_value(bracketed) == "41,206 tCO2e"


def test_targets_keep_their_intensity_denominator_part_and_approximation() -> None:
    from esglens.compose.facts import headline_target, target_sentences

    quotes = ["Our ambition is to cut the intensity of the emissions of the products we sell by "
              "about 50% by 2050 compared to our 2016 levels.",
              "Reduce CO2 per package delivered for regional parcels by 50% by 2035 (2010 baseline).",
              "Our overriding goal is CO2-neutral production by 2035 and 50% of projects by 2026."]
    doc = Document("g.pdf", "15", "", 1, "en", (Page(1, 600, 800, "Our goals " + " ".join(quotes)),))
    targets = [Target("absolute_reduction", 1, quotes[0], target_year=2050, base_year=2016,
                      reduction_pct=50.0, metric="sold_product_emissions", confidence=0.8),
               Target("intensity_reduction", 1, quotes[1], target_year=2035, base_year=2010,
                      reduction_pct=50.0, confidence=0.8),
               Target("carbon_neutral", 1, quotes[2], target_year=2035, confidence=0.8)]
    told = [s.text for s in target_sentences(targets, doc, "Acme")]
    assert "Acme aims for carbon neutrality of its production by 2035." in told
    assert ("Acme aims for a roughly 50% reduction in sold product emissions intensity by 2050 "
            "from a 2016 baseline.") in told  # (an ambition, not a target)
    assert any("emissions intensity (per package delivered, for regional parcels)" in t for t in told), told
    wide = headline_target(targets[:2], doc, "Acme")
    assert wide is not None and wide.text.startswith("Acme targets a")  # not "headline target"


def test_the_companys_possessive_and_significant_categories_read_right() -> None:
    from esglens.compose.facts import label_and_verb

    assert third_person("Our employees are the foundation of our Company’s success.", "Acme") == \
        "Acme’s employees are the foundation of its success."
    scope3 = Metric("ghg_scope3", "Significant Scope 3 total emissions", 702311.4, "tCO2e", "2023",
                    1, "Significant Scope 3 total emissions 702,311.4 t", raw_value="702,311.4")
    assert "reported as “Significant Scope 3 total emissions”" in label_and_verb(scope3)[0]


def test_a_renewable_share_the_report_calls_one_of_electricity_says_so() -> None:
    from esglens.compose.narrative import metric_fact

    pages = (Page(1, 600, 800, "In 2023, the share of renewable energy in total energy consumption "
                              "was 76.2 %."),
             Page(2, 600, 800, "The share of renewable energies in total electricity demand was "
                              "76.2 % in 2023 (previous year: 64.9 %)."),
             Page(3, 600, 800, "In 2023 we switched to green power. In the reporting year the share "
                              "was 82 %."))
    doc = Document("e.pdf", "16", "", 3, "en", pages)
    infographic = Metric("renewable_energy_share", "Share of renewable energy", 76.2, "%", "2023", 1,
                         pages[0].text, raw_value="76.2 %.")
    sent = metric_fact([infographic], doc, "en", 1)
    assert sent is not None and sent.text.startswith("The share of renewable electricity was 76.2%")
    after = Metric("renewable_energy_share", "Share of renewable energy", 82.0, "%", "2023", 3,
                   "In the reporting year the share was 82 %.", raw_value="82 %")
    sent = metric_fact([after], doc, "en", 1)
    assert sent is not None and "renewable electricity" in sent.text


def test_it_never_points_at_another_organisation() -> None:
    assert third_person("Through our partnership with Northwind GmbH, we have reused 410 tons of IT "
                        "equipment.", "Acme") == ("Through Acme’s partnership with Northwind GmbH, "
                                                  "Acme has reused 410 tons of IT equipment.")


def test_result_lines_need_a_subject_and_floors_stay_floors() -> None:
    from esglens.compose.compose import _ANAPHORIC
    from esglens.compose.quality import why_malformed

    assert why_malformed("Reduced the emissions of the fleet by 20% in 2023 across all sites.")
    assert why_malformed("Launched in 2020, the programme trained 5,000 employees in safety.") is None
    assert _ANAPHORIC.search("In adopting the diversity policy, the Board set a target of 30% women.")
    quote = "We will reduce operational GHG emissions by at least 30 per cent from FY2020 levels by FY2030."
    told = _told_cut(quote, 2030, 2020, 30.0, "1+2")
    assert told and "a minimum 30% reduction" in told[0], told


def test_a_committee_of_the_companys_board_is_the_company() -> None:
    from esglens.compose.quality import subject_kind

    assert subject_kind("The Nominating and Governance Committee (NGC) of our Board reviews ESG "
                        "practices.", "Acme") == "company"
    assert subject_kind("The Financial Stability Board created the task force in 2015.", "Acme") == "other"


def test_a_combined_scope_1_and_2_figure_for_a_later_year_beats_older_separate_scopes() -> None:
    from esglens.compose.narrative import environment_facts, series_by_metric

    text = ("Scope 1 GHG emissions 176.1 Scope 2 GHG emissions 22.7 (2021) "
            "Total Scope 1 & 2 GHG emissions 2023 1,642.5 tCO2e")
    doc = Document("x.pdf", "scopes-later", "", 1, "en", (Page(1, 600, 800, text),))

    def fact(metric: str, label: str, value: str, period: str) -> Metric:
        return Metric(metric, label, float(value.replace(",", "")), "tCO2e", period, 1, value,
                      raw_value=value, raw_unit="tCO2e", source="table", confidence=0.9, primary=True)

    metrics = [fact("ghg_scope1", "Scope 1 GHG emissions", "176.1", "2021"),
               fact("ghg_scope2", "Scope 2 GHG emissions", "22.7", "2021"),
               fact("ghg_scope1_2", "Total Scope 1 & 2 GHG emissions", "1,642.5", "2023")]
    told = [s.text for s in environment_facts(series_by_metric(metrics), doc, "en", 1)]
    assert any("1,642.5" in t and "2023" in t for t in told) and not any("176.1" in t for t in told)


def test_a_death_count_its_sentence_adds_to_is_not_told_alone() -> None:
    from esglens.compose.narrative import metric_fact

    quote = ("Sadly, there were two fatal accidents involving our drivers and one fatal accident of "
             "a contractor.")
    doc = Document("d.pdf", "deaths", "", 1, "en", (Page(1, 600, 800, quote + " 2023"),))
    part = Metric("fatalities", "Work-related fatalities", 2.0, "count", "2023", 1, quote,
                  raw_value="two fatal accidents", source="text", confidence=0.52, primary=True)
    assert metric_fact([part], doc, "en", 2) is None
    whole = replace(part, quote="Sadly, there were two fatal accidents involving our drivers in 2023.")
    assert metric_fact([whole], doc, "en", 2) is None or "two" in metric_fact([whole], doc, "en", 2).text


def test_a_gap_the_report_may_fill_is_not_claimed_as_a_fact() -> None:
    from esglens.compose.narrative import gap_sentences
    from esglens.model import Gap

    pages = (Page(1, 600, 800, "Acme Sustainability Report 2023"),
             Page(2, 600, 800, "Energy 2023 2022\n"
                  "Total energy consumption kWh in ‘000s 512,204.31 540,118.02\n"
                  "We aim to reduce water use by 20% by 2030.\nGRI 303-3 Water withdrawal p. 41"))
    doc = Document("g.pdf", "gaps", "", 2, "en", pages)
    energy = Gap("energy", "Total energy consumption", "E", "2023", (), "no figure found in the report")
    water = Gap("water", "Water withdrawal or consumption", "E", "2023", (), "no figure found in the report")
    told = gap_sentences([energy, water], doc, "en")
    assert told[0].text.startswith("The cited line may give a figure for the total energy consumption")
    assert told[0].citations[0].page == 2 and "512,204.31" in told[0].citations[0].quote
    assert told[1].text.startswith("No figure for water withdrawal")  # a target and an index line


def test_the_social_headline_is_about_people_not_it_security(make_pdf: Callable[..., Path]) -> None:
    pages = [
        [("Northwind Logistics Sustainability Report 2023", 20),
         "Northwind Logistics is a freight company operating 40 depots in Europe."],
        [("Training", 16), "In 2023, we trained 6,200 employees in our IT security training programme, "
                           "and training hours per employee rose 40%."],
        [("Health and safety", 16),
         "In 2023, we reduced the lost-time injury rate at all our depots through safety coaching."],
        [("Climate", 16), "In 2023, we cut our Scope 1 emissions by 12% to 4,100 tCO2e."],
        [("Governance", 16),
         "The Sustainability Committee of our Board oversees our climate strategy and meets quarterly."],
    ]
    doc = esglens.read(make_pdf("northwind-2023.pdf", pages))
    overview = compose_overview(doc, (), (), (), ())
    section = overview.section("ESG_overview")
    assert section is not None
    texts = " ".join(s.text for s in section.sentences)
    assert "lost-time injury rate" in texts and "IT security" not in texts


def test_an_ambition_is_aimed_for_and_a_split_unit_is_joined() -> None:
    from esglens.compose.facts import printed_value, target_sentences

    quote = "Our ambition is to cut the carbon intensity of the products we sell by 40% by 2040."
    doc = Document("a.pdf", "ambition", "", 1, "en", (Page(1, 600, 800, quote),))
    target = Target("intensity_reduction", 1, quote, target_year=2040, reduction_pct=40.0, confidence=0.8)
    told = [s.text for s in target_sentences([target], doc, "Acme")]
    assert told and told[0].startswith("Acme aims for a 40% reduction"), told
    m = Metric("ghg_scope1", "GHG Scope 1", 1049.66, "tCO2e", "2023", 1, "GHG Scope 1 1,049.66 t CO2 e",
               raw_value="1,049.66 t CO2 e", raw_unit="tCO2e")
    assert printed_value(m) == "1,049.66 tCO2e"


def test_a_table_figure_under_no_year_cites_the_page_that_states_the_year() -> None:
    from esglens.compose.narrative import metric_fact

    pages = (Page(1, 600, 800, "Northwind Oil 2019 Environmental, Social and Governance Report"),
             Page(2, 600, 800, "The GHG emission of the Group is as follows:\n"
                               "Scope 1 tonnes of CO2-e 81,204.33 83,020.10"))
    doc = Document("y.pdf", "year-page", "", 2, "en", pages)
    m = Metric("ghg_scope1", "Scope 1", 81204.33, "tCO2e", "2019", 2,
               "Scope 1 tonnes of CO2-e 81,204.33 83,020.10", raw_value="81,204.33", source="table")
    sent = metric_fact([m], doc, "en", 1)
    assert sent is not None and [c.page for c in sent.citations] == [2, 1]
    assert metric_fact([replace(m, source="text")], doc, "en", 1) is None  # a sentence's year is its own
