"""Target extraction: types, years, base years, percentages, dedupe."""

from __future__ import annotations

import esglens
from esglens.extract import extract_targets
from esglens.extract.targets import dedupe_targets, iter_sentence_targets
from tests.conftest import shared_report


def test_absolute_reduction_with_base_year() -> None:
    s = (
        "We have set a medium-term target to reduce operational GHG emissions (Scope 1 and "
        "Scope 2 from our operated assets) by at least 30 per cent from FY2020 levels by FY2030."
    )
    (t,) = list(iter_sentence_targets(s, 9))
    assert (t.type, t.target_year, t.base_year, t.reduction_pct, t.scope) == (
        "absolute_reduction",
        2030,
        2020,
        30.0,
        "1+2",
    )


def test_target_list_line() -> None:
    line = "Targets: 15% by 2025; 50% by 2030 (relative to 2018 equity baseline); net zero by 2050"
    got = {
        (t.type, t.target_year, t.reduction_pct)
        for t in iter_sentence_targets(line, 3, "Scope 1 and 2 emissions")
    }
    assert got == {
        ("absolute_reduction", 2025, 15.0),
        ("absolute_reduction", 2030, 50.0),
        ("net_zero", 2050, None),
    }


def test_intensity_and_no_year_is_not_a_target() -> None:
    s = "We aim to cut the intensity of our emissions by about 50% by 2050 compared to 2016 levels."
    (t,) = list(iter_sentence_targets(s, 2))
    assert t.type == "intensity_reduction" and t.base_year == 2016
    assert list(iter_sentence_targets("We aim to reduce emissions significantly.", 1)) == []


def test_dedupe_keeps_best_cited() -> None:
    a = next(iter(iter_sentence_targets("We will reach net zero by 2050.", 30)))
    b = next(iter(iter_sentence_targets("Our target is net zero by 2050 for Scope 1 and 2.", 5)))
    assert dedupe_targets([a, b]) == [b]


def test_rio_tinto_targets() -> None:
    targets = extract_targets(esglens.read(shared_report("riotinto-2023-climate-change.pdf")))
    assert any(
        t.type == "absolute_reduction"
        and t.target_year == 2030
        and t.reduction_pct == 50
        and t.page == 3
        for t in targets
    )
    assert any(t.type == "net_zero" and t.target_year == 2050 for t in targets)


def test_other_organisations_goals_are_not_targets() -> None:
    for s in (
        "The IMO has set goals to reduce average GHG emissions intensity across international "
        "shipping by at least 40 per cent by 2030 and 70 per cent by 2050.",
        "For example, the Getting to Zero Coalition brings together more than 90 companies to "
        "find a way to put a commercially viable net-zero emissions ship to sea by 2030.",
        "We also support the goal of achieving a carbon-neutral Europe by 2050.",
        "18% come from Japan and other countries that have pledged to be carbon neutral by 2050.",
    ):
        assert list(iter_sentence_targets(s, 1)) == [], s


def test_net_zero_for_a_subset_is_marked() -> None:
    s = ("Siemens is committed to owning only building assets that are Net Zero carbon in "
         "operation by 2030.")
    (t,) = list(iter_sentence_targets(s, 28))
    assert (t.type, t.target_year, t.metric) == ("net_zero", 2030, "building_emissions")
    s = "We will target net zero²⁸ by 2050 for the operational GHG emissions of our suppliers."
    (t,) = list(iter_sentence_targets(s, 8))
    assert (t.type, t.scope, t.metric) == ("net_zero", "3", "supply_chain_emissions")


def test_net_zero_year_is_the_one_it_names() -> None:
    s = ("Our medium-term target for FY2030 was informed by our Pathways to Net Zero project to "
         "achieve net zero operational emissions by 2050.")
    (t,) = list(iter_sentence_targets(s, 27))
    assert (t.type, t.target_year, t.metric) == ("net_zero", 2050, None)


def test_base_year_must_sit_in_the_targets_own_clause() -> None:
    from esglens.extract.targets import iter_sentence_targets

    merged = ("Reduce Scope 1 and 2 emissions in own operations by 55% by 2025 and compensate "
              "residual emissions with high-quality carbon credits in all regions Compared to "
              "fiscal 2023, we reduced our Scope 1 and Scope 2 emissions by 20%.")
    targets = [t for t in iter_sentence_targets(merged, 5) if t.target_year == 2025]
    assert targets and all(t.base_year is None for t in targets)
    near = "We will reduce Scope 1 and 2 emissions by 30% from FY2020 levels by FY2030."
    assert [t.base_year for t in iter_sentence_targets(near, 9)] == [2020]
