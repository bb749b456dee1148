"""Losses and quality measures for audio reconstructions.

* ``multi_resolution_stft_loss``: spectral convergence + log-magnitude L1 at several FFT sizes
  (Yamamoto et al. 2020, Parallel WaveGAN), the loss that makes a reconstruction *sound* right.
* ``si_sdr``: scale-invariant signal-to-distortion ratio in dB (Le Roux et al. 2019).
* ``stoi``: short-time objective intelligibility (pystoi), 0..1, > ~0.75 is clearly intelligible.
"""

from __future__ import annotations

import numpy as np
import torch

LOG_FLOOR = 1e-3  # magnitude floor inside the log (about -60 dB below a full-scale tone's peak bin)
STFT_SIZES = ((512, 128, 512), (1024, 256, 1024), (256, 64, 256), (128, 32, 128))  # (n_fft, hop, win)


def _magnitude(x: torch.Tensor, n_fft: int, hop: int, win: int) -> torch.Tensor:
    window = torch.hann_window(win, device=x.device, dtype=x.dtype)
    spec = torch.stft(x.reshape(-1, x.shape[-1]), n_fft, hop, win, window, return_complex=True)
    return spec.abs()  # (B*C, freq, frames)


def multi_resolution_stft_loss(x_hat: torch.Tensor, x: torch.Tensor, sizes=STFT_SIZES) -> torch.Tensor:
    """Mean over resolutions of ||S - S_hat||_F / ||S||_F + mean |log S - log S_hat|; x (B, C, T)."""
    total = x.new_zeros(())
    for n_fft, hop, win in sizes:
        s, s_hat = _magnitude(x, n_fft, hop, win), _magnitude(x_hat, n_fft, hop, win)
        convergence = torch.linalg.norm(s - s_hat, dim=(1, 2)) / torch.linalg.norm(s, dim=(1, 2)).clamp_min(1e-7)
        # The floor keeps silent frames (espeak pauses, zero padding) from dominating the log term.
        log_mag = (torch.log(s + LOG_FLOOR) - torch.log(s_hat + LOG_FLOOR)).abs().mean(dim=(1, 2))
        total = total + (convergence + log_mag).mean()
    return total / len(sizes)


def si_sdr(estimate: np.ndarray, reference: np.ndarray, eps: float = 1e-8) -> float:
    """Scale-invariant SDR in dB of a 1-D ``estimate`` against a 1-D ``reference``."""
    estimate = np.asarray(estimate, dtype=np.float64) - np.mean(estimate)
    reference = np.asarray(reference, dtype=np.float64) - np.mean(reference)
    alpha = np.dot(estimate, reference) / (np.dot(reference, reference) + eps)
    target = alpha * reference
    noise = estimate - target
    return float(10 * np.log10((np.dot(target, target) + eps) / (np.dot(noise, noise) + eps)))


def spectral_distance(estimate: np.ndarray, reference: np.ndarray) -> float:
    """Multi-resolution STFT distance (the training loss's value) between two 1-D signals."""
    with torch.no_grad():
        a = torch.as_tensor(np.asarray(estimate, dtype=np.float32))[None, None]
        b = torch.as_tensor(np.asarray(reference, dtype=np.float32))[None, None]
        return float(multi_resolution_stft_loss(a, b))


def stoi(estimate: np.ndarray, reference: np.ndarray, sample_rate: int) -> float:
    """Short-time objective intelligibility in [0, 1] (pystoi), ``reference`` = the clean clip."""
    from pystoi import stoi as _stoi

    return float(_stoi(np.asarray(reference, np.float64), np.asarray(estimate, np.float64),
                       sample_rate, extended=False))
