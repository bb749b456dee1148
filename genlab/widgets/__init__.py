"""Jupyter widgets (ipywidgets), one function per lecture section: ``genlab.widgets.gan()``, ...

Each section lives in its own module ``genlab.widgets.<section>`` defining a function of the same
name that returns an ipywidgets container; views only, the math is in the library.
"""

from __future__ import annotations

import importlib

SECTIONS = ("probability", "discriminative", "taxonomy", "autoregressive", "gan", "vae",
            "diffusion", "ethics")

__all__ = list(SECTIONS)


def __getattr__(name):
    if name not in SECTIONS:
        raise AttributeError(name)
    try:
        module = importlib.import_module(f"genlab.widgets.{name}")
    except ModuleNotFoundError as err:
        if err.name != f"genlab.widgets.{name}":
            raise
        return _not_built(name)
    return getattr(module, name)


def _not_built(name):
    def widget(*args, **kwargs):
        raise NotImplementedError(f"genlab.widgets.{name}: this section's widget is not built yet; "
                                  f"built: {', '.join(built()) or 'none'}")
    widget.__name__ = name
    return widget


def built() -> list[str]:
    return [s for s in SECTIONS if importlib.util.find_spec(f"genlab.widgets.{s}") is not None]


import importlib.util  # noqa: E402
