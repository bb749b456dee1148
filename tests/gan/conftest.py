import pytest
import torch

from genlab.data.digits import CLASS_NAMES
from genlab.families.gan import pipeline
from genlab.families.gan.model import ConditionalGAN


@pytest.fixture()
def tiny_lab(tmp_path, monkeypatch):
    """A tiny random digits GAN standing in for the shipped one (the pipeline code is the same)."""
    torch.manual_seed(0)
    ConditionalGAN(z_dim=8, g_ch=4, d_ch=4, embed_dim=4, class_names=list(CLASS_NAMES)).save_lab(tmp_path / "gan")
    monkeypatch.setattr(pipeline, "lab_asset", lambda: tmp_path / "gan")
    pipeline.load_lab_gan.cache_clear()
    yield tmp_path / "gan"
    pipeline.load_lab_gan.cache_clear()
