"""The lecture's pretrained GAN: BigGAN-deep-256 through ``pytorch_pretrained_biggan``.

The lecture calls ``BigGAN.from_pretrained("biggan-deep-256")``, draws truncated noise with
``truncated_noise_sample`` and one-hot classes with ``one_hot_from_int``, and runs
``biggan(noise, class_vec, truncation)``. genlab keeps that path and works around the library's
defects without forking it:

* its download URLs (an S3 bucket) are dead, and ``from_pretrained`` would unpickle whatever it
  downloads: genlab loads only from a local folder (``config.json`` + ``model.safetensors`` or
  ``pytorch_model.bin``) or from the library's cache folder, with ``torch.load(weights_only=True)``;
* ``Generator.bn`` (a non-conditional ``BigGANBatchNorm``) creates its weight and bias with
  ``torch.Tensor(n)``, i.e. uninitialised memory, and ``from_pretrained`` loads with
  ``strict=False``: genlab sets them to 1 and 0 before loading and reports missing keys;
* ``BigGAN.forward`` asserts ``0 < truncation <= 1``: genlab checks it first and raises an
  ``InputError`` naming the parameter;
* ``convert_to_images`` needs ``PIL.Image`` imported: genlab converts tensors itself.

Truncation here is the library's (and the lecture's): z ~ truncnorm(-2, 2) * truncation, and the
same value picks the generator's batch-norm statistics.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

import numpy as np

from genlab.errors import InputError, check_int, check_number

MODEL_ID = "biggan-deep-256"
CLASSES_FILE = Path(__file__).resolve().parents[2] / "assets" / "gan-biggan-classes" / "imagenet_classes.txt"
NUM_CLASSES = 1000


@functools.lru_cache(maxsize=1)
def imagenet_class_names() -> tuple[str, ...]:
    """The 1,000 ImageNet class names in BigGAN's class order (index = class id)."""
    names = tuple(CLASSES_FILE.read_text(encoding="utf-8").splitlines())
    assert len(names) == NUM_CLASSES, CLASSES_FILE
    return names


def _library():
    try:
        import pytorch_pretrained_biggan as lib
    except ImportError as err:
        raise InputError("model", "biggan_needs_extra") from err
    return lib


def cache_dir() -> Path:
    """Where pytorch_pretrained_biggan caches downloads (PYTORCH_PRETRAINED_BIGGAN_CACHE)."""
    return Path(os.getenv("PYTORCH_PRETRAINED_BIGGAN_CACHE", Path.home() / ".pytorch_pretrained_biggan"))


def _cached(url: str, folder: Path) -> Path | None:
    """A file the library cached for ``url`` (named sha256(url)[.sha256(etag)]), if any."""
    stem = hashlib.sha256(url.encode("utf-8")).hexdigest()
    if not folder.is_dir():
        return None
    hits = sorted(p for p in folder.glob(stem + "*") if not p.name.endswith(".json"))
    return hits[0] if hits else None


def locate(name_or_path: str | None = None, *, cache: str | Path | None = None) -> tuple[Path, Path]:
    """(config.json, weights) for a local folder or a model name found in the cache; no network."""
    name_or_path = name_or_path or MODEL_ID
    folder = Path(name_or_path)
    if folder.is_dir():
        config = folder / "config.json"
        weights = next((folder / f for f in ("model.safetensors", "pytorch_model.bin")
                        if (folder / f).is_file()), None)
        if config.is_file() and weights is not None:
            return config, weights
        raise InputError("model", "biggan_folder_incomplete", folder=folder)
    from pytorch_pretrained_biggan.model import PRETRAINED_CONFIG_ARCHIVE_MAP, PRETRAINED_MODEL_ARCHIVE_MAP

    if name_or_path not in PRETRAINED_MODEL_ARCHIVE_MAP:
        raise InputError("model", "not_choice", value=repr(name_or_path),
                         choices=", ".join(PRETRAINED_MODEL_ARCHIVE_MAP) + ", or a local folder")
    where = Path(cache) if cache else cache_dir()
    config = _cached(PRETRAINED_CONFIG_ARCHIVE_MAP[name_or_path], where)
    weights = _cached(PRETRAINED_MODEL_ARCHIVE_MAP[name_or_path], where)
    if config is None or weights is None:
        raise InputError("model", "biggan_not_cached", name=name_or_path, folder=where)
    return config, weights


