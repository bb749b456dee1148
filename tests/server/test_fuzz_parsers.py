"""A bounded run of benchmarks/bench_fuzz.py: every parser of user files (audio uploads, model
folders and their config.json/safetensors, data and text files, provenance readers) answers malformed input with a
model/record or a clear one-line InputError, never another exception, within seconds."""

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_fuzz.py"


@pytest.fixture(scope="module")
def fuzz():
    spec = importlib.util.spec_from_file_location("bench_fuzz", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", [1, 2])
def test_malformed_user_files_are_refused_clearly(fuzz, seed):
    result = fuzz.run(per_target=25, seed=seed, log=lambda *a: None)
    assert result["crashes"] == [], result["crashes"][:5]
    assert set(result["targets"]) == {"audio upload", "model folder (toy_vae)", "model folder (mixture)",
                                      "model folder (char_lm)", "model folder (diffusion)",
                                      "model folder (audio_vae)", "data file", "text file",
                                      "provenance (png)", "provenance (wav)",
                                      "provenance (json)", "provenance (txt)"}
    for target, counts in result["targets"].items():
        assert sum(counts.values()) == 25, (target, counts)
    for target in ("audio upload", "model folder (toy_vae)", "model folder (mixture)", "data file", "text file"):
        assert result["targets"][target].get("refused", 0) > 0, target   # the run does reach the checks
