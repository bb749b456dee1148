"""EM time per iteration and working memory: genlab's em_fit against scikit-learn's GaussianMixture.

Same data, same initial parameters (weights_init / means_init / precisions_init from genlab's
"random" init), full covariances, float64, early stopping off (sklearn: tol=0), same reg_covar,
same number of iterations. Each side of each row runs in its own subprocess, one after the other:

* time per iteration: the median time between the starts of consecutive E-steps (sklearn: its
  ``_e_step`` wrapped with a clock on the instance; genlab: ``em_fit``'s callback); one interval
  is one whole EM iteration (E-step, M-step, log-likelihood). BLAS is pinned to the same number
  of threads on both sides (``--threads``; 0: every core, what a user gets by default). On one
  thread the clock is the process's CPU time (the machine is shared: a descheduled process
  does not count); on more it is wall time (CPU time would add the threads up).
* working memory: the peak of ``tracemalloc`` (NumPy reports its buffers to it) during a second,
  two-iteration fit from the same parameters, beyond the data themselves;
* the log-likelihood trajectories are compared (max relative difference per iteration).

At n = 1e7 the data are a 2.6 GB ``.npy`` file (d = 32) that genlab reads memory-mapped, chunk by
chunk, as ``genlab train mixture --data FILE.npy`` does; scikit-learn is not run there (it needs the
data in memory and minutes per iteration on this machine).

    python benchmarks/bench_em.py [--json] [--grid default|quick|target] [--threads 1|N|0] [--before REV]

``--before REV`` adds genlab's EM as it was at git revision REV (its ``genlab/classic/em.py``,
run on today's helpers) as a third side, for a before/after in the same run; ``--grid target``
is the cell n = 1e5, d = 32, K = 16 three times (median and range).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CELLS_1E4_1E5 = [(n, d, k) for n in (10_000, 100_000) for d in (2, 8, 32) for k in (2, 8, 16)]
GRIDS = {
    "quick": [(10_000, d, k, True) for d in (2, 8) for k in (2, 8)] + [(100_000, 32, 16, True)],
    "target": [(100_000, 32, 16, True)] * 3,
    # (n, d, K, run sklearn too)
    "default": ([(n, d, k, True) for n, d, k in CELLS_1E4_1E5]
                + [(1_000_000, d, k, True) for d in (2, 8, 32) for k in (2, 8, 16)]
                + [(10_000_000, d, k, False) for d in (2, 8, 32) for k in (8, 16)]),
}


def iterations(n: int) -> int:
    return 10 if n <= 10_000 else 5 if n <= 100_000 else 3


def make_data(n, d, k, seed=0, out=None, block=1_000_000):
    """K blobs (centres 3 N(0, I), unit noise); written block by block into ``out`` if given."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, d)) * 3
    x = np.empty((n, d)) if out is None else out
    for s in range(0, n, block):
        b = min(block, n - s)
        x[s: s + b] = centres[rng.integers(0, k, b)] + rng.normal(size=(b, d))
    return x


def data_file(n, d, k, folder: Path) -> Path:
    path = folder / f"blobs-{n}-{d}-{k}.npy"
    if not path.is_file():
        tmp = path.with_suffix(".tmp.npy")
        make_data(n, d, k, out=np.lib.format.open_memmap(tmp, mode="w+", shape=(n, d)))
        tmp.rename(path)
    return path


