"""Small helpers the tabs share: translated errors, the not-built notice."""

from __future__ import annotations

import functools
import logging
from typing import Callable

from genlab.errors import InputError
from genlab.i18n import Translator

log = logging.getLogger("genlab.app")


USER_ERRORS = (InputError, ValueError, FileNotFoundError, NotImplementedError)


def as_gradio_error(err: Exception, lang: str, where: str = "handler", section: str | None = None):
    """The toast for a failed event: a user's mistake is logged as one line and shown translated,
    the parameter named by its label in ``section``'s locale file; genlab's own bug is logged with
    its traceback and shown as a short message. The toast's title is in the page's language too."""
    import gradio as gr
    from gradio.exceptions import InvalidPathError

    tr = Translator(section, lang)
    if isinstance(err, gr.Error):
        return err
    if isinstance(err, InvalidPathError):  # Gradio's own file check (genlab.app.guard)
        message = InputError("file", "not_uploaded").message(lang)
    elif isinstance(err, USER_ERRORS):
        message = tr.error(err, labelled=True)
    else:
        log.error("%s failed", where, exc_info=err)
        return gr.Error(f"{type(err).__name__}: {err}", title=tr("error"), print_exception=False)
    log.info("user error in %s: %s", where, " ".join(message.split()))
    return gr.Error(message, title=tr("error"), print_exception=False)


def _section_of(fn) -> str | None:
    """The locale section of a handler (``genlab.sections.gan.generate`` -> "gan")."""
    module = getattr(getattr(fn, "func", fn), "__module__", None) or ""   # a functools.partial: its function
    if module.startswith(("genlab.sections.", "genlab.app.tabs.")):
        return module.rsplit(".", 1)[-1]
    return None


def user_errors(lang: str) -> Callable:
    """Decorate a handler so bad input becomes a translated ``gr.Error`` toast and the app goes on
    (``as_gradio_error``); widgets and tests call the same handlers undecorated."""

    def decorate(fn):
        # a functools.partial has no __name__: name the function it wraps
        name = getattr(fn, "__name__", None) or getattr(getattr(fn, "func", None), "__name__", "handler")
        section = _section_of(fn)
        if _is_generator(fn):
            @functools.wraps(fn)
            def gen_wrapper(*args, **kwargs):
                try:
                    yield from fn(*args, **kwargs)
                except Exception as err:  # noqa: BLE001 - every failure must reach the user
                    raise as_gradio_error(err, lang, name, section) from err
            return gen_wrapper

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as err:  # noqa: BLE001
                raise as_gradio_error(err, lang, name, section) from err
        return wrapper

    return decorate


def _is_generator(fn) -> bool:
    import inspect

    return inspect.isgeneratorfunction(fn)


def plot_data(spec: dict | None):
    """A plotly figure dict for gr.Plot, serialised straight from the dict: building and
    validating a plotly Figure would cost more than everything else on a slider move."""
    from gradio.components.plot import PlotData
    from plotly.io.json import to_json_plotly

    return None if spec is None else PlotData(type="plotly", plot=to_json_plotly(spec))


def drawn_by_browser(fn: Callable) -> Callable:
    """``fn`` with each plotly figure dict it returns (``genlab.sections.drawn``) made ready for
    gr.Plot (``plot_data``); other outputs pass unchanged."""

    def convert(value):
        return plot_data(value) if isinstance(value, dict) and "data" in value and "layout" in value else value

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        out = fn(*args, **kwargs)
        return tuple(map(convert, out)) if isinstance(out, tuple) else convert(out)
    return wrapper


def render_not_built(strings: dict, lang: str) -> None:
    import gradio as gr

    tr = Translator(strings, lang)
    gr.Markdown(f"{tr('about')}\n\n**{tr('not_built')}**", elem_classes=["not-built"])
