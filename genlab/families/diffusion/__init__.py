"""Diffusion: a fixed forward noising process and a learned reverse chain x_T -> ... -> x_0.

* ``model``       the lab models: ``DigitDiffusion`` (UNet, 28x28 digits), ``ToyDiffusion`` (MLP, 2-D)
* ``schedulers``  diffusers' DDPM, DDIM, DEIS, DPM-Solver++ and Euler, by name
* ``sampling``    the reverse-chain loop (classifier-free guidance, predicted x_0 per step)
* ``elbo``        the variational bound on log p(x)
* ``train``       training with a CPU-time budget and checkpoints
* ``pretrained``  the lecture's SDXL + DEIS pipeline
* ``cli``         ``genlab train|sample|eval diffusion``
"""

from __future__ import annotations

import functools

LAB_MODELS = {"mnist": "diffusion-mnist", "toy2d": "diffusion-toy2d"}


@functools.lru_cache(maxsize=4)
def load_lab_model(name: str = "mnist"):
    """The shipped lab model ``name`` ("mnist" or "toy2d") or a folder path, in eval mode.

    Cached read-only: callers must not train or modify the returned model.
    """
    from pathlib import Path

    from genlab.assets import asset_path
    from genlab.families.diffusion.model import DigitDiffusion, ToyDiffusion

    path = asset_path(LAB_MODELS[name]) if name in LAB_MODELS else Path(name)
    cls = ToyDiffusion if name == "toy2d" or "toy" in Path(path).name else DigitDiffusion
    model = cls.load_lab(path)
    model.requires_grad_(False)
    return model
