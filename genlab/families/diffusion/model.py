"""Lab diffusion models: a class-conditional UNet on 28x28 digits and an MLP on 2-D toy sets.

Both are variance-preserving DDPM models (Ho et al. 2020): x_t = sqrt(abar_t) x_0 +
sqrt(1 - abar_t) eps over T training timesteps. The network predicts the noise eps
("epsilon"), the velocity v = sqrt(abar) eps - sqrt(1 - abar) x_0 ("v_prediction", Salimans &
Ho 2022) or x_0 itself ("sample"), as ``schedule["prediction_type"]`` says; ``to_eps_and_x0``
converts between them. Label ``num_classes`` is the "null" class of classifier-free guidance
(shown in training with probability ``p_uncond``). Sampling runs any of diffusers' schedulers
(``schedulers.SCHEDULERS``) on the network's own output through ``sampling.reverse_chain``;
``elbo`` gives the variational bound on log p(x) in nats per example (``genlab.families.
diffusion.elbo``).
"""

from __future__ import annotations

import math
from typing import Iterator, Sequence

import torch
from torch import nn

from genlab import limits
from genlab.core import LabModule
from genlab.errors import InputError, check_choice, check_int, check_number, check_seed
from genlab.families.diffusion import elbo as bounds
from genlab.families.diffusion.sampling import Step, reverse_chain
from genlab.families.diffusion.schedulers import SCHEDULERS, SPACINGS, make_scheduler
from genlab.seeding import resolve_seed

NFE_RANGE = (1, limits.MAX_LAB_NFE)
GUIDANCE_RANGE = limits.GUIDANCE_RANGE
PREDICTION_TYPES = ("epsilon", "v_prediction", "sample")
BETA_SCHEDULES = ("linear", "squaredcos_cap_v2")


