"""The Ethics tab: the lecture's ethics section as pages (each linking to the live demo that
shows it), the bias-replication experiment, and a box that verifies a file's provenance.

Handlers (``bias_view``, ``verify_view``, ``example_view``) are plain functions of values; the
math lives in ``genlab.ethics`` and ``genlab.provenance``.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from genlab.i18n import Translator

TITLE = {"en": "Ethics", "ru": "Этика"}

STRINGS = {
    "en": {
        "about": "Provenance on every output, bias replication, plausibility is not truth.",
        "intro": "### Ethics in practice\nThe lecture's last section, as pages: each ends with "
                 "a link to the live demo that shows its point. Below them: the bias experiment "
                 "and a box that tells whether genlab made a file.",
        "read": "Read: the lecture's ethics section",
        "open_demo": "Open the demo: {text}",
        "bias_title": "### Bias replication and its remedies\nTwo groups of 2-D points; group B "
                      "is rare. The model learns the data without labels; a fairness rule asks "
                      "for a target fraction of B. Each remedy is trained/applied and scored. "
                      "(The flow trains 3 times: about 10-40 s on a shared 2-core CPU.)",
        "model": "Model", "model_gmm": "Gaussian mixture (EM)", "model_flow": "Normalising flow (RealNVP)",
        "minority": "Fraction of group B in the data", "target": "Target fraction of B (fairness rule)",
        "n_train": "Training points", "run": "Run the experiment", "seed_label": "Seed",
        "freq_plot": "Generated frequency and fit", "samples_plot": "Samples of each remedy",
        "table": "Numbers",
        "col_remedy": "remedy", "col_freq": "fraction of B", "col_ll": "E log q (original data)",
        "col_lost": "fit lost (nats)", "col_ll_a": "E log q (group A)", "col_ll_b": "E log q (group B)",
        "col_cost": "other cost",
        "cost_points": "{used} of {of} training points", "cost_ess": "effective sample size {ess:.0f} of {of}",
        "cost_draws": "{per_sample:.1f} model draws per accepted sample",
        "cost_edited": "{percent:.0f}% of group {group}'s samples edited",
        "summary": "**Data:** {data:.3f} of B. **No remedy:** the model generates {none:.3f} of B -- "
                   "it replicates the data's frequency. **Target:** {target:.2f}. Every remedy "
                   "that reaches it gives up at least **{price:.3f} nats/point** of fit on the "
                   "original data (KL(Bern({p:.2f}) || Bern({target:.2f})), {p:.2f} being the "
                   "true fraction of B), whatever the "
                   "model.",
        "results_file": "Results (JSON with provenance)",
        "verify_title": "### Verify a file\nUpload a PNG/JPEG image, a WAV/FLAC clip, a JSON or "
                        "a text file: genlab reports its provenance metadata and looks for its "
                        "invisible watermark. (`genlab verify FILE` does the same.)",
        "file": "File to verify", "verify": "Verify", "example": "Make a genlab-stamped example image",
        "report": "Report", "example_file": "Example file (download it, change it, verify it again)",
        "status_meta": "✅ **genlab made this file**: its metadata says so{mark}.",
        "status_mark_only": "⚠️ **genlab watermark found, but the metadata is missing**: the file "
                            "was re-saved or stripped after genlab made it.",
        "status_sdxl": "ℹ️ **An SDXL watermark was found**: made by a Stable Diffusion XL pipeline, "
                       "not by genlab.",
        "status_none": "❌ **No provenance found**: genlab did not make this file (or every trace "
                       "was removed).",
        "mark_yes": ", and the invisible watermark is present ({detail})",
        "mark_no": "; no watermark in the content ({detail})",
        "mark_warning": "⚠️ The metadata says a watermark was embedded but it is gone: the content "
                        "was changed.",
        "no_file": "Upload a file first.",
        "c2pa_line": "Signed C2PA manifest: **{state}**{ai}.",
        "c2pa_ai": " (declares the content AI-generated)",
        "status_c2pa": "✅ **genlab made this file**: its signed C2PA manifest says so.",
        "record": "Generator: {generator} {version} · model: {model} · seed: {seed} · created: {created}",
    },
    "ru": {
        "about": "Происхождение каждого результата, воспроизведение смещений, правдоподобие — не истина.",
        "intro": "### Этика на практике\nПоследний раздел лекции в виде страниц: каждая "
                 "заканчивается ссылкой на живую демонстрацию своей мысли. Ниже — эксперимент "
                 "со смещением и поле, которое говорит, сделал ли файл genlab.",
        "read": "Читать: этический раздел лекции",
        "open_demo": "Открыть демонстрацию: {text}",
        "bias_title": "### Воспроизведение смещения и меры против него\nДве группы точек на "
                      "плоскости; группа B редкая. Модель учится на данных без меток; правило "
                      "fairness требует целевой доли B. Каждая мера обучается/применяется и "
                      "оценивается. (Поток обучается 3 раза: около 10–40 с на общем 2-ядерном CPU.)",
        "model": "Модель", "model_gmm": "Гауссова смесь (EM)", "model_flow": "Нормализующий поток (RealNVP)",
        "minority": "Доля группы B в данных", "target": "Целевая доля B (правило fairness)",
        "n_train": "Обучающих точек", "run": "Запустить эксперимент", "seed_label": "Сид",
        "freq_plot": "Частота в сэмплах и качество подгонки", "samples_plot": "Сэмплы каждой меры",
        "table": "Числа",
        "col_remedy": "мера", "col_freq": "доля B", "col_ll": "E log q (исходные данные)",
        "col_lost": "потеря подгонки (нат)", "col_ll_a": "E log q (группа A)", "col_ll_b": "E log q (группа B)",
        "col_cost": "другая цена",
        "cost_points": "{used} из {of} обучающих точек", "cost_ess": "эффективный размер выборки {ess:.0f} из {of}",
        "cost_draws": "{per_sample:.1f} сэмплов модели на один принятый",
        "cost_edited": "отредактировано {percent:.0f}% сэмплов группы {group}",
        "summary": "**Данные:** доля B {data:.3f}. **Без мер:** модель генерирует {none:.3f} B — "
                   "она воспроизводит частоту данных. **Цель:** {target:.2f}. Каждая мера, "
                   "достигающая цели, теряет не меньше **{price:.3f} нат/точку** подгонки "
                   "исходных данных (KL(Bern({p:.2f}) || Bern({target:.2f})), {p:.2f} — истинная "
                   "доля B), какой бы ни "
                   "была модель.",
        "results_file": "Результаты (JSON с происхождением)",
        "verify_title": "### Проверить файл\nЗагрузите изображение PNG/JPEG, звук WAV/FLAC, JSON "
                        "или текст: genlab покажет метаданные о происхождении и поищет свой "
                        "невидимый водяной знак. (То же делает `genlab verify FILE`.)",
        "file": "Файл для проверки", "verify": "Проверить",
        "example": "Создать пример изображения с отметкой genlab",
        "report": "Отчёт", "example_file": "Пример (скачайте, измените и проверьте снова)",
        "status_meta": "✅ **Файл сделан genlab**: так сказано в его метаданных{mark}.",
        "status_mark_only": "⚠️ **Водяной знак genlab найден, но метаданных нет**: файл "
                            "пересохранили или очистили после genlab.",
        "status_sdxl": "ℹ️ **Найден водяной знак SDXL**: файл сделан конвейером Stable Diffusion "
                       "XL, а не genlab.",
        "status_none": "❌ **Происхождение не найдено**: genlab не делал этот файл (или все следы "
                       "удалены).",
        "mark_yes": ", и невидимый водяной знак на месте ({detail})",
        "mark_no": "; водяного знака в содержимом нет ({detail})",
        "mark_warning": "⚠️ В метаданных сказано, что водяной знак встроен, но его нет: "
                        "содержимое изменили.",
        "no_file": "Сначала загрузите файл.",
        "c2pa_line": "Подписанный манифест C2PA: **{state}**{ai}.",
        "c2pa_ai": " (объявляет содержимое сгенерированным ИИ)",
        "status_c2pa": "✅ **Файл сделан genlab**: так сказано в его подписанном манифесте C2PA.",
        "record": "Генератор: {generator} {version} · модель: {model} · сид: {seed} · создан: {created}",
    },
}

REMEDY_NAMES = {
    "en": {"none": "no remedy", "reweight": "reweighting", "filter": "filtering",
           "constrain": "constraint (quota)", "postprocess": "post-processing"},
    "ru": {"none": "без мер", "reweight": "перевзвешивание", "filter": "фильтрация",
           "constrain": "ограничение (квота)", "postprocess": "пост-обработка"},
}


def tab_link_js(target: str) -> str:
    """JavaScript that opens another app tab (``section``) or scrolls to ``ethics#anchor``."""
    section, _, anchor = target.partition("#")
    if anchor:
        return (f"() => {{ const e = document.getElementById('ethics-{anchor}'); "
                f"if (e) e.scrollIntoView({{behavior: 'smooth'}}); }}")
    return (f"() => {{ const b = document.querySelector('button[data-tab-id=\"{section}\"]') "
            f"|| document.getElementById('tab-{section}-button'); "
            f"if (b) {{ b.click(); window.scrollTo({{top: 0, behavior: 'smooth'}}); }} }}")


