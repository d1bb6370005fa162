"""Faults while recording: the recorder says what failed, and the file stays readable."""
import json
import os
import subprocess
import time

import pytest

from conftest import Recording, ebrec, workload

FLUSH_INTERVAL_S = 1.0  # record/loop.c FLUSH_INTERVAL_MS: the most SIGKILL may lose


@pytest.fixture
def small_fs(live, tmp_path):
    """A 64 KiB tmpfs: a trace of a busy workload cannot fit."""
    mnt = tmp_path / "full"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], check=True)
    yield mnt
    subprocess.run(["umount", str(mnt)], check=False)


def test_disk_full_stops_with_one_line_and_a_readable_file(small_fs, disk_dir):
    trace = small_fs / "t.ebr"
    p = ebrec("record", "-o", trace, "-e", "block", "-d", "30", "--",
              workload("ebr-blkio"), "-r", "4", os.path.join(disk_dir, "data"), 3000)
    assert p.returncode == 1
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0], p.stderr
    v = ebrec("verify", trace)
    assert v.returncode == 1 and "file cut at offset" in v.stderr
    r = ebrec("report", trace, "biolatency")
    assert r.returncode == 1 and "damaged" in r.stderr  # readable, and says it is incomplete
    assert "block events:" in r.stdout


def test_sigkill_loses_at_most_the_last_flush_interval(live, out_dir):
    """Kill -9 the recorder while a process opens numbered files at ~50,000 opens/s: the
    file reads back every open up to the last flush, in order, with nothing missing before
    the cut, and verify names the cut."""
    trace, prefix = out_dir / "k.ebr", str(out_dir / "missing-")
    rec = Recording(trace, "file")
    # the opener keeps the CLOCK_MONOTONIC time of every open, to compare with the cut
    opener = subprocess.Popen(["/usr/bin/python3", "-c", """
import os, sys, time
prefix, times, i, end = sys.argv[1], [], 0, time.monotonic() + 4.5
while time.monotonic() < end:
    for _ in range(50):
        times.append(time.monotonic_ns())
        try:
            os.open(prefix + str(i), os.O_RDONLY)
        except FileNotFoundError:
            pass
        i += 1
    time.sleep(0.001)
print(" ".join(map(str, times)))
""", prefix], stdout=subprocess.PIPE, text=True)
    time.sleep(3.0)
    t_kill = time.monotonic_ns()
    rec.p.kill()
    rec.p.wait(timeout=30)
    times = [int(t) for t in opener.communicate(timeout=60)[0].split()]
    assert opener.returncode == 0
    before_kill = sum(1 for t in times if t < t_kill)
    assert before_kill > 50000, "the opener did not run under the recording: test is void"

    v = ebrec("verify", trace)
    # a kill between blocks leaves no footer; inside a block, a cut block
    assert v.returncode == 1, v.stderr
    assert ("without a footer: the recording did not finish" in v.stderr
            or "file cut at offset" in v.stderr), v.stderr
    r = ebrec("report", trace, "opensnoop", "--format", "json")
    assert r.returncode == 1 and "damaged" in r.stderr, r.stderr  # says it is incomplete
    doc = json.loads(r.stdout)
    seen = sorted(int(row["path"][len(prefix):]) for row in doc["views"][0]["rows"]
                  if row["path"].startswith(prefix))
    assert seen == list(range(len(seen))), "an open is missing before the cut"
    last = seen[-1]
    # everything the opener did up to one flush interval before the kill is in the file
    lost_s = (t_kill - times[last]) / 1e9
    assert lost_s <= FLUSH_INTERVAL_S + 0.25, (lost_s, last, before_kill)
    assert last < before_kill  # and nothing after the kill, of course
    print(f"sigkill: {before_kill} opens before the kill, {last + 1} in the file, "
          f"the last {lost_s:.3f} s before the kill")
