"""The truncation trick (Brock et al., 2019, "Large Scale GAN Training", section 3.1).

BigGAN samples z from a normal truncated to [-t, t] ("values which fall outside a range are
resampled to fall inside that range"). Smaller t keeps z near the mode of the prior: samples get
more typical (higher fidelity) and less varied (lower diversity).

genlab draws the same distribution by the inverse CDF instead of a resampling loop:
z = Phi^{-1}(Phi(-t) + u (Phi(t) - Phi(-t))) with u ~ U(0, 1). Each coordinate uses exactly one
uniform number, so a seed fixes u: lowering t moves the *same* latent points monotonically toward 0
(a truncation sweep shows one image becoming more typical), and the first k of n samples do not
depend on n.
"""

from __future__ import annotations

import math


def truncated_normal(shape, truncation: float | None, generator=None):
    """z ~ N(0, I) restricted to [-t, t] per coordinate (t = ``truncation``; ``None``: no limit).

    Returns a float32 tensor of ``shape``.
    """
    import torch

    u = torch.rand(shape, generator=generator, dtype=torch.float64)
    if truncation is None or math.isinf(truncation):
        lo, hi = 0.0, 1.0
    else:
        phi_t = 0.5 * (1 + math.erf(truncation / math.sqrt(2)))  # Phi(t)
        lo, hi = 1 - phi_t, phi_t
    u = lo + u * (hi - lo)
    u = u.clamp(1e-12, 1 - 1e-12)  # keep Phi^{-1} finite when there is no truncation
    return torch.special.ndtri(u).float()
