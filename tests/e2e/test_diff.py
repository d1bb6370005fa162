"""`ebrec diff`, end to end: one workload recorded twice with a known change (twice the opens,
execs and TCP sessions; 1 s then 2 s of CPU in ebr_middle_beta beside 1 s in another
function both times), and the diff's exact counts, the direction and size of the profile's
change in its text, JSON, two-column folded lines (FlameGraph's difffolded.pl) and
differential flame graph. The messages when a diff cannot be made are report's."""
import json
import os
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import REPO, ebrec, require_live, view, workload

OPENS = 40
MISSING = 5
SPAWNS = 3
SESSIONS = 2
# the server's address: a loopback one of its own, so that other work on the machine over
# 127.0.0.1 (the other ebr-tcp tests too) is not in its row
SERVER = "127.0.0.42"
BETA = ";ebr_outer_alpha;ebr_middle_beta;ebr_inner_gamma"
MANGLED = ";ebrec::burner::outer;ebrec::burner::spin(double);ebr_inner_gamma"
TCP_SCHED = os.path.join(REPO, "samples", "format-1.2", "trace.ebr")  # tcp,sched
BUILD = os.path.join(REPO, "samples", "build", "trace.ebr")  # proc,file,profile...
SVG = "{http://www.w3.org/2000/svg}"


def life_tx(i):  # as tests/workloads/ebr-tcp.c
    return 1000 + i * 700001


def life_rx(i):
    return 500 + i * 900007


def record(trace, d, times, burn_s):
    """times x the opens, execs and sessions; burn_s seconds in ebr_middle_beta, then 1 s in
    ebrec::burner::spin (of CPU time: the machine may be busy)."""
    target, missing = os.path.join(d, "target"), os.path.join(d, "missing")
    with open(target, "w") as f:
        f.write("x")
    stacks = workload("ebr-stacks")
    script = (f"{workload('ebr-files')} open {OPENS * times} {MISSING * times} {target} "
              f"{missing} && {workload('ebr-spawn')} {SPAWNS * times} {times} 0 difftoken && "
              f"{workload('ebr-tcp')} life {SERVER} 0 {SESSIONS * times} 20 && "
              f"{stacks} burn-cpu {burn_s} && {stacks} mangled-cpu 1")
    ebrec("record", "-o", trace, "-e", "file,proc,tcp,profile", "--", "sh", "-c", script,
          check=0)
    return trace, target, missing


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    require_live()
    d = tmp_path_factory.mktemp("diff")
    before = record(d / "before.ebr", d, 1, 1)
    after = record(d / "after.ebr", d, 2, 2)
    return d, before, after


def diff_json(before, after, *args):
    p = ebrec("diff", before, after, *args, "--format", "json", check=0)
    return json.loads(p.stdout)


def rows_by_name(doc, what):
    table = next(t for t in doc["tables"] if t["what"] == what)
    return {r["name"]: r for r in table["rows"]}


def test_counts_change_exactly(pair):
    _, (before, target, missing), (after, _, _) = pair
    doc = diff_json(before, after, "--limit", "0")
    assert doc["before"]["file"] == str(before) and doc["after"]["file"] == str(after)
    assert doc["not_compared"] == ""
    opens = rows_by_name(doc, "opens by file")
    assert opens[target] == {"name": target, "before": OPENS, "after": 2 * OPENS,
                             "change": OPENS, "change_pct": 100.0}
    assert opens[missing]["before"] == MISSING and opens[missing]["after"] == 2 * MISSING
    execs = rows_by_name(doc, "execs by file")
    gone = "/nonexistent/ebr-missing-difftoken"
    assert (execs[gone]["before"], execs[gone]["after"]) == (1, 2)
    spawn = execs[workload("ebr-spawn")]
    assert spawn["after"] - spawn["before"] == SPAWNS, spawn

    # TCP: the client's sessions, to SERVER (the server's are to 127.0.0.1), bytes both ways
    want = [sum(life_tx(i) + life_rx(i) for i in range(n)) for n in (SESSIONS, 2 * SESSIONS)]
    remote = rows_by_name(doc, "TCP bytes by remote address")[SERVER]
    assert [remote["before"], remote["after"]] == want, remote

    # a histogram: the lives of ebr-tcp's client sockets, each trace's as tcplife lists them
    # (another ebr-tcp on this shared machine meanwhile would be in both)
    lives = diff_json(before, after, "tcplife", "--comm", "ebr-tcp-cli")["histograms"][0]
    for side, trace, n in (("before", before, SESSIONS), ("after", after, 2 * SESSIONS)):
        rows = view(trace, "tcplife", "--comm", "ebr-tcp-cli")["rows"]
        assert lives[side]["count"] == len(rows) >= n, (side, rows)
        assert lives["change"]["count"][side] == len(rows)
        longest = max(r["duration_ms"] for r in rows)
        assert abs(lives[side]["percentiles"]["max_ns"] / 1e6 - longest) < 0.001
        assert lives["change"]["max_ns"][side] == lives[side]["percentiles"]["max_ns"]

    # --since/--until cut both recordings: the first millisecond of each holds no open
    cut = diff_json(before, after, "opentop", "--until", "0.001", "--limit", "0")
    assert target not in rows_by_name(cut, "opens by file")

    # one view, and the same in text: the change and its share
    only = diff_json(before, after, "opentop")
    assert [t["view"] for t in only["tables"]] == ["opentop"] and not only["histograms"]
    text = ebrec("diff", before, after, "opentop", "--limit", "0", check=0).stdout
    line = next(ln for ln in text.splitlines() if ln.endswith(" " + target))
    assert line.split()[:4] == [str(OPENS), str(2 * OPENS), f"+{OPENS}", "(+100.0%)"], line


