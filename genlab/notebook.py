"""Any output of genlab as a notebook that makes it again: the typed request, as genlab calls.

``request_notebook(request)`` writes the cells from the request itself — its class, its
parameters (the seed included) and its pipeline function (``PIPELINE``, a function of the
request's module) — so every tab, widget and CLI command exports through this one function,
never through per-tab code templates. The result's ``show()`` draws what the user saw. The
provenance record travels in the notebook's metadata and in its first cell.
"""

from __future__ import annotations

import json
from pathlib import Path

from genlab.i18n import Translator

FORMAT_NOTE = "AI-generated"


def request_code(request) -> str:
    """The Python that rebuilds ``request`` and runs its pipeline."""
    cls = type(request)
    fn = cls.PIPELINE
    fields = ",\n".join(f"    {name}={value!r}" for name, value in request.values().items())
    return (f"from {cls.__module__} import {cls.__name__}, {fn}\n\n"
            f"request = {cls.__name__}(\n{fields},\n)\n"
            f"result = {fn}(request)\n"
            "result.show()")


def request_notebook(request, *, provenance: dict | None = None, lang: str = "en"):
    """An nbformat v4 notebook that reproduces the output of ``request``."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    tr = Translator("notebook", lang)
    provenance = provenance or {}
    header = tr("header", model=provenance.get("model", "?"), seed=provenance.get("seed", "?"),
                label=provenance.get("label", FORMAT_NOTE))
    record = "```json\n" + json.dumps(provenance, indent=1, ensure_ascii=False, default=str) + "\n```"
    nb = new_notebook(cells=[new_markdown_cell(header + "\n\n" + record), new_code_cell(request_code(request))],
                      metadata={"genlab": provenance,
                                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                                "language_info": {"name": "python"}})
    nbformat.validate(nb)
    return nb


def save_notebook(request, path: str | Path, *, provenance: dict | None = None, lang: str = "en",
                  atomic: bool = True) -> Path:
    """Write the notebook of ``request`` to ``path`` (``.ipynb``); ``atomic``: readers see the old
    file or the new one, never a part (``False`` for a fresh path that nothing else reads yet)."""
    import nbformat

    from genlab.checkpoint import atomic_write_text

    path = Path(path)
    text = nbformat.writes(request_notebook(request, provenance=provenance, lang=lang))
    if atomic:
        return atomic_write_text(path, text)
    path.write_text(text, encoding="utf-8")
    return path
