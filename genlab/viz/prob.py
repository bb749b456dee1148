"""Figures of the lecture's first section. Each function returns a figure; none shows or saves.

Every text in a figure (titles, axis labels, legends) comes from the caller's ``text`` dict, in
the page's language (``genlab.prob.pipeline`` reads them from the locale files).
"""

from __future__ import annotations

import numpy as np

from genlab.prob.mixture import MixtureParams, density_grid, mixture_pdf
from genlab.viz import screen_precision

C1, C2 = "#ff4d6d", "#4dabf7"  # the lecture's class colours



def camera_eye(elevation: float, azimuth: float, distance: float = 2.4) -> dict:
    """A plotly camera eye looking from matplotlib's view angles (``view_init(elev, azim)``), far enough
    that the axis titles stay inside a half-page plot at 1,024 px (at 2.0 "p(x, y)" was cut off)."""
    elev, azim = np.deg2rad(elevation), np.deg2rad(azimuth)
    return {"x": float(distance * np.cos(elev) * np.cos(azim)), "y": float(distance * np.cos(elev) * np.sin(azim)),
            "z": float(distance * np.sin(elev))}


def mixture_surface(params: MixtureParams, samples=None, *, text: dict, xlim=(-5, 5), ylim=(-5, 5),
                    n: int = 260, elevation: float = 28, azimuth: float = -55):
    """The lecture's 3-D figure: translucent surface, wireframe, contours on the floor, and the
    samples drawn from the mixture shown on the surface (matplotlib)."""
    from matplotlib.figure import Figure

    t = text
    gx, gy, z = density_grid(params, xlim, ylim, n)
    import mpl_toolkits.mplot3d  # noqa: F401  (registers the 3d projection)

    fig = Figure(figsize=(9, 6.5), dpi=100)
    ax = fig.add_subplot(111, projection="3d")
    ax.plot_surface(gx, gy, z, rstride=2, cstride=2, linewidth=0, antialiased=True, alpha=0.55,
                    cmap="viridis")
    stride = max(1, n // 26)
    ax.plot_wireframe(gx, gy, z, rstride=stride, cstride=stride, linewidth=0.6, alpha=0.75,
                      color="0.25")
    ax.contour(gx, gy, z, zdir="z", offset=0.0, levels=12, alpha=0.55)
    if samples is not None and len(samples):
        s = np.asarray(samples)
        ax.scatter(s[:, 0], s[:, 1], mixture_pdf(s, params), s=6, color="crimson",
                   depthshade=False, label=t["samples"])
        ax.legend(loc="upper left")
    ax.set_title(t["surface_title"])
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("p(x, y)", labelpad=10)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_zlim(0.0, float(z.max()) * 1.08)
    ax.view_init(elev=elevation, azim=azimuth)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.pane.set_alpha(0.0)
    return fig


def mixture_surface_plotly(params: MixtureParams, samples=None, *, text: dict, xlim=(-5, 5), ylim=(-5, 5),
                           n: int = 90, elevation: float = 28, azimuth: float = -55):
    """The same surface as a rotatable plotly figure: surface with grid lines (wireframe),
    contours projected on the floor, samples as points on the surface; seen from the same angles."""
    import plotly.graph_objects as go

    t = text
    gx, gy, z = density_grid(params, xlim, ylim, n)
    zmax = float(z.max())
    step = (xlim[1] - xlim[0]) / 20
    wire = dict(show=True, color="rgba(40,40,40,0.45)", width=1, start=xlim[0], end=xlim[1], size=step)
    fig = go.Figure()
    fig.add_trace(go.Surface(
        x=gx, y=gy, z=z, colorscale="Viridis", opacity=0.8, showscale=False, name=t["density"],
        contours=dict(x=wire, y={**wire, "start": ylim[0], "end": ylim[1],
                                 "size": (ylim[1] - ylim[0]) / 20},
                      z=dict(show=True, usecolormap=True, project_z=True, start=zmax / 13,
                             end=zmax, size=zmax / 13))))
    if samples is not None and len(samples):
        s = np.asarray(samples)
        fig.add_trace(go.Scatter3d(x=s[:, 0], y=s[:, 1], z=mixture_pdf(s, params), mode="markers",
                                   marker=dict(size=2, color="crimson"), name=t["samples"]))
    fig.update_layout(
        title=dict(text=t["surface_title"], x=0.5, xanchor="center", y=0.97, yanchor="top"),
        margin=dict(l=0, r=0, t=50, b=0), height=560,
        scene=dict(xaxis_title="x", yaxis_title="y", zaxis_title="p(x, y)",
                   zaxis=dict(range=[0, zmax * 1.08]),
                   aspectmode="manual", aspectratio=dict(x=1, y=1, z=0.6),
                   camera=dict(eye=camera_eye(elevation, azimuth))),
        legend=dict(x=0.02, y=0.98))
    return fig


def kde_curves(kdes: dict, *, text: dict, truth: dict | None = None):
    """p(x | y = 1), p(x | y = 2) as filled KDE curves and p(x) dashed (the lecture's figure).

    ``kdes``: ``genlab.prob.conditional_kdes`` output; ``truth``: optional dict with the same keys
    holding the true densities on the grid (drawn as thin dotted lines).
    """
    from matplotlib.figure import Figure

    t = text
    grid = kdes["grid"]
    fig = Figure(figsize=(9, 4.8), dpi=100)
    ax = fig.subplots()
    ax.fill_between(grid, 0, kdes["class1"], alpha=0.35, color=C1)
    ax.plot(grid, kdes["class1"], color=C1, linewidth=1.2, label=t["class1"])
    ax.fill_between(grid, 0, kdes["class2"], alpha=0.35, color=C2)
    ax.plot(grid, kdes["class2"], color=C2, linewidth=1.2, label=t["class2"])
    ax.plot(grid, kdes["marginal"], color="black", linestyle=(0, (4, 4)), linewidth=1.2,
            label=t["marginal"])
    if truth is not None:
        for key, color in (("class1", C1), ("class2", C2), ("marginal", "black")):
            ax.plot(grid, truth[key], color=color, linestyle=":", linewidth=1.0,
                    label=f"{t[key]} ({t['true']})")
    ax.set_title(t["kde_title"])
    ax.set_xlabel("x")
    ax.set_ylabel(t["density"])
    ax.set_xlim(grid[0], grid[-1])
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right", frameon=True, fancybox=False, framealpha=1.0, edgecolor="black",
              fontsize=8)
    fig.tight_layout()
    return fig


