"""Fuzz campaign: ~600 hostile inputs through `esglens read --json`, and the counts that matter.

Kinds (issue 12): byte flips, truncation, xref damage, page-tree and /PageLabels loops, flate
bombs, encryption, JavaScript and embedded files, unloadable pages, bad metadata, odd file names,
a FIFO, a symlink to /dev/zero and other non-files; mutated from fixture PDFs this script makes
(reportlab and ``tests/hostile.py``) and, with ``--shared N``, from N real reports in ../shared.
Each case is one fresh `esglens read --json` process in its own session with an outer timeout
(``--timeout`` + 15 s). Peak memory per case is the largest process of the case (wait4
ru_maxrss, which covers the sandbox child) and the summed RSS of its session, polled every 20 ms.

    python benchmarks/fuzz_campaign.py [--timeout 20] [--shared 6] [--only KIND] [--skip KIND]

With PYTHONPATH=OTHER/src it measures another checkout (mind: without the sandbox, a flate bomb
takes several GB; use --skip bomb).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import hostile  # noqa: E402

SHARED = ROOT.parent / "shared" / "reports"


@dataclass
class Case:
    kind: str
    name: str  # the file name as passed on the command line (relative to the case folder)
    make: Callable[[Path], None]  # creates the input at the given path
    args: tuple[str, ...] = ()


@dataclass
class Outcome:
    case: Case
    verdict: str
    code: int
    seconds: float
    peak_mb: float
    session_mb: float
    message: str
    warnings: int = 0  # of a successful read: pages skipped, labels dropped


# --------------------------------------------------------------------------- fixtures


def fixture_report(pages: int = 45, labels: bool = True, compress: int = 0) -> bytes:
    """A text report (45 pages: long enough for the reader's second worker) with a KPI table."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=compress)
    c.setTitle("Fixture Sustainability Report 2024")
    for i in range(pages):
        c.setFont("Helvetica-Bold", 16)
        c.drawString(72, 780, f"Section {i + 1}: Climate and people")
        c.setFont("Helvetica", 10)
        for j in range(30):
            line = f"Line {j} of page {i + 1}: Scope 1 emissions fell to {1200 - i} tCO2e."
            c.drawString(72, 750 - 14 * j, line)
        for k, (label, value) in enumerate([("Scope 1", "1,200"), ("Scope 2", "3,400"), ("Water", "56")]):
            c.drawString(72, 300 - 14 * k, label)
            c.drawString(300, 300 - 14 * k, value)
        c.drawString(290, 40, str(i + 1))
        if labels and i == 0:
            c.addPageLabel(0, style="ROMAN_LOWER")
            c.addPageLabel(2, style="ARABIC", start=1)
        c.showPage()
    c.save()
    return buf.getvalue()


def fixture_scan(pages: int = 2) -> bytes:
    """Image-only pages with printed text: no text layer, so the reader OCRs them."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(pages):
        img = Image.new("L", (850, 1100), 255)
        draw = ImageDraw.Draw(img)
        for j in range(12):
            draw.text((60, 80 + 60 * j), f"Scanned page {i + 1} line {j}: emissions 1,200 tCO2e", fill=0,
                      font_size=28)
        c.drawImage(ImageReader(img), 0, 0, 595, 842)
        c.showPage()
    c.save()
    return buf.getvalue()


def fixture_encrypted(user: str, owner: str) -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=pdfencrypt.StandardEncryption(user, owner))
    c.drawString(72, 700, "Confidential ESG figures for 2024: Scope 1 emissions 1,200 tCO2e.")
    c.showPage()
    c.save()
    return buf.getvalue()


def _write(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _loops(base: bytes, kind: str, seed: int) -> bytes:
    """A reportlab file with its page tree listing itself (``tree``), or its /PageLabels tree
    given a /Kids that points to itself (``labels``); ``seed`` picks where in the /Kids array."""
    if kind == "tree":
        m = re.search(rb"(\d+) 0 obj\s*<<[^>]*/Type /Pages", base)
        if m:
            kids = base.index(b"/Kids [", m.start()) + len(b"/Kids [")
            refs = [r.end() for r in re.finditer(rb"\d+ 0 R", base[kids : kids + 2000])]
            at = kids + (refs[seed % len(refs)] if refs and seed else 0)
            return base[:at] + b" " + m.group(1) + b" 0 R " + base[at:]
        return base
    labels = re.search(rb"/PageLabels (\d+) 0 R", base)
    head = labels and re.search(rb"\n" + labels.group(1) + rb" 0 obj\s*<<", base)
    if not labels or not head:
        return base
    return base[: head.end()] + b" /Kids [" + labels.group(1) + b" 0 R] " + base[head.end() :]


# --------------------------------------------------------------------------- the cases


def build_cases(shared: int) -> Iterator[Case]:
    report = fixture_report()
    compressed = fixture_report(pages=12, compress=1)
    short = hostile.simple_pdf([[f"Page {i + 1}: Scope 1 emissions 1,200 tCO2e in 2023."] for i in range(4)])
    scan = fixture_scan()
    bases = {"report": report, "compressed": compressed, "short": short, "scan": scan}

    for base_name, data in bases.items():
        counts = [1, 3, 10, 30, 100, 300] if base_name != "scan" else [1, 10, 100]
        seeds = range(15) if base_name != "scan" else range(3)
        for count in counts:
            for seed in seeds:
                yield Case("byte-flips", f"flip-{base_name}-{count}-{seed}.pdf",
                           _write(hostile.flip_bytes(data, count, seed)))
        fractions = [0.002, 0.02, 0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.75, 0.8, 0.9,
                     0.95, 0.97, 0.99, 0.995]
        for fraction in fractions if base_name != "scan" else fractions[::3]:
            cut = hostile.truncate(data, fraction)
            yield Case("truncation", f"cut-{base_name}-{fraction}.pdf", _write(cut))
        for seed in range(15 if base_name != "scan" else 3):
            yield Case("xref-damage", f"xref-{base_name}-{seed}.pdf", _write(hostile.damage_xref(data, seed)))
    for seed in range(15):
        yield Case("page-tree-loop", f"tree-loop-{seed}.pdf", _write(_loops(report, "tree", seed)))
        yield Case("page-tree-loop", f"tree-loop-raw-{seed}.pdf", _write(hostile.pagetree_loop(seed + 1)))
        yield Case("pagelabels-loop", f"labels-loop-{seed}.pdf", _write(hostile.pagelabels_loop(seed + 1)))
        yield Case("pagelabels-loop", f"labels-loop-rl-{seed}.pdf", _write(_loops(report, "labels", seed)))
    for size in (256, 1024, 2048, 4096):
        for double in (False, True):
            for where in ("content", "image"):
                for text in (True, False):
                    if size == 4096 and not double:
                        continue  # a 4 MB single-flate file adds nothing over 2 GB
                    layers = "double" if double else "single"
                    name = f"bomb-{size}-{layers}-{where}-{'text' if text else 'bare'}.pdf"
                    yield Case("flate-bomb", name, _write(hostile.flate_bomb(size, double=double, where=where,
                                                                              text=text)))
    for user, owner in (("secret", "owner"), ("", "owner"), ("x", "x")):
        data = fixture_encrypted(user, owner)
        yield Case("encryption", f"enc-{user or 'none'}.pdf", _write(data))
        yield Case("encryption", f"enc-{user or 'none'}-wrong.pdf", _write(data), ("--password", "wrong"))
        yield Case("encryption", f"enc-{user or 'none'}-right.pdf", _write(data),
                   ("--password", user or owner))
        for seed in range(3):
            flipped = hostile.flip_bytes(data, 5, seed)
            yield Case("encryption", f"enc-{user or 'none'}-flip{seed}.pdf", _write(flipped))
    yield Case("encryption", "enc-garbage.pdf", _write(hostile.encrypted_rc4()))
    for seed in range(10):
        yield Case("javascript-embedded", f"js-{seed}.pdf",
                   _write(hostile.flip_bytes(hostile.javascript_and_attachment(), seed * 3, seed)))
    for seed in range(6):
        yield Case("broken-pages", f"kids-{seed}.pdf", _write(hostile.broken_kids(seed + 2)))
        titled = hostile.flip_bytes(hostile.bad_title(), seed, seed)
        yield Case("bad-metadata", f"title-{seed}.pdf", _write(titled))
    info = b"<< /Title <FEFF" + b"D800" * 200_000 + b"> /Author (" + bytes(range(1, 256)) * 4 + b") >>"
    yield Case("bad-metadata", "title-huge.pdf", _write(hostile.simple_pdf([["A page."]], info=info)))
    yield from _odd_names(short)
    yield from _non_files()
    yield from _shared_cases(shared)


def _odd_names(data: bytes) -> Iterator[Case]:
    names = [b"-leading-dash.pdf", b"--double-dash.pdf", b"with spaces.pdf", b" leading space.pdf",
             b"caf\xe9 latin1.pdf", b"bad \xff\xfe bytes.pdf", "中文报告.pdf".encode(),
             b"emoji \xf0\x9f\x8c\x8d.pdf", b"new\nline.pdf", b"quote'\"$(x);.pdf", b"a" * 250 + b".pdf",
             b"no-extension", b"UPPER.PDF", b"tab\there.pdf", b"-"]
    for raw in names:
        yield Case("odd-name", os.fsdecode(raw), _write(data))


def _non_files() -> Iterator[Case]:
    def fifo(path: Path) -> None:
        os.mkfifo(path)

    def link(target: str) -> Callable[[Path], None]:
        return lambda path: path.symlink_to(target)

    def sparse(path: Path) -> None:
        with path.open("wb") as fh:
            fh.write(b"%PDF-1.7\n")
            fh.truncate(300 << 20)

    yield Case("fifo", "fifo.pdf", fifo)
    yield Case("symlink-dev-zero", "zero.pdf", link("/dev/zero"))
    yield Case("special-file", "null.pdf", link("/dev/null"))
    yield Case("special-file", "urandom.pdf", link("/dev/urandom"))
    yield Case("special-file", "dangling.pdf", link("/nonexistent/x.pdf"))
    yield Case("special-file", "loop.pdf", link("loop.pdf"))
    yield Case("special-file", "folder.pdf", lambda path: path.mkdir())
    yield Case("special-file", "empty.pdf", lambda path: path.write_bytes(b""))
    yield Case("special-file", "text.pdf", lambda path: path.write_text("not a pdf at all"))
    yield Case("special-file", "sparse-300mb.pdf", sparse)
    yield Case("special-file", "https://example.com/report.pdf", lambda path: None)


def _shared_cases(count: int) -> Iterator[Case]:
    if count <= 0 or not SHARED.is_dir():
        return
    reports = sorted(p for p in SHARED.glob("*.pdf") if "image-only" not in p.name)
    for pdf in random.Random(7).sample(reports, min(count, len(reports))):
        data = pdf.read_bytes()
        for fraction in (0.3, 0.7, 0.99):
            cut = hostile.truncate(data, fraction)
            yield Case("shared-truncation", f"real-cut-{fraction}.pdf", _write(cut))
        for seed in range(4):
            flipped = hostile.flip_bytes(data, 50, seed)
            yield Case("shared-byte-flips", f"real-flip-{seed}.pdf", _write(flipped))
        yield Case("shared-xref-damage", "real-xref.pdf", _write(hostile.damage_xref(data, 3)))


# --------------------------------------------------------------------------- running


def _session_rss(sid: int) -> int:
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            if int(fields[3]) != sid:
                continue
            with open(f"/proc/{entry}/statm") as fh:
                total += int(fh.read().split()[1]) * 4096
        except (OSError, IndexError, ValueError):
            continue
    return total


def run_case(case: Case, folder: Path, timeout: float) -> Outcome:
    case_dir = Path(tempfile.mkdtemp(dir=folder))
    if not case.name.startswith("https://"):
        case.make(case_dir / case.name)
    cmd = [sys.executable, "-m", "esglens.cli", "read", case.name, "--json", "--timeout", str(timeout),
           *case.args]
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=case_dir, stdout=out, stderr=err, start_new_session=True)
        session = 0
        hung = False
        while True:  # reap with wait4 ourselves: its rusage is this case's (and its sandbox's)
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            session = max(session, _session_rss(proc.pid))
            if time.monotonic() - started > timeout + 15:
                hung = True
                _kill_session(proc.pid)
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read().decode("utf-8", "replace")
    verdict = _verdict(hung, code, stdout, stderr)
    message = stderr.strip().splitlines()[0] if stderr.strip() else ""
    warnings = len(json.loads(stdout)["warnings"]) if verdict == "succeeded" else 0
    return Outcome(case, verdict, code, seconds, usage.ru_maxrss / 1024, session / 2**20, message, warnings)


def _kill_session(sid: int) -> None:
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                if int(fh.read().rsplit(b")", 1)[1].split()[3]) == sid:
                    os.kill(int(entry), 9)
        except (OSError, IndexError, ValueError):
            continue


def _verdict(hung: bool, code: int, stdout: bytes, stderr: str) -> str:
    if hung:
        return "hang past the limit"
    if code < 0:
        return f"crash by signal {-code}"
    if "Traceback" in stderr:
        return "traceback"
    if "internal error" in stderr:
        return "internal error"
    lines = stderr.strip().splitlines()
    if code == 0:
        try:
            json.loads(stdout.decode("utf-8"))
        except ValueError:
            return "success with invalid JSON/UTF-8"
        return "succeeded"
    if code == 1 and len(lines) == 1 and lines[0].startswith("Error: "):
        return "clean failure"
    return f"unclean failure (exit {code}, {len(lines)} stderr lines)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=20.0, help="esglens --timeout per case (s)")
    parser.add_argument("--shared", type=int, default=6, help="real reports to mutate from ../shared")
    parser.add_argument("--only", default="", help="only cases whose kind contains this")
    parser.add_argument("--skip", default="", help="leave out cases whose kind contains this")
    parser.add_argument("--show", type=int, default=15, help="distinct error messages to print")
    args = parser.parse_args()
    cases = [c for c in build_cases(args.shared)
             if args.only in c.kind and not (args.skip and args.skip in c.kind)]
    outcomes: list[Outcome] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for i, case in enumerate(cases, 1):
            outcomes.append(run_case(case, Path(tmp), args.timeout))
            if i % 50 == 0:
                print(f"  {i}/{len(cases)} cases, {time.monotonic() - started:.0f} s", file=sys.stderr)
    verdicts = Counter(o.verdict for o in outcomes)
    print(f"{len(outcomes)} cases in {time.monotonic() - started:.0f} s (esglens --timeout {args.timeout:g})")
    for key in ("succeeded", "clean failure", "hang past the limit", "traceback", "internal error"):
        print(f"  {key:28} {verdicts.pop(key, 0)}")
    crashes = sum(v for k, v in verdicts.items() if k.startswith("crash"))
    print(f"  {'crashes by signal':28} {crashes}")
    print(f"  {'(successes with warnings)':28} {sum(o.warnings > 0 for o in outcomes)}")
    for key, value in sorted(verdicts.items()):
        print(f"  {key:28} {value}")
    worst = max(outcomes, key=lambda o: o.peak_mb)
    worst_session = max(outcomes, key=lambda o: o.session_mb)
    slowest = max(outcomes, key=lambda o: o.seconds)
    print(f"  peak memory, largest process: {worst.peak_mb:.0f} MB ({worst.case.name[:60]!r})")
    print(f"  peak memory, whole case (polled): {worst_session.session_mb:.0f} MB "
          f"({worst_session.case.name[:60]!r})")
    print(f"  slowest case: {slowest.seconds:.1f} s ({slowest.case.name[:60]!r})")
    print("by kind (succeeded / clean failure / other):")
    for kind in sorted({o.case.kind for o in outcomes}):
        mine = [o for o in outcomes if o.case.kind == kind]
        ok = sum(o.verdict == "succeeded" for o in mine)
        clean = sum(o.verdict == "clean failure" for o in mine)
        print(f"  {kind:22} {len(mine):4}: {ok:4} / {clean:4} / {len(mine) - ok - clean}")
    messages = Counter(re.sub(r"^Error: .*?: ", "Error: …: ", o.message)[:130]
                       for o in outcomes if o.verdict == "clean failure")
    print("most frequent error messages:")
    for message, n in messages.most_common(args.show):
        print(f"  {n:4}  {message}")
    bad = [o for o in outcomes if o.verdict not in ("succeeded", "clean failure")]
    for o in bad:
        print(f"NOT CLEAN: {o.case.kind} {o.case.name[:60]!r}: {o.verdict} — {o.message[:200]}")


if __name__ == "__main__":
    main()
