"""The Diffusion tab: the lecture's SDXL + DEIS controls, on the lab models or on SDXL itself.

Backends: the lab digits model (class-conditional, 28x28), the lab 2-D toy model (particles'
trajectories from noise to data), and the lecture's pretrained SDXL (prompt, negative prompt,
sizes), which loads only if its weights are in the local cache or the user allows the download.
Handlers are module-level functions of plain values (tested without the UI).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from genlab import limits
from genlab.errors import InputError, check_choice, check_int, check_number, check_seed, check_text
from genlab.i18n import Translator

TITLE = {"en": "Diffusion", "ru": "Диффузия"}
BACKENDS = ("digits", "toy2d", "sdxl")
SCHEDULER_NAMES = ("deis", "ddim", "dpm++", "euler", "ddpm")
SIZE_PRESETS = ("1024x1024", "1152x896", "896x1152", "832x1216", "1216x832", "512x512")
TOY_PARTICLES = 400
STRINGS = {
    "en": {
        "about": "Diffusion models generate by reversing a fixed noising process: starting from "
                 "pure noise x_T, a network predicts the noise at each step and a scheduler "
                 "(DEIS, as in the lecture, or DDIM, DPM-Solver++, Euler, DDPM) takes a step "
                 "toward x_0. More steps (NFE) cost more time; good schedulers need fewer. "
                 "Guidance > 1 pushes samples toward the class or prompt.",
        "backend": "Model",
        "backend_digits": "lab: MNIST digits (class-conditional UNet)",
        "backend_toy2d": "lab: 2-D toy sets (MLP)",
        "backend_sdxl": "pretrained: SDXL base 1.0 (needs its weights)",
        "class": "Digit class",
        "class_none": "none (unconditional)",
        "toy": "Toy data set",
        "prompt": "Prompt (SDXL)",
        "negative": "Negative prompt (SDXL)",
        "size": "Size, width x height (SDXL; rounded down to a multiple of 8)",
        "nfe": "NFE (denoising steps)",
        "guidance": "Guidance scale (CFG)",
        "n_images": "Number of images",
        "scheduler": "Scheduler",
        "spacing": "Timestep spacing",
        "strip_steps": "Show predicted x_0 at steps (e.g. 1,5,10; empty = six spread over the chain)",
        "allow_download": "Allow downloading SDXL (about 7 GB) from the model hub",
        "gallery": "Samples",
        "strip": "Predicted x_0 along the chain (first sample), left = early",
        "trajectories": "Particles from noise (red) to data (black)",
        "notes": "Notes",
        "done": "{n} sample(s) in {seconds:.1f} s: {scheduler}, {nfe} steps, guidance {guidance:g}, seed {seed}.",
        "step": "step {i} of {nfe}",
        "strip_sdxl": "SDXL: the decoded latents x_t at the chosen steps are shown instead of x_0.",
    },
    "ru": {
        "about": "Диффузионные модели генерируют, обращая фиксированный процесс зашумления: из "
                 "чистого шума x_T сеть на каждом шаге предсказывает шум, а планировщик (DEIS, как "
                 "в лекции, или DDIM, DPM-Solver++, Euler, DDPM) делает шаг к x_0. Больше шагов "
                 "(NFE) — больше времени; хорошим планировщикам нужно меньше. Guidance > 1 "
                 "приближает образцы к классу или промпту.",
        "backend": "Модель",
        "backend_digits": "lab: цифры MNIST (условная UNet)",
        "backend_toy2d": "lab: двумерные игрушечные данные (MLP)",
        "backend_sdxl": "предобученная: SDXL base 1.0 (нужны её веса)",
        "class": "Класс цифры",
        "class_none": "нет (безусловная генерация)",
        "toy": "Игрушечный набор",
        "prompt": "Промпт (SDXL)",
        "negative": "Негативный промпт (SDXL)",
        "size": "Размер, ширина x высота (SDXL; округляется вниз до кратного 8)",
        "nfe": "NFE (шаги расшумления)",
        "guidance": "Сила guidance (CFG)",
        "n_images": "Число изображений",
        "scheduler": "Планировщик",
        "spacing": "Расстановка шагов",
        "strip_steps": "Показать предсказанный x_0 на шагах (напр. 1,5,10; пусто = шесть по цепочке)",
        "allow_download": "Разрешить скачать SDXL (около 7 ГБ) из хаба моделей",
        "gallery": "Образцы",
        "strip": "Предсказанный x_0 вдоль цепочки (первый образец), слева — раньше",
        "trajectories": "Частицы от шума (красные) к данным (чёрные)",
        "notes": "Заметки",
        "done": "Образцов: {n} за {seconds:.1f} с: {scheduler}, шагов {nfe}, guidance {guidance:g}, сид {seed}.",
        "step": "шаг {i} из {nfe}",
        "strip_sdxl": "SDXL: вместо x_0 показаны декодированные латенты x_t на выбранных шагах.",
    },
}


def _tempdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="genlab-diffusion-"))


def parse_steps(text: str, nfe: int) -> list[int] | None:
    """'1, 5, 10' (1-based, as shown to the user) -> 0-based step indices; empty -> None (auto)."""
    text = check_text("x_0 steps", text or "", max_chars=limits.MAX_STEP_LIST_CHARS, allow_empty=True).strip()
    if not text:
        return None
    steps = []
    for part in text.replace(";", ",").split(","):
        if part.strip():
            try:
                value = int(part)
            except ValueError:
                raise InputError("x_0 steps", "not_integer", value=repr(part.strip())) from None
            steps.append(check_int("x_0 steps", value, 1, nfe) - 1)
    return sorted(set(steps)) or None


def _noop_progress(*args, **kwargs):
    return None


def generate(backend: str, class_choice: str, toy: str, prompt: str, negative_prompt: str,
             size: str, nfe, guidance, n_images, scheduler: str, spacing: str, seed,
             strip_text: str = "", allow_download: bool = False, lang: str = "en",
             progress=_noop_progress):
    """Run one generation. Returns (gallery file paths, strip file path or None,
    trajectory figure or None, notes markdown)."""
    import time

    from genlab.seeding import resolve_seed

    tr = Translator(STRINGS, lang)
    check_choice("backend", backend, BACKENDS)
    nfe = check_int("nfe", nfe, *limits.NFE_RANGE)
    guidance = check_number("guidance", guidance, 0, 12)
    n_images = check_int("n_images", n_images, 1, limits.MAX_DIFFUSION_IMAGES)
    check_choice("scheduler", scheduler, SCHEDULER_NAMES)
    seed = resolve_seed(check_seed("seed", seed))
    strip_at = parse_steps(strip_text, nfe)

    def on_step(i):
        progress((i + 1) / nfe, desc=tr("step", i=i + 1, nfe=nfe))

    start = time.perf_counter()
    if backend == "sdxl":
        files, strip, notes = _run_sdxl(prompt, negative_prompt, size, nfe, guidance, n_images,
                                        scheduler, spacing, seed, strip_at, allow_download,
                                        on_step, tr)
        figure = None
    else:
        files, strip, figure, notes = _run_lab(backend, class_choice, toy, nfe, guidance,
                                               n_images, scheduler, spacing, seed, strip_at,
                                               on_step, tr)
    notes.insert(0, tr("done", n=len(files) if backend != "toy2d" else TOY_PARTICLES,
                       seconds=time.perf_counter() - start, scheduler=scheduler, nfe=nfe,
                       guidance=guidance, seed=seed))
    return files, strip, figure, "\n\n".join(notes)


def _run_lab(backend, class_choice, toy, nfe, guidance, n_images, scheduler, spacing, seed,
             strip_at, on_step, tr):
    import numpy as np

    from genlab.data.toy2d import load_toy
    from genlab.families.diffusion import LAB_MODELS, load_lab_model
    from genlab.families.diffusion.plots import trajectories_figure
    from genlab.families.diffusion.views import grid, run_lab, upscale
    from genlab.provenance import record, save_image

    check_choice("spacing", spacing, ("trailing", "leading", "linspace"))
    name = "mnist" if backend == "digits" else "toy2d"
    model = load_lab_model(name)
    counter = iter(range(nfe))
    if backend == "toy2d":
        check_choice("toy", toy, model.class_names)
        run = run_lab(model, TOY_PARTICLES, condition=toy, seed=seed, scheduler=scheduler, nfe=nfe,
                      guidance=guidance, spacing=spacing, strip_at=[],
                      on_step=lambda: on_step(next(counter)))
        figure = trajectories_figure(run.trajectory, reference=load_toy(toy, 2000, seed=1),
                                     title=f"{toy}: {scheduler}, {nfe} steps",
                                     labels=("x_T", "x_0"))
        return [], None, figure, []
    condition = None if class_choice in (None, "", "none") else check_int("class", class_choice, 0, 9)
    run = run_lab(model, n_images, condition=condition, seed=seed, scheduler=scheduler, nfe=nfe,
                  guidance=guidance, spacing=spacing, strip_at=strip_at,
                  on_step=lambda: on_step(next(counter)))
    folder = _tempdir()
    rec = record(model=f"genlab/{LAB_MODELS[name]}", seed=seed, params=run.record_params, kind="image")
    files = []
    for i, img in enumerate(run.samples):
        tile = upscale((np.clip(img[0], 0, 1) * 255).round().astype(np.uint8), 4)
        files.append(str(save_image(tile, folder / f"digit_{i}.png", rec)))
    strip_path = None
    if run.strip:
        strip = upscale(grid([x0[0] for _, _, x0 in run.strip], ncols=len(run.strip)), 3)
        strip_rec = record(model=rec["model"], seed=seed, kind="image",
                           params={**run.record_params, "strip_steps": [i + 1 for i, _, _ in run.strip]})
        strip_path = str(save_image(strip, folder / "x0_strip.png", strip_rec))
    return files, strip_path, None, []


def _run_sdxl(prompt, negative_prompt, size, nfe, guidance, n_images, scheduler, spacing, seed,
              strip_at, allow_download, on_step, tr):
    from genlab.families.diffusion.pretrained import SDXL_ID, generate_sdxl, load_sdxl
    from genlab.families.diffusion.views import parse_size

    check_choice("spacing", spacing, ("leading", "trailing"))
    check_text("prompt", prompt, max_chars=limits.MAX_PROMPT_CHARS)  # before a multi-GB load, not after
    check_text("negative_prompt", negative_prompt or "", max_chars=limits.MAX_PROMPT_CHARS, allow_empty=True)
    width, height = parse_size(size)
    pipe = load_sdxl(SDXL_ID, local_files_only=not allow_download)
    result = generate_sdxl(pipe, prompt, negative_prompt=negative_prompt, nfe=nfe,
                           guidance=guidance, width=width, height=height, num_images=n_images,
                           seed=seed, scheduler=scheduler, spacing=spacing,
                           show_steps=strip_at or [], on_step=lambda i, total: on_step(i))
    return sdxl_outputs(result, tr)


def sdxl_outputs(result, tr):
    """Save an SDXLResult's images (and decoded intermediates) with provenance."""
    import numpy as np

    from genlab.families.diffusion.views import grid
    from genlab.provenance import save_image

    folder = _tempdir()
    files = [str(save_image(im, folder / f"sdxl_{i}.png", result.record))
             for i, im in enumerate(result.images)]
    strip_path = None
    notes = list(result.notes)
    if result.intermediates:
        strip = grid([np.asarray(im.convert("RGB")) for _, im in result.intermediates],
                     ncols=len(result.intermediates))
        strip_path = str(save_image(strip, folder / "xt_strip.png", result.record))
        notes.append(tr("strip_sdxl"))
    return files, strip_path, notes


