"""File family, end to end: real BPF, workloads whose opens, slow writes and page-cache use
are known exactly."""
import os
import re
import subprocess

from conftest import check_documented, ebrec, view, workload


def long_dir(base):
    """A directory whose path is well over 200 characters."""
    d = os.path.join(base, "d" * 100, "e" * 100, "f" * 40)
    os.makedirs(d)
    assert len(d) > 240
    return d


def test_opensnoop_lists_every_unpaced_open_with_its_whole_path(live, disk_dir, out_dir):
    n, m = 3000, 200
    d = long_dir(disk_dir)
    target, missing = os.path.join(d, "openme.txt"), os.path.join(d, "does-not-exist")
    open(target, "w").close()
    trace = out_dir / "o.ebr"
    p = ebrec("record", "-o", trace, "-e", "file", "--",
              workload("ebr-files"), "open", n, m, target, missing, check=0)
    pid = int(p.stdout.split()[1])

    snoop = view(trace, "opensnoop", "-p", pid)
    assert snoop["losses"]["lost"] == 0
    ok = [r for r in snoop["rows"] if r["path"] == target]
    bad = [r for r in snoop["rows"] if r["path"] == missing]
    assert len(ok) == n and len(bad) == m
    assert all(r["fd"] >= 3 and r["err"] == 0 and r["comm"] == "ebr-files" for r in ok)
    assert all(r["fd"] == -1 and r["err"] == 2 for r in bad)
    assert len(view(trace, "opensnoop", "-p", pid, "-x")["rows"]) == \
        len([r for r in snoop["rows"] if r["err"]])

    # bcc's columns, the path whole on every line
    text = ebrec("report", trace, "opensnoop", "-p", pid, "-e", check=0).stdout.splitlines()
    assert text[0].split() == ["TIME(s)", "PID", "COMM", "FD", "ERR", "FLAGS", "PATH"]
    assert sum(1 for line in text if line.endswith(" " + target)) == n
    assert sum(1 for line in text if line.split()[4:5] == ["2"] and line.endswith(missing)) == m


def test_opensnoop_places_relative_paths_in_their_directory(live, disk_dir, out_dir):
    d = long_dir(disk_dir)
    open(os.path.join(d, "rel.txt"), "w").close()
    trace = out_dir / "r.ebr"
    # the workload chdirs to d after it started: the process table follows the chdir
    p = ebrec("record", "-o", trace, "-e", "proc,file", "--",
              workload("ebr-files"), "-C", d, "open", 5, 1, "rel.txt", "./gone.txt", check=0)
    pid = int(p.stdout.split()[1])
    rows = view(trace, "opensnoop", "-p", pid)["rows"]
    rel = [r for r in rows if r["path"] == "rel.txt"]
    gone = [r for r in rows if r["path"] == "./gone.txt"]
    assert len(rel) == 5 and len(gone) == 1
    assert {r["abspath"] for r in rel} == {os.path.join(d, "rel.txt")}
    assert gone[0]["abspath"] == os.path.join(d, "gone.txt") and gone[0]["err"] == 2
    # the other views that follow the chdir (a report of a view that shows no path does not)
    ours = {os.path.join(d, "rel.txt"), os.path.join(d, "gone.txt")}
    top = [(r["path"], r["opens"], r["failed"]) for r in view(trace, "opentop")["rows"]
           if r["path"] in ours]
    assert sorted(top) == [(os.path.join(d, "gone.txt"), 1, 1), (os.path.join(d, "rel.txt"), 5, 0)]
    procs = [r for r in view(trace, "processes")["rows"] if r["pid"] == pid]
    assert [r["cwd"] for r in procs] == [d]


def test_losses_are_counted_when_the_ring_overflows(live, disk_dir, out_dir):
    """A tiny ring and an open flood: every open the kernel saw is listed or counted lost."""
    target = os.path.join(disk_dir, "flood")
    open(target, "w").close()
    trace = out_dir / "l.ebr"
    ebrec("record", "-o", trace, "-e", "file", "--buffer-size", "16K", "--",
          workload("ebr-files"), "open", 20000, 0, target, target + ".none", check=0)
    snoop = view(trace, "opensnoop")
    lost = snoop["losses"]
    assert lost["lost"] > 0
    info = ebrec("info", trace, check=0).stdout
    emitted = [line for line in info.splitlines() if line.strip().startswith("file/open")][0]
    # the probe also emits the chdir/fchdir of any process on the host
    words = info.split()
    chdirs = int(words[words.index("file.chdir") + 1]) if "file.chdir" in words else 0
    assert f"emitted {len(snoop['rows']) + chdirs + lost['lost']}," in emitted, emitted


