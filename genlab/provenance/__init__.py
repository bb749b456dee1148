"""Provenance on every file genlab writes: who made it, with what, and that it is AI-generated.

``record(...)`` builds the dictionary; ``save_image``, ``save_audio``, ``save_json`` and
``save_text`` write a file with the record in the format's own metadata, ``save_array`` a NumPy
``.npy`` file (raw samples) with the record in a sidecar ``FILE.npy.json`` that names the array's
SHA-256; ``read_provenance(path)``
reads it back (``None`` for a file genlab did not make); ``verify_report(path)`` (the CLI's
``genlab verify FILE``) reports the metadata and the invisible watermark, with its conclusion as a
typed ``Verdict`` (and a ``Mismatch`` when the parts disagree) that the views put into words.

Two layers, because metadata is easy to strip (any re-encoding or screenshot drops it):

* metadata: PNG text chunks (``genlab`` JSON, the AUTOMATIC1111 ``parameters`` chunk that image
  tools read, ``Software``, ``Description`` = "AI-generated"); WAV/FLAC tags (comment = JSON,
  title = "AI-generated", software); a JSON wrapper; a header line in text files;
* a watermark in the content itself: images of at least 256 x 256 pixels get the
  ``invisible-watermark`` DWT-DCT mark that SDXL pipelines use (``image_watermark``), audio a
  keyed spread-spectrum mark (``audio_watermark``). Survival and false positives are measured in
  ``benchmarks/bench_watermark.py``.

Optionally (``sign=True``, needs the ``c2pa`` extra) a signed C2PA manifest with a locally
generated key (``c2pa_manifest``), which ``verify_report`` validates.
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
from pathlib import Path
from typing import Any

AI_LABEL = "AI-generated"
PROVENANCE_KEY = "genlab"


class Verdict(enum.StrEnum):
    """What ``verify_report`` concludes about a file's origin (its ``provenance`` field).

    A typed value: views translate it by ``code`` (``verdict_<code>`` in the locale files); its
    value is the report's stable JSON text.
    """

    METADATA = "genlab metadata found"
    C2PA = "genlab C2PA manifest found"
    WATERMARK_ONLY = "genlab watermark found (metadata missing)"
    SDXL = "SDXL watermark found (not made by genlab)"
    NONE = "no provenance found"

    @property
    def code(self) -> str:
        return self.name.lower()

    @property
    def ai_generated(self) -> bool:
        return self is not Verdict.NONE


class Mismatch(enum.StrEnum):
    """Parts of a file's provenance that disagree (the report's ``warning`` field); views
    translate it by ``code`` (``mismatch_<code>``)."""

    WATERMARK_GONE = ("the metadata says a watermark was embedded but it is not found: "
                      "the content was changed after genlab wrote it")

    @property
    def code(self) -> str:
        return self.name.lower()


NO_PROVENANCE = Verdict.NONE
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif")
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")
ARRAY_SUFFIXES = (".npy",)                # raw samples; the record in a sidecar FILE.npy.json
IMAGE_SAVE_SUFFIXES = (".png",)          # the formats that carry the provenance text chunks
AUDIO_SAVE_SUFFIXES = (".wav", ".flac")  # the formats that carry the provenance tags


def writable_path(path: str | Path, suffixes: tuple[str, ...] = (), *, param: str = "out") -> Path:
    """``path`` checked before anything is computed or written: not a folder, in a folder that
    exists, ending in one of ``suffixes`` (when given); else ``InputError`` naming ``param``."""
    from genlab.errors import InputError

    path = Path(path)
    if path.is_dir():
        raise InputError(param, "out_is_folder", path=str(path))
    if not path.parent.is_dir():
        raise InputError(param, "out_no_folder", folder=str(path.parent))
    if suffixes and path.suffix.lower() not in suffixes:
        raise InputError(param, "bad_suffix", suffixes=", ".join(suffixes))
    return path


def record(*, model: str, seed: int | None, params: dict[str, Any] | None = None,
           revision: str | None = None, generator: str = "genlab", kind: str = "",
           request: str | None = None) -> dict:
    """The provenance record stored in every output.

    ``request`` is the qualified name of the typed request the output was made from
    (``genlab.params.Request``), so the output can be rebuilt from its record.
    """
    from genlab import __version__

    rec = {
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
    if request:
        rec["request"] = request
    return rec


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


def _image_array(image):
    """(array (H, W, C) uint8, PIL mode) for a PIL image or an (H, W[, C]) array."""
    import numpy as np
    from PIL import Image

    if isinstance(image, Image.Image):
        if image.mode not in ("L", "RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        return np.asarray(image)
    arr = np.asarray(image)
    if arr.dtype == bool:
        arr = arr.astype(np.uint8) * 255
    elif np.issubdtype(arr.dtype, np.integer) and arr.size and 0 <= arr.min() and arr.max() <= 255:
        arr = arr.astype(np.uint8)
    if arr.dtype != np.uint8:
        raise ValueError("image: expected uint8 pixels (0..255); convert before saving")
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[..., 0]
    return arr


RANGE_MARGINS = (0, 12, 24)      # levels of headroom tried in turn; see watermark_image


def watermark_image(arr):
    """Embed the image mark when the image is large enough and check it reads back.

    Returns ``(array, report)``: a grayscale image comes back as RGB, because the mark lives in
    the chroma channel that a grayscale file would drop; alpha is kept. The mark is a small
    change of chroma, which is clipped away where pixels sit at pure white or black (a plot on
    a white page, say); when it does not read back, the image's range is compressed to
    [m, 255 - m] for the first margin m in ``RANGE_MARGINS`` that makes it read back (a slight
    loss of contrast that the record states).
    """
    import numpy as np

    from genlab.provenance import image_watermark as iw

    h, w = arr.shape[:2]
    if not iw.large_enough(h, w):
        return arr, {"method": iw.METHOD, "embedded": False,
                     "reason": f"image below {iw.MIN_PIXELS} pixels (256 x 256)"}
    rgb = np.repeat(arr[..., None], 3, axis=2) if arr.ndim == 2 else arr[..., :3]
    for margin in RANGE_MARGINS:
        squeezed = rgb if margin == 0 else \
            np.round(margin + rgb.astype(np.float64) * (255 - 2 * margin) / 255).astype(np.uint8)
        marked = iw.embed(np.ascontiguousarray(squeezed))
        ok = iw.detect(marked)["detected"]
        if ok:
            break
    if arr.ndim == 3 and arr.shape[2] == 4:
        marked = np.concatenate([marked, arr[..., 3:]], axis=2)
    report = {"method": iw.METHOD, "embedded": bool(ok), "message": iw.MESSAGE.decode()}
    if ok and margin:
        report["range_compressed_to"] = [margin, 255 - margin]
    if not ok:
        report["reason"] = "mark did not read back after embedding"
        marked = arr
    return marked, report


def save_image(image, path: str | Path, rec: dict, *, watermark: bool = True,
               sign: bool = False) -> Path:
    """Save a PIL image (or HxW[xC] uint8 array) as PNG with provenance text chunks.

    Images of at least 256 x 256 pixels also get the invisible watermark (``watermark=False``
    turns it off; the record then says so). ``sign=True`` adds a signed C2PA manifest.
    """
    from PIL import Image, PngImagePlugin

    path = writable_path(path, IMAGE_SAVE_SUFFIXES)
    arr = _image_array(image)
    if watermark:
        arr, mark = watermark_image(arr)
    else:
        mark = {"embedded": False, "reason": "turned off by the caller"}
    rec = {**rec, "watermark": mark}
    info = PngImagePlugin.PngInfo()
    info.add_text(PROVENANCE_KEY, json.dumps(rec, ensure_ascii=False))
    info.add_text("parameters", a1111_parameters(rec))
    info.add_text("Software", f"genlab {rec.get('genlab_version', '')}".strip())
    info.add_text("Description", AI_LABEL)
    info.add_text("Source", str(rec.get("model", "")))
    Image.fromarray(arr).save(path, format="PNG", pnginfo=info)
    if sign:
        from genlab.provenance import c2pa_manifest

        c2pa_manifest.sign(path, rec)
    return path


def save_audio(wave, sample_rate: int, path: str | Path, rec: dict, *,
               watermark: bool = True, sign: bool = False) -> Path:
    """Save a (T,) or (T, C) float waveform as WAV or FLAC (by suffix) with provenance tags.

    The keyed spread-spectrum mark is added unless ``watermark=False``; ``sign=True`` adds a
    signed C2PA manifest (WAV only).
    """
    import numpy as np
    import soundfile as sf

    from genlab.provenance import audio_watermark as aw

    path = writable_path(path, AUDIO_SAVE_SUFFIXES)
    data = np.asarray(wave, dtype=np.float32)
    if watermark and data.size:
        data = aw.embed(data)
        found = aw.detect(data, sample_rate)
        mark = {"method": "spread-spectrum", "embedded": bool(found["detected"]),
                "strength_db": aw.STRENGTH_DB, "z_score": found["z_score"]}
    else:
        mark = {"embedded": False, "reason": "turned off by the caller" if not watermark else "empty"}
    rec = {**rec, "watermark": mark}
    channels = 1 if data.ndim == 1 else data.shape[1]
    fmt = "FLAC" if path.suffix.lower() == ".flac" else "WAV"
    with sf.SoundFile(path, "w", samplerate=int(sample_rate), channels=channels, format=fmt) as f:
        f.comment = json.dumps(rec, ensure_ascii=False)
        f.software = f"genlab {rec.get('genlab_version', '')}".strip()
        f.title = AI_LABEL
        f.write(data)
    if sign:
        from genlab.provenance import c2pa_manifest

        c2pa_manifest.sign(path, rec)
    return path


def save_json(obj: Any, path: str | Path, rec: dict) -> Path:
    path = writable_path(path)
    path.write_text(json.dumps({"provenance": rec, "data": obj}, ensure_ascii=False, indent=2))
    return path


def sidecar_path(path: str | Path) -> Path:
    """Where ``save_array`` keeps the record of ``path``: ``FILE.npy`` -> ``FILE.npy.json``."""
    path = Path(path)
    return path.with_name(path.name + ".json")


def save_array(array, path: str | Path, rec: dict) -> Path:
    """``array`` as a ``.npy`` file (no pickled objects) and its record in ``sidecar_path(path)``,
    with the array's shape, dtype and the file's SHA-256 (a .npy file has no metadata of its own;
    the hash tells ``read_provenance`` whether the array is still the one genlab wrote)."""
    import hashlib
    import io

    import numpy as np

    path = writable_path(path)
    arr = np.ascontiguousarray(array)
    buffer = io.BytesIO()
    np.save(buffer, arr, allow_pickle=False)
    data = buffer.getvalue()
    path.write_bytes(data)
    rec = {**rec, "array": {"file": path.name, "shape": list(arr.shape), "dtype": str(arr.dtype),
                            "sha256": hashlib.sha256(data).hexdigest()}}
    save_json(None, sidecar_path(path), rec)
    return path


def _array_record(path: Path) -> dict | None:
    """The sidecar's record of a ``.npy`` file, if the array still has the SHA-256 it names."""
    import hashlib

    sidecar = sidecar_path(path)
    if not sidecar.is_file():
        return None
    data = json.loads(sidecar.read_text())
    rec = data.get("provenance") if isinstance(data, dict) else None
    if not isinstance(rec, dict):
        return None
    expected = (rec.get("array") or {}).get("sha256")
    return rec if expected == hashlib.sha256(path.read_bytes()).hexdigest() else None


