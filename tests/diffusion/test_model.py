"""The lab diffusion models: the taxonomy contract, the schedulers by name, guidance, predicted
x_0, and the sampling loop against diffusers' own DDIM/DDPM pipelines."""

import numpy as np
import pytest
import torch
from contract import GenerativeModelContract
from diffusers import DDIMPipeline, DDPMPipeline

from genlab.errors import InputError
from genlab.families.diffusion.model import DigitDiffusion, ToyDiffusion
from genlab.families.diffusion.sampling import guided_output
from genlab.families.diffusion.schedulers import SCHEDULERS, make_scheduler

torch.set_num_threads(1)


def tiny_digits(seed=0, **kwargs):
    torch.manual_seed(seed)
    return DigitDiffusion(image_size=8, block_out_channels=(8, 16), norm_num_groups=4, **kwargs).eval()


def tiny_toy(seed=0):
    torch.manual_seed(seed)
    return ToyDiffusion(hidden=16, depth=2, time_dim=8).eval()


class TestDigitContract(GenerativeModelContract):
    n_samples = 3
    condition = 7
    sample_options = {"scheduler": "deis", "nfe": 4, "guidance": 3.0}

    def make_model(self):
        return tiny_digits()

    def make_data(self):
        return torch.rand(2, 1, 8, 8)

    def test_elbo_gives_one_bound_per_image(self):
        bound = self.make_model().elbo(torch.rand(2, 1, 8, 8), n_timesteps=8)
        assert bound.shape == (2,) and torch.isfinite(bound).all()


class TestToyContract(GenerativeModelContract):
    n_samples = 5
    condition = "moons"
    sample_options = {"scheduler": "dpm++", "nfe": 5, "guidance": 1.0}

    def make_model(self):
        return tiny_toy()

    def make_data(self):
        return torch.randn(3, 2)


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_every_scheduler_is_diffusers_own_class(name):
    import diffusers

    config = tiny_toy().schedule
    sched = make_scheduler(name, config, spacing="trailing")
    assert type(sched) is getattr(diffusers, SCHEDULERS[name][0])
    assert sched.config.timestep_spacing == "trailing"
    assert sched.config.beta_schedule == "linear"
    sched.set_timesteps(10)
    assert len(sched.timesteps) == 10


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_each_scheduler_samples(name):
    x = tiny_toy().sample(6, condition="rings", seed=0, scheduler=name, nfe=5, guidance=2.0)
    assert x.shape == (6, 2) and torch.isfinite(x).all()


def test_guidance_combines_the_two_branches():
    def model_fn(x, t, labels):  # a fake network whose output reveals the label it was given
        return x * 0 + labels.float().view(-1, 1)
    x = torch.zeros(3, 2)
    labels = torch.tensor([2, 2, 2])
    null = 5
    for w in (0.0, 1.0, 3.0):
        out = guided_output(model_fn, x, 0, labels, null, w)
        np.testing.assert_allclose(out.numpy(), null + w * (2 - null))


@pytest.mark.parametrize("make", [tiny_toy, lambda: tiny_digits(dynamic_thresholding=False)],
                         ids=["eps-prediction", "v-prediction"])
