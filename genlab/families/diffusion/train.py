"""Training the lab diffusion models: the simple DDPM loss, AdamW, an EMA of the weights.

``train_digits`` and ``train_toy2d`` run in a budget of CPU time (``process_time``, so other jobs on
the machine do not shorten the run) and save a checkpoint folder every ``checkpoint_every`` steps:
``model/`` (the live weights), ``ema/`` (the exponential moving average, what is shipped),
``optimizer.pt`` (read back with ``torch.load(weights_only=True)``) and ``state.json``.
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from genlab.families.diffusion.model import DigitDiffusion, ToyDiffusion


def _print(message: str) -> None:
    print(message, flush=True)  # flushed: training logs are read while the run goes on


@dataclass
class TrainConfig:
    steps: int = 20_000           # optimizer steps at most
    cpu_minutes: float = 40.0     # stop when this much CPU time has been used (whichever first)
    batch_size: int = 64
    lr: float = 1e-3              # peak learning rate, after a linear warmup
    warmup: int = 200
    final_lr_fraction: float = 0.1  # cosine decay from lr to lr * this at `steps`
    ema_decay: float = 0.995      # a short run: a long EMA would still remember the random init
    p_uncond: float = 0.1         # how often the label is dropped to the null class (for guidance)
    seed: int = 0
    checkpoint_every: int = 250
    model: dict = field(default_factory=dict)  # kwargs of the model class


def _save_checkpoint(out: Path, model, ema, opt, step: int, cpu_s: float, cfg: TrainConfig,
                     losses: list[float]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    model.save_lab(out / "model")
    ema.save_lab(out / "ema")
    torch.save(opt.state_dict(), out / "optimizer.pt")
    state = {"step": step, "cpu_seconds": cpu_s, "config": asdict(cfg),
             "loss_last_100": float(np.mean(losses[-100:])) if losses else None}
    (out / "state.json").write_text(json.dumps(state, indent=2))


def learning_rate(cfg: TrainConfig, step: int) -> float:
    """Linear warmup, then a cosine from ``lr`` down to ``lr * final_lr_fraction``."""
    warm = min(1.0, (step + 1) / cfg.warmup)
    progress = min(1.0, step / max(1, cfg.steps))
    cosine = cfg.final_lr_fraction + (1 - cfg.final_lr_fraction) * 0.5 * (1 + np.cos(np.pi * progress))
    return float(cfg.lr * warm * cosine)  # a Python float: optimizer state loads weights-only


def fit(model_cls, cfg: TrainConfig, x: np.ndarray, y: np.ndarray, out: Path | None, *,
        resume: bool = False, log: Callable[[str], None] = _print):
    """Train ``model_cls(**cfg.model)`` on data x (N, *shape) with labels y (N,).

    Returns the EMA model (eval mode).
    """
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    model = model_cls(**cfg.model)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.0)
    step, cpu_before = 0, 0.0
    if resume and out is not None and (out / "state.json").is_file():
        state = json.loads((out / "state.json").read_text())
        model = model_cls.load_lab(out / "model").train()
        opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.0)
        opt.load_state_dict(torch.load(out / "optimizer.pt", weights_only=True))
        ema = model_cls.load_lab(out / "ema")
        step, cpu_before = state["step"], state["cpu_seconds"]
        gen.manual_seed(cfg.seed + step)  # a fresh but reproducible stream after a resume
        log(f"resumed at step {step} ({cpu_before / 60:.1f} CPU-minutes used)")
    else:
        ema = copy.deepcopy(model)
    ema.eval().requires_grad_(False)
    model.train()
    x_t = torch.as_tensor(x, dtype=torch.float32)
    y_t = torch.as_tensor(y, dtype=torch.long)
    n = len(x_t)
    losses: list[float] = []
    cpu_start = time.process_time()
    cpu_used = cpu_before
    while step < cfg.steps and cpu_used < cfg.cpu_minutes * 60:
        idx = torch.randint(0, n, (cfg.batch_size,), generator=gen)
        lr = learning_rate(cfg, step)
        for group in opt.param_groups:
            group["lr"] = lr
        loss = model.loss(x_t[idx], y_t[idx], p_uncond=cfg.p_uncond, generator=gen)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        with torch.no_grad():
            decay = min(cfg.ema_decay, (1 + step) / (10 + step))
            for p_ema, p in zip(ema.parameters(), model.parameters()):
                p_ema.lerp_(p, 1 - decay)
        losses.append(loss.item())
        step += 1
        cpu_used = cpu_before + time.process_time() - cpu_start
        if step % 50 == 0:
            log(f"step {step}  loss {np.mean(losses[-50:]):.4f}  lr {lr:.2e}  "
                f"cpu {cpu_used / 60:.1f} min")
        if out is not None and step % cfg.checkpoint_every == 0:
            _save_checkpoint(out, model, ema, opt, step, cpu_used, cfg, losses)
    if out is not None:
        _save_checkpoint(out, model, ema, opt, step, cpu_used, cfg, losses)
    log(f"done: {step} steps, {cpu_used / 60:.1f} CPU-minutes")
    return ema


def digits_data(data: str = "mnist"):
    """(images (N, 1, S, S) in [0, 1], labels (N,)) for "mnist" (28x28) or "digits8" (8x8)."""
    from genlab.data.digits import load_mnist, load_small_digits

    if data == "mnist":
        return load_mnist("train")
    return load_small_digits("train")


def toy2d_data(class_names, n_per_set: int = 20_000, seed: int = 0):
    from genlab.data.toy2d import load_toy

    xs, ys = [], []
    for label, name in enumerate(class_names):
        xs.append(load_toy(name, n_per_set, seed=seed + label))
        ys.append(np.full(n_per_set, label))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys)


def train_digits(cfg: TrainConfig, out: Path | None, *, data: str = "mnist", resume=False,
                 log=_print) -> DigitDiffusion:
    x, y = digits_data(data)
    cfg.model.setdefault("image_size", x.shape[-1])
    return fit(DigitDiffusion, cfg, x, y, out, resume=resume, log=log)


def train_toy2d(cfg: TrainConfig, out: Path | None, *, resume=False, log=_print) -> ToyDiffusion:
    names = cfg.model.get("class_names", ToyDiffusion.__init__.__defaults__[0])
    x, y = toy2d_data(names, seed=cfg.seed)
    return fit(ToyDiffusion, cfg, x, y, out, resume=resume, log=log)
