"""What the API and the pages share: finding a report, its status, page images, highlights, tables.

Each helper raises HTTPException with the message the client sees; library errors are mapped
once, in ``http_error``.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request

from ..errors import ConfigError, EsglensError, InputError, NotFoundError, StoreError
from ..model import Analysis
from .files import TooLargeUploadError, is_sha, write_atomic
from .jobs import QueueFullError
from .state import ServerState
from .worker import read_progress

SCALES = (1.0, 1.5, 2.0, 3.0)
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


def state_of(request: Request) -> ServerState:
    state: ServerState = request.app.state.esg
    return state


def http_error(exc: Exception, *, unavailable: int = 503) -> HTTPException:
    """The HTTP status and one-line message for a library error."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, HTTPException):
        return exc
    if isinstance(exc, TooLargeUploadError):
        return HTTPException(413, message)
    if isinstance(exc, QueueFullError):
        return HTTPException(503, message)
    if isinstance(exc, NotFoundError):
        return HTTPException(410, "the report's PDF is no longer on the server — upload it again")
    if isinstance(exc, InputError):
        return HTTPException(400, message)
    if isinstance(exc, ConfigError):
        return HTTPException(unavailable if "install" in message else 422, message)
    if isinstance(exc, StoreError):
        return HTTPException(503, message)
    if isinstance(exc, EsglensError):
        return HTTPException(422, message)
    raise exc


def require_report(state: ServerState, sha: str) -> dict[str, Any]:
    """The report's store row, or 404 (also for anything that is not a sha256)."""
    row = state.view().report(sha) if is_sha(sha) else None
    if row is None:
        raise HTTPException(404, "no such report — ids are the sha256 of the PDF")
    return row


def require_done(state: ServerState, sha: str) -> Analysis:
    """The report's Analysis; 404 when unknown, 409 while it is not analysed."""
    analysis = state.analysis(sha)
    if analysis is None:
        row = require_report(state, sha)
        why = f": {row['error']}" if row["error"] else ""
        raise HTTPException(409, f"the report is {row['status']}{why}")
    return analysis


def pdf_path(state: ServerState, sha: str) -> Path:
    """The report's PDF on the server (the store's path for it), or 410 when it is gone."""
    row = require_report(state, sha)
    path = Path(row["path"])
    if not path.is_file():
        raise HTTPException(410, "the report's PDF is no longer on the server — upload it again")
    return path


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def report_status(state: ServerState, sha: str, row: dict[str, Any]) -> dict[str, Any]:
    """The status object of GET /api/reports/{id} (and each row of GET /api/reports)."""
    out: dict[str, Any] = {
        "id": sha, "status": row["status"], "company": row["company"], "title": row["title"],
        "year": row["year"], "pages": row["pages"], "language": row["language"],
        "file": state.files.original_name(sha), "error": row["error"], "queued_at": _iso(row["queued_at"]),
        "analysed_at": _iso(row["analysed_at"]), "seconds": row["seconds"], "url": f"/reports/{sha}",
    }
    if row["status"] == "queued":
        out["position"] = state.analyser.position(state.view(), sha)
    if row["status"] == "running":
        progress = read_progress(state.files.progress(sha)) or {}
        started = state.analyser.started.get(sha)
        out.update(stage=progress.get("stage", "starting"), fraction=progress.get("fraction", 0.0),
                   elapsed=round(time.monotonic() - started, 1) if started else None)
    return out


def page_count(state: ServerState, sha: str) -> int:
    row = require_report(state, sha)
    return int(row["pages"] or 0)


def _check_page(state: ServerState, sha: str, n: int) -> Path:
    path = pdf_path(state, sha)
    pages = page_count(state, sha)
    if pages and not 1 <= n <= pages:
        raise HTTPException(404, f"page {n} does not exist — the report has pages 1 to {pages}")
    return path


def page_png(state: ServerState, sha: str, n: int, scale: float) -> bytes:
    """Page ``n`` as PNG, from the cache or rendered in the guard's sandbox (then cached)."""
    cached = state.files.page_png(sha, n, scale) if is_sha(sha) else None
    if cached is not None and cached.is_file():
        return cached.read_bytes()
    path = _check_page(state, sha, n)
    assert cached is not None
    from ..guard import render_page

    with state.page_lock(sha, n):
        if not cached.is_file():
            try:
                with state.render_slots:
                    data = render_page(path, n, scale)
            except Exception as exc:
                raise http_error(exc) from exc
            write_atomic(cached, data)
    return cached.read_bytes()


def citations_on(analysis: Analysis, page: int) -> list[tuple[str, str]]:
    """Every (quote, value) the analysis cites on ``page``, so one sandbox visit locates them all."""
    found: dict[tuple[str, str], None] = {}
    for m in analysis.metrics:
        if m.page == page:
            found[(m.quote, m.raw_value)] = None
    for t in analysis.targets:
        if t.page == page:
            found[(t.quote, "")] = None
    for c in analysis.claims:
        if c.page == page:
            found[(c.text, "")] = None
    for section in analysis.overview.sections if analysis.overview else ():
        for s in section.sentences:
            for cite in s.citations:
                if cite.page == page:
                    found[(cite.quote, "")] = None
    return list(found)


