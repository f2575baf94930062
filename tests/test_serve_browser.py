"""The web app in a real browser: Playwright for Python driving Debian's chromium, headless, against
``esglens serve``'s app under uvicorn on a free loopback port. Upload the sample, wait for its
overview, click a citation and see the page with its highlight, ask, open the compare view, and an
XSS fixture that must run nothing. Screenshots go to $ESGLENS_SHOTS when it is set (never the repo).

Skips, saying why, only when the browser or Playwright is absent (``scripts/setup.sh --full``
installs both; never ``playwright install``: it downloads a browser).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("duckdb")
pytest.importorskip("playwright.sync_api", reason="playwright missing: bash scripts/setup.sh --full")

from esglens.sample import write_sample_report  # noqa: E402
from esglens.serve import ServeConfig, create_app  # noqa: E402

from .conftest import write_report  # noqa: E402
from .test_serve import write_xss_report  # noqa: E402

CHROMIUM = os.environ.get("ESGLENS_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]

if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
    pytest.skip(f"no chromium at {CHROMIUM}: bash scripts/setup.sh --full installs Debian's chromium",
                allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by uvicorn in a thread (its queue runs two workers) until the module ends."""
    import uvicorn

    root = tmp_path_factory.mktemp("browser-store")
    port = _free_port()
    app = create_app(ServeConfig(store=str(root / "corpus.duckdb"), port=port, workers=2))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    end = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > end or not thread.is_alive():
            raise AssertionError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        context.close()


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("ESGLENS_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=False)


def _upload_and_wait(page: Page, base_url: str, pdf: Path) -> str:
    """Upload through the file picker, follow the progress page until the overview shows."""
    page.goto(base_url + "/")
    page.set_input_files("#upload-file", str(pdf))  # the page uploads on change
    page.wait_for_url(f"{base_url}/reports/*")
    sha = page.url.rsplit("/", 1)[-1]
    page.reload()  # progress survives a reload
    expect(page.locator("#report")).to_be_visible(timeout=90_000)
    return sha


def _wait_done(page: Page, base_url: str, sha: str) -> None:
    end = time.monotonic() + 90
    while page.request.get(f"{base_url}/api/reports/{sha}").json()["status"] not in ("done", "failed"):
        assert time.monotonic() < end, f"{sha} not analysed in time"
        time.sleep(0.2)


def test_upload_read_cite_ask_compare(page: Page, base_url: str, tmp_path: Path) -> None:
    pdf = write_sample_report(tmp_path / "northwind-2024.pdf")
    sha = _upload_and_wait(page, base_url, pdf)
    assert len(sha) == 64
    expect(page.locator("h1")).to_contain_text("Northwind Renewables")
    expect(page.locator("#metrics-table")).to_be_visible()

    # a key-metric citation opens its page beside the overview with the value highlighted
    cite = page.locator("#metrics-table a.cite").first
    cite.scroll_into_view_if_needed()
    cite.click()
    expect(page.locator("#viewer-page")).to_be_visible()
    expect(page.locator("#viewer-overlay rect.hl").first).to_be_attached()
    expect(page.locator("#viewer-overlay rect.hl-value")).to_have_count(1)
    assert page.evaluate("document.getElementById('viewer-img').naturalWidth") > 100
    box = page.locator("#viewer-overlay rect.hl").first.bounding_box()
    img = page.locator("#viewer-img").bounding_box()
    assert box and img and img["x"] <= box["x"] and box["y"] + box["height"] <= img["y"] + img["height"]
    expect(page.locator("#viewer-note")).to_contain_text("highlighted")
    _shot(page, "report-citation.png")

    # a citation in the overview prose opens the viewer too
    prose = page.locator(".overview-section a.cite").first
    page_number = prose.get_attribute("data-page")
    prose.click()
    expect(page.locator("#viewer-title")).to_contain_text(f"Page {page_number} of")

    # ask: a cited answer whose pages open the same viewer
    page.fill("#ask-q", "What were Scope 1 emissions in 2024?")
    page.click("#ask-form button")
    expect(page.locator("#answer .answer-text")).to_contain_text("38,420")
    answer_cite = page.locator("#answer a.cite").first
    answer_cite.click()
    expect(page.locator("#viewer-title")).to_contain_text(f"Page {answer_cite.get_attribute('data-page')} of")
    expect(page.locator("#viewer-overlay rect.hl").first).to_be_attached()

    # compare: two more companies uploaded through the API, then one metric as a chart and a table
    for company, year, scope1 in (("Acme", 2024, 52000), ("Borealis Mining", 2024, 24000)):
        data = write_report(tmp_path / f"{company}.pdf", company, year, scope1).read_bytes()
        reply = page.request.post(f"{base_url}/api/reports",
                                  multipart={"file": {"name": f"{company}.pdf", "mimeType": "application/pdf",
                                                      "buffer": data}})
        assert reply.status == 202, reply.text()
        _wait_done(page, base_url, reply.json()["id"])
    page.goto(f"{base_url}/compare?metric=ghg_scope1")
    expect(page.locator("#compare-result svg.compare-chart")).to_be_visible()
    for company in ("Northwind Renewables", "Acme", "Borealis Mining"):
        expect(page.locator("#compare-table")).to_contain_text(company)
    href = page.locator("#compare-table a").first.get_attribute("href") or ""
    assert href.startswith("/reports/") and "/pages/" in href and "q=" in href
    _shot(page, "compare.png")
    page.locator("#compare-table a").first.click()
    expect(page.locator(".page-view rect.hl").first).to_be_attached()
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_hostile_text_runs_nothing(page: Page, base_url: str, tmp_path: Path) -> None:
    pdf = write_xss_report(tmp_path / "hostile.pdf")
    injected: list[Any] = []
    page.on("console", lambda m: injected.append(m.text) if "alert" in m.text else None)
    _upload_and_wait(page, base_url, pdf)
    expect(page.locator("body")).to_contain_text("<script>alert(1)</script>")
    page.locator("#metrics-table a.cite").first.click()
    expect(page.locator("#viewer-quote")).to_contain_text('"><img src=x onerror=alert(1)>')
    expect(page.locator("#viewer-overlay rect.hl").first).to_be_attached()
    _shot(page, "xss-report.png")
    page.fill("#ask-q", "What were Scope 1 emissions?")
    page.click("#ask-form button")
    expect(page.locator("#answer p").first).to_be_visible()
    page.goto(base_url + "/")
    page.goto(f"{base_url}/compare?metric=ghg_scope1")
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"], img[onerror]').length") == 0
    assert injected == []
