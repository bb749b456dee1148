"""`genlab sample|eval diffusion` on the shipped lab models: the options are DiffusionRequest's, the
request is checked before any model loads, every PNG carries its provenance and the watermark."""

import json

import numpy as np
import pytest
import torch
from PIL import Image
from typer.testing import CliRunner

from genlab.assets import asset_path
from genlab.cli import app
from genlab.families.diffusion import pipeline
from genlab.families.diffusion.pipeline import DiffusionRequest
from genlab.provenance import read_provenance, verify_report

torch.set_num_threads(1)
HAVE_DIGITS = (asset_path("diffusion-mnist") / "model.safetensors").is_file()
needs_digits = pytest.mark.skipif(not HAVE_DIGITS, reason="diffusion-mnist weights not shipped")
runner = CliRunner()


@needs_digits
def test_cli_sample_writes_a_png_with_provenance_and_a_notebook(tmp_path):
    out, notebook = tmp_path / "g.png", tmp_path / "g.ipynb"
    result = runner.invoke(app, ["sample", "diffusion", "--class", "7", "--scheduler", "deis",
                                 "--nfe", "5", "--guidance", "3", "-n", "4", "--seed", "0",
                                 "--out", str(out), "--notebook", str(notebook)])
    assert result.exit_code == 0, result.output
    rec = read_provenance(out)
    assert rec["params"]["digit"] == "7" and rec["params"]["scheduler"] == "deis" and rec["params"]["n"] == 4
    assert rec["seed"] == 0 and rec["model"] == "genlab/diffusion-mnist"
    assert "prompt" not in rec["params"]  # only what the digits model reads
    assert "DiffusionRequest(" in notebook.read_text() and "nfe=5" in notebook.read_text()


