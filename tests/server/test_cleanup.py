"""What a class leaves behind goes away: sessions whose page closed or that sat idle are dropped
with their state, the number of sessions is bounded, and old outputs and uploads are deleted."""

import os
import tempfile
import time
from pathlib import Path

import gradio as gr
import pytest
from fastapi import FastAPI

from genlab.app import serving
from genlab.limits import QueueLimits


@pytest.fixture()
def blocks_with_state():
    """A mounted Blocks with one gr.State whose deletions are recorded."""
    deleted = []
    with gr.Blocks() as blocks:
        state = gr.State([], delete_callback=deleted.append)
        box = gr.Number()
        gr.Button().click(lambda s: len(s), state, box)
    limits = QueueLimits(max_sessions=50, idle_seconds=600, closed_seconds=60)
    serving.configure_queue(blocks, limits)
    gr.mount_gradio_app(FastAPI(), blocks, path="/en")
    return blocks, state, deleted, limits


def test_closed_and_idle_sessions_are_dropped_with_their_state(blocks_with_state):
    blocks, state, deleted, limits = blocks_with_state
    holder = blocks.state_holder
    for name in ("open", "closed", "idle", "busy"):
        holder[name][state._id] = [name]
    now = time.time()
    holder.session_data["closed"].is_closed = True
    for name in ("idle", "busy"):  # unused for longer than idle_seconds
        holder.time_last_used[name] = holder.time_last_used[name].fromtimestamp(now - 601)
    blocks._queue.pending_event_ids_session["busy"] = {"an-event-still-running"}

    assert serving.drop_expired_sessions(blocks, limits, now=now) == 1  # idle: gone now
    assert set(holder.session_data) == {"open", "closed", "busy"}
    assert serving.drop_expired_sessions(blocks, limits, now=now + 61) == 1  # closed: after 60 s
    assert set(holder.session_data) == {"open", "busy"} == set(holder.time_last_used)
    assert sorted(deleted) == [["closed"], ["idle"]]


def test_the_number_of_sessions_is_bounded(blocks_with_state):
    blocks, state, _, limits = blocks_with_state
    for i in range(3 * limits.max_sessions):
        blocks.state_holder[f"s{i}"][state._id] = [i]
    assert len(blocks.state_holder.session_data) == limits.max_sessions
    assert f"s{3 * limits.max_sessions - 1}" in blocks.state_holder  # the newest are kept


def test_old_files_and_the_empty_folders_they_leave_are_deleted(tmp_path):
    old, now = time.time() - 7200, time.time()

    def make(rel, mtime):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        os.utime(path, (mtime, mtime))
        return path

    stale = make("outputs/genlab-gan-1/grid.png", old)
    fresh = make("outputs/genlab-gan-2/grid.png", now)
    kept = make("gradio/abc/page-image.png", old)  # in Gradio's cache folders: Gradio's sweep decides
    loose = make("gradio/tmpa1b2c3", old)           # the empty file an upload leaves beside it
    (tmp_path / "gradio" / "emptied").mkdir()
    for folder in (stale.parent, tmp_path / "gradio" / "emptied"):
        os.utime(folder, (old, old))
    assert serving.sweep_files(tmp_path, 3600) == 2
    # the folder emptied now keeps its fresh mtime: it goes on the next sweep, an hour later
    assert not stale.exists() and not loose.exists() and fresh.exists() and kept.exists()
    assert not (tmp_path / "gradio" / "emptied").exists()
    assert serving.sweep_files(tmp_path, 3600, now=now + 3601) == 1
    assert not stale.parent.exists() and not fresh.parent.exists() and kept.exists()


def test_a_server_writes_every_temporary_file_under_its_scratch_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", tempfile.tempdir)
    for name in ("GRADIO_TEMP_DIR", "TMPDIR"):
        monkeypatch.setenv(name, os.environ.get(name, ""))
    serving.use_scratch_folder(tmp_path)
    out = Path(tempfile.mkdtemp(prefix="genlab-gan-"))
    assert out.parent == tmp_path / "outputs"
    assert os.environ["GRADIO_TEMP_DIR"] == str(tmp_path / "gradio")
    serving.remove_scratch(tmp_path)
    assert not tmp_path.exists()
