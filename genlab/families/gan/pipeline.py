"""The GAN family's face: typed requests in, images with their provenance out.

Two models answer the same ``GanRequest``: ``"lab"``, the shipped class-conditional digits GAN
(genlab/assets/gan-mnist), and ``"biggan-deep-256"``, the lecture's pretrained BigGAN
(``pretrained.py``; its weights must be in a local folder or the library's cache). The CLI, the
web tab and the widget all call ``generate`` and ``interpolate``; they only convert inputs and
draw the results.

    result = generate(GanRequest(class_id=3, n=8, seed=0))
    result.images            # (8, 28, 28, 3) uint8
    result.provenance        # model, seed, every parameter, "AI-generated"
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from genlab import limits
from genlab.assets import asset_path
from genlab.errors import InputError, check_int
from genlab.params import Request, Result, param

LAB = "lab"
BIGGAN = "biggan-deep-256"
MODELS = (LAB, BIGGAN)
MAX_IMAGES = limits.MAX_GAN_IMAGES
TOY_SETS = ("eight_gaussians", "moons", "rings", "spiral", "checkerboard")


def lab_asset():
    return asset_path("gan-mnist")


@functools.lru_cache(maxsize=2)
def load_lab_gan(path: str | None = None):
    """The shipped digits GAN (read-only, cached), float32, eval mode."""
    from pathlib import Path

    from genlab.families.gan.model import ConditionalGAN

    return ConditionalGAN.load_lab(Path(path) if path else lab_asset())


def n_classes(model: str) -> int:
    return 10 if model == LAB else 1000


def class_names(model: str = LAB) -> list[str]:
    """ "index (name)" for every class of ``model``."""
    if model == LAB:
        from genlab.data.digits import CLASS_NAMES

        names = CLASS_NAMES
    else:
        from genlab.families.gan.pretrained import imagenet_class_names

        names = imagenet_class_names()
    return [f"{i} ({name})" for i, name in enumerate(names)]


def parse_class(value, model: str = LAB) -> int:
    """A class index (a number or digit string) or a class name ("three", "golden retriever")."""
    if isinstance(value, str) and not value.strip().lstrip("-").replace(".", "", 1).isdigit():
        text = value.strip().lower()
        for i, label in enumerate(class_names(model)):
            name = label.split(" (", 1)[1].rstrip(")").lower()
            if text == name or text in [part.strip() for part in name.split(",")]:
                return i
        raise InputError("class", "no_such_class", value=repr(value))
    if isinstance(value, str):
        value = float(value)
    return check_int("class", value, 0, n_classes(model) - 1)


@dataclass(frozen=True)
class GanRequest(Request):
    """n class-conditional images from one noise seed."""

    SECTION: ClassVar[str] = "gan"
    PIPELINE: ClassVar[str] = "generate"
    # the lecture's BigGAN cell: class 207 (golden retriever), truncation 0.4
    PRESETS: ClassVar[dict] = {BIGGAN: {"class_id": 207}}

    model: str = param(LAB, choices=MODELS)
    class_id: int = param(0, low=0, high=999, control="number", cli="--class")
    n: int = param(8, low=1, high=MAX_IMAGES, short="-n")
    truncation: float = param(0.4, low=0.0, high=1.0, low_open=True, step=0.05)
    seed: int = param(-1, kind="seed")
    all_classes: bool = param(False)  # n of every class, in class order (the lab digits); CLI: --class all

    def validate(self) -> None:
        check_int("class_id", self.class_id, 0, n_classes(self.model) - 1)
        if self.all_classes and self.model != LAB:
            raise InputError("all_classes", "all_classes_lab_only", model=self.model)

    def condition(self):
        """The class of every image: ``class_id`` n times, or every digit n times in class order."""
        if self.all_classes:
            return [c for c in range(n_classes(LAB)) for _ in range(self.n)]
        return self.class_id


@dataclass(frozen=True)
class InterpolationRequest(Request):
    """A strip of lab-GAN images between two seeds (class fixed) or two classes (seed fixed)."""

    SECTION: ClassVar[str] = "gan"
    PIPELINE: ClassVar[str] = "interpolate"
    model: ClassVar[str] = LAB  # the lab GAN only

    mode: str = param("seeds", choices=("seeds", "classes"))
    class_a: int = param(3, low=0, high=9, control="number")
    class_b: int = param(8, low=0, high=9, control="number")
    seed_a: int = param(0, kind="seed")
    seed_b: int = param(1, kind="seed")
    steps: int = param(8, low=2, high=16)
    truncation: float = param(0.4, low=0.0, high=1.0, low_open=True, step=0.05)


@dataclass
class GanResult(Result):
    images: np.ndarray          # (n, H, W, 3) uint8, in the order drawn
    class_name: str = ""
    cols: int = 4               # images per row of the grid that ``show`` draws
    samples: np.ndarray | None = None  # the lab GAN's samples themselves: (n, 28, 28) float32 in [0, 1]

    def show(self):
        """The images as one PIL image (what the tab shows and a notebook cell displays)."""
        from PIL import Image

        from genlab.provenance.image_watermark import MIN_PIXELS
        from genlab.viz.images import tile

        # 28x28 digits are enlarged (at least 4x, and enough to carry the invisible watermark)
        lab = self.request.model != BIGGAN
        return Image.fromarray(tile(self.images, self.cols, scale=4 if lab else 1, min_pixels=MIN_PIXELS if lab else 0))


def _model_id(model: str) -> tuple[str, str | None]:
    if model == LAB:
        return "genlab/gan-mnist", None
    from genlab.families.gan.pretrained import revision

    return model, revision()


def generate(request: GanRequest, *, biggan_path: str | None = None) -> GanResult:
    """Generate ``request.n`` images of class ``request.class_id``."""
    from genlab.viz.images import to_uint8

    request = request.checked()
    samples = None
    if request.model == LAB:
        condition = request.condition()
        n = len(condition) if request.all_classes else request.n
        samples = load_lab_gan().sample(n, condition=condition, seed=request.seed,
                                        truncation=request.truncation).numpy()[:, 0].astype(np.float32)
        images = to_uint8(samples)
    else:
        from genlab.families.gan.pretrained import generate_biggan, load_biggan

        images = generate_biggan(load_biggan(biggan_path), request.class_id, request.n, request.truncation,
                                 request.seed)
    name, revision = _model_id(request.model)
    label = "" if request.all_classes else class_names(request.model)[request.class_id]
    record = request.provenance(model=name, revision=revision, kind="image", class_name=label)
    cols = request.n if request.all_classes else 4  # all classes: one row per digit
    return GanResult(request, record, images, label, cols=cols, samples=samples)


def interpolate(request: InterpolationRequest) -> GanResult:
    """Images along a straight line in z (``mode="seeds"``) or in the class embedding."""
    import torch

    from genlab.families.gan.truncation import truncated_normal
    from genlab.viz.images import to_uint8

    request = request.checked()
    gan = load_lab_gan()
    z_a, z_b = (truncated_normal((1, gan.z_dim), request.truncation, torch.Generator().manual_seed(s))
                for s in (request.seed_a, request.seed_b))
    w = torch.linspace(0, 1, request.steps)[:, None]                      # (steps, 1)
    e_a, e_b = (gan.generator.embed(torch.tensor([c])) for c in (request.class_a, request.class_b))
    if request.mode == "seeds":
        z, e = (1 - w) * z_a + w * z_b, e_a.expand(request.steps, -1)
    else:
        z, e = z_a.expand(request.steps, -1), (1 - w) * e_a + w * e_b
    with torch.no_grad():
        images = (gan.generator.synthesize(z, e) + 1) / 2
    record = request.provenance(model="genlab/gan-mnist", kind="gan-interpolation", seed=request.seed_a)
    return GanResult(request, record, to_uint8(images.numpy()), cols=request.steps)


@dataclass(frozen=True)
class ToyTrainingRequest(Request):
    """A fresh 2-D GAN trained live on a toy set (mode collapse made visible)."""

    SECTION: ClassVar[str] = "gan"

    data: str = param("eight_gaussians", choices=TOY_SETS)
    train_steps: int = param(1500, low=100, high=limits.MAX_TOY_GAN_STEPS, step=100)
    seed: int = param(0, kind="seed")


def train_toy(request: ToyTrainingRequest, *, every: int = 100):
    """Train a 2-D GAN, yielding ``(gan, trainer, history row)`` every ``every`` steps."""
    import torch

    from genlab.families.gan.toy import ToyGAN, ToyTrainer

    request = request.checked()
    torch.manual_seed(request.seed)
    gan = ToyGAN()
    trainer = ToyTrainer(gan, request.data, seed=request.seed)
    while trainer.step < request.train_steps:
        yield gan, trainer, trainer.run(min(every, request.train_steps - trainer.step))
