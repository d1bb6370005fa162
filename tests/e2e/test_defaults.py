"""What a recording without -e takes, end to end: the families that fit the budget of a server's
CPU (block, proc, tcp, profile), and not one system call tracepoint, since any of them puts
every system call of every process on the kernel's tracing path (docs/ARCHITECTURE.md, "What
recording costs"). What the default leaves out, each view says."""
import re
import uuid

from conftest import Recording, ebrec, view, workload
from test_tcp import DELAY_MS, K, free_port, life_rx, life_tx, run


def attached(trace):
    """family -> the tracepoints the recording attached (ebrec info's family.F.tracepoints)."""
    info = ebrec("info", trace, check=0).stdout
    fams = re.search(r"^families:  (\S+)$", info, re.M).group(1).split(",")
    # a value is folded over lines at commas: each continuation line starts with spaces
    tps = {}
    for m in re.finditer(r"^  (\w+)\.tracepoints +(\S+(?:\n {20,}\S+)*)", info, re.M):
        tps[m.group(1)] = "".join(m.group(2).split()).split(",")
    return fams, tps


def test_the_default_takes_successful_execs_without_a_syscall_tracepoint(live, out_dir):
    n, m, code = 6, 3, 5
    token = uuid.uuid4().hex[:12]
    trace = out_dir / "default.ebr"
    spawn = workload("ebr-spawn")
    p = ebrec("record", "-o", trace, "--", spawn, n, m, code, token, check=0)
    parent = int(p.stdout.split()[1])

    fams, tps = attached(trace)
    assert fams == ["block", "proc", "tcp", "profile"]
    assert set(tps) == set(fams) - {"profile"} and "sched:sched_process_exec" in tps["proc"]
    assert not [tp for f in tps.values() for tp in f if tp.startswith("syscalls:")], tps
    doc = view(trace, "execsnoop", "-n", token)
    assert doc["recorded_failed_execs"] is False
    rows = doc["rows"]
    # every successful exec, exactly, with its arguments from the new program's stack
    kids = [r for r in rows if r["ppid"] == parent]
    assert len(kids) == n and all(r["ret"] == 0 for r in kids)
    assert all(r["args"] == f"{spawn} --child {token} {code}" and r["comm"] == "ebr-spawn"
               for r in kids)
    assert all(r["filename"] == spawn for r in kids)
    # the failed ones are not seen, and the text says so
    assert [r["pid"] for r in rows if r["ppid"] != parent] == [parent]
    text = ebrec("report", trace, "execsnoop", "-n", token, check=0).stdout
    assert "note: recorded without '-e proc': successful execs only" in text
    # their exits are: the process table knows every child
    exits = [r for r in view(trace, "exitsnoop")["rows"] if r["ppid"] == parent]
    assert sorted(r["exit_code"] for r in exits) == [code] * n + [127] * m
    # a query of the execve tracepoints would read these execs as if they were its own: refused
    q = ebrec("query", trace, "-e", "tracepoint:syscalls:sys_exit_execve { @ = count(); }",
              check=2)
    assert "recorded without that system call tracepoint" in q.stderr
    assert "-e proc" in q.stderr
    q = ebrec("query", trace, "-e", "tracepoint:sched:sched_process_exec "
              '/comm == "ebr-spawn"/ { @ = count(); }', check=0)
    assert q.stdout.split() == ["@:", str(n + 1)], q.stdout


def test_default_in_events_names_the_defaults_as_they_are(live, out_dir):
    trace = out_dir / "plus.ebr"
    ebrec("record", "-o", trace, "-e", "default,sched", "-d", "0.3", check=0)
    fams, tps = attached(trace)
    assert fams == ["block", "proc", "tcp", "profile", "sched"]
    assert "sched" in tps and "proc" in tps
    assert not [tp for f in tps.values() for tp in f if tp.startswith("syscalls:")], tps
    # named by its own name, a family is recorded whole
    ebrec("record", "-f", "-o", trace, "-e", "default,proc", "-d", "0.3", check=0)
    fams, tps = attached(trace)
    assert fams == ["block", "proc", "tcp", "profile"]
    assert "syscalls:sys_exit_execve" in tps["proc"] and "tcp" in tps
    assert not [tp for tp in tps["tcp"] if tp.startswith("syscalls:")]
    assert view(trace, "execsnoop")["recorded_failed_execs"] is True
    # in either order
    ebrec("record", "-f", "-o", trace, "-e", "proc,default", "-d", "0.3", check=0)
    fams, tps = attached(trace)
    assert fams == ["proc", "block", "tcp", "profile"]
    assert "syscalls:sys_exit_execve" in tps["proc"]


def test_the_default_names_a_passive_sessions_owner_from_its_close(live, out_dir):
    """Without accept's tracepoint, the server's sessions are still its own: the server
    closes each (LAST_ACK), in its own context. tcpaccept has nothing, and says why."""
    trace = out_dir / "tcp.ebr"
    rec = Recording(trace, None)
    try:
        port = free_port("127.0.0.1")
        out = run("life", "127.0.0.1", port, K, DELAY_MS)
    finally:
        rec.stop()
    cli, srv = map(int, out[0].split()[1:3])
    lports = [int(line.split()[2]) for line in out[1:] if line.startswith("session")]
    rows = [r for r in view(trace, "tcplife")["rows"] if r["pid"] in (cli, srv)]
    assert len(rows) == 2 * K, rows
    for i, lport in enumerate(lports):
        s = [r for r in rows if r["lport"] == port and r["rport"] == lport]
        assert len(s) == 1, (i, rows)
        assert (s[0]["pid"], s[0]["comm"], s[0]["owner"]) == (srv, "ebr-tcp-srv", "close")
        assert (s[0]["tx_bytes"], s[0]["rx_bytes"]) == (life_rx(i), life_tx(i))
    doc = view(trace, "tcpaccept")
    assert doc["recorded_accepts"] is False and doc["rows"] == []
    text = ebrec("report", trace, "tcpaccept", check=0).stdout
    assert "note: recorded without '-e tcp': accepts were not traced" in text
