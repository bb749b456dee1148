"""The VAE tab's handlers (no UI), the widget, and the CLI, on a tiny model and on the shipped ones."""

import io

import numpy as np
import pytest
import soundfile as sf
import torch

from genlab.errors import InputError
from genlab.families.vae import pipeline
from genlab.families.vae.audio_vae import AudioVAE
from genlab.provenance import read_provenance


@pytest.fixture
def tiny_lab(tmp_path, monkeypatch):
    """A tiny random AudioVAE saved where the app looks for the shipped one."""
    torch.manual_seed(0)
    folder = tmp_path / "vae-speech"
    AudioVAE(channels=4, c_mults=[1, 2], strides=[4, 8], latent_dim=4).save_lab(folder)
    (folder / "clips").symlink_to(pipeline.CLIP_DIR)
    monkeypatch.setattr(pipeline, "ASSET_DIR", folder)
    pipeline._load_lab.cache_clear()
    yield folder
    pipeline._load_lab.cache_clear()


def write_wav(path, data, rate):
    sf.write(path, data, rate)
    return str(path)


def test_shipped_clips_exist_with_provenance():
    clips = pipeline.shipped_clips()
    assert len(clips) >= 4
    for clip in clips:
        rec = read_provenance(clip)
        assert rec["model"] == "espeak-ng" and rec["params"]["text"]
        assert clip.stat().st_size < 150_000


def test_reconstruct_upload_and_random_clip(tiny_lab, tmp_path):
    from genlab.app.tabs import vae as tab

    path = write_wav(tmp_path / "in.wav", 0.3 * np.sin(np.arange(44100) / 9.0), 44100)
    orig, recon, info, *figs = tab.reconstruct(path, "lab", 1.0, "mean", 3)
    o, sr = sf.read(orig)
    r, _ = sf.read(recon)
    assert sr == 16000 and len(o) == len(r) == 16000  # 1 s = 500 hops of 32
    assert read_provenance(recon)["kind"] == "audio-vae-reconstruction"
    assert "KL" in info and len(figs) == 3
    # no upload: a random shipped clip, reproducible by seed
    a = tab.reconstruct(None, "lab", 1.0, "sample", 5)
    b = tab.reconstruct(None, "lab", 1.0, "sample", 5)
    np.testing.assert_array_equal(sf.read(a[1])[0], sf.read(b[1])[0])
    assert "clip" in a[2]


def test_kl_reported_is_the_correct_one(tiny_lab):
    model = pipeline.load_audio_model("lab")
    result = pipeline.reconstruct(model, pipeline.shipped_clips()[0], seconds=1.0)
    mu, sigma = torch.from_numpy(result.mu), torch.from_numpy(result.sigma)
    ref = torch.distributions.kl_divergence(torch.distributions.Normal(mu, sigma), torch.distributions.Normal(0, 1))
    assert result.kl_per_dim == pytest.approx(ref.mean().item(), rel=1e-5)
    assert result.kl_lecture == pytest.approx(2 * ref.sum(0).mean().item(), rel=1e-5)


def test_prior_sample_and_interpolation(tiny_lab):
    from genlab.app.tabs import vae as tab

    path, info, wave_fig, heat_fig = tab.sample_prior("lab", 2.0, 11)
    data, sr = sf.read(path)
    assert sr == 16000 and len(data) == 32000 and np.abs(data).max() == pytest.approx(1.0, abs=1e-3)
    assert read_provenance(path)["seed"] == 11
    path2, _ = tab.interpolate(None, None, "lab", 1.0, 4, 0)
    data2, _ = sf.read(path2)
    assert len(data2) == 4 * (16000 + 4000)


@pytest.mark.parametrize("make,match", [
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: p.write_bytes(b"<html>not audio</html>" * 20), "not a readable"),
    (lambda p: sf.write(p, np.zeros((0, 1)), 16000), "zero length"),
    (lambda p: sf.write(p, np.zeros((800, 4)) + 0.1, 16000), "channels"),
    (lambda p: sf.write(p, np.zeros(800) + 0.1, 4000), "sample rate"),
])
def test_bad_uploads_are_input_errors(tiny_lab, tmp_path, make, match):
    from genlab.app.tabs import vae as tab

    bad = tmp_path / "bad.wav"
    make(bad)
    with pytest.raises(InputError, match=match):
        tab.reconstruct(str(bad), "lab", 1.0, "mean", 0)


