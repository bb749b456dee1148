"""Training the class-conditional digits GAN: hinge loss, spectral norm in D, EMA of G.

One step (Miyato et al., 2018; Brock et al., 2019):

    D:  L_D = E_x[max(0, 1 - D(x, y))] + E_z[max(0, 1 + D(G(z, y'), y'))]
    G:  L_G = -E_z[D(G(z, y'), y')]

The hinge form of the lecture's min-max game; spectral norm keeps D 1-Lipschitz per layer, which
keeps the game stable without a gradient penalty. The shipped generator is an exponential moving
average of G's weights (BigGAN's EMA), which smooths the last steps' oscillations.

Under ``torchrun`` (``genlab.distributed``) every process draws the same global batch from the
same seeded generator and trains on its slice of it, G and D wrapped in DistributedDataParallel
(which averages the slices' gradients: the gradient of the global batch's mean loss) and G's batch
norms computing their statistics over the global batch; so N processes take the steps one
process takes, to float32 round-off. Rank 0 writes the checkpoints (genlab.checkpoint), which hold
nothing that depends on the number of processes, so a run resumes at any world size.
"""

from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from genlab import distributed
from genlab.checkpoint import load_checkpoint, save_checkpoint
from genlab.errors import InputError
from genlab.families.gan.model import ConditionalGAN


@dataclass
class TrainConfig:
    steps: int = 4000          # generator updates (one D update per G update)
    batch_size: int = 64       # the global batch, split between the processes under torchrun
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple = (0.5, 0.999)
    ema_decay: float = 0.999   # weight of the old average per step
    ema_start: int = 500       # copy G into the average until this step
    budget_minutes: float = 25.0  # stop early when (rank 0's) process has used this much CPU time
    eval_every: int = 500      # steps between class-accuracy checks (0: never)
    checkpoint_every: int = 250  # steps between checkpoints, when a checkpoint folder is given
    seed: int = 0


def hinge_d_loss(real_scores, fake_scores):
    return F.relu(1 - real_scores).mean() + F.relu(1 + fake_scores).mean()


def hinge_g_loss(fake_scores):
    return -fake_scores.mean()


@torch.no_grad()
def ema_update(ema, model, decay: float):
    for p_ema, p in zip(ema.parameters(), model.parameters()):
        p_ema.lerp_(p, 1 - decay)
    for b_ema, b in zip(ema.buffers(), model.buffers()):  # batch-norm running statistics
        b_ema.copy_(b)


def _nets(G, D, G_ema):
    return (("G", G), ("D", D), ("G_ema", G_ema))


def save_training(folder: Path, step: int, cpu_minutes: float, history: list, G, D, G_ema,
                  opt_g, opt_d, gen: torch.Generator) -> None:
    """Everything a resumed run needs, through genlab.checkpoint (atomic, state file last):
    weights, optimizer moments, the batch generator's state, the step and the CPU time used."""
    payload = {name: net.state_dict() for name, net in _nets(G, D, G_ema)}
    payload.update(opt_g=opt_g.state_dict(), opt_d=opt_d.state_dict(), rng=gen.get_state(),
                   step=step, cpu_minutes=cpu_minutes, history=history)
    save_checkpoint(folder, payload, step=step)


def load_training(folder: Path, G, D, G_ema, opt_g, opt_d, gen: torch.Generator):
    """Restore what ``save_training`` wrote; returns (step, cpu_minutes, history). Nothing to
    resume, or parts that disagree: ``CheckpointError`` (an InputError on ``--resume``)."""
    payload = load_checkpoint(folder)
    for name, net in _nets(G, D, G_ema):
        net.load_state_dict(payload[name])
    opt_g.load_state_dict(payload["opt_g"])
    opt_d.load_state_dict(payload["opt_d"])
    gen.set_state(payload["rng"])
    return payload["step"], payload["cpu_minutes"], payload["history"]


