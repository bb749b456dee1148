"""Provenance: metadata that other tools read, watermarks that read back, and honest 'no
provenance found' for files genlab did not make."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
from PIL import Image
from sklearn.datasets import load_sample_image
from typer.testing import CliRunner

from genlab import provenance as prov
from genlab.provenance import audio_watermark as aw
from genlab.provenance import image_watermark as iw


@pytest.fixture(scope="module")
def photo():
    """A real photograph genlab did not make (scikit-learn's sample image), cropped to 320x320."""
    return load_sample_image("china.jpg")[:320, :320].copy()


@pytest.fixture(scope="module")
def speech():
    """Two seconds of a speech-like signal: a glottal pulse train through formant resonances."""
    from scipy.signal import lfilter

    sr = 16000
    rng = np.random.default_rng(0)
    t = np.arange(2 * sr)
    f0 = 120 + 20 * np.sin(2 * np.pi * 0.7 * t / sr)
    pulses = (np.diff(np.floor(np.cumsum(f0 / sr)), prepend=0) > 0).astype(float)
    x = pulses + 0.02 * rng.standard_normal(len(t))
    for f, bw in ((700, 110), (1200, 120), (2500, 200)):
        r = np.exp(-np.pi * bw / sr)
        x = lfilter([1.0], [1.0, -2 * r * np.cos(2 * np.pi * f / sr), r * r], x)
    syllables = 0.5 * (1 + np.sin(2 * np.pi * 3 * t / sr))
    x = x * syllables
    return (0.3 * x / np.abs(x).max()).astype(np.float32), sr


def rec(**params):
    return prov.record(model="lab-test", seed=7, params={"prompt": "a cat", "steps": 10, **params},
                       revision="r1", kind="test")


def test_png_chunks_readable_by_pil(tmp_path, photo):
    path = prov.save_image(photo, tmp_path / "x.png", rec())
    with Image.open(path) as im:
        text = dict(im.text)
    assert "parameters" in text
    assert text["parameters"].startswith("a cat\n")
    assert "Seed: 7" in text["parameters"] and "Steps: 10" in text["parameters"]
    assert text["Description"] == prov.AI_LABEL
    stored = json.loads(text["genlab"])
    assert stored["seed"] == 7 and stored["params"]["steps"] == 10
    assert stored["watermark"]["embedded"] is True


def test_image_watermark_round_trip_and_invisible(photo):
    marked = iw.embed(photo)
    assert iw.detect(marked)["detected"]
    assert iw.detect(marked)["matching_bits"] == iw.N_BITS
    assert not iw.detect(photo)["detected"]
    psnr = 10 * np.log10(255 ** 2 / np.mean((marked.astype(float) - photo) ** 2))
    assert psnr > 35          # invisible: the change is well below what the eye sees


def test_image_watermark_survives_an_ordinary_jpeg_save(tmp_path, photo):
    """Pillow's default JPEG settings (4:2:0 chroma) at quality 80: the mark stays readable."""
    Image.fromarray(iw.embed(photo)).save(tmp_path / "x.jpg", quality=80)
    with Image.open(tmp_path / "x.jpg") as im:
        assert iw.detect(np.asarray(im.convert("RGB")))["detected"]


def test_sdxl_mark_is_recognised_with_sdxl_method(photo):
    """An image marked the way diffusers' StableDiffusionXLWatermarker marks it."""
    from imwatermark import WatermarkEncoder

    encoder = WatermarkEncoder()
    encoder.set_watermark("bits", iw.SDXL_BITS)
    sdxl = encoder.encode(np.ascontiguousarray(photo[..., ::-1]), "dwtDct")[..., ::-1]
    report = iw.detect(np.clip(sdxl, 0, 255).astype(np.uint8))
    assert report["sdxl_detected"] and not report["detected"]
    assert not iw.detect(photo)["sdxl_detected"]


def test_grayscale_image_keeps_its_mark(tmp_path):
    gray = (np.add.outer(np.arange(300), np.arange(300)) % 256).astype(np.uint8)
    path = prov.save_image(gray, tmp_path / "g.png", rec())
    report = prov.verify_report(path)
    assert report["watermark"]["detected"]


def test_small_image_has_metadata_but_no_mark(tmp_path):
    small = np.zeros((28, 28), np.uint8)
    path = prov.save_image(small, tmp_path / "s.png", rec())
    report = prov.verify_report(path)
    assert report["provenance"] == "genlab metadata found"
    assert report["record"]["watermark"]["embedded"] is False
    assert report["watermark"]["checked"] is False


def test_watermark_alone_identifies_a_stripped_image(tmp_path, photo):
    path = prov.save_image(photo, tmp_path / "x.png", rec())
    with Image.open(path) as im:
        im.convert("RGB").save(tmp_path / "stripped.png")          # metadata dropped
    report = prov.verify_report(tmp_path / "stripped.png")
    assert report["record"] is None
    assert report["provenance"] == "genlab watermark found (metadata missing)"


def test_foreign_files_have_no_provenance(tmp_path, photo, speech):
    Image.fromarray(photo).save(tmp_path / "photo.png")
    Image.fromarray(photo).save(tmp_path / "photo.jpg", quality=90)
    sf.write(tmp_path / "voice.wav", speech[0], speech[1])
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "data.json").write_text('{"a": 1}')
    for name in ("photo.png", "photo.jpg", "voice.wav", "notes.txt", "data.json"):
        report = prov.verify_report(tmp_path / name)
        assert report["provenance"] == prov.NO_PROVENANCE, name
        assert report["ai_generated"] is False


