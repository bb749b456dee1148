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
          steps: Optional[int] = typer.Option(None, help="Optimizer steps at most (default: the "
                                                         "data set's recipe, e.g. 12000 for mnist)."),
          budget_minutes: Optional[float] = typer.Option(None, help="Stop after this much CPU time "
                                                                    "(all processes together)."),
          batch_size: Optional[int] = typer.Option(None, help="Global batch size (over all processes)."),
          lr: Optional[float] = typer.Option(None, help="Peak learning rate."),
          channels: Optional[str] = typer.Option(None, help="UNet channels per level, e.g. 32,64,64 "
                                                            "(digits); the MLP width (toy2d)."),
          checkpoint_every: Optional[int] = typer.Option(None, help="Steps between checkpoints."),
          out: Path = typer.Option(Path("runs/diffusion"), help="Checkpoint folder."),
          resume: bool = typer.Option(False, help="Continue exactly from the checkpoint in --out."),
          export: Optional[Path] = typer.Option(None, help="At the end, measure the bound's reverse "
                                                           "variances and save the EMA weights in "
                                                           "float16 here (e.g. genlab/assets/diffusion-mnist)."),
          seed: int = typer.Option(0, help="Random seed (-1 = random).")):
    """Train a lab diffusion model (EMA weights), checkpointing as it goes; runs unchanged under
    torchrun --nproc-per-node N (DistributedDataParallel)."""
    import torch
    from tqdm import tqdm

    from genlab.distributed import is_main
    from genlab.errors import check_choice, check_int, check_number, check_seed
    from genlab.families.diffusion.train import (calibrate_and_export, recipe, train_digits,
                                                 train_toy2d)
    from genlab.seeding import resolve_seed

    check_choice("--data", data, DATA)
    try:
        widths = [check_int("--channels", int(c), 1, 1024) for c in channels.split(",")] if channels else None
    except ValueError:
        from genlab.errors import InputError

        raise InputError("--channels", "not_integer", value=repr(channels)) from None
    cfg = recipe(
        data, channels=widths, seed=resolve_seed(check_seed("--seed", seed)),
        steps=None if steps is None else check_int("--steps", steps, 1),
        budget_minutes=None if budget_minutes is None else check_number(
            "--budget-minutes", budget_minutes, 0, lo_open=True),
        batch_size=None if batch_size is None else check_int("--batch-size", batch_size, 1, 65_536),
        lr=None if lr is None else check_number("--lr", lr, 0, 1, lo_open=True),
        checkpoint_every=None if checkpoint_every is None else check_int("--checkpoint-every",
                                                                         checkpoint_every, 1))
    torch.set_num_threads(1)  # the machine is shared: one core per training process
    bar = tqdm(total=cfg.steps, desc=f"diffusion {data}", mininterval=5, disable=not is_main())
    log = bar.write if is_main() else (lambda message: None)

    train = train_toy2d if data == "toy2d" else train_digits
    kwargs = {} if data == "toy2d" else {"data": data}
    result = train(cfg, out, resume=resume, log=log,
                   progress=lambda step: bar.update(step - bar.n), **kwargs)
    bar.close()
    if export is not None and is_main():
        calibrate_and_export(result.ema, data, export, seed=cfg.seed)
        typer.echo(f"exported float16 EMA weights to {export}")


def _model_option(raw, _values):
    """``--model sdxl`` is short for SDXL's hub id."""
    return pipeline.SDXL if raw == "sdxl" else raw


@with_request(DiffusionRequest, exclude=("strip_steps",), parse={"model": _model_option})
def sample(request: DiffusionRequest,
           out: Path = typer.Option(Path("diffusion.png"), help="Output PNG (a grid; the 2-D toys: the "
                                                                "particles' paths), with provenance; or "
                                                                "FILE.npy (lab models): the samples themselves, "
                                                                "digits (n, 28, 28) float32 in [0, 1] in class "
                                                                "order (--class all: n of each), toy points "
                                                                "(n, 2), with FILE.npy.json."),
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

    from genlab.i18n import Translator
    from genlab.provenance import ARRAY_SUFFIXES, IMAGE_SAVE_SUFFIXES, save_array, save_image, writable_path
    from genlab.viz import figure_image

    lab = pipeline.backend(request.model) != pipeline.SDXL
    suffixes = IMAGE_SAVE_SUFFIXES + (ARRAY_SUFFIXES if lab else ())
    suffix = writable_path(out, suffixes, param="--out").suffix.lower()  # before any model loads
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
    if suffix == ".npy":
        save_array(result.array(), out, result.provenance)
    else:
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
             guidance: float = typer.Option(2.0, help="Guidance scale."),
             n_per_class: int = typer.Option(100, help="Samples per digit (2-1000; 100 = the "
                                                       "benchmark's 1,000 samples)."),
             elbo_images: int = typer.Option(100, help="Held-out images to bound log p(x) on."),
             elbo_timesteps: int = typer.Option(100, help="Importance-sampled timesteps per image "
                                                          "in the bound (0 = all 999)."),
             seed: int = typer.Option(0, help="Random seed."),
             as_json: bool = typer.Option(False, "--json", help="Print results as JSON.")):
    """Frechet distance and KID of guided samples (with standard errors and the real-data floor),
    class accuracy, and the ELBO of held-out digits (nats per image and bits/dim, with standard
    errors)."""
    import torch

    torch.set_num_threads(1)  # one thread: on a shared machine extra threads only spin
    from genlab.errors import check_int
    from genlab.families.diffusion.evaluate import evaluate_digits

    name = "mnist" if model == "lab" else model
    timesteps = check_int("--elbo-timesteps", elbo_timesteps, 0, 999) or None
    result = evaluate_digits(name, scheduler=scheduler, nfe=nfe, guidance=guidance,
                             n_per_class=n_per_class, elbo_images=elbo_images,
                             elbo_timesteps=timesteps, seed=seed)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            typer.echo(f"{key}: {value}")
