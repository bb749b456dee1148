"""`genlab train|sample|eval gan` (torch is imported inside the functions)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

DATA_CHOICES = ("mnist", "eight_gaussians", "moons", "rings", "checkerboard", "spiral")


def train(
    data: str = typer.Option("mnist", help="mnist (the class-conditional digits GAN) or a 2-D toy: "
                                           "eight_gaussians, moons, rings, checkerboard, spiral."),
    steps: int = typer.Option(3000, min=1, help="Generator updates."),
    out: Path = typer.Option(Path("runs/gan-mnist"), help="Output folder (config.json + model.safetensors)."),
    seed: int = typer.Option(0, min=0, help="Seed of initialisation, batches and noise."),
    max_cpu_minutes: float = typer.Option(24.0, min=0.1, help="Stop when training used this much CPU time."),
    g_ch: int = typer.Option(24, min=1, help="Generator width (digits GAN)."),
    d_ch: int = typer.Option(32, min=1, help="Discriminator width (digits GAN)."),
    threads: int = typer.Option(1, min=1, help="torch threads (the machine is shared: keep 1)."),
):
    """Train a lab GAN: the conditional digits GAN (hinge loss, spectral norm, EMA) or a 2-D toy GAN."""
    import time

    import torch
    from tqdm import tqdm

    from genlab.errors import check_choice

    check_choice("data", data, DATA_CHOICES)
    torch.set_num_threads(threads)
    out.mkdir(parents=True, exist_ok=True)
    if data != "mnist":
        from genlab.families.gan.toy import ToyGAN, train_toy_gan

        gan = ToyGAN()
        history = train_toy_gan(gan, data, steps=steps, seed=seed)
        gan.save_lab(out)
        (out / "history.json").write_text(json.dumps(history, indent=1))
        typer.echo(json.dumps(history[-1]))
        return

    from genlab.data.digits import CLASS_NAMES, load_mnist
    from genlab.families.gan.evaluate import class_accuracy_of, evaluate_gan
    from genlab.families.gan.model import ConditionalGAN
    from genlab.families.gan.train import TrainConfig, config_dict, train_conditional_gan

    x, y = load_mnist("train")
    torch.manual_seed(seed)
    gan = ConditionalGAN(g_ch=g_ch, d_ch=d_ch, class_names=list(CLASS_NAMES))
    cfg = TrainConfig(steps=steps, seed=seed, max_cpu_minutes=max_cpu_minutes)
    bar = tqdm(total=steps, desc="gan", mininterval=5)
    start = time.process_time()
    history = train_conditional_gan(
        gan, x, y, cfg, log=lambda row: bar.write(json.dumps(row)),
        evaluate=lambda g: class_accuracy_of(g, 1.0, n_per_class=50), progress=lambda s: bar.update(1))
    bar.close()
    cpu_minutes = (time.process_time() - start) / 60
    gan.save_lab(out, dtype=torch.float16)
    reloaded = ConditionalGAN.load_lab(out)
    metrics = evaluate_gan(reloaded)
    metrics.update({"train_cpu_minutes": round(cpu_minutes, 2), "steps_done": history[-1]["step"],
                    "train_config": config_dict(cfg), "threads": threads})
    (out / "history.json").write_text(json.dumps(history, indent=1))
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    typer.echo(json.dumps({k: v for k, v in metrics.items() if k != "sweep"}))
