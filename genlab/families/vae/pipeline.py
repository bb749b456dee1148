"""The VAE family's face: typed requests in, audio and figures with their provenance out.

The lecture's EAR_VAE demo and the digit VAE's 2-D latent, one request per action:

- ``ReconstructionRequest`` -> ``reconstruct``: a clip encoded to q(z|x) = N(mu, sigma^2), z = mu
  or z ~ q(z|x), decoded (the lecture's "Encode → Latent → Reconstruct");
- ``PriorRequest`` -> ``sample_prior``: z ~ N(0, I) decoded ("Sample z ~ N(0, I) → Decode");
- ``InterpolationRequest`` -> ``interpolate``: (1 - t) mu_A + t mu_B decoded for t from 0 to 1;
- ``DigitWalkRequest`` -> ``walk_digits``: the digit VAE's decoder at a point of its 2-D latent;
- ``SpeechEvalRequest`` -> ``evaluate_speech``: held-out STOI, SI-SDR, MR-STFT and KL.

Two models answer the audio requests: ``"lab"``, genlab's speech VAE (genlab/assets/vae-speech,
``audio_vae.py``), and ``"earlab/EAR_VAE"``, the lecture's pretrained model (``pretrained.py``,
from the local cache or, with ``weights=``, a folder; ``weights=`` also points the lab model at
another folder, e.g. a training run). A clip is a file path, the name of a shipped clip, or ""
(a shipped clip drawn with the seed), so a notebook made from the request plays the same clip.

    result = reconstruct(ReconstructionRequest(clip="clip00.flac", seconds=2.0, seed=0))
    result.reconstruction, result.kl_per_dim   # (C, T) waveform; nats per latent element
    result.provenance                          # model, seed, every parameter, "AI-generated"
    result.show()                              # the waveforms, as the tab draws them

The KL is genlab.prob's ``gaussian_kl`` (with its factor 1/2); the lecture's cell prints the same
sum without the 1/2 (``kl_lecture``). The figures' texts follow ``lang`` (locale/<lang>/vae.json).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from genlab import limits
from genlab.assets import asset_path
from genlab.errors import InputError, check_choice
from genlab.i18n import LANGS
from genlab.params import Request, Result, param
from genlab.prob import gaussian_kl
from genlab.prob.pipeline import figure_text

SECTION = "vae"
LAB = "lab"
EAR_VAE = "earlab/EAR_VAE"        # genlab.families.vae.pretrained.REPO_ID
MODELS = (LAB, EAR_VAE)
LATENT_MODES = ("mean", "sample")
SECONDS = limits.AUDIO_VAE_SECONDS
MAX_CLIP_PATH = 1_000             # characters of a clip's path
DIGIT_SPAN = 3.0                  # the digit VAE's latent map covers [-3, 3]^2
INTERPOLATION_GAP = 0.25          # seconds of silence between the steps of the joined clip


def lab_asset() -> Path:
    return asset_path("vae-speech")


def shipped_clips() -> list[Path]:
    """The short speech clips genlab made with espeak-ng and ships (their text in their provenance)."""
    return sorted((lab_asset() / "clips").glob("*.flac"))


def random_clip(seed: int | None = None, *, avoid: str = "") -> Path:
    """A shipped clip drawn with ``seed`` (not the one named ``avoid`` when there is another)."""
    from genlab.seeding import numpy_rng

    clips = [c for c in shipped_clips() if c.name != avoid] or shipped_clips()
    if not clips:
        raise InputError("clip", "no_shipped_clips", folder=str(lab_asset() / "clips"))
    return clips[int(numpy_rng(seed).integers(len(clips)))]


def resolve_clip(clip: str, seed: int, *, avoid: str = "") -> tuple[Path, str]:
    """(file, name) of a request's clip: "" -> a shipped clip drawn with ``seed``; a file -> that
    file; the name of a shipped clip (and no such file here) -> that clip."""
    if not clip:
        path = random_clip(seed, avoid=avoid)
        return path, path.name
    path = Path(clip)
    if not path.is_file():
        path = {c.name: c for c in shipped_clips()}.get(clip, path)
    return path, path.name


# ---- models --------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def _load_lab(folder: str):
    from genlab.families.vae.audio_vae import AudioVAE

    return AudioVAE.load_lab(folder)


@functools.lru_cache(maxsize=2)
def _load_ear(folder: str):
    from genlab.families.vae.pretrained import load_ear_vae

    return load_ear_vae(folder)


def load_audio_model(model: str = LAB, weights: str | Path | None = None, *, allow_download: bool = False):
    """The audio VAE ``model`` ("lab" or "earlab/EAR_VAE"): from the folder ``weights`` when given,
    else the shipped lab model or EAR_VAE's local snapshot (downloaded only with ``allow_download``).

    Cached read-only per process (models are never changed after loading).
    """
    check_choice("model", model, MODELS)
    if model == LAB:
        folder = Path(weights) if weights else lab_asset()
        if not (folder / "model.safetensors").is_file():
            raise InputError("weights" if weights else "model", "no_lab_vae", folder=str(folder))
        return _load_lab(str(folder))
    if weights:
        return _load_ear(str(weights))
    from genlab.families.vae import pretrained

    try:
        folder = pretrained.download(local_files_only=not allow_download)
    except Exception:  # noqa: BLE001 - an offline hub fails in many types
        raise InputError("model", "ear_vae_not_cached", model=EAR_VAE, revision=pretrained.DEFAULT_REVISION) from None
    return _load_ear(str(folder))


def _model_id(vae) -> tuple[str, str | None]:
    """(model name, revision) for provenance."""
    if type(vae).__name__ == "AudioVAE":
        return "genlab/vae-speech", None
    from genlab.families.vae.pretrained import DEFAULT_REVISION

    return EAR_VAE, DEFAULT_REVISION


def load_clip(vae, source, seconds: float, *, param: str = "clip") -> np.ndarray:
    """A clip prepared for ``vae``: (C, T) at its rate, T = the clip's own length capped at
    ``seconds``, rounded down to the hop (a shorter clip is not padded), peak-normalised."""
    from genlab.audio import prepare, read_audio

    wave, rate = read_audio(source, param=param)
    return prepare(wave, rate, target_rate=vae.sample_rate, channels=vae.io_channels, seconds=seconds, hop=vae.hop)


# ---- requests ------------------------------------------------------------------------------------
# The lecture's widget: 2.5 s, z = mu; its values are the defaults of both models (no PRESETS).
@dataclass(frozen=True)
class ReconstructionRequest(Request):
    """A clip through the VAE: encode -> z (mu, or a sample of q(z|x)) -> decode."""

    SECTION: ClassVar[str] = SECTION
    PIPELINE: ClassVar[str] = "reconstruct"

    model: str = param(LAB, choices=MODELS)
    clip: str = param("", kind="text", allow_empty=True, max_chars=MAX_CLIP_PATH, cli="--input")
    seconds: float = param(2.5, low=SECONDS[0], high=SECONDS[1], step=0.5)
    latent: str = param("mean", choices=LATENT_MODES)
    seed: int = param(-1, kind="seed")
    lang: str = param("en", choices=LANGS)


@dataclass(frozen=True)
class PriorRequest(Request):
    """z ~ N(0, I) for ``seconds`` of audio, decoded."""

    SECTION: ClassVar[str] = SECTION
    PIPELINE: ClassVar[str] = "sample_prior"

    model: str = param(LAB, choices=MODELS)
    seconds: float = param(2.5, low=SECONDS[0], high=SECONDS[1], step=0.5)
    seed: int = param(-1, kind="seed")
    lang: str = param("en", choices=LANGS)


@dataclass(frozen=True)
class InterpolationRequest(Request):
    """The straight line between two clips' latent means, decoded at ``steps`` points."""

    SECTION: ClassVar[str] = SECTION
    PIPELINE: ClassVar[str] = "interpolate"

    model: str = param(LAB, choices=MODELS)
    clip_a: str = param("", kind="text", allow_empty=True, max_chars=MAX_CLIP_PATH)
    clip_b: str = param("", kind="text", allow_empty=True, max_chars=MAX_CLIP_PATH)
    seconds: float = param(2.0, low=SECONDS[0], high=SECONDS[1], step=0.5)
    steps: int = param(5, low=2, high=limits.MAX_VAE_INTERPOLATION_STEPS)
    seed: int = param(-1, kind="seed")   # draws the shipped clips of empty ends
    lang: str = param("en", choices=LANGS)