# ---------------------------------------------------------------- handlers (no UI)

def bias_view(model: str, minority: float, target: float, n_train: int, seed: int,
              lang: str = "en"):
    """Run the experiment; returns (frequency/fit figure, samples figure, table rows,
    summary markdown, path of a JSON results file with provenance)."""
    from genlab.errors import check_int, check_number
    from genlab.ethics import plots
    from genlab.ethics.bias import BiasConfig, run_cached
    from genlab.provenance import record, save_json

    tr = Translator(STRINGS, lang)
    config = BiasConfig(model=model, minority=round(check_number("minority", minority), 4),
                        target=round(check_number("target", target), 4),
                        n_train=check_int("n_train", n_train), seed=check_int("seed", seed))
    exp = run_cached(config.checked())
    names = REMEDY_NAMES[lang]
    rows = [[names[r.remedy], round(r.freq_b, 3), round(r.ll_original, 3),
             round(exp.ll_true - r.ll_original, 3), round(r.ll_a, 3), round(r.ll_b, 3),
             describe_cost(r.cost, lang)]
            for r in exp.results.values()]
    summary = tr("summary", data=exp.data_freq_b, none=exp.results["none"].freq_b,
                 target=config.target, price=exp.price, p=config.minority)
    rec = record(model=f"bias-experiment/{config.model}", seed=config.seed,
                 params={k: v for k, v in vars(config).items()}, kind="ethics.bias")
    out = Path(tempfile.mkdtemp(prefix="genlab-ethics-")) / "bias_experiment.json"
    save_json({"data_freq_b": exp.data_freq_b, "ll_true": exp.ll_true, "price": exp.price,
               "remedies": exp.table()}, out, rec)
    return (plots.frequency_and_fit(exp, lang), plots.samples_grid(exp, lang), rows, summary,
            str(out))


