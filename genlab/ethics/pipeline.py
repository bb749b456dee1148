"""The Ethics section's face: the bias experiment as a typed request in, a result with provenance out.

``experiment(BiasRequest(...))`` runs ``genlab.ethics.bias`` (a model trained on data where group B
is rare, then each remedy) and returns a ``BiasResult``: the numbers (``table()``), the figure
(``show()``, in the request's language) and the provenance record. The tab, the widget and
``python -m genlab.ethics.cli`` all call it.

    result = experiment(BiasRequest(model="flow", minority=0.1, target=0.5))
    result.experiment.results["none"].freq_b    # ~0.1: the model replicates the data's frequency
    result.show()
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import ClassVar

from genlab import limits
from genlab.ethics import bias
from genlab.i18n import LANGS
from genlab.params import Request, Result, param

SECTION = "ethics"


@dataclass(frozen=True)
class BiasRequest(Request):
    """The experiment's settings: the model, the data's and the rule's fraction of B, the sizes."""

    SECTION: ClassVar[str] = SECTION
    PIPELINE: ClassVar[str] = "experiment"

    model: str = param("gmm", choices=bias.MODELS)
    minority: float = param(0.1, low=0.01, high=0.5, step=0.01)
    target: float = param(0.5, low=0.01, high=0.99, step=0.01)
    n_train: int = param(2000, low=200, high=limits.MAX_BIAS_POINTS, step=100)
    n_test: int = param(4000, low=100, high=limits.MAX_BIAS_POINTS, step=100)
    n_samples: int = param(4000, low=100, high=limits.MAX_BIAS_POINTS, step=100)
    n_components: int = param(4, low=1, high=12)
    flow_steps: int = param(400, low=10, high=limits.MAX_BIAS_FLOW_STEPS, step=10)
    seed: int = param(0, kind="seed")
    lang: str = param("en", choices=LANGS)


@dataclass
class BiasResult(Result):
    experiment: bias.BiasExperiment

    def table(self) -> list[dict]:
        """One row per remedy: freq_b, ll_original, ll_a, ll_b (nats per point), cost."""
        return self.experiment.table()

    def fit_lost(self, remedy: str) -> float:
        """E log p* - E log q on the held-out original data: the fit ``remedy`` gave up (nats/point)."""
        return self.experiment.ll_true - self.experiment.results[remedy].ll_original

    def show(self):
        """The experiment as one matplotlib figure, in the request's language."""
        from genlab.ethics.plots import FIGURE_TEXT, bias_figure
        from genlab.prob.pipeline import figure_text

        return bias_figure(self.experiment, figure_text(SECTION, self.request.lang, FIGURE_TEXT))


@functools.lru_cache(maxsize=16)
def _run(request: BiasRequest) -> bias.BiasExperiment:
    return bias.run(request)


def experiment(request: BiasRequest) -> BiasResult:
    """Run the bias experiment (memoised on the settings: repeated runs are read-only results)."""
    request = request.checked()
    exp = _run(dataclasses.replace(request, lang="en"))  # the language changes only what is drawn
    record = request.provenance(model=f"bias-experiment/{request.model}", kind="ethics.bias")
    return BiasResult(request, record, exp)
