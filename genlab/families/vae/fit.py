"""Fitting a VAE whose ``elbo(x, generator=..., kl_weight=...)`` gives a per-example bound: maximise its mean.

Used by the digit VAE and the 2-D toy VAE. With a ``checkpoint`` folder the loop saves itself
every ``save_every`` steps through ``genlab.checkpoint`` (weights, Adam moments, the batch
generator's state, step, CPU time); ``resume=True`` continues exactly where it stopped, so an
interrupted and resumed run ends with the same weights, bit for bit, as an uninterrupted one.
"""

from __future__ import annotations

import time

import torch

from genlab.seeding import torch_generator


def maximise_elbo(model, x_all: torch.Tensor, *, steps: int, batch_size: int, lr: float, seed: int,
                  kl_warmup: float = 0.0, progress: bool = False, desc: str = "vae", checkpoint=None,
                  resume: bool = False, save_every: int = 500, budget_minutes: float = 0.0):
    """Adam on -mean ELBO over random minibatches of ``x_all`` (N, ...); returns ``model`` in eval mode.

    ``kl_warmup``: the fraction of the steps over which the KL's weight rises linearly from 0 to 1.
    ``budget_minutes``: stop (checkpointed) once this much CPU time is spent (0 = no limit).
    ``model.fit_info_`` records the steps done and the CPU seconds, resumed runs included.
    """
    from tqdm import tqdm

    from genlab.checkpoint import load_checkpoint, save_checkpoint

    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch_generator(seed)
    step, cpu_before = 0, 0.0
    if resume:
        state = load_checkpoint(checkpoint)  # CheckpointError when there is nothing to resume
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        gen.set_state(state["batch_rng"])
        step, cpu_before = state["step"], state["cpu_seconds"]
    model.train()
    t0 = time.process_time()

    def save(step_now):
        save_checkpoint(checkpoint, {"model": model.state_dict(), "optimizer": opt.state_dict(),
                                     "batch_rng": gen.get_state(), "step": step_now,
                                     "cpu_seconds": cpu_before + time.process_time() - t0}, step=step_now)

    for step in tqdm(range(step, steps), initial=step, total=steps, disable=not progress, desc=desc):
        if budget_minutes > 0 and cpu_before + time.process_time() - t0 >= 60 * budget_minutes:
            break
        kl_weight = min(1.0, step / (kl_warmup * steps)) if kl_warmup > 0 else 1.0
        idx = torch.randint(0, len(x_all), (batch_size,), generator=gen)
        loss = -model.elbo(x_all[idx], generator=gen, kl_weight=kl_weight).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if checkpoint is not None and (step + 1) % save_every == 0:
            save(step + 1)
    else:
        step = steps
    if checkpoint is not None and step % save_every:
        save(step)
    model.fit_info_ = {"steps": step, "cpu_seconds": round(cpu_before + time.process_time() - t0, 1)}
    return model.eval()
