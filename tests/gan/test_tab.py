"""The GAN tab's handlers (no UI) and the widget, on a tiny model standing in for the shipped one."""

import numpy as np
import pytest

from genlab.errors import InputError
from genlab.families.gan import pipeline
from genlab.provenance import read_provenance


def test_generate_writes_a_png_with_provenance(tiny_lab):
    from PIL import Image

    from genlab.sections import gan as tab

    path, info, notebook = tab.generate("lab", 3, 5, 0.5, 11, lang="en")
    rec = read_provenance(path)
    assert rec["seed"] == 11 and rec["params"]["class_id"] == 3 and rec["params"]["n"] == 5
    assert "3 (three)" in info and "seed 11" in info
    assert read_provenance(path)["request"] == "genlab.families.gan.pipeline.GanRequest"
    assert "GanRequest(" in open(notebook).read()
    again, _, _ = tab.generate("lab", 3, 5, 0.5, 11, lang="ru")
    np.testing.assert_array_equal(np.asarray(Image.open(path)), np.asarray(Image.open(again)))
    _, random_info, _ = tab.generate("lab", 3, 1, 1.0, -1, lang="en")
    assert "seed -1" not in random_info
    every, every_info, _ = tab.generate("lab", 3, 2, 0.5, 11, True, lang="ru")  # n of every digit
    assert read_provenance(every)["params"]["all_classes"] is True and "0–9" in every_info
    with pytest.raises(InputError, match="all_classes"):
        tab.generate("biggan-deep-256", 207, 1, 0.4, 0, True)


@pytest.mark.parametrize("args, param", [
    (("lab", 10, 4, 1.0, 0), "class"), (("lab", 1, 17, 1.0, 0), "n"), (("lab", 1, 0, 1.0, 0), "n"),
    (("lab", 1, 4, 0.0, 0), "truncation"), (("lab", 1, 4, 1.01, 0), "truncation"), (("lab", 1, 4, 1.0, 2.5), "seed"),
])
def test_bad_input(tiny_lab, args, param):
    from genlab.sections import gan as tab

    with pytest.raises(InputError, match=param):
        tab.generate(*args)


def test_user_errors_wrapper_turns_bad_input_into_a_toast(tiny_lab):
    import gradio as gr

    from genlab.app.common import user_errors
    from genlab.sections import gan as tab

    with pytest.raises(gr.Error, match="Число изображений"):  # the parameter by its label on the page
        user_errors("ru")(tab.generate)("lab", 1, 99, 1.0, 0)


def test_class_controls():
    from genlab.sections import gan as tab

    assert tab.class_choices("lab")[3] == ("3 (three)", 3)
    assert len(tab.class_choices("biggan-deep-256")) == 1000
    a, b = tab.random_class("lab", seed=1)
    assert a == b and 0 <= a <= 9
    assert tab.sync_class(4) == 4 and tab.sync_class(999, "biggan-deep-256") == 999
    with pytest.raises(InputError, match="class"):
        tab.sync_class(10, "lab")
    assert tab.model_defaults("biggan-deep-256")["class_id"] == 207


def test_log_prob_answer_explains_no_density(tiny_lab):
    from genlab.sections import gan as tab

    text = tab.try_log_prob()
    assert "NoDensityError" in text and "implicit" in text


def test_interpolation_strip_png(tiny_lab):
    from genlab.sections import gan as tab

    path, _notebook = tab.interpolate("classes", 1, 7, 0, 1, 6, 0.8)
    rec = read_provenance(path)
    assert rec["kind"] == "gan-interpolation" and rec["seed"] == 0 and rec["params"]["seed_b"] == 1


def test_toy_training_yields_field_and_mode_log():
    from genlab.sections import gan as tab

    frames = list(tab.train_toy("eight_gaussians", 200, 0, "en", every=100))
    assert len(frames) == 2
    fig, log = frames[-1]
    assert "modes hit" in log and "step 200" in log
    assert len(fig.axes) >= 2
    with pytest.raises(InputError, match="data"):
        next(tab.train_toy("swiss roll", 200, 0))


def test_sweep_figure_from_metrics(tiny_lab):
    import json

    from genlab.sections import gan as tab

    fig, text = tab.sweep_figure()
    assert fig is None and "genlab train gan" in text
    rows = [{"truncation": t, "class_accuracy": 0.9, "confidence": 0.9, "diversity": 0.8,
             "frechet_vs_heldout": 5.0} for t in (0.5, 1.0, "none")]
    (tiny_lab / "metrics.json").write_text(json.dumps({"sweep": rows, "frechet_real_vs_real": 2.0,
                                                       "n_generated_per_class": 50}))
    fig, text = tab.sweep_figure("ru")
    assert fig is not None and "50" in text


def test_tab_renders_in_blocks(tiny_lab):
    import gradio as gr

    from genlab.sections import gan as tab

    from genlab.app.tabs import gan as gan_tab

    with gr.Blocks() as demo:
        gan_tab.render("ru")
    names = {fn.api_name for fn in demo.fns.values()}
    assert {"gan_generate", "gan_interpolate", "gan_train_toy", "gan_log_prob"} <= names


def test_widget_builds_and_buttons_work(tiny_lab):
    from genlab.widgets.gan_widget import gan

    box = gan()
    box.controls["class_name"].value = 5
    assert box.controls["class_id"].value == 5
    box.controls["n"].value = 3
    box.controls["seed"].value = 4
    box.generate_button.click()
    assert box.image.value[:4] == b"\x89PNG" and "seed 4" in box.info.value
    box.random_button.click()
    assert 0 <= box.controls["class_id"].value <= 9
    box.controls["truncation"].value = 0.1
    box.controls["n"].value = 1
    box.generate_button.click()
    assert "seed 4" in box.info.value
