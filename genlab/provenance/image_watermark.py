"""The invisible image watermark, from the ``invisible-watermark`` package that SDXL pipelines use.

Stable Diffusion XL pipelines (diffusers' ``StableDiffusionXLWatermarker``) write a 48-bit message
with the package's ``dwtDct`` method: into the DCT coefficients of 4x4 blocks of the
Haar-wavelet approximation of the image's U (chroma) channel. genlab writes its own 48-bit
message (the bytes ``b"genlab"``) with the same package's ``dwtDctSvd`` method, which puts each
bit into the largest singular value of the block's DCT instead: measured here, it survives
ordinary JPEG saves down to quality 70, which ``dwtDct`` does not survive at quality 95
(benchmarks/RESULTS.md). When verifying, genlab also looks for SDXL's published message with
SDXL's own method, so ``genlab verify`` can say "made by an SDXL pipeline".

Decision rule: the decoder returns 48 bits; the mark is "detected" when at least
``MIN_MATCHING_BITS`` of them equal the message. For an image without the mark each bit is a coin
flip at best, so P(false positive) <= P(Binomial(48, 1/2) >= 41) ~ 1e-7 per image; the benchmark
``benchmarks/bench_watermark.py`` measures the real rate on images genlab did not make.

Limits (measured in benchmarks/RESULTS.md): the encoder needs at least 256 x 256 = 65,536 pixels;
the mark is in chroma, so an image saved in grayscale ("L") mode would lose it (genlab saves a
marked image as RGB); crops that shift the 8-pixel block grid and resizing destroy it.
"""

from __future__ import annotations

import math

import numpy as np

METHOD = "dwtDctSvd"                       # genlab's mark
SDXL_METHOD = "dwtDct"                     # the method SDXL pipelines use
MESSAGE = b"genlab"                        # 48 bits
N_BITS = 8 * len(MESSAGE)
MIN_MATCHING_BITS = 41                     # of 48; see the module docstring for the error rate
MIN_PIXELS = 256 * 256                     # the encoder refuses smaller images
# The 48-bit message diffusers' StableDiffusionXLWatermarker embeds (WATERMARK_MESSAGE).
SDXL_BITS = [int(b) for b in bin(0b101100111110110010010000011110111011000110011110)[2:]]


def message_bits(message: bytes = MESSAGE) -> list[int]:
    return [int(b) for b in np.unpackbits(np.frombuffer(message, dtype=np.uint8))]


def large_enough(height: int, width: int) -> bool:
    return height * width >= MIN_PIXELS


def _to_bgr(rgb: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(rgb[..., ::-1])


def embed(rgb: np.ndarray, message: bytes = MESSAGE) -> np.ndarray:
    """Return a copy of ``rgb`` (H, W, 3) uint8 with ``message`` embedded.

    Raises ``ValueError`` when the image is smaller than ``MIN_PIXELS``.
    """
    from imwatermark import WatermarkEncoder

    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError("image: expected an (H, W, 3) uint8 RGB array")
    if not large_enough(*rgb.shape[:2]):
        raise ValueError(f"image: {rgb.shape[1]}x{rgb.shape[0]} is below the watermark's "
                         f"minimum of {MIN_PIXELS} pixels")
    encoder = WatermarkEncoder()
    encoder.set_watermark("bytes", message)
    bgr = encoder.encode(_to_bgr(rgb), METHOD)
    return np.clip(bgr, 0, 255).astype(np.uint8)[..., ::-1].copy()


def decode_bits(rgb: np.ndarray, n_bits: int = N_BITS, method: str = METHOD) -> np.ndarray | None:
    """The ``n_bits`` bits ``method``'s decoder reads from ``rgb``; ``None`` if it is too small."""
    from imwatermark import WatermarkDecoder

    rgb = np.asarray(rgb)
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[..., None], 3, axis=2)
    rgb = rgb[..., :3].astype(np.uint8)
    if not large_enough(*rgb.shape[:2]):
        return None
    decoder = WatermarkDecoder("bits", n_bits)
    return np.asarray(decoder.decode(_to_bgr(rgb), method), dtype=int)


def false_positive_bound(n_bits: int = N_BITS, threshold: int = MIN_MATCHING_BITS) -> float:
    """P(Binomial(n_bits, 1/2) >= threshold): the error rate if unmarked bits were coin flips."""
    return sum(math.comb(n_bits, k) for k in range(threshold, n_bits + 1)) / 2.0 ** n_bits


def detect(rgb: np.ndarray) -> dict:
    """Look for genlab's (and SDXL's) mark in an (H, W[, C]) uint8 image.

    Returns ``{"method", "checked", "detected", "matching_bits", "n_bits", "threshold",
    "sdxl_detected"}``; ``checked`` is False for images below ``MIN_PIXELS``.
    """
    bits = decode_bits(rgb)
    report = {"method": f"invisible-watermark {METHOD}", "n_bits": N_BITS,
              "threshold": MIN_MATCHING_BITS}
    if bits is None:
        return {**report, "checked": False, "detected": False, "matching_bits": None,
                "sdxl_detected": False, "note": f"image below {MIN_PIXELS} pixels: not checked"}
    matching = int(np.sum(bits == np.asarray(message_bits())))
    sdxl = int(np.sum(decode_bits(rgb, method=SDXL_METHOD) == np.asarray(SDXL_BITS)))
    return {**report, "checked": True, "detected": matching >= MIN_MATCHING_BITS,
            "matching_bits": matching, "sdxl_detected": sdxl >= MIN_MATCHING_BITS}