def update_visibility(backend: str):
    """Which controls apply to the chosen backend."""
    import gradio as gr

    lab_digits, toy, sdxl = backend == "digits", backend == "toy2d", backend == "sdxl"
    spacing = "leading" if sdxl else "trailing"
    spacings = ["leading", "trailing"] if sdxl else ["trailing", "leading", "linspace"]
    return (gr.update(visible=lab_digits), gr.update(visible=toy), gr.update(visible=sdxl),
            gr.update(visible=sdxl), gr.update(visible=sdxl), gr.update(visible=sdxl),
            gr.update(choices=spacings, value=spacing), gr.update(visible=not toy),
            gr.update(visible=not toy), gr.update(visible=toy))


def render(lang: str) -> None:
    import gradio as gr

    from genlab.app.common import user_errors
    from genlab.app.serving import HEAVY, INSTANT
    from genlab.data.toy2d import TOY_SETS

    tr = Translator(STRINGS, lang)
    gr.Markdown(tr("about"))
    with gr.Row():
        with gr.Column(scale=1):
            backend = gr.Radio([(tr(f"backend_{b}"), b) for b in BACKENDS], value="digits",
                               label=tr("backend"), elem_id="diffusion-backend")
            class_choice = gr.Dropdown([(tr("class_none"), "none")] + [(str(d), str(d)) for d in range(10)],
                                       value="7", label=tr("class"), elem_id="diffusion-class")
            toy = gr.Dropdown(list(TOY_SETS), value="eight_gaussians", label=tr("toy"), visible=False)
            prompt = gr.Textbox(value="A high-detail studio photo of a small robotic arm assembling "
                                      "a tiny circuit board, realistic lighting, shallow depth of field",
                                label=tr("prompt"), lines=3, visible=False, max_length=limits.MAX_PROMPT_CHARS)
            negative = gr.Textbox(value="", label=tr("negative"), visible=False,
                                  max_length=limits.MAX_PROMPT_CHARS)
            size = gr.Dropdown(list(SIZE_PRESETS), value="1024x1024", label=tr("size"),
                               allow_custom_value=True, visible=False)
            allow_download = gr.Checkbox(value=False, label=tr("allow_download"), visible=False)
            nfe = gr.Slider(5, 80, value=20, step=1, label=tr("nfe"), elem_id="diffusion-nfe")
            guidance = gr.Slider(0, 12, value=3.0, step=0.5, label=tr("guidance"))
            n_images = gr.Slider(1, 4, value=4, step=1, label=tr("n_images"))
            scheduler = gr.Dropdown(list(SCHEDULER_NAMES), value="deis", label=tr("scheduler"))
            spacing = gr.Dropdown(["trailing", "leading", "linspace"], value="trailing",
                                  label=tr("spacing"))
            seed = gr.Number(value=0, precision=0, label=tr("seed"))
            strip_text = gr.Textbox(value="", label=tr("strip_steps"), max_length=limits.MAX_STEP_LIST_CHARS)
            button = gr.Button(tr("generate"), variant="primary", elem_id="diffusion-generate")
        with gr.Column(scale=2):
            gallery = gr.Gallery(label=tr("gallery"), columns=4, height="auto",
                                 elem_id="diffusion-gallery", format="png")
            strip = gr.Image(label=tr("strip"), type="filepath", format="png", elem_id="diffusion-strip")
            plot = gr.Plot(label=tr("trajectories"), visible=False, elem_id="diffusion-plot")
            notes = gr.Markdown(elem_id="diffusion-notes")

    lang_state = gr.State(lang)
    backend.change(update_visibility, backend,
                   [class_choice, toy, prompt, negative, size, allow_download, spacing, gallery,
                    strip, plot], **INSTANT)

    @user_errors(lang)
    def on_generate(*values, progress=gr.Progress()):
        return generate(*values, progress=progress)

    button.click(on_generate,
                 [backend, class_choice, toy, prompt, negative, size, nfe, guidance, n_images,
                  scheduler, spacing, seed, strip_text, allow_download, lang_state],
                 [gallery, strip, plot, notes], api_name="diffusion_generate", **HEAVY)
