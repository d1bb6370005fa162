"""make bench's real workloads (make bench-prod runs them alone): PostgreSQL under pgbench and
nginx under wrk, each untraced, under `ebrec record` with the default families, with each
family alone and with the defaults and offcpu, the recordings alternating within each round;
then more rounds of the untraced load and the defaults alone, whose cost is the target.
What counts is the load generator's throughput (pgbench's TPS, wrk's requests/s) traced over
untraced in the same round, the whole machine's busy CPU per transaction or request (all
that tracing costs, the kernel's paths to the programs included), and the recorder's own CPU;
on a shared VM both carry several percent of noise. Then a pass per family with
kernel.bpf_stats_enabled=1 (not in the rounds: the stats cost two clock reads per program run)
gives each BPF program's runs and run time: robust to a shared machine, where throughput is
not, and the kernel's cost apart from the recorder's. The defaults' pass runs 5 times as long:
its programs' time and the recorder's CPU while the load runs are the figure that resolves
1%. What the recorder takes before the load (loading and attaching the programs) and after it
(the symbols the file's stacks need, resolved and written at its end) is paid once a file,
not a second: it is shown apart.

Each server runs in a temporary directory of its own, started before the rounds and removed
after them; nothing is installed or configured outside it."""
import glob
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LOAD = [sys.executable, os.path.join(HERE, "load.py")]
DEFAULT = ["block", "proc", "tcp", "profile"]  # ebrec record's default
FAMILIES = ["block", "proc", "file", "tcp", "sched", "profile"]
STEADY = 5  # the defaults' bpf_stats run is this many times as long as a round's


def free_port():
    """A loopback TCP port nothing listens on now (another PostgreSQL or web server may)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recordings():
    """name -> ebrec record's family arguments (None: untraced)."""
    out = {"untraced": None, "default families": []}
    for f in FAMILIES:
        out[f"{f} alone"] = ["-e", f]
    out["default + offcpu"] = ["-e", "default,offcpu"]
    return out


