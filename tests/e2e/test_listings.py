"""Every listing's --sort KEY and --limit N (ebrec-report(1), LISTINGS): the rows of the whole
listing sorted by the key of their JSON, the same in text and JSON, cut at N with the rest
counted; and within --max-memory when the trace is too big to hold sorted. The sample traces
need no root; one recording has sessions of known sizes."""
import os
import subprocess

import pytest

from conftest import EBREC, REPO, Recording, ebrec, view
from test_tcp import free_port, life_rx, life_tx, run

PGBENCH = os.path.join(REPO, "samples", "pgbench", "trace.ebr")
NGINX = os.path.join(REPO, "samples", "nginx-wrk", "trace.ebr")
BUILD = os.path.join(REPO, "samples", "build", "trace.ebr")


def sorted_rows(rows, key):
    """What --sort KEY means: numbers biggest first, strings in byte order, rows without the
    key last, ties in the trace's order."""
    have = [i for i, r in enumerate(rows) if key in r]
    rest = [i for i, r in enumerate(rows) if key not in r]
    if any(isinstance(rows[i][key], (int, float)) for i in have):
        have.sort(key=lambda i: (-rows[i][key], i))
    else:
        have.sort(key=lambda i: (rows[i][key].encode(), i))
    return [rows[i] for i in have + rest]


@pytest.mark.parametrize("trace,name,key,limit,extra", [
    (PGBENCH, "biosnoop", "lat_ms", 7, []),
    (PGBENCH, "biosnoop", "comm", 2000, []),   # more than --limit's compaction keeps
    (PGBENCH, "opensnoop", "path", 50, []),
    (PGBENCH, "execsnoop", "pid", 0, []),
    (PGBENCH, "tcplife", "tx_bytes", 3, ["--all"]),
    (PGBENCH, "processes", "start_s", 10, []),
    (NGINX, "tcpstates", "ms", 20, []),
    (BUILD, "exitsnoop", "signal", 5, []),     # most rows have no signal: they come last
])
def test_sort_and_limit_are_a_sort_of_the_whole_listing(trace, name, key, limit, extra):
    whole = view(trace, name, *extra)["rows"]
    got = view(trace, name, *extra, "--sort", key, "--limit", limit)
    want = sorted_rows(whole, key)[:limit or None]
    assert got["sort"] == key and got["rows"] == want
    assert got.get("more_rows", 0) == len(whole) - len(want)  # no key with --limit 0


def test_text_rows_are_in_the_json_order():
    rows = view(PGBENCH, "biosnoop", "--sort", "lat_ms", "--limit", 5)["rows"]
    p = ebrec("report", PGBENCH, "biosnoop", "--sort", "lat_ms", "--limit", 5)
    lines = p.stdout.splitlines()
    assert lines[0].split()[0] == "TIME(s)"
    assert [float(ln.split()[-1]) for ln in lines[1:6]] == [round(r["lat_ms"], 3) for r in rows]
    assert [int(ln.split()[2]) for ln in lines[1:6]] == [r["pid"] for r in rows]
    assert lines[6] == "" and lines[7].startswith(f"{11516 - 5} more rows (--limit 5")


def test_limit_alone_keeps_the_trace_order():
    whole = view(PGBENCH, "opensnoop")["rows"]
    got = view(PGBENCH, "opensnoop", "--limit", 4)
    assert "sort" not in got and got["rows"] == whole[:4]
    assert got["more_rows"] == len(whole) - 4
    text = ebrec("report", PGBENCH, "opensnoop", "--limit", 4).stdout.splitlines()
    assert [int(ln.split()[1]) for ln in text[1:5]] == [r["pid"] for r in whole[:4]]


def test_a_bad_key_or_count_is_a_usage_error_naming_the_keys():
    p = ebrec("report", PGBENCH, "biosnoop", "--sort", "latency")
    assert p.returncode == 2 and "--sort takes a key of its JSON rows (lat_ms " in p.stderr
    assert "'latency'" in p.stderr and p.stdout == ""
    p = ebrec("report", PGBENCH, "tcplife", "--limit", "-1")
    assert p.returncode == 2 and "--limit needs a number of rows" in p.stderr
    # views that are not listings have no --sort of theirs
    assert ebrec("report", PGBENCH, "biolatency", "--sort", "x").returncode == 2


def test_a_sorted_listing_stays_within_max_memory():
    """196,318 state changes sorted whole, under a limit too small to hold them: the pass
    stops there, says so, and what was read is printed sorted, with exit status 1."""
    whole = subprocess.run([EBREC, "report", NGINX, "tcpstates", "--sort", "ms"],
                           capture_output=True, text=True)
    assert whole.returncode == 0 and whole.stdout.count("\n") > 196000
    cut = subprocess.run([EBREC, "report", NGINX, "tcpstates", "--sort", "ms",
                          "--max-memory", "40"], capture_output=True, text=True)
    assert cut.returncode == 1
    assert "the analysis stopped at" in cut.stderr and "memory limit" in cut.stderr
    ms = [float(ln.split()[-1]) for ln in cut.stdout.splitlines()[1:] if "->" in ln]
    assert 1000 < len(ms) < 196000 and ms == sorted(ms, reverse=True)
    # with --limit the rows held are the best N: the same limit is plenty
    top = subprocess.run([EBREC, "report", NGINX, "tcpstates", "--sort", "ms", "--limit", "3",
                          "--max-memory", "40"], capture_output=True, text=True)
    assert top.returncode == 0, top.stderr
    assert top.stdout.splitlines()[1:4] == whole.stdout.splitlines()[1:4]


def test_tcplife_sorted_by_bytes_names_the_biggest_sessions(live, out_dir):
    trace = out_dir / "t.ebr"
    k = 4
    rec = Recording(trace, "tcp")
    try:
        port = free_port("127.0.0.1")
        out = run("life", "127.0.0.1", port, k, 60)
    finally:
        rec.stop()
    cli = int(out[0].split()[1])
    got = view(trace, "tcplife", "-p", cli, "--sort", "tx_bytes", "--limit", 2)
    # the client sends life_tx(i) in session i: the last two, biggest first
    assert [r["tx_bytes"] for r in got["rows"]] == [life_tx(k - 1), life_tx(k - 2)]
    assert [r["rx_bytes"] for r in got["rows"]] == [life_rx(k - 1), life_rx(k - 2)]
    assert got["more_rows"] == k - 2
    got = view(trace, "tcplife", "-p", cli, "--sort", "rx_bytes")
    assert [r["rx_bytes"] for r in got["rows"]] == [life_rx(i) for i in reversed(range(k))]
