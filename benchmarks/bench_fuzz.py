"""Fuzz every parser of files a user hands genlab: no crash but a documented, clear InputError.

    python benchmarks/bench_fuzz.py [--per-target N] [--seed S] [--json]   (or: genlab bench fuzz)

Targets and what counts as a pass:

* audio uploads, ``genlab.audio.read_audio(bytes)``: random bytes; real WAV/FLAC/OGG files
  truncated anywhere, with bytes flipped, with header fields (sizes, channels, rate, bits) set to
  random or huge values, with many channels or long declared durations. Pass: a finite (C, T)
  array with C <= 2, T > 0 and a rate in range, or ``InputError``.
* model folders, ``LabModule.load_lab`` (a toy VAE), ``GaussianMixtureEM.from_pretrained``,
  ``load_text_model`` (a character LM), the diffusion pipeline's ``load_lab_model`` (a 2-D
  model) and the VAE pipeline's ``load_audio_model`` (an audio VAE): a valid saved folder with config.json or
  model.safetensors deleted, replaced by random bytes, invalid JSON, JSON of another type, values
  of wrong types or huge sizes, keys added or removed, safetensors headers with wrong lengths,
  dtypes, shapes or offsets, truncated weights. Pass: a model, or ``InputError``.
* data files, ``genlab.data.rows.open_rows`` and a few EM steps on the rows (``genlab train
  mixture --data``): small valid .csv/.npy/.parquet files of numbers (some near 1e300), with a
  CSV cell replaced by NaN, inf, 1e400 or text, or their bytes mutated. Pass: finite
  log-likelihoods, or ``InputError``.
* text files, ``genlab.data.text.read_text_file`` (``genlab eval autoregressive --data``): random
  bytes, UTF-8 text, mutated text. Pass: a string, or ``InputError``.
* provenance readers, ``read_provenance`` and ``verify_report``: genlab's own PNG (text chunks),
  WAV (tags), JSON and text outputs with their provenance fields replaced by random text, JSON of
  other types or nothing, and the files truncated or flipped. Pass: ``read_provenance`` gives a
  dict or None and ``verify_report`` a dict, never an exception.

Each input also has to finish within ``SECONDS_PER_INPUT``. Anything else is a crash: the script
lists them and exits 1. tests/server/test_fuzz_parsers.py runs a bounded version of the same.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import struct
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from genlab.errors import InputError  # noqa: E402

SECONDS_PER_INPUT = 10.0
HUGE = (2**31 - 1, 2**32 - 1, 2**63 - 1, 10**12, -1, 0, 65535)


def random_json_value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(9 if depth < 2 else 6)
    return [lambda: None, lambda: rng.choice([True, False]), lambda: rng.choice(HUGE),
            lambda: rng.uniform(-1e30, 1e30), lambda: rng.choice(["", "x" * rng.randrange(200), "☃", "NaN"]),
            lambda: rng.randrange(-5, 600), lambda: [random_json_value(rng, depth + 1) for _ in range(rng.randrange(4))],
            lambda: {str(rng.randrange(9)): random_json_value(rng, depth + 1) for _ in range(rng.randrange(4))},
            lambda: float("nan")][kind]()


def mutate_bytes(raw: bytes, rng: random.Random) -> bytes:
    """One of: truncate, flip bytes, overwrite a 4-byte field with a huge value, insert junk."""
    data = bytearray(raw)
    how = rng.randrange(4)
    if how == 0 or not data:
        return bytes(data[: rng.randrange(len(data) + 1)])
    if how == 1:
        for _ in range(rng.randrange(1, 16)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if how == 2:
        at = rng.randrange(min(len(data), 64))  # headers are at the start
        data[at:at + 4] = struct.pack("<I", rng.choice(HUGE) & 0xFFFFFFFF)
        return bytes(data)
    at = rng.randrange(len(data) + 1)
    return bytes(data[:at]) + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))) + bytes(data[at:])


# ------------------------------------------------------------------ audio

def audio_file(rng: random.Random) -> bytes:
    import soundfile as sf

    fmt = rng.choice(["WAV", "FLAC", "OGG"])
    rate = rng.choice([8000, 16000, 44100, 48000])
    channels = rng.choice([1, 1, 2, 3, 8]) if fmt != "OGG" else rng.choice([1, 2])
    frames = rng.randrange(0, 4000)
    buf = io.BytesIO()
    data = np.asarray(np.random.default_rng(rng.randrange(2**32)).uniform(-1, 1, (frames, channels)), np.float32)
    subtype = {"WAV": rng.choice(["PCM_16", "PCM_24", "FLOAT"]), "FLAC": "PCM_16", "OGG": "VORBIS"}[fmt]
    sf.write(buf, data, rate, format=fmt, subtype=subtype)
    return buf.getvalue()


def audio_inputs(rng: random.Random):
    while True:
        pick = rng.randrange(4)
        if pick == 0:
            yield "random bytes", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000)))
        elif pick == 1:
            yield "valid file", audio_file(rng)
        else:
            yield "mutated file", mutate_bytes(audio_file(rng), rng)


def check_audio(raw: bytes):
    from genlab import limits
    from genlab.audio import read_audio

    wave, rate = read_audio(raw, param="audio")
    assert wave.ndim == 2 and 1 <= wave.shape[0] <= limits.MAX_AUDIO_CHANNELS and wave.shape[1] > 0, wave.shape
    assert np.all(np.isfinite(wave)) and limits.AUDIO_RATE_HZ[0] <= rate <= limits.AUDIO_RATE_HZ[1]


# ------------------------------------------------------------------ model folders

def saved_models(root: Path) -> dict[str, Path]:
    """One small valid folder per loader: a toy VAE, a Gaussian mixture, a character LM, a 2-D
    diffusion model (``sample diffusion --model FOLDER``), an audio VAE (``sample vae --weights``)."""
    import torch

    from genlab.classic.gmm import GaussianMixtureEM
    from genlab.families.autoregressive.model import CharLM
    from genlab.families.diffusion.model import ToyDiffusion
    from genlab.families.vae.audio_vae import AudioVAE
    from genlab.families.vae.toy_vae import ToyVAE
    from genlab.prob import LECTURE_MIXTURE

    torch.manual_seed(0)
    folders = {kind: root / kind for kind in ("toy_vae", "mixture", "char_lm", "diffusion", "audio_vae")}
    ToyVAE().save_lab(folders["toy_vae"])
    GaussianMixtureEM.from_params(LECTURE_MIXTURE).save_pretrained(folders["mixture"])
    CharLM(vocab="abc \n", n_layer=1, n_head=1, n_embd=8, block_size=16).save_lab(folders["char_lm"])
    ToyDiffusion(hidden=16, depth=1, time_dim=8).save_lab(folders["diffusion"])
    AudioVAE(channels=2, c_mults=(1, 2), strides=(2, 4), latent_dim=4).save_lab(folders["audio_vae"])
    return folders


def load_model(kind: str, folder: Path):
    if kind == "toy_vae":
        from genlab.families.vae.toy_vae import ToyVAE

        return ToyVAE.load_lab(folder)
    if kind == "mixture":
        from genlab.classic.gmm import GaussianMixtureEM

        return GaussianMixtureEM.from_pretrained(folder)
    if kind == "diffusion":
        from genlab.families.diffusion.pipeline import load_lab_model

        load_lab_model.cache_clear()
        return load_lab_model(str(folder))
    if kind == "audio_vae":
        from genlab.families.vae.pipeline import _load_lab, load_audio_model

        _load_lab.cache_clear()
        return load_audio_model("lab", weights=folder)
    from genlab.families.autoregressive.pipeline import load_text_model

    load_text_model.cache_clear()
    return load_text_model(str(folder))


def safetensors_header(raw: bytes):
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + n]), raw[8 + n:]


def mutate_folder(folder: Path, rng: random.Random) -> str:
    config, weights = folder / "config.json", folder / "model.safetensors"
    how = rng.randrange(10)
    if how == 0:
        (config if rng.random() < 0.5 else weights).unlink()
        return "a file deleted"
    if how == 1:
        target = config if rng.random() < 0.5 else weights
        target.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(200))))
        return "a file of random bytes"
    if how == 2:
        config.write_text(config.read_text()[: rng.randrange(len(config.read_text()))] + rng.choice(["", "}", "{,"]))
        return "invalid JSON"
    if how == 3:
        config.write_text(json.dumps(random_json_value(rng)))
        return "JSON of another type"
    if how in (4, 5):
        data = json.loads(config.read_text())
        for _ in range(rng.randrange(1, 4)):
            key = rng.choice(sorted(data)) if data and rng.random() < 0.8 else "extra_key"
            if rng.random() < 0.15:
                data.pop(key, None)
            else:
                data[key] = random_json_value(rng)
        config.write_text(json.dumps(data))
        return "config values changed"
    if how == 6:
        weights.write_bytes(mutate_bytes(weights.read_bytes(), rng))
        return "weights bytes mutated"
    header, body = safetensors_header(weights.read_bytes())
    names = [k for k in header if k != "__metadata__"]
    if names:
        entry = header[rng.choice(names)]
        field = rng.choice(["dtype", "shape", "data_offsets"])
        entry[field] = rng.choice([random_json_value(rng), [rng.choice(HUGE)], [0, rng.choice(HUGE)],
                                   "F64", "I8", [10**6, 10**6]])
    encoded = json.dumps(header).encode()
    length = len(encoded) if rng.random() < 0.7 else rng.choice(HUGE) & (2**64 - 1)
    weights.write_bytes(struct.pack("<Q", length) + encoded + body)
    return "safetensors header changed"


# ------------------------------------------------------------------ provenance files

def provenance_files(root: Path) -> dict[str, Path]:
    from genlab.provenance import record, save_audio, save_image, save_json, save_text

    rec = record(model="fuzz", seed=1, params={"a": 1}, kind="fuzz")
    root.mkdir(parents=True, exist_ok=True)
    image = (np.random.default_rng(0).uniform(0, 255, (32, 32, 3))).astype(np.uint8)
    return {"png": save_image(image, root / "x.png", rec),
            "wav": save_audio(np.zeros(1600, np.float32) + 0.01, 16000, root / "x.wav", rec, watermark=False),
            "json": save_json({"v": 1}, root / "x.json", rec),
            "txt": save_text("hello", root / "x.txt", rec)}


def mutate_provenance(path: Path, rng: random.Random) -> str:
    """Replace the provenance field by random text or JSON, or mutate the file's bytes."""
    if rng.random() < 0.4:
        path.write_bytes(mutate_bytes(path.read_bytes(), rng))
        return "file bytes mutated"
    payload = rng.choice([json.dumps(random_json_value(rng)), "{", "", "☃" * 50,
                          json.dumps({"label": "AI-generated", "watermark": random_json_value(rng)})])
    suffix = path.suffix
    if suffix == ".png":
        from PIL import Image, PngImagePlugin

        info = PngImagePlugin.PngInfo()
        for key in rng.sample(["genlab", "parameters", "Description", "Software"], rng.randrange(1, 4)):
            info.add_text(key, payload)
        with Image.open(path) as im:
            im.load()
            im.save(path, format="PNG", pnginfo=info)
    elif suffix == ".wav":
        import soundfile as sf

        data, rate = sf.read(path)
        with sf.SoundFile(path, "w", samplerate=rate, channels=1, format="WAV") as f:
            f.comment = payload or " "  # libsndfile refuses an empty tag
            f.write(data)
    elif suffix == ".json":
        path.write_text(rng.choice([payload, json.dumps({"provenance": random_json_value(rng), "data": 1})]))
    else:
        path.write_text(f"# AI-generated · genlab: {payload}\nhello")
    return "provenance field replaced"