def test_a_burst_after_a_quiet_spell_wakes_the_drain(live, disk_dir, out_dir):
    """While records come slowly the drain sleeps 100 ms; a burst (about 30 MB/s of open
    records here) fills a 1 MiB ring in about 35 ms, so the probes must wake the drain when the
    ring is a quarter full. Three bursts at different phases of the drain's sleep, none lost
    (without the wakeup, 20,000-25,000 of the 120,000 were lost here)."""
    target = os.path.join(disk_dir, "burst")
    open(target, "w").close()
    files, n = workload("ebr-files"), 40000
    burst = f"{files} open {n} 0 {target} {target}.none"
    trace = out_dir / "burst.ebr"
    p = ebrec("record", "-o", trace, "-e", "file", "--buffer-size", "1M", "--fail-on-loss",
              "--", "sh", "-c",
              f"{files} -w 1500 open {n} 0 {target} {target}.none; sleep 0.53; {burst}; "
              f"sleep 0.57; {burst}", check=0)
    assert p.returncode == 0, p.stderr
    rows = view(trace, "opensnoop")["rows"]
    assert sum(r["path"] == target for r in rows) == 3 * n


def test_fsslower_lists_slow_writes_and_not_fast_reads(live, disk_dir, out_dir):
    n, kib, threshold_us = 4, 16384, 2000
    slow, small = os.path.join(disk_dir, "slow.dat"), os.path.join(disk_dir, "small.dat")
    with open(small, "wb") as f:
        f.write(b"s" * 4096)
    trace = out_dir / "f.ebr"
    p = ebrec("record", "-o", trace, "-e", "file,proc", "--min-us", threshold_us, "--",
              workload("ebr-files"), "slow", n, kib, slow, 500, small, threshold_us, check=0)
    out = dict(line.split() for line in p.stdout.splitlines())
    pid = int(out["pid"])
    # the workload's O_SYNC writes are far slower than the threshold, seen from user space
    assert int(out["write_min_us"]) > 3 * threshold_us, "the disk is too fast for this test"

    slow_view = view(trace, "fsslower", "-m", threshold_us / 1000, "-p", pid)
    assert check_documented(slow_view) > 0  # docs/JSON.md's keys (the seeds have no rows)
    rows = slow_view["rows"]
    writes = [r for r in rows if r["type"] == "W"]
    assert [(r["file"], r["bytes"], r["offset"]) for r in writes] == \
        [("slow.dat", kib << 10, i * (kib << 10)) for i in range(n)]
    assert all(r["lat_ms"] >= threshold_us / 1000 for r in writes)
    assert {r["args"] for r in writes} == \
        {f"{workload('ebr-files')} slow {n} {kib} {slow} 500 {small} {threshold_us}"}
    # a read is listed only if it really took that long (the kernel's time is never longer)
    reads = [r for r in rows if r["type"] == "R" and r["file"] == "small.dat"]
    assert len(reads) <= int(out["slow_reads"])

    fstype = subprocess.run(["stat", "-f", "-c", "%T", disk_dir], capture_output=True,
                            text=True, check=True).stdout.strip()
    assert {r["fstype"] for r in writes} == {fstype if fstype != "ext2/ext3" else "ext4"}
    other = "xfs" if writes[0]["fstype"] != "xfs" else "btrfs"
    assert view(trace, "fsslower", "-m", 0, "-t", other)["rows"] == []
    if writes[0]["fstype"] == "ext4":
        assert len([r for r in view(trace, "ext4slower", "-m", 2, "-p", pid)["rows"]
                    if r["type"] == "W"]) == n
    # -m above every write's latency leaves them out
    assert [r for r in view(trace, "fsslower", "-m", 60000, "-p", pid)["rows"]
            if r["type"] == "W"] == []

    text = ebrec("report", trace, "fsslower", "-m", 2, "-p", pid, check=0).stdout.splitlines()
    assert text[0].split() == ["TIME(s)", "COMM", "PID", "T", "BYTES", "OFF_KB", "LAT(ms)",
                               "FILENAME"]
    wl = [line.split() for line in text[1:] if line.split()[3:4] == ["W"]]
    assert [(w[4], w[5], w[7]) for w in wl] == \
        [(str(kib << 10), str(i * kib), "slow.dat") for i in range(n)]


