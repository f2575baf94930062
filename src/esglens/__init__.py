"""esglens: grounded, page-cited ESG overviews, metrics, targets and answers from report PDFs.

The public API is three verbs: ``read`` (PDF -> Document), ``analyze`` (-> Analysis with metrics,
targets, claims and the overview) and ``ask`` (question -> cited answers), plus the corpus layer
on top: ``batch`` (many reports -> a DuckDB store) and ``Corpus`` (that store as DataFrames).
They are imported on first use, so ``esglens ask`` on a cached index starts without loading the
PDF reader, and the core never needs the corpus extra.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import EsglensError
from .model import Analysis, Document, Metric, Page, Target

if TYPE_CHECKING:
    from .analyze import analyze
    from .ask import answer_questions as ask
    from .corpus.batch import batch
    from .corpus.frames import Corpus
    from .guard import read_guarded as read

__all__ = [
    "Analysis",
    "Corpus",
    "Document",
    "EsglensError",
    "Metric",
    "Page",
    "Target",
    "analyze",
    "ask",
    "batch",
    "read",
]
__version__ = "0.1.0"


# name -> (module, attribute) of the lazily imported verbs
_LAZY = {
    "Corpus": (".corpus.frames", "Corpus"),
    "analyze": (".analyze", "analyze"),
    "ask": (".ask", "answer_questions"),
    "batch": (".corpus.batch", "batch"),
    "read": (".guard", "read_guarded"),
}


def __getattr__(name: str) -> Any:
    """Load the heavy verbs lazily (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'esglens' has no attribute {name!r}")
    module, attr = _LAZY[name]
    verb = getattr(importlib.import_module(module, __name__), attr)
    # Importing the submodule bound its name (esglens.analyze, esglens.ask) to the module;
    # bind the verb instead, or the second esglens.analyze(...) call gets the module.
    globals()[name] = verb
    return verb
