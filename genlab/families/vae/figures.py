"""Figures of the VAE section: matplotlib Figures, and for the digit walk also a plain plotly dict
(``digit_walk_spec``, the web page's); no function shows or saves.

Every title, label and legend comes from the caller's ``text`` (the pipeline takes them from
genlab/locale/<lang>/vae.json), so the Russian page draws Russian figures.
"""

from __future__ import annotations

import functools

import numpy as np


def _figure(width=10, height=3.2, ncols=1):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]
    return fig, axes


def waveforms(original: np.ndarray | None, reconstruction: np.ndarray, sample_rate: int, *, text: dict,
              max_seconds: float = 3.0):
    """Original vs reconstruction (or a prior sample alone), first channel, the first ``max_seconds``
    (the lecture's plot). ``text``: title, original, reconstruction, time, amplitude."""
    fig, (ax,) = _figure()
    n = min(reconstruction.shape[-1], int(sample_rate * max_seconds))
    t = np.arange(n) / sample_rate
    if original is not None:
        ax.plot(t, original[0, :n], lw=0.8, label=text["original"])
    ax.plot(t, reconstruction[0, :n], lw=0.8, alpha=0.8, label=text["reconstruction"])
    ax.set(title=text["title"], xlabel=text["time"], ylabel=text["amplitude"])
    ax.grid(True, lw=0.3)
    ax.legend(loc="upper right")
    return fig


def mu_sigma_histograms(mu: np.ndarray, sigma: np.ndarray, *, text: dict):
    """Histograms of q(z|x)'s means and standard deviations. ``text``: hist_mu, hist_sigma."""
    fig, (a1, a2) = _figure(ncols=2)
    a1.hist(mu.ravel(), bins=60, color="tab:blue")
    a2.hist(sigma.ravel(), bins=60, color="tab:orange")
    for ax, title in zip((a1, a2), (text["hist_mu"], text["hist_sigma"])):
        ax.set_title(title)
        ax.grid(True, lw=0.3)
    return fig


def latent_heatmap(z: np.ndarray, *, text: dict):
    """z as channels x frames (the first 64 x 256). ``text``: heat_title, latent_frame, latent_channel."""
    fig, (ax,) = _figure(height=3.6)
    image = ax.imshow(z[:64, :256], aspect="auto", origin="lower", cmap="magma", interpolation="nearest")
    ax.set(title=text["heat_title"], xlabel=text["latent_frame"], ylabel=text["latent_channel"])
    fig.colorbar(image, ax=ax, fraction=0.025, pad=0.02)
    return fig


def interpolation_waves(waves: list[np.ndarray], sample_rate: int, *, text: dict):
    """One row per interpolation step t = 0 ... 1 (first channel). ``text``: title, time."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 0.9 * len(waves) + 0.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(len(waves), 1, sharex=True))
    for i, (ax, w) in enumerate(zip(axes, waves)):
        ax.plot(np.arange(w.shape[-1]) / sample_rate, w[0], lw=0.6)
        ax.set_ylabel(f"t = {i / (len(waves) - 1):.2f}", rotation=0, labelpad=25, fontsize=8)
        ax.set_yticks([])
    axes[-1].set_xlabel(text["time"])
    fig.suptitle(text["title"])
    return fig


def digit_walk(digit: np.ndarray, grid: np.ndarray, span: float, point: tuple[float, float],
               codes: np.ndarray, labels: np.ndarray, *, text: dict):
    """The decoded digit at ``point`` beside the decoded grid over [-span, span]^2 with held-out
    codes (coloured by class) and the point. ``text``: digit_title, digit_map, digit_class."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9.6, 5.2), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=(1, 1.7))
    left.imshow(digit, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    left.set(title=text["digit_title"].format(z1=point[0], z2=point[1]), xticks=[], yticks=[])
    right.imshow(grid, cmap="gray_r", extent=(-span, span, -span, span))
    scatter = right.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", s=6, alpha=0.55, vmin=-0.5, vmax=9.5)
    fig.colorbar(scatter, ax=right, ticks=range(10), fraction=0.04, pad=0.02, label=text["digit_class"])
    right.plot(*point, marker="+", color="red", markersize=18, mew=2.5)
    right.set(xlim=(-span, span), ylim=(-span, span), xlabel="z1", ylabel="z2", title=text["digit_map"])
    return fig


TAB10 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
         "#bcbd22", "#17becf")  # matplotlib's tab10, as ``digit_walk`` colours the classes


