"""`ebrec export`, end to end: real recordings of known workloads exported to every format and
read back by the formats' own readers, with counts equal to what `ebrec info` and `ebrec
report --format json` say of the same trace: Perfetto's protobuf through protoc --decode_raw
and a decoder of its wire format written here from perfetto's protos; pprof through
`go tool pprof`; speedscope's JSON against its published schema (from the npm package
speedscope); JSON Lines of two traces through a real DuckDB (@duckdb/node-api), as one table.

The readers are installed by `make deps` (golang-go, protobuf-compiler, npm,
python3-jsonschema) and, for the npm packages, into build/npm by the fixture below."""
import gzip
import json
import os
import re
import subprocess

import pytest

from conftest import EBREC, REPO, ebrec, require_live, view, workload

NPM = os.path.join(REPO, "build", "npm")
DUCKDB = os.path.join(NPM, "node_modules", "@duckdb", "node-api")
SPEEDSCOPE_SCHEMA = os.path.join(NPM, "node_modules", "speedscope", "dist", "release",
                                 "file-format-schema.json")
CHAIN = ["main", "ebr_outer_alpha", "ebr_middle_beta", "ebr_inner_gamma"]  # root first
SAMPLE = os.path.join(REPO, "samples", "pgbench")


@pytest.fixture(scope="module")
def npm_packages():
    """DuckDB's node API and speedscope (its schema) in build/npm, installed when missing."""
    if not (os.path.isdir(DUCKDB) and os.path.exists(SPEEDSCOPE_SCHEMA)):
        p = subprocess.run(["npm", "install", "--prefix", NPM, "--no-audit", "--no-fund",
                            "@duckdb/node-api@1.5.6-r.1", "speedscope@1.25.0"],
                           capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stderr[-2000:]
    return NPM


def counts(trace):
    """Events per type, from `ebrec info`."""
    out = ebrec("info", trace, check=0).stdout
    block = out.split("\nevents:", 1)[1].split("\nlosses:", 1)[0]
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^  ([a-z]+\.[a-z]+)\s+(\d+)$", block, re.M)}


def export(trace, fmt, out, *opts):
    p = ebrec("export", trace, "--format", fmt, "-o", out, *opts, check=0)
    assert p.stderr == "", p.stderr
    return out


def record_all(trace, disk_dir):
    """Every family at once: a CPU burner with known functions, 20 direct writes, 3 TCP
    sessions, a thread sleeping 5 x 20 ms."""
    stacks, blkio, tcp = workload("ebr-stacks"), workload("ebr-blkio"), workload("ebr-tcp")
    script = (f"{stacks} burn 1 && {stacks} sleep 5 20 && "
              f"{blkio} {os.path.join(disk_dir, 'data')} 20 && "
              f"{tcp} life 127.0.0.1 0 3 20")
    ebrec("record", "-o", trace, "-e", "block,proc,file,tcp,sched,profile,offcpu", "--",
          "sh", "-c", script, check=0)
    return trace


@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    """Two recordings, as two hosts of a fleet would make."""
    require_live()
    d = tmp_path_factory.mktemp("export")
    disk = tempfile_on_disk()
    try:
        a = record_all(d / "a.ebr", disk)
        b = d / "b.ebr"
        ebrec("record", "-o", b, "-e", "block,proc,tcp", "--", "sh", "-c",
              f"{workload('ebr-blkio')} {os.path.join(disk, 'data')} 10 && "
              f"{workload('ebr-tcp')} life 127.0.0.1 0 2 20", check=0)
    finally:
        subprocess.run(["rm", "-rf", disk], check=False)
    return d, a, b


def tempfile_on_disk():
    import tempfile
    for base in ("/var/tmp", REPO, "/root"):
        if os.path.isdir(base) and os.major(os.stat(base).st_dev) != 0:
            return tempfile.mkdtemp(prefix="ebrec-export-", dir=base)
    pytest.fail("no directory on a block device for the I/O workload")


# ------------------------------------------------------------------ Perfetto's wire format

def varint(b, i):
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return v, i


def fields(b):
    """(field, wire type, value) of one protobuf message: ints, or the bytes of a LEN."""
    i, out = 0, []
    while i < len(b):
        tag, i = varint(b, i)
        num, wire = tag >> 3, tag & 7
        if wire == 0:
            v, i = varint(b, i)
        elif wire == 1:
            v, i = int.from_bytes(b[i:i + 8], "little"), i + 8
        elif wire == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        elif wire == 5:
            v, i = int.from_bytes(b[i:i + 4], "little"), i + 4
        else:
            raise AssertionError(f"wire type {wire} at {i}")
        out.append((num, wire, v))
    assert i == len(b), "a field runs past its message"
    return out


def first(fs, num, default=None):
    return next((v for n, _, v in fs if n == num), default)


def read_perfetto(path):
    """What the trace holds, decoded from protos/perfetto/trace/*.proto's field numbers."""
    with open(path, "rb") as f:
        data = f.read()
    got = {"switches": 0, "slices": {}, "instants": {}, "samples": 0, "tracks": {},
           "counters": {}, "clocks": None, "processes": {}, "cmdlines": {}, "ts": []}
    ends = {}
    for num, wire, pkt in fields(data):
        assert (num, wire) == (1, 2), "a Trace is packets (field 1) only"
        p = fields(pkt)
        ts = first(p, 8)
        for n, _, v in p:
            if n == 6:  # clock_snapshot
                got["clocks"] = ({first(fields(c), 1): first(fields(c), 2)
                                  for k, _, c in fields(v) if k == 1}, first(fields(v), 2))
            elif n == 1:  # ftrace_events: FtraceEventBundle
                for k, _, ev in fields(v):
                    if k == 2 and first(fields(ev), 4) is not None:
                        got["switches"] += 1
            elif n == 60:  # track_descriptor
                d = fields(v)
                got["tracks"][first(d, 1)] = (first(d, 2, b"").decode(), first(d, 5),
                                             first(d, 8) is not None)
            elif n == 11:  # track_event
                e = fields(v)
                kind, track = first(e, 9), first(e, 11)
                if kind == 1:
                    got["slices"].setdefault(track, []).append(ts)
                elif kind == 2:
                    ends.setdefault(track, []).append(ts)
                elif kind == 3:
                    got["instants"][track] = got["instants"].get(track, 0) + 1
                elif kind == 4:
                    got["counters"].setdefault(track, []).append(first(e, 30))
            elif n == 66:  # perf_sample
                s = fields(v)
                assert first(s, 4), "a sample without its callstack"
                got["samples"] += 1
            elif n == 2:  # process_tree
                for k, _, pr in fields(v):
                    if k == 1:
                        f = fields(pr)
                        got["processes"][first(f, 1)] = first(f, 2)
                        got["cmdlines"][first(f, 1)] = [c.decode(errors="replace")
                                                        for n2, _, c in f if n2 == 3]
        if ts is not None:
            got["ts"].append(ts)
    for track, begins in got["slices"].items():
        assert len(ends.get(track, [])) == len(begins), track
    return got


def slices_named(got, name):
    """Slices on the lanes named name (children of a disk, thread or process track)."""
    return sum(len(v) for t, v in got["slices"].items() if got["tracks"][t][0] == name)


def test_perfetto_trace_reads_back_with_the_traces_counts(traces, tmp_path):
    _, trace, _ = traces
    out = export(trace, "perfetto", tmp_path / "a.perfetto-trace")
    # protoc reads it as protobuf, whole
    with open(out, "rb") as f:
        p = subprocess.run(["protoc", "--decode_raw"], stdin=f, capture_output=True)
    assert p.returncode == 0 and len(p.stdout) > 1000, p.stderr[-500:]

    n = counts(trace)
    got = read_perfetto(out)
    assert got["switches"] == n["sched.switch"]
    assert got["samples"] == n["profile.sample"] == view(trace, "profile")["samples"]
    ios = len(view(trace, "biosnoop")["rows"])
    disks = [name for name, parent, _ in got["tracks"].values() if name.startswith("disk ")]
    assert ios == n["block.rq"] and disks
    assert slices_named(got, "block I/O") == ios  # on the submitting threads
    assert sum(len(v) for t, v in got["slices"].items()
               if got["tracks"][got["tracks"][t][1] or t][0].startswith("disk ")) == ios
    opens = len(view(trace, "opensnoop")["rows"])
    assert slices_named(got, "syscalls") == n.get("file.open", 0) + n.get("file.slow", 0)
    assert opens == n.get("file.open", 0)
    sessions = [r for r in view(trace, "tcplife", "--all")["rows"]]
    assert slices_named(got, "TCP") == len(sessions) >= 6  # 3 sessions, both ends
    # a counter track per probe: its losses, window by window, add up to info's
    info = ebrec("info", trace, check=0).stdout
    lost = {m.group(1): int(m.group(2))
            for m in re.finditer(r"^  (\w+/\w+)\s+emitted \d+, lost (\d+)", info, re.M)}
    tracks = {name[len("lost events: "):]: t for t, (name, _, c) in got["tracks"].items()
              if name.startswith("lost events: ")}
    assert set(tracks) == set(lost)
    assert all(sum(got["counters"].get(t, [])) == lost[p] for p, t in tracks.items())
    # the clocks: BOOTTIME primary, MONOTONIC and REALTIME stated at the start
    clocks, primary = got["clocks"]
    assert primary == 6 and set(clocks) == {1, 3, 6}
    assert clocks[6] >= clocks[3] and min(got["ts"]) >= clocks[6] - 10**9
    # the burner's process with its command line
    burner = [pid for pid, cmd in got["cmdlines"].items() if cmd[:2] == [workload("ebr-stacks"), "burn"]]
    assert len(burner) == 1


def test_perfetto_export_takes_the_cuts(traces, tmp_path):
    _, trace, _ = traces
    whole = read_perfetto(export(trace, "perfetto", tmp_path / "all.pf"))
    rows = view(trace, "biosnoop")["rows"]
    pid = next(r["pid"] for r in rows if r["comm"] == "ebr-blkio")
    mine = read_perfetto(export(trace, "perfetto", tmp_path / "p.pf", "-p", pid))
    assert slices_named(mine, "block I/O") == sum(1 for r in rows if r["pid"] == pid) >= 20
    assert mine["samples"] < whole["samples"] and mine["switches"] < whole["switches"]
    cut = read_perfetto(export(trace, "perfetto", tmp_path / "w.pf", "--since", "0",
                               "--until", "0.000001"))
    assert cut["switches"] < whole["switches"]


# ------------------------------------------------------------------ pprof

def pprof_top(path, *opts):
    env = dict(os.environ, HOME=str(os.path.dirname(path)), GOTOOLCHAIN="local",
               PPROF_TMPDIR=str(os.path.dirname(path)))
    p = subprocess.run(["go", "tool", "pprof", "-top", "-nodecount=100000", "-nodefraction=0",
                        *opts, str(path)],
                       capture_output=True, text=True, timeout=120, env=env)
    assert p.returncode == 0, p.stderr[-1000:]
    total = re.search(r"of (\S+) total", p.stdout).group(1)
    rows = {}
    for line in p.stdout.splitlines():
        m = re.match(r"\s*(\S+)\s+\S+%\s+\S+%\s+(\S+)\s+\S+%\s+(.*)$", line)
        if m and m.group(1) != "flat":
            rows[m.group(3)] = (m.group(1), m.group(2))
    return total, rows


def test_pprof_names_the_burners_functions_with_the_right_counts(traces, tmp_path):
    _, trace, _ = traces
    out = export(trace, "pprof", tmp_path / "cpu.pb.gz")
    with open(out, "rb") as f:
        assert f.read(2) == b"\x1f\x8b"  # gzip
    prof = view(trace, "profile")
    total, rows = pprof_top(out, "-sample_index=samples")
    assert int(total) == prof["samples"]
    rows = {k: tuple(map(int, v)) for k, v in rows.items()}
    # every sample under ebr_outer_alpha, as the profile view counts them
    under = sum(s["count"] for s in prof["stacks"] if "ebr_outer_alpha" in s["user"])
    leaf = sum(s["count"] for s in prof["stacks"]
               if s["user"][:1] == ["ebr_inner_gamma"] and not s["kernel"])
    assert under >= 20  # 1 s at 49 Hz, less the ticks outside the chain
    assert rows["ebr_outer_alpha"][1] == rows["ebr_middle_beta"][1] == under
    assert rows["ebr_inner_gamma"][0] == leaf
    # offcputime: the sleeper's 5 x 20 ms, in nanoseconds
    off = export(trace, "pprof", tmp_path / "off.pb.gz", "--profile", "offcputime")
    total, rows = pprof_top(off, "-sample_index=offcpu", "-unit=ms")
    ov = view(trace, "offcputime")
    # the sleeper's spans, 5 x 20 ms, in pprof and in the view (microseconds); a sleep whose
    # switch back in the kernel never traced is counted in lost_map (test_stacks.py). A
    # spurious wakeup (a stale wake_q entry of another CPU's) splits a sleep in two spans,
    # both in do_nanosleep, which sleeps again until its deadline: so the count may be more
    # than 5 (6, with nothing lost, in 2 runs under CI's load), the time slept not.
    sleeps = [s for s in ov["stacks"] if "ebr_sleeper_delta" in s["user"]]
    slept = sum(s["value"] for s in sleeps)
    n = sum(s["count"] for s in sleeps if "do_nanosleep" in s["kernel"])
    whole = 5 - ov["losses"]["lost_map"]
    assert whole <= n <= 7 and n >= 4, (n, ov["losses"])
    assert 20000 * min(n, whole) <= slept <= 20000 * 5 + 100000, (slept, n)  # + delays
    assert abs(float(rows["ebr_sleeper_delta"][1].rstrip("ms")) - slept / 1000) < 1
    # the profile says what it is made of
    raw = gzip.decompress(open(out, "rb").read())
    strings = [v for n, _, v in fields(raw) if n == 6]
    assert strings[0] == b"" and b"samples" in strings and b"nanoseconds" in strings
    assert any(s.endswith(b"ebr-stacks") for s in strings)


# ------------------------------------------------------------------ speedscope

def check_speedscope(doc):
    """The published schema (speedscope's file-format-schema.json), and the rules it cannot
    state: frame indices within shared.frames, a weight a sample, endValue their sum."""
    import jsonschema
    with open(SPEEDSCOPE_SCHEMA) as f:
        schema = json.load(f)
    jsonschema.validate(doc, {**schema, "$ref": "#/definitions/FileFormat.File"})
    assert doc["$schema"] == "https://www.speedscope.app/file-format-schema.json"
    nframes = len(doc["shared"]["frames"])
    for p in doc["profiles"]:
        assert p["type"] == "sampled" and p["unit"] in ("none", "nanoseconds")
        assert len(p["samples"]) == len(p["weights"])
        assert all(0 <= i < nframes for s in p["samples"] for i in s)
        assert p["endValue"] - p["startValue"] == sum(p["weights"])


def test_speedscope_json_is_valid_and_counts_the_samples(traces, tmp_path, npm_packages):
    _, trace, _ = traces
    prof = view(trace, "profile")
    with open(export(trace, "speedscope", tmp_path / "s.json")) as f:
        doc = json.load(f)
    check_speedscope(doc)
    assert sum(sum(p["weights"]) for p in doc["profiles"]) == prof["samples"]
    assert len(doc["profiles"]) == len({s["pid"] for s in prof["stacks"]})
    names = [fr["name"] for fr in doc["shared"]["frames"]]
    # ebr-stacks ran twice: burning, then sleeping
    burner = sorted((p for p in doc["profiles"] if p["name"].startswith("ebr-stacks (")),
                    key=lambda p: p["endValue"])[-1:]
    assert burner
    chain = [i for i in (names.index(n) for n in CHAIN)]
    good = sum(w for s, w in zip(burner[0]["samples"], burner[0]["weights"])
               if any(s[k:k + 4] == chain for k in range(len(s))))
    # the same criterion on the view's stacks (user frames leaf first): the whole chain, in a
    # row (a sample in alpha before it called beta has alpha but not the chain)
    rev = list(reversed(CHAIN))
    assert good == sum(s["count"] for s in prof["stacks"]
                       if any(s["user"][k:k + 4] == rev for k in range(len(s["user"]))))
    with open(export(trace, "speedscope", tmp_path / "m.json", "--merged")) as f:
        merged = json.load(f)
    check_speedscope(merged)
    assert len(merged["profiles"]) == 1
    assert sum(merged["profiles"][0]["weights"]) == prof["samples"]


# ------------------------------------------------------------------ JSON Lines and DuckDB

def duckdb(sql):
    script = ("const {DuckDBInstance} = require(process.argv[1]);"
              "(async () => { const db = await DuckDBInstance.create(':memory:');"
              " const c = await db.connect(); const r = await c.runAndReadAll(process.argv[2]);"
              " console.log(JSON.stringify(r.getRowObjectsJson())); })()"
              ".catch(e => { console.error(String(e)); process.exit(1); });")
    p = subprocess.run(["node", "-e", script, DUCKDB, sql], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, (sql, p.stderr[-1000:])
    return json.loads(p.stdout)


def test_duckdb_reads_two_traces_jsonl_as_one_table(traces, npm_packages):
    d, a, b = traces
    fleet = d / "fleet"
    export(a, "jsonl", fleet / "host-a")
    export(b, "jsonl", fleet / "host-b")
    ca, cb = counts(a), counts(b)
    for typ in ("block.rq", "tcp.state", "proc.exec", "sched.switch", "profile.sample"):
        rows = duckdb(f"SELECT count(*) AS n FROM read_json('{fleet}/*/{typ}.jsonl.zst', "
                      "union_by_name = true)")
        assert int(rows[0]["n"]) == ca.get(typ, 0) + cb.get(typ, 0), typ
    per = duckdb(f"SELECT trace_id, count(*) AS n FROM read_json('{fleet}/*/block.rq.jsonl.zst')"
                 " GROUP BY trace_id ORDER BY n")
    assert [int(r["n"]) for r in per] == sorted([ca["block.rq"], cb["block.rq"]])
    # a join: the writes of the processes that exec'd ebr-blkio, per trace, as biosnoop counts
    # the writes of ebr-blkio's pid in each
    want = []
    for t in (a, b):
        rows = view(t, "biosnoop")["rows"]
        pids = {r["pid"] for r in rows if r["comm"] == "ebr-blkio"}
        want.append(sum(1 for r in rows if r["pid"] in pids and r["bytes"] == 4096
                        and r["rwbs"].startswith("W")))
    joined = duckdb(
        f"SELECT e.trace_id, count(*) AS n FROM read_json('{fleet}/*/block.rq.jsonl.zst') b "
        f"JOIN read_json('{fleet}/*/proc.exec.jsonl.zst') e "
        "ON b.trace_id = e.trace_id AND b.pid = e.pid "
        "WHERE e.filename LIKE '%ebr-blkio' AND e.ret = 0 AND b.bytes = 4096 "
        "AND b.flags & 255 = 1 GROUP BY e.trace_id ORDER BY n")
    assert [int(r["n"]) for r in joined] == sorted(want) and min(want) >= 10
    # the docs' fleet questions run and answer from both traces
    doc = open(os.path.join(REPO, "docs", "EXPORT.md"), encoding="utf-8").read()
    queries = re.findall(r"```sql\n(.*?)```", doc, re.S)
    assert len(queries) >= 4
    for q in queries:
        q = q.replace("exports/", f"{fleet}/").strip().rstrip(";")
        if q.upper().startswith("COPY"):
            q = q.replace("'parquet/", f"'{d}/parquet-")
        rows = duckdb(q)
        assert isinstance(rows, list), q
    slow = duckdb(f"SELECT host, lat_ns FROM read_json('{fleet}/*/block.rq.jsonl.zst') "
                  "ORDER BY lat_ns DESC LIMIT 1")
    assert slow and int(slow[0]["lat_ns"]) > 0
    tcp = duckdb(f"SELECT raddr, sum(tx_bytes) AS tx FROM read_json('{fleet}/*/tcp.state.jsonl.zst') "
                 "WHERE state = 7 GROUP BY raddr")
    assert "127.0.0.1" in [r["raddr"] for r in tcp]


def test_jsonl_rows_carry_the_documented_columns(traces, tmp_path):
    _, a, _ = traces
    out = export(a, "jsonl", tmp_path / "j")
    p = subprocess.run(["zstdcat", str(out / "block.rq.jsonl.zst")], capture_output=True,
                       text=True)
    rows = [json.loads(l) for l in p.stdout.splitlines()]
    assert len(rows) == counts(a)["block.rq"]
    for key in ("schema", "type", "host", "trace_id", "ts_ns", "time_ns", "time", "cpu",
                "pid", "comm", "lat_ns", "proc_comm", "proc_ppid", "proc_cmdline",
                "proc_cgroup"):
        assert all(key in r for r in rows), key
    assert all(r["schema"] == 1 and r["time"].endswith("Z") for r in rows)
    off = subprocess.run(["zstdcat", str(out / "offcpu.span.jsonl.zst")], capture_output=True,
                         text=True).stdout
    assert "ebr_sleeper_delta" in off  # stacks named


# ------------------------------------------------------------------ the checked-in examples

@pytest.mark.parametrize("fmt,name,cut", [
    ("perfetto", "trace.perfetto-trace", ["--since", "1", "--until", "1.1"]),
    ("pprof", "profile.pb.gz", []),
    ("speedscope", "profile.speedscope.json", []),
    ("jsonl", "jsonl/block.rq.jsonl.zst", ["--since", "1", "--until", "1.1"])])
def test_sample_exports_are_made_again(fmt, name, cut, tmp_path):
    """samples/pgbench/exports/: what ebrec export makes of the sample now, byte for byte
    (README.md there has the commands)."""
    want = os.path.join(SAMPLE, "exports", name)
    got = tmp_path / name
    out = tmp_path / "jsonl" if fmt == "jsonl" else got
    p = subprocess.run([EBREC, "export", "samples/pgbench/trace.ebr", "--format", fmt, "-o",
                        str(out), *cut], cwd=REPO, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    with open(want, "rb") as f, open(got, "rb") as g:
        assert f.read() == g.read(), f"{want} differs from what ebrec export makes now"


def test_export_usage_errors():
    assert ebrec("export", "x.ebr", "--format", "svg", "-o", "y").returncode == 2
    assert ebrec("export", "x.ebr", "--format", "pprof").returncode == 2
    assert ebrec("export", "-", "--format", "pprof", "-o", "y").returncode == 2
