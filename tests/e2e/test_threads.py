"""The reading commands decode a trace on every CPU they may use (ebrec-report(1) --threads):
what they write is the same byte for byte as on one thread, for every view and format, and
for the commands without the option (dump, export, query) under one CPU (taskset)."""
import collections
import json
import os
import re
import subprocess
import time

import pytest

from conftest import EBREC, ebrec, require_live, workload
from test_docs import report_views


@pytest.fixture(scope="module")
def storm(tmp_path_factory):
    """A recording of several hundred thousand events in many blocks: opens, context
    switches, processes and CPU samples."""
    require_live()
    trace = str(tmp_path_factory.mktemp("threads") / "storm.ebr")
    files = workload("ebr-files")
    ebrec("record", "-e", "default,file,sched,offcpu", "-F", "499", "-o", trace, "--",
          "sh", "-c", f"{files} open 150000 50000 /etc/hostname /nonexistent & "
          f"{files} open 150000 0 /etc/passwd /nonexistent; wait", check=0, timeout=300)
    info = ebrec("info", trace, check=0).stdout
    assert int(re.search(r"events: +\d+ in (\d+) blocks", info).group(1)) >= 8, info
    return trace


def report(trace, threads, *args, status=0):
    p = subprocess.run([EBREC, "report", trace, *args, "--threads", str(threads)],
                       capture_output=True, timeout=300)
    assert status is None or p.returncode == status, (args, p.stderr[-2000:])
    return p.returncode, p.stdout, p.stderr


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_on_any_number_of_threads_the_opens_are_those_the_workload_made(storm, threads):
    """The same output could be the same wrong output: the storm's opens, counted exactly."""
    doc = json.loads(report(storm, threads, "opensnoop", "--format", "json")[1])
    (view,) = doc["views"]
    assert view["losses"]["lost"] == 0
    paths = collections.Counter((r["path"], r["err"]) for r in view["rows"]
                                if r["comm"] == "ebr-files")
    assert paths[("/etc/hostname", 0)] == 150000
    assert paths[("/etc/passwd", 0)] == 150000
    assert paths[("/nonexistent", 2)] == 50000


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_the_summary_is_the_same_on_every_number_of_threads(storm, fmt):
    one = report(storm, 1, "--format", fmt)
    assert len(one[1]) > 1000
    for threads in (2, 4):
        assert report(storm, threads, "--format", fmt) == one, threads


def test_every_view_is_the_same_on_two_threads(storm):
    shown = 0
    for name in report_views():
        one = report(storm, 1, name, "--format", "json", status=None)
        assert report(storm, 2, name, "--format", "json", status=None) == one, name
        assert report(storm, 2, name, status=None) == report(storm, 1, name, status=None), name
        shown += one[0] == 0
    assert shown >= len(report_views()) - 1  # all but probes: the trace has none


@pytest.mark.parametrize("cmd", [["dump"], ["export", "--format", "perfetto", "-o", "OUT"],
                                 ["query", "-e", "tracepoint:syscalls:sys_exit_openat "
                                  "/comm == \"ebr-files\"/ { @[args.ret < 0] = count(); }"]])
def test_commands_without_the_option_are_the_same_on_one_cpu(storm, cmd, tmp_path):
    def run(prefix, out):
        argv = [*prefix, EBREC, cmd[0], storm, *[out if a == "OUT" else a for a in cmd[1:]]]
        p = subprocess.run(argv, capture_output=True, timeout=300)
        assert p.returncode == 0, p.stderr[-2000:]
        if "OUT" in cmd:
            with open(out, "rb") as f:
                return f.read(), p.stderr
        return p.stdout, p.stderr

    everywhere = run([], str(tmp_path / "a"))
    assert len(everywhere[0]) > 20
    if cmd[0] == "query":  # the failed opens, exactly
        assert b"@[1]: 50000\n" in everywhere[0], everywhere[0]
    assert run(["taskset", "-c", "0"], str(tmp_path / "b")) == everywhere


def test_threads_takes_a_number(storm):
    p = ebrec("report", storm, "--threads", "0", check=2)
    assert "--threads takes a number of threads from 1 to 4" in p.stderr


def threads_while_writing(trace, *args):
    """How many threads `ebrec report TRACE opensnoop ARGS` has once it is blocked writing its
    rows to a pipe nobody reads: its decoders are started before any row and kept to the end."""
    p = subprocess.Popen([EBREC, "report", trace, "opensnoop", *args],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with open(f"/proc/{p.pid}/syscall") as f:
                blocked = f.read().split()[0] == "1"  # write(2), on a full pipe
            if blocked:
                return len(os.listdir(f"/proc/{p.pid}/task"))
            time.sleep(0.01)
        raise AssertionError("the report never filled the pipe")
    finally:
        p.kill()
        p.communicate()


def test_a_small_file_is_decoded_on_one_thread_unless_told(storm):
    # under 8 MiB a second thread read no faster, for half as much CPU again (trace_file.h)
    assert os.path.getsize(storm) < 8 << 20
    assert threads_while_writing(storm) == 1
    assert threads_while_writing(storm, "--threads", "2") == 2
