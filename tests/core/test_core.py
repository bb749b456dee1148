"""The shared model contract and LabModule's save/load, on a reference model written here."""

import numpy as np
import pytest
import torch
from contract import GenerativeModelContract

from genlab.core import DensityMixin, LabModule, NoDensityError
from genlab.seeding import torch_generator


class DiagonalGaussian(LabModule):
    """x ~ N(mu, diag(sigma^2)): the smallest model with an exact density."""

    density = "exact"
    sampling = "one-shot"

    def __init__(self, dim: int = 2):
        super().__init__()
        self.mu = torch.nn.Parameter(torch.arange(dim, dtype=torch.float32))
        self.log_sigma = torch.nn.Parameter(torch.full((dim,), -0.5))

    def sample(self, n, *, condition=None, seed=None):
        z = torch.randn(n, self.mu.numel(), generator=torch_generator(seed))
        return (self.mu + z * self.log_sigma.exp()).detach()

    def log_prob(self, x, *, condition=None):
        dist = torch.distributions.Normal(self.mu, self.log_sigma.exp())
        return dist.log_prob(torch.as_tensor(x, dtype=torch.float32)).sum(-1).detach()


class TestDiagonalGaussianContract(GenerativeModelContract):
    def make_model(self):
        torch.manual_seed(0)
        return DiagonalGaussian(dim=3)

    def make_data(self):
        return np.zeros((5, 3))


def test_log_prob_matches_scipy():
    from scipy.stats import multivariate_normal

    model = DiagonalGaussian(dim=3)
    x = np.random.default_rng(0).normal(size=(4, 3))
    sigma = model.log_sigma.exp().detach().numpy()
    expected = multivariate_normal(model.mu.detach().numpy(), np.diag(sigma**2)).logpdf(x)
    np.testing.assert_allclose(model.log_prob(x).numpy(), expected, rtol=1e-5)


def test_fp16_save_keeps_float32_model_and_loads(tmp_path):
    model = DiagonalGaussian(dim=2)
    model.save_lab(tmp_path / "m", dtype=torch.float16)
    assert model.mu.dtype == torch.float32
    loaded = DiagonalGaussian.load_lab(tmp_path / "m")
    assert loaded.mu.dtype == torch.float32
    np.testing.assert_allclose(loaded.mu.detach(), model.mu.detach(), atol=1e-3)


def test_load_missing_folder_is_clear(tmp_path):
    from genlab.errors import InputError

    with pytest.raises(InputError, match="config.json") as info:   # names the parameter and the file
        DiagonalGaussian.load_lab(tmp_path)
    assert info.value.param == "model"
    DiagonalGaussian(dim=2).save_lab(tmp_path)
    (tmp_path / "model.safetensors").unlink()
    with pytest.raises(InputError, match="model.safetensors"):
        DiagonalGaussian.load_lab(tmp_path)


def test_implicit_model_explains_missing_density():
    class Implicit(DensityMixin):
        density = "none"

    with pytest.raises(NoDensityError, match="implicit generative model"):
        Implicit().log_prob([0.0])
    with pytest.raises(NoDensityError):
        Implicit().elbo([0.0])


def test_bound_model_points_to_elbo():
    class Latent(DensityMixin):
        density = "bound"

    with pytest.raises(NoDensityError, match="elbo"):
        Latent().log_prob([0.0])


def test_load_prints_nothing_to_stdout(tmp_path, capsys):
    DiagonalGaussian(dim=2).save_lab(tmp_path / "m")
    capsys.readouterr()
    DiagonalGaussian.load_lab(tmp_path / "m")
    assert capsys.readouterr().out == ""


def test_subpackages_load_on_first_use():
    """The README's first example: ``import genlab; genlab.widgets.gan()`` needs no other import."""
    import subprocess
    import sys

    code = "import genlab, types; assert callable(genlab.widgets.gan); assert isinstance(genlab.viz, types.ModuleType)"
    subprocess.run([sys.executable, "-c", code], check=True)
