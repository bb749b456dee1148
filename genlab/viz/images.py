"""Image arrays for display: one conversion to uint8 and one grid, for every family."""

from __future__ import annotations

import numpy as np


def to_uint8(images) -> np.ndarray:
    """A batch of images as (n, H, W, 3) uint8.

    Accepts (n, C, H, W) with C in {1, 3} or (n, H, W[, C]); floats in [0, 1] (clipped) or uint8.
    """
    x = np.asarray(images)
    if x.ndim == 3:                                    # (n, H, W): grey
        x = x[..., None]
    elif x.ndim == 4 and x.shape[1] in (1, 3) and x.shape[-1] not in (1, 3):
        x = x.transpose(0, 2, 3, 1)                    # channels first -> last
    if x.ndim != 4 or x.shape[-1] not in (1, 3):
        raise ValueError(f"images: expected (n, C, H, W) or (n, H, W[, C]), got shape {x.shape}")
    if x.dtype != np.uint8:
        x = np.clip(np.asarray(x, np.float64) * 255 + 0.5, 0, 255).astype(np.uint8)
    if x.shape[-1] == 1:
        x = np.repeat(x, 3, axis=-1)
    return x


def upscale(image: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour enlargement of an (H, W[, C]) image, so small digits stay crisp."""
    if factor <= 1:
        return image
    return image.repeat(factor, axis=0).repeat(factor, axis=1)


def tile(images, cols: int | None = None, *, pad: int = 2, scale: int = 1, min_pixels: int = 0) -> np.ndarray:
    """Tile a batch of images (any layout ``to_uint8`` takes) into one (H', W', 3) uint8 image.

    ``cols`` defaults to a square-ish grid; white padding of ``pad`` pixels; ``scale`` enlarges
    the result by whole pixels, more if needed to reach ``min_pixels`` (e.g. the invisible
    watermark's minimum, so that every saved grid can carry the mark).
    """
    x = to_uint8(images)
    n, h, w, c = x.shape
    if n == 0:
        raise ValueError("images: nothing to tile")
    cols = min(cols or int(np.ceil(np.sqrt(n))), n)
    rows = -(-n // cols)
    out = np.full((rows * (h + pad) + pad, cols * (w + pad) + pad, c), 255, np.uint8)
    for i, image in enumerate(x):
        r, k = divmod(i, cols)
        top, left = pad + r * (h + pad), pad + k * (w + pad)
        out[top:top + h, left:left + w] = image
    if min_pixels:
        scale = max(scale, int(np.ceil(np.sqrt(min_pixels / (out.shape[0] * out.shape[1])))))
    return upscale(out, scale)
