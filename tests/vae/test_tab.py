"""The VAE section's handlers (no UI), the widget, and the CLI, on a tiny model and on the shipped ones."""

import json

import numpy as np
import pytest
import soundfile as sf
import torch

from genlab.errors import InputError
from genlab.families.vae import pipeline
from genlab.families.vae.audio_vae import AudioVAE
from genlab.provenance import read_provenance
from genlab.sections import vae as handlers

SHIPPED = pipeline.lab_asset()


@pytest.fixture
def tiny_lab(tmp_path, monkeypatch):
    """A tiny random AudioVAE saved where the app looks for the shipped one."""
    torch.manual_seed(0)
    folder = tmp_path / "vae-speech"
    AudioVAE(channels=4, c_mults=[1, 2], strides=[4, 8], latent_dim=4).save_lab(folder)
    (folder / "clips").symlink_to(SHIPPED / "clips")
    monkeypatch.setattr(pipeline, "lab_asset", lambda: folder)
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
    path = write_wav(tmp_path / "in.wav", 0.3 * np.sin(np.arange(44100) / 9.0), 44100)
    orig, recon, info, *figs, notebook = handlers.reconstruct(path, "lab", 1.0, "mean", 3)
    o, sr = sf.read(orig)
    r, _ = sf.read(recon)
    assert sr == 16000 and len(o) == len(r) == 16000  # 1 s = 500 hops of 32
    assert read_provenance(recon)["kind"] == "audio-vae-reconstruction"
    assert "KL" in info and len(figs) == 3 and all(f is not None for f in figs)
    assert json.loads(open(notebook).read())["metadata"]["genlab"]["seed"] == 3
    # no upload: a random shipped clip, reproducible by seed
    a = handlers.reconstruct(None, "lab", 1.0, "sample", 5)
    b = handlers.reconstruct(None, "lab", 1.0, "sample", 5)
    np.testing.assert_array_equal(sf.read(a[1])[0], sf.read(b[1])[0])
    assert "clip" in a[2]
    assert read_provenance(a[1])["params"]["source"].startswith("clip")


def test_kl_reported_is_the_correct_one(tiny_lab):
    result = pipeline.reconstruct(pipeline.ReconstructionRequest(clip=pipeline.shipped_clips()[0].name, seconds=1.0))
    mu, sigma = torch.from_numpy(result.mu), torch.from_numpy(result.sigma)
    ref = torch.distributions.kl_divergence(torch.distributions.Normal(mu, sigma), torch.distributions.Normal(0, 1))
    assert result.kl_per_dim == pytest.approx(ref.mean().item(), rel=1e-5)
    assert result.kl_per_frame == pytest.approx(ref.sum(0).mean().item(), rel=1e-5)
    lecture = (mu ** 2 + sigma ** 2 - torch.log(sigma ** 2) - 1).sum(0).mean()  # the lecture's cell, no 0.5
    assert result.kl_lecture == pytest.approx(lecture.item(), rel=1e-5)


def test_prior_sample_and_interpolation(tiny_lab):
    orig, path, info, wave_fig, hist_fig, heat_fig, notebook = handlers.sample_prior("lab", 2.0, 11)
    data, sr = sf.read(path)
    assert sr == 16000 and len(data) == 32000 and np.abs(data).max() == pytest.approx(1.0, abs=1e-3)
    assert read_provenance(path)["seed"] == 11
    assert orig is None and hist_fig is None and wave_fig is not None and heat_fig is not None
    path2, fig, notebook2 = handlers.interpolate(None, None, "lab", 1.0, 4, 0)
    data2, _ = sf.read(path2)
    assert len(data2) == 4 * (16000 + 4000)
    rec = read_provenance(path2)
    assert rec["seed"] == 0 and rec["params"]["source_a"] != rec["params"]["source_b"]  # two clips, both recorded


