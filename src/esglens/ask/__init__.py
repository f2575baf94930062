"""Questions about one report: ``retrieve`` (BM25 index, cached), ``embed`` (optional dense
vectors) and ``answer`` (composed, cited answers or an abstention that says why).

``answer_questions`` is the whole path the CLI uses: read -> index (cached by sha256) -> answer.
"""

from __future__ import annotations

from .answer import Answer, answer_questions, ask, get_index, match_metrics

__all__ = ["Answer", "answer_questions", "ask", "get_index", "match_metrics"]
