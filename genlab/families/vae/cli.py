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
          steps: int = typer.Option(2400, min=1, help="Optimiser steps (the speech VAE's cosine schedule length)."),
          out: Path = typer.Option(Path("runs/vae"), help="Checkpoint folder (the trained model is saved here too)."),
          resume: bool = typer.Option(False, help="Continue exactly from the checkpoint in --out."),
          export: Optional[Path] = typer.Option(None, help="Also save the model (speech: the EMA weights; "
                                                           "float16 for speech and digits) here, e.g. genlab/assets/vae-speech."),
          seed: int = typer.Option(0, help="Random seed (data and initialisation; -1 = random)."),
          batch_size: int = typer.Option(0, min=0, help="Clips/images per step (0 = the default)."),
          threads: int = typer.Option(1, min=1, help="CPU threads for torch (the machine is shared)."),
          budget_minutes: float = typer.Option(0.0, min=0, help="CPU-time budget in minutes (0 = none): the run "
                                                                 "stops there, checkpointed; --resume goes on."),
          n_utterances: int = typer.Option(0, min=0, help="Speech: synthetic training sentences (0 = the default)."),
          weights: str = typer.Option("ema", help="Speech: the weights saved and exported: ema (the moving "
                                                  "average) or last (the optimiser's own)."),
          restarts: int = typer.Option(1, min=1, max=20, help="2-D toys: fit this many times from different "
                                                               "starts, keep the highest training ELBO."),
          init_from: Optional[Path] = typer.Option(None, help="Speech: start from this lab audio VAE's weights "
                                                              "(those of matching name and shape).")):
    """Train a lab VAE; checkpoints in --out, so that --resume continues where a run stopped."""
    import torch

    from genlab.errors import InputError, check_choice
    from genlab.seeding import resolve_seed

    seed = resolve_seed(seed)
    if data == "speech":
        from genlab.families.vae.train_audio import AudioTrainConfig, train_audio_vae

        config = AudioTrainConfig(steps=steps, seed=seed, budget_minutes=budget_minutes)
        if batch_size:
            config.batch_size = batch_size
        if n_utterances:
            config.n_train_utterances = n_utterances
        if init_from is not None:
            if not (init_from / "model.safetensors").is_file():
                raise InputError("--init-from", "unavailable", reason=f"no lab model (model.safetensors) in {init_from}")
            config.init_from = str(init_from)
        model = train_audio_vae(out, config, resume=resume, threads=threads,
                                weights=check_choice("--weights", weights, ("ema", "last")))
        model.save_lab(out)
    elif data == "digits":
        from genlab.families.vae.image_vae import train_digit_vae

        model = train_digit_vae(out, steps=steps, seed=seed, batch_size=batch_size or 128, threads=threads,
                                resume=resume, budget_minutes=budget_minutes)
    else:
        from genlab.data.toy2d import TOY_SETS
        from genlab.families.vae.toy_vae import train_toy_vae

        if data not in TOY_SETS:
            raise InputError("--data", "not_choice", value=repr(data),
                             choices=", ".join(("speech", "digits", *TOY_SETS)))
        torch.set_num_threads(threads)
        model = train_toy_vae(data, steps=steps, seed=seed, out=out, resume=resume,
                              budget_minutes=budget_minutes, batch_size=batch_size or 256, restarts=restarts)
    if export is not None:
        half = data in ("speech", "digits")  # the 2-D toy models are 20 KB: kept in float32
        model.save_lab(export, dtype=torch.float16 if half else None)
        typer.echo(f"exported {'float16' if half else 'float32'} weights to {export}")
    typer.echo(f"saved {out}")


def sample(input: Optional[Path] = typer.Option(None, "--input", help="A .wav/.flac/.ogg clip to encode and reconstruct."),
           prior: bool = typer.Option(False, "--prior", help="Decode z ~ N(0, I) instead of a clip."),
           seconds: float = typer.Option(2.0, help="Seconds (0.5-10): the prior sample's length, or the most "
                                                   "of --input used (a shorter clip keeps its own length)."),
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
             clips: int = typer.Option(12, min=1, max=200, help="Held-out synthetic clips."),
             seconds: float = typer.Option(2.0, min=0.5, max=10, help="At most this many seconds per clip "
                                                                       "(a shorter clip keeps its length)."),
             seed: int = typer.Option(0, min=0, help="Seed of the held-out synthetic clips."),
             real: bool = typer.Option(True, help="Also the shipped held-out real recordings."),
             as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Held-out quality of the audio VAE on synthetic and real speech: SI-SDR, MR-STFT distance,
    STOI, KL per dim (means with standard errors over clips)."""
    from genlab.families.vae import pipeline
    from genlab.families.vae.train_audio import evaluate_audio_vae

    vae = pipeline.load_audio_model(model)
    metrics = evaluate_audio_vae(vae, n_clips=clips, seed=seed, seconds=seconds, real=real)
    if as_json:
        typer.echo(json.dumps(metrics, indent=2))
        return
    for split in ("synthetic", "real"):
        if split in metrics:
            m = metrics[split]
            typer.echo(f"{split} ({m['clips']} clips, {m['audio_seconds']:g} s): "
                       f"STOI {m['stoi']:.3f} ± {m['stoi_sem']:.3f}, SI-SDR {m['si_sdr_db']:+.2f} ± "
                       f"{m['si_sdr_db_sem']:.2f} dB, MR-STFT {m['mr_stft_distance']:.3f} ± "
                       f"{m['mr_stft_distance_sem']:.3f}, KL/dim {m['kl_per_latent_dim_nats']:.3g} nats")
