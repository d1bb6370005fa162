"""--call-graph dwarf, end to end: user stacks through code built without frame pointers (a
workload built -O2 without them, Debian's libc and xz) are unwound whole by the recorder, and
the trace reads the same once the binaries are gone."""
import json
import os
import shutil

from conftest import ebrec, has_chain, pid_of, view, workload

CHAIN = ["ebr_unwind_leaf", "ebr_unwind_gamma", "ebr_unwind_beta", "ebr_unwind_alpha", "main"]


def copy_of(out_dir, name):
    """A private copy of ebr-unwind, so that the test can delete it."""
    path = out_dir / name
    shutil.copy(workload("ebr-unwind"), path)
    return path


def test_burner_without_frame_pointers_unwinds_whole(live, out_dir):
    trace = out_dir / "unwind-burn.ebr"
    binary = copy_of(out_dir, "ebr-nofp-burn")
    p = ebrec("record", "-o", trace, "-e", "profile", "--call-graph", "dwarf", "--", binary,
              "burn", 3, check=0)
    pid = pid_of(p.stdout)
    os.remove(binary)

    v = view(trace, "profile", "-p", pid)
    total = sum(s["count"] for s in v["stacks"])
    good = sum(s["count"] for s in v["stacks"] if has_chain(s["user"], CHAIN))
    # 3 s at 49 Hz: 147 when it has a CPU to itself; what is measured here is the share, so a
    # loaded machine (the burner runs less) is allowed down to a fifth
    assert 30 <= total <= 149, total
    assert good >= 0.95 * total, (good, total, v["stacks"][-3:])
    # every sample's stack was copied and unwound, but one the kernel took as the process
    # was leaving (no user stack left to copy)
    assert total - 2 <= v["user_stacks_unwound"] <= total, (v["user_stacks_unwound"], total)
    assert v["user_stacks_whole"] >= 0.95 * total, v["user_stacks_whole"]
    assert ";main;ebr_unwind_alpha;ebr_unwind_beta;ebr_unwind_gamma;ebr_unwind_leaf " in \
        ebrec("report", trace, "profile", "-f", "-p", pid, check=0).stdout
    text = ebrec("report", trace, "profile", "-p", pid, check=0).stdout
    assert "user stacks unwound to the process's entry: " in text, text[-600:]
    info = ebrec("info", trace, check=0).stdout
    assert "from copies of the stack (--call-graph dwarf)" in info, info
    # no byte of the stack copies is in the trace: it holds the unwound frames only
    assert os.path.getsize(trace) < 64 * 1024, os.path.getsize(trace)


def test_a_page_of_the_stack_that_is_not_present_does_not_end_the_copy(live, out_dir):
    """A page between the leaf and main's caller that cannot be read without a fault (never
    touched, dropped, swapped out; the top of a process's stack, between the exec's tables and
    its strings, has one in about a run of seven here): the copy keeps the frames beyond it.
    Copying only up to it lost the callers of every sample for the life of the process (xz
    once unwound 260 samples of 2216 to __libc_start_call_main)."""
    trace = out_dir / "unwind-holed.ebr"
    p = ebrec("record", "-o", trace, "-e", "profile", "--call-graph", "dwarf,16384", "--",
              workload("ebr-unwind"), "holed", 2, check=0)
    pid = pid_of(p.stdout)
    v = view(trace, "profile", "-p", pid)
    total = sum(s["count"] for s in v["stacks"])
    chain = CHAIN[:4] + ["ebr_unwind_holed", "main", "__libc_start_call_main"]
    good = sum(s["count"] for s in v["stacks"] if has_chain(s["user"], chain))
    assert total >= 20, total  # 2 s at 49 Hz, on a loaded machine down to a fifth
    assert good >= 0.95 * total, (good, total, v["stacks"][-3:])
    # the frame the copies crossed holds this text: the trace has the frames, not the bytes
    dump = ebrec("dump", trace, check=0).stdout
    assert "ebr_unwind_holed" in dump and "private-stack" not in dump


def test_frame_pointer_mode_loses_the_same_burners_callers(live, out_dir):
    """The reference the DWARF mode is measured against: the kernel's frame-pointer walk."""
    trace = out_dir / "fp-burn.ebr"
    binary = copy_of(out_dir, "ebr-nofp-fp")
    p = ebrec("record", "-o", trace, "-e", "profile", "--", binary, "burn", 1, check=0)
    pid = pid_of(p.stdout)
    v = view(trace, "profile", "-p", pid)
    total = sum(s["count"] for s in v["stacks"])
    good = sum(s["count"] for s in v["stacks"] if has_chain(s["user"], CHAIN))
    assert total >= 10 and good <= 0.1 * total, (good, total)  # 49 at most: 1 s at 49 Hz
    assert v["user_stacks_unwound"] == 0


