"""The VAE tab: the lecture's EAR_VAE demo on genlab's audio VAE, plus the digit VAE's 2-D latent walk.

Controls as in the lecture: upload a .wav/.flac/.ogg or record, or take a random shipped clip;
seconds 0.5-10; latent = mean or sample; "Encode → Latent → Reconstruct" and
"Sample z ~ N(0, I) → Decode". Outputs: both audio players, waveforms, mu/sigma histograms,
the latent heat map and the KL (the correct one, with the 0.5 the lecture's code leaves out).
Handlers are module-level functions of plain values (tested without the UI); audio files that a
user can download are written with provenance.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from genlab.errors import InputError, check_choice, check_number
from genlab.i18n import Translator

TITLE = {"en": "VAE", "ru": "VAE"}
MODELS = ("lab", "earlab/EAR_VAE")
DIGIT_SPAN = 3.0
STRINGS = {
    "en": {
        "about": "A VAE is a latent-variable model: p(x) = ∫ p(x|z) p(z) dz with p(z) = N(0, I). An encoder "
                 "gives q(z|x) = N(mu, sigma²) per latent channel and frame, a decoder maps z back to audio. "
                 "Training maximises the ELBO = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)), a lower bound on log p(x) "
                 "(the taxonomy's 'bound'). The lab model is a small Oobleck VAE (EAR_VAE's architecture) "
                 "that genlab trained on speech it synthesised; EAR_VAE itself loads if its weights are available.",
        "kl_note": "**About the KL.** KL(N(mu, sigma²) ‖ N(0, 1)) = **0.5**·Σ(mu² + sigma² − log sigma² − 1). "
                   "The lecture's cell and EAR_VAE's code leave out the 0.5, so the number they print is twice "
                   "the KL. genlab shows the correct value and, for comparison, the lecture's.",
        "audio_in": "Clip (upload .wav/.flac/.ogg or record); empty = a random shipped clip",
        "random_clip": "Take a random shipped clip",
        "model": "Model",
        "seconds": "Seconds",
        "latent": "Latent",
        "latent_mean": "mean (deterministic)",
        "latent_sample": "sample (stochastic)",
        "recon": "Encode → Latent → Reconstruct",
        "prior": "Sample z ~ N(0, I) → Decode",
        "original": "Original (prepared: channels, resampled, cropped, peak-normalised)",
        "reconstruction": "Reconstruction / decoded sample",
        "info": "Result",
        "waveforms": "Original vs reconstruction",
        "hist": "mu and sigma",
        "heatmap": "Latent heat map",
        "interp": "Latent interpolation between two clips",
        "clip_a": "Clip A (empty = a random shipped clip)",
        "clip_b": "Clip B (empty = another random shipped clip)",
        "steps": "Steps from A to B",
        "interp_run": "Interpolate mu_A → mu_B",
        "interp_audio": "Decoded (1 − t)·mu_A + t·mu_B, t = 0 … 1, one after another",
        "interp_plot": "Interpolation",
        "digits": "Digit VAE: walk through the 2-D latent",
        "digits_about": "A VAE on 28×28 MNIST digits with a 2-D latent z = (z1, z2). Move the sliders: the "
                        "decoder draws the digit at that point. The map shows the decoded grid and where "
                        "held-out digits are encoded (colour = class).",
        "z1": "z1", "z2": "z2",
        "digit": "Decoded digit at (z1, z2)",
        "digit_map": "Latent map",
        "source": "source", "shape": "input (C, T)", "latent_shape": "latent (D, frames)",
        "kl_dim": "KL per latent element (nats, correct)",
        "kl_frame": "KL per frame, summed over channels (correct, with 0.5)",
        "kl_lecture": "the same as the lecture's code prints it (no 0.5, = 2 × KL)",
        "prior_info": "Prior sample: z ~ N(0, I) of shape {shape}, seed {seed}, {seconds:.2f} s at {rate} Hz.",
        "silent": "The input is silent: the reconstruction is of silence.",
        "shorter": "The clip is {clip:.2f} s, shorter than the {asked:g} s asked for: it keeps its own length (no padding).",
        "random_source": "random shipped clip {name}",
        "hist_mu": "mu histogram", "hist_sigma": "sigma histogram",
        "wave_title": "Original vs reconstruction (first channel)",
        "prior_title": "Prior-sampled waveform (first channel)",
        "heat_title": "Latent z heat map (channels × time)",
    },
    "ru": {
        "about": "VAE — модель со скрытой переменной: p(x) = ∫ p(x|z) p(z) dz, где p(z) = N(0, I). Кодировщик "
                 "даёт q(z|x) = N(mu, sigma²) для каждого латентного канала и кадра, декодер переводит z обратно "
                 "в звук. Обучение максимизирует ELBO = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)) — нижнюю оценку "
                 "log p(x) («оценка» в классификации). Lab-модель — небольшой Oobleck VAE (архитектура EAR_VAE), "
                 "который genlab обучил на синтезированной им речи; сам EAR_VAE загружается, если доступны его веса.",
        "kl_note": "**О KL.** KL(N(mu, sigma²) ‖ N(0, 1)) = **0,5**·Σ(mu² + sigma² − log sigma² − 1). "
                   "В ячейке лекции и в коде EAR_VAE множитель 0,5 пропущен, поэтому печатаемое там число вдвое "
                   "больше KL. genlab показывает правильное значение и, для сравнения, значение из лекции.",
        "audio_in": "Клип (загрузите .wav/.flac/.ogg или запишите); пусто = случайный клип из поставки",
        "random_clip": "Взять случайный клип из поставки",
        "model": "Модель",
        "seconds": "Секунды",
        "latent": "Латент",
        "latent_mean": "среднее (детерминированно)",
        "latent_sample": "сэмпл (стохастически)",
        "recon": "Кодировать → Латент → Восстановить",
        "prior": "Сэмплировать z ~ N(0, I) → Декодировать",
        "original": "Оригинал (подготовлен: каналы, передискретизация, обрезка, нормировка пика)",
        "reconstruction": "Восстановление / декодированный сэмпл",
        "info": "Результат",
        "waveforms": "Оригинал и восстановление",
        "hist": "mu и sigma",
        "heatmap": "Тепловая карта латента",
        "interp": "Интерполяция в латентном пространстве между двумя клипами",
        "clip_a": "Клип A (пусто = случайный клип из поставки)",
        "clip_b": "Клип B (пусто = другой случайный клип из поставки)",
        "steps": "Шагов от A к B",
        "interp_run": "Интерполировать mu_A → mu_B",
        "interp_audio": "Декодированные (1 − t)·mu_A + t·mu_B, t = 0 … 1, друг за другом",
        "interp_plot": "Интерполяция",
        "digits": "VAE на цифрах: прогулка по двумерному латенту",
        "digits_about": "VAE на цифрах MNIST 28×28 с двумерным латентом z = (z1, z2). Двигайте ползунки: декодер "
                        "рисует цифру в этой точке. На карте — декодированная сетка и коды отложенных цифр "
                        "(цвет = класс).",
        "z1": "z1", "z2": "z2",
        "digit": "Декодированная цифра в точке (z1, z2)",
        "digit_map": "Карта латента",
        "source": "источник", "shape": "вход (C, T)", "latent_shape": "латент (D, кадры)",
        "kl_dim": "KL на элемент латента (наты, правильно)",
        "kl_frame": "KL на кадр, сумма по каналам (правильно, с 0,5)",
        "kl_lecture": "то же, как печатает код лекции (без 0,5, = 2 × KL)",
        "prior_info": "Сэмпл из априорного: z ~ N(0, I) формы {shape}, сид {seed}, {seconds:.2f} с при {rate} Гц.",
        "silent": "Вход — тишина: восстановлена тишина.",
        "shorter": "Клип длится {clip:.2f} с — короче запрошенных {asked:g} с: он сохраняет свою длину (без дополнения нулями).",
        "random_source": "случайный клип из поставки {name}",
        "hist_mu": "гистограмма mu", "hist_sigma": "гистограмма sigma",
        "wave_title": "Оригинал и восстановление (первый канал)",
        "prior_title": "Волна сэмпла из априорного (первый канал)",
        "heat_title": "Тепловая карта латента z (каналы × время)",
    },
}


def _tempdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="genlab-vae-"))


def _source(audio, seed):
    """The uploaded/recorded file, or a random shipped clip when there is none: (source, name)."""
    from genlab.families.vae.pipeline import random_clip

    if audio is None or (isinstance(audio, str) and not audio.strip()):
        clip = random_clip(seed)
        return clip, clip.name, True
    return audio, Path(audio).name if isinstance(audio, (str, Path)) else "microphone", False


def pick_random_clip(seed=None) -> str:
    """Path of a random shipped clip (for the 'random shipped clip' button)."""
    from genlab.families.vae.pipeline import random_clip

    return str(random_clip(None if seed in (None, -1) else seed))


def reconstruct(audio, model: str = "lab", seconds=2.5, latent: str = "mean", seed=-1, lang: str = "en"):
    """Encode -> latent -> reconstruct. Returns (original wav path, reconstruction wav path,
    info markdown, waveform figure, histogram figure, heat-map figure)."""
    from genlab.families.vae import figures, pipeline

    tr = Translator(STRINGS, lang)
    check_choice("model", model, MODELS)
    seconds = check_number("seconds", seconds, 0.5, 10.0)
    vae = pipeline.load_audio_model(model)
    source, name, is_random = _source(audio, seed)
    result = pipeline.reconstruct(vae, source, seconds=seconds, latent=latent, seed=seed,
                                  source_name=tr("random_source", name=name) if is_random else name)
    folder = _tempdir()
    orig = pipeline.save_result_audio(result, folder / "original.wav", which="original")
    recon = pipeline.save_result_audio(result, folder / "reconstruction.wav")
    lines = [f"- {tr('source')}: {result.source}",
             f"- {tr('shape')}: {tuple(result.original.shape)} @ {result.sample_rate} Hz · "
             f"{tr('latent_shape')}: {tuple(result.z.shape)} (hop {result.hop})",
             f"- **{tr('kl_dim')}: {result.kl_per_dim:.4f}**",
             f"- {tr('kl_frame')}: {result.kl_per_frame:.3f}",
             f"- {tr('kl_lecture')}: {result.kl_lecture:.3f}"]
    if result.params.get("note"):
        lines.append(f"- {tr('silent')}")
    if result.shorter_than_requested:
        lines.append(f"- {tr('shorter', clip=result.params['seconds'], asked=seconds)}")
    return (str(orig), str(recon), "\n".join(lines),
            figures.waveforms(result.original, result.reconstruction, result.sample_rate, title=tr("wave_title")),
            figures.mu_sigma_histograms(result.mu, result.sigma, titles=(tr("hist_mu"), tr("hist_sigma"))),
            figures.latent_heatmap(result.z, title=tr("heat_title")))


def sample_prior(model: str = "lab", seconds=2.5, seed=-1, lang: str = "en"):
    """z ~ N(0, I) -> decode. Returns (wav path, info markdown, waveform figure, heat-map figure)."""
    from genlab.families.vae import figures, pipeline

    tr = Translator(STRINGS, lang)
    check_choice("model", model, MODELS)
    vae = pipeline.load_audio_model(model)
    result = pipeline.decode_prior(vae, seconds=seconds, seed=seed)
    path = pipeline.save_result_audio(result, _tempdir() / "prior_sample.wav")
    info = tr("prior_info", shape=tuple(result.z.shape), seed=result.seed,
              seconds=result.reconstruction.shape[-1] / result.sample_rate, rate=result.sample_rate)
    return (str(path), info,
            figures.waveforms(None, result.reconstruction, result.sample_rate, title=tr("prior_title"),
                              labels=("", "prior sample")),
            figures.latent_heatmap(result.z, title=tr("heat_title")))


def interpolate(audio_a, audio_b, model: str = "lab", seconds=2.0, steps=5, seed=-1, lang: str = "en"):
    """Decode the path between two clips' latent means. Returns (wav path, figure)."""
    import numpy as np

    from genlab.families.vae import figures, pipeline
    from genlab.provenance import record, save_audio
    from genlab.seeding import resolve_seed

    tr = Translator(STRINGS, lang)
    check_choice("model", model, MODELS)
    vae = pipeline.load_audio_model(model)
    seed = resolve_seed(None if seed in (None, -1) else int(seed))
    source_a, name_a, _ = _source(audio_a, seed)
    source_b, name_b, _ = _source(audio_b, seed + 1)
    if audio_b is None and name_a == name_b and len(pipeline.shipped_clips()) > 1:
        clips = [c for c in pipeline.shipped_clips() if c.name != name_a]
        source_b, name_b = clips[seed % len(clips)], clips[seed % len(clips)].name
    waves = pipeline.interpolate(vae, source_a, source_b, seconds=seconds, steps=steps)
    gap = np.zeros((waves[0].shape[0], int(0.25 * vae.sample_rate)), dtype=np.float32)
    joined = np.concatenate([part for w in waves for part in (w, gap)], axis=1)
    rec = record(model=pipeline.model_name(vae), seed=None, kind="audio-vae-interpolation",
                 params={"clip_a": name_a, "clip_b": name_b, "steps": int(steps), "seconds": float(seconds)})
    path = save_audio(joined.T, vae.sample_rate, _tempdir() / "interpolation.wav", rec)
    return str(path), figures.interpolation_waves(waves, vae.sample_rate, title=f"{name_a} → {name_b}")


