"""``genlab train|sample|eval diffusion``: typer reads these functions' signatures.

Heavy imports (torch, diffusers) stay inside the functions so ``genlab --help`` is fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from genlab.cli_options import with_request
from genlab.families.diffusion import pipeline
from genlab.families.diffusion.pipeline import DiffusionRequest

DATA = ("mnist", "digits8", "toy2d")


def train(data: str = typer.Option("mnist", help="mnist (28x28 digits), digits8 (8x8, fast) or "
                                                  "toy2d (the 2-D toy sets, an MLP)."),
          steps: int = typer.Option(20_000, help="Optimizer steps at most."),
          cpu_minutes: float = typer.Option(40.0, help="Stop after this much CPU time."),
          batch_size: int = typer.Option(64, help="Batch size."),
          lr: float = typer.Option(1e-3, help="Peak learning rate."),
          channels: str = typer.Option("16,32,64", help="UNet channels per level (digits); "
                                                       "for toy2d the last number is the MLP width (default 128)."),
          out: Path = typer.Option(Path("runs/diffusion"), help="Checkpoint folder."),
          resume: bool = typer.Option(False, help="Continue from the checkpoint in --out."),
          export: Optional[Path] = typer.Option(None, help="Also save the EMA weights in float16 "
                                                           "here (e.g. genlab/assets/diffusion-mnist)."),
          seed: int = typer.Option(0, help="Random seed.")):
    """Train a lab diffusion model (noise-prediction loss, EMA weights), checkpointing as it goes."""
    import torch

    from genlab.errors import check_choice, check_int, check_number
    from genlab.families.diffusion.train import TrainConfig, train_digits, train_toy2d

    check_choice("--data", data, DATA)
    check_int("--steps", steps, 1)
    check_number("--cpu-minutes", cpu_minutes, 0, lo_open=True)
    torch.set_num_threads(1)  # the machine is shared: one core per training job
    cfg = TrainConfig(steps=steps, cpu_minutes=cpu_minutes, batch_size=check_int("--batch-size", batch_size, 1),
                      lr=check_number("--lr", lr, 0, lo_open=True), seed=seed)
    if data == "toy2d":
        cfg.ema_decay, cfg.checkpoint_every = 0.999, 1000
        cfg.model = {"hidden": int(channels.split(",")[-1]) if channels != "16,32,64" else 128}
        model = train_toy2d(cfg, out, resume=resume)
    else:
        cfg.model = {"block_out_channels": [int(c) for c in channels.split(",")]}
        if data == "digits8":
            cfg.model["norm_num_groups"] = 4
        model = train_digits(cfg, out, data=data, resume=resume)
    if export is not None:
        model.save_lab(export, dtype=torch.float16)
        typer.echo(f"exported float16 weights to {export}")


def _model_option(raw, _values):
    """``--model sdxl`` is short for SDXL's hub id."""
    return pipeline.SDXL if raw == "sdxl" else raw


@with_request(DiffusionRequest, exclude=("strip_steps",), parse={"model": _model_option})
def sample(request: DiffusionRequest,
           out: Path = typer.Option(Path("diffusion.png"), help="Output PNG (a grid; the 2-D toys: the "
                                                                "particles' paths), with provenance."),
           notebook: Optional[Path] = typer.Option(None, help="Also write a notebook (.ipynb) that makes the "
                                                              "same samples."),
           allow_downloads: bool = typer.Option(False, "--allow-downloads", "--allow-download",
                                                help="SDXL: download its weights (about 7 GB) when they are "
                                                     "not in the local Hugging Face cache.")):
    """Sample digits, 2-D particles or SDXL images and save them with provenance.

    --model is lab (the shipped digits model), toy2d, stabilityai/stable-diffusion-xl-base-1.0 (or
    sdxl), a lab model folder or a saved SDXL pipeline folder. The request is checked before any
    model is loaded.
    """
    import numpy as np
    from tqdm import tqdm

    from genlab.errors import InputError
    from genlab.i18n import Translator
    from genlab.provenance import save_image
    from genlab.viz import figure_image

    if out.suffix.lower() != ".png":  # the provenance record lives in PNG text chunks
        raise InputError("--out", "bad_suffix", suffixes=".png")
    bars = []  # made at the first step: a refused request prints no progress bar

    def on_step(i, total):
        bars or bars.append(tqdm(total=total, desc=f"{request.scheduler} x{total}"))
        bars[0].update(1)

    result = pipeline.generate(request, on_step=on_step, allow_download=allow_downloads)
    for bar in bars:
        bar.close()
    tr = Translator("diffusion", "en")
    for side, given, used in result.size_notes:
        typer.echo(tr("size_rounded", side=tr(f"side_{side}"), given=given, used=used))
    shown = result.show()
    image = figure_image(shown) if result.backend == pipeline.TOY else shown
    save_image(np.asarray(image), out, result.provenance)
    if notebook is not None:
        from genlab.notebook import save_notebook

        save_notebook(result.request, notebook, provenance=result.provenance)
    typer.echo(f"saved {out}")


def evaluate(model: str = typer.Option("lab", help="lab (shipped digits model) or a folder."),
             scheduler: str = typer.Option("deis", help="ddpm, ddim, deis, dpm++ or euler."),
             nfe: int = typer.Option(20, help="Denoising steps."),
             guidance: float = typer.Option(3.0, help="Guidance scale."),
             n_per_class: int = typer.Option(20, help="Samples per digit."),
             elbo_images: int = typer.Option(20, help="Held-out images to bound log p(x) on."),
             elbo_timesteps: int = typer.Option(100, help="Timesteps in the ELBO estimate."),
             seed: int = typer.Option(0, help="Random seed."),
             as_json: bool = typer.Option(False, "--json", help="Print results as JSON.")):
    """Class accuracy and Frechet distance of guided samples, and the ELBO in bits/dim."""
    import torch

    torch.set_num_threads(1)  # one thread: on a shared machine extra threads only spin
    from genlab.families.diffusion.evaluate import evaluate_digits

    name = "mnist" if model == "lab" else model
    result = evaluate_digits(name, scheduler=scheduler, nfe=nfe, guidance=guidance,
                             n_per_class=n_per_class, elbo_images=elbo_images,
                             elbo_timesteps=elbo_timesteps, seed=seed)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            typer.echo(f"{key}: {value}")
