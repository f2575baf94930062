"""Metric extraction: table rows, header years, caption units, footnotes, primary selection."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import esglens
from esglens.extract import extract_metrics
from esglens.extract.metrics import select_primary
from esglens.extract.tables import iter_table_metrics, split_row
from esglens.model import Metric
from tests.conftest import shared_report


def _primary(metrics: tuple[Metric, ...], metric: str, period: str) -> Metric | None:
    return next(
        (m for m in metrics if m.primary and m.metric == metric and m.period == period), None
    )


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
    assert primaries == [table.__class__(**{**table.to_dict(), "primary": True})]
    assert all(m.reason for m in out if not m.primary)


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
