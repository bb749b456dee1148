"""The diffusion family's face: a typed request in, samples with their provenance out.

Three models answer the same ``DiffusionRequest``, and ``generate`` runs whichever it names:

* ``"lab"``: the shipped class-conditional digits model (genlab/assets/diffusion-mnist), 28x28;
* ``"toy2d"``: the shipped 2-D toy model (diffusion-toy2d): particles carried from noise to data;
* ``SDXL`` (``stabilityai/stable-diffusion-xl-base-1.0``): the lecture's SDXL base 1.0 with DEIS
  (``pretrained.py``, through diffusers' own ``StableDiffusionXLPipeline``); its weights must be
  in the local Hugging Face cache unless the caller allows the download.

A folder holding a lab model or a saved SDXL pipeline works too (CLI and Python). The CLI, the web
tab and the widget all call ``generate``; they only convert inputs and draw the result.

    result = generate(DiffusionRequest(digit="7", n=16, nfe=10, seed=0))
    result.samples           # (16, 1, 28, 28) in [0, 1]
    result.show()            # the grid the tab shows (a PIL image; 2-D toys: a matplotlib figure)
    result.provenance        # model, revision, seed, every parameter that applies, "AI-generated"
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ClassVar

import numpy as np

from genlab import limits
from genlab.core import read_config
from genlab.data.toy2d import TOY_SETS
from genlab.errors import InputError, check_choice, check_int, check_text
from genlab.families.diffusion.pretrained import SDXL_ID, SDXL_REVISION, SIZE_PRESETS, SPACINGS as SDXL_SPACINGS
from genlab.families.diffusion.schedulers import SCHEDULERS, SPACINGS
from genlab.i18n import LANGS, Translator
from genlab.params import Request, Result, param

SECTION = "diffusion"
LAB = "lab"
TOY = "toy2d"
SDXL = SDXL_ID
MODELS = (LAB, TOY, SDXL)
# the shipped lab models' asset folders ("mnist" is the digits model's name in evaluate and the benchmark)
LAB_ASSETS = {LAB: "diffusion-mnist", "mnist": "diffusion-mnist", TOY: "diffusion-toy2d"}
SCHEDULER_NAMES = ("deis", *(name for name in SCHEDULERS if name != "deis"))  # the lecture's DEIS first
DIGITS = ("none", *map(str, range(10)), "all")   # none: unconditional; all: n of each digit, in order
LECTURE_PROMPT = ("A high-detail studio photo of a small robotic arm assembling a tiny circuit board, "
                  "realistic lighting, shallow depth of field")
# Which parameters each model reads (the views show only these; provenance and notebooks record them)
APPLIES = {
    LAB: ("model", "digit", "nfe", "guidance", "n", "scheduler", "spacing", "seed", "strip_steps"),
    TOY: ("model", "toy", "nfe", "guidance", "n", "scheduler", "spacing", "seed", "lang"),
    SDXL: ("model", "prompt", "negative_prompt", "size", "nfe", "guidance", "n", "scheduler", "spacing", "seed",
           "strip_steps"),
}
STRIP_COUNT = 6  # predicted x_0 images along a lab chain when no steps are given


def backend(model: str) -> str:
    """``LAB``, ``TOY`` or ``SDXL``: which of the three models ``model`` is, or (a folder) is like."""
    if model in MODELS:
        return model
    folder = Path(model)
    if (folder / "model_index.json").is_file():  # a saved diffusers pipeline
        return SDXL
    config = read_config(folder)
    return TOY if "hidden" in config else LAB  # the MLP's width; the digits UNet has block_out_channels


def model_record(model: str) -> tuple[str, str | None]:
    """(name, revision) of ``model`` as a provenance record writes them."""
    if model in LAB_ASSETS:
        return f"genlab/{LAB_ASSETS[model]}", None
    return model, SDXL_REVISION if model == SDXL else None


@functools.lru_cache(maxsize=4)
def load_lab_model(name: str = LAB):
    """The shipped lab model ``name`` ("lab": digits, "toy2d") or a lab model folder, in eval mode.

    Cached read-only: callers must not train or modify the returned model.
    """
    from genlab.assets import asset_path
    from genlab.families.diffusion.model import DigitDiffusion, ToyDiffusion

    path = asset_path(LAB_ASSETS[name]) if name in LAB_ASSETS else Path(name)
    cls = ToyDiffusion if backend(str(path)) == TOY else DigitDiffusion
    model = cls.load_lab(path)
    model.requires_grad_(False)
    return model


def check_available(request: "DiffusionRequest", *, allow_download: bool = False) -> None:
    """``InputError`` on ``model`` when SDXL's weights are not on this machine and may not be
    downloaded (a file lookup: nothing is loaded). The lab models are shipped."""
    from genlab.families.diffusion import pretrained

    if backend(request.model) == SDXL and not allow_download and not pretrained.is_cached(request.model):
        raise pretrained.not_cached_error(request.model)


# ---------------------------------------------------------------- the request


@dataclass(frozen=True)
class DiffusionRequest(Request):
    """Samples of one model: digits, 2-D particles or SDXL images, by the reverse chain."""

    SECTION: ClassVar[str] = SECTION
    PIPELINE: ClassVar[str] = "generate"
    # The lecture's SDXL cell: NFE 25, CFG 6, one image of 1024x1024, DEIS from SDXL's own
    # scheduler config (its "leading" spacing). The toy model draws a cloud of particles.
    PRESETS: ClassVar[dict] = {SDXL: {"nfe": 25, "guidance": 6.0, "n": 1, "spacing": "leading"},
                               TOY: {"n": 400}}

    # the CLI and Python also take a model folder; the app and the widget offer the three models
    model: str = param(LAB, choices=MODELS, open_choice=True, control="radio")
    digit: str = param("7", choices=DIGITS, cli="--class")
    toy: str = param("eight_gaussians", choices=tuple(TOY_SETS))
    prompt: str = param(LECTURE_PROMPT, max_chars=limits.MAX_PROMPT_CHARS, lines=3, allow_empty=True)
    negative_prompt: str = param("", max_chars=limits.MAX_PROMPT_CHARS, allow_empty=True)
    size: str = param("1024x1024", choices=SIZE_PRESETS, open_choice=True, open_text="range_or_size")
    nfe: int = param(20, low=1, high=limits.MAX_LAB_NFE)
    guidance: float = param(3.0, low=limits.GUIDANCE_RANGE[0], high=limits.GUIDANCE_RANGE[1], step=0.5)
    n: int = param(16, low=1, high=limits.MAX_LAB_DIFFUSION_SAMPLES, short="-n")
    scheduler: str = param("deis", choices=SCHEDULER_NAMES)
    spacing: str = param("trailing", choices=SPACINGS)
    seed: int = param(0, kind="seed")
    strip_steps: str = param("", max_chars=limits.MAX_STEP_LIST_CHARS, allow_empty=True)
    lang: str = param("en", choices=LANGS)

    @classmethod
    def defaults(cls, model: str | None = None) -> dict:
        """Every parameter's default, with the preset of the model ``model`` is (a folder: is like)."""
        try:
            like = None if model is None else backend(model)
        except InputError:  # a bad folder: ``checked`` names it
            like = None
        return super().defaults(like)

    def validate(self) -> None:
        like = backend(self.model)
        if like == SDXL:  # a pretrained model's cost: the lecture's ranges
            check_text("prompt", self.prompt, max_chars=limits.MAX_PROMPT_CHARS)
            check_int("nfe", self.nfe, *limits.NFE_RANGE)
            check_int("n", self.n, 1, limits.MAX_DIFFUSION_IMAGES)
            check_choice("spacing", self.spacing, SDXL_SPACINGS)
            self.sdxl_size()
        elif like == LAB and self.digit == "all":
            check_int("n", self.n, 1, limits.MAX_LAB_DIFFUSION_SAMPLES // 10)
        if like != TOY:
            self.strip_indices()

    def values(self) -> dict:
        """The parameters that apply to this request's model (what provenance and notebooks record)."""
        applies = APPLIES[backend(self.model)]
        return {name: value for name, value in super().values().items() if name in applies}

    def sdxl_size(self) -> tuple[int, int, list[tuple[str, int, int]]]:
        """(width, height, [(side, given, used)]) with sides rounded down to a multiple of 8 (the
        VAE's factor); ``InputError`` on ``size`` if it is not WIDTHxHEIGHT in the allowed range."""
        try:
            sides = [int(v) for v in str(self.size).lower().replace("×", "x").split("x")]
        except ValueError:
            sides = []
        if len(sides) != 2:
            raise InputError("size", "bad_size", value=repr(self.size))
        low, high = limits.SDXL_SIZE_RANGE
        used, notes = [], []
        for side, value in zip(("width", "height"), sides):
            check_int("size", value, low, high)
            used.append(value - value % 8)
            if value % 8:
                notes.append((side, value, used[-1]))
        return used[0], used[1], notes

    def strip_indices(self) -> list[int]:
        """0-based chain steps of ``strip_steps`` ("1, 5, 10", 1-based as the user counts); empty:
        six spread over a lab chain, none for SDXL (each costs a VAE decoder pass)."""
        text = self.strip_steps.strip()
        if not text:
            if backend(self.model) == SDXL:
                return []
            count = min(STRIP_COUNT, self.nfe)
            return sorted({int(round(i)) for i in np.linspace(0, self.nfe - 1, count)})
        steps = set()
        for part in text.replace(";", ",").split(","):
            if part.strip():
                try:
                    value = int(part)
                except ValueError:
                    raise InputError("strip_steps", "not_integer", value=repr(part.strip())) from None
                steps.add(check_int("strip_steps", value, 1, self.nfe) - 1)
        return sorted(steps)

    def condition(self):
        """What the lab model is conditioned on: a toy set's name, a digit, every digit n times, or None."""
        if backend(self.model) == TOY:
            return self.toy
        if self.digit == "all":
            return [d for d in range(10) for _ in range(self.n)]
        return None if self.digit == "none" else int(self.digit)


# ---------------------------------------------------------------- the result


@dataclass
class DiffusionResult(Result):
    samples: np.ndarray          # lab digits (n, 1, 28, 28) in [0, 1]; toy (n, 2); SDXL (n, H, W, 3) uint8
    strip: list = field(default_factory=list)  # [(step, 1-based; image (H, W, 3) uint8)]: x_0 (lab) or x_t (SDXL)
    trajectory: np.ndarray | None = None       # toy: (n, nfe + 1, 2), x_T ... x_0 of every particle
    size_notes: list = field(default_factory=list)  # SDXL: [(side, given, used)], rounded to multiples of 8
    seconds: float = 0.0

    @property
    def backend(self) -> str:
        return backend(self.request.model)

    def show(self):
        """What the tab shows: the images as one PIL grid, or the toy particles' paths as a figure."""
        from PIL import Image

        from genlab.provenance.image_watermark import MIN_PIXELS
        from genlab.viz.images import tile

        if self.backend == TOY:
            return self.figure()
        if self.backend == SDXL:  # two per row, as the lecture's grid
            return Image.fromarray(tile(self.samples, min(2, len(self.samples))))
        cols = self.request.n if self.request.digit == "all" else None  # all: one row per digit
        # 28x28 digits are enlarged (at least 4x, and enough to carry the invisible watermark)
        return Image.fromarray(tile(self.samples, cols, scale=4, min_pixels=MIN_PIXELS))

    def array(self) -> np.ndarray:
        """The lab models' samples themselves as float32 (what ``--out FILE.npy`` holds): digits
        (n, 28, 28) in [0, 1], in class order; toy points (n, 2)."""
        if self.backend == SDXL:
            raise InputError("model", "not_choice", value=repr(self.request.model), choices=f"{LAB}, {TOY}")
        x = self.samples if self.backend == TOY else self.samples[:, 0]
        return np.asarray(x, dtype=np.float32)

    def figure(self):
        """The toy particles' paths from noise (x_T) to data (x_0) over the toy set's points."""
        from genlab.data.toy2d import load_toy
        from genlab.families.diffusion.figures import trajectories_figure

        r = self.request
        tr = Translator(SECTION, r.lang)
        data = dict(DiffusionRequest.params()["toy"].choice_pairs(tr))
        title = tr("toy_title", data=next(label for label, value in data.items() if value == r.toy),
                   scheduler=r.scheduler, nfe=r.nfe)
        return trajectories_figure(self.trajectory, reference=load_toy(r.toy, 2000, seed=1), title=title,
                                   labels=(tr("toy_noise"), tr("toy_data")))

    def strip_image(self):
        """The strip along the chain as one PIL image (left = early), or None."""
        from PIL import Image

        from genlab.provenance.image_watermark import MIN_PIXELS
        from genlab.viz.images import tile

        if not self.strip:
            return None
        images = [image for _, image in self.strip]
        scale = 1 if self.backend == SDXL else 3
        return Image.fromarray(tile(images, len(images), scale=scale, min_pixels=MIN_PIXELS))


# ---------------------------------------------------------------- running it


def generate(request: DiffusionRequest, *, on_step: Callable[[int, int], None] | None = None,
             allow_download: bool = False) -> DiffusionResult:
    """Run the reverse chain of ``request.model``; ``on_step(i, nfe)`` after each step i (0-based).

    Everything is checked before a model is loaded. ``allow_download`` lets SDXL's weights
    (about 7 GB) come from the hub when they are not in the local cache.
    """
    request = request.checked()
    check_available(request, allow_download=allow_download)
    start = time.perf_counter()
    if backend(request.model) == SDXL:
        result = _generate_sdxl(request, on_step, allow_download)
    else:
        result = _generate_lab(request, on_step)
    result.seconds = time.perf_counter() - start
    return result


def _generate_lab(request: DiffusionRequest, on_step) -> DiffusionResult:
    from genlab.compute import one_thread
    from genlab.viz.images import to_uint8

    model = load_lab_model(request.model)
    toy = backend(request.model) == TOY
    condition = request.condition()
    n = len(condition) if isinstance(condition, list) else request.n
    strip_at = set() if toy else set(request.strip_indices())
    path, strip, last = [], [], None
    with one_thread():
        for step in model.chain(n, condition=condition, seed=request.seed, scheduler=request.scheduler,
                                nfe=request.nfe, guidance=request.guidance, spacing=request.spacing):
            if toy:  # x_t in the variance-preserving space (Euler's own samples are scaled)
                path.append(step.x_t.clone())
            if step.index in strip_at:
                strip.append((step.index + 1, to_uint8(model.from_model_space(step.pred_x0[:1]).numpy())[0]))
            if on_step is not None:
                on_step(step.index, request.nfe)
            last = step
    samples = model.from_model_space(last.sample).numpy()
    trajectory = np.stack([p.numpy() for p in [*path, last.sample]], axis=1) if toy else None
    name, revision = model_record(request.model)
    record = request.provenance(model=name, revision=revision, kind="image")
    return DiffusionResult(request, record, samples, strip=strip, trajectory=trajectory)


def _generate_sdxl(request: DiffusionRequest, on_step, allow_download: bool) -> DiffusionResult:
    from genlab.families.diffusion.pretrained import generate_sdxl, load_sdxl

    width, height, notes = request.sdxl_size()
    sdxl = load_sdxl(request.model, local_files_only=not allow_download)  # diffusers' pipeline
    images, intermediates = generate_sdxl(
        sdxl, request.prompt.strip(), negative_prompt=request.negative_prompt, nfe=request.nfe,
        guidance=request.guidance, width=width, height=height, num_images=request.n, seed=request.seed,
        scheduler=request.scheduler, spacing=request.spacing, show_steps=request.strip_indices(), on_step=on_step)
    name, revision = model_record(request.model)
    record = request.provenance(model=name, revision=revision, kind="image", width=width, height=height)
    return DiffusionResult(request, record, np.stack([np.asarray(im.convert("RGB")) for im in images]),
                           strip=[(step + 1, np.asarray(im.convert("RGB"))) for step, im in intermediates],
                           size_notes=notes)


TOY_NFE = 50          # DDIM steps per sample in the taxonomy comparison
TOY_GUIDANCE = 1.0    # the plain conditional model: guidance > 1 would over-sharpen the modes
TOY_BOUND = "ELBO (T = 999)"  # the sum over all 999 timesteps


def fit_toy(x, *, data: str, steps: int, seed: int):
    """The taxonomy comparison's diffusion model (``genlab.registry.TOY_MODELS``): the shipped toy
    model, trained on every toy set, conditioned on ``data`` (it is not refitted: ``x`` and
    ``steps`` are the other families' business). Its bound, in nats per point, sums all 999
    timesteps (one noise draw each) with the optimal reverse variances measured on its training
    data: a bound in expectation, so the table reports its mean over the held-out points."""
    from genlab.core import ToyFit

    model = load_lab_model(TOY)

    def elbo_nats(v):
        return model.elbo(v, condition=data, n_timesteps=None, seed=seed).numpy()

    return ToyFit(model, condition=data, nfe=TOY_NFE, bounds={TOY_BOUND: elbo_nats},
                  sample_options={"scheduler": "ddim", "nfe": TOY_NFE, "guidance": TOY_GUIDANCE})