def test_an_open_has_its_file_system_only_when_it_took_at_least_min_us(live, out_dir):
    """The file system lookup is most of an open's probe cost, and only fsslower needs it:
    with --min-us 0 every open has it (fsslower lists them on devtmpfs); with 1 s, no open
    of /dev/null took that long, so none has it and fsslower lists none."""
    n = 50
    for min_us, listed in ((0, n), (1000000, 0)):
        trace = out_dir / f"fs{min_us}.ebr"
        p = ebrec("record", "-o", trace, "-e", "file", "--min-us", min_us, "--",
                  workload("ebr-files"), "open", n, 0, "/dev/null", "/nonexistent", check=0)
        pid = int(p.stdout.split()[1])
        # opensnoop lists every open either way
        assert len([r for r in view(trace, "opensnoop", "-p", pid)["rows"]
                    if r["path"] == "/dev/null"]) == n
        rows = view(trace, "fsslower", "-m", 0, "-t", "devtmpfs", "-p", pid)["rows"]
        assert [(r["type"], r["file"], r["fstype"]) for r in rows] == \
            [("O", "null", "devtmpfs")] * listed
        text = ebrec("report", trace, "fsslower", "-m", 0, "-t", "devtmpfs", check=0).stdout
        assert ("faster opens were recorded without their file system" in text) == (min_us > 0)


def test_fs_filter_is_applied_in_the_kernel(live, disk_dir, out_dir):
    slow, small = os.path.join(disk_dir, "slow.dat"), os.path.join(disk_dir, "small.dat")
    with open(small, "wb") as f:
        f.write(b"s" * 4096)
    trace = out_dir / "x.ebr"
    ebrec("record", "-o", trace, "-e", "file", "--fs", "nosuchfs", "--",
          workload("ebr-files"), "slow", 2, 1024, slow, 10, small, 1000, check=0)
    assert view(trace, "fsslower", "-m", 0, "-t", "nosuchfs")["rows"] == []
    info = ebrec("info", trace, check=0).stdout
    assert [line for line in info.splitlines() if "file/slow" in line][0].split()[2] == "0,"
    text = ebrec("report", trace, "fsslower", check=0).stdout
    assert "recorded with --fs nosuchfs" in text

    # and the file system it is on, named (every operation, --min-us 0): all of them are there
    fstype = subprocess.run(["stat", "-f", "-c", "%T", disk_dir], capture_output=True,
                            text=True, check=True).stdout.strip().replace("ext2/ext3", "ext4")
    ebrec("record", "-f", "-o", trace, "-e", "file", "--fs", fstype, "--min-us", 0, "--",
          workload("ebr-files"), "slow", 2, 1024, slow, 10, small, 1000, check=0)
    rows = view(trace, "fsslower", "-m", 0, "-t", fstype)["rows"]
    assert sorted((r["type"], r["file"], r["bytes"]) for r in rows
                  if r["file"] in ("slow.dat", "small.dat") and r["type"] in "RW") == \
        [("R", "small.dat", 4096)] * 10 + [("W", "slow.dat", 1 << 20)] * 2
    assert {r["fstype"] for r in rows} == {fstype}


def test_cachestat_misses_then_hits(live, disk_dir, out_dir):
    mib = 64
    pages = mib << 8
    trace = out_dir / "c.ebr"
    p = ebrec("record", "-o", trace, "-e", "file", "--",
              workload("ebr-files"), "-w", 500, "cache", os.path.join(disk_dir, "c.dat"), mib,
              2500, check=0)
    # pages the workload could not drop before its first read (it retries; almost always 0)
    resident = int(re.search(r"^dropped (\d+)$", p.stdout, re.M).group(1))
    assert resident <= 0.5 * pages, p.stdout
    rows = view(trace, "cachestat")["rows"]
    # the two read passes, 2.5 s apart: runs of intervals with many pages read
    passes, cur = [], None
    for r in rows:
        if r["read_pages"] >= 1024:
            if cur is None:
                cur = {"hits": 0, "misses": 0, "read_pages": 0}
                passes.append(cur)
            for k in cur:
                cur[k] += r[k]
        else:
            cur = None
    # system-wide: leave out runs of other processes' reads, far smaller than the file
    passes = [p for p in passes if p["read_pages"] >= 0.9 * pages]
    assert len(passes) == 2, rows
    first, second = passes
    # every page of the file missed once (readahead never reads past its end), not twice
    assert 0.9 * (pages - resident) <= first["misses"] <= 1.1 * pages, (passes, resident)
    # the second pass hits; what others read in the same seconds (system-wide) may miss
    others = max(0, second["read_pages"] - pages)
    assert second["misses"] <= 0.05 * pages + others, passes
    assert second["hits"] >= pages, passes

    text = ebrec("report", trace, "cachestat", check=0).stdout.splitlines()
    assert text[0].split() == ["TIME(s)", "HITS", "MISSES", "DIRTIES", "HITRATIO",
                               "BUFFERS_MB", "CACHED_MB"]
    assert [ln.split()[0] for ln in text[1:len(rows) + 1]] == \
        [f"{r['time_s']:.6f}" for r in rows]  # the interval's start, as JSON's
    # the header, a line an interval, a blank line and the losses
    assert len(text) == len(rows) + 3 and text[-1].startswith("file events: ")
