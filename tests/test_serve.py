"""The web app's JSON API and HTML through FastAPI's TestClient: upload, status, analysis, pages,
highlights, ask, compare, downloads, and the guard rails (bad uploads, limits, traversal, XSS,
hosts, token, restart). One server analyses the generated sample and an XSS fixture once per module.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("duckdb")
pytest.importorskip("reportlab")

from fastapi.testclient import TestClient  # noqa: E402

from esglens.corpus.store import Store  # noqa: E402
from esglens.sample import write_sample_report  # noqa: E402
from esglens.serve import ServeConfig, create_app  # noqa: E402

from .conftest import write_pdf  # noqa: E402

BASE = "http://127.0.0.1"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TRAVERSALS = [
    "/api/reports/..%2f..%2fetc%2fpasswd",
    "/api/reports/..%2F..%2Fetc%2Fpasswd/analysis",
    "/api/reports/%2e%2e/%2e%2e/etc/passwd",
    "/api/reports/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/api/reports/..%252f..%252fetc%252fpasswd",
    "/api/reports/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
    "/reports/..%2f..%2fetc%2fpasswd",
    "/static/..%2f..%2fpyproject.toml",
    "/static/%2e%2e/app.py",
    "/static/..%2fapp.py",
]


def write_xss_report(path: Path) -> Path:
    """A report whose cover, prose and KPI table print script and attribute-breaking markup."""
    return write_pdf(path, [
        [("Hostile Markup AG Sustainability Report 2024", 20),
         f"Hostile Markup AG reports on the financial year 2024. {SCRIPT}",
         f"This report covers our environmental performance in 2024 {IMG}."],
        [("Climate", 16),
         f"Hostile Markup AG reduced its Scope 1 emissions to 12,000 tCO2e in 2024 {SCRIPT}.",
         f"We aim to reduce absolute Scope 1 and 2 emissions by 40% by 2030 from a 2020 base year {IMG}."],
        [("Key figures", 16), ("TABLE", [
            ["Indicator", "Unit", "2024", "2023"],
            [f"Scope 1 emissions {IMG}", "tCO2e", "12,000", "13,000"],
            [f"Employees {SCRIPT}", "headcount", "1,200", "1,150"]])],
    ], title=f"Hostile Markup {SCRIPT}")


class _Tags(HTMLParser):
    """Collects what a browser would run: event-handler attributes and scripts not from /static."""

    def __init__(self) -> None:
        super().__init__()
        self.active: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        self.active += [f"{tag} {k}" for k in names if k.startswith("on")]
        if tag == "script" and not (names.get("src") or "").startswith("/static/"):
            self.active.append("inline script")
        if tag == "img" and names.get("src") == "x":
            self.active.append("injected img")


def active_markup(html: str) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    return parser.active


def wait_done(client: TestClient, sha: str, limit: float = 120.0) -> dict[str, Any]:
    """Poll the status until the report is done or failed."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        status: dict[str, Any] = client.get(f"/api/reports/{sha}").json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"{sha} not analysed within {limit} s")


