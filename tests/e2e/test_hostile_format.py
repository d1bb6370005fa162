"""Hostile traces against the reader (tests/fixtures/damaged/, written by `make fixtures`):
each costs at most linear time and bounded memory in every reading command, and gets its exact
exit status and message. Time is measured against an ordinary trace in the same run: the
97 KB ordinary.ebr, or for the 1024-type schema its twin holding the same 2 million events
under the plain schema. Needs no root."""
import os
import subprocess
import time

import pytest

from conftest import EBREC, REPO, built_with_asan, peak_rss

FIXTURES = os.path.join(REPO, "tests", "fixtures", "damaged")

COMMANDS = {  # {} is the trace
    "info": ["info", "{}"],
    "verify": ["verify", "{}"],
    "dump": ["dump", "{}"],
    "histogram": ["report", "{}", "biolatency", "--max-memory", "256"],
    "rows": ["report", "{}", "biosnoop", "--max-memory", "256"],
}

META_LIMIT = ("block 2 (meta) at offset 922: META passes this reader's limit of 16384 keys or "
              "4 MiB; the rest of META is ignored")
GARBAGE = "block 4 at offset 48720: no block header here; skipped 163840 bytes to the next block"
INDEX = ("block 4 (index) at offset 125888 lists a block twice or out of file order: the blocks "
         "are read without it")

# fixture: (yardstick, {command: damage message, or None for a clean exit 0})
CASES = {
    "meta-many-keys.ebr": ("ordinary.ebr", dict.fromkeys(COMMANDS, META_LIMIT)),
    "meta-huge-values.ebr": ("ordinary.ebr", dict.fromkeys(COMMANDS, META_LIMIT)),
    "index-repeats.ebr": ("ordinary.ebr", {"info": INDEX, "verify": INDEX, "dump": None,
                                           "histogram": None, "rows": None}),
    "schema-many-types.ebr": ("schema-plain.ebr", dict.fromkeys(COMMANDS)),
    "garbage-resync.ebr": ("ordinary.ebr", {"info": None, "verify": GARBAGE, "dump": GARBAGE,
                                            "histogram": GARBAGE, "rows": GARBAGE}),
}



def time_bound(yardstick, base):
    """At most 20 times the ordinary trace's time, or 2 s (process start and the noise of a
    shared machine). The twin holds the same events, so its bound is tight: 2.5 times its time
    and 0.5 s (scanning the schema per event cost 9 to 22 times as much)."""
    if yardstick == "schema-plain.ebr":
        return 2.5 * base + 0.5
    return max(20 * base, 2.0)


RSS_MIB = 128  # the reader's tables, one 16 MiB block as stored and decoded, the views
# read(2) and pread(2) calls: a few per block (these traces have at most 80), and the garbage
# read a 64 KiB window at a time (it was one call per byte: 163874 for garbage-resync.ebr)
MAX_READS = 1000


def peak_rss_mib(cmd, name):
    return peak_rss([EBREC, *(a.format(name) for a in COMMANDS[cmd])], cwd=FIXTURES)[2]


def measured(cmd, name):
    """Runs cmd on fixture name: (exit status, stderr, wall s, read calls)."""
    args = [a.format(name) for a in COMMANDS[cmd]]
    start = time.monotonic()
    p = subprocess.Popen([EBREC, *args], cwd=FIXTURES, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    err = p.stderr.read()
    # exited but not reaped: its /proc/PID/io still counts its read(2) calls
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    with open(f"/proc/{p.pid}/io") as f:
        reads = int(next(line for line in f if line.startswith("syscr:")).split()[1])
    _, status = os.waitpid(p.pid, 0)
    wall = time.monotonic() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, err, wall, reads


def expected_stderr(cmd, name, message):
    if message is None:
        return ""
    prog = "report" if cmd in ("histogram", "rows") else cmd
    if prog == "verify":
        return f"ebrec verify: {name}: FAILED: {message}\n"
    return (f"ebrec {prog}: warning: {name}: {message}\n"
            f"ebrec {prog}: {name} is damaged: the output above holds only what was readable\n")


def test_fixtures_are_small():
    for name in list(CASES) + ["ordinary.ebr", "schema-plain.ebr"]:
        assert os.path.getsize(os.path.join(FIXTURES, name)) < 300_000, name


@pytest.mark.parametrize("cmd", list(COMMANDS))
@pytest.mark.parametrize("name", list(CASES))
def test_hostile_trace_costs_linear_time_and_bounded_memory(name, cmd):
    yardstick, messages = CASES[name]
    rc, err, wall, reads = measured(cmd, name)
    assert err == expected_stderr(cmd, name, messages[cmd])
    assert rc == (0 if messages[cmd] is None else 1)
    base = min(measured(cmd, yardstick)[2] for _ in range(2))
    assert wall <= time_bound(yardstick, base), (wall, base)
    assert reads <= MAX_READS, reads
    if not built_with_asan():  # ASan's shadow and quarantine are not the reader's memory
        rss = peak_rss_mib(cmd, name)
        assert rss <= RSS_MIB, rss


def test_info_says_what_it_did_not_check():
    """info reads the index and META only: on a trace whose event blocks are damaged it exits
    0 but says that it did not read them, and which command does."""
    for name in ("payload-bit-flip.ebr", "header-bit-flip.ebr", "garbage-resync.ebr"):
        p = subprocess.run([EBREC, "info", name], cwd=FIXTURES, capture_output=True, text=True,
                           timeout=60)
        assert p.returncode == 0 and p.stderr == ""
        assert p.stdout.splitlines()[-1] == (
            f"checked:   the index and META blocks only: 'ebrec verify {name}' reads the event "
            "blocks")
