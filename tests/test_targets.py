"""Target extraction: how targets are worded (EN/DE/ZH), laid out, and whose they are."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import esglens
from esglens.extract import extract_targets
from esglens.extract.target_tables import iter_column_statements
from esglens.extract.target_text import iter_statements
from esglens.extract.targets import dedupe_targets, iter_sentence_targets, parse_statement
from esglens.model import Block, Cell, Page, Table, TableRow, Target
from tests.conftest import shared_report


def _facts(sentence: str, context: str = "") -> set[tuple[object, ...]]:
    """(type, target year, base year, percentage, scope) of each target in ``sentence``."""
    return {
        (t.type, t.target_year, t.base_year, t.reduction_pct or t.target_pct, t.scope)
        for t in iter_sentence_targets(sentence, 1, context)
    }


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # SBTi target language: verb, object, percentage, year, base year
        ("Acme commits to reduce absolute scope 1 and 2 GHG emissions 42% by 2030 from a 2020 "
         "base year.", {("absolute_reduction", 2030, 2020, 42.0, "1+2")}),
        ("Acme commits to reduce scope 3 GHG emissions 25% per million USD value added by 2030 "
         "from a 2020 base year.", {("intensity_reduction", 2030, 2020, 25.0, "3")}),
        ("We have set a medium-term target to reduce operational GHG emissions (Scope 1 and Scope "
         "2 from our operated assets) by at least 30 per cent from FY2020 levels by FY2030.",
         {("absolute_reduction", 2030, 2020, 30.0, "1+2")}),
        # the year first, the percentage last
        ("By 2030, reduce Scope 1 and 2 carbon emissions per dollar of gross profit by 70% to "
         "outperform the science-based target.", {("intensity_reduction", 2030, None, 70.0, "1+2")}),
        ("By the end of the 2025 fiscal year, the company is aiming to reduce its own emissions by "
         "70 percent compared with the 2019 calendar year.",
         {("absolute_reduction", 2025, 2019, 70.0, "1+2")}),
        ("Our aim is to become a carbon-neutral company by the end of the 2030 fiscal year.",
         {("carbon_neutral", 2030, None, None, None)}),
        # intensity wordings: "specifically", "in relation to revenues", a per-unit unit
        ("The goals envisage reducing the greenhouse gas emissions from Scope 1 and 2 specifically "
         "by 50 % by 2030 compared with 2019.", {("intensity_reduction", 2030, 2019, 50.0, "1+2")}),
        ("We want to reduce GHG emissions out of Scopes 1 and 2 in relation to revenues by 21 % "
         "compared to the base year 2020 until 2026.",
         {("intensity_reduction", 2026, 2020, 21.0, "1+2")}),
        # a wrapped table cell: the row's progress values are not targets
        ("75.7% reduction in 77% reduction 89% reduction Scope 1 and 2 emissions from electricity "
         "generation by 2030 (kgCO2e/MWh)", {("intensity_reduction", 2030, None, 75.7, "1+2")}),
        # a tile: big numbers over their captions; sold fuel is Scope 3 (GHG Protocol cat. 11)
        ("28% 22% emissions reduction target from fuel sold by 2030 (compared to 2019 base year).",
         {("absolute_reduction", 2030, 2019, 28.0, "3")}),
        # one year shared along a list, one base year too
        ("The company pledged to reduce absolute emissions from its own operations (Scope 1 and 2) "
         "by 90% and from its value chain (Scope 3) by 30% by fiscal 2030 compared to fiscal 2019.",
         {("absolute_reduction", 2030, 2019, 90.0, "1+2"),
          ("absolute_reduction", 2030, 2019, 30.0, "3")}),
        ("We plan to reach 60% renewable energy by 2027 and 100% by 2030.",
         {("renewable_share", 2027, None, 60.0, None), ("renewable_share", 2030, None, 100.0, None)}),
        ("Progress on ambition #2: Net Zero supply chain by 2050, 20% emissions reduction by 2030",
         {("net_zero", 2050, None, None, "3"), ("absolute_reduction", 2030, None, 20.0, None)}),
        # renewable shares, RE100 (= 100% renewable electricity), fiscal years
        ("By 2030, match 30% of electricity used across our global operations with electricity "
         "produced from renewable sources.", {("renewable_share", 2030, None, 30.0, None)}),
        ("Source 100% of global electricity use from renewable energy by end of FY25.",
         {("renewable_share", 2025, None, 100.0, None)}),
        ("We are working to drive the use of renewable energy, with the aim of achieving the "
         "global RE100 in 2023.", {("renewable_share", 2023, None, 100.0, None)}),
        ("Increase Electricity From Renewable Sources to 25 Percent by 2025",
         {("renewable_share", 2025, None, 25.0, None)}),
        ("REDUCE OUR ABSOLUTE EMISSIONS BY 25% BY 2030 AGAINST A 2015 BASELINE",
         {("absolute_reduction", 2030, 2015, 25.0, None)}),
        ("We have reduced Scope 1 and 2 emissions by 35% since 2019 and are on track to meet our "
         "50% reduction target by 2030.", {("absolute_reduction", 2030, None, 50.0, "1+2")}),
        # halving, a tile's minus sign, a pledge named with its year, a dated list of targets
        ("We will halve our Scope 1 and 2 emissions by 2030 compared with 2019.",
         {("absolute_reduction", 2030, 2019, 50.0, "1+2")}),
        ("–42 % CO2 emissions (Scope 1 and 2) by 2030", {("absolute_reduction", 2030, None, 42.0, "1+2")}),
        ("Net Zero 2040", {("net_zero", 2040, None, None, None)}),
        # the scopes belong to the dated result after the comma, not to the pledge
        ("As part of our net zero-carbon objective by 2040, in 2023 we reduced our scopes 1 and 2 CO2 "
         "emissions by 37.4% compared with 2015.", {("net_zero", 2040, None, None, None)}),
        ("Our 2030 targets: reduce Scope 1 and 2 emissions by 50% and Scope 3 emissions by 30%.",
         {("absolute_reduction", 2030, None, 50.0, "1+2"), ("absolute_reduction", 2030, None, 30.0, "3")}),
        ("In 2023, 45% of our electricity came from renewable sources (target: 100% by 2030).",
         {("renewable_share", 2030, None, 100.0, None)}),
        ("The group aims to pursue a path to achieve net-zero before 2050 (long-term, scopes 1, 2, "
         "and 3).", {("net_zero", 2050, None, None, "1+2+3")}),
        # an objective column: baseline value, signed cut, its year, the 2023 result
        ("Scope 1 + Scope 2 GHG from Water activities: (kilotons of CO2 eq.) 1,023 - 39% By 2030 "
         "1,069 +4%", {("absolute_reduction", 2030, None, 39.0, "1+2")}),
    ],
)
def test_english_targets(sentence: str, expected: set[tuple[object, ...]]) -> None:
    assert _facts(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Wir wollen unsere Scope-1- und -2-Emissionen bis 2030 im Vergleich zum Basisjahr 2020 "
         "um absolut 40 % reduzieren1) und langfristig bis 2045 „Netto-Null“ sein.",
         {("absolute_reduction", 2030, 2020, 40.0, "1+2"), ("net_zero", 2045, None, None, "1+2")}),
        ("Zudem wollen wir bis 2025 unseren Strom zu 100 % aus erneuerbaren Quellen3) beziehen.",
         {("renewable_share", 2025, None, 100.0, None)}),
        ("Reduktion der Scope-1- und Scope-2-Emissionen um 42 % bis 2030 (Basisjahr 2020)",
         {("absolute_reduction", 2030, 2020, 42.0, "1+2")}),
        ("Wir haben uns das Ziel gesetzt, bis 2040 klimaneutral zu sein.",
         {("carbon_neutral", 2040, None, None, None)}),
        ("Klimaneutralität bis 2045", {("carbon_neutral", 2045, None, None, None)}),
        ("Wir wollen bis 2030 unsere Emissionen halbieren.",
         {("absolute_reduction", 2030, None, 50.0, None)}),
    ],
)
def test_german_targets(sentence: str, expected: set[tuple[object, ...]]) -> None:
    assert _facts(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("・以 2020 年為基準， 2030 年範疇 1&2 絕對碳排減少 42%",
         {("absolute_reduction", 2030, 2020, 42.0, "1+2")}),
        ("2030 年全行 100% 使用再生能源", {("renewable_share", 2030, None, 100.0, None)}),
        ("北風接軌國際，率先承諾 2050 年淨零排放。", {("net_zero", 2050, None, None, None)}),
        ("公司力争2030年前实现碳达峰、2060年前实现碳中和。",
         {("carbon_peak", 2030, None, None, None), ("carbon_neutral", 2060, None, None, None)}),
        ("到2025年，单位产值碳排放强度下降18%。", {("intensity_reduction", 2025, None, 18.0, None)}),
        ("2030年再生能源使用比例達30%", {("renewable_share", 2030, None, 30.0, None)}),
    ],
)
def test_chinese_targets(sentence: str, expected: set[tuple[object, ...]]) -> None:
    assert _facts(sentence) == expected


def test_spaced_glyphs_and_a_financed_portfolio() -> None:
    (t,) = iter_sentence_targets("1. 2050 金 融 資 產 淨 零 排 放 :透 過 科 學 化 的 脫 碳 目 標 設 定", 7)
    assert (t.type, t.target_year, t.metric) == ("net_zero", 2050, "financed_emissions")
    (t,) = iter_sentence_targets(
        "This is done by reducing the carbon footprint (Scope 1 and 2) of the investments under own "
        "management from the areas of corporate bonds and equities by 30 % by the year 2025, "
        "compared with the base year of 2019.", 83)
    # TCFD: a portfolio's carbon footprint is emissions per million invested, an intensity
    assert (t.type, t.target_year, t.base_year, t.metric) == (
        "intensity_reduction", 2025, 2019, "financed_emissions")


@pytest.mark.parametrize(
    "sentence",
    [
        # other organisations' goals
        "The IMO has set goals to reduce average GHG emissions intensity across international "
        "shipping by at least 40 per cent by 2030 and 70 per cent by 2050.",
        "For example, the Getting to Zero Coalition brings together more than 90 companies to "
        "find a way to put a commercially viable net-zero emissions ship to sea by 2030.",
        "We also support the goal of achieving a carbon-neutral Europe by 2050.",
        "18% come from Japan and other countries that have pledged to be carbon neutral by 2050.",
        "The EU aims to be climate-neutral by 2050.",
        "As announced, the greenhouse gas emissions in the EU must be reduced by at least 55 % "
        "compared with 1990 by 2030.",
        "Germany aims for greenhouse gas neutrality by 2045.",
        "Die Bundesregierung strebt Klimaneutralität bis 2045 an.",
        "Our customers aim for net zero by 2050.",
        "Committed to helping our customers and suppliers achieve their targets a decade earlier "
        "– reaching net zero by 2050",
        "MTU wants to help make the city of Munich climate-neutral by 2035.",
        "These commitments are underpinned by net zero commitments in the major Asian steelmaking "
        "nations of China (2060), Japan (2050) and South Korea (2050).",
        "Under the IEA Net Zero Emissions by 2050 scenario, emissions fall 40% by 2030.",
        "Global energy system emissions would decrease by 70 per cent by 2050.",
        "积极响应国家“2030年前碳达峰、2060年前碳中和”目标。",
        "註 2 ：臺灣預期進行 2050 淨零目標承諾。",
        # results, not promises
        "In 2022, emissions decreased by 12% compared with 2021.",
        # not a pledge: a product's quality, a negation, an alliance
        "Our goal is 10% of time-chartered fleet to be running on net zero fuel by 2030.",
        "We will construct all new stores to a net zero ready standard, commencing in 2024.",
        "Evolutionary technology development will not achieve climate neutrality by 2050.",
        "We joined the Net Zero Banking Alliance in 2021 with a view to 2050.",
        # cuts that are not of greenhouse gases
        "Reduce water withdrawal by 15% by 2025 vs 2019.",
        "Reduce energy consumption by 20% by 2030.",
        "Measures will contribute to a reduction in the NOx and mercury emissions by 40% by 2030.",
        "We are targeting a 100% electric fleet by 2030.",
        "We aim to reduce emissions significantly.",
        "Carbon neutral since 2020.",
        "Aligned with the IEA Net Zero 2050 scenario, demand falls 30% by 2030.",
        "2023 -37.4% 2025 target",
    ],
)
def test_not_the_companys_targets(sentence: str) -> None:
    assert list(iter_sentence_targets(sentence, 1)) == [], sentence


def test_a_result_beside_a_target_is_not_one() -> None:
    s = ("In 2023, with a 37.4% reduction in our CO2 emissions (scopes 1 and 2) compared with "
         "2015, we exceeded our 2025 target of a 30% reduction two years ahead of schedule.")
    assert {(t.target_year, t.reduction_pct) for t in iter_sentence_targets(s, 1)} == {(2025, 30.0)}
    s = "Reduce the CO2e per package 50% by 2035 We have seen a 14% reduction in CO2e per package."
    assert _facts(s) == {("intensity_reduction", 2035, None, 50.0, None)}


def test_target_list_line() -> None:
    line = "Targets: 15% by 2025; 50% by 2030 (relative to 2018 equity baseline); net zero by 2050"
    assert _facts(line, "Scope 1 and 2 emissions") == {
        ("absolute_reduction", 2025, 2018, 15.0, "1+2"),
        ("absolute_reduction", 2030, 2018, 50.0, "1+2"),
        ("net_zero", 2050, None, None, "1+2"),
    }


def test_subsets_are_marked() -> None:
    s = "The company is committed to owning only building assets that are Net Zero carbon by 2030."
    (t,) = iter_sentence_targets(s, 28)
    assert (t.type, t.target_year, t.metric) == ("net_zero", 2030, "building_emissions")
    s = "We will target net zero²⁸ by 2050 for the operational GHG emissions of our suppliers."
    (t,) = iter_sentence_targets(s, 8)
    assert (t.type, t.scope, t.metric) == ("net_zero", "3", "supply_chain_emissions")
    s = "The Group aims to be net carbon neutral across the entire value chain of its vehicles by 2030."
    (t,) = iter_sentence_targets(s, 7)
    assert (t.type, t.scope, t.metric) == ("carbon_neutral", "1+2+3", None)


def test_net_zero_year_is_the_one_it_names() -> None:
    s = ("Our FY2030 target was informed by our Pathways to Net Zero project to achieve net zero "
         "operational emissions by 2050.")
    (t,) = iter_sentence_targets(s, 27)
    assert (t.type, t.target_year, t.scope) == ("net_zero", 2050, "1+2")


def test_base_year_stays_with_its_result() -> None:
    merged = ("Reduce Scope 1 and 2 emissions in own operations by 55% by 2025 and compensate "
              "residual emissions with high-quality carbon credits in all regions Compared to "
              "fiscal 2023, we reduced our Scope 1 and Scope 2 emissions by 20%.")
    assert _facts(merged) == {("absolute_reduction", 2025, None, 55.0, "1+2")}


def test_dedupe_keeps_best_cited() -> None:
    a = next(iter(iter_sentence_targets("We will reach net zero by 2050.", 30)))
    b = next(iter(iter_sentence_targets("Our target is net zero by 2050 for Scope 1 and 2.", 5)))
    c = next(iter(iter_sentence_targets("Net zero by 2050", 2)))
    assert dedupe_targets([a, b, c]) == [b]
    drax = [Target("absolute_reduction", 4, "q", 2030, 2020, 42.0, "1+2"),
            Target("absolute_reduction", 4, "q", 2030, 2020, 42.0, "3")]
    assert len(dedupe_targets(drax)) == 2  # one percentage, two scopes: two targets


def _block(text: str, x0: float, top: float, x1: float, bottom: float, size: float = 9.0) -> Block:
    return Block(text, (x0, top, x1, bottom), font_size=size)


def _page(*blocks: Block, tables: tuple[Table, ...] = ()) -> Page:
    return Page(3, 595.0, 842.0, "\n".join(b.text for b in blocks), blocks, tables)


def _targets(page: Page) -> set[tuple[object, ...]]:
    statements = list(iter_statements(page, 2022)) + list(iter_column_statements(page))
    return {(t.type, t.target_year, t.base_year, t.reduction_pct or t.target_pct, t.page)
            for st in statements for t in parse_statement(st)}


def test_tile_and_wrapped_cell_are_joined() -> None:
    page = _page(
        _block("CLIMATE ACTION", 405, 224, 475, 229, 5.0),
        _block("55%", 406, 243, 480, 269, 26.0),
        _block("minimum reduction target for absolute Scope 1 and 2", 405, 280, 536, 290),
        _block("emissions by 2030 (compared to 2019 base year).", 405, 291, 536, 301),
    )
    assert _targets(page) == {("absolute_reduction", 2030, 2019, 55.0, 3)}


def test_dated_list_heading_and_table_base_year() -> None:
    page = _page(
        _block("The road map includes the following targets:", 195, 190, 500, 198),
        _block("• By 2025", 195, 207, 249, 215),
        _block("o 25% renewable electricity for facilities (existing goal).", 231, 224, 492, 232),
        _block("• By 2035", 195, 269, 249, 277),
        _block("o 100% renewable electricity for facilities.", 231, 302, 430, 311),
        _block("SBTi targets Base Year 2020", 61, 400, 250, 410),
        _block("42% reduction in 27% increase 22% increase", 61, 562, 355, 568),
        _block("Scope 3 emissions by 2030", 61, 571, 138, 586),
    )
    assert _targets(page) == {
        ("renewable_share", 2025, None, 25.0, 3),
        ("renewable_share", 2035, None, 100.0, 3),
        ("absolute_reduction", 2030, 2020, 42.0, 3),
    }


def test_target_table_with_base_and_target_year_columns() -> None:
    page = _page(
        _block("Target Base year Target year Status", 50, 100, 500, 108),
        _block("Reduce absolute Scope 1 and 2 emissions 30% 2019 2030 12%", 50, 115, 500, 123),
        _block("Renewable electricity 100% 2025 64%", 50, 130, 500, 138),
    )
    assert _targets(page) == {
        ("absolute_reduction", 2030, 2019, 30.0, 3),
        ("renewable_share", 2025, None, 100.0, 3),
    }


def test_target_column_beside_data_rows() -> None:
    rows = [("Scope 1 emissions", "t", "100", "90"), ("Scope 2 emissions", "t", "80", "70"),
            ("Scope 3 emissions", "t", "50", "40")]
    cells = tuple(Cell(text, (0.0, 60.0 + 15 * r, 0.0, 70.0 + 15 * r), r + 1, c)
                  for r, row in enumerate(rows) for c, text in enumerate(row))
    table_rows = tuple(TableRow(r + 1, row[0], (8.0, 60.0 + 15 * r, 400.0, 70.0 + 15 * r))
                       for r, row in enumerate(rows))
    table = Table(3, (8.0, 40.0, 400.0, 100.0), (("Metrics", "Unit", "2020", "2019"), *rows),
                  cells=cells, table_rows=table_rows)
    page = _page(
        _block("Metrics Unit 2020 2019 Target", 8, 40, 500, 50),
        _block("Scope 1 emissions t 100 90 Reduce absolute Scope 1", 8, 60, 520, 70),
        _block("Scope 2 emissions t 80 70 & Scope 2 emissions by 55%", 8, 75, 520, 85),
        _block("Scope 3 emissions t 50 40 by 2030 vs. 2017", 8, 90, 520, 100),
        tables=(table,),
    )
    assert ("absolute_reduction", 2030, 2017, 55.0, 3) in _targets(page)


def test_targets_from_a_generated_report(make_pdf: Callable[..., Path]) -> None:
    path = make_pdf("targets.pdf", [
        [("Sustainability Report 2023", 18),
         "Our climate targets",
         "We aim to reach net zero across Scopes 1, 2 and 3 by 2045.",
         "",
         ("55%", 26),
         "reduction target for absolute Scope 1 and 2 emissions",
         "by 2030 (compared to 2019 base year).",
         "In 2023, we reduced our emissions by 12% compared with 2022."],
        ["Our 2023 progress",
         "The EU aims to be climate-neutral by 2050.",
         "Bis 2030 wollen wir 100 % Strom aus erneuerbaren Quellen beziehen.",
         "Our 2022 target of a 5% reduction in Scope 1 emissions was met."],
    ])
    got = {(t.type, t.target_year, t.base_year, t.reduction_pct or t.target_pct, t.page)
           for t in extract_targets(esglens.read(path))}
    assert got == {
        ("net_zero", 2045, None, None, 1),
        ("absolute_reduction", 2030, 2019, 55.0, 1),
        ("renewable_share", 2030, None, 100.0, 2),
    }


@pytest.mark.slow
def test_rio_tinto_targets() -> None:
    targets = extract_targets(esglens.read(shared_report("riotinto-2023-climate-change.pdf")))
    assert any(t.type == "absolute_reduction" and t.target_year == 2030 and t.reduction_pct == 50
               and t.page == 3 for t in targets)
    assert any(t.type == "net_zero" and t.target_year == 2050 and t.page == 3 for t in targets)
