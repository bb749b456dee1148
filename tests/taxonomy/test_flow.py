"""The 2-D RealNVP flow honours the taxonomy's contract (an exact density, seeded sampling,
save/load as config.json + model.safetensors), and its density is a proper one."""

import numpy as np
import pytest
from contract import GenerativeModelContract

from genlab.families.flow.model import Flow2D


def _data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)) * [2.0, 0.5] + [1.0, -3.0]


class TestFlowContract(GenerativeModelContract):
    def make_model(self):
        return Flow2D(steps=20, seed=0).fit(_data())

    def make_data(self):
        return _data(10, seed=1)


def test_density_integrates_to_one_on_a_grid():
    flow = Flow2D(steps=30, seed=0).fit(_data())
    gx = np.linspace(-9, 11, 301)
    gy = np.linspace(-7, 1, 241)
    xx, yy = np.meshgrid(gx, gy)
    p = np.exp(flow.log_prob(np.stack([xx.ravel(), yy.ravel()], 1)))
    assert p.sum() * (gx[1] - gx[0]) * (gy[1] - gy[0]) == pytest.approx(1.0, abs=0.02)


def test_fitting_a_gaussian_matches_its_closed_form_log_likelihood():
    """Long enough, maximum likelihood on Gaussian data reaches the Gaussian's own held-out score."""
    from scipy.stats import multivariate_normal

    x, held = _data(2000, 0), _data(2000, 1)
    flow = Flow2D(steps=300, seed=0).fit(x)
    reference = multivariate_normal(x.mean(0), np.cov(x.T)).logpdf(held).mean()
    assert flow.log_prob(held).mean() == pytest.approx(reference, abs=0.05)


def test_saved_flow_has_the_same_density(tmp_path):
    flow = Flow2D(steps=20, seed=3).fit(_data())
    flow.save_lab(tmp_path / "f")
    loaded = Flow2D.load_lab(tmp_path / "f")
    x = _data(50, 2)
    np.testing.assert_allclose(loaded.log_prob(x), flow.log_prob(x), rtol=1e-6, atol=1e-6)
    assert loaded.steps == 20 and loaded.seed == 3


def test_weights_move_the_density_toward_the_weighted_points():
    x = np.concatenate([_data(900, 0), _data(100, 1) + [6.0, 0.0]])
    w = np.r_[np.full(900, 0.5 / 0.9), np.full(100, 0.5 / 0.1)]
    plain, weighted = Flow2D(steps=150, seed=0).fit(x), Flow2D(steps=150, seed=0).fit(x, w)
    far = _data(200, 2) + [6.0, 0.0]
    assert weighted.log_prob(far).mean() > plain.log_prob(far).mean() + 0.5
