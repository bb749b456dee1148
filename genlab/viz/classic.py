"""Figures of the lecture's second section: the two-paradigm row (logistic regression at
iteration t | Gaussian mixture by EM at iteration t, with samples and the Bayes boundary), the
loss / log-likelihood curves with the current iteration marked, and MLE = min KL.

Every text in a figure comes from the caller's ``text`` dict, in the page's language
(``genlab.classic.pipeline`` reads them from the locale files)."""

from __future__ import annotations

import numpy as np

from genlab.classic.bayes import match_components_to_classes, mixture_class_posterior
from genlab.classic.em import EMHistory
from genlab.classic.logreg import LogRegPath
from genlab.classic.mle_kl import MLEKLCurve
from genlab.prob.mixture import mixture_sample
from genlab.viz import plotly_figure, screen_precision

C1, C2 = "#1f77b4", "#ff7f0e"


def panel_title(text: dict, key: str, t: int, line_break: str) -> str:
    """A panel's title on two lines (the model, then its iteration): half a page is narrow."""
    return f"{text[key]}{line_break}{text['at_iteration'].format(t=t)}"


def cov_ellipse(mean, cov, nsig: float = 1.0, n: int = 120):
    """Points (n, 2) of the nsig-standard-deviation ellipse of N(mean, cov) in 2-D."""
    vals, vecs = np.linalg.eigh(np.asarray(cov, dtype=np.float64))
    theta = np.linspace(0, 2 * np.pi, n)
    circle = np.stack([np.cos(theta), np.sin(theta)])
    return (vecs @ (np.diag(np.sqrt(np.maximum(vals, 1e-15))) * nsig) @ circle).T + mean


def data_limits(x1, x2, pad: float = 0.08):
    pts = np.vstack([x1[:, :2], x2[:, :2]])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = hi - lo + 1e-12
    return (lo[0] - pad * span[0], hi[0] + pad * span[0]), (lo[1] - pad * span[1], hi[1] + pad * span[1])


def logreg_line(path: LogRegPath, t: int, xlim, ylim):
    """Two points of the boundary w_t^T x + b_t = 0 across the plot."""
    w, b = path.w[t], (path.b[t] if path.fit_intercept else 0.0)
    if abs(w[1]) > 1e-12:
        xs = np.array(xlim, dtype=float)
        return xs, -(w[0] * xs + b) / w[1]
    return np.array([-b / (w[0] + 1e-12)] * 2), np.array(ylim, dtype=float)


def draw_logreg(ax, x1, x2, path: LogRegPath, t: int, xlim, ylim, *, text: dict):
    tx = text
    t = int(np.clip(t, 0, path.n_iters))
    ax.scatter(x1[:, 0], x1[:, 1], s=14, color=C1, label=tx["class1"])
    ax.scatter(x2[:, 0], x2[:, 1], s=14, color=C2, label=tx["class2"])
    ax.plot(*logreg_line(path, t, xlim, ylim), color="k", linewidth=2, label=tx["lr_boundary"])
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_title(panel_title(tx, "lr_title", t, "\n"), fontsize=10)
    ax.legend(loc="lower left", fontsize=7, frameon=False)
    ax.grid(True, linewidth=0.4)


def draw_gmm(ax, x1, x2, history: EMHistory, t: int, xlim, ylim, *, n_samples: int = 250,
             sample_seed: int = 0, show_bayes: bool = True, text: dict, lr_line=None):
    tx = text
    t = int(np.clip(t, 0, history.n_iter))
    params = history.params(t)
    ax.scatter(x1[:, 0], x1[:, 1], s=14, color=C1, alpha=0.6, label=tx["class1"])
    ax.scatter(x2[:, 0], x2[:, 1], s=14, color=C2, alpha=0.6, label=tx["class2"])
    order = match_components_to_classes(params.means, np.stack([x1.mean(0), x2.mean(0)]))
    colors = {order[0]: C1, order[1]: C2}
    if n_samples > 0:  # samples from the parameters at iteration t (fixed seed per iteration)
        s, z = mixture_sample(n_samples, params, seed=int(sample_seed) + 10_000 * t)
        ax.scatter(s[:, 0], s[:, 1], s=6, marker=".", c=[colors[k] for k in z], alpha=0.8,
                   label=tx["samples"])
    for k in range(2):
        ax.scatter(*params.means[k, :2], s=60, marker="x", linewidths=2, color="k")
        for nsig in (1.0, 2.0):
            e = cov_ellipse(params.means[k, :2], params.covariances[k][:2, :2], nsig)
            ax.plot(e[:, 0], e[:, 1], linewidth=1.5, color=colors[k])
    if show_bayes:
        from genlab.classic.bayes import posterior_grid

        gx, gy, p = posterior_grid(lambda pts: mixture_class_posterior(pts, params, order), xlim, ylim, 90)
        ax.contour(gx, gy, p, levels=[0.5], colors="k", linestyles="--", linewidths=1.5)
        ax.plot([], [], "k--", label=tx["bayes"])
        if lr_line is not None:  # the discriminative boundary, for comparison
            ax.plot(*lr_line, color="grey", linestyle=":", linewidth=1.5)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_title(panel_title(tx, "gmm_title", t, "\n"), fontsize=10)
    ax.legend(loc="lower left", fontsize=7, frameon=False)
    ax.grid(True, linewidth=0.4)


