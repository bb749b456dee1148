"""Figures of the VAE demo (matplotlib; each function returns a Figure and never shows or saves it)."""

from __future__ import annotations

import numpy as np


def _figure(width=10, height=3.2, ncols=1):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]
    return fig, axes


def waveforms(original: np.ndarray | None, reconstruction: np.ndarray, sample_rate: int, *,
              title: str = "", labels=("original", "reconstruction"), max_seconds: float = 3.0):
    """Original vs reconstruction, first channel, the first ``max_seconds`` (the lecture's plot)."""
    fig, (ax,) = _figure()
    n = min(reconstruction.shape[-1], int(sample_rate * max_seconds))
    t = np.arange(n) / sample_rate
    if original is not None:
        ax.plot(t, original[0, :n], lw=0.8, label=labels[0])
    ax.plot(t, reconstruction[0, :n], lw=0.8, alpha=0.8, label=labels[1])
    ax.set(title=title, xlabel="time (s)", ylabel="amplitude")
    ax.grid(True, lw=0.3)
    ax.legend(loc="upper right")
    return fig


def mu_sigma_histograms(mu: np.ndarray, sigma: np.ndarray, *, titles=("mu", "sigma")):
    fig, (a1, a2) = _figure(ncols=2)
    a1.hist(mu.ravel(), bins=60, color="tab:blue")
    a2.hist(sigma.ravel(), bins=60, color="tab:orange")
    for ax, title in zip((a1, a2), titles):
        ax.set_title(title)
        ax.grid(True, lw=0.3)
    return fig


def latent_heatmap(z: np.ndarray, *, title: str = "latent z (channels x time)", xlabel="latent frame",
                   ylabel="latent channel"):
    fig, (ax,) = _figure(height=3.6)
    zz = z[:64, :256]
    image = ax.imshow(zz, aspect="auto", origin="lower", cmap="magma", interpolation="nearest")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    fig.colorbar(image, ax=ax, fraction=0.025, pad=0.02)
    return fig


def interpolation_waves(waves: list[np.ndarray], sample_rate: int, *, title: str = ""):
    """One row per interpolation step t = 0 ... 1 (first channel)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 0.9 * len(waves) + 0.8), layout="constrained")
    axes = fig.subplots(len(waves), 1, sharex=True)
    for i, (ax, w) in enumerate(zip(np.atleast_1d(axes), waves)):
        t = np.arange(w.shape[-1]) / sample_rate
        ax.plot(t, w[0], lw=0.6)
        ax.set_ylabel(f"t={i / (len(waves) - 1):.2f}", rotation=0, labelpad=25, fontsize=8)
        ax.set_yticks([])
    np.atleast_1d(axes)[-1].set_xlabel("time (s)")
    fig.suptitle(title)
    return fig


def digit_latent_map(grid: np.ndarray, span: float, point: tuple[float, float] | None = None,
                     codes: np.ndarray | None = None, labels: np.ndarray | None = None, *, title: str = ""):
    """The decoded grid over [-span, span]^2 with held-out codes (coloured by digit) and the cursor."""
    fig, (ax,) = _figure(width=6.2, height=6.0)
    ax.imshow(grid, cmap="gray_r", extent=(-span, span, -span, span))
    if codes is not None:
        scatter = ax.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", s=6, alpha=0.55, vmin=-0.5, vmax=9.5)
        fig.colorbar(scatter, ax=ax, ticks=range(10), fraction=0.04, pad=0.02)
    if point is not None:
        ax.plot(*point, marker="+", color="red", markersize=18, mew=2.5)
    ax.set(xlim=(-span, span), ylim=(-span, span), xlabel="z1", ylabel="z2", title=title)
    return fig