def describe_cost(cost: dict, lang: str = "en") -> str:
    """A remedy's extra cost (``RemedyResult.cost``) in words."""
    fields = {k: v for k, v in cost.items() if k != "kind"}
    return Translator(STRINGS, lang)(f"cost_{cost['kind']}", **fields)


def table_headers(lang: str) -> list[str]:
    tr = Translator(STRINGS, lang)
    return [tr(k) for k in ("col_remedy", "col_freq", "col_ll", "col_lost", "col_ll_a",
                            "col_ll_b", "col_cost")]


def verify_view(path, lang: str = "en"):
    """(summary markdown, report dict) for an uploaded file path."""
    from genlab import limits
    from genlab.errors import InputError
    from genlab.provenance import verify_report

    tr = Translator(STRINGS, lang)
    if not path:
        raise InputError("file", "custom", text_en=STRINGS["en"]["no_file"],
                         text_ru=STRINGS["ru"]["no_file"])
    path = Path(path)
    if not path.is_file():
        raise InputError("file", "bad_file", reason="no such file")
    size_mb = path.stat().st_size / 1e6
    if size_mb > limits.MAX_UPLOAD_MB:
        raise InputError("file", "file_too_large", size_mb=size_mb, limit_mb=limits.MAX_UPLOAD_MB)
    report = verify_report(path)
    mark = report["watermark"]
    detail = mark.get("method", "")
    if mark.get("matching_bits") is not None:
        detail += f", {mark['matching_bits']}/{mark['n_bits']} bits"
    if mark.get("z_score") is not None:
        detail += f", z = {mark['z_score']}"
    if mark.get("note"):
        detail += f"; {mark['note']}"
    status = report["provenance"]
    if status == "genlab metadata found":
        which = "mark_yes" if mark.get("detected") else "mark_no"
        lines = [tr("status_meta", mark=tr(which, detail=detail) if mark.get("checked") else "")]
        rec = report["record"]
        lines.append(tr("record", generator=rec.get("generator"), version=rec.get("genlab_version"),
                        model=rec.get("model"), seed=rec.get("seed"), created=rec.get("created")))
        if "warning" in report:
            lines.append(tr("mark_warning"))
    elif status == "genlab C2PA manifest found":
        lines = [tr("status_c2pa")]
    elif status.startswith("genlab watermark"):
        lines = [tr("status_mark_only") + f" ({detail})"]
    elif status.startswith("SDXL"):
        lines = [tr("status_sdxl")]
    else:
        lines = [tr("status_none") + (f" ({detail})" if mark.get("checked") else "")]
    signed = report.get("c2pa", {})
    if signed.get("found"):
        lines.append(tr("c2pa_line", state=signed.get("validation_state"),
                        ai=tr("c2pa_ai") if signed.get("ai_generated") else ""))
    report = {**report, "file": path.name}
    return "\n\n".join(lines), report