def digit_walk_spec(digit: np.ndarray, grid: np.ndarray, span: float, point: tuple[float, float],
                    codes: np.ndarray, labels: np.ndarray, *, text: dict) -> dict:
    """``digit_walk`` as a plotly figure dict (what the web page draws on each slider release).

    The decoded grid travels as one PNG (16 grey levels, encoded once per grid), so a move costs
    a 28 x 28 digit, the codes and the point, not a re-rendered picture.
    """
    codes, labels = np.asarray(codes, dtype=np.float32), np.asarray(labels)  # float32: enough for a screen
    traces = [{"type": "heatmap", "z": np.asarray(digit, dtype=np.float32)[::-1], "xaxis": "x", "yaxis": "y", "zmin": 0, "zmax": 1,
               "colorscale": [[0, "white"], [1, "black"]], "showscale": False, "hoverinfo": "skip"},
              {"type": "image", "source": _grid_png(grid), "xaxis": "x2", "yaxis": "y2",
               "x0": -span + span / grid.shape[1], "dx": 2 * span / grid.shape[1],
               "y0": -span + span / grid.shape[0], "dy": 2 * span / grid.shape[0], "hoverinfo": "skip"}]
    for k in range(10):
        mine = labels == k
        traces.append({"type": "scatter", "x": codes[mine, 0], "y": codes[mine, 1], "xaxis": "x2", "yaxis": "y2",
                       "mode": "markers", "name": str(k), "legendgroup": "class",
                       "legendgrouptitle": {"text": text["digit_class"]} if k == 0 else None,
                       "marker": {"size": 4, "color": TAB10[k], "opacity": 0.55}})
    traces.append({"type": "scatter", "x": [point[0]], "y": [point[1]], "xaxis": "x2", "yaxis": "y2",
                   "mode": "markers", "showlegend": False, "hoverinfo": "x+y",
                   "marker": {"symbol": "cross-thin", "size": 22, "line": {"color": "red", "width": 3}}})
    hidden = {"showticklabels": False, "showgrid": False, "zeroline": False, "ticks": ""}
    latent = {"range": [-span, span], "showgrid": False, "zeroline": False, "linecolor": "#999", "mirror": True}
    layout = {
        "height": 500, "margin": {"l": 10, "r": 10, "t": 50, "b": 45}, "plot_bgcolor": "white",
        "paper_bgcolor": "white", "legend": {"x": 1.02, "y": 1.0, "font": {"size": 11}},
        "xaxis": {**hidden, "domain": [0.0, 0.33], "range": [-0.5, 27.5], "anchor": "y"},
        "yaxis": {**hidden, "domain": [0.15, 0.85], "range": [-0.5, 27.5], "anchor": "x", "scaleanchor": "x"},
        "xaxis2": {**latent, "domain": [0.42, 1.0], "anchor": "y2", "title": {"text": "z1"}},
        "yaxis2": {**latent, "domain": [0.0, 1.0], "anchor": "x2", "title": {"text": "z2"}, "scaleanchor": "x2"},
        "annotations": [
            {"text": title, "x": (dom[0] + dom[1]) / 2, "y": 1.0, "xref": "paper", "yref": "paper",
             "xanchor": "center", "yanchor": "bottom", "yshift": 6, "showarrow": False, "font": {"size": 13}}
            for title, dom in ((text["digit_title"].format(z1=point[0], z2=point[1]), (0.0, 0.33)),
                               (text["digit_map"], (0.42, 1.0)))],
    }
    return {"data": traces, "layout": layout}


def _grid_png(grid: np.ndarray) -> str:
    """The decoded grid (values in [0, 1], row 0 at the top) as a data URI, dark on white, rows
    flipped for plotly's upward y axis."""
    grey = (255 * (1 - np.clip(np.asarray(grid, dtype=np.float32), 0, 1))).astype(np.uint8)[::-1]
    return _png_uri(grey.tobytes(), grey.shape)


@functools.lru_cache(maxsize=4)
def _png_uri(pixels: bytes, shape: tuple[int, int]) -> str:
    import base64
    import io

    from PIL import Image

    image = Image.frombytes("L", (shape[1], shape[0]), pixels).quantize(16)  # 16 greys: 2.4x smaller
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