def load_before(path: str):
    """genlab/classic/em.py as it was at another revision, as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("em_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["em_before"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def worker(side: str, n: int, d: int, k: int, iters: int, path: str | None, before: str | None = None) -> dict:
    """One side of one row, in this (fresh) process."""
    import tracemalloc

    from genlab.classic.em import em_fit, initial_params

    if side == "before":
        em_fit = load_before(before).em_fit  # noqa: F811

    clock = time.process_time if int(os.environ["OMP_NUM_THREADS"]) == 1 else time.perf_counter
    x = np.load(path, mmap_mode="r") if path else make_data(n, d, k)
    # genlab: em_fit's own "random" init with seed 1; the others: the same parameters
    init = None if side == "genlab" else initial_params(x, k, "random", rng=np.random.default_rng(1))
    if side in ("genlab", "before"):
        def fit(m, stamps):
            return em_fit(x, k, initial=init, init="random", seed=1, n_iter=m, early_stop=False,
                          reg_covar=1e-6, callback=lambda t, ll: stamps.append(clock()))
        stamps = []
        hist = fit(iters, stamps)
        # callback t fires after the sweep at parameters t; the last sweep computes no M-step sums
        per_iter = float(np.median(np.diff(stamps[:iters])))
        ll = hist.mean_log_likelihood[:iters]
        init = hist.params(0)
        measure = lambda: fit(2, [])  # noqa: E731
    else:
        from sklearn.mixture import GaussianMixture

        def make(m):
            return GaussianMixture(k, covariance_type="full", max_iter=m, tol=0.0, reg_covar=1e-6,
                                   weights_init=init.weights, means_init=init.means,
                                   precisions_init=np.linalg.inv(init.covariances))
        gm, stamps = make(iters), []
        e_step = gm._e_step

        def timed_e_step(X, *args, **kwargs):
            stamps.append(clock())
            return e_step(X, *args, **kwargs)

        gm._e_step = timed_e_step  # instance attribute: fit() calls it once per iteration + once at the end
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gm.fit(x)
        per_iter = float(np.median(np.diff(stamps)))
        ll = np.array(gm.lower_bounds_)

        def measure():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                make(2).fit(x)
    tracemalloc.start()
    measure()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"s_per_iter": per_iter, "peak_mb": peak / 2**20, "ll": [float(v) for v in ll]}


def run_side(side, n, d, k, iters, path, threads, before=None):
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads),
           "MKL_NUM_THREADS": str(threads), "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, __file__, "--worker", side, str(n), str(d), str(k), str(iters)]
    if path:
        cmd += ["--file", str(path)]
    if before:
        cmd += ["--before-file", str(before)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def bench_row(n, d, k, with_sklearn, threads, folder, before=None):
    iters = iterations(n)
    path = data_file(n, d, k, folder) if n >= 10_000_000 else None
    row = {"n": n, "d": d, "K": k, "iterations": iters, "data_mb": n * d * 8 / 2**20,
           "source": "memory-mapped .npy" if path else "in memory"}
    ours = run_side("genlab", n, d, k, iters, path, threads)
    row.update(genlab_s_per_iter=ours["s_per_iter"], genlab_peak_mb=ours["peak_mb"])
    if with_sklearn:
        ref = run_side("sklearn", n, d, k, iters, path, threads)
        row.update(sklearn_s_per_iter=ref["s_per_iter"], sklearn_peak_mb=ref["peak_mb"],
                   speedup_per_iter=ref["s_per_iter"] / ours["s_per_iter"],
                   memory_ratio=ref["peak_mb"] / ours["peak_mb"])
        a, b = np.array(ours["ll"]), np.array(ref["ll"])
        row["max_rel_ll_diff"] = float(np.max(np.abs(a - b) / np.abs(b)))
    if before:
        old = run_side("before", n, d, k, iters, path, threads, before)
        row.update(before_s_per_iter=old["s_per_iter"], before_peak_mb=old["peak_mb"])
    return row


def markdown(rows) -> str:
    lines = ["| n | d | K | genlab ms/iter | sklearn ms/iter | speed-up per iter | genlab peak MB | "
             "sklearn peak MB | data MB | max rel. diff, mean log-lik |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        sk = "sklearn_s_per_iter" in r
        lines.append(
            f"| {r['n']:,} | {r['d']} | {r['K']} | {r['genlab_s_per_iter'] * 1e3:.1f} | "
            + (f"{r['sklearn_s_per_iter'] * 1e3:.1f} | **{r['speedup_per_iter']:.1f}x** | " if sk else "— | — | ")
            + f"{r['genlab_peak_mb']:.1f} | " + (f"{r['sklearn_peak_mb']:.1f} | " if sk else "— | ")
            + f"{r['data_mb']:.0f}{' (file)' if r['source'] != 'in memory' else ''} | "
            + (f"{r['max_rel_ll_diff']:.1e} |" if sk else "— |"))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--grid", choices=sorted(GRIDS), default="default")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS threads of both sides (0: every core); 1 is timed in CPU time, more in wall time.")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="Folder for the n = 1e7 data files (default: a temporary folder).")
    parser.add_argument("--before", default=None, metavar="REV",
                        help="Also run genlab's EM as it was at this git revision.")
    parser.add_argument("--before-file", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--worker", nargs=5, metavar=("SIDE", "N", "D", "K", "ITERS"), help=argparse.SUPPRESS)
    parser.add_argument("--file", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    threads = args.threads or os.cpu_count()
    if args.worker:
        from threadpoolctl import threadpool_limits

        import scipy.linalg  # noqa: F401  load every BLAS before limiting threads
        import sklearn.mixture  # noqa: F401

        side, n, d, k, iters = args.worker[0], *map(int, args.worker[1:])
        with threadpool_limits(limits=int(os.environ["OMP_NUM_THREADS"])):
            print(json.dumps(worker(side, n, d, k, iters, args.file, args.before_file)))
        return
    rows = []
    with tempfile.TemporaryDirectory(dir=args.data_dir) as folder:
        before = None
        if args.before:
            before = Path(folder) / "em_before.py"
            before.write_bytes(subprocess.run(["git", "-C", str(ROOT), "show", f"{args.before}:genlab/classic/em.py"],
                                              capture_output=True, check=True).stdout)
        for n, d, k, with_sklearn in GRIDS[args.grid]:
            row = bench_row(n, d, k, with_sklearn, threads, Path(folder), before)
            rows.append(row)
            if not args.json:
                print(markdown([row]).splitlines()[-1], flush=True)
    if args.json:
        print(json.dumps({"benchmark": "em", "threads": threads, "rows": rows}, indent=2))
    else:
        print(markdown(rows))
        if before:
            for r in rows:
                print(f"n={r['n']:,} d={r['d']} K={r['K']}: before {args.before} "
                      f"{r['before_s_per_iter'] * 1e3:.1f} ms/iter, {r['before_peak_mb']:.1f} MB peak; "
                      f"now {r['genlab_s_per_iter'] * 1e3:.1f} ms/iter, {r['genlab_peak_mb']:.1f} MB; "
                      f"sklearn {r['sklearn_s_per_iter'] * 1e3:.1f} ms/iter, {r['sklearn_peak_mb']:.1f} MB")


if __name__ == "__main__":
    main()
