"""The taxonomy as an interface: what every generative model in genlab answers.

* ``density``: can the model give log p(x)?  "exact" (autoregressive, flows, mixtures),
  "bound" (VAE, diffusion: an ELBO), or "none" (GAN: an implicit model x = G(z)).
* ``sampling``: how it samples: "one-shot" (GAN, VAE), "sequential" (autoregressive, token by
  token), "iterative" (diffusion, a chain of denoising steps).

The lecture's three kinds follow from ``density`` alone (``kind_of``): an exact density is an
explicit model, no density an implicit one, a bound a latent-variable model. The classes declare
``density`` and ``sampling``; nothing else repeats them.

``ToyFit`` is what each family's toy-model hook (``genlab.registry.TOY_MODELS``) returns for the
taxonomy comparison: a model fitted to 2-D points and how to ask it the taxonomy's questions.

Neural lab models subclass ``LabModule``: an ``nn.Module`` saved as a folder with ``config.json``
(the ``__init__`` keyword arguments) and ``model.safetensors``, via huggingface_hub's
``PyTorchModelHubMixin``; ``from_pretrained(path)`` reads a local folder and never unpickles.
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ClassVar, Literal, Protocol, runtime_checkable

from genlab.errors import InputError

Density = Literal["exact", "bound", "none"]
Sampling = Literal["one-shot", "sequential", "iterative"]
DENSITY_KINDS: tuple[str, ...] = ("exact", "bound", "none")
SAMPLING_KINDS: tuple[str, ...] = ("one-shot", "sequential", "iterative")
KIND_OF_DENSITY = {"exact": "explicit", "none": "implicit", "bound": "latent"}


def kind_of(model_or_class) -> str:
    """The lecture's kind (explicit / implicit / latent) of a model, from its ``density``."""
    return KIND_OF_DENSITY[model_or_class.density]


class NoDensityError(NotImplementedError):
    """Raised by ``log_prob``/``elbo`` of a model whose taxonomy has no such quantity.

    Carries a code (``no_density_implicit`` or ``no_density_latent``) and the model's name; the
    explanation is a template in ``genlab/locale/<lang>/errors.json`` (``message(lang)``).
    """

    def __init__(self, code: str, name: str):
        self.code, self.param, self.details = code, "log_prob", {"name": name}
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        from genlab.i18n import format_error

        return format_error(self.param, self.code, self.details, lang).split(": ", 1)[1]


@runtime_checkable
class GenerativeModel(Protocol):
    density: ClassVar[str]
    sampling: ClassVar[str]

    def sample(self, n: int, *, condition: Any = None, seed: int | None = None, **options) -> Any: ...

    def log_prob(self, x: Any, *, condition: Any = None) -> Any: ...

    def elbo(self, x: Any, *, condition: Any = None) -> Any: ...


class DensityMixin:
    """Default ``log_prob``/``elbo`` that explain, per the taxonomy, why they are not available."""

    density: ClassVar[str] = "none"
    sampling: ClassVar[str] = "one-shot"

    def log_prob(self, x, *, condition=None):
        if self.density == "bound":
            raise NoDensityError("no_density_latent", type(self).__name__)
        raise NoDensityError("no_density_implicit", type(self).__name__)

    def elbo(self, x, *, condition=None):
        if self.density == "exact":
            return self.log_prob(x, condition=condition)  # an exact density is its own tightest bound
        raise NoDensityError("no_density_implicit", type(self).__name__)


@dataclass
class ToyFit:
    """A model fitted to 2-D points for the taxonomy comparison, and how to ask it.

    ``sample(n, condition=condition, seed=..., **sample_options)`` draws points; ``bounds`` are the
    numbers it reports on held-out points, in nats per point, by formula name (a function of the
    points each); empty means the model's own ``log_prob`` (exact density) or ``elbo`` (a bound).
    ``nfe``: network evaluations per sample.
    """

    model: Any
    condition: Any = None
    sample_options: dict = field(default_factory=dict)
    bounds: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    nfe: int = 1


def read_config(folder: str | Path, *, param: str = "model") -> dict:
    """A model folder's ``config.json`` as a dict, or ``InputError`` naming ``param``: the folder
    is missing, the file is missing, not JSON, or not a JSON object."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(param, "no_model_folder", path=str(folder))
    path = folder / "config.json"
    if not path.is_file():
        raise InputError(param, "not_model_folder", folder=str(folder))
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InputError(param, "config_not_json", folder=str(folder)) from None
    if not isinstance(config, dict):
        raise InputError(param, "config_not_object", folder=str(folder))
    return config


def weight_shapes(path: str | Path, *, param: str = "model") -> dict[str, tuple[int, ...]]:
    """The tensor names and shapes in a safetensors file, read from its header only."""
    from safetensors import safe_open

    path = Path(path)
    if not path.is_file():
        raise InputError(param, "model_file_missing", folder=str(path.parent), file=path.name)
    try:
        with safe_open(str(path), framework="numpy") as f:
            return {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
    except Exception:  # noqa: BLE001 - safetensors reports a bad header in several ways
        raise InputError(param, "weights_not_safetensors", folder=str(path.parent), file=path.name) from None


MAX_CONFIG_LIST = 256
MAX_CONFIG_INT = 2**24


def _leaves(value):
    yield value
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value[:MAX_CONFIG_LIST + 1]:
            yield from _leaves(item)


def init_kwargs(cls, config: dict) -> dict:
    """The config entries ``cls.__init__`` takes (as ``PyTorchModelHubMixin.from_pretrained``)."""
    import inspect

    params = inspect.signature(cls.__init__).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return dict(config)
    return {k: v for k, v in config.items() if k in params}


class _TooManyParameters(Exception):
    pass


@contextlib.contextmanager
def _parameters_at_most(limit: int):
    """Stop building a module (``_TooManyParameters``) at its ``limit + 1``-th parameter: a
    config.json with a depth of 65535 would otherwise take minutes to build, even on the meta
    device, only to be refused for not matching its weights. Counts this thread's modules only."""
    from torch.nn.modules.module import register_module_parameter_registration_hook

    thread, count = threading.get_ident(), 0

    def counted(module, name, parameter):
        nonlocal count
        if threading.get_ident() == thread:
            count += 1
            if count > limit:
                raise _TooManyParameters

    handle = register_module_parameter_registration_hook(counted)
    try:
        yield
    finally:
        handle.remove()


