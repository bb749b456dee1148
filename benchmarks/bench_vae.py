"""VAE benchmark: speed of genlab's Oobleck against a torch weight_norm reference, the audio VAE's
real-time factor, its held-out quality on synthetic and on real speech, ELBO <= IWAE <= log p(x) on
the linear-Gaussian VAE, the shipped toy VAEs' ELBO and IWAE_K, the digit VAE's held-out ELBO, and
the toy VAE against the flow on the taxonomy's sample distance (N(0, I) prior vs the learned
mixture prior, three seeds each, with the figure ``benchmarks/vae_toy_prior.png``).

    python benchmarks/bench_vae.py [--json] [--toy-only]      (or: genlab bench vae [--json])

Everything runs on one CPU thread, side by side in one run, so the ratios compare like with like.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch


def _time(fn, repeat=5):
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def reference_oobleck(ours):
    """The same network with torch's own weight_norm parametrisation, weights copied from ``ours``."""
    import copy

    from torch.nn.utils.parametrizations import weight_norm

    from genlab.families.vae.oobleck import WNConv1d, WNConvTranspose1d

    ref = copy.deepcopy(ours)

    def swap(module):
        for name, child in module.named_children():
            if isinstance(child, (WNConv1d, WNConvTranspose1d)):
                v = child.weight_v.detach()
                if isinstance(child, WNConv1d):
                    conv = torch.nn.Conv1d(v.shape[1], v.shape[0], v.shape[2], stride=child.stride,
                                           padding=child.padding, dilation=child.dilation, bias=child.bias is not None)
                else:
                    conv = torch.nn.ConvTranspose1d(v.shape[0], v.shape[1], v.shape[2], stride=child.stride,
                                                    padding=child.padding)
                conv = weight_norm(conv)
                with torch.no_grad():
                    conv.parametrizations.weight.original0.copy_(child.weight_g)
                    conv.parametrizations.weight.original1.copy_(v)
                    if child.bias is not None:
                        conv.bias.copy_(child.bias)
                setattr(module, name, conv)
            else:
                swap(child)
    swap(ref)
    return ref.eval()


TOY_SETS = ("eight_gaussians", "moons", "rings", "checkerboard", "spiral")


def toy_vae_against_flow(seeds=(0, 1, 2), n_train=2000, n_held_out=1000, steps=1500) -> dict:
    """Sliced W1 to held-out points (the taxonomy table's measure, its sizes and steps), mean and
    standard error over seeds: the flow, the VAE with p(z) = N(0, I) as shipped before (64 hidden,
    no warm-up), and the VAE as now (learned 8-component mixture prior, KL warm-up, 128 hidden)."""
    from genlab.data.toy2d import load_toy
    from genlab.families.flow.model import fit_toy as fit_toy_flow
    from genlab.families.vae.toy_vae import train_toy_vae
    from genlab.taxonomy import sliced_wasserstein

    out = {}
    for data in TOY_SETS:
        rows = {"flow": [], "vae_normal_prior": [], "vae_mixture_prior": [], "decoder_std_normal_prior": [],
                "decoder_std_mixture_prior": []}
        for seed in seeds:
            x, held = load_toy(data, n_train, seed=seed), load_toy(data, n_held_out, seed=seed + 1)
            flow = fit_toy_flow(x, data=data, steps=steps, seed=seed).model  # as the taxonomy fits it
            rows["flow"].append(sliced_wasserstein(flow.sample(n_held_out, seed=seed), held, seed=seed))
            for name, kwargs in (("normal_prior", dict(hidden=64, prior_components=0, kl_warmup=0.0)),
                                 ("mixture_prior", {})):
                vae = train_toy_vae(x, steps=steps, seed=seed, **kwargs)
                samples = vae.sample(n_held_out, seed=seed).numpy()
                rows[f"vae_{name}"].append(sliced_wasserstein(samples, held, seed=seed))
                with torch.no_grad():
                    _, log_std = vae.p_x(vae._sample_prior(n_held_out, torch.Generator().manual_seed(seed)))
                rows[f"decoder_std_{name}"].append(float(log_std.exp().mean()))
        out[data] = {k: {"mean": float(np.mean(v)), "sem": float(np.std(v, ddof=1) / np.sqrt(len(v)))}
                     for k, v in rows.items()}
    return out


