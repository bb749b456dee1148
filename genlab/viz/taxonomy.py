"""The taxonomy figure: one panel per model, its samples over the data it was fitted to."""

from __future__ import annotations

import numpy as np

KIND_COLOURS = {"explicit": "#1f77b4", "implicit": "#d62728", "latent": "#2ca02c"}


def taxonomy_panels(data: np.ndarray, results, *, labels: dict | None = None):
    """``results``: ``genlab.taxonomy.ToyResult`` list. ``labels`` maps "data", "explicit",
    "implicit", "latent" to the caption text (translated by the caller)."""
    import matplotlib.pyplot as plt

    labels = labels or {}
    n = len(results) + 1
    fig, axes = plt.subplots(1, n, figsize=(3.0 * n, 3.7), sharex=True, sharey=True,
                             constrained_layout=True)
    lim = np.quantile(np.abs(data), 0.995) * 1.25
    axes[0].scatter(data[:, 0], data[:, 1], s=3, c="0.2", alpha=0.5)
    axes[0].set_title(labels.get("data", "data"), fontsize=10)
    for ax, r in zip(axes[1:], results):
        ax.scatter(data[:, 0], data[:, 1], s=3, c="0.85")
        ax.scatter(r.samples[:, 0], r.samples[:, 1], s=3, alpha=0.6, c=KIND_COLOURS[r.kind])
        ax.set_title(f"{r.family}\n{labels.get(r.kind, r.kind)} · p(x): {r.density}", fontsize=9)
    for ax in axes:
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    return fig
