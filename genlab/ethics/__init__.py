"""Ethics in practice: the bias-replication experiment (``genlab.ethics.bias``), its figures
(``genlab.ethics.plots``) and the lecture's ethics section as pages (``genlab.ethics.pages``).
Provenance of generated files lives in ``genlab.provenance``."""