def test_offcputime_through_libc_nanosleep(live, out_dir):
    trace = out_dir / "unwind-sleep.ebr"
    binary = copy_of(out_dir, "ebr-nofp-sleep")
    p = ebrec("record", "-o", trace, "-e", "offcpu", "--call-graph", "dwarf", "--", binary,
              "sleep", 10, 50, check=0)
    pid = pid_of(p.stdout)
    os.remove(binary)

    v = view(trace, "offcputime", "-p", pid)
    sleeps = [s for s in v["stacks"]
              if has_chain(s["user"], ["ebr_unwind_sleeper", "main"]) and
              "do_nanosleep" in s["kernel"]]
    total_us = sum(s["value"] for s in sleeps)
    # 10 x 50 ms; a sleep whose end the kernel did not trace is counted lost (test_stacks.py)
    unpaired = v["losses"]["lost_map"]
    assert 450_000 - 50_000 * unpaired <= total_us <= 550_000, (total_us, unpaired, sleeps)
    assert total_us >= 400_000, (total_us, unpaired)
    # through libc: the frames between the system call and the named function are libc's
    assert all(s["user"][0] != "ebr_unwind_sleeper" for s in sleeps), sleeps


def probe_stacks(trace):
    """The user frames of each event of `ebrec script` (a frame a line below its event)."""
    stacks = []
    for ln in ebrec("script", trace, check=0).stdout.splitlines():
        if not ln.startswith("\t"):
            stacks.append([])
        elif stacks:
            stacks[-1].append(ln.split()[1])
    return stacks


def test_a_uprobes_user_stack_unwinds_as_the_profiles_do(live, out_dir):
    """--call-graph dwarf for a probe's +ustack: at each call of the leaf (which sets up no
    frame) its callers up to libc's, where frame pointers lose them."""
    binary = copy_of(out_dir, "ebr-nofp-probe")
    probe = f"uprobe:{binary}:ebr_unwind_leaf+ustack"
    for mode in ("dwarf", "fp"):
        trace = out_dir / f"probe-{mode}.ebr"
        p = ebrec("record", "-o", trace, "-e", probe, "--call-graph", mode, "--", binary,
                  "work", 3, check=0)
        assert p.returncode == 0, p.stderr
        stacks = probe_stacks(trace)
        assert len(stacks) == 3, stacks
        whole = [s for s in stacks if has_chain(s, CHAIN + ["__libc_start_call_main"])]
        assert len(whole) == (3 if mode == "dwarf" else 0), (mode, stacks)
        flags = [e["fields"]["capture_flags"] for e in
                 map(json.loads, ebrec("script", trace, "--format", "json",
                                       check=0).stdout.splitlines())]
        # 64: unwound from a copy of the stack, 128: to the outermost frame
        assert flags == ([64 | 128] * 3 if mode == "dwarf" else [0] * 3), flags


def libc_start_share(trace, comm):
    v = view(trace, "profile", "--comm", comm)
    total = sum(s["count"] for s in v["stacks"] if s["user"])
    whole = sum(s["count"] for s in v["stacks"]
                if "__libc_start_call_main" in s["user"] or "main" in s["user"])
    return whole, total


def test_xz_from_debian_unwinds_to_libc_start_on_a_host_without_it(live, out_dir):
    """xz -9 -T1 on 12 MiB of random data (some 200 samples here): a stripped Debian binary
    over a stripped liblzma and libc, none with frame pointers."""
    xz = shutil.which("xz")
    assert xz, "xz (xz-utils) is needed: tests/install-deps.sh"
    data = out_dir / "random.bin"
    with open(data, "wb") as f:
        f.write(os.urandom(12 << 20))
    # copies of xz and of its liblzma, removed before the report: the trace alone must do
    lib_dir = out_dir / "xzlib"
    lib_dir.mkdir()
    liblzma = [l.split("=>")[1].split()[0] for l in
               os.popen(f"ldd {xz}").read().splitlines() if "liblzma" in l][0]
    shutil.copy(liblzma, lib_dir / os.path.basename(liblzma))
    binary = out_dir / "xz-copy"
    shutil.copy(xz, binary)
    env = dict(os.environ, LD_LIBRARY_PATH=str(lib_dir))
    dwarf, fp = out_dir / "xz-dwarf.ebr", out_dir / "xz-fp.ebr"
    for trace, mode in ((dwarf, ["--call-graph", "dwarf"]), (fp, [])):
        ebrec("record", "-o", trace, "-e", "profile", *mode, "--", binary, "-9", "-T1", "-k",
              "-f", data, check=0, env=env, timeout=600)
    os.remove(binary)
    shutil.rmtree(lib_dir)
    os.remove(data)
    os.remove(str(data) + ".xz")

    whole, total = libc_start_share(dwarf, "xz-copy")
    fp_whole, fp_total = libc_start_share(fp, "xz-copy")
    print(f"xz: dwarf {whole}/{total} reach __libc_start_call_main, "
          f"frame pointers {fp_whole}/{fp_total}")
    assert total >= 100, total
    assert whole >= 0.9 * total, (whole, total)
    assert fp_whole < whole, (fp_whole, fp_total)
    folded = ebrec("report", dwarf, "profile", "-f", "--comm", "xz-copy", check=0).stdout
    assert "lzma_code" in folded  # liblzma's exported names, read while it existed
