"""The GAN tab: the lecture's BigGAN demo on genlab's class-conditional digits GAN.

Controls as in the lecture: class (by index and by name), a random-class button, n images 1-16,
truncation 0.1-1.0, seed (-1 = random), a grid of images; plus an interpolation strip (two seeds or
two classes), the measured truncation sweep, a 2-D toy GAN that trains live (real points, generated
points, the discriminator's decision field, modes hit), and a plain statement that a GAN has no
density. Handlers are module-level functions of plain values, tested without the UI; images a user
can download are PNG files written with provenance.
"""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path

from genlab.errors import InputError, check_choice, check_int
from genlab.i18n import Translator

TITLE = {"en": "GAN", "ru": "GAN"}
TOY_SETS = ("eight_gaussians", "moons", "rings", "spiral", "checkerboard")
STRINGS = {
    "en": {
        "about": "A GAN is an **implicit** generative model: it fixes z ~ N(0, I) and a generator x = G(z, y) "
                 "and learns G by a min-max game with a discriminator D that tells real data from G's samples. "
                 "Sampling is one pass of G. The lab model is a class-conditional GAN on 28×28 MNIST digits, "
                 "conditioned the way BigGAN is (class embedding into conditional batch norm in G, projection "
                 "discriminator), trained here on the CPU; the lecture's BigGAN-deep-256 loads if its weights "
                 "are on this machine.",
        "no_density": "**A GAN has no density.** G maps a 32-dimensional z onto a thin set of the 784-dimensional "
                      "image space, so p(x) has no formula (and is zero almost everywhere off that set). genlab's "
                      "`log_prob` raises an error that says so instead of returning a number; GANs are compared "
                      "with sample-based metrics (class accuracy, Frechet distance), as below.",
        "try_log_prob": "Ask the GAN for log p(x) of a real digit",
        "model": "Model",
        "class_id": "Class (index)",
        "class_name": "Class (by name)",
        "random_class": "Random class",
        "n": "Number of images",
        "truncation": "Truncation (lower = more typical, less varied)",
        "grid": "Generated images (PNG with provenance)",
        "info": "Result",
        "result": "{n} × class {cls}, truncation {t:g}, seed {seed} ({model}).",
        "interp": "Interpolation strip",
        "interp_mode": "Interpolate between",
        "mode_seeds": "two seeds (class A fixed)",
        "mode_classes": "two classes (seed A fixed)",
        "class_a": "Class A", "class_b": "Class B",
        "seed_a": "Seed A", "seed_b": "Seed B",
        "steps": "Steps",
        "interp_run": "Interpolate",
        "strip": "Interpolation (left = A, right = B)",
        "sweep": "Truncation: fidelity against diversity, measured",
        "sweep_about": "The shipped GAN, measured with genlab's digits classifier on {n} generated digits per "
                       "class at each truncation: class accuracy (fidelity), the spread of generated digits in "
                       "the classifier's feature space relative to real digits of the class (diversity), and the "
                       "Frechet distance to held-out real digits beside the distance between two sets of real digits.",
        "sweep_missing": "The shipped GAN's metrics are missing: run `genlab train gan`.",
        "toy": "Mode collapse, live: a GAN on 2-D points",
        "toy_about": "An unconditional GAN (MLP generator and discriminator, the lecture's objective) trains "
                     "here in seconds. Black: real points; red: G's samples; colour: the discriminator's "
                     "D(x) = P(real | x). On eight Gaussians the right panel counts how many of the 8 modes "
                     "G hits — a GAN can cover some modes and miss others (mode collapse).",
        "toy_data": "Data",
        "toy_steps": "Training steps",
        "toy_run": "Train live",
        "toy_plot": "Decision field, real and generated points",
        "toy_log": "Training log",
        "toy_row": "step {step}: loss D {loss_d:.3f}, loss G {loss_g:.3f}",
        "toy_modes": ", modes hit {modes_hit}/8, samples within 3σ of a mode {hq:.0%}",
        "real": "real", "generated": "generated", "field": "D(x) = P(real | x)",
        "modes_axis": "modes hit (of 8)", "step": "step",
        "toy_title": "{data}, step {step}",
        "axis_truncation": "truncation", "axis_fidelity": "class accuracy (fidelity)",
        "axis_diversity": "diversity (spread / real spread)", "axis_frechet": "Frechet distance to held-out",
        "axis_real": "real vs real", "axis_none": "none",
    },
    "ru": {
        "about": "GAN — **неявная** генеративная модель: фиксируем z ~ N(0, I) и генератор x = G(z, y) и учим G "
                 "в минимакс-игре с дискриминатором D, который отличает реальные данные от сэмплов G. "
                 "Сэмплирование — один прогон G. Lab-модель — условный по классу GAN на цифрах MNIST 28×28, "
                 "обусловленный как BigGAN (эмбеддинг класса в условную батч-нормализацию G, проекционный "
                 "дискриминатор), обученный здесь на CPU; BigGAN-deep-256 из лекции загружается, если его веса "
                 "есть на этой машине.",
        "no_density": "**У GAN нет плотности.** G отображает 32-мерное z на тонкое множество в 784-мерном "
                      "пространстве изображений, поэтому у p(x) нет формулы (и вне этого множества она почти "
                      "всюду равна нулю). `log_prob` в genlab не возвращает число, а объясняет это ошибкой; GAN "
                      "сравнивают по метрикам на сэмплах (точность классов, расстояние Фреше), как ниже.",
        "try_log_prob": "Спросить у GAN log p(x) реальной цифры",
        "model": "Модель",
        "class_id": "Класс (номер)",
        "class_name": "Класс (по имени)",
        "random_class": "Случайный класс",
        "n": "Число изображений",
        "truncation": "Усечение (меньше = типичнее, однообразнее)",
        "grid": "Сгенерированные изображения (PNG с происхождением)",
        "info": "Результат",
        "result": "{n} × класс {cls}, усечение {t:g}, сид {seed} ({model}).",
        "interp": "Полоса интерполяции",
        "interp_mode": "Интерполировать между",
        "mode_seeds": "двумя сидами (класс A фиксирован)",
        "mode_classes": "двумя классами (сид A фиксирован)",
        "class_a": "Класс A", "class_b": "Класс B",
        "seed_a": "Сид A", "seed_b": "Сид B",
        "steps": "Шагов",
        "interp_run": "Интерполировать",
        "strip": "Интерполяция (слева A, справа B)",
        "sweep": "Усечение: качество против разнообразия, измерено",
        "sweep_about": "Поставляемый GAN, измеренный классификатором цифр genlab на {n} сгенерированных цифрах "
                       "каждого класса при каждом усечении: точность классов (качество), разброс "
                       "сгенерированных цифр в пространстве признаков классификатора относительно реальных цифр "
                       "того же класса (разнообразие) и расстояние Фреше до отложенных реальных цифр рядом с "
                       "расстоянием между двумя наборами реальных цифр.",
        "sweep_missing": "Метрики поставляемого GAN отсутствуют: запустите `genlab train gan`.",
        "toy": "Коллапс мод вживую: GAN на точках плоскости",
        "toy_about": "Безусловный GAN (MLP-генератор и дискриминатор, цель из лекции) обучается здесь за "
                     "секунды. Чёрные — реальные точки, красные — сэмплы G, цвет — D(x) = P(реальная | x) "
                     "дискриминатора. На восьми гауссианах правая панель считает, сколько из 8 мод покрывает "
                     "G: GAN может покрыть одни моды и пропустить другие (коллапс мод).",
        "toy_data": "Данные",
        "toy_steps": "Шагов обучения",
        "toy_run": "Обучить вживую",
        "toy_plot": "Поле решений, реальные и сгенерированные точки",
        "toy_log": "Журнал обучения",
        "toy_row": "шаг {step}: потеря D {loss_d:.3f}, потеря G {loss_g:.3f}",
        "toy_modes": ", покрыто мод {modes_hit}/8, сэмплов в пределах 3σ от моды {hq:.0%}",
        "real": "реальные", "generated": "сгенерированные", "field": "D(x) = P(реальная | x)",
        "modes_axis": "покрыто мод (из 8)", "step": "шаг",
        "toy_title": "{data}, шаг {step}",
        "axis_truncation": "усечение", "axis_fidelity": "точность классов (качество)",
        "axis_diversity": "разнообразие (разброс / разброс реальных)", "axis_frechet": "расстояние Фреше до отложенных",
        "axis_real": "реальные против реальных", "axis_none": "нет",
    },
}