def test_both_actions_own_the_same_outputs_and_set_or_clear_each(tiny_lab):
    """Issue 15: after a reconstruction, sampling the prior leaves nothing of the reconstruction."""
    recon = handlers.reconstruct(None, "lab", 1.0, "mean", 2)
    prior = handlers.sample_prior("lab", 1.0, 2)
    assert len(recon) == len(prior) == len(handlers.AUDIO_OUTPUTS)
    out = dict(zip(handlers.AUDIO_OUTPUTS, prior))
    assert out["original"] is None and out["histograms"] is None           # cleared
    assert out["output"] != recon[1] and out["notebook"] != recon[-1]       # new files
    assert "z ~ N(0, I)" in out["info"] and "KL" not in out["info"]
    # the waveform plot is titled for the prior sample, in the page's language, with one line
    assert out["waveforms"].axes[0].get_title() == "Waveform decoded from z ~ N(0, I) (first channel)"
    assert len(out["waveforms"].axes[0].lines) == 1
    ru = dict(zip(handlers.AUDIO_OUTPUTS, handlers.sample_prior("lab", 1.0, 2, "ru")))
    ax = ru["waveforms"].axes[0]
    assert ax.get_xlabel() == "время (с)" and ax.get_ylabel() == "амплитуда" and "z ~ N(0, I)" in ax.get_title()
    recon_ru = handlers.reconstruct(None, "lab", 1.0, "mean", 2, "ru")
    legend = [t.get_text() for t in recon_ru[3].axes[0].get_legend().get_texts()]
    assert legend == ["оригинал", "восстановление"]


@pytest.mark.parametrize("make,match", [
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: p.write_bytes(b"<html>not audio</html>" * 20), "not a readable"),
    (lambda p: sf.write(p, np.zeros((0, 1)), 16000), "zero length"),
    (lambda p: sf.write(p, np.zeros((800, 4)) + 0.1, 16000), "channels"),
    (lambda p: sf.write(p, np.zeros(800) + 0.1, 4000), "sample rate"),
])
def test_bad_uploads_are_input_errors(tiny_lab, tmp_path, make, match):
    bad = tmp_path / "bad.wav"
    make(bad)
    with pytest.raises(InputError, match=match) as info:
        handlers.reconstruct(str(bad), "lab", 1.0, "mean", 0)
    assert info.value.param == "clip"
    for lang in ("en", "ru"):
        assert "BytesIO" not in info.value.message(lang) and "0x" not in info.value.message(lang)


def test_bad_controls_and_silence(tiny_lab, tmp_path):
    with pytest.raises(InputError, match="seconds"):
        handlers.reconstruct(None, "lab", 20, "mean", 0)
    with pytest.raises(InputError, match="latent"):
        handlers.reconstruct(None, "lab", 1.0, "median", 0)
    with pytest.raises(InputError, match="model"):
        handlers.reconstruct(None, "nope", 1.0, "mean", 0)
    with pytest.raises(InputError, match="steps"):
        handlers.interpolate(None, None, "lab", 1.0, 99, 0)
    silent = write_wav(tmp_path / "silent.wav", np.zeros(16000), 16000)
    *_, info, _, _, _, _ = handlers.reconstruct(silent, "lab", 1.0, "mean", 0)
    assert "silent" in info


