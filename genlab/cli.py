"""The ``genlab`` command line (the contract in DESIGN.md).

    genlab [--lang en|ru] COMMAND ...   (or GENLAB_LANG=ru: the language of every message)
    genlab serve [--host] [--port] [--lang en|ru] [--replicas N] [--limit NAME=VALUE]
    genlab train FAMILY ...     genlab sample FAMILY ...     genlab eval FAMILY ...
    genlab bench NAME [--json]  genlab verify FILE           genlab info

``train``, ``sample`` and ``eval`` have one sub-command per family, taken from the family's CLI
module (see ``genlab.registry``); a family that is not built yet says so and exits with code 2.
"""

from __future__ import annotations

import errno
import json
import sys
from pathlib import Path
from typing import NoReturn, Optional

import typer

from genlab.errors import InputError
from genlab.i18n import LANGS, Translator, format_error
from genlab.registry import FAMILIES, cli_module

app = typer.Typer(help="genlab: see, learn and use modern generative models.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
train_app = typer.Typer(help="Train a lab model of a family.", no_args_is_help=True)
sample_app = typer.Typer(help="Sample from a family's model and save the result with provenance.",
                         no_args_is_help=True)
eval_app = typer.Typer(help="Evaluate a family's model (metrics as text or --json).",
                       no_args_is_help=True)
app.add_typer(train_app, name="train")
app.add_typer(sample_app, name="sample")
app.add_typer(eval_app, name="eval")

VERBS = {"train": (train_app, "train"), "sample": (sample_app, "sample"), "eval": (eval_app, "evaluate")}


# The language of this invocation's messages, chosen by the app's callback (--lang, GENLAB_LANG)
# before any command runs: typer's way to hold a global option.
_messages = {"lang": "en"}

# The OS's own text (strerror) is English whatever the language: its common causes have templates.
OS_ERROR_CODES = {errno.ENOENT: "os_no_such_file", errno.EACCES: "os_permission", errno.EPERM: "os_permission",
                  errno.EISDIR: "os_is_folder", errno.ENOTDIR: "os_not_folder", errno.ENOSPC: "os_no_space"}


@app.callback()
def choose_language(ctx: typer.Context, lang: str = typer.Option(
        "en", "--lang", envvar="GENLAB_LANG", help=f"Language of the messages: {' or '.join(LANGS)} "
                                                   "(or set GENLAB_LANG).")):
    _messages["lang"] = checked_lang(lang)
    ctx.call_on_close(lambda: _messages.update(lang="en"))  # the next invocation (a test's) starts afresh


def checked_lang(lang: str | None) -> str:
    """``lang``, or the CLI's language when a command's own --lang is not given."""
    lang = lang or _messages["lang"]
    if lang not in LANGS:
        fail("--lang", "not_choice", value=repr(lang), choices=", ".join(LANGS))
    return lang


def fail(param: str, code: str, **details) -> NoReturn:
    """One line ``error: ...``, the template ``code`` of errors.json in the CLI's language; exit code 2."""
    message = format_error(param, code, details, _messages["lang"])
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


def built_families(verb_function: str) -> list[str]:
    return [name for name in FAMILIES
            if (m := cli_module(name)) is not None and hasattr(m, verb_function)]


def _not_built_command(verb: str, family: str, function: str):
    def command():
        fail(f"'genlab {verb} {family}'", "family_not_built", family=family, verb=verb,
             available=", ".join(built_families(function)) or "-")
    command.__doc__ = f"(not built yet) {family}."
    return command


def _with_user_errors(fn, writes_out: bool = False):
    """Turn a user's mistake into one line ``error: ...`` naming the option, exit code 2; decide
    whether the command may download (its --allow-download) before any pretrained library is
    imported. Anything else is genlab's own bug and keeps its traceback."""
    import functools

    from genlab import downloads

    flags = _option_flags(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from genlab.provenance import writable_path

        downloads.configure(bool(kwargs.get("allow_download") or kwargs.get("allow_downloads")))
        try:
            if writes_out and isinstance(kwargs.get("out"), Path):
                writable_path(kwargs["out"])  # a missing folder is said before the work, not after
            return fn(*args, **kwargs)
        except InputError as err:
            flag = flags.get(err.param.lstrip("-").replace("-", "_"))
            fail(flag or err.param, err.code, **err.details)
        except OSError as err:  # a file the user named, read or written by a library genlab calls
            if err.filename is None:
                raise
            fail(str(err.filename), OS_ERROR_CODES.get(err.errno, "os_error"),
                 reason=err.strerror or type(err).__name__)
    return wrapper


def _option_flags(fn) -> dict[str, str]:
    """How the command's options are typed (``{"out": "--out", "class_id": "--class"}``), so an
    error about a library's parameter names the option the user gave."""
    import inspect

    from typer.models import OptionInfo

    flags = {}
    for name, parameter in inspect.signature(fn).parameters.items():
        if not isinstance(parameter.default, OptionInfo):
            continue
        decls = [d.split("/")[0] for d in parameter.default.param_decls or ()]
        flag = next((d for d in decls if d.startswith("--")), "--" + name.replace("_", "-"))
        for key in (name, *(d.lstrip("-").replace("-", "_") for d in decls)):
            flags[key] = flag
    return flags


def _register_families() -> None:
    for verb, (group, function) in VERBS.items():
        for name in FAMILIES:
            module = cli_module(name)
            fn = getattr(module, function, None) if module else None
            if fn is None:
                group.command(name)(_not_built_command(verb, name, function))
            else:
                group.command(name)(_with_user_errors(fn, writes_out=verb == "sample"))


@app.command()
@_with_user_errors
def serve(host: str = typer.Option("127.0.0.1", help="Address to listen on: 127.0.0.1 is this "
                                                     "machine only; 0.0.0.0 is every network."),
          port: int = typer.Option(7860, min=1, max=65535, help="Port to listen on."),
          lang: Optional[str] = typer.Option(None, help="Default interface language: en or ru "
                                             "(default: the language of the messages)."),
          replicas: int = typer.Option(1, min=1, max=64, help="Run this many replicas on the ports "
                                       "after --port, behind nginx on --port (needs nginx)."),
          limit: list[str] = typer.Option([], help="Override a queue limit of genlab.limits, "
                                          "e.g. --limit heavy_jobs=4 (repeatable)."),
          auth: Optional[list[str]] = typer.Option(
              None, help="USER:PASSWORD that must log in to use the app (repeat for several users; "
                         "or set GENLAB_AUTH=user1:pw1,user2:pw2)."),
          allow_downloads: bool = typer.Option(
              False, "--allow-downloads", help="Let the server download pretrained models from the "
                                               "Hugging Face hub. Off: only models already on this "
                                               "machine load, and no visitor can turn it on.")):
    """Start the web app on the shipped lab models (for a class: --host, --auth)."""
    import os

    from genlab.app import exposure_warning, parse_auth
    from genlab.limits import queue_limits, replica_overrides

    lang = checked_lang(lang)
    queue = queue_limits(limit)
    users = parse_auth(auth, os.environ.get("GENLAB_AUTH"))
    if replicas > 1:  # nginx listens on --host (one replica says it itself: genlab.app.serve)
        warning = exposure_warning(host, users, allow_downloads, _messages["lang"])
        if warning:
            typer.echo(warning, err=True)
        from genlab.app.replicas import serve_class

        if users:  # to the replicas through their environment, not their (visible) arguments
            os.environ["GENLAB_AUTH"] = ",".join(f"{u}:{p}" for u, p in users)
        os.environ["GENLAB_LANG"] = _messages["lang"]  # the replicas' own messages, in this language
        per_replica = replica_overrides(limit, replicas)
        if per_replica != list(limit):
            typer.echo(Translator("app", _messages["lang"])("replica_limit", limit=per_replica[-1]), err=True)
        serve_class(replicas, host, port, lang, [a for item in per_replica for a in ("--limit", item)]
                    + (["--allow-downloads"] if allow_downloads else []))
        return
    from genlab.app import serve as run_server

    run_server(host=host, port=port, lang=lang, queue=queue, auth=users, allow_downloads=allow_downloads)


@app.command()
def bench(name: str = typer.Argument(..., help="Benchmark name: benchmarks/bench_NAME.py."),
          as_json: bool = typer.Option(False, "--json", help="Print results as JSON.")):
    """Run a benchmark from the repository's benchmarks/ folder."""
    import runpy

    folder = Path(__file__).resolve().parent.parent / "benchmarks"
    available = sorted(p.stem.removeprefix("bench_") for p in folder.glob("bench_*.py"))
    script = folder / f"bench_{name}.py"
    if not script.is_file():
        fail("NAME", "no_benchmark", name=repr(name), available=", ".join(available) or "-")
    sys.argv = [str(script)] + (["--json"] if as_json else [])
    runpy.run_path(str(script), run_name="__main__")


@app.command()
def verify(file: Path = typer.Argument(..., help="A PNG, WAV/FLAC, JSON, text or .npy file (its record in FILE.npy.json)."),
           lang: Optional[str] = typer.Option(None, help="Language of the verdict line: en or ru "
                                              "(default: the language of the messages).")):
    """Report the provenance (metadata and watermark) of a file, or that none is found: a one-line
    verdict, then the whole report as JSON."""
    from genlab.provenance import verify_report
    from genlab.sections.ethics import verdict_line

    lang = checked_lang(lang)
    if not file.is_file():
        fail("FILE", "no_such_file", name=str(file))
    report = verify_report(file)
    typer.echo(verdict_line(report, lang))
    typer.echo(json.dumps(report, indent=2, ensure_ascii=False))


@app.command()
def info(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")):
    """Versions, the compute device, and which lab and pretrained models are available."""
    from genlab.info import collect

    facts = collect()
    if as_json:
        typer.echo(json.dumps(facts, indent=2))
        return
    typer.echo(f"genlab {facts['genlab']}  python {facts['python']}  device: {facts['device']}")
    typer.echo("packages: " + ", ".join(f"{k} {v}" for k, v in facts["packages"].items()))
    typer.echo("lab models (shipped): " + (", ".join(facts["lab_models"]) or "none"))
    typer.echo("families:")
    for name, fam in facts["families"].items():
        status = "built" if fam["built"] else "not built yet"
        typer.echo(f"  {name:15s} {fam['taxonomy']:26s} {status}")
        for model_id, where in fam["pretrained"].items():
            typer.echo(f"      pretrained {model_id}: {where}")


_register_families()


def main() -> None:
    """Run the CLI; a malformed command line is one line ``error: ...`` and exit code 2."""
    try:
        code = app(standalone_mode=False)
    except typer.Exit as err:
        sys.exit(err.exit_code)
    except typer.Abort:
        typer.secho("error: aborted", fg=typer.colors.RED, err=True)
        sys.exit(1)
    except Exception as err:  # noqa: BLE001 - click's usage errors (typer vendors click)
        if not (callable(getattr(err, "format_message", None)) and getattr(err, "exit_code", None) == 2):
            raise
        if type(err).__name__ == "NoArgsIsHelpError":
            err.show()
            sys.exit(0)
        ctx = getattr(err, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        message = " ".join(err.format_message().split())
        typer.secho(f"error: {message}{hint}", fg=typer.colors.RED, err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
