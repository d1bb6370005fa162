"""Cgroups and containers, end to end: real BPF, two cgroup v2 directories made here (one
with a cgroup below it) and one named as docker names a container's scope
(docker-<64 hex>.scope: with or without a docker daemon, the same path tests the parsing of
container ids), known numbers of opens in each; recorded with and without record --cgroup,
checked with report --cgroup, --container and the cgroups view, and with the same cuts of
export (jsonl), script and query; record --cgroup PATH -- COMMAND runs COMMAND in it."""
import json
import os
import re
import subprocess
import time
import uuid

import pytest

from conftest import ebrec, view, workload

N_A, N_SUB, N_B = 23, 11, 17


def cgroup2_mount():
    with open("/proc/mounts") as f:
        return next(ln.split()[1] for ln in f if ln.split()[2] == "cgroup2")


@pytest.fixture
def cgroups(live):
    """top/a, top/a/sub and top/docker-ID.scope under the cgroup2 mount: their paths from the
    hierarchy's root, their directories, and the container id. Removed after the test."""
    mount = cgroup2_mount()
    tag = uuid.uuid4().hex[:8]
    cid = uuid.uuid4().hex + uuid.uuid4().hex
    top = f"/ebrtest-{tag}"
    paths = {"top": top, "a": f"{top}/a", "sub": f"{top}/a/sub",
             "b": f"{top}/docker-{cid}.scope"}
    made = []
    try:
        for key in ("top", "a", "sub", "b"):
            os.mkdir(mount + paths[key])
            made.append(mount + paths[key])
        yield {"mount": mount, "paths": paths, "cid": cid}
    finally:
        for d in reversed(made):
            for _ in range(100):  # empty once the kernel has reaped the last process
                try:
                    os.rmdir(d)
                    break
                except OSError:
                    time.sleep(0.05)


def script(cg, tmp):
    """One shell that moves itself into each cgroup and execs the workload there: N opens of a
    file named after the cgroup."""
    files = workload("ebr-files")
    steps = []
    for key, n in (("a", N_A), ("sub", N_SUB), ("b", N_B)):
        path = tmp / f"open-{key}"
        path.write_text("x")
        steps.append(f"sh -c 'echo $$ > {cg['mount']}{cg['paths'][key]}/cgroup.procs && "
                     f"exec {files} -w 0 open {n} 0 {path} {path}.missing'")
    return " && ".join(steps)


def opens_by_key(tmp, paths):
    """How many of paths are each workload's file (open-KEY), by KEY."""
    return {key: sum(1 for p in paths if p == str(tmp / f"open-{key}"))
            for key in ("a", "sub", "b")}


def cut_counts(trace, tmp, *filters):
    """The opens of each workload's file that export (jsonl's file.open) and script (the
    sys_enter_openat probe's filename) let through the cut, and how many opens query
    (ebrec:file.open) counts."""
    out = tmp / ("jsonl" + "".join(filters).replace("/", "_"))
    ebrec("export", trace, "--format", "jsonl", "-o", out, *filters, check=0)
    rows = subprocess.run(["zstd", "-dc", out / "file.open.jsonl.zst"], capture_output=True,
                          text=True, check=True).stdout.splitlines()
    exported = opens_by_key(tmp, [json.loads(r)["path"] for r in rows])
    lines = ebrec("script", trace, "--format", "json", *filters, check=0).stdout.splitlines()
    scripted = opens_by_key(tmp, [json.loads(ln)["fields"].get("filename_str") for ln in lines])
    # query's str() keeps 64 bytes of a path, as bpftrace's: every open, against report's
    maps = ebrec("query", trace, *filters, "-e", "ebrec:file.open { @ = count(); }",
                 check=0).stdout
    queried = int(re.search(r"^@: (\d+)$", maps, re.M).group(1))
    assert queried == len(view(trace, "opensnoop", *filters)["rows"]), filters
    return exported, scripted, queried


