"""ebrec query, end to end: a recording of the default families while workloads with known
counts run, asked questions in bpftrace's language afterwards; and the same programs run live
under bpftrace (Debian's package) at the same time, whose output must be ebrec's."""
import os
import re
import shutil
import signal
import subprocess
import time
import uuid

import pytest

from conftest import EBREC, LiveBpftrace, Recording, ebrec, require_tool, workload

BPFTRACE = shutil.which("bpftrace")
TOOLS = "/usr/sbin"


def query(trace, program, check=0):
    """The output of a program run over trace (-e), and the exit status asserted."""
    p = ebrec("query", trace, "-e", program, check=None)
    assert p.returncode == check, p.stderr
    return p.stdout


def run_workloads(d, token, n_open, m_fail, n_exec, m_exec):
    target, missing = os.path.join(d, "openme"), os.path.join(d, "missing-" + token)
    open(target, "w").close()
    subprocess.run([workload("ebr-files"), "open", str(n_open), str(m_fail), target, missing],
                   check=True, capture_output=True)
    subprocess.run([workload("ebr-spawn"), str(n_exec), str(m_exec), "3", token], check=True,
                   capture_output=True)
    return target, missing


def test_known_counts_over_a_default_recording(live, disk_dir, out_dir):
    n_open, m_fail, n_exec, m_exec = 300, 40, 12, 5
    token = uuid.uuid4().hex[:10]
    trace = out_dir / "q.ebr"
    rec = Recording(trace, "proc,file")
    try:
        target, missing = run_workloads(disk_dir, token, n_open, m_fail, n_exec, m_exec)
    finally:
        rec.stop()

    # N failed opens by one process: the family's event and the tracepoint read from it
    assert query(trace, 'ebrec:file.open /comm == "ebr-files" && args.ret < 0/ '
                 '{ @[comm, args.path] = count(); }') == \
        f"\n\n@[ebr-files, {missing}]: {m_fail}\n"
    assert query(trace, 'tracepoint:syscalls:sys_exit_openat /comm == "ebr-files"/ '
                 '{ @[args->ret < 0 ? -1 : 0] = count(); }').count(f"@[-1]: {m_fail}\n") == 1

    # the latency idiom: entry and exit paired by tid give the recorded latency exactly
    paired = query(trace, 'tracepoint:syscalls:sys_enter_openat /comm == "ebr-files"/ '
                   '{ @s[tid] = nsecs; }\n'
                   'tracepoint:syscalls:sys_exit_openat /@s[tid]/ '
                   '{ @n = count(); @ns = sum(nsecs - @s[tid]); delete(@s[tid]); }')
    direct = query(trace, 'ebrec:file.open /comm == "ebr-files" && args.call == 2/ '
                   '{ @n = count(); @ns = sum(args.lat_ns); }')
    assert paired == direct + "\n"  # @s, empty at the end, prints as an empty line
    n = int(re.search(r"^@n: (\d+)$", direct, re.M).group(1))
    assert n >= n_open + m_fail  # and the loader's opens of the workload's libraries

    # K forks, execs and exits of one process tree
    spawn = workload("ebr-spawn")
    out = query(trace, f'tracepoint:sched:sched_process_fork /args->parent_comm == "ebr-spawn"/'
                f' {{ @forks = count(); }}\n'
                f'tracepoint:sched:sched_process_exec /args->filename == "{spawn}"/ '
                f'{{ @execs = count(); }}\n'
                f'ebrec:proc.exec /args.ret < 0 && args.filename == '
                f'"/nonexistent/ebr-missing-{token}"/ {{ @failed[args.ret] = count(); }}\n'
                f'tracepoint:sched:sched_process_exit /comm == "ebr-spawn"/ '
                f'{{ @exits = count(); }}')
    # the parent's own exec and exit are counted with its children's
    assert out == (f"\n\n@execs: {n_exec + 1}\n@exits: {n_exec + m_exec + 1}\n"
                   f"@failed[-2]: {m_exec}\n@forks: {n_exec + m_exec}\n")


