"""ebrec record --program, end to end: the probes a bpftrace program uses are recorded, and
the program run over the trace later prints what it would have printed live. bpftrace's own
tools (Debian's bpftrace package, unmodified) run live while one recording made with their
programs runs beside them: the same workloads, the same events, the same output.

Verified here: opensnoop.bt, execsnoop.bt, killsnoop.bt, syscount.bt, runqlat.bt (live, a
variant: bpftrace 0.17's #include <linux/sched.h> for TASK_RUNNING does not compile against
this system's headers; ebrec runs the tool as shipped and the variant alike). Not
runnable over a trace (they use kprobes, which ebrec does not record: this kernel has none):
biolatency.bt, biosnoop.bt, biostacks.bt, capable.bt, dcsnoop.bt, gethostlatency.bt (uprobes,
but on libc's resolver), mdflush.bt, swapin.bt, tcpaccept.bt, tcpconnect.bt, tcpdrop.bt,
tcplife.bt, tcpretrans.bt, tcpsynbl.bt, vfscount.bt, vfsstat.bt, writeback.bt, xfsdist.bt; nor
those that read kernel memory through curtask or a struct pointer (naptime.bt's
args->rqtp->tv_sec, oomkill.bt, threadsnoop.bt's uprobe on pthread_create reads no struct but
prints ustack frames of a library ebrec names alike: left out for that).
"""
import os
import re
import shutil
import signal
import subprocess
import time
import uuid

from conftest import EBREC, LiveBpftrace, Recording, ebrec, require_tool, workload

TOOLS = "/usr/sbin"


def tool(name):
    return os.path.join(TOOLS, name + ".bt")


def own_copy(name, out_dir):
    """A copy of a workload under a name of its own, its comm: on a shared machine others run
    the same workloads, which the tools (system-wide, unmodified) see too."""
    comm = "q" + uuid.uuid4().hex[:10]
    path = os.path.join(out_dir, comm)
    shutil.copy(workload(name), path)
    return path, comm


PROGRAM = """
tracepoint:signal:signal_generate /comm == "{comm}" && args->sig == 10/
{ @sig[args->sig] = count(); }
uprobe:{probes}:ebr_probe_target { @arg0 = sum(arg0); @calls = count(); }
uretprobe:{probes}:ebr_probe_name /strncmp(str(retval), "name-", 5) == 0/ { @names = count(); }
ebrec:proc.exec /args.filename == "{probes}"/ { @execs = count(); }
END { printf("end\\n"); }
"""


def test_record_program_records_what_it_reads(live, out_dir):
    probes, comm = own_copy("ebr-probes", out_dir)
    prog = out_dir / "p.bt"
    prog.write_text(PROGRAM.replace("{probes}", probes).replace("{comm}", comm))
    trace = out_dir / "p.ebr"
    rec = Recording(trace, None, ["--program", str(prog)])
    try:
        subprocess.run([probes, "signals", "37"], check=True, capture_output=True)
        subprocess.run([probes, "calls", "53"], check=True, capture_output=True)
    finally:
        rec.stop()
    # the recorder was given the probes as its own options
    info = ebrec("info", trace, check=0).stdout
    for probe in ("tracepoint:signal:signal_generate", f"uprobe:{probes}:ebr_probe_target",
                  f"uretprobe:{probes}:ebr_probe_name"):
        assert probe in info, info
    out = ebrec("query", trace, prog, check=None)
    assert out.returncode == 0, out.stderr
    # sum of arg0 over 0..52; both runs of the workload exec'd
    assert out.stdout == ("end\n\n\n@arg0: 1378\n@calls: 53\n@execs: 2\n@names: 53\n"
                          "@sig[10]: 37\n")