def opens_of(trace, tmp, key, *filters):
    rows = view(trace, "opensnoop", *filters)["rows"]
    return [r for r in rows if r["path"] == str(tmp / f"open-{key}")], rows


def test_report_filters_and_groups_by_cgroup_and_container(cgroups, out_dir, tmp_path):
    cg, p = cgroups, cgroups["paths"]
    trace = out_dir / "all.ebr"
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        with open(f"{cg['mount']}{p['a']}/cgroup.procs", "w") as f:
            f.write(str(sleeper.pid))  # in /a when the recording starts: in the snapshot
        ebrec("record", "-o", trace, "-e", "proc,file,tracepoint:syscalls:sys_enter_openat",
              "--", "sh", "-c", script(cg, tmp_path), check=0)
    finally:
        sleeper.kill()
        sleeper.wait()

    # every view filters by the cgroup its process was in: /a holds /a/sub
    for key, n, filters in (("a", N_A, ["--cgroup", p["a"]]),
                            ("sub", N_SUB, ["--cgroup", cg["mount"] + p["sub"] + "/"]),
                            ("b", N_B, ["--container", cg["cid"][:6]])):
        mine, _ = opens_of(trace, tmp_path, key, *filters)
        assert len(mine) == n, key
    assert len(opens_of(trace, tmp_path, "sub", "--cgroup", p["a"])[0]) == N_SUB
    # export, script and query cut the same way, with report's code: /a holds /a/sub
    for filters, want in ((["--cgroup", p["a"]], {"a": N_A, "sub": N_SUB, "b": 0}),
                          (["--cgroup", cg["mount"] + p["sub"]], {"a": 0, "sub": N_SUB, "b": 0}),
                          (["--container", cg["cid"][:6]], {"a": 0, "sub": 0, "b": N_B}),
                          ([], {"a": N_A, "sub": N_SUB, "b": N_B})):
        exported, scripted, queried = cut_counts(trace, tmp_path, *filters)
        assert exported == scripted == want, (filters, exported, scripted)
        assert queried >= sum(want.values()), filters
    for cmd in (["export", trace, "--format", "jsonl", "-o", tmp_path / "x"],
                ["script", trace], ["query", trace, "-e", "BEGIN { exit(); }"]):
        assert "--container takes a container id" in ebrec(*cmd, "--container", "XYZ",
                                                            check=2).stderr
    assert opens_of(trace, tmp_path, "a", "--cgroup", p["sub"])[0] == []
    assert opens_of(trace, tmp_path, "b", "--cgroup", p["a"])[0] == []
    assert opens_of(trace, tmp_path, "a", "--container", cg["cid"][:12])[0] == []
    in_a = len(view(trace, "opensnoop", "--cgroup", p["a"])["rows"])
    in_sub = len(view(trace, "opensnoop", "--cgroup", p["sub"])["rows"])
    in_b = len(view(trace, "opensnoop", "--cgroup", p["b"])["rows"])

    rows = {r["cgroup"]: r for r in view(trace, "cgroups")["rows"]}
    a, sub, b = rows[p["a"]], rows[p["sub"]], rows[p["b"]]
    # the snapshot's id (the directory's inode) and the kernel's are one: one row for /a
    assert a["cgroup_id"] == os.stat(cg["mount"] + p["a"]).st_ino
    assert sub["cgroup_id"] == os.stat(cg["mount"] + p["sub"]).st_ino
    # /a: the sleeper (alive at the start) and the shell that moved in; one exec each there
    assert (a["procs"], a["execs"]) == (2, 1)
    assert (sub["procs"], sub["execs"], b["procs"], b["execs"]) == (1, 1, 1, 1)
    # the view and the filters count the same opens, each in one cgroup
    assert a["opens"] == in_a - in_sub and sub["opens"] == in_sub and b["opens"] == in_b
    assert a["opens"] >= N_A and b["opens"] >= N_B
    assert a["container"] == "" and b["container"] == cg["cid"][:12]

    conts = {r["container"]: r for r in view(trace, "cgroups", "--by-container")["rows"]}
    assert conts[cg["cid"][:12]]["opens"] == in_b
    assert conts[cg["cid"][:12]]["cgroup"] == p["b"]
    assert conts[cg["cid"][:12]]["cgroups"] == 1
    procs = {r["pid"]: r for r in view(trace, "processes")["rows"]}
    assert procs[sleeper.pid]["cgroup"] == p["a"] and procs[sleeper.pid]["container"] == ""

    text = ebrec("report", trace, check=0).stdout
    line = next(ln for ln in text.splitlines() if ln.startswith("cgroups "))
    assert int(re.search(r"\((\d+) of containers\)", line).group(1)) >= 1
    assert ebrec("report", trace, "--container", "XYZ").returncode == 2