def _tempdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="genlab-gan-"))


def class_choices(model: str = "lab") -> list[tuple[str, int]]:
    """(label, index) pairs for the class-by-name dropdown."""
    from genlab.families.gan import pipeline

    check_choice("model", model, pipeline.MODELS)
    return [(name, i) for i, name in enumerate(pipeline.class_names(model))]


def on_model_change(model: str):
    """New class list for the chosen model, class reset to 0: (dropdown update, index)."""
    import gradio as gr

    return gr.update(choices=class_choices(model), value=0), 0


def random_class(model: str = "lab", seed=None) -> tuple[int, int]:
    """A random class index for the model (same value for the index box and the dropdown)."""
    import numpy as np

    n_classes = len(class_choices(model))
    rng = np.random.default_rng(None if seed in (None, -1) else int(seed))
    c = int(rng.integers(0, n_classes))
    return c, c


def sync_class(value, model: str = "lab") -> int:
    """Copy a class index between the index box and the dropdown, checked against the model."""
    if value is None:
        raise InputError("class", "not_number", value="None")
    return check_int("class", value, 0, len(class_choices(model)) - 1)


def generate(model: str = "lab", class_id=0, n=8, truncation=1.0, seed=-1, lang: str = "en"):
    """Generate a grid. Returns (PNG path with provenance, info markdown)."""
    from genlab.families.gan import pipeline
    from genlab.provenance import save_image

    tr = Translator(STRINGS, lang)
    req = pipeline.check_request(model, class_id, n, truncation, seed)
    images = pipeline.generate(req)
    picture = pipeline.grid(images, 4, scale=4 if req.model == pipeline.LAB else 1)
    path = save_image(picture, _tempdir() / f"gan-class{req.class_id}-seed{req.seed}.png", pipeline.provenance(req))
    info = tr("result", n=req.n, cls=pipeline.class_names(req.model)[req.class_id], t=req.truncation,
              seed=req.seed, model=req.model)
    return str(path), info


