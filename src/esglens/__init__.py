"""esglens: grounded, page-cited ESG overviews, metrics, targets and answers from report PDFs.

The public API is three verbs: ``read`` (PDF -> Document), ``analyze`` (-> Analysis with metrics,
targets, claims and the overview) and ``ask`` (question -> cited answer).
"""

from __future__ import annotations

from .errors import EsglensError
from .ingest import read_document as read
from .model import Document, Page

__all__ = ["Document", "EsglensError", "Page", "read"]
__version__ = "0.1.0"
