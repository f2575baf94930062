"""esglens: grounded, page-cited ESG overviews, metrics, targets and answers from report PDFs.

The public API is three verbs: ``read`` (PDF -> Document), ``analyze`` (-> Analysis with metrics,
targets, claims and the overview) and ``ask`` (question -> cited answer).
"""

from __future__ import annotations

from .analyze import analyze
from .errors import EsglensError
from .ingest import read_document as read
from .model import Analysis, Document, Metric, Page, Target

__all__ = ["Analysis", "Document", "EsglensError", "Metric", "Page", "Target", "analyze", "read"]
__version__ = "0.1.0"
