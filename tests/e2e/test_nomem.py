"""Out of memory at any allocation: every reading command says so in one line and exits 1,
and so does the recorder.

tests/fixtures/failmalloc.c (LD_PRELOAD) makes the Nth allocation of a run fail. Each command
below runs once per allocation it makes on a small sample trace, with that allocation
failing: it must not crash, must not blame the trace (an allocation that failed is not a
damaged block), and, unless the allocation it lost was one it could do without (exit 0 with
the whole output), must exit 1 with a message that says memory ran out.
"""
import os
import subprocess

import pytest

from conftest import REPO

# the plain build, also when the suite runs again under ASan: the preload replaces malloc,
# which ASan's runtime owns in the sanitized binary
EBREC = os.path.join(REPO, "build", "ebrec")
FAILMALLOC = os.environ.get("FAILMALLOC", os.path.join(REPO, "build", "tests", "failmalloc.so"))
SAMPLES = os.path.join(REPO, "samples")

COMMANDS = [
    ["report", "format-1.0/trace.ebr"],
    ["report", "format-1.0/trace.ebr", "biosnoop"],
    ["report", "format-1.2/trace.ebr", "runqlat", "--format", "json"],
    ["report", "format-1.1/trace.ebr", "opensnoop", "--format", "json"],
    ["report", "format-1.2/trace.ebr", "--format", "html"],
    ["info", "format-1.0/trace.ebr"],
    ["dump", "format-1.1/trace.ebr", "--json"],
    ["verify", "format-1.0/trace.ebr"],
    # the probes' own machinery, and their tracepoints' print formats (libtraceevent, whose
    # printer does not check every allocation: analyze/tpevent.c guards it)
    ["script", "format-1.4/trace.ebr", "-e", "u*"],
    ["script", "format-1.4/trace.ebr"],
    ["script", "format-1.4/trace.ebr", "--format", "json", "-e", "u*"],
    ["report", "format-1.4/trace.ebr"],
    ["diff", "format-1.2/trace.ebr", "format-1.2/trace.ebr"],
    ["diff", "format-1.1/trace.ebr", "format-1.1/trace.ebr", "--format", "json"],
    # the process table's cgroups, a filter by container and the cgroups view
    ["report", "format-1.5/trace.ebr", "cgroups", "--by-container", "--container", "5ab1"],
    ["report", "format-1.5/trace.ebr", "--format", "json"],
    # process titles: the process table's, tcplife's rows held until their owner exited
    ["report", "format-1.6/trace.ebr", "tcplife", "--format", "json"],
    # a program: its parse and check, maps of numbers and strings, output as events match
    ["query", "format-1.4/trace.ebr", "-e",
     'tracepoint:signal:signal_generate { @s[args.sig] = nsecs; @n[comm] = count(); } '
     'uretprobe:*:ebr_probe_name { @r = retval; printf("%d\\n", @r); } END { print(@n); }'],
]
OOM_WORDS = ("out of memory", "Cannot allocate memory")
BLAME_WORDS = ("does not decode", "damaged", "corrupt", "exceeds the format")


def run(args, **env):
    argv = [EBREC] + [os.path.join(SAMPLES, a) if a.endswith(".ebr") else a for a in args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, LD_PRELOAD=FAILMALLOC, **env))


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_every_allocation_failing_in_turn(args, tmp_path):
    every_allocation_failing_in_turn(args, tmp_path)


def every_allocation_failing_in_turn(args, tmp_path):
    """Runs args once per allocation it makes, that allocation failing (test_series.py's
    series too)."""
    count_file = tmp_path / "count"
    whole = run(args, EBREC_COUNT_ALLOC=str(count_file))
    assert whole.returncode == 0, whole.stderr
    calls = int(count_file.read_text())
    assert calls > 20, "the preload counted nothing: test is void"
    for n in range(1, calls + 1):
        p = run(args, EBREC_FAIL_ALLOC=str(n))
        where = f"{' '.join(args)}: allocation {n} of {calls} failing"
        assert p.returncode in (0, 1), (where, p.returncode, p.stderr[-500:])
        assert not any(w in p.stderr for w in BLAME_WORDS), (where, p.stderr[-500:])
        if p.returncode == 0:
            assert p.stdout == whole.stdout, where
            continue
        lines = [l for l in p.stderr.splitlines() if l.startswith("ebrec ")]
        assert lines and any(w in l for l in lines for w in OOM_WORDS), (where, p.stderr[-500:])


def test_the_recorder_says_when_memory_runs_out(live, tmp_path):
    """Memory runs out at allocations spread over a whole recording (options, libbpf's
    loading, the snapshots, the drain, the writer, the end): the recorder never crashes,
    and either records a trace that verifies or says in its last line that memory ran out."""
    trace = tmp_path / "t.ebr"
    args = ["record", "-f", "-o", str(trace), "-e", "proc,file", "-d", "0.2"]
    count_file = tmp_path / "count"
    whole = run(args, EBREC_COUNT_ALLOC=str(count_file))
    assert whole.returncode == 0, whole.stderr
    calls = int(count_file.read_text())
    assert calls > 1000, "the preload counted few allocations: test is void"
    tries = sorted({1 + i * (calls - 1) // 39 for i in range(40)})
    said = 0
    for n in tries:
        p = run(args, EBREC_FAIL_ALLOC=str(n))
        where = f"record: allocation {n} of {calls} failing"
        assert p.returncode in (0, 1), (where, p.returncode, p.stderr[-500:])
        if p.returncode == 0:
            assert subprocess.run([EBREC, "verify", str(trace)], capture_output=True,
                                  timeout=60).returncode == 0, where
            continue
        lines = [l for l in p.stderr.splitlines() if l.startswith("ebrec ")]
        assert lines and any(w in lines[-1] for w in OOM_WORDS), (where, p.stderr[-500:])
        said += 1
    assert said, "no failing allocation was said: the test did not reach the recorder's paths"


def test_redact_with_every_allocation_failing_in_turn(tmp_path):
    """redact of the generic probes' events, to a file of its own (not under samples/), the
    writer's compression tables included: zstd's failing allocation is memory, no bad input."""
    out = str(tmp_path / "redacted.out")
    every_allocation_failing_in_turn(["redact", "format-1.4/trace.ebr", "-o", out, "-f", "--all"],
                                     tmp_path)
