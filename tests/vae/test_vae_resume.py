"""The VAE trainers checkpoint atomically and resume exactly (genlab.checkpoint).

A ``genlab train vae`` killed with SIGKILL at a random moment after its first checkpoint and
resumed ends with the same weights, bit for bit, as an uninterrupted run with the same seed.
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
from safetensors.torch import load_file

from synth import require_espeak

ROOT = Path(__file__).resolve().parents[2]
TOY = ["--data", "moons", "--steps", "3000", "--batch-size", "16", "--seed", "3"]


def genlab(*args, **kwargs):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, "-m", "genlab.cli", "train", "vae", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def assert_same_weights(a: Path, b: Path):
    wa, wb = load_file(a), load_file(b)
    assert wa.keys() == wb.keys()
    for key in wa:
        assert torch.equal(wa[key], wb[key]), key


def test_resume_with_nothing_to_resume_is_an_error(tmp_path):
    out, err = genlab(*TOY, "--resume", "--out", str(tmp_path / "empty")).communicate(timeout=120)
    assert err.strip().startswith("error:") and "nothing to resume" in err
    assert "Traceback" not in err + out


def test_sigkill_after_first_checkpoint_then_resume_is_bit_identical(tmp_path):
    straight = genlab(*TOY, "--out", str(tmp_path / "straight"))
    assert straight.wait(timeout=300) == 0, straight.stderr.read()

    for attempt in range(3):  # the kill must land while the run is still going
        folder = tmp_path / f"killed{attempt}"
        run = genlab(*TOY, "--out", str(folder))
        while not (folder / "state.json").is_file():
            assert run.poll() is None, run.stderr.read()
            time.sleep(0.01)
        time.sleep(random.uniform(0.0, 0.5))
        if run.poll() is None:
            run.send_signal(signal.SIGKILL)
            assert run.wait(timeout=60) == -signal.SIGKILL
            break
    else:
        pytest.fail("the run always finished before it could be killed")
    assert not (folder / "model.safetensors").exists()
    resumed = genlab(*TOY, "--resume", "--out", str(folder))
    assert resumed.wait(timeout=300) == 0, resumed.stderr.read()
    assert_same_weights(tmp_path / "straight" / "model.safetensors", folder / "model.safetensors")


class Interrupted(Exception):
    pass


def interrupt_after(monkeypatch, n_checkpoints: int):
    """Stop a trainer right after its n-th checkpoint, as a kill would."""
    import genlab.checkpoint as checkpoint

    real, calls = checkpoint.save_checkpoint, []

    def save_then_stop(*args, **kwargs):
        path = real(*args, **kwargs)
        calls.append(path)
        if len(calls) == n_checkpoints:
            raise Interrupted
        return path

    monkeypatch.setattr(checkpoint, "save_checkpoint", save_then_stop)


def test_digit_vae_resumes_exactly(tmp_path, monkeypatch):
    from genlab.families.vae.fit import maximise_elbo
    from genlab.families.vae.image_vae import DigitVAE

    x = torch.rand(64, 1, 28, 28)

    def fit(folder, resume=False):
        torch.manual_seed(0)
        model = DigitVAE(hidden=32)
        return maximise_elbo(model, x, steps=9, batch_size=8, lr=1e-3, seed=1, kl_warmup=0.5,
                             checkpoint=folder, save_every=3, resume=resume)

    straight = fit(tmp_path / "a")
    with monkeypatch.context() as m:
        interrupt_after(m, 2)
        with pytest.raises(Interrupted):
            fit(tmp_path / "b")
    resumed = fit(tmp_path / "b", resume=True)
    assert resumed.fit_info_["steps"] == 9
    for (name, p), q in zip(straight.state_dict().items(), resumed.state_dict().values()):
        assert torch.equal(p, q), name


def test_speech_vae_resumes_exactly(tmp_path, monkeypatch):
    require_espeak()
    from genlab.families.vae.train_audio import AudioTrainConfig, train_audio_vae

    config = dict(steps=6, save_every=2, batch_size=2, segment=1024, n_train_utterances=3,
                  engines=("espeak-ng",), real_fraction=0.0,
                  model=dict(channels=4, c_mults=[1, 2], strides=[2, 4], latent_dim=3))
    straight = train_audio_vae(tmp_path / "a", AudioTrainConfig(**config), progress=False)
    with monkeypatch.context() as m:
        interrupt_after(m, 2)
        with pytest.raises(Interrupted):
            train_audio_vae(tmp_path / "b", AudioTrainConfig(**config), progress=False)
    resumed = train_audio_vae(tmp_path / "b", AudioTrainConfig(**config), resume=True, progress=False)
    for (name, p), q in zip(straight.state_dict().items(), resumed.state_dict().values()):
        assert torch.equal(p, q), name


def test_a_torn_checkpoint_is_refused(tmp_path):
    from genlab.checkpoint import CheckpointError
    from genlab.families.vae.fit import maximise_elbo
    from genlab.families.vae.toy_vae import ToyVAE

    x = torch.randn(50, 2)
    maximise_elbo(ToyVAE(hidden=8), x, steps=4, batch_size=8, lr=1e-3, seed=0, checkpoint=tmp_path, save_every=2)
    weights = next(tmp_path.glob("training-*.safetensors"))
    weights.write_bytes(weights.read_bytes()[:-7])
    with pytest.raises(CheckpointError, match="does not match"):
        maximise_elbo(ToyVAE(hidden=8), x, steps=6, batch_size=8, lr=1e-3, seed=0, checkpoint=tmp_path,
                      resume=True)
