"""The CLI, the app tab's handlers and the widget, on the shipped lab models."""

import json

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from genlab.app.tabs.diffusion import STRINGS, generate, parse_steps
from genlab.assets import asset_path
from genlab.cli import app
from genlab.errors import InputError
from genlab.provenance import read_provenance

torch.set_num_threads(1)
HAVE_DIGITS = (asset_path("diffusion-mnist") / "model.safetensors").is_file()
needs_digits = pytest.mark.skipif(not HAVE_DIGITS, reason="diffusion-mnist weights not shipped")
runner = CliRunner()


def test_strings_have_the_same_keys_in_both_languages():
    assert STRINGS["en"].keys() == STRINGS["ru"].keys()


@needs_digits
def test_cli_sample_writes_a_png_with_provenance(tmp_path):
    out = tmp_path / "g.png"
    result = runner.invoke(app, ["sample", "diffusion", "--class", "7", "--scheduler", "deis",
                                 "--nfe", "5", "--guidance", "3", "-n", "4", "--seed", "0",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    rec = read_provenance(out)
    assert rec["params"]["class"] == 7 and rec["params"]["scheduler"] == "deis"
    assert rec["seed"] == 0 and rec["model"] == "genlab/diffusion-mnist"


def test_cli_sample_toy_and_bad_input(tmp_path):
    out = tmp_path / "t.png"
    ok = runner.invoke(app, ["sample", "diffusion", "--model", "toy2d", "--toy", "moons",
                             "--scheduler", "euler", "--nfe", "5", "-n", "50", "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    assert read_provenance(out)["params"]["class"] == "moons"
    bad = runner.invoke(app, ["sample", "diffusion", "--model", "toy2d", "--scheduler", "plms",
                              "--out", str(out)])
    assert bad.exit_code == 2 and "scheduler" in bad.output


@needs_digits
def test_tab_generates_digits_with_strip_and_provenance():
    calls = []
    files, strip, figure, notes = generate(
        "digits", "3", "moons", "", "", "1024x1024", 6, 3.0, 2, "deis", "trailing", 5,
        "1, 3, 6", False, "en", progress=lambda frac, desc="": calls.append(frac))
    assert len(files) == 2 and figure is None
    assert calls == pytest.approx([(i + 1) / 6 for i in range(6)])
    rec = read_provenance(strip)
    assert rec["params"]["strip_steps"] == [1, 3, 6]
    assert read_provenance(files[0])["params"]["class"] == 3
    assert "seed 5" in notes


def test_tab_shows_toy_trajectories():
    files, strip, figure, notes = generate(
        "toy2d", "none", "rings", "", "", "1024x1024", 5, 1.0, 1, "dpm++", "trailing", 0, "",
        False, "ru")
    assert files == [] and strip is None
    assert figure.axes[0].lines  # one line per particle path
    assert "Образцов" in notes


@pytest.mark.parametrize("values,param", [
    ({"nfe": 4}, "nfe"), ({"nfe": 81}, "nfe"), ({"guidance": 13}, "guidance"),
    ({"n_images": 5}, "n_images"), ({"scheduler": "plms"}, "scheduler"),
    ({"seed": 1.5}, "seed"), ({"strip_text": "0"}, "x_0 steps"), ({"strip_text": "a"}, "x_0 steps"),
    ({"backend": "sdxl", "prompt": ""}, "prompt")])
def test_tab_bad_input(values, param):
    args = dict(backend="toy2d", class_choice="none", toy="moons", prompt="", negative_prompt="",
                size="1024x1024", nfe=5, guidance=1.0, n_images=1, scheduler="deis",
                spacing="trailing", seed=0, strip_text="")
    args.update(values)
    if args["backend"] == "sdxl":
        args["spacing"] = "leading"
    with pytest.raises(InputError) as info:
        generate(**args)
    assert info.value.param == param


def test_parse_steps():
    assert parse_steps("", 10) is None
    assert parse_steps("10, 1,1", 10) == [0, 9]


def test_tab_renders_in_both_languages():
    import gradio as gr

    from genlab.app.tabs import diffusion

    for lang in ("en", "ru"):
        with gr.Blocks():
            diffusion.render(lang)


def test_widget_builds_and_generates():
    import ipywidgets as widgets

    from genlab.widgets.diffusion_widget import diffusion

    box = diffusion()
    backend = next(c for c in box.children if isinstance(c, widgets.Dropdown))
    backend.value = "toy2d"
    nfe = next(c for c in box.children if isinstance(c, widgets.IntSlider) and c.description == "NFE:")
    nfe.value = 5
    progress = next(c for c in box.children if isinstance(c, widgets.FloatProgress))
    button = next(c for c in box.children if isinstance(c, widgets.Button))
    button.click()
    assert progress.value == pytest.approx(1.0)


@needs_digits
def test_cli_eval_json():
    result = runner.invoke(app, ["eval", "diffusion", "--nfe", "5", "--n-per-class", "1",
                                 "--elbo-images", "2", "--elbo-timesteps", "5", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{"):])
    assert data["samples"] == 10 and 0 <= data["class_accuracy"] <= 1
    assert np.isfinite(data["frechet_distance_vs_heldout"])
    assert np.isfinite(data["elbo_bits_per_dim_heldout"])
