"""ebrec redact, end to end: a real recording of a program, a user, a host and an address with
names of their own; after `redact --all` none of those strings is left anywhere in the file
(every block decompressed), the reports keep every row, and joins still work."""
import ctypes
import json
import os
import shutil
import stat
import struct
import subprocess
import time
import uuid

import pytest

from conftest import EBREC, REPO, ebrec, view, workload

ADDR, ADDR_BYTES = "192.0.2.77", bytes([192, 0, 2, 77])  # TEST-NET-1, added to lo
UID = 4242


def decompressed(path):
    """Every block's payload of a trace, decompressed with libzstd (FORMAT.md's layout)."""
    zstd = ctypes.CDLL("libzstd.so.1")
    zstd.ZSTD_decompress.restype = ctypes.c_size_t
    zstd.ZSTD_decompress.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p,
                                     ctypes.c_size_t]
    data, off, out = open(path, "rb").read(), 16, []
    while off + 48 <= len(data) and data[off:off + 4] == b"EBLK":
        flags, stored, raw = struct.unpack_from("<HII", data, off + 6)
        payload = data[off + 48:off + 48 + stored]
        if flags & 1:
            buf = ctypes.create_string_buffer(raw)
            assert zstd.ZSTD_decompress(buf, raw, payload, stored) == raw
            payload = buf.raw
        out.append(payload)
        off += 48 + stored
    assert data[off:off + 8] == b"EBRFOOT1", "the trace did not parse to its footer"
    return b"".join(out)


@pytest.fixture
def scene(live, tmp_path):
    """Names of its own for everything --all hides, and an address on lo to connect to."""
    # letters past 'f': the pseudonyms are hex, and a hex tag was found once inside one by chance
    tag = uuid.uuid4().hex[:6].translate(str.maketrans("0123456789abcdef", "ghijklmnopqrstuv"))
    s = {"prog": f"zqprog{tag}", "user": f"zquser{tag}", "file": f"zqnotes{tag}.txt",
         "missing": f"zqmissing{tag}", "host": f"zqhost{tag}", "dir": f"zqdir{tag}"}
    home = f"/home/{s['user']}"
    os.makedirs(home)
    os.chown(home, UID, UID)
    with open(f"{home}/{s['file']}", "w") as f:
        f.write("private\n")
    bindir = tmp_path / s["dir"]
    bindir.mkdir()
    os.chmod(tmp_path, 0o755)
    shutil.copy(workload("ebr-files"), bindir / s["prog"])
    s["home"], s["bin"] = home, str(bindir / s["prog"])
    subprocess.run(["ip", "addr", "add", f"{ADDR}/32", "dev", "lo"], check=True)
    yield s
    subprocess.run(["ip", "addr", "del", f"{ADDR}/32", "dev", "lo"], check=False)
    shutil.rmtree(home, ignore_errors=True)


