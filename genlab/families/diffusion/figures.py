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


QUALITY_LABELS = {"axis": "NFE (network evaluations per sample)",
                  "digits": "KID to held-out digits", "toys": "sliced Wasserstein to fresh points",
                  "digits_title": "digits: {n} samples per point",
                  "toys_title": "2-D toys: {n} samples per set"}


def quality_vs_nfe_figure(result: dict, *, labels: dict | None = None, title: str = ""):
    """The measured quality-vs-NFE curves of ``benchmarks/bench_diffusion.py`` (its JSON ``data``):
    digits' KID per scheduler with its standard error, beside the lab GAN and the real-data
    floor; the 2-D toys' sliced Wasserstein distance, beside fresh data. ``labels``: the texts of
    ``QUALITY_LABELS`` in the page's language."""
    text = {**QUALITY_LABELS, **(labels or {})}
    panels = [p for p in (("digits", "kid", "kid_se"), ("toy2d", "sliced_wasserstein",
                                                         "sliced_wasserstein_se")) if result.get(p[0])]
    fig = _figure((5.5 * len(panels), 4.5))
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (key, metric, se) in zip(axes, panels):
        block = result[key]
        rows = block["rows"]
        for i, name in enumerate(("ddpm", "ddim", "deis", "dpm++", "euler")):
            pts = sorted((r["nfe"], r[metric], r[se]) for r in rows
                         if r["scheduler"] == name and r.get("kind", "diffusion") == "diffusion")
            if pts:
                nfe, value, err = zip(*pts)
                ax.errorbar(nfe, value, yerr=err, marker="o", ms=4, capsize=3, label=name,
                            color=f"C{i}")
        for r in rows:
            if r["nfe"] == 0 or r.get("kind") in ("floor", "gan"):
                style = {"floor": ("0.4", ":"), "gan": ("C6", "--")}.get(r.get("kind"), ("0.4", ":"))
                if r.get("kind") == "gan" and "none" not in r["scheduler"]:
                    continue  # the GAN's best row only (untruncated)
                ax.axhline(r[metric], color=style[0], ls=style[1], lw=1, label=r["scheduler"])
                ax.axhspan(r[metric] - r[se], r[metric] + r[se], color=style[0], alpha=0.12)
        ax.set_xscale("log")
        if key == "digits":  # KID is unbiased, so it can be negative: a symmetric log scale
            ax.set_yscale("symlog", linthresh=1.0)
        else:
            ax.set_yscale("log")  # a diverging scheduler must not flatten the others
        ax.set_xlabel(text["axis"])
        ax.set_ylabel(text["digits" if key == "digits" else "toys"])
        # the rows' sizes (an expensive row, DDPM-1000, may have fewer: then the title gives the range)
        sizes = sorted({r.get("n_generated", 0) for r in rows})
        n = str(sizes[-1]) if len(sizes) == 1 else f"{sizes[0]}–{sizes[-1]}"
        ax.set_title(text["digits_title"].format(n=n) if key == "digits"
                     else text["toys_title"].format(n=block["n"]))
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    if title:
        fig.suptitle(title)
    return fig


def load_quality_vs_nfe():
    """The benchmark's result shipped with the digits model (None if it was never measured)."""
    import json

    from genlab.assets import asset_path

    path = asset_path("diffusion-mnist") / "quality_vs_nfe.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text())["data"]


def figure_to_array(fig) -> np.ndarray:
    """RGB uint8 (H, W, 3) of a figure, for a PNG saved with provenance."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()
