"""A class served by several ``genlab serve`` replicas behind nginx, each user pinned to one.

A replica keeps each user's ``gr.State``, queued events and files in its own memory and disk, so
every request of a user must reach the same replica. nginx (open source) has no sticky cookie of
its own, and Gradio's session id travels in request bodies, so stickiness is a cookie nginx sets
itself: a request without it goes to the replica with the fewest open connections, and the
response names that replica in ``genlab_replica`` (its port). Browsers send the cookie back with
every request of the page; gradio_client keeps the cookies of its first response (the config).
A cookie that names no replica counts as none, and each replica's group lists the others as
backups, so a user of a replica that died lands on a live one (their state is gone, the app is
not). The cookie is set only for a user without a valid one: a request that a backup answered
once (a stream cut under load) does not move its user away from their state and files.
nginx keeps idle connections to the replicas and is the one that closes them: the replicas keep
theirs longer (``replica_keep_alive_s``), or a replica would close one just as nginx reuses it.

``genlab serve --replicas N`` writes the config (``nginx_config``), starts N replicas on the
ports after ``--port`` and nginx on ``--port``; ``deploy/nginx-genlab.conf`` is that config for
two replicas.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from genlab.errors import InputError

MAX_BODY_MB = 64
"""nginx refuses bodies above this (its default, 1 MB, would refuse an ordinary audio upload);
above the app's own largest upload limit, which the replica enforces with its message."""

UPSTREAM_IDLE_S = 60
"""nginx closes an idle connection to a replica after this long (its upstream
``keepalive_timeout``, written out)."""

KEEP_ALIVE_MARGIN_S = 15


def replica_keep_alive_s(upstream_idle_s: float = UPSTREAM_IDLE_S) -> float:
    """How long a replica keeps an idle connection open: longer than nginx does, so that nginx
    always closes an idle connection first. With uvicorn's default (5 s) against nginx's 60 s,
    a replica closes a connection just as nginx sends a request on it now and then: nginx
    answers a POST (Gradio's ``queue/join``) with 502 and retries a GET on a backup replica,
    which has none of the user's state (benchmarks/bench_keepalive.py reproduces it)."""
    return upstream_idle_s + KEEP_ALIVE_MARGIN_S


def nginx_config(replica_ports, listen: str = "127.0.0.1:7860", max_body_mb: int = MAX_BODY_MB,
                 upstream_idle_s: float = UPSTREAM_IDLE_S) -> str:
    """nginx.conf for replicas on 127.0.0.1 at ``replica_ports``, listening on ``listen``; idle
    connections to the replicas are closed after ``upstream_idle_s``.

    Paths are relative to nginx's prefix (``nginx -p RUN_DIR``), so one file serves any folder.
    """
    ports = [int(p) for p in replica_ports]
    idle = (f"{upstream_idle_s:g}s" if float(upstream_idle_s).is_integer()
            else f"{round(upstream_idle_s * 1000)}ms")  # nginx's times are whole units
    replica_idle = replica_keep_alive_s(upstream_idle_s)
    servers = "".join(f"        server 127.0.0.1:{p};\n" for p in ports)
    pinned = ""
    for p in ports:
        backups = "".join(f"        server 127.0.0.1:{q} backup;\n" for q in ports if q != p)
        # max_fails=0: one failed request (a stream the replica cut) must not mark the replica
        # down for everyone pinned to it; a backup answers only the request that failed
        pinned += (f"    upstream genlab_{p} {{\n        server 127.0.0.1:{p} max_fails=0;\n{backups}"
                   f"        keepalive 16;\n        keepalive_timeout {idle};\n    }}\n")
    cookie_map = "".join(f"        {p} genlab_{p};\n" for p in ports)
    pinned_cookie = "".join(f'        {p} "";\n' for p in ports)
    return f"""\
# genlab: {len(ports)} replicas of `genlab serve` behind nginx, each user pinned to one replica.
# Written by `genlab serve --replicas {len(ports)}` (genlab/app/replicas.py), which runs
#   nginx -p RUN_DIR -e RUN_DIR/error.log -c nginx.conf -g 'daemon off;'
# Paths are relative to RUN_DIR.
worker_processes 1;
pid nginx.pid;
error_log error.log warn;
events {{
    worker_connections 4096;
}}
http {{
    access_log off;
    client_body_temp_path client_body;
    proxy_temp_path proxy;
    fastcgi_temp_path fastcgi;
    uwsgi_temp_path uwsgi;
    scgi_temp_path scgi;
    client_max_body_size {max_body_mb}m;

    # A new user (no cookie) goes to the replica with the fewest open connections. nginx closes
    # an idle connection to a replica after {upstream_idle_s:g} s, the replicas only after {replica_idle:g} s:
    # a replica closing one as nginx reuses it would be a 502 (or a retry on another replica).
    upstream genlab_new {{
        least_conn;
{servers}        keepalive 16;
        keepalive_timeout {idle};
    }}
    # A pinned user goes to their replica; the others stand by in case it died.
{pinned}
    # The cookie picks the group; a cookie naming no replica counts as none.
    map $cookie_genlab_replica $genlab_upstream {{
        default genlab_new;
{cookie_map}    }}
    # The replica that answered (the last address nginx tried), to pin the user to it.
    map $upstream_addr $genlab_replica {{
        default "";
        "~:(?<port>[0-9]+)$" $port;
    }}
    # Only a user without a valid pin is pinned: a request that a backup answered once does not
    # move its user (their state and files stay on their replica).
    map $cookie_genlab_replica $genlab_pin {{
        default "genlab_replica=$genlab_replica; Path=/; HttpOnly; SameSite=Lax";
{pinned_cookie}    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" "";
    }}

    server {{
        listen {listen};
        location / {{
            proxy_pass http://$genlab_upstream;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            # Gradio streams queue events and heartbeats (server-sent events): pass each at once.
            proxy_buffering off;
            proxy_cache off;
            proxy_request_buffering off;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
            add_header Set-Cookie $genlab_pin always;
            add_header X-Genlab-Replica $genlab_replica always;
        }}
    }}
}}
"""


