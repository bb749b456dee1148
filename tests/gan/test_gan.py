import numpy as np
import pytest
import scipy.stats
import torch

from genlab.core import NoDensityError
from genlab.errors import InputError
from genlab.families.gan.model import ConditionalBatchNorm2d, ConditionalGAN, ProjectionDiscriminator
from genlab.families.gan.toy import ToyGAN, mode_coverage, train_toy_gan
from genlab.checkpoint import CheckpointError
from genlab.families.gan.train import TrainConfig, hinge_d_loss, hinge_g_loss, train_conditional_gan
from genlab.families.gan.truncation import truncated_normal
from contract import GenerativeModelContract


def tiny_gan():
    torch.manual_seed(0)
    return ConditionalGAN(z_dim=8, g_ch=4, d_ch=4, embed_dim=4).eval()


class TestConditionalGANContract(GenerativeModelContract):
    condition = 3
    sample_options = {"truncation": 0.5}

    def make_model(self):
        return tiny_gan()

    def make_data(self):
        return torch.rand(2, 1, 28, 28)


class TestToyGANContract(GenerativeModelContract):
    def make_model(self):
        torch.manual_seed(0)
        return ToyGAN(z_dim=2, hidden=8)

    def make_data(self):
        return torch.zeros(3, 2)


def test_no_density_error_explains_why():
    with pytest.raises(NoDensityError, match="implicit.*x = G\\(z\\)"):
        tiny_gan().log_prob(torch.rand(1, 1, 28, 28))


def test_truncated_normal_matches_scipy_truncnorm():
    z = truncated_normal((20000,), 0.5, torch.Generator().manual_seed(0)).numpy()
    assert np.abs(z).max() <= 0.5
    ks = scipy.stats.kstest(z, scipy.stats.truncnorm(-0.5, 0.5).cdf)
    assert ks.pvalue > 0.01
    full = truncated_normal((20000,), None, torch.Generator().manual_seed(0)).numpy()
    assert scipy.stats.kstest(full, "norm").pvalue > 0.01


def test_truncation_shrinks_the_same_latents_and_keeps_prefix():
    a = truncated_normal((4, 8), 1.0, torch.Generator().manual_seed(3))
    b = truncated_normal((4, 8), 0.2, torch.Generator().manual_seed(3))
    assert torch.equal(torch.sign(a), torch.sign(b)) and (b.abs() <= a.abs() + 1e-6).all()
    c = truncated_normal((16, 8), 1.0, torch.Generator().manual_seed(3))
    assert torch.equal(a, c[:4])


def test_sample_shapes_classes_and_names():
    gan = ConditionalGAN(z_dim=8, g_ch=4, d_ch=4, embed_dim=4, class_names=[f"c{i}" for i in range(10)])
    x = gan.sample(5, condition="c2", seed=0)
    assert x.shape == (5, 1, 28, 28) and x.min() >= 0 and x.max() <= 1
    torch.testing.assert_close(x, gan.sample(5, condition=2, seed=0))
    assert gan.sample(3, condition=[1, 2, 3], seed=0).shape == (3, 1, 28, 28)


@pytest.mark.parametrize("kwargs, param", [
    ({"condition": 10}, "class"), ({"condition": -1}, "class"), ({"condition": "cat"}, "class"),
    ({"truncation": 0.0}, "truncation"), ({"truncation": 1.5}, "truncation"),
    ({"seed": 1.5}, "seed"), ({"seed": "x"}, "seed"),
])
def test_bad_input_names_the_parameter(kwargs, param):
    with pytest.raises(InputError, match=param):
        tiny_gan().sample(2, **{"condition": 0, **kwargs})


def test_conditional_batch_norm_is_batch_norm_with_condition_affine():
    cbn = ConditionalBatchNorm2d(3, 5).train()
    x, c = torch.randn(4, 3, 6, 6), torch.randn(4, 5)
    ref = torch.nn.functional.batch_norm(x, None, None, training=True, eps=cbn.bn.eps)
    expected = ref * (1 + c @ cbn.gain.weight.T)[:, :, None, None] + (c @ cbn.bias.weight.T)[:, :, None, None]
    torch.testing.assert_close(cbn(x, c), expected)


