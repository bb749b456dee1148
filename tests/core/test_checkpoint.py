"""Checkpoints survive a kill at any moment: atomic files, the state written last, parts checked."""

import json
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

from genlab.checkpoint import (CheckpointError, atomic_write_text, has_checkpoint, load_checkpoint,
                               save_checkpoint)


def _payload():
    torch.manual_seed(0)
    net = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    net(torch.randn(4, 3)).sum().backward()
    opt.step()
    return {"model": net.state_dict(), "optimizer": opt.state_dict(), "rng": torch.Generator().manual_seed(5).get_state(),
            "numpy_rng": np.random.default_rng(3).bit_generator.state, "history": [{"step": 1, "loss": 0.5}],
            "flag": True, "none": None}


def test_round_trip_restores_everything(tmp_path):
    payload = _payload()
    save_checkpoint(tmp_path, payload, step=7)
    back = load_checkpoint(tmp_path)
    for key, value in payload["model"].items():
        torch.testing.assert_close(back["model"][key], value, rtol=0, atol=0)
    assert back["optimizer"]["param_groups"] == payload["optimizer"]["param_groups"]
    assert set(back["optimizer"]["state"]) == {0, 1}  # int keys stay ints: load_state_dict needs them
    net = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    opt.load_state_dict(back["optimizer"])
    assert torch.equal(back["rng"], payload["rng"])
    rng = np.random.default_rng()
    rng.bit_generator.state = back["numpy_rng"]
    assert rng.random() == np.random.default_rng(3).random()
    assert back["history"] == payload["history"] and back["flag"] is True and back["none"] is None


def test_only_the_newest_weights_remain(tmp_path):
    save_checkpoint(tmp_path, {"w": torch.zeros(2)}, step=1)
    save_checkpoint(tmp_path, {"w": torch.ones(2)}, step=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json", "training-2.safetensors"]
    assert torch.equal(load_checkpoint(tmp_path)["w"], torch.ones(2))


def test_nothing_to_resume_names_the_parameter(tmp_path):
    assert not has_checkpoint(tmp_path)
    with pytest.raises(CheckpointError, match="--resume: nothing to resume"):
        load_checkpoint(tmp_path)
    assert "нечего продолжать" in CheckpointError(tmp_path, "checkpoint_missing").message("ru")


def test_disagreeing_parts_are_refused(tmp_path):
    save_checkpoint(tmp_path, {"w": torch.zeros(2)}, step=1)
    weights = tmp_path / "training-1.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1
    weights.write_bytes(bytes(data))  # a torn or replaced weights file
    with pytest.raises(CheckpointError, match="does not match"):
        load_checkpoint(tmp_path)
    weights.unlink()
    with pytest.raises(CheckpointError, match="missing"):
        load_checkpoint(tmp_path)
    atomic_write_text(tmp_path / "state.json", "{not json")
    with pytest.raises(CheckpointError, match="not a genlab checkpoint"):
        load_checkpoint(tmp_path)
    atomic_write_text(tmp_path / "state.json", json.dumps({"format": "genlab-checkpoint/1", "step": 1,
                                                           "weights": "../x", "sha256": "", "payload": {}}))
    with pytest.raises(CheckpointError, match="not a genlab checkpoint"):
        load_checkpoint(tmp_path)


WRITER = textwrap.dedent("""
    import sys, torch
    from genlab.checkpoint import save_checkpoint
    folder = sys.argv[1]
    step = 0
    while True:
        step += 1
        save_checkpoint(folder, {"w": torch.full((200_000,), float(step)), "step": step}, step=step)
        print(step, flush=True)
""")


@pytest.mark.parametrize("delay", [0.3, 0.7, 1.1])
def test_sigkill_during_writes_leaves_a_consistent_checkpoint(tmp_path, delay):
    """Kill a process that checkpoints in a loop: what is left always loads, and agrees with itself."""
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE,
                            env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert proc.stdout.readline()  # the first checkpoint is complete
    import time

    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    back = load_checkpoint(tmp_path)
    assert torch.all(back["w"] == back["step"])
