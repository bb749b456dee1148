"""Load test: a class on one genlab server, or on N replicas behind nginx, through gradio_client.

Starts the server itself on 127.0.0.1 (``genlab serve``, or ``genlab serve --replicas N``), warms
every action once, then runs two kinds of simulated users at the same time for ``--duration``
seconds after a ``--ramp`` during which they arrive:

* ``--mixed`` users cycle through every tab's main action (text streaming, diffusion, GAN
  sampling and live training, VAE reconstruction of an uploaded clip, the taxonomy fit, EM, the
  bias experiment, provenance check of an uploaded file, the mixture surface), each user starting
  at a different one, with a think time between actions;
* ``--light`` users only move sliders and redraw (EM/logistic-regression replay, KDE and moment
  sliders, the digit VAE's latent walk), with a think time.

Each user is a ``gradio_client.Client`` (its own session and heartbeat, as a browser tab),
configured to cost what a browser costs: it gets each output's URL and does not download the
files (a browser fetches a notebook only when its button is clicked), and all users share one
TLS context (gradio_client builds a new one, reading every CA certificate, for each request it
sends, even to http://: that was 40 % of the load generator's CPU, which then measured its own
queue instead of the server's). Reported: connect time and sessions that could not connect, per-action count / p50 / p95 /
max latency, errors and queue refusals, throughput (actions completed per second from the first
user's arrival to the last completion), the server's memory
(RSS: after start, after warm-up, peak, and after the users left and the session TTL passed),
the files it kept on disk, and its ``/healthz`` answer at the end. Bounded: every user stops
issuing actions at the end of the window, in-flight ones get ``--drain`` seconds.

    python benchmarks/bench_load.py [--mixed 50] [--light 100] [--duration 60] [--ramp 20]
        [--replicas 1] [--limit NAME=VALUE ...] [--json] [--out FILE]
    python benchmarks/bench_load.py --reference      # the same load on the queue as it was before
    python benchmarks/bench_load.py --costs          # what each action costs the server, alone
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import ssl
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The server's TTLs for the run: short, so that the bench sees memory come back within minutes.
RUN_LIMITS = ("closed_seconds=10", "sweep_seconds=5", "file_seconds=180")


# ---------------------------------------------------------------- what users do

def _clip() -> str:
    from genlab.families.vae.pipeline import shipped_clips

    return str(shipped_clips()[0])


def _png() -> str:
    return str(ROOT / "genlab" / "app" / "favicon.png")


def endpoint_defaults(client) -> dict:
    """For every named endpoint: its parameters' names and the values the page starts with."""
    info = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    return {name.lstrip("/"): [(p["parameter_name"], p.get("parameter_default")) for p in e["parameters"]]
            for name, e in info.items()}


def overrides(name: str, rng: random.Random) -> dict:
    """What a user changes from the page's defaults, by parameter name: slider positions for the
    light actions; an uploaded file; for training and text, the small end of the slider so that
    a run is bounded (``--costs`` also measures them at the page's defaults)."""
    from gradio_client import handle_file

    return {
        "taxonomy_compare": {"steps": 200, "n_train": 500},
        "autoregressive_generate": {"max_new_tokens": 24, "seed": rng.randrange(10_000)},
        "gan_train_toy": {"train_steps": 200},
        "vae_reconstruct": {"clip": handle_file(_clip())},
        "ethics_verify": {"path": handle_file(_png())},
        "discriminative_redraw": {"param_1": rng.randrange(21), "param_2": rng.randrange(101)},
        "probability_kde": {"n_per_class": rng.randrange(200, 3000, 10)},
        "probability_moments": {"n_per_normal": rng.randrange(0, 10_000, 100)},
        "vae_digit_walk": {"z1": round(rng.uniform(-3, 3), 2), "z2": round(rng.uniform(-3, 3), 2)},
    }.get(name, {})


