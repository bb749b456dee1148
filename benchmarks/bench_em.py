"""EM time per iteration: genlab's em_fit against scikit-learn's GaussianMixture.

Same data, same initial parameters (weights_init / means_init / precisions_init), full
covariances, float64, early stopping off (sklearn: tol=0), same reg_covar, same number of
iterations. Time per iteration: the median interval between the starts of consecutive E-steps
(sklearn: its ``_e_step`` wrapped with a clock on the instance; genlab: ``em_fit``'s callback);
one interval is one whole EM iteration (E-step, M-step, log-likelihood). The total fit time,
one-off setup included (genlab builds its sufficient-statistics cache once), is reported too.
The log-likelihood trajectories are compared (max relative difference of the per-iteration mean
log-likelihood).

    python benchmarks/bench_em.py [--json] [--grid default|full|quick] [--threads 1]

BLAS threads are pinned to the same number for both sides (threadpoolctl), 1 by default, so the
comparison is stable on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GRIDS = {
    "quick": [(10_000, d, k) for d in (2, 8) for k in (2, 8)],
    # everything at n = 1e4 and 1e5; at n = 1e6 the cells that fit in a few minutes on 2 cores
    "default": ([(n, d, k) for n in (10_000, 100_000) for d in (2, 8, 32) for k in (2, 8, 16)]
                + [(1_000_000, d, k) for d in (2, 8) for k in (2, 8)]),
    "full": [(n, d, k) for n in (10_000, 100_000, 1_000_000) for d in (2, 8, 32) for k in (2, 8, 16)],
}


def make_data(n, d, k, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, d)) * 3
    return centres[rng.integers(0, k, n)] + rng.normal(size=(n, d))


def run_ours(x, k, init, iters):
    from genlab.classic.em import em_fit

    stamps = []
    t = time.perf_counter()
    hist = em_fit(x, k, initial=init, n_iter=iters, early_stop=False, reg_covar=1e-6,
                  callback=lambda it, ll: stamps.append(time.perf_counter()))
    total = time.perf_counter() - t
    # callback t fires after the E-step sweep at parameters t; intervals 0->1, ..., T-2->T-1 are
    # whole iterations (the last sweep, T, computes no M-step statistics and is left out)
    per_iter = float(np.median(np.diff(stamps[:iters])))
    return per_iter, total, hist.mean_log_likelihood[:iters]


def run_sklearn(x, k, init, iters):
    from sklearn.mixture import GaussianMixture

    gm = GaussianMixture(k, covariance_type="full", max_iter=iters, tol=0.0, reg_covar=1e-6,
                         weights_init=init.weights, means_init=init.means,
                         precisions_init=np.linalg.inv(init.covariances))
    stamps = []
    e_step = gm._e_step

    def timed_e_step(X, *args, **kwargs):
        stamps.append(time.perf_counter())
        return e_step(X, *args, **kwargs)

    gm._e_step = timed_e_step  # instance attribute: fit() calls it once per iteration + once at the end
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gm.fit(x)
    total = time.perf_counter() - t
    return float(np.median(np.diff(stamps))), total, np.array(gm.lower_bounds_)


def bench_cell(n, d, k, m):
    from genlab.classic.em import initial_params

    x = make_data(n, d, k)
    init = initial_params(x, k, "random", rng=np.random.default_rng(1))
    row = {"n": n, "d": d, "K": k, "iterations": m}
    for name, fn in (("genlab", run_ours), ("sklearn", run_sklearn)):
        per_iter, total, ll = fn(x, k, init, m)
        row[f"{name}_s_per_iter"] = per_iter
        row[f"{name}_total_s"] = total
        row[f"{name}_ll"] = ll
    ours, ref = row.pop("genlab_ll"), row.pop("sklearn_ll")
    row["max_rel_ll_diff"] = float(np.max(np.abs(ours - ref) / np.abs(ref)))
    row["speedup_per_iter"] = row["sklearn_s_per_iter"] / row["genlab_s_per_iter"]
    row["speedup_total"] = row["sklearn_total_s"] / row["genlab_total_s"]
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--grid", choices=sorted(GRIDS), default="default")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    # load every BLAS before limiting threads: threadpoolctl limits only libraries already loaded
    import scipy.linalg  # noqa: F401
    import scipy.stats  # noqa: F401
    import sklearn.mixture  # noqa: F401

    import genlab.classic.em  # noqa: F401

    rows = []
    with threadpool_limits(limits=args.threads):
        for n, d, k in GRIDS[args.grid]:
            m = 10 if n <= 10_000 else 5 if n <= 100_000 else 3
            row = bench_cell(n, d, k, m)
            rows.append(row)
            if not args.json:
                print(f"n={n:>8} d={d:>2} K={k:>2}  genlab {row['genlab_s_per_iter'] * 1e3:9.1f} ms/it  "
                      f"sklearn {row['sklearn_s_per_iter'] * 1e3:9.1f} ms/it  "
                      f"x{row['speedup_per_iter']:5.1f} per iter (x{row['speedup_total']:4.1f} total)  "
                      f"max rel ll diff {row['max_rel_ll_diff']:.1e}", flush=True)
    if args.json:
        print(json.dumps({"benchmark": "em", "threads": args.threads, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
