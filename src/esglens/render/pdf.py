"""PDF rendering of an Analysis: the self-contained HTML printed by weasyprint (optional extra).

weasyprint is not a core dependency (it needs pango); without it a ConfigError names the extra.
Chinese text needs a CJK font installed on the system (e.g. Debian ``fonts-noto-cjk``).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from ..model import Analysis
from .html import render_html


def render_pdf(analysis: Analysis, path: str | Path) -> Path:
    """Write the analysis as a PDF to ``path``; raises ConfigError when weasyprint is missing."""
    try:
        from weasyprint import HTML  # type: ignore[import-not-found,unused-ignore]
    except (ImportError, OSError) as exc:
        raise ConfigError(
            "PDF output needs weasyprint — install it with: pip install 'esglens[pdf]'"
        ) from exc
    path = Path(path)
    try:
        HTML(string=render_html(analysis)).write_pdf(str(path))
    except OSError as exc:
        raise ConfigError(f"{path}: could not write the PDF ({exc})") from exc
    return path
