"""An unconditional GAN on 2-D points: small enough to train live, with mode coverage measured.

The lecture's objective, min_G max_D E_x[log D(x)] + E_z[log(1 - D(G(z)))], with the usual
non-saturating generator loss -E_z[log D(G(z))]. On eight Gaussians on a circle it shows the GAN's
characteristic failure: G may cover a few modes well and miss others (mode collapse), which
``mode_coverage`` counts.

Shapes: z (B, z_dim), x (B, 2).
"""

from __future__ import annotations


import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from genlab.compute import one_thread
from genlab.core import LabModule
from genlab.data.toy2d import eight_gaussian_centers, load_toy
from genlab.errors import check_int, check_seed
from genlab.seeding import resolve_seed

EIGHT_STD = 0.02 ** 0.5  # the std of each of the eight Gaussians in genlab.data.toy2d


def mlp(d_in, hidden, d_out, act):
    return nn.Sequential(nn.Linear(d_in, hidden), act(), nn.Linear(hidden, hidden), act(),
                         nn.Linear(hidden, hidden), act(), nn.Linear(hidden, d_out))


class ToyGAN(LabModule):
    """G: z (B, z_dim) -> x (B, 2); D: x -> logit of 'real'. ``density = "none"``."""

    density = "none"
    sampling = "one-shot"

    def __init__(self, z_dim: int = 4, hidden: int = 64):
        super().__init__()
        self.z_dim = z_dim
        self.generator = mlp(z_dim, hidden, 2, nn.ReLU)
        self.discriminator = mlp(2, hidden, 1, lambda: nn.LeakyReLU(0.2))

    def sample(self, n: int, *, condition=None, seed=None, **options) -> torch.Tensor:
        """(n, 2) points x = G(z), z ~ N(0, I)."""
        n = check_int("n", n, 1)
        gen = torch.Generator().manual_seed(resolve_seed(check_seed("seed", seed)))
        with torch.no_grad():
            return self.generator(torch.randn(n, self.z_dim, generator=gen))

    def decision(self, points) -> np.ndarray:
        """D(x) = P(real | x) at points (M, 2): the discriminator's decision field."""
        with torch.no_grad():
            x = torch.as_tensor(np.asarray(points, np.float32))
            return torch.sigmoid(self.discriminator(x)).squeeze(1).numpy()


def mode_coverage(points, centers=None, std: float = EIGHT_STD) -> dict:
    """How many modes the samples hit (eight Gaussians by default).

    A sample is *high quality* if it lies within 3 std of some centre; a mode is *hit* if it
    receives at least a quarter of its fair share (n / n_modes) of high-quality samples.
    Returns ``{"modes_hit", "n_modes", "per_mode" (fraction of samples per mode), "high_quality"}``.
    """
    points = np.asarray(points, np.float64)
    centers = eight_gaussian_centers() if centers is None else np.asarray(centers)
    dist = np.linalg.norm(points[:, None, :] - centers[None], axis=2)  # (n, modes)
    nearest, close = dist.argmin(1), dist.min(1) <= 3 * std
    counts = np.bincount(nearest[close], minlength=len(centers))
    per_mode = counts / len(points)
    hit = per_mode >= 0.25 / len(centers)
    return {"modes_hit": int(hit.sum()), "n_modes": len(centers), "per_mode": per_mode.round(4).tolist(),
            "high_quality": float(close.mean())}


class ToyTrainer:
    """Alternating D and G updates; ``run(k)`` does k steps so a view can redraw between calls."""

    def __init__(self, gan: ToyGAN, data: str = "eight_gaussians", *, seed: int = 0, batch_size: int = 256,
                 lr: float = 1e-3, n_data: int = 20000):
        self.gan, self.data, self.batch_size = gan, data, batch_size
        torch.manual_seed(seed)
        self.gen = torch.Generator().manual_seed(seed)
        self.x = torch.from_numpy(load_toy(data, n_data, seed=seed).astype(np.float32))  # (n_data, 2)
        self.opt_g = torch.optim.Adam(gan.generator.parameters(), lr=lr, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(gan.discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
        self.step = 0

    def run(self, k: int) -> dict:
        with one_thread():
            return self._run(k)

    def _run(self, k: int) -> dict:
        G, D, b = self.gan.generator, self.gan.discriminator, self.batch_size
        for _ in range(k):
            real = self.x[torch.randint(0, len(self.x), (b,), generator=self.gen)]
            fake = G(torch.randn(b, self.gan.z_dim, generator=self.gen))
            # D ascends log D(x) + log(1 - D(G(z))): binary cross-entropy with labels 1 and 0
            real_logit, fake_logit = D(real), D(fake.detach())
            loss_d = (F.binary_cross_entropy_with_logits(real_logit, torch.ones_like(real_logit))
                      + F.binary_cross_entropy_with_logits(fake_logit, torch.zeros_like(fake_logit)))
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_d.step()
            # G: the non-saturating loss -log D(G(z)) (same fixed point, stronger early gradients)
            fake_logit = D(fake)
            loss_g = F.binary_cross_entropy_with_logits(fake_logit, torch.ones_like(fake_logit))
            self.opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            self.opt_g.step()
            self.step += 1
        row = {"step": self.step, "loss_d": round(loss_d.item(), 4), "loss_g": round(loss_g.item(), 4)}
        if self.data == "eight_gaussians":
            cov = mode_coverage(self.gan.sample(2000, seed=0).numpy())
            row.update(modes_hit=cov["modes_hit"], high_quality=round(cov["high_quality"], 4))
        return row


def train_toy_gan(gan: ToyGAN, data: str = "eight_gaussians", *, steps: int = 2000, seed: int = 0,
                  log_every: int = 100, log=None) -> list[dict]:
    """Train in place; returns the history, logged every ``log_every`` steps (with mode coverage)."""
    trainer = ToyTrainer(gan, data, seed=seed)
    history = []
    while trainer.step < steps:
        row = trainer.run(min(log_every, steps - trainer.step))
        history.append(row)
        if log:
            log(row)
    return history


def fit_toy(x, *, data: str, steps: int, seed: int):
    """The taxonomy comparison's GAN (``genlab.registry.TOY_MODELS``): a ToyGAN trained ``steps``
    steps on fresh batches of the toy set ``data`` (the trainer draws its own points, so ``x``
    only fixes the set)."""
    from genlab.core import ToyFit

    torch.manual_seed(seed)
    gan = ToyGAN()
    train_toy_gan(gan, data, steps=steps, seed=seed, log_every=max(1, steps))
    return ToyFit(gan)