@dataclass(frozen=True)
class DigitWalkRequest(Request):
    """The digit VAE's decoder at the point (z1, z2) of its 2-D latent."""

    SECTION: ClassVar[str] = SECTION
    PIPELINE: ClassVar[str] = "walk_digits"

    z1: float = param(0.0, low=-DIGIT_SPAN, high=DIGIT_SPAN, step=0.05)
    z2: float = param(0.0, low=-DIGIT_SPAN, high=DIGIT_SPAN, step=0.05)
    lang: str = param("en", choices=LANGS)


@dataclass(frozen=True)
class SpeechEvalRequest(Request):
    """Held-out quality of the lab speech VAE (``genlab eval vae``)."""

    SECTION: ClassVar[str] = SECTION

    clips: int = param(12, low=1, high=200)
    seconds: float = param(2.0, low=SECONDS[0], high=SECONDS[1], step=0.5)
    seed: int = param(0, kind="seed")
    real: bool = param(True)


# ---- results -------------------------------------------------------------------------------------
WAVE_TEXT = ("time", "amplitude", "original", "reconstruction")
HEAT_TEXT = ("heat_title", "latent_frame", "latent_channel")


@dataclass
class AudioResult(Result):
    """A decoded waveform (C, T) at ``sample_rate``, the latent it came from, and for a
    reconstruction the prepared input and q(z|x) = N(mu, sigma^2)."""

    model_name: str
    sample_rate: int
    hop: int
    reconstruction: np.ndarray            # (C, T), peak-normalised
    z: np.ndarray                         # (D, frames): the latent that was decoded
    original: np.ndarray | None = None    # (C, T): the prepared input
    mu: np.ndarray | None = None          # (D, frames)
    sigma: np.ndarray | None = None       # (D, frames)
    source: str = ""                      # the clip's file name

    @property
    def is_prior(self) -> bool:
        return self.mu is None

    def _kl(self) -> np.ndarray:
        return gaussian_kl(np.asarray(self.mu, np.float64), np.asarray(self.sigma, np.float64))

    @property
    def kl_per_dim(self) -> float:
        """Mean KL(q(z|x) || N(0, 1)) per latent element, in nats."""
        return float(self._kl().mean()) if not self.is_prior else float("nan")

    @property
    def kl_per_frame(self) -> float:
        """The KL summed over latent channels, averaged over frames: the lecture's reduction."""
        return float(self._kl().sum(0).mean()) if not self.is_prior else float("nan")

    @property
    def kl_lecture(self) -> float:
        """The number the lecture's cell (and EAR_VAE's code) prints: the same sum without the 1/2."""
        return 2.0 * self.kl_per_frame

    @property
    def seconds(self) -> float:
        return self.reconstruction.shape[-1] / self.sample_rate

    @property
    def shorter_than_requested(self) -> bool:
        """The clip was shorter than the seconds asked for (it keeps its own length)."""
        return not self.is_prior and self.reconstruction.shape[-1] + self.hop <= self.request.seconds * self.sample_rate

    @property
    def silent(self) -> bool:
        from genlab.audio import is_silent

        return self.original is not None and is_silent(self.original)

    def summary(self) -> dict:
        """The numbers a CLI prints."""
        out = {"kind": self.provenance["kind"], "model": self.model_name, "sample_rate": self.sample_rate,
               "seconds": round(self.seconds, 3), "latent_shape": list(self.z.shape), "seed": self.request.seed}
        if not self.is_prior:
            out.update(source=self.source, latent=self.request.latent, kl_per_dim=round(self.kl_per_dim, 5),
                       kl_per_frame=round(self.kl_per_frame, 4), kl_lecture_formula=round(self.kl_lecture, 4),
                       shorter_than_requested=self.shorter_than_requested, silent=self.silent)
        return out

    def audio(self) -> np.ndarray:
        """What a user saves: the decoded waveform (C, T)."""
        return self.reconstruction

    def figures(self) -> tuple:
        """(waveforms, mu/sigma histograms or None for a prior sample, latent heat map)."""
        from genlab.families.vae import figures

        lang = self.request.lang
        wave = self.show()
        hist = None if self.is_prior else figures.mu_sigma_histograms(
            self.mu, self.sigma, text=figure_text(SECTION, lang, ("hist_mu", "hist_sigma")))
        heat = figures.latent_heatmap(self.z, text=figure_text(SECTION, lang, HEAT_TEXT))
        return wave, hist, heat

    def show(self):
        """The waveforms (first channel, the first 3 s), as the tab and the lecture draw them."""
        from genlab.families.vae import figures

        text = figure_text(SECTION, self.request.lang, WAVE_TEXT + ("wave_title", "prior_title", "prior_sample"))
        if self.is_prior:
            text.update(title=text["prior_title"], reconstruction=text["prior_sample"])
        else:
            text["title"] = text["wave_title"]
        return figures.waveforms(self.original, self.reconstruction, self.sample_rate, text=text)


