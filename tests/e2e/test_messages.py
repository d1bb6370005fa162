"""What a new user is told when a report or a recording cannot be what they asked for: one
line on stderr that names the problem and what to do, and the exit status (2 usage, 1 runtime,
127 a command that cannot run)."""
import gzip
import os
import re
import shutil
import subprocess
import tempfile

from conftest import EBREC, REPO, ebrec

TCP_SCHED = os.path.join(REPO, "samples", "format-1.2", "trace.ebr")  # tcp,sched; 0.289 s


def one_line(p):
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    return lines[0]


def test_a_bad_view_option_is_named():
    p = ebrec("report", TCP_SCHED, "runqlat", "--bogus", check=2)
    assert "runqlat: unknown option '--bogus'; options: -m" in one_line(p)
    p = ebrec("report", TCP_SCHED, "runqlat", "-z", check=2)
    assert "unknown option '-z'" in one_line(p)
    p = ebrec("report", TCP_SCHED, "runqlat", "-mz", check=2)
    assert "unknown option '-z' in '-mz'" in one_line(p)
    p = ebrec("report", TCP_SCHED, "tcplife", "-L", check=2)
    assert "tcplife: this option needs a value: '-L'" in one_line(p)
    p = ebrec("report", TCP_SCHED, "profile", "--svg", check=2)
    assert "profile: this option needs a value: '--svg'" in one_line(p)
    p = ebrec("report", TCP_SCHED, "exitsnoop", "--per-thread=1", check=2)
    assert "exitsnoop: this option takes no value: '--per-thread=1'" in one_line(p)


def test_an_unknown_view_suggests_the_closest():
    p = ebrec("report", TCP_SCHED, "runqlta", check=2)
    assert "unknown view 'runqlta'; did you mean 'runqlat'?" in one_line(p)
    p = ebrec("report", TCP_SCHED, "biolatncy", check=2)
    assert "did you mean 'biolatency'?" in one_line(p)
    p = ebrec("report", TCP_SCHED, "nothinglikeit", check=2)
    assert "unknown view 'nothinglikeit' (see" in one_line(p)


def test_a_window_that_selects_nothing_is_a_usage_error():
    span = "the recording spans 0 to 0.289 s (from 2026-11-30 23:47:24 UTC)"
    for args in (["--since", "1000"], ["--until", "00:00:01"], ["--since", "23:50:00"]):
        p = ebrec("report", TCP_SCHED, "runqlat", *args, check=2)
        assert p.stdout == ""
        assert "--since/--until select nothing: " + span in one_line(p), args
    p = ebrec("report", TCP_SCHED, "runqlat", "--since", "0.2", "--until", "0.1", check=2)
    assert "--since (0.200 s) is after --until (0.100 s)" in one_line(p)
    assert p.stdout == ""
    # inside the span: the views' window, as before
    p = ebrec("report", TCP_SCHED, "runqlat", "--since", "0.1", check=0)
    assert "events from 0.100 s of the recording on" in p.stderr


def test_a_view_of_a_family_not_recorded_says_so():
    for view, family in (("biolatency", "block"), ("opensnoop", "file"), ("profile", "profile"),
                         ("offcputime", "offcpu"), ("execsnoop", "proc")):
        p = ebrec("report", TCP_SCHED, view, check=1)
        assert p.stdout == ""
        assert (f"{view} needs the {family} family, which this trace did not record (it "
                f"recorded: tcp,sched); record with '-e {family}' to see it") in one_line(p)
    ebrec("report", TCP_SCHED, "tcplife", check=0)


def test_an_export_of_nothing_fails_as_report_does(tmp_path):
    """export writes no empty file: its checks are report's, messages and exit statuses."""
    out = tmp_path / "out"
    for fmt, opts, view_name in (("pprof", [], "profile"),
                                 ("speedscope", [], "profile"),
                                 ("pprof", ["--profile", "offcputime"], "offcputime")):
        p = ebrec("export", TCP_SCHED, "--format", fmt, *opts, "-o", out, check=1)
        said = ebrec("report", TCP_SCHED, view_name, check=1)
        assert one_line(p) == one_line(said).replace("ebrec report:", "ebrec export:", 1)
        assert not out.exists()
    for fmt in ("perfetto", "jsonl"):
        for args in (["--since", "1000"], ["--since", "0.2", "--until", "0.1"]):
            p = ebrec("export", TCP_SCHED, "--format", fmt, "-o", out, *args, check=2)
            said = ebrec("report", TCP_SCHED, "runqlat", *args, check=2)
            assert one_line(p) == one_line(said).replace("ebrec report:", "ebrec export:", 1)
            assert not out.exists()
    # a window within the recording still exports
    ebrec("export", TCP_SCHED, "--format", "perfetto", "-o", out, "--since", "0.1", check=0)
    assert out.stat().st_size > 0


