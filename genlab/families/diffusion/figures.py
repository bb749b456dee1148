"""Figures for the diffusion views: matplotlib figures returned, never shown or saved."""

from __future__ import annotations

import numpy as np


def _figure(figsize=(5, 5)):
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained")


def samples_figure(samples: np.ndarray, *, reference: np.ndarray | None = None, title: str = ""):
    """Scatter of 2-D samples (n, 2) over optional data points (m, 2)."""
    fig = _figure()
    ax = fig.add_subplot()
    if reference is not None:
        ax.scatter(reference[:, 0], reference[:, 1], s=2, c="0.8", label="data")
    ax.scatter(samples[:, 0], samples[:, 1], s=4, c="C0", label="samples")
    ax.set_aspect("equal")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    return fig


def trajectories_figure(trajectory: np.ndarray, *, reference: np.ndarray | None = None,
                        max_paths: int = 200, title: str = "", labels=("x_T (noise)", "x_0")):
    """Particles' paths from noise to data; trajectory (n, steps + 1, 2)."""
    fig = _figure((6, 6))
    ax = fig.add_subplot()
    if reference is not None:
        ax.scatter(reference[:, 0], reference[:, 1], s=2, c="0.85", zorder=0)
    paths = trajectory[:max_paths]
    for path in paths:
        ax.plot(path[:, 0], path[:, 1], lw=0.5, c="C0", alpha=0.35)
    ax.scatter(paths[:, 0, 0], paths[:, 0, 1], s=6, c="C3", label=labels[0], zorder=3)
    ax.scatter(paths[:, -1, 0], paths[:, -1, 1], s=6, c="k", label=labels[1], zorder=3)
    ax.set_aspect("equal")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    return fig


def nfe_figure(rows: list[dict], *, metric: str = "frechet", title: str = ""):
    """Metric against NFE, one line per scheduler (log x); rows have scheduler, nfe, metric."""
    fig = _figure((7, 4.5))
    ax = fig.add_subplot()
    for name in sorted({r["scheduler"] for r in rows}):
        pts = sorted((r["nfe"], r[metric]) for r in rows if r["scheduler"] == name)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")  # one diverging scheduler must not flatten the others
    ax.set_xlabel("NFE (network evaluations per sample, per guidance branch)")
    ax.set_ylabel(metric)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def figure_to_array(fig) -> np.ndarray:
    """RGB uint8 (H, W, 3) of a figure, for a PNG saved with provenance."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()