@dataclass
class InterpolationResult(Result):
    model_name: str
    sample_rate: int
    waves: list                 # (C, T) per step, t = 0 ... 1
    names: tuple                # the clips' names (A, B)

    def audio(self) -> np.ndarray:
        """The steps one after another, with a short silence between them: (C, T)."""
        gap = np.zeros((self.waves[0].shape[0], int(INTERPOLATION_GAP * self.sample_rate)), dtype=np.float32)
        return np.concatenate([part for w in self.waves for part in (w, gap)], axis=1)

    def show(self):
        from genlab.families.vae import figures

        text = figure_text(SECTION, self.request.lang, ("time", "interp_title"))
        text["title"] = text["interp_title"].format(a=self.names[0], b=self.names[1])
        return figures.interpolation_waves(self.waves, self.sample_rate, text=text)


@dataclass
class DigitWalkResult(Result):
    digit: np.ndarray           # (28, 28) pixel means in [0, 1] at (z1, z2)
    grid: np.ndarray            # the decoded grid over [-span, span]^2
    codes: np.ndarray           # (N, 2) held-out digits' posterior means
    labels: np.ndarray          # (N,) their classes

    def image(self) -> np.ndarray:
        """The decoded digit, dark on white, 8x larger: (224, 224) uint8."""
        return np.kron((255 * (1 - self.digit)).astype(np.uint8), np.ones((8, 8), dtype=np.uint8))

    def _figure_args(self):
        r = self.request
        text = figure_text(SECTION, r.lang, ("digit_title", "digit_map", "digit_class"))
        return (self.digit, self.grid, DIGIT_SPAN, (r.z1, r.z2), self.codes, self.labels), text

    def spec(self) -> dict:
        """The decoded digit beside the latent map as a plain plotly dict (the web page's)."""
        from genlab.families.vae import figures

        args, text = self._figure_args()
        return figures.digit_walk_spec(*args, text=text)

    def show(self):
        """The decoded digit beside the latent map (the decoded grid, held-out codes, the point), in
        plotly; ``figure()``: the same in matplotlib."""
        from genlab.viz import plotly_figure

        return plotly_figure(self.spec())

    def figure(self):
        from genlab.families.vae import figures

        args, text = self._figure_args()
        return figures.digit_walk(*args, text=text)


