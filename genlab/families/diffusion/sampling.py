"""The reverse chain x_T -> ... -> x_0, written as diffusers' loop over ``set_timesteps``/``step``.

The loop is ours so that a view can watch it (progress per step, the predicted x_0 at chosen
steps, particle trajectories); each step's update is the scheduler's ``step``, never our own.
Classifier-free guidance (Ho & Salimans 2022) mixes the conditional and unconditional
predictions: out = out(x, null) + w * (out(x, y) - out(x, null)); w = 1 is the plain conditional
model, w = 0 the unconditional one. The mix is the same for eps-, v- and x_0-prediction (each is
linear in the others at a fixed x_t and t).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable, Iterator

import torch


@dataclass
class Step:
    index: int            # 0 .. nfe-1, one network evaluation (per guidance branch) each
    timestep: float       # the training timestep t the model was queried at
    x_t: torch.Tensor     # the model's input at t, in the variance-preserving space, (B, *shape)
    sample: torch.Tensor  # x_{t-1} after this step, in the scheduler's space, (B, *shape)
    pred_x0: torch.Tensor  # the model's estimate of x_0 at this step, (B, *shape)


def guided_output(model_fn: Callable, x: torch.Tensor, t, labels: torch.Tensor, null_label: int,
                  guidance: float) -> torch.Tensor:
    """The network's prediction with classifier-free guidance; one batched call for both branches."""
    if guidance == 1.0:
        return model_fn(x, t, labels)
    null = torch.full_like(labels, null_label)
    if guidance == 0.0:
        return model_fn(x, t, null)
    both = model_fn(torch.cat([x, x]), t, torch.cat([labels, null]))
    cond, uncond = both.chunk(2)
    return uncond + guidance * (cond - uncond)


def predicted_x0(scheduler, step_output, model_input: torch.Tensor, output: torch.Tensor, t):
    """The x_0 that the prediction ``output`` implies at (x_t, t), unless the scheduler already
    returns it (DDPM, DDIM and Euler do; the multistep solvers do not): for eps-prediction
    x_0 = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t) (Ho et al. eq. 15), for v-prediction
    x_0 = sqrt(abar_t) x_t - sqrt(1 - abar_t) v."""
    x0 = getattr(step_output, "pred_original_sample", None)
    if x0 is not None:
        return x0
    abar = scheduler.alphas_cumprod[int(t)].to(output.dtype)
    kind = scheduler.config.prediction_type
    if kind == "sample":
        return output
    if kind == "v_prediction":
        return abar.sqrt() * model_input - (1 - abar).sqrt() * output
    return (model_input - (1 - abar).sqrt() * output) / abar.sqrt()


@torch.no_grad()
def reverse_chain(model_fn: Callable, scheduler, shape: tuple, *, nfe: int, labels: torch.Tensor,
                  null_label: int, guidance: float, generator: torch.Generator) -> Iterator[Step]:
    """Run the scheduler from pure noise, yielding a ``Step`` after each update.

    Parameters
    ----------
    model_fn : callable (x (B, *shape), t, labels (B,)) -> the network's prediction (B, *shape)
    scheduler : a fresh diffusers scheduler (see ``schedulers.make_scheduler``) whose
        ``prediction_type`` is the network's
    shape : (B, *data_shape)
    """
    scheduler.set_timesteps(nfe)
    # Stochastic schedulers (DDPM) take the generator; the others do not (as diffusers'
    # pipelines check in ``prepare_extra_step_kwargs``).
    params = inspect.signature(scheduler.step).parameters
    extra = {"generator": generator} if "generator" in params else {}
    if "use_clipped_model_output" in params and (scheduler.config.get("thresholding")
                                                 or scheduler.config.get("clip_sample")):
        # DDIM: re-derive eps from the thresholded x_0 so that the two agree (DDIMPipeline's
        # option); with the raw eps, guided samples drift into noise as the steps grow.
        extra["use_clipped_model_output"] = True
    x = torch.randn(shape, generator=generator) * scheduler.init_noise_sigma
    for index, t in enumerate(scheduler.timesteps):
        model_input = scheduler.scale_model_input(x, t)
        output = guided_output(model_fn, model_input, t, labels, null_label, guidance)
        out = scheduler.step(output, t, x, **extra)
        x0 = predicted_x0(scheduler, out, model_input, output, t)
        x = out.prev_sample
        yield Step(index=index, timestep=float(t), x_t=model_input, sample=x, pred_x0=x0)
