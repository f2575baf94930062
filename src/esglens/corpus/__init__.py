"""The corpus: many reports analysed into one DuckDB store, compared and exported.

A layer on top of the pipeline: it calls ``esglens.analyze`` and stores what the Analysis holds;
the pipeline never imports it. ``batch`` fills a store (``batch.py``: process pool in
``pool.py``, dask in ``cluster.py``), ``Store`` is its queue and tables (``store.py``,
``schema.py``), ``Corpus`` reads it as DataFrames (``frames.py``) to compare (``compare.py``)
and export (``export.py``); ``identity.py`` groups company names and applies user overrides.
Needs the extra: ``pip install 'esglens[corpus]'`` (and ``esglens[dask]`` for the dask engine).
"""

from __future__ import annotations

from .batch import BatchProgress, BatchResult, batch
from .frames import Corpus
from .identity import Override, company_key, load_overrides
from .store import Job, Store

__all__ = [
    "BatchProgress",
    "BatchResult",
    "Corpus",
    "Job",
    "Override",
    "Store",
    "batch",
    "company_key",
    "load_overrides",
]
