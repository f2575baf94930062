"""Publish rendered files into the output folder atomically: the previous set or the new, never a mix.

Files are written into a hidden staging folder beside (not inside) ``out`` and switched into
place with one rename: plain rename(2) when ``out`` is absent or empty, renameat2
RENAME_EXCHANGE (Linux) when it holds an earlier run, so at every instant ``out`` is one complete
set. The old set then sits under the staging name and is removed with it, taking along files
this run did not write (an old overview.pdf). A run killed at any moment leaves at most a hidden
``.OUT.esglens-*`` folder beside ``out``; the next run removes it. A folder holding files esglens
did not write is refused, not replaced: ``.esglens-manifest.json`` lists what a run wrote.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import secrets
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..model import printable, to_json

MANIFEST = ".esglens-manifest.json"
# What esglens wrote before manifests existed: such a folder is an earlier run's, safe to replace.
KNOWN_OUTPUTS = frozenset({"analysis.json", "overview.md", "overview.html", "overview.pdf", "overview.wav"})
_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def check_output_dir(out: str | Path) -> Path:
    """The folder ``out`` will be published to (symlinks followed), or OutputError saying why not."""
    shown = printable(os.fspath(out))
    target = Path(out).resolve()
    if target.exists() and not target.is_dir():
        raise OutputError(f"--out {shown}: is a file, not a folder — give a folder path (it is created "
                          "if missing)")
    if target.is_dir():
        foreign = _foreign_entries(target)
        if foreign:
            listed = ", ".join(printable(n) for n in foreign[:3]) + (", …" if len(foreign) > 3 else "")
            raise OutputError(f"--out {shown}: the folder holds files esglens did not write ({listed}) — "
                              "give a new or empty folder, or one an earlier esglens run wrote")
        if os.path.ismount(target):  # rename(2) cannot replace a mount point (a container volume)
            raise OutputError(f"--out {shown}: is a mount point, which esglens cannot replace as a whole — "
                              f"give a folder inside it, e.g. --out {shown}/esglens-out")
        cwd = Path.cwd().resolve()
        if target == cwd or target in cwd.parents:
            raise OutputError(f"--out {shown}: is the current folder or holds it; esglens replaces its "
                              "output folder as a whole — give a subfolder, e.g. --out esglens-out")
    ancestor = target.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(f"--out {shown}: cannot create files in {printable(str(ancestor))} — check its "
                          "permissions or choose another folder")
    return target


def _foreign_entries(folder: Path) -> list[str]:
    """Names in ``folder`` that no esglens run wrote (per its manifest, or the known output names)."""
    ours = set(KNOWN_OUTPUTS) | {MANIFEST}
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        ours |= set(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"])
    # ``.esglens-*`` inside: staging folders of esglens before 0.2 (they published in place)
    return sorted(n for n in os.listdir(folder) if n not in ours and not n.startswith(".esglens-"))


def publish(out: str | Path, write: Callable[[Path], None], manifest: Mapping[str, Any]) -> list[Path]:
    """Call ``write(staging)`` to create the files, then switch them into ``out`` in one rename.

    ``manifest`` (report, sha256, …) is stored beside the files with their names. Returns the
    published paths under ``out`` as given. Raises OutputError (nothing published) when ``out``
    cannot take them; an exception from ``write`` also leaves ``out`` as it was.
    """
    target = check_output_dir(out)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(target)
        staging = target.parent / f".{target.name}.esglens-{os.getpid()}-{secrets.token_hex(4)}"
        staging.mkdir()
    except OSError as exc:
        raise _output_error(out, exc) from exc
    try:
        write(staging)
        names = sorted(p.name for p in staging.iterdir())
        (staging / MANIFEST).write_text(to_json({**manifest, "files": names}, indent=1), encoding="utf-8")
        for name in [*names, MANIFEST]:  # contents on disk before the rename makes them visible
            fd = os.open(staging / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        if target.is_dir():
            os.chmod(staging, target.stat().st_mode & 0o7777)
        _switch(staging, target)
    except OSError as exc:
        raise _output_error(out, exc) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # after an exchange it holds the previous set
    return [Path(out) / name for name in names]


def _output_error(out: str | Path, exc: OSError) -> OutputError:
    return OutputError(f"--out {printable(os.fspath(out))}: cannot write the output ({exc.strerror}) — "
                       "check the folder's permissions and free space")


def _switch(staging: Path, target: Path) -> None:
    """Make ``staging`` be ``target`` in one step; the previous ``target`` ends up at ``staging``."""
    try:
        os.rename(staging, target)  # absent, or an empty folder (rename(2) replaces it)
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    if _exchange(staging, target):
        return
    # No RENAME_EXCHANGE here: two renames; a kill between them leaves the previous set under
    # the -old- name, which the next run puts back (see _remove_leftovers).
    old = target.parent / f".{target.name}.esglens-old-{os.getpid()}"
    os.rename(target, old)
    os.rename(staging, target)
    os.rename(old, staging)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE); False where unsupported."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _remove_leftovers(target: Path) -> None:
    """Remove staging folders that killed runs left beside ``target`` (not those of live runs)."""
    prefix = f".{target.name}.esglens-"
    for entry in os.scandir(target.parent):
        if not entry.name.startswith(prefix):
            continue
        m = re.match(r"(old-)?(\d+)", entry.name[len(prefix):])
        pid = int(m.group(2)) if m else 0
        if pid and pid != os.getpid() and _is_alive(pid):
            continue
        if m and m.group(1) and not target.exists():
            os.rename(entry.path, target)  # a kill between the two fallback renames
        else:
            shutil.rmtree(entry.path, ignore_errors=True)


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
