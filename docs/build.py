"""Build the HTML reference (``make docs``) and fail on what would mislead a reader.

    python docs/build.py [OUT]       # default OUT: docs/_build/html

Sphinx runs nitpicky (``-n``): every cross-reference must resolve. The build fails (exit 1) on
any warning in the hand-written pages (``docs/*.rst``) and on a broken reference anywhere — a
formula linked to a function that was renamed, a docstring naming a class that does not exist.
Other warnings from docstrings (reStructuredText markup in text written as plain prose) are
printed, not fatal: the reference still builds and reads.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
BROKEN = re.compile(r"reference target not found|undefined label|term not in glossary|unknown document"
                    r"|toctree contains reference to nonexisting|failed to import|autodoc: failed")


def fatal(warnings: list[str]) -> list[str]:
    own = [str(p) for p in DOCS.glob("*.rst")]
    return [w for w in warnings if BROKEN.search(w) or any(w.startswith(p) for p in own)]


def main(argv=None) -> int:
    import contextlib
    import io

    from sphinx.cmd.build import build_main

    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else DOCS / "_build" / "html"
    log = out.parent / "warnings.txt"
    out.mkdir(parents=True, exist_ok=True)
    # -E -a: a fresh build every time (an incremental one would not repeat the warnings of unchanged pages)
    with contextlib.redirect_stderr(io.StringIO()):   # the warnings are printed below, once, with a verdict
        status = build_main(["-b", "html", "-n", "-q", "-E", "-a", "-w", str(log), str(DOCS), str(out)])
    warnings = [line for line in log.read_text(encoding="utf-8").splitlines() if "WARNING" in line or "ERROR" in line]
    bad = fatal(warnings)
    for line in warnings:
        print(("FATAL " if line in bad else "note  ") + line)
    print(f"{out}/index.html: {len(warnings)} warnings, {len(bad)} fatal")
    return 1 if status or bad else 0


if __name__ == "__main__":
    sys.exit(main())