class DiffusionModel(LabModule):
    """What both lab models share: the noise schedule, the training loss, guidance, sampling and
    the bound.

    Subclasses set ``self.num_classes``, ``self.class_names``, ``self.data_shape``, call
    ``_init_schedule`` and implement ``forward(x_t, t, labels)`` (the network's output) and the
    maps between the user's data space and the model's space.
    """

    density = "bound"
    sampling = "iterative"
    discrete_data = False  # True: 8-bit images, whose bound is on a probability (see ``elbo``)

    # -- noise schedule -------------------------------------------------------------------
    def _init_schedule(self, num_train_timesteps: int, beta_schedule: str, beta_start: float,
                       beta_end: float, prediction_type: str, thresholding: bool = False):
        from diffusers import DDPMScheduler

        check_choice("prediction_type", prediction_type, PREDICTION_TYPES)
        check_choice("beta_schedule", beta_schedule, BETA_SCHEDULES)
        self.schedule = {"num_train_timesteps": num_train_timesteps, "beta_schedule": beta_schedule,
                         "beta_start": beta_start, "beta_end": beta_end,
                         "prediction_type": prediction_type, "clip_sample": False,
                         "timestep_spacing": "trailing"}
        if thresholding:
            # diffusers' dynamic thresholding (Imagen, Saharia et al. 2022) of the predicted x_0
            # for pixel-space data in [-1, 1]; DDPM, DDIM, DEIS and DPM-Solver++ apply it, Euler
            # has no such option. It stops guided samples from saturating.
            self.schedule.update(thresholding=True, sample_max_value=1.0)
        # Taken from diffusers so that training and every scheduler agree on abar_t.
        self._abar = DDPMScheduler(**self.schedule).alphas_cumprod.float()
        # log E||x_0 - x0_theta(x_t, t, y)||^2 per label y (the null label last) and timestep,
        # measured on training data after training (``calibrate_bound``): the reverse variances
        # of the bound. NaN until measured.
        self.register_buffer("log_x0_mse", torch.full((self.num_classes + 1, num_train_timesteps),
                                                      float("nan")))

    @property
    def null_label(self) -> int:
        return self.num_classes

    @property
    def prediction_type(self) -> str:
        return self.schedule["prediction_type"]

    def scheduler(self, name: str = "ddim", spacing: str = "trailing"):
        return make_scheduler(name, self.schedule, spacing=spacing)

    # -- subclass hooks -------------------------------------------------------------------
    def forward(self, x: torch.Tensor, t, labels: torch.Tensor) -> torch.Tensor:
        """The network's prediction (eps, v or x_0, see ``prediction_type``) at x_t, (B, *shape)."""
        raise NotImplementedError

    def to_model_space(self, x: torch.Tensor) -> tuple[torch.Tensor, float]:
        """(z, log|dz/dx| per dimension) for data x in the user's space."""
        return x, 0.0

    def from_model_space(self, z: torch.Tensor) -> torch.Tensor:
        return z

    # -- parameterisations --------------------------------------------------------------------
    def _coefficients(self, k: torch.Tensor, ndim: int):
        abar = self._abar.to(k.device)[k].view(-1, *([1] * (ndim - 1)))
        return abar.sqrt(), (1 - abar).sqrt()

    def to_eps_and_x0(self, output: torch.Tensor, x_t: torch.Tensor, k: torch.Tensor):
        """(eps, x_0) implied by the network's ``output`` at (x_t, k); k are timesteps (B,)."""
        a, s = self._coefficients(k, x_t.ndim)
        if self.prediction_type == "epsilon":
            return output, (x_t - s * output) / a
        if self.prediction_type == "v_prediction":  # v = a eps - s x_0, x_t = a x_0 + s eps
            return s * x_t + a * output, a * x_t - s * output
        return (x_t - a * output) / s, output  # "sample"

    def eps(self, x: torch.Tensor, t, labels: torch.Tensor) -> torch.Tensor:
        """The noise prediction eps_theta(x_t, t, y), whatever the network predicts."""
        k = torch.as_tensor(t).reshape(-1).expand(x.shape[0]).long()
        return self.to_eps_and_x0(self(x, k, labels), x, k)[0]

    # -- training ---------------------------------------------------------------------------
    def draw_training_noise(self, batch_size: int, generator: torch.Generator, p_uncond: float):
        """The random part of one training batch: timesteps k (B,), noise (B, *shape) and which
        labels to drop to the null class (B,). Drawn for the whole batch from one generator, so a
        batch split over several processes is the same batch as in one process."""
        k = torch.randint(0, len(self._abar), (batch_size,), generator=generator)
        noise = torch.randn((batch_size, *self.data_shape), generator=generator)
        drop = torch.rand(batch_size, generator=generator) < p_uncond
        return k, noise, drop

    def per_example_loss(self, x: torch.Tensor, labels: torch.Tensor, k: torch.Tensor,
                         noise: torch.Tensor, drop: torch.Tensor,
                         min_snr_gamma: float | None = None, net=None) -> torch.Tensor:
        """Squared error of the network's prediction target, one value per example (B,).

        ``min_snr_gamma`` weights each timestep so that the loss is min(SNR_t, gamma) times the
        squared error of x_0 (Min-SNR-gamma, Hang et al. 2023, as in diffusers' training
        examples); None keeps the plain loss (the simple DDPM loss for eps-prediction). ``net``
        is the module to call for the prediction (this model, or its DistributedDataParallel
        wrapper in training).
        """
        z, _ = self.to_model_space(x)
        a, s = self._coefficients(k, z.ndim)
        z_t = a * z + s * noise
        labels = torch.where(drop, torch.full_like(labels, self.null_label), labels)
        target = {"epsilon": noise, "v_prediction": a * noise - s * z, "sample": z}[self.prediction_type]
        err = ((net or self)(z_t, k, labels) - target).pow(2).flatten(1).mean(1)
        if min_snr_gamma is None:
            return err
        snr = (a / s).pow(2).flatten()
        # the target's squared error is (1 + SNR) (v), SNR (eps) or 1 (x_0) times that of x_0
        per_x0 = {"epsilon": snr, "v_prediction": snr + 1, "sample": torch.ones_like(snr)}
        return err * snr.clamp(max=min_snr_gamma) / per_x0[self.prediction_type]

    def loss(self, x: torch.Tensor, labels: torch.Tensor, *, p_uncond: float = 0.1,
             generator: torch.Generator | None = None, min_snr_gamma: float | None = None):
        """The mean training loss of one batch (see ``per_example_loss``)."""
        k, noise, drop = self.draw_training_noise(x.shape[0], generator, p_uncond)
        return self.per_example_loss(x, labels, k, noise, drop, min_snr_gamma).mean()

    # -- sampling ---------------------------------------------------------------------------
    def labels_for(self, condition, n: int) -> torch.Tensor:
        """Class labels (n,) from None (unconditional), an int/name, or a sequence of them."""
        if condition is None:
            return torch.full((n,), self.null_label, dtype=torch.long)
        items = [condition] * n if isinstance(condition, (int, str)) else list(condition)
        if len(items) != n:
            raise InputError("condition", "labels_count", n=n, got=len(items))
        labels = []
        for item in items:
            if isinstance(item, str):
                check_choice("condition", item, self.class_names)
                item = self.class_names.index(item)
            labels.append(check_int("class", item, 0, self.num_classes - 1))
        return torch.tensor(labels, dtype=torch.long)

    def chain(self, n: int, *, condition=None, seed: int | None = None, scheduler: str = "ddim",
              nfe: int = 20, guidance: float = 3.0, spacing: str = "trailing") -> Iterator[Step]:
        """The reverse chain step by step (for progress bars and x_0 strips); samples are in the
        model's space (see ``from_model_space``)."""
        n = check_int("n", n, 1, 10_000)
        nfe = check_int("nfe", nfe, *NFE_RANGE)
        guidance = check_number("guidance", guidance, *GUIDANCE_RANGE)
        check_choice("scheduler", scheduler, SCHEDULERS)
        check_choice("spacing", spacing, SPACINGS)
        labels = self.labels_for(condition, n)
        gen = torch.Generator().manual_seed(resolve_seed(check_seed("seed", seed)))
        sched = self.scheduler(scheduler, spacing)
        yield from reverse_chain(self, sched, (n, *self.data_shape), nfe=nfe, labels=labels,
                                 null_label=self.null_label, guidance=guidance, generator=gen)

    @torch.no_grad()
    def sample(self, n: int, *, condition=None, seed: int | None = None, scheduler: str = "ddim",
               nfe: int = 20, guidance: float = 3.0, spacing: str = "trailing") -> torch.Tensor:
        """n samples in the user's data space, (n, *data_shape)."""
        step = None
        for step in self.chain(n, condition=condition, seed=seed, scheduler=scheduler, nfe=nfe,
                               guidance=guidance, spacing=spacing):
            pass
        return self.from_model_space(step.sample)

    # -- density ----------------------------------------------------------------------------
    def _checked_data(self, x) -> torch.Tensor:
        x = torch.as_tensor(x, dtype=torch.float32)
        if x.ndim == len(self.data_shape):
            x = x.unsqueeze(0)
        if tuple(x.shape[1:]) != tuple(self.data_shape):
            raise InputError("x", "bad_shape", expected=str(("n", *self.data_shape)),
                             got=str(tuple(x.shape)))
        return x

    def x0_fn(self, labels: torch.Tensor):
        """(z_t, k) -> x0_theta(z_t, k, labels), the model's estimate of x_0 in its own space
        (float64); k is one timestep or one per row."""
        def x0(z_t, k):
            ks = torch.as_tensor(k, dtype=torch.long).reshape(-1).expand(z_t.shape[0])
            return self.to_eps_and_x0(self(z_t.float(), ks, labels), z_t.float(), ks)[1].double()
        return x0

    @torch.no_grad()
    def calibrate_bound(self, x, labels, *, timesteps: Sequence[int] | None = None,
                        per_label: int = 64, seed: int = 0) -> torch.Tensor:
        """Measure E||x_0 - x0_theta(x_t, t, y)||^2 on data x (training data: the bound on other
        data stays valid) for every label and the null one, at ``timesteps`` (default all; the
        rest interpolated in log), and keep its log as ``log_x0_mse``. Returns it."""
        x = self._checked_data(x)
        labels = torch.as_tensor(labels, dtype=torch.long)
        z, _ = self.to_model_space(x)
        gen = torch.Generator().manual_seed(seed)
        ks = torch.arange(len(self._abar)) if timesteps is None else torch.as_tensor(sorted(set(timesteps)))
        table = torch.empty(self.num_classes + 1, len(ks), dtype=torch.float64)
        for label in range(self.num_classes + 1):
            pool = torch.arange(len(z)) if label == self.null_label else torch.nonzero(labels == label).flatten()
            pick = pool[torch.randperm(len(pool), generator=gen)[:per_label]]
            y = torch.full((len(pick),), label, dtype=torch.long)
            table[label] = bounds.x0_mse(self.x0_fn(y), z[pick].double(), self._abar.double(), ks,
                                         generator=gen)
        full = bounds.interpolate_log(ks, table.log(), len(self._abar))
        self.log_x0_mse.copy_(full.to(self.log_x0_mse.dtype))
        return self.log_x0_mse

    @torch.no_grad()
    def elbo(self, x, *, condition=None, n_timesteps: int | None = 100, seed: int | None = 0):
        """Lower bound on log p(x) in nats per example (higher is better), one per row (n,).

        With ``condition=None`` the bound is for the unconditional model p(x) (the null class);
        otherwise for p(x | y). The reverse variances are the optimal ones measured on training
        data (``calibrate_bound``; the posterior variances beta~_t if never measured).
        ``n_timesteps=None`` sums all T terms (T network calls per example); an integer K
        estimates the sum without bias from K timesteps drawn by importance sampling (each
        example draws its own). For 8-bit images (``discrete_data``) the bound is on the
        probability of the image's 256-level pixel values (a discretised decoder, Ho et al. eq. 13);
        otherwise on a density in the user's space. ``genlab.families.diffusion.elbo.
        summarize`` gives the mean with its standard error.

        Each value is one Monte Carlo draw (noise, and timesteps with an integer K), so it is a
        bound only in expectation: one draw for one example can exceed log p(x). What bounds the
        mean log p(x) of a data set is the mean over many examples; report it with its standard
        error.
        """
        x = self._checked_data(x)
        labels = self.labels_for(condition, x.shape[0])
        z, log_det_per_dim = self.to_model_space(x)
        gen = torch.Generator().manual_seed(resolve_seed(check_seed("seed", seed)))
        log_mse = self.log_x0_mse[self.null_label if condition is None else labels].double()
        if torch.isnan(log_mse).any():
            log_mse = None
        if n_timesteps is not None:
            n_timesteps = check_int("n_timesteps", n_timesteps, 1, len(self._abar))
        log_p = bounds.diffusion_elbo(self.x0_fn(labels), z.double(), self._abar.double(),
                                      log_x0_mse=log_mse, n_timesteps=n_timesteps,
                                      discrete_bins=256 if self.discrete_data else None,
                                      generator=gen)
        if self.discrete_data:
            return log_p.float()  # a probability of pixel values: no change of variables
        return (log_p + z[0].numel() * log_det_per_dim).float()


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of (possibly fractional) timesteps, (B,) -> (B, dim)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10_000) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([args.sin(), args.cos()], dim=1)


