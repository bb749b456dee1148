"""``genlab train|sample|eval mixture``: a Gaussian mixture fitted by EM, on the lecture's 2-D data
or on a user's own data file of any size.

    genlab train mixture --data two_clouds --components 2 --init pca_split --out runs/mixture
    genlab train mixture --data big.npy --components 16 --out runs/big     # .npy, .parquet, .csv
    torchrun --standalone --nproc-per-node 4 -m genlab.cli train mixture --data big.npy ...
    genlab sample mixture [--model lab|DIR] -n 500 --seed 0 --out samples.png|.json
    genlab eval mixture --model DIR --data two_clouds|FILE --json

``--model lab`` is the lecture's bimodal mixture (section 1). A data file is read chunk by chunk
(``genlab.data.rows``); under torchrun each process reads only its shard and EM all-reduces its
sums, so every process fits the same mixture as one process would. Heavy imports stay inside
functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

DATA_HELP = ("Data: two_clouds (the lecture's create_dataset), lecture (samples of the lecture's "
             "mixture), eight_gaussians, moons, rings, checkerboard, spiral; or a file of numbers, "
             "one row per point: .npy (memory-mapped), .parquet (read by row groups) or .csv.")


def _data_names():
    from genlab.data.toy2d import TOY_SETS

    return ["two_clouds", "lecture", *TOY_SETS]


def _data_rows(data: str, n: int, seed: int):
    """This process's rows of ``--data``: its shard of a file, or of a generated data set."""
    from genlab.data.rows import FORMATS, ArrayRows, open_rows
    from genlab.distributed import rank_slice
    from genlab.errors import InputError

    if data in _data_names():
        x = _load_data(data, n, seed)
        share = rank_slice(len(x))
        return ArrayRows(x, share.start, share.stop, param="--data")
    looks_like_a_file = Path(data).suffix.lower() in FORMATS or "/" in data
    if not (looks_like_a_file or Path(data).is_file()):
        raise InputError("--data", "custom",
                         text_en=f"{data!r} is neither a data set ({', '.join(_data_names())}) nor a file",
                         text_ru=f"{data!r} — не набор данных ({', '.join(_data_names())}) и не файл")
    return open_rows(data, param="--data")


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
          n: int = typer.Option(1000, help="Number of training points (generated data sets)."),
          components: int = typer.Option(2, help="Number of mixture components K."),
          init: str = typer.Option("kmeans", help="EM init: kmeans, random, collapsed, pca_split."),
          n_init: int = typer.Option(1, help="Initialisations; the best fit is kept."),
          steps: int = typer.Option(200, help="Maximum number of EM iterations."),
          damping: float = typer.Option(1.0, help="Damping a in (0, 1]; 1 is plain EM."),
          reg_covar: float = typer.Option(1e-6, help="Added to the covariances' diagonal."),
          tol: float = typer.Option(1e-6, help="Relative early-stopping tolerance."),
          seed: int = typer.Option(0, help="Seed for the data and the init (-1 = random)."),
          out: Path = typer.Option(Path("runs/mixture"), help="Folder for config.json + model.safetensors."),
          resume: bool = typer.Option(False, help="Start EM from the model saved in --out.")):
    """Fit a Gaussian mixture by EM and save it (config.json + model.safetensors); under torchrun
    every process reads its shard of --data and rank 0 saves the model."""
    import numpy as np
    from tqdm import tqdm

    from genlab.checkpoint import CheckpointError
    from genlab.classic.em import GMM_INITS, em_fit
    from genlab.classic.gmm import GaussianMixtureEM
    from genlab.distributed import all_reduce_sum_array, barrier, shared_seed, world
    from genlab.errors import check_choice

    check_choice("--init", init, [i for i in GMM_INITS if i != "from_sets"])
    w = world()
    seed = shared_seed(seed)
    rows = _data_rows(data, n, seed)
    initial = None
    if resume:
        if not (out / "model.safetensors").is_file():
            raise CheckpointError(out, "checkpoint_missing")
        initial = GaussianMixtureEM.from_pretrained(out).params_
    with tqdm(total=steps + 1, desc="EM", unit="it", disable=not w.is_main) as bar:
        history = em_fit(rows, components, init=init, n_init=n_init, initial=initial, n_iter=steps,
                         tol=tol, reg_covar=reg_covar, damping=damping, seed=seed,
                         all_reduce=all_reduce_sum_array if w.distributed else None,
                         callback=lambda t, ll: (bar.update(1), bar.set_postfix(ll=f"{ll / rows.n_total:.4f}")))
    model = GaussianMixtureEM(components, init=init, n_init=n_init, max_iter=steps, tol=tol,
                              reg_covar=reg_covar, damping=damping, random_state=seed).set_history(history)
    if w.is_main:
        model.save_pretrained(out)
        n_total = history.n_samples
        bic = -2 * history.log_likelihood[-1] + model._n_parameters() * np.log(n_total)
        typer.echo(f"saved {out}: K={components}, {history.n_iter} EM iterations"
                   f"{' (converged)' if history.converged else ''} on {n_total} points"
                   f"{f' in {w.world_size} processes' if w.distributed else ''}, mean log-likelihood "
                   f"{model.lower_bound_:.4f}, BIC {bic:.1f}")
    barrier()


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
             n: int = typer.Option(2000, help="Number of evaluation points (generated data sets)."),
             seed: int = typer.Option(1, help="Seed for the evaluation data."),
             as_json: bool = typer.Option(False, "--json", help="Print metrics as JSON.")):
    """Mean log-likelihood (nats per point), BIC and AIC of a mixture on data (a file: chunk by chunk)."""
    import json

    import numpy as np

    from genlab.classic.em import log_likelihood
    from genlab.distributed import all_reduce_sum_array, world

    gmm = _load_model(model)
    w = world()
    total, count = log_likelihood(_data_rows(data, n, seed), gmm.params_,
                                  all_reduce=all_reduce_sum_array if w.distributed else None)
    k = gmm._n_parameters()
    metrics = {"model": model, "data": data, "n": int(count), "components": int(gmm.n_components),
               "mean_log_likelihood": total / count, "bic": -2 * total + k * np.log(count),
               "aic": -2 * total + 2 * k}
    if not w.is_main:
        return
    if as_json:
        typer.echo(json.dumps(metrics, indent=2))
    else:
        for key, value in metrics.items():
            typer.echo(f"{key}: {value}")
