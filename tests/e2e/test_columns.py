"""Events in columns (format 1.7; predicted fields and PACK_SHIFT since 1.8): every sample
written again with its events in columns, and in rows, by format/'s writer (ebr-relayout),
gives every report checked in beside it, byte for byte, from the copy: the text reports and
the HTML page. The copies sit at the sample's
own relative path in a directory of their own, so that the commands the reports suggest
('more: ebrec report samples/NAME/trace.ebr VIEW') read the same. Needs no root."""
import glob
import os
import re
import shutil
import struct
import subprocess

import pytest

from conftest import EBREC, REPO, WORKLOADS

SAMPLES = sorted(os.path.dirname(p) for p in glob.glob(os.path.join(REPO, "samples", "*",
                                                                     "trace.ebr")))
with open(os.path.join(REPO, "format", "ebr.h")) as f:
    MINOR = re.search(r"#define EBR_VERSION_MINOR (\d+)", f.read()).group(1)


def run(cwd, *args):
    p = subprocess.run(args, cwd=cwd, capture_output=True)
    assert p.returncode == 0, (args, p.stderr[-2000:])
    return p.stdout


def events_blocks(path):
    """(flags, count) of every events block of an intact trace, from the block headers."""
    with open(path, "rb") as f:
        data = f.read()
    blocks, off = [], 16
    while data[off:off + 4] == b"EBLK":
        kind, flags, stored, _, _, count = struct.unpack_from("<HHIIII", data, off + 4)
        if kind == 3:
            blocks.append((flags, count))
        off += 48 + stored
    return blocks


@pytest.mark.parametrize("layout", ["columns", "rows"])
@pytest.mark.parametrize("sample", SAMPLES, ids=os.path.basename)
def test_every_report_of_every_sample_from_a_copy_in(sample, layout, tmp_path):
    rel = os.path.relpath(os.path.join(sample, "trace.ebr"), REPO)
    copy = tmp_path / rel
    copy.parent.mkdir(parents=True)
    run(REPO, os.path.join(WORKLOADS, "ebr-relayout"), layout, rel, str(copy))
    run(tmp_path, EBREC, "verify", rel)
    info = run(tmp_path, EBREC, "info", rel).decode()
    assert f"format 1.{MINOR}" in info
    blocks = events_blocks(copy)
    assert blocks
    if layout == "rows":
        assert not any(flags & 6 for flags, _ in blocks), blocks
    else:
        # in columns, but for a block of few events that rows hold in fewer bytes
        assert all(flags & 2 for flags, count in blocks if count >= 1024), blocks
        # 1.8's additions (bit 2) only in columns; a trace of context switches has them
        assert all(flags & 2 for flags, _ in blocks if flags & 4), blocks
        if re.search(r"^  sched\.switch ", info, re.M):
            assert any(flags & 4 for flags, _ in blocks), blocks
        rows = tmp_path / "rows.ebr"
        run(REPO, os.path.join(WORKLOADS, "ebr-relayout"), "rows", rel, str(rows))
        if any(flags & 2 for flags, _ in blocks):
            assert os.path.getsize(copy) < os.path.getsize(rows)
        else:
            assert os.path.getsize(copy) == os.path.getsize(rows)
    texts = sorted(glob.glob(os.path.join(sample, "*.txt")))
    assert texts
    for path in texts:
        name = os.path.basename(path)[:-4]
        with open(path, "rb") as f:
            want = f.read()
        args = [rel] if name == "report" else [rel, name]
        got = run(tmp_path, EBREC, "report", *args)
        assert got == want, f"{path} differs from what ebrec makes of its copy in {layout}"
    with open(os.path.join(sample, "report.html"), "rb") as f:
        want = f.read()
    assert run(tmp_path, EBREC, "report", rel, "--format", "html", "--rows", "2000") == want
    shutil.rmtree(tmp_path / "samples")