@functools.lru_cache(maxsize=1)
def _digit_assets():
    """The shipped digit VAE, its decoded latent grid and the held-out codes (read-only, cached)."""
    from genlab.data.digits import load_mnist
    from genlab.families.vae.image_vae import DigitVAE, encode_means, latent_grid

    folder = Path(__file__).resolve().parents[2] / "assets" / "vae-digits"
    if not (folder / "model.safetensors").is_file():
        raise InputError("model", "unavailable", reason=f"the digit VAE is missing from {folder}")
    model = DigitVAE.load_lab(folder)
    x, y = load_mnist("heldout")
    return model, latent_grid(model, 21, DIGIT_SPAN), encode_means(model, x), y


def walk_digits(z1=0.0, z2=0.0, lang: str = "en"):
    """The decoded digit at (z1, z2) as a 28x28 uint8 image (shown 8x larger), and the latent map."""
    import numpy as np

    from genlab.families.vae import figures
    from genlab.families.vae.image_vae import decode_point

    tr = Translator(STRINGS, lang)
    z1 = check_number("z1", z1, -DIGIT_SPAN, DIGIT_SPAN)
    z2 = check_number("z2", z2, -DIGIT_SPAN, DIGIT_SPAN)
    model, grid, codes, labels = _digit_assets()
    digit = (255 * (1 - decode_point(model, z1, z2))).astype(np.uint8)
    digit = np.kron(digit, np.ones((8, 8), dtype=np.uint8))
    return digit, figures.digit_latent_map(grid, DIGIT_SPAN, (z1, z2), codes, labels, title=tr("digit_map"))


