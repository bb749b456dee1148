"""`genlab train|sample|eval gan` (torch is imported inside the functions)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from genlab.cli_options import command_line, with_request
from genlab.families.gan.pipeline import GanRequest

DATA_CHOICES = ("mnist", "eight_gaussians", "moons", "rings", "checkerboard", "spiral")


def train(
    ctx: typer.Context,
    data: str = typer.Option("mnist", help="mnist (the class-conditional digits GAN) or a 2-D toy: "
                                           "eight_gaussians, moons, rings, checkerboard, spiral."),
    steps: int = typer.Option(3000, min=1, help="Generator updates."),
    out: Path = typer.Option(Path("runs/gan-mnist"), help="Output folder (config.json + model.safetensors)."),
    seed: int = typer.Option(0, min=-1, help="Seed of initialisation, batches and noise (-1 = random)."),
    budget_minutes: float = typer.Option(24.0, min=0.01, help="Stop when training used this much CPU time "
                                                              "(per process; rank 0's under torchrun)."),
    g_ch: int = typer.Option(24, min=1, help="Generator width (digits GAN)."),
    d_ch: int = typer.Option(32, min=1, help="Discriminator width (digits GAN)."),
    batch_size: int = typer.Option(64, min=1, max=4096, help="Global batch (digits GAN); under torchrun "
                                                             "each process takes its share."),
    checkpoint_every: int = typer.Option(250, min=1, help="Steps between checkpoints in OUT/checkpoint."),
    eval_every: int = typer.Option(500, min=0, help="Steps between class-accuracy checks (0: only at the end)."),
    threads: int = typer.Option(1, min=1, help="torch threads per process (the machine is shared: keep 1)."),
    resume: bool = typer.Option(False, help="Continue the digits GAN from OUT/checkpoint exactly where it "
                                            "stopped (any number of processes)."),
):
    """Train a lab GAN: the conditional digits GAN (hinge loss, spectral norm, EMA) or a 2-D toy GAN.
    The digits GAN runs unchanged under ``torchrun --nproc-per-node N`` (DDP; rank 0 saves)."""
    import torch
    from tqdm import tqdm

    from genlab.distributed import shared_seed, world
    from genlab.errors import InputError, check_choice

    check_choice("data", data, DATA_CHOICES)
    if resume and data != "mnist":
        raise InputError("resume", "gan_toy_resume")
    torch.set_num_threads(threads)
    seed = shared_seed(seed)
    w = world()
    if data != "mnist":
        from genlab.families.gan.toy import ToyGAN, train_toy_gan

        if w.distributed:
            raise InputError("data", "gan_toy_torchrun")
        out.mkdir(parents=True, exist_ok=True)
        gan = ToyGAN()
        history = train_toy_gan(gan, data, steps=steps, seed=seed)
        gan.save_lab(out)
        (out / "history.json").write_text(json.dumps(history, indent=1))
        typer.echo(json.dumps(history[-1]))
        return

    from genlab.checkpoint import CheckpointError, has_checkpoint
    from genlab.data.digits import CLASS_NAMES, load_mnist
    from genlab.families.gan.evaluate import class_accuracy_of, evaluate_gan
    from genlab.families.gan.model import ConditionalGAN
    from genlab.families.gan.train import TrainConfig, config_dict, train_conditional_gan

    if resume and not has_checkpoint(out / "checkpoint"):
        raise CheckpointError(out / "checkpoint", "checkpoint_missing")
    x, y = load_mnist("train")
    torch.manual_seed(seed)
    gan = ConditionalGAN(g_ch=g_ch, d_ch=d_ch, class_names=list(CLASS_NAMES))
    cfg = TrainConfig(steps=steps, seed=seed, budget_minutes=budget_minutes, batch_size=batch_size,
                      checkpoint_every=checkpoint_every, eval_every=eval_every)
    bar = tqdm(total=steps, desc="gan", mininterval=5, disable=not w.is_main)
    history = train_conditional_gan(
        gan, x, y, cfg, log=lambda row: bar.write(json.dumps(row)),
        evaluate=lambda g: class_accuracy_of(g, 1.0, n_per_class=50), progress=lambda s: bar.update(1),
        checkpoint=out / "checkpoint", resume=resume)
    bar.close()
    if not w.is_main:
        return
    cpu_minutes = history[-1]["cpu_minutes"]  # includes the time before a --resume
    gan.save_lab(out, dtype=torch.float16)
    reloaded = ConditionalGAN.load_lab(out)
    metrics = evaluate_gan(reloaded)
    metrics.update({"train_cpu_minutes": round(cpu_minutes, 2), "steps_done": history[-1]["step"],
                    "train_config": config_dict(cfg), "threads": threads, "processes": w.world_size})
    (out / "history.json").write_text(json.dumps(history, indent=1))
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    from genlab.families.gan.card import write_model_card

    launcher = f"torchrun --nproc-per-node {w.world_size} -m genlab.cli" if w.distributed else "genlab"
    write_model_card(out, metrics, command=command_line(ctx, launcher, seed=seed))
    typer.echo(json.dumps({k: v for k, v in metrics.items() if k != "sweep"}))


def _parse_class_option(raw: str, values: dict) -> int | None:
    """A class index or name; ``all`` is the CLI's spelling of ``--all-classes`` (n of each digit)."""
    from genlab.families.gan.pipeline import parse_class

    if raw.strip().lower() == "all":
        values["all_classes"] = True
        return None  # the model's default class: unused
    return parse_class(raw, values.get("model") or "lab")


