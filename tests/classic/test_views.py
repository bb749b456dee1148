"""The section 1-2 views: the handlers (no UI), the pipelines behind them, the Jupyter widgets and
the mixture CLI."""

import functools
import json
import re

import numpy as np
import pytest

from genlab.classic.pipeline import TwoParadigmsRequest, fit_two_paradigms
from genlab.errors import InputError
from genlab.prob.pipeline import LECTURE_ROWS, mixture_from_rows
from genlab.sections import discriminative as disc
from genlab.sections import probability as prob

FIT = dict(n1=100, n2=100, separation=2.6, cov_scale=0.9, rotate_deg=20.0, lr_mode="warmup", lr=0.1, lr_iters=20,
           l2=0.01, fit_intercept=True, warmup_power=3.0, init="pca_split", em_iters=60, damping=0.2, early_stop=False,
           reg_covar=1e-6)

# The lecture's widget cell (build_discriminative_vs_generative_widget), its settings verbatim.
LECTURE_WIDGET = {
    "dataset": dict(n1=100, n2=100, separation=2.6, cov_scale=0.9, rotate_deg=20.0, seed=0),
    "logreg": dict(lr=0.1, n_iters=20, l2=1e-2, fit_intercept=True, seed=0, lr_mode="warmup", warmup_power=3.0),
    "gmm": dict(n_iters=100, tol=1e-6, reg_covar=1e-6, n_samples=250, seed=0, init="pca_split", damping=0.20,
                early_stop=False),
    "sliders": dict(t_lr=0, t_em=0),
}


def test_the_declared_defaults_are_the_lectures_widget():
    d = TwoParadigmsRequest.defaults()
    data, lr, gmm = LECTURE_WIDGET["dataset"], LECTURE_WIDGET["logreg"], LECTURE_WIDGET["gmm"]
    assert {k: d[k] for k in ("n1", "n2", "separation", "cov_scale", "rotate_deg")} == \
        {k: data[k] for k in ("n1", "n2", "separation", "cov_scale", "rotate_deg")}
    assert d["seed"] == data["seed"] + 1  # the lecture's Recompute adds 1 before its first picture
    assert (d["lr"], d["lr_iters"], d["l2"], d["fit_intercept"], d["lr_mode"], d["warmup_power"]) == \
        (lr["lr"], lr["n_iters"], lr["l2"], lr["fit_intercept"], lr["lr_mode"], lr["warmup_power"])
    assert (d["em_iters"], d["tol"], d["reg_covar"], d["n_samples"], d["init"], d["damping"], d["early_stop"]) == \
        (gmm["n_iters"], gmm["tol"], gmm["reg_covar"], gmm["n_samples"], gmm["init"], gmm["damping"],
         gmm["early_stop"])
    assert d["fit_seed"] == lr["seed"] == gmm["seed"]
    assert (d["t_lr"], d["t_em"]) == (0, 0)  # issue 15: the iteration sliders start at 0, as in the lecture


def test_the_probability_requests_are_the_lectures_cells():
    """Section 1's cells, their values verbatim: the mixture surface, the KDE, the two normals."""
    from genlab.limits import MAX_SURFACE_GRID
    from genlab.prob.pipeline import ConditionalKdeRequest, MixtureRequest, MomentsRequest

    surface = MixtureRequest.defaults()
    # w, mu_x, mu_y, Sigma_xx, Sigma_xy, Sigma_yy of the lecture's two components
    assert [list(row) for row in surface["components"]] == [[0.5, -1.5, -1.0, 0.6, 0.2, 0.8],
                                                             [0.5, 1.5, 1.2, 1.12, -0.25, 1.15]]
    assert (surface["n_samples"], surface["seed"], surface["elevation"], surface["azimuth"]) == (200, 42, 28, -55)
    # the lecture's 260 x 260 grid is above the server's limit on the rotatable surface
    assert 260 > MAX_SURFACE_GRID >= surface["grid_points"]
    kde = ConditionalKdeRequest.defaults()
    assert (kde["n_per_class"], kde["bandwidth_rule"], kde["seed"]) == (1200, "silverman", 42)
    moments = MomentsRequest.defaults()
    assert (moments["mu"], moments["sigma1"], moments["sigma2"]) == (0.0, 1.0, 2.0)