def check_provenance(path: Path):
    from genlab.provenance import read_provenance, verify_report

    rec = read_provenance(path)
    assert rec is None or isinstance(rec, dict), type(rec)
    report = verify_report(path)
    assert isinstance(report, dict) and isinstance(report.get("provenance"), str)
    json.dumps(report, default=str)


# ------------------------------------------------------------------ data and text files

def data_file(rng: random.Random, root: Path) -> Path:
    """A valid small data file of numbers (``genlab train mixture --data``): .csv, .npy or .parquet."""
    suffix = rng.choice([".csv", ".npy", ".parquet"])
    x = np.random.default_rng(rng.randrange(2**32)).normal(size=(rng.randrange(1, 120), rng.randrange(1, 4)))
    x *= rng.choice([1.0, 1e3, 1e150, 1e300])
    path = root / f"data{suffix}"
    if suffix == ".csv":
        header = "".join(f"c{j}," for j in range(x.shape[1]))[:-1] + "\n" if rng.random() < 0.5 else ""
        path.write_text(header + "\n".join(",".join(repr(v) for v in row) for row in x) + "\n")
    elif suffix == ".npy":
        with np.errstate(over="ignore", invalid="ignore"):  # 1e300 as float32 is inf: an input too
            np.save(path, x.astype(rng.choice([np.float64, np.float32, np.int64])))
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({f"c{j}": x[:, j] for j in range(x.shape[1])}), path,
                       row_group_size=rng.choice([7, 50, 1000]))
    return path


