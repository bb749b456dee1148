"""Figures of the GAN family (matplotlib; they return figures and never show or save them)."""

from __future__ import annotations

import numpy as np


def toy_field(gan, real: np.ndarray, fake: np.ndarray, *, lim: float = 3.0, title: str = "",
              history: list[dict] | None = None, labels=("real", "generated", "D(x) = P(real | x)",
                                                         "modes hit (of 8)", "step")):
    """Left: D's decision field with real and generated points; right: modes hit during training."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4.6), gridspec_kw={"width_ratios": [1.25, 1]})
    ax = axes[0]
    grid = np.linspace(-lim, lim, 121)
    xx, yy = np.meshgrid(grid, grid)
    field = gan.decision(np.stack([xx.ravel(), yy.ravel()], 1)).reshape(xx.shape)
    mesh = ax.contourf(xx, yy, field, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.55)
    fig.colorbar(mesh, ax=ax, label=labels[2])
    ax.scatter(real[:, 0], real[:, 1], s=4, c="black", alpha=0.35, label=labels[0])
    ax.scatter(fake[:, 0], fake[:, 1], s=4, c="#d62728", alpha=0.6, label=labels[1])
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.legend(loc="upper right", fontsize=8, markerscale=3)
    ax.set_title(title, fontsize=10)
    ax = axes[1]
    if history:
        steps = [h["step"] for h in history if "modes_hit" in h]
        ax.plot(steps, [h["modes_hit"] for h in history if "modes_hit" in h], "o-", color="#d62728")
        ax.set_ylim(-0.3, 8.3)
    ax.set_xlabel(labels[4])
    ax.set_title(labels[3], fontsize=10)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def truncation_sweep(metrics: dict, *, labels=("truncation", "class accuracy (fidelity)",
                                               "diversity (spread / real spread)", "Frechet distance",
                                               "real vs real", "none")):
    """Fidelity and diversity (left) and Frechet distance (right) over the truncation sweep."""
    import matplotlib.pyplot as plt

    rows = metrics["sweep"]
    xs = [1.25 if r["truncation"] == "none" else r["truncation"] for r in rows]
    ticks = [labels[5] if r["truncation"] == "none" else f"{r['truncation']:g}" for r in rows]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    ax = axes[0]
    ax.plot(xs, [r["class_accuracy"] for r in rows], "o-", label=labels[1])
    ax.plot(xs, [r["diversity"] for r in rows], "s-", label=labels[2])
    ax.set_xticks(xs, ticks)
    ax.set_xlabel(labels[0])
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ax = axes[1]
    ax.plot(xs, [r["frechet_vs_heldout"] for r in rows], "o-", color="#d62728", label=labels[3])
    ax.axhline(metrics["frechet_real_vs_real"], ls="--", color="gray", label=labels[4])
    ax.set_xticks(xs, ticks)
    ax.set_xlabel(labels[0])
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
