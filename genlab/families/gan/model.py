"""A class-conditional GAN for 28x28 digits, conditioned the way BigGAN is.

Generator G(z, y): a shared class embedding e(y) is concatenated with z into a conditioning vector
c = [z, e(y)]; every batch norm in G is *conditional*: its gain and bias are linear functions of c
(BigGAN's "shared embedding, hierarchical latent" made small). Discriminator D(x, y): a spectrally
normalised CNN whose features h(x) are scored by ``psi(h) + <embed(y), h>``, the projection
discriminator (Miyato & Koyama, 2018). Trained with the hinge loss (see ``train.py``).

Shapes: z (B, z_dim), y (B,) int64, x (B, 1, 28, 28) in [-1, 1].
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from genlab.core import LabModule
from genlab.errors import InputError, check_int, check_number, check_seed
from genlab.families.gan.truncation import truncated_normal
from genlab.seeding import resolve_seed


class ConditionalBatchNorm2d(nn.Module):
    """BatchNorm without its own affine; gain 1 + W_g c and bias W_b c come from the condition c."""

    def __init__(self, channels: int, cond_dim: int):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels, affine=False)
        self.gain = nn.Linear(cond_dim, channels, bias=False)
        self.bias = nn.Linear(cond_dim, channels, bias=False)

    def forward(self, x, c):
        gain = 1 + self.gain(c)[:, :, None, None]  # (B, C, 1, 1)
        bias = self.bias(c)[:, :, None, None]
        return self.bn(x) * gain + bias


class UpBlock(nn.Module):
    """CBN -> ReLU -> 4x4 transposed conv with stride 2 (doubles height and width)."""

    def __init__(self, c_in: int, c_out: int, cond_dim: int):
        super().__init__()
        self.norm = ConditionalBatchNorm2d(c_in, cond_dim)
        self.conv = nn.ConvTranspose2d(c_in, c_out, 4, stride=2, padding=1)

    def forward(self, x, c):
        return self.conv(F.relu(self.norm(x, c)))


class Generator(nn.Module):
    """c = [z, e(y)] -> linear -> (4ch, 7, 7) -> up (2ch, 14, 14) -> up (1, 28, 28) -> tanh."""

    def __init__(self, z_dim: int, n_classes: int, ch: int, embed_dim: int):
        super().__init__()
        cond_dim = z_dim + embed_dim
        self.ch = ch
        self.embed = nn.Embedding(n_classes, embed_dim)  # shared by every conditional BN
        self.linear = nn.Linear(cond_dim, 4 * ch * 7 * 7)
        self.block1 = UpBlock(4 * ch, 2 * ch, cond_dim)  # 7 -> 14
        self.block2 = UpBlock(2 * ch, 1, cond_dim)       # 14 -> 28, straight to the image

    def forward(self, z, y):
        return self.synthesize(z, self.embed(y))

    def synthesize(self, z, e):
        """G from z (B, z_dim) and a class embedding e (B, embed_dim): mixtures of classes work too."""
        c = torch.cat([z, e], dim=1)                         # (B, cond_dim)
        h = self.linear(c).view(-1, 4 * self.ch, 7, 7)      # (B, 4ch, 7, 7)
        return torch.tanh(self.block2(self.block1(h, c), c))  # (B, 1, 28, 28)


class ProjectionDiscriminator(nn.Module):
    """Spectrally normalised CNN features h(x), scored by psi(h) + <embed(y), h> (projection)."""

    def __init__(self, n_classes: int, ch: int):
        super().__init__()
        self.body = nn.Sequential(
            spectral_norm(nn.Conv2d(1, ch, 4, stride=2, padding=1)), nn.LeakyReLU(0.2),       # 14
            spectral_norm(nn.Conv2d(ch, 2 * ch, 4, stride=2, padding=1)), nn.LeakyReLU(0.2),  # 7
            nn.Flatten(), spectral_norm(nn.Linear(2 * ch * 49, 4 * ch)), nn.LeakyReLU(0.2),
        )
        self.psi = spectral_norm(nn.Linear(4 * ch, 1))
        self.embed = spectral_norm(nn.Embedding(n_classes, 4 * ch))

    def features(self, x):
        return self.body(x)  # (B, 4ch)

    def forward(self, x, y):
        h = self.features(x)
        return self.psi(h).squeeze(1) + (self.embed(y) * h).sum(1)  # (B,): linear + projection term


class ConditionalGAN(LabModule):
    """Class-conditional GAN: ``sample(n, condition=class, truncation=t, seed=s)`` -> (n, 1, 28, 28).

    Images are returned in [0, 1]. ``density = "none"``: ``log_prob`` explains why.
    """

    density = "none"
    sampling = "one-shot"

    def __init__(self, z_dim: int = 32, n_classes: int = 10, g_ch: int = 32, d_ch: int = 32,
                 embed_dim: int = 32, image_size: int = 28,
                 class_names: list[str] | None = None):
        super().__init__()
        self.z_dim, self.n_classes, self.image_size = z_dim, n_classes, image_size
        self.class_names = list(class_names) if class_names else [str(i) for i in range(n_classes)]
        self.generator = Generator(z_dim, n_classes, g_ch, embed_dim)
        self.discriminator = ProjectionDiscriminator(n_classes, d_ch)

    # --- inputs -------------------------------------------------------------------------
    def check_class(self, condition) -> int:
        if isinstance(condition, str) and not condition.strip().lstrip("-").isdigit():
            if condition not in self.class_names:
                raise InputError("class", "not_choice", value=repr(condition),
                                 choices=", ".join(self.class_names))
            return self.class_names.index(condition)
        return check_int("class", condition, 0, self.n_classes - 1)

    def classes_for(self, n: int, condition, generator) -> torch.Tensor:
        """(n,) labels: one class for all, a list of n classes, or random classes for None."""
        if condition is None:
            return torch.randint(0, self.n_classes, (n,), generator=generator)
        if isinstance(condition, (list, tuple)) or (hasattr(condition, "ndim") and condition.ndim > 0):
            labels = [self.check_class(int(c)) for c in list(condition)]
            if len(labels) != n:
                raise InputError("class", "classes_count", n=n, got=len(labels))
            return torch.tensor(labels, dtype=torch.long)
        return torch.full((n,), self.check_class(condition), dtype=torch.long)

    # --- sampling ----------------------------------------------------------------------
    @torch.no_grad()
    def generate(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """G(z, y) in [0, 1], (B, 1, 28, 28); eval mode (running batch-norm statistics)."""
        was_training = self.training
        self.eval()
        try:
            return (self.generator(z, y) + 1) / 2
        finally:
            self.train(was_training)

    def sample(self, n: int, *, condition=None, seed=None, truncation: float = 1.0, **options):
        """``n`` (1-16 from the apps; any n >= 1 here) images of class ``condition`` (index or name;
        None = random classes) from z truncated at ``truncation`` in (0, 1]. Returns (n, 1, 28, 28)."""
        n = check_int("n", n, 1)
        truncation = check_number("truncation", truncation, 0, 1, lo_open=True)
        seed = resolve_seed(check_seed("seed", seed))
        gen = torch.Generator().manual_seed(seed)
        z = truncated_normal((n, self.z_dim), truncation, gen)
        y = self.classes_for(n, condition, gen)
        return self.generate(z, y)

    def discriminate(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """D's score (B,) for images x in [0, 1]; positive means 'looks real for class y'."""
        return self.discriminator(x * 2 - 1, y)