def test_audio_tags_readable_by_soundfile(tmp_path, speech):
    wave, sr = speech
    for suffix in (".wav", ".flac"):
        path = prov.save_audio(wave, sr, tmp_path / f"a{suffix}", rec())
        with sf.SoundFile(path) as f:
            assert f.title == prov.AI_LABEL
            stored = json.loads(f.comment)
            assert f.samplerate == sr
        assert stored["seed"] == 7 and stored["watermark"]["embedded"] is True
        report = prov.verify_report(path)
        assert report["provenance"] == "genlab metadata found"
        assert report["watermark"]["detected"]


def test_audio_watermark_survives_crop_gain_noise_and_16_bit(speech):
    wave, sr = speech
    marked = aw.embed(wave)
    snr = 10 * np.log10(np.sum(wave.astype(float) ** 2) / np.sum((marked - wave.astype(float)) ** 2))
    assert snr > 25
    rng = np.random.default_rng(1)
    attacked = {
        "crop": marked[3001:3001 + sr],
        "gain": 0.5 * marked,
        "noise": marked + 0.003 * rng.standard_normal(len(marked)),
        "int16": np.round(marked * 32767) / 32767,
    }
    for name, x in attacked.items():
        assert aw.detect(x, sr)["detected"], name
    assert not aw.detect(wave, sr)["detected"]
    assert not aw.detect(marked, sr, key="another key")["detected"]


def test_audio_detector_null_distribution_matches_the_threshold():
    # On unmarked noise the z-score's maximum over 4096 shifts stays below 6 (P ~ 4e-6 each).
    rng = np.random.default_rng(2)
    scores = [aw.score(rng.standard_normal(16000))[0] for _ in range(40)]
    assert max(scores) < aw.THRESHOLD
    assert 3.0 < np.median(scores) < 5.0      # the max of 4096 N(0,1) is about 3.5-4.5


def test_json_and_text_round_trip(tmp_path):
    r = rec()
    assert prov.read_provenance(prov.save_json({"x": 1}, tmp_path / "a.json", r)) == r
    assert prov.read_provenance(prov.save_text("to be", tmp_path / "a.txt", r)) == r
    assert prov.verify_report(tmp_path / "a.txt")["watermark"]["checked"] is False


def test_binomial_bound_matches_scipy():
    from scipy.stats import binom

    assert iw.false_positive_bound() == pytest.approx(binom.sf(iw.MIN_MATCHING_BITS - 1, 48, 0.5))


