"""Traces of several hosts given to one report (`ebrec report A.ebr B.ebr`, or a directory).

Each host's files are one series, reported in turn: in text under a `>>> host NAME` heading that
places the host's start on the first host's clock and says how well (the clock pairs' spread),
in JSON as one document a host in "hosts", with its "host" and "clock". Two hosts are made here
honestly: two recordings on this machine at overlapping times, one of them given another name
by `ebrec record --host-name`, which META host.hostname then holds.
"""
import os
import re
import shutil
import subprocess

import pytest

from conftest import EBREC, REPO, ebrec, ebrec_json, require_live

# the execs of cat each host's command makes, 50 ms apart
CATS = {"alpha": 5, "beta": 3}


def script(host):
    return (f": {host}; sleep 0.2; for i in $(seq {CATS[host]}); do "
            "cat /etc/hostname > /dev/null; sleep 0.05; done; sleep 0.3")


def record_two_hosts(d, families):
    """alpha.ebr and beta.ebr in d, recorded here at the same time (which starts first is the
    loading's race), each while its own shell makes its cats."""
    beta = subprocess.Popen([EBREC, "record", "--host-name", "beta", "-o", d / "beta.ebr",
                             "-e", families, "--", "sh", "-c", script("beta")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ebrec("record", "--host-name", "alpha", "-o", d / "alpha.ebr", "-e", families, "--",
          "sh", "-c", script("alpha"), check=0)
    out, err = beta.communicate(timeout=60)
    assert beta.returncode == 0, err


@pytest.fixture(scope="module")
def two_hosts(tmp_path_factory):
    require_live()
    d = tmp_path_factory.mktemp("hosts")
    record_two_hosts(d, "proc")
    return d


def own_cats(rows, host):
    """The cats the recording's own command made: its shell, known by the host's mark."""
    shells = [r["pid"] for r in rows if r["comm"] == "sh" and r["ret"] == 0
              and f": {host};" in r["args"]]
    assert len(shells) == 1, rows
    return [r for r in rows if r["comm"] == "cat" and r["ppid"] == shells[0] and r["ret"] == 0]



def order(d):
    """The hosts by their starts, as each trace's own clock pair gives them."""
    doc = ebrec_json("report", d, "execsnoop", "--format", "json")
    starts = {h["host"]: h["clock"]["start_realtime_ns"] for h in doc["hosts"]}
    assert set(starts) == {"alpha", "beta"}
    return sorted(starts, key=starts.get)


def test_two_hosts_at_overlapping_times(two_hosts):
    d = two_hosts
    alpha, beta = d / "alpha.ebr", d / "beta.ebr"
    first_host = order(d)
    for given in ((alpha, beta), (beta, alpha), (d,)):
        doc = ebrec_json("report", *given, "execsnoop", "--format", "json")
        hosts = doc["hosts"]
        # the hosts in the order of their starts, whatever order they were given in
        assert [h["host"] for h in hosts] == first_host
        for h in hosts:
            rows = h["views"][0]["rows"]
            assert len(own_cats(rows, h["host"])) == CATS[h["host"]]
            # one host's report is its trace's alone: the same as reporting it by itself
            alone = ebrec_json("report", d / f"{h['host']}.ebr", "execsnoop", "--format", "json")
            assert h["views"] == alone["views"]
            assert h["warnings"] == []
        # the clocks: one machine's, so the pairs barely move; the second starts after the
        # first by the difference of their realtime starts, within the recordings' overlap
        first, second = (h["clock"] for h in hosts)
        assert first["aligned"] and second["aligned"]
        assert first["start_after_first_s"] == 0
        after = (second["start_realtime_ns"] - first["start_realtime_ns"]) / 1e9
        assert second["start_after_first_s"] == pytest.approx(after, abs=1e-9)
        assert 0 <= after < 1.0
        for c in (first, second):
            assert c["uncertainty_ns"] < 1000000, c
        # the offset between the two monotonic clocks, and within how much
        assert first["monotonic_ahead_of_first_ns"] == 0
        assert first["monotonic_ahead_of_first_within_ns"] == 0
        assert second["monotonic_ahead_of_first_ns"] == \
            first["realtime_minus_monotonic_ns"] - second["realtime_minus_monotonic_ns"]
        assert second["monotonic_ahead_of_first_within_ns"] == \
            first["uncertainty_ns"] + second["uncertainty_ns"]
        # same machine, same boot: realtime - monotonic is one offset, to the clocks' slewing
        assert abs(first["realtime_minus_monotonic_ns"] -
                   second["realtime_minus_monotonic_ns"]) < 1000000


def test_two_hosts_in_text(two_hosts):
    d = two_hosts
    one, two = order(d)
    p = ebrec("report", d / "alpha.ebr", d / "beta.ebr", check=0)
    heads = [line for line in p.stdout.splitlines() if line.startswith(">>> host ")]
    assert len(heads) == 2, p.stdout
    assert heads[0].startswith(f">>> host {one}: 1 file, from ")
    assert heads[1].startswith(f">>> host {two}: 1 file, from ")
    assert "0.000000 s after the first host's start; clock aligned within " in heads[0]
    m = re.search(r", ([0-9.]+) s after the first host's start; clock aligned within ([0-9.]+) us",
                  heads[1])
    assert m and 0 <= float(m.group(1)) < 1.0 and float(m.group(2)) < 1000, heads[1]
    clock = {h["host"]: h["clock"] for h in ebrec_json("report", d, "execsnoop", "--format",
                                                         "json")["hosts"]}[two]
    assert heads[1].endswith(
        f"; its monotonic clock {clock['monotonic_ahead_of_first_ns'] / 1e9:.9f} s ahead of the "
        f"first host's, within {clock['monotonic_ahead_of_first_within_ns'] / 1e3:.3f} us"), heads[1]
    # each host's summary follows its heading: its own command line and event counts
    one_part, two_part = p.stdout.split(f">>> host {two}")
    assert f"--host-name {one}" in one_part and f"--host-name {two}" not in one_part
    assert f"--host-name {two}" in two_part
    # then the hosts compared: each headline of the summaries, a line a host, as each said it
    own, compared = p.stdout.split(">>> the hosts compared: each view's headline, a line a host\n")
    lines = compared.splitlines()
    assert lines[0].startswith(f"execsnoop   {one}  ") and lines[1].startswith(f"{'':12}{two}  ")
    for line, part in ((lines[0], one_part), (lines[1], two_part)):
        assert f"execsnoop   {line[19:]}\n" in part, (line, part)
    assert len(lines) % 2 == 0 and len(lines) >= 6, lines  # exitsnoop, processes...


def test_two_hosts_compared_in_json(two_hosts):
    """The JSON summary of two hosts: each host's document, then "compared": each view's
    headline object of every host side by side, the very one its own document holds."""
    d = two_hosts
    doc = ebrec_json("report", d, "--format", "json")
    names = [h["host"] for h in doc["hosts"]]
    assert names == order(d)
    compared = {c["view"]: c for c in doc["compared"]}
    assert {"execsnoop", "exitsnoop"} <= set(compared), compared.keys()
    for c in doc["compared"]:
        assert c["hosts"] == names
        for h, line in zip(doc["hosts"], c["headlines"]):
            own = [v for f in h["families"] for v in f["views"] if v["view"] == c["view"]]
            assert [line] == own if own else line is None, (c["view"], line, own)
    # the execs each host's headline counts are its own trace's
    for name, line in zip(names, compared["execsnoop"]["headlines"]):
        rows = ebrec_json("report", d / f"{name}.ebr", "execsnoop", "--format", "json")
        assert line["execs"] == len(rows["views"][0]["rows"]), name


def test_one_sample_as_two_hosts(tmp_path):
    """Without root: a sample copied under two hosts' rotation names is reported twice, each
    time as itself, both on one clock (the same start, the offset's spread the sample's own)."""
    sample = os.path.join(REPO, "samples", "build", "trace.ebr")
    for name in ("alpha", "beta"):
        shutil.copy(sample, tmp_path / f"ebrec-20261130T234738Z-{name}.ebr")
    alone = ebrec_json("report", sample, "execsnoop", "--format", "json")
    doc = ebrec_json("report", tmp_path, "execsnoop", "--format", "json")
    assert [h["host"] for h in doc["hosts"]] == ["alpha", "beta"]
    for h in doc["hosts"]:
        assert h["views"] == alone["views"]
        assert h["clock"]["start_after_first_s"] == 0
        assert h["clock"]["aligned"]
    # --by-host: every listing's rows twice in one table, once a host
    for name in ("execsnoop", "opensnoop", "processes"):
        own = ebrec("report", sample, name, check=0).stdout.splitlines()
        own_rows = own[1:own.index("")]
        table = ebrec("report", tmp_path, name, "--by-host", check=0).stdout.splitlines()
        table = table[table.index("") + 1:]
        assert table[0] == "HOST  " + own[0]  # alpha's width
        assert table[1:table.index("")] == ([f"alpha {r}" for r in own_rows] +
                                            [f"beta  {r}" for r in own_rows])
    # a histogram, a top table, a profile: every line of each host's after its name
    for name in ("runqlat", "cpudist", "profile"):
        own = ebrec("report", sample, name, check=0).stdout.splitlines()
        table = ebrec("report", tmp_path, name, "--by-host", check=0).stdout.splitlines()
        table = table[table.index("") + 1:]
        line = lambda host, l: f"{host:<5} {l}" if l else host
        assert table == ([line("alpha", l) for l in own] + [""] +
                         [line("beta", l) for l in own]), name


def test_every_allocation_failing_in_turn_over_two_hosts(tmp_path):
    """As test_nomem.py, over two hosts (the split by host, then each host's series, its rows
    named by --by-host): out of memory anywhere is said, never a crash, never blamed on the
    traces."""
    from test_nomem import every_allocation_failing_in_turn
    sample = os.path.join(REPO, "samples", "format-1.1", "trace.ebr")
    for name in ("alpha", "beta"):
        shutil.copy(sample, tmp_path / f"ebrec-20261130T000000Z-{name}.ebr")
    args = ["report", str(tmp_path), "execsnoop", "--format", "json", "--by-host"]
    every_allocation_failing_in_turn(args, tmp_path)


def test_by_host_one_table(two_hosts):
    """--by-host: a listing's rows of both hosts in one table, a HOST column first, the header
    once, then each host's loss line after its name; a view that is no listing is refused."""
    d = two_hosts
    one, two = order(d)
    p = ebrec("report", d, "execsnoop", "--by-host", check=0)
    lines = p.stdout.splitlines()
    heads = [l for l in lines if l.startswith(">>> host ")]
    assert [h.split(":")[0] for h in heads] == [f">>> host {one}", f">>> host {two}"]
    table = lines[lines.index("") + 1:]
    assert table[0].split() == ["HOST", "TIME(s)", "PCOMM", "PID", "PPID", "RET", "ARGS"]
    rows = table[1:table.index("")]
    width = max(len(one), len(two))  # the HOST column's
    for host in (one, two):
        alone = ebrec("report", d / f"{host}.ebr", "execsnoop", check=0).stdout.splitlines()
        mine = [r[width + 1:] for r in rows if r.startswith(f"{host:<{width}} ")]
        assert mine == alone[1:alone.index("")]  # its rows as its own report has them
        assert f"{host}: proc events: " in p.stdout
    shells = {h: [r for r in rows if r.startswith(f"{h:<{width}} ") and f": {h};" in r
                  and " sh " in r] for h in (one, two)}
    for h, found in shells.items():
        pid = found[0].split()[3]
        cats = [r for r in rows if r.startswith(f"{h:<{width}} ") and r.split()[2] == "cat"
                and r.split()[4] == pid and r.split()[5] == "0"]
        assert len(cats) == CATS[h], (h, cats)


def test_by_host_where_the_hosts_are_compared_already(two_hosts):
    """The text summary and the HTML page compare the hosts by themselves: --by-host leaves
    them as they are; the JSON summary's headlines then name their host."""
    d = two_hosts
    assert ebrec("report", d, "--by-host", check=0).stdout == ebrec("report", d, check=0).stdout
    for extra in ((), ("--by-host",)):
        ebrec("report", d, "--format", "html", *extra, "-o", d / f"page{len(extra)}.html", check=0)
    assert open(d / "page0.html", "rb").read() == open(d / "page1.html", "rb").read()
    plain = ebrec_json("report", d, "--format", "json")
    doc = ebrec_json("report", d, "--format", "json", "--by-host")
    for h, p in zip(doc["hosts"], plain["hosts"]):
        lines = [v for f in h["families"] for v in f["views"]]
        assert lines and all(v["host"] == h["host"] for v in lines)
        for v in lines:
            del v["host"]
        assert h == p
    for c in doc["compared"]:
        assert [x["host"] for x in c["headlines"] if x] == \
            [n for n, x in zip(c["hosts"], c["headlines"]) if x]


def test_by_host_json_names_the_host_of_every_row(two_hosts):
    """--by-host in JSON: the documents of each host as without it, and every view document and
    row begins with its "host"; with --sort/--limit (held rows) too."""
    d = two_hosts
    for extra in ((), ("--sort", "pid", "--limit", "4")):
        doc = ebrec_json("report", d, "execsnoop", *extra, "--by-host", "--format", "json")
        for h in doc["hosts"]:
            alone = ebrec_json("report", d / f"{h['host']}.ebr", "execsnoop", *extra,
                               "--format", "json")["views"]
            (v,) = h["views"]
            assert list(v)[:2] == ["view", "host"] and v["host"] == h["host"]
            assert all(list(r)[0] == "host" and r["host"] == h["host"] for r in v["rows"])
            mine = dict(v, rows=[{k: x for k, x in r.items() if k != "host"} for r in v["rows"]])
            del mine["host"]
            assert [mine] == alone
            if not extra:
                assert len(own_cats(v["rows"], h["host"])) == CATS[h["host"]]
            else:
                assert len(v["rows"]) == 4