@with_request(GanRequest, parse={"class_id": _parse_class_option})
def sample(
    request: GanRequest,
    cols: Optional[int] = typer.Option(None, help="Images per row of the grid (default 4; --class all: "
                                                  "one row per digit)."),
    weights: Optional[Path] = typer.Option(None, help="BigGAN: local folder with config.json and weights."),
    out: Path = typer.Option(Path("gan-grid.png"), help="PNG file to write (a grid, with provenance), or "
                                                         "FILE.npy: the lab GAN's samples themselves, (n, 28, 28) "
                                                         "float32 in [0, 1] in class order, with FILE.npy.json."),
    notebook: Optional[Path] = typer.Option(None, help="Also write a notebook (.ipynb) that makes the same grid."),
):
    """Generate class-conditional images; save a grid (PNG) or the samples (.npy) with provenance.
    ``--class all`` draws n of every digit, in class order."""
    import dataclasses

    import numpy as np

    from genlab.errors import check_int
    from genlab.families.gan import pipeline
    from genlab.provenance import (ARRAY_SUFFIXES, IMAGE_SAVE_SUFFIXES, save_array, save_image,
                                   writable_path)

    suffixes = IMAGE_SAVE_SUFFIXES + (ARRAY_SUFFIXES if request.model == pipeline.LAB else ())
    suffix = writable_path(out, suffixes, param="--out").suffix.lower()  # before the work, not after
    cols = None if cols is None else check_int("cols", cols, 1, pipeline.MAX_IMAGES)
    result = pipeline.generate(request, biggan_path=str(weights) if weights else None)
    if cols is not None:
        result = dataclasses.replace(result, cols=cols)
    if suffix == ".npy":
        save_array(result.samples, out, result.provenance)
    else:
        save_image(np.asarray(result.show()), out, result.provenance)
    if notebook is not None:
        from genlab.notebook import save_notebook

        save_notebook(result.request, notebook, provenance=result.provenance)
    r = result.request
    shown = f"{result.samples.shape}" if suffix == ".npy" else f"{r.n} x {result.class_name or 'every class'}"
    typer.echo(f"wrote {out}: {shown}, truncation {r.truncation:g}, seed {r.seed}")


def evaluate(
    model: Path = typer.Option(None, help="Folder of a digits GAN (default: the shipped lab model)."),
    n_per_class: int = typer.Option(50, min=2, help="Generated digits per class."),
    seed: int = typer.Option(0, min=0, help="Seed of the generated digits."),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
):
    """Class accuracy, Frechet distance and the truncation sweep of the digits GAN."""
    from genlab.families.gan.evaluate import evaluate_gan
    from genlab.families.gan.pipeline import load_lab_gan

    gan = load_lab_gan(str(model) if model else None)
    metrics = evaluate_gan(gan, n_per_class=n_per_class, seed=seed)
    if as_json:
        typer.echo(json.dumps(metrics, indent=2))
        return
    typer.echo(f"Frechet distance (classifier features), real vs real: {metrics['frechet_real_vs_real']:.2f}")
    typer.echo(f"{'truncation':>10} {'class acc':>9} {'confidence':>10} {'diversity':>9} {'Frechet':>8}")
    for row in metrics["sweep"]:
        typer.echo(f"{row['truncation']!s:>10} {row['class_accuracy']:9.3f} {row['confidence']:10.3f} "
                   f"{row['diversity']:9.3f} {row['frechet_vs_heldout']:8.2f}")