def interpolate(mode: str = "seeds", class_a=0, class_b=1, seed_a=0, seed_b=1, steps=8, truncation=1.0):
    """An interpolation strip of the lab GAN as a PNG path (with provenance)."""
    from genlab.families.gan import pipeline
    from genlab.provenance import record, save_image

    strip = pipeline.interpolate(mode, class_a=class_a, class_b=class_b, seed_a=seed_a, seed_b=seed_b,
                                 steps=steps, truncation=truncation)
    picture = pipeline.grid(strip, cols=len(strip), scale=4)
    rec = record(model="genlab/gan-mnist", seed=None, kind="gan-interpolation",
                 params={"mode": mode, "class_a": int(class_a), "class_b": int(class_b), "seed_a": int(seed_a),
                         "seed_b": int(seed_b), "steps": int(steps), "truncation": float(truncation)})
    return str(save_image(picture, _tempdir() / "gan-interpolation.png", rec))


def try_log_prob(lang: str = "en") -> str:
    """What the GAN answers when asked for log p(x): the NoDensityError's explanation."""
    import torch

    from genlab.core import NoDensityError
    from genlab.data.digits import load_mnist
    from genlab.families.gan import pipeline

    x, _ = load_mnist("heldout")
    try:
        pipeline.load_lab_gan().log_prob(torch.from_numpy(x[:1]))
    except NoDensityError as err:
        return f"`NoDensityError`: {err}"
    raise AssertionError("a GAN must not return a density")


def sweep_figure(lang: str = "en"):
    """The shipped GAN's measured truncation sweep, or None when the metrics are missing."""
    from genlab.families.gan import figures, pipeline

    tr = Translator(STRINGS, lang)
    path = pipeline.ASSET / "metrics.json"
    if not path.is_file():
        return None, tr("sweep_missing")
    metrics = json.loads(path.read_text())
    fig = figures.truncation_sweep(metrics, labels=(tr("axis_truncation"), tr("axis_fidelity"),
                                                    tr("axis_diversity"), tr("axis_frechet"),
                                                    tr("axis_real"), tr("axis_none")))
    return fig, tr("sweep_about", n=metrics.get("n_generated_per_class", "?"))


def train_toy(data: str = "eight_gaussians", steps=1500, seed=0, lang: str = "en", *, every: int = 100):
    """Train a fresh 2-D GAN, yielding (figure, log markdown) every ``every`` steps."""
    import matplotlib.pyplot as plt
    import torch

    from genlab.data.toy2d import load_toy
    from genlab.families.gan import figures
    from genlab.families.gan.toy import ToyGAN, ToyTrainer
    from genlab.seeding import resolve_seed

    tr = Translator(STRINGS, lang)
    check_choice("data", data, TOY_SETS)
    steps = check_int("steps", steps, 100, 5000)
    seed = resolve_seed(None if seed in (None, -1) else check_int("seed", seed, 0))
    torch.manual_seed(seed)
    gan = ToyGAN()
    trainer = ToyTrainer(gan, data, seed=seed)
    real = load_toy(data, 1000, seed=seed + 1)
    history, lines = [], []
    while trainer.step < steps:
        row = trainer.run(min(every, steps - trainer.step))
        history.append(row)
        line = tr("toy_row", **row)
        if "modes_hit" in row:
            line += tr("toy_modes", modes_hit=row["modes_hit"], hq=row["high_quality"])
        lines.append(line)
        fig = figures.toy_field(gan, real, gan.sample(1000, seed=0).numpy(), history=history,
                                title=tr("toy_title", data=data, step=trainer.step),
                                labels=(tr("real"), tr("generated"), tr("field"), tr("modes_axis"), tr("step")))
        yield fig, "\n".join(f"- {x}" for x in lines[-8:])
        plt.close(fig)


