"""Several trace files read as one recording (`ebrec report DIR/`, `ebrec report A B`).

A series is made from one real recording by tests/workloads/ebr-split, which cuts it at whole
seconds into self-contained files named as a rotating recorder names them
(ebrec-YYYYMMDDTHHMMSSZ-HOST.ebr), each with its own clock pairs and process snapshot. The
same events read as one file and as the series must give the same reports, view for view:
the processes, TCP sessions and losses that span a seam are counted once. When `ebrec record
--rotate` writes series itself, series() below can record one instead of cutting one.
"""
import glob
import json
import os
import shutil
import subprocess

import pytest

from conftest import EBREC, REPO, built_with_asan, ebrec, ebrec_json, peak_rss, workload

# execs of `cat` the workload makes, a quarter of a second apart, across every seam
CATS = 16
# sessions of ebr-tcp life, each held open 1.2 s: each straddles a seam
SESSIONS = 3


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    """One recording of processes, files, TCP and scheduling, some 5 s long."""
    from conftest import require_live
    require_live()
    d = tmp_path_factory.mktemp("series")
    trace = d / "whole.ebr"
    tcp = workload("ebr-tcp")
    script = (f"sleep 5 & {tcp} life 127.0.0.1 0 {SESSIONS} 1200 > /dev/null & "
              f"for i in $(seq {CATS}); do cat /etc/hostname > /dev/null; sleep 0.25; done; "
              "wait")
    ebrec("record", "-o", trace, "-e", "proc,file,tcp,sched", "--", "sh", "-c", script,
          check=0)
    return trace


def series(trace, dest, seconds=1, least=4):
    """trace cut into a series in dest: its files (at least least), in time order."""
    os.makedirs(dest, exist_ok=True)
    p = subprocess.run([workload("ebr-split"), str(trace), str(dest), str(seconds)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    files = sorted(os.listdir(dest))
    assert len(files) == int(p.stdout) and len(files) >= least, files
    return [os.path.join(dest, f) for f in files]


def report(*args):
    doc = ebrec_json("report", *args, "--format", "json")
    assert doc["warnings"] == [], doc["warnings"]
    return doc


def recorded_views(trace):
    """The views of the summary's families, by name."""
    doc = report(trace)
    return [v["view"] for f in doc["families"] for v in f["views"]]


def test_a_series_reports_as_the_whole_recording(recording, tmp_path):
    files = series(recording, tmp_path / "dir")
    views = recorded_views(recording)
    assert {"execsnoop", "processes", "tcplife", "runqlat"} <= set(views), views
    for name in views:
        whole = report(recording, name)
        assert report(str(tmp_path / "dir"), name) == whole, name
        assert report(*files, name) == whole, name
    # the summary: one recording, from the first file's start to the last one's end
    # (its "file", and each headline's command, name what was given)
    given = str(tmp_path / "dir") + "/"
    whole = json.dumps(report(recording)).replace(str(recording), "TRACE")
    cut = json.dumps(report(given)).replace(given, "TRACE").replace(str(recording), "TRACE")
    assert cut == whole

    execs = report(str(tmp_path / "dir"), "execsnoop", "-n", "cat")["views"][0]["rows"]
    assert len([r for r in execs if r["args"] == "cat /etc/hostname"]) == CATS
    # each session lasts longer than a file, so straddles a seam, and is one row (others'
    # tests may run beside this one: the workload is told by its arguments)
    life = report(str(tmp_path / "dir"), "tcplife", "--comm", "ebr-tcp-cli")["views"][0]
    ours = [r for r in life["rows"]
            if r["args"] == f"{workload('ebr-tcp')} life 127.0.0.1 0 {SESSIONS} 1200"]
    assert len(ours) == SESSIONS and all(r["duration_ms"] >= 1200 for r in ours), ours
    # `sleep 5` lived through every file: one process, in every file's snapshot but the first
    procs = report(str(tmp_path / "dir"), "processes", "--comm", "sleep")["views"][0]["rows"]
    assert len([p for p in procs if p["args"] == "sleep 5"]) == 1


def test_since_and_until_read_only_the_files_they_cover(recording, tmp_path):
    files = series(recording, tmp_path / "dir")
    window = ("--since", "2.2", "--until", "2.8")
    whole = report(recording, "execsnoop", *window)
    assert whole["views"][0]["rows"], "no exec in the window"
    # every file but the first (whose META sets the clock) and those of the window damaged:
    # none of them is read
    first = report(recording)["trace"]["clock.start.realtime_ns"]
    outside = [f for f in files[1:] if not covers(f, int(first), 2.2, 2.8, files)]
    assert len(outside) >= 2, files
    for f in outside:
        with open(f, "r+b") as fh:
            fh.seek(200)
            fh.write(b"\xff" * 64)
    cut = report(str(tmp_path / "dir"), "execsnoop", *window)
    assert cut["views"][0]["rows"] == whole["views"][0]["rows"]
    assert cut["window"] == whole["window"]
    # the loss counters are those of the files read
    assert 0 < cut["views"][0]["losses"]["emitted"] < whole["views"][0]["losses"]["emitted"]
    # a window over a damaged file reads it, and says so
    p = ebrec("report", str(tmp_path / "dir"), "execsnoop", "--format", "json")
    assert p.returncode == 1
    assert json.loads(p.stdout)["warnings"], p.stderr


def covers(path, start_real_ns, since, until, files):
    """Whether the file's span (its name's second to the next file's) meets the window."""
    def start_s(f):
        stamp = os.path.basename(f)[len("ebrec-"):len("ebrec-") + 16]
        out = subprocess.run(["date", "-u", "-d",
                              f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]} "
                              f"{stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}", "+%s"],
                             capture_output=True, text=True, check=True).stdout
        return int(out) - start_real_ns / 1e9
    i = files.index(path)
    begin = start_s(path)
    end = start_s(files[i + 1]) + 1 if i + 1 < len(files) else float("inf")
    return begin <= until and end >= since


