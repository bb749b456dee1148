"""The families genlab knows: where their command-line verbs, their model classes and their toy
models live, and the lecture's pretrained models.

A family's CLI module defines plain functions ``train``, ``sample`` and ``evaluate`` (typer reads
their signatures); it must import heavy libraries (torch, transformers, ...) inside the functions
so that ``genlab --help`` stays fast. A family whose module does not exist yet is listed as
"not built yet" by the CLI.

Places are written as strings (``"module:name"``) and imported only when asked for: this module
sits below the families and imports none of them. A family's place in the lecture's taxonomy is
read off its model class (``density``), never written here.

``TOY_MODELS`` is the taxonomy comparison's one hook per family: ``fit_toy(x, *, data, steps,
seed)`` fits the family's 2-D model to the points ``x`` (of the toy set named ``data``) and
returns a ``genlab.core.ToyFit``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

DENSITY_WORDS = {"exact": "exact density", "none": "no density", "bound": "ELBO bound"}


def load(place: str):
    """The object at ``"module:name"``."""
    module, _, name = place.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Family:
    name: str
    cli_module: str
    model: str                        # "module:Class" of the family's lab model
    pretrained: tuple[str, ...] = ()  # the lecture's models, loaded only when a user asks

    @property
    def taxonomy(self) -> str:
        """ "explicit (exact density)", ... from the model class ("?" when it cannot be imported)."""
        from genlab.core import kind_of

        try:
            cls = load(self.model)
        except (ImportError, AttributeError):
            return "?"
        return f"{kind_of(cls)} ({DENSITY_WORDS[cls.density]})"


FAMILIES: dict[str, Family] = {f.name: f for f in [
    Family("mixture", "genlab.classic.cli", "genlab.classic.gmm:GaussianMixtureEM"),
    Family("autoregressive", "genlab.families.autoregressive.cli", "genlab.families.autoregressive.model:CharLM",
           ("Qwen/Qwen3-VL-2B-Instruct",)),
    Family("gan", "genlab.families.gan.cli", "genlab.families.gan.model:ConditionalGAN", ("biggan-deep-256",)),
    Family("vae", "genlab.families.vae.cli", "genlab.families.vae.audio_vae:AudioVAE", ("earlab/EAR_VAE",)),
    Family("diffusion", "genlab.families.diffusion.cli", "genlab.families.diffusion.model:DigitDiffusion",
           ("stabilityai/stable-diffusion-xl-base-1.0",)),
]}

# the taxonomy comparison's models, in the order it shows them: one explicit pair, the implicit
# GAN, the two latent-variable families
TOY_MODELS: dict[str, str] = {
    "mixture": "genlab.classic.gmm:fit_toy",
    "flow": "genlab.families.flow.model:fit_toy",
    "gan": "genlab.families.gan.toy:fit_toy",
    "vae": "genlab.families.vae.toy_vae:fit_toy",
    "diffusion": "genlab.families.diffusion.pipeline:fit_toy",
}


def toy_model(name: str):
    """The family's toy-model hook (see ``TOY_MODELS``)."""
    return load(TOY_MODELS[name])


def cli_module(name: str):
    """The family's CLI module, or ``None`` when the family is not built yet."""
    import importlib.util

    module = FAMILIES[name].cli_module
    try:
        if importlib.util.find_spec(module) is None:
            return None
    except ModuleNotFoundError:
        return None
    return importlib.import_module(module)
