"""The lecture's pretrained audio VAE, earlab/EAR_VAE, loaded into genlab's own implementation.

The lecture downloads the model repository and *imports its Python code*; genlab never runs
downloaded code. It reads the repository's ``config/*.json`` and the plain state-dict ``.pyt``
with ``torch.load(weights_only=True)`` (no unpickling of arbitrary objects) into
``EARVAE`` (Oobleck encoder/decoder + optional rotary transformer on z, ``oobleck.py``), and
checks the state dict against the config: every key, every shape, and hop = prod(strides).

Both published variants load: the 44.1 kHz model (strides [2, 4, 4, 4, 8], hop 1024) and the
lecture's v2 model at 48 kHz (strides [2, 2, 4, 6, 10], hop 960).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import torch
from torch import nn

from genlab.core import DensityMixin
from genlab.errors import InputError
from genlab.families.vae.oobleck import OobleckDecoder, OobleckEncoder
from genlab.prob import gaussian_kl
from genlab.seeding import torch_generator

REPO_ID = "earlab/EAR_VAE"
# The lecture uses "main"; a commit hash cannot be looked up offline on these machines. Pass
# ``revision=<commit>`` to pin it (the provenance of every output records the revision used).
DEFAULT_REVISION = "main"
RATE_BY_HOP = {1024: 44_100, 960: 48_000}  # the two published variants


class EARVAE(DensityMixin, nn.Module):
    """EAR_VAE: stereo Oobleck VAE, 64 latent channels from a mean / softplus-scale split."""

    density = "bound"
    sampling = "one-shot"

    def __init__(self, model_config: dict, sample_rate: int):
        super().__init__()
        enc, dec = model_config["encoder"]["config"], model_config["decoder"]["config"]
        self.config = model_config
        self.sample_rate = int(sample_rate)
        self.latent_dim = int(dec["latent_dim"])
        self.io_channels = int(model_config.get("io_channels", enc.get("in_channels", 2)))
        self.hop = int(math.prod(enc["strides"]))
        self.encoder = OobleckEncoder(**enc)
        self.decoder = OobleckDecoder(**dec)
        tcfg = model_config.get("transformer")
        if tcfg is not None:
            from genlab.families.vae.rotary_transformer import ContinuousTransformer

            self.transformers = ContinuousTransformer(self.latent_dim, int(tcfg["depth"]), **tcfg.get("config", {}))
        else:
            self.transformers = None

    def encode(self, x: torch.Tensor):
        """x (B, 2, T) -> mu, sigma (B, 64, T / hop); sigma = softplus(scale) as in EAR_VAE."""
        mu, scale = self.encoder(x).chunk(2, dim=1)
        return mu, nn.functional.softplus(scale) + 1e-4

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        if self.transformers is not None:
            z = self.transformers(z.transpose(1, 2)).transpose(1, 2)
        return self.decoder(z)

    @torch.no_grad()
    def sample(self, n: int, *, condition=None, seed: int | None = None, seconds: float = 1.0, **options):
        frames = max(1, round(seconds * self.sample_rate / self.hop))
        z = torch.randn((n, self.latent_dim, frames), generator=torch_generator(seed))
        return self.decode(z)

    @torch.no_grad()
    def elbo(self, x, *, condition=None, obs_scale: float = 0.1, seed: int | None = 0):
        """One-sample ELBO under a Gaussian observation model N(decoder(z), obs_scale^2), (B,)."""
        from genlab.families.vae.audio_vae import gaussian_log_likelihood

        mu, sigma = self.encode(x)
        z = mu + sigma * torch.randn(mu.shape, generator=torch_generator(seed))
        return gaussian_log_likelihood(x, self.decode(z), obs_scale) - gaussian_kl(mu, sigma).sum(dim=(1, 2))


def _find_files(folder: Path) -> tuple[Path, Path]:
    configs = sorted(folder.glob("config/*.json")) + sorted(folder.glob("configs/*.json"))
    configs += [p for p in sorted(folder.glob("*.json")) if p.name == "config.json"]
    weights = sorted(folder.glob("pretrained_weight/*.pyt")) + sorted(folder.glob("*.pyt"))
    if not configs or not weights:
        raise InputError("weights", "ear_vae_files", folder=str(folder))
    return configs[0], weights[0]


def _unwrap(ckpt, file: str) -> dict:
    """The plain name -> tensor mapping, from a bare state dict or a common wrapper."""
    if isinstance(ckpt, dict):
        for key in ("state_dict", "model", "net", "ema", "generator"):
            if isinstance(ckpt.get(key), dict):
                ckpt = ckpt[key]
                break
    if not isinstance(ckpt, dict) or not all(isinstance(v, torch.Tensor) for v in ckpt.values()):
        raise InputError("weights", "ear_vae_not_tensors", file=file)
    return {k.removeprefix("module."): v for k, v in ckpt.items()}


def sample_rate_of(config: dict, weight_path: Path | None = None) -> int:
    """config["sample_rate"], else the "48k"/"44k" in the weight file name, else the hop's variant."""
    if "sample_rate" in config:
        return int(config["sample_rate"])
    match = re.search(r"(\d+)k", weight_path.name) if weight_path is not None else None
    if match:
        return {44: 44_100, 22: 22_050, 11: 11_025}.get(int(match.group(1)), int(match.group(1)) * 1000)
    hop = int(math.prod(config["encoder"]["config"]["strides"]))
    if hop in RATE_BY_HOP:
        return RATE_BY_HOP[hop]
    raise InputError("weights", "ear_vae_rate", hop=hop)


