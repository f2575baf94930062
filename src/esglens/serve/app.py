"""The web app: FastAPI routes over one corpus store, built by ``create_app(ServeConfig)``.

JSON under /api (``api.py``) mirrors the CLI; HTML pages (``pages.py``) are rendered on the
server with Jinja2 (autoescaped: text from a PDF is always text) and a little packaged JS and
CSS — nothing is fetched from another site, so it works offline. Every API error is
``{"error": "…"}`` with a 4xx/5xx status. ``bind`` takes the port, ``run`` serves it with uvicorn.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from .. import __version__
from ..errors import ConfigError
from .state import ServeConfig, ServerState

__all__ = ["bind", "create_app", "require_web", "run"]

_INSTALL = "pip install 'esglens[web]'"


def require_web() -> None:
    """Raise ConfigError naming the extra when the web stack is not installed."""
    for module in ("fastapi", "uvicorn", "jinja2", "python_multipart"):
        try:
            __import__(module)
        except ImportError as exc:
            name = module.replace("_", "-")
            raise ConfigError(f"the web app needs {name} — {_INSTALL}") from exc


def create_app(config: ServeConfig) -> Any:
    """The FastAPI app for ``config``; opens the store now (StoreError when it is in use).

    The analysis queue starts with the app (lifespan) and stops with it; reports it held go
    back to the queue for the next start.
    """
    require_web()
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from starlette.exceptions import HTTPException  # also the router's own 404/405, not only ours

    from . import api, pages
    from .security import LOOPBACK_HOSTS, Guardrails

    state = ServerState(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.start()
        try:
            yield
        finally:
            state.close()

    app = FastAPI(title="esglens", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Grounded, page-cited ESG overviews of sustainability reports: upload a PDF, "
                              "read its analysis, ask questions, compare companies. Every error is "
                              '`{"error": "…"}`. Pages are 1-based PDF page indices.')
    app.state.esg = state

    def error(request: Request, status: int, message: str) -> Any:
        if request.url.path.startswith("/api/") or status == 413:
            return JSONResponse({"error": message}, status_code=status)
        return pages.error_page(request, status, message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Any:
        detail = exc.detail if isinstance(exc.detail, str) else "bad request"
        if exc.status_code == 404 and detail == "Not Found":
            detail = "no such page — see /docs for the API"
        return error(request, exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Any:
        where = (".".join(str(p) for p in e.get("loc", ())[1:]) or "request" for e in exc.errors())
        problems = "; ".join(f"{w}: {e.get('msg', '')}"
                             for w, e in zip(where, exc.errors()[:3], strict=False))
        return error(request, 422, f"invalid request — {problems}")

    app.include_router(api.router)
    app.include_router(pages.router)
    hosts = config.allowed_hosts
    if hosts is None and config.host in LOOPBACK_HOSTS | {"localhost"}:
        hosts = LOOPBACK_HOSTS
    app.add_middleware(Guardrails, max_body=(config.max_upload_mb << 20) + (1 << 20), token=config.token,
                       allowed_hosts=hosts)
    return app


def bind(config: ServeConfig) -> socket.socket:
    """The listening socket for ``config.host:port``; ConfigError when it cannot be had (in use)."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((config.host, config.port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        why = "already in use — stop what uses it or give --port" if exc.errno == errno.EADDRINUSE \
            else (exc.strerror or str(exc))
        raise ConfigError(f"cannot listen on {config.host}:{config.port}: {why}") from exc
    sock.set_inheritable(True)
    return sock


def run(app: Any, config: ServeConfig, sock: socket.socket) -> None:
    """Serve ``app`` with uvicorn on the bound ``sock`` until Ctrl-C or SIGTERM (``esglens serve``)."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           timeout_graceful_shutdown=5))
    server.run(sockets=[sock])
