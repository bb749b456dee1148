"""Figures of the bias experiment (matplotlib; returned, never shown or saved).

Every text comes from the caller (``text``: the keys of ``FIGURE_TEXT``, in the page's language).
"""

from __future__ import annotations

import textwrap

import numpy as np

GROUP_COLORS = ("#4C72B0", "#DD8452")       # A (common), B (rare)
FIGURE_TEXT = ("remedy_none", "remedy_reweight", "remedy_filter", "remedy_constrain", "remedy_postprocess",
               "plot_data", "plot_target", "plot_freq", "plot_freq_title", "plot_ll", "plot_ll_title",
               "plot_price", "plot_group_a", "plot_group_b", "plot_training_data")


def bias_figure(exp, text: dict):
    """The whole experiment in one figure: the rare group's generated frequency and the fit each
    remedy gives up (top), and each remedy's samples (bottom)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(13, 7.6), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[4.3, 3.0])
    frequency_and_fit(exp, text, top)
    samples_grid(exp, text, bottom)
    return fig


def _remedy_labels(names, text) -> list[str]:
    return [textwrap.fill(text[f"remedy_{r}"], 14) for r in names]


def frequency_and_fit(exp, text: dict, fig):
    """Two panels in ``fig`` (a figure or subfigure): the rare group's generated frequency per
    remedy, and the held-out fit of the original data under what each remedy samples from."""
    names = list(exp.results)
    freqs = [exp.results[r].freq_b for r in names]
    lls = [exp.results[r].ll_original for r in names]
    ax1, ax2 = fig.subplots(1, 2)
    xs = np.arange(len(names))
    ax1.bar(xs, freqs, color="#55A868")
    ax1.axhline(exp.data_freq_b, color="k", ls="--", lw=1, label=f"{text['plot_data']} ({exp.data_freq_b:.2f})")
    ax1.axhline(exp.request.target, color="#C44E52", ls=":", lw=1.5,
                label=f"{text['plot_target']} ({exp.request.target:.2f})")
    for x, f in zip(xs, freqs):
        ax1.text(x, f + 0.01, f"{f:.2f}", ha="center", va="bottom", fontsize=9)
    ax1.set_xticks(xs, _remedy_labels(names, text), fontsize=8)
    ax1.set_ylabel(text["plot_freq"])
    ax1.set_ylim(0, 1)
    ax1.set_title(text["plot_freq_title"])
    ax1.legend(fontsize=8, loc="upper left")
    # E[log p*] - E[log q] on held-out data estimates KL(p* || q): the fit given up, >= 0.
    lost = [exp.ll_true - v for v in lls]
    ax2.bar(xs, lost, color="#8172B2")
    for x, v, ll in zip(xs, lost, lls):
        ax2.text(x, v, f"{v:.2f}\n({ll:.2f})", ha="center", va="bottom", fontsize=8)
    ax2.axhline(exp.price, color="#C44E52", ls=":", lw=1.5, label=f"{text['plot_price']} ({exp.price:.2f})")
    ax2.legend(fontsize=7, loc="upper left")
    ax2.set_xticks(xs, _remedy_labels(names, text), fontsize=8)
    ax2.set_ylim(0, max(lost + [exp.price, 0.05]) * 1.45)
    ax2.set_ylabel(text["plot_ll"], fontsize=8)
    ax2.set_title(text["plot_ll_title"])


def samples_grid(exp, text: dict, fig, max_points: int = 1500):
    """In ``fig``: the training data and each remedy's generated points, coloured by (oracle) group."""
    from genlab.ethics.bias import group_of

    panels = [(text["plot_training_data"], exp.x_train)] + [(text[f"remedy_{r}"], res.samples)
                                                           for r, res in exp.results.items()]
    axes = np.atleast_1d(fig.subplots(1, len(panels), sharex=True, sharey=True))
    for ax, (title, pts) in zip(axes, panels):
        pts = pts[:max_points]
        g = group_of(pts)
        for k in (0, 1):
            ax.scatter(*pts[g == k].T, s=2, alpha=0.5, color=GROUP_COLORS[k],
                       label=text["plot_group_a"] if k == 0 else text["plot_group_b"])
        ax.set_title(f"{title}\nB: {np.mean(g == 1):.2f}", fontsize=9)
        ax.set_xlim(-4, 4)
        ax.set_ylim(-3.5, 3.5)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].legend(fontsize=7, loc="lower left", markerscale=4)


def group_scatter(x: np.ndarray, groups: np.ndarray, size_px: int = 512):
    """Points coloured by group, no axes: a ``size_px``-square picture (the verify box's example)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(size_px / 100, size_px / 100), dpi=100)
    ax.scatter(*x.T, s=4, c=np.where(groups == 1, GROUP_COLORS[1], GROUP_COLORS[0]))
    ax.set_axis_off()
    return fig
