"""Training the lab diffusion models: one process or several under ``torchrun``, resumable exactly.

Each step draws one global batch (examples, timesteps, noise, dropped labels) from a single
seeded generator; under ``torchrun --nproc-per-node N`` every process draws the same batch and
computes its slice (``genlab.distributed.rank_slice``), and DistributedDataParallel averages the
gradients, so N processes take the same steps as one (up to the order of floating-point sums).
AdamW with linear warmup and a cosine decay, gradient clipping, and diffusers' ``EMAModel`` (EMA
warmup, Karras-style) for the weights that are shipped.

The run stops at ``steps`` or when the processes together have used ``budget_minutes`` of CPU
time (``process_time``, so other jobs on a shared machine do not shorten it). Rank 0 writes a
checkpoint (``genlab.checkpoint``: atomic, the state file last) every ``checkpoint_every`` steps
and at the end; ``resume=True`` continues from it at any number of processes, bit for bit as if
never stopped.
"""

from __future__ import annotations

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
    budget_minutes: float = 40.0  # stop when this much CPU time has been used (whichever first)
    batch_size: int = 64          # the global batch, over all processes
    lr: float = 1e-3              # peak learning rate, after a linear warmup
    warmup: int = 200
    final_lr_fraction: float = 0.1  # cosine decay from lr to lr * this at `steps` (1.0: constant)
    ema_max_decay: float = 0.9999  # diffusers' EMAModel with warmup: decay 1 - (1 + step)^-power ...
    ema_power: float = 0.75        # ... (0.999 at 10k steps), capped at ema_max_decay
    p_uncond: float = 0.1         # how often the label is dropped to the null class (for guidance)
    min_snr_gamma: float | None = None  # Min-SNR-gamma loss weighting (None: the plain loss)
    grad_clip: float = 1.0
    seed: int = 0
    checkpoint_every: int = 250
    log_every: int = 50
    model: dict = field(default_factory=dict)  # kwargs of the model class


# The training recipe of each data set (the shipped models' settings); a command-line option
# overrides one entry. mnist: cosine schedule + v-prediction (the model's defaults), Min-SNR-5
# weighting, EMA with warmup, as recommended for small images (Nichol & Dhariwal 2021; Salimans &
# Ho 2022; Hang et al. 2023; diffusers' training examples); a constant learning rate after the
# warmup (as EDM, Karras et al. 2022), so that the run stopped at step N is `--steps N`.
RECIPES = {
    "mnist": {"config": {"steps": 20_000, "budget_minutes": 600.0, "batch_size": 64, "lr": 1e-3,
                         "warmup": 500, "final_lr_fraction": 1.0, "min_snr_gamma": 5.0},
              "model": {}, "calibration_per_label": 32, "calibration_stride": 10},
    "digits8": {"config": {"steps": 2_000, "budget_minutes": 10.0, "batch_size": 64, "lr": 1e-3,
                           "warmup": 100, "min_snr_gamma": 5.0},
                "model": {"block_out_channels": [16, 32], "norm_num_groups": 4},
                "calibration_per_label": 16, "calibration_stride": 25},
    "toy2d": {"config": {"steps": 11_000, "budget_minutes": 6.0, "batch_size": 256, "lr": 2e-3,
                         "checkpoint_every": 1000},
              "model": {}, "calibration_per_label": 2000, "calibration_stride": 1},
}


def recipe(data: str, **overrides) -> TrainConfig:
    """The TrainConfig of data set ``data`` with the given (non-None) entries replaced; an entry
    ``channels`` sets the UNet's channels (digits) or the MLP's width (toy2d)."""
    from genlab.errors import check_choice

    check_choice("--data", data, RECIPES)
    cfg = TrainConfig(**RECIPES[data]["config"], model=dict(RECIPES[data]["model"]))
    channels = overrides.pop("channels", None)
    if channels:
        if data == "toy2d":
            cfg.model["hidden"] = int(channels[-1])
        else:
            cfg.model["block_out_channels"] = [int(c) for c in channels]
    for key, value in overrides.items():
        if value is not None:
            setattr(cfg, key, value)
    return cfg


