"""ipywidgets controls built from a request's parameter declarations (``genlab.params``).

The same labels, defaults, ranges and choices as the web app's controls. Number boxes are
unbounded (bounded ipywidgets clamp silently): genlab's check refuses out-of-range values. A table
parameter is a text box with one row per line (ipywidgets has no editable table).
"""

from __future__ import annotations

from typing import Any

from genlab.i18n import Translator


def control(request_cls, name: str, lang: str, *, value: Any = None, model: str | None = None,
            width: str = "520px"):
    import ipywidgets as w


    p = request_cls.params()[name]
    tr = Translator(request_cls.SECTION, lang)
    if value is None:
        value = request_cls.defaults(model)[name]
    common = {"description": tr.label(name), "tooltip": p.info(tr, with_range=True),
              "style": {"description_width": "initial"}, "layout": w.Layout(width=width)}
    kind = p.view_control
    if kind == "slider":
        low, high, step = p.slider_bounds()
        cls = w.IntSlider if p.kind == "int" else w.FloatSlider
        return cls(value=value, min=low, max=high, step=step, **common)
    if kind == "number":
        cls = w.IntText if p.kind in ("int", "seed") else w.FloatText
        return cls(value=value, **common)
    if kind in ("dropdown", "radio"):
        cls = w.Dropdown if kind == "dropdown" else w.RadioButtons
        options = p.choice_pairs(tr)
        if p.open_choice and value not in [v for _, v in options]:
            options.append((str(value), value))
        return cls(options=options, value=value, **common)
    if kind == "textbox":
        cls = w.Textarea if p.lines > 1 else w.Text
        return cls(value=value, **common)
    if kind == "checkbox":
        return w.Checkbox(value=value, **common)
    if kind == "dataframe":  # one row per line, the cells separated by commas
        header = ", ".join(p.column_labels(tr))
        return w.Textarea(value=p.text(value, "\n"), placeholder=header,
                          **{**common, "layout": w.Layout(width=width, height=f"{2 + 1.6 * len(value):.0f}em")})
    raise AssertionError(kind)


def controls(request_cls, lang: str, names=None, *, model: str | None = None) -> dict[str, Any]:
    names = list(request_cls.params()) if names is None else list(names)
    return {name: control(request_cls, name, lang, model=model) for name in names}


def values(widgets: dict[str, Any]) -> dict[str, Any]:
    """The current value of every control, by parameter name."""
    return {name: widget.value for name, widget in widgets.items()}


def markdown_html(text: str, *, math: bool = False) -> str:
    """Markdown (a handler's tables and notes) as HTML for an ipywidgets.HTML; ``math=True`` keeps
    ``$...$`` spans as they are (Markdown would eat their backslashes) for an ipywidgets.HTMLMath."""
    import re

    from markdown_it import MarkdownIt

    spans = []
    if math:
        def keep(m):
            spans.append(m.group(0))
            return f"GENLABMATH{len(spans) - 1}X"
        text = re.sub(r"\$\$.+?\$\$|\$[^$]+\$", keep, text, flags=re.S)
    out = MarkdownIt("commonmark").enable("table").render(text)
    return re.sub(r"GENLABMATH(\d+)X", lambda m: spans[int(m.group(1))], out)


def redraw_on_release(widgets: dict[str, Any]) -> None:
    """Sliders update their value when released, not at every step of a drag (each is a redraw)."""
    for widget in widgets.values():
        if hasattr(widget, "continuous_update"):
            widget.continuous_update = False
