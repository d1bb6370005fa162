"""ebrec record --rotate, end to end: a series of self-contained files in a directory, whose
seams lose and double no event (a workload's opens, known exactly, counted across every
file), each with its own process snapshot carried over from the events, --keep and a disk
that fills removing only the recording's own oldest files; and --flight-recorder, whose
files hold the last DURATION exactly, written on `record --dump` (SIGUSR1) and on exit.

Each file is read on its own here (ebrec dump); series_events() is the one place to change
when `ebrec report DIR/` reads a series as one."""
import bisect
import json
import os
import re
import subprocess
import time

import pytest

from conftest import EBREC, ebrec, has_chain, pid_of, view, workload
from test_clock import meta

SERIES_NAME = re.compile(r"ebrec-\d{8}T\d{6}Z-[A-Za-z0-9.-]+(_\d\d)?\.ebr")


def series_files(d):
    """The files of the series in d, oldest first (their names sort by time)."""
    return sorted(f for f in os.listdir(d) if SERIES_NAME.fullmatch(f))


def file_events(path):
    """Every event of one file, its fields beside ts, cpu and type."""
    out = []
    for line in ebrec("dump", path, "--json", check=0).stdout.splitlines():
        e = json.loads(line)
        out.append({**e.pop("fields"), **e})
    return out


def series_events(d):
    """Every event of every file of the series in d, file by file: [(name, events)]."""
    return [(f, file_events(os.path.join(d, f))) for f in series_files(d)]


def info(path):
    return ebrec("info", path, check=0).stdout


def series_line(path):
    """(id, seq, last, prev) from `ebrec info`'s series line."""
    m = re.search(r"^series:\s+(\w+), file (\d+)( \(the last\))?, after (\S+)", info(path), re.M)
    assert m, info(path)
    return m.group(1), int(m.group(2)), bool(m.group(3)), m.group(4)


def opens_of(events, pid, path):
    return sum(1 for e in events
               if e["type"] == "file.open" and e["pid"] == pid and e["path"] == path)


def record_series(d, target, n, interval_us, *opts):
    """Records the proc and file families into d while ebr-paced opens target n times."""
    p = ebrec("record", "-o", f"{d}/", "-e", "proc,file", *opts, "--",
              "sh", "-c", '/bin/true; exec "$0" "$@"', workload("ebr-paced"), target, n,
              interval_us, check=0, timeout=300)
    return int(p.stdout.split()[1]), p


def test_seams_lose_no_event_and_double_none(live, tmp_path):
    d, target = tmp_path / "series", str(tmp_path / "opened")
    open(target, "w").close()
    n = 4500
    pid, _ = record_series(d, target, n, 1000, "--rotate", "1s")  # 4.5 s: four seams or more
    files = series_events(d)
    assert len(files) >= 4, [f for f, _ in files]
    # every open once, wherever the seam fell, and seams inside the workload's run
    assert sum(opens_of(ev, pid, target) for _, ev in files) == n
    assert sum(1 for _, ev in files if opens_of(ev, pid, target)) >= 4

    # each file counts what its probes emitted: over the series, every event is counted (the
    # open probe's are the host's opens and chdirs)
    emitted = [re.search(r"file/open +emitted (\d+), lost (\d+)", info(d / f)).groups()
               for f, _ in files]
    assert sum(int(e) for e, _ in emitted) == \
        sum(1 for _, ev in files for e in ev if e["type"] in ("file.open", "file.chdir"))
    assert {lost for _, lost in emitted} == {"0"}

    # one series: consecutive numbers, each naming the file before it; the last says so
    lines = [series_line(d / f) for f, _ in files]
    assert {sid for sid, *_ in lines} == {lines[0][0]}
    assert [seq for _, seq, _, _ in lines] == list(range(len(files)))
    assert [prev for *_, prev in lines] == ["none"] + [f for f, _ in files[:-1]]
    assert [last for _, _, last, _ in lines] == [False] * (len(files) - 1) + [True]

    # each file verifies, and starts with its own process snapshot: the workload (exec'd in
    # the first file) in every later one, as its exec said; /bin/true, ended in the first, in none
    true_pid = [e["pid"] for e in files[0][1]
                if e["type"] == "proc.exec" and e["filename"] == "/bin/true"]
    assert len(true_pid) == 1
    for i, (f, ev) in enumerate(files):
        ebrec("verify", d / f, check=0)
        tasks = {e["pid"]: e for e in ev if e["type"] == "proc.task"}
        assert tasks, f
        if i == 0:
            continue
        assert tasks[pid]["comm"] == "ebr-paced", f
        assert bytes(tasks[pid]["args"]).split(b"\0")[1:4] == \
            [target.encode(), str(n).encode(), b"1000"], f
        assert true_pid[0] not in tasks, f
        # the processes at its start are those of the file before's end, as its events say
        ended = {e["pid"] for e in files[i - 1][1]
                 if e["type"] == "proc.exit" and e["flags"] & 1}
        assert not ended & set(tasks), f
    exits = [f for f, ev in files for e in ev if e["type"] == "proc.exit" and e["pid"] == pid
             and e["flags"] & 1]
    assert exits == [files[-1][0]]

    # `report DIR/` reads the series as one recording: every open once, one process
    rows = view(f"{d}/", "opensnoop", "-p", pid)["rows"]
    assert sum(1 for r in rows if r["path"] == target) == n
    procs = [r for r in view(f"{d}/", "processes")["rows"] if r["pid"] == pid]
    assert len(procs) == 1, procs


