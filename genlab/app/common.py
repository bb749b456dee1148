"""Small helpers the tabs share: translated errors, the not-built notice."""

from __future__ import annotations

import functools
import logging
from typing import Callable

from genlab.errors import InputError
from genlab.i18n import Translator

log = logging.getLogger("genlab.app")


def user_errors(lang: str) -> Callable:
    """Decorate a handler so bad input becomes a translated ``gr.Error`` toast and the app goes on.

    ``InputError``/``ValueError`` are the user's to fix and are shown as they are; anything else
    is logged with its traceback and shown as a short message.
    """
    import gradio as gr

    tr = Translator(None, lang)

    def decorate(fn):
        def convert(err: Exception):
            if isinstance(err, gr.Error):
                return err
            if isinstance(err, (InputError, ValueError, FileNotFoundError, NotImplementedError)):
                return gr.Error(tr.error(err))
            log.exception("handler %s failed", fn.__name__)
            return gr.Error(f"{tr('error')}: {type(err).__name__}: {err}")

        if _is_generator(fn):
            @functools.wraps(fn)
            def gen_wrapper(*args, **kwargs):
                try:
                    yield from fn(*args, **kwargs)
                except Exception as err:  # noqa: BLE001 - every failure must reach the user
                    raise convert(err) from err
            return gen_wrapper

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as err:  # noqa: BLE001
                raise convert(err) from err
        return wrapper

    return decorate


def _is_generator(fn) -> bool:
    import inspect

    return inspect.isgeneratorfunction(fn)


def render_not_built(strings: dict, lang: str) -> None:
    import gradio as gr

    tr = Translator(strings, lang)
    gr.Markdown(f"{tr('about')}\n\n**{tr('not_built')}**", elem_classes=["not-built"])