def test_errors_are_checked_before_any_model_is_loaded(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("loaded a model before checking the request")

    monkeypatch.setattr(pipeline, "load_audio_model", never)
    with pytest.raises(InputError, match="seconds"):
        pipeline.reconstruct(pipeline.ReconstructionRequest(seconds=0.1))
    with pytest.raises(InputError, match="seed"):
        pipeline.sample_prior(pipeline.PriorRequest(seed=2 ** 70))


def test_user_errors_wrapper_keeps_serving(tiny_lab, tmp_path):
    import gradio as gr

    from genlab.app.common import user_errors

    bad = tmp_path / "bad.ogg"
    bad.write_bytes(b"garbage")
    with pytest.raises(gr.Error):
        user_errors("ru")(handlers.reconstruct)(str(bad), "lab", 1.0, "mean", 0)
    assert handlers.sample_prior("lab", 1.0, 1)[1]  # the next call still works


def test_pretrained_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(InputError, match="EAR_VAE") as info:
        handlers.sample_prior("earlab/EAR_VAE", 1.0, 1)
    assert "кэше" in info.value.message("ru")


def test_digit_walk():
    import plotly.graph_objects as go

    fig, notebook = handlers.walk_digits(0.5, -1.0)
    result = pipeline.walk_digits(pipeline.DigitWalkRequest(z1=0.5, z2=-1.0))
    digit = result.image()
    assert digit.shape == (224, 224) and digit.dtype == np.uint8 and digit.std() > 10
    other = pipeline.walk_digits(pipeline.DigitWalkRequest(z1=-2.5, z2=2.5)).image()
    assert np.abs(digit.astype(int) - other).mean() > 5  # a different point draws a different digit
    assert notebook.endswith(".ipynb")
    # the web page's plotly dict: the decoded digit (rows upward), the map, ten classes, the point
    heat, grid, *classes, point = fig["data"]
    np.testing.assert_allclose(heat["z"][::-1], result.digit, atol=1e-6)
    assert grid["type"] == "image" and grid["source"].startswith("data:image/png;base64,")
    assert [c["name"] for c in classes] == [str(k) for k in range(10)]
    assert sum(len(c["x"]) for c in classes) == len(result.codes)
    assert (point["x"], point["y"]) == ([0.5], [-1.0])
    go.Figure(fig)  # full validation: every property is a real plotly property
    assert len(result.figure().axes) == 3  # the lecture's figure: digit, map and its colour bar
    with pytest.raises(InputError, match="z1"):
        handlers.walk_digits(99, 0)
    ru, _ = handlers.walk_digits(0.0, 0.0, "ru")
    assert ru["layout"]["annotations"][1]["text"].startswith("Карта латента")
    assert handlers.walk_digits(0.0, 0.0, "ru", figure="matplotlib")[0].axes[1].get_title().startswith("Карта латента")


def test_widget_builds_and_buttons_work(tiny_lab):
    from genlab.widgets.vae_widget import vae

    box = vae()
    box.run_prior()
    assert sum(type(c).__name__ == "Audio" for c in box.out.children) == 1
    box.run_recon()
    assert sum(type(c).__name__ == "Audio" for c in box.out.children) == 2
    assert box.walk_image.value


def test_cli_sample_input_and_prior(tiny_lab, tmp_path):
    from typer.testing import CliRunner

    from genlab.cli import app

    clip = write_wav(tmp_path / "clip.wav", 0.2 * np.sin(np.arange(24000) / 5.0), 24000)
    runner = CliRunner()
    res = runner.invoke(app, ["sample", "vae", "--input", clip, "--seconds", "1", "--out", str(tmp_path / "r.wav"),
                              "--notebook", str(tmp_path / "r.ipynb")])
    assert res.exit_code == 0, res.output
    assert read_provenance(tmp_path / "r.wav")["kind"] == "audio-vae-reconstruction"
    assert "ReconstructionRequest" in (tmp_path / "r.ipynb").read_text()
    res = runner.invoke(app, ["sample", "vae", "--prior", "--seconds", "2", "--seed", "4",
                              "--out", str(tmp_path / "z.wav")])
    assert res.exit_code == 0, res.output
    assert sf.info(tmp_path / "z.wav").duration == pytest.approx(2.0, abs=0.01)
    res = runner.invoke(app, ["sample", "vae", "--out", str(tmp_path / "x.wav")])
    assert res.exit_code == 2 and "--input" in res.output
    res = runner.invoke(app, ["sample", "vae", "--prior", "--seconds", "30", "--out", str(tmp_path / "x.wav")])
    assert res.exit_code == 2 and "--seconds" in res.output


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