def test_predicted_x0_agrees_with_ddims_own(make):
    # DDIM returns pred_original_sample; the formula used for DEIS/DPM-Solver must agree with it
    # (without thresholding: DDIM's x_0 is then clipped, which from_model_space does for views)
    from genlab.families.diffusion.sampling import predicted_x0

    model = make()
    sched = model.scheduler("ddim")
    sched.set_timesteps(10)
    x = torch.randn(4, *model.data_shape)
    t = sched.timesteps[3]
    output = model(x, t, torch.zeros(4, dtype=torch.long))
    out = sched.step(output, t, x)

    class NoX0:
        pred_original_sample = None
    ours = predicted_x0(sched, NoX0(), x, output, t)
    torch.testing.assert_close(ours, out.pred_original_sample, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kind", ["epsilon", "v_prediction", "sample"])
def test_parameterisations_convert_and_weight_the_loss_as_min_snr(kind):
    model = tiny_digits(prediction_type=kind)
    x = torch.rand(5, 1, 8, 8)
    labels = torch.arange(5)
    k = torch.tensor([0, 10, 400, 800, 999])
    noise = torch.randn(5, 1, 8, 8)
    z, _ = model.to_model_space(x)
    a = model._abar[k].sqrt().view(-1, 1, 1, 1)
    s = (1 - model._abar[k]).sqrt().view(-1, 1, 1, 1)
    x_t = a * z + s * noise
    # the network's exact target converts back to the true noise and x_0
    target = {"epsilon": noise, "v_prediction": a * noise - s * z, "sample": z}[kind]
    eps, x0 = model.to_eps_and_x0(target, x_t, k)
    torch.testing.assert_close(eps[1:4], noise[1:4], rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(x0[:4], z[:4], rtol=1e-4, atol=1e-4)
    # Min-SNR-5: whatever the parameterisation, the loss is min(SNR, 5) x the x_0 squared error
    keep = torch.zeros(5, dtype=torch.bool)
    loss = model.per_example_loss(x, labels, k, noise, keep, min_snr_gamma=5.0)
    with torch.no_grad():
        x0_hat = model.to_eps_and_x0(model(x_t, k, labels), x_t, k)[1]
    snr = (a / s).flatten() ** 2
    expected = snr.clamp(max=5.0) * (x0_hat - z).pow(2).flatten(1).mean(1)
    torch.testing.assert_close(loss[:4], expected[:4], rtol=1e-3, atol=1e-6)


class _UnconditionalUNet(torch.nn.Module):
    """Our conditional model with the null label, in the UNet2DModel calling convention."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.config = model.net.config
        self.dtype, self.device = torch.float32, torch.device("cpu")

    def forward(self, x, t):
        labels = torch.full((x.shape[0],), self.model.null_label, dtype=torch.long)

        class Out:
            sample = self.model(x, t, labels)
        return Out()


@pytest.mark.parametrize("name,pipeline_cls", [("ddim", DDIMPipeline), ("ddpm", DDPMPipeline)])
def test_sampling_loop_matches_diffusers_pipeline(name, pipeline_cls):
    model = tiny_digits()
    ours = model.sample(2, condition=None, seed=11, scheduler=name, nfe=6, guidance=0.0,
                        spacing="trailing")
    pipe = pipeline_cls(unet=_UnconditionalUNet(model), scheduler=model.scheduler(name, "trailing"))
    kwargs = {"eta": 0.0, "use_clipped_model_output": True} if name == "ddim" else {}
    ref = pipe(batch_size=2, generator=torch.Generator().manual_seed(11), num_inference_steps=6,
               output_type="np", **kwargs).images  # (B, H, W, 1) in [0, 1]
    np.testing.assert_allclose(ours.permute(0, 2, 3, 1).numpy(), ref, atol=1e-5)


def test_chain_reports_every_step_and_x0():
    model = tiny_toy()
    steps = list(model.chain(3, condition="spiral", seed=0, scheduler="deis", nfe=7))
    assert [s.index for s in steps] == list(range(7))
    assert all(s.pred_x0.shape == (3, 2) for s in steps)
    # DEIS' first timestep with trailing spacing is the last training step
    assert steps[0].timestep == 999


def test_training_loss_decreases_on_toy_data():
    from genlab.families.diffusion.train import TrainConfig, fit, toy2d_data

    cfg = TrainConfig(steps=300, batch_size=128, lr=3e-3, warmup=20, model={"hidden": 32, "depth": 2})
    x, y = toy2d_data(["eight_gaussians"], n_per_set=2000)
    logs = []
    fit(ToyDiffusion, cfg, x, y, None, log=logs.append)
    losses = [float(line.split("loss ")[1].split()[0]) for line in logs if line.startswith("step")]
    assert losses[-1] < 0.8 * losses[0]


def test_resume_continues_from_checkpoint(tmp_path):
    from genlab.families.diffusion.train import TrainConfig, fit, toy2d_data

    x, y = toy2d_data(["moons"], n_per_set=500)
    cfg = TrainConfig(steps=20, batch_size=32, checkpoint_every=10, model={"hidden": 8, "depth": 1})
    fit(ToyDiffusion, cfg, x, y, tmp_path, log=lambda s: None)
    cfg.steps = 30
    logs = []
    fit(ToyDiffusion, cfg, x, y, tmp_path, resume=True, log=logs.append)
    assert logs[0].startswith("resumed at step 20")
    assert "30 steps" in logs[-1]


@pytest.mark.parametrize("kwargs,param", [
    ({"nfe": 0}, "nfe"), ({"nfe": 1001}, "nfe"), ({"guidance": 12.5}, "guidance"),
    ({"guidance": -1}, "guidance"), ({"scheduler": "plms"}, "scheduler"),
    ({"condition": 10}, "class"), ({"condition": "swirl"}, "condition"),
    ({"spacing": "random"}, "spacing"), ({"n": 0}, "n")])
def test_bad_sampling_input_names_the_parameter(kwargs, param):
    model = tiny_toy()
    args = {"n": 2, "condition": "moons", "nfe": 5, "seed": 0, **kwargs}
    n = args.pop("n")
    with pytest.raises(InputError) as info:
        model.sample(n, **args)
    assert info.value.param == param


def test_elbo_rejects_wrong_shape():
    with pytest.raises(InputError):
        tiny_digits().elbo(torch.rand(2, 1, 9, 9))
