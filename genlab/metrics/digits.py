"""A small CNN that recognises 28x28 digits, trained and shipped by genlab to score generators.

Generated digits are judged the way FID judges images, with a network genlab trained itself on
the MNIST digits of ``genlab.data.digits`` (train split only; the held-out split measures it):

* ``classify(images)``: the predicted digit of each image (class accuracy of a conditional model);
* ``features(images)``: the 128-d penultimate activations, for ``frechet_distance(a, b)``.

Images are float arrays or tensors (N, 1, 28, 28) with values in [0, 1] (``signed=True`` for
[-1, 1]). The shipped weights are in ``genlab/assets/digits-classifier`` and are made by

    python -m genlab.metrics.digits --out genlab/assets/digits-classifier --epochs 12 --seed 0
"""

from __future__ import annotations

import functools
import time
from pathlib import Path

import numpy as np

from genlab.metrics.frechet import frechet_distance

ASSET = Path(__file__).resolve().parent.parent / "assets" / "digits-classifier"
FEATURE_DIM = 128

__all__ = ["DigitsClassifier", "load_digits_classifier", "classify", "features", "class_accuracy",
           "frechet_distance", "train_digits_classifier"]


def _model_class():
    import torch
    from torch import nn

    from genlab.core import LabModule

    class DigitsClassifier(LabModule):
        """conv(16) conv(16) pool conv(32) conv(32) pool -> fc 128 (features) -> fc 10."""

        density = "none"  # a discriminative model: p(y|x), not p(x)

        def __init__(self, width: int = 16, feature_dim: int = FEATURE_DIM, n_classes: int = 10):
            super().__init__()
            w = width

            def block(c_in, c_out):
                return [nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU()]

            self.body = nn.Sequential(*block(1, w), *block(w, w), nn.MaxPool2d(2),         # (B, w, 14, 14)
                                      *block(w, 2 * w), *block(2 * w, 2 * w), nn.MaxPool2d(2),  # (B, 2w, 7, 7)
                                      nn.Flatten(), nn.Linear(2 * w * 49, feature_dim), nn.ReLU())
            self.dropout = nn.Dropout(0.3)
            self.head = nn.Linear(feature_dim, n_classes)

        def features(self, x: torch.Tensor) -> torch.Tensor:
            return self.body(x)  # (B, feature_dim)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(self.dropout(self.features(x)))  # (B, n_classes) logits

    return DigitsClassifier


def __getattr__(name):  # torch is imported only when the classifier is used
    if name == "DigitsClassifier":
        cls = _model_class()
        globals()["DigitsClassifier"] = cls
        return cls
    raise AttributeError(name)


@functools.lru_cache(maxsize=2)
def load_digits_classifier(path: str | None = None):
    """The shipped classifier (read-only, cached), in eval mode on the CPU."""
    import contextlib
    import io

    folder = Path(path) if path else ASSET
    with contextlib.redirect_stdout(io.StringIO()):  # huggingface_hub prints "Loading weights ..."
        return __getattr__("DigitsClassifier").load_lab(folder)


def _as_batch(images, signed: bool):
    import torch

    from genlab.errors import InputError

    x = torch.as_tensor(np.asarray(images.detach().cpu() if hasattr(images, "detach") else images),
                        dtype=torch.float32)
    if x.ndim == 3:
        x = x[:, None]
    if x.ndim != 4 or tuple(x.shape[1:]) != (1, 28, 28):
        raise InputError("images", "bad_shape", expected="(N, 1, 28, 28)", got=str(tuple(x.shape)))
    return (x + 1) / 2 if signed else x


def _run(images, signed, fn, batch_size=500):
    import torch

    model = load_digits_classifier()
    x = _as_batch(images, signed)
    with torch.inference_mode():
        return torch.cat([fn(model, x[i:i + batch_size]) for i in range(0, len(x), batch_size)]).numpy()


