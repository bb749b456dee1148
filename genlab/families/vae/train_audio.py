"""Training and evaluation of the lab audio VAE on offline speech (``genlab train vae``).

    loss = MR-STFT(x_hat, x) + wave_weight * |x_hat - x|_1 + kl_weight * mean KL per latent element

The data (``genlab.data.speech``): sentences spoken by espeak-ng, Festival and flite voices, and
real voices from the hedgewars package, as random windows through ``speech_augment.augment``
(speed, microphone colouring, band limits, reverberation, noise, clipping, level). The model
kept is an exponential moving average of the weights (``ema_decay``), which is smooth at any step,
so the best model so far can be exported while the run goes on.

A checkpoint (``genlab.checkpoint``: weights, EMA, Adam moments, both RNG states, step, CPU time,
history) is written every ``save_every`` steps; ``--resume`` continues exactly: an interrupted
and resumed run ends with the same weights, bit for bit, as an uninterrupted one.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

DATA_CACHE = "speech-data.npz"


@dataclass
class AudioTrainConfig:
    steps: int = 1500            # optimiser steps (the cosine schedule's length)
    batch_size: int = 4          # clips per step
    segment: int = 4096          # samples per training clip (0.26 s at 16 kHz; multiple of hop)
    lr: float = 5e-4             # Adam learning rate (cosine-decayed to 10 %)
    kl_weight: float = 1e-3      # weight of the mean KL per latent element
    wave_weight: float = 10.0    # weight of the waveform L1 term (keeps the phase, hence SI-SDR)
    ema_decay: float = 0.999     # the shipped weights are this moving average
    n_train_utterances: int = 1200   # synthetic sentences, shared in turn among the engines
    engines: tuple = ("espeak-ng", "festival", "flite")
    real_fraction: float = 0.3   # share of each batch drawn from the real training recordings
    augment: float = 1.0         # scales every augmentation's probability (0 = clean windows)
    seed: int = 0
    save_every: int = 100
    budget_minutes: float = 0.0  # CPU-time budget (0 = none): the run stops, checkpointed, when spent
    init_from: str = ""          # a lab AudioVAE folder: its parameters of matching name and shape start the run
    model: dict = field(default_factory=lambda: dict(channels=16, c_mults=[1, 2, 4, 8],
                                                     strides=[2, 4, 4, 4], latent_dim=32))


def _data_key(config: AudioTrainConfig) -> str:
    what = {k: getattr(config, k) for k in ("n_train_utterances", "engines", "real_fraction", "seed")}
    return hashlib.sha256(json.dumps(what, sort_keys=True, default=list).encode()).hexdigest()[:16]


def load_training_speech(out: Path, config: AudioTrainConfig) -> tuple[list, list]:
    """(synthetic waves, real waves), made once and cached in ``out/speech-data.npz`` (no pickles)."""
    from genlab.checkpoint import atomic_write_bytes
    from genlab.data.speech import make_utterances, real_training_recordings

    cache, key = out / DATA_CACHE, _data_key(config)
    if cache.is_file():
        with np.load(cache, allow_pickle=False) as z:
            if str(z["key"]) == key:
                return _unpack(z, "synthetic"), _unpack(z, "real")
    synthetic = [u.wave for u in make_utterances(config.n_train_utterances, split="train", seed=config.seed,
                                                 engines=tuple(config.engines))]
    real = [u.wave for u in real_training_recordings()] if config.real_fraction > 0 else []
    buf = io.BytesIO()
    np.savez(buf, key=np.array(key), **_pack("synthetic", synthetic), **_pack("real", real))
    atomic_write_bytes(cache, buf.getvalue())
    return synthetic, real


def _pack(name: str, waves: list) -> dict:
    return {name: np.concatenate([np.zeros(0, np.float32), *waves]),
            f"{name}_ends": np.cumsum([len(w) for w in waves], dtype=np.int64)}


def _unpack(z, name: str) -> list:
    ends = z[f"{name}_ends"]
    return np.split(z[name], ends[:-1]) if len(ends) else []


def training_batch(synthetic: list, real: list, config: AudioTrainConfig, rng: np.random.Generator):
    """(B, 1, segment) float32: augmented windows, a ``real_fraction`` of them from real voices."""
    from genlab.data.speech import random_segments
    from genlab.data.speech_augment import MARGIN, augment

    window = int(config.segment * MARGIN)
    clips = []
    for _ in range(config.batch_size):
        source = real if real and rng.random() < config.real_fraction else synthetic
        clips.append(augment(random_segments(source, 1, window, rng)[0], config.segment, rng, p=config.augment))
    return np.stack(clips)[:, None]


def train_audio_vae(out: str | Path, config: AudioTrainConfig, *, resume: bool = False,
                    threads: int = 1, progress: bool = True, weights: str = "ema"):
    """Train, checkpointing into ``out``; returns the model (eval mode) with the EMA weights, or with
    ``weights="last"`` the optimiser's own last weights."""
    import torch
    from tqdm import tqdm

    from genlab.checkpoint import load_checkpoint, save_checkpoint
    from genlab.families.vae.audio_metrics import multi_resolution_stft_loss
    from genlab.families.vae.audio_vae import AudioVAE
    from genlab.prob import gaussian_kl

    torch.set_num_threads(threads)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    state = load_checkpoint(out) if resume else None   # CheckpointError when there is nothing
    if state is not None:
        config = AudioTrainConfig(**{**state["config"], "steps": config.steps,
                                     "budget_minutes": config.budget_minutes})
    torch.manual_seed(config.seed)
    model = AudioVAE(**config.model).train()
    if config.init_from and state is None:
        start = AudioVAE.load_lab(config.init_from).state_dict()
        own = model.state_dict()
        model.load_state_dict({k: start[k] if k in start and start[k].shape == v.shape else v
                               for k, v in own.items()})
    ema = AudioVAE(**config.model).eval()
    ema.load_state_dict(model.state_dict())
    opt = torch.optim.Adam(model.parameters(), lr=config.lr, betas=(0.8, 0.99))
    rng = np.random.default_rng(config.seed)
    noise = torch.Generator().manual_seed(config.seed)   # the reparameterisation's eps
    step, cpu_before, history = 0, 0.0, []
    if state is not None:
        model.load_state_dict(state["model"])
        ema.load_state_dict(state["ema"])
        opt.load_state_dict(state["optimizer"])
        rng.bit_generator.state = state["numpy_rng"]
        noise.set_state(state["torch_rng"])
        step, cpu_before, history = state["step"], state["cpu_seconds"], state["history"]
    synthetic, real = load_training_speech(out, config)

    def checkpoint(step_now: int, cpu_s: float):
        save_checkpoint(out, {"config": json.loads(json.dumps(asdict(config))), "model": model.state_dict(),
                              "ema": ema.state_dict(), "optimizer": opt.state_dict(),
                              "numpy_rng": rng.bit_generator.state, "torch_rng": noise.get_state(),
                              "step": step_now, "cpu_seconds": round(cpu_s, 3), "history": history},
                        step=step_now)

    t0 = time.process_time()
    bar = tqdm(total=config.steps, initial=step, disable=not progress, desc="vae-speech", mininterval=30)
    while step < config.steps:
        cpu_s = cpu_before + time.process_time() - t0
        if config.budget_minutes > 0 and cpu_s >= 60 * config.budget_minutes:
            print(f"CPU budget of {config.budget_minutes:g} minutes spent at step {step}", flush=True)
            break
        for group in opt.param_groups:
            group["lr"] = config.lr * (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * step / config.steps)))
        x = torch.from_numpy(training_batch(synthetic, real, config, rng))
        mu, sigma = model.encode(x)
        x_hat = model.decode(mu + sigma * torch.randn(mu.shape, generator=noise))
        stft = multi_resolution_stft_loss(x_hat, x)
        wave = (x_hat - x).abs().mean()
        kl = gaussian_kl(mu, sigma).mean()
        loss = stft + config.wave_weight * wave + config.kl_weight * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        with torch.no_grad():
            for p_ema, p in zip(ema.parameters(), model.parameters()):
                p_ema.lerp_(p, 1 - config.ema_decay)
        step += 1
        bar.update(1)
        if step % config.save_every == 0 or step == config.steps:
            history.append([step, round(stft.item(), 4), round(wave.item(), 5), round(kl.item(), 4)])
            checkpoint(step, cpu_before + time.process_time() - t0)
            print(f"step {step} stft {stft.item():.4f} wave {wave.item():.4f} kl {kl.item():.4f} "
                  f"cpu {(cpu_before + time.process_time() - t0) / 60:.1f} min", flush=True)
    bar.close()
    if step % config.save_every and step < config.steps:
        checkpoint(step, cpu_before + time.process_time() - t0)   # the budget ended the run
    return ema if weights == "ema" else model.eval()


