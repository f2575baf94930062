"""Facts from a Document: metrics (values in catalog units), targets and claims to watch.

Stage: Document -> tuple[Metric, ...] / tuple[Target, ...] / tuple[Claim, ...]. Every fact carries
its 1-based PDF page and a quote. Domain knowledge (KPI catalog, unit spellings, claim patterns)
lives in ``esglens/data/*.yaml``.
"""

from __future__ import annotations

from .claims import extract_claims
from .gaps import find_gaps
from .metrics import extract_metrics
from .targets import extract_targets

__all__ = ["extract_claims", "extract_metrics", "extract_targets", "find_gaps"]