CHAIN = ["ebr_inner_gamma", "ebr_middle_beta", "ebr_outer_alpha", "main"]  # leaf first


def named_samples(path, *select):
    """(samples whose user stack holds CHAIN, samples) of the profile of path's select."""
    v = view(path, "profile", *select)
    total = sum(s["count"] for s in v["stacks"])
    return sum(s["count"] for s in v["stacks"] if has_chain(s["user"], CHAIN)), total


def test_every_file_names_its_own_stacks(live, tmp_path):
    """Each file of a series names the user frames of its own samples, whichever file first
    read the process's maps or resolved the offsets: a burner of known functions runs through
    every seam, and short ones (50 ms, a new process each) start and end around them, some
    while a seam holds the writer resolving the symbols of the file that ends."""
    d = tmp_path / "stacks"
    script = ('"$0" burn 4.5 & i=0; while [ $i -lt 60 ]; do "$0" burn 0.05 >/dev/null; '
              'i=$((i + 1)); done; wait')
    p = ebrec("record", "-o", f"{d}/", "-e", "profile,proc", "--rotate", "1s", "--",
              "sh", "-c", script, workload("ebr-stacks"), check=0, timeout=300)
    pid = pid_of(p.stdout)
    files = series_files(d)
    assert len(files) >= 4, files
    long_run = [(f, *named_samples(d / f, "-p", pid)) for f in files]
    assert sum(1 for _, _, total in long_run if total >= 5) >= 3, long_run
    for f, named, total in long_run:
        assert named >= 0.9 * total, long_run
    # the short ones, first met in every file: a tick in an exec, or in a process that exited
    # before the recorder read its maps, names nothing; of 20-60 samples, one file of this
    # workload named 90-98%, a series 70-95% (the seams hold the writer 0.05-0.4 s)
    short = [named_samples(d / f, "--comm", "ebr-stacks") for f in files]
    named = sum(n for n, _ in short) - sum(n for _, n, _ in long_run)
    total = sum(t for _, t in short) - sum(t for _, _, t in long_run)
    assert total >= 10 and named >= 0.5 * total, (named, total)


def test_keep_removes_only_the_recordings_own_oldest_files(live, tmp_path):
    d, target = tmp_path / "kept", str(tmp_path / "opened")
    d.mkdir()
    open(target, "w").close()
    # files this recording did not write, one named as its own would be
    (d / "notes.txt").write_text("mine\n")
    (d / "ebrec-19700101T000000Z-elsewhere.ebr").write_bytes(b"not ours")
    record_series(d, target, 3500, 1000, "--rotate", "1s", "--keep", "2")
    files = series_files(d)
    assert len(files) == 3 and files[0] == "ebrec-19700101T000000Z-elsewhere.ebr", files
    assert (d / "notes.txt").read_text() == "mine\n"
    assert (d / files[0]).read_bytes() == b"not ours"
    (_, s1, l1, _), (_, s2, l2, p2) = series_line(d / files[1]), series_line(d / files[2])
    assert s1 >= 2 and s2 == s1 + 1 and p2 == files[1] and (l1, l2) == (False, True)


