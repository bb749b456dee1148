"""Diffusion: sample quality against NFE for every scheduler, beside wall time.

For the shipped digits model (``genlab/assets/diffusion-mnist``), guided samples (the same
classes and seeds for every row) are scored by genlab's digits classifier: class accuracy, and
the Frechet distance between its features of the samples and of the 500 held-out real digits.
Reference rows in the same run: real training digits vs held-out (the floor at this sample
count), and DDIM at each NFE (wall-time ratios are against DDIM at the same NFE).

    python benchmarks/bench_diffusion.py [--json] [--n-per-class 10] [--nfe 5,10,20,50]
                                         [--ddpm-1000-n 20] [--plot benchmarks/diffusion_nfe.png]

1000 steps are run for DDPM only, on fewer samples (``--ddpm-1000-n``), beside DDIM with 50
steps on the same samples so that row has a reference at its own sample count.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from genlab.families.diffusion.pipeline import load_lab_model
from genlab.families.diffusion.schedulers import SCHEDULERS


def sample_rows(model, labels, *, scheduler, nfe, guidance, seed, batch=100):
    images, start = [], time.perf_counter()
    for i in range(0, len(labels), batch):
        part = labels[i:i + batch]
        images.append(model.sample(len(part), condition=part.tolist(), seed=seed + i,
                                   scheduler=scheduler, nfe=nfe, guidance=guidance).numpy())
    return np.concatenate(images), time.perf_counter() - start


def score(images, labels, real_features):
    from genlab.metrics.digits import classify, features
    from genlab.metrics.frechet import frechet_distance

    return {"class_accuracy": float(np.mean(classify(images) == labels)),
            "frechet": float(frechet_distance(features(images), real_features))}


def run(n_per_class=10, nfes=(5, 10, 20, 50), ddpm_1000_n=20, guidance=3.0, seed=0, log=print):
    from genlab.data.digits import load_mnist
    from genlab.metrics.digits import features

    torch.set_num_threads(1)
    model = load_lab_model("mnist")
    heldout, _ = load_mnist("heldout")
    real_features = features(heldout)
    labels = np.repeat(np.arange(10), n_per_class)
    train, train_labels = load_mnist("train")
    pick = np.random.default_rng(seed).choice(len(train), len(labels), replace=False)
    rows = [{"scheduler": "real digits (floor)", "nfe": 0, "n": len(labels),
             "seconds_per_sample": 0.0, **score(train[pick], train_labels[pick], real_features)}]
    log(rows[-1])
    for nfe in nfes:
        for name in ["ddim"] + [s for s in SCHEDULERS if s != "ddim"]:
            images, seconds = sample_rows(model, labels, scheduler=name, nfe=nfe,
                                          guidance=guidance, seed=seed)
            rows.append({"scheduler": name, "nfe": nfe, "n": len(labels),
                         "seconds_per_sample": seconds / len(labels),
                         **score(images, labels, real_features)})
            log(rows[-1])
    if ddpm_1000_n:
        small = labels[np.linspace(0, len(labels) - 1, ddpm_1000_n).astype(int)]
        for name, nfe in (("ddim", 50), ("ddpm", 1000)):
            images, seconds = sample_rows(model, small, scheduler=name, nfe=nfe,
                                          guidance=guidance, seed=seed)
            rows.append({"scheduler": name, "nfe": nfe, "n": len(small),
                         "seconds_per_sample": seconds / len(small),
                         **score(images, small, real_features)})
            log(rows[-1])
    for row in rows:  # wall time against DDIM at the same NFE and sample count
        ref = next((r for r in rows if r["scheduler"] == "ddim" and r["nfe"] == row["nfe"]
                    and r["n"] == row["n"]), None)
        row["time_vs_ddim"] = (row["seconds_per_sample"] / ref["seconds_per_sample"]) if ref else None
    return {"guidance": guidance, "seed": seed, "rows": rows, "deis_vs_ddim_at_10": verdict(rows, 10)}


def verdict(rows, nfe):
    get = {r["scheduler"]: r for r in rows if r["nfe"] == nfe and r["n"] == rows[1]["n"]}
    if "deis" not in get or "ddim" not in get:
        return None
    d, i = get["deis"]["frechet"], get["ddim"]["frechet"]
    return {"deis_frechet": d, "ddim_frechet": i, "ratio_deis_over_ddim": d / i,
            "deis_better": d < i}


def table(result) -> str:
    lines = ["| scheduler | NFE | samples | Frechet (lower is better) | class accuracy | s/sample | time vs DDIM |",
             "|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        ratio = "" if r["time_vs_ddim"] is None else f"{r['time_vs_ddim']:.2f}"
        lines.append(f"| {r['scheduler']} | {r['nfe']} | {r['n']} | {r['frechet']:.2f} | "
                     f"{r['class_accuracy']:.2f} | {r['seconds_per_sample']:.3f} | {ratio} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--n-per-class", type=int, default=10)
    parser.add_argument("--nfe", default="5,10,20,50")
    parser.add_argument("--ddpm-1000-n", type=int, default=20)
    parser.add_argument("--guidance", type=float, default=3.0)
    parser.add_argument("--plot", default="")
    args = parser.parse_args(argv)
    result = run(args.n_per_class, tuple(int(v) for v in args.nfe.split(",")), args.ddpm_1000_n,
                 args.guidance, log=(lambda r: None) if args.json else print)
    if args.plot:
        from genlab.families.diffusion.figures import figure_to_array, nfe_figure
        from genlab.provenance import record, save_image

        curves = [r for r in result["rows"] if r["nfe"] and r["n"] == result["rows"][0]["n"]]
        fig = nfe_figure(curves, metric="frechet",
                         title=f"digits: Frechet distance vs NFE (guidance {args.guidance:g}, "
                               f"{result['rows'][0]['n']} samples)")
        save_image(figure_to_array(fig), args.plot,
                   record(model="genlab/diffusion-mnist", seed=0, kind="benchmark plot",
                          params={"benchmark": "bench_diffusion", **vars(args)}))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(table(result))
        print("DEIS vs DDIM at 10 steps:", result["deis_vs_ddim_at_10"])


if __name__ == "__main__":
    main()
