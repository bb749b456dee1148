"""``genlab train|sample|eval vae``: the audio VAE (default), the digit VAE and the 2-D toy VAE.

    genlab train vae --data speech --steps 2400 --out runs/vae-speech
    genlab sample vae --input clip.wav --out recon.wav          # encode -> latent -> reconstruct
    genlab sample vae --prior --seconds 2 --out z.wav           # z ~ N(0, I) -> decode
    genlab sample vae --model earlab/EAR_VAE --weights DIR --input clip.wav   # the lecture's model
    genlab eval vae --json                                      # SI-SDR, MR-STFT, STOI, KL
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from genlab.cli_options import with_request
from genlab.families.vae.pipeline import PriorRequest, ReconstructionRequest, SpeechEvalRequest


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
                raise InputError("--init-from", "no_lab_vae", folder=str(init_from))
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


@with_request(ReconstructionRequest)
def sample(
    request: ReconstructionRequest,
    prior: bool = typer.Option(False, "--prior", help="Decode z ~ N(0, I) instead of a clip (--input)."),
    weights: Optional[Path] = typer.Option(None, help="A folder with the model's weights: a lab audio VAE "
                                                      "(e.g. a training run) or an EAR_VAE snapshot."),
    out: Path = typer.Option(Path("vae.wav"), help="Output .wav or .flac (with provenance)."),
    notebook: Optional[Path] = typer.Option(None, help="Also write a notebook (.ipynb) that makes the same audio."),
    allow_downloads: bool = typer.Option(False, "--allow-downloads",
                                         help="Let EAR_VAE's weights be downloaded from the Hugging Face hub."),
):
    """Reconstruct a clip (--input) or decode a prior sample (--prior); save audio with provenance."""
    from genlab.errors import InputError
    from genlab.families.vae import pipeline
    from genlab.i18n import Translator

    if (not request.clip) == (not prior):
        raise InputError("--input/--prior", "input_or_prior")
    if out.suffix.lower() not in (".wav", ".flac"):
        raise InputError("--out", "bad_suffix", suffixes=".wav, .flac")
    if prior:
        r = request
        result = pipeline.sample_prior(PriorRequest(model=r.model, seconds=r.seconds, seed=r.seed, lang=r.lang),
                                       weights=weights, allow_download=allow_downloads)
    else:
        result = pipeline.reconstruct(request, weights=weights, allow_download=allow_downloads)
    pipeline.save_audio_file(result, out)
    if notebook is not None:
        from genlab.notebook import save_notebook

        save_notebook(result.request, notebook, provenance=result.provenance)
    summary = {"out": str(out), **result.summary()}
    if summary.get("shorter_than_requested"):
        summary["length_note"] = Translator("vae", "en")("shorter", clip=result.seconds, asked=request.seconds)
    typer.echo(json.dumps(summary, ensure_ascii=False))


@with_request(SpeechEvalRequest)
def evaluate(
    request: SpeechEvalRequest,
    weights: Optional[Path] = typer.Option(None, help="A folder with a lab audio VAE (default: the shipped one)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
):
    """Held-out quality of the audio VAE on synthetic and real speech: SI-SDR, MR-STFT distance,
    STOI, KL per dim (means with standard errors over clips)."""
    from genlab.families.vae import pipeline

    metrics = pipeline.evaluate_speech(request, weights=weights)
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
