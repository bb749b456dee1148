"""Diffusion: sample quality against NFE for every scheduler, with error bars, digits and 2-D toys.

Digits (the shipped ``genlab/assets/diffusion-mnist``): for every scheduler at each NFE, plus
DDPM at 1,000 steps, ``--n-per-class`` guided samples of every digit (the same classes and seeds
in every row) are scored by genlab's digits classifier against the 500 held-out real digits
(``genlab.metrics.quality``): the Frechet distance and KID (unbiased MMD^2, cubic polynomial
kernel) of its 128-d features, each with a delete-a-group jackknife standard error, and class
accuracy. Reference rows from the same measure in the same run: real training digits (the floor:
what a perfect generator would score at this n) and the lab GAN (genlab/assets/gan-mnist),
untruncated and at truncation 1.0. Comparisons ("does DEIS at 10 match DDPM at 1,000 and beat
DDIM at 10?") use the paired jackknife of the difference (``quality.difference``); the table ends
with those two answered in words (``in_words``: a side is better only when the difference's 95 %
interval excludes 0).

2-D toys (the shipped ``genlab/assets/diffusion-toy2d``, guidance 1): ``--toy-n`` samples of each
of the five sets per row, sliced Wasserstein distance to as many fresh points (jackknife SE),
beside fresh data against fresh data (the floor); the row's number is the mean over the sets.

Bounds: the ELBO (nats per example, mean ± SE) of both lab models with each estimator (optimal
reverse variances with all timesteps or 100 importance-sampled ones; Ho et al.'s fixed variances),
the toys on the taxonomy's held-out points beside the taxonomy's Gaussian mixture (exact log p),
the digits on ``--bound-images`` held-out images.

    python benchmarks/bench_diffusion.py [--n-per-class 100] [--nfe 5,10,20,50]
        [--ddpm-1000-per-class 100] [--guidance G] [--toy-n 4000] [--bound-images 100]
        [--cache runs/bench-diffusion] [--out genlab/assets/diffusion-mnist/quality_vs_nfe.json]
        [--plot benchmarks/diffusion_nfe.png]

``--n-per-class 0`` skips the digits' NFE table, ``--toy-n 0`` the toys'.

Sampled rows and the bounds are cached (features and accuracy per row, keyed by the models'
weights), so an interrupted run continues where it stopped; DDPM at 1,000 steps is drawn in
cached rounds of 10 samples per digit, so a run stopped early still leaves a class-balanced row
(``--ddpm-1000-per-class`` = 10 x the rounds done). Times are CPU seconds per sample (one
thread; a SIGSTOP pause costs nothing but wall time).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import numpy as np
import torch

from genlab.families.diffusion.schedulers import SCHEDULERS  # ddpm, ddim, deis, dpm++, euler


def _digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def _cached(cache: Path | None, key: str, compute):
    """compute() -> dict of arrays, stored as cache/key.npz."""
    if cache is None:
        return compute()
    file = cache / f"{key}.npz"
    if file.is_file():
        with np.load(file) as data:
            return dict(data)
    out = compute()
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(file.with_suffix(".tmp.npz"), **out)
    file.with_suffix(".tmp.npz").replace(file)
    return out


def _cached_json(cache: Path | None, key: str, compute):
    """compute() -> a JSON-able result, stored as cache/key.json."""
    if cache is None:
        return compute()
    file = cache / f"{key}.json"
    if file.is_file():
        return json.loads(file.read_text())
    out = compute()
    cache.mkdir(parents=True, exist_ok=True)
    file.with_suffix(".tmp").write_text(json.dumps(out))
    file.with_suffix(".tmp").replace(file)
    return out


def _weights_key() -> str:
    """Both lab models' weights, for a cache key."""
    from genlab.assets import asset_path

    return "".join(_digest(asset_path(a) / "model.safetensors")[:8] for a in ("diffusion-mnist", "diffusion-toy2d"))


