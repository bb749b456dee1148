"""``genlab train|sample|eval vae``: the audio VAE (default), the digit VAE and the 2-D toy VAE.

    genlab train vae --data speech --steps 2400 --out runs/vae-speech
    genlab sample vae --input clip.wav --out recon.wav          # encode -> latent -> reconstruct
    genlab sample vae --prior --seconds 2 --out z.wav           # z ~ N(0, I) -> decode
    genlab eval vae --json                                      # SI-SDR, MR-STFT, STOI, KL
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer



def train(data: str = typer.Option("speech", help="speech (audio VAE), digits (MNIST image VAE, "
                                                  "2-D latent) or a 2-D toy set name (moons, rings, ...)."),
          steps: int = typer.Option(2400, min=1, help="Optimiser steps."),
          out: Path = typer.Option(Path("runs/vae"), help="Output folder (config.json + model.safetensors)."),
          resume: bool = typer.Option(False, help="Continue from the checkpoint in --out."),
          seed: int = typer.Option(0, min=0, help="Random seed (data and initialisation)."),
          batch_size: int = typer.Option(0, min=0, help="Clips/images per step (0 = the default)."),
          threads: int = typer.Option(1, min=1, help="CPU threads for torch (the machine is shared)."),
          max_minutes: float = typer.Option(0.0, min=0, help="Wall-clock budget in minutes for the speech "
                                                              "VAE (0 = none); the lr schedule follows it.")):
    """Train a lab VAE and save it to --out."""
    from genlab.errors import InputError

    if data == "speech":
        from genlab.families.vae.train_audio import AudioTrainConfig, train_audio_vae

        config = AudioTrainConfig(steps=steps, seed=seed, max_minutes=max_minutes)
        if batch_size:
            config.batch_size = batch_size
        path = train_audio_vae(out, config, resume=resume, threads=threads)
    elif data == "digits":
        from genlab.families.vae.image_vae import train_digit_vae

        path = train_digit_vae(out, steps=steps, seed=seed, batch_size=batch_size or 128, threads=threads)
    else:
        from genlab.data.toy2d import TOY_SETS
        from genlab.families.vae.toy_vae import train_toy_vae

        if data not in TOY_SETS:
            raise InputError("--data", "not_choice", value=repr(data),
                             choices=", ".join(("speech", "digits", *TOY_SETS)))
        import torch

        torch.set_num_threads(threads)
        train_toy_vae(data, steps=steps, seed=seed, out=out)
    typer.echo(f"saved {out}")


def sample(input: Optional[Path] = typer.Option(None, "--input", help="A .wav/.flac/.ogg clip to encode and reconstruct."),
           prior: bool = typer.Option(False, "--prior", help="Decode z ~ N(0, I) instead of a clip."),
           seconds: float = typer.Option(2.0, help="Length in seconds (0.5-10)."),
           latent: str = typer.Option("mean", help="mean (z = mu, deterministic) or sample (z ~ q(z|x))."),
           model: str = typer.Option("lab", help="lab, a folder with a lab model, or earlab/EAR_VAE "
                                                 "(a local EAR_VAE folder with config.json and the .pyt)."),
           seed: int = typer.Option(-1, help="Seed (-1 = random)."),
           out: Path = typer.Option(Path("vae.wav"), help="Output .wav or .flac (with provenance)."),
           allow_download: bool = typer.Option(False, help="Let a pretrained model be downloaded.")):
    """Reconstruct a clip (--input) or decode a prior sample (--prior); save audio with provenance."""
    from genlab.errors import InputError
    from genlab.families.vae import pipeline

    if (input is None) == (not prior):
        raise InputError("--input/--prior", "custom", text_en="give exactly one of --input FILE or --prior",
                         text_ru="укажите ровно одно: --input ФАЙЛ или --prior")
    if out.suffix.lower() not in (".wav", ".flac"):
        raise InputError("--out", "custom", text_en="must end in .wav or .flac",
                         text_ru="должен оканчиваться на .wav или .flac")
    vae = pipeline.load_audio_model(model, allow_download=allow_download)
    if prior:
        result = pipeline.decode_prior(vae, seconds=seconds, seed=seed)
    else:
        result = pipeline.reconstruct(vae, input, seconds=seconds, latent=latent, seed=seed)
    pipeline.save_result_audio(result, out, which="reconstruction")
    typer.echo(json.dumps({"out": str(out), **result.summary()}, ensure_ascii=False))


def evaluate(model: str = typer.Option("lab", help="lab or a folder with a lab audio VAE."),
             clips: int = typer.Option(12, min=1, max=200, help="Held-out clips."),
             seconds: float = typer.Option(2.0, min=0.5, max=10, help="Seconds per clip."),
             seed: int = typer.Option(0, min=0, help="Seed of the held-out clips."),
             as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Held-out quality of the audio VAE: SI-SDR, multi-resolution STFT distance, STOI, KL per dim."""
    from genlab.families.vae import pipeline
    from genlab.families.vae.train_audio import evaluate_audio_vae

    vae = pipeline.load_audio_model(model)
    metrics = evaluate_audio_vae(vae, n_clips=clips, seed=seed, seconds=seconds)
    typer.echo(json.dumps(metrics, indent=2) if as_json else
               "\n".join(f"{k}: {v:.4g}" if isinstance(v, float) else f"{k}: {v}" for k, v in metrics.items()))
