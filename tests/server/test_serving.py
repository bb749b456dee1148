"""Serving a class: 127.0.0.1 by default, a warning naming what another address exposes, a
login (--auth / GENLAB_AUTH) that guards every page and API route of both languages, and
pretrained downloads decided by the server's operator only."""

import inspect

import httpx
import pytest
from gradio_wire import WireClient, served
from typer.testing import CliRunner

from genlab import downloads
from genlab.app import exposure_warning, parse_auth
from genlab.cli import app as cli

runner = CliRunner()
USERS = [("teacher", "s3cret"), ("assistant", "other:pw")]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_addresses_need_no_warning(host):
    assert exposure_warning(host, None, False) is None


def test_another_address_warns_what_is_exposed():
    text = exposure_warning("0.0.0.0", None, False)
    assert "0.0.0.0" in text and "every tab" in text and "anyone" in text
    assert "password: OFF" in text and "--auth" in text
    assert "downloads: off" in text
    text = exposure_warning("192.168.1.20", USERS, True)
    assert "password: on (2 users)" in text and "downloads: ON" in text


@pytest.fixture()
def fake_server(monkeypatch):
    """`genlab serve` with the app and uvicorn replaced: what serve would run, recorded."""
    import uvicorn

    import genlab.app
    import genlab.compute
    from genlab.app import serving

    calls = {}
    for name in ("use_scratch_folder", "remove_scratch"):   # they would redirect this process's tempfile
        monkeypatch.setattr(serving, name, lambda scratch: None)
    monkeypatch.setattr(genlab.compute, "use_threads", lambda n: calls.update(threads=n))
    monkeypatch.setattr(genlab.app, "create_app", lambda lang, auth=None, **kw: calls.update(lang=lang, auth=auth))
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.update(run=kw))
    monkeypatch.delenv("GENLAB_AUTH", raising=False)
    yield calls
    downloads.configure(False)


def test_serve_defaults_to_this_machine_without_downloads(fake_server):
    result = runner.invoke(cli, ["serve"])
    assert result.exit_code == 0, result.output
    assert fake_server["run"]["host"] == "127.0.0.1"
    assert "WARNING" not in result.output
    assert not downloads.allowed()
    assert fake_server["threads"] == 1  # torch and every BLAS pool: heavy jobs run side by side


def test_serve_from_python_on_all_addresses_prints_the_warning(fake_server, capsys):
    import genlab.app

    genlab.app.serve(host="0.0.0.0")
    assert "WARNING: listening on 0.0.0.0" in capsys.readouterr().err


def test_serve_shortens_the_interpreter_lock_switch(fake_server, monkeypatch):
    """A heavy job's thread gives the lock to the event loop (every page's requests) within
    ``gil_switch_ms``, not Python's 5 ms."""
    import sys

    seen = []
    monkeypatch.setattr(sys, "setswitchinterval", seen.append)
    assert runner.invoke(cli, ["serve"]).exit_code == 0
    assert runner.invoke(cli, ["serve", "--limit", "gil_switch_ms=2"]).exit_code == 0
    assert seen == [0.0005, 0.002]


def test_serve_on_all_addresses_prints_the_warning(fake_server, monkeypatch):
    monkeypatch.setenv("GENLAB_AUTH", "teacher:s3cret,assistant:other:pw")
    result = runner.invoke(cli, ["serve", "--host", "0.0.0.0", "--allow-downloads"])
    assert result.exit_code == 0, result.output
    assert result.output.count("WARNING: listening on 0.0.0.0") == 1
    assert "password: on (2 users)" in result.output and "downloads: ON" in result.output
    assert fake_server["auth"] == USERS
    assert downloads.allowed()