def mean_sigma(mu: float = 0.0, sigma1: float = 1.0, sigma2: float = 2.0, *, text: dict, samples=None):
    """Two normals with the same mean and different variances, with mu and mu +/- sigma lines.

    ``samples``: optional (x1, x2) draws whose empirical mean/std are printed in the legend.
    """
    from matplotlib.figure import Figure

    from genlab.prob.gaussian import normal_pdf

    t = text
    half = max(8.0, 4 * max(sigma1, sigma2))
    x = np.linspace(mu - half, mu + half, 800)
    fig = Figure(figsize=(9, 4.5), dpi=100)
    ax = fig.subplots()
    for sigma, label in ((sigma1, "p₁"), (sigma2, "p₂")):
        ax.plot(x, normal_pdf(x, mu, sigma), label=f"{label}(x): E[X]={mu:g}, Var(X)={sigma ** 2:g}")
    ax.axvline(mu, linewidth=1.6, color="k", label="μ = E[X]")
    ax.axvline(mu - sigma1, linestyle="--", linewidth=1.2, color="C0", label=t["narrow"])
    ax.axvline(mu + sigma1, linestyle="--", linewidth=1.2, color="C0")
    ax.axvline(mu - sigma2, linestyle=":", linewidth=1.4, color="C1", label=t["wide"])
    ax.axvline(mu + sigma2, linestyle=":", linewidth=1.4, color="C1")
    if samples is not None:
        for s, color in zip(samples, ("C0", "C1")):
            s = np.asarray(s)
            ax.hist(s, bins=60, density=True, alpha=0.2, color=color,
                    label=f"μ̂={s.mean():.3f}, σ̂={s.std(ddof=1):.3f} (n={s.size})")
    ax.set_xlabel("x")
    ax.set_ylabel(t["density"])
    ax.set_title(t["mean_title"])
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig


def mixture_samples(samples, density, *, text: dict):
    """Points drawn from a 2-D mixture, coloured by the mixture's density at each point."""
    from matplotlib.figure import Figure

    s = np.asarray(samples)
    fig = Figure(figsize=(6, 5), dpi=100)
    ax = fig.subplots()
    points = ax.scatter(s[:, 0], s[:, 1], s=6, c=density, cmap="viridis")
    fig.colorbar(points, ax=ax, label=text["density"])
    ax.set_title(text["samples_title"])
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    fig.tight_layout()
    return fig


# ---- the same figures as plain plotly dicts, drawn by the browser ---------------------------------
# A slider move on the web page sends one of these: building them costs milliseconds, where a
# matplotlib figure rendered to PNG costs a few hundred (benchmarks/RESULTS.md, "Serving a class").

