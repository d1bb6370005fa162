"""One clock in every row view (ebrec-report(1), TIME): TIME(s), seconds from the start of
the recording, the same seconds as JSON's time_s; -T the wall clock in UTC; --local in the
recording host's time zone, which the trace holds (META host.utc_offset_s) since it was added,
and an older trace says it does not."""
import datetime
import json
import os
import re

from conftest import REPO, ebrec, view

PGBENCH = os.path.join(REPO, "samples", "pgbench", "trace.ebr")
ROW_VIEWS = ["biosnoop", "execsnoop", "exitsnoop", "opensnoop", "tcplife", "tcpconnect",
             "tcpaccept", "tcpretrans", "tcpstates", "cachestat"]


def meta(trace, tmp_path):
    """The trace's META, as the HTML page's data holds it."""
    page = tmp_path / "m.html"
    ebrec("report", trace, "--format", "html", "-o", page, check=0)
    raw = open(page, "rb").read()
    return json.loads(re.search(rb'id="ebrec-data">(.*?)</script>', raw, re.S).group(1))["meta"]


def first_rows(trace, name, *opts):
    lines = ebrec("report", trace, name, *opts, check=0).stdout.splitlines()
    cells = [ln.split()[0] for ln in lines[1:] if ln.strip()]
    times = [c for c in cells if re.fullmatch(r"\d+\.\d{6}|\d\d:\d\d:\d\d", c)]
    return lines[0].split()[0], times


def test_every_row_view_starts_with_the_seconds_of_json():
    for name in ROW_VIEWS:
        rows = view(PGBENCH, name)["rows"]
        head, cells = first_rows(PGBENCH, name)
        assert head == "TIME(s)", name
        assert rows and cells[:5] == [f"{r['time_s']:.6f}" for r in rows[:5]], name


def test_T_is_the_wall_clock_in_utc(tmp_path):
    start_ns = int(meta(PGBENCH, tmp_path)["clock.start.realtime_ns"])
    for name in ("biosnoop", "tcpretrans", "execsnoop"):
        rows = view(PGBENCH, name)["rows"]
        head, cells = first_rows(PGBENCH, name, "-T")
        assert head == "TIME", name
        want = [datetime.datetime.fromtimestamp(int(start_ns / 1e9 + r["time_s"]),
                                                datetime.timezone.utc).strftime("%H:%M:%S")
                for r in rows[:5]]
        assert cells[:5] == want, name


def test_local_needs_a_trace_that_holds_its_zone():
    p = ebrec("report", PGBENCH, "execsnoop", "--local")
    assert p.returncode == 2 and p.stdout == ""
    assert "does not hold the recording host's time zone" in p.stderr


def test_local_is_the_recording_hosts_zone(live, out_dir, tmp_path):
    """Recorded in India (UTC+05:30, no daylight saving): --local is UTC plus 5.5 hours."""
    trace = out_dir / "zone.ebr"
    ebrec("record", "-o", trace, "-e", "proc", "--", "sh", "-c", "/bin/true; /bin/true",
          env=dict(os.environ, TZ="Asia/Kolkata"), check=0)
    m = meta(trace, tmp_path)
    assert (m["host.utc_offset_s"], m["host.timezone"]) == ("19800", "IST")
    utc = first_rows(trace, "execsnoop", "-T")[1]
    local = first_rows(trace, "execsnoop", "--local")[1]
    assert first_rows(trace, "execsnoop", "-T", "--local")[1] == local
    shift = datetime.timedelta(hours=5, minutes=30)
    assert utc and [(datetime.datetime.strptime(u, "%H:%M:%S") + shift).strftime("%H:%M:%S")
                    for u in utc] == local