def folded_sums_one(text, chain):
    """The samples of report's folded lines (STACK COUNT) whose stack holds chain."""
    return sum(int(ln.rsplit(" ", 1)[1]) for ln in text.splitlines() if chain in ln)


def folded_sums(text, chain):
    """(before, after) of the difffolded lines whose stack holds chain."""
    b = a = 0
    for ln in text.splitlines():
        stack, x, y = ln.rsplit(" ", 2)
        if chain in stack:
            b, a = b + int(x), a + int(y)
    return b, a


def test_profile_change_is_normalised_as_perf_diff(pair):
    d, (before, _, _), (after, _, _) = pair
    folded = ebrec("diff", before, after, "profile", "--folded", check=0).stdout
    assert all(re.fullmatch(r".+ \d+ \d+", ln) for ln in folded.splitlines()), folded[:500]
    beta = folded_sums(folded, BETA)
    mangled = folded_sums(folded, MANGLED)
    # the counts are each trace's own, exactly
    for i, trace in enumerate((before, after)):
        own = ebrec("report", trace, "profile", "-f", check=0).stdout
        assert (folded_sums_one(own, BETA), folded_sums_one(own, MANGLED)) == \
            (beta[i], mangled[i]), trace
    # 49 Hz: 1 s then 2 s of CPU in beta, 1 s both times in the mangled spin: about 49, 98
    # and 49 on an idle machine; with a load of 11 on this VM's 2 CPUs the samples strayed
    # from the CPU time (60 and 87, 38 and 110 seen for 49 and 98): the bounds are the
    # direction and a rough size, the exact numbers those of each trace's own report
    assert 30 <= beta[0] <= 80 and 1.3 <= beta[1] / beta[0] <= 3.5, beta
    assert all(30 <= n <= 80 for n in mangled), mangled
    # -n: BEFORE scaled to AFTER's total, rounded, line by line, as difffolded.pl -n
    norm = ebrec("diff", before, after, "profile", "--folded", "-n", check=0).stdout
    lines = [ln.rsplit(" ", 2) for ln in folded.splitlines()]
    total_b, total_a = sum(int(b) for _, b, _ in lines), sum(int(a) for _, _, a in lines)
    assert norm.splitlines() == [f"{s} {int(int(b) * total_a / total_b + 0.5)} {a}"
                                 for s, b, a in lines]

    # the burner's samples alone (the machine runs others' work too): beta's share of them
    # grows from 1/2 to 2/3, the mangled spin's shrinks from 1/2 to 1/3
    doc = diff_json(before, after, "profile", "--comm", "ebr-stacks", "--limit", "0")
    prof = doc["profiles"][0]
    assert prof["view"] == "profile" and prof["unit"] == "samples"
    for s in prof["stacks"]:  # perf diff's delta: the change of the share of each total
        share = (100 * s["before"] / prof["before_total"], 100 * s["after"] / prof["after_total"])
        assert abs(s["before_pct"] - share[0]) < 1e-3 and abs(s["after_pct"] - share[1]) < 1e-3
        assert abs(s["delta_pct"] - (share[1] - share[0])) < 2e-3, s
    grew = sum(s["delta_pct"] for s in prof["stacks"] if BETA in s["stack"])
    shrank = sum(s["delta_pct"] for s in prof["stacks"] if MANGLED in s["stack"])
    assert 3 < grew < 40 and -40 < shrank < -3, (grew, shrank)
    assert abs(prof["stacks"][0]["delta_pct"]) >= abs(prof["stacks"][-1]["delta_pct"])

    svg = d / "diff.svg"
    out = ebrec("diff", before, after, "profile", "--comm", "ebr-stacks", "--svg", svg,
                check=0).stdout
    assert f"{svg}: differential flame graph of profile" in out
    frames = {}
    for g in ET.parse(svg).getroot().iter(SVG + "g"):
        title, rect = g.find(SVG + "title"), g.find(SVG + "rect")
        if title is not None and rect is not None:
            frames.setdefault(title.text.split(" (")[0], []).append((title.text,
                                                                     rect.get("fill")))
    beta_title, beta_fill = frames["ebr_middle_beta"][0]
    m = re.search(r"before (\d+) samples, [\d.]+%; after (\d+) samples, [\d.]+%; ([+-][\d.]+)%",
                  beta_title)
    # the frame counts every sample through beta: one in beta's own callee other than gamma
    # (its clock's now_s, seen once in a CI run) is in it but not in BETA's chain
    through = folded_sums(folded, ";ebr_outer_alpha;ebr_middle_beta")
    assert m and int(m.group(1)) == through[0] and int(m.group(2)) == through[1], beta_title
    assert 3 < float(m.group(3)) < 40, beta_title
    r, g, b = map(int, re.findall(r"\d+", beta_fill))
    assert r == 255 and g == b and g < 200, beta_fill  # red: grew
    spin_fill = frames["ebrec::burner::spin(double)"][0][1]
    r, g, b = map(int, re.findall(r"\d+", spin_fill))
    assert b == 255 and r == g and r < 200, spin_fill  # blue: shrank


