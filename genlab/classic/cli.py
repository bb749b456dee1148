"""``genlab train|sample|eval mixture``: a Gaussian mixture fitted by EM, on the lecture's 2-D data
or on a user's own data file of any size. ``sample`` and ``eval`` take their options from
``MixtureSampleRequest`` and ``MixtureEvalRequest`` (``genlab.classic.pipeline``).

    genlab train mixture --data two_clouds --components 2 --init pca_split --out runs/mixture
    genlab train mixture --data big.npy --components 16 --out runs/big     # .npy, .parquet, .csv
    torchrun --standalone --nproc-per-node 4 -m genlab.cli train mixture --data big.npy ...
    genlab sample mixture [--model lab|DIR] -n 500 --seed 0 --out samples.png|.json [--notebook x.ipynb]
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

from genlab.classic.pipeline import MixtureEvalRequest, MixtureSampleRequest
from genlab.cli_options import with_request

DATA_HELP = ("Data: two_clouds (the lecture's create_dataset), lecture (samples of the lecture's "
             "mixture), eight_gaussians, moons, rings, checkerboard, spiral; or a file of numbers, "
             "one row per point: .npy (memory-mapped), .parquet (read by row groups) or .csv.")


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
    from genlab.classic.em import GMM_INITS, check_em_args, em_fit
    from genlab.classic.pipeline import data_rows
    from genlab.classic.gmm import GaussianMixtureEM
    from genlab.distributed import all_reduce_sum_array, barrier, shared_seed, world
    from genlab.errors import InputError, check_choice

    check_choice("--init", init, [i for i in GMM_INITS if i != "from_sets"])
    try:  # before the progress bar, naming the options (--tol, --damping... are named as they are)
        check_em_args(components, steps, tol, reg_covar, damping, n_init)
    except InputError as err:
        flag = {"n_components": "--components", "n_iter": "--steps"}.get(err.param)
        raise (InputError(flag, err.code, **err.details) if flag else err) from None
    w = world()
    seed = shared_seed(seed)
    rows = data_rows(data, n, seed)
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


@with_request(MixtureSampleRequest)
def sample(request: MixtureSampleRequest,
           out: Optional[Path] = typer.Option(None, help="Output .json (points) or .png (plot), with provenance."),
           notebook: Optional[Path] = typer.Option(None, help="Also write a notebook (.ipynb) that draws the same points.")):
    """Draw samples x ~ p(x) from a mixture; save them with provenance."""
    import numpy as np

    from genlab.classic.pipeline import sample_mixture
    from genlab.errors import InputError
    from genlab.provenance import save_image, save_json

    if out is not None and out.suffix.lower() not in (".json", ".png"):
        raise InputError("--out", "bad_suffix", suffixes=".json, .png")
    result = sample_mixture(request)
    x, z = result.samples, result.components
    if notebook is not None:
        from genlab.notebook import save_notebook

        save_notebook(result.request, notebook, provenance=result.provenance)
    if out is None:
        typer.echo("x,y,component")
        for row, k in zip(x[:20], z[:20]):
            typer.echo(f"{row[0]:.5f},{row[1]:.5f},{k}")
        if len(x) > 20:
            typer.echo(f"... ({len(x)} samples; use --out FILE.json or FILE.png to save them all)")
        return
    if out.suffix.lower() == ".json":
        save_json({"samples": np.round(x, 8).tolist(), "components": z.tolist()}, out, result.provenance)
    else:
        save_image(np.asarray(result.show()), out, result.provenance)
    typer.echo(f"saved {len(x)} samples to {out}")


@with_request(MixtureEvalRequest)
def evaluate(request: MixtureEvalRequest,
             as_json: bool = typer.Option(False, "--json", help="Print metrics as JSON.")):
    """Mean log-likelihood (nats per point), BIC and AIC of a mixture on data (a file: chunk by chunk;
    under torchrun each process scores its shard)."""
    import json

    from genlab.classic.pipeline import evaluate_mixture
    from genlab.distributed import world

    result = evaluate_mixture(request)
    if not world().is_main:
        return
    typer.echo(json.dumps(result.metrics, indent=2) if as_json else result.show())
