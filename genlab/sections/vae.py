"""The VAE section's handlers (no UI): what the VAE tab and ``genlab.widgets.vae()`` call.

Each handler takes the controls' values and the page's language, builds a typed request
(``genlab.families.vae.pipeline``), runs it and returns what the view shows: audio files written
with provenance, figures, translated text, and a notebook that reproduces the output.

Reconstructing and sampling the prior fill the same outputs (``AUDIO_OUTPUTS``): each sets or
clears every one of them, so nothing of one action stays beside the other's results.
"""

from __future__ import annotations

from pathlib import Path

from genlab import downloads
from genlab.families.vae import pipeline
from genlab.families.vae.pipeline import DigitWalkRequest, InterpolationRequest, PriorRequest, ReconstructionRequest
from genlab.i18n import Translator
from genlab.sections import drawn, output_path, save_result_notebook

SECTION = "vae"
# what "Encode → Latent → Reconstruct" and "Sample z ~ N(0, I) → Decode" both return, in order
AUDIO_OUTPUTS = ("original", "output", "info", "waveforms", "histograms", "heatmap", "notebook")


def _clip(value) -> str:
    """A player's value (a file path, or None when empty) as a request's clip ("" = a shipped one)."""
    return "" if value is None else str(value)


def pick_random_clip(seed=None) -> str:
    """The path of a random shipped clip (the "random shipped clip" button)."""
    return str(pipeline.random_clip(None if seed in (None, -1) else int(seed)))


def _audio_outputs(result, info: str, lang: str) -> tuple:
    stem = "reconstruction" if not result.is_prior else "prior-sample"
    original = None
    if result.original is not None:
        original = str(pipeline.save_audio_file(result, output_path("original.wav"), result.original))
    output = str(pipeline.save_audio_file(result, output_path(f"{stem}.wav")))
    return (original, output, info, *result.figures(), save_result_notebook(result, f"vae-{stem}", lang))


def reconstruct(clip=None, model=pipeline.LAB, seconds=2.5, latent="mean", seed=-1, lang: str = "en"):
    """Encode -> latent -> reconstruct: ``AUDIO_OUTPUTS`` (paths, info markdown, three figures, notebook)."""
    tr = Translator(SECTION, lang)
    result = pipeline.reconstruct(ReconstructionRequest(model=model, clip=_clip(clip), seconds=seconds,
                                                        latent=latent, seed=seed, lang=lang),
                                 allow_download=downloads.allowed())  # the operator's flag only
    lines = [f"- {tr('source')}: {result.source}",
             f"- {tr('shape')}: {tuple(result.original.shape)} @ {result.sample_rate} Hz · "
             f"{tr('latent_shape')}: {tuple(result.z.shape)} ({tr('hop')} {result.hop})",
             f"- **{tr('kl_dim')}: {result.kl_per_dim:.4f}**",
             f"- {tr('kl_frame')}: {result.kl_per_frame:.3f}",
             f"- {tr('kl_lecture')}: {result.kl_lecture:.3f}"]
    if result.silent:
        lines.append(f"- {tr('silent')}")
    if result.shorter_than_requested:
        lines.append(f"- {tr('shorter', clip=result.seconds, asked=result.request.seconds)}")
    return _audio_outputs(result, "\n".join(lines), lang)


def sample_prior(model=pipeline.LAB, seconds=2.5, seed=-1, lang: str = "en"):
    """z ~ N(0, I) -> decode: ``AUDIO_OUTPUTS``, with no original and no histograms (cleared)."""
    tr = Translator(SECTION, lang)
    result = pipeline.sample_prior(PriorRequest(model=model, seconds=seconds, seed=seed, lang=lang),
                                   allow_download=downloads.allowed())
    info = tr("prior_info", shape=tuple(result.z.shape), seed=result.request.seed, seconds=result.seconds,
              rate=result.sample_rate)
    return _audio_outputs(result, info, lang)


def interpolate(clip_a=None, clip_b=None, model=pipeline.LAB, seconds=2.0, steps=5, seed=-1, lang: str = "en"):
    """(joined audio path, figure, notebook path) of the decoded path between two clips' means."""
    result = pipeline.interpolate(InterpolationRequest(model=model, clip_a=_clip(clip_a), clip_b=_clip(clip_b),
                                                       seconds=seconds, steps=steps, seed=seed, lang=lang),
                                  allow_download=downloads.allowed())
    path = pipeline.save_audio_file(result, output_path("interpolation.wav"))
    return str(path), result.show(), save_result_notebook(result, "vae-interpolation", lang)


def walk_digits(z1=0.0, z2=0.0, lang: str = "en", *, figure: str = "plotly"):
    """(figure, notebook path): the digit VAE's decoded digit at (z1, z2) beside its latent map;
    ``figure`` as ``genlab.sections.drawn``."""
    result = pipeline.walk_digits(DigitWalkRequest(z1=z1, z2=z2, lang=lang))
    return drawn(result, figure), save_result_notebook(result, "vae-digit-walk", lang)


def uploaded_clip(raw: bytes | None, name: str = "upload") -> str | None:
    """Bytes a widget received, as a file a request can name (None: nothing uploaded)."""
    if raw is None:
        return None
    path = output_path(Path(name).name or "upload")
    path.write_bytes(raw)
    return str(path)
