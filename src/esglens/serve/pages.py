"""The HTML pages: the corpus with the upload box, a report beside its pages, compare, API docs.

Rendered on the server with Jinja2, autoescaped (a report that prints ``<script>`` shows it as
text), so every page works without JavaScript; ``static/app.js`` adds drag-and-drop upload,
live progress, the page viewer with highlights and the ask box on top. Static files are a fixed
set read once from the package: no request path is ever joined to a folder.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .. import __version__
from .reports import (
    compare_rows,
    http_error,
    metric_catalog,
    metric_label,
    page_boxes,
    page_count,
    report_status,
    require_report,
    state_of,
)
from .views import bar_chart, compare_table, corpus_rows, report_context

router = APIRouter(include_in_schema=False)

STATIC = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}


@cache
def _env() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("esglens.serve", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals.update(version=__version__, cite_url=cite_url)
    return env


@cache
def _static(name: str) -> bytes:
    return resources.files("esglens.serve").joinpath("static", name).read_bytes()


def cite_url(sha: str, page: int, quote: str = "", value: str = "") -> str:
    """The viewer page for a citation (the link works without JavaScript)."""
    query = urlencode({k: v for k, v in (("q", quote), ("v", value)) if v})
    return f"/reports/{sha}/pages/{int(page)}" + (f"?{query}" if query else "")


def render(name: str, code: int = 200, **context: Any) -> HTMLResponse:
    """A template rendered (autoescaped) as an HTML response with HTTP status ``code``."""
    html = _env().get_template(name).render(**context)
    return HTMLResponse(html, status_code=code, headers={"cache-control": "no-cache"})


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render("error.html", status, title=f"Error {status}", message=message)


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC:
        raise HTTPException(404, "no such file")
    return Response(_static(name), media_type=STATIC[name], headers={"cache-control": "public, max-age=3600"})


@router.get("/", response_class=HTMLResponse)
def corpus(request: Request, q: str = "", status: str = "", year: str = "") -> HTMLResponse:
    state = state_of(request)
    rows = corpus_rows(state, q=q, status=status, year=year)
    return render("corpus.html", title="Reports", rows=rows, q=q, status=status, year=year,
                  counts=state.view().counts(), max_mb=state.config.max_upload_mb)


@router.post("/upload")
def upload_form(request: Request, file: Annotated[UploadFile, File()]) -> Response:
    """The upload form without JavaScript: store, queue, and go to the report's page."""
    state = state_of(request)
    try:
        sha, path, _ = state.files.save_upload(file.file, file.filename or "report.pdf",
                                                state.config.max_upload_mb << 20)
        state.analyser.submit(state.view(), sha, str(path))
    except Exception as exc:
        err = http_error(exc)
        return error_page(request, err.status_code, str(err.detail))
    return RedirectResponse(f"/reports/{sha}", status_code=303)


@router.get("/reports/{id}", response_class=HTMLResponse)
def report(request: Request, id: str, q: Annotated[str, Query(max_length=500)] = "") -> HTMLResponse:
    state = state_of(request)
    row = require_report(state, id)
    status = report_status(state, id, row)
    analysis = state.analysis(id) if row["status"] == "done" else None
    if analysis is None:
        return render("pending.html", title=status["file"] or "Report", report=status)
    answer = None
    if q.strip():  # the ask box without JavaScript
        from .api import ask

        answer = ask(request, id, q.strip())
    context = report_context(analysis, status)
    return render("report.html", title=context["heading"], report=status, question=q, answer=answer,
                  **context)


@router.get("/reports/{id}/pages/{n}", response_class=HTMLResponse)
def page(request: Request, id: str, n: int, q: Annotated[str, Query(max_length=2000)] = "",
         v: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    """One page image with the quote highlighted (the viewer without JavaScript)."""
    state = state_of(request)
    status = report_status(state, id, require_report(state, id))
    pages = page_count(state, id)
    if not 1 <= n <= max(pages, 1):
        raise HTTPException(404, f"page {n} does not exist — the report has pages 1 to {pages}")
    boxes = page_boxes(state, id, n, q, v) if q else None
    return render("page.html", title=f"Page {n}", report=status, n=n, pages=pages, quote=q, value=v,
                  boxes=boxes)


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, metric: str = "", company: str = "", years: str = "") -> HTMLResponse:
    state = state_of(request)
    catalog = metric_catalog(state)
    metric = metric or (catalog[0]["metric"] if catalog else "")
    companies = [c.strip() for c in company.split(",") if c.strip()]
    rows: list[dict[str, Any]] = []
    problem = ""
    if metric:
        try:
            rows = compare_rows(state, metric, companies, years)
        except HTTPException as exc:
            problem = str(exc.detail)
    table = compare_table(rows)
    return render("compare.html", title="Compare", catalog=catalog, metric=metric, label=metric_label(metric),
                  company=company, years=years, rows=rows, table=table, problem=problem,
                  chart=bar_chart(rows, metric_label(metric)) if rows else None)


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    """The API reference, drawn from the OpenAPI schema (also at /openapi.json)."""
    spec = request.app.openapi()
    ops = [{"method": method.upper(), "path": path, **op} for path, item in spec["paths"].items()
           for method, op in item.items()]
    return render("docs.html", title="API", ops=ops, spec=spec)
