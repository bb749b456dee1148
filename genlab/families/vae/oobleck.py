"""The "Oobleck" 1-D convolutional encoder/decoder of stable-audio-tools, as EAR_VAE uses it.

genlab's own implementation, written so that the parameter names are those of the published
state dicts (``encoder.layers.1.layers.0.layers.1.weight_v`` ...): the lab audio VAE uses it at a
tiny size, the pretrained backend loads EAR_VAE's weights into it at full size.

Shape walk (B batch, C audio channels, T samples, hop = prod(strides)):

    x (B, C, T) -> conv7 -> [EncoderBlock(stride s_i)]_i -> SnakeBeta -> conv3 -> (B, 2*D, T/hop)
    z (B, D, T/hop) -> conv7 -> [DecoderBlock(stride s_i)]_reversed -> SnakeBeta -> conv7 -> (B, C, T)

An encoder block: three dilated residual units (dilation 1, 3, 9) at the block's input width,
then a strided convolution (kernel 2s, stride s) that widens the channels. A decoder block mirrors
it with a transposed convolution. Convolutions are weight-normalised (w = g v / ||v||).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class SnakeBeta(nn.Module):
    """x + 1/beta * sin^2(alpha x), alpha and beta per channel, stored as logs (zeros = 1)."""

    def __init__(self, channels: int):
        super().__init__()
        self.alpha = nn.Parameter(torch.zeros(channels))
        self.beta = nn.Parameter(torch.zeros(channels))

    def forward(self, x):  # (B, C, T)
        alpha = self.alpha.exp()[None, :, None]
        beta = self.beta.exp()[None, :, None]
        return x + torch.sin(x * alpha).pow(2) / (beta + 1e-9)


class _WeightNorm(nn.Module):
    """Weight normalisation with the names of ``torch.nn.utils.weight_norm``: weight_g, weight_v.

    The norm is taken over every dimension but 0, as torch's default (dim=0) does; for a
    transposed convolution dimension 0 is the input channels, again as in the published weights.
    """

    def _init_weight_norm(self, weight: torch.Tensor, bias: torch.Tensor | None):
        self.weight_v = nn.Parameter(weight.detach().clone())
        self.weight_g = nn.Parameter(self._norm(weight.detach()).clone())
        self.bias = nn.Parameter(bias.detach().clone()) if bias is not None else None

    @staticmethod
    def _norm(v):
        return v.flatten(1).norm(dim=1).view(-1, *([1] * (v.dim() - 1)))

    @property
    def weight(self):
        return self.weight_g * self.weight_v / self._norm(self.weight_v)


class WNConv1d(_WeightNorm):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 bias=True):
        super().__init__()
        conv = nn.Conv1d(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                         dilation=dilation, bias=bias)
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self._init_weight_norm(conv.weight, conv.bias)

    def forward(self, x):
        return F.conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation)


class WNConvTranspose1d(_WeightNorm):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0):
        super().__init__()
        conv = nn.ConvTranspose1d(in_channels, out_channels, kernel_size, stride=stride,
                                  padding=padding)
        self.stride, self.padding = stride, padding
        self._init_weight_norm(conv.weight, conv.bias)

    def forward(self, x):
        return F.conv_transpose1d(x, self.weight, self.bias, self.stride, self.padding)


class ResidualUnit(nn.Module):
    def __init__(self, channels: int, dilation: int):
        super().__init__()
        padding = dilation * (7 - 1) // 2  # "same" length for kernel 7
        self.layers = nn.Sequential(
            SnakeBeta(channels),
            WNConv1d(channels, channels, 7, dilation=dilation, padding=padding),
            SnakeBeta(channels),
            WNConv1d(channels, channels, 1),
        )

    def forward(self, x):
        return x + self.layers(x)


class EncoderBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int):
        super().__init__()
        self.layers = nn.Sequential(
            ResidualUnit(in_channels, 1), ResidualUnit(in_channels, 3), ResidualUnit(in_channels, 9),
            SnakeBeta(in_channels),
            WNConv1d(in_channels, out_channels, 2 * stride, stride=stride,
                     padding=math.ceil(stride / 2)),
        )

    def forward(self, x):
        return self.layers(x)


class DecoderBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int):
        super().__init__()
        self.layers = nn.Sequential(
            SnakeBeta(in_channels),
            WNConvTranspose1d(in_channels, out_channels, 2 * stride, stride=stride,
                              padding=math.ceil(stride / 2)),
            ResidualUnit(out_channels, 1), ResidualUnit(out_channels, 3), ResidualUnit(out_channels, 9),
        )

    def forward(self, x):
        return self.layers(x)


class OobleckEncoder(nn.Module):
    """(B, in_channels, T) -> (B, latent_dim, T / prod(strides)); ``latent_dim`` = 2 x the VAE's D."""

    def __init__(self, in_channels=2, channels=128, latent_dim=128, c_mults=(1, 2, 4, 8, 16),
                 strides=(2, 4, 4, 4, 8), use_snake=True):
        super().__init__()
        if not use_snake:
            raise ValueError("genlab's Oobleck implements the SnakeBeta variant (use_snake=True) only")
        widths = [channels * m for m in [1, *c_mults]]
        layers = [WNConv1d(in_channels, widths[0], 7, padding=3)]
        layers += [EncoderBlock(widths[i], widths[i + 1], strides[i]) for i in range(len(strides))]
        layers += [SnakeBeta(widths[-1]), WNConv1d(widths[-1], latent_dim, 3, padding=1)]
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


class OobleckDecoder(nn.Module):
    """(B, latent_dim, F) -> (B, out_channels, F * prod(strides))."""

    def __init__(self, out_channels=2, channels=128, latent_dim=64, c_mults=(1, 2, 4, 8, 16),
                 strides=(2, 4, 4, 4, 8), use_snake=True, final_tanh=False,
                 use_nearest_upsample=False):
        super().__init__()
        if not use_snake or use_nearest_upsample:
            raise ValueError("genlab's Oobleck implements use_snake=True, use_nearest_upsample=False")
        widths = [channels * m for m in [1, *c_mults]]
        layers = [WNConv1d(latent_dim, widths[-1], 7, padding=3)]
        layers += [DecoderBlock(widths[i], widths[i - 1], strides[i - 1])
                   for i in range(len(strides), 0, -1)]
        layers += [SnakeBeta(widths[0]), WNConv1d(widths[0], out_channels, 7, padding=3, bias=False),
                   nn.Tanh() if final_tanh else nn.Identity()]
        self.layers = nn.Sequential(*layers)

    def forward(self, z):
        return self.layers(z)
