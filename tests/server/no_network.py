"""Run ``genlab ARGS...`` with every connection and name lookup refused and recorded.

    python no_network.py RECORD.json ARGS...

The socket functions are replaced before genlab or any library is imported; RECORD.json gets
the attempts. For ``serve`` the app and uvicorn are replaced by the loads a visitor triggers (the
diffusion tab's SDXL and the text tab's Qwen), so the server's own order of setup is what runs.
"""

import atexit
import json
import socket
import sys

attempts = []


def refuse(*args, **kwargs):
    attempts.append(repr(args[:2])[:200])
    raise OSError("this test allows no network")


socket.getaddrinfo = refuse
socket.gethostbyname = refuse
socket.create_connection = refuse
socket.socket.connect = lambda self, *args: refuse(*args)
socket.socket.connect_ex = lambda self, *args: refuse(*args)
record, args = sys.argv[1], sys.argv[2:]
atexit.register(lambda: open(record, "w").write(json.dumps(attempts)))

if args[0] == "serve":
    import uvicorn

    import genlab.app

    def visitor_loads(app, **kwargs):
        from genlab.families.diffusion.pipeline import SDXL
        from genlab.sections import autoregressive, diffusion

        diffusion.generate(SDXL, prompt="a red square", size="64x64", nfe=5, n=1, spacing="leading", seed=0)
        autoregressive.score_statements("Qwen/Qwen3-VL-2B-Instruct", "The sun is hot.", "The sun is cold.")
        print("visitor loads done", flush=True)

    genlab.app.create_app = lambda *args, **kwargs: None
    uvicorn.run = visitor_loads

from genlab.cli import main  # noqa: E402

sys.argv = ["genlab", *args]
main()
