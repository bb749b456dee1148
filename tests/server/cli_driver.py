"""Run many ``genlab`` command lines in one Python process, each as ``genlab.cli.main()`` with
its own ``sys.argv``, and print what each wrote and its exit code as JSON.

    python cli_driver.py < commands.json      (a list of argument lists)

One interpreter start instead of one per command line keeps the malformed-invocation test fast.
An exception that escapes ``main()`` is printed with its traceback to that command's stderr, as
Python would print it, with exit code 1.
"""

import contextlib
import io
import json
import sys
import traceback

from genlab.cli import main

results = []
for args in json.load(sys.stdin):
    out, err = io.StringIO(), io.StringIO()
    sys.argv = ["genlab", *args]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        except BaseException:  # noqa: BLE001 - what the test looks for: a traceback
            traceback.print_exc()
            code = 1
    results.append({"args": args, "returncode": code, "stdout": out.getvalue(), "stderr": err.getvalue()})
print(json.dumps(results))