def action_args(name: str, rng: random.Random, defaults: dict, changes: dict | None = None) -> list:
    """The endpoint's arguments: the page's defaults with ``changes`` (by parameter name)."""
    params = defaults[name]
    changes = overrides(name, rng) if changes is None else changes
    unknown = set(changes) - {p for p, _ in params}
    if unknown:
        raise KeyError(f"{name} has no parameter {sorted(unknown)}; its parameters: {[p for p, _ in params]}")
    return [changes.get(p, value) for p, value in params]


# Measured by --costs as the page sends them too (the load uses the overrides above).
AT_PAGE_DEFAULTS = ("taxonomy_compare", "gan_train_toy", "autoregressive_generate")

MIXED = ("autoregressive_generate", "diffusion_generate", "gan_generate", "vae_reconstruct",
         "discriminative_recompute", "gan_train_toy", "probability_surface", "ethics_bias",
         "taxonomy_compare", "ethics_verify")
LIGHT = ("discriminative_redraw", "probability_kde", "probability_moments", "vae_digit_walk")
STREAMING = {"autoregressive_generate", "gan_train_toy"}


@dataclass
class Record:
    action: str
    start: float
    seconds: float
    ok: bool
    refused: bool = False
    error: str = ""
    first_update: float | None = None


@dataclass
class Run:
    records: list = field(default_factory=list)
    connect_seconds: list = field(default_factory=list)
    connect_failures: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, record):
        with self.lock:
            self.records.append(record)


def call(client, name: str, rng: random.Random, defaults: dict, changes: dict | None = None) -> Record:
    from gradio_client.exceptions import AppError
    from gradio_client.utils import QueueError

    start = time.perf_counter()
    first = None
    try:
        job = client.submit(*action_args(name, rng, defaults, changes), api_name=f"/{name}")
        if name in STREAMING:
            for _ in job:
                if first is None:
                    first = time.perf_counter() - start
        job.result(timeout=900)
        return Record(name, start, time.perf_counter() - start, True, first_update=first)
    except QueueError as err:
        return Record(name, start, time.perf_counter() - start, False, True, str(err))
    except AppError as err:
        return Record(name, start, time.perf_counter() - start, False, False, f"AppError: {err}")
    except Exception as err:  # noqa: BLE001 - every failure is counted and reported
        text = f"{type(err).__name__}: {err}"
        return Record(name, start, time.perf_counter() - start, False, "Queue is full" in text, text)


TLS = ssl.create_default_context()   # one for every user: see the module's docstring


def connect(url: str, run: Run):
    """A new user: a gradio_client session (config, API info, heartbeat), or None if it failed."""
    from gradio_client import Client

    start = time.perf_counter()
    try:
        client = Client(url, verbose=False, download_files=False, ssl_verify=TLS,
                        httpx_kwargs={"timeout": 60})
    except Exception as err:  # noqa: BLE001
        with run.lock:
            run.connect_failures.append(f"{type(err).__name__}: {err}")
        return None
    with run.lock:
        run.connect_seconds.append(time.perf_counter() - start)
    return client


def user(url: str, actions, cycle: bool, think, run: Run, t_arrive: float, t_stop: float,
         seed: int, clients: list, defaults: dict):
    """Arrive at ``t_arrive``; do an action, think, repeat until ``t_stop``. A ``cycle`` user
    goes through ``actions`` in order from a random one; the others pick at random."""
    rng = random.Random(seed)
    time.sleep(max(0.0, t_arrive - time.perf_counter()))
    client = connect(url, run)
    if client is None:
        return
    with run.lock:
        clients.append(client)
    i = rng.randrange(len(actions))
    while True:  # at least one action, however late the user got in
        name = actions[i % len(actions)] if cycle else rng.choice(actions)
        run.add(call(client, name, rng, defaults))
        i += 1
        if time.perf_counter() >= t_stop:
            return
        time.sleep(rng.uniform(*think))


# ---------------------------------------------------------------- the server and its memory

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str, timeout: float = 10.0) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read())


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


