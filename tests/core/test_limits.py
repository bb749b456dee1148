"""The limits in genlab.limits: the README shows the current table, and each one is refused
where the work starts, with a message that names the parameter and the limit (en and ru)."""

import io
import time
from pathlib import Path

import numpy as np
import pytest

from genlab import limits
from genlab.errors import InputError

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("name, table", [("limits", limits.markdown_table), ("queue", limits.queue_table)])
def test_the_readme_shows_the_current_tables(name, table):
    text = README.read_text(encoding="utf-8")
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    assert start in text and end in text, f"README: the {name} table's markers are missing"
    shown = text.split(start, 1)[1].split(end, 1)[0].strip()
    assert shown == table(), f"README's {name} table is stale: python -m genlab.limits"


def _refused(fn, *args, param: str, limit, **kwargs) -> InputError:
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        fn(*args, **kwargs)
    assert time.perf_counter() - started < 2.0, "refused only after doing the work"
    err = info.value
    for lang in ("en", "ru"):
        text = err.message(lang)
        assert param in text and f"{limit}" in text, text
        assert "\n" not in text
    return err


def _wav(seconds: float, rate: int = 8000, channels: int = 1) -> bytes:
    import soundfile as sf

    buf = io.BytesIO()
    sf.write(buf, np.zeros((int(seconds * rate), channels), np.float32), rate, format="WAV",
             subtype="PCM_16")
    return buf.getvalue()


def test_audio_too_long_or_too_many_channels_is_refused_from_the_header(monkeypatch):
    import soundfile as sf

    from genlab.audio import read_audio

    def never(*args, **kwargs):
        raise AssertionError("decoded before the header was checked")

    monkeypatch.setattr(sf.SoundFile, "read", never)
    with pytest.raises(InputError) as info:
        read_audio(_wav(limits.MAX_AUDIO_SECONDS + 1), param="clip")
    assert f"{limits.MAX_AUDIO_SECONDS} s" in info.value.message("en")
    assert f"{limits.MAX_AUDIO_SECONDS} с" in info.value.message("ru")
    with pytest.raises(InputError, match="3 channels"):
        read_audio(_wav(0.1, channels=3), param="clip")


def test_audio_within_the_limits_is_read():
    from genlab.audio import read_audio

    wave, rate = read_audio(_wav(limits.MAX_AUDIO_SECONDS - 1, channels=2))
    assert wave.shape == (2, (limits.MAX_AUDIO_SECONDS - 1) * 8000) and rate == 8000


def test_an_unreadable_file_says_so_without_internals():
    from genlab.audio import read_audio

    with pytest.raises(InputError) as info:
        read_audio(b"this is a text file renamed .wav" * 20, param="audio")
    for lang in ("en", "ru"):
        assert "0x" not in info.value.message(lang) and "BytesIO" not in info.value.message(lang)


def test_statement_length_is_limited_before_scoring():
    from genlab.sections.autoregressive import score_statements

    _refused(score_statements, "lab", "x" * 100_000, "short", param="true_statement",
             limit=limits.MAX_STATEMENT_CHARS)


def test_prompt_length_is_limited():
    from genlab.families.autoregressive import pipeline
    from genlab.families.autoregressive.generation import SamplingOptions

    long = "x" * (limits.MAX_PROMPT_CHARS + 1)
    _refused(lambda: next(pipeline.stream(pipeline.TextRequest(prompt=long))), param="prompt",
             limit=limits.MAX_PROMPT_CHARS)
    lm = pipeline.load_text_model("lab")
    _refused(lambda: next(iter(lm.stream(long, SamplingOptions(max_new_tokens=16)))),
             param="prompt", limit=limits.MAX_PROMPT_CHARS)


def test_sdxl_prompts_are_limited_before_the_pipeline_runs():
    from genlab.families.diffusion.pipeline import SDXL, DiffusionRequest, generate

    long = "x" * (limits.MAX_PROMPT_CHARS + 1)
    _refused(generate, DiffusionRequest.for_model(SDXL, prompt=long), param="prompt", limit=limits.MAX_PROMPT_CHARS)
    _refused(generate, DiffusionRequest.for_model(SDXL, negative_prompt=long), param="negative_prompt",
             limit=limits.MAX_PROMPT_CHARS)
    _refused(generate, DiffusionRequest.for_model(SDXL, n=limits.MAX_DIFFUSION_IMAGES + 1), param="n",
             limit=limits.MAX_DIFFUSION_IMAGES)


@pytest.mark.parametrize("model, change, param, limit", [
    ("lab", {"nfe": limits.MAX_LAB_NFE + 1}, "nfe", limits.MAX_LAB_NFE),
    ("stabilityai/stable-diffusion-xl-base-1.0", {"nfe": limits.NFE_RANGE[1] + 1}, "nfe", limits.NFE_RANGE[1]),
    ("lab", {"n": limits.MAX_LAB_DIFFUSION_SAMPLES + 1}, "n", limits.MAX_LAB_DIFFUSION_SAMPLES),
    ("lab", {"strip_steps": "1," * limits.MAX_STEP_LIST_CHARS}, "strip_steps", limits.MAX_STEP_LIST_CHARS),
])
def test_diffusion_tab_limits(model, change, param, limit):
    from genlab.families.diffusion.pipeline import DiffusionRequest
    from genlab.sections.diffusion import generate

    values = {**DiffusionRequest.defaults(model), "model": model}
    del values["lang"]
    _refused(generate, **{**values, **change}, param=param, limit=limit)


def test_tokens_and_images_per_request():
    from genlab.families.autoregressive.generation import SamplingOptions
    from genlab.families.autoregressive.pipeline import TextRequest
    from genlab.families.gan.pipeline import GanRequest

    _refused(SamplingOptions(max_new_tokens=limits.MAX_NEW_TOKENS + 1).checked, param="max_new_tokens",
             limit=limits.MAX_NEW_TOKENS)
    _refused(TextRequest(max_new_tokens=limits.MAX_NEW_TOKENS + 1).checked, param="max_new_tokens",
             limit=limits.MAX_NEW_TOKENS)
    _refused(GanRequest(n=limits.MAX_GAN_IMAGES + 1).checked, param="n", limit=limits.MAX_GAN_IMAGES)


def test_a_seed_out_of_range_says_what_a_seed_is():
    from genlab.errors import check_seed

    for seed in (2**70, -2, 1.5):
        with pytest.raises(InputError) as info:
            check_seed("seed", seed)
        assert "-1 (random) or 0..2^63-1" in info.value.message("en")
        assert "-1 (случайный) или 0..2^63-1" in info.value.message("ru")
