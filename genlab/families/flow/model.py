"""A normalizing flow on 2-D points (RealNVP, Dinh et al., 2017, from zuko), trained by weighted
maximum likelihood: an explicit model with an exact density, used by the taxonomy comparison and
the bias experiment.

log p(x) = log N(f(u); 0, I) + log |det df/du| - sum log s, u = (x - m) / s the standardised point
and f a stack of affine coupling layers. Weights w_i turn the loss into
-sum_i w_i log p(x_i) / sum_i w_i, which is exactly how "reweighting the training distribution"
enters the objective.

Saved as a folder with config.json (the ``__init__`` arguments) and model.safetensors (the
coupling layers and the standardisation), like every lab model (``genlab.core.LabModule``).
"""

from __future__ import annotations

import numpy as np
import torch
import zuko

from genlab.compute import one_thread
from genlab.core import LabModule, ToyFit
from genlab.errors import check_int, check_seed
from genlab.seeding import resolve_seed


class Flow2D(LabModule):
    """fit / log_prob / sample on (n, d) numpy arrays, standardised inside.

    ``n_layers`` coupling layers (zuko alternates the masked coordinate), each with two hidden
    layers of ``hidden`` units giving its shift and scale; ``fit`` takes ``steps`` Adam steps of
    ``batch`` points at learning rate ``lr`` (cosine-annealed), seeded by ``seed``.
    """

    density = "exact"
    sampling = "one-shot"

    def __init__(self, features: int = 2, n_layers: int = 6, hidden: int = 64, steps: int = 400,
                 batch: int = 512, lr: float = 5e-3, seed: int = 0):
        super().__init__()
        self.steps, self.batch, self.lr, self.seed = steps, batch, lr, seed
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.flow = zuko.flows.RealNVP(features=features, transforms=n_layers,
                                           hidden_features=(hidden, hidden))
        # the standardisation learned from the data (saved with the weights)
        self.register_buffer("mean_", torch.zeros(features, dtype=torch.float64))
        self.register_buffer("std_", torch.ones(features, dtype=torch.float64))

    def _standardise(self, x) -> torch.Tensor:
        x = torch.as_tensor(np.asarray(x), dtype=torch.float64)
        return ((x - self.mean_) / self.std_).float()

    def fit(self, x: np.ndarray, weights: np.ndarray | None = None) -> "Flow2D":
        x = np.asarray(x, dtype=np.float64)
        self.mean_.copy_(torch.from_numpy(x.mean(0)))
        self.std_.copy_(torch.from_numpy(x.std(0)))
        xt = self._standardise(x)
        w = torch.ones(len(x)) if weights is None else torch.as_tensor(weights, dtype=torch.float32)
        gen = torch.Generator().manual_seed(self.seed)
        opt = torch.optim.Adam(self.flow.parameters(), lr=self.lr)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, self.steps)
        self.train()
        with one_thread():  # a 2-D toy: one thread is faster than two contended ones
            for _ in range(self.steps):
                idx = torch.randint(len(xt), (min(self.batch, len(xt)),), generator=gen)
                loss = -(w[idx] * self.flow().log_prob(xt[idx])).sum() / w[idx].sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
        self.eval()
        return self

    def log_prob(self, x, *, condition=None) -> np.ndarray:
        """log p(x), shape (n,), including the standardisation's Jacobian."""
        with torch.no_grad():
            lp = self.flow().log_prob(self._standardise(x)).numpy().astype(np.float64)
        return lp - float(torch.log(self.std_).sum())

    def sample(self, n: int, *, condition=None, seed: int | None = None, **options) -> np.ndarray:
        """(n, d) points: u ~ N(0, I) pushed through the inverse flow, then un-standardised."""
        n = check_int("n", n, 1)
        with torch.no_grad(), torch.random.fork_rng(devices=[]):
            torch.manual_seed(resolve_seed(check_seed("seed", seed)))
            u = self.flow().sample((n,))
        return (u.double() * self.std_ + self.mean_).numpy()


def fit_toy(x, *, data: str, steps: int, seed: int) -> ToyFit:
    """The taxonomy comparison's flow (``genlab.registry.TOY_MODELS``): a Flow2D fitted to ``x``
    in ``steps // 2`` steps (at least 100; each step sees a batch of 512 points)."""
    return ToyFit(Flow2D(steps=max(100, steps // 2), seed=seed).fit(x))
