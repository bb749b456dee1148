"""`genlab train gan` under torchrun (2 gloo processes = 1 process), and killed with SIGKILL at a
random moment then resumed: the final checkpoint bit-identical to an uninterrupted run."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from genlab.checkpoint import load_checkpoint
from genlab.data.digits import CLASS_NAMES, load_mnist
from genlab.families.gan.model import ConditionalGAN
from genlab.families.gan.train import TrainConfig, train_conditional_gan

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
TINY = ["train", "gan", "--g-ch", "4", "--d-ch", "4", "--batch-size", "16", "--eval-every", "0", "--seed", "3"]

pytestmark = pytest.mark.slow


def cli(*args, torchrun=0, **popen):
    launcher = ([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", str(torchrun)]
                if torchrun else [sys.executable])
    return launcher + ["-m", "genlab.cli", *TINY, *args]


def reference(steps, folder):
    """The same training as TINY in this process: one process, one thread."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(3)
        gan = ConditionalGAN(g_ch=4, d_ch=4, class_names=list(CLASS_NAMES))
        x, y = load_mnist("train")
        cfg = TrainConfig(steps=steps, seed=3, batch_size=16, eval_every=0, checkpoint_every=steps)
        train_conditional_gan(gan, x, y, cfg, log=lambda row: None, checkpoint=folder)
    finally:
        torch.set_num_threads(threads)
    return load_checkpoint(folder)


def tensors(payload, prefix=""):
    """Every tensor of a checkpoint payload by its path."""
    if isinstance(payload, torch.Tensor):
        yield prefix, payload
    elif isinstance(payload, dict):
        for key, value in payload.items():
            yield from tensors(value, f"{prefix}.{key}")
    elif isinstance(payload, (list, tuple)):
        for i, value in enumerate(payload):
            yield from tensors(value, f"{prefix}.{i}")


def test_sigkill_at_a_random_moment_then_resume_is_bit_identical(tmp_path):
    steps, out = 150, tmp_path / "killed"
    run = subprocess.Popen(cli("--steps", str(steps), "--checkpoint-every", "10", "--out", str(out)), env=ENV,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not (out / "checkpoint" / "state.json").is_file():
        assert run.poll() is None and time.time() < deadline, "no first checkpoint"
        time.sleep(0.05)
    delay = random.uniform(0.0, 2.0)
    time.sleep(delay)
    run.send_signal(signal.SIGKILL)
    assert run.wait(timeout=60) == -signal.SIGKILL, f"finished before the kill ({delay:.2f} s)"
    killed_at = load_checkpoint(out / "checkpoint")["step"]
    assert 10 <= killed_at < steps
    resumed = subprocess.run(cli("--steps", str(steps), "--checkpoint-every", "10", "--out", str(out), "--resume"),
                             env=ENV, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f'"resumed_at_step": {killed_at}' in resumed.stderr + resumed.stdout
    final, straight = load_checkpoint(out / "checkpoint"), reference(steps, tmp_path / "straight")
    assert final["step"] == straight["step"] == steps
    got, want = dict(tensors(final)), dict(tensors(straight))
    assert got.keys() == want.keys() and len(got) > 40
    for name in want:  # weights, EMA, optimizer moments, the batch generator's state
        assert torch.equal(got[name], want[name]), (name, f"killed at step {killed_at} after {delay:.2f} s")


def test_resume_with_nothing_to_resume_exits_2(tmp_path):
    res = subprocess.run(cli("--steps", "5", "--out", str(tmp_path / "none"), "--resume"), env=ENV,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 2 and "error: --resume: nothing to resume" in res.stderr
    assert "Traceback" not in res.stderr


def outputs(payload):
    """G in training mode (batch statistics) and D on a fixed batch: what the weights compute."""
    torch.manual_seed(0)
    gan = ConditionalGAN(g_ch=4, d_ch=4)
    gan.generator.load_state_dict(payload["G"])
    gan.discriminator.load_state_dict(payload["D"])
    gen = torch.Generator().manual_seed(1)
    z, y = torch.randn(32, gan.z_dim, generator=gen), torch.arange(32) % 10
    with torch.no_grad():
        images = gan.generator.train()(z, y)
        return images, gan.discriminator.train()(images, y)


def test_two_processes_under_torchrun_take_the_steps_of_one(tmp_path):
    """The same global batch and seed: 2 gloo processes (8 rows each, batch norm over all 16)
    against 1 process. They agree to float32 round-off (measured: 2e-6 on the weights, below 1e-6
    on what G and D compute) except the bias of G's first transposed convolution: a batch norm
    follows it, so its true gradient is 0 and Adam turns round-off into steps of +-lr (1e-3 after
    6 steps); the batch norm cancels it, and the outputs do not depend on it."""
    two = subprocess.run(cli("--steps", "6", "--checkpoint-every", "3", "--out", str(tmp_path / "two"),
                             torchrun=2), env=ENV, capture_output=True, text=True, timeout=600)
    assert two.returncode == 0, two.stderr[-3000:]
    assert two.stdout.count('"steps_done": 6') == 1 and '"processes": 2' in two.stdout  # rank 0 reports
    card = (tmp_path / "two" / "README.md").read_text(encoding="utf-8")
    assert (f"torchrun --nproc-per-node 2 -m genlab.cli train gan --data mnist --steps 6 --out {tmp_path / 'two'} "
            "--seed 3 --budget-minutes 24.0 --g-ch 4 --d-ch 4 --batch-size 16 --checkpoint-every 3 "
            "--eval-every 0 --threads 1") in card  # every option, from what the command parsed
    one = reference(6, tmp_path / "one")
    dist = load_checkpoint(tmp_path / "two" / "checkpoint")
    for net in ("G", "D"):
        for key, value in one[net].items():
            if value.is_floating_point() and key not in ("block1.conv.bias", "block2.norm.bn.running_mean"):
                assert torch.allclose(dist[net][key], value, rtol=1e-4, atol=1e-5), (net, key)
    for a, b in zip(outputs(dist), outputs(one)):
        assert torch.allclose(a, b, atol=1e-5)
    # resumable at any world size: 2 processes' checkpoint at step 6, continued in 1 to step 9
    more = subprocess.run(cli("--steps", "9", "--out", str(tmp_path / "two"), "--resume"), env=ENV,
                          capture_output=True, text=True, timeout=600)
    assert more.returncode == 0, more.stderr[-3000:]
    card = (tmp_path / "two" / "README.md").read_text(encoding="utf-8")
    assert f"`genlab train gan --data mnist --steps 9 --out {tmp_path / 'two'} --seed 3 " in card
    assert "--threads 1 (resumed with --resume)`" in card  # the run's options, the resume said apart
    later, straight = load_checkpoint(tmp_path / "two" / "checkpoint"), reference(9, tmp_path / "nine")
    assert later["step"] == 9
    for a, b in zip(outputs(later), outputs(straight)):
        assert torch.allclose(a, b, atol=1e-4)
