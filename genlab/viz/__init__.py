"""Figures: one function per figure, each returning a matplotlib or plotly figure (no I/O).

``genlab.viz.prob`` (section 1): mixture_surface, mixture_surface_plotly, kde_curves, mean_sigma,
mixture_samples.
``genlab.viz.classic`` (section 2): two_paradigms, mle_kl, cov_ellipse.
``genlab.viz.taxonomy``: taxonomy_panels (one panel per model of the three kinds).
``genlab.viz.images``: to_uint8, tile, upscale (image batches and grids, for every family).
``figure_png`` and ``figure_image``: a matplotlib figure as PNG bytes or as an RGB image;
``screen_precision``: a plotly figure dict's arrays in float32, for the browser;
``plotly_figure``: a Figure of such a dict.
Modules are imported on use so that importing genlab.viz stays light.
"""

import importlib

_MODULES = ("prob", "classic", "taxonomy", "images")


def __getattr__(name):
    if name in _MODULES:
        return importlib.import_module(f"genlab.viz.{name}")
    raise AttributeError(name)


def screen_precision(spec: dict) -> dict:
    """A plotly figure dict with its traces' float arrays (x, y, z, width) as float32: a screen
    needs no more digits, and the JSON a browser receives on each redraw halves."""
    import numpy as np

    for trace in spec["data"]:
        for key in ("x", "y", "z", "width"):
            value = trace.get(key)
            if isinstance(value, np.ndarray) and value.dtype.kind == "f":
                trace[key] = value.astype(np.float32)
    return spec


def plotly_figure(spec: dict):
    """A plotly Figure of a figure dict built to plotly's schema, without validating it again
    (validation costs more than building the dict; the tests validate every dict once)."""
    import plotly.graph_objects as go

    return go.Figure(spec, _validate=False)


def figure_png(fig) -> bytes:
    """A matplotlib figure rendered to PNG bytes (for ipywidgets.Image; writes no file)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def figure_image(fig):
    """A matplotlib figure rendered to an RGB PIL image (what a CLI saves with provenance)."""
    import io

    from PIL import Image

    return Image.open(io.BytesIO(figure_png(fig))).convert("RGB")
