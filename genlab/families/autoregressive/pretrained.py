"""The lecture's model: Qwen/Qwen3-VL-2B-Instruct through transformers, on the lab model's path.

The lecture's notebook loads it with ``trust_remote_code=True``; transformers now ships the
architecture (``Qwen3VLForConditionalGeneration``), so genlab never runs code from the hub.  The
revision is pinned; the weights are read from the local Hugging Face cache unless the user opts
in to downloading (``allow_download=True``, ``--allow-downloads`` on the CLI).  On a GPU the model
goes to ``device_map="auto"`` in its own dtype; on a CPU it runs in float32.

Text only: the prompt goes through the model's chat template as one user message (as in the
lecture), and the reply streams through ``generation.stream_text``.
"""

from __future__ import annotations

import functools

from genlab.errors import InputError

QWEN_ID = "Qwen/Qwen3-VL-2B-Instruct"
QWEN_REVISION = "89644892e4d85e24eaac8bacfd4f463576704203"  # pinned: the same weights everywhere


class HFTokenizerAdapter:
    """A transformers tokenizer seen through the small interface genlab's generation path uses.

    ``encode`` puts ``<|endoftext|>`` (Qwen's document separator) first, so the first token of a
    scored text also has a probability, as BOS does for the lab model.
    """

    def __init__(self, tokenizer):
        self.hf = tokenizer
        start = tokenizer.convert_tokens_to_ids("<|endoftext|>")
        unk = getattr(tokenizer, "unk_token_id", None)
        self.bos_token_id = start if start is not None and start != unk else tokenizer.eos_token_id
        self.pad_token_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else self.bos_token_id
        self.eos_token_id = tokenizer.eos_token_id

    @property
    def vocab_size(self) -> int:
        return len(self.hf)

    def encode(self, text: str, *, add_bos: bool = True) -> list[int]:
        ids = self.hf.encode(text, add_special_tokens=False)
        return [self.bos_token_id] + ids if add_bos else ids

    def decode(self, ids, skip_special_tokens: bool = True, **kwargs) -> str:
        return self.hf.decode(list(ids), skip_special_tokens=skip_special_tokens,
                              clean_up_tokenization_spaces=False)

    def convert_ids_to_tokens(self, ids) -> list[str]:
        """Each token as the text it stands for (not byte-level symbols like 'Ġ')."""
        return [self.hf.decode([int(i)], skip_special_tokens=False) for i in ids]

    def stop_token_ids(self) -> list[int]:
        """Tokens that end a chat reply: <|im_end|> and <|endoftext|>."""
        ids = {self.hf.eos_token_id, self.hf.convert_tokens_to_ids("<|im_end|>"), self.bos_token_id}
        unk = getattr(self.hf, "unk_token_id", None)
        return sorted(i for i in ids if i is not None and i != unk)


def load_qwen(model_id: str = QWEN_ID, *, revision: str | None = QWEN_REVISION, allow_download: bool = False,
              device: str | None = None):
    """Load the model and its processor; returns (model, processor).

    ``model_id`` may be a hub id or a local folder (the tests use a tiny random Qwen3-VL saved to a
    folder).  Without ``allow_download`` only the local cache is read; a missing model is an
    ``InputError`` that says what to do.
    """
    import torch
    from transformers import Qwen3VLForConditionalGeneration

    cuda = torch.cuda.is_available() if device is None else device.startswith("cuda")
    kwargs = dict(revision=revision, local_files_only=not allow_download)
    try:
        processor = load_text_processor(model_id, **kwargs)
        model = Qwen3VLForConditionalGeneration.from_pretrained(
            model_id, **kwargs,
            dtype="auto" if cuda else torch.float32,  # CPUs are slow and inexact in half precision
            device_map="auto" if cuda else None,
        )
    except OSError as err:
        raise InputError("model", "model_not_cached", model=model_id, revision=revision) from err
    if not cuda:
        model = model.to("cpu")
    return model.eval(), processor


def load_text_processor(model_id: str, **kwargs):
    """The full processor when it loads, else the tokenizer (which carries the chat template).

    Prompts here are text only; Qwen3-VL's full processor also wants torchvision for its video
    part, which a text-only user does not need.
    """
    from transformers import AutoProcessor, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_id, **kwargs)  # OSError when the model is missing
    try:
        processor = AutoProcessor.from_pretrained(model_id, **kwargs)
        if hasattr(processor, "apply_chat_template") and getattr(processor, "chat_template", None):
            return processor
    except Exception:  # noqa: BLE001 - no image/video processor here: text only is fine
        pass
    if not getattr(tokenizer, "chat_template", None):
        raise InputError("model", "no_chat_template", model=model_id)
    return tokenizer


def chat_inputs(processor, user_text: str) -> dict:
    """The lecture's single user message through the chat template: input_ids and friends, (1, T)."""
    messages = [{"role": "user", "content": [{"type": "text", "text": user_text.strip()}]}]
    inputs = processor.apply_chat_template(messages, tokenize=True, add_generation_prompt=True,
                                           return_dict=True, return_tensors="pt")
    inputs.pop("token_type_ids", None)
    return dict(inputs)


@functools.lru_cache(maxsize=2)
def cached_qwen(model_id: str = QWEN_ID, revision: str | None = QWEN_REVISION, allow_download: bool = False):
    """One loaded copy per process (read-only afterwards, so sharing it between users is safe)."""
    return load_qwen(model_id, revision=revision, allow_download=allow_download)
