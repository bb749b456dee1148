"""GAN: quality of the shipped digits GAN beside real data, speed beside references, in one run.

* quality: class accuracy and Frechet distance (genlab's digits classifier features) of generated
  digits over a truncation sweep, beside real-vs-real (the floor at this sample count);
* sampling: images per second of the lab GAN (one pass of G) at n = 16;
* truncated noise: genlab's inverse-CDF sampler against scipy.stats.truncnorm.rvs (the reference
  pytorch_pretrained_biggan uses), time ratio and a Kolmogorov-Smirnov check;
* Frechet distance: genlab's symmetric eigen-decomposition against scipy.linalg.sqrtm, time ratio
  and relative difference;
* the 2-D toy GAN: modes of the eight Gaussians hit after 1,500 steps, and its wall time.

    python benchmarks/bench_gan.py [--json] [--n-per-class 50]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import scipy.linalg
import scipy.stats
import torch


def timeit(fn, repeat=5):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return out, best


def frechet_scipy(a, b):
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = scipy.linalg.sqrtm(s_a @ s_b).real
    return float(np.sum((mu_a - mu_b) ** 2) + np.trace(s_a) + np.trace(s_b) - 2 * np.trace(covmean))


def run(n_per_class=50, seed=0, log=print):
    from genlab.families.gan.evaluate import evaluate_gan
    from genlab.families.gan.pipeline import load_lab_gan
    from genlab.families.gan.toy import ToyGAN, train_toy_gan
    from genlab.families.gan.truncation import truncated_normal
    from genlab.metrics.frechet import frechet_distance

    torch.set_num_threads(1)
    out = {}
    gan = load_lab_gan()
    t = time.perf_counter()
    out["quality"] = evaluate_gan(gan, n_per_class=n_per_class, seed=seed)
    out["quality_seconds"] = round(time.perf_counter() - t, 1)
    log("quality done")

    _, s = timeit(lambda: gan.sample(16, condition=3, seed=0, truncation=0.5))
    out["sampling"] = {"n": 16, "seconds": s, "images_per_second": 16 / s}

    n, t_cut = 128 * 64, 0.5
    z, s_genlab = timeit(lambda: truncated_normal((n,), t_cut, torch.Generator().manual_seed(0)).numpy())
    ref, s_scipy = timeit(lambda: (t_cut / 2) * scipy.stats.truncnorm.rvs(-2, 2, size=n, random_state=0))
    out["truncated_noise"] = {
        "n": n, "truncation": t_cut, "genlab_seconds": s_genlab, "scipy_truncnorm_seconds": s_scipy,
        "time_ratio_genlab_over_scipy": s_genlab / s_scipy,
        "ks_pvalue_vs_truncnorm": float(scipy.stats.kstest(z, scipy.stats.truncnorm(-t_cut, t_cut).cdf).pvalue),
        "max_abs": float(np.abs(z).max())}

    rng = np.random.default_rng(seed)
    a = rng.standard_normal((500, 128)) @ rng.standard_normal((128, 128)) * 0.1
    b = rng.standard_normal((500, 128)) @ rng.standard_normal((128, 128)) * 0.1 + 0.05
    fd, s_ours = timeit(lambda: frechet_distance(a, b))
    fd_ref, s_ref = timeit(lambda: frechet_scipy(a, b))
    out["frechet"] = {"dim": 128, "n": 500, "genlab": fd, "scipy_sqrtm": fd_ref,
                      "relative_difference": abs(fd - fd_ref) / fd_ref,
                      "genlab_seconds": s_ours, "scipy_seconds": s_ref, "time_ratio_genlab_over_scipy": s_ours / s_ref}

    torch.manual_seed(seed)
    t = time.perf_counter()
    hist = train_toy_gan(ToyGAN(), "eight_gaussians", steps=1500, seed=seed, log_every=500)
    out["toy"] = {"steps": 1500, "seconds": round(time.perf_counter() - t, 2),
                  "modes_hit": [h["modes_hit"] for h in hist], "high_quality_final": hist[-1]["high_quality"]}
    return out


def markdown(res: dict) -> str:
    q = res["quality"]
    lines = [f"Frechet distance, real vs real ({q['heldout_images']} vs {q['heldout_images']}): "
             f"{q['frechet_real_vs_real']:.2f}; classifier accuracy on held-out real digits: "
             f"{q['real_class_accuracy']:.3f}.", "",
             f"| truncation | class accuracy | confidence | diversity | Frechet to held-out | ratio to real-vs-real |",
             "|---|---|---|---|---|---|"]
    for r in q["sweep"]:
        lines.append(f"| {r['truncation']} | {r['class_accuracy']:.3f} | {r['confidence']:.3f} | "
                     f"{r['diversity']:.3f} | {r['frechet_vs_heldout']:.2f} | "
                     f"{r['frechet_vs_heldout'] / q['frechet_real_vs_real']:.2f} |")
    s, tn, fr, toy = res["sampling"], res["truncated_noise"], res["frechet"], res["toy"]
    lines += ["", f"Sampling: {s['images_per_second']:.0f} images/s (n = 16, one pass of G, one thread).",
              f"Truncated noise ({tn['n']} values, t = {tn['truncation']}): genlab {tn['genlab_seconds'] * 1e3:.2f} ms, "
              f"scipy truncnorm {tn['scipy_truncnorm_seconds'] * 1e3:.2f} ms (ratio {tn['time_ratio_genlab_over_scipy']:.2f}); "
              f"KS p = {tn['ks_pvalue_vs_truncnorm']:.2f}.",
              f"Frechet distance (128-d, 500 vs 500): genlab {fr['genlab_seconds'] * 1e3:.1f} ms, scipy sqrtm "
              f"{fr['scipy_seconds'] * 1e3:.1f} ms (ratio {fr['time_ratio_genlab_over_scipy']:.2f}), relative difference "
              f"{fr['relative_difference']:.1e}.",
              f"Toy GAN on eight Gaussians: modes hit at steps 500/1000/1500: {toy['modes_hit']}, "
              f"{toy['high_quality_final']:.0%} of samples within 3 sd of a mode, {toy['seconds']} s."]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--n-per-class", type=int, default=50)
    args = parser.parse_args()
    res = run(args.n_per_class, log=lambda *_: None)
    print(json.dumps(res, indent=2) if args.json else markdown(res))


if __name__ == "__main__":
    main()
