"""Training and evaluation of the lab audio VAE on espeak-ng speech (``genlab train vae``).

    loss = MR-STFT(x_hat, x) + wave_weight * |x_hat - x|_1 + kl_weight * mean KL per latent element

Run in the background with one thread (the machine is shared):
``nohup nice -n 5 genlab train vae --steps 1500 --out runs/vae-speech > runs/vae.log 2>&1 &``
A checkpoint is written every ``save_every`` steps, so ``--resume`` continues an interrupted run.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class AudioTrainConfig:
    steps: int = 1500            # optimiser steps
    batch_size: int = 4          # clips per step
    segment: int = 4096          # samples per training clip (0.26 s at 16 kHz; multiple of hop)
    lr: float = 1e-3             # Adam learning rate (cosine-decayed to 10%)
    kl_weight: float = 1e-3      # weight of the mean KL per latent element
    wave_weight: float = 10.0    # weight of the waveform L1 term (keeps the phase, hence SI-SDR)
    n_train_utterances: int = 600
    seed: int = 0
    save_every: int = 50
    max_minutes: float = 0.0     # wall-clock budget (0 = none): the lr schedule and the run end with it
    model: dict = field(default_factory=lambda: dict(channels=16, c_mults=[1, 2, 4, 8],
                                                     strides=[2, 4, 4, 8], latent_dim=32))


def train_audio_vae(out: str | Path, config: AudioTrainConfig, *, resume: bool = False,
                    threads: int = 1, progress: bool = True) -> Path:
    """Train and save to ``out`` (config.json + model.safetensors + train_state.json)."""
    import torch
    from tqdm import tqdm

    from genlab.data.speech import make_utterances, random_segments
    from genlab.families.vae.audio_metrics import multi_resolution_stft_loss
    from genlab.families.vae.audio_vae import AudioVAE
    from genlab.families.vae.oobleck import gaussian_kl

    torch.set_num_threads(threads)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    waves = [u.wave for u in make_utterances(config.n_train_utterances, split="train", seed=config.seed)]

    start_step, seconds_so_far = 0, 0.0
    if resume and (out / "model.safetensors").is_file():
        model = AudioVAE.load_lab(out).train()
        state = json.loads((out / "train_state.json").read_text())
        start_step, seconds_so_far = state["step"], state["train_seconds"]
        rng = np.random.default_rng(config.seed + start_step)
    else:
        model = AudioVAE(**config.model).train()
    opt = torch.optim.Adam(model.parameters(), lr=config.lr, betas=(0.8, 0.99))

    t0, wall0 = time.process_time(), time.monotonic()
    bar = tqdm(range(start_step, config.steps), disable=not progress, desc="vae-speech", mininterval=10)
    for step in bar:
        # Progress through the run is the larger of the step and wall-clock fractions, so a
        # shared, slow machine still ends with the cosine-decayed learning rate.
        done = step / config.steps
        if config.max_minutes > 0:
            done = max(done, (time.monotonic() - wall0) / (60 * config.max_minutes))
        if done >= 1.0:
            _save(model, out, config, step, seconds_so_far + time.process_time() - t0)
            print(f"wall-clock budget reached at step {step}", flush=True)
            break
        for group in opt.param_groups:
            group["lr"] = config.lr * (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * done)))
        x = torch.from_numpy(random_segments(waves, config.batch_size, config.segment, rng))[:, None]
        gain = torch.from_numpy(rng.uniform(0.3, 1.0, (config.batch_size, 1, 1)).astype(np.float32))
        x = x * gain  # loudness augmentation: the app peak-normalises, uploads may not be
        x_hat, mu, sigma, _ = model(x)
        stft = multi_resolution_stft_loss(x_hat, x)
        wave = (x_hat - x).abs().mean()
        kl = gaussian_kl(mu, sigma).mean()
        loss = stft + config.wave_weight * wave + config.kl_weight * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        bar.set_postfix(stft=f"{stft.item():.3f}", wave=f"{wave.item():.4f}", kl=f"{kl.item():.3f}")
        if (step + 1) % config.save_every == 0 or step + 1 == config.steps:
            _save(model, out, config, step + 1, seconds_so_far + time.process_time() - t0)
            print(f"step {step + 1} stft {stft.item():.4f} wave {wave.item():.4f} kl {kl.item():.4f}",
                  flush=True)
    return out


def _save(model, out: Path, config: AudioTrainConfig, step: int, train_seconds: float) -> None:
    model.eval()
    model.save_lab(out)
    model.train()
    (out / "train_state.json").write_text(json.dumps(
        {"step": step, "train_seconds": round(train_seconds, 1), "config": asdict(config)}, indent=2))


def evaluate_audio_vae(model, n_clips: int = 12, seed: int = 0, seconds: float = 2.0) -> dict:
    """Quality on held-out clips (test voices and sentences): SI-SDR, MR-STFT distance, STOI, KL.

    Each clip is peak-normalised, cropped/padded to ``seconds`` (a multiple of the hop), encoded
    with the mean latent (z = mu) and decoded.
    """
    import torch

    from genlab.audio import crop_or_pad
    from genlab.data.speech import make_utterances
    from genlab.families.vae.audio_metrics import si_sdr, spectral_distance, stoi
    from genlab.families.vae.oobleck import gaussian_kl

    sdr, spec, intel, kls = [], [], [], []
    for utt in make_utterances(n_clips, split="test", seed=seed):
        x = crop_or_pad(utt.wave[None], int(seconds * model.sample_rate), model.hop)  # (1, T)
        with torch.no_grad():
            mu, sigma = model.encode(torch.from_numpy(x)[None])
            x_hat = model.decode(mu)[0, 0].numpy()
        ref = x[0]
        sdr.append(si_sdr(x_hat, ref))
        spec.append(spectral_distance(x_hat, ref))
        intel.append(stoi(x_hat, ref, model.sample_rate))
        kls.append(float(gaussian_kl(mu, sigma).mean()))
    return {"clips": n_clips, "seconds": seconds, "si_sdr_db": float(np.mean(sdr)),
            "mr_stft_distance": float(np.mean(spec)), "stoi": float(np.mean(intel)),
            "stoi_min": float(np.min(intel)), "kl_per_latent_dim_nats": float(np.mean(kls))}
