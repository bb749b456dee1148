"""EAR_VAE's loader on tiny random-weight models of the same architecture (offline)."""

import json

import numpy as np
import pytest
import torch

from genlab.errors import InputError
from genlab.families.vae.pretrained import EARVAE, load_ear_vae, save_ear_vae_checkpoint


def tiny_config(strides, transformer=False, latent=32):
    cfg = {
        "encoder": {"config": {"in_channels": 2, "channels": 4, "c_mults": [1, 2], "strides": strides,
                               "latent_dim": 2 * latent, "use_snake": True}},
        "decoder": {"config": {"out_channels": 2, "channels": 4, "c_mults": [1, 2], "strides": strides,
                               "latent_dim": latent, "use_nearest_upsample": False, "use_snake": True,
                               "final_tanh": False}},
        "latent_dim": latent, "downsampling_ratio": int(np.prod(strides)), "io_channels": 2,
    }
    if transformer:
        cfg["transformer"] = {"depth": 2, "config": {"dim_heads": 32, "attn_kwargs": {"qk_norm": True},
                                                     "ff_kwargs": {"mult": 2}}}
    return cfg


def randomize(model, seed=0):
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(0.3 * torch.randn(p.shape, generator=gen))
    return model


@pytest.mark.parametrize("strides,weight_name,rate", [([2, 4], "ear_vae_44k.pyt", 44_100),
                                                      ([6, 10], "ear_vae_v2_48k.pyt", 48_000)])
@pytest.mark.parametrize("transformer", [False, True])
def test_round_trip_through_the_pyt_path(tmp_path, strides, weight_name, rate, transformer):
    model = randomize(EARVAE(tiny_config(strides, transformer), rate)).eval()
    folder = save_ear_vae_checkpoint(model, tmp_path / "snap", weight_name)
    loaded = load_ear_vae(folder)
    assert loaded.sample_rate == rate and loaded.hop == int(np.prod(strides))
    assert (loaded.transformers is not None) == transformer
    x = torch.randn(1, 2, 3 * loaded.hop)
    with torch.no_grad():
        mu, sigma = loaded.encode(x)
        assert mu.shape == (1, 32, 3) and torch.all(sigma > 0)
        np.testing.assert_allclose(loaded.decode(mu).numpy(), model.decode(model.encode(x)[0]).numpy(),
                                   rtol=1e-5, atol=1e-5)
        assert loaded.decode(mu).shape == x.shape


def test_state_dict_names_are_the_published_ones():
    names = set(EARVAE(tiny_config([2, 4], transformer=True), 44_100).state_dict())
    # keys as they appear in EAR_VAE's .pyt (stable-audio-tools' weight-normalised Oobleck)
    for key in ["encoder.layers.0.weight_g", "encoder.layers.0.weight_v",
                "encoder.layers.1.layers.0.layers.0.alpha", "encoder.layers.1.layers.0.layers.1.weight_v",
                "encoder.layers.1.layers.4.weight_g", "encoder.layers.4.weight_v",
                "decoder.layers.1.layers.1.weight_g", "decoder.layers.4.weight_v",
                "transformers.rotary_pos_emb.inv_freq", "transformers.layers.1.self_attn.to_qkv.weight",
                "transformers.layers.0.ff.ff.0.proj.weight", "transformers.layers.0.ff.ff.2.bias",
                "transformers.layers.0.pre_norm.gamma"]:
        assert key in names, key
    assert "decoder.layers.4.bias" not in names  # the last conv has no bias


