"""The audio VAE demo as library functions: the app tab, the widget and the CLI all call these.

    load_audio_model("lab")                        -> the shipped lab model (or a folder / EAR_VAE)
    reconstruct(model, clip, seconds, latent)      -> AudioResult (encode -> latent -> decode)
    decode_prior(model, seconds, seed)             -> AudioResult (z ~ N(0, I) -> decode)
    interpolate(model, clip_a, clip_b, ...)        -> decoded (1 - t) mu_a + t mu_b for t in [0, 1]
    shipped_clips() / random_clip(seed)            -> the short speech clips genlab made and ships
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from genlab.errors import InputError, check_choice, check_int, check_number, check_seed

ASSET_DIR = Path(__file__).resolve().parents[2] / "assets" / "vae-speech"
CLIP_DIR = ASSET_DIR / "clips"
LATENT_MODES = ("mean", "sample")


@dataclass
class AudioResult:
    """What one run of the demo produced; arrays are numpy, waveforms (C, T) at ``sample_rate``."""

    kind: str                      # "reconstruction" or "prior"
    model: str
    sample_rate: int
    hop: int
    reconstruction: np.ndarray     # (C, T) decoded waveform, peak-normalised
    z: np.ndarray                  # (D, F) the latent that was decoded
    original: np.ndarray | None = None   # (C, T) the prepared input
    mu: np.ndarray | None = None         # (D, F)
    sigma: np.ndarray | None = None      # (D, F)
    latent_mode: str = "mean"
    seed: int | None = None
    source: str = ""
    params: dict = field(default_factory=dict)

    @property
    def kl_per_dim(self) -> float:
        """Mean KL(q(z|x) || N(0, 1)) per latent element, in nats (the correct formula, with 0.5)."""
        return float(np.mean(_kl(self.mu, self.sigma))) if self.mu is not None else float("nan")

    @property
    def kl_per_frame(self) -> float:
        """KL summed over latent channels, averaged over frames: the lecture's reduction, with 0.5."""
        return float(_kl(self.mu, self.sigma).sum(0).mean()) if self.mu is not None else float("nan")

    @property
    def kl_lecture(self) -> float:
        """The lecture's / EAR_VAE's printed number: the same reduction WITHOUT the 0.5 (twice the KL)."""
        return 2.0 * self.kl_per_frame

    @property
    def shorter_than_requested(self) -> bool:
        """True when the clip was shorter than the seconds asked for (it keeps its own length)."""
        requested = self.params.get("seconds_requested")
        return requested is not None and self.reconstruction.shape[-1] + self.hop <= requested * self.sample_rate

    def summary(self) -> dict:
        seconds = round(self.reconstruction.shape[-1] / self.sample_rate, 3)
        out = {"kind": self.kind, "model": self.model, "sample_rate": self.sample_rate,
               "seconds": seconds, "latent_shape": list(self.z.shape), "seed": self.seed}
        if self.shorter_than_requested:
            out["length_note"] = (f"the clip ({seconds:g} s) is shorter than the {self.params['seconds_requested']:g} s "
                           "asked for: it is reconstructed at its own length, not padded")
        if self.mu is not None:
            out.update(latent_mode=self.latent_mode, kl_per_dim=round(self.kl_per_dim, 5),
                       kl_per_frame=round(self.kl_per_frame, 4), kl_lecture_formula=round(self.kl_lecture, 4),
                       source=self.source)
        return out


def _kl(mu, sigma):
    var = np.asarray(sigma, np.float64) ** 2
    return 0.5 * (np.asarray(mu, np.float64) ** 2 + var - np.log(var) - 1)


# ---- models --------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def _load_lab(path: str):
    from genlab.families.vae.audio_vae import AudioVAE

    return AudioVAE.load_lab(path)


def load_audio_model(name: str = "lab", *, allow_download: bool = False):
    """"lab" (shipped), a folder with a lab AudioVAE, or "earlab/EAR_VAE" / a folder with its files.

    Cached read-only per process (models are never mutated after loading).
    """
    from genlab.families.vae import pretrained

    if name in ("lab", "", None):
        if not (ASSET_DIR / "model.safetensors").is_file():
            raise InputError("model", "unavailable", reason=f"the shipped lab model is missing from {ASSET_DIR}")
        return _load_lab(str(ASSET_DIR))
    if name == pretrained.REPO_ID:
        try:
            folder = pretrained.download(local_files_only=not allow_download)
        except Exception as err:  # noqa: BLE001 - offline hub errors come in many types
            raise InputError("model", "unavailable",
                             reason=(f"{pretrained.REPO_ID} is not in the local cache and downloading was not "
                                     f"allowed or failed ({type(err).__name__}); use --allow-download with a "
                                     "network, or pass a folder with config/*.json and the .pyt")) from None
        return _load_ear(str(folder))
    path = Path(name)
    if (path / "model.safetensors").is_file():
        return _load_lab(str(path))
    if path.is_dir():
        return _load_ear(str(path))
    raise InputError("model", "custom", text_en=f"{name!r} is not 'lab', {pretrained.REPO_ID} or a model folder",
                     text_ru=f"{name!r}: ожидалось 'lab', {pretrained.REPO_ID} или папка с моделью")


@functools.lru_cache(maxsize=2)
def _load_ear(folder: str):
    from genlab.families.vae.pretrained import load_ear_vae

    return load_ear_vae(folder)


