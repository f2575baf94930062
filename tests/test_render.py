"""Renderers: golden Markdown for a generated report, accessible HTML, audio and PDF errors."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import esglens
from esglens.compose import compose_overview, detect_company, detect_period
from esglens.errors import ConfigError
from esglens.model import Analysis
from esglens.render import render_audio, render_html, render_markdown, render_pdf
from tests.test_compose import ACME_PAGES, acme_facts

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def analysis(make_pdf: Callable[..., Path]) -> Analysis:
    path = make_pdf("acme-2023-sustainability.pdf", ACME_PAGES)
    doc = esglens.read(path)
    metrics, targets, claims = acme_facts()
    return Analysis(
        path=doc.path, sha256=doc.sha256, title=doc.title, company=detect_company(doc),
        period=detect_period(doc), page_count=doc.page_count, metrics=metrics, targets=targets,
        claims=claims, overview=compose_overview(doc, (), metrics, targets, claims),
    )


def test_markdown_matches_golden(analysis: Analysis, update_golden: bool) -> None:
    text = render_markdown(analysis)
    golden = GOLDEN / "acme-overview.md"
    if update_golden or not golden.exists():
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_markdown_cites_every_sentence(analysis: Analysis) -> None:
    text = render_markdown(analysis)
    assert text.startswith("# ESG overview: Acme Industries (2023)")
    for header in ("ESG_overview", "Environmental", "Social", "Governance", "Key metrics"):
        assert f"## {header}" in text
    assert "/tmp" not in text  # no absolute paths: goldens must not depend on the machine
    for line in text.splitlines():
        if line.startswith("- "):
            assert line.endswith("]") and "[p. " in line


def test_html_is_self_contained_and_accessible(analysis: Analysis) -> None:
    html = render_html(analysis, lang="en")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert "<h1>" in html and "<h2 id=\"esg-overview\">" in html
    assert 'href="acme-2023-sustainability.pdf#page=2"' in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html and "<script" not in html and "<img" not in html
    assert '<svg' in html and 'role="img"' in html and "<desc" in html  # the Scope 1 series
    assert "<table>" in html and 'scope="row"' in html


def test_html_escapes_text(analysis: Analysis) -> None:
    from dataclasses import replace

    html = render_html(replace(analysis, company="<b>Acme & Co</b>"))
    assert "<b>Acme" not in html and "&lt;b&gt;Acme &amp; Co" in html


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_audio_writes_wav(analysis: Analysis, tmp_path: Path) -> None:
    out = render_audio(analysis, tmp_path / "overview.wav")
    data = out.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE" and len(data) > 10_000


def test_audio_without_espeak_names_the_install(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ConfigError, match="espeak-ng"):
        render_audio(analysis, tmp_path / "x.wav")


def test_pdf_without_weasyprint_names_the_extra(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(ConfigError, match=r"pip install 'esglens\[pdf\]'"):
        render_pdf(analysis, tmp_path / "x.pdf")


def test_pdf_output_reads_back_with_its_citations(analysis: Analysis, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    import esglens

    out = render_pdf(analysis, tmp_path / "overview.pdf") or tmp_path / "overview.pdf"
    doc = esglens.read(out)
    text = " ".join(p.text for p in doc.pages)
    assert "ESG_overview" in text and "Governance" in text
    assert "p. " in text  # the citations survive into the PDF
