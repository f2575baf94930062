"""The sandbox mechanism: run one function in a forked child with limits, get its result back.

In the child, memory is capped with RLIMIT_AS above what it inherited (so also its page worker
and tesseract), CPU with RLIMIT_CPU, core dumps are off and it dies with its parent
(PR_SET_PDEATHSIG); the parent enforces the wall time and SIGKILLs the child's whole process
group. The result comes back pickled through a pipe (a 170-page Document is 1.5 MB, ~20 ms);
faulthandler writes a crashed child's Python stack to a second pipe, so a crash can be named.

``Background`` is the same mechanism without limits and without waiting: a pipeline stage run on
the second core while this process goes on (``analyze`` runs metrics and targets so).
"""

from __future__ import annotations

import contextlib
import faulthandler
import math
import os
import pickle
import re
import resource
import select
import signal
import struct
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from ..errors import ConfigError, EngineCrashError, EsglensError, MemoryLimitError, TimeLimitError

T = TypeVar("T")

# MB of address space the engine may add to the process it forks from. Importing the reader takes
# ~100 of it; the shared reports peak at 270 per process (OCR); flate bombs stop near 800 RSS.
MAX_MEMORY = 768
GRACE = 2.0  # s past the time limit before the parent kills, so the child's own deadline speaks
_HEADER = struct.Struct(">Q")
_TIMEOUT = object()


@dataclass(frozen=True)
class Limits:
    """What one report may cost: ``memory_mb`` of address space on top of the forking process
    (each engine process: the reader, its page worker, tesseract) and ``time_s`` of wall clock.

    CPU time per process is capped a little above the wall limit, a backstop for when the parent
    is stopped; the wall limit is the one that normally fires.
    """

    memory_mb: int = MAX_MEMORY
    time_s: float = 300.0


def run_guarded(
    fn: Callable[..., T], args: tuple[Any, ...], kwargs: Mapping[str, Any], *, limits: Limits, name: str
) -> T:
    """``fn(*args, **kwargs)`` in a sandboxed child: its result, or its EsglensError raised here.

    Raises TimeLimitError or MemoryLimitError naming the limit that stopped it, EngineCrashError
    when it died of a signal; a bug in ``fn`` is re-raised with the child's traceback as a note.
    ``name`` (the report) starts every message.
    """
    if limits.memory_mb <= 0 or limits.time_s <= 0:
        raise ConfigError("--max-memory and --timeout must be positive")
    if not hasattr(os, "fork"):  # no sandbox on this platform: read in-process
        return fn(*args, **kwargs)
    base_vsz, base_rss = _memory_of_self()
    result_r, result_w = os.pipe()
    crash_r, crash_w = os.pipe()
    for stream in (sys.stdout, sys.stderr):  # a forked child must not flush our buffers again
        with contextlib.suppress(Exception):
            stream.flush()
    parent = os.getpid()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(result_r)
        os.close(crash_r)
        _child(fn, args, kwargs, limits, parent, base_vsz, result_w, crash_w)
    os.close(result_w)
    os.close(crash_w)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # also done by the child: whichever runs first
    try:
        message = _collect(pid, result_r, started + limits.time_s + GRACE)
    finally:
        # Kill the group while the child is unreaped, so its id cannot have been reused.
        for kill in (os.killpg, os.kill):
            with contextlib.suppress(OSError):
                kill(pid, signal.SIGKILL)
        _, status, usage = os.wait4(pid, 0)
        os.close(result_r)
        crash = _drain(crash_r)
        os.close(crash_r)
    if message is _TIMEOUT:
        raise TimeLimitError(
            f"{name}: reading took over {limits.time_s:.0f} s (the --timeout limit) and the PDF engine "
            "was stopped — read a part with --pages or raise --timeout"
        )
    peak = max(0.0, usage.ru_maxrss / 1024 - base_rss / 2**20)
    payload: tuple[str, Any] = pickle.loads(message) if isinstance(message, bytes) else ("died", None)
    kind, value = payload
    if kind == "ok":
        result: T = value
        return result
    if kind == "error":
        raise value
    if kind == "bug":
        bug, text = value
        bug.add_note(f"raised in the PDF engine's sandbox process:\n{text}")
        raise bug
    raise _failure(name, kind, status, peak, crash, limits)


