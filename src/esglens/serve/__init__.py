"""The web app: upload a report, read its cited overview beside the page, ask, browse and compare.

A layer on top of the pipeline and the corpus: ``esglens serve`` runs a FastAPI app
(``app.py``: JSON API in ``api.py``, HTML in ``pages.py`` + ``templates/``, ``static/``) over one
corpus store, the same one ``esglens batch`` fills. Uploads are analysed by the corpus worker
pool (``jobs.py`` drives it, ``worker.py`` runs in it); page images and quote highlights come from
the guard's sandboxed PDF engine (``locate.py``); ``security.py`` holds the guard rails.
Needs the extra: ``pip install 'esglens[web]'``.
"""

from __future__ import annotations

from .state import ServeConfig

__all__ = ["ServeConfig", "create_app"]


def create_app(config: ServeConfig) -> object:
    """The FastAPI app (see ``app.create_app``), imported on first use."""
    from .app import create_app as build

    return build(config)
