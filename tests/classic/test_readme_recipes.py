"""The README's "Beyond one machine" recipes run as written (with smaller sizes and step counts)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def section(title: str) -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text()
    body = text.split(f"### {title}\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", body, flags=re.S)


def run(kind, code, cwd):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    cmd = ["bash", "-euo", "pipefail", "-c", code] if kind == "bash" else [sys.executable, "-c", code]
    res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, (code, res.stdout[-2000:], res.stderr[-3000:])
    return res.stdout


def test_fit_a_mixture_larger_than_memory_recipe(tmp_path):
    blocks = section("Fit a mixture to a data set larger than memory")
    assert [kind for kind, _ in blocks] == ["bash", "bash", "python"]
    make_and_fit = blocks[0][1].replace("10_000_000, 32, 16, 1_000_000", "40_000, 32, 16, 10_000")
    assert make_and_fit != blocks[0][1]
    out = run("bash", make_and_fit, tmp_path)
    assert "saved runs/big" in out and "on 40000 points" in out
    metrics = json.loads(out[out.index("{"):])
    assert metrics["n"] == 40_000 and metrics["components"] == 16
    one = json.loads((tmp_path / "runs/big/config.json").read_text())["lower_bound"]
    out = run("bash", blocks[1][1], tmp_path)  # the same fit in 2 processes
    assert "in 2 processes" in out
    assert json.loads((tmp_path / "runs/big/config.json").read_text())["lower_bound"] == pytest.approx(one, rel=1e-10)
    run("python", blocks[2][1] + "\nassert gm.means_.shape == (16, 32)\n", tmp_path)


def test_train_on_several_processes_recipe(tmp_path):
    blocks = section("Train on several processes or GPUs")
    assert [kind for kind, _ in blocks] == ["bash"]
    tiny = " --g-ch 4 --d-ch 4 --batch-size 8 --eval-every 0"  # later options win
    first, resume = blocks[0][1].strip().splitlines()
    run("bash", first + tiny + " --steps 3", tmp_path)
    out = run("bash", resume + tiny + " --steps 5", tmp_path)  # 2 processes' checkpoint, resumed in 4
    assert json.loads(out.strip().splitlines()[-1])["steps_done"] == 5
