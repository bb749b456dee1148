"""The small rotary-position transformer EAR_VAE can put on z (stable-audio-tools' ContinuousTransformer).

Only the configuration EAR_VAE uses is implemented (self-attention, no cross-attention, no
conformer, no global conditioning); parameter names follow the published state dicts:

    rotary_pos_emb.inv_freq
    layers.{i}.pre_norm.{gamma,beta}   layers.{i}.self_attn.to_qkv.weight   layers.{i}.self_attn.to_out.weight
    layers.{i}.ff_norm.{gamma,beta}    layers.{i}.ff.ff.0.proj.{weight,bias}  layers.{i}.ff.ff.2.{weight,bias}

Input and output are (B, N, dim): the VAE transposes z (B, D, F) to (B, F, D) around it.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

SUPPORTED_KEYS = {"dim_heads", "rotary_pos_emb", "attn_kwargs", "ff_kwargs", "causal", "norm_kwargs"}


class LayerNorm(nn.Module):
    """Bias-free layer norm (beta is a zero buffer, so it is in the state dict but not trained)."""

    def __init__(self, dim: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.gamma = nn.Parameter(torch.ones(dim))
        self.register_buffer("beta", torch.zeros(dim))

    def forward(self, x):
        return F.layer_norm(x, x.shape[-1:], weight=self.gamma, bias=self.beta, eps=self.eps)


class RotaryEmbedding(nn.Module):
    def __init__(self, dim: int, base: float = 10000.0):
        super().__init__()
        self.register_buffer("inv_freq", 1.0 / base ** (torch.arange(0, dim, 2).float() / dim))

    def forward(self, n: int) -> torch.Tensor:  # (n, dim) angles
        t = torch.arange(n, device=self.inv_freq.device, dtype=torch.float32)
        freqs = torch.outer(t, self.inv_freq)
        return torch.cat((freqs, freqs), dim=-1)


def _rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary(t: torch.Tensor, freqs: torch.Tensor) -> torch.Tensor:
    """Rotate the first freqs.shape[-1] features of t (B, H, N, d); the rest pass through."""
    rot = freqs.shape[-1]
    t_rot, t_pass = t[..., :rot], t[..., rot:]
    t_rot = t_rot * freqs.cos() + _rotate_half(t_rot) * freqs.sin()
    return torch.cat((t_rot, t_pass), dim=-1)


class Attention(nn.Module):
    def __init__(self, dim: int, dim_heads: int, qk_norm: bool = False, causal: bool = False):
        super().__init__()
        self.heads = dim // dim_heads
        self.qk_norm, self.causal = qk_norm, causal
        self.to_qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.to_out = nn.Linear(dim, dim, bias=False)

    def forward(self, x, freqs):
        b, n, d = x.shape
        q, k, v = self.to_qkv(x).view(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        if self.qk_norm:  # cosine-similarity attention
            q, k = F.normalize(q, dim=-1), F.normalize(k, dim=-1)
        if freqs is not None:
            q, k = apply_rotary(q, freqs), apply_rotary(k, freqs)
        out = F.scaled_dot_product_attention(q, k, v, is_causal=self.causal)  # (B, H, N, dh)
        return self.to_out(out.transpose(1, 2).reshape(b, n, d))


class GLU(nn.Module):
    def __init__(self, dim_in: int, dim_out: int):
        super().__init__()
        self.proj = nn.Linear(dim_in, 2 * dim_out)

    def forward(self, x):
        x, gate = self.proj(x).chunk(2, dim=-1)
        return x * F.silu(gate)


class FeedForward(nn.Module):
    def __init__(self, dim: int, mult: float = 4, no_bias: bool = False):
        super().__init__()
        inner = int(dim * mult)
        self.ff = nn.Sequential(GLU(dim, inner), nn.Identity(), nn.Linear(inner, dim, bias=not no_bias))

    def forward(self, x):
        return self.ff(x)


class TransformerBlock(nn.Module):
    def __init__(self, dim, dim_heads, attn_kwargs, ff_kwargs, causal, norm_kwargs):
        super().__init__()
        self.pre_norm = LayerNorm(dim, **norm_kwargs)
        self.self_attn = Attention(dim, dim_heads, causal=causal, **attn_kwargs)
        self.ff_norm = LayerNorm(dim, **norm_kwargs)
        self.ff = FeedForward(dim, **ff_kwargs)

    def forward(self, x, freqs):
        x = x + self.self_attn(self.pre_norm(x), freqs)
        return x + self.ff(self.ff_norm(x))


class ContinuousTransformer(nn.Module):
    """``depth`` pre-norm blocks of rotary self-attention + SwiGLU feed-forward on (B, N, dim)."""

    def __init__(self, dim: int, depth: int, **config):
        super().__init__()
        unknown = set(config) - SUPPORTED_KEYS
        if unknown:
            raise ValueError(f"transformer config: options {sorted(unknown)} are not supported by "
                             f"genlab's implementation (supported: {sorted(SUPPORTED_KEYS)})")
        dim_heads = int(config.get("dim_heads", 64))
        attn_kwargs = dict(config.get("attn_kwargs", {}))
        if attn_kwargs.get("qk_norm") not in (None, False, True):
            raise ValueError(f"transformer config: qk_norm={attn_kwargs['qk_norm']!r} is not supported")
        attn_kwargs = {"qk_norm": bool(attn_kwargs.get("qk_norm", False))}
        ff_kwargs = {k: v for k, v in dict(config.get("ff_kwargs", {})).items() if k in ("mult", "no_bias")}
        norm_kwargs = {k: v for k, v in dict(config.get("norm_kwargs", {})).items() if k == "eps"}
        causal = bool(config.get("causal", False))
        if dim % dim_heads or (config.get("rotary_pos_emb", True) and max(dim_heads // 2, 32) > dim_heads):
            raise ValueError(f"transformer config: dim {dim} / dim_heads {dim_heads}: heads must divide the "
                             "dim and be at least 32 wide (the rotary part is max(dim_heads // 2, 32))")
        self.rotary_pos_emb = RotaryEmbedding(max(dim_heads // 2, 32)) if config.get("rotary_pos_emb", True) else None
        self.project_in = nn.Identity()
        self.project_out = nn.Identity()
        self.layers = nn.ModuleList(TransformerBlock(dim, dim_heads, attn_kwargs, ff_kwargs, causal, norm_kwargs)
                                    for _ in range(depth))

    def forward(self, x):  # (B, N, dim)
        freqs = self.rotary_pos_emb(x.shape[1]) if self.rotary_pos_emb is not None else None
        for layer in self.layers:
            x = layer(x, freqs)
        return x
