"""One object per loaded language model, lab or pretrained, that the CLI, app and widget use.

``TextModel`` bundles a transformers causal LM, a tokenizer with genlab's small interface and
how prompts become input ids (the lab model reads the prompt as it is; a chat model wraps it in
its chat template).  ``load_text_model("lab" | path | "Qwen/Qwen3-VL-2B-Instruct")`` picks one.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LAB_ASSET = "ar-shakespeare"


@dataclass
class TextModel:
    name: str
    lm: Any                      # a transformers model with .generate
    tokenizer: Any               # CharTokenizer or HFTokenizerAdapter
    context_length: int | None   # the longest prompt in tokens (None: no limit that matters here)
    processor: Any = None        # chat models: the processor whose chat template wraps the prompt
    revision: str | None = None

    @property
    def is_chat(self) -> bool:
        return self.processor is not None

    def _prompt_inputs(self, prompt: str):
        from genlab import limits
        from genlab.errors import check_text
        from genlab.families.autoregressive.pretrained import chat_inputs

        inputs = chat_inputs(self.processor, check_text("prompt", prompt, max_chars=limits.MAX_PROMPT_CHARS))
        input_ids = inputs.pop("input_ids")
        inputs.pop("attention_mask", None)
        return input_ids, inputs

    def _eos(self):
        return self.tokenizer.stop_token_ids() if self.is_chat else None

    def stream(self, prompt: str, options, stop_event: threading.Event | None = None):
        """Text pieces as they come, then the finished ``Generation`` (see ``generation.stream_text``)."""
        from genlab.families.autoregressive.generation import stream_text

        if self.is_chat:
            input_ids, extra = self._prompt_inputs(prompt)
            return stream_text(self.lm, self.tokenizer, prompt, options, stop_event=stop_event,
                               eos_token_id=self._eos(), extra_inputs=extra, input_ids=input_ids)
        return stream_text(self.lm, self.tokenizer, prompt, options, context_length=self.context_length,
                           stop_event=stop_event)

    def generate(self, prompt: str, options, stop_event: threading.Event | None = None):
        """The finished ``Generation`` without streaming (same tokens as ``stream`` for the same seed)."""
        from genlab.families.autoregressive.generation import generate_text

        if self.is_chat:
            *_, result = self.stream(prompt, options, stop_event)
            return result
        return generate_text(self.lm, self.tokenizer, prompt, options, context_length=self.context_length,
                             stop_event=stop_event)

    def score(self, text: str, top_k: int = 5):
        """Exact log-likelihood of ``text`` token by token (``scoring.TextScore``)."""
        from genlab.families.autoregressive.scoring import score_text

        return score_text(self.lm, self.tokenizer, text, context_length=self.context_length, top_k=top_k)


def lab_model_path() -> Path:
    from genlab.assets import asset_path

    return asset_path(LAB_ASSET)


def load_char_lm(path: str | Path):
    from genlab.families.autoregressive.model import CharLM

    path = Path(path)
    if not (path / "model.safetensors").is_file():
        raise FileNotFoundError(f"model: no lab language model in {path} (expected config.json + "
                                "model.safetensors; train one with `genlab train autoregressive`)")
    with contextlib.redirect_stdout(sys.stderr):  # huggingface_hub prints a note; stdout is the text
        return CharLM.load_lab(path)


@functools.lru_cache(maxsize=4)
def load_text_model(model: str = "lab", allow_download: bool = False) -> TextModel:
    """``"lab"`` (the shipped Shakespeare model), a folder, or a Qwen3-VL hub id.

    Cached per process; the loaded models are only read afterwards, so users can share them.
    """
    from genlab.families.autoregressive.pretrained import QWEN_REVISION, HFTokenizerAdapter, load_qwen

    if model == "lab":
        return _lab_text_model(load_char_lm(lab_model_path()), "lab")
    path = Path(model)
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise FileNotFoundError(f"model: {path} has no config.json: it is not a saved model folder")
        config = json.loads((path / "config.json").read_text())
        if "vocab" in config:  # a CharLM folder
            return _lab_text_model(load_char_lm(path), str(path))
        lm, processor = load_qwen(str(path), revision=None)
        return TextModel(str(path), lm, HFTokenizerAdapter(getattr(processor, "tokenizer", processor)), None,
                         processor=processor)
    lm, processor = load_qwen(model, revision=QWEN_REVISION, allow_download=allow_download)
    return TextModel(model, lm, HFTokenizerAdapter(getattr(processor, "tokenizer", processor)), None,
                     processor=processor, revision=QWEN_REVISION)


def _lab_text_model(char_lm, name: str) -> TextModel:
    return TextModel(name, char_lm.lm, char_lm.tokenizer, char_lm.block_size)
