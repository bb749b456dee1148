"""``genlab train|sample|eval autoregressive``: the command-line views of the language model.

Heavy imports (torch, transformers) happen inside the functions so ``genlab --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from genlab.cli_options import command_line, with_request
from genlab.families.autoregressive.pipeline import LAB, TextRequest


def train(
    ctx: typer.Context,
    out: Path = typer.Option(Path("runs/ar-bilingual"), help="Folder for best/ (lowest validation loss) and checkpoint/ (for --resume)."),
    steps: int = typer.Option(2000, help="Optimiser steps (the cosine schedule's length) when --budget-minutes is 0."),
    budget_minutes: float = typer.Option(0.0, help="Train for this many CPU minutes; the cosine learning-rate decay follows the CPU time spent."),
    n_layer: int = typer.Option(6, help="Transformer blocks."),
    n_head: int = typer.Option(6, help="Attention heads per block."),
    n_embd: int = typer.Option(192, help="Width of the residual stream."),
    block_size: int = typer.Option(256, help="Context length in tokens (BOS included)."),
    batch_size: int = typer.Option(16, help="Windows per step."),
    lr: float = typer.Option(2e-3, help="Peak learning rate."),
    min_lr: float = typer.Option(1e-4, help="The cosine decays to this learning rate."),
    warmup_steps: int = typer.Option(100, help="Linear warm-up steps."),
    russian_fraction: float = typer.Option(0.2, help="Share of training windows drawn from the Russian corpus (the rest: English)."),
    eval_every: int = typer.Option(100, help="Steps between validation estimates and checkpoints."),
    seed: int = typer.Option(1337, help="Seed for initialisation and batch order (-1: a fresh one, printed)."),
    threads: int = typer.Option(1, help="torch threads (the machine may be shared)."),
    init_from: Optional[Path] = typer.Option(None, help="Start from this trained lab model folder (rows of shared characters are copied)."),
    resume: bool = typer.Option(False, help="Continue from OUT/checkpoint exactly where it stopped."),
    export: Optional[Path] = typer.Option(None, "--export", help="Also save the best model here in float16 (e.g. genlab/assets/ar-bilingual)."),
) -> None:
    """Train the character-level Qwen3-style model on English and Russian text (MLE by teacher forcing)."""
    from genlab.errors import check_int, check_number
    from genlab.families.autoregressive.train import TrainConfig
    from genlab.families.autoregressive.train import train as run_training
    from genlab.seeding import resolve_seed

    check_int("steps", steps, 1, 10**7)
    check_number("budget_minutes", budget_minutes, 0, 10**5)
    check_number("lr", lr, 0, 1, lo_open=True)
    check_number("min_lr", min_lr, 0, lr)
    check_number("russian_fraction", russian_fraction, 0, 1)
    seed = resolve_seed(seed)
    cfg = TrainConfig(n_layer=check_int("n_layer", n_layer, 1, 64), n_head=check_int("n_head", n_head, 1, 64),
                      n_embd=check_int("n_embd", n_embd, 8, 4096), block_size=check_int("block_size", block_size, 2, 65536),
                      batch_size=check_int("batch_size", batch_size, 1, 4096), lr=lr, min_lr=min_lr,
                      warmup_steps=check_int("warmup_steps", warmup_steps, 0, 10**7), max_steps=steps,
                      budget_minutes=budget_minutes, eval_every=check_int("eval_every", eval_every, 1, 10**7),
                      seed=seed, threads=check_int("threads", threads, 1, 256),
                      mixture={"en": 1.0 - russian_fraction, "ru": russian_fraction})

    def log(line: str) -> None:
        typer.echo(line)
        sys.stdout.flush()

    log(f"seed {seed}")
    model, metrics = run_training(cfg, out, resume=resume, init_from=init_from, log=log)
    if export is not None:
        import torch

        from genlab.families.autoregressive.card import write_model_card

        model.save_lab(export, dtype=torch.float16)
        record = json.loads((out / "best" / "trainer.json").read_text(encoding="utf-8"))
        write_model_card(export, record, command=command_line(ctx, seed=seed))
        log(f"exported float16 weights and their model card to {export}")
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


HELD_OUT = {"held-out": ("en", "ru"), "en-val": ("en",), "ru-val": ("ru",)}


def evaluate(
    model: str = typer.Option(LAB, help="'lab', a model folder, or Qwen/Qwen3-VL-2B-Instruct."),
    data: str = typer.Option("held-out", help="'held-out' (the held-out 10% of each language), 'en-val', 'ru-val', "
                                              "or the path of a UTF-8 text file (up to 8 MB)."),
    max_chars: int = typer.Option(0, help="Score only the first N characters of each text (0 = all)."),
    ngram: int = typer.Option(0, help="Also score each text with a character N-gram (e.g. 5) fitted on the lab model's "
                                      "training text: the same language's 90% (a file: both languages'); 0 = no."),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
    allow_downloads: bool = typer.Option(False, "--allow-downloads",
                                         help="Let a pretrained model download from the Hugging Face hub."),
) -> None:
    """Exact log-likelihood of text: nats and bits per character, which characters were bytes, an n-gram beside."""
    import time

    from genlab.data.text import CORPORA, held_out, read_text_file, training_part
    from genlab.errors import check_int
    from genlab.families.autoregressive import pipeline
    from genlab.families.autoregressive.ngram import ngram_nats_per_char
    from genlab.families.autoregressive.scoring import LN2

    check_int("max_chars", max_chars, 0, 10**9)
    check_int("ngram", ngram, 0, 8)
    texts = ({lang: held_out(lang) for lang in HELD_OUT[data]} if data in HELD_OUT
             else {Path(data).name: read_text_file(data, param="--data")})
    results = {}
    for name, text in texts.items():
        text = text[:max_chars] if max_chars else text
        started = time.perf_counter()
        result = pipeline.score(pipeline.ScoreRequest(model=model, text=text), allow_download=allow_downloads,
                                top_k=1, param="--data")
        score = result.score
        tokenizer = pipeline.load_text_model(model, allow_downloads).tokenizer
        unknown = tokenizer.unknown_characters(text) if hasattr(tokenizer, "unknown_characters") else None
        results[name] = {"chars": score.n_chars, "tokens": len(score.token_ids),
                         "fallback_chars": tokenizer.fallback_characters(text) if unknown is not None else None,
                         "fallback_characters": unknown,
                         "log_prob_nats": score.log_prob, "nats_per_char": score.nats_per_char,
                         "bits_per_char": score.bits_per_char, "seconds": time.perf_counter() - started}
        if ngram:
            fitted_on = [name] if data in HELD_OUT else list(CORPORA)
            nats = ngram_nats_per_char(text, "".join(training_part(lang) for lang in fitted_on), ngram)
            results[name]["ngram"] = {"order": ngram, "fitted_on": fitted_on, "nats_per_char": nats,
                                      "bits_per_char": nats / LN2}
    if as_json:
        typer.echo(json.dumps({"model": model, "data": data, "texts": results}, indent=1, ensure_ascii=False))
        return
    for name, row in results.items():
        extra = ""
        if row["fallback_chars"]:
            shown = " ".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in row["fallback_characters"][:12])
            more = ", ..." if len(row["fallback_characters"]) > 12 else ""
            extra = f", {row['fallback_chars']} of them outside the vocabulary (bytes): {shown}{more}"
        typer.echo(f"{model} on {name}: {row['nats_per_char']:.4f} nats/char = {row['bits_per_char']:.4f} "
                   f"bits/char over {row['chars']} characters ({row['tokens']} tokens{extra})")
        if "ngram" in row:
            gram = row["ngram"]
            typer.echo(f"  character {gram['order']}-gram fitted on the {'+'.join(gram['fitted_on'])} training text: "
                       f"{gram['nats_per_char']:.4f} nats/char = {gram['bits_per_char']:.4f} bits/char")