def test_bad_controls_and_silence(tiny_lab, tmp_path):
    from genlab.app.tabs import vae as tab

    with pytest.raises(InputError, match="seconds"):
        tab.reconstruct(None, "lab", 20, "mean", 0)
    with pytest.raises(InputError, match="latent"):
        tab.reconstruct(None, "lab", 1.0, "median", 0)
    with pytest.raises(InputError, match="model"):
        tab.reconstruct(None, "nope", 1.0, "mean", 0)
    silent = write_wav(tmp_path / "silent.wav", np.zeros(16000), 16000)
    *_, info, _, _, _ = tab.reconstruct(silent, "lab", 1.0, "mean", 0)
    assert "silent" in info


def test_user_errors_wrapper_keeps_serving(tiny_lab, tmp_path):
    import gradio as gr

    from genlab.app.common import user_errors
    from genlab.app.tabs import vae as tab

    bad = tmp_path / "bad.ogg"
    bad.write_bytes(b"garbage")
    with pytest.raises(gr.Error):
        user_errors("ru")(tab.reconstruct)(str(bad), "lab", 1.0, "mean", 0)
    assert tab.sample_prior("lab", 1.0, 1)[0]  # the next call still works


def test_pretrained_missing_is_a_clear_error(monkeypatch):
    from genlab.app.tabs import vae as tab

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(InputError, match="EAR_VAE"):
        tab.sample_prior("earlab/EAR_VAE", 1.0, 1)


def test_digit_walk():
    from genlab.app.tabs import vae as tab

    digit, fig = tab.walk_digits(0.5, -1.0)
    assert digit.shape == (224, 224) and digit.dtype == np.uint8 and digit.std() > 10
    other, _ = tab.walk_digits(-2.5, 2.5)
    assert np.abs(digit.astype(int) - other).mean() > 5  # a different point draws a different digit
    with pytest.raises(InputError, match="z1"):
        tab.walk_digits(99, 0)


def test_widget_builds_and_buttons_work(tiny_lab):
    from genlab.widgets.vae_widget import vae

    box = vae()
    box.run_prior()
    assert any(type(c).__name__ == "Audio" for c in box.children[6].children)
    box.run_recon()
    assert any(type(c).__name__ == "Audio" for c in box.children[6].children)


def test_strings_have_the_same_keys():
    from genlab.app.tabs import vae as tab
    from genlab.widgets import vae_widget as widget

    for table in (tab.STRINGS, widget.STRINGS):
        assert set(table["en"]) == set(table["ru"])


def test_cli_sample_input_and_prior(tiny_lab, tmp_path):
    from typer.testing import CliRunner

    from genlab.cli import app

    clip = write_wav(tmp_path / "clip.wav", 0.2 * np.sin(np.arange(24000) / 5.0), 24000)
    runner = CliRunner()
    res = runner.invoke(app, ["sample", "vae", "--input", clip, "--seconds", "1", "--out", str(tmp_path / "r.wav")])
    assert res.exit_code == 0, res.output
    assert read_provenance(tmp_path / "r.wav")["kind"] == "audio-vae-reconstruction"
    res = runner.invoke(app, ["sample", "vae", "--prior", "--seconds", "2", "--seed", "4",
                              "--out", str(tmp_path / "z.wav")])
    assert res.exit_code == 0, res.output
    assert sf.info(tmp_path / "z.wav").duration == pytest.approx(2.0, abs=0.01)
    res = runner.invoke(app, ["sample", "vae", "--out", str(tmp_path / "x.wav")])
    assert res.exit_code == 2 and "--input" in res.output


def test_cli_train_small_models_and_bad_data(tmp_path):
    from typer.testing import CliRunner

    from genlab.cli import app
    from genlab.families.vae.image_vae import DigitVAE
    from genlab.families.vae.toy_vae import ToyVAE

    runner = CliRunner()
    res = runner.invoke(app, ["train", "vae", "--data", "moons", "--steps", "5", "--out", str(tmp_path / "t")])
    assert res.exit_code == 0, res.output
    assert ToyVAE.load_lab(tmp_path / "t").density == "bound"
    res = runner.invoke(app, ["train", "vae", "--data", "digits", "--steps", "2", "--out", str(tmp_path / "d")])
    assert res.exit_code == 0, res.output
    assert DigitVAE.load_lab(tmp_path / "d").latent_dim == 2
    res = runner.invoke(app, ["train", "vae", "--data", "nonsense", "--steps", "2", "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "--data" in res.output