def test_record_cgroup_filters_in_the_kernel(cgroups, out_dir, tmp_path):
    cg, p = cgroups, cgroups["paths"]
    trace = out_dir / "a.ebr"
    ebrec("record", "-o", trace, "-e", "proc,file", "--cgroup", cg["mount"] + p["a"], "--",
          "sh", "-c", script(cg, tmp_path), check=0)
    assert len(opens_of(trace, tmp_path, "a")[0]) == N_A
    assert len(opens_of(trace, tmp_path, "sub")[0]) == N_SUB  # a cgroup below it
    assert opens_of(trace, tmp_path, "b")[0] == []
    # nothing of another cgroup was recorded: every open is of a process of /a
    everything = view(trace, "opensnoop")["rows"]
    assert everything and len(view(trace, "opensnoop", "--cgroup", p["a"])["rows"]) == \
        len(everything)
    rows = {r["cgroup"]: r for r in view(trace, "cgroups")["rows"]}
    assert set(rows) == {p["a"], p["sub"]}
    # COMMAND's shell runs where ebrec runs (no --run-in-cgroup), outside /a: its children
    # are recorded from their moves in
    assert (rows[p["a"]]["procs"], rows[p["sub"]]["procs"]) == (1, 1)
    for r in view(trace, "processes")["rows"]:
        assert r["cgroup"] in (p["a"], p["sub"]), r
    info = ebrec("info", trace, check=0).stdout
    assert f"cgroup:    {p['a']} (record --cgroup" in info

    bad = ebrec("record", "-o", out_dir / "x.ebr", "--cgroup", "/ebrtest-none/x", "-d", "1")
    assert bad.returncode == 1 and "no such cgroup" in bad.stderr


def test_record_cgroup_runs_command_in_it(cgroups, out_dir, tmp_path):
    """With --run-in-cgroup COMMAND is placed in --cgroup's cgroup before it runs: recorded
    whole, and there. Without it, it runs where ebrec runs: not recorded."""
    cg, p = cgroups, cgroups["paths"]
    trace, path = out_dir / "cmd.ebr", tmp_path / "open-a"
    path.write_text("x")
    cmd = [workload("ebr-files"), "-w", "0", "open", N_A, 0, path, f"{path}.missing"]
    outside = out_dir / "outside.ebr"
    ebrec("record", "-o", outside, "-e", "proc,file", "--cgroup", p["sub"], "--", *cmd, check=0)
    assert opens_of(outside, tmp_path, "a")[0] == []
    bad = ebrec("record", "-o", out_dir / "y.ebr", "--run-in-cgroup", "--", *cmd)
    assert bad.returncode == 2 and "needs --cgroup PATH and -- COMMAND" in bad.stderr
    rec = ebrec("record", "-o", trace, "-e", "proc,file", "--cgroup", p["sub"],
                "--run-in-cgroup", "--", *cmd, check=0)
    pid = int(rec.stdout.split()[1])
    assert len(opens_of(trace, tmp_path, "a")[0]) == N_A
    procs = {r["pid"]: r for r in view(trace, "processes")["rows"]}
    assert set(procs) == {pid} and procs[pid]["cgroup"] == p["sub"]
    with open(cg["mount"] + p["sub"] + "/cgroup.procs") as f:
        assert f.read() == ""  # it ended there