def test_a_trace_against_itself_changes_nothing():
    doc = diff_json(BUILD, BUILD, "--limit", "0")
    assert doc["histograms"] or doc["tables"] or doc["profiles"]
    for h in doc["histograms"]:
        assert all(c["change"] == 0 for c in h["change"].values()), h["view"]
    for t in doc["tables"]:
        assert all(r["change"] == 0 for r in t["rows"]), t["what"]
    for p in doc["profiles"]:
        assert all(s["delta_pct"] == 0 for s in p["stacks"]), p["view"]
    folded = ebrec("diff", BUILD, BUILD, "--folded", check=0).stdout
    assert folded and all(ln.rsplit(" ", 2)[1] == ln.rsplit(" ", 2)[2]
                          for ln in folded.splitlines())


def one_line(p):
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    return lines[0]


def test_a_diff_that_cannot_be_made_says_why():
    p = ebrec("diff", TCP_SCHED, BUILD, "biolatency", check=1)
    assert p.stdout == ""
    assert (f"ebrec diff: {TCP_SCHED}: biolatency needs the block family, which this trace did "
            "not record (it recorded: tcp,sched); record with '-e block' to see it"
            ) == one_line(p)
    p = ebrec("diff", TCP_SCHED, TCP_SCHED, "--since", "1000", check=2)
    assert "ebrec diff: --since/--until select nothing: the recording spans 0 to 0.289 s" \
        in one_line(p)
    p = ebrec("diff", TCP_SCHED, TCP_SCHED, "--folded", check=1)
    assert "profile needs the profile family" in one_line(p)
    p = ebrec("diff", TCP_SCHED, TCP_SCHED, "runqlat", "--svg", "x.svg", check=2)
    assert "--svg and --folded draw stacks" in one_line(p)
    assert ebrec("diff", TCP_SCHED, check=2).returncode == 2
    assert "no view diff compares" in one_line(ebrec("diff", TCP_SCHED, TCP_SCHED, "nosuch",
                                                     check=2))
    assert ebrec("diff", TCP_SCHED, TCP_SCHED, "--format", "html", check=2).returncode == 2
    # what both recorded is compared; the rest is named
    text = ebrec("diff", TCP_SCHED, BUILD, check=0).stdout
    assert text.splitlines()[2].startswith("not compared: ")