def _key(quote: str, value: str) -> str:
    return hashlib.sha1(f"{quote}\0{value}".encode()).hexdigest()[:20]


def page_boxes(state: ServerState, sha: str, n: int, quote: str, value: str) -> dict[str, Any]:
    """Highlight boxes of ``quote`` (and ``value`` in it) on page ``n``, cached per page on disk."""
    from .locate import find_boxes

    analysis = require_done(state, sha)
    cache = state.files.boxes(sha, n)
    key = _key(quote, value)
    with state.page_lock(sha, n):
        known = state.files.read_json(cache) or {}
        if key not in known.get("results", {}):
            path = _check_page(state, sha, n)
            queries = [q for q in citations_on(analysis, n) if _key(*q) not in known.get("results", {})]
            if (quote, value) not in queries:
                queries.append((quote, value))
            try:
                with state.render_slots:
                    found = find_boxes(path, n, queries)
            except Exception as exc:
                raise http_error(exc) from exc
            results = dict(known.get("results", {}))
            results.update({_key(*q): r for q, r in zip(queries, found["results"], strict=True)})
            known = {"width": found["width"], "height": found["height"], "results": results}
            write_atomic(cache, json.dumps(known).encode())
    hit = known["results"][key]
    return {"page": n, "width": known["width"], "height": known["height"], **hit}


def metric_label(metric: str, fallback: str = "") -> str:
    """The catalog's label of a metric id ("ghg_scope1" -> "Scope 1 GHG emissions")."""
    from ..extract.catalog import kpi_by_id

    kpi = kpi_by_id().get(metric)
    return kpi.label if kpi is not None else (fallback or metric.replace("_", " "))


def metric_catalog(state: ServerState) -> list[dict[str, Any]]:
    """Metrics disclosed by analysed reports: id, label, unit, and how many reports have them."""
    rows = state.view().con.execute(
        "SELECT m.metric, count(DISTINCT m.sha256) AS reports, string_agg(DISTINCT m.unit, ', ') "
        "FROM metrics m JOIN reports r USING (sha256) WHERE m.\"primary\" AND r.status = 'done' "
        "GROUP BY m.metric ORDER BY reports DESC, m.metric").fetchall()
    return [{"metric": m, "label": metric_label(m), "reports": int(n), "unit": u or ""} for m, n, u in rows]


def compare_rows(state: ServerState, metric: str, companies: list[str] | None,
                 years: str | None) -> list[dict[str, Any]]:
    """``esglens compare --format json`` rows; 404 for a metric no report has, 400 for bad years."""
    from ..corpus import Corpus
    from ..corpus.compare import format_compare

    known = [m["metric"] for m in metric_catalog(state)]
    if metric not in known:
        listed = ", ".join(known[:25]) or "none yet"
        raise HTTPException(404, f"no analysed report has metric {metric!r} — metrics there are: {listed}")
    try:
        frame = Corpus(state.view()).compare(metric, companies=companies or None, years=years or None)
    except ConfigError as exc:
        raise HTTPException(400, " ".join(str(exc).split())) from exc
    rows: list[dict[str, Any]] = json.loads(format_compare(frame, "json"))
    for row in rows:  # the server's own folders are nobody's business: the file name is enough
        if isinstance(row.get("report"), str):
            row["report"] = Path(row["report"]).name
    return rows


def metrics_frame(analysis: Analysis) -> Any:
    """Every metric value of one report as a DataFrame (company and report first), for downloads."""
    from ..corpus.store import require

    pd = require("pandas")
    rows = [{"company": analysis.company, "report": analysis.title, "sha256": analysis.sha256, **m.to_dict()}
            for m in analysis.metrics]
    columns = ["company", "report", "sha256", "metric", "label", "value", "unit", "period", "page", "quote",
               "primary", "raw_value", "raw_unit", "basis", "boundary", "source", "confidence", "reason"]
    return pd.DataFrame(rows, columns=columns)


def _inert(value: Any) -> Any:
    """A CSV text cell a spreadsheet would run as a formula ("=…", "+…", "@…") kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "@", "\t", "\r") or (
            isinstance(value, str) and value.startswith("-") and not value[1:2].isdigit()):
        return "'" + value
    return value


def table_bytes(frame: Any, fmt: str) -> tuple[bytes, str]:
    """A DataFrame as CSV or XLSX bytes (XLSX cells are text, never formulas: corpus.export)."""
    if fmt == "csv":
        return frame.map(_inert).to_csv(index=False).encode("utf-8"), "text/csv; charset=utf-8"
    import tempfile

    from ..corpus.export import write_xlsx

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        write_xlsx(frame, "metrics", tmp.name)
        data = Path(tmp.name).read_bytes()
    return data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_name(data: dict[str, Any], what: str) -> str:
    """"northwind-renewables-2024-analysis.json": ASCII only, safe in a header."""
    stem = _SLUG.sub("-", f"{data.get('company') or 'report'} {data.get('period') or ''}").strip("-.")[:60]
    return f"{stem or 'report'}-{what}"
