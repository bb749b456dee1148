"""Server-side redraw latency after a slider move in the Discriminative vs generative tab.

What the server does on a slider move: the tab's replay (``genlab.sections.discriminative.replay``:
the fit kept in gr.State shown at other iterations, no refitting, and its plotly dict serialised
for gr.Plot) and gradio's ``gr.Plot.postprocess`` (the JSON sent to the browser).
Measured over many random (t_lr, t_em) positions on the lecture's widget settings; median and p95.
For reference, the same figure with matplotlib rendered to PNG (the Jupyter widget's path).

    python benchmarks/bench_redraw.py [--json] [--moves 60]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def percentiles(times):
    a = np.asarray(times) * 1e3
    return {"median_ms": float(np.median(a)), "p95_ms": float(np.percentile(a, 95)),
            "moves": int(a.size)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--moves", type=int, default=60)
    args = parser.parse_args()

    import gradio as gr

    from genlab.app.tabs.discriminative import plot_data
    from genlab.sections import discriminative as handlers
    from genlab.viz import figure_png

    fit, _ = handlers.fit(False)  # the lecture's widget settings
    rng = np.random.default_rng(0)
    moves = [(int(rng.integers(0, fit.path.n_iters + 1)), int(rng.integers(0, fit.history.n_iter + 1)))
             for _ in range(args.moves)]
    plot = gr.Plot()
    plot_data(handlers.replay(fit, 0, 0, 250, True))  # warm-up (imports)
    app_times, mpl_times, replay_times = [], [], []
    for t_lr, t_em in moves:
        t = time.perf_counter()
        plot.postprocess(plot_data(handlers.replay(fit, t_lr, t_em, 250, True)))
        app_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        handlers.replay(fit, t_lr, t_em, 250, True)  # the part of it that checks the shown request
        replay_times.append(time.perf_counter() - t)
    figure_png(fit.figure())
    for t_lr, t_em in moves:
        t = time.perf_counter()
        figure_png(handlers.replay(fit, t_lr, t_em, 250, True).figure())
        mpl_times.append(time.perf_counter() - t)
    result = {"benchmark": "redraw", "app_plotly": percentiles(app_times),
              "of_which_replay_request": percentiles(replay_times),
              "widget_matplotlib_png": percentiles(mpl_times)}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for name in ("app_plotly", "of_which_replay_request", "widget_matplotlib_png"):
            r = result[name]
            print(f"{name:24s} median {r['median_ms']:7.1f} ms   p95 {r['p95_ms']:7.1f} ms   "
                  f"({r['moves']} slider moves)")


if __name__ == "__main__":
    main()
