"""Training checkpoints that a kill at any moment cannot tear.

A checkpoint folder holds ``training-<step>.safetensors`` (every tensor of the payload) and
``state.json`` (everything else, plus the name and SHA-256 of the weights file it belongs to).
Each file is written to a temporary name, flushed to disk and renamed into place; the state file
is written last and names its own weights file, so a run killed between the two writes still
has the previous checkpoint, whole. Older weights files are removed only after the new state
is in place. ``load_checkpoint`` refuses a folder whose parts disagree.

The payload is any nesting of dicts and lists of tensors, numbers, strings, booleans and None:
module and optimizer ``state_dict()``s, ``torch.Generator.get_state()``, a NumPy generator's
``bit_generator.state``, histories. Nothing is pickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from genlab.errors import InputError

STATE_FILE = "state.json"
FORMAT = "genlab-checkpoint/1"


class CheckpointError(InputError):
    """There is nothing to resume, or a checkpoint's parts disagree (codes ``checkpoint_*``)."""

    def __init__(self, folder: str | Path, code: str, param: str = "--resume", **details):
        super().__init__(param, code, folder=str(folder), **details)


# ----- atomic files -----------------------------------------------------------------------------

def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some file systems do not open directories; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


# ----- payload <-> (tensors, JSON skeleton) -------------------------------------------------------

def _split(obj: Any, prefix: str, tensors: dict) -> Any:
    """Replace every tensor in ``obj`` by ``{"__tensor__": key}`` and collect it in ``tensors``."""
    import torch

    if isinstance(obj, torch.Tensor):
        tensors[prefix] = obj.detach().to("cpu").clone().contiguous()
        return {"__tensor__": prefix}
    if isinstance(obj, dict):
        for key in obj:
            if not isinstance(key, (str, int)):
                raise TypeError(f"checkpoint keys must be str or int, got {type(key).__name__} at {prefix!r}")
        # int keys (optimizer states) are kept as such through a marker
        return {"__dict__": [[key, _split(value, f"{prefix}.{key}", tensors)] for key, value in obj.items()]}
    if isinstance(obj, (list, tuple)):
        items = [_split(value, f"{prefix}.{i}", tensors) for i, value in enumerate(obj)]
        return {"__tuple__": items} if isinstance(obj, tuple) else items
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    # NumPy scalars and arrays in RNG states and histories
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return _split(torch.from_numpy(np.ascontiguousarray(obj)), prefix, tensors)
    raise TypeError(f"cannot checkpoint a {type(obj).__name__} at {prefix!r}")


def _join(skeleton: Any, tensors: dict) -> Any:
    if isinstance(skeleton, dict):
        if "__tensor__" in skeleton:
            return tensors[skeleton["__tensor__"]]
        if "__tuple__" in skeleton:
            return tuple(_join(value, tensors) for value in skeleton["__tuple__"])
        return {key: _join(value, tensors) for key, value in skeleton["__dict__"]}
    if isinstance(skeleton, list):
        return [_join(value, tensors) for value in skeleton]
    return skeleton


# ----- checkpoints ---------------------------------------------------------------------------------

def save_checkpoint(folder: str | Path, payload: dict, *, step: int) -> Path:
    """Write ``payload`` as the checkpoint of ``step`` in ``folder``; returns the weights file."""
    from safetensors.torch import save

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tensors: dict = {}
    skeleton = _split(payload, "payload", tensors)
    data = save(tensors)
    weights = folder / f"training-{int(step)}.safetensors"
    atomic_write_bytes(weights, data)
    state = {"format": FORMAT, "step": int(step), "weights": weights.name,
             "sha256": hashlib.sha256(data).hexdigest(), "payload": skeleton}
    atomic_write_text(folder / STATE_FILE, json.dumps(state))
    for old in folder.glob("training-*.safetensors"):  # only now is the old checkpoint unneeded
        if old.name != weights.name:
            old.unlink(missing_ok=True)
    return weights


def has_checkpoint(folder: str | Path) -> bool:
    return (Path(folder) / STATE_FILE).is_file()


def load_checkpoint(folder: str | Path) -> dict:
    """The payload saved last in ``folder``, or ``CheckpointError`` if there is none or it is broken."""
    from safetensors.torch import load

    folder = Path(folder)
    state_path = folder / STATE_FILE
    if not state_path.is_file():
        raise CheckpointError(folder, "checkpoint_missing")
    try:
        state = json.loads(state_path.read_text("utf-8"))
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            raise ValueError("unknown format")
        weights = folder / state["weights"]
        if Path(state["weights"]).name != state["weights"]:
            raise ValueError("weights outside the folder")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise CheckpointError(folder, "checkpoint_invalid", file=STATE_FILE) from None
    if not weights.is_file():
        raise CheckpointError(folder, "checkpoint_no_weights", file=weights.name)
    data = weights.read_bytes()
    if hashlib.sha256(data).hexdigest() != state["sha256"]:
        raise CheckpointError(folder, "checkpoint_mismatch", file=weights.name, state=STATE_FILE)
    return _join(state["payload"], load(data))
