"""GaussianMixtureEM: scikit-learn's estimator checks, genlab's model contract, persistence,
the Bayes classifier and MLE = min KL."""

import numpy as np
import pytest
from contract import GenerativeModelContract
from scipy.stats import multivariate_normal
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from genlab.classic import (GaussianMixtureEM, GenerativeClassifier, create_dataset,
                            match_components_to_classes, mixture_class_posterior, mle_kl_curve,
                            stack_labelled)
from genlab.errors import InputError
from genlab.prob import LECTURE_MIXTURE, mixture_sample


@parametrize_with_checks([GaussianMixtureEM(n_components=2, random_state=0),
                          GenerativeClassifier(random_state=0)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


class TestGaussianMixtureContract(GenerativeModelContract):
    def make_model(self):
        x = mixture_sample(300, LECTURE_MIXTURE, seed=0)[0]
        return GaussianMixtureEM(2, init="pca_split", random_state=0).fit(x)

    def make_data(self):
        return mixture_sample(5, LECTURE_MIXTURE, seed=1)[0]


def test_fitted_mixture_finds_the_lecture_mixture():
    x = mixture_sample(20_000, LECTURE_MIXTURE, seed=0)[0]
    gm = GaussianMixtureEM(2, init="pca_split", random_state=0).fit(x)
    order = np.argsort(gm.means_[:, 0])
    np.testing.assert_allclose(gm.means_[order], LECTURE_MIXTURE.means, atol=0.05)
    np.testing.assert_allclose(gm.covariances_[order], LECTURE_MIXTURE.covariances, atol=0.06)
    assert gm.converged_ and gm.history_.n_iter == gm.n_iter_
    assert gm.bic(x) < GaussianMixtureEM(1).fit(x).bic(x)
    assert gm.aic(x) == pytest.approx(-2 * gm.score(x) * len(x) + 2 * 11)
    proba = gm.predict_proba(x[:10])
    np.testing.assert_allclose(proba.sum(1), 1.0)
    np.testing.assert_array_equal(gm.predict(x[:10]), proba.argmax(1))


def test_save_load_keeps_everything(tmp_path):
    x = mixture_sample(500, LECTURE_MIXTURE, seed=0)[0]
    gm = GaussianMixtureEM(2, init="collapsed", damping=0.5, random_state=3).fit(x)
    gm.save_pretrained(tmp_path / "m")
    loaded = GaussianMixtureEM.from_pretrained(tmp_path / "m")
    assert loaded.get_params() == gm.get_params()
    np.testing.assert_array_equal(loaded.score_samples(x), gm.score_samples(x))
    np.testing.assert_array_equal(loaded.sample(7, seed=1), gm.sample(7, seed=1))
    with pytest.raises(FileNotFoundError):
        GaussianMixtureEM.from_pretrained(tmp_path / "missing")


def test_from_sets_uses_the_labels_and_condition_samples_a_component():
    x1, x2 = create_dataset(seed=0)
    x, y = stack_labelled(x1, x2)
    gm = GaussianMixtureEM(2, init="from_sets", max_iter=0).fit(x, y)
    np.testing.assert_allclose(gm.means_, [x1.mean(0), x2.mean(0)])
    s, z = gm.sample(20, condition=1, seed=0, return_labels=True)
    assert s.shape == (20, 2) and (z == 1).all()
    lp = gm.log_prob(x[:3], condition=0)
    np.testing.assert_allclose(lp, multivariate_normal(gm.means_[0], gm.covariances_[0]).logpdf(x[:3]))
    with pytest.raises(InputError, match="condition"):
        gm.log_prob(x[:3], condition=5)
    with pytest.raises(InputError, match="labels"):
        GaussianMixtureEM(2, init="from_sets").fit(x)


def test_bayes_classifier_is_bayes_rule():
    x1, x2 = create_dataset(300, 300, separation=2.0, seed=4)
    x, y = stack_labelled(x1, x2)
    clf = GenerativeClassifier(n_components=1).fit(x, y)
    # by hand: p(y|x) = p(x|y) p(y) / sum_y' p(x|y') p(y'), with the ML Gaussian of each class
    dens = []
    for c, xc in enumerate((x1, x2)):
        cov = np.cov(xc.T, bias=True) + 1e-6 * np.eye(2)
        dens.append(0.5 * multivariate_normal(xc.mean(0), cov).pdf(x))
    dens = np.stack(dens, 1)
    np.testing.assert_allclose(clf.predict_proba(x), dens / dens.sum(1, keepdims=True), atol=1e-8)
    # the generative classifier is about as accurate as the discriminative one on Gaussian clouds
    lr = LogisticRegression().fit(x, y)
    assert clf.score(x, y) > lr.score(x, y) - 0.03


def test_mixture_posterior_matches_components_to_classes():
    x1, x2 = create_dataset(seed=2)
    gm = GaussianMixtureEM(2, init="random", random_state=1).fit(np.vstack([x1, x2]))
    order = match_components_to_classes(gm.means_, np.stack([x1.mean(0), x2.mean(0)]))
    p1 = mixture_class_posterior(x2, gm.params_, order)
    assert p1.mean() > 0.8 and mixture_class_posterior(x1, gm.params_, order).mean() < 0.2


def test_mle_is_min_kl():
    curve = mle_kl_curve(LECTURE_MIXTURE, n=3000, init="collapsed", n_iter=60, n_mc=40_000, seed=0)
    kl = curve.kl
    assert kl[0] > 0.05                                    # far from p* at the start
    assert kl[-1] < 0.02 and kl[-1] > -3 * curve.entropy_se  # nearly p* at the end, KL >= 0
    assert np.all(np.diff(curve.train_nll) <= 1e-9)        # EM lowers the training NLL
    # the true entropy (numerical integration) is inside the Monte-Carlo error bars
    from genlab.prob import density_grid
    gx, gy, z = density_grid(LECTURE_MIXTURE, (-8, 8), (-8, 8), 600)
    h = -np.trapezoid(np.trapezoid(np.where(z > 0, z * np.log(np.maximum(z, 1e-300)), 0), gx[0], axis=1), gy[:, 0])
    assert abs(curve.entropy - h) < 4 * curve.entropy_se
