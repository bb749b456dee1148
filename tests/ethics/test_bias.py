"""The bias experiment: a model reproduces its data's group frequency; each remedy moves it to
the target, and none can do so for less than the closed-form price KL(Bern(data)||Bern(target))."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import entropy, multivariate_normal

from genlab.errors import InputError
from genlab.ethics import bias
from genlab.ethics.pipeline import BiasRequest


@pytest.fixture(scope="module")
def gmm_exp():
    return bias.run(BiasRequest(model="gmm", minority=0.1, target=0.5, n_train=2000,
                               n_test=4000, n_samples=4000, seed=3))


def test_model_reproduces_the_data_frequency(gmm_exp):
    # sampling sd ~0.005, estimation sd ~0.007: 0.03 is more than 3 sd
    assert abs(gmm_exp.results["none"].freq_b - gmm_exp.data_freq_b) < 0.03
    assert abs(gmm_exp.data_freq_b - 0.1) < 0.03


@pytest.mark.parametrize("remedy", ["reweight", "filter", "constrain", "postprocess"])
def test_remedies_move_the_frequency_to_the_target(gmm_exp, remedy):
    assert abs(gmm_exp.results[remedy].freq_b - 0.5) < 0.05


def test_quota_hits_the_target_exactly(gmm_exp):
    assert gmm_exp.results["constrain"].freq_b == 0.5


def test_fit_cost_is_at_least_the_closed_form_price(gmm_exp):
    lost = {r: gmm_exp.ll_true - res.ll_original for r, res in gmm_exp.results.items()}
    assert lost["none"] < 0.05                         # ML on the data fits the data
    for r in ("reweight", "filter", "constrain", "postprocess"):
        assert lost[r] > gmm_exp.price - 0.05, r       # 0.05: held-out estimate noise
    # the quota on a good model samples ~p*(x|g) t(g): it reaches the bound
    assert lost["constrain"] == pytest.approx(gmm_exp.price, abs=0.06)
    # reweighting raises the rare group's own fit and lowers the common group's
    assert gmm_exp.results["reweight"].ll_b > gmm_exp.results["none"].ll_b
    assert gmm_exp.results["reweight"].ll_a < gmm_exp.results["none"].ll_a


def test_fairness_price_matches_scipy_entropy():
    assert bias.fairness_price(0.1, 0.5) == pytest.approx(entropy([0.1, 0.9], [0.5, 0.5]))
    assert bias.fairness_price(0.3, 0.3) == pytest.approx(0.0)


def test_weights_and_filter_give_the_target_exactly():
    rng = np.random.default_rng(0)
    y = (rng.random(1000) < 0.2).astype(int)
    w = bias.fairness_weights(y, 0.4)
    assert (w * y).sum() / w.sum() == pytest.approx(0.4)
    keep = bias.filter_to_target(y, 0.4, rng)
    assert y[keep].mean() == pytest.approx(0.4, abs=2e-3)
    assert y[keep].sum() == y.sum()                    # only the surplus group is dropped
    keep = bias.filter_to_target(y, 0.1, rng)          # target below the data: drop B instead
    assert y[keep].mean() == pytest.approx(0.1, abs=2e-3) and (y[keep] == 0).sum() == (y == 0).sum()


def _grid_integral(log_q):
    g = np.linspace(-7, 7, 351)
    xx, yy = np.meshgrid(g, g)
    pts = np.stack([xx.ravel(), yy.ravel()], 1)
    return np.exp(log_q(pts)).sum() * (g[1] - g[0]) ** 2


def test_effective_densities_integrate_to_one():
    """The remedies' sampled distributions are proper densities (so their log-likelihoods are
    comparable): checked by brute-force integration on a grid."""
    model = bias.Mixture(3, 0).fit(bias.make_data(1500, 0.1, np.random.default_rng(1))[0])
    p_b = np.mean(bias.group_of(model.sample(200000, seed=2)) == 1)
    shift = bias.MEANS[1] - bias.MEANS[0]
    assert _grid_integral(lambda x: bias.postprocess_log_prob(model, x, 0.5, shift, p_b)) == \
        pytest.approx(1.0, abs=0.01)
    t, p = np.array([0.5, 0.5]), np.array([1 - p_b, p_b])
    assert _grid_integral(lambda x: model.log_prob(x) + np.log(t / p)[bias.group_of(x)]) == \
        pytest.approx(1.0, abs=0.02)


def test_true_density_matches_scipy_mixture():
    x = np.random.default_rng(0).normal(size=(50, 2))
    ref = np.log(0.8 * multivariate_normal(bias.MEANS[0], bias.COVS[0]).pdf(x)
                 + 0.2 * multivariate_normal(bias.MEANS[1], bias.COVS[1]).pdf(x))
    np.testing.assert_allclose(bias.true_log_prob(x, 0.2), ref, rtol=1e-10)


def test_mixture_fit_and_sampler_match_sklearn():
    from sklearn.mixture import GaussianMixture

    x = bias.make_data(1000, 0.3, np.random.default_rng(4))[0]
    x_test = bias.make_data(3000, 0.3, np.random.default_rng(6))[0]
    model = bias.Mixture(2, 0).fit(x)
    ref = GaussianMixture(2, n_init=3, random_state=0).fit(x)
    assert model.log_prob(x_test).mean() == pytest.approx(ref.score(x_test), abs=0.01)
    s = model.sample(20000, seed=5)
    ref_s = ref.sample(20000)[0]
    np.testing.assert_allclose(s.mean(0), ref_s.mean(0), atol=0.05)
    np.testing.assert_allclose(np.cov(s.T), np.cov(ref_s.T), atol=0.08)


def test_same_seed_same_table():
    cfg = BiasRequest(n_train=400, n_test=200, n_samples=300, seed=11)
    assert bias.run(cfg, ("none", "reweight")).table() == bias.run(cfg, ("none", "reweight")).table()


def test_flow_reproduces_then_reweighting_moves_the_frequency():
    exp = bias.run(BiasRequest(model="flow", minority=0.15, target=0.5, n_train=1500, n_test=1000,
                              n_samples=3000, flow_steps=250, seed=0), ("none", "reweight"))
    assert abs(exp.results["none"].freq_b - exp.data_freq_b) < 0.05
    assert exp.results["reweight"].freq_b > 0.35


def test_flow_density_integrates_to_one():
    from genlab.families.flow.model import Flow2D

    x = bias.make_data(500, 0.2, np.random.default_rng(0))[0]
    flow = Flow2D(steps=30, seed=0).fit(x)
    assert _grid_integral(flow.log_prob) == pytest.approx(1.0, abs=0.02)


@pytest.mark.parametrize("bad", [dict(minority=0.9), dict(target=1.0), dict(model="gan"),
                                 dict(n_train=10)])
def test_bad_config_names_the_parameter(bad):
    with pytest.raises(InputError) as err:
        bias.run(BiasRequest(**bad))
    assert next(iter(bad)) in str(err.value)


def test_too_few_of_the_rare_group_is_a_users_error_in_both_languages():
    with pytest.raises(InputError) as err:
        bias.run(BiasRequest(minority=0.01, n_train=200, seed=4))  # 1 point of B
    assert err.value.param == "minority" and "group B" in err.value.message("en")
    assert "группы B" in err.value.message("ru")
