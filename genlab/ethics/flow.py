"""A small RealNVP normalising flow on 2-D points (Dinh et al., 2017), trained by weighted
maximum likelihood: the neural family of the bias experiment.

log p(x) = log N(f(x); 0, I) + log |det df/dx|, f a stack of affine coupling layers; each layer
keeps one coordinate and shifts and scales the other by functions of it. Weights w_i turn the
loss into -sum_i w_i log p(x_i) / sum_i w_i, which is exactly how "reweighting the training
distribution" enters the objective.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from genlab.compute import one_thread


@dataclass
class FlowConfig:
    n_layers: int = 6        # coupling layers, alternating which coordinate is transformed
    hidden: int = 64         # width of the MLP that outputs each layer's shift and log-scale
    steps: int = 400         # Adam steps
    batch: int = 512         # points per step
    lr: float = 5e-3


def _build(config: FlowConfig):
    import torch
    from torch import nn

    class Coupling(nn.Module):
        def __init__(self, keep: int):
            super().__init__()
            self.keep = keep
            self.net = nn.Sequential(nn.Linear(1, config.hidden), nn.Tanh(),
                                     nn.Linear(config.hidden, config.hidden), nn.Tanh(),
                                     nn.Linear(config.hidden, 2))

        def forward(self, x):                                  # x (B, 2) -> z (B, 2), log|det| (B,)
            a, b = x[:, self.keep:self.keep + 1], x[:, 1 - self.keep:2 - self.keep]
            shift, log_scale = self.net(a).chunk(2, dim=1)
            log_scale = 2.0 * torch.tanh(log_scale / 2.0)      # bounded scales keep training stable
            b = b * torch.exp(log_scale) + shift
            z = torch.cat([a, b], 1) if self.keep == 0 else torch.cat([b, a], 1)
            return z, log_scale[:, 0]

        def inverse(self, z):
            a, b = z[:, self.keep:self.keep + 1], z[:, 1 - self.keep:2 - self.keep]
            shift, log_scale = self.net(a).chunk(2, dim=1)
            log_scale = 2.0 * torch.tanh(log_scale / 2.0)
            b = (b - shift) * torch.exp(-log_scale)
            return torch.cat([a, b], 1) if self.keep == 0 else torch.cat([b, a], 1)

    return nn.ModuleList([Coupling(i % 2) for i in range(config.n_layers)])


class Flow2D:
    """fit / log_prob / sample on (n, 2) numpy arrays, like the mixture wrapper beside it."""

    def __init__(self, config: FlowConfig | None = None, seed: int = 0):
        self.config = config or FlowConfig()
        self.seed = seed

    def fit(self, x: np.ndarray, weights: np.ndarray | None = None) -> "Flow2D":
        import torch

        with torch.random.fork_rng():
            torch.manual_seed(self.seed)
            self.layers_ = _build(self.config)
        self.mean_, self.std_ = x.mean(0), x.std(0)
        xt = torch.as_tensor((x - self.mean_) / self.std_, dtype=torch.float32)
        w = torch.ones(len(x)) if weights is None else torch.as_tensor(weights, dtype=torch.float32)
        gen = torch.Generator().manual_seed(self.seed)
        opt = torch.optim.Adam(self.layers_.parameters(), lr=self.config.lr)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, self.config.steps)
        with one_thread():  # a 2-D toy: one thread is faster than two contended ones
            for _ in range(self.config.steps):
                idx = torch.randint(len(xt), (min(self.config.batch, len(xt)),), generator=gen)
                loss = -(w[idx] * self._log_prob_std(xt[idx])).sum() / w[idx].sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
        return self

    def _log_prob_std(self, x):
        import torch

        log_det = torch.zeros(len(x))
        for layer in self.layers_:
            x, ld = layer(x)
            log_det = log_det + ld
        return -0.5 * (x ** 2).sum(1) - math.log(2 * math.pi) + log_det

    def log_prob(self, x: np.ndarray) -> np.ndarray:
        """log p(x), shape (n,), including the standardisation's Jacobian."""
        import torch

        with torch.no_grad():
            xt = torch.as_tensor((np.asarray(x) - self.mean_) / self.std_, dtype=torch.float32)
            lp = self._log_prob_std(xt).numpy().astype(np.float64)
        return lp - np.log(self.std_).sum()

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        import torch

        z = torch.as_tensor(rng.standard_normal((n, 2)), dtype=torch.float32)
        with torch.no_grad():
            for layer in reversed(self.layers_):
                z = layer.inverse(z)
        return z.numpy().astype(np.float64) * self.std_ + self.mean_