def test_two_recordings_in_a_row_are_one(live, tmp_path):
    """Two real files, named as the user likes and given in any order: a process alive in
    both is one process, the execs of each are all there."""
    a, b = tmp_path / "a.ebr", tmp_path / "b.ebr"
    keep = subprocess.Popen(["sleep", "60"])
    try:
        for trace in (a, b):
            ebrec("record", "-o", trace, "-e", "proc", "--", "sh", "-c",
                  "for i in 1 2 3; do /bin/true; done", check=0)
    finally:
        keep.kill()
        keep.wait()
    procs = report(b, a, "processes")["views"][0]["rows"]
    assert len([p for p in procs if p["pid"] == keep.pid]) == 1
    execs = report(b, a, "execsnoop")["views"][0]["rows"]
    assert len([r for r in execs if r["args"] == "/bin/true"]) == 6
    times = [r["time_s"] for r in execs]
    assert times == sorted(times)  # in time order: a's before b's, from a's start


def test_traces_of_two_boots_are_two_series(tmp_path):
    """One host's traces of two boots: their monotonic clocks are not one, so they are reported
    apart (test_hosts.py), the second boot as HOST#2. The boots are told by the files' META even
    when their names say nothing but the host and the time."""
    older, newer = (os.path.join(REPO, "samples", s, "trace.ebr")
                    for s in ("format-1.2", "format-1.4"))
    doc = ebrec_json("report", older, newer, "--format", "json")
    assert [h["host"] for h in doc["hosts"]] == ["ebrec-sample", "ebrec-sample#2"]
    for stamp, trace in (("20261130T234724Z", older), ("20261204T210520Z", newer)):
        shutil.copy(trace, tmp_path / f"ebrec-{stamp}-ebrec-sample.ebr")
    doc = ebrec_json("report", tmp_path, "--format", "json")
    assert [h["host"] for h in doc["hosts"]] == ["ebrec-sample", "ebrec-sample#2"]


def test_a_directory_without_traces(tmp_path):
    p = ebrec("report", tmp_path)
    assert p.returncode == 2
    assert p.stderr == f"ebrec report: {tmp_path} holds no trace (no *.ebr file)\n"


def test_every_allocation_failing_in_turn_in_a_series(tmp_path):
    """As test_nomem.py, over a series cut from a sample (two files): out of memory anywhere,
    in a file's pass or between two, is said, never a crash, never blamed on the traces."""
    from test_nomem import every_allocation_failing_in_turn
    sample = os.path.join(REPO, "samples", "format-1.1", "trace.ebr")
    p = subprocess.run([workload("ebr-split"), sample, str(tmp_path), "1"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and int(p.stdout) == 2, p.stderr
    args = ["report", str(tmp_path), "execsnoop", "--format", "json"]
    every_allocation_failing_in_turn(args, tmp_path)


@pytest.mark.parametrize("sample", ["format-1.1", "pgbench"])
def test_a_sample_cut_at_seconds_reports_as_itself(sample, tmp_path):
    """Without root: samples cut at each second (processes and files; and pgbench's I/O, TCP
    sessions and profile) read as themselves, view for view, and as the same HTML page."""
    whole = os.path.join(REPO, "samples", sample, "trace.ebr")
    cut = tmp_path / "cut"
    series(whole, cut, least=2)
    for name in recorded_views(whole):
        assert report(str(cut), name) == report(whole, name), name
    pages = []
    for given in (whole, str(cut)):
        ebrec("report", given, "--format", "html", "-o", tmp_path / "page.html", check=0)
        pages.append((tmp_path / "page.html").read_text().replace(given, "TRACE"))
    assert pages[0] == pages[1]


def test_one_file_open_at_a_time(tmp_path):
    """Memory is one reader's and the models': a series of seven files is read in about the
    memory of the one it was cut from (each reader holds its blocks while it is open)."""
    whole = os.path.join(REPO, "samples", "pgbench", "trace.ebr")
    series(whole, tmp_path / "cut", least=6)
    rss = {}
    # on as many threads each: by default the whole file, under 8 MiB, is read on one
    for given in (whole, tmp_path / "cut"):
        status, err, rss[given] = peak_rss([EBREC, "report", given, "profile", "--threads", "2"])
        assert status == 0, err
    # the same profile, whichever way it was read
    assert ebrec("report", tmp_path / "cut", "profile", "-f", check=0).stdout == \
        ebrec("report", whole, "profile", "-f", check=0).stdout
    if not built_with_asan():  # ASan's shadow and quarantine are no part of what it holds
        assert rss[tmp_path / "cut"] < rss[whole] + 2, rss