def learning_rate(cfg: TrainConfig, step: int) -> float:
    """Linear warmup, then a cosine from ``lr`` down to ``lr * final_lr_fraction``."""
    warm = min(1.0, (step + 1) / cfg.warmup)
    progress = min(1.0, step / max(1, cfg.steps))
    cosine = cfg.final_lr_fraction + (1 - cfg.final_lr_fraction) * 0.5 * (1 + np.cos(np.pi * progress))
    return float(cfg.lr * warm * cosine)  # a Python float: optimizer state loads weights-only


def ema_model(model_cls, model_config: dict, ema_state: dict):
    """The EMA weights as a model of their own (eval mode)."""
    model = model_cls(**model_config)
    for p, shadow in zip(model.parameters(), ema_state["shadow_params"]):
        p.data.copy_(shadow)
    return model.eval().requires_grad_(False)


def ema_from_checkpoint(model_cls, folder: str | Path):
    """The EMA model saved in the checkpoint folder of a run (read safely while the run goes on)."""
    from genlab.checkpoint import load_checkpoint

    payload = load_checkpoint(folder)
    model = ema_model(model_cls, payload["model_config"], payload["ema"])
    model.load_state_dict({k: v for k, v in payload["model"].items() if k == "log_x0_mse"},
                          strict=False)
    return model, payload


@dataclass
class TrainResult:
    ema: object                # the EMA model (eval mode)
    model: object              # the live model
    step: int
    cpu_seconds: float         # over all processes, including the time before a resume
    history: list              # [(step, mean loss since the previous entry)]


