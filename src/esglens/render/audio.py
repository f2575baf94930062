"""Spoken overview: the Analysis read aloud to a WAV file by the espeak-ng program.

espeak-ng (Debian package ``espeak-ng``) is a separate program, not a Python package, and is run
as a subprocess with the text on stdin; citations are read as "page 7".
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ..errors import ConfigError
from ..model import Analysis
from .markdown import cite_pages

TIMEOUT = 120.0


def speech_text(analysis: Analysis) -> str:
    """The plain text that is spoken: title, then each section's header and cited sentences."""
    parts = [f"E S G overview of {analysis.company}"
             + (f", {analysis.period}." if analysis.period else ".")]
    for section in analysis.overview.sections if analysis.overview else ():
        parts.append(section.header.replace("_", " ") + ".")
        for s in section.sentences:
            pages = ", ".join(str(p) for p in cite_pages(s))
            parts.append(f"{s.text} (page {pages}.)")
    return "\n".join(parts)


def render_audio(analysis: Analysis, path: str | Path, *, voice: str = "en",
                 words_per_minute: int = 165) -> Path:
    """Write the overview as speech to ``path`` (WAV); raises ConfigError without espeak-ng."""
    binary = shutil.which("espeak-ng") or shutil.which("espeak")
    if binary is None:
        raise ConfigError(
            "audio output needs the espeak-ng program — install it "
            "(Debian/Ubuntu: sudo apt-get install espeak-ng; macOS: brew install espeak-ng)"
        )
    path = Path(path)
    cmd = [binary, "-v", voice, "-s", str(words_per_minute), "-w", str(path), "--stdin"]
    try:
        subprocess.run(cmd, input=speech_text(analysis).encode("utf-8"), check=True,
                       capture_output=True, timeout=TIMEOUT)
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode("utf-8", "replace").strip()
        raise ConfigError(f"{path}: espeak-ng failed ({detail or exc.returncode})") from exc
    except subprocess.TimeoutExpired as exc:
        raise ConfigError(f"{path}: espeak-ng took over {TIMEOUT:.0f} s") from exc
    return path