def _layout(title: str, y_title: str, **extra) -> dict:
    axis = {"showgrid": True, "gridcolor": "#e5e5e5", "zeroline": False, "linecolor": "#999", "mirror": True,
            "showline": True}
    return {"title": {"text": title, "x": 0.5, "xanchor": "center"}, "height": 460,
            "margin": {"l": 60, "r": 10, "t": 50, "b": 45}, "plot_bgcolor": "white", "paper_bgcolor": "white",
            "xaxis": {**axis, "title": {"text": "x"}}, "yaxis": {**axis, "title": {"text": y_title}},
            "legend": {"x": 0.99, "xanchor": "right", "y": 0.99, "bgcolor": "rgba(255,255,255,0.9)",
                       "bordercolor": "black", "borderwidth": 1, "font": {"size": 11}}, **extra}


def kde_curves_spec(kdes: dict, *, text: dict, truth: dict | None = None) -> dict:
    """``kde_curves`` as a plotly figure dict: the same curves, fills, line styles and texts."""
    t = text
    grid = kdes["grid"]
    traces = []
    for key, color in (("class1", C1), ("class2", C2)):
        traces.append({"type": "scatter", "x": grid, "y": kdes[key], "mode": "lines", "name": t[key],
                       "fill": "tozeroy", "fillcolor": _rgba(color, 0.35), "line": {"color": color, "width": 1.5}})
    traces.append({"type": "scatter", "x": grid, "y": kdes["marginal"], "mode": "lines",
                   "name": t["marginal"], "line": {"color": "black", "width": 1.5, "dash": "dash"}})
    if truth is not None:
        for key, color in (("class1", C1), ("class2", C2), ("marginal", "black")):
            traces.append({"type": "scatter", "x": grid, "y": truth[key], "mode": "lines",
                           "name": f"{t[key]} ({t['true']})", "line": {"color": color, "width": 1.2, "dash": "dot"}})
    layout = _layout(t["kde_title"], t["density"])
    layout["xaxis"]["range"] = [float(grid[0]), float(grid[-1])]
    layout["yaxis"]["rangemode"] = "tozero"
    return screen_precision({"data": traces, "layout": layout})


def mean_sigma_spec(mu: float = 0.0, sigma1: float = 1.0, sigma2: float = 2.0, *, text: dict, samples=None) -> dict:
    """``mean_sigma`` as a plotly figure dict: both densities, the mean and mu +/- sigma lines, and
    the samples' histograms (60 bins each, as densities) with their estimates in the legend."""
    from genlab.prob.gaussian import normal_pdf

    t = text
    half = max(8.0, 4 * max(sigma1, sigma2))
    x = np.linspace(mu - half, mu + half, 400)
    curves = [normal_pdf(x, mu, s) for s in (sigma1, sigma2)]
    traces = [{"type": "scatter", "x": x, "y": y, "mode": "lines", "line": {"color": color, "width": 2},
               "name": f"{label}(x): E[X]={mu:g}, Var(X)={sigma ** 2:g}"}
              for y, sigma, label, color in zip(curves, (sigma1, sigma2), ("p₁", "p₂"), (MPL_C0, MPL_C1))]
    bars = []
    if samples is not None:
        for s, color in zip(samples, (MPL_C0, MPL_C1)):
            s = np.asarray(s)
            density, edges = np.histogram(s, bins=60, density=True)
            bars.append({"type": "bar", "x": (edges[:-1] + edges[1:]) / 2, "y": density,
                         "width": np.diff(edges),
                         "marker": {"color": color, "line": {"width": 0}}, "opacity": 0.2,
                         "name": f"μ̂={s.mean():.3f}, σ̂={s.std(ddof=1):.3f} (n={s.size})"})
    top = 1.05 * max([float(c.max()) for c in curves] + [float(b["y"].max()) for b in bars])
    for position, dash, width, color, name in (
            ([mu], "solid", 2, "black", "μ = E[X]"),
            ([mu - sigma1, mu + sigma1], "dash", 1.5, MPL_C0, t["narrow"]),
            ([mu - sigma2, mu + sigma2], "dot", 1.8, MPL_C1, t["wide"])):
        xs = [v for p in position for v in (p, p, None)]   # one trace, a legend entry, for both lines
        ys = [v for _ in position for v in (0.0, top, None)]
        traces.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines", "name": name,
                       "line": {"color": color, "width": width, "dash": dash}})
    layout = _layout(t["mean_title"], t["density"], barmode="overlay", bargap=0)
    layout["yaxis"]["range"] = [0.0, top]
    layout["xaxis"]["range"] = [float(x[0]), float(x[-1])]
    return screen_precision({"data": traces + bars, "layout": layout})


MPL_C0, MPL_C1 = "#1f77b4", "#ff7f0e"  # matplotlib's first two colours, as the lecture's figure


def _rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
