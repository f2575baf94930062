"""The JSON API, mirroring the CLI: upload, status, analysis, page images, highlights, ask, compare.

Report ids are sha256 hex digests; anything else is a 404 before any file is looked at. A
question's answer is exactly ``esglens ask --json``'s object, a comparison exactly
``esglens compare --format json``'s rows.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from .. import __version__
from .reports import (
    SCALES,
    download_name,
    http_error,
    metric_catalog,
    metrics_frame,
    page_boxes,
    page_png,
    pdf_path,
    report_status,
    require_done,
    require_report,
    state_of,
    table_bytes,
)

router = APIRouter(prefix="/api", tags=["api"])

Id = Annotated[str, "sha256"]
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": why, "content": {"application/json": {"example": {"error": "…"}}}}
    for code, why in ((400, "bad input"), (404, "no such report"), (409, "not analysed yet"),
                      (413, "over the upload limit"), (503, "queue full"))
}


@router.get("/health", summary="Liveness, version and queue counts")
def health(request: Request) -> dict[str, Any]:
    state = state_of(request)
    return {"status": "ok", "version": __version__, "workers": state.config.workers,
            "reports": state.view().counts()}


@router.get("/reports", summary="Every report in the store: company, year, status")
def list_reports(request: Request, status: str | None = None) -> list[dict[str, Any]]:
    state = state_of(request)
    return [report_status(state, row["sha256"], row) for row in state.view().reports(status=status)]


@router.post("/reports", status_code=202, responses=_ERRORS,  # type: ignore[arg-type]
             summary="Upload a report PDF (multipart field `file`); it is queued for analysis")
def upload(request: Request, file: Annotated[UploadFile, File(description="the report PDF")]) -> JSONResponse:
    state = state_of(request)
    try:
        sha, path, _ = state.files.save_upload(file.file, file.filename or "report.pdf",
                                                state.config.max_upload_mb << 20)
        status = state.analyser.submit(state.view(), sha, str(path))
    except Exception as exc:
        raise http_error(exc) from exc
    return JSONResponse({"id": sha, "status": status, "url": f"/reports/{sha}"},
                        status_code=200 if status == "done" else 202)


@router.get("/reports/{id}", responses=_ERRORS, summary="Status: queued | running | done | failed")  # type: ignore[arg-type]
def status(request: Request, id: Id) -> dict[str, Any]:
    state = state_of(request)
    return report_status(state, id, require_report(state, id))


@router.get("/reports/{id}/analysis", responses=_ERRORS, summary="analysis.json")  # type: ignore[arg-type]
def analysis(request: Request, id: Id, download: bool = False) -> Response:
    state = state_of(request)
    data = require_done(state, id).to_dict()
    headers = {"content-disposition": f'attachment; filename="{download_name(data, "analysis.json")}"'}
    return Response(json.dumps(data, ensure_ascii=False, indent=1), media_type="application/json",
                    headers=headers if download else None)


@router.get("/reports/{id}/pages/{n}.png", responses=_ERRORS, summary="Page n (1-based) as a PNG",  # type: ignore[arg-type]
            response_class=Response)
def page_image(request: Request, id: Id, n: int, scale: float = 1.5) -> Response:
    if scale not in SCALES:
        raise HTTPException(400, f"scale {scale:g}: use one of {', '.join(f'{s:g}' for s in SCALES)}")
    state = state_of(request)
    data = page_png(state, id, n, scale)
    immutable = {"cache-control": "private, max-age=31536000, immutable"}  # a sha256's page never changes
    return Response(data, media_type="image/png", headers=immutable)


@router.get("/reports/{id}/pages/{n}/boxes", responses=_ERRORS,  # type: ignore[arg-type]
            summary="Where a quote is on page n: boxes in PDF points from the top-left")
def boxes(request: Request, id: Id, n: int, q: Annotated[str, Query(max_length=2000)] = "",
          v: Annotated[str, Query(max_length=200)] = "") -> dict[str, Any]:
    return page_boxes(state_of(request), id, n, q, v)


@router.get("/reports/{id}/ask", responses=_ERRORS,  # type: ignore[arg-type]
            summary="A cited answer (the `esglens ask --json` object)")
def ask(request: Request, id: Id, q: Annotated[str, Query(min_length=1, max_length=500)],
        k: Annotated[int, Query(ge=1, le=20)] = 5) -> dict[str, Any]:
    from ..ask import answer_questions

    state = state_of(request)
    require_done(state, id)
    path = pdf_path(state, id)
    try:
        with state.render_slots:
            answers = answer_questions(path, [q], k=k, cache_dir=state.files.index_dir,
                                       read_options={"time_limit": 60.0})
    except Exception as exc:
        raise http_error(exc) from exc
    return answers[0].to_dict()


@router.get("/reports/{id}/metrics.{fmt}", responses=_ERRORS,  # type: ignore[arg-type]
            summary="The report's metrics, one row per value (csv or xlsx)", response_class=Response)
def metrics_table(request: Request, id: Id, fmt: str) -> Response:
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(404, "metrics come as metrics.csv or metrics.xlsx")
    analysis = require_done(state_of(request), id)
    data, media = table_bytes(metrics_frame(analysis), fmt)
    name = download_name(analysis.to_dict(), f"metrics.{fmt}")
    return Response(data, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


@router.get("/reports/{id}/overview.pdf", responses=_ERRORS, summary="The overview as a PDF",  # type: ignore[arg-type]
            response_class=Response)
def overview_pdf(request: Request, id: Id) -> Response:
    import tempfile
    from pathlib import Path

    from ..render.pdf import render_pdf

    analysis = require_done(state_of(request), id)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            data = render_pdf(analysis, Path(tmp) / "overview.pdf").read_bytes()
    except Exception as exc:
        raise http_error(exc, unavailable=501) from exc
    name = download_name(analysis.to_dict(), "overview.pdf")
    return Response(data, media_type="application/pdf",
                    headers={"content-disposition": f'attachment; filename="{name}"'})


@router.get("/metrics", summary="Metrics some analysed report discloses, with how many reports do")
def metrics(request: Request) -> list[dict[str, Any]]:
    return metric_catalog(state_of(request))


@router.get("/compare", responses=_ERRORS,  # type: ignore[arg-type]
            summary="One metric across companies and years (the `esglens compare --format json` rows)")
def compare(request: Request, metric: str, company: Annotated[list[str] | None, Query()] = None,
            years: str | None = None) -> list[dict[str, Any]]:
    from .reports import compare_rows

    return compare_rows(state_of(request), metric, company, years)
