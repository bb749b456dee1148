"""Figures of the bias experiment (matplotlib; returned, never shown or saved)."""

from __future__ import annotations

import numpy as np

GROUP_COLORS = ("#4C72B0", "#DD8452")       # A (common), B (rare)

LABELS = {
    "en": {"none": "no remedy", "reweight": "reweighting", "filter": "filtering",
           "constrain": "constraint\n(quota)", "postprocess": "post-\nprocessing",
           "data": "training data", "target": "target", "freq": "fraction of group B",
           "freq_title": "Generated frequency of the rare group",
           "ll": "fit lost: E log p*(x) - E log q(x) on held-out\noriginal data (nats/point, ~KL(p*||q); in brackets: E log q)",
           "ll_title": "What it costs in fit", "true": "true density p*",
           "price": "least possible at the target: KL(Bern(p) || Bern(t))",
           "group_a": "group A", "group_b": "group B (rare)"},
    "ru": {"none": "без мер", "reweight": "перевзвешивание", "filter": "фильтрация",
           "constrain": "ограничение\n(квота)", "postprocess": "пост-\nобработка",
           "data": "обучающие данные", "target": "цель", "freq": "доля группы B",
           "freq_title": "Частота редкой группы в сэмплах",
           "ll": "потеря подгонки: E log p*(x) - E log q(x) на отложенных\nисходных данных (нат/точку, ~KL(p*||q); в скобках: E log q)",
           "ll_title": "Цена в качестве подгонки", "true": "истинная плотность p*",
           "price": "минимум при целевой доле: KL(Bern(p) || Bern(t))",
           "group_a": "группа A", "group_b": "группа B (редкая)"},
}


def frequency_and_fit(exp, lang: str = "en"):
    """Two panels: the rare group's generated frequency per remedy, and the held-out
    log-likelihood of the original data under what each remedy samples from."""
    import matplotlib.pyplot as plt

    t = LABELS[lang]
    names = list(exp.results)
    freqs = [exp.results[r].freq_b for r in names]
    lls = [exp.results[r].ll_original for r in names]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    xs = np.arange(len(names))
    ax1.bar(xs, freqs, color="#55A868")
    ax1.axhline(exp.data_freq_b, color="k", ls="--", lw=1, label=f"{t['data']} ({exp.data_freq_b:.2f})")
    ax1.axhline(exp.config.target, color="#C44E52", ls=":", lw=1.5,
                label=f"{t['target']} ({exp.config.target:.2f})")
    for x, f in zip(xs, freqs):
        ax1.text(x, f + 0.01, f"{f:.2f}", ha="center", va="bottom", fontsize=9)
    ax1.set_xticks(xs, [t[r] for r in names], fontsize=8, rotation=15)
    ax1.set_ylabel(t["freq"])
    ax1.set_ylim(0, 1)
    ax1.set_title(t["freq_title"])
    ax1.legend(fontsize=8, loc="upper left")
    # E[log p*] - E[log q] on held-out data estimates KL(p* || q): the fit given up, >= 0.
    lost = [exp.ll_true - v for v in lls]
    ax2.bar(xs, lost, color="#8172B2")
    for x, v, ll in zip(xs, lost, lls):
        ax2.text(x, v, f"{v:.2f}\n({ll:.2f})", ha="center", va="bottom", fontsize=8)
    ax2.axhline(exp.price, color="#C44E52", ls=":", lw=1.5, label=f"{t['price']} ({exp.price:.2f})")
    ax2.legend(fontsize=7, loc="upper left")
    ax2.set_xticks(xs, [t[r] for r in names], fontsize=8, rotation=15)
    ax2.set_ylim(0, max(lost + [exp.price, 0.05]) * 1.45)
    ax2.set_ylabel(t["ll"], fontsize=8)
    ax2.set_title(t["ll_title"])
    fig.tight_layout()
    return fig


def samples_grid(exp, lang: str = "en", max_points: int = 1500):
    """The training data and each remedy's generated points, coloured by (oracle) group."""
    import matplotlib.pyplot as plt

    from genlab.ethics.bias import group_of

    t = LABELS[lang]
    panels = [("data", exp.x_train)] + [(r, res.samples) for r, res in exp.results.items()]
    fig, axes = plt.subplots(1, len(panels), figsize=(2.6 * len(panels), 2.9), sharex=True,
                             sharey=True)
    for ax, (name, pts) in zip(np.atleast_1d(axes), panels):
        pts = pts[:max_points]
        g = group_of(pts)
        for k in (0, 1):
            ax.scatter(*pts[g == k].T, s=2, alpha=0.5, color=GROUP_COLORS[k],
                       label=t["group_a"] if k == 0 else t["group_b"])
        ax.set_title(f"{t[name]}".replace("\n", " ") + f"\nB: {np.mean(g == 1):.2f}", fontsize=9)
        ax.set_xlim(-4, 4)
        ax.set_ylim(-3.5, 3.5)
        ax.set_xticks([])
        ax.set_yticks([])
    np.atleast_1d(axes)[0].legend(fontsize=7, loc="lower left", markerscale=4)
    fig.tight_layout()
    return fig
