"""Default fits: genlab's GaussianMixtureEM(K) against scikit-learn's GaussianMixture(K), both with
their default settings, on 10 random data sets of each of several shapes.

"Wins" counts the data sets where genlab's fit has a mean log-likelihood on the data at least
scikit-learn's (to 1e-9 relative); the gaps are genlab minus scikit-learn, in nats per point.
Both estimators get the seed of the data set as random_state.

    python benchmarks/bench_gmm_default.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def shapes(seed):
    from sklearn.datasets import make_blobs, make_moons

    rng = np.random.default_rng(seed)
    six, _ = make_blobs(n_samples=1200, centers=6, n_features=2, cluster_std=0.6, center_box=(-10, 10),
                        random_state=seed)
    yield "six well-separated blobs, K=6", six, 6
    yield "the same, linearly stretched, K=6", six @ rng.normal(size=(2, 2)), 6
    yield "the same blobs fitted with K=4", six, 4
    yield "the same blobs fitted with K=10", six, 10
    varied, _ = make_blobs(n_samples=[50, 200, 800, 100, 400, 30], n_features=5,
                           cluster_std=[0.5, 1, 2, 0.3, 1.5, 0.8], random_state=seed)
    yield "6 blobs of unequal size and spread, d=5, K=6", varied, 6
    overlap, _ = make_blobs(n_samples=1500, centers=8, n_features=3, cluster_std=2.5, center_box=(-6, 6),
                            random_state=seed)
    yield "8 overlapping blobs, d=3, K=8", overlap, 8
    high, _ = make_blobs(n_samples=3000, centers=10, n_features=16, random_state=seed)
    yield "10 blobs, d=16, K=10", high, 10
    moons, _ = make_moons(800, noise=0.08, random_state=seed)
    yield "two moons, K=8", moons, 8


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from sklearn.mixture import GaussianMixture

    from genlab.classic import GaussianMixtureEM

    gaps: dict[str, list[float]] = {}
    for seed in range(10):
        for name, x, k in shapes(seed):
            ours = GaussianMixtureEM(k, random_state=seed).fit(x).score(x)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ref = GaussianMixture(k, random_state=seed).fit(x).score(x)
            gaps.setdefault(name, []).append((ours - ref, ours >= ref - 1e-9 * abs(ref)))
    rows = [{"data": name, "wins": sum(w for _, w in g), "of": len(g), "worst_gap": min(d for d, _ in g),
             "best_gap": max(d for d, _ in g)} for name, g in gaps.items()]
    if args.json:
        print(json.dumps({"benchmark": "gmm_default", "rows": rows}, indent=2))
        return
    print("| data | genlab at least as good | worst gap | best gap |")
    print("|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['data']} | {r['wins']}/{r['of']} | {r['worst_gap']:+.4f} | {r['best_gap']:+.4f} |")


if __name__ == "__main__":
    main()
