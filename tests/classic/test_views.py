"""The section 1-2 views: web-tab handlers (no UI), the Jupyter widgets, and the mixture CLI."""

import json

import numpy as np
import pytest

from genlab.app.tabs import discriminative as disc
from genlab.app.tabs import probability as prob
from genlab.errors import InputError

FIT_ARGS = (100, 100, 2.6, 0.9, 20.0, "warmup", 0.1, 20, 0.01, True, 3.0, "pca_split", 60, 0.2,
            False, 1e-6)


def test_recompute_draws_new_data_each_click_and_refit_keeps_it():
    seed, fit, s_lr, s_em, status = disc.recompute(True, 0, *FIT_ARGS)
    assert seed == 1 and fit.seed == 1 and "seed 1" in status
    assert s_lr.maximum == 20 and s_em.maximum == 60
    seed2, fit2, *_ = disc.recompute(True, seed, *FIT_ARGS)
    assert seed2 == 2 and not np.array_equal(fit.x1, fit2.x1)
    seed3, fit3, *_ = disc.recompute(False, seed2, *FIT_ARGS)
    assert seed3 == 2
    np.testing.assert_array_equal(fit3.x1, fit2.x1)


def test_slider_redraw_uses_the_stored_fit_without_refitting(monkeypatch):
    import genlab.classic as classic
    import genlab.classic.em as em
    import genlab.classic.logreg as logreg

    fit = disc.fit_both(3, *FIT_ARGS)

    def no_refit(*a, **k):
        raise AssertionError("a slider move must not refit")

    for module, name in ((em, "em_fit"), (classic, "gmm2_em_history"), (logreg, "logistic_regression_gd_path"),
                         (classic, "logistic_regression_gd_path")):
        monkeypatch.setattr(module, name, no_refit)
    figs = [json.loads(disc.redraw(fit, t, t, 100, True).plot) for t in (0, 5, 20)]
    titles = [f["layout"]["annotations"][1]["text"] for f in figs]
    assert titles == [disc.STRINGS["en"]["gmm_title"].format(t=t) for t in (0, 5, 20)]
    # the GMM panel's ellipses move with the EM iteration
    assert figs[0]["data"] != figs[2]["data"]
    assert disc.redraw(None, 0, 0, 10, True) is None
    ru = json.loads(disc.redraw(fit, 2, 2, 0, False, lang="ru").plot)
    assert "итерация 2" in ru["layout"]["annotations"][0]["text"]


def test_plotly_figure_is_valid_plotly():
    import plotly.graph_objects as go

    from genlab.viz.classic import two_paradigms_plotly, two_paradigms_spec

    fit = disc.fit_both(3, *FIT_ARGS)
    spec = two_paradigms_spec(fit.x1, fit.x2, fit.path, fit.history, 4, 9)
    go.Figure(spec)  # full validation: every property is a real plotly property
    fig = two_paradigms_plotly(fit.x1, fit.x2, fit.path, fit.history, 4, 9)
    assert {t.type for t in fig.data} == {"scatter", "contour"}


@pytest.mark.parametrize("index,value,param", [
    (0, 1, "n1"), (2, float("nan"), "separation"), (3, 0.0, "cov_scale"), (13, 0.0, "damping"),
    (13, 1.5, "damping"), (5, "adam", "schedule"), (11, "kmeans", "EM init"), (7, 0, "GD iterations"),
])
def test_bad_training_input_names_the_parameter(index, value, param):
    args = list(FIT_ARGS)
    args[index] = value
    with pytest.raises(InputError) as err:
        disc.recompute(True, 0, *args)
    assert err.value.param.startswith(param)
    assert param in err.value.message("ru")


def test_app_error_wrapper_turns_input_errors_into_toasts():
    import gradio as gr

    from genlab.app.common import user_errors

    args = list(FIT_ARGS)
    args[13] = 2.0
    with pytest.raises(gr.Error, match="damping"):
        user_errors("ru")(disc.recompute)(True, 0, *args)


def test_mle_kl_handler():
    fig, md = disc.run_mle_kl(400, 2, "collapsed", 20, 0.5, 0)
    assert "KL" in md and fig.axes
    with pytest.raises(InputError, match="K"):
        disc.run_mle_kl(400, 0, "collapsed", 20, 0.5, 0)


