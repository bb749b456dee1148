"""genlab.compute.use_threads: a server's one setting for every thread pool of its process."""

import json
import subprocess
import sys


def test_use_threads_limits_torch_and_every_blas_and_openmp_pool():
    # In a fresh process: the limit is process-wide and would change this test process's threads.
    code = """
import json, numpy, sklearn.cluster, torch
from threadpoolctl import threadpool_info
from genlab.compute import use_threads
use_threads(1)
print(json.dumps({"torch": torch.get_num_threads(),
                  "pools": [(p["internal_api"], p["filepath"], p["num_threads"]) for p in threadpool_info()]}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["torch"] == 1
    assert seen["pools"], "threadpoolctl found no BLAS or OpenMP pool"
    assert all(threads == 1 for _, _, threads in seen["pools"]), seen["pools"]
