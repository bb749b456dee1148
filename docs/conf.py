"""Sphinx configuration of genlab's API reference (``make docs``: static HTML, no network).

The API pages are written here, at build time, from the package itself (one page per package,
every module of it through autodoc + numpydoc), into ``docs/api/`` (ignored by git), so a new
module appears without editing anything. ``families.rst`` is written by hand: each formula of the
lecture linked to the function that computes it. ``docs/build.py`` runs the build nitpicky (``-n``)
and fails on any warning in the pages written here and on a broken reference anywhere.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))

import genlab  # noqa: E402

project = "genlab"
release = version = genlab.__version__
extensions = ["sphinx.ext.autodoc", "sphinx.ext.mathjax", "numpydoc"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path: list[str] = []
# the build itself needs no network; a browser loads MathJax (Sphinx's default, a CDN) to typeset the
# formulas, and shows them as TeX where it cannot

autodoc_typehints = "none"            # annotations name third-party types (np.ndarray, torch.Tensor...)
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "undoc-members": True}
autodoc_inherit_docstrings = False   # torch's and scikit-learn's docstrings reference their own docs
numpydoc_show_class_members = False   # members are documented by autodoc below the class
numpydoc_class_members_toctree = False
nitpicky = True
# third-party and builtin names that appear in docstrings' "Parameters" / "Returns" types
nitpick_ignore_regex = [("py:class", r"(np|numpy|torch|optional|array|array-like|callable|default).*")]

SKIP = ("genlab.__main__",)   # runs the CLI when imported
# one page per package below; a package not listed here is documented on its parent's page
PACKAGES = ("genlab", "genlab.prob", "genlab.classic", "genlab.data", "genlab.viz", "genlab.metrics",
            "genlab.families", "genlab.provenance", "genlab.ethics", "genlab.sections", "genlab.widgets",
            "genlab.app")


def _modules(package: str) -> list[str]:
    """``package`` and its public modules, those of its subpackages without a page of their own included."""
    names = [package]
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__, package + "."):
        if info.name in PACKAGES or info.name in SKIP or info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        names += _modules(info.name) if info.ispkg else [info.name]
    return names


def write_api_pages() -> None:
    out = DOCS / "api"
    out.mkdir(exist_ok=True)
    pages = []
    for package in PACKAGES:
        name = package.replace(".", "_")
        body = [package, "=" * len(package), ""]
        for module in _modules(package):
            body += [f".. automodule:: {module}", ""]
        (out / f"{name}.rst").write_text("\n".join(body), encoding="utf-8")
        pages.append(name)
    index = ["API reference", "=============", "", "Generated from the docstrings (numpydoc).", "",
             ".. toctree::", "   :maxdepth: 1", ""] + [f"   {p}" for p in pages]
    (out / "index.rst").write_text("\n".join(index) + "\n", encoding="utf-8")


write_api_pages()


def skip_foreign(app, what, name, obj, skip, options):
    """Members genlab inherits or receives from other libraries (scikit-learn's ``set_*_request``,
    Gradio's event triggers) are theirs to document: skip them."""
    module = getattr(obj, "__module__", None)
    if isinstance(module, str) and not module.startswith("genlab") and what in ("class", "module"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", skip_foreign)
