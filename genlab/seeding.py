"""Seeds make everything reproducible: the same seed gives the same samples."""

from __future__ import annotations

import secrets

import numpy as np


def resolve_seed(seed: int | None) -> int:
    """``None`` or -1 picks a fresh random seed, which is returned so outputs can record it."""
    if seed is None or seed == -1:
        return secrets.randbelow(2**31 - 1)
    return int(seed)


def numpy_rng(seed: int | None) -> np.random.Generator:
    return np.random.default_rng(resolve_seed(seed))


def torch_generator(seed: int | None, device: str = "cpu"):
    import torch

    gen = torch.Generator(device=device)
    gen.manual_seed(resolve_seed(seed))
    return gen
