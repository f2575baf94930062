"""Metric extraction: table rows, header years, caption units, footnotes, primary selection."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import esglens
from esglens.extract import extract_metrics
from esglens.extract.lines import iter_table_metrics, split_row
from esglens.extract.metrics import select_primary
from esglens.model import Metric
from tests.conftest import shared_report


def _primary(metrics: tuple[Metric, ...], metric: str, period: str) -> Metric | None:
    return next((m for m in metrics if m.primary and m.metric == metric and m.period == period), None)


def test_footnote_superscripts_do_not_corrupt_label_or_value() -> None:
    row = split_row("Scope 1⁹ tonnes of CO2-e 94,962.47 9,218³")
    assert row is not None
    assert row.label == "Scope 1⁹ tonnes of CO2-e"
    assert row.cells == ("94,962.47", "9,218³")


def test_caption_unit_and_header_years() -> None:
    lines = [
        "Greenhouse gas emissions",
        "Fiscal year (In 1,000 metric tons of CO2-equivalents) 2024 2023",
        "Scope 1 347 387",
        "Scope 2² 94 163",
        "Sum Scopes 1 and 2 441 550",
        "Purchased goods & services 8,931 9,218³",
        "Total Scope 3 416,758 488,976",
    ]
    got = {(m.metric, m.period): m.value for m in iter_table_metrics(lines, 67, "2024")}
    assert got[("ghg_scope1", "2024")] == 347_000
    assert got[("ghg_scope1", "2023")] == 387_000
    assert got[("ghg_scope2", "2024")] == 94_000
    assert got[("ghg_scope1_2", "2024")] == 441_000
    assert got[("ghg_scope3", "2023")] == 488_976_000
    assert len(got) == 8  # the category row is not Scope 3


def test_percent_change_column_and_intensity_kept_apart() -> None:
    lines = [
        "Table 1: Operational GHG emissions (million tonnes CO2-e)",
        "2020 2019 2018",
        "Scope 1 GHG emissions (5) 9.5 9.7 10.6 −2.1%",
        "Operational GHG emissions intensity (tonnes CO2-e per tonne of copper) 2.0 2.4 2.4",
        "Scope 1 – Upstream 1.1 1.2 1.3",
    ]
    metrics = list(iter_table_metrics(lines, 25, "2020"))
    scope1 = {m.period: m.value for m in metrics if m.metric == "ghg_scope1"}
    assert scope1 == {"2020": 9.5e6, "2019": 9.7e6, "2018": 10.6e6}
    assert {m.unit for m in metrics if m.metric == "ghg_intensity"} == {"rate"}


def test_one_primary_per_key_with_reason() -> None:
    base = dict(metric="ghg_scope1", label="Scope 1", unit="tCO2e", period="2023", quote="q")
    table = Metric(value=23.3e6, page=39, source="table", confidence=0.9, **base)
    prose = Metric(value=23.3e6, page=7, source="text", confidence=0.6, **base)
    other = Metric(value=1.8e6, page=7, source="chart", confidence=0.55, **base)
    out = select_primary([prose, other, table])
    primaries = [m for m in out if m.primary]
    assert len(primaries) == 1
    assert all(m.reason for m in out if not m.primary)


def test_primary_cites_the_data_table_with_best_value() -> None:
    base = dict(metric="ghg_scope1_2", label="Scope 1 and 2", unit="tCO2e", period="2023", quote="q")
    table = Metric(value=32.6e6, page=39, source="table", confidence=0.9, **base)
    tile = Metric(value=32.61e6, page=3, source="chart", confidence=0.55, **base)
    later = Metric(value=32.6e6, page=7, source="text", confidence=0.6, **base)
    other = Metric(value=1.9e6, page=2, source="text", confidence=0.6, **base)
    out = select_primary([table, later, tile, other])
    (primary,) = [m for m in out if m.primary]
    assert primary.page == 39  # the data table that states the figure, before tiles and prose
    assert primary.value == 32.6e6 and primary.confidence == 0.9  # the best-ranked value
    assert {m.page for m in out if not m.primary} == {2, 3, 7}
    assert all(m.reason for m in out if not m.primary)


def test_glued_scope_footnotes_resolve_to_scope() -> None:
    from esglens.extract.catalog import match_kpi

    for label, kpi in [
        ("Scope 19 tonnes of CO2-e", "ghg_scope1"),
        ("Scope 1° tonnes of CO2-e", "ghg_scope1"),
        ("Scope 22", "ghg_scope2"),
        ('Scope 2"! tonnes of CO2-e', "ghg_scope2"),
        ("Scope 211", "ghg_scope2"),
        ("Scope 37 tonnes of CO2-e", "ghg_scope3"),
    ]:
        found = match_kpi(label)
        assert found is not None and found.id == kpi, label
    row = split_row("Scope 211 tonnes CO2e 1,234 1,100")
    assert row is not None and row.cells == ("1,234", "1,100")
    got = {
        (m.metric, m.period): m.value
        for m in iter_table_metrics(
            ["GHG Emission Unit 2019 2018", "Scope 37 tonnes of CO2-e 7.70 15.03"], 10, "2019"
        )
    }
    assert got == {("ghg_scope3", "2019"): 7.7, ("ghg_scope3", "2018"): 15.03}


def test_multi_year_table_with_unit_in_header() -> None:
    lines = [
        "Equity greenhouse gas emissions (Mt CO2e) 2023 2022 2021 2020 2019",
        "Scope 1 emissions 23.3 22.7 22.9 23.0 23.1",
        "Scope 2: Market-based emissions³ 9.3 9.6 10.1 10.4 9.9",
        "Scope 3 emissions 578.1 583.9 558.3 576.2 –",
    ]
    got = {(m.metric, m.period): m.value for m in iter_table_metrics(lines, 39, "2023")}
    assert got[("ghg_scope1", "2021")] == pytest.approx(22.9e6)
    assert got[("ghg_scope2_market", "2023")] == pytest.approx(9.3e6)
    assert got[("ghg_scope3", "2020")] == pytest.approx(576.2e6)
    assert ("ghg_scope3", "2019") not in got  # "–" is an empty cell


def test_prose_years_are_not_a_header() -> None:
    lines = [
        "We first set intensity targets in 2008, updated them from 2015 and achieved them in 2020.",
        "Scope 1 and 2 Mt CO2e",
        "Scope 1 23.3",
    ]
    got = [(m.metric, m.period, m.value) for m in iter_table_metrics(lines, 7, "2023")]
    assert got == [("ghg_scope1", "2023", pytest.approx(23.3e6))]


def test_headerless_two_value_row_reads_latest_first_at_low_confidence() -> None:
    lines = ["Total workforce 59 67", "| Scope 37 tonnes of CO2-e 7.70 15.03"]
    got = list(iter_table_metrics(lines, 17, "2019", latest_first=True))
    assert [(m.metric, m.period, m.value) for m in got] == [
        ("employees", "2019", 59),
        ("ghg_scope3", "2019", 7.7),
    ]
    assert all(m.confidence < 0.6 for m in got)
    assert list(iter_table_metrics(lines, 17, "2019")) == []


def test_two_line_label_and_target_cells() -> None:
    lines = [
        "Acme employees²⁰ Total",
        "Sept. 30th No. (rounded) 212,000 205,000 2.2%",
        "% of women in management positions 31.2% By 2027 31.8%",
        "Other internal workforce²¹ Total Sept. 30th No. (rounded) 17,800 17,200 3.5%",
    ]
    got = list(iter_table_metrics(["FY 2024 FY 2023", *lines[:2]], 126, "2024"))
    assert {(m.metric, m.period, m.value) for m in got} == {
        ("employees", "2024", 212_000),
        ("employees", "2023", 205_000),
    }
    pct = [(m.metric, m.value) for m in iter_table_metrics(lines[2:], 10, "2023")]
    assert pct == [("women_management_share", 31.2)]


def test_generated_pdf_table(make_pdf: Callable[..., Path]) -> None:
    path = make_pdf(
        "kpi.pdf",
        [
            ["Intro page about our sustainability approach."],
            [
                ("GHG emissions", 14),
                (
                    "TABLE",
                    [
                        ["GHG Emission", "Unit", "2019", "2018"],
                        ["Scope 1", "tonnes of CO2-e", "94,962.47", "97,968.15"],
                        ["Water consumption", "m³", "187,354.60", "326,237.80"],
                    ],
                ),
            ],
        ],
    )
    metrics = extract_metrics(esglens.read(path))
    s1 = _primary(metrics, "ghg_scope1", "2019")
    assert s1 is not None and s1.value == 94962.47 and s1.page == 2
    water = _primary(metrics, "water_consumption", "2018")
    assert water is not None and water.value == 326237.8 and water.unit == "m3"


def test_sunshine_report() -> None:
    metrics = extract_metrics(esglens.read(shared_report("sunshine-oilsands-2019-esg.pdf")))
    s1 = _primary(metrics, "ghg_scope1", "2019")
    assert s1 is not None and s1.value == 94962.47 and s1.page == 10
    s2 = _primary(metrics, "ghg_scope2", "2019")
    assert s2 is not None and s2.value == 11.59
    emp = _primary(metrics, "employees", "2019")
    assert emp is not None and emp.value == 59 and emp.page == 17


def test_siemens_caption_unit() -> None:
    metrics = extract_metrics(esglens.read(shared_report("siemens-2024-sustainability.pdf")))
    s1 = _primary(metrics, "ghg_scope1", "2024")
    assert s1 is not None and s1.value == 347_000 and s1.page == 67
    s12 = _primary(metrics, "ghg_scope1_2", "2024")
    assert s12 is not None and s12.value == 441_000


# --------------------------------------------------------------------------- row groups (KPI annex)

_ANNEX_HEADER = ["Fiscal year/ September 30 Unit", "FY 2024 FY 2023 +/– Standards"]


def _by_key(lines: list[str], page: int = 123) -> dict[tuple[str, str], float]:
    return {(m.metric, m.period): m.value for m in iter_table_metrics(lines, page, "2024")}


def test_total_row_takes_group_label_on_the_line_before() -> None:
    found = _by_key(
        _ANNEX_HEADER
        + [
            "Energy consumption: primary & secondary energy",
            "GRI 302-1, SASB",
            "Total Fiscal year 1,000 gigajoule 9,012 9,115 −1.1% RT-EE-130a.1",
            "Waste",
            "Total Fiscal year 1,000 tons 345.5 261.0¹⁵ 32.4% GRI 306-3",
            "Hazardous waste Fiscal year 1,000 tons 12.8 12.7 0.8% RT-EE-150a.1",
        ]
    )
    assert found[("energy_consumption", "2024")] == pytest.approx(9012 * 1000 / 3.6)
    assert found[("energy_consumption", "2023")] == pytest.approx(9115 * 1000 / 3.6)
    assert found[("waste_generated", "2024")] == pytest.approx(345_500)
    assert found[("waste_generated", "2023")] == pytest.approx(261_000)  # footnote dropped
    assert 32.4 not in found.values() and -1.1 not in found.values()  # "+/–" column


def test_total_row_takes_centred_group_label_below_it() -> None:
    lines = _ANNEX_HEADER + [
        "Occupational health & safety",
        "Total Fiscal year No. 2 4 −50.0% GRI 403-9, WEF",
        "Fatalities – work related",
        "Temporary workers Fiscal year No. 0 0 GRI 403-9, WEF",
        "Contractors Fiscal year No. 1 4 −75.0% GRI 403-9, WEF",
        "Total Fiscal year No. 0.25 0.24 3.5% GRI 403-9, WEF",
        "(LTIFR)Lost time injury frequency rate ⁴⁴ Temporary workers Fiscal year No. 0.45 0.30",
        "Employees Fiscal year No. 0.22 0.23 −2.5% GRI 403-9, WEF",
    ]
    metrics = list(iter_table_metrics(lines, 133, "2024"))
    found = {(m.metric, m.period): m.value for m in metrics}
    assert found[("fatalities", "2024")] == 2
    assert found[("ltifr", "2024")] == 0.25
    # the row that carried the group label is a breakdown (temporary workers), not the KPI
    assert [m.value for m in metrics if m.metric == "ltifr"] == [0.25, 0.24]


def test_group_label_merged_into_a_later_row_and_scale_before_unit() -> None:
    found = _by_key(
        _ANNEX_HEADER
        + [
            "Water",
            "Total Fiscal year Million cubic meter 12.75 14.26 −10.6% GRI 303-3, WEF",
            "Surfacewater Fiscal year Million cubic meter 2.03 1.10 83.7% GRI 303-3, WEF",
            "Water withdrawal Groundwater Fiscal year Million cubic meter 6.71 9.26 −27.5% GRI",
            "Market based from 1,000 metric tons",
        ],
        124,
    )
    assert found == {("water_withdrawal", "2024"): 12_750_000, ("water_withdrawal", "2023"): 14_260_000}


def test_label_of_next_group_is_not_taken_and_own_label_vetoes() -> None:
    found = _by_key(
        _ANNEX_HEADER
        + [
            "1,000 metric tons",
            "Total Fiscal year of CO2e emissions 10,528 10,981 −4.1% GRI 305-3, WEF",
            "Capital goods Fiscal year of CO2e emissions 408 416 −1.9% GRI 305-3, WEF",
            "Waste in operations Fiscal year of CO2e emissions 26 29 −11.5% GRI 305-3, WEF",
            "Waste",
            "Total Fiscal year 1,000 tons 345.5 261.0 32.4% GRI 306-3",
        ]
    )
    assert found == {("waste_generated", "2024"): 345_500, ("waste_generated", "2023"): 261_000}


def test_count_tile_number_over_caption() -> None:
    from esglens.model import Document, Page

    doc = Document(
        path="t.pdf",
        sha256="",
        title="Report 2023",
        page_count=1,
        language="en",
        pages=(Page(1, 600, 800, "137,000\nemployees at the end of 2023\n97%"),),
    )
    m = _primary(extract_metrics(doc), "employees", "2023")
    assert m is not None and m.value == 137_000 and m.source == "chart"


def test_prose_year_from_previous_sentence_and_footnote_after_stop() -> None:
    from esglens.extract.prose import iter_prose_metrics as _prose
    from esglens.model import Block, Page

    text = (
        "In fiscal 2024, about 34,000 employees held management positions at Acme.¹² "
        "The percentage of women in management positions was 22%.¹² We aim to grow."
    )
    page = Page(101, 600, 800, text, blocks=(Block(text, (0, 0, 600, 20)),))
    found = [m for m in _prose(page, "2024") if m.metric == "women_management_share"]
    assert [(m.value, m.period, m.confidence) for m in found] == [(22.0, "2024", 0.55)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("All employees comprise of 58 people as of Dec 31, 2022.", (58.0, "2022")),
        ("At the end of 2023, Northwind had 137,000 employees worldwide.", (137_000.0, "2023")),
        ("We had a workforce of about 4,250 employees in 2022.", (4_250.0, "2022")),
        ("In 2022 we hired 500 new employees.", None),
        ("In 2021 we trained 3,000 employees.", None),
        ("In 2022 our 12,000 contractors had 40 people injured.", None),
        ("Founded with 12 people, we have grown.", None),  # no year: a history, not the headcount
        ("In 2022 the Finance department had 20 staff.", None),
    ],
)
def test_prose_headcount(sentence: str, expected: tuple[float, str] | None) -> None:
    from esglens.extract.prose import _prose_headcount

    got = [(m.value, m.period) for m in _prose_headcount(sentence, 19, "2022", False)]
    assert got == ([expected] if expected else [])


def test_total_row_does_not_take_a_label_from_the_next_table() -> None:
    lines = [
        "2023 equity greenhouse gas emissions by product group (Mt CO2e)",
        "Other 0.1 0.0 0.0 0.0 0.0 0.5 0.0 0.5",
        "Total 4.8 8.4 6.8 5.8 2.0 4.5 0.3 32.6",
        "2023 Scope 2 reporting methodology update",
        "Equity greenhouse gas emissions – Baseline (Mt CO2e) 2023 2018",
        "Scope 2 emissions as reported in 2022 Sustainability Fact Book – 9.3",
    ]
    found = [m for m in iter_table_metrics(lines, 39, "2023") if m.metric == "ghg_scope2"]
    assert all(m.raw_value != "4.8" for m in found)


def test_segment_intensity_is_not_the_company_intensity() -> None:
    lines = [
        "2019 2018 2017 2016",
        "Upstream and Integrated Gas GHG intensity 0.168 0.158 0.166 0.166",
        "Refinery GHG intensity 1.06 1.05 1.14 1.18",
        "Chemical GHG intensity 1.04 0.96 0.95 0.99",
    ]
    assert not [m for m in iter_table_metrics(lines, 4, "2019") if m.metric == "ghg_intensity"]


def test_row_below_an_unread_total_keeps_its_own_label() -> None:
    lines = [
        "Table 1: Operational GHG emissions (million tonnes CO2-e) 2020 2019 2018 2017",
        "Total operational GHG emissions 15.8 15.8 17.0 16.3",
        "Total operational GHG emissions (adjusted for Discontinued operations) (7) 15.8 15.3 15.3 14.6",
        "Operational GHG emissions intensity (tonnes CO2-e per tonne of copper equivalent production) (8)"
        " 2.0 2.4 2.4 2.2",
    ]
    got = {m.period: m.value for m in iter_table_metrics(lines, 25, "2020") if m.metric == "ghg_intensity"}
    assert got == {"2020": 2.0, "2019": 2.4, "2018": 2.4, "2017": 2.2}


def test_prose_value_then_comparison_clause() -> None:
    from esglens.extract.prose import _sentence_metrics

    sentence = (
        "The reported Scope 1 and Scope 2 emissions inventory of our operated assets totalled 16.2 Mt "
        "CO2-e in FY2021, about 2 per cent higher than our operational emissions in FY2020."
    )
    got = [(m.metric, m.period, m.value) for m in _sentence_metrics(sentence, 10, "2021")]
    assert got == [("ghg_scope1_2", "2021", 16_200_000.0)]


def test_a_bound_in_a_goals_table_is_not_a_result(make_pdf: Callable[..., Path]) -> None:
    path = make_pdf(
        "goals.pdf",
        [[("Safety goals 2023", 14), "Our safety goal for 2023:", "TRIR < 2.7",
          "In 2022, the TRIR was 2.1."]],
    )
    values = {m.value for m in extract_metrics(esglens.read(path)) if "injury" in m.metric
              or "trir" in m.metric}
    assert 2.7 not in values


def test_gender_split_columns_without_percent_signs(make_pdf: Callable[..., Path]) -> None:
    path = make_pdf(
        "gender.pdf",
        [[("Employees by management classes and gender 2023", 14),
          ("TABLE", [["", "Employees total", "Female", "Male"],
                     ["Middle and senior management", "10,094", "16.5", "83.5"],
                     ["Non-management staff", "33,427", "44.0", "56.0"],
                     ["Total", "55,502", "35.9", "64.1"]])]],
    )
    metrics = extract_metrics(esglens.read(path))
    women = _primary(metrics, "women_share", "2023")
    assert women is not None and women.value == 35.9 and women.unit == "%"
    assert _primary(metrics, "women_management_share", "2023") is None  # the total row is everyone


def test_blocks_of_one_page_are_segments_and_the_whole_block_wins() -> None:
    lines = [
        "WAREHOUSES 2022 2023",
        "Energy consumption (MWh) 5,210.4 5,480.9",
        "Scope 1 GHG emissions (tCO2e) 310.2 298.7",
        "STORES 2022 2023",
        "Energy consumption (MWh) 1,904.0 2,011.5",
        "Scope 1 GHG emissions (tCO2e) 120.4 131.0",
        "ALL SITES 2022 2023",
        "Energy consumption (MWh) 7,114.4 7,492.4",
    ]
    found = select_primary(list(iter_table_metrics(lines, 9, "2023")))
    primary = {(m.metric, m.period): m.value for m in found if m.primary}
    assert primary[("energy_consumption", "2023")] == 7492.4  # the block for all sites
    assert ("ghg_scope1", "2023") not in primary  # two segments, no total: neither is the company's


def test_a_row_repeated_under_one_heading_is_not_split_into_blocks() -> None:
    lines = ["2022 2023", "Energy consumption (MWh) 5,210.4 5,480.9"]
    got = list(iter_table_metrics(lines, 9, "2023"))
    assert {m.confidence for m in got} == {0.85}


def test_geometry_tables_sharing_a_page_are_compared_as_blocks(make_pdf: Callable[..., Path]) -> None:
    table = [("TABLE", [[head, "2022", "2023"], ["Energy consumption (MWh)", *values]])
             for head, values in (("DATA CENTRES", ("9,802.5", "9,950.1")), ("OFFICES", ("812.0", "845.3")),
                                  ("ALL OWN FACILITIES", ("10,614.5", "10,795.4")))]
    path = make_pdf("blocks.pdf", [["Intro page about our sustainability approach."],
                                   [("Data centres", 14), table[0]], [("Key figures", 14), *table]])
    m = _primary(extract_metrics(esglens.read(path)), "energy_consumption", "2023")
    assert m is not None and m.value == 10795.4 and m.page == 3  # not the data centres' own table


def test_a_gender_row_under_a_turnover_caption_is_no_workforce_share() -> None:
    lines = ["The staff turnover rate by gender during the", "reporting period are as follows:",
             "By gender", "- Male 41% 48%", "- Female 22% 14%"]
    found = iter_table_metrics(lines, 18, "2019", latest_first=True)
    assert not [m for m in found if m.metric == "women_share"]
    lines = ["The workforce by gender is as follows:", "By gender", "- Male 71% 70%", "- Female 29% 30%"]
    assert [m.value for m in iter_table_metrics(lines, 17, "2019", latest_first=True)
            if m.metric == "women_share"][:1] == [29.0]
