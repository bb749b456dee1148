"""The diffusion family: a fixed forward noising process and a learned reverse chain x_T -> ... -> x_0.

The files, in the roles every family shares:

* ``model``: the lab models, ``DigitDiffusion`` (diffusers' UNet, class-conditional, 28x28 digits)
  and ``ToyDiffusion`` (an MLP on the 2-D toy sets); ``schedulers``: diffusers' DDPM, DDIM, DEIS,
  DPM-Solver++ and Euler, by name; ``sampling``: the reverse-chain loop (classifier-free
  guidance, the predicted x_0 at every step); ``elbo``: the variational bound on log p(x).
* ``train``: training with a CPU-time budget and checkpoints (``genlab train diffusion``).
* ``pipeline``: the family's face — ``DiffusionRequest`` (every parameter declared once) in,
  samples with provenance out; the lab models and SDXL behind it (``load_lab_model``).
* ``pretrained``: the lecture's SDXL base 1.0 + DEIS through diffusers' ``StableDiffusionXLPipeline``
  (pinned revision, local cache unless downloads are allowed).
* ``evaluate``: sample quality and the bound on held-out digits; ``figures``: the figures.
* ``cli``: ``genlab train|sample|eval diffusion``.

The views over it: ``genlab.sections.diffusion`` (handlers), ``genlab.app.tabs.diffusion``,
``genlab.widgets.diffusion_widget``.
"""
