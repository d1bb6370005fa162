"""The commands around the file: bad input gets one line on stderr and exit 1 or 2."""
import json
import re
import os
import subprocess
import tempfile

import pytest

from conftest import REPO, ebrec, on_block_device, require_live, view, workload


@pytest.fixture
def trace(live, out_dir):
    t = out_dir / "ok.ebr"
    ebrec("record", "-o", t, "-e", "block", "-d", "1.2", check=0)
    return t


def one_line_error(p, status):
    assert p.returncode == status, (p.returncode, p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert "Traceback" not in p.stderr and lines[0].startswith("ebrec")
    return lines[0]


@pytest.mark.parametrize("cmd", [["info"], ["dump"], ["verify"], ["report"]])
def test_missing_file(cmd, out_dir):
    msg = one_line_error(ebrec(*cmd, out_dir / "nope.ebr"), 1)
    assert "No such file" in msg


@pytest.mark.parametrize("cmd", [["info"], ["dump"], ["verify"], ["report"]])
def test_empty_file(cmd, out_dir):
    (out_dir / "empty.ebr").write_bytes(b"")
    msg = one_line_error(ebrec(*cmd, out_dir / "empty.ebr"), 1)
    assert "empty" in msg


@pytest.mark.parametrize("cmd", [["info"], ["dump"], ["verify"], ["report"]])
def test_not_a_trace(cmd, out_dir):
    (out_dir / "x.ebr").write_bytes(b"hello, this is not a trace\n" * 10)
    msg = one_line_error(ebrec(*cmd, out_dir / "x.ebr"), 1)
    assert "not an ebrec trace" in msg


def test_usage_errors(out_dir):
    assert ebrec().returncode == 2  # prints the usage
    msg = one_line_error(ebrec("frobnicate"), 2)
    assert "unknown command" in msg
    (out_dir / "x.ebr").write_bytes(b"")
    msg = one_line_error(ebrec("report", out_dir / "x.ebr", "nosuchview"), 2)
    assert "unknown view" in msg
    msg = one_line_error(ebrec("report", out_dir / "x.ebr", "biolatency", "-Z"), 2)
    assert "-Z" in msg
    msg = one_line_error(ebrec("record", "-e", "nosuchfamily", "-d", "1"), 2)
    assert "unknown family" in msg
    msg = one_line_error(ebrec("record", "--buffer-size", "3K"), 2)
    assert "power of two" in msg
    msg = one_line_error(ebrec("record", "-d", "-1"), 2)
    assert "-d" in msg
    # options of families the default leaves out are refused, not silently ignored
    msg = one_line_error(ebrec("record", "--fs", "xfs", "-d", "1"), 2)
    assert "--fs applies to the file family" in msg and "add -e file" in msg
    msg = one_line_error(ebrec("record", "-e", "default,sched", "--min-us", "10", "-d", "1"), 2)
    assert "--min-us applies to the file and offcpu families" in msg
    assert ebrec("info").returncode == 2
    assert ebrec("report", "--format", "yaml", out_dir / "x.ebr").returncode == 2


def test_truncated_trace_reports_what_is_readable(trace, out_dir):
    data = trace.read_bytes()
    full = ebrec("report", trace, "biosnoop", check=0).stdout.splitlines()
    cut = out_dir / "cut.ebr"
    cut.write_bytes(data[: len(data) * 2 // 3])
    p = ebrec("report", cut, "biosnoop")
    assert p.returncode == 1
    assert "cut" in p.stderr or "truncated" in p.stderr or "ends" in p.stderr, p.stderr
    assert "damaged" in p.stderr
    rows = p.stdout.splitlines()
    assert rows[0] == full[0]  # the readable part is still reported
    v = ebrec("verify", cut)
    assert v.returncode == 1 and "FAILED" in v.stderr
    i = ebrec("info", cut)
    assert i.returncode == 1 and "(no index: scanned)" in i.stdout


def test_flipped_bit_is_named(trace, out_dir):
    data = bytearray(trace.read_bytes())
    data[len(data) // 2] ^= 0x10
    bad = out_dir / "flip.ebr"
    bad.write_bytes(bytes(data))
    v = ebrec("verify", bad)
    assert v.returncode == 1
    assert "block" in v.stderr and "offset" in v.stderr, v.stderr


def test_verify_and_dump_agree_with_info(trace):
    assert ebrec("verify", trace, check=0).stdout.endswith(" events\n")
    dump = ebrec("dump", trace, check=0).stdout.splitlines()
    info = ebrec("info", trace, check=0).stdout
    n = int(info.split("events:")[1].split()[0])
    assert len(dump) == n
    assert os.path.getsize(trace) > 0


def test_since_until_cut_every_view():
    """--since/--until: only that stretch reaches the views (the intact fixture has block
    I/O at 0, 1, ... 29 ms), said on stderr or in JSON; a bad value is a usage error."""
    fixture = os.path.join(REPO, "tests", "fixtures", "damaged", "intact.ebr")
    p = ebrec("report", fixture, "biosnoop", "--since", "0.005", "--until", "0.0155")
    assert p.returncode == 0
    rows = p.stdout.splitlines()[1:-2]  # the header; a blank line and the losses at the end
    assert [int(r.split()[5]) for r in rows] == [8 * i for i in range(5, 16)]  # I/O i: 8 i
    assert "from 0.005 s to 0.015 s of the recording" in p.stderr
    doc = json.loads(ebrec("report", fixture, "biosnoop", "--since", "0.025", "--format",
                           "json").stdout)
    assert len(doc["views"][0]["rows"]) == 5 and doc["window"] == {"since_s": 0.025}
    p = ebrec("report", fixture, "biosnoop", "--until", "noon")
    assert p.returncode == 2 and "--until takes seconds from the start" in p.stderr
    p = ebrec("report", fixture, "biosnoop", "--since", "10:00:00")
    assert p.returncode == 0 and "has no wall clock" in p.stderr


ROW_VIEWS = ["biosnoop", "execsnoop", "exitsnoop", "opensnoop", "fsslower", "tcplife",
             "tcpconnect", "tcpaccept", "tcpretrans", "tcpstates", "processes"]


@pytest.fixture(scope="module")
def every_family(tmp_path_factory):
    """A recording of every family while ebr-hostile (named ebr-cut-me) writes to the disk,
    opens 80 files, execs once, talks TCP on loopback and burns a second of CPU."""
    require_live()
    d = tempfile.mkdtemp(prefix="ebrec-e2e-", dir="/var/tmp" if on_block_device("/var/tmp")
                         else REPO)
    trace = tmp_path_factory.mktemp("cli") / "cut.ebr"
    ebrec("record", "-o", trace, "-e", "block,proc,file,tcp,sched,profile,offcpu", "--",
          workload("ebr-hostile"), d, "ebr-cut-me", check=0, errors="replace")
    pid = next(r["pid"] for r in view(trace, "execsnoop")["rows"]
               if r["args"].startswith(workload("ebr-hostile")))
    yield trace, pid, d
    subprocess.run(["rm", "-rf", d], check=False)


def test_p_and_comm_cut_every_view(every_family):
    """-p PID and --comm NAME, anywhere on the line, give each view exactly its unfiltered
    rows and values of that process: the submitter, the opener, the waiting or sampled task,
    the owner of a TCP session. cachestat is system-wide and says so."""
    trace, pid, d = every_family
    counted = {}
    for v in ROW_VIEWS:
        def rows_of(*opts):
            return view(trace, *opts)["rows"]

        rows = rows_of(v)
        by_pid = [r for r in rows if r["pid"] == pid]
        by_comm = [r for r in rows if r["comm"] == "ebr-cut-me"]
        assert rows_of(v, "-p", pid) == by_pid, v
        assert rows_of("-p", str(pid), v) == by_pid, v  # before the view too
        assert rows_of(v, "--comm", "ebr-cut-me") == by_comm, v
        assert rows_of(v, "--comm", "ebr-cut-me", "-p", pid) == \
            [r for r in by_pid if r["comm"] == "ebr-cut-me"], v
        counted[v] = (len(by_pid), len(by_comm))
    # what the workload did, seen through the filters: 20 direct writes of its file, 80
    # opens of the hostile names, one session each way (client and accepted server end)
    assert counted["biosnoop"][1] >= 20 and counted["opensnoop"][1] >= 80
    # exactly: its 20 synchronous direct 4 KiB writes (FUA or not, see test_block), and its
    # 80 opens of the hostile names in d and 1 of its data file
    mine = view(trace, "biosnoop", "--comm", "ebr-cut-me")["rows"]
    assert len([r for r in mine if r["bytes"] == 4096 and r["rwbs"] in ("WS", "WFS")]) == 20
    opens = [r["abspath"] for r in view(trace, "opensnoop", "-p", pid)["rows"]
             if r["abspath"].startswith(d + "/")]
    assert len(opens) == 81 and sum(p.endswith(".data") for p in opens) == 1
    assert counted["tcplife"] == (2, 2) and counted["tcpconnect"] == (1, 1)
    assert counted["tcpaccept"] == (1, 1)
    # histograms: the filtered total is the process's share of the per-process histograms
    per_pid = {h["pid"]: h["total"] for h in view(trace, "runqlat", "-P")["histograms"]}
    assert view(trace, "runqlat", "-p", pid)["histograms"][0]["total"] == per_pid[pid] > 0
    assert sum(h["total"] for h in view(trace, "biolatency", "-p", pid)["histograms"]) == \
        counted["biosnoop"][0]
    for v in ("profile", "offcputime"):
        stacks = view(trace, v)["stacks"]
        cut = view(trace, v, "--comm", "ebr-cut-me")["stacks"]
        assert cut and all(s["comm"] == "ebr-cut-me" for s in cut), v
        assert sum(s["count"] for s in cut) == \
            sum(s["count"] for s in stacks if s["comm"] == "ebr-cut-me"), v
    p = ebrec("report", trace, "cachestat", "-p", pid)
    assert p.returncode == 0 and "-p/--comm do not cut it" in p.stderr
    p = ebrec("report", trace, "opensnoop", "-p", "nobody")
    assert p.returncode == 2 and "-p takes a process id" in p.stderr


SUMMARY = [("block", ["biolatency", "biosnoop"]),
           ("proc", ["execsnoop", "exitsnoop", "processes"]),
           ("file", ["opensnoop", "fsslower", "cachestat"]),
           ("tcp", ["tcplife", "tcpretrans"]),
           ("sched", ["runqlat", "cpudist"]),
           ("profile", ["profile"]),
           ("offcpu", ["offcputime"])]


def test_summary_headlines_every_family(every_family):
    """`ebrec report FILE`: a headline a view of every recorded family, each pointing to its
    view, with numbers that agree with the views themselves."""
    trace, pid, d = every_family
    text = ebrec("report", trace, check=0).stdout
    assert [ln[3:] for ln in text.splitlines() if ln.startswith("== ")] == \
        [f for f, _ in SUMMARY]
    for _, views in SUMMARY:
        for v in views:
            assert re.search(rf"^{v} +\S", text, re.M), v
            assert f"more: ebrec report {trace} {v}\n" in text, v
    assert "all events: " in text and "host " in text

    doc = json.loads(ebrec("report", trace, "--format", "json", check=0).stdout)
    assert [f["family"] for f in doc["families"]] == [f for f, _ in SUMMARY]
    head = {v["view"]: v for f in doc["families"] for v in f["views"]}
    assert all(head[v]["command"] == f"ebrec report {trace} {v}" for v in head)
    assert all(f["losses"]["family"] == f["family"] for f in doc["families"])

    ios = view(trace, "biosnoop")["rows"]
    lat = sorted(round(r["lat_ms"] * 1e6) for r in ios)
    p = head["biolatency"]["percentiles"]
    assert head["biolatency"]["count"] == len(ios) == head["biosnoop"]["ios"] > 20
    assert p["max_ns"] == lat[-1] and p["min_ns"] == lat[0]
    for key, share in (("p50_ns", .5), ("p90_ns", .9), ("p99_ns", .99)):
        exact = lat[max(0, -(-len(lat) * int(share * 100) // 100) - 1)]
        assert abs(p[key] - exact) <= exact / 32, (key, p[key], exact)
    assert head["biosnoop"]["bytes"] == sum(r["bytes"] for r in ios)

    opens = view(trace, "opensnoop")["rows"]
    assert head["opensnoop"]["opens"] == len(opens)
    assert head["opensnoop"]["failed"] == sum(r["fd"] < 0 for r in opens)
    mine = [r for r in opens if r["pid"] == pid]
    assert head["opensnoop"]["top"][0] == {"pid": pid, "comm": "ebr-cut-me",
                                           "opens": len(mine)}
    assert head["execsnoop"]["execs"] == len(view(trace, "execsnoop")["rows"])
    sessions = view(trace, "tcplife", "--all")["rows"]
    assert head["tcplife"]["sessions"] == len(sessions) >= 2
    assert head["tcplife"]["top"][0]["tx_bytes"] + head["tcplife"]["top"][0]["rx_bytes"] == 1000
    assert head["runqlat"]["count"] == view(trace, "runqlat")["intervals"]
    prof = view(trace, "profile")
    assert head["profile"]["samples"] == prof["samples"]
    hot = head["profile"]["hottest"][0]
    assert hot["comm"] == "ebr-cut-me" and hot["frames"][:2] == ["burn", "main"]
    assert hot["value"] >= 0.8 * sum(s["count"] for s in prof["stacks"]
                                     if s["comm"] == "ebr-cut-me")

    # the filters cut the summary as they cut the views
    doc = json.loads(ebrec("report", trace, "-p", pid, "--format", "json", check=0).stdout)
    head = {v["view"]: v for f in doc["families"] for v in f["views"]}
    assert head["opensnoop"]["opens"] == len(mine)
    # (execsnoop's top are the parents of the execs; cgroups' are cgroups: the process's one)
    assert all(t["pid"] == pid for k, v in head.items() if k not in ("execsnoop", "cgroups")
               for t in v.get("top", []))
    assert len(head["cgroups"]["top"]) == 1
    assert head["biosnoop"]["top"] and head["tcplife"]["top"]
