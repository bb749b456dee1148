"""Without --allow-downloads the Hugging Face libraries make no connection and no name lookup,
even while loading a pretrained model from the local cache (which huggingface_hub/diffusers did
before: a connection to huggingface.co while SDXL loaded). Tiny random SDXL and Qwen3-VL
pipelines are put in a Hugging Face cache folder under their hub ids and pinned revisions."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SWITCHES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY",
            "DISABLE_TELEMETRY")


@pytest.fixture(scope="module")
def hub_cache(tmp_path_factory):
    from tiny_qwen import save_tiny_qwen
    from tiny_sdxl import build_tiny_sdxl

    from genlab.families.autoregressive.pretrained import QWEN_ID, QWEN_REVISION
    from genlab.families.diffusion.pretrained import SDXL_ID, SDXL_REVISION

    home = tmp_path_factory.mktemp("hf-home")
    for repo, revision, build in ((SDXL_ID, SDXL_REVISION, build_tiny_sdxl), (QWEN_ID, QWEN_REVISION, save_tiny_qwen)):
        build(home / "hub" / ("models--" + repo.replace("/", "--")) / "snapshots" / revision)
    return home


def run_without_network(home: Path, tmp_path: Path, *args) -> tuple[subprocess.CompletedProcess, list]:
    env = {k: v for k, v in os.environ.items() if k not in SWITCHES}  # genlab must set them itself
    env.update(HF_HOME=str(home), PYTHONPATH=os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(HERE)])))
    record = tmp_path / "attempts.json"
    proc = subprocess.run([sys.executable, str(HERE / "no_network.py"), str(record), *args], env=env,
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    return proc, json.loads(record.read_text()) if record.exists() else None


def test_the_cli_loads_sdxl_from_the_cache_without_network(hub_cache, tmp_path):
    proc, attempts = run_without_network(
        hub_cache, tmp_path, "sample", "diffusion", "--model", "stabilityai/stable-diffusion-xl-base-1.0",
        "--prompt", "a red square", "--nfe", "5", "--size", "64x64", "-n", "1", "--out", "sdxl.png")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert attempts == [], attempts
    assert (tmp_path / "sdxl.png").is_file()


def test_the_server_loads_what_a_visitor_asks_for_without_network(hub_cache, tmp_path):
    proc, attempts = run_without_network(hub_cache, tmp_path, "serve")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "visitor loads done" in proc.stdout
    assert attempts == [], attempts


def test_with_downloads_allowed_the_same_load_does_reach_out(hub_cache, tmp_path):
    """The control: with --allow-download the same load from the cache tries to connect (so the
    patched socket sees attempts, and the offline switches are what stops them above)."""
    proc, attempts = run_without_network(
        hub_cache, tmp_path, "sample", "diffusion", "--model", "stabilityai/stable-diffusion-xl-base-1.0",
        "--prompt", "a red square", "--nfe", "5", "--size", "64x64", "-n", "1", "--out", "sdxl.png",
        "--allow-download")
    assert attempts, proc.stderr[-2000:]