def _failure(name: str, kind: str, status: int, peak: float, crash: str, limits: Limits) -> EsglensError:
    """The error for a child that died (``kind`` "died"), ran out of memory or lost its worker."""
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) and kind == "died" else None
    fatal = re.search(r"Fatal Python error: ([^\n]+)", crash)
    what = signal.Signals(sig).name if sig else (fatal.group(1).strip() if fatal else "no result")
    if sig == signal.SIGXCPU:
        return TimeLimitError(
            f"{name}: the PDF engine used its CPU time limit (from --timeout {limits.time_s:.0f} s) and "
            "was stopped — read a part with --pages or raise --timeout"
        )
    aborted = sig == signal.SIGABRT or "Aborted" in what
    if kind == "memory" or peak >= 0.9 * limits.memory_mb or (aborted and peak >= 0.5 * limits.memory_mb):
        return MemoryLimitError(
            f"{name}: reading needed more than {limits.memory_mb} MB of memory (the --max-memory limit) "
            "and was stopped — the file is probably a decompression bomb; if it is a genuine report, "
            "raise --max-memory"
        )
    frames = tuple(re.findall(r"line \d+ in (\w+)", crash))
    where = f" in {frames[0]}" if frames else ""
    error = EngineCrashError(
        f"{name}: the PDF engine crashed ({what}{where}) — the file is damaged or built to crash "
        "readers; re-export it from its source, or try --pages"
    )
    error.frames = frames
    return error


def _collect(pid: int, fd: int, deadline: float) -> bytes | object | None:
    """The child's message, None when it ended without one, ``_TIMEOUT`` past ``deadline``.

    Waits on the pipe and (where the kernel has pidfd) on the child itself: a page worker of the
    child may keep the pipe open after the child died, so EOF alone is not enough.
    """
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    pidfd = None
    with contextlib.suppress(AttributeError, OSError):
        pidfd = os.pidfd_open(pid)
        poller.register(pidfd, select.POLLIN)
    buf = bytearray()
    try:
        while True:
            if len(buf) >= _HEADER.size and len(buf) >= _HEADER.size + _HEADER.unpack_from(buf)[0]:
                return bytes(buf[_HEADER.size : _HEADER.size + _HEADER.unpack_from(buf)[0]])
            left = deadline - time.monotonic()
            if left <= 0:
                return _TIMEOUT
            wait = left if pidfd is not None else min(left, 0.2)
            ready = {event[0] for event in poller.poll(1000 * wait)}
            if fd in ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    return None
                buf += chunk
            elif pidfd in ready or (pidfd is None and _has_exited(pid)):
                buf += _drain_bytes(fd)
                complete = len(buf) >= _HEADER.size and len(buf) >= _HEADER.size + _HEADER.unpack_from(buf)[0]
                return bytes(buf[_HEADER.size :]) if complete else None
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _has_exited(pid: int) -> bool:
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def _drain_bytes(fd: int) -> bytes:
    os.set_blocking(fd, False)
    out = bytearray()
    with contextlib.suppress(BlockingIOError):
        while chunk := os.read(fd, 1 << 20):
            out += chunk
    return bytes(out)


def _drain(fd: int) -> str:
    return _drain_bytes(fd).decode("utf-8", "replace")


def _child(
    fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any], limits: Limits,
    parent: int, base_vsz: int, result_w: int, crash_w: int,
) -> NoReturn:
    """The forked side: limits, then ``fn``; one framed pickle on ``result_w``; never returns."""
    from concurrent.futures.process import BrokenProcessPool  # the reader's page pool (ingest)

    code = 0
    try:
        os.setpgid(0, 0)
        for sig in (signal.SIGINT, signal.SIGTERM):  # a server's handlers must not keep us alive
            signal.signal(sig, signal.SIG_DFL)
        _die_with(parent)
        _set_limits(limits, base_vsz)
        crash_file = os.fdopen(crash_w, "w")
        faulthandler.enable(crash_file, all_threads=True)
        message: tuple[str, Any]
        bug: BaseException | None = None
        try:
            message = ("ok", fn(*args, **kwargs))
        except EsglensError as exc:
            message = ("error", exc)
        except MemoryError:
            message = ("memory", None)
        except BrokenProcessPool:  # the page worker died: its faulthandler text says how
            message = ("crash", None)
        except Exception as exc:
            bug = exc
            message = ("bug", (exc, _traceback()))
        except BaseException as exc:  # SystemExit from a library must not exit the parent
            bug = exc
            message = ("bug", (RuntimeError(repr(exc)), _traceback()))
        try:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory", None))
        except Exception:  # an unpicklable exception or result: keep its type name and text
            culprit = bug if bug is not None else message[1]
            text = f"{type(culprit).__name__}: {culprit}"
            data = pickle.dumps(("bug", (RuntimeError(text), _traceback())))
        with os.fdopen(result_w, "wb") as out:
            out.write(_HEADER.pack(len(data)) + data)
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _traceback() -> str:
    import traceback  # only on a bug: not worth its import time on every read

    return traceback.format_exc()


