"""The layers of README's "How the code is laid out": a module imports only its own layer and
the layers below it (imports inside functions count), and families never import each other."""

import ast
from pathlib import Path

import genlab

ROOT = Path(genlab.__file__).resolve().parent

# lowest first; a module's layer is the first rule that matches its dotted name
LAYERS = [
    ("foundations", ("genlab", "genlab.i18n", "genlab.errors", "genlab.seeding", "genlab.limits", "genlab.compute",
                     "genlab.assets", "genlab.checkpoint", "genlab.distributed", "genlab.core", "genlab.info",
                     "genlab.registry")),
    ("files", ("genlab.provenance", "genlab.params", "genlab.notebook", "genlab.audio")),
    ("data", ("genlab.data",)),
    ("prob / classic", ("genlab.prob", "genlab.classic")),
    ("figures", ("genlab.viz",)),
    ("metrics", ("genlab.metrics",)),
    # sections 1-2 have no family folder: their pipelines sit beside their libraries
    ("families", ("genlab.families", "genlab.prob.pipeline", "genlab.classic.pipeline")),
    ("comparisons", ("genlab.taxonomy", "genlab.ethics")),
    ("sections", ("genlab.sections",)),
    ("views", ("genlab.app", "genlab.widgets", "genlab.cli", "genlab.cli_options")),
]
VIEW_FILES = ("cli",)  # a family's cli.py is a view that lives beside its family


def layer_of(module: str) -> int:
    if module.rsplit(".", 1)[-1] in VIEW_FILES:
        return len(LAYERS) - 1
    best = None
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (i, len(prefix))
    assert best is not None, f"{module}: no layer"
    return best[0]


def family_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "families" else None


def imports(path: Path, module: str):
    tree = ast.parse(path.read_text("utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                yield f"{base}.{node.module}" if node.module else base
            elif node.module:
                yield node.module


def modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield path, ".".join(parts)


def violations():
    found = []
    for path, module in modules():
        own, fam = layer_of(module), family_of(module)
        for target in imports(path, module):
            if not target.startswith("genlab") or target == "genlab":
                continue
            if layer_of(target) > own:
                found.append(f"{module} ({LAYERS[own][0]}) imports {target} ({LAYERS[layer_of(target)][0]})")
            elif fam and family_of(target) and family_of(target) != fam and layer_of(module) != len(LAYERS) - 1:
                found.append(f"{module} imports another family: {target}")
    return found


def test_no_import_runs_upward():
    assert violations() == []


def test_sections_import_no_ui_library():
    """Handlers run without Gradio or ipywidgets: tabs and widgets both call them."""
    offenders = [f"{module} imports {target}" for path, module in modules() if module.startswith("genlab.sections")
                 for target in imports(path, module) if target.split(".")[0] in ("gradio", "ipywidgets")]
    assert offenders == []
