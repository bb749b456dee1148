"""`genlab train diffusion`: exact resume after SIGKILL, torchrun with 2 processes, clear errors.

The runs are tiny (8x8 digits, an 8/16-channel UNet) so that each takes seconds; what is checked is
what a user relies on: a killed run resumes to the same weights bit for bit, and N processes
under torchrun train the same model as one.
"""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from genlab.checkpoint import load_checkpoint
from genlab.cli import app

ROOT = Path(__file__).resolve().parents[2]
TINY = ["train", "diffusion", "--data", "digits8", "--channels", "8,16", "--batch-size", "16",
        "--checkpoint-every", "10", "--seed", "3"]


def _env():
    return {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "CI": os.environ.get("CI", "")}


def _genlab(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "genlab.cli", *args], env=_env(), cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def _tensors(payload, prefix=""):
    """Every tensor of a checkpoint payload, by its path."""
    if isinstance(payload, torch.Tensor):
        return {prefix: payload}
    items = payload.items() if isinstance(payload, dict) else enumerate(payload) \
        if isinstance(payload, (list, tuple)) else []
    out = {}
    for key, value in items:
        out.update(_tensors(value, f"{prefix}.{key}"))
    return out


def _train_here(out, steps, resume=False):
    """The same run as `genlab train diffusion` TINY, in this process (one thread, as the CLI)."""
    from genlab.compute import one_thread
    from genlab.families.diffusion.train import recipe, train_digits

    cfg = recipe("digits8", channels=[8, 16], batch_size=16, checkpoint_every=10, seed=3, steps=steps)
    with one_thread():
        train_digits(cfg, out, data="digits8", resume=resume, log=lambda message: None)


def _weights(folder):
    payload = load_checkpoint(folder)
    return payload, _tensors(payload)


def _max_difference(a, b):
    """The largest |a - b| over every tensor (NaN where both are NaN counts as equal)."""
    assert a.keys() == b.keys()
    return max(float(torch.nan_to_num((a[k].double() - b[k].double()).abs(), nan=0.0).max())
               for k in a)


@pytest.mark.timeout(1800)  # three tiny runs, two of them new processes, on a shared machine
def test_sigkill_then_resume_gives_bit_identical_weights(tmp_path):
    steps = ["--steps", "120"]
    _train_here(tmp_path / "ref", 120)

    folder = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "genlab.cli", *TINY, *steps, "--out", str(folder)],
                            env=_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not (folder / "state.json").is_file():  # the first checkpoint is written
        assert proc.poll() is None and time.monotonic() < deadline, "no checkpoint before the end"
        time.sleep(0.02)
    time.sleep(random.Random().uniform(0.0, 0.5))   # a random moment after it
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = load_checkpoint(folder)["step"]
    assert killed_at < 120, "the run ended before the kill: make it longer"

    resumed = _genlab(*TINY, *steps, "--out", str(folder), "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"resumed at step {killed_at}" in resumed.stderr + resumed.stdout
    ref_payload, ref = _weights(tmp_path / "ref")
    got_payload, got = _weights(folder)
    assert got_payload["step"] == ref_payload["step"] == 120
    assert ref.keys() == got.keys() and len(ref) > 20
    for key in ref:  # model, optimizer moments, EMA, batch generator: bit for bit (NaN: the
        # bound's table, not measured during training)
        torch.testing.assert_close(got[key], ref[key], rtol=0, atol=0, equal_nan=True, msg=key)


def test_resume_with_nothing_to_resume_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, [*TINY, "--steps", "5", "--out", str(tmp_path / "empty"), "--resume"])
    assert result.exit_code == 2
    assert "error:" in result.output and "--resume" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("args,param", [(["--steps", "0"], "--steps"),
                                        (["--budget-minutes", "-1"], "--budget-minutes"),
                                        (["--channels", "8,x"], "--channels"),
                                        (["--data", "cifar"], "--data")])
def test_bad_training_options_name_the_parameter(tmp_path, args, param):
    result = CliRunner().invoke(app, [*TINY, "--out", str(tmp_path / "r"), *args])
    assert result.exit_code == 2 and param in result.output, result.output


def _torchrun(nproc, *args, log_dir):
    return subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={nproc}",
         "--redirects", "3", "--log-dir", str(log_dir), "-m", "genlab.cli", *args],
        env=_env(), cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.timeout(1800)
def test_torchrun_two_processes_train_the_same_model_as_one(tmp_path):
    steps = ["--steps", "30"]
    _train_here(tmp_path / "one", 30)
    two = _torchrun(2, *TINY, *steps, "--out", str(tmp_path / "two"), log_dir=tmp_path / "logs")
    assert two.returncode == 0, two.stdout[-2000:] + two.stderr[-2000:]
    _, ref = _weights(tmp_path / "one")
    payload, got = _weights(tmp_path / "two")
    assert payload["step"] == 30
    # The same batches and noise; only the order of floating-point sums differs (the gradient
    # is summed over two slices, then averaged across processes): measured ~1e-7 after 30 steps.
    worst = _max_difference(ref, got)
    assert worst < 1e-4, worst
    # checkpoints by rank 0 only (one weights file), progress bars on rank 0 only
    assert len(list((tmp_path / "two").glob("training-*.safetensors"))) == 1
    logs = {p.parent.name: p.read_text() for p in (tmp_path / "logs").rglob("stderr.log")}
    assert "diffusion digits8" in logs["0"] and "diffusion digits8" not in logs["1"]

    # resumable at another world size: 2 processes' checkpoint continued by 1 process
    _train_here(tmp_path / "two", 40, resume=True)
    _train_here(tmp_path / "one", 40, resume=True)
    _, a = _weights(tmp_path / "one")
    _, b = _weights(tmp_path / "two")
    assert _max_difference(a, b) < 1e-4
