"""The Diffusion section's handlers (no UI), the tab's wiring and the widget, on the shipped lab models."""

import numpy as np
import pytest
import torch
from PIL import Image

from genlab.errors import InputError
from genlab.families.diffusion import pipeline
from genlab.families.diffusion.pipeline import LAB, SDXL, TOY, DiffusionRequest
from genlab.provenance import read_provenance
from genlab.sections import diffusion as handlers

torch.set_num_threads(1)


def test_generate_writes_the_grid_the_strip_and_a_notebook_with_provenance():
    calls = []
    image, figure, strip, notes, notebook = handlers.generate(
        LAB, "3", "moons", "", "", "1024x1024", 6, 3.0, 2, "deis", "trailing", 5, "1, 3, 6", "en",
        progress=lambda fraction, desc="": calls.append((fraction, desc)))
    assert figure is None
    assert [f for f, _ in calls] == pytest.approx([(i + 1) / 6 for i in range(6)]) and calls[-1][1] == "step 6 of 6"
    rec = read_provenance(image)
    assert rec["params"]["digit"] == "3" and rec["params"]["n"] == 2 and rec["seed"] == 5
    assert rec["request"] == "genlab.families.diffusion.pipeline.DiffusionRequest"
    assert read_provenance(strip)["params"]["strip_steps"] == "1, 3, 6"
    assert "seed 5" in notes and "2 sample(s)" in notes
    assert "DiffusionRequest(" in open(notebook).read()
    again = handlers.generate(LAB, "3", "moons", "", "", "1024x1024", 6, 3.0, 2, "deis", "trailing", 5, "1, 3, 6", "ru")
    np.testing.assert_array_equal(np.asarray(Image.open(image)), np.asarray(Image.open(again[0])))
    assert "сид 5" in again[3]


def test_the_toy_model_shows_its_particles_in_the_pages_language():
    image, figure, strip, notes, _notebook = handlers.generate(
        TOY, "none", "spiral", "", "", "1024x1024", 5, 1.0, 30, "dpm++", "trailing", 0, "", "ru")
    assert image is None and strip is None
    assert figure.axes[0].get_title().startswith("спираль") and len(figure.axes[0].lines) == 30
    assert "Образцов: 30" in notes


def test_a_page_offers_the_three_models_only(tmp_path):
    with pytest.raises(InputError) as info:
        handlers.generate(str(tmp_path))
    assert info.value.param == "model"


def test_choosing_sdxl_applies_the_lectures_defaults_and_says_why_it_cannot_run(monkeypatch):
    from genlab.families.diffusion import pretrained

    monkeypatch.setattr(pretrained, "is_cached", lambda model=SDXL: False)
    view = handlers.model_view(SDXL, "ru")
    assert view["values"] == {"guidance": 6.0, "n": 1, "nfe": 25, "spacing": "leading"}
    assert {"prompt", "negative_prompt", "size"} <= set(view["applies"]) and "digit" not in view["applies"]
    assert "нет на этой машине" in view["status"]
    with pytest.raises(InputError) as info:
        handlers.check_request(DiffusionRequest.for_model(SDXL).checked())
    assert info.value.param == "model"
    lab = handlers.model_view(LAB, "en")
    assert lab["status"] == "" and lab["values"] == {"guidance": 3.0, "n": 16, "nfe": 20, "spacing": "trailing"}
    assert handlers.model_view(TOY)["values"]["n"] == 400


def test_tab_renders_with_named_api_and_no_client_download_switch():
    import gradio as gr

    from genlab.app.tabs import diffusion as tab

    for lang in ("en", "ru"):
        with gr.Blocks() as demo:
            tab.render(lang)
        fns = {fn.api_name: fn for fn in demo.fns.values()}
        assert {"diffusion_generate", "diffusion_model_defaults"} <= set(fns)
        generate = fns["diffusion_generate"]
        assert [block.elem_id for block in generate.inputs] == [
            f"diffusion-{name.replace('_', '-')}" for name in DiffusionRequest.control_names()]
        # downloads are the server operator's decision (genlab serve), never a control of the page
        assert not any(isinstance(block, gr.Checkbox) for block in demo.blocks.values())
        assert generate.validator is not None


