"""Malformed command lines: each ends in one line ``error: ...`` that names the parameter, exit
code 2, and no traceback (a traceback is for genlab's own bugs).

Most run in one Python process (``cli_driver.py``: ``genlab.cli.main()`` once per command line,
so the test takes one interpreter start, not fifty); a few run as real ``genlab`` processes, to
show the installed entry point behaves the same."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DRIVER = Path(__file__).with_name("cli_driver.py")
EMPTY_SAFETENSORS = b"\x02\x00\x00\x00\x00\x00\x00\x00{}"  # a valid header with no tensors


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli-errors")

    def folder(name, config: str, weights: bytes):
        path = root / name
        path.mkdir()
        (path / "config.json").write_text(config)
        (path / "model.safetensors").write_bytes(weights)
        return path

    (root / "speech.wav").write_text("this is a text file with a .wav name\n" * 50)
    (root / "binary.txt").write_bytes(b"text\0with a NUL byte")
    (root / "words.csv").write_text("x,y\none,two\nthree,four\n")
    (root / "points.xyz").write_text("1 2\n3 4\n")
    (root / "empty").mkdir()
    return {
        "root": root,
        "bad_json": folder("bad-json-model", "{not json", b"\0" * 16),
        "list_json": folder("list-json-model", "[1, 2, 3]", EMPTY_SAFETENSORS),
        "wrong_type": folder("wrong-type-model", json.dumps({"vocab": "abc", "n_layer": "four"}), EMPTY_SAFETENSORS),
        "not_lm": folder("not-a-text-model", json.dumps({"model_type": "bert"}), EMPTY_SAFETENSORS),
        "bad_header": folder("bad-header-gan", json.dumps({"g_ch": 24}), b"\xff" * 8 + b"garbage"),
        "huge": folder("huge-gmm", json.dumps({"format": "genlab.GaussianMixtureEM", "n_components": 10**12}),
                       EMPTY_SAFETENSORS),
    }


def cases(f):
    root = f["root"]
    out = str(root / "out.png")
    wav = str(root / "r.wav")
    return [  # (arguments, what the message must name)
        (["serve", "--port", "99999"], "--port"),
        (["serve", "--lang", "de"], "--lang"),
        (["serve", "--auth", "nocolon"], "--auth"),
        (["serve", "--bogus"], "--bogus"),
        (["serve", "--replicas", "0"], "--replicas"),
        (["serve", "--limit", "nonsense=3"], "--limit"),
        (["serve", "--limit", "heavy_jobs=abc"], "--limit heavy_jobs"),
        (["sample", "gan", "--class", "2.5", "--out", out], "--class"),
        (["sample", "gan", "-n", "0", "--out", out], "-n"),
        (["sample", "gan", "-n", "abc", "--out", out], "-n"),
        (["sample", "gan", "--truncation", "2", "--out", out], "--truncation"),
        (["sample", "gan", "--seed", str(2**70), "--out", out], "--seed"),
        (["sample", "gan", "--out", str(root / "missing" / "x.png")], "--out"),
        (["sample", "gan", "--out", str(root)], "--out"),
        (["sample", "gan", "--out", str(root / "x.jpg")], "--out"),
        (["sample", "gan", "--model", "biggan-deep-256", "--weights", str(root / "nowhere")], "nowhere"),
        (["sample", "gan", "--model", str(f["bad_header"]), "--out", out], "model"),
        (["sample", "diffusion", "--scheduler", "foo", "--out", out], "--scheduler"),
        (["sample", "diffusion", "--nfe", "0", "--out", out], "--nfe"),
        (["sample", "diffusion", "--guidance", "nan", "--out", out], "--guidance"),
        (["sample", "diffusion", "--model", "sdxl", "--size", "10x10", "--out", out], "--size"),
        (["sample", "diffusion", "--model", "/nonexistent", "--out", out], "--model"),
        (["sample", "diffusion", "--model", str(f["bad_json"]), "--out", out], "config.json"),
        (["sample", "diffusion", "--out", str(root / "x.webp")], "--out"),
        (["sample", "diffusion", "--out", str(root / "missing" / "x.png")], "--out"),
        (["sample", "autoregressive", "--model", "/nonexistent"], "--model"),
        (["sample", "autoregressive", "--model", str(f["bad_json"])], "config.json"),
        (["sample", "autoregressive", "--model", str(f["list_json"])], "config.json"),
        (["sample", "autoregressive", "--model", str(f["wrong_type"])], "--model"),
        (["sample", "autoregressive", "--model", str(f["not_lm"])], "--model"),
        (["sample", "autoregressive", "-n", "0"], "--max-new-tokens"),
        (["sample", "autoregressive", "--temperature", "-1"], "--temperature"),
        (["sample", "autoregressive", "--prompt", "   "], "--prompt"),
        (["sample", "autoregressive", "--seed", "-5"], "--seed"),
        (["sample", "vae", "--input", str(root / "speech.wav"), "--out", wav], "--input"),
        (["sample", "vae", "--input", str(root / "nope.wav"), "--out", wav], "--input"),
        (["sample", "vae", "--prior", "--seconds", "100", "--out", wav], "--seconds"),
        (["sample", "vae", "--prior", "--out", str(root / "r.mp3")], "--out"),
        (["sample", "vae", "--latent", "median", "--input", "clip00.flac", "--out", wav], "--latent"),
        (["sample", "vae", "--out", wav], "--input/--prior"),
        (["sample", "mixture", "--model", "/nonexistent"], "--model"),
        (["sample", "mixture", "--model", str(f["bad_json"])], "config.json"),
        (["sample", "mixture", "--model", str(f["huge"])], "--model"),
        (["sample", "mixture", "-n", "-5"], "-n"),
        (["sample", "mixture", "--out", str(root / "points.txt")], "--out"),
        (["train", "gan", "--data", "nope"], "--data"),
        (["train", "gan", "--resume", "--out", str(root / "empty")], "--resume"),
        (["train", "mixture", "--data", "nope"], "--data"),
        (["train", "mixture", "--data", str(root / "points.xyz")], "--data"),
        (["train", "mixture", "--data", str(root / "words.csv")], "--data"),
        (["train", "mixture", "--components", "0"], "--components"),
        (["train", "mixture", "--steps", "-1"], "--steps"),
        (["train", "mixture", "--damping", "0"], "--damping"),
        (["train", "mixture", "--resume", "--out", str(root / "empty")], "--resume"),
        (["eval", "autoregressive", "--data", str(root / "missing.txt")], "--data"),
        (["eval", "autoregressive", "--data", str(root / "binary.txt")], "--data"),
        (["eval", "autoregressive", "--data", str(root / "empty")], "--data"),
        (["eval", "autoregressive", "--model", "/nonexistent"], "--model"),
        (["eval", "mixture", "--model", "/nonexistent"], "--model"),
        (["verify", str(root / "nothing.png")], "FILE"),
        (["verify"], "file"),
        (["bench", "nonexistent"], "nonexistent"),
    ]


ENV = {**os.environ, "PYTHONWARNINGS": "ignore", "COLUMNS": "200"}
IN_PROCESSES = 4  # the first cases also run as real processes


def check(args, named, returncode, stdout, stderr):
    lines = [line for line in stderr.splitlines() if line.strip()]
    if (returncode == 2 and not stdout.strip() and len(lines) == 1 and lines[0].startswith("error: ")
            and named in lines[0]):
        return None
    return f"genlab {' '.join(args)} -> rc {returncode}: {(stdout + stderr)[-600:]}"


@pytest.mark.timeout(900)  # one interpreter runs them all; minutes on a busy shared machine
def test_malformed_command_lines_end_in_one_clear_line(files):
    todo = cases(files)
    assert len(todo) >= 30
    proc = subprocess.run([sys.executable, str(DRIVER)], input=json.dumps([args for args, _ in todo]),
                          capture_output=True, text=True, timeout=850, env=ENV, cwd=files["root"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(proc.stdout.splitlines()[-1])
    problems = [check(args, named, r["returncode"], r["stdout"], r["stderr"])
                for (args, named), r in zip(todo, results)]
    problems = [p for p in problems if p]
    assert not problems, "\n\n".join(problems)
    assert not (files["root"] / "out.png").exists()


@pytest.mark.timeout(600)
def test_the_installed_command_answers_the_same(files):
    genlab = Path(sys.executable).with_name("genlab")
    problems = []
    for args, named in cases(files)[:IN_PROCESSES]:
        proc = subprocess.run([str(genlab), *args], capture_output=True, text=True, timeout=300, env=ENV,
                              cwd=files["root"])
        problems.append(check(args, named, proc.returncode, proc.stdout, proc.stderr))
    assert not [p for p in problems if p], problems


def test_a_bug_of_genlabs_own_keeps_its_traceback(tmp_path, monkeypatch):
    """Only the user's mistakes become one line: an unexpected exception is not hidden."""
    code = ("import sys, genlab.families.gan.pipeline as p\n"
            "def broken(*a, **k):\n    raise KeyError('a bug')\n"
            "p.generate = broken\n"
            "from genlab.cli import main\nsys.argv = ['genlab', 'sample', 'gan', '--out', 'x.png']\nmain()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode not in (0, 2) and "Traceback" in proc.stderr and "a bug" in proc.stderr
