"""``genlab train|sample|eval autoregressive``: the command-line views of the language model.

Heavy imports (torch, transformers) happen inside the functions so ``genlab --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from genlab.cli_options import with_request
from genlab.families.autoregressive.pipeline import LAB, TextRequest


def train(
    out: Path = typer.Option(Path("runs/ar-shakespeare"), help="Folder for checkpoints: best/ (lowest validation loss) and last/."),
    steps: int = typer.Option(2000, help="Optimiser steps (the cosine schedule's length) when --budget-minutes is 0."),
    budget_minutes: float = typer.Option(0.0, help="Train for this many minutes; the cosine learning-rate decay follows elapsed time."),
    n_layer: int = typer.Option(4, help="Transformer blocks."),
    n_head: int = typer.Option(4, help="Attention heads per block."),
    n_embd: int = typer.Option(192, help="Width of the residual stream."),
    block_size: int = typer.Option(256, help="Context length in tokens (BOS included)."),
    batch_size: int = typer.Option(16, help="Windows per step."),
    lr: float = typer.Option(2e-3, help="Peak learning rate."),
    eval_every: int = typer.Option(100, help="Steps between validation estimates (and checkpoints)."),
    seed: int = typer.Option(1337, help="Seed for initialisation and batch order."),
    threads: int = typer.Option(1, help="torch threads (the machine may be shared)."),
    resume: bool = typer.Option(False, help="Continue from OUT/last."),
    ship: Optional[Path] = typer.Option(None, help="Also save the best model here in float16 (e.g. genlab/assets/ar-shakespeare)."),
) -> None:
    """Train the character-level Qwen3-style model on Shakespeare (MLE by teacher forcing)."""
    from genlab.errors import check_int, check_number
    from genlab.families.autoregressive.train import TrainConfig
    from genlab.families.autoregressive.train import train as run_training

    check_int("steps", steps, 1, 10**7)
    check_number("budget_minutes", budget_minutes, 0, 10**5)
    check_number("lr", lr, 0, 1, lo_open=True)
    cfg = TrainConfig(n_layer=check_int("n_layer", n_layer, 1, 64), n_head=check_int("n_head", n_head, 1, 64),
                      n_embd=check_int("n_embd", n_embd, 8, 4096), block_size=check_int("block_size", block_size, 2, 65536),
                      batch_size=check_int("batch_size", batch_size, 1, 4096), lr=lr, max_steps=steps,
                      budget_minutes=budget_minutes, eval_every=check_int("eval_every", eval_every, 1, 10**7),
                      seed=seed, threads=check_int("threads", threads, 1, 256))

    def log(line: str) -> None:
        typer.echo(line)
        sys.stdout.flush()

    model, metrics = run_training(cfg, out, resume=resume, log=log)
    if ship is not None:
        import torch

        model.save_lab(ship, dtype=torch.float16)
        log(f"shipped float16 weights to {ship}")
    log(json.dumps(metrics))


def _unescape(raw: str, values: dict) -> str:
    return raw.replace("\\n", "\n")  # a shell makes typing a newline awkward


@with_request(TextRequest, parse={"prompt": _unescape, "stop": _unescape})
def sample(
    request: TextRequest,
    out: Optional[Path] = typer.Option(None, help="Also write the text, with a provenance header, to this file."),
    notebook: Optional[Path] = typer.Option(None, help="Also write a notebook (.ipynb) that makes the same text."),
    allow_downloads: bool = typer.Option(False, "--allow-downloads",
                                         help="Let a pretrained model download from the Hugging Face hub."),
) -> None:
    """Stream a continuation to the terminal, token by token."""
    from genlab.families.autoregressive import pipeline
    from genlab.provenance import save_text

    request = request.checked()
    text_model = pipeline.load_text_model(request.model, allow_downloads)
    if not text_model.is_chat:
        typer.echo(request.prompt, nl=False)
    for item in pipeline.stream(request, allow_download=allow_downloads):
        if isinstance(item, str):
            sys.stdout.write(item)
            sys.stdout.flush()
    result = item
    typer.echo("")
    typer.secho(f"[{result.n_tokens} tokens, {result.tokens_per_second:.1f} tokens/s, first token after "
                f"{result.first_token_seconds * 1000:.0f} ms, seed {result.request.seed}, stopped by {result.stopped_by}]",
                err=True, fg=typer.colors.BRIGHT_BLACK)
    if out is not None:
        save_text(result.text if text_model.is_chat else result.request.prompt + result.text, out, result.provenance)
        typer.secho(f"wrote {out}", err=True)
    if notebook is not None:
        from genlab.notebook import save_notebook

        save_notebook(result.request, notebook, provenance=result.provenance)
        typer.secho(f"wrote {notebook}", err=True)


def evaluate(
    model: str = typer.Option(LAB, help="'lab', a model folder, or Qwen/Qwen3-VL-2B-Instruct."),
    data: str = typer.Option("shakespeare-val", help="'shakespeare-val' (the last 10% of the corpus) or a text file."),
    max_chars: int = typer.Option(0, help="Score only the first N characters (0 = all)."),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
    allow_downloads: bool = typer.Option(False, "--allow-downloads",
                                         help="Let a pretrained model download from the Hugging Face hub."),
) -> None:
    """Exact log-likelihood of held-out text: nats and bits per character."""
    import time

    from genlab.errors import check_int
    from genlab.families.autoregressive import pipeline

    check_int("max_chars", max_chars, 0, 10**9)
    text = _eval_text(data)
    text = text[:max_chars] if max_chars else text
    started = time.perf_counter()
    result = pipeline.score(pipeline.ScoreRequest(model=model, text=text), allow_download=allow_downloads, top_k=1)
    score = result.score
    metrics = {"model": result.request.model, "data": data, "chars": score.n_chars,
               "tokens": len(score.token_ids), "log_prob_nats": score.log_prob, "nats_per_char": score.nats_per_char,
               "bits_per_char": score.bits_per_char, "seconds": time.perf_counter() - started}
    if as_json:
        typer.echo(json.dumps(metrics, indent=1))
    else:
        typer.echo(f"{metrics['model']} on {data}: {metrics['nats_per_char']:.4f} nats/char = "
                   f"{metrics['bits_per_char']:.4f} bits/char over {metrics['chars']} characters")


def _eval_text(data: str) -> str:
    from genlab.data.text import shakespeare, train_val_split

    if data == "shakespeare-val":
        return train_val_split(shakespeare())[1]
    path = Path(data)
    if not path.is_file():
        from genlab.errors import InputError

        raise InputError("data", "custom", text_en="use 'shakespeare-val' or the path of a text file",
                         text_ru="укажите 'shakespeare-val' или путь к текстовому файлу")
    return path.read_text(encoding="utf-8")