def fit(model_cls, cfg: TrainConfig, x: np.ndarray, y: np.ndarray, out: Path | None, *,
        resume: bool = False, log: Callable[[str], None] = _print,
        progress: Callable[[int], None] | None = None) -> TrainResult:
    """Train ``model_cls(**cfg.model)`` on data x (N, *shape) with labels y (N,).

    With ``resume`` the run continues from the checkpoint in ``out`` (its model configuration;
    this call's steps, budget and optimisation settings); ``CheckpointError`` (an ``InputError``
    on ``--resume``) when there is none or it is damaged.
    """
    from diffusers.training_utils import EMAModel

    from genlab.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
    from genlab.distributed import all_reduce_sum_, barrier, is_main, rank_slice, world, wrap_ddp

    w = world()
    payload = None
    if resume:
        if out is None:
            raise CheckpointError("(none)", "checkpoint_missing")
        payload = load_checkpoint(out)
        cfg.model = dict(payload["model_config"])
    torch.manual_seed(cfg.seed)
    model = model_cls(**cfg.model).to(w.device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.0)
    ema = EMAModel(model.parameters(), decay=cfg.ema_max_decay, use_ema_warmup=True,
                   power=cfg.ema_power)
    gen = torch.Generator().manual_seed(cfg.seed)
    step, cpu_before, history = 0, 0.0, []
    if payload is not None:
        model.load_state_dict(payload["model"])
        opt.load_state_dict(payload["optimizer"])
        ema.load_state_dict(payload["ema"])
        ema.to(device=w.device)
        gen.set_state(payload["generator"])
        step, cpu_before = payload["step"], payload["cpu_seconds"]
        history = [tuple(h) for h in payload["history"]]
        log(f"resumed at step {step} ({cpu_before / 60:.1f} CPU-minutes used)")
    net = wrap_ddp(model)
    model.train()
    x_all = torch.as_tensor(x, dtype=torch.float32)
    y_all = torch.as_tensor(y, dtype=torch.long)
    mine = rank_slice(cfg.batch_size)
    share = w.world_size / cfg.batch_size  # per-rank sum x this = the global mean after DDP's average

    def checkpoint():
        if out is not None and is_main():
            save_checkpoint(out, {
                "model": model.state_dict(), "optimizer": opt.state_dict(), "ema": ema.state_dict(),
                "generator": gen.get_state(), "step": step, "cpu_seconds": cpu_used,
                "history": [list(h) for h in history], "model_config": cfg.model,
                "train_config": asdict(cfg)}, step=step)
        barrier()

    cpu_start, cpu_used = time.process_time(), cpu_before
    loss_sum, loss_count = torch.zeros(1, dtype=torch.float64), 0
    while step < cfg.steps and cpu_used < cfg.budget_minutes * 60:
        idx = torch.randint(0, len(x_all), (cfg.batch_size,), generator=gen)
        k, noise, drop = model.draw_training_noise(cfg.batch_size, gen, cfg.p_uncond)
        lr = learning_rate(cfg, step)
        for group in opt.param_groups:
            group["lr"] = lr
        part = [t[mine].to(w.device) for t in (x_all[idx], y_all[idx], k, noise, drop)]
        losses = model.per_example_loss(*part, min_snr_gamma=cfg.min_snr_gamma, net=net)
        opt.zero_grad(set_to_none=True)
        (losses.sum() * share).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        ema.step(model.parameters())
        step += 1
        # the mean loss of the global batch and the CPU time of all processes, the same on every
        # rank (so that every rank stops at the same step)
        totals = all_reduce_sum_(torch.tensor([losses.detach().sum().item(),
                                               time.process_time() - cpu_start], dtype=torch.float64))
        loss_sum += totals[0] / cfg.batch_size
        loss_count += 1
        cpu_used = cpu_before + float(totals[1])
        if progress is not None:
            progress(step)
        if step % cfg.log_every == 0:
            history.append((step, float(loss_sum) / loss_count))
            loss_sum.zero_()
            loss_count = 0
            log(f"step {step}  loss {history[-1][1]:.4f}  lr {lr:.2e}  cpu {cpu_used / 60:.1f} min")
        if step % cfg.checkpoint_every == 0:
            checkpoint()
    checkpoint()
    log(f"done: {step} steps, {cpu_used / 60:.1f} CPU-minutes")
    model.eval()
    return TrainResult(ema=ema_model(model_cls, cfg.model, ema.state_dict()), model=model,
                       step=step, cpu_seconds=cpu_used, history=history)


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
                 log=_print, progress=None) -> TrainResult:
    x, y = digits_data(data)
    cfg.model.setdefault("image_size", x.shape[-1])
    return fit(DigitDiffusion, cfg, x, y, out, resume=resume, log=log, progress=progress)


def train_toy2d(cfg: TrainConfig, out: Path | None, *, resume=False, log=_print,
                progress=None) -> TrainResult:
    names = cfg.model.get("class_names", ToyDiffusion.__init__.__defaults__[0])
    x, y = toy2d_data(names, seed=cfg.seed)
    return fit(ToyDiffusion, cfg, x, y, out, resume=resume, log=log, progress=progress)


def calibrate_and_export(model, data: str, export: Path | None, *, seed: int = 0,
                         per_label: int | None = None, timestep_stride: int | None = None):
    """Measure the bound's reverse variances on the training data (``calibrate_bound``: every
    timestep below 20, every ``timestep_stride``-th above), then save ``model`` (the EMA) to
    ``export`` in float16. Returns the model."""
    recipe_ = RECIPES[data]
    per_label = per_label or recipe_["calibration_per_label"]
    stride = timestep_stride or recipe_["calibration_stride"]
    if data == "toy2d":
        x, y = toy2d_data(model.class_names, seed=seed)
    else:
        x, y = digits_data(data)
    T = len(model._abar)
    timesteps = sorted(set(range(min(20, T))) | set(range(0, T, stride)) | {T - 1})
    with torch.no_grad():
        model.calibrate_bound(x, y, timesteps=timesteps, per_label=per_label, seed=seed)
    if export is not None:
        model.save_lab(export, dtype=torch.float16)
    return model

