"""Every parameter is declared once: the CLI, the web tab and the Jupyter widget show the same
default, range and choices, taken from the request's declaration (genlab.params)."""

import importlib
import pkgutil

import pytest

import genlab.classic
import genlab.ethics
import genlab.families
import genlab.prob
from genlab.params import Request

# where pipelines live: one per family, sections 1-2's (which have no family folder) and the
# comparisons' (the bias experiment's, and the taxonomy comparison, a module of its own)
PIPELINE_PACKAGES = (genlab.families, genlab.classic, genlab.prob, genlab.ethics)
PIPELINE_MODULES = ("genlab.taxonomy",)


def all_requests() -> list[type]:
    for package in PIPELINE_PACKAGES:
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if module.name.endswith(".pipeline"):
                importlib.import_module(module.name)
    for name in PIPELINE_MODULES:
        importlib.import_module(name)
    found, stack = [], list(Request.__subclasses__())
    while stack:
        cls = stack.pop()
        if cls.__module__.startswith("genlab."):
            found.append(cls)
        stack.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


REQUESTS = all_requests()


def test_requests_are_found():
    assert {"GanRequest", "InterpolationRequest", "MixtureRequest", "TwoParadigmsRequest", "TaxonomyRequest",
            "BiasRequest"} <= {
        cls.__name__ for cls in REQUESTS}


@pytest.mark.parametrize("request_cls", REQUESTS, ids=lambda c: c.__name__)
def test_declared_defaults_pass_their_own_checks(request_cls):
    request_cls().checked()
    for model in request_cls.PRESETS:
        request_cls.for_model(model).checked()


@pytest.mark.parametrize("request_cls", REQUESTS, ids=lambda c: c.__name__)
def test_tab_widget_and_cli_agree_with_the_declaration(request_cls):
    import gradio as gr

    from genlab.app.controls import control
    from genlab.cli_options import preset_names, request_parameters
    from genlab.i18n import Translator
    from genlab.widgets.controls import control as widget_control

    cli = {p.name: p.default for p in request_parameters(request_cls)}
    for lang in ("en", "ru"):
        tr = Translator(request_cls.SECTION, lang)
        for name, p in request_cls.params().items():
            assert (tr.param_texts.get(name) or {}).get("label"), f"{request_cls.SECTION}.json ({lang}): no label for {name}"
            with gr.Blocks():
                web = control(request_cls, name, lang)
            widget = widget_control(request_cls, name, lang)
            if p.kind == "table":  # a Dataframe's value, a text box's text: the same rows
                assert p.check(web.value) == p.default == p.check(widget.value), name
                assert web.headers == p.column_labels(tr), name
            else:
                assert web.value == p.default == widget.value, name
            if p.view_control == "slider":
                low, high, step = p.slider_bounds()
                assert (web.minimum, web.maximum, web.step) == (low, high, step) == (widget.min, widget.max, widget.step)
            if p.view_control == "number" and p.range_text(lang):  # the range in the page's language
                assert p.range_text(lang) in web.info and p.range_text(lang) in widget.tooltip
            if p.kind == "choice":
                assert [v for _, v in web.choices] == list(p.choices)
                assert [v for _, v in widget.options][:len(p.choices)] == list(p.choices)
            option = cli[name]
            declared = p.text(p.default) if p.kind == "table" else p.default  # a table is given as text
            assert option.default == (None if name in preset_names(request_cls) else declared), name
            assert p.range_text() in option.help, name


def test_a_table_parameter_is_an_editable_dataframe_a_text_box_and_a_cli_text():
    from dataclasses import dataclass
    from typing import ClassVar

    import gradio as gr

    from genlab.app.controls import control
    from genlab.cli_options import request_parameters
    from genlab.params import param
    from genlab.widgets.controls import control as widget_control

    @dataclass(frozen=True)
    class TableRequest(Request):
        SECTION: ClassVar[str] = "common"
        rows: tuple = param(((1.0, 2.0), (3.0, 4.5)), columns=("a", "b"), min_rows=1, max_rows=5)

    p = TableRequest.params()["rows"]
    with gr.Blocks():
        web = control(TableRequest, "rows", "en")
    assert isinstance(web, gr.Dataframe) and web.interactive and web.headers == ["a", "b"]
    assert web.row_count == (2, "dynamic") and web.column_count == (2, "fixed")
    assert p.check(web.preprocess(web.data_model(**web.value))) == p.default  # what a handler receives
    widget = widget_control(TableRequest, "rows", "en")
    assert widget.value == "1.0, 2.0\n3.0, 4.5" and p.check(widget.value) == p.default
    option = request_parameters(TableRequest)[0].default
    assert option.default == "1.0, 2.0; 3.0, 4.5" and p.range_text() in option.help
