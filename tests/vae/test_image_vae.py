"""The digit VAE: the taxonomy contract, its ELBO against an independent computation, the shipped model."""

import numpy as np
import pytest
import torch

from genlab.families.vae.image_vae import DigitVAE, decode_point, latent_grid
from contract import GenerativeModelContract


class TestDigitVAEContract(GenerativeModelContract):
    def make_model(self):
        torch.manual_seed(0)
        return DigitVAE(hidden=32).eval()

    def make_data(self):
        return torch.rand(3, 1, 28, 28)


def test_elbo_matches_an_independent_monte_carlo():
    """ELBO = E_q[log p(x|z) + log p(z) - log q(z|x)] written with torch.distributions."""
    torch.manual_seed(0)
    model = DigitVAE(hidden=32)
    x = (torch.rand(4, 1, 28, 28) > 0.7).float()
    with torch.no_grad():
        ours = model.elbo(x, n_samples=4000, seed=0)
        mu, sigma = model.encode(x)
        q = torch.distributions.Normal(mu, sigma)
        z = q.sample((4000,))
        px = torch.distributions.Bernoulli(logits=model.decode_logits(z.reshape(-1, 2)).reshape(4000, 4, -1))
        ref = (px.log_prob(x.flatten(1)).sum(-1) + torch.distributions.Normal(0, 1).log_prob(z).sum(-1)
               - q.log_prob(z).sum(-1)).mean(0)
    np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=2e-3)


def test_grid_and_point():
    model = DigitVAE(hidden=32)
    grid = latent_grid(model, 5, 2.0)
    assert grid.shape == (140, 140) and 0 <= grid.min() and grid.max() <= 1
    np.testing.assert_allclose(grid[:28, :28], decode_point(model, -2.0, 2.0), atol=1e-6)  # top-left


def test_shipped_digit_vae_separates_classes():
    from genlab.data.digits import load_mnist
    from genlab.families.vae.image_vae import encode_means

    from pathlib import Path
    folder = Path(__file__).resolve().parents[2] / "genlab" / "assets" / "vae-digits"
    model = DigitVAE.load_lab(folder)
    x, y = load_mnist("heldout")
    with torch.no_grad():
        assert model.elbo(torch.as_tensor(x[:100]), n_samples=2).mean() > -180  # card: -153.8
    codes = encode_means(model, x)
    centroids = np.stack([codes[y == c].mean(0) for c in range(10)])
    spread = np.linalg.norm(centroids[:, None] - centroids[None], axis=-1)
    assert spread[np.triu_indices(10, 1)].mean() > 1.0  # class means apart in a latent of scale ~1
