"""The lecture's pretrained backend: SDXL base 1.0 with the DEIS multistep scheduler.

As in the lecture's cell: ``StableDiffusionXLPipeline.from_pretrained(MODEL_ID, torch_dtype=...,
use_safetensors=True, variant="fp16" on GPU)``, then ``DEISMultistepScheduler.from_config(
pipe.scheduler.config)``, sizes rounded down to multiples of 8. genlab adds a pinned revision, no
network unless the user opts in (``local_files_only=True`` by default), a seed, a choice of
scheduler and of timestep spacing ("leading" is what SDXL's config gives DEIS; "trailing" starts
at the last training step and is better at low NFE), and per-step progress.

The same ``load_sdxl``/``generate_sdxl`` run the tests on a tiny SDXL pipeline with random
weights saved to a local folder.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from genlab import limits
from genlab.errors import InputError, check_choice, check_int, check_number, check_seed, check_text

SDXL_ID = "stabilityai/stable-diffusion-xl-base-1.0"
SDXL_REVISION = "462165984030d82259a11f4367a4eed129e94a7b"  # main as of the lecture (Jul 2023 release)
SIZE_PRESETS = {  # the lecture's list (width x height)
    "1024x1024": (1024, 1024), "1152x896": (1152, 896), "896x1152": (896, 1152),
    "832x1216": (832, 1216), "1216x832": (1216, 832),
}
NFE_RANGE = limits.NFE_RANGE
GUIDANCE_RANGE = (0.0, 12.0)
IMAGES_RANGE = (1, limits.MAX_DIFFUSION_IMAGES)
SIZE_RANGE = (64, 2048)
SPACINGS = ("leading", "trailing")


def device_and_dtype():
    """CUDA with float16 weights when there is a GPU, else CPU with float32 (as the lecture)."""
    import torch

    if torch.cuda.is_available():
        return "cuda", torch.float16
    return "cpu", torch.float32


@functools.lru_cache(maxsize=2)
def load_sdxl(model: str = SDXL_ID, *, local_files_only: bool = True, device: str | None = None):
    """Load the SDXL pipeline (cached and shared: ``generate_sdxl`` never modifies it).

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
        pipe = StableDiffusionXLPipeline.from_pretrained(model, **kwargs)
    except (OSError, ValueError) as err:
        if local_files_only and not is_local:
            raise InputError("model", "unavailable",
                             reason=f"{model} is not in the local Hugging Face cache. Allow the "
                                    "download (about 7 GB; CLI --allow-download, app checkbox) "
                                    "or use the lab model.") from err
        raise
    pipe = pipe.to(device)
    if device == "cpu" or torch.cuda.get_device_properties(0).total_memory < 16 * 2**30:
        # Attention in slices: lower peak memory at 1024 px, where RAM or VRAM is short.
        pipe.enable_attention_slicing()
    pipe.set_progress_bar_config(disable=True)
    return pipe


def round_size(width, height) -> tuple[int, int, list[str]]:
    """Sizes rounded down to multiples of 8 (the VAE's factor), with a note for each change."""
    notes = []
    out = []
    for name, value in (("width", width), ("height", height)):
        value = check_int(name, value, *SIZE_RANGE)
        if value % 8:
            rounded = value - value % 8
            notes.append(f"{name} {value} rounded down to {rounded} (a multiple of 8)")
            value = rounded
        out.append(value)
    return out[0], out[1], notes


@dataclass
class SDXLResult:
    images: list                 # PIL images
    notes: list[str]             # corrections made to the input (e.g. rounded sizes)
    record: dict                 # provenance record
    intermediates: list = field(default_factory=list)  # [(step, PIL image of decoded x_t)]


def generate_sdxl(pipe, prompt: str, *, negative_prompt: str = "", nfe: int = 25,
                  guidance: float = 6.0, width: int = 1024, height: int = 1024,
                  num_images: int = 1, seed: int | None = 0, scheduler: str = "deis",
                  spacing: str = "leading", show_steps=(),
                  on_step: Callable[[int, int], None] | None = None,
                  model_id: str = SDXL_ID) -> SDXLResult:
    """Run the lecture's ``run_sdxl_deis`` with validation, a seed and progress.

    ``show_steps``: step indices at which the current latents are decoded by the VAE (costly:
    one decoder pass each) so the user sees structure emerge.
    """
    import torch

    from genlab.families.diffusion.schedulers import scheduler_from_pipeline
    from genlab.provenance import record
    from genlab.seeding import resolve_seed

    prompt = check_text("prompt", prompt, max_chars=limits.MAX_PROMPT_CHARS).strip()
    negative_prompt = check_text("negative_prompt", negative_prompt or "", max_chars=limits.MAX_PROMPT_CHARS,
                                 allow_empty=True)
    nfe = check_int("nfe", nfe, *NFE_RANGE)
    guidance = check_number("guidance", guidance, *GUIDANCE_RANGE)
    num_images = check_int("num_images", num_images, *IMAGES_RANGE)
    check_choice("spacing", spacing, SPACINGS)
    width, height, notes = round_size(width, height)
    seed = resolve_seed(check_seed("seed", seed))

    # A per-call view of the shared pipeline with its own scheduler (no weights are copied), so
    # two users' runs never share a scheduler's state.
    sched = scheduler_from_pipeline(scheduler, pipe.scheduler, spacing=spacing)
    pipe = type(pipe)(**{**pipe.components, "scheduler": sched})
    pipe.set_progress_bar_config(disable=True)
    show = set(int(s) for s in show_steps)
    intermediates = []

    def callback(pipeline, step, timestep, tensors):
        if step in show:
            intermediates.append((step, decode_latents(pipeline, tensors["latents"][:1])[0]))
        if on_step is not None:
            on_step(step, nfe)
        return tensors

    generator = torch.Generator(device="cpu").manual_seed(seed)
    with torch.inference_mode():
        out = pipe(prompt=prompt, negative_prompt=negative_prompt or None,
                   num_inference_steps=nfe, guidance_scale=guidance, height=height, width=width,
                   num_images_per_prompt=num_images, generator=generator,
                   callback_on_step_end=callback, callback_on_step_end_tensor_inputs=["latents"])
    params = {"prompt": prompt, "negative_prompt": negative_prompt or None, "nfe": nfe,
              "guidance": guidance, "width": width, "height": height, "scheduler": scheduler,
              "spacing": spacing, "num_images": num_images}
    rec = record(model=model_id, seed=seed, params=params,
                 revision=SDXL_REVISION if model_id == SDXL_ID else None, kind="image")
    return SDXLResult(images=list(out.images), notes=notes, record=rec, intermediates=intermediates)


def decode_latents(pipe, latents):
    """VAE-decode latents (B, 4, h, w) into PIL images, as the pipeline does at its end."""
    import torch

    vae = pipe.vae
    upcast = vae.dtype == torch.float16 and vae.config.get("force_upcast", False)
    if upcast:  # SDXL's VAE overflows in float16; the pipeline upcasts it the same way
        vae.to(torch.float32)
    try:
        with torch.inference_mode():
            images = vae.decode(latents.to(vae.dtype) / vae.config.scaling_factor).sample
    finally:
        if upcast:
            vae.to(torch.float16)
    return pipe.image_processor.postprocess(images.float(), output_type="pil")