def test_cli_verify_prints_a_one_line_verdict_then_the_json(tmp_path, photo):
    from genlab.cli import app

    path = prov.save_image(photo, tmp_path / "x.png", rec())
    Image.fromarray(photo).save(tmp_path / "foreign.png")
    runner = CliRunner()
    ours = runner.invoke(app, ["verify", str(path)])
    assert ours.exit_code == 0
    verdict, report = ours.stdout.split("\n", 1)
    assert verdict.startswith("✅ genlab made this file") and "watermark is present" in verdict
    assert json.loads(report)["watermark"]["detected"] is True
    foreign = runner.invoke(app, ["verify", str(tmp_path / "foreign.png"), "--lang", "ru"])
    verdict, report = foreign.stdout.split("\n", 1)
    assert verdict.startswith("❌ Происхождение не найдено")
    assert json.loads(report)["provenance"] == "no provenance found"
    assert runner.invoke(app, ["verify", str(path), "--lang", "de"]).exit_code == 2


def test_the_verdict_is_a_typed_value_with_a_stable_json_text(tmp_path, photo):
    path = prov.save_image(photo, tmp_path / "x.png", rec())
    report = prov.verify_report(path)
    assert report["provenance"] is prov.Verdict.METADATA and report["provenance"].code == "metadata"
    assert json.loads(json.dumps(report))["provenance"] == "genlab metadata found"
    assert {v.code for v in prov.Verdict} == {"metadata", "c2pa", "watermark_only", "sdxl", "none"}
    assert not prov.Verdict.NONE.ai_generated and prov.Verdict.SDXL.ai_generated
    marked = np.asarray(Image.open(path).convert("RGB")).copy()
    marked[::2] = 255 - marked[::2]                        # the content changed; the metadata kept
    with Image.open(path) as im:
        info = {k: v for k, v in im.text.items()}
    from PIL import PngImagePlugin

    png = PngImagePlugin.PngInfo()
    for k, v in info.items():
        png.add_text(k, v)
    Image.fromarray(marked).save(tmp_path / "changed.png", pnginfo=png)
    changed = prov.verify_report(tmp_path / "changed.png")
    assert changed["provenance"] is prov.Verdict.METADATA and changed["warning"] is prov.Mismatch.WATERMARK_GONE


c2pa_needed = pytest.mark.skipif(not __import__("genlab.provenance.c2pa_manifest",
                                                fromlist=["available"]).available(),
                                 reason="the c2pa extra (c2pa-python, cryptography) is not installed")


@c2pa_needed
def test_c2pa_manifest_signed_validated_and_tamper_evident(tmp_path, monkeypatch, photo):
    from genlab.provenance import c2pa_manifest

    monkeypatch.setenv("GENLAB_C2PA_DIR", str(tmp_path / "creds"))
    r = rec()
    path = prov.save_image(photo, tmp_path / "signed.png", r, sign=True)
    assert (tmp_path / "creds" / "signer_key.pem").stat().st_mode & 0o777 == 0o600
    plain = c2pa_manifest.read_manifest(path)                       # signature only
    assert plain["validation_state"] == "Valid" and plain["ai_generated"]
    assert plain["record"]["seed"] == 7
    report = prov.verify_report(path)                                # trusts the local CA
    assert report["c2pa"]["validation_state"] == "Trusted"
    assert report["watermark"]["detected"] and report["provenance"] == "genlab metadata found"
    # change one pixel's bytes inside the image data: the hash binding must fail
    data = bytearray(path.read_bytes())
    idat = data.index(b"IDAT")
    data[idat + 200] ^= 0xFF
    (tmp_path / "tampered.png").write_bytes(bytes(data))
    tampered = c2pa_manifest.read_manifest(tmp_path / "tampered.png")
    assert tampered["validation_state"] == "Invalid"
    # a foreign file has no manifest
    Image.fromarray(photo).save(tmp_path / "foreign.png")
    assert c2pa_manifest.read_manifest(tmp_path / "foreign.png")["found"] is False


@c2pa_needed
def test_c2pa_signed_wav(tmp_path, monkeypatch, speech):
    from genlab.provenance import c2pa_manifest

    monkeypatch.setenv("GENLAB_C2PA_DIR", str(tmp_path / "creds"))
    path = prov.save_audio(speech[0], speech[1], tmp_path / "a.wav", rec(), sign=True)
    assert c2pa_manifest.read_manifest(path)["validation_state"] == "Valid"
    report = prov.verify_report(path)
    assert report["provenance"] == "genlab metadata found" and report["watermark"]["detected"]
