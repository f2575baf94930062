"""The overview stage: (Document, passages, metrics, targets, claims) -> a cited Overview.

Modules in the order they run: ``identity`` (who reports, for when), ``quality`` and
``phrasing`` (which report sentences are fit to quote, and how they are cleaned), ``facts``
(template sentences from metrics, targets, gaps and claims), ``compose`` (selection and the
ESG_overview narrative), ``verify`` and ``llm`` (the optional, verified rewrite by a model).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Names are loaded on first use (PEP 562), so a caller of one module (ask uses ``quality``)
# does not pay for importing the whole stage.
_WHERE = {"SECTIONS": "compose", "compose_overview": "compose", "detect_company": "identity",
          "detect_period": "identity", "report_title": "identity", "clean_sentence": "phrasing",
          "numbers_in": "phrasing", "third_person": "phrasing", "verify_sentence": "phrasing",
          "is_prose": "quality", "resolve_language": "compose", "candidates": "select"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["SECTIONS", "candidates", "clean_sentence", "compose_overview", "detect_company",
           "detect_period", "is_prose", "numbers_in", "report_title", "resolve_language",
           "third_person", "verify_sentence"]
