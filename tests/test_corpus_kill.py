"""Crash safety: a batch killed with SIGKILL twice, then resumed, gives the uninterrupted store.

Also: the engines agree — the same reports run on a dask LocalCluster give the same store as
the process pool. Stores are compared on what a user sees (reports, their status, company,
year, pages, every primary metric), never on timings.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("duckdb")

from esglens.corpus import Store, batch  # noqa: E402

from .conftest import write_report  # noqa: E402

NAMES = ["Acme", "Borealis", "Cobalt", "Dunmore", "Elmstead", "Fairhaven"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kill-reports")
    for i, name in enumerate(NAMES):
        write_report(root / f"{name.lower()}.pdf", name, 2020 + i % 4, 1000 * (i + 3), filler_pages=30)
    (root / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<<")
    return root


def _snapshot(path: Path) -> dict[str, object]:
    """What a user sees in a store, timings left out; fact rows as sorted lists (duplicates count)."""
    with Store(path, read_only=True) as s:
        q = s.con.execute
        return {
            "reports": sorted(
                q(
                    "SELECT sha256, status, error IS NULL, company, year, pages, language FROM reports"
                ).fetchall()
            ),
            "primary": sorted(
                q('SELECT sha256, metric, period, value, unit, page FROM metrics WHERE "primary"').fetchall()
            ),
            "rows": {
                t: q(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("metrics", "targets", "claims", "gaps", "sentences")
            },
        }


def _check_consistent(path: Path) -> int:
    """Every done report's fact rows match its stored analysis (no half-written report); done count."""
    import json

    if not path.exists():
        return 0
    with Store(path, read_only=True) as s:
        done = 0
        for sha, blob in s.con.execute(
            "SELECT sha256, analysis FROM reports WHERE status = 'done'"
        ).fetchall():
            data = json.loads(blob)
            n = s.con.execute("SELECT count(*) FROM metrics WHERE sha256 = ?", [sha]).fetchone()[0]
            assert n == len(data["metrics"]), sha
            done += 1
        orphans = s.con.execute(
            "SELECT count(*) FROM metrics WHERE sha256 NOT IN "
            "(SELECT sha256 FROM reports WHERE status = 'done')"
        ).fetchone()[0]
        assert orphans == 0
        return done


def _cli(folder: Path, store: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "esglens.cli",
        "batch",
        str(folder),
        "--store",
        str(store),
        "--jobs",
        "2",
        *extra,
    ]


def _children(pid: int) -> set[int]:
    kids: set[int] = set()
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            kids.update(int(p) for p in (task / "children").read_text().split())
    except OSError:
        pass
    return kids


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] not in "ZX"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_sigkill_twice_then_resume_gives_the_uninterrupted_store(reports, tmp_path):
    reference = tmp_path / "reference.duckdb"
    done = subprocess.run(
        _cli(reports, reference, "--no-progress"), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    expected = _snapshot(reference)
    assert sum(r[1] == "done" for r in expected["reports"]) == len(NAMES)  # type: ignore[union-attr]

    seed = random.randrange(10**6)
    rng = random.Random(seed)
    store = tmp_path / "killed.duckdb"
    states = []
    for attempt in range(2):
        # Off a terminal, batch logs a line per finished report: kill after a random one of them
        # (never the last), plus a random fraction of a second — a moment inside the run, found
        # by progress rather than by a clock, so a slow machine cannot move it past the end.
        proc = subprocess.Popen(
            _cli(reports, store),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            assert proc.stderr is not None
            first = proc.stderr.readline()  # "[k/N] done 0, failed 0, left L, …": L to run this time
            total = int(re.search(r"left (\d+)", first).group(1))  # type: ignore[union-attr]
            for _ in range(rng.randrange(max(1, total - 1))):
                proc.stderr.readline()
            time.sleep(rng.uniform(0.0, 0.3))
            workers = _children(proc.pid)
            running = proc.poll() is None
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            deadline = time.monotonic() + 5  # workers notice the driver is gone and exit
            while any(_alive(w) for w in workers) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not any(_alive(w) for w in workers), (
                f"orphaned workers after kill {attempt + 1} (seed {seed})"
            )
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
            if proc.stderr is not None:
                proc.stderr.close()
        states.append((total, _check_consistent(store), running))
    print(f"seed {seed}: (reports to run, done after the kill, killed while running) {states}")
    resumed = subprocess.run(
        _cli(reports, store, "--no-progress"), capture_output=True, text=True, timeout=300
    )
    assert resumed.returncode == 0, resumed.stderr
    assert _snapshot(store) == expected, f"seed {seed}"


def test_dask_local_cluster_gives_the_process_pool_store(reports, tmp_path):
    distributed = pytest.importorskip("distributed")
    files = [reports / "acme.pdf", reports / "borealis.pdf", reports / "broken.pdf"]
    pool_store = tmp_path / "pool.duckdb"
    batch(files, pool_store, jobs=2)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        result = batch(files, tmp_path / "dask.duckdb", engine="dask", scheduler=cluster.scheduler_address)
    assert (result.done, result.failed) == (2, 1)
    assert _snapshot(tmp_path / "dask.duckdb") == _snapshot(pool_store)