class MemorySampler(threading.Thread):
    """Samples the summed RSS of the server processes every ``every`` seconds."""

    def __init__(self, pids, every: float = 0.5):
        super().__init__(daemon=True)
        self.pids, self.every = list(pids), every
        self.samples: list[tuple[float, float]] = []
        self.stop = threading.Event()

    def now(self) -> float:
        return sum(rss_mb(p) for p in self.pids)

    def run(self):
        while not self.stop.is_set():
            self.samples.append((time.perf_counter(), self.now()))
            self.stop.wait(self.every)

    def peak(self, since: float = 0.0) -> float:
        return max((mb for t, mb in self.samples if t >= since), default=0.0)


# The queue as genlab configured it before the class-server work, for a side-by-side reference:
# every event its own group of 4 slots (Gradio's 40 workers in all), no max_size, sessions kept
# until 10,000 newer ones push them out, no cleanup, torch's default threads (one per core).
REFERENCE_SERVER = """
import sys
from genlab.app import serve, serving
serving.configure_queue = lambda blocks, queue: blocks.queue(default_concurrency_limit=4)
from genlab.limits import queue_limits
import os, torch
serve(port=int(sys.argv[1]), lang=sys.argv[2], queue=queue_limits(
    [f"compute_threads={os.cpu_count()}", "idle_seconds=1e9", "closed_seconds=1e9",
     "file_seconds=1e9"]))
"""


@contextlib.contextmanager
def server(replicas: int, limits, lang: str, log_dir: Path, reference: bool = False):
    """Start the server on a free port: yield (url, replica base urls, process)."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GRADIO_ANALYTICS_ENABLED": "False",
           "PYTHONUNBUFFERED": "1"}
    limit_args = [a for item in limits for a in ("--limit", item)]
    serve = [sys.executable, "-m", "genlab.cli", "serve", "--port", str(port), "--lang", lang]
    replica_urls = [f"http://127.0.0.1:{port}"]
    if reference:
        cmd = [sys.executable, "-c", REFERENCE_SERVER, str(port), lang]
    elif replicas > 1:  # a separate process, as a teacher runs it: `genlab serve --replicas N`
        cmd = [*serve, "--replicas", str(replicas), *limit_args]
        replica_urls = [f"http://127.0.0.1:{port + 1 + i}" for i in range(replicas)]
    else:
        cmd = [*serve, *limit_args]
    log = open(log_dir / f"server-{port}.log", "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        for base in [*replica_urls, url]:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"server exited with {proc.returncode}; see {log.name}")
                try:
                    with urllib.request.urlopen(f"{base}/{lang}/config", timeout=5) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{base} did not answer; see {log.name}")
                time.sleep(1)
        yield url, replica_urls, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def replica_pids(replica_urls, proc) -> list[int]:
    pids = []
    for base in replica_urls:
        try:
            pids.append(int(get_json(f"{base}/healthz")["pid"]))
        except (OSError, KeyError, ValueError):
            pids.append(proc.pid)  # a server without /healthz: the process we started
    return sorted(set(pids))


def disk_usage(ports) -> dict:
    """Files the servers keep in their scratch folders (genlab-serve-PORT-*)."""
    paths, size = [], 0
    for folder in (f for p in ports for f in Path(tempfile.gettempdir()).glob(f"genlab-serve-{p}-*")):
        for root, _, names in os.walk(folder):
            for n in names:
                with contextlib.suppress(OSError):
                    size += (Path(root) / n).lstat().st_size
                    paths.append(str((Path(root) / n).relative_to(folder)))
    return {"files": len(paths), "folders": len({str(Path(p).parent) for p in paths}),
            "mb": round(size / 2**20, 1), "examples": sorted(paths)[:6]}


# ---------------------------------------------------------------- the run

def percentile_table(records, span: float):
    rows = {}
    for name in sorted({r.action for r in records}):
        rs = [r for r in records if r.action == name]
        ok = np.array([r.seconds for r in rs if r.ok])
        first = [r.first_update for r in rs if r.ok and r.first_update is not None]
        rows[name] = {
            "n": len(rs), "ok": int(ok.size),
            "errors": sum(1 for r in rs if not r.ok and not r.refused),
            "refused": sum(1 for r in rs if r.refused),
            "p50_s": round(float(np.percentile(ok, 50)), 3) if ok.size else None,
            "p95_s": round(float(np.percentile(ok, 95)), 3) if ok.size else None,
            "max_s": round(float(ok.max()), 3) if ok.size else None,
            "first_update_p50_s": round(float(np.percentile(first, 50)), 3) if first else None,
            "per_s": round(ok.size / span, 3),
        }
    return rows


def machine_load() -> dict:
    """The machine's load beside the run: load average and the busiest other processes."""
    one, five, _ = os.getloadavg()
    out = subprocess.run(["ps", "-eo", "pcpu,ni,comm", "--sort=-pcpu"], capture_output=True,
                         text=True).stdout.splitlines()[1:6]
    return {"loadavg_1m": round(one, 2), "loadavg_5m": round(five, 2), "cpus": os.cpu_count(),
            "top": [" ".join(line.split()) for line in out]}