class ToyDiffusion(DiffusionModel):
    """The network for 2-D points: a residual MLP; the embedding of t and of the toy set y is added
    at the input of every block (y picks the toy set; the last label is "null")."""

    def __init__(self, class_names: Sequence[str] = ("eight_gaussians", "moons", "rings",
                                                     "checkerboard", "spiral"),
                 hidden: int = 128, depth: int = 3, time_dim: int = 32,
                 num_train_timesteps: int = 1000, beta_schedule: str = "linear",
                 beta_start: float = 1e-4, beta_end: float = 0.02,
                 prediction_type: str = "epsilon"):
        super().__init__()
        self.class_names = list(class_names)
        self.num_classes = len(self.class_names)
        self.data_shape = (2,)
        self.time_dim = time_dim
        self.time_mlp = nn.Sequential(nn.Linear(time_dim, hidden), nn.SiLU(), nn.Linear(hidden, hidden))
        self.label_emb = nn.Embedding(self.num_classes + 1, hidden)
        self.inp = nn.Linear(2, hidden)
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU(), nn.Linear(hidden, hidden))
            for _ in range(depth))
        self.out = nn.Sequential(nn.SiLU(), nn.Linear(hidden, 2))
        self._init_schedule(num_train_timesteps, beta_schedule, beta_start, beta_end, prediction_type)

    def forward(self, x, t, labels):
        t = torch.as_tensor(t).reshape(-1).expand(x.shape[0])
        emb = self.time_mlp(timestep_embedding(t, self.time_dim)) + self.label_emb(labels)  # (B, hidden)
        h = self.inp(x)
        for block in self.blocks:
            h = h + block(h + emb)
        return self.out(h)