def test_projection_discriminator_is_linear_plus_inner_product():
    torch.manual_seed(0)
    d = ProjectionDiscriminator(10, 4).eval()
    x, y = torch.randn(3, 1, 28, 28), torch.tensor([0, 5, 9])
    with torch.no_grad():
        h = d.body(x)
        expected = d.psi(h).squeeze(1) + (d.embed.weight[y] * h).sum(1)
        torch.testing.assert_close(d(x, y), expected)


def test_hinge_losses_by_hand():
    real, fake = torch.tensor([2.0, 0.5]), torch.tensor([-2.0, 0.0])
    # real: max(0, 1-2)=0, max(0, 1-0.5)=0.5 -> 0.25; fake: max(0, 1-2)=0, max(0, 1+0)=1 -> 0.5
    assert hinge_d_loss(real, fake).item() == pytest.approx(0.75)
    assert hinge_g_loss(fake).item() == pytest.approx(1.0)


def test_a_few_training_steps_run_and_use_ema():
    gan = ConditionalGAN(z_dim=8, g_ch=4, d_ch=4, embed_dim=4)
    x = np.random.default_rng(0).random((32, 1, 28, 28)).astype(np.float32)
    y = np.arange(32) % 10
    calls = []
    hist = train_conditional_gan(gan, x, y, TrainConfig(steps=4, batch_size=8, eval_every=2, ema_start=2),
                                 log=lambda r: None, evaluate=lambda g: calls.append(1) or {"k": 1})
    assert hist[-1]["step"] == 4 and len(calls) == 2 and not gan.training
    assert np.isfinite(hist[-1]["loss_d"])


def test_resume_continues_exactly_where_training_stopped(tmp_path):
    """Four steps in one go give the same weights as two, a stop, and two more after a resume."""
    import torch

    x = np.random.default_rng(0).random((32, 1, 28, 28)).astype(np.float32)
    y = np.arange(32) % 10

    def fresh():
        torch.manual_seed(0)
        return ConditionalGAN(z_dim=8, g_ch=4, d_ch=4, embed_dim=4)

    cfg = dict(batch_size=8, eval_every=0, ema_start=2, checkpoint_every=2)
    straight = fresh()
    train_conditional_gan(straight, x, y, TrainConfig(steps=4, **cfg), log=lambda r: None)
    stopped = fresh()
    train_conditional_gan(stopped, x, y, TrainConfig(steps=2, **cfg), log=lambda r: None,
                          checkpoint=tmp_path / "ckpt")
    resumed = fresh()
    hist = train_conditional_gan(resumed, x, y, TrainConfig(steps=4, **cfg), log=lambda r: None,
                                 checkpoint=tmp_path / "ckpt", resume=True)
    assert [row["step"] for row in hist] == [2, 4]
    for a, b in zip(straight.state_dict().values(), resumed.state_dict().values()):
        assert torch.equal(a, b)  # bit for bit
    with pytest.raises(CheckpointError, match="nothing to resume"):
        train_conditional_gan(fresh(), x, y, TrainConfig(steps=4, **cfg), log=lambda r: None,
                              checkpoint=tmp_path / "nothing", resume=True)


def test_mode_coverage_by_brute_force():
    from genlab.data.toy2d import eight_gaussian_centers

    c = eight_gaussian_centers()
    pts = np.concatenate([np.repeat(c[:3], 100, axis=0), np.array([[0.0, 0.0]] * 100)])
    cov = mode_coverage(pts)
    assert cov["modes_hit"] == 3 and cov["high_quality"] == pytest.approx(0.75)
    assert cov["per_mode"][:3] == [0.25, 0.25, 0.25] and sum(cov["per_mode"][3:]) == 0


def test_toy_gan_learns_eight_gaussians_quickly():
    torch.manual_seed(0)
    hist = train_toy_gan(ToyGAN(), "eight_gaussians", steps=1500, seed=0, log_every=500)
    assert [h["step"] for h in hist] == [500, 1000, 1500]
    assert hist[-1]["modes_hit"] >= 6 and hist[-1]["high_quality"] > 0.4
