"""typer options built from a request's parameter declarations (``genlab.params``).

    @with_request(GanRequest, parse={"class_id": parse_class_option})
    def sample(request: GanRequest, out: Path = typer.Option(...)):
        result = pipeline.generate(request)

The command's options are the request's parameters (flag, default, help text in English with
the allowed range), followed by the command's own options (``--out``, ...). No range is given
to click: genlab's own check refuses a bad value and names the parameter, the same message the
app and the widgets show. A parameter whose default depends on the model (``PRESETS``) defaults
to None and is filled from the chosen model's preset.
"""

from __future__ import annotations

import functools
import inspect
import typing
from typing import Any, Callable, Optional

from genlab.errors import InputError
from genlab.i18n import Translator

ANNOTATIONS = {"int": int, "float": float, "text": str, "choice": str, "bool": bool, "seed": int, "table": str}


def preset_names(request_cls) -> set[str]:
    return {name for preset in request_cls.PRESETS.values() for name in preset}


def option_help(request_cls, name: str) -> str:
    p = request_cls.params()[name]
    tr = Translator(request_cls.SECTION, "en")
    parts = [tr.help(name) or tr.label(name)]
    if p.range_text():
        parts.append(f"Allowed: {p.range_text()}.")
    if name in preset_names(request_cls):
        others = ", ".join(f"{v[name]!r} for {m}" for m, v in request_cls.PRESETS.items() if name in v)
        parts.append(f"Default: {p.default!r}; {others}.")
    return " ".join(parts)


def request_parameters(request_cls, *, exclude=(), parse: dict | None = None) -> list[inspect.Parameter]:
    """One keyword parameter with a ``typer.Option`` default per declared request parameter."""
    import typer

    parse = parse or {}
    presets = preset_names(request_cls)
    out = []
    for name, p in request_cls.params().items():
        if name in exclude:
            continue
        annotation = str if name in parse else ANNOTATIONS[p.kind]
        default = None if name in presets else p.default
        if p.kind == "table" and default is not None:  # given as text: "1, 2; 3, 4"
            default = p.text(default)
        flags = [p.flag] + ([p.short] if p.short else [])
        if p.kind == "bool":
            flags = [f"{p.flag}/--no-{p.flag[2:]}"]
        option = typer.Option(default, *flags, help=option_help(request_cls, name),
                              show_default=default is not None)
        out.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option,
                                     annotation=Optional[annotation] if default is None else annotation))
    return out


def command_line(ctx, program: str = "genlab", **resolved) -> str:
    """The command that ``ctx`` (a ``typer.Context``) parsed, every option written out, defaults
    included, so that a model card names the command that reproduces its weights whatever
    options the command gains. ``program`` starts it (under torchrun: ``torchrun ... -m
    genlab.cli``); ``resolved`` gives what a value became (a random seed: the seed drawn). A flag
    is written when it differs from its default, an option left at None not at all. The weights
    are those of one uninterrupted run, so ``--resume`` is left out and said apart."""
    import shlex

    resumed = bool(ctx.params.get("resume"))
    resolved = {"resume": False, **resolved}

    names, parent = [], ctx
    while parent.parent is not None:  # the root's name is how it was started (``python -m ...``)
        names.insert(0, parent.info_name)
        parent = parent.parent
    words = [program, *names]
    for param in ctx.command.params:
        value = resolved.get(param.name, ctx.params[param.name])
        if value is None:
            continue
        flag = max(param.opts, key=len)
        if param.param_type_name == "argument":
            words.append(shlex.quote(str(value)))
        elif param.is_flag:
            if value != param.default:
                words.append(flag if value else param.secondary_opts[0])
        else:
            for item in value if param.multiple else [value]:
                words += [flag, shlex.quote(str(item))]
    return " ".join(words) + (" (resumed with --resume)" if resumed else "")


def as_flag_error(request_cls, err):
    """``err`` naming the option a user typed (``--data``) instead of the parameter (``data``);
    a table's cell keeps its place: ``--components[2, mean_y]``."""
    name, bracket, cell = err.param.partition("[")
    p = request_cls.params().get(name)
    if p is None:
        return err
    return InputError(p.flag + bracket + cell, err.code, **err.details)


def with_request(request_cls, *, exclude=(), parse: dict[str, Callable[[Any, dict], Any]] | None = None):
    """Give a command ``fn(request, **own)`` the request's parameters as its CLI options.

    ``parse[name](raw, raw_values)`` converts an option's text first (e.g. a class given by name).
    """
    parse = parse or {}

    def decorate(fn):
        hints = typing.get_type_hints(fn)  # resolves string annotations in fn's own module
        own = [p.replace(annotation=hints.get(p.name, p.annotation))
               for p in list(inspect.signature(fn).parameters.values())[1:]]
        declared = request_parameters(request_cls, exclude=exclude, parse=parse)
        names = {p.name for p in declared}

        @functools.wraps(fn)
        def command(**kwargs):
            raw = {k: kwargs.pop(k) for k in list(kwargs) if k in names}
            for name, convert in parse.items():
                if name in raw and raw[name] is not None:
                    raw[name] = convert(raw[name], raw)
            if "model" in request_cls.params():
                model = raw.pop("model", None) or request_cls.params()["model"].default
                request = request_cls.for_model(model, **raw)
            else:
                request = request_cls(**{k: v for k, v in raw.items() if v is not None})
            try:
                return fn(request, **kwargs)
            except InputError as err:
                raise as_flag_error(request_cls, err) from None

        del command.__wrapped__  # typer must read the signature below, not fn's
        parameters = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in declared + own]
        command.__signature__ = inspect.Signature(parameters)
        command.__annotations__ = {p.name: p.annotation for p in parameters}
        return command

    return decorate