def probabilities(images, *, signed: bool = False) -> np.ndarray:
    """Class probabilities (N, 10)."""
    return _run(images, signed, lambda m, x: m(x).softmax(-1))


def classify(images, *, signed: bool = False) -> np.ndarray:
    """The predicted digit of each image, int64 (N,)."""
    return probabilities(images, signed=signed).argmax(-1).astype(np.int64)


def features(images, *, signed: bool = False) -> np.ndarray:
    """Penultimate-layer features (N, 128) float64, the space the Frechet distance is taken in."""
    return _run(images, signed, lambda m, x: m.features(x)).astype(np.float64)


def class_accuracy(images, labels, *, signed: bool = False) -> float:
    """Fraction of images that the classifier assigns to their intended label."""
    labels = np.asarray(labels).reshape(-1)
    return float(np.mean(classify(images, signed=signed) == labels))


def augment(x, generator):
    """Random small rotations, shifts and scalings (B, 1, 28, 28), as handwriting varies."""
    import torch
    import torch.nn.functional as F

    b = x.shape[0]
    angle = (torch.rand(b, generator=generator) - 0.5) * 2 * np.deg2rad(12)
    scale = 1 + (torch.rand(b, generator=generator) - 0.5) * 0.2
    shift = (torch.rand(b, 2, generator=generator) - 0.5) * 2 * (2.5 / 14)  # up to 2.5 pixels
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1),
                         torch.stack([sin, cos, shift[:, 1]], 1)], 1)  # (B, 2, 3)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")


def train_digits_classifier(*, epochs: int = 12, seed: int = 0, batch_size: int = 64, lr: float = 2e-3,
                            n_train: int | None = None, log=print):
    """Train on the MNIST train split (or ``n_train`` of it) with augmentation; return (model,
    held-out accuracy, seconds)."""
    import torch
    import torch.nn.functional as F

    from genlab.data.digits import load_mnist

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    x_train, y_train = (torch.from_numpy(a) for a in load_mnist("train"))
    if n_train is not None:  # a random subset (quick tests)
        keep = torch.randperm(len(x_train), generator=gen)[:n_train]
        x_train, y_train = x_train[keep], y_train[keep]
    x_held, y_held = load_mnist("heldout")
    model = __getattr__("DigitsClassifier")()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    steps = epochs * (len(x_train) // batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    start = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x_train), generator=gen)
        for i in range(len(x_train) // batch_size):
            idx = order[i * batch_size:(i + 1) * batch_size]
            loss = F.cross_entropy(model(augment(x_train[idx], gen)), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        model.eval()
        with torch.inference_mode():
            acc = float((model(torch.from_numpy(x_held)).argmax(-1).numpy() == y_held).mean())
        log(f"epoch {epoch + 1}/{epochs}  loss {loss.item():.3f}  held-out accuracy {acc:.4f}")
    return model, acc, time.perf_counter() - start


def main(argv=None):
    import argparse
    import json

    import torch

    parser = argparse.ArgumentParser(description="Train genlab's digits classifier (for GAN/diffusion metrics).")
    parser.add_argument("--out", default=str(ASSET))
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    model, acc, seconds = train_digits_classifier(epochs=args.epochs, seed=args.seed)
    model.save_lab(args.out, dtype=torch.float16)
    reloaded = __getattr__("DigitsClassifier").load_lab(args.out)
    from genlab.data.digits import load_mnist

    x_held, y_held = load_mnist("heldout")
    with torch.inference_mode():
        acc16 = float((reloaded(torch.from_numpy(x_held)).argmax(-1).numpy() == y_held).mean())
    summary = {"heldout_accuracy_fp32": acc, "heldout_accuracy_fp16_reloaded": acc16,
               "train_seconds": round(seconds, 1), "epochs": args.epochs, "seed": args.seed,
               "threads": args.threads}
    (Path(args.out) / "metrics.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