def test_the_first_picture_is_the_lectures():
    import lecture_reference as lecture

    result = fit_two_paradigms(TwoParadigmsRequest())
    x1, x2 = lecture.create_dataset(**{**LECTURE_WIDGET["dataset"], "seed": 1})
    np.testing.assert_array_equal(result.x1, x1)
    w, b, loss = lecture.logistic_regression_gd_path(x1, x2, **LECTURE_WIDGET["logreg"])
    np.testing.assert_allclose(result.path.w, w, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result.path.loss, loss, rtol=1e-12)
    gmm = {k: v for k, v in LECTURE_WIDGET["gmm"].items() if k != "n_samples"}
    params, _, _ = lecture.gmm2_em_and_sample_history(x1, x2, **gmm)
    np.testing.assert_allclose(result.history.means, params["history"]["mu_path"], rtol=1e-9, atol=1e-11)


def test_recompute_draws_new_data_each_click_and_refit_keeps_it():
    fit, status = disc.fit(True, **FIT, seed=0)
    assert fit.request.seed == 1 and "seed 1" in status
    assert fit.path.n_iters == 20 and fit.history.n_iter == 60
    fit2, _ = disc.fit(True, **FIT, seed=fit.request.seed)
    assert fit2.request.seed == 2 and not np.array_equal(fit.x1, fit2.x1)
    fit3, _ = disc.fit(False, **FIT, seed=fit2.request.seed)
    assert fit3.request.seed == 2
    np.testing.assert_array_equal(fit3.x1, fit2.x1)


def test_the_shown_iterations_stay_where_they_were_within_the_new_fit():
    fit, _ = disc.fit(True, **{**FIT, "lr_iters": 10}, seed=0, t_lr=15, t_em=30)
    assert (fit.request.t_lr, fit.request.t_em) == (10, 30)  # as the lecture's min(value, max)
    early, _ = disc.fit(False, **{**FIT, "early_stop": True, "em_iters": 400}, seed=3, t_em=400)
    assert early.history.converged and early.request.t_em == early.history.n_iter < 400


def test_slider_redraw_uses_the_stored_fit_without_refitting(monkeypatch):
    import genlab.classic as classic
    import genlab.classic.em as em
    import genlab.classic.logreg as logreg
    import genlab.classic.pipeline as pipeline
    from genlab.i18n import Translator

    fit, _ = disc.fit(False, **FIT, seed=3)

    def no_refit(*a, **k):
        raise AssertionError("a slider move must not refit")

    for module, name in ((em, "em_fit"), (em, "gmm2_em_history"), (classic, "gmm2_em_history"),
                         (logreg, "logistic_regression_gd_path"), (classic, "logistic_regression_gd_path"),
                         (pipeline, "fit_two_paradigms")):
        monkeypatch.setattr(module, name, no_refit)
    figs = [disc.replay(fit, t, t, 100, True).spec() for t in (0, 5, 20)]
    titles = [f["layout"]["annotations"][1]["text"] for f in figs]
    tr = Translator("discriminative", "en")
    assert titles == [f"{tr('gmm_title')}<br>{tr('at_iteration', t=t)}" for t in (0, 5, 20)]
    # the GMM panel's ellipses move with the EM iteration
    assert json.dumps(figs[0]["data"], default=str) != json.dumps(figs[2]["data"], default=str)
    assert disc.replay(None, 0, 0, 10, True) is None
    ru = disc.replay(fit, 2, 2, 0, False, lang="ru").spec()
    assert "итерация 2" in ru["layout"]["annotations"][0]["text"]
    shown = disc.replay(fit, 4, 9, 0, True)
    assert (shown.request.t_lr, shown.request.t_em) == (4, 9) and shown.provenance["params"]["t_em"] == 9
    with pytest.raises(InputError, match="t_em"):
        disc.replay(fit, 0, 61, 0, True)  # past the fit's last iteration
    with pytest.raises(TypeError):
        fit.at(em_iters=5)  # at() only changes what is shown


def test_plotly_figure_is_valid_plotly():
    import plotly.graph_objects as go

    from genlab.viz.classic import two_paradigms_plotly

    fit, _ = disc.fit(False, **FIT, seed=3)
    shown = fit.at(t_lr=4, t_em=9)
    go.Figure(shown.spec())  # full validation: every property is a real plotly property
    fig = two_paradigms_plotly(fit.x1, fit.x2, fit.path, fit.history, 4, 9, text=shown._options()["text"])
    assert {t.type for t in fig.data} == {"scatter", "contour"}
    assert "iteration 9" in json.loads(shown.show().to_json())["layout"]["annotations"][1]["text"]


