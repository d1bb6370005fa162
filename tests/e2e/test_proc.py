"""Process family, end to end: real BPF, workloads whose execs and exits are known exactly."""
import re
import subprocess
import sys
import uuid

from conftest import ebrec, view, workload


def test_execsnoop_and_exitsnoop_are_exact(live, out_dir):
    n, m, code = 25, 7, 7
    token = uuid.uuid4().hex[:12]
    trace = out_dir / "p.ebr"
    spawn = workload("ebr-spawn")
    p = ebrec("record", "-o", trace, "-e", "proc", "--", spawn, n, m, code, token, check=0)
    parent = int(p.stdout.split()[1])

    rows = view(trace, "execsnoop", "-n", token)["rows"]
    ok = [r for r in rows if r["ret"] == 0 and r["ppid"] == parent]
    failed = [r for r in rows if r["ret"] != 0]
    assert len(ok) == n
    assert len(failed) == m
    for r in ok:
        assert r["args"] == f"{spawn} --child {token} {code}"
        assert r["comm"] == "ebr-spawn"
    for r in failed:
        assert r["ret"] == -2  # ENOENT
        assert r["args"] == f"/nonexistent/ebr-missing-{token} {token}"
        assert r["filename"] == f"/nonexistent/ebr-missing-{token}"
        assert r["ppid"] == parent
    # the parent's own exec, by `ebrec record -- ...`
    assert [r["args"] for r in rows if r["pid"] == parent] == \
        [f"{spawn} {n} {m} {code} {token}"]
    assert len(view(trace, "execsnoop", "-x", "-n", token)["rows"]) == m
    assert view(trace, "execsnoop", "-n", token, "-u", "4242")["rows"] == []
    assert len(view(trace, "execsnoop", "-n", token, "-u", "0")["rows"]) == n + m + 1

    exits = {r["pid"]: r for r in view(trace, "exitsnoop")["rows"]}
    ok_pids = {r["pid"] for r in ok}
    failed_pids = {r["pid"] for r in failed}
    assert len(ok_pids) == n and len(failed_pids) == m
    for pid in ok_pids:
        assert exits[pid]["exit_code"] == code and exits[pid]["ppid"] == parent
        assert 0 <= exits[pid]["age_s"] < 10
    for pid in failed_pids:
        assert exits[pid]["exit_code"] == 127
    assert exits[parent]["exit_code"] == 0
    nonzero = {r["pid"] for r in view(trace, "exitsnoop", "-x")["rows"]}
    assert ok_pids | failed_pids <= nonzero and parent not in nonzero

    text = ebrec("report", trace, "exitsnoop", "-p", ok.pop()["pid"], check=0).stdout
    lines = text.splitlines()
    # every row view's time column first: seconds from the start of the recording
    assert lines[0].split() == ["TIME(s)", "PCOMM", "PID", "PPID", "TID", "AGE(s)", "EXIT_CODE"]
    row = view(trace, "exitsnoop", "-p", lines[1].split()[2])["rows"][0]
    assert lines[1].split()[0] == f"{row['time_s']:.6f}"
    assert lines[1].split()[1] == "ebr-spawn" and lines[1].split()[-1] == str(code)
    hms = ebrec("report", trace, "exitsnoop", "-T", "-p", row["pid"], check=0).stdout
    assert hms.splitlines()[0].split()[0] == "TIME"
    assert re.fullmatch(r"\d\d:\d\d:\d\d", hms.splitlines()[1].split()[0])
    assert "proc events:" in text and ", 0 lost" in text


def test_exitsnoop_names_the_signal(live, out_dir):
    trace = out_dir / "s.ebr"
    p = ebrec("record", "-o", trace, "-e", "proc", "--",
              "sh", "-c", "echo $$; sleep 30 & sleep 0.5; kill -9 $!; wait $!; exit 0", check=0)
    sh = int(p.stdout.split()[0])
    # system-wide: other sleeps on the machine are not this shell's children
    rows = [r for r in view(trace, "exitsnoop")["rows"] if r["ppid"] == sh]
    assert sorted(r.get("signal", 0) for r in rows) == [0, 9]  # sleep 0.5 ends normally
    rows = [r for r in rows if r.get("signal") == 9]
    assert rows[0]["comm"] == "sleep" and "exit_code" not in rows[0]
    text = ebrec("report", trace, "exitsnoop", "-p", rows[0]["pid"], check=0).stdout
    assert "signal 9 (KILL)" in text