def find_nginx() -> str:
    path = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                          if os.access(p, os.X_OK)), None)
    if path is None:
        raise InputError("--replicas", "nginx_missing")
    return path


def wait_until_healthy(url: str, procs, timeout: float) -> None:
    """Poll ``url`` until it answers 200; fail early if one of ``procs`` exits."""
    deadline = time.monotonic() + timeout
    while True:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.5)


def _stop(procs) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def replica_command(port: int, lang: str, serve_args=()) -> list[str]:
    """The ``genlab serve`` command of one replica on 127.0.0.1:``port``. Its keep-alive limit
    comes after the user's ``serve_args``, so it wins: behind nginx it must outlast nginx's."""
    return [sys.executable, "-m", "genlab.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
            "--lang", lang, *serve_args, "--limit", f"keep_alive_seconds={replica_keep_alive_s():g}"]


@contextlib.contextmanager
def running_class(replicas: int, host: str = "127.0.0.1", port: int = 7860, lang: str = "en",
                  serve_args=(), log_dir: Path | None = None, timeout: float = 300.0):
    """Start ``replicas`` replicas on 127.0.0.1 at ``port + 1 ...`` and nginx on ``host:port``;
    yield ``(url, replica_ports)``; stop them all afterwards. ``serve_args`` are passed on to
    each replica's ``genlab serve``; each replica's output goes to ``log_dir/replica-PORT.log``
    (to this process's output without ``log_dir``)."""
    nginx = find_nginx()
    ports = [port + 1 + i for i in range(replicas)]
    run = Path(tempfile.mkdtemp(prefix=f"genlab-class-{port}-"))
    run.chmod(0o755)  # nginx's workers drop root and create their temp folders in it
    (run / "nginx.conf").write_text(nginx_config(ports, listen=f"{host}:{port}"))
    procs = []
    logs = []
    try:
        for p in ports:
            log = open(Path(log_dir) / f"replica-{p}.log", "w") if log_dir is not None else None
            logs += [log] if log else []
            procs.append(subprocess.Popen(replica_command(p, lang, serve_args), stdout=log,
                                          stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}))
        for p in ports:
            wait_until_healthy(f"http://127.0.0.1:{p}/healthz", procs, timeout)
        procs.append(subprocess.Popen([nginx, "-p", f"{run}/", "-e", str(run / "error.log"),
                                       "-c", "nginx.conf", "-g", "daemon off;"]))
        wait_until_healthy(f"http://{host}:{port}/healthz", procs, 30)
        yield f"http://{host}:{port}", ports
    finally:
        _stop(procs[::-1])
        for log in logs:
            log.close()
        shutil.rmtree(run, ignore_errors=True)


def serve_class(replicas: int, host: str, port: int, lang: str, serve_args=()) -> None:
    """``genlab serve --replicas N``: run until Ctrl+C or SIGTERM, then stop every process."""
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # SystemExit runs the clean-up
    with running_class(replicas, host, port, lang, serve_args) as (url, ports):
        print(f"genlab: {replicas} replicas (127.0.0.1:{ports[0]}-{ports[-1]}) behind nginx on "
              f"{url}/{lang}/  (Ctrl+C stops)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