def save_text(text: str, path: str | Path, rec: dict) -> Path:
    """Plain text with a one-line provenance header that says it is AI-generated."""
    path = writable_path(path)
    header = f"# {AI_LABEL} · {PROVENANCE_KEY}: {json.dumps(rec, ensure_ascii=False)}\n"
    path.write_text(header + text)
    return path


def _image_metadata(path: Path) -> dict:
    from PIL import Image

    with Image.open(path) as im:
        text = dict(getattr(im, "text", {}) or {})
        info = {k: v for k, v in im.info.items() if isinstance(v, str)}
    return {**info, **text}


def read_provenance(path: str | Path) -> dict | None:
    """The provenance record stored in ``path`` by genlab (a dict), or ``None`` for a file genlab
    did not make, or whose record is unreadable or not a record."""
    try:
        rec = _stored_record(Path(path))
    except (OSError, ValueError, RuntimeError, UnicodeDecodeError, RecursionError):
        return None
    return rec if isinstance(rec, dict) else None


def _stored_record(path: Path):
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        raw = _image_metadata(path).get(PROVENANCE_KEY)
        return json.loads(raw) if raw else None
    if suffix in AUDIO_SUFFIXES:
        import soundfile as sf

        with sf.SoundFile(path) as f:
            raw = f.comment
        rec = json.loads(raw) if raw else None
        return rec if isinstance(rec, dict) and rec.get("label") == AI_LABEL else None
    if suffix in ARRAY_SUFFIXES:
        return _array_record(path)
    if suffix == ".json":
        data = json.loads(path.read_text())
        return data.get("provenance") if isinstance(data, dict) else None
    if suffix in (".txt", ".md"):
        first = path.read_text().split("\n", 1)[0]
        marker = f"{PROVENANCE_KEY}: "
        if first.startswith(f"# {AI_LABEL}") and marker in first:
            return json.loads(first.split(marker, 1)[1])
    return None


