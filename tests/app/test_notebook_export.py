"""Every output can be taken home as a notebook: the notebook exported from a request runs in a
fresh Python and gives the same picture, bit for bit (seeded), as the pipeline gave the view."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from test_params_views import REQUESTS

from genlab.notebook import request_notebook

EXPORTABLE = [cls for cls in REQUESTS if getattr(cls, "PIPELINE", None)]


def picture(shown) -> np.ndarray | str:
    """What ``result.show()`` displays, as something comparable: pixels, or text (a plotly figure:
    its JSON, every trace and layout value the browser draws)."""
    if isinstance(shown, str):
        return shown
    if hasattr(shown, "to_plotly_json"):
        return shown.to_json()
    if hasattr(shown, "savefig"):  # a matplotlib figure
        import io

        from PIL import Image

        buf = io.BytesIO()
        shown.savefig(buf, format="png")
        return np.asarray(Image.open(buf))
    return np.asarray(shown)


def run_pipeline(request):
    import importlib

    module = importlib.import_module(type(request).__module__)
    return getattr(module, type(request).PIPELINE)(request)


@pytest.mark.parametrize("request_cls", EXPORTABLE, ids=lambda c: c.__name__)
def test_exported_notebook_reproduces_the_output(request_cls, tmp_path):
    request = request_cls(**({"seed": 1234} if "seed" in request_cls.params() else {}))
    result = run_pipeline(request)
    nb = request_notebook(result.request, provenance=result.provenance)
    assert nb.metadata["genlab"]["seed"] == result.provenance["seed"]
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    script = tmp_path / "notebook.py"
    script.write_text(code.replace("result.show()", "shown = result.show()") + "\n"
                      "import json, sys, numpy as np\n"
                      "sys.path.insert(0, %r)\n"
                      "from test_notebook_export import picture\n"
                      "p = picture(shown)\n"
                      "np.save(%r, p) if not isinstance(p, str) else open(%r, 'w').write(json.dumps(p))\n"
                      % (str(__import__('pathlib').Path(__file__).parent), str(tmp_path / "p.npy"),
                         str(tmp_path / "p.json")))
    # the same number of threads as this process: a convolution's sums (oneDNN) are split per thread,
    # so another count changes the last float bit (the test suite runs on one thread, a kernel on all)
    env = {**os.environ, "OMP_NUM_THREADS": str(torch.get_num_threads())}
    subprocess.run([sys.executable, str(script)], check=True, cwd=tmp_path, timeout=600, env=env)
    expected = picture(result.show())
    if isinstance(expected, str):
        assert json.loads((tmp_path / "p.json").read_text()) == expected
    else:
        np.testing.assert_array_equal(np.load(tmp_path / "p.npy"), expected)
