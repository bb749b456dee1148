"""Samplers by name: diffusers' schedulers, built from one training noise schedule.

A diffusion model is trained once with a fixed forward process q(x_t | x_0) (the betas); the
reverse chain can then be run by any of these solvers. They are diffusers' own classes, not
re-implementations: genlab only chooses the class and the timestep spacing.

* ``ddpm``  — ancestral sampling (Ho et al. 2020), stochastic; made for all 1000 steps.
* ``ddim``  — deterministic DDIM (Song et al. 2021), eta = 0.
* ``deis``  — DEIS multistep (Zhang & Chen 2022), the lecture's scheduler.
* ``dpm++`` — DPM-Solver++ 2M (Lu et al. 2022).
* ``euler`` — Euler on the probability-flow ODE in sigma space (Karras et al. 2022).
"""

from __future__ import annotations

from genlab.errors import check_choice

SCHEDULERS = {
    "ddpm": ("DDPMScheduler", {}),
    "ddim": ("DDIMScheduler", {}),
    "deis": ("DEISMultistepScheduler", {}),
    "dpm++": ("DPMSolverMultistepScheduler", {"algorithm_type": "dpmsolver++", "solver_order": 2}),
    "euler": ("EulerDiscreteScheduler", {}),
}
SPACINGS = ("trailing", "leading", "linspace")


def make_scheduler(name: str, config: dict, *, spacing: str | None = None):
    """A fresh diffusers scheduler ``name`` for a model trained with the noise schedule ``config``.

    Schedulers keep state between steps (multistep solvers remember past model outputs), so
    every sampling run gets a new one. ``spacing`` overrides ``timestep_spacing``; "trailing"
    starts the chain at the last training step, which matters at low NFE.
    """
    import diffusers

    check_choice("scheduler", name, SCHEDULERS)
    class_name, extra = SCHEDULERS[name]
    cls = getattr(diffusers, class_name)
    overrides = dict(extra)
    if spacing is not None:
        overrides["timestep_spacing"] = check_choice("spacing", spacing, SPACINGS)
    return cls.from_config(dict(config), **overrides)


def scheduler_from_pipeline(name: str, pipeline_scheduler, *, spacing: str | None = None):
    """The scheduler ``name`` from a pretrained pipeline's scheduler config (as the lecture does:
    ``DEISMultistepScheduler.from_config(pipe.scheduler.config)``), optionally re-spaced."""
    return make_scheduler(name, pipeline_scheduler.config, spacing=spacing)