class DigitDiffusion(DiffusionModel):
    """The network for 28x28 grey images: diffusers' UNet2DModel with a class embedding.

    Images are in [0, 1] for the user and in [-1, 1] for the model. The defaults are the shipped
    model's (genlab/assets/diffusion-mnist: cosine schedule, v-prediction, 16/32/64 channels).
    """

    discrete_data = True

    def __init__(self, image_size: int = 28, block_out_channels: Sequence[int] = (16, 32, 64),
                 layers_per_block: int = 1, attention: bool = True, norm_num_groups: int = 8,
                 num_classes: int = 10, num_train_timesteps: int = 1000,
                 beta_schedule: str = "squaredcos_cap_v2", beta_start: float = 1e-4,
                 beta_end: float = 0.02, prediction_type: str = "v_prediction",
                 dynamic_thresholding: bool = True, time_scale_shift: str = "scale_shift"):
        super().__init__()
        from diffusers import UNet2DModel

        levels = len(block_out_channels)
        down = ["DownBlock2D"] * levels
        up = ["UpBlock2D"] * levels
        if attention:  # self-attention only at the coarsest resolution, where it is cheap
            down[-1], up[0] = "AttnDownBlock2D", "AttnUpBlock2D"
        self.net = UNet2DModel(
            sample_size=image_size, in_channels=1, out_channels=1,
            block_out_channels=tuple(block_out_channels), down_block_types=tuple(down),
            up_block_types=tuple(up), layers_per_block=layers_per_block,
            norm_num_groups=norm_num_groups, attention_head_dim=block_out_channels[-1] // 2,
            resnet_time_scale_shift=time_scale_shift,  # "scale_shift": AdaGN (Dhariwal & Nichol 2021)
            num_class_embeds=num_classes + 1)  # + 1: the null class for guidance
        self.num_classes = num_classes
        self.class_names = [str(i) for i in range(num_classes)]
        self.data_shape = (1, image_size, image_size)
        self._init_schedule(num_train_timesteps, beta_schedule, beta_start, beta_end,
                            prediction_type, dynamic_thresholding)

    def forward(self, x, t, labels):
        t = torch.as_tensor(t).reshape(-1).expand(x.shape[0])
        return self.net(x, t, class_labels=labels).sample

    def to_model_space(self, x):
        return 2 * x - 1, math.log(2.0)

    def from_model_space(self, z):
        return ((z + 1) / 2).clamp(0, 1)


def to_uint8_images(x: torch.Tensor):
    """(n, 1, H, W) in [0, 1] -> list of (H, W) uint8 arrays."""
    return [(img[0].numpy() * 255).round().astype("uint8") for img in x.detach().cpu()]