def test_the_pages_check_shows_a_bad_value_on_its_control(monkeypatch):
    import gradio as gr

    from genlab.app.controls import validator
    from genlab.families.diffusion import pretrained

    names = DiffusionRequest.control_names()
    check = validator(DiffusionRequest, names, "ru", check=handlers.check_request)
    values = DiffusionRequest.defaults(LAB)
    verdicts = check(*[{**values, "strip_steps": "99"}[name] for name in names])
    bad = [name for name, v in zip(names, verdicts) if not v["is_valid"]]
    assert bad == ["strip_steps"]
    monkeypatch.setattr(pretrained, "is_cached", lambda model=SDXL: False)
    sdxl = DiffusionRequest.defaults(SDXL)
    verdicts = check(*[{**sdxl, "model": SDXL}[name] for name in names])
    bad = {name: v["message"] for name, v in zip(names, verdicts) if not v["is_valid"]}
    assert list(bad) == ["model"] and "нет на этой машине" in bad["model"]
    assert gr.validate(True, "") in check(*[values[name] for name in names])


def test_widget_builds_generates_and_takes_sdxls_defaults():
    from genlab.widgets.diffusion_widget import diffusion

    box = diffusion()
    c = box.controls
    assert c["prompt"].layout.display == "none" and c["digit"].layout.display is None
    c["model"].value = TOY
    assert c["n"].value == 400 and c["toy"].layout.display is None and c["digit"].layout.display == "none"
    c["nfe"].value, c["n"].value = 5, 20
    box.generate_button.click()
    assert box.progress.value == pytest.approx(1.0)
    assert box.image.value[:4] == b"\x89PNG" and "20" in box.notes.value
    c["model"].value = SDXL
    assert (c["nfe"].value, c["guidance"].value, c["n"].value) == (25, 6.0, 1)
    assert c["prompt"].layout.display is None and box.image.value == b""
    c["model"].value = LAB
    c["strip_steps"].value = "0"
    box.generate_button.click()
    assert "strip_steps" in box.notes.value


def test_the_handlers_parameters_are_the_requests_with_its_defaults():
    """The web API's named parameters (/diffusion_generate) and their defaults come from the
    handler's signature: they must be the request's, so the API cannot drift from the page."""
    import inspect

    signature = inspect.signature(handlers.generate).parameters
    defaults = DiffusionRequest.defaults(LAB)
    assert [name for name in signature if name != "progress"] == list(DiffusionRequest.params())
    assert {name: p.default for name, p in signature.items() if name in defaults} == defaults


def _fake_benchmark():
    def row(name, nfe, value, kind="diffusion"):
        return {"scheduler": name, "nfe": nfe, "kind": kind, "n_generated": 1000, "kid": value,
                "kid_se": 1.0, "sliced_wasserstein": value / 100, "sliced_wasserstein_se": 0.01}
    rows = [row("real training digits (floor)", 0, -1.0, "floor"), row("lab GAN, truncation none", 1, 8.0, "gan")]
    rows += [row(s, nfe, 100.0 / nfe - 1) for s in ("ddpm", "ddim", "deis", "dpm++", "euler")
             for nfe in (5, 10, 20, 50)] + [row("ddpm", 1000, 0.5)]
    return {"digits": {"rows": rows}, "toy2d": {"n": 4000, "rows": rows}}


def test_quality_vs_nfe_figure_draws_every_scheduler_and_the_references_in_the_pages_language():
    from genlab.families.diffusion.figures import quality_vs_nfe_figure

    fig = quality_vs_nfe_figure(_fake_benchmark(), labels={"axis": "NFE (вызовов сети на сэмпл)"})
    digits_axes = fig.axes[0]
    labels = digits_axes.get_legend_handles_labels()[1]
    assert {"ddpm", "ddim", "deis", "dpm++", "euler"} <= set(labels)
    assert "lab GAN, truncation none" in labels and "real training digits (floor)" in labels
    assert digits_axes.get_xlabel() == "NFE (вызовов сети на сэмпл)"


def test_quality_vs_nfe_figure_titles_the_digits_panel_by_its_rows_sizes():
    from genlab.families.diffusion.figures import quality_vs_nfe_figure

    measured = _fake_benchmark()
    assert quality_vs_nfe_figure(measured).axes[0].get_title() == "digits: 1000 samples per point"
    measured["digits"]["rows"][-1]["n_generated"] = 700  # an expensive row stopped early
    assert quality_vs_nfe_figure(measured).axes[0].get_title() == "digits: 700–1000 samples per point"


def test_the_tab_shows_the_measured_curve_from_the_shipped_file(monkeypatch):
    import gradio as gr

    from genlab.app.tabs import diffusion as tab
    from genlab.families.diffusion import figures

    for measured, plots in ((_fake_benchmark(), 1), (None, 0)):
        monkeypatch.setattr(figures, "load_quality_vs_nfe", lambda: measured)
        with gr.Blocks() as page:
            tab.render("ru")
        found = [b for b in page.blocks.values() if getattr(b, "elem_id", None) == "diffusion-nfe-plot"]
        assert len(found) == plots
