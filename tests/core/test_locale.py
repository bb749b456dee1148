"""The locale files: both languages have the same keys and the same placeholders."""

import json
import string

import pytest

from genlab.i18n import LANGS, LOCALE_DIR, Translator, format_error, sections


def _flatten(tree, prefix=""):
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _fields(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("section", sections())
def test_both_languages_have_the_same_keys_and_placeholders(section):
    tables = {lang: dict(_flatten(json.loads((LOCALE_DIR / lang / f"{section}.json").read_text("utf-8"))))
              for lang in LANGS}
    assert set(tables["en"]) == set(tables["ru"]), f"{section}: keys differ between en and ru"
    for key, text in tables["en"].items():
        if isinstance(text, str) and key != "custom":  # legacy: {text_en} / {text_ru}, until no error uses it
            assert _fields(text) == _fields(tables["ru"][key]), f"{section}.{key}: placeholders differ"


def test_every_language_has_the_same_files():
    assert {p.name for p in (LOCALE_DIR / "en").glob("*.json")} == {p.name for p in (LOCALE_DIR / "ru").glob("*.json")}


def test_errors_are_formatted_in_the_users_language():
    assert format_error("n", "out_of_range", {"value": "17", "interval": "[1, 16]"}, "ru") == \
        "n: 17 вне допустимого диапазона [1, 16]"
    assert format_error("n", "no_such_code", {}, "en") == "n: invalid (no_such_code)"


def test_translator_falls_back_to_common_texts():
    assert Translator("common", "ru")("stop") == "Стоп"
    assert Translator({"en": {"x": "y"}, "ru": {"x": "у"}}, "ru")("x") == "у"


def test_every_error_code_the_library_raises_has_a_message():
    """Each ``InputError(param, "code", ...)`` in genlab's source names a template of errors.json
    (else the user reads "invalid (code)" in any language)."""
    import re
    from pathlib import Path

    codes = json.loads((LOCALE_DIR / "en" / "errors.json").read_text("utf-8"))
    source = Path(LOCALE_DIR).parent
    raised = {match for path in source.rglob("*.py")
              for match in re.findall(r'InputError\(\s*[^,()]+,\s*"(\w+)"', path.read_text("utf-8"))}
    assert len(raised) > 50
    assert raised - set(codes) == set()
