"""The diffusion family's face: one DiffusionRequest for the two lab models and SDXL, its checks
(before any model loads), the lecture's SDXL defaults, and results with provenance."""

import numpy as np
import pytest
import torch

from genlab import limits
from genlab.errors import InputError
from genlab.families.diffusion import pipeline, pretrained
from genlab.families.diffusion.pipeline import LAB, SDXL, TOY, DiffusionRequest, generate

torch.set_num_threads(1)


@pytest.fixture()
def nothing_loads(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("a model was loaded for a request that is refused")

    monkeypatch.setattr(pipeline, "load_lab_model", never)
    monkeypatch.setattr(pretrained, "load_sdxl", never)


def test_choosing_sdxl_gives_the_lectures_defaults():
    """The lecture's SDXL cell: NFE 25, CFG 6, one image of 1024 x 1024, DEIS on SDXL's own spacing."""
    sdxl = DiffusionRequest.for_model(SDXL)
    assert (sdxl.nfe, sdxl.guidance, sdxl.n, sdxl.size, sdxl.scheduler, sdxl.spacing) == (
        25, 6.0, 1, "1024x1024", "deis", "leading")
    assert sdxl.prompt == pipeline.LECTURE_PROMPT
    lab = DiffusionRequest.for_model(LAB)
    assert (lab.nfe, lab.guidance, lab.n, lab.spacing) == (20, 3.0, 16, "trailing")
    assert DiffusionRequest.for_model(TOY).n == 400  # a cloud of particles
    assert DiffusionRequest.for_model(SDXL, nfe=30).nfe == 30  # a value given wins over the preset


def test_one_nfe_range_for_the_lab_models_and_the_lectures_for_sdxl(nothing_loads):
    p = DiffusionRequest.params()["nfe"]
    assert (p.low, p.high) == (1, limits.MAX_LAB_NFE)
    assert DiffusionRequest(nfe=1).checked().nfe == 1 and DiffusionRequest(nfe=1000).checked().nfe == 1000
    for model, nfe in ((LAB, 1001), (LAB, 0), (SDXL, limits.NFE_RANGE[1] + 1), (SDXL, limits.NFE_RANGE[0] - 1)):
        with pytest.raises(InputError, match="nfe") as info:
            DiffusionRequest.for_model(model, nfe=nfe).checked()
        assert info.value.param == "nfe"


@pytest.mark.parametrize("values, param", [
    ({"n": limits.MAX_DIFFUSION_IMAGES + 1}, "n"), ({"spacing": "linspace"}, "spacing"),
    ({"size": "big"}, "size"), ({"size": "32x64"}, "size"), ({"size": "1024x4096"}, "size"),
    ({"prompt": "   "}, "prompt"), ({"prompt": "x" * (limits.MAX_PROMPT_CHARS + 1)}, "prompt"),
    ({"negative_prompt": "x" * (limits.MAX_PROMPT_CHARS + 1)}, "negative_prompt"),
    ({"guidance": 12.5}, "guidance"), ({"scheduler": "plms"}, "scheduler"), ({"seed": 1.5}, "seed"),
    ({"strip_steps": "0"}, "strip_steps"), ({"strip_steps": "a"}, "strip_steps"),
])
def test_sdxl_requests_are_checked_before_the_pipeline_loads(nothing_loads, values, param):
    with pytest.raises(InputError) as info:
        generate(DiffusionRequest.for_model(SDXL, **values))
    assert info.value.param == param


@pytest.mark.parametrize("values, param", [
    ({"n": limits.MAX_LAB_DIFFUSION_SAMPLES + 1}, "n"), ({"digit": "11"}, "digit"),
    ({"digit": "all", "n": limits.MAX_LAB_DIFFUSION_SAMPLES // 10 + 1}, "n"), ({"toy": "swiss_roll"}, "toy"),
    ({"strip_steps": "21"}, "strip_steps"), ({"strip_steps": "1," * limits.MAX_STEP_LIST_CHARS}, "strip_steps"),
    ({"model": "/no/such/folder"}, "model"),
])
def test_lab_requests_are_checked_before_the_model_loads(nothing_loads, values, param):
    with pytest.raises(InputError) as info:
        generate(DiffusionRequest(**values))
    assert info.value.param == param


def test_sdxl_without_its_weights_is_refused_in_the_users_language(nothing_loads, monkeypatch):
    monkeypatch.setattr(pretrained, "is_cached", lambda model=SDXL: False)
    with pytest.raises(InputError) as info:
        generate(DiffusionRequest.for_model(SDXL))
    assert info.value.param == "model" and info.value.code == "sdxl_not_cached"
    assert "Hugging Face" in info.value.message("en") and "нет на этой машине" in info.value.message("ru")


def test_strip_steps_are_one_based_and_default_to_six_spread_over_a_lab_chain():
    assert DiffusionRequest(nfe=20).strip_indices() == [0, 4, 8, 11, 15, 19]
    assert DiffusionRequest(nfe=3).strip_indices() == [0, 1, 2]
    assert DiffusionRequest(nfe=10, strip_steps="10, 1,1").strip_indices() == [0, 9]
    assert DiffusionRequest.for_model(SDXL).strip_indices() == []  # each costs a VAE decoder pass


def test_sdxl_sizes_are_rounded_down_to_multiples_of_8_with_a_note():
    assert DiffusionRequest(size="1152x896").sdxl_size() == (1152, 896, [])
    assert DiffusionRequest(size="70x64").sdxl_size() == (64, 64, [("width", 70, 64)])
    assert DiffusionRequest(size="1024×1023").sdxl_size() == (1024, 1016, [("height", 1023, 1016)])


def test_digits_with_the_chain_strip_and_provenance():
    steps = []
    result = generate(DiffusionRequest(digit="3", n=2, nfe=6, seed=5, strip_steps="1, 3, 6"),
                      on_step=lambda i, total: steps.append((i, total)))
    assert result.samples.shape == (2, 1, 28, 28) and 0 <= result.samples.min() <= result.samples.max() <= 1
    assert steps == [(i, 6) for i in range(6)]
    assert [step for step, _ in result.strip] == [1, 3, 6] and result.strip[0][1].shape == (28, 28, 3)
    rec = result.provenance
    assert rec["model"] == "genlab/diffusion-mnist" and rec["seed"] == 5 and rec["label"] == "AI-generated"
    assert rec["params"] == {"model": "lab", "digit": "3", "nfe": 6, "guidance": 3.0, "n": 2, "scheduler": "deis",
                             "spacing": "trailing", "seed": 5, "strip_steps": "1, 3, 6"}
    again = generate(DiffusionRequest(**result.request.values()))
    np.testing.assert_array_equal(again.samples, result.samples)  # the record rebuilds the samples


def test_every_shown_grid_is_large_enough_for_the_watermark():
    from genlab.provenance.image_watermark import MIN_PIXELS

    for n in (1, 16):
        width, height = generate(DiffusionRequest(n=n, nfe=2)).show().size
        assert width * height >= MIN_PIXELS


def test_all_digits_come_one_row_per_digit_in_order():
    result = generate(DiffusionRequest(digit="all", n=2, nfe=3, guidance=1.0))
    assert result.samples.shape == (20, 1, 28, 28)
    assert result.request.condition() == [d for d in range(10) for _ in range(2)]
    width, height = result.show().size
    assert height > width  # ten rows of two


def test_the_toy_model_draws_the_number_of_particles_asked():
    """Issue 15: the toy model ignored "Number of images" (it always drew 400)."""
    result = generate(DiffusionRequest(model=TOY, toy="rings", n=7, nfe=5, lang="ru"))
    assert result.samples.shape == (7, 2) and result.trajectory.shape == (7, 6, 2)
    assert result.strip == []
    fig = result.show()
    assert fig.axes[0].get_title() == "кольца: deis, шагов 5"  # the figure speaks the page's language
    assert result.provenance["params"]["lang"] == "ru" and "digit" not in result.provenance["params"]


def test_check_available_passes_the_lab_models_and_a_saved_pipeline_folder(tmp_path):
    pipeline.check_available(DiffusionRequest(model=LAB))
    pipeline.check_available(DiffusionRequest(model=TOY))
    (tmp_path / "model_index.json").write_text("{}")
    assert pipeline.backend(str(tmp_path)) == SDXL
    pipeline.check_available(DiffusionRequest(model=str(tmp_path)))
