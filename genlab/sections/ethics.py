"""The Ethics section's handlers (no UI): what the Ethics tab, ``genlab.widgets.ethics()`` and
``genlab verify`` call.

- ``run_bias``: the bias experiment (``genlab.ethics.pipeline``) — its figure, the table's rows,
  the summary, a JSON file of the numbers with provenance and a notebook that reproduces it.
- ``verify`` / ``make_example``: a file's provenance (``genlab.provenance.verify_report``) with
  its typed verdict put into words in the page's language (``verdict_text``).
"""

from __future__ import annotations

from pathlib import Path

from genlab.ethics import pipeline
from genlab.ethics.pipeline import BiasRequest
from genlab.i18n import Translator
from genlab.sections import output_path, save_result_notebook

SECTION = "ethics"
COLUMNS = ("col_remedy", "col_freq", "col_ll", "col_lost", "col_ll_a", "col_ll_b", "col_cost")


# ---------------------------------------------------------------- the bias experiment

def table_headers(lang: str = "en") -> list[str]:
    tr = Translator(SECTION, lang)
    return [tr(key) for key in COLUMNS]


def describe_cost(cost: dict, lang: str = "en") -> str:
    """A remedy's extra cost (``RemedyResult.cost``) in words."""
    fields = {k: v for k, v in cost.items() if k != "kind"}
    return Translator(SECTION, lang)(f"cost_{cost['kind']}", **fields)


def bias_rows(result, lang: str = "en") -> list[list]:
    """One row per remedy, in the order of ``table_headers``."""
    tr = Translator(SECTION, lang)
    return [[tr(f"remedy_{r.remedy}"), round(r.freq_b, 3), round(r.ll_original, 3), round(result.fit_lost(r.remedy), 3),
             round(r.ll_a, 3), round(r.ll_b, 3), describe_cost(r.cost, lang)]
            for r in result.experiment.results.values()]


def bias_summary(result, lang: str = "en") -> str:
    exp, r = result.experiment, result.request
    return Translator(SECTION, lang)("summary", data=exp.data_freq_b, none=exp.results["none"].freq_b,
                                     target=r.target, price=exp.price, p=r.minority)


def run_bias(model, minority, target, n_train, n_test, n_samples, n_components, flow_steps, seed,
             lang: str = "en"):
    """(figure, table rows, summary markdown, results JSON path, notebook path) for the controls'
    values (the parameters of ``BiasRequest``, by name in the web API)."""
    from genlab.provenance import save_json

    result = pipeline.experiment(BiasRequest(
        model=model, minority=minority, target=target, n_train=n_train, n_test=n_test, n_samples=n_samples,
        n_components=n_components, flow_steps=flow_steps, seed=seed, lang=lang))
    exp = result.experiment
    numbers = save_json({"data_freq_b": exp.data_freq_b, "ll_true": exp.ll_true, "price": exp.price,
                         "remedies": result.table()}, output_path("bias_experiment.json"), result.provenance)
    return (result.show(), bias_rows(result, lang), bias_summary(result, lang), str(numbers),
            save_result_notebook(result, f"bias-{result.request.model}-seed{result.request.seed}", lang))


# ---------------------------------------------------------------- provenance

def _watermark_detail(mark: dict, tr) -> str:
    parts = [mark.get("method", "")]
    if mark.get("matching_bits") is not None:
        parts.append(tr("watermark_bits", matching=mark["matching_bits"], total=mark["n_bits"]))
    if mark.get("z_score") is not None:
        parts.append(f"z = {mark['z_score']}")
    return ", ".join(p for p in parts if p)


def verdict_text(report: dict, lang: str = "en") -> str:
    """``verify_report``'s verdict as markdown in ``lang``: the verdict line first, then the record,
    a mismatch and the C2PA manifest's state when there are any."""
    from genlab.provenance import Verdict

    tr = Translator(SECTION, lang)
    verdict, mark = Verdict(report["provenance"]), report["watermark"]
    detail = _watermark_detail(mark, tr)
    in_brackets = tr("mark_detail", detail=detail) if mark.get("checked") and detail else ""
    if verdict is Verdict.METADATA:
        which = "mark_yes" if mark.get("detected") else "mark_no"
        lines = [tr("verdict_metadata", mark=tr(which, detail=detail) if mark.get("checked") else "")]
        rec = report["record"]
        lines.append(tr("record", generator=rec.get("generator"), version=rec.get("genlab_version"),
                        model=rec.get("model"), seed=rec.get("seed"), created=rec.get("created")))
    else:
        lines = [tr(f"verdict_{verdict.code}", detail=in_brackets)]
    if report.get("warning"):
        from genlab.provenance import Mismatch

        lines.append(tr(f"mismatch_{Mismatch(report['warning']).code}"))
    signed = report.get("c2pa") or {}
    if signed.get("found"):
        lines.append(tr("c2pa_line", state=signed.get("validation_state"),
                        ai=tr("c2pa_ai") if signed.get("ai_generated") else ""))
    return "\n\n".join(lines)


def verdict_line(report: dict, lang: str = "en") -> str:
    """The verdict in one line of plain text (``genlab verify`` prints it before the JSON)."""
    return verdict_text(report, lang).split("\n\n", 1)[0].replace("**", "")


def verify(path, lang: str = "en"):
    """(verdict markdown, report) for an uploaded file's path; ``InputError`` names ``file``."""
    from genlab import limits
    from genlab.errors import InputError
    from genlab.provenance import verify_report

    if not path:
        raise InputError("file", "no_file")
    path = Path(path)
    if not path.is_file():
        raise InputError("file", "bad_file", reason="no such file")
    size_mb = path.stat().st_size / 1e6
    if size_mb > limits.MAX_UPLOAD_MB:
        raise InputError("file", "file_too_large", size_mb=size_mb, limit_mb=limits.MAX_UPLOAD_MB)
    report = verify_report(path)
    return verdict_text(report, lang), {**report, "file": path.name}


def make_example(seed: int = 0, lang: str = "en"):
    """A 512x512 genlab-stamped PNG (points of the bias experiment's data) and its verification:
    (path, verdict markdown, report)."""
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    from genlab.errors import check_seed
    from genlab.ethics.bias import group_of, make_data
    from genlab.ethics.plots import group_scatter
    from genlab.provenance import record, save_image
    from genlab.seeding import numpy_rng

    seed = check_seed("seed", seed)
    x, _ = make_data(1500, 0.1, numpy_rng(seed))
    fig = group_scatter(x, group_of(x))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    buf.seek(0)
    image = Image.open(buf).convert("RGB").resize((512, 512))
    out = save_image(image, output_path("genlab_example.png"),
                     record(model="bias-experiment/data", seed=seed, params={"points": 1500, "minority": 0.1},
                            kind="ethics.example"))
    summary, report = verify(out, lang)
    return str(out), summary, report
