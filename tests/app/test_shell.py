"""The app shell without a browser: both languages build, every tab has complete translations."""

import importlib

import pytest

from genlab.app.tabs import SECTIONS
from genlab.i18n import LANGS, Translator, load


@pytest.mark.parametrize("name", SECTIONS)
def test_tab_module_contract(name):
    module = importlib.import_module(f"genlab.app.tabs.{name}")
    assert set(module.TITLE) == set(LANGS)
    assert callable(module.render)
    if hasattr(module, "STRINGS"):  # a tab not yet moved to genlab/locale
        assert set(module.STRINGS) == set(LANGS)
        assert set(module.STRINGS["en"]) == set(module.STRINGS["ru"]), "untranslated keys"
    else:
        assert load(name, "en") and load(name, "ru"), f"no locale file for the {name} tab"


def test_translator_rejects_unknown_language():
    with pytest.raises(ValueError, match="lang"):
        Translator(None, "de")


def test_app_builds_for_every_language():
    from fastapi.testclient import TestClient

    from genlab.app import create_app

    client = TestClient(create_app("ru"))
    redirect = client.get("/", follow_redirects=False)
    assert redirect.status_code in (302, 307) and redirect.headers["location"] == "/ru/"
    for lang in LANGS:
        page = client.get(f"/{lang}/")
        assert page.status_code == 200


def test_create_app_rejects_bad_language():
    from genlab.app import create_app

    with pytest.raises(ValueError, match="lang"):
        create_app("xx")


def test_page_language_script_comes_first():
    from genlab.app.serving import pin_page_language

    html = b'<!doctype html><html><head><meta charset="utf-8"><script src="/x.js"></script></head></html>'
    pinned = pin_page_language(html, "ru")
    assert pinned.index(b'const lang = "ru"') < pinned.index(b"/x.js")
    assert pinned.startswith(b"<!doctype html><html><head><script>")