def mutate_data_file(path: Path, rng: random.Random) -> str:
    if path.suffix == ".csv" and rng.random() < 0.5:
        lines = path.read_text().splitlines()
        at = rng.randrange(len(lines))
        cells = lines[at].split(",")
        cells[rng.randrange(len(cells))] = rng.choice(["nan", "inf", "-inf", "1e400", "", "x", "1,2", "☃", "0x10"])
        lines[at] = ",".join(cells)
        path.write_text("\n".join(lines) + "\n")
        return "a CSV cell replaced"
    path.write_bytes(mutate_bytes(path.read_bytes(), rng))
    return "file bytes mutated"


def check_data_file(path: Path):
    """Open the rows as ``genlab train mixture --data`` does and run a few EM steps on them."""
    from genlab.classic.em import em_fit
    from genlab.data.rows import open_rows

    rows = open_rows(path, rank=0, world_size=1)
    for block in rows.blocks(64):
        assert block.ndim == 2 and block.shape[1] == rows.dim
    history = em_fit(rows, 2, n_iter=2, seed=0)
    assert np.all(np.isfinite(history.log_likelihood)), history.log_likelihood


def text_inputs(rng: random.Random):
    sample = "To be, or not to be: that is the question.\nБыть или не быть, вот в чём вопрос.\n".encode()
    while True:
        pick = rng.randrange(3)
        if pick == 0:
            yield "random bytes", bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300)))
        elif pick == 1:
            yield "valid text", sample * rng.randrange(1, 5)
        else:
            yield "mutated text", mutate_bytes(sample * 3, rng)


