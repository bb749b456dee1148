"""The Diffusion section's handlers (no UI): what the Diffusion tab and ``genlab.widgets.diffusion()`` call.

Each handler takes the controls' values (in the order ``DiffusionRequest`` declares them) and the
page's language, runs the family's pipeline (``genlab.families.diffusion.pipeline``) and returns
what the view shows: PNG paths written with provenance, the toy particles' figure, translated
notes, a notebook that makes the same samples again.
"""

from __future__ import annotations

import numpy as np

from genlab import downloads
from genlab.errors import InputError, check_choice
from genlab.families.diffusion import pipeline
from genlab.families.diffusion.pipeline import DiffusionRequest
from genlab.i18n import Translator
from genlab.sections import output_path, save_result_notebook

SECTION = "diffusion"


def preset_names() -> list[str]:
    """The parameters whose default depends on the model (set again when the model changes)."""
    return sorted({name for preset in DiffusionRequest.PRESETS.values() for name in preset})


def model_view(model: str, lang: str = "en") -> dict:
    """What choosing ``model`` changes: ``values`` (its defaults of the preset parameters: the
    lecture's for SDXL), ``applies`` (the parameters it reads; the others are hidden) and
    ``status`` (why it cannot run on this machine, translated; empty when it can)."""
    check_choice("model", model, pipeline.MODELS)
    defaults = DiffusionRequest.defaults(model)
    try:
        pipeline.check_available(DiffusionRequest(model=model), allow_download=downloads.allowed())
        status = ""
    except InputError as err:
        status = Translator(SECTION, lang).error(err)
    return {"values": {name: defaults[name] for name in preset_names()}, "applies": pipeline.APPLIES[model],
            "status": status}


def check_request(request: DiffusionRequest) -> None:
    """What the page checks before it runs a checked request: that its model is on this machine
    (``InputError`` on ``model``, shown on the model's control: a short message, as the notes
    already say how to get the weights, ``model_view``'s status)."""
    try:
        pipeline.check_available(request, allow_download=downloads.allowed())
    except InputError:
        raise InputError("model", "sdxl_not_here") from None


def generate(model=pipeline.LAB, digit="7", toy="eight_gaussians", prompt=pipeline.LECTURE_PROMPT,
             negative_prompt="", size="1024x1024", nfe=20, guidance=3.0, n=16, scheduler="deis",
             spacing="trailing", seed=0, strip_steps="", lang: str = "en", progress=None):
    """(samples PNG path or None, toy figure or None, strip PNG path or None, notes markdown,
    notebook path) of one run; ``progress(fraction, desc=...)`` after each step."""
    from genlab.provenance import save_image

    tr = Translator(SECTION, lang)
    check_choice("model", model, pipeline.MODELS)  # a page offers these three; a folder is the CLI's
    request = DiffusionRequest(model=model, digit=digit, toy=toy, prompt=prompt, negative_prompt=negative_prompt,
                               size=size, nfe=nfe, guidance=guidance, n=n, scheduler=scheduler, spacing=spacing,
                               seed=seed, strip_steps=strip_steps, lang=lang)

    def on_step(i, total):
        progress((i + 1) / total, desc=tr("step", i=i + 1, nfe=total))

    result = pipeline.generate(request, on_step=on_step if progress is not None else None,
                               allow_download=downloads.allowed())  # the operator's flag only
    r = result.request
    stem = f"diffusion-{result.backend.rsplit('/', 1)[-1]}-seed{r.seed}"
    shown = result.show()
    image = figure = strip = None
    if result.backend == pipeline.TOY:
        figure = shown
    else:
        image = str(save_image(np.asarray(shown), output_path(f"{stem}.png"), result.provenance))
    if result.strip:
        strip = str(save_image(np.asarray(result.strip_image()), output_path(f"{stem}-chain.png"), result.provenance))
    scheduler = DiffusionRequest.params()["scheduler"].choice_label(r.scheduler, tr)
    notes = [tr("done", n=len(result.samples), seconds=result.seconds, scheduler=scheduler, nfe=r.nfe,
                guidance=r.guidance, seed=r.seed)]
    notes += [tr("size_rounded", side=tr(f"side_{side}"), given=given, used=used) for side, given, used in result.size_notes]
    return image, figure, strip, "\n\n".join(notes), save_result_notebook(result, stem, lang)
