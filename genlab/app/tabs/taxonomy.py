"""The Taxonomy tab: explicit, implicit and latent models fitted side by side to the same 2-D data,
each saying what it can about log p(x) and what its samples cost."""

from __future__ import annotations

from genlab.i18n import Translator

TITLE = {"en": "Taxonomy", "ru": "Классификация"}
STRINGS = {
    "en": {
        "intro": (
            "### Three ways to define p(x)\n"
            "| kind | how p(x) is defined | log p(x) | sampling | families |\n|---|---|---|---|---|\n"
            "| **explicit** | a formula for p(x): p(x) = ∏ p(x_t given x_<t), or a change of variables | exact | sequential (autoregressive) or one pass (flow, mixture) | autoregressive, flows, mixtures |\n"
            "| **implicit** | only a sampler: x = G(z), z ~ N(0, I) | none: no formula for p(x) | one pass | GAN |\n"
            "| **latent** | p(x) = ∫ p(x given z) p(z) dz | a lower bound (ELBO) | one pass (VAE) or an iterative chain (diffusion) | VAE, diffusion |\n\n"
            "Below, one model of each kind is fitted to the same 2-D data. Each answers the same "
            "questions through the same interface: `density` (exact / bound / none), `sampling` "
            "(one-shot / sequential / iterative), `sample(n, seed=...)`, `log_prob(x)` or `elbo(x)`. "
            "The diffusion model is genlab's shipped toy model; the others are trained here and now."),
        "data": "Data set",
        "steps": "Training steps (GAN, VAE, flow)",
        "n_train": "Training points",
        "run": "Fit all five and compare",
        "figure": "Samples (colour) over the data (grey)",
        "table": "What each model can say about held-out data",
        "col_model": "model", "col_kind": "kind", "col_density": "log p(x)",
        "col_score": "held-out score, nats/point", "col_distance": "sample distance (sliced W1)",
        "col_nfe": "network evals / sample", "col_fit": "fit, s", "col_sample": "sampling, s",
        "exact": "exact", "bound": "lower bound", "none": "none",
        "explicit": "explicit", "implicit": "implicit", "latent": "latent", "data_caption": "data",
        "no_density": "**Why the GAN gives no number:** {reason}",
        "notes": ("Higher log p(x) is better; an ELBO is a lower bound on it, and IWAE tightens the "
                  "VAE's bound. The sample distance needs no density, so it compares all five. "
                  "The diffusion model pays for its quality with many network evaluations per sample."),
    },
    "ru": {
        "intro": (
            "### Три способа задать p(x)\n"
            "| тип | как задана p(x) | log p(x) | сэмплирование | семейства |\n|---|---|---|---|---|\n"
            "| **явные** | формула для p(x): p(x) = ∏ p(x_t при x_<t) или замена переменных | точно | последовательно (авторегрессия) или за один проход (поток, смесь) | авторегрессионные, потоки, смеси |\n"
            "| **неявные** | только сэмплер: x = G(z), z ~ N(0, I) | нет: формулы для p(x) нет | за один проход | GAN |\n"
            "| **латентные** | p(x) = ∫ p(x при z) p(z) dz | нижняя оценка (ELBO) | за один проход (VAE) или итеративная цепочка (диффузия) | VAE, диффузия |\n\n"
            "Ниже по одной модели каждого типа обучаются на одних и тех же двумерных данных. Все "
            "отвечают на одни вопросы через один интерфейс: `density` (exact / bound / none), "
            "`sampling` (one-shot / sequential / iterative), `sample(n, seed=...)`, `log_prob(x)` "
            "или `elbo(x)`. Диффузионная модель — поставляемая игрушечная модель genlab; остальные "
            "обучаются прямо сейчас."),
        "data": "Набор данных",
        "steps": "Шаги обучения (GAN, VAE, поток)",
        "n_train": "Обучающих точек",
        "run": "Обучить все пять и сравнить",
        "figure": "Сэмплы (цвет) поверх данных (серые)",
        "table": "Что каждая модель может сказать об отложенных данных",
        "col_model": "модель", "col_kind": "тип", "col_density": "log p(x)",
        "col_score": "оценка на отложенных, нат/точку", "col_distance": "расстояние сэмплов (sliced W1)",
        "col_nfe": "вызовов сети / сэмпл", "col_fit": "обучение, с", "col_sample": "сэмплирование, с",
        "exact": "точно", "bound": "нижняя оценка", "none": "нет",
        "explicit": "явная", "implicit": "неявная", "latent": "латентная", "data_caption": "данные",
        "no_density": "**Почему GAN не даёт числа:** {reason}",
        "notes": ("Больше log p(x) — лучше; ELBO — нижняя оценка log p(x), IWAE уточняет оценку VAE. "
                  "Расстоянию между сэмплами плотность не нужна, поэтому оно сравнивает все пять. "
                  "Диффузия платит за качество множеством вызовов сети на каждый сэмпл."),
    },
}


