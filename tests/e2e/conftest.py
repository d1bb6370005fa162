"""Shared fixtures for the end-to-end tests: the ebrec binary, live-BPF gating, workloads.

Live tests record with real BPF. Without root or BTF they skip, except under
EBREC_REQUIRE_LIVE=1 (CI), where a skip is turned into a failure.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EBREC = os.environ.get("EBREC", os.path.join(REPO, "ebrec"))
WORKLOADS = os.environ.get("WORKLOADS", os.path.join(REPO, "build", "tests", "workloads"))
REQUIRE_LIVE = os.environ.get("EBREC_REQUIRE_LIVE") == "1"


def ebrec(*args, check=None, timeout=120, **kw):
    """Runs ebrec; returns the CompletedProcess (text). check=N asserts the exit status."""
    p = subprocess.run([EBREC, *map(str, args)], capture_output=True, text=True,
                       timeout=timeout, **kw)
    if check is not None:
        assert p.returncode == check, (args, p.returncode, p.stdout[-2000:], p.stderr[-2000:])
    return p


def built_with_asan():
    """ASan's shadow and quarantine are no part of what a command holds: RSS bounds skip."""
    out = subprocess.run(["ldd", EBREC], capture_output=True, text=True).stdout
    return "libasan" in out


def peak_rss(argv, cwd=None, timeout=120):
    """Runs argv: (exit status, stderr, peak RSS in MiB), by /usr/bin/time's wait4 of its own
    child: a child of this test process starts as a copy of pytest, whose memory its
    ru_maxrss keeps across the exec (fs/exec.c setmax_mm_hiwater_rss)."""
    with tempfile.NamedTemporaryFile("r") as out:
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *map(str, argv)],
                           cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True, timeout=timeout)
        return p.returncode, p.stderr, int(out.read().split()[-1]) / 1024


def ebrec_json(*args):
    p = ebrec(*args, check=0)
    return json.loads(p.stdout)


def view(path, *args):
    """The single view of `ebrec report PATH ... --format json`."""
    doc = ebrec_json("report", path, *args, "--format", "json")
    assert doc["warnings"] == []
    assert len(doc["views"]) == 1
    return doc["views"][0]


def documented_keys(view_name):
    """docs/JSON.md's keys for a view: (view keys, the array its table describes, the keys of
    that array's objects, those of them always present)."""
    with open(os.path.join(REPO, "docs", "JSON.md"), encoding="utf-8") as f:
        doc = f.read()
    for sec in re.split(r"^### ", doc, flags=re.M)[1:]:
        name = sec.split("\n", 1)[0].strip()
        also = re.findall(r"^Also ([^.]*)\.", sec, re.M)
        names = [name] + (re.findall(r"`(\w+)`", also[0]) if also else [])
        if view_name not in names:
            continue
        view_keys = re.findall(r"`(\w+)`", re.search(r"View keys: (.*?)(?:\(|\.\n)", sec,
                                                      re.S).group(1))
        part = {"row": "rows", "histogram": "histograms", "stack": "stacks"}[
            re.search(r"^\| (\w+) key \|", sec, re.M).group(1)]
        table = re.findall(r"^\| `(\w+)` \| [^|]+ \| ([^\n]*) \|$", sec, re.M)
        keys = {k for k, _ in table}
        required = {k for k, meaning in table
                    if not meaning.startswith("with `") and "absent" not in meaning}
        return view_keys, part, keys, required
    raise AssertionError(f"{view_name} is not in docs/JSON.md")


def check_documented(doc_view):
    """A view's JSON has the keys docs/JSON.md gives it, and its rows (histograms, stacks)
    only documented keys, with every key that is always present."""
    view_keys, part, keys, required = documented_keys(doc_view["view"])
    assert set(doc_view) - {"rows_omitted"} == set(view_keys), doc_view["view"]
    seen = set()
    for item in doc_view[part]:
        assert required <= set(item) <= keys, (doc_view["view"], set(item) ^ keys)
        seen |= set(item)
    return len(doc_view[part])


def pid_of(stdout):
    """The PID a stack workload prints first ("pid PID")."""
    for line in stdout.splitlines():
        if line.startswith("pid "):
            return int(line.split()[1])
    raise AssertionError(f"no pid line in {stdout!r}")