def upload(client: TestClient, data: bytes, name: str = "report.pdf") -> Any:
    return client.post("/api/reports", files={"file": (name, data, "application/pdf")})


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("web-pdfs")
    return {"sample": write_sample_report(root / "sample.pdf"), "xss": write_xss_report(root / "xss.pdf")}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory,
           pdfs: dict[str, Path]) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A running app (queue started) with the sample and the XSS fixture analysed."""
    root = tmp_path_factory.mktemp("web-store")
    app = create_app(ServeConfig(store=str(root / "corpus.duckdb"), workers=2, max_upload_mb=2))
    with TestClient(app, base_url=BASE) as client:
        ids = {}
        for key, name in (("sample", "northwind.pdf"), ("xss", f"{IMG}.pdf")):
            r = upload(client, pdfs[key].read_bytes(), name)
            assert r.status_code == 202, r.text
            ids[key] = r.json()["id"]
        for key, sha in ids.items():
            assert wait_done(client, sha)["status"] == "done", key
        yield client, ids


def test_health_and_docs(server: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = server
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["reports"]["done"] >= 2
    spec = client.get("/openapi.json").json()
    for path in ("/api/health", "/api/reports", "/api/reports/{id}", "/api/reports/{id}/analysis",
                 "/api/reports/{id}/pages/{n}.png", "/api/reports/{id}/ask", "/api/compare"):
        assert path in spec["paths"], path
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/reports/{id}/ask" in docs.text


def test_upload_status_and_analysis(server: tuple[TestClient, dict[str, str]], pdfs: dict[str, Path]) -> None:
    client, ids = server
    data = pdfs["sample"].read_bytes()
    assert ids["sample"] == hashlib.sha256(data).hexdigest()
    again = upload(client, data)  # the same file again: already done, not analysed twice
    assert again.status_code == 200 and again.json() == {"id": ids["sample"], "status": "done",
                                                         "url": f"/reports/{ids['sample']}"}
    status = client.get(f"/api/reports/{ids['sample']}").json()
    assert status["status"] == "done" and status["company"] == "Northwind Renewables" and status["pages"] == 6
    analysis = client.get(f"/api/reports/{ids['sample']}/analysis").json()
    assert analysis["sha256"] == ids["sample"] and analysis["metrics"] and analysis["overview"]
    listed = {r["id"]: r["status"] for r in client.get("/api/reports").json()}
    assert listed[ids["sample"]] == "done"


def test_bad_uploads_are_4xx_json(server: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = server
    cases = [
        (b"hello, not a pdf" * 100, 400),
        (b"", 400),
        (b"%PDF-1.7\n" + b"0" * (3 << 20), 413),  # over the 2 MB cap
    ]
    for data, code in cases:
        r = upload(client, data)
        assert r.status_code == code, (code, r.text)
        assert set(r.json()) == {"error"} and r.json()["error"]
    r = client.post("/api/reports", files={"other": ("x.pdf", b"%PDF-1.7", "application/pdf")})
    assert r.status_code == 422 and "error" in r.json()
    r = client.post("/api/reports", content=b"%PDF-1.7\n" + b"0" * (3 << 20),
                    headers={"content-type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413


def test_page_image_and_highlight(server: tuple[TestClient, dict[str, str]]) -> None:
    client, ids = server
    sha = ids["sample"]
    png = client.get(f"/api/reports/{sha}/pages/1.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert png.headers["content-type"] == "image/png"
    assert client.get(f"/api/reports/{sha}/pages/1.png").content == png.content  # cached
    for bad, code in (("0.png", 404), ("7.png", 404), ("x.png", 422), ("1.png?scale=9", 400)):
        r = client.get(f"/api/reports/{sha}/pages/{bad}")
        assert r.status_code == code and "error" in r.json(), bad
    analysis = client.get(f"/api/reports/{sha}/analysis").json()
    metric = next(m for m in analysis["metrics"] if m["metric"] == "ghg_scope1")
    boxes = client.get(f"/api/reports/{sha}/pages/{metric['page']}/boxes",
                       params={"q": metric["quote"], "v": metric["raw_value"]}).json()
    assert boxes["match"] == "exact" and boxes["boxes"] and len(boxes["value_boxes"]) == 1
    x0, y0, x1, y1 = boxes["value_boxes"][0]
    assert 0 <= x0 < x1 <= boxes["width"] and 0 <= y0 < y1 <= boxes["height"]
    missing = client.get(f"/api/reports/{sha}/pages/1/boxes", params={"q": "words on no page at all"})
    assert missing.json()["match"] == "none" and missing.json()["boxes"] == []


def test_ask_is_the_cli_object(server: tuple[TestClient, dict[str, str]]) -> None:
    client, ids = server
    r = client.get(f"/api/reports/{ids['sample']}/ask", params={"q": "What were Scope 1 emissions in 2024?"})
    answer = r.json()
    assert r.status_code == 200 and set(answer) >= {"answer", "abstained", "citations", "kind"}
    assert "38,420" in answer["answer"] and answer["citations"][0]["page"] >= 1
    assert client.get(f"/api/reports/{ids['sample']}/ask").status_code == 422


def test_compare_and_downloads(server: tuple[TestClient, dict[str, str]]) -> None:
    client, ids = server
    rows = client.get("/api/compare", params={"metric": "ghg_scope1"}).json()
    companies = {r["company"] for r in rows}
    assert "Northwind Renewables" in companies and all(r["page"] >= 1 for r in rows)
    assert all("/" not in r["report"] for r in rows)  # no server path leaks
    assert client.get("/api/compare", params={"metric": "no_such_metric"}).status_code == 404
    html = client.get("/compare", params={"metric": "ghg_scope1"})
    assert html.status_code == 200 and 'id="compare-table"' in html.text and "<svg" in html.text
    sha = ids["sample"]
    csv = client.get(f"/api/reports/{sha}/metrics.csv")
    assert csv.status_code == 200 and csv.text.startswith("company,report,sha256,metric")
    xlsx = client.get(f"/api/reports/{sha}/metrics.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    dl = client.get(f"/api/reports/{sha}/analysis", params={"download": 1})
    assert "attachment" in dl.headers["content-disposition"]
    assert client.get(f"/api/reports/{sha}/overview.pdf").status_code in (200, 501)


def test_report_and_corpus_views(server: tuple[TestClient, dict[str, str]]) -> None:
    client, ids = server
    page = client.get(f"/reports/{ids['sample']}")
    assert page.status_code == 200 and 'class="cite"' in page.text and 'id="metrics-table"' in page.text
    assert "Data gaps" in page.text and 'id="ask-form"' in page.text
    corpus = client.get("/", params={"q": "northwind"})
    assert "Northwind Renewables" in corpus.text and "Hostile Markup" not in corpus.text
    viewer = client.get(f"/reports/{ids['sample']}/pages/4", params={"q": "Scope 1 emissions"})
    assert viewer.status_code == 200 and 'class="hl"' in viewer.text


def test_pdf_text_renders_inert(server: tuple[TestClient, dict[str, str]]) -> None:
    client, ids = server
    sha = ids["xss"]
    analysis = client.get(f"/api/reports/{sha}/analysis").text
    assert "alert(1)" in analysis  # the payload did reach the analysis ...
    answer = client.get(f"/api/reports/{sha}/ask", params={"q": "What were Scope 1 emissions?"})
    pages = [client.get(f"/reports/{sha}").text, client.get("/").text,
             client.get("/compare", params={"metric": "ghg_scope1"}).text,
             client.get(f"/reports/{sha}/pages/3", params={"q": IMG, "v": SCRIPT}).text,
             client.get(f"/reports/{sha}", params={"q": "What were Scope 1 emissions?"}).text]
    assert answer.status_code == 200
    for html in pages:  # ... and every page shows it as text
        assert SCRIPT not in html and "<img src=x" not in html
        assert active_markup(html) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0]
    assert "script-src 'self'" in client.get(f"/reports/{sha}").headers["content-security-policy"]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_encoded_traversal_is_4xx(server: tuple[TestClient, dict[str, str]], path: str) -> None:
    client, _ = server
    r = client.get(path)
    assert 400 <= r.status_code < 500, (path, r.status_code)
    assert "root:" not in r.text and "[project]" not in r.text


def test_ids_must_be_sha256(server: tuple[TestClient, dict[str, str]]) -> None:
    client, ids = server
    for bad in ("abc", ids["sample"].upper(), ids["sample"] + "0", "0" * 64):
        r = client.get(f"/api/reports/{bad}")
        assert r.status_code == 404 and "error" in r.json(), bad
        assert client.get(f"/api/reports/{bad}/pages/1.png").status_code == 404


def test_host_origin_and_token(tmp_path: Path, pdfs: dict[str, Path]) -> None:
    app = create_app(ServeConfig(store=str(tmp_path / "c.duckdb"), token="s3cret"))
    client = TestClient(app, base_url=BASE)  # no lifespan: the queue does not run
    try:
        assert client.get("/api/health").status_code == 200
        assert client.get("/api/reports").status_code == 401
        assert client.get("/api/reports", headers={"authorization": "Bearer s3cret"}).status_code == 200
        assert client.get("/api/reports", headers={"authorization": "Bearer nope"}).status_code == 401
        r = client.get("/?token=s3cret", follow_redirects=False)
        assert r.status_code == 303 and "HttpOnly" in r.headers["set-cookie"] and r.headers["location"] == "/"
        assert client.get("/").status_code == 200  # the cookie now
        evil = TestClient(app, base_url="http://evil.example")
        assert evil.get("/api/health").status_code == 400
        cross_site = {"origin": "http://evil.example", "authorization": "Bearer s3cret"}
        r = client.post("/api/reports", headers=cross_site,
                        files={"file": ("a.pdf", pdfs["sample"].read_bytes(), "application/pdf")})
        assert r.status_code == 403
    finally:
        app.state.esg.close()


def test_queue_limit(tmp_path: Path, pdfs: dict[str, Path]) -> None:
    app = create_app(ServeConfig(store=str(tmp_path / "c.duckdb"), max_queue=1))
    client = TestClient(app, base_url=BASE)  # no lifespan: uploads wait in the queue
    try:
        assert upload(client, pdfs["sample"].read_bytes()).status_code == 202
        assert upload(client, pdfs["sample"].read_bytes()).json()["status"] == "queued"  # the same one
        full = upload(client, pdfs["xss"].read_bytes())
        assert full.status_code == 503 and "waiting" in full.json()["error"]
        pending = client.get(f"/reports/{hashlib.sha256(pdfs['sample'].read_bytes()).hexdigest()}")
        assert pending.status_code == 200 and 'data-status="queued"' in pending.text
    finally:
        app.state.esg.close()


def test_parallel_uploads_none_lost(tmp_path: Path, pdfs: dict[str, Path]) -> None:
    """Eight uploads at once of four distinct files: four reports, each analysed once, all done."""
    base = pdfs["sample"].read_bytes()
    files = [base + f"\n% copy {i}\n".encode() for i in range(4)] * 2
    app = create_app(ServeConfig(store=str(tmp_path / "c.duckdb"), workers=2))
    with TestClient(app, base_url=BASE) as client, ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda d: upload(client, d), files))
        assert all(r.status_code in (200, 202) for r in replies), [r.text for r in replies]
        ids = {r.json()["id"] for r in replies}
        assert ids == {hashlib.sha256(d).hexdigest() for d in files}
        assert all(wait_done(client, sha)["status"] == "done" for sha in ids)
        assert client.get("/api/health").json()["reports"]["done"] == 4


def test_restart_resumes_or_fails_queued_work(tmp_path: Path, pdfs: dict[str, Path]) -> None:
    """Work a dead server left queued or running is analysed by the next; a vanished file fails."""
    store_path, files = tmp_path / "c.duckdb", tmp_path / "c.files"
    app = create_app(ServeConfig(store=str(store_path)))
    client = TestClient(app, base_url=BASE)  # no lifespan: queued, never started
    sample = upload(client, pdfs["sample"].read_bytes()).json()["id"]
    xss = upload(client, pdfs["xss"].read_bytes()).json()["id"]
    app.state.esg.close()
    with Store(store_path) as store:
        store.claim(1, shas=[sample])  # as if a server died while analysing it
        assert store.status(sample) == "running"
    (files / "uploads" / f"{xss}.pdf").unlink()
    app = create_app(ServeConfig(store=str(store_path)))
    with TestClient(app, base_url=BASE) as client:
        assert wait_done(client, sample)["status"] == "done"
        gone = wait_done(client, xss)
        assert gone["status"] == "failed" and gone["error"]
        assert client.get(f"/api/reports/{xss}/analysis").status_code == 409
