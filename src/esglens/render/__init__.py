"""Renderers: an Analysis as Markdown, accessible HTML, spoken audio (espeak-ng) or PDF.

Each is one function, ``render_<format>(analysis)``; the heavy ones (PDF via weasyprint, audio via
the espeak-ng program) raise ConfigError naming the install step when their dependency is absent.
"""

from __future__ import annotations

from .audio import render_audio
from .html import render_html
from .markdown import paragraphs, render_markdown
from .pdf import render_pdf

__all__ = ["paragraphs", "render_audio", "render_html", "render_markdown", "render_pdf"]
