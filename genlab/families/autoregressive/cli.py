"""``genlab train|sample|eval autoregressive``: the command-line views of the language model.

Heavy imports (torch, transformers) happen inside the functions so ``genlab --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

LAB = "lab"


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


def sample(
    prompt: str = typer.Option("ROMEO:\n", help="Text to continue (the lab model reads it as it is; chat models as a user message)."),
    model: str = typer.Option(LAB, help="'lab' (the shipped Shakespeare model), a model folder, or Qwen/Qwen3-VL-2B-Instruct."),
    max_new_tokens: int = typer.Option(300, "-n", "--max-new-tokens", help="New tokens to generate (1-4096)."),
    temperature: float = typer.Option(0.8, help="Softmax temperature; 0 = greedy (always the most likely token)."),
    top_p: float = typer.Option(0.95, help="Nucleus sampling: keep the most likely tokens whose total probability reaches top_p, in (0, 1]."),
    top_k: int = typer.Option(0, help="Keep only the k most likely tokens (0 = no cut)."),
    repetition_penalty: float = typer.Option(1.0, help="> 1 makes tokens already in the text less likely."),
    stop: Optional[list[str]] = typer.Option(None, help="Stop once the new text contains this string (repeatable; '\\n' escapes work)."),
    seed: int = typer.Option(-1, help="Random seed (-1: a fresh one, printed so the text can be reproduced)."),
    out: Optional[Path] = typer.Option(None, help="Also write the text, with a provenance header, to this file."),
    allow_download: bool = typer.Option(False, help="Let a pretrained model download from the Hugging Face hub."),
) -> None:
    """Stream a continuation to the terminal, token by token."""
    from genlab.families.autoregressive.backends import load_text_model
    from genlab.families.autoregressive.generation import SamplingOptions
    from genlab.provenance import record, save_text

    stops = tuple(s.replace("\\n", "\n") for s in (stop or []))
    prompt = prompt.replace("\\n", "\n")  # a shell makes typing a newline awkward
    options = SamplingOptions(max_new_tokens=max_new_tokens, temperature=temperature, top_p=top_p, top_k=top_k,
                              repetition_penalty=repetition_penalty, stop=stops, seed=seed).checked()
    try:
        text_model = load_text_model(model, allow_download)
    except FileNotFoundError as err:
        typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    if not text_model.is_chat:
        typer.echo(prompt, nl=False)
    *pieces, result = _stream_to_terminal(text_model.stream(prompt, options))
    typer.echo("")
    typer.secho(f"[{len(result.token_ids)} tokens, {result.tokens_per_second:.1f} tokens/s, first token after "
                f"{result.first_token_seconds * 1000:.0f} ms, seed {result.seed}, stopped by {result.stopped_by}]",
                err=True, fg=typer.colors.BRIGHT_BLACK)
    if out is not None:
        params = {"prompt": prompt, "max_new_tokens": options.max_new_tokens, "temperature": options.temperature,
                  "top_p": options.top_p, "top_k": options.top_k, "repetition_penalty": options.repetition_penalty,
                  "stop": list(options.stop)}
        rec = record(model=text_model.name, seed=result.seed, params=params, revision=text_model.revision,
                     kind="text")
        save_text(prompt + result.text if not text_model.is_chat else result.text, out, rec)
        typer.secho(f"wrote {out}", err=True)


def _stream_to_terminal(stream):
    items = []
    for item in stream:
        if isinstance(item, str):
            sys.stdout.write(item)
            sys.stdout.flush()
        items.append(item)
    return items


def evaluate(
    model: str = typer.Option(LAB, help="'lab', a model folder, or Qwen/Qwen3-VL-2B-Instruct."),
    data: str = typer.Option("shakespeare-val", help="'shakespeare-val' (the last 10% of the corpus) or a text file."),
    max_chars: int = typer.Option(0, help="Score only the first N characters (0 = all)."),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
    allow_download: bool = typer.Option(False, help="Let a pretrained model download from the Hugging Face hub."),
) -> None:
    """Exact log-likelihood of held-out text: nats and bits per character."""
    import time

    from genlab.errors import check_int
    from genlab.families.autoregressive.backends import load_text_model

    check_int("max_chars", max_chars, 0, 10**9)
    text = _eval_text(data)
    text = text[:max_chars] if max_chars else text
    try:
        text_model = load_text_model(model, allow_download)
    except FileNotFoundError as err:
        typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    started = time.perf_counter()
    score = text_model.score(text, top_k=1)
    metrics = {"model": text_model.name, "data": data, "chars": score.n_chars, "tokens": len(score.token_ids),
               "log_prob_nats": score.log_prob, "nats_per_char": score.nats_per_char,
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
