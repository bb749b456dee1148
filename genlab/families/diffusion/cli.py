"""``genlab train|sample|eval diffusion``: typer reads these functions' signatures.

Heavy imports (torch, diffusers) stay inside the functions so ``genlab --help`` is fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

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


def sample(model: str = typer.Option("lab", help="lab (the shipped digits model), toy2d, a lab model "
                                                 "folder, stabilityai/stable-diffusion-xl-base-1.0 "
                                                 "(or sdxl), or a saved SDXL pipeline folder."),
           class_: Optional[int] = typer.Option(None, "--class", help="Digit 0-9 (lab); none = "
                                                                        "unconditional."),
           prompt: str = typer.Option("", help="Text prompt (SDXL only)."),
           negative_prompt: str = typer.Option("", help="Negative prompt (SDXL only)."),
           toy: str = typer.Option("eight_gaussians", help="Toy set for --model toy2d."),
           scheduler: str = typer.Option("deis", help="ddpm, ddim, deis, dpm++ or euler."),
           spacing: Optional[str] = typer.Option(None, help="Timestep spacing: trailing (lab "
                                                            "default), leading (SDXL's own, its "
                                                            "default) or linspace."),
           nfe: int = typer.Option(20, help="Number of denoising steps (network evaluations)."),
           guidance: float = typer.Option(3.0, help="Classifier-free guidance scale 0-12."),
           n: Optional[int] = typer.Option(None, "-n", help="Number of samples (lab default 16; "
                                                            "SDXL 1-4, default 1)."),
           size: str = typer.Option("1024x1024", help="WIDTHxHEIGHT (SDXL only)."),
           seed: int = typer.Option(0, help="Random seed (-1 = random)."),
           allow_download: bool = typer.Option(False, help="SDXL: allow downloading the weights."),
           out: Path = typer.Option(Path("diffusion.png"), help="Output PNG (a grid), with "
                                                                "provenance metadata.")):
    """Sample images (or 2-D points, plotted) and save them with provenance."""
    from tqdm import tqdm

    from genlab.families.diffusion import views
    from genlab.provenance import save_image
    from genlab.seeding import resolve_seed

    from genlab.families.diffusion.pretrained import SDXL_ID

    seed = resolve_seed(seed)
    is_pipeline_folder = (Path(model) / "model_index.json").is_file()
    if model in (SDXL_ID, "sdxl") or is_pipeline_folder:
        from genlab.families.diffusion.pretrained import generate_sdxl, load_sdxl

        width, height = views.parse_size(size)
        model_id = model if is_pipeline_folder else SDXL_ID
        n = 1 if n is None else n
        pipe = load_sdxl(model_id, local_files_only=not allow_download)
        bar = tqdm(total=nfe, desc="SDXL")
        result = generate_sdxl(pipe, prompt, negative_prompt=negative_prompt, nfe=nfe,
                               guidance=guidance, width=width, height=height, num_images=n,
                               seed=seed, scheduler=scheduler, spacing=spacing or "leading",
                               on_step=lambda i, total: bar.update(1), model_id=model_id)
        bar.close()
        for note in result.notes:
            typer.echo(note)
        grid = views.grid([views.pil_to_array(im) for im in result.images])
        rec = result.record
    else:
        name = "toy2d" if model == "toy2d" else ("mnist" if model == "lab" else model)
        n = 16 if n is None else n
        bar = tqdm(total=nfe, desc=f"{scheduler} x{nfe}")
        grid, rec = views.lab_sample_grid(name, class_=class_, toy=toy, scheduler=scheduler,
                                          spacing=spacing or "trailing", nfe=nfe,
                                          guidance=guidance, n=n,
                                          seed=seed, on_step=lambda: bar.update(1))
        bar.close()
    save_image(grid, out, rec)
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
