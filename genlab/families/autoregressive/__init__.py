"""The autoregressive family: p(x) = prod_t p(x_t | x_<t), an explicit density sampled token by token.

The files, in the roles every family shares:

* ``model``: the lab language model, a small Qwen3-style decoder (transformers' ``Qwen3ForCausalLM``)
  over characters; ``tokenizer``: its character tokenizer; ``ngram``: the character n-gram baseline.
* ``train``: maximum likelihood by teacher forcing (``genlab train autoregressive``).
* ``generation``: sequential sampling through transformers' ``generate`` (KV cache, seeded sampler,
  streamer, stop strings and the stop flag); ``scoring``: the exact log-likelihood of a text.
* ``pipeline``: the family's face — ``TextRequest``/``ScoreRequest``/``StatementsRequest`` (every
  parameter declared once) in, text or scores with provenance out; the lab model and the
  lecture's Qwen3-VL behind it (``TextModel``, ``load_text_model``).
* ``pretrained``: the lecture's Qwen/Qwen3-VL-2B-Instruct through transformers (pinned revision,
  its chat template).
* ``cli``: ``genlab train|sample|eval autoregressive``.

The views over it: ``genlab.sections.autoregressive`` (handlers), ``genlab.app.tabs.autoregressive``,
``genlab.widgets.autoregressive_widget``; the token view is drawn by ``genlab.viz.tokens``.
"""
