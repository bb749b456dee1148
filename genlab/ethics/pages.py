"""The lecture's ethics section as readable pages, in English and Russian.

The texts are Markdown files, one per page and language: ``genlab/locale/<lang>/ethics/<key>.md``
(its first line ``# title``, then the body; ``$...$`` for math), so that they read and translate
as prose, math included, instead of as escaped JSON strings. The Russian text follows the lecture
(``seed/lecture.md``, "Этические аспекты генеративного ИИ"); the English is its translation.

Each page ends with links to the live demos that show its point: ``DEMOS`` names them once for
both languages, by app section id (probability, discriminative, taxonomy, autoregressive, gan,
vae, diffusion, ethics), or ``"ethics#bias"`` / ``"ethics#verify"`` for the experiment and the
verify box of the Ethics tab itself; the link texts are ``demo_<page>_<target>`` in
``locale/<lang>/ethics.json``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from genlab.i18n import LOCALE_DIR, Translator

DEMOS = (
    ("intro", ("discriminative",)),
    ("replicator", ("ethics#bias", "probability")),
    ("fairness", ("ethics#bias",)),
    ("hallucination", ("autoregressive",)),
    ("disinformation", ("ethics#verify", "diffusion")),
    ("deepfake", ("gan", "vae", "ethics#verify")),
    ("frame", ("ethics#bias", "ethics#verify", "taxonomy")),
)


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    body: str                      # markdown, $...$ for math
    demos: tuple                   # ((target, link text), ...)


def page_path(key: str, lang: str):
    return LOCALE_DIR / lang / "ethics" / f"{key}.md"


@functools.lru_cache(maxsize=None)
def pages(lang: str = "en") -> tuple[Page, ...]:
    """The pages in ``lang``, in the lecture's order."""
    tr = Translator("ethics", lang)  # validates lang with the usual message
    out = []
    for key, targets in DEMOS:
        head, _, body = page_path(key, lang).read_text("utf-8").partition("\n")
        out.append(Page(key, head.removeprefix("# ").strip(), body.strip(),
                        tuple((t, tr(f"demo_{key}_{t}")) for t in targets)))
    return tuple(out)
