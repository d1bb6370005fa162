"""Runs a load generator (pgbench, wrk), as `ebrec record`'s COMMAND or alone, its output passed
through; then says on stderr the CPU it and its children took, so that the bench can tell the
recorder's own CPU from the load's. With --bpf-stats FILE, also writes to FILE the recorder's
BPF programs as `bpftool prog show` lists them (their run_time_ns and run_cnt, counted while
kernel.bpf_stats_enabled=1), read here because they are unloaded when the recorder ends.
It also says the CPU the recorder took while the load ran, and the whole machine's busy CPU
over the load (/proc/stat: user, nice, system, irq and softirq of every CPU; idle, iowait and
the hypervisor's steal left out): what the load, the probes, the kernel's paths to them and
the recorder took together."""
import json
import os
import resource
import subprocess
import sys

args = sys.argv[1:]
stats = None
if args[:1] == ["--bpf-stats"]:
    stats, args = args[1], args[2:]


def machine_busy():
    """Busy CPU seconds of the whole machine since boot (/proc/stat's cpu line)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq = v[:7]
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def recorder_cpu():
    """The recorder's (our parent's) CPU seconds so far: its threads' run time as the
    scheduler counts it (schedstat, in ns), so that what it takes while the load runs can be
    told from what it takes to load its programs before and to write the symbols after."""
    total, tasks = 0, f"/proc/{os.getppid()}/task"
    for tid in os.listdir(tasks):
        try:
            with open(os.path.join(tasks, tid, "schedstat")) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # a thread that ended meanwhile
    return total / 1e9


busy0, rec0 = machine_busy(), recorder_cpu()
rc = subprocess.call(args)
busy, rec = machine_busy() - busy0, recorder_cpu() - rec0

def recorder_prog_ids():
    """The ids of the programs whose descriptors the recorder (our parent) holds."""
    ids = set()
    fdinfo = f"/proc/{os.getppid()}/fdinfo"
    for fd in os.listdir(fdinfo):
        try:
            with open(os.path.join(fdinfo, fd)) as f:
                for line in f:
                    if line.startswith("prog_id:"):
                        ids.add(int(line.split()[1]))
        except OSError:
            continue  # closed meanwhile
    return ids


if stats:
    mine = recorder_prog_ids()
    out = subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True, text=True).stdout
    progs = [p for p in json.loads(out or "[]") if p.get("id") in mine]
    with open(stats, "w") as f:
        json.dump(progs, f)
cpu = 0.0
for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
    ru = resource.getrusage(who)
    cpu += ru.ru_utime + ru.ru_stime
print(f"ebrec-bench load cpu: {cpu:.6f}", file=sys.stderr, flush=True)
print(f"ebrec-bench machine cpu: {busy:.6f}", file=sys.stderr, flush=True)
print(f"ebrec-bench recorder cpu over the load: {rec:.6f}", file=sys.stderr, flush=True)
sys.exit(rc)