def train_conditional_gan(gan: ConditionalGAN, images: np.ndarray, labels: np.ndarray,
                          cfg: TrainConfig, *, log=print, evaluate=None, progress=None,
                          checkpoint: Path | None = None, resume: bool = False):
    """Train ``gan`` in place on images (N, 1, 28, 28) in [0, 1] and labels (N,).

    ``evaluate(gan) -> dict`` is called every ``cfg.eval_every`` steps (e.g. class accuracy);
    returns the history (list of dicts). The EMA generator replaces G at the end. With a
    ``checkpoint`` folder the run saves itself every ``cfg.checkpoint_every`` steps, and
    ``resume=True`` continues from there exactly as if it had never stopped. Under torchrun:
    the same call on every process; ``log``, ``evaluate`` and ``progress`` run on rank 0 only.
    """
    world = distributed.world()
    if cfg.batch_size % world.world_size:
        raise InputError("batch_size", "batch_split", batch=cfg.batch_size, world=world.world_size)
    mine = distributed.rank_slice(cfg.batch_size)  # this process's rows of every global batch
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    x_all = torch.from_numpy(np.asarray(images, np.float32)) * 2 - 1  # (N, 1, 28, 28) in [-1, 1]
    y_all = torch.from_numpy(np.asarray(labels, np.int64))
    device = torch.device(world.device)  # cuda:<local rank> under torchrun with GPUs (NCCL)
    gan.to(device)
    G, D = gan.generator, gan.discriminator
    G_ema = copy.deepcopy(G).eval()
    distributed.global_batch_norm(G)  # before the optimizers: G's batch norms see the global batch
    opt_g = torch.optim.Adam(G.parameters(), lr=cfg.lr_g, betas=cfg.betas)
    opt_d = torch.optim.Adam(D.parameters(), lr=cfg.lr_d, betas=cfg.betas)
    history, done, cpu_before = [], 0, 0.0
    if resume:
        done, cpu_before, history = load_training(checkpoint, G, D, G_ema, opt_g, opt_d, gen)
        if world.is_main:
            log({"resumed_at_step": done, "cpu_minutes": round(cpu_before, 2)})
    G_step, D_step = distributed.wrap_ddp(G), distributed.wrap_ddp(D)
    start, cpu_start = time.perf_counter(), time.process_time()
    gan.train()
    for step in range(done + 1, cfg.steps + 1):
        # --- D step: real digits vs G's digits of random classes (each process: its slice)
        idx = torch.randint(0, len(x_all), (cfg.batch_size,), generator=gen)[mine]
        x_real, y_real = x_all[idx].to(device), y_all[idx].to(device)
        z = torch.randn(cfg.batch_size, gan.z_dim, generator=gen)[mine].to(device)
        y_fake = torch.randint(0, gan.n_classes, (cfg.batch_size,), generator=gen)[mine].to(device)
        with torch.no_grad():
            x_fake = G_step(z, y_fake)
        loss_d = hinge_d_loss(D_step(x_real, y_real), D_step(x_fake, y_fake))
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        # --- G step: fool D (D unwrapped: its gradients here are discarded, no need to average them)
        z = torch.randn(cfg.batch_size, gan.z_dim, generator=gen)[mine].to(device)
        y_fake = torch.randint(0, gan.n_classes, (cfg.batch_size,), generator=gen)[mine].to(device)
        loss_g = hinge_g_loss(D(G_step(z, y_fake), y_fake))
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        ema_update(G_ema, G, 0.0 if step < cfg.ema_start else cfg.ema_decay)

        cpu_minutes = cpu_before + (time.process_time() - cpu_start) / 60
        # every process stops at the same step: rank 0's clock decides
        over_budget = distributed.broadcast_(torch.tensor([int(cpu_minutes >= cfg.budget_minutes)], device=device))
        last = step == cfg.steps or bool(over_budget.item())
        if progress is not None and world.is_main:
            progress(step)
        if world.is_main and (step % 100 == 0 or last or (cfg.eval_every and step % cfg.eval_every == 0)):
            row = {"step": step, "loss_d": round(loss_d.item(), 4), "loss_g": round(loss_g.item(), 4),
                   "cpu_minutes": round(cpu_minutes, 2), "wall_s": round(time.perf_counter() - start, 1)}
            if evaluate is not None and cfg.eval_every and (step % cfg.eval_every == 0 or last):
                live = gan.generator
                gan.generator = G_ema
                row.update(evaluate(gan))
                gan.generator = live
                gan.train()
            history.append(row)
            log(row)
        if checkpoint is not None and world.is_main and (step % cfg.checkpoint_every == 0 or last):
            save_training(checkpoint, step, cpu_minutes, history, G, D, G_ema, opt_g, opt_d, gen)
        if last:
            break
    gan.generator = G_ema
    gan.eval().to("cpu")
    return history


def config_dict(cfg: TrainConfig) -> dict:
    return asdict(cfg)