def render(lang: str) -> None:
    import gradio as gr

    from genlab.app.common import user_errors
    from genlab.families.gan import pipeline

    tr = Translator(STRINGS, lang)
    safe = user_errors(lang)
    gr.Markdown(tr("about"))
    gr.Markdown(tr("no_density"), elem_id="gan-no-density")
    with gr.Row():
        with gr.Column(scale=2):
            model = gr.Radio([(m, m) for m in pipeline.MODELS], value="lab", label=tr("model"))
            with gr.Row():
                # no minimum/maximum here: genlab checks the range and names the parameter
                class_id = gr.Number(0, precision=0, label=tr("class_id"), elem_id="gan-class-id")
                class_name = gr.Dropdown(class_choices("lab"), value=0, label=tr("class_name"),
                                         filterable=True, elem_id="gan-class-name")
            random_btn = gr.Button(tr("random_class"), size="sm", elem_id="gan-random-class")
            n = gr.Slider(1, 16, value=8, step=1, label=tr("n"), elem_id="gan-n")
            truncation = gr.Slider(0.1, 1.0, value=1.0, step=0.05, label=tr("truncation"),
                                   elem_id="gan-truncation")
            seed = gr.Number(-1, precision=0, label=tr("seed"), elem_id="gan-seed")
            go = gr.Button(tr("generate"), variant="primary", elem_id="gan-generate")
        with gr.Column(scale=3):
            grid_out = gr.Image(type="filepath", label=tr("grid"), interactive=False, elem_id="gan-grid")
            info = gr.Markdown(elem_id="gan-info")

    model.change(safe(on_model_change), [model], [class_name, class_id])
    class_name.input(safe(sync_class), [class_name, model], [class_id])
    class_id.input(safe(sync_class), [class_id, model], [class_name])
    random_btn.click(safe(random_class), [model], [class_id, class_name])
    go.click(safe(functools.partial(generate, lang=lang)), [model, class_id, n, truncation, seed],
             [grid_out, info])

    with gr.Row():
        ask = gr.Button(tr("try_log_prob"), size="sm", elem_id="gan-log-prob")
        answer = gr.Markdown(elem_id="gan-log-prob-answer")
    ask.click(safe(functools.partial(try_log_prob, lang=lang)), [], [answer])

    with gr.Accordion(tr("interp"), open=False):
        with gr.Row():
            mode = gr.Radio([(tr("mode_seeds"), "seeds"), (tr("mode_classes"), "classes")], value="seeds",
                            label=tr("interp_mode"))
            steps = gr.Slider(2, 16, value=8, step=1, label=tr("steps"))
        with gr.Row():
            class_a = gr.Number(3, precision=0, label=tr("class_a"))
            class_b = gr.Number(8, precision=0, label=tr("class_b"))
            seed_a = gr.Number(0, precision=0, label=tr("seed_a"))
            seed_b = gr.Number(1, precision=0, label=tr("seed_b"))
        interp_btn = gr.Button(tr("interp_run"), elem_id="gan-interp")
        strip = gr.Image(type="filepath", label=tr("strip"), interactive=False)
        interp_btn.click(safe(interpolate), [mode, class_a, class_b, seed_a, seed_b, steps, truncation], [strip])

    with gr.Accordion(tr("sweep"), open=False):
        fig, text = sweep_figure(lang)
        gr.Markdown(text)
        gr.Plot(fig)

    with gr.Accordion(tr("toy"), open=True):
        gr.Markdown(tr("toy_about"))
        with gr.Row():
            toy_data = gr.Dropdown(list(TOY_SETS), value="eight_gaussians", label=tr("toy_data"))
            toy_steps = gr.Slider(100, 5000, value=1500, step=100, label=tr("toy_steps"))
            toy_seed = gr.Number(0, precision=0, label=tr("seed"))
        toy_btn = gr.Button(tr("toy_run"), elem_id="gan-toy-run")
        with gr.Row():
            toy_plot = gr.Plot(label=tr("toy_plot"), elem_id="gan-toy-plot")
            toy_log = gr.Markdown(label=tr("toy_log"), elem_id="gan-toy-log")
        toy_btn.click(safe(functools.partial(train_toy, lang=lang)), [toy_data, toy_steps, toy_seed],
                      [toy_plot, toy_log])
