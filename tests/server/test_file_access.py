"""A client can make the server read only files it uploaded in its own session.

Every event that takes a file (found in the Blocks' config, so a new one is covered) is sent a
file object pointing at a server file that was not uploaded: it is refused, with the same answer
for a file that exists and one that does not. Another session's upload is refused too; the
session's own uploads and the files the app sent it work.
"""

import os
import wave
from pathlib import Path

import pytest
from gradio_wire import WireClient, default_inputs, file_data, file_events, mounted_blocks

from genlab.errors import InputError

REFUSAL = {lang: InputError("file", "not_uploaded").message(lang) for lang in ("en", "ru")}


def _wav_bytes(path: Path) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x10\x00" * 16000)
    return path


@pytest.fixture(scope="module")
def secrets_on_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("server-secrets")
    return {"existing": _wav_bytes(folder / "secret.wav"), "missing": folder / "missing.wav",
            "passwd": Path("/etc/passwd")}


@pytest.fixture()
def visitor(genlab_server):
    base, _ = genlab_server
    client = WireClient(base)
    yield client
    client.close()


def _error(result: dict) -> str | None:
    return None if result.get("success") else (result.get("output") or {}).get("error")


def test_the_file_events_are_found(genlab_server):
    _, app = genlab_server
    names = {name for _, name, _ in file_events(mounted_blocks(app, "en"))}
    assert len(names) >= 4, names   # VAE reconstruct and interpolate, ethics verify (click, upload)


def test_every_file_event_refuses_server_files_the_same_way(genlab_server, visitor, secrets_on_server,
                                                            capfd):
    _, app = genlab_server
    blocks = mounted_blocks(app, "en")
    tried = 0
    for fn_index, name, positions in file_events(blocks):
        for position in positions:
            answers = {}
            for label, path in secrets_on_server.items():
                data = default_inputs(blocks, fn_index)
                data[position] = file_data(str(path), orig_name="clip.wav")
                answers[label] = _error(visitor.call(fn_index, data))
                tried += 1
            assert set(answers.values()) == {REFUSAL["en"]}, (name, position, answers)
    assert tried >= 15
    assert "Traceback" not in capfd.readouterr().err


def test_a_url_is_refused_without_fetching_it(genlab_server, visitor):
    base, app = genlab_server
    blocks = mounted_blocks(app, "en")
    fn_index, _, positions = file_events(blocks)[0]
    data = default_inputs(blocks, fn_index)
    data[positions[0]] = file_data(f"{base}/en/config", url=f"{base}/en/config")
    assert _error(visitor.call(fn_index, data)) == REFUSAL["en"]


def _verify_event(blocks) -> int:
    return next(i for i, name, _ in file_events(blocks) if name.startswith("ethics_verify"))


def test_own_upload_is_accepted_and_another_sessions_is_refused(genlab_server):
    base, app = genlab_server
    blocks = mounted_blocks(app, "en")
    verify = _verify_event(blocks)
    alice, mallory = WireClient(base), WireClient(base)
    try:
        path = alice.upload("note.txt", b"written by a person")
        ok = alice.call(verify, [file_data(path, orig_name="note.txt")])
        assert ok["success"], ok
        assert "no provenance" in ok["output"]["data"][0].lower() or "provenance" in str(ok["output"])
        assert _error(mallory.call(verify, [file_data(path)])) == REFUSAL["en"]
        # The same refusal for a made-up path in the upload folder.
        fake = os.path.join(os.path.dirname(os.path.dirname(path)), "0" * 64, "note.txt")
        assert _error(mallory.call(verify, [file_data(fake)])) == REFUSAL["en"]
    finally:
        alice.close()
        mallory.close()


def test_the_refusal_is_in_the_pages_language(genlab_server):
    base, app = genlab_server
    blocks = mounted_blocks(app, "ru")
    verify = _verify_event(blocks)
    client = WireClient(base, "ru")
    try:
        assert _error(client.call(verify, [file_data("/etc/passwd")])) == REFUSAL["ru"]
    finally:
        client.close()


def test_a_file_the_app_sent_can_be_sent_back(genlab_server, visitor):
    """The random shipped clip button fills the audio input; reconstructing it then works."""
    _, app = genlab_server
    blocks = mounted_blocks(app, "en")
    pick = next(i for i, fn in blocks.fns.items() if fn.name == "pick_random_clip")
    clip = visitor.call(pick, [0])
    assert clip["success"], clip
    served_file = clip["output"]["data"][0]
    reconstruct = next(i for i, _, positions in file_events(blocks)   # one audio input: the VAE's
                       if positions == [0] and blocks.fns[i].inputs[0].__class__.__name__ == "Audio")
    data = default_inputs(blocks, reconstruct)
    data[0] = served_file
    result = visitor.call(reconstruct, data)
    assert result["success"], result


def test_gradios_own_check_is_on_for_the_mounted_app(genlab_server, visitor, secrets_on_server,
                                                     monkeypatch):
    """Layer 1 alone (the session check switched off): Gradio's upload-folder check refuses."""
    _, app = genlab_server
    blocks = mounted_blocks(app, "en")
    assert blocks.has_launched
    monkeypatch.setattr(blocks.session_files, "owns", lambda token, path: True)
    verify = _verify_event(blocks)
    for path in secrets_on_server.values():
        assert _error(visitor.call(verify, [file_data(str(path))])) == REFUSAL["en"]
