"""One module per lecture section. Each defines ``TITLE = {"en": ..., "ru": ...}``, a ``STRINGS``
table for ``genlab.i18n.Translator`` and ``render(lang)``, which builds the tab's components inside
the caller's ``gr.Tab`` and wires its events to plain handler functions (tested without the UI).
Per-user state lives in ``gr.State``; nothing mutable at module level."""

SECTIONS = ("probability", "discriminative", "taxonomy", "autoregressive", "gan", "vae",
            "diffusion", "ethics")
