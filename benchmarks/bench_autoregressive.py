"""Autoregressive benchmark: the lab model's held-out bits per character beside n-gram baselines,
per language, and what streaming costs.

    python benchmarks/bench_autoregressive.py [--json] [--skip-quality]   (or: genlab bench autoregressive)

* Quality, for English (Shakespeare) and Russian (public-domain sayings) separately: exact
  log-likelihood of each language's held-out 10% (the last 10% of its corpus, nanoGPT's split),
  in nats and bits per character, for the shipped model and for a unigram, a bigram, a trigram and an
  interpolated absolute-discounting character 5-gram fitted on the same language's training 90%.
* Speed: 1,024 new tokens with plain ``generate`` and with the streamer (same seed, so the same
  tokens), alternating, best of ``--repeat``; the streaming overhead is their ratio; time to first
  token and tokens per second come from the streamed runs.

One torch thread, side by side in one run, so the ratios compare like with like.
"""

from __future__ import annotations

import argparse
import json
import math
import time

from genlab.families.autoregressive.pipeline import LAB_ASSET as LAB_NAME


def quality(model) -> dict:
    from genlab.data.text import CORPORA, train_val_split
    from genlab.families.autoregressive.ngram import ngram_nats_per_char
    from genlab.families.autoregressive.scoring import score_text

    results = {}
    for lang, corpus in CORPORA.items():
        train, val = train_val_split(corpus())
        rows = {}
        for name, order in (("unigram", 1), ("bigram", 2), ("trigram", 3), ("char 5-gram (abs. discounting)", 5)):
            started = time.perf_counter()
            nats = ngram_nats_per_char(val, train, order)
            rows[name] = {"nats_per_char": nats, "bits_per_char": nats / math.log(2),
                          "seconds": time.perf_counter() - started}
        started = time.perf_counter()
        score = score_text(model.lm, model.tokenizer, val, context_length=model.block_size, top_k=1)
        rows[f"lab transformer ({LAB_NAME})"] = {"nats_per_char": score.nats_per_char,
                                                 "bits_per_char": score.bits_per_char,
                                                 "seconds": time.perf_counter() - started}
        results[lang] = {"val_chars": len(val), "train_chars": len(train), "models": rows}
    return results


def streaming(model, new_tokens: int, repeat: int) -> dict:
    from genlab.families.autoregressive.generation import SamplingOptions, generate_text, stream_text

    options = SamplingOptions(max_new_tokens=new_tokens, temperature=0.8, top_p=0.95, seed=0)
    prompt = "ROMEO:\n"
    plain_s, stream_s, ttft, texts = [], [], [], set()
    generate_text(model.lm, model.tokenizer, prompt, SamplingOptions(max_new_tokens=16, seed=0))  # warm-up

    def run_plain():
        started = time.perf_counter()
        plain = generate_text(model.lm, model.tokenizer, prompt, options, context_length=model.block_size)
        plain_s.append(time.perf_counter() - started)
        texts.add(plain.text)
        return plain

    def run_streamed():
        started = time.perf_counter()
        *pieces, result = stream_text(model.lm, model.tokenizer, prompt, options, context_length=model.block_size)
        stream_s.append(time.perf_counter() - started)
        ttft.append(result.first_token_seconds)
        texts.add("".join(pieces))

    for i in range(repeat):  # alternate which goes first, so drifting machine load hits both alike
        if i % 2 == 0:
            plain = run_plain()
            run_streamed()
        else:
            run_streamed()
            plain = run_plain()
    n = len(plain.token_ids)
    return {"new_tokens": n, "plain_generate_s": min(plain_s), "streamed_s": min(stream_s),
            "streaming_overhead": min(stream_s) / min(plain_s) - 1.0,
            "time_to_first_token_ms": 1000 * min(ttft), "tokens_per_s_streamed": n / min(stream_s),
            "tokens_per_s_plain": n / min(plain_s), "same_text": len(texts) == 1,
            "runs": {"plain_s": plain_s, "streamed_s": stream_s}}


def main() -> None:
    import torch

    from genlab.families.autoregressive.pipeline import lab_model_path, load_char_lm

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--skip-quality", action="store_true", help="only the speed part")
    parser.add_argument("--new-tokens", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    model = load_char_lm(lab_model_path())
    results = {"model": str(lab_model_path().name), "parameters": model.num_parameters(), "threads": 1,
               "streaming": streaming(model, args.new_tokens, args.repeat)}
    if not args.skip_quality:
        results["quality"] = quality(model)
    if args.json:
        print(json.dumps(results, indent=1))
        return
    s = results["streaming"]
    print(f"{s['new_tokens']} new tokens: plain generate {s['plain_generate_s']:.2f} s, streamed "
          f"{s['streamed_s']:.2f} s, overhead {100 * s['streaming_overhead']:+.1f}%, first token "
          f"{s['time_to_first_token_ms']:.0f} ms, {s['tokens_per_s_streamed']:.0f} tokens/s, same text: {s['same_text']}")
    for lang, q in results.get("quality", {}).items():
        print(f"{lang} held-out text: {q['val_chars']} characters (the last 10% of the corpus)")
        for name, row in q["models"].items():
            print(f"  {name:34s} {row['nats_per_char']:.4f} nats/char  {row['bits_per_char']:.4f} bits/char")


if __name__ == "__main__":
    main()