def as_postgres(cmd):
    subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", cmd], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Postgres:
    """A cluster of its own in a temporary directory, on a free loopback port, scale 10."""
    name = "PostgreSQL under pgbench"
    unit = "TPS"

    def __init__(self, base, seconds):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not bins:
            sys.exit("PostgreSQL is missing: make bench installs it")
        self.bin = os.path.dirname(bins[-1])
        self.dir = tempfile.mkdtemp(prefix="ebrec-bench-pg-", dir=base)
        os.chmod(self.dir, 0o755)
        shutil.chown(self.dir, "postgres")
        self.port = free_port()
        self.load = self.load_for(seconds)

    def load_for(self, seconds):
        return ["pgbench", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                "-c", "4", "-j", "2", "-T", str(seconds), "postgres"]

    def start(self):
        d = self.dir
        as_postgres(f"{self.bin}/initdb -D {d}/data -A trust")
        as_postgres(f"{self.bin}/pg_ctl -D {d}/data -w -l {d}/log -o \"-k {d} -p {self.port} "
                    f"-c listen_addresses=127.0.0.1\" start")
        subprocess.run(["pgbench", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        "-i", "-s", "10", "-q", "postgres"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self):
        if os.path.exists(os.path.join(self.dir, "data", "postmaster.pid")):
            as_postgres(f"{self.bin}/pg_ctl -D {self.dir}/data -w -m fast stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    @staticmethod
    def throughput(out):
        m = re.search(r"^tps = ([0-9.]+)", out, re.M)
        return float(m.group(1)) if m else None


class Nginx:
    """nginx (2 workers, its default access log) serving a 10 KiB file on 127.0.0.1 to wrk
    (2 threads, 16 keep-alive connections)."""
    name = "nginx under wrk"
    unit = "requests/s"

    def __init__(self, base, seconds):
        self.dir = tempfile.mkdtemp(prefix="ebrec-bench-nginx-", dir=base)
        os.chmod(self.dir, 0o755)  # the workers run as nobody
        self.conf = os.path.join(self.dir, "nginx.conf")
        self.port = free_port()
        self.load = self.load_for(seconds)

    def load_for(self, seconds):
        return ["wrk", "-t2", "-c16", f"-d{seconds}s", f"http://127.0.0.1:{self.port}/index.html"]

    def start(self):
        d = self.dir
        with open(os.path.join(d, "index.html"), "w") as f:
            f.write("x" * 10240)
        os.chmod(os.path.join(d, "index.html"), 0o644)
        with open(self.conf, "w") as f:
            f.write(f"worker_processes 2;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n"
                    "events { worker_connections 1024; }\n"
                    f"http {{\n\taccess_log {d}/access.log;\n"
                    f"\tserver {{ listen 127.0.0.1:{self.port}; root {d}; }}\n}}\n")
        subprocess.run(["nginx", "-c", self.conf], check=True)

    def stop(self):
        if os.path.exists(os.path.join(self.dir, "nginx.pid")):
            subprocess.run(["nginx", "-c", self.conf, "-s", "stop"])
            time.sleep(0.5)
        shutil.rmtree(self.dir, ignore_errors=True)

    @staticmethod
    def throughput(out):
        m = re.search(r"^Requests/sec:\s+([0-9.]+)", out, re.M)
        return float(m.group(1)) if m else None


def run_once(ebrec, argv_fam, path, server, stats=None, seconds=None):
    """One run: the load alone (argv_fam None) or as ebrec record's COMMAND: its throughput,
    the recorder's CPU in s while the load ran (load.py reads its threads' schedstat; 0
    untraced) and in all (its rusage less the load's), the machine's busy CPU in s over the
    load, exit status, stderr."""
    load = LOAD + (["--bpf-stats", stats] if stats else []) + \
        (server.load_for(seconds) if seconds else server.load)
    argv = load if argv_fam is None else [ebrec, "record", "-f", "-o", path, *argv_fam, "--",
                                           *load]
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
        p = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        out.seek(0)
        err.seek(0)
        text_out, text_err = out.read(), err.read()
    m = re.search(r"ebrec-bench load cpu: ([0-9.]+)", text_err)
    load_cpu = float(m.group(1)) if m else float("nan")
    m = re.search(r"ebrec-bench machine cpu: ([0-9.]+)", text_err)
    busy = float(m.group(1)) if m else float("nan")
    m = re.search(r"ebrec-bench recorder cpu over the load: ([0-9.]+)", text_err)
    during = float(m.group(1)) if m and argv_fam is not None else 0.0
    rec_cpu = ru.ru_utime + ru.ru_stime - load_cpu if argv_fam is not None else 0.0
    return dict(tput=server.throughput(text_out), cpu=during, total=rec_cpu, busy=busy,
                rc=os.waitstatus_to_exitcode(status), err=text_err[-300:])


def bench_prod(ebrec, events_of, base, rounds, seconds, log, pairs=0):
    """rounds of every recording, then pairs more of the untraced load and the defaults."""
    # beside base, whose mode keeps the postgres user and nginx's workers out
    parent = os.path.dirname(os.path.abspath(base))
    servers = [Postgres(parent, seconds), Nginx(parent, seconds)]
    recs = recordings()
    results = []
    path = os.path.join(base, f"ebrec-bench-prod-{os.getpid()}.ebr")
    try:
        for s in servers:
            log(f"== {s.name}")
            s.start()
            res = {name: dict(tput=[], ratio=[], cpu=[], ends=[], events=[], lost=[],
                              work=[]) for name in recs}
            for r in range(rounds + pairs):
                base_tput = base_work = None
                for name, fam in recs.items():
                    if r >= rounds and name not in ("untraced", "default families"):
                        continue
                    x = run_once(ebrec, fam, path, s)
                    if x["rc"] != 0 or x["tput"] is None:
                        log(f"  round {r + 1} {name}: failed (exit {x['rc']}): {x['err']}")
                        continue
                    # the machine's CPU seconds per unit of work (transaction, request)
                    work = x["busy"] / (x["tput"] * seconds) if x["tput"] else float("nan")
                    if fam is None:
                        base_tput, base_work = x["tput"], work
                    res[name]["tput"].append(x["tput"])
                    if base_tput:
                        res[name]["ratio"].append(x["tput"] / base_tput)
                        if work == work and base_work == base_work and base_work > 0:
                            res[name]["work"].append(work / base_work)
                    if fam is not None:
                        kept, lost = events_of("ebrec", path)
                        res[name]["cpu"].append(x["cpu"] / seconds)
                        res[name]["ends"].append(max(0.0, x["total"] - x["cpu"]))
                        res[name]["events"].append(kept / seconds)
                        res[name]["lost"].append(lost)
                    log(f"  round {r + 1} {name}: {x['tput']:.1f} {s.unit}, recorder "
                        f"{x['cpu']:.2f} s CPU over the load, {x['total']:.2f} s in all")
            stats, steady = {}, None
            old = open("/proc/sys/kernel/bpf_stats_enabled").read().strip()
            try:
                with open("/proc/sys/kernel/bpf_stats_enabled", "w") as f:
                    f.write("1")
                for name, fam in recs.items():
                    if fam is None:
                        continue
                    # the defaults for longer: what 24x7 pays, loading and symbols amortized
                    secs = seconds * STEADY if name == "default families" else seconds
                    jpath = path + ".json"
                    x = run_once(ebrec, fam, path, s, stats=jpath, seconds=secs)
                    with open(jpath) as f:
                        progs = json.load(f)
                    os.unlink(jpath)
                    if name == "default families":
                        steady = dict(seconds=secs, cpu=x["cpu"] / secs,
                                      ends=max(0.0, x["total"] - x["cpu"]))
                    stats[name] = [dict(prog=p.get("name", "?"),
                                        runs=p.get("run_cnt", 0) / secs,
                                        ns=p.get("run_time_ns", 0) / p["run_cnt"]
                                        if p.get("run_cnt") else 0.0,
                                        share=p.get("run_time_ns", 0) / (secs * 1e9 *
                                                                         (os.cpu_count() or 1)))
                                   for p in progs]
                    log(f"  bpf_stats {name}: " + ", ".join(
                        f"{p['prog']} {p['runs']:.0f}/s {p['ns']:.0f} ns" for p in stats[name]))
            finally:
                with open("/proc/sys/kernel/bpf_stats_enabled", "w") as f:
                    f.write(old)
            results.append(dict(server=s, res=res, stats=stats, steady=steady))
            s.stop()
    finally:
        for s in servers:
            s.stop()
        if os.path.exists(path):
            os.unlink(path)
    return results


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def median_interval(xs, draws=2000):
    """A 95% bootstrap interval of the median of xs (seeded: the same rounds give the same
    interval)."""
    rng = random.Random(1)
    meds = sorted(statistics.median(rng.choices(xs, k=len(xs))) for _ in range(draws))
    return meds[int(0.025 * draws)], meds[int(0.975 * draws) - 1]


def decided(what, xs, limit, shown=lambda v: v):
    """A target on the median of per-round ratios xs (higher is better), or, when the 95%
    interval of that median holds the limit, a figure that cannot decide it: a round-to-round
    spread of ±10% leaves a median of 11 rounds about ±2% uncertain, wider than 1%."""
    if not xs:
        return (what, float("nan"), limit)
    lo, hi = (shown(v) for v in median_interval(xs))
    lo, hi = min(lo, hi), max(lo, hi)
    what = f"{what}; 95% interval of the median {lo:.3f}–{hi:.3f}"
    return (what, shown(med(xs)), ("noise", limit) if lo < limit <= hi else limit)


def share(progs, cpu):
    """The machine's share that a recording's programs (bpf_stats) and recorder took."""
    return sum(p["share"] for p in progs) + cpu / (os.cpu_count() or 1)


def prod_report(results, rounds, seconds, pairs=0):
    """The Markdown section and the targets: [(what, ratio, limit)], ratio ≥ limit to meet."""
    L = ["\n## Real workloads\n",
         f"Each load runs {seconds} s, {rounds} rounds, the recordings alternating within each "
         f"round, then {pairs} more rounds of the untraced load and the default families alone "
         "(their cost is the target). *Throughput*: the load generator's own figure "
         "(pgbench's TPS without connection time, wrk's requests/s), median (min–max); "
         "*ratio*: traced over the same round's untraced run (1.00 costs nothing); *CPU per "
         "unit*: the whole machine's busy CPU (/proc/stat: user, system, irq, softirq; not "
         "idle, iowait or the hypervisor's steal) per transaction or request, traced over "
         "the same round's untraced (1.00 costs nothing): everything tracing costs, the "
         "kernel's paths to the programs included; *recorder CPU*: what `ebrec record`'s "
         "threads ran while the load ran (their schedstat), per second of load; *start and "
         "end*: the recorder's user + system CPU less the load generator's and less that, "
         "paid once a recording: loading and attaching the programs before the load, and the "
         "symbols its stacks need, resolved and written after it (a rotation pays the "
         "symbols again at each seam, not the loading); "
         "*events/s*: what the trace holds.\n",
         "| workload | recording | throughput | ratio | CPU per unit | recorder CPU | start and "
         "end | events/s | lost |",
         "|---|---|---|---|---|---|---|---|---|"]
    checks = []
    for r in results:
        s = r["server"]
        first = True
        for name, x in r["res"].items():
            ratio = med(x["ratio"])
            tput = (f"{med(x['tput']):,.0f} {s.unit} ({min(x['tput']):,.0f}–"
                    f"{max(x['tput']):,.0f})" if x["tput"] else "failed")
            rng = f" ({min(x['ratio']):.3f}–{max(x['ratio']):.3f})" if x["ratio"] else ""
            work = (f"{med(x['work']):.3f} ({min(x['work']):.3f}–{max(x['work']):.3f})"
                    if x["work"] else "")
            cpu = f"{100 * med(x['cpu']):.1f}% of a CPU" if x["cpu"] else ""
            ends = f"{med(x['ends']):.2f} s" if x["ends"] else ""
            ev = f"{med(x['events']):,.0f}/s" if x["events"] else ""
            lost = f"{max(x['lost'])}" if x["lost"] else ""
            L.append(f"| {s.name if first else ''} | {name} | {tput} | {ratio:.3f}{rng} | "
                     f"{work} | {cpu} | {ends} | {ev} | {lost} |")
            first = False
            if name == "default families":
                n = len(x["ratio"])
                checks.append(decided(f"the default families cost ≤ 1% of {s.name}'s "
                                      f"throughput (median of {n} rounds)", x["ratio"], 0.99))
                checks.append(decided(f"the default families cost ≤ 1% of the machine's CPU "
                                      f"per unit of {s.name}'s work (median of {n} rounds; "
                                      "shown as 1 − the extra CPU)", x["work"], 0.99,
                                      lambda v: 2 - v))
                progs, st = r["stats"].get(name), r.get("steady")
                if progs is not None and st:
                    used = share(progs, st["cpu"])
                    checks.append((f"the default families' programs (bpf_stats) and recorder "
                                   f"take ≤ 1% of the machine over {st['seconds']} s of "
                                   f"{s.name} (shown as 1 − their share: "
                                   f"{100 * (used - st['cpu'] / (os.cpu_count() or 1)):.2f}% "
                                   f"programs, {100 * st['cpu']:.2f}% of a CPU recorder; "
                                   f"its start and end {st['ends']:.2f} s a recording, not a "
                                   "second)",
                                   1 - used, 0.99))
    L += ["\nThe BPF programs, each family recorded alone with kernel.bpf_stats_enabled=1 "
          f"(one run per family, after the rounds; the default families' {STEADY} times as "
          "long, whose recorder CPU while the load ran is the target's): "
          "runs a second, mean run time, and the "
          "share of the machine's CPU (all CPUs) they took. This is the programs' own time: "
          "the kernel's path to them is not in it (for a syscall tracepoint, the syscall "
          "tracing path: about 50 ns on every system call of every process, traced or not, "
          "which is why the default families use none). A family recorded alone is named by "
          "-e, so its rows include the programs the default leaves out: proc's execve "
          "tracepoints, tcp's accepts, file's reads, writes and syncs.\n",
          "| workload | recording | program | runs/s | ns/run | CPU share |",
          "|---|---|---|---|---|---|"]
    for r in results:
        first = True
        for name, progs in r["stats"].items():
            for p in sorted(progs, key=lambda p: -p["share"]):
                if not p["runs"]:
                    continue
                L.append(f"| {r['server'].name if first else ''} | {name} | {p['prog']} | "
                         f"{p['runs']:,.0f} | {p['ns']:.0f} | {100 * p['share']:.3f}% |")
                first = False
    L += ["\nCommands: the servers as `tests/bench/prod.py` sets them up; "
          + "; ".join(f"`{' '.join(r['server'].load)}`" for r in results)
          + ", alone and as `ebrec record -f -o T [-e FAMILIES] -- LOAD`."]
    return L, checks
