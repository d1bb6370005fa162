"""Runs a command and says on stderr how long it took: the workload's own wall time, apart
from the tracer's start and end."""
import subprocess
import sys
import time

t0 = time.monotonic()
rc = subprocess.call(sys.argv[1:])
print(f"ebrec-bench wall: {time.monotonic() - t0:.6f}", file=sys.stderr, flush=True)
sys.exit(rc)
