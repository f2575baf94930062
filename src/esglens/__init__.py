"""esglens: grounded, page-cited ESG overviews, metrics, targets and answers from report PDFs.

The public API is three verbs: ``read`` (PDF -> Document), ``analyze`` (-> Analysis with metrics,
targets, claims and the overview) and ``ask`` (question -> cited answers). They are imported on
first use, so ``esglens ask`` on a cached index starts without loading the PDF reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import EsglensError
from .model import Analysis, Document, Metric, Page, Target

if TYPE_CHECKING:
    from .analyze import analyze
    from .ask import answer_questions as ask
    from .guard import read_guarded as read

__all__ = [
    "Analysis",
    "Document",
    "EsglensError",
    "Metric",
    "Page",
    "Target",
    "analyze",
    "ask",
    "read",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Load the heavy verbs lazily (PEP 562)."""
    if name == "read":
        from .guard import read_guarded

        return read_guarded
    if name == "analyze":
        from .analyze import analyze

        return analyze
    if name == "ask":
        from .ask import answer_questions

        return answer_questions
    raise AttributeError(f"module 'esglens' has no attribute {name!r}")
