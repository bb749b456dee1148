"""``genlab train|sample|eval mixture``: a Gaussian mixture fitted by EM on 2-D data.

    genlab train mixture --data two_clouds --components 2 --init pca_split --out runs/mixture
    genlab sample mixture [--model lab|DIR] -n 500 --seed 0 --out samples.png|.json
    genlab eval mixture --model DIR --data two_clouds --json

``--model lab`` is the lecture's bimodal mixture (section 1). Heavy imports stay inside functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

DATA_HELP = ("Data: two_clouds (the lecture's create_dataset), lecture (samples of the lecture's "
             "mixture), eight_gaussians, moons, rings, checkerboard, spiral.")


def _load_data(name: str, n: int, seed: int):
    import numpy as np

    from genlab.errors import check_choice, check_int

    n = check_int("--n", n, 4, 10_000_000)
    if name == "two_clouds":
        from genlab.classic.data import create_dataset

        x1, x2 = create_dataset(n // 2, n - n // 2, seed=seed)
        return np.vstack([x1, x2])
    if name == "lecture":
        from genlab.prob import LECTURE_MIXTURE, mixture_sample

        return mixture_sample(n, LECTURE_MIXTURE, seed=seed)[0]
    from genlab.data.toy2d import TOY_SETS, load_toy

    check_choice("--data", name, ["two_clouds", "lecture", *TOY_SETS])
    return load_toy(name, n, seed=seed)


def _load_model(model: str):
    from genlab.classic.gmm import GaussianMixtureEM

    if model == "lab":
        from genlab.prob import LECTURE_MIXTURE

        return GaussianMixtureEM.from_params(LECTURE_MIXTURE)
    return GaussianMixtureEM.from_pretrained(model)


def train(data: str = typer.Option("two_clouds", help=DATA_HELP),
          n: int = typer.Option(1000, help="Number of training points."),
          components: int = typer.Option(2, help="Number of mixture components K."),
          init: str = typer.Option("pca_split", help="EM init: random, collapsed, pca_split."),
          steps: int = typer.Option(200, help="Maximum number of EM iterations."),
          damping: float = typer.Option(1.0, help="Damping a in (0, 1]; 1 is plain EM."),
          reg_covar: float = typer.Option(1e-6, help="Added to the covariances' diagonal."),
          tol: float = typer.Option(1e-6, help="Relative early-stopping tolerance."),
          seed: int = typer.Option(0, help="Seed for the data and the init."),
          out: Path = typer.Option(Path("runs/mixture"), help="Folder for config.json + model.safetensors."),
          resume: bool = typer.Option(False, help="Start EM from the model saved in --out.")):
    """Fit a Gaussian mixture by EM and save it (config.json + model.safetensors)."""
    from tqdm import tqdm

    from genlab.classic.em import em_fit
    from genlab.classic.gmm import GaussianMixtureEM
    from genlab.errors import check_choice

    check_choice("--init", init, ["random", "collapsed", "pca_split"])
    x = _load_data(data, n, seed)
    initial = GaussianMixtureEM.from_pretrained(out).params_ if resume else None
    with tqdm(total=steps + 1, desc="EM", unit="it") as bar:
        history = em_fit(x, components, init=init, initial=initial, n_iter=steps, tol=tol,
                         reg_covar=reg_covar, damping=damping, seed=seed,
                         callback=lambda t, ll: (bar.update(1), bar.set_postfix(ll=f"{ll / len(x):.4f}")))
    model = GaussianMixtureEM(components, init=init, max_iter=steps, tol=tol, reg_covar=reg_covar,
                              damping=damping, random_state=seed)
    model._set_params(history.params(-1))
    model.history_, model.n_iter_, model.converged_ = history, history.n_iter, history.converged
    model.lower_bound_ = float(history.mean_log_likelihood[-1])
    model.save_pretrained(out)
    typer.echo(f"saved {out}: K={components}, {history.n_iter} EM iterations"
               f"{' (converged)' if history.converged else ''}, mean log-likelihood "
               f"{model.lower_bound_:.4f}, BIC {model.bic(x):.1f}")


def sample(model: str = typer.Option("lab", help="'lab' (the lecture's mixture) or a folder saved by train."),
           n: int = typer.Option(200, "-n", "--n", help="Number of samples."),
           seed: int = typer.Option(0, help="Seed: the same seed gives the same samples."),
           component: Optional[int] = typer.Option(None, help="Sample only from this component."),
           out: Optional[Path] = typer.Option(None, help="Output .json (points) or .png (plot), with provenance.")):
    """Draw samples x ~ p(x) from a mixture; save them with provenance."""
    import numpy as np

    from genlab.errors import InputError, check_int
    from genlab.provenance import record, save_image, save_json

    n = check_int("--n", n, 1, 10_000_000)
    gmm = _load_model(model)
    x, z = gmm.sample(n, seed=seed, condition=component, return_labels=True)
    rec = record(model=f"mixture:{model}", seed=seed, kind="samples",
                 params={"n": n, "component": component})
    if out is None:
        typer.echo("x,y,component")
        for row, k in zip(x[:20], z[:20]):
            typer.echo(f"{row[0]:.5f},{row[1]:.5f},{k}")
        if n > 20:
            typer.echo(f"... ({n} samples; use --out FILE.json or FILE.png to save them all)")
        return
    suffix = out.suffix.lower()
    if suffix == ".json":
        save_json({"samples": np.round(x, 8).tolist(), "components": z.tolist()}, out, rec)
    elif suffix == ".png":
        from genlab.prob import mixture_pdf
        from genlab.viz import figure_png
        from matplotlib.figure import Figure
        from PIL import Image
        import io

        fig = Figure(figsize=(6, 5), dpi=100)
        ax = fig.subplots()
        ax.scatter(x[:, 0], x[:, 1], s=6, c=mixture_pdf(x, gmm.params_), cmap="viridis")
        ax.set_title(f"{n} samples from mixture:{model} (seed {seed})")
        save_image(Image.open(io.BytesIO(figure_png(fig))).convert("RGB"), out, rec)
    else:
        raise InputError("--out", "custom", text_en="use a .json or .png file name",
                         text_ru="укажите имя файла .json или .png")
    typer.echo(f"saved {n} samples to {out}")


def evaluate(model: str = typer.Option("lab", help="'lab' (the lecture's mixture) or a folder saved by train."),
             data: str = typer.Option("lecture", help=DATA_HELP),
             n: int = typer.Option(2000, help="Number of evaluation points."),
             seed: int = typer.Option(1, help="Seed for the evaluation data."),
             as_json: bool = typer.Option(False, "--json", help="Print metrics as JSON.")):
    """Mean log-likelihood (nats per point), BIC and AIC of a mixture on data."""
    import json

    gmm = _load_model(model)
    x = _load_data(data, n, seed)
    metrics = {"model": model, "data": data, "n": int(len(x)), "components": int(gmm.n_components),
               "mean_log_likelihood": gmm.score(x), "bic": gmm.bic(x), "aic": gmm.aic(x)}
    if as_json:
        typer.echo(json.dumps(metrics, indent=2))
    else:
        for key, value in metrics.items():
            typer.echo(f"{key}: {value}")
