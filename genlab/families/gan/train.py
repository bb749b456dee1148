"""Training the class-conditional digits GAN: hinge loss, spectral norm in D, EMA of G.

One step (Miyato et al., 2018; Brock et al., 2019):

    D:  L_D = E_x[max(0, 1 - D(x, y))] + E_z[max(0, 1 + D(G(z, y'), y'))]
    G:  L_G = -E_z[D(G(z, y'), y')]

The hinge form of the lecture's min-max game; spectral norm keeps D 1-Lipschitz per layer, which
keeps the game stable without a gradient penalty. The shipped generator is an exponential moving
average of G's weights (BigGAN's EMA), which smooths the last steps' oscillations.
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from genlab.families.gan.model import ConditionalGAN


@dataclass
class TrainConfig:
    steps: int = 4000          # generator updates (one D update per G update)
    batch_size: int = 64
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple = (0.5, 0.999)
    ema_decay: float = 0.999   # weight of the old average per step
    ema_start: int = 500       # copy G into the average until this step
    max_cpu_minutes: float = 25.0  # stop early when this process has used this much CPU time
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


def save_checkpoint(folder: Path, step: int, cpu_minutes: float, history: list, G, D, G_ema,
                    opt_g, opt_d, gen: torch.Generator) -> None:
    """Everything a resumed run needs: weights (safetensors), optimizer moments (read back with
    weights_only=True), the batch generator's state, the step and the CPU time used."""
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    tensors = {f"{name}.{k}": v.detach().clone().contiguous()
               for name, net in (("G", G), ("D", D), ("G_ema", G_ema))
               for k, v in net.state_dict().items()}
    tensors["rng"] = gen.get_state()
    save_file(tensors, folder / "training.safetensors")
    torch.save({"g": opt_g.state_dict(), "d": opt_d.state_dict()}, folder / "optimizers.pt")
    (folder / "state.json").write_text(json.dumps(
        {"step": step, "cpu_minutes": cpu_minutes, "history": history}, indent=1))


def load_checkpoint(folder: Path, G, D, G_ema, opt_g, opt_d, gen: torch.Generator):
    """Restore what ``save_checkpoint`` wrote; returns (step, cpu_minutes, history)."""
    from safetensors.torch import load_file

    if not (folder / "state.json").is_file():
        raise FileNotFoundError(f"resume: no checkpoint in {folder}")
    tensors = load_file(folder / "training.safetensors")
    for name, net in (("G", G), ("D", D), ("G_ema", G_ema)):
        net.load_state_dict({k[len(name) + 1:]: v for k, v in tensors.items()
                             if k.startswith(name + ".")})
    gen.set_state(tensors["rng"])
    optimizers = torch.load(folder / "optimizers.pt", weights_only=True)
    opt_g.load_state_dict(optimizers["g"])
    opt_d.load_state_dict(optimizers["d"])
    state = json.loads((folder / "state.json").read_text())
    return state["step"], state["cpu_minutes"], state["history"]


def train_conditional_gan(gan: ConditionalGAN, images: np.ndarray, labels: np.ndarray,
                          cfg: TrainConfig, *, log=print, evaluate=None, progress=None,
                          checkpoint: Path | None = None, resume: bool = False):
    """Train ``gan`` in place on images (N, 1, 28, 28) in [0, 1] and labels (N,).

    ``evaluate(gan) -> dict`` is called every ``cfg.eval_every`` steps (e.g. class accuracy);
    returns the history (list of dicts). The EMA generator replaces G at the end. With a
    ``checkpoint`` folder the run saves itself every ``cfg.checkpoint_every`` steps, and
    ``resume=True`` continues from there exactly as if it had never stopped.
    """
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    x_all = torch.from_numpy(np.asarray(images, np.float32)) * 2 - 1  # (N, 1, 28, 28) in [-1, 1]
    y_all = torch.from_numpy(np.asarray(labels, np.int64))
    G, D = gan.generator, gan.discriminator
    G_ema = copy.deepcopy(G).eval()
    opt_g = torch.optim.Adam(G.parameters(), lr=cfg.lr_g, betas=cfg.betas)
    opt_d = torch.optim.Adam(D.parameters(), lr=cfg.lr_d, betas=cfg.betas)
    history, done, cpu_before = [], 0, 0.0
    if resume:
        done, cpu_before, history = load_checkpoint(checkpoint, G, D, G_ema, opt_g, opt_d, gen)
        log({"resumed_at_step": done, "cpu_minutes": round(cpu_before, 2)})
    start, cpu_start = time.perf_counter(), time.process_time()
    gan.train()
    for step in range(done + 1, cfg.steps + 1):
        # --- D step: real digits vs G's digits of random classes
        idx = torch.randint(0, len(x_all), (cfg.batch_size,), generator=gen)
        x_real, y_real = x_all[idx], y_all[idx]
        z = torch.randn(cfg.batch_size, gan.z_dim, generator=gen)
        y_fake = torch.randint(0, gan.n_classes, (cfg.batch_size,), generator=gen)
        with torch.no_grad():
            x_fake = G(z, y_fake)
        loss_d = hinge_d_loss(D(x_real, y_real), D(x_fake, y_fake))
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        # --- G step: fool D
        z = torch.randn(cfg.batch_size, gan.z_dim, generator=gen)
        y_fake = torch.randint(0, gan.n_classes, (cfg.batch_size,), generator=gen)
        loss_g = hinge_g_loss(D(G(z, y_fake), y_fake))
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        ema_update(G_ema, G, 0.0 if step < cfg.ema_start else cfg.ema_decay)

        cpu_minutes = cpu_before + (time.process_time() - cpu_start) / 60
        last = step == cfg.steps or cpu_minutes >= cfg.max_cpu_minutes
        if progress is not None:
            progress(step)
        if step % 100 == 0 or last or (cfg.eval_every and step % cfg.eval_every == 0):
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
        if checkpoint is not None and (step % cfg.checkpoint_every == 0 or last):
            save_checkpoint(checkpoint, step, cpu_minutes, history, G, D, G_ema, opt_g, opt_d, gen)
        if last:
            break
    gan.generator = G_ema
    gan.eval()
    return history


def config_dict(cfg: TrainConfig) -> dict:
    return asdict(cfg)