def _memory_of_self() -> tuple[int, int]:
    """(address space, resident) bytes of this process now; (0, 0) where /proc is absent."""
    try:
        with open("/proc/self/statm") as fh:
            size, resident = fh.read().split()[:2]
    except OSError:
        return 0, 0
    page = os.sysconf("SC_PAGE_SIZE")
    return int(size) * page, int(resident) * page


def _set_limits(limits: Limits, base_vsz: int) -> None:
    """RLIMIT_AS above what the child inherited, RLIMIT_CPU, no core files, few malloc arenas."""
    if base_vsz:
        _limit(resource.RLIMIT_AS, base_vsz + (limits.memory_mb << 20))
    cpu = math.ceil(limits.time_s + GRACE) + 5
    _limit(resource.RLIMIT_CPU, cpu, cpu + 5)
    _limit(resource.RLIMIT_CORE, 0)
    import ctypes

    with contextlib.suppress(AttributeError, OSError):
        # glibc reserves 64 MB of address space per thread arena; 2 arenas keep RLIMIT_AS ~ usage
        ctypes.CDLL(None).mallopt(-8, 2)  # M_ARENA_MAX (malloc.h)


def _limit(which: int, soft: int, hard: int | None = None) -> None:
    hard = soft if hard is None else hard
    current = resource.getrlimit(which)[1]
    if current != resource.RLIM_INFINITY:
        hard = min(hard, current)
        soft = min(soft, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(which, (soft, hard))


def _die_with(parent: int) -> None:
    """SIGKILL this child when the parent dies (Linux prctl PR_SET_PDEATHSIG), so none outlives it."""
    import ctypes

    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(70)


class Background:
    """``fn()`` computed in a forked child while this process goes on: a second core for a stage.

    The pipeline's extraction stages are pure Python over an in-memory Document, so one of them
    can run beside the others with no pickling of its input (the child has the Document by fork)
    and only its small result coming back. Where forking gains nothing (no fork, one usable core:
    a pinned batch worker) or the child fails to deliver, ``result()`` computes ``fn()`` here, so
    the outcome never depends on the child; an exception raised by ``fn`` in the child is raised
    here. ``close()`` kills and reaps a child whose result is no longer wanted.
    """

    def __init__(self, fn: Callable[[], Any], *, fork: bool = True) -> None:
        self.fn = fn
        self.pid: int | None = None
        if not fork or not hasattr(os, "fork") or len(os.sched_getaffinity(0)) < 2:
            return
        read_fd, write_fd = os.pipe()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            self._child(parent, write_fd)
        os.close(write_fd)
        self.pid, self.fd = pid, read_fd

    def _child(self, parent: int, write_fd: int) -> NoReturn:
        try:
            _die_with(parent)
            try:
                message: tuple[str, Any] = ("ok", self.fn())
            except Exception as exc:
                message = ("error", exc)
            try:
                data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # an unpicklable exception: the parent recomputes and raises it
                data = b""
            with os.fdopen(write_fd, "wb") as out:
                out.write(_HEADER.pack(len(data)) + data)
        finally:
            os._exit(0)

    def result(self) -> Any:
        """``fn()``'s value: the child's, or computed here when the child gave none."""
        if self.pid is None:
            return self.fn()
        try:
            message = _collect(self.pid, self.fd, time.monotonic() + 3600.0)
        finally:
            self.close()
        if isinstance(message, bytes) and message:
            kind, value = pickle.loads(message)
            if kind == "error":
                raise value
            return value
        return self.fn()  # the child died or could not pickle: the same work, here

    def close(self) -> None:
        """Stop and reap the child (idempotent)."""
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        os.close(self.fd)
