"""Faults while recording: the recorder says what failed, and the file stays readable."""
import os
import subprocess

import pytest

from conftest import ebrec, workload


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
