"""The taxonomy comparison: each kind says what it can about log p(x), the same way."""

import numpy as np
import pytest

from genlab.errors import InputError
from genlab.taxonomy import MODELS, compare_on_toy, sliced_wasserstein


def test_sliced_wasserstein_closed_form_for_a_shift():
    """Shifting a cloud by v moves every projection by <v, theta>: SW = |v| E|cos| = 2|v|/pi in 2-D."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4000, 2))
    v = np.array([0.6, -0.8])
    sw = sliced_wasserstein(a, a + v, n_projections=4000)
    assert sw == pytest.approx(2 / np.pi, rel=0.02)
    assert sliced_wasserstein(a, a) == pytest.approx(0.0, abs=1e-12)


@pytest.fixture(scope="module")
def results():
    return compare_on_toy("eight_gaussians", n_train=400, n_samples=300, steps=60, seed=0)


def test_every_kind_answers_the_taxonomy(results):
    by_name = {r.name: r for r in results}
    assert set(by_name) == set(MODELS)
    assert by_name["mixture"].density == by_name["flow"].density == "exact"
    assert by_name["vae"].density == by_name["diffusion"].density == "bound"
    assert by_name["gan"].density == "none"
    assert "implicit generative model" in by_name["gan"].no_density
    assert by_name["gan"].scores == {}
    assert by_name["diffusion"].sampling == "iterative" and by_name["diffusion"].nfe > 1
    for r in results:
        assert r.samples.shape == (300, 2) and np.all(np.isfinite(r.samples))
        assert np.isfinite(r.distance) and r.distance >= 0
        assert all(np.isfinite(v) for v in r.scores.values())


def test_iwae_tightens_the_vae_bound(results):
    vae = next(r for r in results if r.name == "vae")
    assert vae.scores["IWAE (k=64)"] >= vae.scores["ELBO"]


def test_mixture_fits_eight_gaussians_better_than_a_single_gaussian(results):
    from scipy.stats import multivariate_normal

    from genlab.data.toy2d import load_toy

    x, held = load_toy("eight_gaussians", 400, seed=0), load_toy("eight_gaussians", 300, seed=1)
    one_gaussian = multivariate_normal(x.mean(0), np.cov(x.T)).logpdf(held).mean()
    mixture = next(r for r in results if r.name == "mixture")
    assert mixture.scores["log p(x)"] > one_gaussian + 1.0


def test_bad_input_names_the_parameter():
    with pytest.raises(InputError, match="data"):
        compare_on_toy("swiss_cheese")
    with pytest.raises(InputError, match="steps"):
        compare_on_toy("moons", steps=0)
