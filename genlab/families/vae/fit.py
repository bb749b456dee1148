"""Fitting a VAE whose ``elbo(x, generator=...)`` gives a per-example bound: maximise its mean."""

from __future__ import annotations

import torch

from genlab.seeding import torch_generator


def maximise_elbo(model, x_all: torch.Tensor, *, steps: int, batch_size: int, lr: float, seed: int,
                  progress: bool = False, desc: str = "vae"):
    """Adam on -mean ELBO over random minibatches of ``x_all`` (N, ...); returns ``model`` in eval mode."""
    from tqdm import tqdm

    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch_generator(seed)
    for _ in tqdm(range(steps), disable=not progress, desc=desc):
        idx = torch.randint(0, len(x_all), (batch_size,), generator=gen)
        loss = -model.elbo(x_all[idx], generator=gen).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return model.eval()
