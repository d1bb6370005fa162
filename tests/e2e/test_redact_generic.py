"""ebrec redact of generic probes (tracepoint:, uprobe:, uretprobe:, usdt:), end to end: a real
recording of a program, a directory and a file with names of their own, through tracepoints
with strings (signal_generate's comm, sys_enter_openat's filename) and probes on the
program; after `redact --all` every event is there with the same numbers, the tracepoints
still print as ftrace does, and no private name is left in any block, decompressed."""
import json
import os
import shutil
import uuid

from conftest import ebrec, workload
from test_redact import decompressed


def dump(trace):
    p = ebrec("dump", trace, "--json", check=0)
    assert p.returncode == 0, p.stderr
    return [json.loads(line) for line in p.stdout.splitlines()]


def test_redact_keeps_generic_events_and_hides_their_names(live, out_dir, tmp_path):
    tag = uuid.uuid4().hex[:6]
    prog, folder, notes = f"zqprobe{tag}", f"zqdir{tag}", f"zqnotes{tag}.txt"
    bindir = tmp_path / folder
    bindir.mkdir()
    os.chmod(tmp_path, 0o755)
    binary = str(bindir / prog)
    shutil.copy(workload("ebr-probes"), binary)
    (bindir / notes).write_text("private\n")
    trace, red = out_dir / "generic.ebr", out_dir / "generic-red.ebr"
    p = ebrec("record", "-o", trace,
              "-e", "tracepoint:signal:signal_generate,tracepoint:syscalls:sys_enter_openat",
              "-e", f"uprobe:{binary}:ebr_probe_target,uretprobe:{binary}:ebr_probe_name",
              "-e", f"usdt:{binary}:ebrec:tick",
              "--str", f"uretprobe:{binary}:ebr_probe_name:retval",
              "--str", f"usdt:{binary}:ebrec:tick:arg2",
              "--", "sh", "-c", f"{binary} signals 7 && {binary} calls 5 && {binary} usdt 3 && "
              f"cat {bindir / notes} > /dev/null", check=0)
    assert p.returncode == 0, p.stderr
    secrets = [prog.encode(), folder.encode(), notes.encode(), b"tick-1", b"name-1"]
    raw = decompressed(trace)
    assert all(s in raw for s in secrets), "the recording lacks the names: test is void"

    p = ebrec("redact", trace, "-o", red, "--all", check=0)
    assert p.returncode == 0, p.stderr
    raw = decompressed(red)
    left = [s for s in secrets if s in raw]
    assert not left, left

    before, after = dump(trace), dump(red)
    generic = ("tracepoint:", "uprobe:", "uretprobe:", "usdt:")
    probes = [e for e in before if e["type"].startswith(generic)]
    assert {e["type"].split(":")[0] for e in probes} >= {"tracepoint", "uprobe", "uretprobe",
                                                         "usdt"}
    assert len(after) == len(before)
    for b, a in zip(before, after):
        assert (a["ts"], a["cpu"]) == (b["ts"], b["cpu"])
        assert a["type"].split(":")[0] == b["type"].split(":")[0]
        if b["type"].startswith("tracepoint:"):
            assert a["type"] == b["type"]  # the kernel's names, public
        if not b["type"].startswith(generic):
            continue
        assert a["fields"].keys() == b["fields"].keys()
        for name, value in b["fields"].items():
            if isinstance(value, str):
                assert prog not in a["fields"][name] and folder not in a["fields"][name]
            else:
                assert a["fields"][name] == value, (b["type"], name)

    # the signals as ftrace prints them, the names pseudonymized
    sigs = [e for e in after if e["type"] == "tracepoint:signal:signal_generate"
            and e["fields"]["sig"] == 10]
    assert len(sigs) == 7
    comm = sigs[0]["fields"]["comm"]
    assert comm.startswith("r") and comm == sigs[0]["fields"]["common_comm"]
    text = ebrec("script", red, "-e", "tracepoint:signal:*", check=0).stdout
    assert sum(f"sig=10 errno=0 code=0 comm={comm}" in ln for ln in text.splitlines()) == 7
    # each probe's events under its redacted name, as info counts them
    info = ebrec("info", red, check=0).stdout
    for kind, count in (("uprobe", 5), ("uretprobe", 5), ("usdt", 3)):
        names = {e["type"] for e in after if e["type"].startswith(kind + ":")}
        assert len(names) == 1
        assert sum(1 for e in after if e["type"] in names) == count
        assert f"{names.pop()} emitted" in info

    # --paths alone: the file and the binary's directory go, the numbers and strings of no
    # chosen kind (a --str string) stay
    paths = out_dir / "generic-paths.ebr"
    assert ebrec("redact", trace, "-o", paths, "--paths", check=0).returncode == 0
    raw = decompressed(paths)
    assert folder.encode() not in raw and notes.encode() not in raw
    assert b"tick-1" in raw