def run_load(args) -> dict:
    limits = [*RUN_LIMITS, *args.limit]
    mixed_actions, light_actions = args.mixed_actions.split(","), args.light_actions.split(",")
    log_dir = Path(args.log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    result = {"benchmark": "load", "replicas": args.replicas, "mixed_users": args.mixed,
              "light_users": args.light, "duration_s": args.duration, "ramp_s": args.ramp,
              "think_s": {"mixed": args.think_mixed, "light": args.think_light},
              "limits": "reference (the queue before)" if args.reference else limits,
              "load_before": machine_load()}
    with server(args.replicas, limits, args.lang, log_dir, args.reference) as (url, replica_urls, proc):
        pids = replica_pids(replica_urls, proc)
        ports = [int(b.rsplit(":", 1)[1]) for b in replica_urls]
        sampler = MemorySampler(pids)
        sampler.start()
        time.sleep(1)
        result["rss_start_mb"] = round(sampler.now(), 1)
        result["disk_start"] = disk_usage(ports)
        page = f"{url}/{args.lang}/"
        warm = Run()
        defaults = None
        for i, base in enumerate(replica_urls):  # warm each replica directly
            client = connect(f"{base}/{args.lang}/", warm)
            if client is None:
                raise RuntimeError(f"could not connect to {base}: {warm.connect_failures}")
            defaults = endpoint_defaults(client)
            for name in mixed_actions + light_actions if args.warmup else ():
                warm.add(call(client, name, random.Random(i), defaults))
            client.close()
        result["warmup_errors"] = warm.connect_failures + [f"{r.action}: {r.error}"
                                                           for r in warm.records if not r.ok]
        time.sleep(2)
        result["rss_warm_mb"] = round(sampler.now(), 1)

        run = Run()
        clients: list = []
        cpu0 = ([cpu_seconds(p) for p in pids], time.process_time())
        t0 = time.perf_counter()
        t_stop = t0 + args.ramp + args.duration
        rng = random.Random(0)
        threads = []
        for k in range(args.mixed + args.light):
            mixed = k < args.mixed
            th = threading.Thread(target=user, daemon=True, args=(
                page, mixed_actions if mixed else light_actions, mixed,
                args.think_mixed if mixed else args.think_light, run,
                t0 + rng.uniform(0, args.ramp), t_stop, 1000 + k, clients, defaults))
            th.start()
            threads.append(th)
        time.sleep(max(0.0, t_stop - time.perf_counter()))
        result["load_during"] = machine_load()
        for th in threads:
            th.join(timeout=max(1.0, t_stop + args.drain - time.perf_counter()))
        result["unfinished_users"] = sum(th.is_alive() for th in threads)
        t_end = time.perf_counter()
        # cores each side used on average while the users were there (of os.cpu_count())
        result["cores_used"] = {
            "server": round(sum(cpu_seconds(p) - c for p, c in zip(pids, cpu0[0])) / (t_end - t0), 2),
            "load_generator": round((time.process_time() - cpu0[1]) / (t_end - t0), 2)}
        result["rss_peak_mb"] = round(sampler.peak(t0), 1)
        result["sessions_at_end"] = _sessions(replica_urls)
        result["disk_at_end"] = disk_usage(ports)
        for c in clients:
            with contextlib.suppress(Exception):
                c.close()
        # the users left: wait for their sessions to be dropped and their files to age out
        deadline = time.perf_counter() + args.settle
        while time.perf_counter() < deadline and (
                sum(_sessions(replica_urls).values())
                or disk_usage(ports)["files"] > result["disk_start"]["files"]):
            time.sleep(2)
        result["settle_s"] = round(time.perf_counter() - t_end, 1)
        time.sleep(5)
        result["sessions_after"] = _sessions(replica_urls)
        result["rss_final_mb"] = round(sampler.now(), 1)
        result["disk_after"] = disk_usage(ports)
        result["healthz"] = get_json(f"{url}/healthz")["status"]
        sampler.stop.set()

        records = run.records
        span = max((r.start + r.seconds for r in records if r.ok), default=t0 + 1) - t0
        result["span_s"] = round(span, 1)
        result["connect"] = {
            "sessions": len(run.connect_seconds) + len(run.connect_failures),
            "failed": len(run.connect_failures), "failures": run.connect_failures[:5],
            "p50_s": round(float(np.percentile(run.connect_seconds, 50)), 3) if run.connect_seconds else None,
            "p95_s": round(float(np.percentile(run.connect_seconds, 95)), 3) if run.connect_seconds else None,
            "over_5s": sum(1 for s in run.connect_seconds if s > 5)}
        result["actions"] = percentile_table(records, span)
        result["errors"] = sum(1 for r in records if not r.ok and not r.refused)
        result["refused"] = sum(1 for r in records if r.refused)
        result["error_examples"] = sorted({f"{r.action}: {r.error[:200]}" for r in records
                                           if not r.ok})[:8]
        done = [r for r in records if r.ok]
        result["throughput_per_s"] = {
            "all": round(len(done) / span, 3),
            "mixed": round(sum(r.action in mixed_actions for r in done) / span, 3),
            "light": round(sum(r.action in light_actions for r in done) / span, 3)}
        light_ok = np.array([r.seconds for r in records if r.ok and r.action in light_actions])
        result["light_p95_s"] = round(float(np.percentile(light_ok, 95)), 3) if light_ok.size else None
    return result


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads (torch's included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_costs(args) -> dict:
    """Each action alone on an idle server: the server's CPU seconds and the wall time per call
    (median of ``--repeat`` after one warm-up call), at the load's settings and, for the
    training and text actions, at the page's defaults too."""
    plan = [(name, name, None) for name in (*MIXED, *LIGHT) if name in args.costs_of.split(",")]
    plan += [(f"{name} (page defaults)", name, {}) for name in AT_PAGE_DEFAULTS
             if name in args.costs_of.split(",")]
    rows = {}
    with server(1, [*RUN_LIMITS, *args.limit], args.lang, Path(args.log_dir)) as (url, urls, proc):
        pid = replica_pids(urls, proc)[0]
        client = connect(f"{url}/{args.lang}/", Run())
        defaults = endpoint_defaults(client)
        for label, name, changes in plan:
            rng = random.Random(0)
            call(client, name, rng, defaults, changes)
            cpu, wall, errors = [], [], []
            for _ in range(args.repeat):
                c0, t0 = cpu_seconds(pid), time.perf_counter()
                record = call(client, name, rng, defaults, changes)
                wall.append(time.perf_counter() - t0)
                cpu.append(cpu_seconds(pid) - c0)
                errors += [record.error] if not record.ok else []
            rows[label] = {"cpu_s": round(float(np.median(cpu)), 3),
                           "wall_s": round(float(np.median(wall)), 3), "errors": errors[:1]}
        client.close()
    return {"benchmark": "load-costs", "repeat": args.repeat, "costs": rows,
            "load": machine_load()}


def _sessions(replica_urls) -> dict:
    out = {}
    for base in replica_urls:
        try:
            out[base.rsplit(":", 1)[1]] = sum(get_json(f"{base}/healthz")["sessions"].values())
        except (OSError, KeyError, ValueError):
            out[base.rsplit(":", 1)[1]] = -1
    return out


def markdown(r: dict) -> str:
    lines = [f"{r['mixed_users']} mixed + {r['light_users']} light users, {r['replicas']} replica(s), "
             f"{r['duration_s']} s after a {r['ramp_s']} s ramp; think time {r['think_s']}.",
             "",
             "| action | n | errors | refused | p50 s | p95 s | max s | completed / s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, a in r["actions"].items():
        kind = "light" if name in LIGHT else "mixed"
        lines.append(f"| {name} ({kind}) | {a['n']} | {a['errors']} | {a['refused']} | {a['p50_s']} | "
                     f"{a['p95_s']} | {a['max_s']} | {a['per_s']} |")
    c = r["connect"]
    lines += ["", f"Sessions: {c['sessions']}, could not connect: {c['failed']}, connect p50 {c['p50_s']} s, "
              f"p95 {c['p95_s']} s, over 5 s: {c['over_5s']}. Errors: {r['errors']}, refused: {r['refused']}. "
              f"Light p95: {r['light_p95_s']} s.",
              f"Throughput (completed per second over {r['span_s']} s): {r['throughput_per_s']}.",
              f"Server RSS: start {r['rss_start_mb']} MB, warm {r['rss_warm_mb']} MB, peak {r['rss_peak_mb']} MB, "
              f"final {r['rss_final_mb']} MB ({r['settle_s']} s after the users left; sessions "
              f"{r['sessions_at_end']} -> {r['sessions_after']}). Disk: {r['disk_start']} at start, "
              f"{r['disk_at_end']} when the users left, {r['disk_after']} after. "
              f"/healthz: {r['healthz']}.",
              f"Cores used on average over the run: {r['cores_used']}.",
              f"Machine: before {r['load_before']}, during {r['load_during']}."]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mixed", type=int, default=50)
    parser.add_argument("--light", type=int, default=100)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--ramp", type=float, default=20.0)
    parser.add_argument("--drain", type=float, default=300.0)
    parser.add_argument("--settle", type=float, default=300.0,
                        help="seconds to wait after the users left for their sessions to be dropped")
    parser.add_argument("--think-mixed", type=float, nargs=2, default=(2.0, 6.0),
                        help="seconds a mixed user waits between actions (uniform)")
    parser.add_argument("--think-light", type=float, nargs=2, default=(3.0, 10.0),
                        help="seconds a light user looks at a figure before the next move (uniform)")
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--limit", action="append", default=[], help="NAME=VALUE for genlab serve")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--mixed-actions", default=",".join(MIXED))
    parser.add_argument("--light-actions", default=",".join(LIGHT))
    parser.add_argument("--no-warmup", dest="warmup", action="store_false",
                        help="skip calling every action once before the users arrive")
    parser.add_argument("--reference", action="store_true",
                        help="serve with the queue as configured before this work (REFERENCE_SERVER)")
    parser.add_argument("--log-dir", default=str(ROOT / "test-artifacts"))
    parser.add_argument("--costs", action="store_true",
                        help="instead of the load: what each action costs the server, alone")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--costs-of", default=",".join((*MIXED, *LIGHT)), help="the actions --costs measures")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args(argv)
    result = run_costs(args) if args.costs else run_load(args)
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2) if args.json or args.costs else markdown(result))
    return result


if __name__ == "__main__":
    main()
