"""VAE benchmark: speed of genlab's Oobleck against a torch weight_norm reference, the audio VAE's
real-time factor, its held-out quality, ELBO <= IWAE <= log p(x) on the linear-Gaussian VAE, the
shipped toy VAEs' ELBO and IWAE_K, and the digit VAE's held-out ELBO.

    python benchmarks/bench_vae.py [--json]      (or: genlab bench vae [--json])

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


def main(as_json: bool = False) -> dict:
    from genlab.families.vae import pipeline
    from genlab.families.vae.toy_vae import ToyVAE
    from genlab.families.vae.train_audio import evaluate_audio_vae

    torch.set_num_threads(1)
    results = {}
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
    results["audio_vae_heldout"] = evaluate_audio_vae(model, n_clips=12, seed=0, seconds=2.0)

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
                                      for name in ("moons", "rings", "eight_gaussians", "checkerboard", "spiral")}
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
    main(parser.parse_args().json)
