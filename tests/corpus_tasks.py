"""Task functions for the worker-pool tests (workers import them by name, so they live in a module)."""

from __future__ import annotations

import os
import signal
import time


def misbehave(task: str) -> str:
    """ "crash" kills its worker, "hang" overruns any short deadline, anything else is echoed."""
    if task == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    if task == "exit":
        os._exit(7)
    if task == "hang":
        time.sleep(60)
    if task == "raise":
        raise RuntimeError("boom")
    return f"ok:{task}:{os.getpid()}"
