"""A normalizing flow on 2-D points (RealNVP, Dinh et al., 2017, from zuko), trained by weighted
maximum likelihood: an explicit model with an exact density, used by the taxonomy tab and the
bias experiment.

log p(x) = log N(f(x); 0, I) + log |det df/dx|, f a stack of affine coupling layers. Weights w_i
turn the loss into -sum_i w_i log p(x_i) / sum_i w_i, which is exactly how "reweighting the
training distribution" enters the objective.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genlab.compute import one_thread


@dataclass
class FlowConfig:
    n_layers: int = 6        # coupling layers (zuko alternates the masked coordinate)
    hidden: int = 64         # width of the two hidden layers that give each layer's shift, scale
    steps: int = 400         # Adam steps
    batch: int = 512         # points per step
    lr: float = 5e-3


class Flow2D:
    """fit / log_prob / sample on (n, d) numpy arrays, standardised inside."""

    density = "exact"
    sampling = "one-shot"

    def __init__(self, config: FlowConfig | None = None, seed: int = 0):
        self.config = config or FlowConfig()
        self.seed = seed

    def fit(self, x: np.ndarray, weights: np.ndarray | None = None) -> "Flow2D":
        import torch
        import zuko

        cfg = self.config
        with torch.random.fork_rng():
            torch.manual_seed(self.seed)
            self.flow_ = zuko.flows.RealNVP(features=x.shape[1], transforms=cfg.n_layers,
                                            hidden_features=(cfg.hidden, cfg.hidden))
        self.mean_, self.std_ = x.mean(0), x.std(0)
        xt = torch.as_tensor((x - self.mean_) / self.std_, dtype=torch.float32)
        w = torch.ones(len(x)) if weights is None else torch.as_tensor(weights, dtype=torch.float32)
        gen = torch.Generator().manual_seed(self.seed)
        opt = torch.optim.Adam(self.flow_.parameters(), lr=cfg.lr)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, cfg.steps)
        with one_thread():  # a 2-D toy: one thread is faster than two contended ones
            for _ in range(cfg.steps):
                idx = torch.randint(len(xt), (min(cfg.batch, len(xt)),), generator=gen)
                loss = -(w[idx] * self.flow_().log_prob(xt[idx])).sum() / w[idx].sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
        self.flow_.eval()
        return self

    def log_prob(self, x: np.ndarray, *, condition=None) -> np.ndarray:
        """log p(x), shape (n,), including the standardisation's Jacobian."""
        import torch

        with torch.no_grad():
            xt = torch.as_tensor((np.asarray(x) - self.mean_) / self.std_, dtype=torch.float32)
            lp = self.flow_().log_prob(xt).numpy().astype(np.float64)
        return lp - np.log(self.std_).sum()

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        import torch

        with torch.no_grad(), torch.random.fork_rng():
            torch.manual_seed(int(rng.integers(2**31 - 1)))
            z = self.flow_().sample((n,))
        return z.numpy().astype(np.float64) * self.std_ + self.mean_
