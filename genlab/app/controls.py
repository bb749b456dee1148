"""Gradio controls built from a request's parameter declarations (``genlab.params``).

Labels and help come from the section's locale file; default, range, step and choices from the
declaration. Number boxes get no minimum/maximum (Gradio would refuse out-of-range values with
its own English message and round non-integers silently): genlab's check refuses them and names
the parameter; the range is written in the help instead.
"""

from __future__ import annotations

from typing import Any

from genlab.i18n import Translator


def control(request_cls, name: str, lang: str, *, value: Any = None, model: str | None = None,
            elem_prefix: str = "", **kwargs):
    """The Gradio component of parameter ``name`` of ``request_cls`` (its default, or ``value``).

    Its ``elem_id`` is ``<section>-<elem_prefix><name>`` (underscores as dashes): pass a prefix
    when one tab shows the same parameter of two requests.
    """
    import gradio as gr

    p = request_cls.params()[name]
    tr = Translator(request_cls.SECTION, lang)
    if value is None:
        value = request_cls.defaults(model)[name]
    common = {"label": tr.label(name), "elem_id": f"{request_cls.SECTION}-{elem_prefix}{name.replace('_', '-')}", **kwargs}
    kind = p.view_control
    if kind == "slider":
        low, high, step = p.slider_bounds()
        return gr.Slider(low, high, value=value, step=step, info=p.info(tr, with_range=False), **common)
    if kind == "number":
        # precision=None: a non-integer reaches genlab's check instead of being rounded silently
        return gr.Number(value, precision=None, info=p.info(tr, with_range=True), **common)
    if kind in ("dropdown", "radio"):
        cls = gr.Dropdown if kind == "dropdown" else gr.Radio
        extra = {"allow_custom_value": True} if (p.open_choice and kind == "dropdown") else {}
        return cls(p.choice_pairs(tr), value=value, info=p.info(tr, with_range=False), **extra, **common)
    if kind == "textbox":
        return gr.Textbox(value, lines=p.lines, max_length=p.max_chars, info=p.info(tr, with_range=False),
                          **common)
    if kind == "checkbox":
        return gr.Checkbox(value, info=p.info(tr, with_range=False), **common)
    if kind == "dataframe":  # rows can be added and deleted (the check enforces their number); columns fixed
        return gr.Dataframe([list(row) for row in value], headers=p.column_labels(tr), datatype="number",
                            row_count=len(value), column_count=(len(p.columns), "fixed"), interactive=True,
                            **common)
    raise AssertionError(kind)


def controls(request_cls, lang: str, names=None, *, model: str | None = None, elem_prefix: str = "") -> dict[str, Any]:
    """Components for ``names`` (default: every parameter), in declaration order."""
    names = list(request_cls.params()) if names is None else list(names)
    return {name: control(request_cls, name, lang, model=model, elem_prefix=elem_prefix) for name in names}


def preset_updates(request_cls, model: str, names) -> list:
    """``gr.update`` values that set ``names`` to ``model``'s defaults (when the model changes)."""
    import gradio as gr

    defaults = request_cls.defaults(model)
    return [gr.update(value=defaults[name]) for name in names]


def validator(request_cls, names, lang: str, *, check=None):
    """A Gradio event ``validator=`` for inputs that are the controls of ``names``: the request's own
    check runs first, and a bad value is shown on its control, in the page's language, instead
    of failing the event (a failed event marks every one of its outputs "Error" beside their old
    values). ``check(request)`` then checks the checked request further (e.g. that its model is on
    this machine). An error that names no input (or any other failure) is left to the event's toast."""
    import gradio as gr

    from genlab.errors import InputError

    names = list(names)
    tr = Translator(request_cls.SECTION, lang)
    fixed = {"lang": lang} if "lang" in request_cls.params() else {}  # a request's figures follow the page

    def validate(*values):
        try:
            request = request_cls(**dict(zip(names, values)), **fixed).checked()
            if check is not None:
                check(request)
        except InputError as err:
            bad = err.param.partition("[")[0]  # a table's cell: its table
            if bad in names:
                return [gr.validate(name != bad, tr.error(err) if name == bad else "") for name in names]
        except Exception:  # noqa: BLE001 - runs unqueued: never fail here, the event reports it
            pass
        return [gr.validate(True, "") for _ in names]

    return validate
