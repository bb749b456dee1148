"""The digit VAE: 28x28 MNIST digits through a 2-D latent that the app lets a user walk through.

    q(z | x) = N(m(x), diag v(x)^2),  z in R^2,  p(z) = N(0, I)
    p(x | z) = prod_pixels Bernoulli(x_ij; sigmoid(logits(z)_ij))   (Kingma & Welling 2014, MNIST)

The pixel intensities in [0, 1] are scored with the Bernoulli cross-entropy, as in the VAE paper;
the ELBO is in nats per image under that observation model.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from genlab.core import LabModule
from genlab.prob import gaussian_kl
from genlab.seeding import torch_generator

SIDE = 28


class DigitVAE(LabModule):
    density = "bound"
    sampling = "one-shot"

    def __init__(self, hidden: int = 400, latent_dim: int = 2):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(SIDE * SIDE, hidden), nn.ReLU(),
                                     nn.Linear(hidden, hidden // 2), nn.ReLU(), nn.Linear(hidden // 2, 2 * latent_dim))
        self.decoder = nn.Sequential(nn.Linear(latent_dim, hidden // 2), nn.ReLU(), nn.Linear(hidden // 2, hidden),
                                     nn.ReLU(), nn.Linear(hidden, SIDE * SIDE))

    def encode(self, x):
        """x (B, 1, 28, 28) in [0, 1] -> mu, sigma (B, latent_dim)."""
        mu, log_std = self.encoder(x).chunk(2, dim=-1)
        return mu, log_std.clamp(-8, 4).exp()

    def decode_logits(self, z):
        return self.decoder(z).view(-1, 1, SIDE, SIDE)

    def decode(self, z):
        """z (B, latent_dim) -> pixel means (B, 1, 28, 28) in [0, 1]."""
        return torch.sigmoid(self.decode_logits(z))

    def elbo(self, x, *, condition=None, n_samples: int = 1, seed: int | None = 0, generator=None,
             kl_weight: float = 1.0):
        """E_q[log p(x|z)] - KL(q || N(0, I)) in nats per image, shape (B,) (``kl_weight`` != 1: a
        training objective, not the bound)."""
        x = torch.as_tensor(x, dtype=torch.float32)
        gen = generator if generator is not None else torch_generator(seed)
        mu, sigma = self.encode(x)
        log_lik = 0.0
        for _ in range(n_samples):
            z = mu + sigma * torch.randn(mu.shape, generator=gen)
            log_lik = log_lik - F.binary_cross_entropy_with_logits(
                self.decode_logits(z), x, reduction="none").flatten(1).sum(1)
        kl = gaussian_kl(mu, sigma).sum(-1)
        return log_lik / n_samples - kl_weight * kl

    @torch.no_grad()
    def sample(self, n, *, condition=None, seed=None, **options):
        """Pixel means of decoded z ~ N(0, I): (n, 1, 28, 28) in [0, 1]."""
        return self.decode(torch.randn((n, self.latent_dim), generator=torch_generator(seed)))


@torch.no_grad()
def latent_grid(model: DigitVAE, n: int = 15, span: float = 3.0) -> np.ndarray:
    """Decode an n x n grid of z in [-span, span]^2: an (n*28, n*28) image in [0, 1], z2 upwards."""
    from genlab.errors import check_int, check_number

    n = check_int("n", n, 2, 40)
    span = check_number("span", span, 0.1, 10)
    z1 = np.linspace(-span, span, n)
    z2 = np.linspace(span, -span, n)
    grid = torch.tensor([[a, b] for b in z2 for a in z1], dtype=torch.float32)
    tiles = model.decode(grid).numpy().reshape(n, n, SIDE, SIDE)
    return tiles.transpose(0, 2, 1, 3).reshape(n * SIDE, n * SIDE)


@torch.no_grad()
def decode_point(model: DigitVAE, z1: float, z2: float) -> np.ndarray:
    """The 28x28 digit (pixel means in [0, 1]) at latent point (z1, z2)."""
    from genlab.errors import check_number

    z = torch.tensor([[check_number("z1", z1, -10, 10), check_number("z2", z2, -10, 10)]], dtype=torch.float32)
    return model.decode(z)[0, 0].numpy()


@torch.no_grad()
def encode_means(model: DigitVAE, images) -> np.ndarray:
    """(N, 1, 28, 28) -> (N, 2) posterior means, for the scatter of digits in latent space."""
    return model.encode(torch.as_tensor(images, dtype=torch.float32))[0].numpy()


def train_digit_vae(out, *, steps: int = 3000, seed: int = 0, batch_size: int = 128, lr: float = 1e-3,
                    threads: int = 1, progress: bool = True, resume: bool = False,
                    budget_minutes: float = 0.0) -> DigitVAE:
    """Train on the 4,500 training digits of ``genlab.data.digits.load_mnist``; checkpoint in and
    save to ``out`` (``resume`` continues a stopped run exactly)."""
    import json
    from pathlib import Path

    from genlab.data.digits import load_mnist
    from genlab.families.vae.fit import maximise_elbo

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    images, _ = load_mnist("train")
    x_all = torch.as_tensor(images, dtype=torch.float32)
    model = DigitVAE()
    maximise_elbo(model, x_all, steps=steps, batch_size=batch_size, lr=lr, seed=seed, progress=progress,
                  desc="vae-digits", checkpoint=out, resume=resume, budget_minutes=budget_minutes)
    if out is not None:
        out = Path(out)
        model.save_lab(out)
        (out / "train_state.json").write_text(json.dumps(
            {"steps": model.fit_info_["steps"], "seed": seed, "batch_size": batch_size, "lr": lr,
             "train_cpu_seconds": model.fit_info_["cpu_seconds"]}, indent=2))
    return model


def evaluate_digit_vae(model: DigitVAE, n_samples: int = 10) -> dict:
    """Held-out ELBO (nats per image) and a 1-NN check that the 2-D latent separates classes."""
    from sklearn.neighbors import KNeighborsClassifier

    from genlab.data.digits import load_mnist

    x_tr, y_tr = load_mnist("train")
    x_te, y_te = load_mnist("heldout")
    with torch.no_grad():
        elbo = model.elbo(torch.as_tensor(x_te), n_samples=n_samples).mean().item()
    knn = KNeighborsClassifier(5).fit(encode_means(model, x_tr), y_tr)
    return {"heldout_images": int(len(x_te)), "heldout_elbo_nats": elbo,
            "knn5_accuracy_in_latent": float(knn.score(encode_means(model, x_te), y_te))}
