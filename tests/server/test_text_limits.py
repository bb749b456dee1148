"""Every text box of every event has a length limit, and the server enforces it for any client,
before the handler runs: Gradio's ``Textbox(max_length=...)`` stops only a browser's typing, and
a box the chosen backend does not read (the diffusion tab's prompt with a lab model) must not
be a way around it either. The refusal names the box and the limit, in the page's language: as a
toast, or, for an event with a validator, on the box itself (the queue refuses the event)."""

import gradio as gr
import httpx
import pytest
from gradio_wire import WireClient, default_inputs, mounted_blocks

from genlab.errors import InputError


def text_events(blocks):
    """(fn index, name, [(position, component)]) of every event that takes a text box."""
    events = []
    for dep in blocks.config["dependencies"]:
        boxes = [(k, blocks.blocks[cid]) for k, cid in enumerate(dep["inputs"])
                 if isinstance(blocks.blocks[cid], gr.Textbox)]
        if boxes:
            events.append((dep["id"], dep.get("api_name") or str(dep["id"]), boxes))
    return events


def test_every_text_box_an_event_reads_declares_its_limit(genlab_server):
    _, app = genlab_server
    events = text_events(mounted_blocks(app, "en"))
    assert {"autoregressive_generate", "autoregressive_score", "diffusion_generate"} <= {n for _, n, _ in events}
    unbounded = [(name, box.label) for _, name, boxes in events for _, box in boxes if box.max_length is None]
    assert unbounded == []


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_text_over_its_limit_is_refused_before_the_work(genlab_server, lang):
    _, app = genlab_server
    blocks = mounted_blocks(app, lang)
    client = WireClient(genlab_server[0], lang=lang)
    tried = []
    try:
        for fn_index, name, boxes in text_events(blocks):
            for position, box in boxes:
                data = default_inputs(blocks, fn_index)
                data[position] = "x" * (box.max_length + 1)
                too_long = {"length": box.max_length + 1, "max_chars": box.max_length}
                try:
                    result = client.call(fn_index, data)
                except httpx.HTTPStatusError as err:  # the validator refused it before the queue
                    assert err.response.status_code == 422, (name, box.label, err.response.text)
                    refused = [(k, v) for k, v in enumerate(err.response.json()["detail"]) if not v["is_valid"]]
                    assert [k for k, _ in refused] == [position], (name, box.label, refused)
                    expected = InputError(refused[0][1]["parameter_name"], "text_too_long", **too_long).message(lang)
                    assert refused[0][1]["message"] == expected, (name, box.label, refused)
                else:
                    expected = InputError(box.label, "text_too_long", **too_long).message(lang)
                    assert not result["success"] and result["output"]["error"] == expected, (name, box.label, result)
                tried.append((name, box.label))
    finally:
        client.close()
    assert len(tried) >= 6, tried   # prompt and stop; both statements; prompt, negative prompt, x_0 steps
