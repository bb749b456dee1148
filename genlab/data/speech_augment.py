"""What real rooms, microphones and speakers do to a voice, applied to clean training speech.

``augment(window, length, rng)`` turns a clean window into a (length,) clip by a random chain:

    speed (0.85-1.18, pitch and tempo together, as Kaldi's speed perturbation)
    -> microphone colouring (1-3 peaking EQ bands of +-9 dB and a spectral tilt)
    -> band limit (telephone-like low-pass 3.4-7.5 kHz; high-pass 50-300 Hz)
    -> room reverberation (a synthetic impulse response: direct path + exponentially decaying
       noise, RT60 0.15-0.9 s, direct-to-reverberant ratio -3..+15 dB)
    -> additive coloured noise (1/f^alpha, alpha 0-2, at 5-40 dB SNR)
    -> clipping (overdriven input) -> peak normalisation and a random level.

Each stage runs with its own probability, so some clips stay clean. The autoencoder's target is
the augmented clip itself: it must reconstruct whatever a microphone gives it.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 16_000
SPEED_RANGE = (0.85, 1.18)
MARGIN = 1.25  # a window this much longer than the clip leaves room for speed-up and reverb onset


def speed_change(x: np.ndarray, factor: float) -> np.ndarray:
    """Play ``x`` ``factor`` times faster (pitch moves with it): resample by 1/factor."""
    import soxr

    return soxr.resample(x, SAMPLE_RATE * factor, SAMPLE_RATE, quality="MQ").astype(np.float32)


def _peaking(f0: float, gain_db: float, q: float):
    """RBJ audio-EQ-cookbook peaking biquad as (b, a)."""
    a_lin = 10 ** (gain_db / 40)
    w0 = 2 * np.pi * f0 / SAMPLE_RATE
    alpha = np.sin(w0) / (2 * q)
    b = np.array([1 + alpha * a_lin, -2 * np.cos(w0), 1 - alpha * a_lin])
    a = np.array([1 + alpha / a_lin, -2 * np.cos(w0), 1 - alpha / a_lin])
    return b / a[0], a / a[0]


def colour(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Microphone / loudspeaker colouring: random peaking bands and a first-order tilt."""
    from scipy.signal import lfilter

    for _ in range(int(rng.integers(1, 4))):
        b, a = _peaking(float(np.exp(rng.uniform(np.log(100), np.log(6000)))),
                        float(rng.uniform(-9, 9)), float(rng.uniform(0.5, 3)))
        x = lfilter(b, a, x)
    tilt = float(rng.uniform(-0.6, 0.6))  # y = x - tilt * x[t-1]: > 0 brightens, < 0 darkens
    return lfilter([1.0, -tilt], [1.0], x).astype(np.float32)


def band_limit(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    from scipy.signal import butter, sosfilt

    if rng.random() < 0.6:
        sos = butter(int(rng.integers(4, 9)), float(rng.uniform(3400, 7500)), "low", fs=SAMPLE_RATE,
                     output="sos")
        x = sosfilt(sos, x)
    if rng.random() < 0.6:
        sos = butter(2, float(rng.uniform(50, 300)), "high", fs=SAMPLE_RATE, output="sos")
        x = sosfilt(sos, x)
    return x.astype(np.float32)


def room_impulse_response(rng: np.random.Generator, rt60: float | None = None,
                          drr_db: float | None = None) -> np.ndarray:
    """A synthetic room: a unit direct path, then decaying Gaussian noise (Schroeder's model) whose
    energy falls by 60 dB in ``rt60`` seconds, ``drr_db`` below the direct path (random if None)."""
    rt60 = float(rng.uniform(0.15, 0.9)) if rt60 is None else rt60
    n = int(rt60 * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    tail = rng.standard_normal(n) * np.exp(-6.908 * t / rt60)   # amplitude e^-6.9 = -60 dB at t = rt60
    tail[: int(rng.uniform(0.003, 0.02) * SAMPLE_RATE)] = 0.0    # pre-delay before reflections
    drr_db = float(rng.uniform(-3, 15)) if drr_db is None else drr_db
    tail *= np.sqrt(10 ** (-drr_db / 10) / max(np.sum(tail ** 2), 1e-12))
    tail[0] = 1.0
    return tail


def reverberate(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    from scipy.signal import fftconvolve

    return fftconvolve(x, room_impulse_response(rng))[: len(x)].astype(np.float32)


def coloured_noise(n: int, alpha: float, rng: np.random.Generator) -> np.ndarray:
    """Noise with power spectrum ~ 1/f^alpha (0 white, 1 pink, 2 brown), unit RMS."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n)
    f[0] = f[1]
    noise = np.fft.irfft(spectrum / f ** (alpha / 2), n)
    return (noise / (np.sqrt(np.mean(noise ** 2)) + 1e-12)).astype(np.float32)


def add_noise(x: np.ndarray, rng: np.random.Generator, snr_db: float | None = None) -> np.ndarray:
    snr_db = float(rng.uniform(5, 40)) if snr_db is None else snr_db
    rms = float(np.sqrt(np.mean(x ** 2)))
    return x + coloured_noise(len(x), float(rng.uniform(0, 2)), rng) * rms * 10 ** (-snr_db / 20)


def augment(window: np.ndarray, length: int, rng: np.random.Generator, *, p: float = 1.0) -> np.ndarray:
    """A (length,) augmented clip from ``window`` (at least ``length * MARGIN`` samples long).

    ``p`` scales every stage's probability (0 = only the random level, never anything else).
    """
    x = np.asarray(window, np.float32)
    if rng.random() < 0.7 * p:
        x = speed_change(x, float(rng.uniform(*SPEED_RANGE)))
    if rng.random() < 0.5 * p:
        x = colour(x, rng)
    if rng.random() < 0.35 * p:
        x = band_limit(x, rng)
    if rng.random() < 0.4 * p:
        x = reverberate(x, rng)
    start = int(rng.integers(0, max(1, len(x) - length + 1)))
    x = np.pad(x[start:start + length], (0, max(0, length - len(x[start:]))))[:length]
    if rng.random() < 0.5 * p:
        x = add_noise(x, rng)
    if rng.random() < 0.1 * p:
        drive = float(rng.uniform(1.5, 4.0))
        x = np.clip(x / (np.abs(x).max() + 1e-9) * drive, -1.0, 1.0)
    peak = float(np.abs(x).max())
    if peak > 0:
        x = x / peak
    return (x * rng.uniform(0.25, 1.0)).astype(np.float32)
