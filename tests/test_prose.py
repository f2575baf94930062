"""Prose metrics: paragraphs across block breaks, sentence splitting, roles and periods of values.

Unit tests build pages and sentences by hand (the patterns come from real reports, named only by
the construction they show); nothing here needs ../shared.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from esglens.extract.counts import headcount_tile, iter_fatalities, iter_headcounts
from esglens.extract.prose import _sentence_metrics, iter_prose_metrics
from esglens.extract.roles import role, value_year, value_years
from esglens.model import Block, BlockKind, Metric, Page
from esglens.segment import iter_paragraphs, split_sentences


def _page(*blocks: Block, number: int = 7) -> Page:
    return Page(number, 600, 800, "\n".join(b.text for b in blocks), blocks=blocks)


def _block(text: str, top: float, x0: float = 50, kind: BlockKind = "paragraph", size: float = 9.0) -> Block:
    return Block(text, (x0, top, x0 + 250, top + size), kind, size)


def _found(metrics: Iterable[Metric], metric: str) -> list[tuple[float, str, float]]:
    return [(m.value, m.period, m.confidence) for m in metrics if m.metric == metric]


# ------------------------------------------------------------------------- sentences, paragraphs


def test_split_sentences_bullets_abbreviations_and_marks() -> None:
    text = "In 2020 (in '000 t): • Scope 1 was 15,751 • Scope 2 was 749"
    assert split_sentences(text) == ["In 2020 (in '000 t):", "• Scope 1 was 15,751", "• Scope 2 was 749"]
    assert split_sentences("Der Anteil lag bzw. Werte am 31. Dezember 2022 bei 5 %. Neu.") == [
        "Der Anteil lag bzw. Werte am 31. Dezember 2022 bei 5 %.",
        "Neu.",
    ]
    assert split_sentences("Women made up 22%.¹² In 2024 we grew.") == [
        "Women made up 22%.¹²",
        "In 2024 we grew.",
    ]
    assert split_sentences("e.g. Scope 1 was 9.5 Mt. It fell.") == ["e.g. Scope 1 was 9.5 Mt.", "It fell."]


def test_paragraph_continues_across_block_breaks() -> None:
    page = _page(
        _block(
            "At the end of 2023, we had 137,000 employees. The proportion of women in the workforce is", 100
        ),
        _block("36.2%, up from 36.1% in 2022.", 140, kind="heading", size=12),
        _block("Environment", 200, kind="heading", size=12),
        _block("The percentage of women in leadership positions in 2023", 230, kind="heading", size=12),
        _block("was 14.2 %.", 246, kind="heading", size=12),
        _block("es kam zu zwei tödlichen Verkehrs-", 300),
        _block("unfällen und einem Process-Safety-", 311),
        _block("Management-Programm.", 322),
    )
    paragraphs = list(iter_paragraphs(page))
    assert paragraphs[0][1].endswith("workforce is 36.2%, up from 36.1% in 2022.")
    assert paragraphs[1] == (
        "Environment",
        "The percentage of women in leadership positions in 2023 was 14.2 %.",
    )
    assert (
        paragraphs[2][1]
        == "es kam zu zwei tödlichen Verkehrsunfällen und einem Process-Safety-Management-Programm."
    )


def test_key_figure_rows_are_not_joined() -> None:
    page = _page(_block("母公司在职员工的数量 42", 100), _block("在职员工的数量合计 1,444", 112))
    assert [t for _, t in iter_paragraphs(page)] == ["母公司在职员工的数量 42", "在职员工的数量合计 1,444"]


# --------------------------------------------------------------------------------- value roles


@pytest.mark.parametrize(
    ("sentence", "value", "expected"),
    [
        ("Scope 1 emissions were 39,428 t (previous period: 37,738 t).", "37,738", "prior"),
        ("Scope 1 and 2 emissions of 32.6Mt in 2023 (2022: 32.7Mt CO2e).", "32.7", "prior"),
        ("The share is 36.2%, up from 36.1% in 2022.", "36.1", "comparison"),
        ("Emissions fell from 31,758 t to 30,000 t.", "31,758", "comparison"),
        ("This results in a decrease of 32 % compared to the previous year.", "32", "change"),
        ("Women rose to 26.0%, an increase of 1.4 percentage points.", "1.4", "change"),
        ("Waste was 52,891 tons, with 25,226 tons classified as hazardous.", "25,226", "part"),
        ("Women held 22.1 % of posts, or 20 % for the Springfield location.", "20", "part"),
        ("Women were 18.6 %, above the 17.2 % in the mechanical engineering sector.", "17.2", "benchmark"),
        ("The proportion of female employees increased slightly to 18.6 %.", "18.6", "value"),
    ],
)
def test_role_of_a_value(sentence: str, value: str, expected: str) -> None:
    start = sentence.index(value)
    end = start + len(value) + 2
    assert role(sentence, start, end) == expected


@pytest.mark.parametrize(
    ("sentence", "value", "expected"),
    [
        (
            "In 2023, GHG emissions amounted to 1,749.75 t CO2e, 42 % below the base year 2020.",
            "1,749.75",
            "2023",
        ),
        (
            "Emissions were 16.2 Mt CO2-e in FY2021, 2 per cent higher than in FY2020.",
            "16.2 Mt CO2-e",
            "2021",
        ),
        (
            "In the period under review (December 2022 to November 2023), emissions were 49,063 t.",
            "49,063",
            "2023",
        ),
        ("Our footprint was 5,000 t (2022: 4,000 t).", "5,000", None),
        ("Reduce emissions by 42% from 2019 to 2030 and by 2050.", "42", "2030"),
    ],
)
def test_value_year(sentence: str, value: str, expected: str | None) -> None:
    start = sentence.index(value)
    assert value_year(sentence, start, start + len(value), value_years(sentence)) == expected


# ------------------------------------------------------------------------------ sentence metrics


@pytest.mark.parametrize(
    ("sentence", "metric", "expected"),
    [
        (
            "Approximately 26% of our global workforce were women in 2022.",
            "women_share",
            [(26.0, "2022", 0.6)],
        ),
        (
            "The gender ratio is balanced at 48.2 % male and 51.8 % female.",
            "women_share",
            [(51.8, "2023", 0.52)],
        ),
        ("Male (56 %) Female (44 %)", "women_share", []),
        (
            "Acme withdrew 34,049,374 cubic meters of water during the reporting year.",
            "water_withdrawal",
            [(34_049_374.0, "2023", 0.6)],
        ),
        (
            "In the 2023 fiscal year, we consumed 2,568 gigawatt hours of energy worldwide.",
            "energy_consumption",
            [(2_568_000.0, "2023", 0.6)],
        ),
        ("Our data centers, powered by 100% renewable electricity, grew.", "renewable_energy_share", []),
        (
            "and 100 per cent of the electricity consumed at our own locations is generated from renewable "
            "energy sources.",
            "renewable_energy_share",
            [(100.0, "2023", 0.52)],
        ),
        (
            "The share of green electricity will be 75 percent in 2023, as in the previous year's "
            "76 percent.",
            "renewable_energy_share",
            [(75.0, "2023", 0.55)],
        ),
        ("The share of green electricity will be 80 percent in 2025.", "renewable_energy_share", []),
        (
            "20.2 % share of renewable energy in generation (25 % share of renewable energy in generation "
            "capacity)",
            "renewable_energy_share",
            [(20.2, "2023", 0.52)],
        ),
        (
            "For the base year 2020, GHG emissions from Scopes 1 and 2 amount to 3,036.15 t CO2 e.",
            "ghg_scope1_2",
            [],
        ),
        (
            "If we had not acted, our scope 1 emissions would have been 990,033 tons of CO2 equivalents.",
            "ghg_scope1",
            [],
        ),
        (
            "Emissions (Scope 1 and 2) increased from 31,758 tonnes of CO2e in 2022 to 31.913 tonnes "
            "of CO2e in 2023.",
            "ghg_scope1_2",
            [(31_913.0, "2023", 0.6)],
        ),  # the earlier figure is a comparison
        (
            "There is a relatively high proportion of women in the < 30 years category (22%).",
            "women_share",
            [],
        ),
        (
            "In the long term, we want the proportion of women in management to reach 20 percent.",
            "women_management_share",
            [],
        ),
        (
            "Absolute energy consumption decreased by 9.3 % to 12.1 GWh in 2023 (previous year: 13.3 GWh).",
            "energy_consumption",
            [(12_100.0, "2023", 0.6)],
        ),
        (
            "The absolute amount of waste decreased by about 21.8 % from 657 metric tons in 2022 to "
            "514 metric tons in 2023.",
            "waste_generated",
            [(514.0, "2023", 0.6)],
        ),
        (
            "For the year 2023, the CCF resulted in a total value of 13,129.02 metric tons of CO2 equivalent "
            "(t CO2 e) based on the operational control approach.",
            "ghg_total",
            [(13_129.02, "2023", 0.6)],
        ),
        (
            "Renewable electricity usage increased from 21% in 2022 to 24% in 2023.",
            "renewable_energy_share",
            [(24.0, "2023", 0.6)],
        ),
        (
            "The proportion of women in the workforce is 36.2%, up from 36.1% in 2022.",
            "women_share",
            [(36.2, "2023", 0.52)],  # 2022 is the comparison's year, not the sentence's
        ),
    ],
)
def test_sentence_metrics(sentence: str, metric: str, expected: list[tuple[float, str, float]]) -> None:
    assert _found(_sentence_metrics(sentence, 3, "2023"), metric) == expected


@pytest.mark.parametrize(
    ("sentence", "locale", "metric", "value"),
    [
        ("报告期内，公司温室气体排放总量为12,345吨二氧化碳当量。", "en", "ghg_total", 12_345.0),
        (
            "2022年，公司范围一排放量为1.2万吨二氧化碳当量，范围二排放量为3,456吨。",
            "en",
            "ghg_scope1",
            12_000.0,
        ),
        ("2022年度範疇一溫室氣體排放量為1,844公噸二氧化碳當量。", "en", "ghg_scope1", 1_844.0),
        ("本年度综合能耗为5,678兆瓦时。", "en", "energy_consumption", 5_678.0),
        ("2022年女性员工占比为35.6%。", "en", "women_share", 35.6),
        ("Der Frauenanteil lag 2022 bei 31,0 %.", "eu", "women_share", 31.0),
        (
            "Der Anteil von Frauen in Führungspositionen stieg im Berichtsjahr auf 24,5 Prozent.",
            "eu",
            "women_management_share",
            24.5,
        ),
        ("Die Wasserentnahme belief sich 2022 auf 123.456 Kubikmeter.", "eu", "water_withdrawal", 123_456.0),
    ],
)
def test_chinese_and_german_sentences(sentence: str, locale: str, metric: str, value: float) -> None:
    metrics = iter_prose_metrics(_page(_block(sentence, 100)), "2022", locale)
    assert [(v, period) for v, period, _ in _found(metrics, metric)] == [(value, "2022")]


def test_table_rows_and_unit_scales_read_as_text_are_left_to_tables() -> None:
    row = "Material Recycling rate (w/o construction) Fiscal year 82% 81% 0.5% GRI 306-4"
    assert _found(_sentence_metrics(row, 3, "2024"), "waste_diverted_share") == []
    header = "Fleet emissions (part 1,000 metric tons of Scope 1 emissions) Fiscal year 196 210"
    assert _found(_sentence_metrics(header, 3, "2024"), "ghg_scope1") == []
    bracket = "The recycling rate was 54.2 % (2023: 53.1 %)."
    assert _found(_sentence_metrics(bracket, 3, "2024"), "waste_diverted_share") == [(54.2, "2024", 0.52)]


@pytest.mark.parametrize(
    ("sentence", "metric", "expected"),
    [
        ("Our LTIFR was 0.38 in 2023.", "ltifr", [(0.38, "2023", 0.6)]),
        (
            "We reduced our Total Recordable Incident Rate (TRIR) by about 65% since 2019 to 0.48 in 2023.",
            "injury_frequency_rate",
            [(0.48, "2023", 0.6)],
        ),
        ("Our LTIFR target is 0.2 by 2025.", "ltifr", []),
        ("In 2023 we recycled 85% of our waste.", "waste_diverted_share", [(85.0, "2023", 0.6)]),
        ("In 2023, 79% of our hazardous waste was recycled.", "waste_diverted_share", []),
    ],
)
def test_injury_rates_and_recycling_shares(
    sentence: str, metric: str, expected: list[tuple[float, str, float]]
) -> None:
    assert _found(_sentence_metrics(sentence, 3, "2023"), metric) == expected


def test_scope_numbers_are_not_values() -> None:
    page = _page(_block("Benzin (in 1.000 Liter) 4.947 4.518 4.686 Scope 1 + 2 (in Tonnen)", 100))
    assert not [m for m in iter_prose_metrics(page, "2022", "eu") if m.metric.startswith("ghg")]


def test_anaphoric_share_takes_the_sentence_before() -> None:
    text = (
        "Zur Reduktion der Emissionen hat vor allem die Umstellung auf Strom aus erneuerbaren Energiequellen "
        "beigetragen. Im Berichtsjahr betrug der Anteil 82 %."
    )
    page = _page(_block(text, 100))
    assert _found(iter_prose_metrics(page, "2022", "eu"), "renewable_energy_share") == [(82.0, "2022", 0.6)]


def test_heading_context_moves_a_share_to_management() -> None:
    page = _page(
        _block("Women in leadership positions", 80, kind="heading", size=12),
        _block("Worldwide, the proportion of women stood at 22.1 % in the year under review.", 100),
    )
    metrics = list(iter_prose_metrics(page, "2022"))
    assert _found(metrics, "women_management_share") == [(22.1, "2022", 0.6)]
    assert _found(metrics, "women_share") == []


def test_lead_in_unit_applies_to_the_list_under_it() -> None:
    page = _page(
        _block("In 2020 (in ‘000 Metric Tonnes):", 100),
        _block("• Scope 1 CO2e emissions were 15,751", 115, kind="list"),
        _block("• Scope 2 CO2e emissions were 749", 130, kind="list"),
    )
    metrics = list(iter_prose_metrics(page, "2020"))
    assert _found(metrics, "ghg_scope1") == [(15_751_000.0, "2020", 0.55)]
    assert _found(metrics, "ghg_scope2") == [(749_000.0, "2020", 0.55)]


def test_document_locale_reads_grouping_points() -> None:
    page = _page(_block("Im Berichtsjahr lagen die Scope-1- und -2-Emissionen bei 219.900 t CO2e.", 100))
    assert _found(iter_prose_metrics(page, "2022", "eu"), "ghg_scope1_2") == [(219_900.0, "2022", 0.6)]


# ------------------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Acme currently employs approximately 4,100 people, with operations in Asia.", 4_100.0),
        ("Acme and its subsidiaries, franchisees and affiliates employ about 130,000 people.", 130_000.0),
        ("At the end of 2023, the Acme Group employed a total of 1,435 permanent employees.", 1_435.0),
        ("Die Acme AG beschäftigte Ende 2022 rund 17.500 Mitarbeitende.", 17_500.0),
        ("在职员工的数量合计 1,444", 1_444.0),
        ("帮扶困难员工 9 人", None),
        ("Our subsidiary in Brazil has 500 employees.", None),
    ],
)
def test_headcount_sentences(sentence: str, expected: float | None) -> None:
    got = [f.quantity.value for f in iter_headcounts(sentence)]
    assert got == ([expected] if expected is not None else [])


def test_headcount_tile_and_undated_history() -> None:
    tile = headcount_tile("~2.1 million associates")
    assert tile is not None and tile.quantity.value == 2_100_000
    assert headcount_tile("4,200 EMPLOYEES") is not None
    assert headcount_tile("4,200 employees trained") is None
    got = _prose_headcount_metrics("Acme Products has approximately 2,700 employees.")
    assert _found(got, "employees") == [(2_700.0, "2022", 0.52)]
    assert _found(_prose_headcount_metrics("The firm had 12 employees."), "employees") == []


def _prose_headcount_metrics(sentence: str) -> list[Metric]:
    from esglens.extract.prose import _prose_headcount

    return list(_prose_headcount(sentence, 2, "2022", False))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("There were no fatal work-related accidents at Acme in the 2022 fiscal year.", 0.0),
        ("No work-related fatalities were recorded.", 0.0),
        (
            "Es kam zu zwei tödlichen Verkehrsunfällen von Acme-Fahrern und einem Unfall eines beauftragten "
            "Fahrers.",
            2.0,
        ),
        ("2 fatalities occurred in fiscal 2024.", 2.0),
        ("报告期内，公司未发生死亡事故。", 0.0),
        ("There were two fatalities among contractors.", None),
        ("One fatality involving our products in the field was reported.", None),
        ("The fatality rate was 0.01.", None),
    ],
)
def test_fatality_sentences(sentence: str, expected: float | None) -> None:
    got = [f.quantity.value for f in iter_fatalities(sentence)]
    assert got == ([expected] if expected is not None else [])
