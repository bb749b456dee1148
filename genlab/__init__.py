"""genlab: see, learn and use modern generative models.

The library follows the lecture: ``genlab.prob`` (probability basics), ``genlab.classic``
(discriminative vs generative), ``genlab.families`` (autoregressive, GAN, VAE, diffusion),
``genlab.provenance`` (ethics by design). Views live in ``genlab.app``, ``genlab.widgets`` and
``genlab.cli`` and hold no math.
"""

__version__ = "0.1.0"

from genlab.core import GenerativeModel, NoDensityError  # noqa: E402
from genlab.errors import InputError  # noqa: E402

__all__ = ["GenerativeModel", "InputError", "NoDensityError", "__version__"]

# ``import genlab; genlab.widgets.gan()`` works without importing the subpackage first; the
# subpackages load on first use, so ``import genlab`` stays light.
_SUBPACKAGES = ("app", "classic", "data", "ethics", "families", "metrics", "prob", "provenance", "sections",
                "viz", "widgets")


def __getattr__(name):
    if name in _SUBPACKAGES:
        import importlib

        return importlib.import_module(f"genlab.{name}")
    raise AttributeError(f"module 'genlab' has no attribute {name!r}")
