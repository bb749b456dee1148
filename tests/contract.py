"""The shared contract every generative model honours (see genlab.core).

A family's test subclasses ``GenerativeModelContract`` and defines ``make_model`` (a tiny model)
and ``make_data`` (a few data points it can score); the class's tests then check the taxonomy's
promises: declared kinds, reproducible sampling, save/load round trip, and log_prob/elbo per the
density kind (an implicit model must raise an explanatory ``NoDensityError``).
"""

from __future__ import annotations

import numpy as np
import pytest

from genlab.core import DENSITY_KINDS, SAMPLING_KINDS, NoDensityError

if __name__ != "contract":  # one import path: two would make two classes, each run on its own
    raise ImportError("import the contract as `from contract import GenerativeModelContract` "
                      "(tests/conftest.py puts tests/ on sys.path), not as " + __name__)


def _as_numpy(x):
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    if isinstance(x, (list, tuple)) and x and isinstance(x[0], str):
        return np.array(x, dtype=object)
    return np.asarray(x)


class GenerativeModelContract:
    n_samples = 4
    sample_options: dict = {}
    condition = None

    def make_model(self):
        raise NotImplementedError

    def make_data(self):
        raise NotImplementedError

    def save(self, model, path):
        model.save_pretrained(path)

    def load(self, model, path):
        return type(model).from_pretrained(path)

    def draw(self, model, seed):
        return _as_numpy(model.sample(self.n_samples, condition=self.condition, seed=seed,
                                      **self.sample_options))

    def test_declares_taxonomy(self):
        model = self.make_model()
        assert model.density in DENSITY_KINDS
        assert model.sampling in SAMPLING_KINDS

    def test_same_seed_same_samples(self):
        model = self.make_model()
        a, b = self.draw(model, 123), self.draw(model, 123)
        assert len(a) == self.n_samples
        np.testing.assert_array_equal(a, b)

    def test_different_seed_different_samples(self):
        model = self.make_model()
        assert not np.array_equal(self.draw(model, 1), self.draw(model, 2))

    def test_save_load_round_trip(self, tmp_path):
        model = self.make_model()
        self.save(model, tmp_path / "m")
        assert (tmp_path / "m" / "config.json").is_file()
        assert (tmp_path / "m" / "model.safetensors").is_file()
        loaded = self.load(model, tmp_path / "m")
        before, after = self.draw(model, 7), self.draw(loaded, 7)
        if before.dtype == object:
            np.testing.assert_array_equal(after, before)
        else:
            np.testing.assert_allclose(after, before, rtol=1e-4, atol=1e-5)

    def test_density_matches_kind(self):
        model = self.make_model()
        x = self.make_data()
        if model.density == "exact":
            lp = _as_numpy(model.log_prob(x, condition=self.condition))
            assert np.all(np.isfinite(lp))
        elif model.density == "bound":
            bound = _as_numpy(model.elbo(x, condition=self.condition))
            assert np.all(np.isfinite(bound))
            with pytest.raises(NoDensityError):
                model.log_prob(x, condition=self.condition)
        else:
            with pytest.raises(NoDensityError, match="implicit"):
                model.log_prob(x, condition=self.condition)
