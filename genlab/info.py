"""Facts for ``genlab info``: versions, device, lab and pretrained models."""

from __future__ import annotations

import importlib.metadata
import platform

from genlab import __version__
from genlab.assets import available_lab_models
from genlab.registry import FAMILIES, cli_module

PACKAGES = ("torch", "numpy", "scipy", "scikit-learn", "transformers", "diffusers", "gradio",
            "huggingface_hub", "pytorch-pretrained-biggan")


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def device() -> str:
    try:
        import torch
    except ImportError:
        return "cpu (torch not installed)"
    if torch.cuda.is_available():
        return f"cuda ({torch.cuda.get_device_name(0)})"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps"
    return f"cpu ({torch.get_num_threads()} threads)"


def pretrained_available(model_id: str) -> bool:
    """Whether a pretrained model's files are in the local Hugging Face cache (no network)."""
    try:
        from huggingface_hub import scan_cache_dir

        return model_id in {repo.repo_id for repo in scan_cache_dir().repos}
    except Exception:  # noqa: BLE001 - no cache directory yet
        return False


def pretrained_status(model_id: str) -> str:
    """Whether a pretrained model's files are on this machine, in words (no network)."""
    if pretrained_available(model_id):
        return "in local cache"
    return "not cached (needs a model hub or a local folder)"


def collect() -> dict:
    return {
        "genlab": __version__,
        "python": platform.python_version(),
        "device": device(),
        "packages": {p: _version(p) for p in PACKAGES},
        "lab_models": available_lab_models(),
        "families": {
            name: {"taxonomy": fam.taxonomy, "built": cli_module(name) is not None,
                   "pretrained": {m: pretrained_status(m) for m in fam.pretrained}}
            for name, fam in FAMILIES.items()
        },
    }
