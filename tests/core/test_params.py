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
    assert p["seed"].range_text("ru") == "-1 (случайный) или 0..2^63-1"  # the views' help follows the page


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


@dataclass(frozen=True)
class Mixture(Request):
    SECTION: ClassVar[str] = "common"
    components: tuple = param(((0.5, -1.0, 2.0), (0.5, 1.0, 1e-6)), columns=("weight", "mean", "var"),
                              min_rows=1, max_rows=3)


def test_a_table_is_one_parameter_read_from_every_view():
    p = Mixture.params()["components"]
    assert p.kind == "table" and p.view_control == "dataframe" and p.columns == ("weight", "mean", "var")
    rows = ((0.5, -1.0, 2.0), (0.5, 1.0, 1e-6))
    assert Mixture().checked().components == rows
    text = p.text(rows)
    assert text == "0.5, -1.0, 2.0; 0.5, 1.0, 1e-06"
    assert p.check(text) == p.check(p.text(rows, "\n")) == rows  # the CLI's and the widget's text
    assert p.check([[0.5, -1, 2], [0.5, 1, 1e-6]]) == rows  # rows
    assert p.check({"headers": ["a", "b", "c"], "data": [list(r) for r in rows]}) == rows  # a Gradio value
    import numpy as np
    import pandas as pd

    assert p.check(pd.DataFrame(np.array(rows))) == rows and p.check(np.array(rows)) == rows
    assert isinstance(p.check(np.array(rows))[0][0], float)
    assert "[1, 3] rows of 3 numbers (weight, mean, var)" in p.range_text()
    assert "[1, 3] строк по 3 чисел (weight, mean, var)" in p.range_text("ru")


@pytest.mark.parametrize("value, match", [
    ([], r"components: 0 rows is outside the allowed range \[1, 3\]"),
    ([[1, 0, 1]] * 4, r"components: 4 rows is outside"),
    ([[1, 0]], r"components: expected shape \(rows, 3\), got a row of 2"),
    ([[1, 0, 1], [1, "a", 1]], r"components\[2, mean\]: expected a number"),
    ("1, 0, 1; 1, , 1", r"components\[2, mean\]: expected a number"),
    ([[1, float("nan"), 1]], r"components\[1, mean\]: must be finite"),
    (5, "components: expected an array"),
])
def test_a_bad_table_names_the_parameter_and_the_cell(value, match):
    with pytest.raises(InputError, match=match):
        Mixture(components=value).checked()
    try:
        Mixture(components=value).checked()
    except InputError as err:
        assert err.message("ru").startswith("components")