def test_weight_norm_matches_torch(tmp_path):
    from torch.nn.utils import weight_norm

    from genlab.families.vae.oobleck import WNConv1d, WNConvTranspose1d

    torch.manual_seed(0)
    for ours, ref in [(WNConv1d(3, 5, 4, stride=2, padding=1), torch.nn.Conv1d(3, 5, 4, stride=2, padding=1)),
                      (WNConvTranspose1d(5, 3, 8, stride=4, padding=2),
                       torch.nn.ConvTranspose1d(5, 3, 8, stride=4, padding=2))]:
        ref = weight_norm(ref)
        with torch.no_grad():
            ours.weight_v.copy_(torch.randn_like(ours.weight_v))
            ours.weight_g.copy_(torch.rand_like(ours.weight_g) + 0.5)
        ref.load_state_dict(ours.state_dict())
        x = torch.randn(2, ours.weight_v.shape[1] if isinstance(ours, WNConv1d) else ours.weight_v.shape[0], 16)
        np.testing.assert_allclose(ours(x).detach().numpy(), ref(x).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_mismatched_state_dict_is_a_clear_error(tmp_path):
    model = EARVAE(tiny_config([2, 4]), 44_100)
    folder = save_ear_vae_checkpoint(model, tmp_path / "snap", "ear_vae_44k.pyt")
    cfg = tiny_config([2, 4])
    cfg["decoder"]["config"]["channels"] = 8
    cfg["encoder"]["config"]["channels"] = 8
    (folder / "config" / "model_config.json").write_text(json.dumps(cfg))
    with pytest.raises(InputError, match="wrong shapes"):
        load_ear_vae(folder)


def test_hop_must_match_downsampling_ratio(tmp_path):
    model = EARVAE(tiny_config([2, 4]), 44_100)
    folder = save_ear_vae_checkpoint(model, tmp_path / "snap", "ear_vae_44k.pyt")
    cfg = dict(model.config, downsampling_ratio=1024)
    (folder / "config" / "model_config.json").write_text(json.dumps(cfg))
    with pytest.raises(InputError, match="downsampling_ratio"):
        load_ear_vae(folder)


def test_config_without_transformer_but_weights_with_one_is_refused(tmp_path):
    model = EARVAE(tiny_config([2, 4], transformer=True), 44_100)
    folder = save_ear_vae_checkpoint(model, tmp_path / "snap", "ear_vae_44k.pyt")
    (folder / "config" / "model_config.json").write_text(json.dumps(tiny_config([2, 4])))
    with pytest.raises(InputError, match="transformer"):
        load_ear_vae(folder)


def test_full_size_configs_give_the_published_hops():
    for strides, hop in [([2, 4, 4, 4, 8], 1024), ([2, 2, 4, 6, 10], 960)]:
        assert int(np.prod(strides)) == hop


def test_pickled_objects_are_refused(tmp_path):
    folder = save_ear_vae_checkpoint(EARVAE(tiny_config([2, 4]), 44_100), tmp_path / "snap", "ear_vae_44k.pyt")

    torch.save({"x": NotATensor()}, folder / "pretrained_weight" / "ear_vae_44k.pyt")
    with pytest.raises(InputError, match="refus"):
        load_ear_vae(folder)


class NotATensor:
    """A pickled Python object: torch.load(weights_only=True) must refuse it."""


def test_pipeline_runs_the_lecture_demo_on_a_tiny_ear_vae(tmp_path):
    """Mono 16 kHz clip -> stereo 48 kHz, cropped to a multiple of hop 60, encoded, decoded, saved."""
    from genlab.families.vae import pipeline
    from genlab.provenance import read_provenance

    model = randomize(EARVAE(tiny_config([6, 10], transformer=True), 48_000), seed=1).eval()
    folder = save_ear_vae_checkpoint(model, tmp_path / "snap", "ear_vae_v2_48k.pyt")
    request = pipeline.ReconstructionRequest(model=pipeline.EAR_VAE, clip=pipeline.shipped_clips()[0].name,
                                             seconds=0.5, latent="sample", seed=3)
    result = pipeline.reconstruct(request, weights=folder)
    assert result.original.shape == (2, 24_000) and result.reconstruction.shape == (2, 24_000)
    assert result.mu.shape == (32, 400) and result.model_name == "earlab/EAR_VAE"
    np.testing.assert_array_equal(result.original[0], result.original[1])  # mono copied to stereo
    path = pipeline.save_audio_file(result, tmp_path / "r.wav")
    assert read_provenance(path)["revision"] == "main"
    prior = pipeline.sample_prior(pipeline.PriorRequest(model=pipeline.EAR_VAE, seconds=0.5, seed=0), weights=folder)
    assert prior.reconstruction.shape == (2, 24_000)
