"""Lab diffusion models: a class-conditional UNet on 28x28 digits and an MLP on 2-D toy sets.

Both predict the noise eps_theta(x_t, t, y) of a DDPM forward process (Ho et al. 2020) with a
linear beta schedule; label ``num_classes`` is the "null" class used for classifier-free guidance
(it is shown during training with probability ``p_uncond``). Sampling runs any of diffusers'
schedulers (``schedulers.SCHEDULERS``) through ``sampling.reverse_chain``; ``elbo`` gives the
variational bound on log p(x) in bits per dimension.
"""

from __future__ import annotations

import math
from typing import Iterator, Sequence

import torch
from torch import nn

from genlab import limits
from genlab.core import LabModule
from genlab.errors import InputError, check_choice, check_int, check_number, check_seed
from genlab.families.diffusion.elbo import diffusion_elbo
from genlab.families.diffusion.sampling import Step, reverse_chain
from genlab.families.diffusion.schedulers import SCHEDULERS, SPACINGS, make_scheduler
from genlab.seeding import resolve_seed

NFE_RANGE = (1, limits.MAX_LAB_NFE)
GUIDANCE_RANGE = limits.GUIDANCE_RANGE


class DiffusionModel(LabModule):
    """What both lab models share: the noise schedule, guidance, sampling and the bound.

    Subclasses set ``self.net``, ``self.data_shape``, ``self.num_classes``, ``self.class_names``,
    ``self.schedule`` (diffusers scheduler kwargs) and implement ``eps`` and the maps between
    the user's data space and the model's space.
    """

    density = "bound"
    sampling = "iterative"

    # -- noise schedule -------------------------------------------------------------------
    def _init_schedule(self, num_train_timesteps: int, beta_start: float, beta_end: float,
                       thresholding: bool = False):
        from diffusers import DDPMScheduler

        self.schedule = {"num_train_timesteps": num_train_timesteps, "beta_schedule": "linear",
                         "beta_start": beta_start, "beta_end": beta_end,
                         "prediction_type": "epsilon", "clip_sample": False,
                         "timestep_spacing": "trailing"}
        if thresholding:
            # diffusers' dynamic thresholding (Imagen, Saharia et al. 2022) of the predicted x_0
            # for pixel-space data in [-1, 1]; DDPM, DDIM, DEIS and DPM-Solver++ apply it, Euler
            # has no such option. It stops guided samples from saturating into noise.
            self.schedule.update(thresholding=True, sample_max_value=1.0)
        # Taken from diffusers so that training and every scheduler agree on abar_t.
        self._abar = DDPMScheduler(**self.schedule).alphas_cumprod.float()

    @property
    def null_label(self) -> int:
        return self.num_classes

    def scheduler(self, name: str = "ddim", spacing: str = "trailing"):
        return make_scheduler(name, self.schedule, spacing=spacing)

    # -- subclass hooks -------------------------------------------------------------------
    def eps(self, x: torch.Tensor, t, labels: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def to_model_space(self, x: torch.Tensor) -> tuple[torch.Tensor, float]:
        """(z, log|dz/dx| per dimension) for data x in the user's space."""
        return x, 0.0

    def from_model_space(self, z: torch.Tensor) -> torch.Tensor:
        return z

    # -- training ---------------------------------------------------------------------------
    def loss(self, x: torch.Tensor, labels: torch.Tensor, *, p_uncond: float = 0.1,
             generator: torch.Generator | None = None) -> torch.Tensor:
        """The simple DDPM loss E ||eps - eps_theta(sqrt(abar) x0 + sqrt(1-abar) eps, t, y)||^2,
        with y replaced by the null class with probability ``p_uncond``."""
        z, _ = self.to_model_space(x)
        B = z.shape[0]
        k = torch.randint(0, len(self._abar), (B,), generator=generator)
        eps = torch.randn(z.shape, generator=generator)
        abar = self._abar[k].view(B, *([1] * (z.ndim - 1)))
        z_t = abar.sqrt() * z + (1 - abar).sqrt() * eps
        drop = torch.rand(B, generator=generator) < p_uncond
        labels = torch.where(drop, torch.full_like(labels, self.null_label), labels)
        return (self.eps(z_t, k, labels) - eps).pow(2).mean()

    # -- sampling ---------------------------------------------------------------------------
    def labels_for(self, condition, n: int) -> torch.Tensor:
        """Class labels (n,) from None (unconditional), an int/name, or a sequence of them."""
        if condition is None:
            return torch.full((n,), self.null_label, dtype=torch.long)
        items = [condition] * n if isinstance(condition, (int, str)) else list(condition)
        if len(items) != n:
            raise InputError("condition", "custom",
                             text_en=f"expected {n} labels, got {len(items)}",
                             text_ru=f"ожидалось меток: {n}, получено {len(items)}")
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
        yield from reverse_chain(self.eps, sched, (n, *self.data_shape), nfe=nfe, labels=labels,
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
    @torch.no_grad()
    def elbo(self, x, *, condition=None, n_timesteps: int | None = 100, seed: int | None = 0):
        """Lower bound on log p(x) in bits per dimension (higher is better), one per row.

        With ``condition=None`` the bound is for the unconditional model p(x) (the null class);
        otherwise for p(x | y). ``n_timesteps=None`` sums all T terms; an integer K estimates
        the sum without bias from K random timesteps (T / K times cheaper).
        """
        x = torch.as_tensor(x, dtype=torch.float32)
        if x.ndim == len(self.data_shape):
            x = x.unsqueeze(0)
        if tuple(x.shape[1:]) != tuple(self.data_shape):
            raise InputError("x", "bad_shape", expected=str(("n", *self.data_shape)),
                             got=str(tuple(x.shape)))
        labels = self.labels_for(condition, x.shape[0])
        z, log_det_per_dim = self.to_model_space(x)
        gen = torch.Generator().manual_seed(resolve_seed(check_seed("seed", seed)))
        log_p = diffusion_elbo(lambda z_t, k: self.eps(z_t, k, labels), z, self._abar,
                               n_timesteps=n_timesteps, generator=gen)
        D = z[0].numel()
        return (log_p / (D * math.log(2)) + log_det_per_dim / math.log(2)).float()


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of (possibly fractional) timesteps, (B,) -> (B, dim)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10_000) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([args.sin(), args.cos()], dim=1)


class ToyDiffusion(DiffusionModel):
    """eps_theta(x, t, y) for 2-D points: a residual MLP; the embedding of t and of the toy set y
    is added at the input of every block (y picks the toy set; the last label is "null")."""

    def __init__(self, class_names: Sequence[str] = ("eight_gaussians", "moons", "rings",
                                                     "checkerboard", "spiral"),
                 hidden: int = 128, depth: int = 3, time_dim: int = 32,
                 num_train_timesteps: int = 1000, beta_start: float = 1e-4, beta_end: float = 0.02):
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
        self._init_schedule(num_train_timesteps, beta_start, beta_end)

    def eps(self, x, t, labels):
        t = torch.as_tensor(t).reshape(-1).expand(x.shape[0])
        emb = self.time_mlp(timestep_embedding(t, self.time_dim)) + self.label_emb(labels)  # (B, hidden)
        h = self.inp(x)
        for block in self.blocks:
            h = h + block(h + emb)
        return self.out(h)


class DigitDiffusion(DiffusionModel):
    """eps_theta(x, t, y) for 28x28 grey images: diffusers' UNet2DModel with a class embedding.

    Images are in [0, 1] for the user and in [-1, 1] for the model.
    """

    def __init__(self, image_size: int = 28, block_out_channels: Sequence[int] = (16, 32, 64),
                 layers_per_block: int = 1, attention: bool = True, norm_num_groups: int = 8,
                 num_classes: int = 10, num_train_timesteps: int = 1000, beta_start: float = 1e-4,
                 beta_end: float = 0.02, dynamic_thresholding: bool = True):
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
            num_class_embeds=num_classes + 1)  # + 1: the null class for guidance
        self.num_classes = num_classes
        self.class_names = [str(i) for i in range(num_classes)]
        self.data_shape = (1, image_size, image_size)
        self._init_schedule(num_train_timesteps, beta_start, beta_end, dynamic_thresholding)

    def eps(self, x, t, labels):
        t = torch.as_tensor(t).reshape(-1).expand(x.shape[0])
        return self.net(x, t, class_labels=labels).sample

    def to_model_space(self, x):
        return 2 * x - 1, math.log(2.0)

    def from_model_space(self, z):
        return ((z + 1) / 2).clamp(0, 1)


def to_uint8_images(x: torch.Tensor):
    """(n, 1, H, W) in [0, 1] -> list of (H, W) uint8 arrays."""
    return [(img[0].numpy() * 255).round().astype("uint8") for img in x.detach().cpu()]