def test_probability_surface_editable_parameters():
    fig, md = prob.draw_surface(prob.DEFAULT_TABLE, 300, 40, 1)
    surface, points = fig.data
    assert surface.type == "surface" and points.type == "scatter3d" and len(points.x) == 300
    three = prob.DEFAULT_TABLE + [[2.0, 0.0, 3.0, 0.3, 0.0, 0.3]]
    fig3, md3 = prob.draw_surface(three, 0, 40, 1)
    assert len(fig3.data) == 1 and "—" in md3
    params = prob.mixture_from_table(three)
    np.testing.assert_allclose(params.weights, [1 / 6, 1 / 6, 2 / 3])  # 0.5 : 0.5 : 2, normalised


@pytest.mark.parametrize("table,param", [
    ([[1, 0, 0, 1, 2, 1]], "covariance"),
    ([[1, 0, float("nan"), 1, 0, 1]], "mean y"),
    ([[-1, 0, 0, 1, 0, 1]], "weight"),
    ([[1, 0, 0, 1, 0]], "mixture table"),
    ([[1, 0, "a", 1, 0, 1]], "mean y"),
])
def test_probability_bad_tables(table, param):
    with pytest.raises(InputError) as err:
        prob.draw_surface(table, 10, 40, 0)
    assert err.value.param.startswith(param)


def test_kde_and_moments_handlers():
    fig = prob.draw_kde(500, 0, "scott", True)
    assert len(fig.axes[0].lines) == 6  # three KDE curves + three true densities
    with pytest.raises(InputError, match="samples per class"):
        prob.draw_kde(1, 0, "scott", False)
    fig, md = prob.draw_moments(1.0, 0.5, 3.0, 20_000, 0)
    assert "σ̂₁ = 0.49" in md or "σ̂₁ = 0.50" in md or "σ̂₁ = 0.51" in md
    with pytest.raises(InputError, match="sigma2"):
        prob.draw_moments(0.0, 1.0, -1.0, 0, 0)


def test_widgets_build_and_respond():
    import genlab.widgets as widgets

    ui = widgets.discriminative()
    buttons = ui.children[0].children
    recompute, t_lr, t_em = buttons[0], buttons[2], buttons[3]
    image = ui.children[-1]
    before = image.value
    t_em.value = 3  # a slider move redraws
    assert image.value != before and image.value[:4] == b"\x89PNG"
    seed = ui.children[1].children[0].children[-1]
    start = seed.value
    recompute.click()  # new data
    assert seed.value == start + 1 and t_em.value == t_em.max

    ui = widgets.probability(lang="ru")
    surface = ui.children[5]
    before = surface.value
    azim = ui.children[3].children[1]
    azim.value = 30  # turning the surface redraws it
    assert surface.value != before
    table = ui.children[1]
    table.value = "1, 0, 0, 1, 5, 1"
    ui.children[2].children[2].click()
    assert "вырожден" in ui.children[4].value  # the error is shown, in Russian


def test_mixture_cli(tmp_path):
    from typer.testing import CliRunner

    from genlab.cli import app
    from genlab.provenance import read_provenance

    runner = CliRunner()
    out = tmp_path / "gmm"
    res = runner.invoke(app, ["train", "mixture", "--n", "400", "--steps", "30", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "config.json").is_file() and (out / "model.safetensors").is_file()
    res = runner.invoke(app, ["sample", "mixture", "--model", str(out), "-n", "50", "--seed", "3",
                              "--out", str(tmp_path / "s.json")])
    assert res.exit_code == 0, res.output
    saved = json.loads((tmp_path / "s.json").read_text())
    assert len(saved["data"]["samples"]) == 50
    assert read_provenance(tmp_path / "s.json")["seed"] == 3
    res = runner.invoke(app, ["sample", "mixture", "-n", "100", "--out", str(tmp_path / "s.png")])
    assert res.exit_code == 0 and read_provenance(tmp_path / "s.png")["model"] == "mixture:lab"
    res = runner.invoke(app, ["eval", "mixture", "--model", str(out), "--data", "two_clouds", "--json"])
    metrics = json.loads(res.output)
    assert res.exit_code == 0 and metrics["components"] == 2 and np.isfinite(metrics["bic"])
    res = runner.invoke(app, ["eval", "mixture", "--data", "faces"])
    assert res.exit_code == 2 and "--data" in res.output
    res = runner.invoke(app, ["train", "mixture", "--damping", "0", "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "damping" in res.output


def test_widget_and_figure_texts_are_translated():
    import importlib

    for name in ("genlab.widgets.probability_widget", "genlab.widgets.discriminative_widget"):
        strings = importlib.import_module(name).STRINGS
        assert set(strings["en"]) == set(strings["ru"])
    for tab in (prob, disc):
        en, ru = tab._fig_text("en"), tab._fig_text("ru")
        assert set(en) == set(ru) and all(ru[k] for k in ru)