def record_scene(s, trace):
    """In a UTS namespace named s['host']: the program opens a file in its user's home
    3 times and a missing one once, as UID; then 2 TCP sessions to ADDR."""
    script = (f"setpriv --reuid {UID} --regid {UID} --clear-groups {s['bin']} open 3 1 "
              f"{s['home']}/{s['file']} {s['home']}/{s['missing']} && "
              f"{workload('ebr-tcp')} life {ADDR} 0 2 10")
    p = subprocess.run(["unshare", "--uts", "sh", "-c",
                        f"hostname {s['host']} && exec {EBREC} record -o {trace} "
                        f"-e proc,file,tcp -- sh -c '{script}'"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr


def secrets(s):
    return [s["prog"], s["user"], s["file"], s["missing"], s["host"], s["dir"], ADDR]


def test_redact_all_leaves_no_original_anywhere(scene, out_dir):
    trace, red = out_dir / "orig.ebr", out_dir / "red.ebr"
    record_scene(scene, trace)
    raw = decompressed(trace)
    for secret in secrets(scene):  # the recording holds them: the test is not void
        assert secret.encode() in raw, secret
    assert ADDR_BYTES in raw

    p = ebrec("redact", trace, "-o", red, "--all")
    assert p.returncode == 0, p.stderr
    assert stat.S_IMODE(os.stat(red).st_mode) == 0o600
    assert ebrec("verify", red).returncode == 0
    raw = decompressed(red)
    for secret in secrets(scene):
        assert secret.encode() not in raw, secret
    assert ADDR_BYTES not in raw
    events = [json.loads(line) for line in ebrec("dump", red, "--json").stdout.splitlines()]
    assert not [e for e in events if e.get("fields", e).get("uid") == UID]
    assert [e for e in [json.loads(line) for line in
                        ebrec("dump", trace, "--json").stdout.splitlines()]
            if e.get("fields", e).get("uid") == UID], "the program did not run as UID"

    # every row is still there, and names join: the file opened is the one the args name
    for name in ("execsnoop", "opensnoop", "tcplife", "exitsnoop"):
        assert len(view(red, name)["rows"]) == len(view(trace, name)["rows"]), name
    orig_opens, red_opens = view(trace, "opensnoop")["rows"], view(red, "opensnoop")["rows"]
    mine = [i for i, r in enumerate(orig_opens) if scene["file"] in r["path"]]
    assert len(mine) == 3
    red_paths = {red_opens[i]["path"] for i in mine}  # the same rows, in the same order
    assert len(red_paths) == 1
    red_path = red_paths.pop()
    execs = [r for r in view(red, "execsnoop")["rows"] if r["pid"] == orig_opens[mine[0]]["pid"]]
    assert any(red_path in r["args"] for r in execs), (red_path, execs)
    assert red_path.count("/") == 3 and red_path.endswith(".txt")  # /home/USER/FILE.txt
    life = view(red, "tcplife")["rows"]
    remote = {r["raddr"] for r in life if r["owner"] == "connect"}
    local = {r["laddr"] for r in life if r["owner"] == "accept"}
    assert len(remote) == 1 and remote == local and remote.pop().startswith("10.")

    info = ebrec("info", red).stdout
    assert "redacted:  paths,args,comm,net,host,users,symbols,probe-strings (ebrec redact" in info
    r = ebrec("report", red, "execsnoop")
    assert "this trace was redacted (paths,args,comm,net,host,users,symbols,probe-strings)" in r.stderr
    doc = json.loads(ebrec("report", red, "execsnoop", "--format", "json").stdout)
    assert doc["redacted"] == "paths,args,comm,net,host,users,symbols,probe-strings"


def test_redact_keys_options_and_refusals(scene, out_dir, tmp_path):
    trace = out_dir / "orig.ebr"
    record_scene(scene, trace)
    key = tmp_path / "key"
    key.write_bytes(os.urandom(32))
    outs = []
    for i, extra in enumerate((["--key-file", key], ["--key-file", key], [])):
        out = out_dir / f"r{i}.ebr"
        assert ebrec("redact", trace, "-o", out, "--paths", *extra).returncode == 0
        outs.append(ebrec("report", out, "opensnoop", check=0).stdout)
    assert outs[0] == outs[1]  # the same key, the same pseudonyms
    assert outs[0] != outs[2]  # a random key: others
    # --paths alone: paths go, also where a path's name stands elsewhere (the program's
    # comm is its file's name); names of the kinds not chosen stay
    red = out_dir / "r0.ebr"
    orig_rows, rows = view(trace, "execsnoop")["rows"], view(red, "execsnoop")["rows"]
    assert len(rows) == len(orig_rows)
    mine = [i for i, r in enumerate(orig_rows) if r["comm"] == scene["prog"]]
    assert len(mine) == 1 and rows[mine[0]]["comm"] != scene["prog"]
    assert not [r for r in rows if scene["dir"] in r["args"] or scene["file"] in r["args"]]
    assert f"host:      {scene['host']}," in ebrec("info", red).stdout
    assert {r["raddr"] for r in view(red, "tcplife")["rows"] if r["owner"] == "connect"} \
        == {ADDR}
    events = [json.loads(line) for line in ebrec("dump", red, "--json").stdout.splitlines()]
    assert [e for e in events if e.get("fields", e).get("uid") == UID]
    # refusals, and -f makes an existing file private too
    p = ebrec("redact", trace, "-o", red, "--paths")
    assert p.returncode == 1 and "exists" in p.stderr and "-f" in p.stderr
    os.chmod(red, 0o644)
    assert ebrec("redact", trace, "-o", red, "--paths", "-f").returncode == 0
    assert stat.S_IMODE(os.stat(red).st_mode) == 0o600
    p = ebrec("redact", trace, "-o", out_dir / "r9.ebr")
    assert p.returncode == 2 and "say what to redact" in p.stderr


def test_redact_symbols_and_names_inside_words(tmp_path):
    """A generated trace (the ebr-traces workload): host "secrethost", a log file named
    /var/log/secrethost-q7.log, a program's function names, its build-id, a kernel module's
    symbol and one of the kernel image. --host alone replaces the host name inside the log
    file's name ('-' and '.' end a private name in a word); --all (with --symbols) replaces
    the function names, the build-id, the module and its symbol, keeps the kernel image's
    symbol on purpose, and the profile's stacks still merge as they did."""
    trace, host_only, everything = (tmp_path / n for n in ("p.ebr", "h.ebr", "a.ebr"))
    subprocess.run([workload("ebr-traces"), "private", "hostile", "100", str(trace)],
                   check=True, timeout=60)
    raw = decompressed(trace)
    secrets = [b"secrethost", b"secret7compute", b"secret_helper", b"secretdrv",
               bytes([0x5e, 0xc2, 0xe7, 0x1d])]
    for secret in secrets:
        assert secret in raw, secret

    ebrec("redact", trace, "-o", host_only, "--host", check=0)
    assert b"secrethost" not in decompressed(host_only)
    path = view(host_only, "opensnoop")["rows"][0]["path"]
    assert path.startswith("/var/log/r") and path.endswith("-q7.log") and len(path) == 29

    ebrec("redact", trace, "-o", everything, "--all", check=0)
    raw = decompressed(everything)
    for secret in secrets:
        assert secret not in raw, secret
    assert b"vfs_ioctl" in raw
    before, after = view(trace, "profile")["stacks"], view(everything, "profile")["stacks"]
    assert [s["value"] for s in after] == [s["value"] for s in before] == [50, 50]
    assert [s["kernel"] for s in after][0][1] == "vfs_ioctl"
    assert len({s["user"][0] for s in after}) == 2


SPIN_C = """#include <fcntl.h>
#include <time.h>
#include <unistd.h>
__attribute__((noinline)) static double %(fn)s(double x)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int i = 0; i < 100000; i++)
			x = x * 1.000001 + 1;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec - t0.tv_nsec < 600000000L);
	return x;
}
int main(int argc, char **argv)
{
	int fd = open(argv[1], O_RDONLY);
	double x = %(fn)s(argc);
	if (fd >= 0)
		close(fd);
	return x == 0.5;
}
"""


def test_redact_all_of_an_all_family_recording_leaves_no_fragment(scene, out_dir, tmp_path):
    """A real recording of every family, with a private name in every kind of string: the
    host, the user (home, uid), the program's directory, file and comm, its arguments, a file
    it opens, the address it talks to, its function's name and build-id, and the cgroup a
    process alive at the start sits in. After `redact --all`, no block, decompressed, holds
    any of them whole or as a fragment (their shared random tag)."""
    tag = scene["prog"][len("zqprog"):]
    with open("/proc/mounts") as f:  # /sys/fs/cgroup, or /sys/fs/cgroup/unified beside v1
        cgroup2 = next(ln.split()[1] for ln in f if ln.split()[2] == "cgroup2")
    fn, cgroup = f"zqfn{tag}", f"{cgroup2}/zqcg{tag}"
    src = tmp_path / "spin.c"
    src.write_text(SPIN_C % {"fn": fn})
    subprocess.run(["cc", "-O1", "-g", "-fno-omit-frame-pointer", "-Wl,--build-id=sha1",
                    "-o", scene["bin"], str(src)], check=True, timeout=60)
    notes = subprocess.run(["readelf", "-n", scene["bin"]], capture_output=True, text=True,
                           check=True).stdout
    build_id = bytes.fromhex(notes.split("Build ID: ")[1].split()[0])
    os.mkdir(cgroup)
    sleeper = subprocess.Popen(["sleep", "60"])
    trace, red = out_dir / "all.ebr", out_dir / "all-red.ebr"
    try:
        with open(f"{cgroup}/cgroup.procs", "w") as f:
            f.write(str(sleeper.pid))
        script = (f"setpriv --reuid {UID} --regid {UID} --clear-groups {scene['bin']} "
                  f"{scene['home']}/{scene['file']} && "
                  f"{workload('ebr-tcp')} life {ADDR} 0 2 10")
        p = subprocess.run(["unshare", "--uts", "sh", "-c",
                            f"hostname {scene['host']} && exec {EBREC} record -o {trace} -e "
                            f"block,proc,file,tcp,sched,profile,offcpu -F 199 -- "
                            f"sh -c '{script}'"], capture_output=True, text=True, timeout=180)
        assert p.returncode == 0, p.stderr
    finally:
        sleeper.kill()
        sleeper.wait()
        for _ in range(100):  # the cgroup empties once the kernel has reaped the sleeper
            try:
                os.rmdir(cgroup)
                break
            except OSError:
                time.sleep(0.05)
    raw = decompressed(trace)
    kinds = {"host": scene["host"], "user": scene["user"], "path": scene["file"],
             "dir": scene["dir"], "comm": scene["prog"], "function": fn,
             "cgroup": f"zqcg{tag}"}
    for what, secret in kinds.items():  # the recording holds each: the test is not void
        assert secret.encode() in raw, what
    assert ADDR_BYTES in raw and build_id in raw

    assert ebrec("redact", trace, "-o", red, "--all").returncode == 0
    raw = decompressed(red)
    assert f"zq{tag}".encode() not in raw and tag.encode() not in raw
    for what, secret in kinds.items():
        assert secret.encode() not in raw, what
    assert ADDR_BYTES not in raw
    assert build_id[:8] not in raw and build_id[-8:] not in raw
    events = [json.loads(line) for line in ebrec("dump", red, "--json").stdout.splitlines()]
    assert not [e for e in events if e["fields"].get("uid") == UID]
    # what was redacted still reads: the function's samples are there, under a pseudonym
    assert view(red, "profile")["stacks"]


def test_redact_keeps_the_probes_events(tmp_path):
    """A generic probe's events are copied, their strings redacted by their fields' names
    (common_comm, comm, filename_str ...); the uprobes' and USDT probes' types keep their
    events with the binary's path and the function pseudonymized (test_redact_generic.py has
    the live recording of every kind)."""
    src = os.path.join(REPO, "samples", "format-1.4", "trace.ebr")
    red = tmp_path / "r.ebr"
    p = ebrec("redact", src, "-o", red, "--all", check=0)
    assert "202 events written" in p.stderr
    info = ebrec("info", red, check=0).stdout
    assert "tracepoint:signal:signal_generate 41" in info
    assert ebrec("script", red, check=0).stdout.count(" signal_generate: ") == 41
    raw = decompressed(red)
    for secret in (b"ebr-probes", b"ebrec-sample-probes", b"/etc/ld.so.cache"):
        assert secret not in raw, secret
    # names only: every event kept, the threads' names replaced
    comm = tmp_path / "c.ebr"
    p = ebrec("redact", src, "-o", comm, "--comm", check=0)
    assert "202 events written" in p.stderr
    script = ebrec("script", comm, check=0).stdout
    assert len(script.splitlines()) == len(ebrec("script", src, check=0).stdout.splitlines())
    assert "ebr-probes-" not in script and "comm=ebr-probes" not in script