# ---- evaluation ----------------------------------------------------------------------------------
def reconstruction_metrics(model, waves: list, seconds: float) -> dict:
    """SI-SDR, MR-STFT distance, STOI and KL of z = mu reconstructions, each clip at its own length.

    A clip is peak-normalised and cut to at most ``seconds`` (then down to a multiple of the hop),
    never padded. Means with their standard errors over clips.
    """
    import torch

    from genlab.audio import crop_to_hop, peak_normalize
    from genlab.families.vae.audio_metrics import si_sdr, spectral_distance, stoi
    from genlab.prob import gaussian_kl

    rows = []
    for wave in waves:
        x = peak_normalize(crop_to_hop(np.asarray(wave, np.float32)[None],
                                       int(round(seconds * model.sample_rate)), model.hop))
        with torch.no_grad():
            mu, sigma = model.encode(torch.from_numpy(x)[None])
            x_hat = model.decode(mu)[0, 0].numpy()
        rows.append((si_sdr(x_hat, x[0]), spectral_distance(x_hat, x[0]), stoi(x_hat, x[0], model.sample_rate),
                     float(gaussian_kl(mu, sigma).mean()), x.shape[-1] / model.sample_rate))
    r = np.array(rows)
    sem = lambda v: float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else float("nan")  # noqa: E731
    return {"clips": len(rows), "audio_seconds": round(float(r[:, 4].sum()), 2),
            "si_sdr_db": float(r[:, 0].mean()), "si_sdr_db_sem": sem(r[:, 0]),
            "mr_stft_distance": float(r[:, 1].mean()), "mr_stft_distance_sem": sem(r[:, 1]),
            "stoi": float(r[:, 2].mean()), "stoi_sem": sem(r[:, 2]), "stoi_min": float(r[:, 2].min()),
            "kl_per_latent_dim_nats": float(r[:, 3].mean())}


def evaluate_audio_vae(model, n_clips: int = 12, seed: int = 0, seconds: float = 2.0, *,
                       real: bool = True) -> dict:
    """Held-out quality: ``n_clips`` synthetic clips (espeak-ng voices absent from training) and,
    with ``real``, every shipped held-out real recording (speakers absent from training)."""
    from genlab.data.speech import heldout_real_recordings, make_utterances

    out = {"seconds_max": seconds,
           "synthetic": reconstruction_metrics(model, [u.wave for u in make_utterances(n_clips, split="test",
                                                                                       seed=seed)], seconds)}
    if real:
        out["real"] = reconstruction_metrics(model, [u.wave for u in heldout_real_recordings()], seconds)
    return out