def test_serve_warns_in_the_cli_language_and_serves_it_by_default(fake_server):
    result = runner.invoke(cli, ["--lang", "ru", "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert "ВНИМАНИЕ: сервер слушает 0.0.0.0" in result.output and "пароль: ВЫКЛЮЧЕН" in result.output
    assert "WARNING" not in result.output
    assert fake_server["lang"] == "ru"


def test_replicas_speak_the_cli_language(monkeypatch):
    import os

    import genlab.app.replicas

    seen = {}
    monkeypatch.setenv("GENLAB_LANG", "en")  # restored after the test
    monkeypatch.setattr(genlab.app.replicas, "serve_class",
                        lambda *args: seen.update(lang=os.environ["GENLAB_LANG"], args=args))
    result = runner.invoke(cli, ["--lang", "ru", "serve", "--replicas", "2"])
    assert result.exit_code == 0, result.output
    assert seen["lang"] == "ru" and seen["args"][0] == 2


def test_serve_sets_uvicorns_keep_alive_from_the_limits(fake_server):
    assert runner.invoke(cli, ["serve"]).exit_code == 0
    assert fake_server["run"]["timeout_keep_alive"] == 5  # uvicorn's own default
    assert runner.invoke(cli, ["serve", "--limit", "keep_alive_seconds=75"]).exit_code == 0
    assert fake_server["run"]["timeout_keep_alive"] == 75


def test_a_queue_stream_of_an_unknown_session_ends_cleanly_in_one_log_line(genlab_server, capfd, caplog):
    """Gradio's stream tells the page "session not found", then raises after its response has
    started: the connection used to be cut mid-body (nginx: "upstream prematurely closed") with
    two tracebacks in the log. The page is told, the response is complete, the log is one line."""
    import logging

    base, _ = genlab_server
    with caplog.at_level(logging.WARNING):
        response = httpx.get(f"{base}/en/gradio_api/queue/data", params={"session_hash": "nobody"}, timeout=60)
    assert response.status_code == 200  # read to its end: no RemoteProtocolError
    assert '"session_not_found":true' in response.text
    assert "Traceback" not in capfd.readouterr().err
    lines = [r for r in caplog.records if r.name == "genlab.app" and "nobody" in r.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None and "\n" not in lines[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info]


def test_serve_takes_several_auth_options(fake_server):
    result = runner.invoke(cli, ["serve", "--auth", "a:1", "--auth", "b:2"])
    assert result.exit_code == 0, result.output
    assert fake_server["auth"] == [("a", "1"), ("b", "2")]


@pytest.mark.parametrize("bad", ["nocolon", ":pw", "user:"])
def test_a_malformed_auth_is_a_one_line_error(fake_server, bad):
    result = runner.invoke(cli, ["serve", "--auth", bad])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: --auth") and "USER:PASSWORD" in result.output
    assert "run" not in fake_server


def test_parse_auth_keeps_colons_in_passwords():
    assert parse_auth([], "teacher:s3cret, assistant:other:pw") == USERS


def test_no_control_in_the_app_can_turn_downloads_on():
    from genlab.sections import diffusion

    assert "allow_download" not in inspect.signature(diffusion.generate).parameters
    for lang in ("en", "ru"):
        from genlab.app import build_blocks

        blocks = build_blocks(lang)
        labels = [str(getattr(c, "label", "") or "").lower() for c in blocks.blocks.values()
                  if type(c).__name__ == "Checkbox"]
        assert not [label for label in labels if "download" in label or "скача" in label], labels


@pytest.fixture(scope="module")
def protected_server():
    from genlab.app import create_app

    app = create_app("en", auth=USERS)
    with served(app) as base:
        yield base


PROTECTED = [("GET", "/{lang}/config"), ("GET", "/{lang}/gradio_api/info"),
             ("POST", "/{lang}/gradio_api/upload"), ("POST", "/{lang}/gradio_api/queue/join"),
             ("GET", "/{lang}/gradio_api/queue/data?session_hash=x"),
             ("GET", "/{lang}/gradio_api/file=/etc/passwd"), ("POST", "/{lang}/gradio_api/call/gan_generate"),
             ("POST", "/{lang}/gradio_api/run/gan_generate")]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_without_a_login_nothing_is_served(protected_server, lang):
    with httpx.Client(timeout=60) as http:
        for method, path in PROTECTED:
            r = http.request(method, protected_server + path.format(lang=lang),
                             json={"data": [], "fn_index": 0, "session_hash": "x"})
            assert r.status_code == 401, (method, path, r.status_code)
        page = http.get(f"{protected_server}/{lang}/")
        assert page.status_code == 200 and '"auth_required":true' in page.text.replace(" ", "")
        assert "tab-gan" not in page.text        # the login form, not the app
        bad = http.post(f"{protected_server}/{lang}/login", data={"username": "teacher", "password": "no"})
        assert bad.status_code in (400, 401) and not bad.cookies   # refused, no session cookie


def test_one_login_serves_both_languages_and_the_api(protected_server):
    client = WireClient(protected_server, "en", auth=("assistant", "other:pw"))
    try:
        for lang in ("en", "ru"):
            assert client.http.get(f"{protected_server}/{lang}/config").status_code == 200
        path = client.upload("note.txt", b"hello")
        assert path
    finally:
        client.close()
