"""The server's folder beside its store: uploaded PDFs, page images, highlight boxes, question index.

Every path in it is built from a sha256 that ``is_sha`` accepted and from integers, never from
text a client sent, so no request can name a file outside it. Files are written beside their
final name and renamed into place: a reader sees a whole file or none, also after a crash.

    FILES/uploads/<sha256>.pdf     the report (its original file name in <sha256>.json)
    FILES/pages/<sha256>/<n>@<scale>.png
    FILES/boxes/<sha256>/<n>.json  quote -> highlight boxes on page n
    FILES/progress/<sha256>.json   the stage a running analysis is at
    FILES/index/                   the question index (``esglens.ask``'s cache)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from ..errors import InputError, NotAPDFError

__all__ = ["Files", "TooLargeUploadError", "is_sha"]

_SHA = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20


def is_sha(text: str) -> bool:
    """True for a lowercase sha256 hex digest (the only report id the server accepts)."""
    return bool(_SHA.fullmatch(text))


class TooLargeUploadError(InputError):
    """An upload over the server's size cap (HTTP 413)."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


class Files:
    """The folder ``root`` and the names of everything the server keeps in it."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        for sub in ("uploads", "pages", "boxes", "progress", "index"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def _sha(self, sha: str) -> str:
        if not is_sha(sha):
            raise ValueError(f"not a report id: {sha[:80]!r}")
        return sha

    def upload(self, sha: str) -> Path:
        return self.root / "uploads" / f"{self._sha(sha)}.pdf"

    def page_png(self, sha: str, page: int, scale: float) -> Path:
        return self.root / "pages" / self._sha(sha) / f"{int(page)}@{float(scale):g}.png"

    def boxes(self, sha: str, page: int) -> Path:
        return self.root / "boxes" / self._sha(sha) / f"{int(page)}.json"

    def progress(self, sha: str) -> Path:
        return self.root / "progress" / f"{self._sha(sha)}.json"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    def original_name(self, sha: str) -> str:
        """The file name the report was uploaded under ("" when not uploaded here)."""
        try:
            meta = json.loads((self.root / "uploads" / f"{self._sha(sha)}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return ""
        return str(meta.get("name", "")) if isinstance(meta, dict) else ""

    def save_upload(self, stream: IO[bytes], name: str, max_bytes: int,
                    on_chunk: Callable[[int], None] | None = None) -> tuple[str, Path, int]:
        """Copy an uploaded file in, hashing it; returns (sha256, path, bytes).

        Raises NotAPDFError when it does not start like a PDF (``%PDF-`` in its first KB, as
        the reader requires), TooLargeUploadError past ``max_bytes``, InputError when empty.
        """
        fd, tmp = tempfile.mkstemp(prefix=".upload.", dir=self.root / "uploads")
        h, size, head = hashlib.sha256(), 0, b""
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in iter(lambda: stream.read(_CHUNK), b""):
                    if len(head) < 1024:
                        head += chunk[: 1024 - len(head)]
                        if len(head) >= 1024 and b"%PDF-" not in head:
                            raise NotAPDFError("not a PDF (no %PDF header) — upload a PDF report")
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLargeUploadError(f"the file is over the {max_bytes // (1 << 20)} MB "
                                                  "upload limit — the server's --max-upload-mb")
                    h.update(chunk)
                    out.write(chunk)
                    if on_chunk:
                        on_chunk(size)
            if size == 0:
                raise InputError("the file is empty — upload a PDF report")
            if b"%PDF-" not in head:
                raise NotAPDFError("not a PDF (no %PDF header) — upload a PDF report")
            sha = h.hexdigest()
            path = self.upload(sha)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        meta = {"name": os.path.basename(name.replace("\\", "/"))[:255], "bytes": size, "at": time.time()}
        write_atomic(self.root / "uploads" / f"{sha}.json", json.dumps(meta).encode())
        return sha, path, size

    def read_json(self, path: Path) -> Any:
        """A JSON side file, or None when it is missing or unreadable."""
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