def build_biggan(config):
    """``BigGAN(config)`` with the final batch norm's uninitialised weight/bias set to 1/0."""
    import torch

    lib = _library()
    model = lib.BigGAN(config)
    with torch.no_grad():
        model.generator.bn.weight.fill_(1.0)
        model.generator.bn.bias.zero_()
    return model


def _fill_spectral_norm_v(model, missing: list[str]) -> list[str]:
    """Checkpoints from torch < 1.1 lack ``weight_v``: rebuild it from ``weight_u`` (v = W^T u / |W^T u|)."""
    import torch

    still = []
    modules = dict(model.named_modules())
    for key in missing:
        prefix, _, leaf = key.rpartition(".")
        module = modules.get(prefix)
        if leaf != "weight_v" or module is None:
            still.append(key)
            continue
        with torch.no_grad():
            w = module.weight_orig.reshape(module.weight_orig.shape[0], -1)
            v = w.t() @ module.weight_u
            module.weight_v.copy_(v / v.norm().clamp_min(1e-12))
    return still


@functools.lru_cache(maxsize=2)
def load_biggan(name_or_path: str | None = None, device: str | None = None):
    """BigGAN from a local folder or the library's cache, in eval mode (cached, read-only)."""
    import torch

    lib = _library()
    config_path, weights_path = locate(name_or_path)
    config = lib.BigGANConfig.from_json_file(str(config_path))
    model = build_biggan(config)
    if weights_path.suffix == ".safetensors":
        from safetensors.torch import load_file

        state = load_file(str(weights_path))
    else:
        state = torch.load(weights_path, map_location="cpu", weights_only=True)
    result = model.load_state_dict(state, strict=False)
    missing = _fill_spectral_norm_v(model, list(result.missing_keys))
    missing = [k for k in missing if k not in ("generator.bn.weight", "generator.bn.bias")]
    if missing or result.unexpected_keys:
        raise InputError("model", "biggan_weights_mismatch", path=weights_path, missing=missing[:5],
                         unexpected=list(result.unexpected_keys)[:5])
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    return model.to(device).eval()


def generate_biggan(model, class_id: int, n: int, truncation: float, seed: int) -> np.ndarray:
    """The lecture's ``generate_biggan``: (n, H, W, 3) uint8 images of ImageNet class ``class_id``."""
    import torch

    lib = _library()
    num_classes = model.config.num_classes
    class_id = check_int("class", class_id, 0, num_classes - 1)
    n = check_int("n", n, 1)
    truncation = check_number("truncation", truncation, 0, 1, lo_open=True)  # the library asserts
    noise = lib.truncated_noise_sample(truncation=truncation, batch_size=n, dim_z=model.config.z_dim,
                                       seed=int(seed) % 2**32)                 # (n, z_dim)
    class_vec = np.zeros((n, num_classes), np.float32)                        # one_hot_from_int
    class_vec[:, class_id] = 1.0
    device = next(model.parameters()).device
    with torch.inference_mode():
        out = model(torch.from_numpy(noise).to(device), torch.from_numpy(class_vec).to(device), truncation)
    x = ((out.clamp(-1, 1) + 1) / 2 * 255).round().to(torch.uint8)           # (n, 3, H, W)
    return x.permute(0, 2, 3, 1).cpu().numpy()


def revision() -> str:
    """What pins the pretrained weights: the library version (its archive names are fixed)."""
    try:
        from importlib.metadata import version

        return f"pytorch-pretrained-biggan=={version('pytorch-pretrained-biggan')}"
    except Exception:  # noqa: BLE001 - metadata is informative only
        return "pytorch-pretrained-biggan"