@pytest.mark.parametrize("name,value", [
    ("n1", 1), ("separation", float("nan")), ("cov_scale", 0.0), ("damping", 0.0), ("damping", 1.5),
    ("lr_mode", "adam"), ("init", "kmeans"), ("lr_iters", 0),
])
def test_bad_training_input_names_the_parameter(name, value):
    with pytest.raises(InputError) as err:
        disc.fit(True, **{**FIT, name: value}, seed=0)
    assert err.value.param.startswith(name)
    assert name in err.value.message("ru")


def test_app_error_wrapper_turns_input_errors_into_toasts():
    import gradio as gr

    from genlab.app.common import user_errors

    with pytest.raises(gr.Error, match="Затухание"):  # the parameter by its label on the page
        user_errors("ru")(disc.fit)(True, **{**FIT, "damping": 2.0}, seed=0)
    # the tabs wrap functools.partial handlers: the error still reaches the page as a toast
    with pytest.raises(gr.Error, match=r"Затухание a в \(0, 1\]: 2 вне допустимого"):
        user_errors("ru")(functools.partial(disc.fit, True))(**{**FIT, "damping": 2.0}, seed=0)


def test_mle_kl_handler():
    fig, md, notebook = disc.run_mle_kl(400, 2, "collapsed", 20, 0.5, 0)
    assert "KL" in md and fig.axes and notebook.endswith(".ipynb")
    with pytest.raises(InputError, match="n_components"):
        disc.run_mle_kl(400, 0, "collapsed", 20, 0.5, 0)


def test_probability_surface_editable_parameters():
    fig, md, _ = prob.draw_mixture(LECTURE_ROWS, 300, 40, 28, -55, 1)
    surface, points = fig.data
    assert surface.type == "surface" and points.type == "scatter3d" and len(points.x) == 300
    three = LECTURE_ROWS + ((2.0, 0.0, 3.0, 0.3, 0.0, 0.3),)
    fig3, md3, _ = prob.draw_mixture(three, 0, 40, 28, -55, 1)
    assert len(fig3.data) == 1 and "—" in md3
    params = mixture_from_rows(three)
    np.testing.assert_allclose(params.weights, [1 / 6, 1 / 6, 2 / 3])  # 0.5 : 0.5 : 2, normalised


def test_the_moments_are_a_readable_table_not_numpy_text():
    from genlab.prob import LECTURE_MIXTURE, mixture_covariance, mixture_mean, mixture_sample

    _, md, _ = prob.draw_mixture(LECTURE_ROWS, 500, 40, 28, -55, 7)
    assert not re.search(r"\[\s*-?\d", md) and "array" not in md  # issue 15: no raw numpy text like [0. 0.1]
    rows = [line for line in md.splitlines() if line.startswith("| ")]
    assert len(rows) == 6 and "exact" in rows[0] and "500 samples" in rows[0]
    exact = [float(row.split("|")[2]) for row in rows[1:]]
    m, c = mixture_mean(LECTURE_MIXTURE), mixture_covariance(LECTURE_MIXTURE)
    np.testing.assert_allclose(exact, [m[0], m[1], c[0, 0], c[0, 1], c[1, 1]], atol=5e-4)
    x, _ = mixture_sample(500, LECTURE_MIXTURE, seed=7)
    empirical = [float(row.split("|")[3]) for row in rows[1:]]
    np.testing.assert_allclose(empirical, [x[:, 0].mean(), x[:, 1].mean(), np.var(x[:, 0], ddof=1),
                                           np.cov(x.T)[0, 1], np.var(x[:, 1], ddof=1)], atol=5e-4)
    _, ru, _ = prob.draw_mixture(LECTURE_ROWS, 500, 40, 28, -55, 7, lang="ru")
    assert "эмпирически (по 500 сэмплам)" in ru and "дисперсия x" in ru


@pytest.mark.parametrize("table,param", [
    ([[1, 0, 0, 1, 2, 1]], "components[1, covariance]"),
    ([[1, 0, float("nan"), 1, 0, 1]], "components[1, mean_y]"),
    ([[-1, 0, 0, 1, 0, 1]], "components[weight]"),
    ([[1, 0, 0, 1, 0]], "components"),
    ([[1, 0, "a", 1, 0, 1]], "components[1, mean_y]"),
    ([[1, 0, 0, 1, 0, 1]] * 11, "components"),
    ("1, 0, 0, 1, 0, 1; 1, 0, 0, 1, 0", "components"),
])
def test_probability_bad_tables(table, param):
    with pytest.raises(InputError) as err:
        prob.draw_mixture(table, 10, 40, 28, -55, 0)
    assert err.value.param == param
    assert err.value.message("ru").startswith(param)


