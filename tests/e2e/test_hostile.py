"""Hostile traces (written by the ebr-traces workload through format/'s writer): each kind is
made to hit one worst case of a reader (keys that collide in a fixed hash, overlapping
mappings, functions at one offset, a process with 60,000 callees, a repeated mangled name, a
working directory of 8,000 bytes). The command must cost at most a few times what an
ordinary trace of the same events costs, measured here in the same test, and end as it does
on that trace. Before the fixes, these took 4 to 20 s against 0.1 to 0.3 s."""
import os
import subprocess
import time

import pytest

from conftest import EBREC, ebrec, workload

# kind: (N, the command after the trace's path)
CASES = {
    "tcp-cookies": (60000, ["report", "{trace}"]),
    "fd-keys": (60000, ["report", "{trace}"]),
    "redact-tokens": (60000, ["redact", "{trace}", "-o", "{out}", "-f", "--paths"]),
    "map-overlap": (60000, ["report", "{trace}", "profile"]),
    "func-same": (60000, ["report", "{trace}", "profile"]),
    "siblings": (60000, ["report", "{trace}", "profile", "--svg", "{out}"]),
    "demangle": (1000000, ["report", "{trace}", "profile"]),
}

# a hostile trace may take this many times the ordinary one's time, plus process start-up
# and the noise of a shared machine
FACTOR = 4
SLACK_S = 0.5


def make_trace(tmp_path, kind, shape, n):
    path = tmp_path / f"{kind}-{shape}.ebr"
    subprocess.run([workload("ebr-traces"), kind, shape, str(n), str(path)], check=True,
                   timeout=120)
    return path


def timed(tmp_path, kind, shape, n, args):
    trace = make_trace(tmp_path, kind, shape, n)
    out = tmp_path / f"{kind}-{shape}.out"
    argv = [a.format(trace=trace, out=out) for a in args]
    start = time.monotonic()
    p = ebrec(*argv, timeout=300)
    return time.monotonic() - start, p, os.path.getsize(trace)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_hostile_trace_costs_what_an_ordinary_one_does(tmp_path, kind):
    n, args = CASES[kind]
    t_ord, ordinary, size_ord = timed(tmp_path, kind, "ordinary", n, args)
    t_hos, hostile, size_hos = timed(tmp_path, kind, "hostile", n, args)
    assert ordinary.returncode == 0, ordinary.stderr
    assert hostile.returncode == 0, hostile.stderr
    if args[0] == "redact":
        assert hostile.stderr == f"ebrec redact: {n // 16} events written to " \
                                 f"{tmp_path}/{kind}-hostile.out, {n} distinct names replaced\n"
    else:
        assert hostile.stderr == ""
    print(f"{kind}: hostile {t_hos:.2f} s ({size_hos} bytes), "
          f"ordinary {t_ord:.2f} s ({size_ord} bytes)")
    assert t_hos <= FACTOR * t_ord + SLACK_S, (kind, t_hos, t_ord)


def test_paths_expanded_against_a_long_directory_are_bounded(tmp_path):
    """20,000 opens of "a" in a working directory of 8,000 bytes: each row's path is cut to
    4095 bytes and ends in "...", so the listing is at most 20,000 rows of 4 KiB (it was 8 KiB
    a row: 160 MB from a 1.2 KB trace), and the ordinary directory's rows are whole."""
    n = 20000
    trace = make_trace(tmp_path, "cwd-expand", "hostile", n)
    p = subprocess.run([EBREC, "report", str(trace), "opensnoop"],
                       capture_output=True, timeout=120)
    assert p.returncode == 0 and p.stderr == b""
    rows = p.stdout.splitlines()[1:n + 1]
    assert len(rows) == n
    for row in rows:
        path = row.split(b" ")[-1]
        assert len(path) == 4095 and path.endswith(b"...") and path.startswith(b"/ddd")
    assert len(p.stdout) <= n * (4095 + 64) + 4096
    trace = make_trace(tmp_path, "cwd-expand", "ordinary", n)
    p = ebrec("report", trace, "opensnoop", check=0)
    assert p.stdout.splitlines()[1].endswith(" /home/user/work/a")
