"""The web app on loopback: 20 parallel uploads of the sample, none lost; report-view latency.

Starts a real ``esglens serve`` process (fresh store in a temporary folder, a free port), then:

1. uploads: N clients POST /api/reports at once. By default each upload is the sample with a
   different trailing comment (N distinct sha256 ids, N real analyses); ``--same`` uploads the
   identical file N times (one id: the queue must not analyse it twice). Counts replies by status,
   then waits until every id is done or failed and says how many were lost (neither).
2. ``--restart``: SIGKILLs the server while the queue is still busy and starts a new one on the same
   store; queued and running work must be resumed (nothing lost).
3. latency: GET /reports/{id} (the HTML report view) and GET /api/reports/{id}/analysis once the
   report is analysed, sequentially, ``--requests`` times each; median and p95 in ms (target: report
   view < 100 ms median). The machine is shared, so quote medians and what else was running.

    python benchmarks/bench_serve.py [--uploads 20] [--workers 2] [--requests 200] [--same] [--restart]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
            timeout: float = 60.0) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, res.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def upload(base: str, data: bytes, name: str) -> tuple[int, dict[str, Any]]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    code, raw = request(f"{base}/api/reports", body, headers)
    return code, json.loads(raw or b"{}")


class Server:
    """``esglens serve`` as a child process on a free port."""

    def __init__(self, store: Path, workers: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "esglens.cli", "serve", "--store", str(store), "--port", str(self.port),
                "--workers", str(workers)]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        end = time.monotonic() + 60
        while True:
            try:
                if request(f"{self.base}/api/health", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > end:
                why = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise SystemExit(f"the server did not start: {why}")
            time.sleep(0.1)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()


def statuses(base: str, ids: set[str]) -> dict[str, str]:
    out = {}
    for sha in ids:
        code, raw = request(f"{base}/api/reports/{sha}")
        out[sha] = json.loads(raw)["status"] if code == 200 else f"http {code}"
    return out


def wait_all(base: str, ids: set[str], limit: float) -> dict[str, str]:
    end = time.monotonic() + limit
    while True:
        now = statuses(base, ids)
        if all(s in ("done", "failed") for s in now.values()) or time.monotonic() > end:
            return now
        time.sleep(0.5)


def latency(url: str, n: int) -> tuple[float, float]:
    """Median and p95 of ``n`` sequential GETs, in ms (the first, warming caches, not counted)."""
    request(url)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        code, _ = request(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert code == 200, (url, code)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--same", action="store_true", help="upload the identical sample every time")
    parser.add_argument("--restart", action="store_true", help="SIGKILL the server mid-queue and restart it")
    args = parser.parse_args()
    from esglens.sample import write_sample_report

    with tempfile.TemporaryDirectory() as tmp:
        sample = write_sample_report(Path(tmp) / "sample.pdf").read_bytes()
        files = [sample if args.same else sample + f"\n% upload {i}\n".encode() for i in range(args.uploads)]
        store = Path(tmp) / "corpus.duckdb"
        server = Server(store, args.workers)
        try:
            t0 = time.perf_counter()
            with ThreadPoolExecutor(args.uploads) as pool:
                replies = list(pool.map(lambda i: upload(server.base, files[i], f"sample-{i}.pdf"),
                                        range(args.uploads)))
            upload_s = time.perf_counter() - t0
            codes: dict[int, int] = {}
            for code, _ in replies:
                codes[code] = codes.get(code, 0) + 1
            ids = {r["id"] for c, r in replies if c in (200, 202)}
            print(f"uploads: {args.uploads} sent at once in {upload_s:.2f} s; replies {codes}; "
                  f"{len(ids)} distinct ids")
            if args.restart:
                time.sleep(1.5)
                before = statuses(server.base, ids)
                server.kill()
                busy = sum(s in ("queued", "running") for s in before.values())
                print(f"restart: killed the server with SIGKILL while {busy} reports were queued or running")
                server = Server(store, args.workers)
            final = wait_all(server.base, ids, limit=60 + 15 * len(ids))
            all_s = time.perf_counter() - t0
            done = sum(s == "done" for s in final.values())
            failed = sum(s == "failed" for s in final.values())
            lost = len(ids) - done - failed
            expected = 1 if args.same else args.uploads
            print(f"analysed: {done} done, {failed} failed, {lost} lost of {len(ids)} "
                  f"(expected {expected} ids) in {all_s:.1f} s from the first upload")
            sha = next(s for s, st in final.items() if st == "done")
            for what, url in (("report view  GET /reports/{id}", f"{server.base}/reports/{sha}"),
                              ("analysis     GET /api/reports/{id}/analysis",
                               f"{server.base}/api/reports/{sha}/analysis"),
                              ("status       GET /api/reports/{id}", f"{server.base}/api/reports/{sha}")):
                med, p95 = latency(url, args.requests)
                print(f"latency {what}: median {med:.1f} ms, p95 {p95:.1f} ms "
                      f"over {args.requests} requests")
            if lost or len(ids) != expected or failed:
                raise SystemExit("FAIL: reports lost or failed")
        finally:
            server.stop()
    print(f"(loadavg at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())})")


if __name__ == "__main__":
    main()
