"""The BigGAN backend, offline: a tiny BigGAN from a BigGANConfig with random weights, loaded
through the same code path as biggan-deep-256 (folder, safetensors / weights-only .bin, cache)."""

import hashlib

import numpy as np
import pytest
import torch

lib = pytest.importorskip("pytorch_pretrained_biggan")

from genlab.errors import InputError  # noqa: E402
from genlab.families.gan import pretrained  # noqa: E402


def tiny_config():
    return lib.BigGANConfig(output_dim=32, z_dim=8, class_embed_dim=8, channel_width=4, num_classes=1000,
                            layers=[(False, 16, 16), (True, 16, 8), (True, 8, 4), (True, 4, 2), (False, 2, 1)],
                            attention_layer_position=2, n_stats=51)


def tiny_folder(tmp_path, fmt="safetensors"):
    torch.manual_seed(0)
    model = pretrained.build_biggan(tiny_config())
    with torch.no_grad():  # random but sane batch-norm statistics for every truncation value
        for m in model.modules():
            if isinstance(m, lib.model.BigGANBatchNorm):
                m.running_vars.uniform_(0.5, 1.5)
    folder = tmp_path / "tiny-biggan"
    folder.mkdir()
    (folder / "config.json").write_text(tiny_config().to_json_string())
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    if fmt == "safetensors":
        from safetensors.torch import save_file

        save_file(state, str(folder / "model.safetensors"))
    else:
        torch.save(state, folder / "pytorch_model.bin")
    return folder, model


def test_library_leaves_final_bn_uninitialised_and_genlab_fixes_it():
    assert isinstance(lib.model.Generator(tiny_config()).bn.weight, torch.nn.Parameter)
    model = pretrained.build_biggan(tiny_config())
    assert torch.equal(model.generator.bn.weight, torch.ones(4))
    assert torch.equal(model.generator.bn.bias, torch.zeros(4))


@pytest.mark.parametrize("fmt", ["safetensors", "bin"])
def test_tiny_biggan_loads_and_generates_like_the_lecture(tmp_path, fmt):
    folder, original = tiny_folder(tmp_path, fmt)
    model = pretrained.load_biggan.__wrapped__(str(folder), "cpu")
    images = pretrained.generate_biggan(model, 207, 3, 0.4, seed=5)
    assert images.shape == (3, 32, 32, 3) and images.dtype == np.uint8
    np.testing.assert_array_equal(images, pretrained.generate_biggan(model, 207, 3, 0.4, seed=5))
    assert not np.array_equal(images, pretrained.generate_biggan(model, 207, 3, 0.4, seed=6))
    # the lecture's own calls on the original module give the same pixels
    noise = torch.from_numpy(lib.truncated_noise_sample(truncation=0.4, batch_size=3, dim_z=8, seed=5))
    class_vec = torch.from_numpy(lib.one_hot_from_int(207, batch_size=3))
    with torch.no_grad():
        ref = original.eval()(noise, class_vec, 0.4)
    ref = ((ref.clamp(-1, 1) + 1) / 2 * 255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()
    np.testing.assert_array_equal(images, ref)


def test_loads_from_the_library_cache_by_name(tmp_path):
    folder, _ = tiny_folder(tmp_path, "bin")
    cache = tmp_path / "cache"
    cache.mkdir()
    from pytorch_pretrained_biggan.model import PRETRAINED_CONFIG_ARCHIVE_MAP, PRETRAINED_MODEL_ARCHIVE_MAP

    for url, src in ((PRETRAINED_CONFIG_ARCHIVE_MAP["biggan-deep-256"], "config.json"),
                     (PRETRAINED_MODEL_ARCHIVE_MAP["biggan-deep-256"], "pytorch_model.bin")):
        name = hashlib.sha256(url.encode()).hexdigest() + ".etaghash"
        (cache / name).write_bytes((folder / src).read_bytes())
        (cache / (name + ".json")).write_text("{}")
    config, weights = pretrained.locate("biggan-deep-256", cache=cache)
    assert weights.read_bytes() == (folder / "pytorch_model.bin").read_bytes()


def test_missing_weights_and_bad_input_are_input_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTORCH_PRETRAINED_BIGGAN_CACHE", str(tmp_path / "empty"))
    with pytest.raises(InputError, match="not on this machine"):
        pretrained.locate("biggan-deep-256")
    with pytest.raises(InputError, match="model"):
        pretrained.locate("biggan-deep-9000")
    folder, _ = tiny_folder(tmp_path)
    model = pretrained.load_biggan.__wrapped__(str(folder), "cpu")
    with pytest.raises(InputError, match="truncation"):
        pretrained.generate_biggan(model, 1, 1, 0.0, seed=0)  # the library would assert
    with pytest.raises(InputError, match="class"):
        pretrained.generate_biggan(model, 1000, 1, 0.5, seed=0)


def test_imagenet_class_names():
    names = pretrained.imagenet_class_names()
    assert len(names) == 1000 and names[0] == "tench" and names[207] == "golden retriever"
    assert names[999] == "toilet tissue"


def test_cli_and_tab_use_the_same_biggan_path(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from genlab.cli import app
    from genlab.sections import gan as tab
    from genlab.provenance import read_provenance

    folder, _ = tiny_folder(tmp_path)
    out = tmp_path / "biggan.png"
    r = CliRunner().invoke(app, ["sample", "gan", "--model", "biggan-deep-256", "--weights", str(folder),
                                 "--class", "golden retriever", "-n", "2", "--truncation", "0.4",
                                 "--seed", "3", "--out", str(out)])
    assert r.exit_code == 0, r.output
    rec = read_provenance(out)
    assert rec["model"] == "biggan-deep-256" and rec["params"]["class_id"] == 207
    assert rec["revision"].startswith("pytorch-pretrained-biggan==")
    # without weights on this machine, the tab says so by name instead of downloading
    monkeypatch.setenv("PYTORCH_PRETRAINED_BIGGAN_CACHE", str(tmp_path / "empty"))
    pretrained.load_biggan.cache_clear()
    with pytest.raises(InputError, match="not on this machine"):
        tab.generate("biggan-deep-256", 207, 2, 0.4, 0)
