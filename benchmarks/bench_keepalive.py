"""The 502 of a class behind nginx: a request on an upstream keep-alive connection that the
replica closes at that moment.

nginx keeps idle connections to each replica (``keepalive`` in its upstream groups) for its
upstream ``keepalive_timeout``; uvicorn closes an idle connection after its own
``timeout_keep_alive``. When uvicorn's is the shorter one, uvicorn sometimes closes a connection
just as nginx sends a request on it: nginx then fails the request with 502 (a POST, such as
Gradio's ``queue/join``, is never retried) or retries a GET on the backup replica, which holds
none of the user's state. Whichever side closes idle connections must be nginx.

This script reproduces it on loopback with the config genlab writes (``nginx_config``) in front
of trivial uvicorn servers (an ASGI app that answers every request at once, on uvicorn's h11
protocol as ``genlab serve`` runs it): each lane is a user pinned (by the cookie) to its own
replica, so each lane has its own upstream group and its own idle connection; it POSTs, waits
an idle gap drawn around uvicorn's keep-alive timeout, and POSTs again. Times are scaled down
(``--keep-alive``, 1 s rather than uvicorn's 5 s) so that a few hundred gaps take minutes;
tests/server/test_proxy.py runs it small.

    python benchmarks/bench_keepalive.py --requests 400 --lanes 4 --keep-alive 1 [--fixed] [--method GET]

``--fixed`` runs the replicas with genlab's setting (``replicas.replica_keep_alive_s``, here
scaled: the nginx side's idle timeout plus the margin) instead of uvicorn's default.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from genlab.app import replicas  # noqa: E402

APP = """
import sys, uvicorn

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"ok": true}'})

uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", http="h11",
            timeout_keep_alive=float(sys.argv[2]))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


@contextlib.contextmanager
def proxied(lanes: int, upstream_keep_alive: float, nginx_idle: float):
    """``lanes`` trivial replicas behind nginx with genlab's config; yield (url, ports, nginx's
    error log file)."""
    ports = [free_port() for _ in range(lanes)]
    listen = free_port()
    run = Path(tempfile.mkdtemp(prefix="genlab-keepalive-"))
    run.chmod(0o755)
    (run / "nginx.conf").write_text(replicas.nginx_config(ports, listen=f"127.0.0.1:{listen}",
                                                          upstream_idle_s=nginx_idle))
    procs = [subprocess.Popen([sys.executable, "-c", APP, str(p), str(upstream_keep_alive)])
             for p in ports]
    try:
        for p in ports:
            wait_port(p)
        procs.append(subprocess.Popen([replicas.find_nginx(), "-p", f"{run}/", "-e",
                                       str(run / "error.log"), "-c", "nginx.conf", "-g", "daemon off;"]))
        wait_port(listen)
        yield f"http://127.0.0.1:{listen}", ports, run / "error.log"
    finally:
        for proc in procs[::-1]:
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(run, ignore_errors=True)


def lane(url: str, port: int, gaps, results: list, method: str = "POST") -> None:
    with httpx.Client(cookies={"genlab_replica": str(port)}, timeout=30) as client:
        def call(i):
            if method == "POST":
                return client.post(f"{url}/queue/join", json={"n": i})
            return client.get(f"{url}/queue/data", params={"n": i})

        call(-1)  # opens the upstream connection
        for i, gap in enumerate(gaps):
            time.sleep(gap)
            r = call(i)
            results.append({"gap": gap, "status": r.status_code,
                            "moved": r.headers.get("x-genlab-replica") != str(port)})


def run(requests: int, lanes: int, keep_alive: float, fixed: bool, spread: float, seed: int,
        method: str = "POST") -> dict:
    import threading

    rng = random.Random(seed)
    per_lane = -(-requests // lanes)
    # the gaps straddle uvicorn's keep-alive timeout: nginx's cached connection meets its close
    gaps = [[keep_alive + rng.uniform(-spread, spread) for _ in range(per_lane)] for _ in range(lanes)]
    if fixed:  # genlab's setting, scaled: nginx closes its idle connections first
        nginx_idle = keep_alive
        upstream = replicas.replica_keep_alive_s(nginx_idle)
    else:  # before: uvicorn's short default against nginx's 60 s
        nginx_idle, upstream = 60.0, keep_alive
    results: list = []
    start = time.monotonic()
    with proxied(lanes, upstream, nginx_idle) as (url, ports, error_log):
        threads = [threading.Thread(target=lane, args=(url, p, g, results, method)) for p, g in zip(ports, gaps)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        log = error_log.read_text() if error_log.exists() else ""  # nginx writes it at once
    bad = [r for r in results if r["status"] != 200]
    return {"benchmark": "keepalive", "fixed": fixed, "requests": len(results), "lanes": lanes,
            "uvicorn_keep_alive_s": upstream, "nginx_upstream_idle_s": nginx_idle,
            "gap_s": [keep_alive - spread, keep_alive + spread],
            "method": method, "errors": len(bad), "statuses": sorted({r["status"] for r in results}),
            "answered_by_another_replica": sum(r["moved"] for r in results),
            "error_gaps": [round(r["gap"], 4) for r in bad],
            "nginx_errors": [line.split("[error]")[-1].strip()[:160] for line in log.splitlines()
                             if "[error]" in line],
            "wall_s": round(time.monotonic() - start, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--lanes", type=int, default=4)
    parser.add_argument("--keep-alive", type=float, default=1.0,
                        help="uvicorn's keep-alive timeout before the fix (scaled; uvicorn's default is 5)")
    parser.add_argument("--spread", type=float, default=0.02, help="gaps are keep-alive ± this")
    parser.add_argument("--fixed", action="store_true", help="genlab's setting: nginx closes first")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--method", choices=("POST", "GET"), default="POST",
                        help="GET: nginx retries it on the next server, the user's backup replica")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.requests, args.lanes, args.keep_alive, args.fixed, args.spread, args.seed,
                 args.method)
    print(json.dumps(result, indent=None if args.json else 1))


if __name__ == "__main__":
    main()
