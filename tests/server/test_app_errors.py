"""In the app a user's mistake is a toast and one log line, never a traceback in the server's
console; a bug of genlab's own is logged with its traceback (and still answered with a toast)."""

import logging

from gradio_wire import WireClient, default_inputs, mounted_blocks


def _event(blocks, api_name):
    return next(i for i, fn in blocks.fns.items() if fn.api_name == api_name)


def _call(base, app, api_name, change):
    blocks = mounted_blocks(app, "en")
    index = _event(blocks, api_name)
    data = default_inputs(blocks, index)
    for position, value in change.items():
        data[position] = value
    client = WireClient(base)
    try:
        return client.call(index, data)
    finally:
        client.close()


def test_user_errors_are_one_line_and_no_traceback(genlab_server, capfd, caplog):
    base, app = genlab_server
    with caplog.at_level(logging.INFO, logger="genlab"):
        empty = _call(base, app, "autoregressive_score", {1: "   "})          # InputError in the handler
        out_of_range = _call(base, app, "autoregressive_generate", {2: 99})  # a slider's range (Gradio's check)
    assert not empty["success"] and "must not be empty" in empty["output"]["error"]
    assert not out_of_range["success"] and "99" in out_of_range["output"]["error"]
    assert "Traceback" not in capfd.readouterr().err
    lines = [r for r in caplog.records if r.name == "genlab.app" and "user error" in r.getMessage()]
    assert len(lines) >= 2 and all(r.exc_info is None and "\n" not in r.getMessage() for r in lines)


def test_a_bug_is_logged_with_its_traceback(genlab_server, monkeypatch, caplog):
    from genlab.families.autoregressive import pipeline

    def broken(*args, **kwargs):
        raise KeyError("a bug of genlab's own")

    # the pipeline, looked up at each call (the tab bound its handler when the app was built)
    monkeypatch.setattr(pipeline, "compare_statements", broken)
    base, app = genlab_server
    with caplog.at_level(logging.INFO, logger="genlab"):
        result = _call(base, app, "autoregressive_score", {})
    assert not result["success"] and "KeyError" in result["output"]["error"]
    bugs = [r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
    assert bugs and "a bug of genlab's own" in str(bugs[0].exc_info[1])
