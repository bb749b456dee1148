"""KDE on the lecture's 600-point grid: genlab.prob.kde_grid (KDEpy linear binning + one FFT
convolution) against scipy.stats.gaussian_kde (the exact O(n m) sum), same Silverman bandwidth.

Reports both times, the speed-up, and the largest relative error of the fast path where the
exact density is above 1e-3 of its maximum.

    python benchmarks/bench_kde.py [--json] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def bench(n, repeats=5):
    from scipy.stats import gaussian_kde

    from genlab.prob import ClassConditionalExample
    from genlab.prob.kde import default_grid, kde_grid

    x1, x2 = ClassConditionalExample().sample(n // 2, seed=0)  # the lecture's bimodal p(x)
    x = np.concatenate([x1, x2])
    grid = default_grid(x, 600)
    fast_times = []
    for _ in range(repeats):
        t = time.perf_counter()
        _, fast = kde_grid(x, grid, bandwidth_rule="silverman")
        fast_times.append(time.perf_counter() - t)
    t = time.perf_counter()
    exact = gaussian_kde(x, bw_method="silverman")(grid)
    scipy_s = time.perf_counter() - t
    mask = exact > 1e-3 * exact.max()
    fast_s = statistics.median(fast_times)
    return {"n": int(x.size), "grid": 600, "genlab_s": fast_s, "scipy_s": scipy_s,
            "speedup": scipy_s / fast_s,
            "max_rel_err": float(np.max(np.abs(fast[mask] - exact[mask]) / exact[mask]))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
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
        for n in (1_000, 100_000, 1_000_000):
            row = bench(n)
            rows.append(row)
            if not args.json:
                print(f"n={row['n']:>8}  genlab {row['genlab_s'] * 1e3:8.2f} ms  scipy "
                      f"{row['scipy_s'] * 1e3:10.1f} ms  x{row['speedup']:8.1f}  "
                      f"max rel err {row['max_rel_err']:.1e}", flush=True)
    if args.json:
        print(json.dumps({"benchmark": "kde", "threads": args.threads, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