def test_a_known_container_is_named(tmp_path):
    with open(TCP_SCHED, "rb") as f:
        data = f.read()
    gz = tmp_path / "t.ebr.gz"
    gz.write_bytes(gzip.compress(data))
    p = ebrec("report", gz, check=1)
    assert f"{gz} is not an ebrec trace: it is gzip-compressed: gunzip it first" in one_line(p)
    perf = tmp_path / "perf.data"
    perf.write_bytes(b"PERFILE2" + b"\0" * 200)
    p = ebrec("info", perf, check=1)
    assert "a perf.data file: read it with perf report or perf script" in one_line(p)
    other = tmp_path / "notes.txt"
    other.write_text("hello\n")
    p = ebrec("report", other, check=1)
    assert "not an ebrec trace" in one_line(p)


def test_a_private_trace_of_another_user_says_how_to_share_it():
    """A trace is made 0600 by root; another user is told whose it is and how to share it.
    (pytest's tmp_path is in a 0700 folder of root's: the other user could not even look.)"""
    folder = tempfile.mkdtemp(prefix="ebrec-private-", dir="/tmp")
    os.chmod(folder, 0o755)
    trace = os.path.join(folder, "root.ebr")
    shutil.copy(TCP_SCHED, trace)
    os.chmod(trace, 0o600)
    binary = os.path.join(folder, "ebrec")  # the checkout may be in a folder only root enters
    shutil.copy(EBREC, binary)
    os.chmod(binary, 0o755)
    try:
        p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            binary, "report", trace], capture_output=True, text=True, timeout=60)
    finally:
        shutil.rmtree(folder)
    assert p.returncode == 1, p.stderr
    line = one_line(p)
    assert f"cannot open {trace}: it belongs to root and is private (mode 0600" in line
    assert f"'chown YOU {trace}'" in line and f"'ebrec redact {trace} -o shared.ebr'" in line


def test_a_command_that_cannot_run_is_said_before_anything_loads(live, tmp_path):
    for cmd, why in (("/no/such/cmd", "No such file or directory"),
                     ("ebr-no-such-command", "No such file or directory (searched PATH)"),
                     (str(tmp_path), "Is a directory")):
        trace = tmp_path / "t.ebr"
        p = ebrec("record", "-o", trace, "-e", "proc", "--", cmd, "arg", check=127)
        assert f"cannot run {cmd}: {why}; nothing was recorded" in one_line(p)
        assert not trace.exists()


def test_a_sampling_rate_over_the_kernels_is_refused(live, tmp_path):
    with open("/proc/sys/kernel/perf_event_max_sample_rate") as f:
        top = int(f.read())
    p = ebrec("record", "-o", tmp_path / "t.ebr", "-e", "profile", "-F", top + 1, "-d", 1,
              check=2)
    assert (f"-F {top + 1} is over the {top} Hz this kernel samples at most "
            "(kernel.perf_event_max_sample_rate)") in one_line(p)
    # within it but more than a small ring holds between two drains: said, and recorded
    p = ebrec("record", "-o", tmp_path / "u.ebr", "-e", "profile", "-F", top,
              "--buffer-size", "64K", "-d", "0.2", check=0)
    assert "events may be lost (counted); --buffer-size" in p.stderr


def test_an_output_that_is_a_directory_is_named(live, tmp_path):
    p = ebrec("record", "-o", tmp_path, "-e", "proc", "-d", 1, check=1)
    assert (f"{tmp_path} is a directory: -o names the trace file to write "
            f"(e.g. -o {tmp_path}/trace.ebr)") in one_line(p)


def test_a_timed_recording_spans_what_was_asked(live, tmp_path):
    """Loading the probes is before the span and detaching after it: -d 3 spans 3 s."""
    trace = tmp_path / "d.ebr"
    ebrec("record", "-o", trace, "-e", "proc,sched,file,profile", "-d", 3, check=0)
    info = ebrec("info", trace, check=0).stdout
    m = re.search(r"for ([\d.]+) s \(events span ([\d.]+) s\)", info)
    assert m, info
    assert abs(float(m.group(1)) - 3) <= 0.2 and abs(float(m.group(2)) - 3) <= 0.2, m.group(0)


def test_info_prints_long_meta_values_whole_and_wrapped():
    """The file family's tracepoint list is 832 bytes: info used to cut it at ~508."""
    info = ebrec("info", os.path.join(REPO, "samples", "pgbench", "trace.ebr"), check=0).stdout
    lines = info.splitlines()
    at = next(i for i, l in enumerate(lines) if l.startswith("  file.tracepoints "))
    value = lines[at][27:]
    for l in lines[at + 1:]:
        if not l.startswith(" " * 27):
            break
        assert len(l) <= 100, l
        value += l[27:]
    names = value.split(",")
    assert len(value) > 800 and len(names) == 32, value
    assert all(re.fullmatch(r"\w+:\w+", n) for n in names), names
    assert names[0] == "syscalls:sys_enter_open" and names[-1] == "writeback:writeback_dirty_folio"
