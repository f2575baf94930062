"""The PDF engine's sandbox and the fuzz set: hostile PDFs end in success or one `Error:` line.

Every case runs the real CLI in-process (the sandbox forks from the test process), so the
assertions are what a user sees: exit code, one line on stderr, valid UTF-8 JSON on stdout.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from esglens.cli import main
from esglens.errors import EngineCrashError, MemoryLimitError, TimeLimitError
from esglens.guard import Background, Limits, render_page, run_guarded
from esglens.guard import process as guard
from tests import hostile


def _cli(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, bytes, str]:
    code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out, err.decode("utf-8")


def _assert_clean(code: int, out: bytes, err: str, *needles: str) -> None:
    """Success with valid UTF-8 JSON, or exactly one `Error:` line and exit 1; never a bug."""
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 0:
        json.loads(out.decode("utf-8"))
        return
    assert code == 1, (code, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    for needle in needles:
        assert needle in lines[0], err


def _good_pdf() -> bytes:
    return hostile.simple_pdf([[f"Page {i + 1}: Scope 1 emissions 1,200 tCO2e."] for i in range(4)])


FUZZ: dict[str, Callable[[], bytes]] = {
    "pagelabels-loop": hostile.pagelabels_loop,
    "pagetree-loop": hostile.pagetree_loop,
    "broken-kids": hostile.broken_kids,
    "bad-title": hostile.bad_title,
    "javascript-attachment": hostile.javascript_and_attachment,
    "encrypted-garbage": hostile.encrypted_rc4,
    "truncated-half": lambda: hostile.truncate(_good_pdf(), 0.5),
    "truncated-header": lambda: hostile.truncate(_good_pdf(), 0.02),
    "xref-damage": lambda: hostile.damage_xref(_good_pdf(), 1),
    **{f"flipped-{seed}": (lambda seed=seed: hostile.flip_bytes(_good_pdf(), 40, seed)) for seed in range(4)},
}


@pytest.mark.parametrize("case", sorted(FUZZ))
def test_hostile_pdfs_end_cleanly(case, tmp_path, capsysbinary):
    path = tmp_path / f"{case}.pdf"
    path.write_bytes(FUZZ[case]())
    code, out, err = _cli(capsysbinary, "read", str(path), "--json", "--timeout", "20")
    _assert_clean(code, out, err, str(path))


def test_pagelabels_loop_reads_without_labels(tmp_path):
    import esglens

    path = tmp_path / "labels.pdf"
    path.write_bytes(hostile.pagelabels_loop())
    doc = esglens.read(path)
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert any("/PageLabels" in w for w in doc.warnings)


def test_broken_pages_are_skipped_and_listed(tmp_path):
    import esglens
    from esglens.model import Document

    path = tmp_path / "kids.pdf"
    path.write_bytes(hostile.broken_kids())
    doc = esglens.read(path)
    assert doc.page_count == 5 and doc.skipped_pages == (2, 3)
    assert [p.number for p in doc.pages] == [1, 4, 5]
    assert len(doc.warnings) == 2 and "page 2" in doc.warnings[0]
    assert Document.from_dict(json.loads(json.dumps(doc.to_dict()))) == doc


def test_flate_bomb_hits_the_memory_limit(tmp_path, capsysbinary):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(hostile.flate_bomb(1024))
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    code, out, err = _cli(capsysbinary, "read", str(path), "--max-memory", "200")
    _assert_clean(code, out, err, "bomb.pdf", "200 MB", "--max-memory")
    assert code == 1 and time.monotonic() - started < 20


def test_bad_title_is_decoded_leniently(tmp_path, capsysbinary):
    path = tmp_path / "title.pdf"
    path.write_bytes(hostile.bad_title())
    code, out, err = _cli(capsysbinary, "read", str(path), "--json")
    _assert_clean(code, out, err)
    assert code == 0 and "\ufffd" in json.loads(out)["metadata"]["Title"]


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "url"])
def test_special_inputs(kind, tmp_path, capsysbinary):
    if kind == "fifo":
        target = tmp_path / "pipe.pdf"
        os.mkfifo(target)
        needle = "FIFO"
    elif kind == "dev-zero":
        target = tmp_path / "zero.pdf"
        target.symlink_to("/dev/zero")
        needle = "device"
    else:
        target, needle = Path("https://example.com/report.pdf"), "download the PDF first"
    arg = "https://example.com/report.pdf" if kind == "url" else str(target)
    code, out, err = _cli(capsysbinary, "read", arg)
    _assert_clean(code, out, err, needle)
    assert code == 1


def test_any_file_name_works(tmp_path, capsysbinary, monkeypatch):
    data = _good_pdf()
    monkeypatch.chdir(tmp_path)
    for name in (b"-dash.pdf", b"with spaces.pdf", b"caf\xe9 \xff.pdf"):
        Path(os.fsdecode(name)).write_bytes(data)
        code, out, err = _cli(capsysbinary, "read", os.fsdecode(name), "--json")
        assert code == 0, err
        doc = json.loads(out.decode("utf-8"))  # valid UTF-8 even for a name that is not
        assert os.fsencode(doc["path"]).endswith(name)
        code, out, err = _cli(capsysbinary, "read", os.fsdecode(name))
        assert code == 0 and out.decode("utf-8")
    code, out, err = _cli(capsysbinary, "analyze", os.fsdecode(b"caf\xe9 \xff.pdf"), "--out", "o")
    assert code == 0, err
    assert json.loads((tmp_path / "o" / "analysis.json").read_bytes().decode("utf-8"))
    assert "\\xe9" in (tmp_path / "o" / "overview.md").read_text(encoding="utf-8")


def test_user_errors_get_specific_messages(tmp_path, capsysbinary, monkeypatch):
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(_good_pdf())
    (tmp_path / "afile").write_text("x")
    code, out, err = _cli(capsysbinary, "analyze", str(pdf), "--out", str(tmp_path / "afile"))
    _assert_clean(code, out, err, "is a file, not a folder")
    code, out, err = _cli(capsysbinary, "ask", str(tmp_path / "missing.pdf"), "what?")
    _assert_clean(code, out, err, "missing.pdf", "no such file")
    monkeypatch.chdir(tmp_path)
    code, out, err = _cli(capsysbinary, "eval")
    _assert_clean(code, out, err, "gold answer key", "--gold")


def test_ctrl_c_exits_130(monkeypatch, capsysbinary):
    import esglens.cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(esglens.cli, "_run", interrupted)
    assert main(["sample", "x.pdf"]) == 130


# --------------------------------------------------------------------------- the guard itself


def test_run_guarded_returns_the_result_and_raises_its_errors():
    assert run_guarded(sum, ([1, 2, 3],), {}, limits=Limits(), name="t") == 6
    with pytest.raises(ValueError, match="boom") as info:
        run_guarded(int, ("boom",), {}, limits=Limits(), name="t")
    assert "sandbox" in " ".join(getattr(info.value, "__notes__", []))


def test_a_segfault_is_an_engine_crash():
    with pytest.raises(EngineCrashError, match=r"t: the PDF engine crashed \(SIGSEGV"):
        run_guarded(ctypes.string_at, (0,), {}, limits=Limits(), name="t")


def test_memory_and_time_limits(monkeypatch):
    with pytest.raises(MemoryLimitError, match="100 MB"):
        run_guarded(bytearray, (1 << 30,), {}, limits=Limits(memory_mb=100), name="t")
    monkeypatch.setattr(guard, "GRACE", 0.1)

    def hang() -> None:  # a child of its own, then blocked in C where no Python alarm can run
        subprocess.Popen(["sleep", "30"])
        ctypes.CDLL(None).pause()

    before = _sleepers()
    started = time.monotonic()
    with pytest.raises(TimeLimitError, match="--timeout"):
        run_guarded(hang, (), {}, limits=Limits(time_s=0.5), name="t")
    assert time.monotonic() - started < 5
    time.sleep(0.2)
    assert _sleepers() <= before  # the whole process group went


def test_deaths_are_named_by_the_limit_they_hit():
    from esglens.guard.process import _failure

    assert isinstance(_failure("t", "died", signal.SIGXCPU, 0, "", Limits()), TimeLimitError)
    assert isinstance(_failure("t", "died", signal.SIGABRT, 700, "", Limits()), MemoryLimitError)
    crash = _failure("t", "crash", 0, 10, "Fatal Python error: Segmentation fault\n\n"
                     '  File "x.py", line 3 in page_label\n  File "y.py", line 9 in _read_pages\n', Limits())
    assert isinstance(crash, EngineCrashError) and crash.frames == ("page_label", "_read_pages")
    assert "Segmentation fault in page_label" in str(crash)


def test_background_gives_the_childs_result_or_computes_it_here(monkeypatch):
    parent = os.getpid()
    job = Background(lambda: (os.getpid(), [1, 2, 3]))
    pid, value = job.result()
    assert value == [1, 2, 3] and (pid != parent) == (len(os.sched_getaffinity(0)) >= 2)
    assert Background(lambda: os.getpid(), fork=False).result() == parent  # nothing forked
    with pytest.raises(ValueError, match="boom"):
        Background(lambda: int("boom")).result()  # the child's exception, raised here
    # a child that dies without a result (a crash, the OOM killer): the work is done here
    job = Background(lambda: os.getpid() if os.getpid() == parent else os._exit(9))
    assert job.result() == parent
    job = Background(lambda: time.sleep(30))
    started = time.monotonic()
    job.close()  # a result no longer wanted: the child is killed and reaped at once
    job.close()
    assert time.monotonic() - started < 5


def _sleepers() -> set[int]:
    """Live ``sleep`` processes (a killed one may linger as a zombie until init reaps it)."""
    out = subprocess.run(["ps", "-eo", "pid=,stat=,comm="], capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()]
    return {int(r[0]) for r in rows if len(r) == 3 and r[2] == "sleep" and not r[1].startswith("Z")}


def test_render_page_gives_a_png(tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(_good_pdf())
    png = render_page(path, 2, scale=0.5)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (306, 396)
    from esglens.errors import ConfigError

    with pytest.raises(ConfigError, match="pages are 1 to 4"):
        render_page(path, 9)


def test_the_first_read_forks_from_a_process_without_pdfium(tmp_path):
    """What keeps the sandbox cheap for one-shot runs; a second read imports the reader once."""
    path = tmp_path / "r.pdf"
    path.write_bytes(_good_pdf())
    code = ("import sys, esglens; esglens.read(sys.argv[1]); print('pypdfium2' in sys.modules); "
            "esglens.read(sys.argv[1]); print('pypdfium2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
