"""Publishing outputs: one switch from the previous complete set to the new one, even under SIGKILL.

The kill tests fork a publisher and SIGKILL it as soon as the output folder (or its parent)
changes, or after a random delay within a publish, then check what a user would find: ``out``
holding exactly one complete set, nothing visible beside it, and leftovers gone after the next run.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from esglens.errors import OutputError
from esglens.render.publish import MANIFEST, check_output_dir, publish

NAMES = ("analysis.json", "overview.html", "overview.md")
SIZE = 300_000


def _writer(tag: bytes, names: tuple[str, ...] = NAMES):
    def write(staging: Path) -> None:
        for name in names:
            (staging / name).write_bytes(tag * SIZE)

    return write


def _complete_tag(out: Path) -> bytes:
    """The one tag every file of ``out`` carries; fails on a missing, partial or mixed set."""
    manifest = json.loads((out / MANIFEST).read_text())
    assert sorted(os.listdir(out)) == sorted([*manifest["files"], MANIFEST])
    contents = {name: (out / name).read_bytes() for name in manifest["files"]}
    assert set(contents) == set(NAMES)
    tags = {c[:1] for c in contents.values()}
    assert len(tags) == 1 and all(c == c[:1] * SIZE for c in contents.values())
    assert manifest["tag"] == tags.pop().decode()
    return contents[NAMES[0]][:1]


def _visible(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if not n.startswith("."))


def test_publish_replaces_the_whole_set(tmp_path):
    out = tmp_path / "out"
    publish(out, _writer(b"a", (*NAMES, "overview.pdf")), {"tag": "a"})
    assert (out / "overview.pdf").exists()
    written = publish(out, _writer(b"b"), {"tag": "b"})
    assert written == [out / n for n in sorted(NAMES)]
    assert _complete_tag(out) == b"b" and not (out / "overview.pdf").exists()  # no stale file
    assert os.listdir(tmp_path) == ["out"]


def test_a_failed_render_leaves_the_previous_set(tmp_path):
    out = tmp_path / "out"
    publish(out, _writer(b"a"), {"tag": "a"})

    def broken(staging: Path) -> None:
        (staging / "analysis.json").write_bytes(b"half")
        raise RuntimeError("renderer failed")

    with pytest.raises(RuntimeError):
        publish(out, broken, {"tag": "b"})
    assert _complete_tag(out) == b"a" and os.listdir(tmp_path) == ["out"]


def test_refuses_folders_esglens_did_not_write(tmp_path):
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "thesis.docx").write_text("precious")
    with pytest.raises(OutputError, match="thesis.docx"):
        publish(mine, _writer(b"a"), {"tag": "a"})
    assert (mine / "thesis.docx").read_text() == "precious"
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        check_output_dir(tmp_path / "file")
    empty = tmp_path / "empty"
    empty.mkdir()
    publish(empty, _writer(b"a"), {"tag": "a"})  # an empty folder is fine
    legacy = tmp_path / "legacy"  # esglens output from before manifests, with its old staging
    legacy.mkdir()
    for name in ("analysis.json", "overview.md", "overview.pdf"):
        (legacy / name).write_text("old")
    (legacy / ".esglens-x1y2").mkdir()
    publish(legacy, _writer(b"b"), {"tag": "b"})
    assert _complete_tag(legacy) == b"b"


def test_leftover_staging_of_a_killed_run_is_removed(tmp_path):
    out = tmp_path / "out"
    publish(out, _writer(b"a"), {"tag": "a"})
    gone = subprocess.Popen(["true"])  # its pid names the staging of a run that is over
    gone.wait()
    left = tmp_path / f".out.esglens-{gone.pid}-deadbeef"
    left.mkdir()
    (left / "analysis.json").write_text("trunc")
    publish(out, _writer(b"b"), {"tag": "b"})
    assert os.listdir(tmp_path) == ["out"] and _complete_tag(out) == b"b"


def _fork_publish(out: Path, tag: bytes) -> tuple[int, int]:
    """Fork a child that publishes ``tag`` into ``out`` when a byte arrives on the returned fd."""
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            os.read(go_r, 1)
            publish(out, _writer(tag), {"tag": tag.decode()})
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(go_r)
    return pid, go_w


def _kill_and_check(tmp_path: Path, out: Path, when: str, delay: float = 0.0) -> bytes:
    pid, go = _fork_publish(out, b"n")
    before = (os.listdir(tmp_path), os.stat(out).st_ino)
    os.write(go, b"x")
    os.close(go)
    if when == "first-change":
        deadline = time.monotonic() + 5
        while (os.listdir(tmp_path), os.stat(out).st_ino) == before and time.monotonic() < deadline:
            pass
    else:
        time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert _visible(tmp_path) == ["out"]  # nothing half-written in sight
    tag = _complete_tag(out)  # the previous set or the new one, never a mix
    publish(out, _writer(b"o"), {"tag": "o"})  # the next run: clean again
    assert os.listdir(tmp_path) == ["out"]
    return tag


def test_sigkill_at_any_moment_leaves_one_complete_set(tmp_path):
    out = tmp_path / "out"
    publish(out, _writer(b"o"), {"tag": "o"})
    started = time.monotonic()
    publish(out, _writer(b"n"), {"tag": "n"})
    span = time.monotonic() - started
    publish(out, _writer(b"o"), {"tag": "o"})
    seen = {_kill_and_check(tmp_path, out, "first-change")}
    rng = random.Random(12)
    for _ in range(25):
        seen.add(_kill_and_check(tmp_path, out, "delay", rng.uniform(0, span * 1.5)))
    assert seen <= {b"o", b"n"}


@pytest.mark.slow
def test_sigkill_of_esglens_analyze_as_soon_as_the_output_changes(tmp_path, make_pdf):
    """The real command, killed at the first change beside or inside --out (3 runs)."""
    old = make_pdf("old.pdf", [["Old report. Scope 1 emissions were 900 tCO2e in 2022."]])
    new = make_pdf("new.pdf", [["New report. Scope 1 emissions were 1,200 tCO2e in 2023."]] * 3)
    out_parent = tmp_path / "results"
    out = out_parent / "out"
    cmd = [sys.executable, "-m", "esglens.cli", "analyze"]
    subprocess.run([*cmd, str(old), "--out", str(out)], check=True, capture_output=True)
    old_files = {n: (out / n).read_bytes() for n in os.listdir(out)}
    new_sha = hashlib.sha256(new.read_bytes()).hexdigest()
    for delay in (0.0, 0.002, 0.01):  # after the first change seen
        before = (os.listdir(out_parent), os.listdir(out))
        proc = subprocess.Popen([*cmd, str(new), "--out", str(out)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        while proc.poll() is None and (os.listdir(out_parent), os.listdir(out)) == before:
            pass
        time.sleep(delay)
        proc.kill()
        proc.wait()
        assert _visible(out_parent) == ["out"]
        files = {n: (out / n).read_bytes() for n in os.listdir(out)}
        manifest = json.loads(files[MANIFEST])
        assert sorted(files) == sorted([*manifest["files"], MANIFEST])
        assert files == old_files or json.loads(files["analysis.json"])["sha256"] == new_sha
    subprocess.run([*cmd, str(new), "--out", str(out)], check=True, capture_output=True)
    assert os.listdir(out_parent) == ["out"]