@needs_digits
@pytest.mark.parametrize("n", ["1", "16"])
def test_every_saved_grid_carries_the_watermark(tmp_path, n):
    """Issue 15: one digit (64 px) and 16 digits (244 px) were below the mark's 256 x 256 minimum."""
    out = tmp_path / "g.png"
    result = runner.invoke(app, ["sample", "diffusion", "-n", n, "--nfe", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    width, height = Image.open(out).size
    assert width * height >= 256 * 256
    assert read_provenance(out)["watermark"]["embedded"]
    assert verify_report(out)["watermark"]["detected"]


def test_cli_sample_toy_draws_the_number_of_particles_asked(tmp_path):
    out = tmp_path / "t.png"
    ok = runner.invoke(app, ["sample", "diffusion", "--model", "toy2d", "--toy", "moons",
                             "--scheduler", "euler", "--nfe", "5", "-n", "50", "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    rec = read_provenance(out)
    assert rec["params"]["toy"] == "moons" and rec["params"]["n"] == 50
    assert rec["model"] == "genlab/diffusion-toy2d" and rec["watermark"]["embedded"]


@needs_digits
def test_cli_sample_all_digits_as_npy_in_class_order_with_provenance(tmp_path):
    """Issue 13: the samples themselves for a user's own analysis, n of each digit in class order."""
    from genlab.metrics.digits import classify

    out = tmp_path / "d.npy"
    result = runner.invoke(app, ["sample", "diffusion", "--class", "all", "-n", "2", "--nfe", "5",
                                 "--guidance", "3", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    x = np.load(out, allow_pickle=False)
    assert x.shape == (20, 28, 28) and x.dtype == np.float32 and 0 <= x.min() <= x.max() <= 1
    expected = pipeline.generate(DiffusionRequest(digit="all", n=2, nfe=5, guidance=3.0, seed=1)).samples
    np.testing.assert_array_equal(x, expected[:, 0])
    assert (classify(x[:, None]) == np.repeat(np.arange(10), 2)).mean() >= 0.8  # class order
    rec = read_provenance(out)
    assert rec["params"]["digit"] == "all" and rec["params"]["n"] == 2 and rec["seed"] == 1
    assert rec["array"]["shape"] == [20, 28, 28] and rec["label"] == "AI-generated"


def test_cli_sample_toy_points_as_npy(tmp_path):
    out = tmp_path / "t.npy"
    ok = runner.invoke(app, ["sample", "diffusion", "--model", "toy2d", "--nfe", "5", "-n", "30",
                             "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    assert np.load(out).shape == (30, 2) and read_provenance(out)["model"] == "genlab/diffusion-toy2d"


def test_sdxl_samples_are_not_written_as_npy(tmp_path):
    result = runner.invoke(app, ["sample", "diffusion", "--model", "sdxl", "--out", str(tmp_path / "x.npy")])
    assert result.exit_code == 2 and result.output.startswith("error: --out") and ".png" in result.output


@pytest.mark.parametrize("args, flag", [
    (["--scheduler", "foo"], "--scheduler"), (["--nfe", "1001"], "--nfe"), (["-n", "0"], "-n"),
    (["--model", "sdxl", "--nfe", "81"], "--nfe"), (["--model", "sdxl", "-n", "5"], "-n"),
    (["--model", "sdxl", "--size", "big"], "--size"), (["--model", "sdxl", "--prompt", " "], "--prompt"),
    (["--class", "eleven"], "--class"), (["--model", "toy2d", "--toy", "swiss"], "--toy"),
])
def test_a_bad_request_is_refused_before_any_model_loads(tmp_path, monkeypatch, args, flag):
    """Issue 15: ``--scheduler foo`` loaded the model for 7 s, then refused inside a progress bar."""
    from genlab.families.diffusion import pretrained

    def never(*args, **kwargs):
        raise AssertionError("a model was loaded for a request that is refused")

    monkeypatch.setattr(pipeline, "load_lab_model", never)
    monkeypatch.setattr(pretrained, "load_sdxl", never)
    result = runner.invoke(app, ["sample", "diffusion", *args, "--out", str(tmp_path / "x.png")])
    assert result.exit_code == 2, result.output
    assert flag in result.output and "Traceback" not in result.output
    assert "it/s" not in result.output and "%|" not in result.output  # no progress bar was drawn


@pytest.mark.parametrize("name", ["x.jpg", "x.JPEG", "x"])
def test_an_output_that_is_not_png_is_refused_before_any_model_loads(tmp_path, monkeypatch, name):
    """Issue 15: ``--out x.jpg`` wrote PNG bytes under a .jpg name."""
    monkeypatch.setattr(pipeline, "load_lab_model", lambda *a, **k: pytest.fail("a model was loaded"))
    result = runner.invoke(app, ["sample", "diffusion", "--nfe", "2", "--out", str(tmp_path / name)])
    assert result.exit_code == 2, result.output
    assert "--out" in result.output and ".png" in result.output and "Traceback" not in result.output
    assert not (tmp_path / name).exists()


def test_sdxl_without_its_weights_says_so_before_loading(tmp_path):
    result = runner.invoke(app, ["sample", "diffusion", "--model", "sdxl", "--out", str(tmp_path / "x.png")])
    assert result.exit_code == 2
    assert "not in the local Hugging Face cache" in result.output and "--allow-downloads" in result.output


@needs_digits
def test_cli_eval_json():
    result = runner.invoke(app, ["eval", "diffusion", "--nfe", "5", "--n-per-class", "2",
                                 "--elbo-images", "2", "--elbo-timesteps", "5", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{"):])
    assert data["samples"] == 20 and 0 <= data["class_accuracy"] <= 1
    assert np.isfinite(data["frechet_distance_vs_heldout"]) and data["frechet_se"] > 0
    assert np.isfinite(data["kid_vs_heldout"]) and data["kid_se"] > 0
    # nats per image, a bound on an 8-bit image's probability: negative; bits/dim its NLL view
    assert data["elbo_nats_per_image"] < 0 < data["nll_bits_per_dim_heldout"]
    assert data["elbo_nats_per_image_se"] > 0 and "5 importance-sampled" in data["elbo_note"]