def border_speckle(images) -> float:
    """Fraction of the pixels in the outer 3-pixel frame of 28x28 digits brighter than 0.1: real
    MNIST backgrounds are clean there (speckled backgrounds are what issue 13 saw at low NFE)."""
    x = np.asarray(images).reshape(len(images), 28, 28)
    frame = np.ones((28, 28), bool)
    frame[3:-3, 3:-3] = False
    return float((x[:, frame] > 0.1).mean())


ROUND_PER_CLASS = 10  # an expensive row's round: this many samples of every class


def _scored(images, cpu):
    from genlab.metrics.digits import classify, features

    return {"features": features(images), "predicted": classify(images),
            "cpu_seconds": np.array(cpu), "example": images[:: max(1, len(images) // 20)],
            "border_speckle": np.array(border_speckle(images))}


def digit_row(model, labels, *, scheduler, nfe, guidance, seed, cache, weights_key):
    from genlab.families.diffusion.evaluate import sample_labels

    def compute():
        start = time.process_time()
        images = sample_labels(model, labels, scheduler=scheduler, nfe=nfe, guidance=guidance,
                               seed=seed)
        return _scored(images, time.process_time() - start)

    key = f"digits-{weights_key}-{scheduler}-{nfe}-g{guidance:g}-n{len(labels)}-s{seed}"
    return _cached(cache, key, compute)


def digit_row_in_rounds(model, n_per_class, *, scheduler, nfe, guidance, seed, cache, weights_key):
    """An expensive row (DDPM at 1,000 steps: about 4 CPU-seconds a sample) drawn in rounds of
    ``ROUND_PER_CLASS`` samples of every class, each round cached on its own (seed + 1000 * round):
    a killed run loses at most one round, and the first r rounds are a class-balanced row of
    ``r * ROUND_PER_CLASS`` per class, so a run that cannot afford all of them still gives a
    stratified row (with its wider error bars). Returned in class order, as the other rows."""
    from genlab.families.diffusion.evaluate import sample_labels

    if n_per_class % ROUND_PER_CLASS:
        raise SystemExit(f"error: --ddpm-1000-per-class must be a multiple of {ROUND_PER_CLASS}")
    round_labels = np.repeat(np.arange(10), ROUND_PER_CLASS)
    parts = []
    for r in range(n_per_class // ROUND_PER_CLASS):
        def compute(r=r):
            start = time.process_time()
            images = sample_labels(model, round_labels, scheduler=scheduler, nfe=nfe,
                                   guidance=guidance, seed=seed + 1000 * r)
            return {"images": images, "cpu_seconds": np.array(time.process_time() - start)}

        key = (f"digits-{weights_key}-{scheduler}-{nfe}-g{guidance:g}-round{r}"
               f"-{ROUND_PER_CLASS}perclass-s{seed}")
        parts.append(_cached(cache, key, compute))
    images = np.concatenate([p["images"] for p in parts])
    order = np.argsort(np.tile(round_labels, len(parts)), kind="stable")  # class order
    return _scored(images[order], sum(float(p["cpu_seconds"]) for p in parts))


def _summary(name, nfe, quality, labels, predicted=None, cpu=None, kind="diffusion", speckle=None):
    row = {"scheduler": name, "nfe": nfe, "kind": kind, **quality.as_dict()}
    if speckle is not None:
        row["border_speckle"] = float(speckle)
    if predicted is not None:
        row["class_accuracy"] = float(np.mean(predicted == labels))
    if cpu is not None:
        row["cpu_seconds_per_sample"] = float(cpu) / len(labels)
    return row


def digits_benchmark(n_per_class, nfes, ddpm_1000_per_class, guidance, seed, cache, log, *,
                     schedulers=tuple(SCHEDULERS), rows_only=None):
    from genlab.assets import asset_path
    from genlab.data.digits import load_mnist
    from genlab.families.diffusion.pipeline import load_lab_model
    from genlab.families.gan.evaluate import generate_per_class
    from genlab.families.gan.pipeline import load_lab_gan
    from genlab.metrics.digits import classify, features
    from genlab.metrics.quality import difference, heldout_digits_measure, real_floor

    model = load_lab_model("mnist")
    weights_key = _digest(asset_path("diffusion-mnist") / "model.safetensors")
    measure = heldout_digits_measure()
    labels = np.repeat(np.arange(10), n_per_class)
    rows, qualities = [], {}

    floor = real_floor(n_per_class, seed=seed)
    train_images, _ = load_mnist("train")
    rows.append(_summary("real training digits (floor)", 0, floor, labels, kind="floor",
                         speckle=border_speckle(train_images[:len(labels)])))
    qualities["floor"] = floor
    gan = load_lab_gan()
    for truncation in (None, 1.0):
        images, gan_labels = generate_per_class(gan, n_per_class, truncation, seed=seed)
        q = measure.score(features(images), gan_labels)
        name = f"lab GAN, truncation {'none' if truncation is None else truncation}"
        rows.append(_summary(name, 1, q, gan_labels, classify(images), kind="gan",
                             speckle=border_speckle(images)))
        qualities[("gan", truncation)] = q
    log(rows[-3:])

    plan = [(s, nfe, labels) for s, nfe in rows_only or [(s, nfe) for nfe in nfes for s in schedulers]]
    if ddpm_1000_per_class:
        plan.append(("ddpm", 1000, np.repeat(np.arange(10), ddpm_1000_per_class)))
    for name, nfe, row_labels in plan:
        settings = dict(scheduler=name, nfe=nfe, guidance=guidance, seed=seed, cache=cache,
                        weights_key=weights_key)
        out = (digit_row_in_rounds(model, ddpm_1000_per_class, **settings) if nfe == 1000
               else digit_row(model, row_labels, **settings))
        q = measure.score(out["features"], row_labels)
        qualities[(name, nfe)] = q
        rows.append(_summary(name, nfe, q, row_labels, out["predicted"], out["cpu_seconds"],
                             speckle=out["border_speckle"]))
        log(rows[-1])

    def compare(a, b):
        if a not in qualities or b not in qualities:
            return None
        return {"a": str(a), "b": str(b), "n_a": qualities[a].n_generated,
                "n_b": qualities[b].n_generated, **difference(qualities[a], qualities[b])}

    best = min((k for k in qualities if isinstance(k, tuple) and k[0] in SCHEDULERS and k[1] <= 20
                and qualities[k].n_generated == len(labels)),
               key=lambda k: qualities[k].kid, default=None)  # KID: unbiased at any n
    verdicts = {
        "deis10_minus_ddpm1000": compare(("deis", 10), ("ddpm", 1000)),
        "deis10_minus_ddim10": compare(("deis", 10), ("ddim", 10)),
        "best_at_most_20_nfe_by_kid": None if best is None else {"scheduler": best[0], "nfe": best[1]},
        "best_minus_gan_untruncated": None if best is None else compare(best, ("gan", None)),
        "best_minus_floor": None if best is None else compare(best, "floor"),
        "deis20_minus_gan_untruncated": compare(("deis", 20), ("gan", None)),
        "deis10_minus_gan_untruncated": compare(("deis", 10), ("gan", None)),
        # the other solvers against DEIS at the same NFE, and more steps against fewer (paired)
        "dpm++10_minus_deis10": compare(("dpm++", 10), ("deis", 10)),
        "euler10_minus_deis10": compare(("euler", 10), ("deis", 10)),
        "euler20_minus_deis20": compare(("euler", 20), ("deis", 20)),
        "deis50_minus_deis20": compare(("deis", 50), ("deis", 20)),
        "ddim50_minus_ddim10": compare(("ddim", 50), ("ddim", 10)),
    }
    return {"model": "genlab/diffusion-mnist", "weights_sha256_16": weights_key,
            "guidance": guidance, "n_per_class": n_per_class, "seed": seed, "rows": rows,
            "verdicts": verdicts,
            "measure": "genlab digits-classifier features (128-d) vs the 500 held-out MNIST digits; "
                       "Frechet distance and KID (unbiased MMD^2, cubic polynomial kernel), "
                       "delete-a-group jackknife SE (20 groups, stratified by class)"}


def toy_benchmark(n, nfes, seed, cache, log, *, schedulers=tuple(SCHEDULERS)):
    from genlab.data.toy2d import load_toy
    from genlab.families.diffusion.pipeline import load_lab_model
    from genlab.families.diffusion.evaluate import sample_labels
    from genlab.metrics.quality import group_ids
    from genlab.taxonomy import sliced_wasserstein

    from genlab.assets import asset_path

    model = load_lab_model("toy2d")
    weights_key = _digest(asset_path("diffusion-toy2d") / "model.safetensors")
    groups = 10

    def distance(samples, fresh):
        ids = group_ids(None, len(samples), groups)
        full = sliced_wasserstein(samples, fresh, seed=seed)
        leave = [sliced_wasserstein(samples[ids != g], fresh[ids != g], seed=seed) for g in range(groups)]
        se = float(np.sqrt((groups - 1) / groups * np.sum((np.array(leave) - np.mean(leave)) ** 2)))
        return full, se

    per_set = {}
    plan = [("fresh data (floor)", 0)] + [(s, nfe) for nfe in nfes for s in schedulers] + [("ddpm", 1000)]
    for label, name in enumerate(model.class_names):
        fresh = load_toy(name, n, seed=10_000 + label)
        for scheduler, nfe in plan:
            if nfe == 0:
                samples, cpu = load_toy(name, n, seed=20_000 + label), 0.0
            else:
                def compute():
                    start = time.process_time()
                    x = sample_labels(model, [label] * n, scheduler=scheduler, nfe=nfe, guidance=1.0,
                                      seed=seed, batch=n)
                    return {"samples": x, "cpu_seconds": np.array(time.process_time() - start)}
                out = _cached(cache, f"toy-{weights_key}-{name}-{scheduler}-{nfe}-n{n}-s{seed}", compute)
                samples, cpu = out["samples"], float(out["cpu_seconds"])
            d, se = distance(samples, fresh)
            per_set.setdefault((scheduler, nfe), []).append((name, d, se, cpu))
        log(f"toy {name} done")
    rows = []
    for (scheduler, nfe), values in per_set.items():
        ds, ses = np.array([v[1] for v in values]), np.array([v[2] for v in values])
        rows.append({"scheduler": scheduler, "nfe": nfe, "n": n,
                     "sliced_wasserstein": float(ds.mean()),
                     "sliced_wasserstein_se": float(np.sqrt(np.sum(ses ** 2)) / len(ses)),
                     "per_set": {v[0]: {"sliced_wasserstein": v[1], "se": v[2]} for v in values},
                     "cpu_seconds_per_sample": float(np.sum([v[3] for v in values]) / (n * len(values)))})
    return {"model": "genlab/diffusion-toy2d", "guidance": 1.0, "n": n, "rows": rows,
            "measure": "sliced Wasserstein distance (128 projections) to fresh points of the same "
                       "set, mean over the five sets; jackknife SE (10 groups)"}


def bounds_benchmark(digit_images, digit_timesteps, seed, log, *, seeds=3, full_images=10,
                     toys=True):
    """The bound (nats per example) with each estimator, each draw of it repeated with ``seeds``
    seeds: the mean over the examples and draws, its standard error over the examples (each
    example's draws averaged first, so it counts the draws' noise), and the spread of the
    per-seed means (their SE). Toys beside the taxonomy's Gaussian mixture (its exact log p) on
    the taxonomy's held-out points; digits: the importance-sampled estimator on ``digit_images``
    held-out images, the all-timestep sums (999 network calls per image) on ``full_images``."""
    from genlab.data.digits import load_mnist
    from genlab.data.toy2d import load_toy
    from genlab.families.diffusion.elbo import summarize
    from genlab.families.diffusion.pipeline import load_lab_model
    from genlab.taxonomy import TaxonomyRequest, compare

    def estimates(model, x, condition, configs):
        out = {}
        saved = model.log_x0_mse.clone()
        for name, k, optimal, n_seeds, n in configs:
            if not optimal:
                model.log_x0_mse.fill_(float("nan"))  # Ho et al.'s fixed variances
            start = time.process_time()
            draws = np.stack([model.elbo(x[:n], condition=condition, n_timesteps=k,
                                         seed=seed + s).numpy() for s in range(n_seeds)])
            model.log_x0_mse.copy_(saved)
            est = summarize(draws.mean(0), n_timesteps=k, total_timesteps=len(model._abar),
                            dims=int(np.prod(model.data_shape)))
            seed_means = draws.mean(1)
            out[name] = {**est.as_dict(), "draws_per_example": n_seeds,
                         "seed_means": [float(v) for v in seed_means],
                         "seed_means_se": float(seed_means.std(ddof=1) / np.sqrt(n_seeds))
                         if n_seeds > 1 else None,
                         "cpu_seconds": round(time.process_time() - start, 1)}
        return out

    result = {"toy2d": {}, "digits": None, "seeds": seeds}
    if toys:
        toy = load_lab_model("toy2d")
        configs = [("optimal variances, all timesteps", None, True, seeds, 1000),
                   ("optimal variances, 100 importance-sampled timesteps", 100, True, seeds, 1000),
                   ("fixed variances (Ho et al.), all timesteps", None, False, 1, 1000)]
        for name in toy.class_names:
            held_out = load_toy(name, 1000, seed=seed + 1)        # the taxonomy's held-out points
            mixture = compare(TaxonomyRequest(data=name, seed=seed), models=("mixture",)).models[0]
            result["toy2d"][name] = {
                "mixture_log_p": mixture.scores["log p(x)"],
                "mixture_log_p_se": mixture.score_stderr["log p(x)"],
                **estimates(toy, torch.as_tensor(held_out, dtype=torch.float32), name, configs)}
            log(f"bound {name}: {result['toy2d'][name]}")
    if digit_images:
        model = load_lab_model("mnist")
        real, _ = load_mnist("heldout")
        pick = np.linspace(0, len(real) - 1, digit_images).astype(int)
        x = torch.from_numpy(real[pick])
        result["digits"] = estimates(model, x, None, [
            (f"optimal variances, {digit_timesteps} importance-sampled timesteps", digit_timesteps,
             True, seeds, digit_images),
            ("optimal variances, all timesteps", None, True, 1, full_images),
            ("fixed variances (Ho et al.), all timesteps", None, False, 1, full_images)])
        result["digits_images"] = digit_images
        log(f"bound digits: {result['digits']}")
    return result


def run(n_per_class=100, nfes=(5, 10, 20, 50), ddpm_1000_per_class=100, guidance=2.0, toy_n=4000,
        seed=0, cache=None, bound_images=0, bound_timesteps=100, log=print, schedulers=tuple(SCHEDULERS),
        bound_seeds=3, bound_full_images=10, toy_bounds=True, rows_only=None):
    torch.set_num_threads(1)
    cache = Path(cache) if cache else None
    digits = digits_benchmark(n_per_class, nfes, ddpm_1000_per_class, guidance, seed, cache, log,
                              schedulers=schedulers, rows_only=rows_only) if n_per_class else None
    bounds = _cached_json(
        cache, f"bounds-{_weights_key()}-{bound_images}-{bound_timesteps}-{bound_seeds}-{bound_full_images}"
               f"-{'toys' if toy_bounds else 'notoys'}-s{seed}",
        lambda: bounds_benchmark(bound_images, bound_timesteps, seed, log, seeds=bound_seeds,
                                 full_images=bound_full_images, toys=toy_bounds))
    return {"digits": digits, "bounds": bounds,
            "toy2d": toy_benchmark(toy_n, nfes, seed, cache, log, schedulers=schedulers) if toy_n else None}


def _pm(value, se, scale=1.0, digits=1):
    return f"{value * scale:.{digits}f} ± {se * scale:.{digits}f}"


def table(result) -> str:
    lines = _bounds_table(result["bounds"]) if result.get("bounds") else []
    if result.get("digits"):
        lines += _digits_table(result["digits"])
    if result.get("toy2d"):
        lines += _toy_table(result["toy2d"])
    return "\n".join(lines)


def _seed_spread(est) -> str:
    if not est.get("seed_means_se"):
        return "1 draw"
    return f"{est['draws_per_example']} draws; seed means ± SE {_pm(np.mean(est['seed_means']), est['seed_means_se'], 1, 3)}"


def _bounds_table(b) -> list[str]:
    lines = []
    if b.get("toy2d"):
        names = [k for k in next(iter(b["toy2d"].values())) if k not in ("mixture_log_p", "mixture_log_p_se")]
        lines += ["Bounds on log p(x), nats per point (2-D toys: the taxonomy's 1,000 held-out points; "
                  "mean ± SE over the points):", "",
                  "| set | mixture log p (exact) | " + " | ".join(names) + " |",
                  "|---|---|" + "---|" * len(names)]
        for set_name, row in b["toy2d"].items():
            lines.append(f"| {set_name} | {_pm(row['mixture_log_p'], row['mixture_log_p_se'], 1, 3)} | "
                         + " | ".join(_pm(row[n]["mean"], row[n]["stderr"], 1, 3) for n in names) + " |")
        lines.append("")
    if b.get("digits"):
        lines += [f"Digits (held-out images, unconditional, 8-bit: nats per image; bits/dim = its "
                  "NLL view; ± is the SE over the images, each image's draws averaged first):", "",
                  "| estimator | images | draws | ELBO, nats per image | NLL bound, bits/dim | CPU s |",
                  "|---|---|---|---|---|---|"]
        for name, est in b["digits"].items():
            lines.append(f"| {name} | {est['n_examples']} | {_seed_spread(est)} | "
                         f"{_pm(est['mean'], est['stderr'], 1, 1)} | "
                         f"{_pm(est['bits_per_dim'], est['bits_per_dim_stderr'], 1, 3)} | {est['cpu_seconds']} |")
    return lines + [""]


def _digits_table(d) -> list[str]:
    lines = [f"Digits (guidance {d['guidance']:g}):", "",
             "| sampler | NFE | samples | Frechet | KID | class accuracy | border speckle | CPU s/sample |",
             "|---|---|---|---|---|---|---|---|"]
    for r in d["rows"]:
        acc = f"{r['class_accuracy']:.3f}" if "class_accuracy" in r else ""
        cpu = f"{r['cpu_seconds_per_sample']:.3f}" if "cpu_seconds_per_sample" in r else ""
        lines.append(f"| {r['scheduler']} | {r['nfe'] or ''} | {r['n_generated']} | "
                     f"{_pm(r['frechet'], r['frechet_se'])} | {_pm(r['kid'], r['kid_se'], 1, 2)} | "
                     f"{acc} | {r.get('border_speckle', float('nan')):.4f} | {cpu} |")
    lines += ["", "Paired differences (a - b, jackknife SE):", ""]
    for name, v in d["verdicts"].items():
        if isinstance(v, dict) and "frechet" in v:
            lines.append(f"- {name}: Frechet {_pm(v['frechet'], v['frechet_se'])}, "
                         f"KID {_pm(v['kid'], v['kid_se'], 1, 2)}")
        elif v:
            lines.append(f"- {name}: {v}")
    return lines + _verdict_lines(d["verdicts"])


# The questions, answered in words from their paired differences (a - b; lower is better).
QUESTIONS = {"deis10_minus_ddpm1000": ("Does DEIS at 10 steps match DDPM at 1,000?", "DEIS-10", "DDPM-1000"),
             "deis10_minus_ddim10": ("Does DEIS at 10 steps beat DDIM at 10?", "DEIS-10", "DDIM-10")}


def in_words(v, a, b) -> str:
    """A paired difference a - b of both distances (lower is better) in plain words: a side is
    called better only when the 95 % interval of the difference excludes 0; otherwise the interval
    says how large a difference this size of sample cannot rule out. Frechet is biased upward at
    small n, so it is compared only between rows of the same size."""
    parts = []
    for metric, name, digits in (("kid", "KID", 2), ("frechet", "Frechet", 1)):
        if metric == "frechet" and v.get("n_a") != v.get("n_b"):
            parts.append(f"Frechet not compared ({v.get('n_a')} against {v.get('n_b')} samples; it is "
                         "biased upward at small n)")
            continue
        d, se = v[metric], v[f"{metric}_se"]
        lo, hi = d - 1.96 * se, d + 1.96 * se
        word = (f"{a} is better" if hi < 0 else f"{a} is worse" if lo > 0 else
                "not separated at this size (no difference shown; one anywhere in the interval is not "
                "ruled out)")
        parts.append(f"{name} {_pm(d, se, 1, digits)} ({d / se:+.1f} SE; 95 % interval "
                     f"{lo:.{digits}f} to {hi:.{digits}f}): {word}")
    return "; ".join(parts)


def _verdict_lines(verdicts) -> list[str]:
    lines = []
    for key, (question, a, b) in QUESTIONS.items():
        v = verdicts.get(key)
        if v:
            lines.append(f"- **{question}** {a} - {b} ({v['n_a']} and {v['n_b']} samples): "
                         f"{in_words(v, a, b)}.")
    return ["", "Verdicts (paired, a - b; lower is better):", "", *lines] if lines else []


def _toy_table(t) -> list[str]:
    lines = ["", f"2-D toys ({t['n']} samples per set, guidance 1; sliced Wasserstein x 100, "
                      "mean over the five sets):", "",
             "| sampler | NFE | SW x 100 | CPU ms/sample |", "|---|---|---|---|"]
    for r in t["rows"]:
        lines.append(f"| {r['scheduler']} | {r['nfe'] or ''} | "
                     f"{_pm(r['sliced_wasserstein'], r['sliced_wasserstein_se'], 100, 2)} | "
                     f"{r['cpu_seconds_per_sample'] * 1000:.2f} |")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--n-per-class", type=int, default=100)
    parser.add_argument("--nfe", default="5,10,20,50")
    parser.add_argument("--ddpm-1000-per-class", type=int, default=100)
    parser.add_argument("--guidance", type=float, default=2.0)
    parser.add_argument("--toy-n", type=int, default=4000)
    parser.add_argument("--bound-images", type=int, default=100,
                        help="held-out digits for the bound (0: toys only)")
    parser.add_argument("--bound-seeds", type=int, default=3, help="draws of every bound per example")
    parser.add_argument("--bound-full-images", type=int, default=10,
                        help="held-out digits for the all-timestep sums (999 network calls each)")
    parser.add_argument("--no-toy-bounds", action="store_true", help="skip the toys' bounds")
    parser.add_argument("--schedulers", default=",".join(SCHEDULERS))
    parser.add_argument("--rows", default="", help="only these digit rows, in this order: "
                                                   "SCHEDULER:NFE,... (instead of --nfe x --schedulers)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", default="")
    parser.add_argument("--out", default="", help="write the result here (JSON with provenance)")
    parser.add_argument("--plot", default="", help="write the curves here (PNG with provenance)")
    args = parser.parse_args(argv)
    result = run(args.n_per_class, tuple(int(v) for v in args.nfe.split(",")),
                 args.ddpm_1000_per_class, args.guidance, args.toy_n, args.seed, args.cache or None,
                 args.bound_images, log=(lambda r: None) if args.json else print,
                 schedulers=tuple(args.schedulers.split(",")), bound_seeds=args.bound_seeds,
                 bound_full_images=args.bound_full_images, toy_bounds=not args.no_toy_bounds,
                 rows_only=[(r.split(":")[0], int(r.split(":")[1])) for r in args.rows.split(",") if r])
    result["command"] = "python benchmarks/bench_diffusion.py " + " ".join(argv or [])
    from genlab.provenance import record, save_image, save_json

    rec = record(model="genlab/diffusion-mnist", seed=args.seed, kind="benchmark",
                 params={"benchmark": "bench_diffusion", **vars(args)})
    if args.out:
        save_json(result, args.out, rec)
    if args.plot:
        from genlab.families.diffusion.figures import figure_to_array, quality_vs_nfe_figure

        save_image(figure_to_array(quality_vs_nfe_figure(result)), args.plot, rec)
    print(json.dumps(result, indent=2) if args.json else table(result))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
