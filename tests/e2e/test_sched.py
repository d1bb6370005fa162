"""Scheduler family, end to end: CPU-bound threads whose switch-ins, run-queue wait and time on
CPU the kernel itself counts (/proc/PID/task/TID/schedstat), compared with what ebrec rebuilt."""
import subprocess

from conftest import Recording, ebrec, view, workload

THREADS, SECONDS = 4, 2


def burn(trace):
    """4 CPU-bound threads on 2 CPUs for 2 s; the kernel's counts, read while they wait, and
    the recording stopped before they are released (so nothing after the counts is in it)."""
    rec = Recording(trace, "sched")
    p = subprocess.Popen([workload("ebr-sched"), "burn", str(THREADS), str(SECONDS)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        pid = int(p.stdout.readline().split()[1])
        threads = {}
        for _ in range(THREADS):
            _, tid, pcount, delay, exec_ns = p.stdout.readline().split()
            threads[int(tid)] = (int(pcount), int(delay), int(exec_ns))
    finally:
        rec.stop()
        p.communicate("go\n", timeout=60)
    assert p.returncode == 0
    return pid, threads


def test_runqlat_and_cpudist_match_the_kernels_counts(live, out_dir):
    trace = out_dir / "sched.ebr"
    pid, threads = burn(trace)

    rq = view(trace, "runqlat", "-L", "-p", pid)
    assert rq["unknown"] == 0  # every traced switch-in had its wakeup or preemption traced
    hists = {h["tid"]: h for h in rq["histograms"]}
    for tid, (pcount, delay, _) in threads.items():
        h = hists[tid]
        assert h["comm"] == "ebr-sched"
        # every switch-in the kernel counted: traced ones in the histogram, and the few the
        # kernel did not trace (after a task whose switch-out it hides) counted apart
        assert h["total"] + h["untraced_switch_ins"] == pcount, (tid, h, pcount)
        assert h["untraced_switch_ins"] <= max(3, pcount // 20)
        # run-queue wait: the kernel's own sum within 5%, in the millisecond range
        assert abs(h["sum_ns"] - delay) <= 0.05 * delay, (tid, h["sum_ns"], delay)
        mean_ms = h["sum_ns"] / h["total"] / 1e6
        assert 0.5 <= mean_ms <= 50, mean_ms
        ms_range = sum(b["count"] for b in h["buckets"] if b["low"] >= 512)
        assert ms_range >= 0.5 * h["total"], h["buckets"]

    on = {h["tid"]: h for h in view(trace, "cpudist", "-L", "-p", pid)["histograms"]}
    off = {h["tid"]: h for h in view(trace, "cpudist", "-O", "-L", "-p", pid)["histograms"]}
    for tid, (pcount, delay, exec_ns) in threads.items():
        # a slice after a switch-in the kernel did not trace is measured by the task's run time
        # (README): with those, never short of the kernel's sum (-9% in a CI run under ASan
        # before); a slice that one of the VM agent's hidden threads interrupted (the kernel
        # traces no switch for them, README) keeps their time: up to 11% more, in one run of
        # five here
        assert -0.01 * exec_ns <= on[tid]["sum_ns"] - exec_ns <= 0.2 * exec_ns, \
            (tid, on[tid], exec_ns)
        assert abs(off[tid]["sum_ns"] - delay) <= 0.05 * delay, (tid, off[tid], delay)

    per_pid = view(trace, "runqlat", "-P", "-p", pid)["histograms"]
    assert len(per_pid) == 1 and per_pid[0]["pid"] == pid
    assert per_pid[0]["total"] >= sum(hists[t]["total"] for t in threads)
    assert view(trace, "runqlat", "-p", pid)["histograms"][0]["total"] == per_pid[0]["total"]

    text = ebrec("report", trace, "runqlat", "-m", "-L", "-p", pid, check=0).stdout
    tid = min(threads)
    assert f"tid = {tid} ebr-sched" in text
    assert "msecs               : count    distribution" in text
    assert "sched events:" in text and ", 0 lost" in text