def example_view(seed: int = 0, lang: str = "en"):
    """Write a 512x512 genlab-stamped PNG (samples of the bias experiment's data) and verify it:
    (path, summary markdown, report)."""
    import io

    import matplotlib
    import numpy as np
    from PIL import Image

    from genlab.errors import check_int
    from genlab.ethics.bias import group_of, make_data
    from genlab.provenance import record, save_image
    from genlab.seeding import numpy_rng

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    seed = check_int("seed", seed, 0, 2**31 - 1)
    x, _ = make_data(1500, 0.1, numpy_rng(seed))
    fig, ax = plt.subplots(figsize=(5.12, 5.12), dpi=100)
    g = group_of(x)
    ax.scatter(*x.T, s=4, c=np.where(g == 1, "#DD8452", "#4C72B0"))
    ax.set_axis_off()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    buf.seek(0)
    image = Image.open(buf).convert("RGB").resize((512, 512))
    out = Path(tempfile.mkdtemp(prefix="genlab-ethics-")) / "genlab_example.png"
    save_image(image, out, record(model="bias-experiment/data", seed=seed,
                                  params={"points": 1500, "minority": 0.1}, kind="ethics.example"))
    summary, report = verify_view(out, lang)
    return str(out), summary, report


# ---------------------------------------------------------------- the view

def render(lang: str) -> None:
    import gradio as gr

    from genlab.app.common import user_errors
    from genlab.app.serving import HEAVY
    from genlab.ethics.pages import pages

    tr = Translator(STRINGS, lang)
    wrap = user_errors(lang)
    latex = [{"left": "$$", "right": "$$", "display": True},
             {"left": "$", "right": "$", "display": False}]

    gr.Markdown(tr("intro"))
    with gr.Accordion(tr("read"), open=True):
        for i, page in enumerate(pages(lang)):
            with gr.Accordion(page.title, open=i < 2, elem_id=f"ethics-page-{page.key}"):
                gr.Markdown(page.body, latex_delimiters=latex)
                with gr.Row():
                    for target, text in page.demos:
                        btn = gr.Button(tr("open_demo", text=text), size="sm", variant="secondary",
                                        elem_classes=["ethics-demo-link"])
                        btn.click(None, js=tab_link_js(target))

    with gr.Group(elem_id="ethics-bias"):
        gr.Markdown(tr("bias_title"))
        with gr.Row():
            model = gr.Radio([(tr("model_gmm"), "gmm"), (tr("model_flow"), "flow")], value="gmm",
                             label=tr("model"))
            minority = gr.Slider(0.02, 0.5, value=0.1, step=0.01, label=tr("minority"))
            target = gr.Slider(0.05, 0.95, value=0.5, step=0.01, label=tr("target"))
        with gr.Row():
            n_train = gr.Slider(500, 5000, value=2000, step=100, label=tr("n_train"))
            seed = gr.Number(value=0, precision=0, minimum=0, label=tr("seed_label"))
            run_btn = gr.Button(tr("run"), variant="primary", elem_id="ethics-bias-run")
        summary = gr.Markdown(elem_id="ethics-bias-summary")
        freq_plot = gr.Plot(label=tr("freq_plot"))
        samples_plot = gr.Plot(label=tr("samples_plot"))
        table = gr.Dataframe(headers=table_headers(lang), label=tr("table"), interactive=False,
                             wrap=True)
        results_file = gr.File(label=tr("results_file"), interactive=False)

        def on_run(m, mi, t, n, s):
            fig1, fig2, rows, text, path = bias_view(m, mi, t, n, s, lang)
            return fig1, fig2, rows, text, path

        run_btn.click(wrap(on_run), [model, minority, target, n_train, seed],
                      [freq_plot, samples_plot, table, summary, results_file], api_name="ethics_bias", **HEAVY)

    with gr.Group(elem_id="ethics-verify"):
        gr.Markdown(tr("verify_title"))
        with gr.Row():
            upload = gr.File(label=tr("file"), type="filepath", elem_id="ethics-verify-file")
            example_file = gr.File(label=tr("example_file"), interactive=False)
        with gr.Row():
            verify_btn = gr.Button(tr("verify"), variant="primary", elem_id="ethics-verify-run")
            example_btn = gr.Button(tr("example"), elem_id="ethics-verify-example")
        verdict = gr.Markdown(elem_id="ethics-verify-verdict")
        report = gr.JSON(label=tr("report"))

        def on_verify(path):
            return verify_view(path, lang)

        def on_example():
            return example_view(0, lang)

        verify_btn.click(wrap(on_verify), [upload], [verdict, report], api_name="ethics_verify", **HEAVY)
        upload.upload(wrap(on_verify), [upload], [verdict, report], api_name="ethics_verify_upload", **HEAVY)
        example_btn.click(wrap(on_example), None, [example_file, verdict, report], api_name="ethics_example",
                          **HEAVY)