def save_audio_file(result, path, wave: np.ndarray | None = None) -> Path:
    """Write ``wave`` (default: ``result.audio()``) as WAV/FLAC with the result's provenance."""
    from genlab.provenance import save_audio

    wave = result.audio() if wave is None else wave
    return save_audio(wave.T, result.sample_rate, path, result.provenance)


# ---- pipelines -----------------------------------------------------------------------------------
def _record(request, vae, kind: str, **extra) -> dict:
    name, revision = _model_id(vae)
    return request.provenance(model=name, revision=revision, kind=kind, **extra)


def reconstruct(request: ReconstructionRequest, *, weights: str | Path | None = None,
                allow_download: bool = False) -> AudioResult:
    """Encode -> latent -> decode: the lecture's first button."""
    import torch

    from genlab.audio import peak_normalize
    from genlab.seeding import torch_generator

    request = request.checked()
    vae = load_audio_model(request.model, weights, allow_download=allow_download)
    source, name = resolve_clip(request.clip, request.seed)
    x = load_clip(vae, source, request.seconds)
    with torch.no_grad():
        mu, sigma = vae.encode(torch.from_numpy(x)[None])
        z = mu if request.latent == "mean" else mu + sigma * torch.randn(mu.shape, generator=torch_generator(request.seed))
        y = vae.decode(z)[0].numpy()
    record = _record(request, vae, "audio-vae-reconstruction", source=name, seconds_used=round(x.shape[-1] / vae.sample_rate, 4))
    return AudioResult(request, record, record["model"], vae.sample_rate, vae.hop, peak_normalize(y), z[0].numpy(),
                       original=x, mu=mu[0].numpy(), sigma=sigma[0].numpy(), source=name)


