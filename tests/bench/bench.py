#!/usr/bin/env python3
"""make bench: ebrec against perf record (with and without -z) and trace-cmd record on the
same workloads, in one run, rounds alternating the tracers; then the analysis of each trace
by `ebrec report`, `perf script`, `perf report` and `trace-cmd report`. Writes a Markdown
table (docs/BENCH.md for make bench) with the machine, the date and the exact commands.

Each figure is a median over the rounds, with the spread (min-max) beside it. CPU is the
user + system time of the tracer and everything it started (rusage of the reaped children),
so the kernel's own cost of the probes, charged to the traced tasks, is in it; an "event" is
one operation of the workload (an open, a context switch, an I/O, a TCP session, an exec, a
profile sample), counted the same way for every tracer.
"""
import argparse
import json
import datetime
import hashlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import prod

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EBREC = os.path.join(REPO, "build", "ebrec")
W = os.path.join(REPO, "build", "tests", "workloads")
HERE = os.path.dirname(os.path.abspath(__file__))
TRACERS = ["ebrec", "perf", "perf -z", "trace-cmd"]
TIMED = [sys.executable, os.path.join(HERE, "timed.py")]


def workloads(scale, disk_dir):
    """name -> what to run and how each tracer records it. scale 1 = make bench."""
    opens = int(400000 * scale)
    loops = int(100000 * scale)
    ios = int(20000 * scale)
    sessions = int(100 * scale)  # each takes ~40 ms (loopback delayed ACKs)
    execs = int(1000 * scale)
    # ~2 s traced: a recorder's start or stop that varies by 0.1 s is 25 ns an event
    getppids = int(4000000 * scale)
    burn = max(1, int(4 * scale))
    fio_file = os.path.join(disk_dir, "fio.dat")
    # room for every I/O at a block of its own: a random read job ends when it has read the
    # whole file once, whatever --number_ios says (64 MiB held 16,384 of the 20,000 I/Os that
    # every tracer's figures were divided by, until 2026-12-07)
    fio_mib = max(64, -(-ios * 4096 // (1 << 20)))
    storm = [f"{W}/ebr-files", "open", str(opens), "0", "/dev/null", "/nonexistent"]
    failing = [f"{W}/ebr-files", "open", "0", str(opens), "/dev/null", "/nonexistent"]
    storms = (os.cpu_count() or 1) + 1  # every CPU busy: the highest rate this machine makes
    return {
        "syscall storm (openat/close)": dict(
            cmd=storm, events=opens, unit="open", family=["-e", "file"], view=["opensnoop"],
            tp=["syscalls:sys_enter_openat", "syscalls:sys_exit_openat"]),
        f"{storms} syscall storms at once": dict(
            cmd=["sh", "-c", " & ".join([" ".join(storm)] * storms) + " & wait"],
            events=storms * opens, unit="open", family=["-e", "file"], view=["opensnoop"],
            query=QUERY_FILTER_COUNT,
            tp=["syscalls:sys_enter_openat", "syscalls:sys_exit_openat"]),
        # the cheapest traced system call: an open that fails at once makes over 1 M
        # events/s on two CPUs, the rate the "no events lost" target is stated for
        f"{storms} storms of failing opens at once": dict(
            cmd=["sh", "-c", " & ".join([" ".join(failing)] * storms) + " & wait"],
            events=storms * opens, unit="open", family=["-e", "file"], view=["opensnoop"],
            tp=["syscalls:sys_enter_openat", "syscalls:sys_exit_openat"]),
        # pinned to one CPU: unpinned, each switch crosses CPUs and wakes an idle one, which
        # on this VM made the untraced run's own CPU vary by ±600 ns a switch between runs
        # (5.2-5.7 s for 400 k switches, against 0.90-0.95 s pinned), more than any
        # tracer's cost: the figure came out negative
        "scheduler storm (perf bench sched pipe)": dict(
            cmd=["taskset", "-c", str((os.cpu_count() or 1) - 1),
                 "perf", "bench", "sched", "pipe", "-l", str(loops)],
            events=None, unit="switch", family=["-e", "sched"], view=["runqlat"],
            tp=["sched:sched_switch", "sched:sched_wakeup"]),
        "random 4 KiB direct reads (fio)": dict(
            cmd=["fio", "--name=bench", f"--filename={fio_file}", "--rw=randread", "--bs=4k",
                 "--direct=1", f"--size={fio_mib}M", f"--number_ios={ios}", "--ioengine=psync",
                 "--randrepeat=1", "--output=/dev/null"],
            prepare=["fio", "--name=fill", f"--filename={fio_file}", "--rw=write", "--bs=1M",
                     f"--size={fio_mib}M", "--output=/dev/null"],
            events=ios, unit="I/O", family=["-e", "block"], view=["biolatency"],
            tp=["block:block_rq_issue", "block:block_rq_complete"]),
        "short TCP sessions on loopback": dict(
            cmd=[f"{W}/ebr-tcp", "life", "127.0.0.1", "0", str(sessions), "0"],
            events=2 * sessions, unit="session end", family=["-e", "tcp"], view=["tcplife"],
            tp=["sock:inet_sock_set_state"]),
        # a generic probe: any tracepoint, here the cheapest system call's
        "tracepoint storm (getppid)": dict(
            cmd=[f"{W}/ebr-probes", "getppid", str(getppids)], events=getppids, unit="getppid",
            family=["-e", "tracepoint:syscalls:sys_enter_getppid"], view=["probes"],
            script=True, query=QUERY_PROBE_COUNT, tp=["syscalls:sys_enter_getppid"]),
        "exec loop": dict(
            cmd=[f"{W}/ebr-spawn", str(execs), "0", "0", "bench"],
            events=execs, unit="exec", family=["-e", "proc"], view=["execsnoop"],
            tp=["sched:sched_process_fork", "sched:sched_process_exec",
                "sched:sched_process_exit"]),
        "CPU profile at 99 Hz (CPU burner)": dict(
            cmd=[f"{W}/ebr-stacks", "burn", str(burn)],
            events=None, unit="sample", family=["-e", "profile", "-F", "99"],
            view=["profile"], tp=None, perf=["-F", "99", "-g"]),
        # user stacks through code without frame pointers: ebrec unwinds while it records,
        # perf when its trace is read (perf report/script)
        "CPU profile at 99 Hz, DWARF unwinding (burner without frame pointers)": dict(
            cmd=[f"{W}/ebr-unwind", "work", str(burn * 45)],  # fixed CPU: ~1 s per 45 here
            events=None, unit="sample",
            family=["-e", "profile", "-F", "99", "--call-graph", "dwarf"],
            view=["profile"], tp=None, perf=["-F", "99", "--call-graph", "dwarf"],
            unwound="ebr-unwind"),
    }


def run(argv):
    """Runs argv, its output discarded; returns (wall s, CPU s of it and the children it
    reaped, its peak RSS in KiB, exit status, the end of its stderr)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err,
                             stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read()[-20000:].decode(errors="replace")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, p.returncode, text


def trace_cmd_wrapper(tmp):
    """trace-cmd writes /proc/sys/kernel/ftrace_enabled and set_ftrace_pid, which this kind of
    VM refuses (no function tracer) even when the value does not change; in a mount namespace
    of its own it gets harmless stand-ins, and records tracepoints as anywhere else."""
    fe = os.path.join(tmp, "ftrace_enabled")
    pid = os.path.join(tmp, "set_ftrace_pid")
    with open(fe, "w") as f:
        f.write("1\n")
    open(pid, "w").close()
    script = os.path.join(tmp, "trace-cmd-ns.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\n"
                f"mount --bind {fe} /proc/sys/kernel/ftrace_enabled 2>/dev/null\n"
                f"mount --bind {pid} /sys/kernel/tracing/set_ftrace_pid 2>/dev/null\n"
                'exec "$@"\n')
    os.chmod(script, 0o755)
    return ["unshare", "-m", script]


def record_argv(tracer, w, path, wrapper, cmd):
    if tracer == "ebrec":
        return [EBREC, "record", "-f", "-o", path, *w["family"], "--", *cmd]
    if tracer.startswith("perf"):
        z = ["-z"] if tracer == "perf -z" else []
        evs = [a for tp in w["tp"] for a in ("-e", tp)] if w["tp"] else w["perf"]
        return ["perf", "record", "-a", "-q", *z, *evs, "-o", path, "--", *cmd]
    if w["tp"] is None:
        return None  # trace-cmd does not sample stacks
    evs = [a for tp in w["tp"] for a in ("-e", tp)]
    return [*wrapper, "trace-cmd", "record", "-q", *evs, "-o", path, *cmd]


def workload_wall(err):
    m = re.search(r"ebrec-bench wall: ([0-9.]+)", err)
    return float(m.group(1)) if m else float("nan")


def events_of(tracer, path):
    """(events the tracer wrote, events it says it lost)."""
    if tracer == "ebrec":
        info = subprocess.run([EBREC, "info", path], capture_output=True, text=True).stdout
        kept = 0
        for m in re.finditer(r"^  (\S+)\s+(\d+)$", info, re.M):
            if m.group(1) not in ("ebr.counts", "proc.task", "tcp.sock") and \
                    not m.group(1).startswith("sym."):
                kept += int(m.group(2))
        lost = sum(int(n) for n in re.findall(r", lost (\d+) \(", info))
        return kept, lost
    if tracer.startswith("perf"):
        st = subprocess.run(["perf", "report", "-i", path, "--stats"], capture_output=True,
                            text=True).stdout
        kept = re.search(r"SAMPLE events:\s+(\d+)", st)
        lost = re.search(r"LOST_SAMPLES events:\s+(\d+)", st)
        lost_ev = re.search(r"^\s+LOST events:\s+(\d+)", st, re.M)
        return (int(kept.group(1)) if kept else 0,
                (int(lost.group(1)) if lost else 0) + (int(lost_ev.group(1)) if lost_ev else 0))
    st = subprocess.run(["trace-cmd", "report", "--stat", "-i", path], capture_output=True,
                        text=True).stdout
    lost = sum(int(n) for n in re.findall(r"^(?:overrun|dropped events): (\d+)", st, re.M))
    kept = int(subprocess.run(f"trace-cmd report -i {path} 2>/dev/null | grep -vc '^ *cpus='",
                              shell=True, capture_output=True, text=True).stdout or 0)
    return kept, lost


# `ebrec query`'s speed target is stated for a filter and a count(): every event tested
QUERY_FILTER_COUNT = 'ebrec:file.open /args.ret < 0/ { @[comm] = count(); }'
# the same over a generic probe's events: one ebrec event is one perf script line
QUERY_PROBE_COUNT = 'tracepoint:syscalls:sys_enter_getppid /pid > 1/ { @[comm] = count(); }'
QUERY_NAME = "ebrec query (filter + count())"


def unwound_share(tracer, path, comm):
    """The share of comm's samples whose user stack reaches main, as the tracer's own tool
    shows them."""
    total = whole = 0
    if tracer == "ebrec":
        out = subprocess.run([EBREC, "report", path, "profile", "--comm", comm, "--format",
                              "json"], capture_output=True, text=True).stdout
        for st in json.loads(out)["views"][0]["stacks"]:
            total += st["count"]
            whole += st["count"] if "main" in st["user"] else 0
        return whole / total if total else float("nan")
    out = subprocess.run(["perf", "script", "-i", path, "-F", "comm,ip,sym"], capture_output=True,
                         text=True).stdout
    for block in out.split("\n\n"):
        lines = block.strip().splitlines()
        if not lines or lines[0].split()[0] != comm:
            continue
        total += 1
        whole += any(l.split()[1:2] == ["main"] for l in lines[1:])  # "ADDR SYMBOL"
    return whole / total if total else float("nan")


# the views that fold events into a histogram or a table of counts (30 M events/s per core);
# the others write a row an event (15 M)
HISTOGRAM_VIEWS = {"runqlat", "biolatency", "profile", "probes"}


def analyses(tracer, w, path):
    """The analysis commands of a tracer's trace: name -> argv."""
    if tracer == "ebrec":
        if w.get("script"):
            # a generic probe's events as trace-cmd report prints them
            out = {"ebrec script": [EBREC, "script", path]}
        else:
            out = {"ebrec report " + w["view"][0]: [EBREC, "report", path, *w["view"]]}
        if w.get("query"):
            out[QUERY_NAME] = [EBREC, "query", path, "-e", w["query"]]
        return out
    if tracer == "perf":
        return {"perf script": ["perf", "script", "-i", path],
                "perf report": ["perf", "report", "-i", path, "--stdio"]}
    if tracer == "trace-cmd":
        return {"trace-cmd report": ["trace-cmd", "report", "-i", path]}
    return {}


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def spread(xs, fmt):
    if not xs:
        return "n/a"
    if len(xs) == 1:
        return fmt.format(xs[0])
    return (fmt + " ({}–{})").format(med(xs), fmt.format(min(xs)), fmt.format(max(xs)))


def bench_workload(name, w, rounds, tmp, wrapper, log):
    """Per round: the workload untraced, then under each tracer, and each tracer recording
    nothing (`true`), whose cost (loading probes, writing headers, symbols) is not per event."""
    res = {t: {"wall": [], "cpu": [], "bytes": [], "kept": [], "lost": [], "rate": [],
               "unwound": []} for t in TRACERS}
    base = {"wall": [], "cpu": []}
    ana = {}
    if w.get("prepare"):
        run(w["prepare"])
    ops = []
    for r in range(rounds):
        _, cpu, _, rc, err = run(TIMED + w["cmd"])
        assert rc == 0, (w["cmd"], err[-500:])
        base["wall"].append(workload_wall(err))
        base["cpu"].append(cpu)
        for tracer in TRACERS:
            path = os.path.join(tmp, f"t-{tracer.replace(' ', '')}")
            idle = record_argv(tracer, w, path + "-idle", wrapper, ["true"])
            argv = record_argv(tracer, w, path, wrapper, TIMED + w["cmd"])
            if argv is None:
                continue
            results = []
            for a, out in ((idle, path + "-idle"), (argv, path)):
                _, cpu, _, rc, err = run(a)
                if tracer == "trace-cmd" and rc == 1 and err.strip().endswith(
                        "opening to '/sys/kernel/tracing/set_ftrace_filter'"):
                    rc = 0  # its last act, resetting the function filter, is refused here
                results.append((cpu, rc, err, os.path.getsize(out) if os.path.exists(out) else 0))
            (idle_cpu, idle_rc, _, idle_size), (cpu, rc, err, size) = results
            if rc != 0 or idle_rc != 0:
                log(f"  {tracer}: exit {rc}/{idle_rc}: {err.strip()[-300:]}")
                continue
            kept, lost = events_of(tracer, path)
            res[tracer]["wall"].append(workload_wall(err))
            res[tracer]["cpu"].append(cpu - idle_cpu)
            res[tracer]["bytes"].append(size - idle_size)
            res[tracer]["rate"].append(kept / workload_wall(err))
            res[tracer]["kept"].append(kept)
            res[tracer]["lost"].append(lost)
            if tracer == "ebrec" and w["events"] is None:
                ops.append(kept + lost)
            # the analysis of the last round's traces
            if r == rounds - 1:
                idle_argv = analyses(tracer, w, path + "-idle")
                for aname, aargv in analyses(tracer, w, path).items():
                    runs = [run(aargv) for _ in range(3)]
                    # the same analysis of the trace of nothing: what it costs whatever the
                    # events (loading, symbols, the output's frame), as "recording nothing";
                    # the per-core figures of ebrec's views subtract it
                    idle = [run(idle_argv[aname]) for _ in range(3)
                            if aname.startswith("ebrec report ")]
                    ana[aname] = dict(wall=med([x[0] for x in runs]),
                                      cpu=med([x[1] for x in runs]),
                                      idle_cpu=med([x[1] for x in idle]) if idle else 0.0,
                                      rss=max(x[2] for x in runs), events=kept,
                                      rc=max(x[3] for x in runs))
            if w.get("unwound") and tracer in ("ebrec", "perf"):
                res[tracer]["unwound"].append(unwound_share(tracer, path, w["unwound"]))
            log(f"  round {r + 1} {tracer}: workload {workload_wall(err):.2f} s, CPU {cpu:.2f} s "
                f"(recording nothing: {idle_cpu:.2f} s), {size} bytes ({idle_size} for nothing), "
                f"{kept} events, {lost} lost")
        log(f"  round {r + 1} untraced: workload {base['wall'][-1]:.2f} s, CPU {base['cpu'][-1]:.2f} s")
    events = w["events"] or int(med(ops))
    return dict(name=name, w=w, base=base, res=res, ana=ana, events=events)


def rss_scaling(tmp, log, scale):
    """Peak RSS of `ebrec report opensnoop` on a syscall storm and on one ten times larger,
    both of several blocks: each decoding thread holds one block's events ahead. Both on
    every CPU: by default a file under 8 MiB is read on one thread, which would compare
    thread counts, not trace sizes."""
    out = []
    for n in (int(1000000 * scale), int(10000000 * scale)):
        path = os.path.join(tmp, f"rss-{n}.ebr")
        run([EBREC, "record", "-f", "-o", path, "-e", "file", "--", f"{W}/ebr-files", "open",
             str(n), "0", "/dev/null", "/nonexistent"])
        _, _, rss, _, _ = run([EBREC, "report", path, "opensnoop", "--threads",
                               str(os.cpu_count())])
        kept, _ = events_of("ebrec", path)
        out.append((kept, rss))
        log(f"  rss: {kept} events: {rss} KiB")
    return out


def recorder_alone(path, storm_ops=0, seconds=0.0):
    """`ebrec record -e file` on its own while a syscall storm of storm_ops opens runs beside
    it (or for seconds of nothing): (its CPU, how long the storm took, events written)."""
    rec = subprocess.Popen([EBREC, "record", "-f", "-o", path, "-e", "file"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # the probes are attached
    t0 = time.monotonic()
    if storm_ops:
        run([f"{W}/ebr-files", "open", str(storm_ops), "0", "/dev/null", "/nonexistent"])
    else:
        time.sleep(seconds)
    took = time.monotonic() - t0
    time.sleep(1.0)
    rec.send_signal(2)
    _, _, ru = os.wait4(rec.pid, 0)
    return ru.ru_utime + ru.ru_stime, took, events_of("ebrec", path)[0]


def recorder_capacity(tmp, log, scale):
    """The recorder's own CPU per event (draining the ring, encoding, compressing, writing),
    apart from the probes' cost, which the traced tasks pay: its rusage while a storm runs
    beside it, less its rusage recording nothing for as long, over the events it wrote.
    One CPU writes 1 / that events a second."""
    per_event = []
    for _ in range(3):
        cpu, took, kept = recorder_alone(os.path.join(tmp, "capacity.ebr"),
                                         max(200000, int(1000000 * scale)))
        idle, _, _ = recorder_alone(os.path.join(tmp, "capacity-idle.ebr"), seconds=took)
        per_event.append((cpu - idle) / kept * 1e9 if kept else float("nan"))
        log(f"  recorder alone: {cpu:.3f} s CPU ({idle:.3f} s recording nothing) for {kept} "
            f"events: {per_event[-1]:.0f} ns per event")
    return dict(ns=med(per_event))


# one core against every core (ebrec-report(1) --threads): a histogram view, a listing whose
# filter reads every event (and prints one in eleven), and the summary of every view
PARALLEL = [("runqlat", ["runqlat"]), ("opensnoop -x", ["opensnoop", "-x"]),
            ("the summary (every view)", [])]


def parallel_analysis(tmp, log, scale):
    """The same reports of a trace of 10 M events or more with `--threads 1` and by default
    (every CPU), alternating, median of 5 each, every output compared with the first. On
    this VM a run on two threads sometimes takes half as much CPU again for the same work
    (its user time, not waiting; the host's doing, as one thread's runs do not vary), one
    run in three or for minutes on end; five runs each keep the median off a short stretch."""
    n, fail, loops = int(3400000 * scale), int(340000 * scale), int(1500000 * scale)
    path = os.path.join(tmp, "parallel.ebr")
    files = f"{W}/ebr-files open {n} {fail} /dev/null /nonexistent"
    run([EBREC, "record", "-f", "-o", path, "-e", "file,sched", "--", "sh", "-c",
         f"{files} & {files} & perf bench sched pipe -l {loops} >/dev/null; wait"])
    kept, lost = events_of("ebrec", path)
    log(f"  parallel: {kept} events, {lost} lost")
    out = []
    for name, args in PARALLEL:
        walls, cpus, digests = {1: [], 0: []}, {1: [], 0: []}, set()
        for _ in range(5):
            for threads in (1, 0):
                dest = os.path.join(tmp, "parallel.out")
                wall, cpu, _, rc, err = run([EBREC, "report", path, *args, "-o", dest] +
                                            (["--threads", "1"] if threads else []))
                if rc != 0:
                    log(f"  parallel {name}: exit {rc}: {err[-500:]}")
                walls[threads].append(wall)
                cpus[threads].append(cpu)
                with open(dest, "rb") as f:
                    h = hashlib.sha256()
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
                digests.add(h.hexdigest())
                os.unlink(dest)
        log(f"  parallel {name}: one core {med(walls[1]):.2f} s, every core "
            f"{med(walls[0]):.2f} s, {len(digests)} distinct output(s)")
        out.append(dict(name=name, events=kept, one=walls[1], all=walls[0],
                        cpu_one=cpus[1], cpu_all=cpus[0], same=len(digests) == 1))
    return out


def trace_cmd_version(text):
    """"3.1.6" from "trace-cmd version 3.1.6 (not-a-git-repo)"."""
    words = text.split()
    return words[words.index("version") + 1] if "version" in words[:-1] else "?"


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
        cpu = m.group(1) if m else cpu
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") >> 30
    vers = {t: subprocess.run(c, capture_output=True, text=True).stdout.strip().splitlines()[0]
            for t, c in (("perf", ["perf", "--version"]),
                         ("trace-cmd", ["sh", "-c", "trace-cmd --version 2>&1 | grep -m1 version"]),
                         ("fio", ["fio", "--version"]))}
    return (f"Linux {platform.release()}, {os.cpu_count()} CPUs ({cpu}), {mem} GiB; "
            f"{vers['perf']}, trace-cmd {trace_cmd_version(vers['trace-cmd'])}, "
            f"{vers['fio']}; ebrec {subprocess.run(['git', '-C', REPO, 'describe', '--always', '--dirty'], capture_output=True, text=True).stdout.strip()}")


def report(results, rss, cap, rounds, scale, elapsed, prod_lines=(), prod_checks=(),
           par=()):
    L = []
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    L.append("# ebrec against perf and trace-cmd\n")
    L.append(f"Measured {now} by `make bench{'-quick' if scale < 1 else ''}` "
             f"({rounds} round{'s' if rounds > 1 else ''}, tracers alternating within each "
             f"round, {elapsed / 60:.1f} min) on: {machine()}.\n")
    L.append("Medians over the rounds, (min–max) beside them. *CPU/event*: user + system CPU of "
             "the tracer and everything it started, minus what the same tracer takes to record "
             "nothing (`true`: loading, headers, symbols) and minus the untraced workload's, divided by "
             "the workload's operations (the same count for every tracer: an open, a context "
             "switch as ebrec counted them, an I/O, a TCP session end, an exec, a profile "
             "sample). *Bytes/event*: the trace file's size, minus that of the same tracer recording "
             "nothing, over those operations. *Rate*: the events the tracer wrote per second of "
             "the workload. *Lost*: "
             "what the tracer itself says it lost. *Wall*: the workload's own wall time traced "
             "over untraced (timed inside the tracer, so its start and end are not in it). The machine is a shared VM: only ratios inside one "
             "run mean anything.\n")
    L.append("## Recording\n")
    L.append("| workload | events | untraced CPU | tracer | wall ratio | CPU/event | bytes/event | rate | lost |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    summary = {}
    for r in results:
        base_cpu = med(r["base"]["cpu"])
        base_wall = med(r["base"]["wall"])
        first = True
        for t in TRACERS:
            x = r["res"][t]
            if not x["cpu"]:
                row = ("n/a (trace-cmd samples no stacks)" if t == "trace-cmd" and r["w"]["tp"] is None
                       else "failed (see the run's log)")
                L.append(f"| {r['name'] if first else ''} | {r['events'] if first else ''} | "
                         f"{'%.2f s' % base_cpu if first else ''} | {t} | {row} | | | | |")
                first = False
                continue
            cpu_ev = [(c - base_cpu) / r["events"] * 1e9 for c in x["cpu"]]
            b_ev = [b / r["events"] for b in x["bytes"]]
            wall = [wv / base_wall for wv in x["wall"]]
            summary[(r["name"], t)] = dict(cpu=med(cpu_ev), bytes=med(b_ev), lost=max(x["lost"]),
                                           rate=max(x["rate"]), unwound=med(x["unwound"]))
            L.append(f"| {r['name'] if first else ''} | {r['events'] if first else ''} | "
                     f"{'%.2f s' % base_cpu if first else ''} | {t} | {spread(wall, '{:.2f}')} | "
                     f"{spread(cpu_ev, '{:.0f}')} ns | {spread(b_ev, '{:.1f}')} | "
                     f"{med(x['rate']):,.0f}/s | {max(x['lost'])} |")
            first = False
    L.append("\n## Analysis of the same events\n")
    L.append("Each tracer's trace of the last round, analysed by its own tool (median of 3 "
             "runs). *Events/s*: the workload's operations (the same for every tool: an open "
             "is one ebrec event and two perf or trace-cmd events) over the analysis's wall "
             "time, process start included; *in the trace*: the records each tool read. Peak "
             "RSS from rusage.\n")
    L.append("| workload | analysis | in the trace | wall | events/s | peak RSS |")
    L.append("|---|---|---|---|---|---|")
    speed = {}
    for r in results:
        first = True
        for aname, a in r["ana"].items():
            eps = r["events"] / a["wall"] if a["wall"] > 0 else float("nan")
            speed[(r["name"], aname.split(" report ")[0] if aname.startswith("ebrec") else aname)] = eps
            L.append(f"| {r['name'] if first else ''} | `{aname}`{'' if a['rc'] == 0 else ' (failed)'} | "
                     f"{a['events']} | {a['wall'] * 1e3:.0f} ms | {eps / 1e6:.2f} M | {a['rss'] / 1024:.0f} MiB |")
            first = False
    if par:
        L.append("\n## Analysis on every core\n")
        L.append(f"`ebrec report T VIEW -o OUT --threads 1` against the same without "
                 f"`--threads` (every CPU: {os.cpu_count()}), alternating, median of 5 each "
                 f"(min–max); every output compared with the first. T: two syscall storms "
                 f"(one open in eleven fails) and a scheduler storm, `-e file,sched`. On "
                 f"this VM a run on two threads sometimes takes half as much CPU again for "
                 f"the same work (user time, not waiting), which the maximum shows, and "
                 f"which the CPU columns (user + system of each run) tell from waiting.\n")
        L.append("| analysis | events | one core | every core | speed-up | CPU, one core | "
                 "CPU, every core | output |")
        L.append("|---|---|---|---|---|---|---|---|")
        for x in par:
            L.append(f"| `{x['name']}` | {x['events']} | {spread(x['one'], '{:.2f}')} s | "
                     f"{spread(x['all'], '{:.2f}')} s | {med(x['one']) / med(x['all']):.2f}× | "
                     f"{spread(x['cpu_one'], '{:.2f}')} s | {spread(x['cpu_all'], '{:.2f}')} s | "
                     f"{'the same' if x['same'] else '**differs**'} |")
    L.extend(prod_lines)
    L.append("\n## Targets\n")
    storm = "syscall storm (openat/close)"
    checks = []

    def ratio(a, b):
        return a / b if b else float("nan")

    e, tc, pz = (summary.get((storm, t)) for t in ("ebrec", "trace-cmd", "perf -z"))
    if e and tc and pz:
        checks.append(("CPU/event on the syscall storm ≤ 0.5× trace-cmd's",
                       ratio(e["cpu"], tc["cpu"]), 0.5))
        checks.append(("CPU/event on the syscall storm ≤ 0.25× perf record -z's",
                       ratio(e["cpu"], pz["cpu"]), 0.25))
    # the storms at most 0.8× trace-cmd's CPU per event (issue 26); the scheduler storm's
    # workload is pinned to one CPU (workloads()), which keeps its figure from going negative
    for w in (storm, "scheduler storm (perf bench sched pipe)"):
        e, tc = summary.get((w, "ebrec")), summary.get((w, "trace-cmd"))
        if e and tc:
            checks.append((f"CPU/event on the {w} ≤ 0.8× trace-cmd's",
                           ratio(e["cpu"], tc["cpu"]), 0.8))
    # a generic probe (issue 18): any tracepoint at most as dear as trace-cmd's
    tp = "tracepoint storm (getppid)"
    e, tc = summary.get((tp, "ebrec")), summary.get((tp, "trace-cmd"))
    if e and tc:
        checks.append((f"CPU/event on the {tp} ≤ trace-cmd's", ratio(e["cpu"], tc["cpu"]), 1))
        checks.append((f"bytes/event on the {tp} ≤ trace-cmd's",
                       ratio(e["bytes"], tc["bytes"]), 1))
    for r in results:
        e = summary.get((r["name"], "ebrec"))
        for t, limit in (("trace-cmd", 0.5), ("perf -z", 0.25)):
            o = summary.get((r["name"], t))
            if e and o:
                checks.append((f"bytes/event on {r['name']} ≤ {limit}× {t}'s",
                               ratio(e["bytes"], o["bytes"]), limit))
        if e:
            checks.append((f"no events lost on {r['name']} (ebrec, at up to "
                           f"{e['rate'] / 1e6:.2f} M events/s)", e["lost"], 0))
    for r in results:
        if not r["w"].get("unwound"):
            continue
        e, p = summary.get((r["name"], "ebrec")), summary.get((r["name"], "perf"))
        if not (e and p):
            continue
        # the analysis that unwinds: ebrec's is in its record; perf's in report or script
        ana_ns = {a: x["cpu"] / r["events"] * 1e9 for a, x in r["ana"].items()}
        e_cpu = e["cpu"] + ana_ns.get("ebrec report profile", 0)
        p_cpu = p["cpu"] + min(ana_ns.get("perf report", 0), ana_ns.get("perf script", 0))
        checks.append((f"DWARF mode: bytes/sample ≤ 0.25× perf --call-graph dwarf's "
                       f"({e['bytes']:.0f} against {p['bytes']:.0f})",
                       ratio(e["bytes"], p["bytes"]), 0.25))
        checks.append((f"DWARF mode: CPU/sample, record and analysis, ≤ 0.5× perf's "
                       f"({e_cpu / 1e3:.1f} µs against {p_cpu / 1e3:.1f} µs)",
                       ratio(e_cpu, p_cpu), 0.5))
        checks.append((f"DWARF mode: share of samples unwound to main ≥ perf's "
                       f"({100 * e['unwound']:.1f}% against {100 * p['unwound']:.1f}%)",
                       ratio(e["unwound"], p["unwound"]), -1))
    for r in results:
        e = speed.get((r["name"], "ebrec"))
        for t, limit in (("perf script", 25), ("perf report", 5)):
            o = speed.get((r["name"], t))
            if e and o:
                checks.append((f"analysis of {r['name']} ≥ {limit}× `{t}`", ratio(e, o), -limit))
    for r in results:
        # per core: the events over the CPU time the analysis took on every thread it ran,
        # less what the same analysis of the trace of nothing took (a small trace's report
        # is mostly its start: the idle trace's is 1.5 ms)
        for aname, a in r["ana"].items():
            cpu = a["cpu"] - a.get("idle_cpu", 0.0)
            if not aname.startswith("ebrec report ") or cpu <= 0:
                continue
            view = aname.split()[-1]
            limit = 30 if view in HISTOGRAM_VIEWS else 15
            checks.append((f"`{aname}` on {r['name']} ≥ {limit} M events/s per core "
                           f"({'a histogram' if limit == 30 else 'rows as text'}; measured: "
                           f"M events per CPU-second, less the analysis of the trace of "
                           f"nothing, over {limit} M)",
                           r["events"] / cpu / (limit * 1e6), -1))
    for r in results:
        q = speed.get((r["name"], QUERY_NAME))
        if q:
            # one thread reads and runs the program: events/s is per core
            checks.append((f"`{QUERY_NAME}` on {r['name']} ≥ 10 M events/s per core "
                           f"(measured: M events/s over 10 M)", q / 1e7, -1))
            ps = speed.get((r["name"], "perf script"))
            if ps:
                # perf script only prints the events, the program tests and counts each
                checks.append((f"`{QUERY_NAME}` on {r['name']} faster than `perf script` of "
                               f"the same events ({q / 1e6:.2f} M against {ps / 1e6:.2f} M "
                               f"events/s)", ratio(q, ps), -1))
    rates = [(v["rate"], v["lost"], name) for (name, t), v in summary.items() if t == "ebrec"]
    if rates:
        rate, lost, name = max(rates)
        capacity = 1e3 / cap["ns"] if cap["ns"] > 0 else float("nan")
        what = (f"no events lost up to 1 M events/s: the highest rate this machine made "
                f"under ebrec was {rate / 1e6:.2f} M/s ({name}), {lost} lost; the recorder "
                f"alone takes {cap['ns']:.0f} ns of CPU per event, so one CPU writes "
                f"{capacity:.1f} M events/s")
        checks.append((what, lost, 0) if rate >= 1e6 else (what, None, None))
    for x in par:
        # an output that differs is no speed-up
        checks.append((f"analysis of {x['events'] / 1e6:.1f} M events on every core "
                       f"({os.cpu_count()}) ≥ 1.7× one core, the same output: {x['name']}",
                       med(x["one"]) / med(x["all"]) if x["same"] else 0.0, -1.7))
    if len(rss) == 2:
        checks.append((f"peak RSS of `ebrec report opensnoop --threads {os.cpu_count()}` on "
                       f"{rss[1][0]} events within "
                       f"10% of that on {rss[0][0]}", ratio(rss[1][1], rss[0][1]), 1.10))
    for what, got, limit in prod_checks:
        # a ratio to reach, or ("noise", limit): prod.decided()
        checks.append((what, got, limit if isinstance(limit, tuple) else -limit))
    L.append("| target | measured | |")
    L.append("|---|---|---|")
    for what, got, limit in checks:
        if limit is None:
            L.append(f"| {what} | | **not shown**: 1 M events/s is not made here |")
            continue
        if isinstance(limit, tuple):  # ("noise", limit): prod.decided()
            L.append(f"| {what} | {got:.3f}× | **undecided**: the limit ({limit[1]:.2f}×) is "
                     "within the median's noise; the accounted cost below decides |")
            continue
        if limit < 0:
            ok = got >= -limit
            shown = f"{got:.1f}×" if -limit >= 2 else f"{got:.3f}×"
        elif limit == 0:
            ok = got == 0
            shown = f"{got} lost"
        else:
            ok = got <= limit
            shown = f"{got:.2f}×" if limit != 1.10 else f"{got:.2f}× the smaller trace's"
        L.append(f"| {what} | {shown} | {'met' if ok else '**missed**'} |")
    L.append("\n## Commands\n")
    L.append("Per workload, with `OPS` the workload's command line (below), each round runs:\n")
    L.append("```")
    L.append("OPS                                                  # untraced")
    L.append("ebrec record -f -o T -e FAMILY -- OPS")
    L.append("perf record -a -q -e TP... -o T -- OPS                # and again with -z")
    L.append("unshare -m NS trace-cmd record -q -e TP... -o T OPS   # NS: see bench.py")
    L.append("ebrec report T VIEW; perf script -i T; perf report -i T --stdio; trace-cmd report -i T")
    L.append("```\n")
    for r in results:
        w = r["w"]
        L.append(f"- {r['name']}: `{' '.join(a.replace(REPO + '/', '') for a in w['cmd'])}`; "
                 f"ebrec `{' '.join(w['family'])}`, view `{w['view'][0]}`; "
                 f"perf/trace-cmd: {', '.join(w['tp']) if w['tp'] else 'perf `' + ' '.join(w['perf']) + '`; no trace-cmd'}")
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--out", default=os.path.join(REPO, "docs", "BENCH.md"))
    ap.add_argument("--only", help="workloads whose name contains this")
    ap.add_argument("--prod", choices=("also", "only", "no"), default="also",
                    help="the real workloads (PostgreSQL, nginx): also, only them, or not")
    # 3 rounds of 4 s: about 10 minutes (each recording also takes 2-4 s to load and detach)
    ap.add_argument("--prod-rounds", type=int, default=3)
    ap.add_argument("--prod-seconds", type=int, default=4)
    # more rounds of the untraced load and the defaults alone: their ratio is the target
    ap.add_argument("--prod-pairs", type=int, default=8)
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("make bench records with BPF, perf and trace-cmd: run it as root")
    tools = () if a.prod == "only" else ("perf", "trace-cmd", "fio")
    tools += () if a.prod == "no" else ("pgbench", "nginx", "wrk", "bpftool")
    for tool in tools:
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: make bench installs it (tests/bench/install-deps.sh)")
    t0 = time.monotonic()
    base = "/var/tmp" if os.major(os.stat("/var/tmp").st_dev) else REPO
    with tempfile.TemporaryDirectory(prefix="ebrec-bench-", dir=base) as tmp:
        wrapper = trace_cmd_wrapper(tmp)
        results = []

        def log(msg):
            print(msg, flush=True)

        rss, cap, prod_lines, prod_checks, par = [], dict(ns=float("nan")), [], [], []
        for name, w in workloads(a.scale, tmp).items():
            if a.prod == "only" or (a.only and a.only not in name):
                continue
            log(f"== {name}")
            results.append(bench_workload(name, w, a.rounds, tmp, wrapper, log))
        if a.prod != "only":
            log("== analysis memory, a trace and one ten times larger")
            rss = rss_scaling(tmp, log, a.scale)
            log("== the recorder's own CPU per event")
            cap = recorder_capacity(tmp, log, a.scale)
            log("== analysis on one core and on every core")
            par = parallel_analysis(tmp, log, a.scale)
        if a.prod != "no":
            pr = prod.bench_prod(EBREC, events_of, tmp, a.prod_rounds, a.prod_seconds, log,
                                 a.prod_pairs)
            prod_lines, prod_checks = prod.prod_report(pr, a.prod_rounds, a.prod_seconds,
                                                       a.prod_pairs)
        text = report(results, rss, cap, a.rounds, a.scale, time.monotonic() - t0,
                      prod_lines, prod_checks, par)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(text)
    print(text)
    print(f"written to {a.out}")


if __name__ == "__main__":
    main()