def two_paradigms(x1, x2, path: LogRegPath, history: EMHistory, t_lr: int, t_em: int, *,
                  n_samples: int = 250, sample_seed: int = 0, show_bayes: bool = True,
                  show_curves: bool = True, text: dict):
    """The lecture's row of two plots (shared limits), plus the loss and log-likelihood curves
    with the current iterations marked. Moving t only redraws: nothing is refitted here."""
    from matplotlib.figure import Figure

    tx = text
    x1, x2 = np.asarray(x1), np.asarray(x2)
    xlim, ylim = data_limits(x1, x2)
    if show_curves:
        fig = Figure(figsize=(11, 7.6), dpi=90)
        axes = fig.subplots(2, 2, gridspec_kw={"height_ratios": [3, 1.2]})
        top = axes[0]
    else:
        fig = Figure(figsize=(11, 5), dpi=90)
        top = fig.subplots(1, 2)
    draw_logreg(top[0], x1, x2, path, t_lr, xlim, ylim, text=text)
    draw_gmm(top[1], x1, x2, history, t_em, xlim, ylim, n_samples=n_samples,
             sample_seed=sample_seed, show_bayes=show_bayes, text=text,
             lr_line=logreg_line(path, int(np.clip(t_lr, 0, path.n_iters)), xlim, ylim))
    if show_curves:
        ax = axes[1][0]
        ax.plot(np.arange(path.loss.size), path.loss, color="k", linewidth=1.2)
        t = int(np.clip(t_lr, 0, path.n_iters))
        ax.plot([t], [path.loss[t]], "o", color="crimson")
        ax.set_xlabel(tx["iteration"])
        ax.set_ylabel(tx["loss"], fontsize=8)
        ax = axes[1][1]
        ll = history.mean_log_likelihood
        ax.plot(np.arange(ll.size), ll, color="k", linewidth=1.2)
        t = int(np.clip(t_em, 0, history.n_iter))
        ax.plot([t], [ll[t]], "o", color="crimson")
        ax.set_xlabel(tx["iteration"])
        ax.set_ylabel(tx["loglik"], fontsize=8)
        for a in axes[1]:
            a.grid(True, linewidth=0.4)
    # fixed margins: tight_layout would measure every tick label on each redraw (slow)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.95, bottom=0.08, wspace=0.18, hspace=0.28)
    return fig


