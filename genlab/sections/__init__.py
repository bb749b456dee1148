"""The lecture's sections as plain handlers: what a web tab and a Jupyter widget both call.

``genlab.sections.<section>`` holds the section's handlers: plain functions of plain values (the
values of the controls, in the order the request declares them, and the page's language) that
build the family's typed request, run its pipeline and return what a view shows — file paths
(written with provenance), figures, translated text. They import no Gradio and no ipywidgets, so
they are tested without a UI; the tab (``genlab.app.tabs``) and the widget (``genlab.widgets``)
only lay out controls and wire events to them.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

SECTIONS = ("probability", "discriminative", "taxonomy", "autoregressive", "gan", "vae",
            "diffusion", "ethics")


def output_path(filename: str) -> Path:
    """A fresh path for a file a handler writes for the user (under one genlab folder in the
    system's temporary directory, so the server's cache cleanup can find and remove it)."""
    root = Path(os.environ.get("GENLAB_OUTPUT_DIR") or Path(tempfile.gettempdir()) / "genlab-outputs")
    folder = root / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    return folder / filename


def save_result_notebook(result, stem: str, lang: str = "en") -> str:
    """The path of a notebook that reproduces ``result`` (its typed request, with its provenance)."""
    from genlab.notebook import save_notebook

    # a fresh folder that nothing reads before this returns: no atomic rename, no fsync (two
    # fsyncs on every slider move held a light event's slot for tens of milliseconds under load)
    return str(save_notebook(result.request, output_path(f"{stem}.ipynb"), provenance=result.provenance, lang=lang,
                             atomic=False))


FIGURES = ("plotly", "matplotlib")


def drawn(result, figure: str = "plotly"):
    """What a view draws of ``result``: ``"plotly"``, the plain plotly figure dict the browser
    draws (the web page's: milliseconds per slider move); ``"matplotlib"``, the lecture's figure
    (the widgets' PNGs)."""
    if figure not in FIGURES:
        raise ValueError(f"figure must be one of {FIGURES}, not {figure!r}")
    return result.spec() if figure == "plotly" else result.figure()