def render(lang: str) -> None:
    import gradio as gr

    from genlab.app.common import user_errors
    from genlab.app.serving import HEAVY

    tr = Translator(STRINGS, lang)
    safe = user_errors(lang)
    gr.Markdown(tr("about"))
    gr.Markdown(tr("kl_note"))
    with gr.Row():
        with gr.Column(scale=3):
            audio_in = gr.Audio(sources=["upload", "microphone"], type="filepath", label=tr("audio_in"),
                                elem_id="vae-audio-in")
            random_btn = gr.Button(tr("random_clip"), size="sm", elem_id="vae-random-clip")
        with gr.Column(scale=2):
            model = gr.Radio([(m, m) for m in MODELS], value="lab", label=tr("model"))
            seconds = gr.Slider(0.5, 10.0, value=2.5, step=0.5, label=tr("seconds"))
            latent = gr.Radio([(tr("latent_mean"), "mean"), (tr("latent_sample"), "sample")], value="mean",
                              label=tr("latent"))
            seed = gr.Number(-1, precision=0, label=tr("seed"))
    with gr.Row():
        recon_btn = gr.Button(tr("recon"), variant="primary", elem_id="vae-recon")
        prior_btn = gr.Button(tr("prior"), variant="secondary", elem_id="vae-prior")
    with gr.Row():
        audio_orig = gr.Audio(type="filepath", label=tr("original"), interactive=False)
        audio_out = gr.Audio(type="filepath", label=tr("reconstruction"), interactive=False,
                             elem_id="vae-audio-out")
    info = gr.Markdown(label=tr("info"), elem_id="vae-info")
    wave_plot = gr.Plot(label=tr("waveforms"))
    with gr.Row():
        hist_plot = gr.Plot(label=tr("hist"))
        heat_plot = gr.Plot(label=tr("heatmap"))

    random_btn.click(safe(pick_random_clip), [seed], [audio_in])
    recon_btn.click(safe(functools.partial(reconstruct, lang=lang)), [audio_in, model, seconds, latent, seed],
                    [audio_orig, audio_out, info, wave_plot, hist_plot, heat_plot],
                    api_name="vae_reconstruct", **HEAVY)
    prior_btn.click(safe(functools.partial(sample_prior, lang=lang)), [model, seconds, seed],
                    [audio_out, info, wave_plot, heat_plot], api_name="vae_sample_prior", **HEAVY)

    with gr.Accordion(tr("interp"), open=False):
        with gr.Row():
            clip_a = gr.Audio(sources=["upload", "microphone"], type="filepath", label=tr("clip_a"))
            clip_b = gr.Audio(sources=["upload", "microphone"], type="filepath", label=tr("clip_b"))
        steps = gr.Slider(2, 11, value=5, step=1, label=tr("steps"))
        interp_btn = gr.Button(tr("interp_run"))
        interp_audio = gr.Audio(type="filepath", label=tr("interp_audio"), interactive=False)
        interp_plot = gr.Plot(label=tr("interp_plot"))
        interp_btn.click(safe(functools.partial(interpolate, lang=lang)),
                         [clip_a, clip_b, model, seconds, steps, seed], [interp_audio, interp_plot],
                         api_name="vae_interpolate", **HEAVY)

    with gr.Accordion(tr("digits"), open=True):
        gr.Markdown(tr("digits_about"))
        try:  # the view at z = (0, 0); a missing asset leaves it empty and the handler explains
            initial = walk_digits(0.0, 0.0, lang)
        except InputError:
            initial = (None, None)
        with gr.Row():
            with gr.Column(scale=1):
                z1 = gr.Slider(-DIGIT_SPAN, DIGIT_SPAN, value=0.0, step=0.05, label=tr("z1"), elem_id="vae-z1")
                z2 = gr.Slider(-DIGIT_SPAN, DIGIT_SPAN, value=0.0, step=0.05, label=tr("z2"), elem_id="vae-z2")
                digit = gr.Image(initial[0], label=tr("digit"), type="numpy", interactive=False,
                                 elem_id="vae-digit")
            digit_map = gr.Plot(initial[1], label=tr("digit_map"))
        walk = safe(functools.partial(walk_digits, lang=lang))
        gr.on([z1.release, z2.release], walk, [z1, z2], [digit, digit_map], api_name="vae_digit_walk")