def test_record_program_errors_before_loading(live, out_dir):
    trace = out_dir / "never.ebr"
    p = ebrec("record", "-o", trace, "--program-text", "kprobe:do_nanosleep { @ = count(); }",
              check=None)
    assert p.returncode == 2 and not trace.exists()
    assert p.stderr.startswith("ebrec record: the program does not say what to record:\n"
                               "stdin:1:1-20: ERROR: kprobe:do_nanosleep: ebrec records no "
                               "kprobes"), p.stderr
    assert "tracepoint:syscalls:sys_enter_nanosleep" in p.stderr
    p = ebrec("record", "-o", trace, "--program-text", "BEGIN { exit(); }", check=None)
    assert p.returncode == 2 and "no probe a trace can hold" in p.stderr
    p = ebrec("record", "-o", trace, "--program-text", "t:syscalls:sys_enter_kill {",
              check=None)
    assert p.returncode == 2 and "stdin:1:" in p.stderr and "ERROR" in p.stderr
    p = ebrec("record", "-o", trace, "--program", str(out_dir / "missing.bt"), check=None)
    assert p.returncode == 2 and "cannot open the program" in p.stderr
    assert not trace.exists()


def hist(text, name):
    """{low bound: count} of a map's hist() as bpftrace prints it."""
    block = re.split(r"^@%s: ?\n" % name, text, maxsplit=1, flags=re.M)[1].split("\n\n", 1)[0]
    out = {}
    for ln in block.splitlines():
        m = re.match(r"\[([^,\]]+)[^\]]*[\])]\s+(\d+)", ln)
        if m:
            lo = m.group(1)
            out[int(lo[:-1]) * {"K": 1024, "M": 1 << 20}[lo[-1]] if lo[-1] in "KM"
                else int(lo)] = int(m.group(2))
    return out


def distance(a, b, below=8):
    """Total variation distance of two histograms, each as a distribution, the buckets under
    `below` taken as one: tools attached to the same tracepoint run one after the other, each
    reading the clock after the programs attached before it ran (the live runqlats' run
    before ebrec's), which moves a latency by a microsecond or so between the lowest
    buckets."""
    def merged(h):
        out = {}
        for k, v in h.items():
            out[max(k, below - 1)] = out.get(max(k, below - 1), 0) + v
        return out
    a, b = merged(a), merged(b)
    ta, tb = sum(a.values()), sum(b.values())
    return sum(abs(a.get(k, 0) / ta - b.get(k, 0) / tb) for k in set(a) | set(b)) / 2


def runqlat_variant(out_dir):
    """runqlat.bt without its #include, TASK_RUNNING spelt 0, for live bpftrace 0.17 here."""
    with open(tool("runqlat"), encoding="utf-8") as f:
        text = f.read()
    path = out_dir / "runqlat.bt"
    path.write_text(re.sub(r"^#include.*$", "", text, flags=re.M).replace("TASK_RUNNING", "0"))
    return str(path)


