"""Provenance on every file genlab writes: who made it, with what, and that it is AI-generated.

``record(...)`` builds the dictionary; ``save_image``, ``save_audio``, ``save_json`` and
``save_text`` write a file with the record in the format's own metadata; ``read_provenance(path)``
reads it back (``None`` for a file genlab did not make).
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

AI_LABEL = "AI-generated"
PROVENANCE_KEY = "genlab"


def record(*, model: str, seed: int | None, params: dict[str, Any] | None = None,
           revision: str | None = None, generator: str = "genlab", kind: str = "") -> dict:
    """The provenance record stored in every output."""
    from genlab import __version__

    return {
        "label": AI_LABEL,
        "generator": generator,
        "genlab_version": __version__,
        "kind": kind,
        "model": model,
        "revision": revision,
        "seed": seed,
        "params": dict(params or {}),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }


def a1111_parameters(rec: dict) -> str:
    """The widely read "parameters" text chunk (AUTOMATIC1111 convention)."""
    params = dict(rec.get("params", {}))
    prompt = str(params.pop("prompt", "") or params.pop("class", "") or "")
    negative = params.pop("negative_prompt", None)
    fields = {"Seed": rec.get("seed"), "Model": rec.get("model")}
    fields.update({k.replace("_", " ").capitalize(): v for k, v in params.items()})
    tail = ", ".join(f"{k}: {v}" for k, v in fields.items() if v is not None)
    lines = [prompt] + ([f"Negative prompt: {negative}"] if negative else []) + [tail, AI_LABEL]
    return "\n".join(lines)


def save_image(image, path: str | Path, rec: dict) -> Path:
    """Save a PIL image (or HxW[xC] uint8 array) as PNG with provenance text chunks."""
    import numpy as np
    from PIL import Image, PngImagePlugin

    if not isinstance(image, Image.Image):
        image = Image.fromarray(np.asarray(image))
    path = Path(path)
    info = PngImagePlugin.PngInfo()
    info.add_text(PROVENANCE_KEY, json.dumps(rec, ensure_ascii=False))
    info.add_text("parameters", a1111_parameters(rec))
    info.add_text("Software", f"genlab {rec.get('genlab_version', '')}".strip())
    info.add_text("Description", AI_LABEL)
    info.add_text("Source", str(rec.get("model", "")))
    image.save(path, format="PNG", pnginfo=info)
    return path


def save_audio(wave, sample_rate: int, path: str | Path, rec: dict) -> Path:
    """Save a (T,) or (T, C) float waveform as WAV or FLAC (by suffix) with provenance tags."""
    import numpy as np
    import soundfile as sf

    path = Path(path)
    data = np.asarray(wave, dtype=np.float32)
    channels = 1 if data.ndim == 1 else data.shape[1]
    fmt = "FLAC" if path.suffix.lower() == ".flac" else "WAV"
    with sf.SoundFile(path, "w", samplerate=int(sample_rate), channels=channels, format=fmt) as f:
        f.comment = json.dumps(rec, ensure_ascii=False)
        f.software = f"genlab {rec.get('genlab_version', '')}".strip()
        f.title = AI_LABEL
        f.write(data)
    return path


def save_json(obj: Any, path: str | Path, rec: dict) -> Path:
    path = Path(path)
    path.write_text(json.dumps({"provenance": rec, "data": obj}, ensure_ascii=False, indent=2))
    return path


def save_text(text: str, path: str | Path, rec: dict) -> Path:
    """Plain text with a one-line provenance header that says it is AI-generated."""
    path = Path(path)
    header = f"# {AI_LABEL} · {PROVENANCE_KEY}: {json.dumps(rec, ensure_ascii=False)}\n"
    path.write_text(header + text)
    return path


def read_provenance(path: str | Path) -> dict | None:
    """The provenance record stored in ``path`` by genlab, or ``None``."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".png":
            from PIL import Image

            with Image.open(path) as im:
                raw = im.text.get(PROVENANCE_KEY) if hasattr(im, "text") else None
            return json.loads(raw) if raw else None
        if suffix in (".wav", ".flac"):
            import soundfile as sf

            with sf.SoundFile(path) as f:
                raw = f.comment
            return json.loads(raw) if raw else None
        if suffix == ".json":
            data = json.loads(path.read_text())
            return data.get("provenance") if isinstance(data, dict) else None
        if suffix in (".txt", ".md"):
            first = path.read_text().split("\n", 1)[0]
            marker = f"{PROVENANCE_KEY}: "
            if first.startswith(f"# {AI_LABEL}") and marker in first:
                return json.loads(first.split(marker, 1)[1])
    except (OSError, ValueError, RuntimeError):
        return None
    return None


def verify_report(path: str | Path) -> dict:
    """What genlab can tell about a file's origin: its provenance metadata, if any."""
    rec = read_provenance(path)
    if rec is None:
        return {"file": str(path), "provenance": "no provenance found"}
    return {"file": str(path), "provenance": "genlab metadata found", "ai_generated": True,
            "record": rec}
