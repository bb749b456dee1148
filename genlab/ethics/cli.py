"""``python -m genlab.ethics.cli``: the bias experiment from the command line.

    python -m genlab.ethics.cli --model flow --minority 0.1 --target 0.5 --notebook bias.ipynb

The options are ``BiasRequest``'s parameters (``genlab.cli_options``); it prints the summary and a
markdown table of the remedies (``--json``: the numbers as JSON).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from genlab.cli_options import with_request
from genlab.ethics.pipeline import BiasRequest

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                  help="The bias-replication experiment: a model replicates its data's group frequency; "
                       "each remedy moves it to a target, at a price in fit.")


@app.command()
@with_request(BiasRequest)
def bias(request: BiasRequest,
         notebook: Optional[Path] = typer.Option(None, help="Also write a notebook that reproduces the figure."),
         as_json: bool = typer.Option(False, "--json", help="Print the numbers as JSON.")):
    """Run the experiment and print what each remedy does to the rare group's frequency and the fit."""
    from genlab.ethics import pipeline
    from genlab.sections.ethics import bias_rows, bias_summary, table_headers

    result = pipeline.experiment(request)
    if notebook is not None:
        from genlab.notebook import save_notebook

        save_notebook(result.request, notebook, provenance=result.provenance, lang=result.request.lang)
    if as_json:
        typer.echo(json.dumps({"provenance": result.provenance, "remedies": result.table()}, indent=2))
        return
    lang = result.request.lang
    typer.echo(bias_summary(result, lang).replace("**", ""))
    headers = table_headers(lang)
    typer.echo("| " + " | ".join(headers) + " |\n|" + "---|" * len(headers))
    for row in bias_rows(result, lang):
        typer.echo("| " + " | ".join(map(str, row)) + " |")


def main() -> None:
    """Run the command; a bad option is one line ``error: ...`` naming it, exit code 2."""
    from genlab.errors import InputError

    try:
        app()
    except InputError as err:
        typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
