"""The lecture's pretrained backend: SDXL base 1.0 with the DEIS multistep scheduler.

Here "pipeline" means diffusers' ``StableDiffusionXLPipeline`` (text encoders, UNet, VAE and a
scheduler in one object): ``load_sdxl`` returns one and ``generate_sdxl`` runs it. genlab's own
face of the family is ``genlab.families.diffusion.pipeline`` (a ``DiffusionRequest`` in, images
with provenance out), which checks every value before it calls these.

As in the lecture's cell: ``StableDiffusionXLPipeline.from_pretrained(MODEL_ID, torch_dtype=...,
use_safetensors=True, variant="fp16" on GPU)``, then ``DEISMultistepScheduler.from_config(
pipe.scheduler.config)``. genlab adds a pinned revision, no network unless the operator allowed it
(``local_files_only=True`` by default), a seed, a choice of scheduler and of timestep spacing
("leading" is what SDXL's config gives DEIS; "trailing" starts at the last training step and is
better at low NFE), the decoded latents at chosen steps, and per-step progress.

The same ``load_sdxl``/``generate_sdxl`` run the tests on a tiny SDXL pipeline with random
weights saved to a local folder (tests/diffusion/tiny_sdxl.py).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable

from genlab.errors import InputError

SDXL_ID = "stabilityai/stable-diffusion-xl-base-1.0"
SDXL_REVISION = "462165984030d82259a11f4367a4eed129e94a7b"  # main as of the lecture (Jul 2023 release)
# the lecture's list (width x height), and a smaller one that a CPU draws in a quarter of the time
SIZE_PRESETS = ("1024x1024", "1152x896", "896x1152", "832x1216", "1216x832", "512x512")
SPACINGS = ("leading", "trailing")


def device_and_dtype():
    """CUDA with float16 weights when there is a GPU, else CPU with float32 (as the lecture)."""
    import torch

    if torch.cuda.is_available():
        return "cuda", torch.float16
    return "cpu", torch.float32


def is_cached(model: str = SDXL_ID) -> bool:
    """Whether SDXL at the pinned revision is in the local Hugging Face cache (or ``model`` is a
    saved pipeline folder): a file lookup, nothing is loaded or downloaded."""
    if Path(model, "model_index.json").is_file():
        return True
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(model, "model_index.json", revision=SDXL_REVISION), str)


def not_cached_error(model: str = SDXL_ID) -> InputError:
    return InputError("model", "sdxl_not_cached", model=model, revision=SDXL_REVISION)


@functools.lru_cache(maxsize=2)
def load_sdxl(model: str = SDXL_ID, *, local_files_only: bool = True, device: str | None = None):
    """diffusers' ``StableDiffusionXLPipeline`` (cached and shared: ``generate_sdxl`` never
    modifies it).

    ``model`` is the hub id (loaded at the pinned revision) or a local folder saved with
    ``save_pretrained``. Without ``local_files_only=False`` nothing is downloaded.
    """
    import torch
    from diffusers import StableDiffusionXLPipeline

    auto_device, dtype = device_and_dtype()
    device = device or auto_device
    if device == "cpu":
        dtype = torch.float32
    is_local = Path(model).is_dir()
    kwargs = dict(dtype=dtype, use_safetensors=True, local_files_only=local_files_only)
    if not is_local:
        kwargs["revision"] = SDXL_REVISION
        if dtype == torch.float16:
            kwargs["variant"] = "fp16"  # the half-size weight files, for the GPU
    try:
        sdxl = StableDiffusionXLPipeline.from_pretrained(model, **kwargs)
    except (OSError, ValueError) as err:
        if local_files_only and not is_local:
            raise not_cached_error(model) from err
        raise
    sdxl = sdxl.to(device)
    if device == "cpu" or torch.cuda.get_device_properties(0).total_memory < 16 * 2**30:
        # Attention in slices: lower peak memory at 1024 px, where RAM or VRAM is short.
        sdxl.enable_attention_slicing()
    sdxl.set_progress_bar_config(disable=True)
    return sdxl


def generate_sdxl(sdxl, prompt: str, *, negative_prompt: str = "", nfe: int = 25, guidance: float = 6.0,
                  width: int = 1024, height: int = 1024, num_images: int = 1, seed: int = 0,
                  scheduler: str = "deis", spacing: str = "leading", show_steps=(),
                  on_step: Callable[[int, int], None] | None = None):
    """The lecture's ``run_sdxl_deis`` with a seed, a scheduler and progress, on checked values
    (``pipeline.DiffusionRequest`` checks them). Returns (PIL images, [(step, PIL image of the
    decoded latents)] at ``show_steps``).

    Decoding the latents at ``show_steps`` costs one VAE decoder pass each, so the user sees
    structure emerge.
    """
    import torch

    from genlab.families.diffusion.schedulers import scheduler_from_pipeline

    # A per-call view of the shared pipeline with its own scheduler (no weights are copied), so
    # two users' runs never share a scheduler's state.
    sched = scheduler_from_pipeline(scheduler, sdxl.scheduler, spacing=spacing)
    sdxl = type(sdxl)(**{**sdxl.components, "scheduler": sched})
    sdxl.set_progress_bar_config(disable=True)
    show = set(int(s) for s in show_steps)
    intermediates = []

    def callback(running, step, timestep, tensors):
        if step in show:
            intermediates.append((step, decode_latents(running, tensors["latents"][:1])[0]))
        if on_step is not None:
            on_step(step, nfe)
        return tensors

    generator = torch.Generator(device="cpu").manual_seed(seed)
    with torch.inference_mode():
        out = sdxl(prompt=prompt, negative_prompt=negative_prompt or None, num_inference_steps=nfe,
                   guidance_scale=guidance, height=height, width=width, num_images_per_prompt=num_images,
                   generator=generator, callback_on_step_end=callback,
                   callback_on_step_end_tensor_inputs=["latents"])
    return list(out.images), intermediates


def decode_latents(sdxl, latents):
    """VAE-decode latents (B, 4, h, w) into PIL images, as the pipeline does at its end."""
    import torch

    vae = sdxl.vae
    upcast = vae.dtype == torch.float16 and vae.config.get("force_upcast", False)
    if upcast:  # SDXL's VAE overflows in float16; the pipeline upcasts it the same way
        vae.to(torch.float32)
    try:
        with torch.inference_mode():
            images = vae.decode(latents.to(vae.dtype) / vae.config.scaling_factor).sample
    finally:
        if upcast:
            vae.to(torch.float16)
    return sdxl.image_processor.postprocess(images.float(), output_type="pil")
