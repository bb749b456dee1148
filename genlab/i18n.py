"""English and Russian text for every view, from the locale files.

``genlab/locale/<lang>/<section>.json`` holds a section's texts: ``{"text": {key: text},
"params": {name: {"label": ..., "help": ...}}}``; ``common.json`` the texts every section
shares; ``errors.json`` the templates of error messages by code. A test checks that both
languages have the same keys. Library errors carry a code and values only (``InputError``);
``format_error`` turns them into a sentence in the user's language.

This module imports nothing from genlab: errors, views and the library all build on it.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

LANGS = ("en", "ru")
LANG_NAMES = {"en": "English", "ru": "Русский"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang: {lang!r} is not one of {', '.join(LANGS)}")
    return lang


@functools.lru_cache(maxsize=None)
def load(section: str, lang: str) -> dict:
    """The parsed locale file of ``section`` in ``lang`` (empty if there is none)."""
    path = LOCALE_DIR / check_lang(lang) / f"{section}.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text("utf-8"))


def sections() -> list[str]:
    """Every section that has a locale file (in English)."""
    return sorted(p.stem for p in (LOCALE_DIR / "en").glob("*.json"))


def format_error(param: str, code: str, details: dict, lang: str = "en") -> str:
    """The message of an error ``code`` about ``param``, in ``lang``."""
    templates = load("errors", lang)
    template = templates.get(code) or load("errors", "en").get(code) or "{param}: invalid ({code})"
    fields = {"param": param, "code": code, "text_en": "", "text_ru": ""}
    fields.update(details)
    if not fields["text_ru"]:
        fields["text_ru"] = fields["text_en"]
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError):  # a template that wants a value the error lacks
        return f"{param}: {code}"


class Translator:
    """``tr(key, **fields)``: the text for ``key`` in ``lang``, from a section's locale file.

    ``source`` is a section name (its locale file) or, for views not yet moved to locale files,
    a table ``{"en": {...}, "ru": {...}}``; ``common.json`` fills in shared keys.
    """

    def __init__(self, source: str | dict[str, dict[str, str]] | None, lang: str = "en"):
        self.lang = check_lang(lang)
        self.section = source if isinstance(source, str) else None
        own = load(source, lang) if isinstance(source, str) else {"text": (source or {}).get(lang, {})}
        self.table = {**load("common", lang).get("text", {}), **own.get("text", {})}
        self.param_texts = own.get("params", {})

    def __call__(self, key: str, **fields) -> str:
        text = self.table[key]
        return text.format(**fields) if fields else text

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.table.get(key, default)

    def label(self, name: str) -> str:
        """A parameter's label (its name when the locale file has none)."""
        entry = self.param_texts.get(name) or load("common", self.lang).get("params", {}).get(name, {})
        return entry.get("label", name)

    def help(self, name: str) -> str:
        entry = self.param_texts.get(name) or load("common", self.lang).get("params", {}).get(name, {})
        return entry.get("help", "")

    def error(self, err: Exception, *, labelled: bool = False) -> str:
        """A user-facing message for an exception, in this language; ``labelled``: the parameter
        named by its label on the page (as a toast far from its control needs), not its code name."""
        if hasattr(err, "code") and hasattr(err, "param"):
            param = self.label(err.param) if labelled else err.param
            return format_error(param, err.code, getattr(err, "details", {}), self.lang)
        return str(err)