def test_kde_and_moments_handlers():
    fig, notebook = prob.estimate_conditionals(500, "scott", True, 0, figure="matplotlib")
    assert len(fig.axes[0].lines) == 6  # three KDE curves + three true densities
    with pytest.raises(InputError, match="n_per_class"):
        prob.estimate_conditionals(1, "scott", False, 0)
    fig, md, _ = prob.draw_moments(1.0, 0.5, 3.0, 20_000, 0)
    assert "σ̂₁ = 0.49" in md or "σ̂₁ = 0.50" in md or "σ̂₁ = 0.51" in md
    with pytest.raises(InputError, match="sigma2"):
        prob.draw_moments(0.0, 1.0, -1.0, 0, 0)
    assert prob.draw_moments(0.0, 1.0, 2.0, 0, 0)[1] == ""  # no samples, no estimates


def test_the_browser_draws_what_the_lecture_figure_draws():
    """The web page's plotly dicts (a slider move costs milliseconds) carry the matplotlib
    figures' data: the same KDE curves, the same histogram bars, the same legend texts."""
    import plotly.graph_objects as go

    from genlab.prob.pipeline import ConditionalKdeRequest, MomentsRequest, draw_moments, estimate_conditionals

    kde = estimate_conditionals(ConditionalKdeRequest(n_per_class=400, seed=3))
    lines = kde.figure().axes[0].lines
    traces = kde.spec()["data"]
    assert [t["name"] for t in traces] == [line.get_label() for line in lines]
    for trace, line in zip(traces, lines):
        np.testing.assert_allclose(trace["y"], line.get_ydata(), rtol=1e-6, atol=1e-9)   # float32 on screen

    moments = draw_moments(MomentsRequest(mu=1.0, sigma1=0.5, sigma2=3.0, n_per_normal=2000, seed=1))
    ax = moments.figure().axes[0]
    bars = [t for t in moments.spec()["data"] if t["type"] == "bar"]
    heights = np.array([p.get_height() for p in ax.patches]).reshape(2, 60)
    for bar, height in zip(bars, heights):
        np.testing.assert_allclose(bar["y"], height, rtol=1e-6)
        assert abs(float(np.sum(bar["y"] * bar["width"])) - 1) < 1e-5   # a density
    assert sorted(t["name"] for t in moments.spec()["data"]) == sorted(ax.get_legend_handles_labels()[1])
    for spec in (kde.spec(), moments.spec()):
        go.Figure(spec)  # full validation: every property is a real plotly property
    with pytest.raises(ValueError, match="figure"):
        prob.draw_moments(figure="png")


def test_figures_are_in_the_pages_language():
    from genlab.classic.pipeline import MleKlRequest, fit_mle_kl
    from genlab.prob.pipeline import (ConditionalKdeRequest, MixtureRequest, MomentsRequest, draw_mixture,
                                      draw_moments, estimate_conditionals)

    assert draw_mixture(MixtureRequest(lang="ru")).show().layout.title.text == "Плотность гауссовой смеси"
    assert draw_mixture(MixtureRequest(lang="ru")).figure().axes[0].get_title() == "Плотность гауссовой смеси"
    kde = estimate_conditionals(ConditionalKdeRequest(lang="ru"))
    assert kde.figure().axes[0].get_ylabel() == "плотность" == kde.show().layout.yaxis.title.text
    assert draw_moments(MomentsRequest(lang="ru")).spec()["layout"]["title"]["text"].startswith("Матожидание")
    moments = draw_moments(MomentsRequest(lang="ru")).figure().axes[0]
    assert moments.get_title().startswith("Матожидание") and "μ ± σ₁ (узкое)" in moments.get_legend_handles_labels()[1]
    assert "Монте-Карло" in " ".join(fit_mle_kl(MleKlRequest(n_points=200, em_iters=5, lang="ru")).show()
                                     .axes[0].get_legend_handles_labels()[1])
    ru = fit_two_paradigms(TwoParadigmsRequest(lang="ru", em_iters=5))
    assert ru.figure().axes[1].get_title() == "Генеративная: смесь 2 гауссиан по EM\nитерация 0"


