"""Every user-facing parameter declared once, on the typed request that carries it.

A family's request is a frozen dataclass whose fields are declared with ``param(...)``: the
default, the range or the choices, how the views show it. Its label and help text live in the
locale files (``genlab/locale/<lang>/<section>.json``, under ``params``). From that one
declaration come the request's validation (``Request.checked()``), the CLI's typer options
(``genlab.cli_options``), the web app's Gradio controls (``genlab.app.controls``) and the
Jupyter widgets (``genlab.widgets.controls``) — the way scikit-learn declares
``_parameter_constraints`` once and validates from them.

    @dataclass(frozen=True)
    class GanRequest(Request):
        SECTION: ClassVar[str] = "gan"
        truncation: float = param(0.4, low=0.0, high=1.0, low_open=True, step=0.05)
        seed: int = param(-1, kind="seed")

    request = GanRequest(truncation=0.5).checked()   # InputError names the parameter and its range

A ``table`` parameter (``param(rows, columns=(...), min_rows=..., max_rows=...)``) is one value
made of rows of numbers — a mixture's editable components, say: a Dataframe in the web app, a
text box in a widget, ``"1, 2; 3, 4"`` on the command line.

``PRESETS`` gives other defaults per model (the lecture's own values for its pretrained models);
``Request.for_model(model, **values)`` applies them.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

from genlab.errors import check_choice, check_int, check_number, check_seed, check_text, InputError

KINDS = ("int", "float", "choice", "text", "bool", "seed", "table")
CONTROLS = ("slider", "number", "dropdown", "radio", "textbox", "checkbox", "dataframe")


@dataclass(frozen=True)
class Param:
    """One parameter: its name, kind, default and constraints, and how views show it."""

    name: str
    kind: str                       # one of KINDS
    default: Any
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    step: float | None = None       # a slider's step (views only; the check does not round)
    choices: tuple = ()             # for "choice": the allowed values
    open_choice: bool = False       # "choice" that also accepts any other text (a folder, a hub id)
    open_text: str = "range_or_folder"  # for open_choice: the common.json key saying what else is taken
    max_chars: int | None = None    # for "text"
    lines: int = 1                  # for "text": rows of the text box
    control: str | None = None      # force a control (see CONTROLS); None: chosen from the kind
    cli: str | None = None          # the CLI flag; None: "--" + name with dashes
    short: str | None = None        # a short CLI flag, e.g. "-n"
    allow_empty: bool = False       # for "text": the empty string is a valid value
    columns: tuple = ()             # for "table": the column names (labels: params.<name>.columns)
    min_rows: int = 1               # for "table"
    max_rows: int | None = None     # for "table"

    @property
    def flag(self) -> str:
        return self.cli or "--" + self.name.replace("_", "-")

    @property
    def bounded(self) -> bool:
        return self.low is not None and self.high is not None

    @property
    def view_control(self) -> str:
        """The control a view shows for this parameter."""
        if self.control:
            return self.control
        if self.kind == "bool":
            return "checkbox"
        if self.kind == "choice":
            return "dropdown" if len(self.choices) > 4 or self.open_choice else "radio"
        if self.kind == "text":
            return "textbox"
        if self.kind == "table":
            return "dataframe"
        if self.kind in ("int", "float") and self.bounded:
            return "slider"
        return "number"

    def check(self, value: Any) -> Any:
        """``value`` validated and converted, or ``InputError`` naming the parameter."""
        if self.kind == "int":
            return check_int(self.name, value, self.low, self.high)
        if self.kind == "float":
            return float(check_number(self.name, value, self.low, self.high,
                                      lo_open=self.low_open, hi_open=self.high_open))
        if self.kind == "seed":
            checked = check_seed(self.name, value)
            return -1 if checked is None else checked
        if self.kind == "choice":
            if self.open_choice and isinstance(value, str) and value.strip():
                return value.strip()
            return check_choice(self.name, value, self.choices)
        if self.kind == "text":
            if self.allow_empty and value == "":
                return value
            return check_text(self.name, value, max_chars=self.max_chars)
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise InputError(self.name, "not_bool", value=repr(value))
            return value
        if self.kind == "table":
            return self._check_table(value)
        raise AssertionError(f"unknown kind {self.kind!r}")

    def _check_table(self, value: Any) -> tuple[tuple[float, ...], ...]:
        """A table (rows of numbers) as a tuple of tuples of floats.

        Accepts what each view holds: rows (lists, tuples, a NumPy array), a pandas DataFrame
        (Gradio's Dataframe), the dict a Gradio Dataframe is built from, or text with one row per
        line (or separated by ";") and the cells separated by "," (a widget's text box, the CLI).
        """
        if isinstance(value, dict):
            value = value.get("data")
        if isinstance(value, str):
            value = [[cell.strip() for cell in row.split(",")]
                     for row in value.replace(";", "\n").splitlines() if row.strip()]
        if hasattr(value, "columns") and hasattr(value, "to_numpy"):  # a DataFrame
            value = value.to_numpy().tolist()
        try:
            rows = [list(row) for row in value]
        except TypeError:
            raise InputError(self.name, "not_array") from None
        low, high = self.min_rows, self.max_rows
        if len(rows) < low or (high is not None and len(rows) > high):
            raise InputError(self.name, "table_rows", got=len(rows), interval=self._rows_text())
        width = len(self.columns)
        for row in rows:
            if len(row) != width:
                raise InputError(self.name, "bad_shape", expected=f"(rows, {width})", got=f"a row of {len(row)}")
        return tuple(tuple(float(check_number(f"{self.name}[{i + 1}, {column}]", None if cell == "" else cell))
                           for cell, column in zip(row, self.columns)) for i, row in enumerate(rows))

    def _rows_text(self) -> str:
        return f"[{self.min_rows}, {'inf' if self.max_rows is None else self.max_rows}]"

    def text(self, value: Any, row_separator: str = "; ") -> str:
        """A table as text that ``check`` reads back: cells joined by ", ", rows by ``row_separator``."""
        return row_separator.join(", ".join(map(repr, row)) for row in self.check(value))

    def column_labels(self, tr) -> list[str]:
        """A table's column headers, from ``params.<name>.columns`` in the locale file."""
        labels = (tr.param_texts.get(self.name) or {}).get("columns", {})
        return [labels.get(c, c) for c in self.columns]

    def slider_bounds(self) -> tuple[float, float, float]:
        """(minimum, maximum, step) of a slider that can only show allowed values."""
        step = self.step or (1 if self.kind == "int" else (self.high - self.low) / 100)
        low = self.low + step if self.low_open else self.low
        high = self.high - step if self.high_open else self.high
        return low, high, step

    def info(self, tr, *, with_range: bool) -> str | None:
        """The help text a view shows (``tr``: a ``genlab.i18n.Translator`` of the section)."""
        text = tr.help(self.name)
        allowed = self.range_text(tr.lang)
        if with_range and allowed:
            text = f"{text} ({allowed})" if text else allowed
        return text or None

    def choice_pairs(self, tr) -> list[tuple[str, Any]]:
        """(label, value) per choice; labels from ``params.<name>.choices`` in the locale file."""
        labels = (tr.param_texts.get(self.name) or {}).get("choices", {})
        return [(labels.get(str(c), str(c)), c) for c in self.choices]

    def choice_label(self, value, tr) -> str:
        """The label of one choice (as the views show it), e.g. in a status line."""
        return next((label for label, c in self.choice_pairs(tr) if c == value), str(value))

    def range_text(self, lang: str = "en") -> str:
        """The allowed values, as the help texts and errors write them (words from common.json)."""
        from genlab.i18n import Translator

        tr = Translator("common", lang)
        if self.kind == "seed":
            return tr("range_seed")
        if self.kind == "choice":
            return ", ".join(map(str, self.choices)) + (tr(self.open_text) if self.open_choice else "")
        if self.kind in ("int", "float") and (self.low is not None or self.high is not None):
            def show(v):
                return "inf" if v is None or math.isinf(v) else f"{v:g}"
            left = "(" if self.low_open else "["
            right = ")" if self.high_open else "]"
            return f"{left}{show(self.low)}, {show(self.high)}{right}"
        if self.kind == "text" and self.max_chars:
            return tr("range_chars", n=self.max_chars)
        if self.kind == "table":
            return tr("range_table", rows=self._rows_text(), n=len(self.columns), columns=", ".join(self.columns))
        return ""


def param(default: Any, *, kind: str | None = None, **spec) -> Any:
    """Declare a request field as a parameter (see ``Param`` for the keywords)."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if spec.get("control") not in (None, *CONTROLS):
        raise ValueError(f"control must be one of {CONTROLS}, got {spec['control']!r}")
    for name in ("choices", "columns"):
        if name in spec:
            spec[name] = tuple(spec[name])
    return field(default=default, metadata={"param": {"kind": kind, **spec}})


def _kind_of(annotation: Any, spec: dict) -> str:
    if spec.get("kind"):
        return spec["kind"]
    if spec.get("choices"):
        return "choice"
    if spec.get("columns"):
        return "table"
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    for name, kind in (("bool", "bool"), ("int", "int"), ("float", "float"), ("str", "text")):
        if text.split("|")[0].strip() == name:
            return kind
    raise TypeError(f"cannot tell the kind of a parameter annotated {annotation!r}: pass kind=")


class Request:
    """Base of every family's typed request (a frozen dataclass with ``param`` fields).

    Subclasses set ``SECTION`` (the locale file of their labels and help) and may set ``PRESETS``
    (defaults per model) and override ``validate`` for checks that involve several fields.
    """

    SECTION: ClassVar[str] = ""
    PRESETS: ClassVar[dict[str, dict[str, Any]]] = {}

    @classmethod
    def params(cls) -> dict[str, Param]:
        """The declared parameters, in field order."""
        out = {}
        for f in dataclasses.fields(cls):
            spec = dict(f.metadata.get("param", {}))
            if not spec and "param" not in f.metadata:
                continue
            kind = _kind_of(f.type, spec)
            spec.pop("kind", None)
            out[f.name] = Param(name=f.name, kind=kind, default=f.default, **spec)
        return out

    @classmethod
    def control_names(cls) -> list[str]:
        """The parameters a web tab or widget shows as controls: all but ``lang`` (a request's
        language of figures and texts follows the page; the CLI offers it as ``--lang``)."""
        return [name for name in cls.params() if name != "lang"]

    @classmethod
    def defaults(cls, model: str | None = None) -> dict[str, Any]:
        """Every parameter's default, with ``model``'s preset applied."""
        values = {name: p.default for name, p in cls.params().items()}
        values.update(cls.PRESETS.get(model, {}) if model is not None else {})
        return values

    @classmethod
    def for_model(cls, model: str, **values):
        """A request for ``model``: its preset defaults, then the values given (None = default)."""
        given = {k: v for k, v in values.items() if v is not None}
        return cls(**{**cls.defaults(model), "model": model, **given})

    def checked(self):
        """This request validated (``InputError`` names the parameter); a seed of -1 is drawn."""
        from genlab.seeding import resolve_seed

        values = {name: p.check(getattr(self, name)) for name, p in self.params().items()}
        for name, p in self.params().items():
            if p.kind == "seed":
                values[name] = resolve_seed(values[name])
        request = dataclasses.replace(self, **values)
        request.validate()
        return request

    def validate(self) -> None:
        """Checks across fields (e.g. a class index against the chosen model); raise InputError."""

    def values(self) -> dict[str, Any]:
        """The parameters as a plain dict (what provenance records and notebooks rebuild)."""
        return {name: getattr(self, name) for name in self.params()}

    def provenance(self, *, model: str, kind: str, revision: str | None = None, seed: int | None = None,
                   **extra) -> dict:
        """The provenance record of an output made from this request."""
        from genlab.provenance import record

        seed = getattr(self, "seed", None) if seed is None else seed
        return record(model=model, seed=seed, revision=revision, kind=kind,
                      params={**self.values(), **extra}, request=type(self).__module__ + "." + type(self).__qualname__)


@dataclass
class Result:
    """What a pipeline returns: the checked request it ran and the provenance of its output."""

    request: Request
    provenance: dict
