"""The taxonomy comparison: each kind says what it can about log p(x), the same way; the kinds are
read off the models' classes and each family's model comes from its one registry hook."""

import numpy as np
import pytest

from genlab import registry
from genlab.core import KIND_OF_DENSITY, ToyFit, kind_of
from genlab.errors import InputError
from genlab.taxonomy import MODELS, TaxonomyRequest, compare, sliced_wasserstein


def test_sliced_wasserstein_closed_form_for_a_shift():
    """Shifting a cloud by v moves every projection by <v, theta>: SW = |v| E|cos| = 2|v|/pi in 2-D."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4000, 2))
    v = np.array([0.6, -0.8])
    sw = sliced_wasserstein(a, a + v, n_projections=4000)
    assert sw == pytest.approx(2 / np.pi, rel=0.02)
    assert sliced_wasserstein(a, a) == pytest.approx(0.0, abs=1e-12)


@pytest.fixture(scope="module")
def result():
    return compare(TaxonomyRequest(data="eight_gaussians", n_train=400, n_samples=300, steps=100, seed=0))


def test_every_kind_answers_the_taxonomy(result):
    by_name = {r.name: r for r in result.models}
    assert list(by_name) == list(MODELS) == list(registry.TOY_MODELS)
    assert by_name["mixture"].density == by_name["flow"].density == "exact"
    assert by_name["vae"].density == by_name["diffusion"].density == "bound"
    assert by_name["gan"].density == "none"
    assert by_name["mixture"].kind == by_name["flow"].kind == "explicit"
    assert by_name["gan"].kind == "implicit" and by_name["vae"].kind == by_name["diffusion"].kind == "latent"
    assert "implicit generative model" in by_name["gan"].no_density.message("en")
    assert "неявная генеративная модель" in by_name["gan"].no_density.message("ru")
    assert by_name["gan"].scores == {}
    assert by_name["diffusion"].sampling == "iterative" and by_name["diffusion"].nfe > 1
    for r in result.models:
        assert r.samples.shape == (300, 2) and np.all(np.isfinite(r.samples))
        assert np.isfinite(r.distance) and r.distance >= 0
        assert all(np.isfinite(v) for v in r.scores.values())
        assert set(r.score_stderr) == set(r.scores) and all(s > 0 for s in r.score_stderr.values())
        assert r.fit_seconds >= 0 and r.sample_seconds > 0


def test_the_kinds_come_from_the_model_classes_and_each_hook_gives_a_toy_fit():
    """No table repeats the kinds: each row's kind and density are its model class's own."""
    x = np.random.default_rng(0).normal(size=(200, 2))
    for name in ("mixture", "flow", "gan"):
        fit = registry.toy_model(name)(x, data="eight_gaussians", steps=20, seed=0)
        assert isinstance(fit, ToyFit)
        cls = type(fit.model)
        assert kind_of(fit.model) == KIND_OF_DENSITY[cls.density]
    assert registry.FAMILIES["gan"].taxonomy == "implicit (no density)"
    assert registry.FAMILIES["mixture"].taxonomy == "explicit (exact density)"
    assert registry.FAMILIES["diffusion"].taxonomy == "latent (ELBO bound)"


def test_the_result_carries_its_provenance_and_draws_in_the_requests_language(result):
    rec = result.provenance
    assert rec["label"] == "AI-generated" and rec["seed"] == 0 and rec["params"]["steps"] == 100
    assert rec["request"] == "genlab.taxonomy.TaxonomyRequest"
    fig = result.show()
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 1 + len(MODELS)
    assert "p(x): exact" in titles[1] and "Gaussian mixture" in titles[1]
    import dataclasses

    ru = dataclasses.replace(result, request=dataclasses.replace(result.request, lang="ru")).show()
    ru_titles = " ".join(ax.get_title() for ax in ru.axes)
    assert "p(x): точно" in ru_titles and "p(x): нет" in ru_titles and "p(x): нижняя оценка" in ru_titles
    assert "гауссова смесь" in ru_titles and "exact" not in ru_titles


def test_iwae_tightens_the_vae_bound(result):
    vae = next(r for r in result.models if r.name == "vae")
    assert vae.scores["IWAE (k=64)"] >= vae.scores["ELBO"]


def test_mixture_fits_eight_gaussians_better_than_a_single_gaussian(result):
    from scipy.stats import multivariate_normal

    from genlab.data.toy2d import load_toy

    x, held = load_toy("eight_gaussians", 400, seed=0), load_toy("eight_gaussians", 300, seed=1)
    one_gaussian = multivariate_normal(x.mean(0), np.cov(x.T)).logpdf(held).mean()
    mixture = next(r for r in result.models if r.name == "mixture")
    assert mixture.scores["log p(x)"] > one_gaussian + 1.0


def test_bad_input_names_the_parameter():
    with pytest.raises(InputError, match="data"):
        compare(TaxonomyRequest(data="swiss_cheese"))
    with pytest.raises(InputError, match="steps"):
        compare(TaxonomyRequest(data="moons", steps=0))
    with pytest.raises(InputError, match="models"):
        compare(TaxonomyRequest(), models=("mixture", "bogus"))