def sample_prior(request: PriorRequest, *, weights: str | Path | None = None,
                 allow_download: bool = False) -> AudioResult:
    """z ~ N(0, I) of the right number of frames -> decode: the lecture's second button."""
    import torch

    from genlab.audio import peak_normalize
    from genlab.seeding import torch_generator

    request = request.checked()
    vae = load_audio_model(request.model, weights, allow_download=allow_download)
    frames = max(1, int(round(request.seconds * vae.sample_rate)) // vae.hop)
    z = torch.randn((1, vae.latent_dim, frames), generator=torch_generator(request.seed))
    with torch.no_grad():
        y = vae.decode(z)[0].numpy()
    record = _record(request, vae, "audio-vae-prior")
    return AudioResult(request, record, record["model"], vae.sample_rate, vae.hop, peak_normalize(y), z[0].numpy())


def interpolate(request: InterpolationRequest, *, weights: str | Path | None = None,
                allow_download: bool = False) -> InterpolationResult:
    """Decode (1 - t) mu_A + t mu_B for ``steps`` values of t from 0 to 1; both clips are cut to
    the shorter one's length."""
    import torch

    from genlab.audio import peak_normalize

    request = request.checked()
    vae = load_audio_model(request.model, weights, allow_download=allow_download)
    source_a, name_a = resolve_clip(request.clip_a, request.seed)
    source_b, name_b = resolve_clip(request.clip_b, request.seed + 1, avoid=name_a)
    a = load_clip(vae, source_a, request.seconds, param="clip_a")
    b = load_clip(vae, source_b, request.seconds, param="clip_b")
    length = min(a.shape[-1], b.shape[-1])
    with torch.no_grad():
        mu_a, _ = vae.encode(torch.from_numpy(a[..., :length])[None])
        mu_b, _ = vae.encode(torch.from_numpy(b[..., :length])[None])
        waves = [peak_normalize(vae.decode((1 - t) * mu_a + t * mu_b)[0].numpy())
                 for t in np.linspace(0.0, 1.0, request.steps)]
    record = _record(request, vae, "audio-vae-interpolation", source_a=name_a, source_b=name_b)
    return InterpolationResult(request, record, record["model"], vae.sample_rate, waves, (name_a, name_b))


@functools.lru_cache(maxsize=1)
def _digit_assets():
    """The shipped digit VAE, its decoded latent grid and the held-out codes (read-only, cached)."""
    from genlab.data.digits import load_mnist
    from genlab.families.vae.image_vae import DigitVAE, encode_means, latent_grid

    folder = asset_path("vae-digits")
    if not (folder / "model.safetensors").is_file():
        raise InputError("model", "no_lab_vae", folder=str(folder))
    model = DigitVAE.load_lab(folder)
    x, y = load_mnist("heldout")
    return model, latent_grid(model, 21, DIGIT_SPAN), encode_means(model, x), y


def walk_digits(request: DigitWalkRequest) -> DigitWalkResult:
    """The digit at (z1, z2) of the shipped digit VAE's 2-D latent, with the latent map."""
    from genlab.families.vae.image_vae import decode_point

    request = request.checked()
    model, grid, codes, labels = _digit_assets()
    record = request.provenance(model="genlab/vae-digits", kind="vae-digit-walk", seed=None)
    return DigitWalkResult(request, record, decode_point(model, request.z1, request.z2), grid, codes, labels)


def evaluate_speech(request: SpeechEvalRequest, *, weights: str | Path | None = None) -> dict:
    """Held-out quality of the lab speech VAE: ``clips`` synthetic clips of unseen espeak-ng voices
    and, with ``real``, every shipped held-out real recording (means with standard errors)."""
    from genlab.families.vae.train_audio import evaluate_audio_vae

    request = request.checked()
    vae = load_audio_model(LAB, weights)
    return evaluate_audio_vae(vae, n_clips=request.clips, seed=request.seed, seconds=request.seconds, real=request.real)
