"""Jupyter widgets (ipywidgets), one function per lecture section: ``genlab.widgets.gan()``, ...

Section ``s`` lives in the module ``genlab.widgets.<s>_widget`` (a different name from the
function, so importing the module never shadows the function on this package); it defines the
function ``s`` that returns an ipywidgets container. Views only: the math is in the library.
"""

from __future__ import annotations

import importlib
import importlib.util

SECTIONS = ("probability", "discriminative", "taxonomy", "autoregressive", "gan", "vae",
            "diffusion", "ethics")

__all__ = list(SECTIONS)


def _module_name(section: str) -> str:
    return f"genlab.widgets.{section}_widget"


def __getattr__(name):
    if name not in SECTIONS:
        raise AttributeError(name)
    if importlib.util.find_spec(_module_name(name)) is None:
        return _not_built(name)
    function = getattr(importlib.import_module(_module_name(name)), name)
    globals()[name] = function  # later look-ups skip __getattr__
    return function


def _not_built(name):
    def widget(*args, **kwargs):
        raise NotImplementedError(f"genlab.widgets.{name}: this section's widget is not built yet; "
                                  f"built: {', '.join(built()) or 'none'}")
    widget.__name__ = name
    return widget


def built() -> list[str]:
    return [s for s in SECTIONS if importlib.util.find_spec(_module_name(s)) is not None]