def _build_probe(cls, config: dict, max_parameters: int):
    """``cls`` built from ``config`` on the meta device, or on the CPU for a model whose
    construction reads a tensor's value (zuko's flows call ``.item()``, which a meta tensor cannot
    answer); the caller has bounded the config's sizes, and the parameter count is bounded here."""
    import torch

    try:
        with torch.device("meta"), _parameters_at_most(max_parameters):
            return cls(**init_kwargs(cls, config))
    except RuntimeError as err:
        if "meta tensor" not in str(err):
            raise
    with _parameters_at_most(max_parameters):
        return cls(**init_kwargs(cls, config))


def check_weights_fit(cls, config: dict, shapes: dict, folder: Path, *, param: str = "model") -> None:
    """Build ``cls`` from ``config`` on the meta device (no memory) and check that the weights
    file holds exactly its tensors: so a config with wrong types or huge sizes is refused before
    anything is allocated, and no layer is left silently random."""
    folder = str(folder)
    for value in _leaves(config):  # sizes no genlab model has; building them would take minutes
        if isinstance(value, list) and len(value) > MAX_CONFIG_LIST:
            raise InputError(param, "config_list_too_long", folder=folder, length=len(value), limit=MAX_CONFIG_LIST)
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_CONFIG_INT:
            raise InputError(param, "config_number_too_large", folder=folder, value=value, limit=MAX_CONFIG_INT)
    try:
        probe = _build_probe(cls, config, 2 * len(shapes) + 16)  # a tied weight: twice
    except _TooManyParameters:
        raise InputError(param, "config_too_many_tensors", folder=folder, tensors=len(shapes)) from None
    except Exception as err:  # noqa: BLE001 - any failure to build from the config is the config's
        culprit = err.param if isinstance(err, InputError) else type(err).__name__  # the key, or the kind
        raise InputError(param, "config_unbuildable", folder=folder, error=culprit) from None
    state = probe.state_dict(keep_vars=True)
    for name, shape in shapes.items():
        if name not in state:
            raise InputError(param, "weights_extra_tensor", folder=folder, name=name)
        if tuple(state[name].shape) != shape:
            raise InputError(param, "weights_wrong_shape", folder=folder, name=name,
                             expected=tuple(state[name].shape), got=shape)
    present = {id(state[name]) for name in shapes}
    for name, tensor in state.items():
        if name not in shapes and id(tensor) not in present:  # a tied weight shares a tensor
            raise InputError(param, "weights_missing_tensor", folder=folder, name=name)


def _torch_lab_module():
    import torch
    from huggingface_hub import PyTorchModelHubMixin

    class LabModule(DensityMixin, torch.nn.Module, PyTorchModelHubMixin):
        """Base class of genlab's neural lab models.

        Subclasses store their ``__init__`` keyword arguments (JSON-serialisable) and get
        ``save_pretrained(dir)`` / ``from_pretrained(dir)`` with config.json + model.safetensors.
        """

        def save_lab(self, path: str | Path, *, dtype=None) -> Path:
            """Save to ``path``; ``dtype=torch.float16`` halves the shipped size."""
            path = Path(path)
            if dtype is None:
                self.save_pretrained(path)
                return path
            original = next(self.parameters()).dtype
            try:
                self.to(dtype)
                self.save_pretrained(path)
            finally:
                self.to(original)
            return path

        @classmethod
        def load_lab(cls, path: str | Path, *, device: str = "cpu", param: str = "model"):
            """Load from a local folder in float32 and eval mode (no network); a folder that is
            missing, incomplete or inconsistent is an ``InputError`` naming ``param``."""
            path = Path(path)
            config = read_config(path, param=param)
            check_weights_fit(cls, config, weight_shapes(path / "model.safetensors", param=param),
                              path, param=param)
            # huggingface_hub prints a line to stdout on local loads; keep stdout for results
            # (``genlab eval ... --json`` must print JSON only)
            with contextlib.redirect_stdout(io.StringIO()):
                model = cls.from_pretrained(str(path), local_files_only=True)
            return model.float().to(device).eval()

    return LabModule


def __getattr__(name):  # torch is imported only when a neural model is needed
    if name == "LabModule":
        cls = _torch_lab_module()
        globals()["LabModule"] = cls
        return cls
    raise AttributeError(name)
