"""Audio input for the models: read, check, mix to the model's channels, resample, crop, normalise.

The lecture's preprocessing (``_to_stereo``, ``_resample_if_needed``,
``_crop_or_pad_to_seconds_and_multiple``, ``_peak_normalize``) as plain numpy functions on
(C, T) arrays, plus the checks a web upload needs (limits in ``genlab.limits``): size, unreadable
or non-audio files, zero length, NaN samples; sample rate, channels and duration from the header,
before decoding.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from genlab import limits
from genlab.errors import InputError, check_number

SUFFIXES = (".wav", ".flac", ".ogg")


def read_audio(source, *, param: str = "audio",
               max_mb: float = limits.MAX_UPLOAD_MB) -> tuple[np.ndarray, int]:
    """Read a file path, bytes or a (sample_rate, array) pair -> ((C, T) float32, sample_rate).

    Raises ``InputError`` naming ``param`` for a file that is missing, too large, empty, not
    audio, has an unsupported rate, too many channels or is too long (all read from the header,
    before anything is decoded), or holds NaN/inf samples.
    """
    import soundfile as sf

    if isinstance(source, tuple) and len(source) == 2 and np.ndim(source[0]) == 0:
        rate, data = source  # what gr.Audio(type="numpy") gives: (sr, (T,) or (T, C) array)
        wave = _as_channels_first(np.asarray(data), param)
        _check_header(int(rate), wave.shape[0], wave.shape[-1], param)
        return _check_finite(wave, param), int(rate)
    raw = _read_bytes(source, param, max_mb)
    try:
        with sf.SoundFile(io.BytesIO(raw)) as f:
            _check_header(f.samplerate, f.channels, f.frames, param)
            data = f.read(dtype="float32", always_2d=True)  # (T, C)
            rate = f.samplerate
    except InputError:
        raise
    except (RuntimeError, sf.LibsndfileError, TypeError, ValueError, OverflowError, MemoryError):
        raise InputError(param, "not_audio") from None
    if data.shape[0] == 0:
        raise InputError(param, "audio_empty")
    return _check_finite(np.ascontiguousarray(data.T), param), int(rate)


def _read_bytes(source, param: str, max_mb: float) -> bytes:
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise InputError(param, "no_such_file", name=path.name)
        size = path.stat().st_size
        if size > max_mb * 1e6:
            raise InputError(param, "file_too_large", size_mb=size / 1e6, limit_mb=max_mb)
        raw = path.read_bytes()
    elif isinstance(source, (bytes, bytearray)):
        raw = bytes(source)
        if len(raw) > max_mb * 1e6:
            raise InputError(param, "file_too_large", size_mb=len(raw) / 1e6, limit_mb=max_mb)
    else:
        raise InputError(param, "not_audio")
    if not raw:
        raise InputError(param, "empty_file")
    return raw


def _as_channels_first(data: np.ndarray, param: str) -> np.ndarray:
    if data.ndim == 1:
        data = data[None]
    elif data.ndim == 2:
        data = data.T if data.shape[0] > data.shape[1] else data  # (T, C) -> (C, T)
    else:
        raise InputError(param, "bad_ndim", expected=2, got=data.ndim)
    if np.issubdtype(data.dtype, np.integer):  # microphone/int16 PCM -> [-1, 1]
        data = data.astype(np.float32) / float(np.iinfo(data.dtype).max)
    elif not np.issubdtype(data.dtype, np.floating):
        raise InputError(param, "not_array")
    return data.astype(np.float32)


def _check_header(rate: int, channels: int, frames: int, param: str) -> None:
    """Rate, channels and duration as the file declares them, checked before decoding."""
    lo, hi = limits.AUDIO_RATE_HZ
    if not lo <= rate <= hi:
        raise InputError(param, "audio_rate", rate=rate, low=lo, high=hi)
    if channels > limits.MAX_AUDIO_CHANNELS:
        raise InputError(param, "audio_channels", channels=channels, limit=limits.MAX_AUDIO_CHANNELS)
    if frames == 0:
        raise InputError(param, "audio_empty")
    seconds = frames / rate
    if seconds > limits.MAX_AUDIO_SECONDS:
        raise InputError(param, "audio_too_long", seconds=seconds, limit=limits.MAX_AUDIO_SECONDS)


def _check_finite(wave: np.ndarray, param: str) -> np.ndarray:
    if not np.all(np.isfinite(wave)):
        raise InputError(param, "not_finite_array")
    return wave


def to_channels(wave: np.ndarray, channels: int) -> np.ndarray:
    """(C, T) -> (channels, T): mono is copied to stereo, stereo is averaged to mono."""
    if wave.shape[0] == channels:
        return wave
    if channels == 1:
        return wave.mean(axis=0, keepdims=True)
    if wave.shape[0] == 1:
        return np.repeat(wave, channels, axis=0)
    return wave[:channels]


def resample(wave: np.ndarray, rate: int, target_rate: int) -> np.ndarray:
    """(C, T) at ``rate`` -> (C, T') at ``target_rate`` with soxr (high quality)."""
    import soxr

    if rate == target_rate:
        return wave
    return np.ascontiguousarray(soxr.resample(wave.T, rate, target_rate, quality="HQ").T, dtype=np.float32)


def crop_or_pad(wave: np.ndarray, length: int, multiple: int = 1) -> np.ndarray:
    """Crop or zero-pad (C, T) to ``length`` samples, then to a multiple of ``multiple`` (>= one)."""
    if wave.shape[-1] >= length:
        wave = wave[..., :length]
    else:
        wave = np.pad(wave, [(0, 0)] * (wave.ndim - 1) + [(0, length - wave.shape[-1])])
    target = max(multiple, (wave.shape[-1] // multiple) * multiple)
    if target < wave.shape[-1]:
        return np.ascontiguousarray(wave[..., :target])
    return np.pad(wave, [(0, 0)] * (wave.ndim - 1) + [(0, target - wave.shape[-1])])


def crop_to_hop(wave: np.ndarray, max_length: int, hop: int = 1) -> np.ndarray:
    """Cut (C, T) to at most ``max_length`` samples, then down to a multiple of ``hop``; never pads,
    except a clip shorter than one hop, which is zero-padded to one hop (the least a model can take)."""
    length = (min(wave.shape[-1], max_length) // hop) * hop
    if length == 0:
        return crop_or_pad(wave, hop, hop)
    return np.ascontiguousarray(wave[..., :length])


def peak_normalize(wave: np.ndarray, eps: float = 1e-8) -> np.ndarray:
    """Scale so that max |x| = 1; silence (peak < eps) is returned unchanged."""
    peak = float(np.abs(wave).max()) if wave.size else 0.0
    if peak < eps:
        return wave
    return np.clip(wave / peak, -1.0, 1.0).astype(np.float32)


def prepare(wave: np.ndarray, rate: int, *, target_rate: int, channels: int, seconds: float,
            hop: int) -> np.ndarray:
    """The lecture's pipeline: channels -> resample -> cut to at most ``seconds`` and to a multiple
    of the hop -> peak-normalise. A clip shorter than ``seconds`` keeps its own length (unlike the
    lecture's, which zero-pads it); only one shorter than a hop is padded, to one hop."""
    seconds = check_number("seconds", seconds, *limits.AUDIO_VAE_SECONDS)
    wave = to_channels(wave, channels)
    wave = resample(wave, rate, target_rate)
    wave = crop_to_hop(wave, int(round(seconds * target_rate)), hop)
    return peak_normalize(wave)


def is_silent(wave: np.ndarray, threshold: float = 1e-4) -> bool:
    return float(np.abs(wave).max()) < threshold if wave.size else True
