"""The 2-D VAE: ELBO <= IWAE <= log p(x), checked against the linear-Gaussian closed form."""

import math

import numpy as np
import pytest
import torch

from genlab.families.vae.toy_vae import ToyVAE, diag_gaussian_log_prob, train_toy_vae
from tests.contract import GenerativeModelContract


def linear_vae(seed=0, orthogonal=False):
    torch.manual_seed(seed)
    model = ToyVAE(linear=True)
    with torch.no_grad():
        w = torch.randn(2, 2)
        if orthogonal:  # W^T W diagonal -> the exact posterior covariance is diagonal too
            q, _ = torch.linalg.qr(w)
            w = q @ torch.diag(torch.tensor([1.5, 0.7]))
        model.decoder.weight.copy_(w)
        model.decoder.bias.copy_(torch.tensor([0.3, -0.2]))
        model.dec_log_std.copy_(torch.tensor([-1.0, -0.7]) if not orthogonal else torch.tensor([-0.8, -0.8]))
        model.enc_log_std.fill_(-1.2)
    return model


class TestToyVAEContract(GenerativeModelContract):
    def make_model(self):
        torch.manual_seed(0)
        return ToyVAE(hidden=16)

    def make_data(self):
        return np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)


def test_diag_log_prob_matches_scipy():
    from scipy.stats import norm

    x, m, s = np.array([0.3, -1.2]), np.array([0.1, 0.4]), np.array([0.5, 2.0])
    ours = diag_gaussian_log_prob(torch.tensor(x), torch.tensor(m), torch.tensor(np.log(s))).item()
    assert ours == pytest.approx(norm.logpdf(x, m, s).sum(), rel=1e-10)


def test_exact_log_prob_matches_scipy():
    from scipy.stats import multivariate_normal

    model = linear_vae()
    x = np.array([[0.5, 1.0], [-1.0, 0.2]])
    w, b = model.decoder.weight.detach().numpy(), model.decoder.bias.detach().numpy()
    cov = w @ w.T + np.diag(np.exp(2 * model.dec_log_std.detach().numpy()))
    np.testing.assert_allclose(model.exact_log_prob(x).detach().numpy(),
                               multivariate_normal(b, cov).logpdf(x), rtol=1e-5)


def test_elbo_le_iwae_le_log_p_on_linear_gaussian():
    model = linear_vae()
    x = model.sample(400, seed=3)
    with torch.no_grad():
        log_p = model.exact_log_prob(x).mean().item()
        elbo = model.elbo(x, n_samples=2000, seed=1).mean().item()
        iwae = [model.iwae(x, k=k, seed=1).mean().item() for k in (1, 10, 100, 2000)]
        mean_log_w = model._log_weights(x, 2000, torch.Generator().manual_seed(2)).mean().item()
    assert elbo == pytest.approx(mean_log_w, abs=0.05)        # E_q[log w] = IWAE_1 in expectation = ELBO
    assert elbo < iwae[1] < iwae[2] < iwae[3]                 # monotone in K
    assert iwae[3] <= log_p + 0.02                            # still a bound (MC tolerance)
    assert log_p - iwae[3] < log_p - elbo                     # and tighter than the ELBO


def test_exact_posterior_closes_the_gap():
    """With q = p(z|x) the importance weights are constant: ELBO = IWAE = log p(x) exactly."""
    model = linear_vae(orthogonal=True)
    cov = model.set_exact_posterior_mean()
    assert torch.allclose(cov, torch.diag(torch.diagonal(cov)), atol=1e-6)
    with torch.no_grad():
        model.enc_log_std.copy_(0.5 * torch.log(torch.diagonal(cov)))
        x = model.sample(50, seed=4)
        log_p = model.exact_log_prob(x)
        np.testing.assert_allclose(model.iwae(x, k=5).numpy(), log_p.numpy(), atol=1e-4)
        # the ELBO's first term is a Monte Carlo mean (the KL is closed form): equal up to MC error
        np.testing.assert_allclose(model.elbo(x, n_samples=20000).numpy(), log_p.numpy(), atol=0.05)


def test_kl_is_the_correct_closed_form():
    """0.5 * sum(mu^2 + sigma^2 - log sigma^2 - 1), against torch.distributions (not twice it)."""
    model = ToyVAE(hidden=8)
    x = torch.randn(7, 2)
    m, log_std = model.q(x)
    ref = torch.distributions.kl_divergence(torch.distributions.Normal(m, log_std.exp()),
                                            torch.distributions.Normal(0.0, 1.0)).sum(-1)
    np.testing.assert_allclose(model.kl(x).detach().numpy(), ref.detach().numpy(), rtol=1e-5)


def test_training_raises_the_elbo():
    from genlab.data.toy2d import load_toy

    x = load_toy("moons", 300, seed=5)
    with torch.no_grad():
        torch.manual_seed(0)
        start = ToyVAE(hidden=32).elbo(x, n_samples=20).mean().item()
    model = train_toy_vae("moons", steps=300, n=1000, hidden=32)
    with torch.no_grad():
        end = model.elbo(x, n_samples=20).mean().item()
        iwae = model.iwae(x, k=100).mean().item()
    assert end > start + 0.5 and iwae >= end - 0.01
    assert math.isfinite(iwae)
