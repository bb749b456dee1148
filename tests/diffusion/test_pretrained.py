"""The SDXL + DEIS backend, offline, on a tiny random-weight SDXL pipeline saved to a folder and
loaded through the same ``load_sdxl``/``generate_sdxl`` code as the real model."""

import numpy as np
import pytest
import torch

from genlab.errors import InputError
from genlab.families.diffusion.pretrained import (SDXL_ID, SDXL_REVISION, generate_sdxl,
                                                  load_sdxl, round_size)
from genlab.provenance import read_provenance

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def tiny_pipe(tmp_path_factory):
    from tiny_sdxl import build_tiny_sdxl

    folder = build_tiny_sdxl(tmp_path_factory.mktemp("sdxl") / "tiny-sdxl")
    return load_sdxl(str(folder), local_files_only=True), str(folder)


def run(pipe_and_id, **kw):
    pipe, model_id = pipe_and_id
    args = dict(prompt="a red cube", nfe=5, guidance=6.0, width=64, height=64, num_images=1,
                seed=0, model_id=model_id)
    args.update(kw)
    return generate_sdxl(pipe, args.pop("prompt"), **args)


def test_loads_the_sdxl_pipeline_class_in_float32_on_cpu(tiny_pipe):
    from diffusers import StableDiffusionXLPipeline

    pipe, _ = tiny_pipe
    assert isinstance(pipe, StableDiffusionXLPipeline)
    assert pipe.unet.dtype == torch.float32
    assert pipe.unet.config.addition_embed_type == "text_time"


def test_deis_from_the_pipeline_config_inherits_leading_spacing(tiny_pipe):
    from genlab.families.diffusion.schedulers import scheduler_from_pipeline

    pipe, _ = tiny_pipe
    deis = scheduler_from_pipeline("deis", pipe.scheduler)
    assert type(deis).__name__ == "DEISMultistepScheduler"
    assert deis.config.timestep_spacing == "leading"
    assert deis.config.beta_schedule == "scaled_linear"  # SDXL's own betas, not the default
    deis.set_timesteps(10)
    trailing = scheduler_from_pipeline("deis", pipe.scheduler, spacing="trailing")
    trailing.set_timesteps(10)
    assert trailing.timesteps[0] == 999 and deis.timesteps[0] < 999


def test_generates_images_with_progress_and_provenance(tiny_pipe, tmp_path):
    from genlab.app.tabs.diffusion import STRINGS, sdxl_outputs
    from genlab.i18n import Translator

    steps = []
    result = run(tiny_pipe, num_images=2, negative_prompt="blurry", show_steps=[0, 4],
                 on_step=lambda i, n: steps.append(i))
    assert len(result.images) == 2 and result.images[0].size == (64, 64)
    assert steps == list(range(5))
    assert [s for s, _ in result.intermediates] == [0, 4]
    assert pipe_scheduler_untouched(tiny_pipe)
    files, strip, notes = sdxl_outputs(result, Translator(STRINGS, "en"))
    rec = read_provenance(files[0])
    assert rec["params"]["prompt"] == "a red cube" and rec["params"]["negative_prompt"] == "blurry"
    assert rec["params"]["scheduler"] == "deis" and rec["seed"] == 0
    assert strip is not None


def pipe_scheduler_untouched(pipe_and_id):
    return type(pipe_and_id[0].scheduler).__name__ == "EulerDiscreteScheduler"


def test_same_seed_same_images_and_schedulers_swap(tiny_pipe):
    a = np.asarray(run(tiny_pipe, seed=3).images[0])
    b = np.asarray(run(tiny_pipe, seed=3).images[0])
    c = np.asarray(run(tiny_pipe, seed=4).images[0])
    d = np.asarray(run(tiny_pipe, seed=3, scheduler="dpm++", spacing="trailing").images[0])
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c) and not np.array_equal(a, d)


def test_sizes_are_rounded_to_multiples_of_8_and_said(tiny_pipe):
    result = run(tiny_pipe, width=70, height=64)
    assert result.images[0].size == (64, 64)
    assert result.notes == ["width 70 rounded down to 64 (a multiple of 8)"]
    assert round_size(1024, 1023) == (1024, 1016, ["height 1023 rounded down to 1016 (a multiple of 8)"])


@pytest.mark.parametrize("kw,param", [
    ({"prompt": "  "}, "prompt"), ({"nfe": 4}, "nfe"), ({"nfe": 81}, "nfe"),
    ({"guidance": 12.5}, "guidance"), ({"num_images": 5}, "num_images"),
    ({"num_images": 0}, "num_images"), ({"width": 32}, "width"), ({"height": 4096}, "height"),
    ({"scheduler": "plms"}, "scheduler"), ({"spacing": "linspace"}, "spacing")])
def test_bad_input_is_an_input_error(tiny_pipe, kw, param):
    with pytest.raises(InputError) as info:
        run(tiny_pipe, **kw)
    assert info.value.param == param


def test_real_model_is_pinned_and_offline_by_default(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))  # an empty cache: nothing to find offline
    load_sdxl.cache_clear()
    with pytest.raises(InputError) as info:
        load_sdxl(SDXL_ID)
    assert "not in the local Hugging Face cache" in str(info.value)
    assert len(SDXL_REVISION) == 40


def test_cli_samples_a_saved_sdxl_pipeline_folder(tiny_pipe, tmp_path):
    from typer.testing import CliRunner

    from genlab.cli import app

    out = tmp_path / "sdxl.png"
    result = CliRunner().invoke(app, ["sample", "diffusion", "--model", tiny_pipe[1], "--prompt",
                                      "a cat", "--nfe", "5", "--size", "66x64", "-n", "2",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "width 66 rounded down to 64" in result.output
    rec = read_provenance(out)
    assert rec["params"]["spacing"] == "leading" and rec["params"]["num_images"] == 2
    empty = CliRunner().invoke(app, ["sample", "diffusion", "--model", tiny_pipe[1], "--out", str(out)])
    assert empty.exit_code == 2 and "prompt" in empty.output
