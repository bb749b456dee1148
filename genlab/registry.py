"""The families genlab knows, where their command-line verbs live, and the lecture's pretrained models.

A family's CLI module defines plain functions ``train``, ``sample`` and ``evaluate`` (typer reads
their signatures); it must import heavy libraries (torch, transformers, ...) inside the functions
so that ``genlab --help`` stays fast. A family whose module does not exist yet is listed as
"not built yet" by the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    name: str
    cli_module: str
    taxonomy: str            # explicit / implicit / latent
    pretrained: tuple[str, ...] = ()  # the lecture's models, loaded only when a user asks


FAMILIES: dict[str, Family] = {f.name: f for f in [
    Family("mixture", "genlab.classic.cli", "explicit (exact density)"),
    Family("autoregressive", "genlab.families.autoregressive.cli", "explicit (exact density)",
           ("Qwen/Qwen3-VL-2B-Instruct",)),
    Family("gan", "genlab.families.gan.cli", "implicit (no density)", ("biggan-deep-256",)),
    Family("vae", "genlab.families.vae.cli", "latent (ELBO bound)", ("earlab/EAR_VAE",)),
    Family("diffusion", "genlab.families.diffusion.cli", "latent (ELBO bound)",
           ("stabilityai/stable-diffusion-xl-base-1.0",)),
]}


def cli_module(name: str):
    """The family's CLI module, or ``None`` when the family is not built yet."""
    import importlib
    import importlib.util

    module = FAMILIES[name].cli_module
    try:
        if importlib.util.find_spec(module) is None:
            return None
    except ModuleNotFoundError:
        return None
    return importlib.import_module(module)
