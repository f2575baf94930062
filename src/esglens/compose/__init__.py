"""The overview stage: (Document, passages, metrics, targets, claims) -> a cited Overview.

Modules in the order they run: ``identity`` (who reports, for when), ``quality`` and
``phrasing`` (which report sentences are fit to quote, and how they are cleaned), ``facts``
(template sentences from metrics, targets, gaps and claims), ``compose`` (selection and the
ESG_overview narrative), ``verify`` and ``llm`` (the optional, verified rewrite by a model).
"""

from __future__ import annotations

from .compose import SECTIONS, compose_overview
from .identity import detect_company, detect_period, report_title
from .phrasing import clean_sentence, numbers_in, third_person, verify_sentence
from .quality import is_prose

__all__ = ["SECTIONS", "clean_sentence", "compose_overview", "detect_company", "detect_period",
           "is_prose", "numbers_in", "report_title", "third_person", "verify_sentence"]