def check_text_file(path: Path):
    """Read the file as ``genlab eval autoregressive --data FILE`` does."""
    from genlab.data.text import read_text_file

    assert isinstance(read_text_file(path), str)


# ------------------------------------------------------------------ the run

def run(per_target: int = 200, seed: int = 0, log=print) -> dict:
    """Try ``per_target`` inputs on each target; the counts of accepted, refused and crashed."""
    rng = random.Random(seed)
    results = {}
    crashes = []
    work = Path(tempfile.mkdtemp(prefix="genlab-fuzz-"))
    try:
        def attempt(target, description, fn, *args):
            started = time.perf_counter()
            try:
                fn(*args)
                outcome = "accepted"
            except InputError as err:
                message = err.message("en")
                outcome = "refused" if message.strip() and "\n" not in message else "bad message"
                if outcome != "refused":
                    crashes.append((target, description, f"unclear message {message!r}"))
            except Exception as err:  # noqa: BLE001 - what the fuzz run is looking for
                outcome = "crashed"
                crashes.append((target, description, "".join(traceback.format_exception_only(err)).strip()[:300]))
            if time.perf_counter() - started > SECONDS_PER_INPUT and outcome != "crashed":
                outcome = "too slow"
                crashes.append((target, description, f"took {time.perf_counter() - started:.1f} s"))
            results.setdefault(target, Counter())[outcome] += 1

        def sweep(target, trials):
            """Try each ``(description, fn, *args)`` of ``trials`` on ``target``; log the counts."""
            started = time.perf_counter()
            for description, fn, *args in trials:
                attempt(target, description, fn, *args)
            log(f"{target}: {dict(results[target])} ({time.perf_counter() - started:.0f} s)")

        def in_folders(name, make, n=per_target):
            """``make(folder)`` -> (description, fn, *args) in a fresh folder each, removed after."""
            for i in range(n):
                trial = work / f"{name}-{i}"
                trial.mkdir()
                yield make(trial)
                shutil.rmtree(trial)

        def mutated_model(kind, folder):
            def make(trial):
                shutil.copytree(folder, trial, dirs_exist_ok=True)
                return mutate_folder(trial, rng), load_model, kind, trial
            return make

        def mutated_data(trial):
            path = data_file(rng, trial)
            description = mutate_data_file(path, rng) if rng.random() < 0.8 else "valid file"
            return f"{path.suffix}: {description}", check_data_file, path

        def text_files():
            for i, (description, raw) in zip(range(per_target), text_inputs(rng)):
                path = work / f"text-{i}.txt"
                path.write_bytes(raw)
                yield description, check_text_file, path

        def mutated_provenance(path):
            def make(trial):
                copy = Path(shutil.copy(path, trial))
                return mutate_provenance(copy, rng), check_provenance, copy
            return make

        sweep("audio upload", ((d, check_audio, raw) for _, (d, raw) in zip(range(per_target), audio_inputs(rng))))
        for kind, folder in saved_models(work / "valid").items():
            sweep(f"model folder ({kind})", in_folders(kind, mutated_model(kind, folder)))
        sweep("data file", in_folders("data", mutated_data))
        sweep("text file", text_files())
        for kind, path in provenance_files(work / "provenance").items():
            sweep(f"provenance ({kind})", in_folders(f"prov-{kind}", mutated_provenance(path)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"per_target": per_target, "seed": seed,
            "targets": {k: dict(v) for k, v in results.items()},
            "inputs": sum(sum(v.values()) for v in results.values()), "crashes": crashes}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-target", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    started = time.perf_counter()
    result = run(args.per_target, args.seed, log=(lambda *a: None) if args.json else print)
    result["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['inputs']} inputs in {result['seconds']} s; crashes: {len(result['crashes'])}")
        for crash in result["crashes"][:50]:
            print("  CRASH", *crash)
    return 1 if result["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