def model_name(model) -> str:
    return "genlab/vae-speech" if type(model).__name__ == "AudioVAE" else "earlab/EAR_VAE"


# ---- shipped clips -------------------------------------------------------------------------------
def shipped_clips() -> list[Path]:
    return sorted(CLIP_DIR.glob("*.flac"))


def random_clip(seed: int | None = None) -> Path:
    from genlab.seeding import numpy_rng

    clips = shipped_clips()
    if not clips:
        raise InputError("clip", "unavailable", reason=f"no shipped clips in {CLIP_DIR}")
    return clips[int(numpy_rng(seed).integers(len(clips)))]


# ---- the demo ------------------------------------------------------------------------------------
def load_clip(model, source, seconds: float, *, param: str = "audio") -> np.ndarray:
    """Read and prepare a clip for ``model``: (C, T) at its rate, T = the clip's own length capped at
    ``seconds``, rounded down to the hop (a shorter clip is not padded)."""
    from genlab.audio import prepare, read_audio

    seconds = check_number("seconds", seconds, 0.5, 10.0)
    wave, rate = read_audio(source, param=param)
    return prepare(wave, rate, target_rate=model.sample_rate, channels=model.io_channels,
                   seconds=seconds, hop=model.hop)


def reconstruct(model, source, *, seconds: float = 2.5, latent: str = "mean", seed: int | None = -1,
                source_name: str = "") -> AudioResult:
    """Encode -> latent (z = mu, or z ~ q(z|x)) -> decode: the lecture's first button."""
    import torch

    from genlab.audio import is_silent, peak_normalize
    from genlab.seeding import resolve_seed, torch_generator

    check_choice("latent", latent, LATENT_MODES)
    seed = resolve_seed(check_seed("seed", seed))
    x = load_clip(model, source, seconds)
    note = "silent input: the reconstruction is of silence" if is_silent(x) else ""
    used = x.shape[-1] / model.sample_rate
    with torch.no_grad():
        mu, sigma = model.encode(torch.from_numpy(x)[None])
        z = mu if latent == "mean" else mu + sigma * torch.randn(mu.shape, generator=torch_generator(seed))
        y = model.decode(z)[0].numpy()
    return AudioResult("reconstruction", model_name(model), model.sample_rate, model.hop,
                       peak_normalize(y), z[0].numpy(), original=x, mu=mu[0].numpy(), sigma=sigma[0].numpy(),
                       latent_mode=latent, seed=seed if latent == "sample" else None,
                       source=source_name or (Path(source).name if isinstance(source, (str, Path)) else "upload"),
                       params={"seconds": round(used, 4), "seconds_requested": seconds, "latent": latent,
                               "note": note})


def decode_prior(model, *, seconds: float = 2.5, seed: int | None = -1) -> AudioResult:
    """z ~ N(0, I) of the right number of frames -> decode: the lecture's second button."""
    import torch

    from genlab.audio import peak_normalize
    from genlab.seeding import resolve_seed, torch_generator

    seconds = check_number("seconds", seconds, 0.5, 10.0)
    seed = resolve_seed(check_seed("seed", seed))
    frames = max(1, int(round(seconds * model.sample_rate)) // model.hop)
    z = torch.randn((1, model.latent_dim, frames), generator=torch_generator(seed))
    with torch.no_grad():
        y = model.decode(z)[0].numpy()
    return AudioResult("prior", model_name(model), model.sample_rate, model.hop, peak_normalize(y),
                       z[0].numpy(), seed=seed, params={"seconds": seconds})


def interpolate(model, source_a, source_b, *, seconds: float = 2.0, steps: int = 5) -> list[np.ndarray]:
    """Decode (1 - t) mu_a + t mu_b for ``steps`` values of t from 0 to 1: a list of (C, T) waves."""
    import torch

    from genlab.audio import peak_normalize

    steps = check_int("steps", steps, 2, 11)
    a = load_clip(model, source_a, seconds, param="clip A")
    b = load_clip(model, source_b, seconds, param="clip B")
    length = min(a.shape[-1], b.shape[-1])  # each keeps its own length: meet at the shorter one
    a, b = a[..., :length], b[..., :length]
    with torch.no_grad():
        mu_a, _ = model.encode(torch.from_numpy(a)[None])
        mu_b, _ = model.encode(torch.from_numpy(b)[None])
        return [peak_normalize(model.decode((1 - t) * mu_a + t * mu_b)[0].numpy())
                for t in np.linspace(0.0, 1.0, steps)]


def save_result_audio(result: AudioResult, path, *, which: str = "reconstruction") -> Path:
    """Write the reconstruction (or the prepared original) as WAV/FLAC with provenance."""
    from genlab.provenance import record, save_audio

    wave = result.reconstruction if which == "reconstruction" else result.original
    from genlab.families.vae.pretrained import DEFAULT_REVISION, REPO_ID

    revision = DEFAULT_REVISION if result.model == REPO_ID else None
    rec = record(model=result.model, seed=result.seed, kind=f"audio-vae-{result.kind}", revision=revision,
                 params={k: v for k, v in {**result.params, **result.summary()}.items()
                         if isinstance(v, (int, float, str)) and k not in ("model", "seed")})
    return save_audio(wave.T, result.sample_rate, path, rec)