def test_process_table_covers_processes_before_and_during(live, out_dir, tmp_path):
    """A process alive before the recording that exits during it, one alive throughout,
    and processes started and ended during it: each with its name and arguments."""
    token = uuid.uuid4().hex[:12]
    target = tmp_path / f"opened-by-waiter-{token}"
    target.write_text("x")
    waiter = subprocess.Popen([workload("ebr-files"), "wait", str(target)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", token])
    try:
        wpid = int(waiter.stdout.readline().split()[1])
        trace = out_dir / "t.ebr"
        # once attached, release the waiter (through its stdin pipe) and let it finish: it
        # stays a zombie of this test, so wait for state Z
        script = (f"echo go > /proc/{wpid}/fd/0; "
                  f"while grep -qv ') Z' /proc/{wpid}/stat 2>/dev/null; do sleep 0.05; done; "
                  f"{workload('ebr-spawn')} 3 0 5 {token}")
        ebrec("record", "-o", trace, "-e", "proc,file", "--", "sh", "-c", script, check=0)
        assert waiter.wait(timeout=30) == 0
    finally:
        sleeper.kill()
        waiter.kill()
    waiter_args = f"{workload('ebr-files')} wait {target}"

    opens = [r for r in view(trace, "opensnoop", "-p", wpid)["rows"] if r["path"] == str(target)]
    assert len(opens) == 1
    assert opens[0]["comm"] == "ebr-files" and opens[0]["args"] == waiter_args

    exits = [r for r in view(trace, "exitsnoop", "-p", wpid)["rows"]]
    assert len(exits) == 1 and exits[0]["args"] == waiter_args and exits[0]["exit_code"] == 0

    procs = view(trace, "processes")["rows"]
    by_pid = {}
    for r in procs:
        by_pid.setdefault(r["pid"], []).append(r)
    w = by_pid[wpid][-1]
    assert w["in_snapshot"] and w["comm"] == "ebr-files" and w["args"] == waiter_args
    assert w["status"] == 0 and w["end_s"] >= 0
    s = by_pid[sleeper.pid][-1]
    assert s["in_snapshot"] and s["args"] == f"{sys.executable} -c import time; time.sleep(60) {token}"
    assert "end_s" not in s
    # the exits say which are the workload's children (an ASan build forks helpers too)
    children = [r for r in procs
                if r["args"].endswith(f"--child {token} 5") and r.get("status") == 5 << 8]
    assert len(children) == 3
    for c in children:
        assert not c["in_snapshot"] and c["start_s"] >= 0 and c["comm"] == "ebr-spawn"

    # --new leaves out what only sat there, keeps what started, exec'd or ended
    new = {r["pid"] for r in view(trace, "processes", "--new")["rows"]}
    assert wpid in new and sleeper.pid not in new
    assert {c["pid"] for c in children} <= new
    text = ebrec("report", trace, "processes", check=0).stdout
    assert text.splitlines()[0].split() == ["PID", "PPID", "UID", "START(s)", "END(s)", "EXIT",
                                            "COMM", "ARGS"]
    assert any(line.split()[0] == str(wpid) and line.endswith(waiter_args)
               for line in text.splitlines()[1:] if line.strip())


def test_a_spawn_storm_loses_no_process_and_no_name(live, out_dir):
    """2000 processes that fork, exec and exit within a millisecond or two each, faster than
    /proc could be read: every one is in the trace with its name, arguments and exit."""
    n, code = 2000, 3
    token = uuid.uuid4().hex[:12]
    trace = out_dir / "storm.ebr"
    spawn = workload("ebr-spawn")
    p = ebrec("record", "-o", trace, "-e", "proc", "--", spawn, n, 0, code, token, check=0)
    parent = int(p.stdout.split()[1])
    rows = [r for r in view(trace, "execsnoop", "-n", token)["rows"] if r["ppid"] == parent]
    assert len(rows) == n
    assert all(r["args"] == f"{spawn} --child {token} {code}" and r["comm"] == "ebr-spawn"
               for r in rows)
    pids = {r["pid"] for r in rows}
    exits = [r for r in view(trace, "exitsnoop")["rows"] if r["pid"] in pids]
    assert len(exits) == n and all(r["exit_code"] == code for r in exits)
    procs = [r for r in view(trace, "processes", "--new")["rows"] if r["pid"] in pids]
    assert len(procs) == n
    assert all(r["comm"] == "ebr-spawn" and token in r["args"] for r in procs)
    assert view(trace, "execsnoop")["losses"]["lost"] == 0


def test_a_failed_path_search_shows_each_path_tried(live, out_dir, tmp_path):
    """env(1) searches PATH for a missing program: every failed execve is a row whose ARGS
    start with the path it tried, as in bcc's execsnoop (the caller's argv[0] in JSON)."""
    token = uuid.uuid4().hex[:12]
    dirs = [tmp_path / d for d in ("a", "b", "c")]
    for d in dirs:
        d.mkdir()
    trace = out_dir / "path.ebr"
    prog = f"ebr-missing-{token}"
    p = ebrec("record", "-o", trace, "-e", "proc", "--", "/usr/bin/env",
              "PATH=" + ":".join(map(str, dirs)), prog, "first-arg")
    assert p.returncode == 127, p.stderr  # env: the program was not found
    rows = [r for r in view(trace, "execsnoop", "-x", "-n", token)["rows"]]
    assert [r["filename"] for r in rows] == [f"{d}/{prog}" for d in dirs]
    assert all(r["ret"] == -2 and r["args"] == f"{prog} first-arg" for r in rows)
    text = ebrec("report", trace, "execsnoop", "-x", "-n", token, check=0).stdout.splitlines()
    assert [l.split()[-2:] for l in text[1:] if token in l] == \
        [[f"{d}/{prog}", "first-arg"] for d in dirs]
