"""The Qwen3-VL backend, offline, on a tiny random Qwen3-VL of the real architecture."""

import pytest

from genlab.families.autoregressive.pipeline import load_text_model
from genlab.families.autoregressive.generation import SamplingOptions
from genlab.families.autoregressive.pretrained import QWEN_ID, QWEN_REVISION, chat_inputs, load_qwen

PROMPT = "Кратко (5–7 предложений): чем диффузия концептуально отличается от GAN?"


def test_revision_is_pinned():
    assert len(QWEN_REVISION) == 40 and int(QWEN_REVISION, 16) >= 0


def test_missing_weights_give_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    from genlab.errors import InputError

    with pytest.raises(InputError, match="not in the local Hugging Face cache.*--model lab") as err:
        load_qwen(QWEN_ID)
    assert err.value.param == "model" and "нет в локальном кэше" in err.value.message("ru")


def test_chat_template_wraps_the_prompt_as_a_user_message(tiny_qwen_dir):
    model = load_text_model(str(tiny_qwen_dir))
    assert model.is_chat and type(model.lm).__name__ == "Qwen3VLForConditionalGeneration"
    ids = chat_inputs(model.processor, PROMPT)["input_ids"][0].tolist()
    text = model.tokenizer.decode(ids, skip_special_tokens=False)
    assert text == f"<|im_start|>user\n{PROMPT}<|im_end|>\n<|im_start|>assistant\n"


def test_tiny_qwen_streams_through_the_same_path(tiny_qwen_dir):
    model = load_text_model(str(tiny_qwen_dir))
    options = SamplingOptions(max_new_tokens=16, temperature=1.0, top_p=0.9, seed=3)
    *pieces, result = model.stream(PROMPT, options)
    assert "".join(pieces) == result.text
    assert result.text == model.generate(PROMPT, options).text
    assert 1 <= len(result.token_ids) <= 16 and result.logits.shape[0] == len(result.token_ids)


def test_tiny_qwen_scores_text_exactly(tiny_qwen_dir):
    import torch

    model = load_text_model(str(tiny_qwen_dir))
    score = model.score("Diffusion models denoise step by step.")
    ids = [model.tokenizer.bos_token_id] + score.token_ids
    with torch.no_grad():
        logits = model.lm(input_ids=torch.tensor([ids])).logits[0, :-1]
    reference = torch.log_softmax(logits.float(), -1)[torch.arange(len(ids) - 1), ids[1:]].sum()
    assert score.log_prob == pytest.approx(float(reference), abs=1e-3)
    assert "".join(score.tokens) == score.text


def test_tiny_qwen_through_the_pipeline(tiny_qwen_dir):
    from genlab.families.autoregressive import pipeline

    request = pipeline.TextRequest.for_model(str(tiny_qwen_dir), prompt=PROMPT, max_new_tokens=12, seed=3)
    *pieces, result = pipeline.stream(request, every=0.01)
    assert "".join(pieces) == result.text == pipeline.generate(request).text
    assert result.provenance["model"] == str(tiny_qwen_dir) and result.provenance["seed"] == 3
    # readable pieces: a byte-level token that is half a character joins the next one
    assert "".join(result.tokens.pieces) == result.text
    assert len(result.tokens.pieces) == len(result.tokens.alternatives) <= result.n_tokens
    scored = pipeline.score(pipeline.ScoreRequest(model=str(tiny_qwen_dir), text="Diffusion models denoise."))
    assert scored.score.log_prob < 0 and "nats" in scored.show()


def test_tiny_qwen_pieces_are_whole_cyrillic_characters(tiny_qwen_dir):
    """Byte-level BPE can split a Cyrillic letter across tokens: the readable pieces never do."""
    from genlab.families.autoregressive.scoring import generation_probabilities

    model = load_text_model(str(tiny_qwen_dir))
    text = "Привет, мир! Ёжик 🙂"
    score = model.score(text)
    assert "".join(score.pieces) == text and all("\ufffd" not in p for p in score.pieces)
    assert float(score.piece_log_probs.sum()) == pytest.approx(score.log_prob, abs=1e-4)
    from genlab.families.autoregressive.generation import SamplingOptions

    # a random model may write byte sequences that are not UTF-8; the pieces still cover the text exactly
    *pieces, result = model.stream("Привет", SamplingOptions(max_new_tokens=30, seed=1, temperature=1.5))
    readable = generation_probabilities(result, model.tokenizer)
    assert "".join(pieces) == result.text
    assert "".join(readable.pieces).startswith(result.text) and len(readable.pieces) <= len(result.token_ids)
