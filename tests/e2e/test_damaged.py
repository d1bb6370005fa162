"""The damaged-trace fixtures (tests/fixtures/damaged/, written by `make fixtures` from
tests/fixtures/make_damaged.c): each kind of damage a shared trace can carry gets its exact
message, from verify and from report, and the report keeps every intact event (the intact
trace has 30 block.rq in three blocks of 10, and one profile sample)."""
import json
import os
import re
import subprocess

import pytest

from conftest import EBREC, REPO, built_with_asan, peak_rss

FIXTURES = os.path.join(REPO, "tests", "fixtures", "damaged")

# name: (the one line verify prints, block.rq rows the report still shows)
CASES = {
    "truncated.ebr": (
        "FAILED: file cut at offset 1152 inside block 3 (starts at offset 1063, 41 of 83 "
        "payload bytes present): every complete block was read", 10),
    "payload-bit-flip.ebr": (
        "FAILED: block 3 (events) at offset 1063: payload checksum mismatch; its 10 events "
        "are skipped", 20),
    "wrong-crc.ebr": (
        "FAILED: block 3 (events) at offset 1063: payload checksum mismatch; its 10 events "
        "are skipped", 20),
    "header-bit-flip.ebr": (
        "FAILED: block 3 at offset 1063: header checksum mismatch; skipped 131 bytes to the "
        "next block", 20),
    "oversized-claim.ebr": (
        "FAILED: block 3 at offset 1063 claims 3221225472 stored / 3221225472 raw bytes, over "
        "the limit of 16777216: skipped 131 bytes to the next block", 20),
    "dangling-string.ebr": (
        "FAILED: block 99 at offset 1194: field comm of a block.rq event names string 5 of "
        "the block's 1 after 0 of its 1 events; the rest are skipped", 30),
    "dangling-stack.ebr": (
        "FAILED: block 99 at offset 1194: field kstack of a profile.sample event names stack "
        "3 of the block's 1 after 0 of its 1 events; the rest are skipped", 30),
}


def run(*args):
    return subprocess.run([EBREC, *args], cwd=FIXTURES, capture_output=True, text=True,
                          timeout=60)


def test_the_intact_trace_is_intact():
    v = run("verify", "intact.ebr")
    assert v.returncode == 0 and v.stdout == "intact.ebr: OK: 6 blocks intact, 31 events\n"
    rows = json.loads(run("report", "intact.ebr", "biosnoop", "--format", "json").stdout)
    assert len(rows["views"][0]["rows"]) == 30


@pytest.mark.parametrize("name", sorted(CASES))
def test_damage_gets_its_exact_message(name):
    message, rows = CASES[name]
    v = run("verify", name)
    assert v.returncode == 1
    assert v.stderr == f"ebrec verify: {name}: {message}\n"
    r = run("report", name, "biosnoop", "--format", "json")
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        f"ebrec report: warning: {name}: {message[len('FAILED: '):]}",
        f"ebrec report: {name} is damaged: the output above holds only what was readable"]
    doc = json.loads(r.stdout)
    assert len(doc["views"][0]["rows"]) == rows
    assert doc["warnings"] == [message[len("FAILED: "):]]


def test_newer_major_is_refused_with_both_versions():
    for cmd in ("verify", "report", "info", "dump"):
        p = run(cmd, "newer-major.ebr")
        assert p.returncode == 1 and p.stdout == ""
        assert p.stderr == (f"ebrec {cmd}: newer-major.ebr: trace format 2.0 is newer than this "
                            "ebrec, which reads format 1.x: upgrade ebrec to read it\n")


def test_symbols_of_missing_objects_leave_the_frame_unnamed():
    """A mapping and a function that refer to objects the trace does not hold: the frame
    reads [unknown] with its mapping's name, nothing else is invented."""
    p = run("report", "dangling-object.ebr", "profile", "-f")
    assert p.returncode == 0
    assert p.stdout == "dd;[unknown] dd+0x1000 1\n"


def test_memory_bomb_stops_at_the_limit(tmp_path):
    """2000 execs with 1 MiB of arguments each, 216 KB on disk: the process table would hold
    2 GiB. With --max-memory 256 the analysis stops at three quarters of it (the views have the
    rest), says where, stays bounded, and shows exactly the processes of the events it read."""
    assert os.path.getsize(os.path.join(FIXTURES, "memory-bomb.ebr")) < 300_000
    out = tmp_path / "p.json"
    rc, err, rss = peak_rss([EBREC, "report", "memory-bomb.ebr", "processes", "--max-memory",
                             "256", "--format", "json", "-o", out], cwd=FIXTURES)
    assert rc == 1
    m = re.match(r"ebrec report: warning: the analysis stopped at (0\.\d+) s of the trace, "
                 r"after (\d+) events: its memory limit was reached \(--max-memory 256 MiB\) "
                 r"\((\d+) MiB held\)", err)
    assert m, err
    seconds, events, held = float(m[1]), int(m[2]), int(m[3])
    assert 100 < events < 2000 and abs(seconds - events / 1000) < 0.0015  # exec i at i ms
    assert 192 <= held < 192 + 2  # checked at every event: each holds one 1 MiB exec
    doc = json.loads(out.read_text())
    assert len(doc["views"][0]["rows"]) == events
    assert doc["warnings"] == [err[len("ebrec report: warning: "):].strip()]
    if not built_with_asan():  # ASan's shadow and quarantine are not the analysis's memory
        assert rss < 256 + 128, rss