def check_config(config: dict) -> None:
    enc, dec = config["encoder"]["config"], config["decoder"]["config"]
    hop = int(math.prod(enc["strides"]))
    if "downsampling_ratio" in config and int(config["downsampling_ratio"]) != hop:
        raise InputError("weights", "ear_vae_config", what=f"downsampling_ratio {config['downsampling_ratio']} != prod(strides) {hop}")
    if int(enc["latent_dim"]) != 2 * int(dec["latent_dim"]):
        raise InputError("weights", "ear_vae_config",
                         what=f"encoder latent_dim {enc['latent_dim']} != 2 × decoder latent_dim {dec['latent_dim']}")
    if list(enc["strides"]) != list(dec["strides"]):
        raise InputError("weights", "ear_vae_config", what=f"encoder strides {enc['strides']} != decoder strides {dec['strides']}")


def load_ear_vae(folder: str | Path, *, device: str = "cpu") -> EARVAE:
    """Load EAR_VAE from a local snapshot folder (config/*.json + pretrained_weight/*.pyt)."""
    folder = Path(folder)
    config_path, weight_path = _find_files(folder)
    config = json.loads(config_path.read_text())
    check_config(config)
    import pickle

    try:
        state = _unwrap(torch.load(weight_path, map_location="cpu", weights_only=True), weight_path.name)
    except pickle.UnpicklingError as err:
        raise InputError("weights", "ear_vae_pickle", file=weight_path.name) from err
    has_transformer = any(k.startswith("transformers.") for k in state)
    if has_transformer and config.get("transformer") is None:
        raise InputError("weights", "ear_vae_transformer")
    if not has_transformer and config.get("transformer") is not None:
        # As the lecture does: a checkpoint trained without the bottleneck transformer runs without it.
        config = {k: v for k, v in config.items() if k != "transformer"}
    model = EARVAE(config, sample_rate_of(config, weight_path))
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    wrong = sorted(k for k in set(expected) & set(state) if expected[k].shape != state[k].shape)
    if missing or unexpected or wrong:
        raise InputError("weights", "ear_vae_mismatch", missing=missing[:5], unexpected=unexpected[:5], wrong=wrong[:5])
    model.load_state_dict(state, strict=True)
    return model.to(device).eval()


def download(revision: str = DEFAULT_REVISION, *, local_files_only: bool = True,
             cache_dir: str | None = None) -> Path:
    """The snapshot folder of earlab/EAR_VAE (weights and configs only; no code is imported)."""
    from huggingface_hub import snapshot_download

    path = snapshot_download(REPO_ID, revision=revision, local_files_only=local_files_only, cache_dir=cache_dir,
                             allow_patterns=["config/*.json", "pretrained_weight/*.pyt"])
    return Path(path)


def save_ear_vae_checkpoint(model: EARVAE, folder: str | Path, weight_name: str) -> Path:
    """Write ``model`` in EAR_VAE's layout (config/…json + pretrained_weight/….pyt): for tests."""
    folder = Path(folder)
    (folder / "config").mkdir(parents=True, exist_ok=True)
    (folder / "pretrained_weight").mkdir(parents=True, exist_ok=True)
    (folder / "config" / "model_config.json").write_text(json.dumps(model.config, indent=2))
    torch.save(model.state_dict(), folder / "pretrained_weight" / weight_name)
    return folder
