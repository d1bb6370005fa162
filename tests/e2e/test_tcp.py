"""TCP family, end to end: real BPF, sessions whose ends, owners, bytes and durations are known
exactly (tests/workloads/ebr-tcp.c prints what it did)."""
import json
import socket
import subprocess
import uuid

import pytest

from conftest import Recording, check_documented, ebrec, view, workload

K = 4
DELAY_MS = 60


def life_tx(i):  # as ebr-tcp.c: distinct sizes, some over 1 MiB
    return 1000 + i * 700001


def life_rx(i):
    return 500 + i * 900007


def free_port(host):
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def run(*args):
    p = subprocess.run([workload("ebr-tcp"), *map(str, args)], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, (args, p.stdout, p.stderr)
    return p.stdout.split("\n")


def test_tcplife_connect_accept_are_exact(live, out_dir):
    trace = out_dir / "tcp.ebr"
    rec = Recording(trace, "tcp,proc")
    runs = {}
    try:
        for host in ("127.0.0.1", "::1"):
            port = free_port(host)
            runs[host] = (port, run("life", host, port, K, DELAY_MS))
    finally:
        rec.stop()

    life = view(trace, "tcplife")
    for host, (port, out) in runs.items():
        ip = 6 if ":" in host else 4
        cli, srv = map(int, out[0].split()[1:3])
        lports = [int(line.split()[2]) for line in out[1:] if line.startswith("session")]
        assert len(lports) == K
        rows = [r for r in life["rows"] if r["pid"] in (cli, srv)]
        assert len(rows) == 2 * K, rows
        for i, lport in enumerate(lports):
            c = [r for r in rows if r["lport"] == lport and r["rport"] == port]
            s = [r for r in rows if r["lport"] == port and r["rport"] == lport]
            assert len(c) == 1 and len(s) == 1, (i, rows)
            c, s = c[0], s[0]
            assert (c["pid"], c["comm"], c["owner"]) == (cli, "ebr-tcp-cli", "connect")
            assert (s["pid"], s["comm"], s["owner"]) == (srv, "ebr-tcp-srv", "accept")
            assert (c["tx_bytes"], c["rx_bytes"]) == (life_tx(i), life_rx(i))
            assert (s["tx_bytes"], s["rx_bytes"]) == (life_rx(i), life_tx(i))
            for r in (c, s):
                assert r["ip"] == ip and r["laddr"] == host and r["raddr"] == host
                assert DELAY_MS <= r["duration_ms"] < DELAY_MS + 10000
                assert not r["began_before"] and not r["open_at_end"]
                assert r["args"].startswith(workload("ebr-tcp") + " life " + host)

        connects = view(trace, "tcpconnect", "-p", cli)["rows"]
        assert len(connects) == K
        assert {(r["comm"], r["ip"], r["raddr"], r["rport"]) for r in connects} == \
            {("ebr-tcp-cli", ip, host, port)}
        accepts = view(trace, "tcpaccept", "-p", srv)["rows"]
        assert len(accepts) == K
        assert sorted(r["rport"] for r in accepts) == sorted(lports)
        assert {(r["comm"], r["lport"]) for r in accepts} == {("ebr-tcp-srv", port)}
        lat = view(trace, "tcpconnlat", "-p", cli)["rows"]
        assert len(lat) == K and all(0 < r["lat_ms"] < 1000 for r in lat)
        # filters: the other family, and the local port of the servers
        other = "-6" if ip == 4 else "-4"
        assert view(trace, "tcplife", other, "-p", cli)["rows"] == []
        assert len(view(trace, "tcplife", "-L", port)["rows"]) == K
        assert len(view(trace, "tcplife", "-D", port, "-p", cli)["rows"]) == K
        # every state change of both ends, as bcc's reference tcpstates shows them
        by_sock = {}
        for r in view(trace, "tcpstates", "-D", port)["rows"] + \
                view(trace, "tcpstates", "-L", port)["rows"]:
            by_sock.setdefault(r["cookie"], []).append((r["oldstate"], r["newstate"]))
        client = [("CLOSE", "SYN_SENT"), ("SYN_SENT", "ESTABLISHED"),
                  ("ESTABLISHED", "FIN_WAIT1"), ("FIN_WAIT1", "FIN_WAIT2"),
                  ("FIN_WAIT2", "CLOSE")]
        server = [("LISTEN", "SYN_RECV"), ("SYN_RECV", "ESTABLISHED"),
                  ("ESTABLISHED", "CLOSE_WAIT"), ("CLOSE_WAIT", "LAST_ACK"),
                  ("LAST_ACK", "CLOSE")]
        seqs = sorted(by_sock.values())
        assert seqs.count(client) == K and seqs.count(server) == K, seqs
        assert seqs.count([("CLOSE", "LISTEN"), ("LISTEN", "CLOSE")]) == 1  # the listener
        # -w: libbpf-tools' wide columns, with the IP version
        wide = ebrec("report", trace, "tcpstates", "-w", "-D", port, check=0).stdout
        head, *rows = [l.split() for l in wide.splitlines() if l.strip()][:-1]
        assert head[:6] == ["TIME(s)", "SKADDR", "C-PID", "C-COMM", "IP", "LADDR"]
        assert len(rows) == 5 * K and {r[4] for r in rows} == {str(ip)}

    text = ebrec("report", trace, "tcplife", "-p", cli, check=0).stdout.splitlines()
    assert text[0].split() == ["TIME(s)", "PID", "COMM", "LADDR", "LPORT", "RADDR", "RPORT",
                               "TX_KB", "RX_KB", "MS"]
    first = text[1].split()
    assert first[1:3] == [str(cli), "ebr-tcp-cli"]
    assert first[7:9] == [f"{life_tx(0) / 1024:.2f}", f"{life_rx(0) / 1024:.2f}"]
    assert text[-1] == "tcp events: %d emitted, 0 lost" % life["losses"]["emitted"]


def test_refused_connect_and_reset_are_visible(live, out_dir):
    trace = out_dir / "rst.ebr"
    closed, port = free_port("127.0.0.1"), free_port("::1")
    rec = Recording(trace, "tcp")
    try:
        refused = run("refuse", "127.0.0.1", closed)
        aborted = run("abort", "::1", port)
    finally:
        rec.stop()
    rpid = int(refused[0].split()[1])
    f = aborted[0].split()  # pids CLI SRV lport LPORT
    cli, srv, lport = int(f[1]), int(f[2]), int(f[4])

    states = view(trace, "tcpstates", "-D", closed)["rows"]
    mine = [(r["oldstate"], r["newstate"]) for r in states if r["pid"] == rpid]
    assert mine == [("CLOSE", "SYN_SENT"), ("SYN_SENT", "CLOSE")]

    rst = view(trace, "tcpretrans", "-R")
    assert check_documented(rst) > 0  # the keys docs/JSON.md gives (the seeds have no rows)
    rows = rst["rows"]
    # the refused SYN: a reset sent where nothing listened, and received by the connect
    assert [r for r in rows if r["type"] == "S" and r["lport"] == closed]
    assert [r for r in rows if r["type"] == "K" and r["rport"] == closed and r["pid"] == rpid]
    # SO_LINGER 0: the client resets, the server receives it
    assert [r for r in rows if r["type"] == "S" and r["rport"] == port and r["pid"] == cli]
    assert [r for r in rows if r["type"] == "K" and r["lport"] == port and r["pid"] == srv
            and r["rport"] == lport]
    assert rst["resets_sent"] >= 2 and rst["resets_received"] >= 2

    life = {r["pid"]: r for r in view(trace, "tcplife", "-L", port)["rows"]}
    assert life[srv]["resets_received"] == 1
    assert view(trace, "tcplife", "-p", rpid)["rows"][0]["resets_received"] == 1


@pytest.fixture
def netns_pair():
    """Two network namespaces joined by a veth pair: 10.201.0.1 (a) and 10.201.0.2 (b)."""
    tag = uuid.uuid4().hex[:6]
    a, b = f"ebr-a-{tag}", f"ebr-b-{tag}"
    cmds = [f"ip netns add {a}", f"ip netns add {b}",
            f"ip link add va{tag} netns {a} type veth peer name vb{tag} netns {b}",
            f"ip -n {a} addr add 10.201.0.1/24 dev va{tag}",
            f"ip -n {b} addr add 10.201.0.2/24 dev vb{tag}",
            f"ip -n {a} link set va{tag} up", f"ip -n {b} link set vb{tag} up"]
    try:
        for c in cmds:
            subprocess.run(c.split(), check=True, capture_output=True)
        yield a, b, f"vb{tag}"
    finally:
        subprocess.run(["ip", "netns", "del", a], capture_output=True)
        subprocess.run(["ip", "netns", "del", b], capture_output=True)


def test_fork_per_connection_server_rows_name_the_worker(live, out_dir):
    """A server that forks a worker per connection (as PostgreSQL's postmaster and sshd do):
    every server row names the worker that served and closed the session (owner "serve"),
    with the process that accepted it beside it (accept_pid, accept_comm); the client rows
    stay the connecting process's."""
    trace = out_dir / "tcp-fork.ebr"
    rec = Recording(trace, "tcp,proc")
    try:
        port = free_port("127.0.0.1")
        out = run("forkserve", "127.0.0.1", port, K)
    finally:
        rec.stop()
    cli, srv = map(int, out[0].split()[1:3])
    workers = {int(line.split()[2]): int(line.split()[1]) for line in out
               if line.startswith("worker")}
    assert len(workers) == K
    rows = view(trace, "tcplife")["rows"]
    served = [r for r in rows if r["lport"] == port and r["rport"] in workers]
    assert len(served) == K, rows
    for r in served:
        assert (r["pid"], r["comm"], r["owner"]) == (workers[r["rport"]], "ebr-tcp-wrk", "serve")
        assert (r["accept_pid"], r["accept_comm"]) == (srv, "ebr-tcp-srv")
    clients = [r for r in rows if r["rport"] == port and r["lport"] in workers]
    assert {(r["pid"], r["owner"]) for r in clients} == {(cli, "connect")}
    text = ebrec("report", trace, "tcplife", check=0).stdout
    for rport, pid in workers.items():
        assert any(f" {pid} " in line and "ebr-tcp-wrk" in line and f" {rport} " in line
                   for line in text.splitlines()), (rport, pid, text)


def test_fork_per_connection_workers_are_named_by_their_titles(live, out_dir):
    """Workers that set their title after fork, as PostgreSQL's backends do
    ("ebr-serve: worker 127.0.0.1(PORT)", their argument memory rewritten): the title is
    recorded at a worker's exit, or at the end of the recording for the one still running
    then (its session still open: the end's socket snapshot names it as the worker), and every
    server row of tcplife carries the title that names its client's port.
    Titles are written only when they differ from the arguments: the server and the client,
    which kept theirs, have none."""
    trace = out_dir / "tcp-titles.ebr"
    port = free_port("127.0.0.1")
    rec = Recording(trace, "tcp,proc")
    p = subprocess.Popen([workload("ebr-tcp"), "titleserve", "127.0.0.1", str(port), str(K)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        lines = []
        while not lines or not lines[-1].startswith("lingering"):
            lines.append(p.stdout.readline())
            assert lines[-1], lines
    finally:
        rec.stop()
        out, _ = p.communicate("go\n", timeout=60)
    assert p.returncode == 0
    lines += out.splitlines()
    cli, srv = map(int, lines[0].split()[1:3])
    workers = {int(line.split()[2]): int(line.split()[1]) for line in lines
               if line.startswith("worker")}
    lingering = int(lines[[l.startswith("lingering") for l in lines].index(True)].split()[1])
    assert len(workers) == K and lingering in workers.values()

    doc = view(trace, "tcplife", "--all")
    assert check_documented(doc) > 0
    served = [r for r in doc["rows"] if r["lport"] == port and r["rport"] in workers]
    assert len(served) == K, doc["rows"]
    for r in served:
        assert (r["pid"], r["owner"]) == (workers[r["rport"]], "serve")
        assert (r["accept_pid"], r["open_at_end"]) == (srv, r["pid"] == lingering), r
        assert r["title"] == f"ebr-serve: worker 127.0.0.1({r['rport']})", r
    clients = [r for r in doc["rows"] if r["rport"] == port]
    assert len(clients) == K and all("title" not in r for r in clients)
    # one title per worker, at its exit or (the lingering one) at the end; none for the
    # server and the client (other processes of the host may have titles of their own)
    mine = {cli, srv, *workers.values()}
    titles = [e for e in map(json.loads, ebrec("dump", trace, "--json").stdout.splitlines())
              if e["type"] == "proc.title" and e["fields"]["pid"] in mine]
    by_pid = {e["fields"]["pid"]: e["fields"] for e in titles}
    assert len(titles) == K and set(by_pid) == set(workers.values()), titles
    for rport, pid in workers.items():
        assert by_pid[pid]["title"] == f"ebr-serve: worker 127.0.0.1({rport})"
        assert by_pid[pid]["reason"] == (2 if pid == lingering else 1)
    # the text rows end with the title
    text = ebrec("report", trace, "tcplife", "--all", "-L", port, check=0).stdout
    for rport, pid in workers.items():
        assert any(line.split()[1] == str(pid) and
                   line.endswith(f"[ebr-serve: worker 127.0.0.1({rport})]")
                   for line in text.splitlines()[1:-1]), (rport, pid, text)


def test_retransmits_show_with_addresses_and_owner(live, out_dir, netns_pair):
    """Loss without netem (not in this kernel): the receiver's link goes down for 1.5 s in
    the middle of a transfer, so the sender retransmits until it comes back."""
    a, b, link = netns_pair
    trace = out_dir / "rt.ebr"
    port = 18700
    rec = Recording(trace, "tcp")
    try:
        srv = subprocess.Popen(["ip", "netns", "exec", b, workload("ebr-tcp"), "serve",
                                "10.201.0.2", str(port)], stdout=subprocess.PIPE, text=True)
        assert srv.stdout.readline().startswith("listening")
        cli = subprocess.Popen(["ip", "netns", "exec", a, workload("ebr-tcp"), "send",
                                "10.201.0.2", str(port), "400000"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        _, cpid, lport = cli.stdout.readline().split()
        subprocess.run(["ip", "-n", b, "link", "set", link, "down"], check=True)
        cli.stdin.write("go\n")
        cli.stdin.flush()
        subprocess.run(["sleep", "1.5"], check=True)
        subprocess.run(["ip", "-n", b, "link", "set", link, "up"], check=True)
        assert cli.stdout.readline() == "sent 400000\n"
        assert cli.wait(timeout=60) == 0
        assert srv.stdout.readline() == "received 400000\n"
        srv.wait(timeout=60)
    finally:
        rec.stop()

    rt = view(trace, "tcpretrans", "-D", port)
    assert rt["rows"], "no retransmit recorded"
    for r in rt["rows"]:
        assert (r["type"], r["pid"], r["comm"]) == ("R", int(cpid), "ebr-tcp-cli")
        assert (r["laddr"], r["lport"], r["raddr"], r["rport"]) == \
            ("10.201.0.1", int(lport), "10.201.0.2", port)
    counts = view(trace, "tcpretrans", "-c", "-D", port)["rows"]
    assert len(counts) == 1 and counts[0]["retransmits"] == len(rt["rows"])
    life = [r for r in view(trace, "tcplife", "-D", port)["rows"]]
    assert len(life) == 1 and life[0]["tx_bytes"] == 400000
    assert life[0]["retransmits"] == len(rt["rows"])


def test_sessions_open_at_start_or_end_are_marked(live, out_dir):
    """One session open before the recording and closed during it; one opened during it and
    still open at its end: listed only under --all, marked, with their owners and bytes."""
    trace = out_dir / "hold.ebr"
    before = subprocess.Popen([workload("ebr-tcp"), "hold", "127.0.0.1",
                               str(free_port("127.0.0.1")), "3000", "5000"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    after = None
    try:
        b_cli, b_srv, b_lport = map(int, before.stdout.readline().split()[1:])
        rec = Recording(trace, "tcp")
        try:
            after = subprocess.Popen([workload("ebr-tcp"), "hold", "::1",
                                      str(free_port("::1")), "7000", "9000"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            a_cli, a_srv, a_lport = map(int, after.stdout.readline().split()[1:])
            before.stdin.write("close\n")
            before.stdin.flush()
            assert before.wait(timeout=30) == 0
        finally:
            rec.stop()
        after.stdin.write("close\n")
        after.stdin.flush()
        assert after.wait(timeout=30) == 0
    finally:
        before.kill()
        if after:
            after.kill()

    pids = (b_cli, b_srv, a_cli, a_srv)
    assert [r for r in view(trace, "tcplife")["rows"] if r["pid"] in pids] == []
    rows = {r["pid"]: r for r in view(trace, "tcplife", "--all")["rows"] if r["pid"] in pids}
    assert set(rows) == set(pids)
    for pid, comm, tx, rx in ((b_cli, "ebr-tcp-cli", 3000, 5000),
                              (b_srv, "ebr-tcp-srv", 5000, 3000)):
        r = rows[pid]
        assert (r["comm"], r["tx_bytes"], r["rx_bytes"]) == (comm, tx, rx)
        assert r["began_before"] and not r["open_at_end"] and r["owner"] == "snapshot"
    assert rows[b_cli]["lport"] == b_lport
    for pid, comm, tx, rx, owner in ((a_cli, "ebr-tcp-cli", 7000, 9000, "connect"),
                                     (a_srv, "ebr-tcp-srv", 9000, 7000, "accept")):
        r = rows[pid]
        assert (r["comm"], r["tx_bytes"], r["rx_bytes"], r["owner"]) == (comm, tx, rx, owner)
        assert not r["began_before"] and r["open_at_end"]
    assert rows[a_cli]["lport"] == a_lport
    text = ebrec("report", trace, "tcplife", "--all", "-p", b_cli, check=0).stdout
    assert "began before the recording" in text.splitlines()[1]
    text = ebrec("report", trace, "tcplife", "--all", "-p", a_srv, check=0).stdout
    assert text.splitlines()[1].endswith("open at the end")