@pytest.fixture
def small_fs(tmp_path):
    """A 4 MiB tmpfs, unmounted after the test."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)], check=True)
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_removes_the_oldest_file_and_recording_goes_on(live, tmp_path, small_fs):
    d, target = small_fs / "series", str(tmp_path / "opened")
    open(target, "w").close()
    d.mkdir()
    (small_fs / "theirs.bin").write_bytes(b"\xab" * (1 << 20))
    # unpaced opens of distinct missing paths: about twice the trace of the 3 MiB left (in
    # columns, 400,000 of them filled it only as the last file was closed, after its META)
    p = ebrec("record", "-o", f"{d}/", "-e", "file", "--rotate", "1M", "--",
              workload("ebr-paced"), "/nonexistent/ebrec-rotation-fills-a-disk-%ld", 700000,
              0, check=0, timeout=300)
    assert "the disk is full: removing" in p.stderr, p.stderr
    assert (small_fs / "theirs.bin").read_bytes() == b"\xab" * (1 << 20)
    files = series_files(d)
    lines = [series_line(d / f) for f in files]
    seqs = [seq for _, seq, _, _ in lines]
    # the oldest went, the rest is whole and continuous up to the last file
    assert seqs[0] > 0 and seqs == list(range(seqs[0], seqs[0] + len(files))), seqs
    assert lines[-1][2]
    for f in files:
        ebrec("verify", d / f, check=0)
    removed = re.findall(r"removing \S+/(\S+), the oldest", p.stderr)
    assert removed and not set(removed) & set(files)
    assert "the disk was full: " in info(d / files[-1])


@pytest.mark.parametrize("args, message", [
    (["--rotate", "10x"], "--rotate needs a size of at least 1M"),
    (["--rotate", "100K"], "--rotate needs a size of at least 1M"),
    (["--rotate", "10"], "--rotate needs a size of at least 1M"),
    (["--keep", "2"], "--keep and --max-disk apply to --rotate"),
    (["--rotate", "1m"], "--rotate writes a series of files into a directory"),
    (["-o", "-", "--rotate", "1m"], "--rotate writes a series of files into a directory"),
    (["-o", "d/", "--rotate", "4M", "--max-disk", "6M"], "fewer than two files of --rotate 4M"),
    (["-o", "d/", "--rotate", "1h", "--keep", "0"], "--keep needs a number of files"),
    (["--flight-recorder", "1m", "--rotate", "1m", "-o", "d/"], "cannot be combined"),
    (["--flight-recorder", "500ms"], "--flight-recorder needs a duration"),
    (["--flight-recorder", "10M"], "--flight-recorder needs a duration"),
    (["--flight-budget", "8M"], "--flight-budget applies to --flight-recorder"),
    (["--flight-recorder", "1m", "--flight-budget", "1M"], "--flight-budget needs a size"),
    (["--dump", "x"], "--dump needs the process id"),
])
def test_rotation_usage_errors(args, message):
    p = ebrec("record", *args, check=2)
    assert message in p.stderr and p.stderr.count("\n") == 1, p.stderr


def window_opens(path, pid, target):
    """The times of the workload's opens in a flight recorder's file, and of all its events
    but the snapshots, symbols and counts (of the window's start or its segments' ends,
    whatever their time); and its process snapshot."""
    ev = file_events(path)
    opens = sorted(e["ts"] for e in ev if e["type"] == "file.open" and e["pid"] == pid
                   and e["path"] == target)
    times = [e["ts"] for e in ev if e["type"] not in ("proc.task", "tcp.sock", "ebr.counts")
             and not e["type"].startswith("sym.")]
    return opens, times, {e["pid"]: e for e in ev if e["type"] == "proc.task"}


def test_flight_recorder_keeps_the_last_window_and_writes_it_when_asked(live, tmp_path):
    target, out = str(tmp_path / "opened"), tmp_path / "window.ebr"
    open(target, "w").close()
    n, window_ns = 1200, 2000000000  # opens every 5 ms for 6 s
    rec = subprocess.Popen([EBREC, "record", "-o", str(out), "-e", "proc,file",
                            "--flight-recorder", "2s", "--", workload("ebr-paced"), target,
                            str(n), "5000"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        pid = int(rec.stdout.readline().split()[1])
        time.sleep(4)
        ebrec("record", "--dump", rec.pid, check=0)
        stdout, err = rec.communicate(timeout=120)
    finally:
        if rec.poll() is None:
            rec.kill()
    assert rec.returncode == 0, err
    # when the workload opened, each time: an open's event is stamped between its and the next's
    opened = [int(t) for t in stdout.split("opened", 1)[1].split()]
    assert len(opened) == n
    dumps = [out, tmp_path / "window.2.ebr"]
    assert sorted(os.listdir(tmp_path)) == ["opened", "window.2.ebr", "window.ebr"], err
    assert err.count("ebrec record: wrote the last ") == 2, err
    last = []
    for f in dumps:
        ebrec("verify", f, check=0)
        opens, times, tasks = window_opens(f, pid, target)
        m = meta(f, tmp_path)
        start, end = int(m["clock.start.monotonic_ns"]), int(m["clock.end.monotonic_ns"])
        assert end - start == window_ns == int(m["flight.window_ns"]), f
        # older gone: no event before the window (nor after it)
        assert start <= min(times) and max(times) <= end, f
        # newer all there: the window's opens are consecutive opens of the workload, from the
        # first whose event can be in the window to the last whose event can be
        idx = [bisect.bisect_right(opened, ts) - 1 for ts in opens]
        assert idx == list(range(idx[0], idx[0] + len(idx))), f
        assert opened[idx[0] - 1] < start, f
        assert idx[-1] + 2 >= n or opened[idx[-1] + 2] > end, f
        # the processes of the window's start: the workload, exec'd seconds before it
        assert tasks[pid]["comm"] == "ebr-paced", f
        last.append(idx[-1])
    # the first file was written at about 4 s, mid-run; the second at the end, with the last open
    assert last[0] < n - 200 and last[1] == n - 1


def test_dump_signals_only_a_flight_recorder():
    p = ebrec("record", "--dump", os.getpid(), check=1)
    assert "is not an 'ebrec record --flight-recorder': nothing sent" in p.stderr
    assert "no process" in ebrec("record", "--dump", 0x3ffffff0, check=1).stderr