def _image_watermark(path: Path) -> dict:
    import numpy as np
    from PIL import Image

    from genlab.provenance import image_watermark as iw

    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB"))
    return iw.detect(rgb)


def _audio_watermark(path: Path) -> dict:
    import soundfile as sf

    from genlab.provenance import audio_watermark as aw

    wave, sr = sf.read(path, dtype="float32", always_2d=False)
    return aw.detect(wave, sr)


def check_watermark(path: str | Path) -> dict:
    """The watermark report for an image or audio file (``checked`` False for other kinds)."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in IMAGE_SUFFIXES:
            return _image_watermark(path)
        if suffix in AUDIO_SUFFIXES:
            return _audio_watermark(path)
    except (OSError, ValueError, RuntimeError) as err:
        return {"checked": False, "detected": False, "note": f"cannot read the file: {err}"}
    return {"checked": False, "detected": False, "note": "no watermark for this kind of file"}


def verify_report(path: str | Path) -> dict:
    """What genlab can tell about a file's origin: its provenance metadata and watermark.

    ``provenance`` is a ``Verdict`` (its JSON text: "genlab metadata found", "genlab C2PA manifest
    found", "genlab watermark found (metadata missing)", "SDXL watermark found (not made by
    genlab)" or "no provenance found"); ``warning``, when present, a ``Mismatch``. ``c2pa`` is the
    signed manifest's validation where c2pa-python is installed (this machine's genlab CA counts
    as trusted).
    """
    from genlab.provenance import c2pa_manifest

    path = Path(path)
    rec = read_provenance(path)
    mark = check_watermark(path)
    signed = c2pa_manifest.read_manifest(path, trust_local_ca=True)
    report: dict[str, Any] = {"file": str(path)}
    if rec is not None:
        report["provenance"] = Verdict.METADATA
    elif signed.get("record"):
        report["provenance"] = Verdict.C2PA
    elif mark.get("detected"):
        report["provenance"] = Verdict.WATERMARK_ONLY
    elif mark.get("sdxl_detected"):
        report["provenance"] = Verdict.SDXL
    else:
        report["provenance"] = Verdict.NONE
    report["ai_generated"] = report["provenance"].ai_generated
    report["record"] = rec if rec is not None else signed.get("record")
    report["watermark"] = mark
    report["c2pa"] = signed
    stated = rec.get("watermark") if rec is not None else None
    if isinstance(stated, dict) and stated.get("embedded") and not mark.get("detected"):
        report["warning"] = Mismatch.WATERMARK_GONE
    if path.suffix.lower() in IMAGE_SUFFIXES and rec is None:
        try:
            other = _image_metadata(path).get("parameters")
        except OSError:
            other = None
        if other:
            report["other_metadata"] = {"parameters": other}
    return report
