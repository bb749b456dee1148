"""The GAN section's handlers (no UI): what the GAN tab and ``genlab.widgets.gan()`` call.

Each handler takes the controls' values and the page's language, builds a typed request
(``genlab.families.gan.pipeline``), runs it and returns what the view shows: PNG paths written
with provenance, a notebook that reproduces the output, figures and translated text.
"""

from __future__ import annotations

import json

import numpy as np

from genlab.errors import check_int
from genlab.families.gan import pipeline
from genlab.families.gan.pipeline import GanRequest, InterpolationRequest, ToyTrainingRequest
from genlab.i18n import Translator
from genlab.sections import output_path

SECTION = "gan"


def class_choices(model: str = pipeline.LAB, lang: str = "en") -> list[tuple[str, int]]:
    """(label, index) pairs for the class-by-name dropdown, in ``lang`` for the lab digits
    (ImageNet's 1,000 class names exist in English only)."""
    GanRequest.params()["model"].check(model)
    if model == pipeline.LAB:
        names = Translator(SECTION, lang)("digit_names").split(", ")
        return [(f"{i} ({name})", i) for i, name in enumerate(names)]
    return [(name, i) for i, name in enumerate(pipeline.class_names(model))]


def class_label(model: str, class_id: int, lang: str = "en") -> str:
    return class_choices(model, lang)[class_id][0]


def random_class(model: str = pipeline.LAB, seed=None) -> tuple[int, int]:
    """A random class of ``model``, for the index box and the dropdown."""
    rng = np.random.default_rng(None if seed in (None, -1) else int(seed))
    c = int(rng.integers(0, pipeline.n_classes(model)))
    return c, c


def sync_class(value, model: str = pipeline.LAB) -> int:
    """A class index checked against ``model`` (to copy between the index box and the dropdown)."""
    return check_int("class_id", value, 0, pipeline.n_classes(model) - 1)


def model_defaults(model: str) -> dict:
    """The request's defaults for ``model`` (the lecture's own values for BigGAN)."""
    return GanRequest.defaults(model)


def _save_outputs(result, stem: str, lang: str) -> tuple[str, str]:
    """(PNG path, notebook path) of a result, both carrying its provenance."""
    from genlab.notebook import save_notebook
    from genlab.provenance import save_image

    png = save_image(np.asarray(result.show()), output_path(f"{stem}.png"), result.provenance)
    notebook = save_notebook(result.request, output_path(f"{stem}.ipynb"), provenance=result.provenance, lang=lang)
    return str(png), str(notebook)


def generate(model=pipeline.LAB, class_id=0, n=8, truncation=0.4, seed=-1, all_classes=False, lang: str = "en"):
    """(grid PNG path, info markdown, notebook path) for one generation request."""
    tr = Translator(SECTION, lang)
    result = pipeline.generate(GanRequest(model=model, class_id=class_id, n=n, truncation=truncation, seed=seed,
                                          all_classes=all_classes))
    r = result.request
    png, notebook = _save_outputs(result, f"gan-class{'all' if r.all_classes else r.class_id}-seed{r.seed}", lang)
    cls = tr("every_class") if r.all_classes else class_label(r.model, r.class_id, lang)
    info = tr("result", n=r.n, cls=cls, t=r.truncation, seed=r.seed,
              model=GanRequest.params()["model"].choice_label(r.model, tr))
    return png, info, notebook


def interpolate(mode="seeds", class_a=3, class_b=8, seed_a=0, seed_b=1, steps=8, truncation=0.4,
                lang: str = "en"):
    """(strip PNG path, notebook path) of an interpolation of the lab GAN."""
    result = pipeline.interpolate(InterpolationRequest(mode=mode, class_a=class_a, class_b=class_b, seed_a=seed_a,
                                                       seed_b=seed_b, steps=steps, truncation=truncation))
    return _save_outputs(result, "gan-interpolation", lang)


def try_log_prob(lang: str = "en") -> str:
    """What the lab GAN answers when asked for log p(x) of a real digit: NoDensityError, explained."""
    import torch

    from genlab.core import NoDensityError
    from genlab.data.digits import load_mnist

    x, _ = load_mnist("heldout")
    try:
        pipeline.load_lab_gan().log_prob(torch.from_numpy(x[:1]))
    except NoDensityError as err:
        return f"`NoDensityError`: {err.message(lang)}"
    raise AssertionError("a GAN must not return a density")


def sweep_figure(lang: str = "en"):
    """(figure, text) of the shipped GAN's measured truncation sweep; (None, text) without metrics."""
    from genlab.families.gan import figures

    tr = Translator(SECTION, lang)
    path = pipeline.lab_asset() / "metrics.json"
    if not path.is_file():
        return None, tr("sweep_missing")
    metrics = json.loads(path.read_text())
    fig = figures.truncation_sweep(metrics, labels=(tr("axis_truncation"), tr("axis_fidelity"), tr("axis_diversity"),
                                                    tr("axis_frechet"), tr("axis_real"), tr("axis_none")))
    return fig, tr("sweep_about", n=metrics.get("n_generated_per_class", "?"))


def train_toy(data="eight_gaussians", train_steps=1500, seed=0, lang: str = "en", *, every: int = 100):
    """Train a fresh 2-D GAN live, yielding (figure, log markdown) every ``every`` steps."""
    import matplotlib.pyplot as plt

    from genlab.data.toy2d import load_toy
    from genlab.families.gan import figures

    tr = Translator(SECTION, lang)
    request = ToyTrainingRequest(data=data, train_steps=train_steps, seed=seed).checked()
    real = load_toy(request.data, 1000, seed=request.seed + 1)
    history, lines = [], []
    for gan, trainer, row in pipeline.train_toy(request, every=every):
        history.append(row)
        line = tr("toy_row", **row)
        if "modes_hit" in row:
            line += tr("toy_modes", modes_hit=row["modes_hit"], hq=row["high_quality"])
        lines.append(line)
        fig = figures.toy_field(gan, real, gan.sample(1000, seed=0).numpy(), history=history,
                                title=tr("toy_title", data=request.data, step=trainer.step),
                                labels=(tr("real"), tr("generated"), tr("field"), tr("modes_axis"), tr("step")))
        yield fig, "\n".join(f"- {x}" for x in lines[-8:])
        plt.close(fig)
