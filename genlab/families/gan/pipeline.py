"""What the views (CLI, app, widgets) call: checked requests, image grids, interpolation strips.

Two models answer the same request: ``"lab"``, the shipped class-conditional digits GAN
(genlab/assets/gan-mnist), and ``"biggan-deep-256"``, the lecture's pretrained BigGAN (see
``pretrained.py``; it needs its weights in a local folder or the cache).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genlab.errors import InputError, check_choice, check_int, check_number, check_seed
from genlab.seeding import resolve_seed

ASSET = Path(__file__).resolve().parents[2] / "assets" / "gan-mnist"
LAB = "lab"
BIGGAN = "biggan-deep-256"
MODELS = (LAB, BIGGAN)
MAX_IMAGES = 16


@functools.lru_cache(maxsize=2)
def load_lab_gan(path: str | None = None):
    """The shipped digits GAN (read-only, cached), float32, eval mode."""
    import contextlib
    import io

    from genlab.families.gan.model import ConditionalGAN

    with contextlib.redirect_stdout(io.StringIO()):  # huggingface_hub prints "Loading weights ..."
        return ConditionalGAN.load_lab(Path(path) if path else ASSET)


def class_names(model: str = LAB) -> list[str]:
    if model == LAB:
        from genlab.data.digits import CLASS_NAMES

        return [f"{i} ({name})" for i, name in enumerate(CLASS_NAMES)]
    from genlab.families.gan.pretrained import imagenet_class_names

    return [f"{i} ({name})" for i, name in enumerate(imagenet_class_names())]


@dataclass
class Request:
    """A checked generation request; ``seed`` is resolved (never -1)."""

    model: str
    class_id: int
    n: int
    truncation: float
    seed: int


def check_request(model: str = LAB, class_id=0, n=4, truncation=1.0, seed=-1, *,
                  n_classes: int | None = None) -> Request:
    """Validate a request the way every view needs it; bad input raises ``InputError``."""
    check_choice("model", model, MODELS)
    if n_classes is None:
        n_classes = 10 if model == LAB else 1000
    class_id = parse_class(class_id, model, n_classes)
    n = check_int("n", n, 1, MAX_IMAGES)
    truncation = check_number("truncation", truncation, 0, 1, lo_open=True)
    seed = resolve_seed(check_seed("seed", seed))
    return Request(model, class_id, n, float(truncation), seed)


def parse_class(value, model: str = LAB, n_classes: int = 10) -> int:
    """A class index (int or digit string) or a class name ("three", "golden retriever")."""
    if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
        text = value.strip().lower()
        names = [n.split(" (", 1)[1].rstrip(")").lower() for n in class_names(model)]
        for i, name in enumerate(names):
            if text == name or text in [part.strip() for part in name.split(",")]:
                return i
        raise InputError("class", "custom", text_en=f"no class named {value!r}",
                         text_ru=f"нет класса с именем {value!r}")
    return check_int("class", value, 0, n_classes - 1)


def generate(req: Request, *, biggan_path: str | None = None) -> np.ndarray:
    """uint8 images (n, H, W, 3) for a checked request."""
    if req.model == LAB:
        gan = load_lab_gan()
        images = gan.sample(req.n, condition=req.class_id, seed=req.seed, truncation=req.truncation)
        return to_uint8_rgb(images.numpy())
    from genlab.families.gan.pretrained import generate_biggan, load_biggan

    return generate_biggan(load_biggan(biggan_path), req.class_id, req.n, req.truncation, req.seed)


def to_uint8_rgb(images: np.ndarray) -> np.ndarray:
    """(n, 1|3, H, W) floats in [0, 1] -> (n, H, W, 3) uint8."""
    x = np.clip(np.asarray(images) * 255 + 0.5, 0, 255).astype(np.uint8)
    if x.shape[1] == 1:
        x = np.repeat(x, 3, axis=1)
    return x.transpose(0, 2, 3, 1)


def grid(images: np.ndarray, cols: int = 4, *, scale: int = 1, pad: int = 2) -> np.ndarray:
    """Tile (n, H, W, 3) uint8 images into one (rows*H, cols*W, 3) image, white padding."""
    n, h, w, c = images.shape
    cols = min(cols, n)
    rows = -(-n // cols)
    out = np.full((rows * (h + pad) + pad, cols * (w + pad) + pad, c), 255, np.uint8)
    for i, im in enumerate(images):
        r, k = divmod(i, cols)
        out[pad + r * (h + pad):pad + r * (h + pad) + h, pad + k * (w + pad):pad + k * (w + pad) + w] = im
    if scale > 1:
        out = out.repeat(scale, axis=0).repeat(scale, axis=1)
    return out


def interpolate(mode: str = "seeds", *, class_a=0, class_b=1, seed_a=0, seed_b=1, steps: int = 8,
                truncation: float = 1.0) -> np.ndarray:
    """An interpolation strip from the lab GAN, (steps, 28, 28, 3) uint8.

    ``mode="seeds"``: class ``class_a`` fixed, z moves linearly from z(seed_a) to z(seed_b).
    ``mode="classes"``: z(seed_a) fixed, the class embedding moves from class_a to class_b.
    """
    import torch

    from genlab.families.gan.truncation import truncated_normal

    check_choice("mode", mode, ("seeds", "classes"))
    steps = check_int("steps", steps, 2, 16)
    truncation = check_number("truncation", truncation, 0, 1, lo_open=True)
    class_a, class_b = parse_class(class_a), parse_class(class_b)
    seed_a, seed_b = (resolve_seed(check_seed(n, s)) for n, s in (("seed_a", seed_a), ("seed_b", seed_b)))
    gan = load_lab_gan()
    z_a = truncated_normal((1, gan.z_dim), truncation, torch.Generator().manual_seed(seed_a))
    z_b = truncated_normal((1, gan.z_dim), truncation, torch.Generator().manual_seed(seed_b))
    w = torch.linspace(0, 1, steps)[:, None]                      # (steps, 1)
    e_a, e_b = (gan.generator.embed(torch.tensor([c])) for c in (class_a, class_b))
    if mode == "seeds":
        z, e = (1 - w) * z_a + w * z_b, e_a.expand(steps, -1)
    else:
        z, e = z_a.expand(steps, -1), (1 - w) * e_a + w * e_b
    gan.eval()
    with torch.no_grad():
        images = (gan.generator.synthesize(z, e) + 1) / 2
    return to_uint8_rgb(images.numpy())


def provenance(req: Request, kind: str = "image") -> dict:
    from genlab.provenance import record

    if req.model == LAB:
        name, revision = "genlab/gan-mnist", None
    else:
        from genlab.families.gan.pretrained import revision as library_revision

        name, revision = req.model, library_revision()
    return record(model=name, seed=req.seed, kind=kind, revision=revision,
                  params={"class": class_names(req.model)[req.class_id], "class_id": req.class_id,
                          "n": req.n, "truncation": req.truncation})
