"""Claims to watch: the environmental-claim detector, the rules, and evidence anywhere in the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from esglens import read
from esglens.extract.claims import (
    claim_probability,
    classify_claim,
    extract_claims,
    find_evidence,
    is_environmental_claim,
    report_sentences,
)
from esglens.model import Claim
from tests.conftest import SHARED


def test_detector_separates_environmental_claims_from_other_sentences() -> None:
    assert is_environmental_claim("We reduced our Scope 1 and 2 emissions and switched our sites to "
                                  "renewable electricity to protect the climate.")
    assert not is_environmental_claim("Net revenue rose 4% on higher volumes in the Americas segment.")
    assert 0.0 <= claim_probability("") <= 1.0


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("We are committed to becoming net zero.", "a net-zero claim with no target year"),
        ("Our products are eco-friendly.", "a generic environmental claim with no substantiation"),
        ("We aim to reduce our environmental footprint.", "a commitment with no number, year or baseline"),
        ("We are the leading employer of women in engineering.", "a superlative with no supporting evidence"),
        ("We used carbon-neutral (offset) steel for the new plant.",
         "a carbon-neutral claim that rests on offsets"),
    ],
)
def test_environmental_and_social_claims_are_flagged_with_what_would_substantiate_them(
        sentence: str, reason: str) -> None:
    found = classify_claim(sentence)
    assert found is not None and found[0] == reason
    assert "would substantiate it" in found[2]


@pytest.mark.parametrize(
    "sentence",
    [
        "We are the world's leading provider of fibre networks.",  # a commercial boast
        "Our cyber protection offering is industry-leading.",
        "We are committed to conducting our business ethically and with integrity.",  # governance
        "We aim to cut Scope 1 emissions by 42% by 2030 from a 2019 baseline.",  # a number clears it
        "We will be net zero by 2040.",  # the year is in the sentence
        "Investors showed increased interest in net zero strategies.",  # not the company's claim
        "See page 12 for our approach to becoming net zero.",  # a cross-reference
    ],
)
def test_commercial_boasts_governance_and_substantiated_sentences_are_not_flagged(sentence: str) -> None:
    assert classify_claim(sentence) is None


def test_evidence_elsewhere_in_the_report_clears_a_flag(make_pdf) -> None:  # type: ignore[no-untyped-def]
    pages = [
        [("Our climate strategy", 16), "We are committed to becoming net zero.",
         "We aim to reduce the water we use at our plants."],
        [("Targets", 16), "Our net zero target: we will reach net zero by 2045 across Scopes 1, 2 and 3.",
         "We will cut water withdrawal by 20% by 2030 against 2020."],
        [("Products", 16), "Our products are eco-friendly."],
    ]
    doc = read(make_pdf("claims.pdf", pages))
    claims = extract_claims(doc)
    texts = [c.text for c in claims]
    assert "We are committed to becoming net zero." not in texts  # the year is on page 2
    assert "We aim to reduce the water we use at our plants." not in texts  # a water target on p. 2
    flagged = [c for c in claims if c.text == "Our products are eco-friendly."]
    assert flagged and flagged[0].page == 3 and flagged[0].substantiate
    evidence = find_evidence(report_sentences(doc))
    assert any(page == 2 for page, _, _ in evidence["net_zero_without_year"])


def test_claim_round_trips() -> None:
    c = Claim("We aim to be greener.", "a commitment with no number, year or baseline", 4, "climate",
              "a quantified target with a year and a baseline would substantiate it")
    assert Claim.from_dict(json.loads(json.dumps(c.to_dict()))) == c


@pytest.mark.slow
def test_detector_f1_on_the_dev_split() -> None:
    dev = SHARED / "datasets" / "environmental-claims" / "dev.jsonl" if SHARED else Path("missing")
    if not dev.exists():
        pytest.skip("../shared/datasets/environmental-claims not available")
    rows = [json.loads(line) for line in dev.read_text("utf-8").splitlines() if line]
    tp = sum(is_environmental_claim(r["text"]) and r["label"] == 1 for r in rows)
    fp = sum(is_environmental_claim(r["text"]) and r["label"] == 0 for r in rows)
    fn = sum(not is_environmental_claim(r["text"]) and r["label"] == 1 for r in rows)
    assert 2 * tp / (2 * tp + fp + fn) >= 0.6
