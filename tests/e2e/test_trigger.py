"""ebrec record --flight-recorder --trigger, end to end: a run-queue wait made at a known
moment (a SCHED_FIFO hog on the CPU a sleeper is pinned to) fires `runqlat > 200ms`; the file
it writes is named after that moment, holds the window around it exactly (DURATION ending
--trigger-after past the event that fired, which is in it) and says in META which condition
fired, when and on what; a second hog within the hold-off writes nothing; a threshold never
reached writes nothing but the exit's window."""
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest

from conftest import EBREC, REQUIRE_LIVE, ebrec
from test_clock import meta
from test_rotate import file_events

# Run by the recorder as COMMAND: a sleeper pinned to the last CPU; then, twice, a SCHED_FIFO
# hog on that CPU for 0.4 s, whose monotonic start and end it prints; the sleeper, woken by
# its timer under the hog, waits on the run queue until the hog ends.
WORKLOAD = r"""
import os, sys, time
cpu = os.cpu_count() - 1
pid = os.fork()
if pid == 0:
    os.sched_setaffinity(0, {cpu})
    while True:
        time.sleep(0.002)
time.sleep(3)
for i in range(2):
    if i:
        time.sleep(1.5)
    r, w = os.pipe()
    hog = os.fork()
    if hog == 0:
        os.sched_setaffinity(0, {cpu})
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
        start = time.monotonic_ns()
        while time.monotonic_ns() - start < 400000000:
            pass
        os.write(w, b"%d %d" % (start, time.monotonic_ns()))
        os._exit(0)
    os.close(w)
    os.waitpid(hog, 0)
    print("hog", os.read(r, 100).decode(), flush=True)
time.sleep(2)
os.kill(pid, 9)
"""


def test_trigger_writes_the_window_around_the_event_that_fired(live, tmp_path):
    if os.cpu_count() < 2:  # the project's machines have two: CI never passes on a skip
        (pytest.fail if REQUIRE_LIVE else pytest.skip)("needs two CPUs: the hog takes one whole")
    out, never = tmp_path / "win.ebr", tmp_path / "never" / "quiet.ebr"
    never.parent.mkdir()
    window_ns, after_ns = 4000000000, 1000000000
    # a threshold never reached, recording meanwhile: writes nothing until its exit
    quiet = subprocess.Popen([EBREC, "record", "-o", str(never), "-e", "sched",
                              "--flight-recorder", "4s", "--trigger", "runqlat > 1m"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        p = ebrec("record", "-o", out, "-e", "sched", "--flight-recorder", "4s",
                  "--trigger", "runqlat > 200ms", "--trigger-after", "1s", "--",
                  sys.executable, "-c", WORKLOAD, check=0, timeout=120)
        assert os.listdir(never.parent) == [] and quiet.poll() is None
        quiet.send_signal(signal.SIGINT)
        quiet_err = quiet.communicate(timeout=60)[1]
    finally:
        if quiet.poll() is None:
            quiet.kill()
    assert quiet.returncode == 0, quiet_err
    assert os.listdir(never.parent) == ["quiet.ebr"], quiet_err
    assert "0 by the trigger" in quiet_err, quiet_err

    hogs = [tuple(map(int, ln.split()[1:])) for ln in p.stdout.splitlines()
            if ln.startswith("hog ")]
    assert len(hogs) == 2, p.stdout
    # the second hog, 1.9 s after the first, is within the hold-off (the window): one file
    files = sorted(os.listdir(tmp_path))
    fired_files = [f for f in files if "-trigger-" in f]
    assert len(fired_files) == 1 and "win.ebr" in files, (files, p.stderr)
    assert "1 window written, 1 by the trigger" in p.stderr, p.stderr
    path = tmp_path / fired_files[0]
    ebrec("verify", path, check=0)
    m = meta(path, tmp_path)
    fired, value = int(m["trigger.fired_ns"]), int(m["trigger.value_ns"])
    assert m["trigger.fired"] == m["trigger.conditions"] == "runqlat > 200ms"
    assert m["trigger.event"] == "sched.switch" and m["trigger.seq"] == "1"
    # fired by a wait on the run queue the first hog made: at its end, of at most its length
    start_hog, end_hog = hogs[0]
    assert start_hog + 200000000 < fired < end_hog + 100000000, (hogs, fired)
    assert 200000000 < value < end_hog - start_hog + 100000000, value
    # named after the moment it fired (UTC, to the millisecond)
    real = int(m["trigger.fired_realtime_ns"])
    stamp = datetime.fromtimestamp(real // 1000000000, timezone.utc).strftime("%Y%m%dT%H%M%S")
    assert fired_files[0] == f"win-trigger-{stamp}.{real // 1000000 % 1000:03d}Z.ebr"
    # the window: DURATION ending --trigger-after past the event, every event inside it
    start, end = int(m["clock.start.monotonic_ns"]), int(m["clock.end.monotonic_ns"])
    assert end == fired + after_ns == fired + int(m["trigger.after_ns"])
    assert end - start == window_ns == int(m["flight.window_ns"])
    ev = file_events(path)
    times = [e["ts"] for e in ev if e["type"] not in ("proc.task", "ebr.counts")
             and not e["type"].startswith("sym.")]
    assert start <= min(times) and max(times) <= end
    assert min(times) < start + 100000000 and max(times) > end - 100000000
    # the event that fired is in it, as the trigger read it
    hit = [e for e in ev if e["type"] == "sched.switch" and e["ts"] == fired]
    assert any(e["runq_ns"] == value and e["next_pid"] == int(m["trigger.pid"])
               for e in hit), hit
    info = ebrec("info", path, check=0).stdout
    assert re.search(r"^trigger:   'runqlat > 200ms' fired at \d{4}-\d\d-\d\d .*, 3.000 s "
                     r"into the file, 1.000 s before its end:\n +sched.switch of pid "
                     + m["trigger.pid"], info, re.M), info


@pytest.mark.parametrize("args, message", [
    (["--trigger", "runqlat > 5ms"], "--trigger applies to --flight-recorder"),
    (["--flight-recorder", "4s", "--trigger", "latency > 5ms"], "METRIC one of biolatency"),
    (["--flight-recorder", "4s", "--trigger", "runqlat > 5"], "LATENCY with a unit"),
    (["--flight-recorder", "4s", "--trigger", "runqlat > 5ms", "-e", "proc"], "add -e sched"),
    (["--flight-recorder", "4s", "--trigger", "biolatency > 5ms", "--trigger-after", "5s"],
     "longer than the --flight-recorder window"),
    (["--flight-recorder", "4s", "--trigger-holdoff", "5s"], "apply to --trigger"),
    (["--flight-recorder", "4s", "--keep", "2"], "--keep and --max-disk apply to --rotate"),
    (["--flight-recorder", "4s", "-e", "file", "--trigger", "fsslower > 500us"],
     "is below --min-us (1000 us): the file family records nothing shorter; give --min-us 500"),
    (["--flight-recorder", "4s", "--trigger", "runqlat > 5ms", "--trigger-holdoff", "1x"],
     "--trigger-holdoff needs a duration (ms, s, m, h, d)"),
])
def test_trigger_usage_errors(args, message):
    p = ebrec("record", *args, check=2)
    assert message in p.stderr and p.stderr.count("\n") == 1, p.stderr