def test_figure_functions_have_no_english_defaults():
    import inspect

    from genlab.viz import classic, prob as viz_prob

    for module in (classic, viz_prob):
        assert not hasattr(module, "TEXT")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            text = inspect.signature(fn).parameters.get("text")
            if text is not None and fn.__module__ == module.__name__:
                assert text.default is inspect.Parameter.empty, f"{module.__name__}.{name}: text has a default"


def test_every_handler_exports_a_notebook_with_provenance():
    import nbformat

    paths = [prob.draw_mixture()[2], prob.estimate_conditionals()[1], prob.draw_moments()[2],
             disc.notebook(disc.replay(disc.fit(False)[0], 3, 7, 50, True, "ru"), "ru"),
             disc.run_mle_kl(200, 2, "collapsed", 5, 0.5, 0)[2]]
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata["genlab"]["label"] == "AI-generated"
        code = nb.cells[1].source
        assert "result.show()" in code and ("from genlab.prob.pipeline" in code or "from genlab.classic.pipeline"
                                             in code)
    replayed = nbformat.read(paths[3], as_version=4).cells[1].source
    assert "t_lr=3" in replayed and "t_em=7" in replayed and "lang='ru'" in replayed


def test_widgets_build_and_respond():
    import genlab.widgets as widgets

    ui = widgets.discriminative()
    c = ui.controls
    assert (c["t_lr"].value, c["t_em"].value) == (0, 0)  # the lecture's sliders start at 0
    assert (c["t_lr"].max, c["t_em"].max) == (20, 100)
    before = ui.image.value
    c["t_em"].value = 3  # a slider move redraws
    assert ui.image.value != before and ui.image.value[:4] == b"\x89PNG"
    start = c["seed"].value
    ui.recompute_button.click()  # new data
    assert c["seed"].value == start + 1 and c["t_em"].value == 3  # the slider stays (the lecture's min(t, max))
    c["damping"].value = 1.0
    c["lr_mode"].value = "constant"
    c["lr"].value = -1.0
    ui.refit_button.click()
    assert "lr" in ui.status.value and c["seed"].value == start + 1

    ui = widgets.probability(lang="ru")
    before = ui.surface.value
    ui.controls["mixture"]["azimuth"].value = 30  # turning the surface redraws it
    assert ui.surface.value != before
    assert "<table>" in ui.moments.value and "эмпирически" in ui.moments.value
    ui.controls["mixture"]["components"].value = "1, 0, 0, 1, 5, 1"
    ui.draw_button.click()
    assert "вырожден" in ui.error.value  # the error is shown, in Russian
    kde_before = ui.kde_image.value
    ui.controls["kde"]["bandwidth_rule"].value = "scott"
    assert ui.kde_image.value != kde_before
    ui.controls["moments"]["n_per_normal"].value = 1000
    assert "σ̂₁" in ui.estimates.value


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
    res = runner.invoke(app, ["sample", "mixture", "-n", "100", "--out", str(tmp_path / "s.png"),
                              "--notebook", str(tmp_path / "s.ipynb")])
    assert res.exit_code == 0 and read_provenance(tmp_path / "s.png")["model"] == "mixture:lab"
    notebook = json.loads((tmp_path / "s.ipynb").read_text())
    assert notebook["metadata"]["genlab"]["params"]["n"] == 100 and "sample_mixture" in "".join(
        notebook["cells"][1]["source"])
    res = runner.invoke(app, ["eval", "mixture", "--model", str(out), "--data", "two_clouds", "--json"])
    metrics = json.loads(res.output)
    assert res.exit_code == 0 and metrics["components"] == 2 and np.isfinite(metrics["bic"])
    res = runner.invoke(app, ["eval", "mixture", "--data", "faces"])
    assert res.exit_code == 2 and "--data" in res.output
    res = runner.invoke(app, ["train", "mixture", "--damping", "0", "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "damping" in res.output
    for args, flag in ((["-n", "0"], "--n"), (["--component", "2"], "--component"), (["--out", "x.jpg"], "--out"),
                       (["--seed", "2.5"], "--seed")):
        res = runner.invoke(app, ["sample", "mixture", *args])
        assert res.exit_code == 2 and flag in res.output and "Traceback" not in res.output, (args, res.output)
