"""What the CLI, the app tab and the widget share: run a lab model with a trace, tile images.

These functions call the model and arrange its outputs; the math lives in ``model``/``sampling``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from genlab import limits
from genlab.compute import one_thread
from genlab.errors import InputError, check_int

@dataclass
class LabRun:
    samples: np.ndarray                 # (n, *data_shape) in the user's data space
    strip: list = field(default_factory=list)   # [(step index, timestep, x0 (n, *shape))]
    trajectory: np.ndarray | None = None  # (n, nfe + 1, 2) for 2-D models: x_T, ..., x_0
    record_params: dict = field(default_factory=dict)


def strip_steps(nfe: int, count: int = 6) -> list[int]:
    """Evenly spread step indices (always including the first and the last)."""
    count = min(count, nfe)
    return sorted({int(round(i)) for i in np.linspace(0, nfe - 1, count)})


def run_lab(model, n: int, *, condition=None, seed: int, scheduler: str, nfe: int,
            guidance: float, spacing: str = "trailing", strip_at=None,
            on_step: Callable[[], None] | None = None) -> LabRun:
    """Sample with ``model.chain``, keeping predicted x_0 at ``strip_at`` steps (default: six
    spread over the chain) and, for 2-D models, every particle's path."""
    strip_at = set(strip_steps(nfe) if strip_at is None else strip_at)
    is_2d = tuple(model.data_shape) == (2,)
    run = LabRun(samples=np.empty(0))
    path = []
    last = None
    with one_thread():
        for step in _chain_with_callback(model, n, condition, seed, scheduler, nfe, guidance,
                                         spacing, on_step):
            if is_2d:  # x_t in the variance-preserving space (Euler's own samples are scaled)
                path.append(step.x_t.clone())
            if step.index in strip_at:
                run.strip.append((step.index, step.timestep,
                                  model.from_model_space(step.pred_x0).numpy()))
            last = step
    run.samples = model.from_model_space(last.sample).numpy()
    if is_2d:
        path.append(last.sample)
        run.trajectory = np.stack([p.numpy() for p in path], axis=1)
    run.record_params = {"class": condition, "scheduler": scheduler, "nfe": nfe,
                         "guidance": guidance, "spacing": spacing, "n": n}
    return run


def _chain_with_callback(model, n, condition, seed, scheduler, nfe, guidance, spacing, on_step):
    for step in model.chain(n, condition=condition, seed=seed, scheduler=scheduler, nfe=nfe,
                            guidance=guidance, spacing=spacing):
        if on_step is not None:
            on_step()
        yield step


def grid(images, ncols: int | None = None, pad: int = 2) -> np.ndarray:
    """Tile images (each (1, H, W), (H, W) or (H, W, 3); floats in [0, 1] or uint8) into one
    uint8 array, white gaps between tiles."""
    tiles = []
    for img in images:
        a = np.asarray(img)
        if a.ndim == 3 and a.shape[0] in (1, 3) and a.shape[-1] not in (1, 3):
            a = np.moveaxis(a, 0, -1)
        if a.ndim == 3 and a.shape[-1] == 1:
            a = a[..., 0]
        if a.dtype != np.uint8:
            a = (np.clip(a, 0, 1) * 255).round().astype(np.uint8)
        tiles.append(a)
    if not tiles:
        raise InputError("n", "custom", text_en="no images to tile", text_ru="нет изображений")
    n = len(tiles)
    ncols = ncols or int(np.ceil(np.sqrt(n)))
    nrows = int(np.ceil(n / ncols))
    h, w = tiles[0].shape[:2]
    colour = tiles[0].ndim == 3
    shape = (nrows * (h + pad) + pad, ncols * (w + pad) + pad) + ((3,) if colour else ())
    canvas = np.full(shape, 255, dtype=np.uint8)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, ncols)
        canvas[pad + r * (h + pad): pad + r * (h + pad) + h,
               pad + c * (w + pad): pad + c * (w + pad) + w] = tile
    return canvas


def upscale(img: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour enlargement, so 28x28 digits are visible in a gallery."""
    return np.kron(img, np.ones((factor, factor) + (1,) * (img.ndim - 2), dtype=img.dtype))


def parse_size(size: str) -> tuple[int, int]:
    """'WIDTHxHEIGHT' -> (width, height)."""
    try:
        w, h = (int(v) for v in str(size).lower().replace("×", "x").split("x"))
    except ValueError:
        raise InputError("size", "custom", text_en=f"expected WIDTHxHEIGHT, got {size!r}",
                         text_ru=f"ожидалось ШИРИНАxВЫСОТА, получено {size!r}") from None
    return w, h


def pil_to_array(image) -> np.ndarray:
    return np.asarray(image.convert("RGB"))


def lab_sample_grid(name: str, *, class_=None, toy: str = "eight_gaussians", scheduler: str,
                    spacing: str, nfe: int, guidance: float, n: int, seed: int,
                    on_step: Callable[[], None] | None = None):
    """(grid image uint8, provenance record) for the CLI: digits as a tiled grid, 2-D toys as a
    scatter plot of the samples."""
    from genlab.families.diffusion import LAB_MODELS, load_lab_model
    from genlab.provenance import record

    n = check_int("n", n, 1, limits.MAX_LAB_DIFFUSION_SAMPLES)
    model = load_lab_model(name)
    is_toy = tuple(model.data_shape) == (2,)
    condition = toy if is_toy else class_
    run = run_lab(model, n, condition=condition, seed=seed, scheduler=scheduler, nfe=nfe,
                  guidance=guidance, spacing=spacing, strip_at=[], on_step=on_step)
    if is_toy:
        from genlab.families.diffusion.plots import figure_to_array, samples_figure

        image = figure_to_array(samples_figure(run.samples, title=f"{toy}: {scheduler}, {nfe} steps"))
    else:
        image = upscale(grid(run.samples), 2)
    model_id = f"genlab/{LAB_MODELS.get(name, name)}"
    return image, record(model=model_id, seed=seed, params=run.record_params, kind="image")
