import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tiny_qwen.py


@pytest.fixture(scope="session", autouse=True)
def one_thread():
    import torch

    torch.set_num_threads(1)  # tiny models: threads only add overhead on a shared machine


def tiny_char_lm(vocab="ab \n", seed=0, block_size=16, n_layer=2, n_embd=16, n_head=2):
    import torch

    from genlab.families.autoregressive.model import CharLM

    torch.manual_seed(seed)
    return CharLM(vocab, n_layer=n_layer, n_head=n_head, n_embd=n_embd, block_size=block_size).eval()


@pytest.fixture()
def char_lm():
    return tiny_char_lm()


@pytest.fixture(scope="session")
def trained_dir(tmp_path_factory):
    """A small model trained for a few steps on excerpts of both corpora, saved as a folder."""
    from genlab.data.text import russian, shakespeare
    from genlab.families.autoregressive.train import TrainConfig, train

    cfg = TrainConfig(n_layer=1, n_head=2, n_embd=32, block_size=32, batch_size=8, lr=1e-2, warmup_steps=5,
                      max_steps=80, eval_every=40, eval_windows=16)
    out = tmp_path_factory.mktemp("ar")
    train(cfg, out, corpora={"en": shakespeare()[:200_000], "ru": russian()[:50_000]}, log=lambda line: None)
    return out / "best"


@pytest.fixture(scope="session")
def tiny_qwen_dir(tmp_path_factory):
    from tiny_qwen import save_tiny_qwen

    return save_tiny_qwen(tmp_path_factory.mktemp("qwen") / "tiny-qwen3-vl")
