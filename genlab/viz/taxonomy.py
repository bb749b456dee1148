"""The taxonomy figure: one panel per model, its samples over the data it is measured on."""

from __future__ import annotations

import numpy as np

KIND_COLOURS = {"explicit": "#1f77b4", "implicit": "#d62728", "latent": "#2ca02c"}


def taxonomy_panels(data: np.ndarray, samples, kinds, *, titles, data_title: str):
    """``samples``: one (n, 2) array per model, coloured by its kind (explicit / implicit /
    latent); ``titles``: each model's panel title and ``data_title`` the first panel's, in the
    caller's language."""
    import matplotlib.pyplot as plt

    n = len(samples) + 1
    # three panels a row: six in one row drew them (and their titles) too small to read in a tab
    cols = min(n, 3)
    rows = -(-n // cols)
    fig, grid = plt.subplots(rows, cols, figsize=(3.4 * cols, 3.6 * rows), sharex=True, sharey=True,
                             constrained_layout=True, squeeze=False)
    axes = grid.ravel()
    for ax in axes[n:]:
        ax.remove()
    axes = axes[:n]
    lim = np.quantile(np.abs(data), 0.995) * 1.25
    axes[0].scatter(data[:, 0], data[:, 1], s=3, c="0.2", alpha=0.5)
    axes[0].set_title(data_title, fontsize=11)
    for ax, points, kind, title in zip(axes[1:], samples, kinds, titles):
        ax.scatter(data[:, 0], data[:, 1], s=3, c="0.85")
        ax.scatter(points[:, 0], points[:, 1], s=3, alpha=0.6, c=KIND_COLOURS[kind])
        ax.set_title(title, fontsize=11)
    for ax in axes:
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    return fig