def test_bpftrace_tools_over_a_recording_of_their_probes(live, disk_dir, out_dir):
    """Every tool live, each by its own bpftrace, and one ebrec recording of all their
    programs (--program, repeated) over the same workloads; then each tool run over the trace.
    runqlat's histogram is compared with two live runqlats started one after the other once
    the recording has: ebrec's may differ from the first's by no more than twice what the two
    live ones differ by, or 0.05, in total variation; 8 s of short sleeps make most of the
    wakeups of all three spans (with 4 s, the recording's own share of the bpftrace starts in
    its longer span, some 800 wakeups under 2 us, came to 0.05 alone: twice in CI)."""
    require_tool("bpftrace", "live bpftrace is the reference")
    token = uuid.uuid4().hex[:10]
    n_open, m_fail, kills, getppids = 150, 25, 41, 500000
    files, files_comm = own_copy("ebr-files", out_dir)
    probes, probes_comm = own_copy("ebr-probes", out_dir)
    names = ["opensnoop", "execsnoop", "killsnoop", "syscount", "runqlat"]
    ready = {"opensnoop": "PID", "execsnoop": "TIME(ms)", "killsnoop": "TIME",
             "syscount": "Counting"}
    trace = out_dir / "tools.ebr"
    lives, runqlats, live_out = {}, {}, {}
    rec = None
    try:
        for n in names[:-1]:
            lives[n] = LiveBpftrace([tool(n)], ready[n])
        rec = Recording(trace, None, [a for n in names for a in ("--program", tool(n))])
        # the recording's span holds the first runqlat's, which holds the second's: each
        # more by the start of a bpftrace, so that the two differences are alike
        variant = runqlat_variant(out_dir)
        for n in ("runqlat", "runqlat2"):
            runqlats[n] = LiveBpftrace([variant], "Tracing")
        target, missing = os.path.join(disk_dir, "openme"), os.path.join(disk_dir, "no-" + token)
        open(target, "w").close()
        subprocess.run([files, "open", str(n_open), str(m_fail), target,
                        missing], check=True, capture_output=True)
        subprocess.run([workload("ebr-spawn"), "6", "2", "3", token], check=True,
                       capture_output=True)
        subprocess.run([probes, "signals", str(kills)], check=True,
                       capture_output=True)
        subprocess.run([probes, "getppid", str(getppids)], check=True,
                       capture_output=True)
        subprocess.run([workload("ebr-sched"), "sleeps", "200", "32000", "2000", "100"],
                       check=True, capture_output=True)
    finally:
        time.sleep(1)
        for b in runqlats.values():
            b.p.send_signal(signal.SIGINT)
        live_out.update({n: b.output() for n, b in runqlats.items()})
        if rec:
            rec.stop()
        live_out.update({n: b.stop() for n, b in lives.items()})
    assert "tracepoint:raw_syscalls:sys_enter" in ebrec("info", trace, check=0).stdout
    ours = {}
    for n in names:
        p = ebrec("query", trace, tool(n), check=None)
        assert p.returncode == 0, (n, p.stderr)
        ours[n] = p.stdout
    assert ebrec("query", trace, variant, check=0).stdout == ours["runqlat"]

    def rows(text, comm, col=1):
        return [ln for ln in text.splitlines() if ln.split()[col:col + 1] == [comm]]

    # opensnoop: every open of the workload, fd and errno and path, line for line
    assert rows(ours["opensnoop"], files_comm) == rows(live_out["opensnoop"], files_comm)
    assert len([r for r in rows(ours["opensnoop"], files_comm) if r.endswith(missing)]) == \
        m_fail

    # execsnoop: the lines of the workload's execs (the elapsed column is each one's own)
    def execs(text):
        return [ln.split(None, 1)[1] for ln in text.splitlines() if token in ln]
    assert len(execs(ours["execsnoop"])) == 2 + 6 + 2  # the two workloads, children, failed
    assert all(ln in execs(ours["execsnoop"]) for ln in execs(live_out["execsnoop"]))

    # killsnoop: every kill, its signal, target and result (the time column is wall clock,
    # read when bpftrace printed the line: it may be a second later than the event's)
    def kill_rows(text):
        return [r.split()[1:] for r in rows(text, probes_comm, 2)]
    assert kill_rows(ours["killsnoop"]) == kill_rows(live_out["killsnoop"])
    assert len(kill_rows(ours["killsnoop"])) == kills
    assert {tuple(r[2:]) for r in kill_rows(ours["killsnoop"])} == \
        {(str(10), kill_rows(ours["killsnoop"])[0][3], "0")}

    # syscount: the workload's system calls, exactly (enough of them to be in the top 10 of
    # the live one, which ran longer, while the others started); getppid's at least its own
    def process_count(text, comm):
        m = re.search(r"^@process\[%s\]: (\d+)$" % re.escape(comm), text, re.M)
        return int(m.group(1)) if m else None
    assert process_count(ours["syscount"], probes_comm) == \
        process_count(live_out["syscount"], probes_comm)
    assert process_count(ours["syscount"], probes_comm) > getppids

    def getppid(text):
        m = re.search(r"^@syscall\[110\]: (\d+)$", text, re.M)
        return int(m.group(1)) if m else 0
    assert getppid(ours["syscount"]) >= getppids

    # runqlat: the histogram within what two live runqlats differ by
    ours_h, live_h, live2_h = (hist(t, "usecs") for t in
                               (ours["runqlat"], live_out["runqlat"], live_out["runqlat2"]))
    assert sum(ours_h.values()) > 1000
    d_live, d_ours = distance(live_h, live2_h), distance(ours_h, live_h)
    assert d_ours <= max(2 * d_live, 0.05), (d_ours, d_live, ours_h, live_h, live2_h)
