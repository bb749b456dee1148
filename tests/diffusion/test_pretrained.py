"""The SDXL + DEIS backend, offline, on a tiny random-weight SDXL pipeline saved to a folder and
loaded through the same ``load_sdxl``/``generate_sdxl`` code (and the same DiffusionRequest) as the
real model."""

import numpy as np
import pytest
import torch

from genlab.errors import InputError
from genlab.families.diffusion import pretrained
from genlab.families.diffusion.pipeline import SDXL, DiffusionRequest, generate
from genlab.families.diffusion.pretrained import SDXL_ID, SDXL_REVISION, generate_sdxl, load_sdxl
from genlab.provenance import read_provenance

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    from tiny_sdxl import build_tiny_sdxl

    return str(build_tiny_sdxl(tmp_path_factory.mktemp("sdxl") / "tiny-sdxl"))


def tiny_request(folder, **values):
    return DiffusionRequest.for_model(folder, **{"prompt": "a red cube", "nfe": 5, "size": "64x64", **values})


def test_loads_the_sdxl_pipeline_class_in_float32_on_cpu(tiny_folder):
    from diffusers import StableDiffusionXLPipeline

    sdxl = load_sdxl(tiny_folder, local_files_only=True)
    assert isinstance(sdxl, StableDiffusionXLPipeline)
    assert sdxl.unet.dtype == torch.float32
    assert sdxl.unet.config.addition_embed_type == "text_time"


def test_deis_from_the_pipeline_config_inherits_leading_spacing(tiny_folder):
    from genlab.families.diffusion.schedulers import scheduler_from_pipeline

    sdxl = load_sdxl(tiny_folder, local_files_only=True)
    deis = scheduler_from_pipeline("deis", sdxl.scheduler)
    assert type(deis).__name__ == "DEISMultistepScheduler"
    assert deis.config.timestep_spacing == "leading"
    assert deis.config.beta_schedule == "scaled_linear"  # SDXL's own betas, not the default
    deis.set_timesteps(10)
    trailing = scheduler_from_pipeline("deis", sdxl.scheduler, spacing="trailing")
    trailing.set_timesteps(10)
    assert trailing.timesteps[0] == 999 and deis.timesteps[0] < 999


def test_a_saved_pipeline_folder_takes_sdxls_presets(tiny_folder):
    request = DiffusionRequest.for_model(tiny_folder)
    assert (request.nfe, request.guidance, request.n, request.spacing) == (25, 6.0, 1, "leading")


def test_generates_images_with_progress_the_decoded_chain_and_provenance(tiny_folder):
    steps = []
    result = generate(tiny_request(tiny_folder, n=2, negative_prompt="blurry", strip_steps="1, 5"),
                      on_step=lambda i, n: steps.append(i))
    assert result.samples.shape == (2, 64, 64, 3) and result.samples.dtype == np.uint8
    assert steps == list(range(5))
    assert [s for s, _ in result.strip] == [1, 5] and result.strip_image() is not None
    assert type(load_sdxl(tiny_folder).scheduler).__name__ == "EulerDiscreteScheduler"  # the shared one untouched
    rec = result.provenance
    assert rec["params"]["prompt"] == "a red cube" and rec["params"]["negative_prompt"] == "blurry"
    assert rec["params"]["scheduler"] == "deis" and rec["seed"] == 0 and rec["params"]["width"] == 64
    assert "digit" not in rec["params"] and "toy" not in rec["params"]
    assert result.show().size == (2 * 64 + 3 * 2, 64 + 2 * 2)  # two per row, as the lecture's grid


def test_same_seed_same_images_and_schedulers_swap(tiny_folder):
    a = generate(tiny_request(tiny_folder, seed=3)).samples
    b = generate(tiny_request(tiny_folder, seed=3)).samples
    c = generate(tiny_request(tiny_folder, seed=4)).samples
    d = generate(tiny_request(tiny_folder, seed=3, scheduler="dpm++", spacing="trailing")).samples
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c) and not np.array_equal(a, d)


def test_sizes_are_rounded_to_multiples_of_8_and_said(tiny_folder):
    result = generate(tiny_request(tiny_folder, size="70x64"))
    assert result.samples.shape[1:3] == (64, 64)
    assert result.size_notes == [("width", 70, 64)]
    assert result.provenance["params"]["size"] == "70x64" and result.provenance["params"]["width"] == 64


def test_generate_sdxl_runs_the_pipeline_it_is_given(tiny_folder):
    images, intermediates = generate_sdxl(load_sdxl(tiny_folder), "a cat", nfe=3, width=64, height=64,
                                          show_steps=[2])
    assert images[0].size == (64, 64) and [s for s, _ in intermediates] == [2]


def test_real_model_is_pinned_and_offline_by_default(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))  # an empty cache: nothing to find offline
    load_sdxl.cache_clear()
    with pytest.raises(InputError) as info:
        load_sdxl(SDXL_ID)
    assert info.value.code == "sdxl_not_cached" and "not in the local Hugging Face cache" in str(info.value)
    assert len(SDXL_REVISION) == 40
    assert not pretrained.is_cached(SDXL)


def test_cli_samples_a_saved_sdxl_pipeline_folder(tiny_folder, tmp_path):
    from typer.testing import CliRunner

    from genlab.cli import app

    out = tmp_path / "sdxl.png"
    result = CliRunner().invoke(app, ["sample", "diffusion", "--model", tiny_folder, "--prompt",
                                      "a cat", "--nfe", "5", "--size", "66x64", "-n", "2",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "width 66 rounded down to 64" in result.output
    rec = read_provenance(out)
    assert rec["params"]["spacing"] == "leading" and rec["params"]["n"] == 2
    empty = CliRunner().invoke(app, ["sample", "diffusion", "--model", tiny_folder, "--prompt", "",
                                     "--out", str(out)])
    assert empty.exit_code == 2 and "--prompt" in empty.output


def test_an_sdxl_notebook_is_written_even_where_sdxl_cannot_run(tmp_path):
    """Issue 17: the notebook of an SDXL request runs wherever its weights are."""
    import nbformat

    from genlab.notebook import save_notebook

    request = DiffusionRequest.for_model(SDXL, prompt="a lighthouse at dusk", seed=7)
    path = save_notebook(request, tmp_path / "sdxl.ipynb", provenance=request.provenance(
        model=SDXL, revision=SDXL_REVISION, kind="image"))
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    assert f"model={SDXL!r}" in code and "prompt='a lighthouse at dusk'" in code and "nfe=25" in code
    assert "digit=" not in code  # only what SDXL reads
    namespace = {}
    exec(code.split("result = ")[0], namespace)  # the request the notebook builds is this one
    assert namespace["request"].checked().values() == request.checked().values()
    assert nb.metadata["genlab"]["revision"] == SDXL_REVISION