def toy_prior_figure(path="benchmarks/vae_toy_prior.png", steps=1500):
    """Samples of the N(0, I)-prior VAE and of the mixture-prior VAE beside the data (moons, eight
    Gaussians): the first spreads a blob (its decoder variance does the work), the second follows."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from genlab.data.toy2d import load_toy
    from genlab.families.vae.toy_vae import train_toy_vae

    fig, axes = plt.subplots(2, 3, figsize=(10.5, 7), sharex="row", sharey="row")
    for row, data in enumerate(("moons", "eight_gaussians")):
        x = load_toy(data, 2000, seed=0)
        panels = [("data (held out)", load_toy(data, 1000, seed=1), None)]
        for title, kwargs in (("VAE, p(z) = N(0, I)", dict(hidden=64, prior_components=0, kl_warmup=0.0)),
                              ("VAE, mixture p(z), KL warm-up", {})):
            vae = train_toy_vae(x, steps=steps, seed=0, **kwargs)
            with torch.no_grad():
                _, log_std = vae.p_x(vae._sample_prior(1000, torch.Generator().manual_seed(0)))
            panels.append((title, vae.sample(1000, seed=0).numpy(), float(log_std.exp().mean())))
        for ax, (title, pts, dec_std) in zip(axes[row], panels):
            ax.scatter(pts[:, 0], pts[:, 1], s=2, alpha=0.5)
            ax.set_title(f"{data}: {title}" + (f"\nmean decoder std s(z) = {dec_std:.2f}" if dec_std else ""),
                         fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def main(as_json: bool = False, toy_only: bool = False) -> dict:
    from genlab.families.vae import pipeline
    from genlab.families.vae.toy_vae import ToyVAE
    from genlab.families.vae.train_audio import evaluate_audio_vae

    torch.set_num_threads(1)
    results = {"toy_vae_against_flow_sliced_w1": toy_vae_against_flow(), "figure": toy_prior_figure()}
    if toy_only:
        print(json.dumps(results, indent=2))
        return results
    model = pipeline.load_audio_model("lab")
    x = torch.from_numpy(pipeline.load_clip(model, pipeline.shipped_clips()[0], 2.0))[None]
    ref = reference_oobleck(model)
    with torch.no_grad():
        ours_out = model.decode(model.encode(x)[0])
        ref_out = ref.decode(ref.encode(x)[0])
        t_ours = _time(lambda: model.decode(model.encode(x)[0]))
        t_ref = _time(lambda: ref.decode(ref.encode(x)[0]))
    seconds = x.shape[-1] / model.sample_rate
    results["oobleck_vs_torch_weight_norm"] = {
        "audio_seconds": seconds, "genlab_s": t_ours, "torch_weight_norm_s": t_ref,
        "time_ratio_genlab_over_reference": t_ours / t_ref,
        "max_abs_diff": float((ours_out - ref_out).abs().max())}
    results["audio_vae_real_time_factor"] = t_ours / seconds  # compute seconds per audio second
    results["audio_vae_heldout"] = evaluate_audio_vae(model, n_clips=12, seed=0, seconds=4.0, real=True)

    torch.manual_seed(0)
    lin = ToyVAE(linear=True)
    with torch.no_grad():
        lin.decoder.weight.copy_(torch.randn(2, 2))
        lin.dec_log_std.fill_(-1.0)
        lin.enc_log_std.fill_(-1.2)
        pts = lin.sample(1000, seed=1)
        lin.set_exact_posterior_mean()  # the right mean, but a diagonal q with the wrong variances
        results["linear_gaussian_bounds_nats"] = {
            "elbo": float(lin.elbo(pts, n_samples=200).mean()),
            **{f"iwae_{k}": float(lin.iwae(pts, k=k).mean()) for k in (1, 10, 100, 1000)},
            "exact_log_p": float(lin.exact_log_prob(pts).mean())}
    from genlab.data.toy2d import load_toy
    from genlab.families.vae.image_vae import DigitVAE, evaluate_digit_vae
    from genlab.families.vae.toy_vae import bounds_table, load_toy_vae

    results["toy_vae_bounds_nats"] = {name: bounds_table(load_toy_vae(name), load_toy(name, 2000, seed=1))
                                      for name in TOY_SETS}
    digits_dir = pipeline.ASSET_DIR.parent / "vae-digits"
    results["digit_vae_heldout"] = evaluate_digit_vae(DigitVAE.load_lab(digits_dir))
    if as_json:
        print(json.dumps(results, indent=2))
    else:
        for key, value in results.items():
            print(f"{key}: {value}")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--toy-only", action="store_true", help="only the toy VAE against the flow, and its figure")
    args = parser.parse_args()
    main(args.json, args.toy_only)
