"""Parameters declared once on a typed request: validation, defaults, presets."""

from dataclasses import dataclass
from typing import ClassVar

import pytest

from genlab.errors import InputError
from genlab.params import Request, param


@dataclass(frozen=True)
class Toy(Request):
    SECTION: ClassVar[str] = "common"
    PRESETS: ClassVar[dict] = {"big": {"steps": 25, "scale": 6.0}}
    model: str = param("lab", choices=("lab", "big"), open_choice=True)
    steps: int = param(20, low=1, high=1000)
    scale: float = param(3.0, low=0.0, high=12.0, step=0.5)
    temperature: float = param(1.0, low=0.0, high=2.0, low_open=True)
    prompt: str = param("hi", max_chars=10)
    flag: bool = param(False)
    seed: int = param(-1, kind="seed")


def test_params_are_read_from_the_fields():
    p = Toy.params()
    assert list(p) == ["model", "steps", "scale", "temperature", "prompt", "flag", "seed"]
    assert [p[n].kind for n in p] == ["choice", "int", "float", "float", "text", "bool", "seed"]
    assert p["steps"].view_control == "slider" and p["model"].view_control == "dropdown"
    assert p["flag"].flag == "--flag" and p["scale"].range_text() == "[0, 12]"
    assert p["temperature"].range_text() == "(0, 2]"


def test_checked_converts_and_draws_the_seed():
    r = Toy(steps=5.0, seed=-1).checked()
    assert r.steps == 5 and isinstance(r.steps, int) and 0 <= r.seed < 2**31
    assert Toy(seed=7).checked().seed == 7
    assert Toy(model="/some/folder").checked().model == "/some/folder"  # open choice


@pytest.mark.parametrize("field, value, match", [
    ("steps", 2.5, "steps: must be an integer"), ("steps", 0, "steps: 0 is outside"),
    ("scale", float("nan"), "scale: must be finite"), ("temperature", 0, r"temperature: 0 is outside .*\(0, 2\]"),
    ("prompt", "x" * 11, "prompt: 11 characters"), ("prompt", "  ", "prompt: must not be empty"),
    ("flag", "yes", "flag: expected true or false"), ("seed", 2**70, "seed"), ("model", "", "model"),
])
def test_bad_values_name_the_parameter(field, value, match):
    with pytest.raises(InputError, match=match):
        Toy(**{field: value}).checked()


def test_presets_change_the_defaults_of_a_model():
    assert Toy.defaults()["steps"] == 20 and Toy.defaults("big")["steps"] == 25
    r = Toy.for_model("big", scale=None, steps=30)
    assert (r.model, r.steps, r.scale) == ("big", 30, 6.0)


def test_provenance_records_every_parameter_and_the_request_type():
    r = Toy(seed=3).checked()
    rec = r.provenance(model="genlab/toy", kind="image")
    assert rec["seed"] == 3 and rec["params"]["steps"] == 20 and rec["label"] == "AI-generated"
    assert rec["request"].endswith("test_params.Toy")