def compare(data: str, steps: int, n_train: int, seed: int, lang: str = "en", progress=None):
    """Fit the five models; return (figure, table rows, explanation markdown)."""
    from genlab.data.toy2d import load_toy
    from genlab.errors import check_int
    from genlab.taxonomy import compare_on_toy
    from genlab.viz.taxonomy import taxonomy_panels

    tr = Translator(STRINGS, lang)
    seed = check_int("seed", seed, 0)
    results = compare_on_toy(data, n_train=n_train, steps=steps, seed=seed, progress=progress)
    shown = load_toy(data, 1000, seed=seed + 1)
    labels = {"data": tr("data_caption"), "explicit": tr("explicit"), "implicit": tr("implicit"),
              "latent": tr("latent")}
    fig = taxonomy_panels(shown, results, labels=labels)
    rows = []
    for r in results:
        score = "; ".join(f"{k} = {v:.3f} ± {r.score_sems.get(k, float('nan')):.3f}"
                          for k, v in r.scores.items()) or "—"
        rows.append([r.family, tr(r.kind), tr(r.density), score, round(r.distance, 4), r.nfe,
                     round(r.fit_seconds, 2), round(r.sample_seconds, 3)])
    reasons = [tr("no_density", reason=r.no_density) for r in results if r.no_density]
    return fig, rows, "\n\n".join(reasons + [tr("notes")])


def headers(lang: str) -> list[str]:
    tr = Translator(STRINGS, lang)
    return [tr(k) for k in ("col_model", "col_kind", "col_density", "col_score", "col_distance",
                            "col_nfe", "col_fit", "col_sample")]


def render(lang: str) -> None:
    import gradio as gr

    from genlab.app.common import user_errors
    from genlab.app.serving import HEAVY
    from genlab.data.toy2d import TOY_SETS

    tr = Translator(STRINGS, lang)
    gr.Markdown(tr("intro"))
    with gr.Row():
        data = gr.Dropdown(list(TOY_SETS), value="eight_gaussians", label=tr("data"))
        steps = gr.Slider(200, 3000, value=1500, step=100, label=tr("steps"))
        n_train = gr.Slider(500, 5000, value=2000, step=500, label=tr("n_train"))
        seed = gr.Number(0, precision=0, minimum=0, label=tr("seed"))
    run = gr.Button(tr("run"), variant="primary", elem_id="taxonomy-run")
    plot = gr.Plot(label=tr("figure"), elem_id="taxonomy-plot")
    table = gr.Dataframe(headers=headers(lang), label=tr("table"), interactive=False,
                         elem_id="taxonomy-table")
    notes = gr.Markdown()

    @user_errors(lang)
    def on_run(data_v, steps_v, n_train_v, seed_v, progress=gr.Progress()):
        return compare(data_v, steps_v, n_train_v, seed_v, lang,
                       progress=lambda f, name: progress(f, desc=name))

    run.click(on_run, [data, steps, n_train, seed], [plot, table, notes], api_name="taxonomy_compare",
              **HEAVY)