def mle_kl(curve: MLEKLCurve, *, text: dict):
    """Average NLL per EM iteration against H(p*): the gap that closes is KL(p* || p_theta)."""
    from matplotlib.figure import Figure

    tx = text
    it = np.arange(curve.cross_entropy.size)
    fig = Figure(figsize=(9, 4.5), dpi=90)
    ax = fig.subplots()
    ax.plot(it, curve.train_nll, color="C0", linewidth=1.3, label=tx["train_nll"])
    ax.plot(it, curve.cross_entropy, color="C3", linewidth=1.6, label=tx["cross_entropy"])
    ax.axhline(curve.entropy, color="k", linestyle="--", linewidth=1.2, label=tx["entropy"])
    ax.axhspan(curve.entropy - 2 * curve.entropy_se, curve.entropy + 2 * curve.entropy_se,
               color="0.8", alpha=0.5)
    ax.fill_between(it, curve.entropy, curve.cross_entropy, color="C3", alpha=0.15, label=tx["kl"])
    ax.set_xlabel(tx["iteration"])
    ax.set_ylabel(tx["nats"])
    ax.set_title(tx["mle_title"], fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(True, linewidth=0.4)
    fig.tight_layout()
    return fig


def two_paradigms_plotly(x1, x2, path: LogRegPath, history: EMHistory, t_lr: int, t_em: int,
                         **options):
    """``two_paradigms`` as a plotly figure (options as ``two_paradigms_spec``)."""
    return plotly_figure(two_paradigms_spec(x1, x2, path, history, t_lr, t_em, **options))


def two_paradigms_spec(x1, x2, path: LogRegPath, history: EMHistory, t_lr: int, t_em: int, *,
                       n_samples: int = 250, sample_seed: int = 0, show_bayes: bool = True,
                       text: dict) -> dict:
    """The two-paradigm figure as a plain plotly figure dict {"data": [...], "layout": {...}}.

    The web app serialises this dict directly: building a validated plotly Figure and deep-copying
    it in ``to_json`` would cost more than everything else on a slider move
    (see benchmarks/bench_redraw.py).
    Panels: x/y = logistic regression, x2/y2 = mixture, x3/y3 = loss, x4/y4 = log-likelihood.
    """
    from genlab.classic.bayes import posterior_grid

    tx = text
    x1, x2 = np.asarray(x1), np.asarray(x2)
    xlim, ylim = data_limits(x1, x2)
    t_lr = int(np.clip(t_lr, 0, path.n_iters))
    t_em = int(np.clip(t_em, 0, history.n_iter))
    traces = []

    def add(panel, **trace):
        suffix = "" if panel == 1 else str(panel)
        traces.append({"type": "scatter", "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", **trace})

    for panel in (1, 2):
        for pts, color, name in ((x1, C1, tx["class1"]), (x2, C2, tx["class2"])):
            add(panel, x=pts[:, 0], y=pts[:, 1], mode="markers", name=name, legendgroup=name,
                showlegend=panel == 1,
                marker={"size": 5, "color": color, "opacity": 1.0 if panel == 1 else 0.55})
    line_x, line_y = logreg_line(path, t_lr, xlim, ylim)
    add(1, x=line_x, y=line_y, mode="lines", name=tx["lr_boundary"], line={"color": "black", "width": 3})
    if show_bayes:  # the discriminative boundary next to the generative one, for comparison
        add(2, x=line_x, y=line_y, mode="lines", name=tx["lr_boundary"], showlegend=False,
            line={"color": "grey", "width": 1.5, "dash": "dot"}, hoverinfo="skip")

    params = history.params(t_em)
    order = match_components_to_classes(params.means, np.stack([x1.mean(0), x2.mean(0)]))
    colors = {int(order[0]): C1, int(order[1]): C2}
    if n_samples > 0:  # samples from the parameters at iteration t (fixed seed per iteration)
        s, z = mixture_sample(n_samples, params, seed=int(sample_seed) + 10_000 * t_em)
        for k in range(2):  # one trace per component: no per-point colour list to copy
            add(2, x=s[z == k, 0], y=s[z == k, 1], mode="markers", name=tx["samples"],
                legendgroup="samples", showlegend=k == 0,
                marker={"size": 3, "symbol": "diamond", "color": colors[k]})
    for k in range(2):
        for nsig in (1.0, 2.0):
            e = cov_ellipse(params.means[k, :2], params.covariances[k][:2, :2], nsig)
            add(2, x=e[:, 0], y=e[:, 1], mode="lines", showlegend=False, hoverinfo="skip",
                line={"color": colors[k], "width": 2})
    add(2, x=params.means[:, 0], y=params.means[:, 1], mode="markers", showlegend=False,
        marker={"symbol": "x", "size": 11, "color": "black"})
    if show_bayes:
        gx, gy, p = posterior_grid(lambda pts: mixture_class_posterior(pts, params, order), xlim, ylim, 90)
        traces.append({"type": "contour", "xaxis": "x2", "yaxis": "y2", "x": gx[0], "y": gy[:, 0],
                       "z": p, "showscale": False, "name": tx["bayes"], "showlegend": True,
                       "hoverinfo": "skip",
                       "contours": {"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
                       "line": {"color": "black", "dash": "dash", "width": 2}})
    ll = history.mean_log_likelihood
    for panel, curve, t in ((3, path.loss, t_lr), (4, ll, t_em)):
        add(panel, y=curve, mode="lines", showlegend=False, line={"color": "black"})
        add(panel, x=[t], y=[float(curve[t])], mode="markers", showlegend=False,
            marker={"color": "crimson", "size": 9})

    left, right, top, bottom = [0.0, 0.47], [0.53, 1.0], [0.34, 1.0], [0.0, 0.2]
    axis = {"showgrid": True, "gridcolor": "#e5e5e5", "zeroline": False, "linecolor": "#999"}
    layout = {
        "height": 740, "margin": {"l": 40, "r": 10, "t": 60, "b": 40},
        "plot_bgcolor": "white", "paper_bgcolor": "white",
        "legend": {"orientation": "h", "y": -0.12},
        "xaxis": {**axis, "domain": left, "anchor": "y", "range": list(xlim)},
        "yaxis": {**axis, "domain": top, "anchor": "x", "range": list(ylim)},
        "xaxis2": {**axis, "domain": right, "anchor": "y2", "range": list(xlim)},
        "yaxis2": {**axis, "domain": top, "anchor": "x2", "range": list(ylim)},
        "xaxis3": {**axis, "domain": left, "anchor": "y3", "title": {"text": tx["iteration"]}},
        "yaxis3": {**axis, "domain": bottom, "anchor": "x3"},
        "xaxis4": {**axis, "domain": right, "anchor": "y4", "title": {"text": tx["iteration"]}},
        "yaxis4": {**axis, "domain": bottom, "anchor": "x4"},
        "annotations": [
            {"text": title, "x": (dom[0] + dom[1]) / 2, "y": y, "xref": "paper", "yref": "paper",
             "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 12}}
            for title, dom, y in ((panel_title(tx, "lr_title", t_lr, "<br>"), left, 1.0),
                                  (panel_title(tx, "gmm_title", t_em, "<br>"), right, 1.0),
                                  (tx["loss"], left, 0.2), (tx["loglik"], right, 0.2))],
    }
    return screen_precision({"data": traces, "layout": layout})