def test_errors_before_any_event(live, out_dir):
    trace = out_dir / "e.ebr"
    rec = Recording(trace, "file")
    rec.stop()
    p = ebrec("query", trace, "-e", "tracepoint:signal:signal_generate { @ = count(); }",
              check=None)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.startswith("stdin:1:1-34: ERROR: tracepoint:signal:signal_generate: "
                               "this trace holds no such events; it holds: ebrec:file.open")
    assert "ebrec:proc.exec" not in p.stderr  # the proc family was not recorded
    p = ebrec("query", trace, "-e", 'ebrec:file.open { if (comm == 1) { exit(); } }', check=None)
    assert p.returncode == 2
    assert "Type mismatch for '==': comparing 'string' with 'int64'" in p.stderr
    p = ebrec("query", trace, os.path.join(TOOLS, "biolatency.bt"), check=None)
    if os.path.exists(os.path.join(TOOLS, "biolatency.bt")):
        assert p.returncode == 2 and "ebrec records no kprobes" in p.stderr


COMPARED = """
BEGIN { printf("ready\\n"); }
tracepoint:syscalls:sys_exit_openat /comm == "ebr-files"/ { @opens[args->ret < 0 ? -1 : 0] = count(); }
tracepoint:syscalls:sys_enter_openat /comm == "ebr-files"/ { @s[tid] = nsecs; }
tracepoint:syscalls:sys_exit_openat /@s[tid]/ { @paired = count(); delete(@s[tid]); }
tracepoint:sched:sched_process_fork /comm == "ebr-spawn"/ { @forks = count(); }
tracepoint:sched:sched_process_exec /comm == "ebr-spawn"/ { @execs[str(args->filename)] = count(); }
tracepoint:sched:sched_process_exit /comm == "ebr-spawn"/ { @exits = count(); }
END { clear(@s); }
"""


def test_same_output_as_live_bpftrace(live, disk_dir, out_dir):
    """bpftrace and ebrec record at the same time (bpftrace 0.17 reads this kernel's
    __data_loc strings with str(), its parent_comm not at all: the program keeps to what both
    read); the recording, queried, prints what bpftrace
    printed: the maps of a program whose probes are family events, and bpftrace's own
    opensnoop.bt and execsnoop.bt for the workload's processes."""
    require_tool("bpftrace", "live bpftrace is the reference")
    token = uuid.uuid4().hex[:10]
    prog = out_dir / "compared.bt"
    prog.write_text(COMPARED)
    trace = out_dir / "live.ebr"
    rec = Recording(trace, "proc,file")
    lives = []
    try:
        lives = [LiveBpftrace([str(prog)], "ready"),
                 LiveBpftrace([os.path.join(TOOLS, "opensnoop.bt")], "PID"),
                 LiveBpftrace([os.path.join(TOOLS, "execsnoop.bt")], "TIME(ms)")]
        run_workloads(disk_dir, token, 200, 30, 8, 3)
    finally:
        outs = [b.stop() for b in lives]
        rec.stop()
    live_maps, live_open, live_exec = outs

    ours = ebrec("query", trace, prog, check=None)
    assert ours.returncode == 0, ours.stderr
    # after the probes' output, both print two newlines and every map
    assert ours.stdout.endswith(live_maps[live_maps.index("\n\n"):]), (ours.stdout, live_maps)

    def rows(text, comm):
        return [ln for ln in text.splitlines() if ln.split()[1:2] == [comm]]

    ours_open = ebrec("query", trace, os.path.join(TOOLS, "opensnoop.bt"), check=0).stdout
    assert ours_open.splitlines()[:2] == ["Tracing open syscalls... Hit Ctrl-C to end.",
                                         "PID    COMM               FD ERR PATH"]
    assert rows(ours_open, "ebr-files") == rows(live_open, "ebr-files")
    assert len(rows(ours_open, "ebr-files")) >= 230

    # execsnoop.bt: the elapsed-time column differs (bpftrace's start is not the recording's).
    # Live bpftrace reads argv from the process's memory at sys_enter_execve, where a child's
    # pages copied at fork may not be mapped yet: its join() then prints nothing of them
    # (bpf_probe_read_user fails), and the line lacks the token. The recorder read them whole.
    ours_exec = ebrec("query", trace, os.path.join(TOOLS, "execsnoop.bt"), check=0).stdout

    def execs(text):
        return [ln.split(None, 1)[1] for ln in text.splitlines() if token in ln]

    ours_lines, live_lines = execs(ours_exec), execs(live_exec)
    assert len(ours_lines) == 2 + 8 + 3  # the two workloads, 8 children, 3 failed execs
    assert live_lines and all(ln in ours_lines for ln in live_lines), (live_lines, ours_lines)
    pids = [ln.split()[0] for ln in ours_lines]
    assert pids == sorted(pids, key=int)