def has_chain(frames, chain):
    """The functions of chain, nested as called, consecutive."""
    return any(frames[i:i + len(chain)] == chain for i in range(len(frames)))


def workload(name):
    path = os.path.join(WORKLOADS, name)
    assert os.access(path, os.X_OK), f"{path} missing: run make"
    return path


def live_reason():
    if os.geteuid() != 0:
        return "needs root"
    if not os.path.exists("/sys/kernel/btf/vmlinux"):
        return "needs kernel BTF"
    return None


def require_tool(name, why):
    """Skips the calling test when a reference tool it compares with is missing; fails instead
    under EBREC_REQUIRE_LIVE=1 (make deps installs them all)."""
    if shutil.which(name):
        return
    if REQUIRE_LIVE:
        pytest.fail(f"{name} is not installed ({why}) but EBREC_REQUIRE_LIVE=1: run make deps")
    pytest.skip(f"{name} is not installed ({why}; make deps installs it)")


def require_live():
    """Skips the calling test (or fixture) when BPF cannot record here; fails instead under
    EBREC_REQUIRE_LIVE=1, so that CI never passes on a skip."""
    reason = live_reason()
    if reason:
        if REQUIRE_LIVE:
            pytest.fail(f"live BPF test cannot run ({reason}) but EBREC_REQUIRE_LIVE=1")
        pytest.skip(reason)


@pytest.fixture
def live():
    require_live()


def on_block_device(path):
    """True if path's file system sits on a block device (not tmpfs, overlay, proc...)."""
    return os.major(os.stat(path).st_dev) != 0


@pytest.fixture
def disk_dir():
    """A fresh directory on a file system backed by a real block device."""
    for base in ("/var/tmp", REPO, "/root"):
        if os.path.isdir(base) and on_block_device(base):
            d = tempfile.mkdtemp(prefix="ebrec-e2e-", dir=base)
            yield d
            subprocess.run(["rm", "-rf", d], check=False)
            return
    pytest.fail("no directory on a block device for the I/O workload")


@pytest.fixture
def out_dir(tmp_path):
    return tmp_path


class Recording:
    """`ebrec record` running until stop(): started with a command that says when the probes
    are attached (ebrec starts it only then) and ends when told, so nothing is timed."""

    def __init__(self, trace, families, args=()):
        events = ["-e", families] if families else []
        self.p = subprocess.Popen([EBREC, "record", "-o", str(trace), *events, *args, "--",
                                   "sh", "-c", "echo attached; read line"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()
        assert line == "attached\n", (line, self.p.stderr.read() if not line else "")

    def stop(self):
        _, err = self.p.communicate("stop\n", timeout=120)
        assert self.p.returncode == 0, err
        return err

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.communicate(timeout=30)


class LiveBpftrace:
    """bpftrace running a program until stop(), started and ready: its BEGIN printed ready
    (bpftrace says "Attaching N probes..." before it attaches them; BEGIN runs after). Its
    output is read as it comes: a full pipe would stop bpftrace reading its perf buffers,
    which then lose events."""

    def __init__(self, args, ready):
        self.p = subprocess.Popen([shutil.which("bpftrace"), *args], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True,
                                  env={**os.environ, "BPFTRACE_STRLEN": "64"})
        self.lines = []
        for line in self.p.stdout:
            self.lines.append(line)
            if line.startswith(ready):
                break
        else:
            raise AssertionError(f"bpftrace {args} ended before it was ready")
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.p.stdout),
                                       daemon=True)
        self.reader.start()

    def stop(self):
        """Its whole output, what it printed before it was ready included."""
        # bpftrace drains its perf buffers as it polls them; at SIGINT it stops polling, so
        # the last events of the workload would be lost without a moment to drain them
        time.sleep(1)
        self.p.send_signal(signal.SIGINT)
        return self.output()

    def output(self):
        """Its whole output once it has ended (after a SIGINT sent by the caller)."""
        # now and then bpftrace 0.17 misses a SIGINT and polls on (seen here, one run in
        # five): it is sent again
        for _ in range(12):
            try:
                self.p.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                self.p.send_signal(signal.SIGINT)
        else:
            self.p.kill()
            raise AssertionError("bpftrace did not end at SIGINT")
        self.reader.join(timeout=60)
        return "".join(self.lines)
