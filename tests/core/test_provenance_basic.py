import json

import numpy as np
from PIL import Image

from genlab.provenance import read_provenance, record, save_image, save_json, save_text


def test_png_round_trip_and_parameters_chunk(tmp_path):
    rec = record(model="lab/test", seed=3, params={"class": 7, "steps": 10}, kind="image")
    path = save_image(np.zeros((8, 8, 3), np.uint8), tmp_path / "x.png", rec)
    back = read_provenance(path)
    assert back["seed"] == 3 and back["label"] == "AI-generated"
    with Image.open(path) as im:
        assert "Seed: 3" in im.text["parameters"] and "AI-generated" in im.text["parameters"]


def test_json_and_text(tmp_path):
    rec = record(model="m", seed=1)
    assert read_provenance(save_json({"a": 1}, tmp_path / "x.json", rec))["model"] == "m"
    assert json.loads((tmp_path / "x.json").read_text())["data"] == {"a": 1}
    assert read_provenance(save_text("hello", tmp_path / "x.txt", rec))["seed"] == 1


def test_foreign_file_has_no_provenance(tmp_path):
    Image.new("RGB", (4, 4)).save(tmp_path / "f.png")
    assert read_provenance(tmp_path / "f.png") is None
