"""Hostile traces (written by the ebr-traces workload through format/'s writer): each kind is
made to hit one worst case of a reader (keys that collide in a fixed hash, overlapping
mappings, functions at one offset, a process with 60,000 callees, a repeated mangled name, a
working directory of 8,000 bytes). The command must cost at most a few times what an
ordinary trace of the same events costs, measured here in the same test, and end as it does
on that trace. Before the fixes, these took 4 to 20 s against 0.1 to 0.3 s."""
import os
import re
import subprocess
import time

import pytest

from conftest import EBREC, REPO, built_with_asan, ebrec, peak_rss, workload

# kind: (N, the command after the trace's path)
CASES = {
    "tcp-cookies": (60000, ["report", "{trace}"]),
    "fd-keys": (60000, ["report", "{trace}"]),
    "redact-tokens": (60000, ["redact", "{trace}", "-o", "{out}", "-f", "--paths"]),
    "map-overlap": (60000, ["report", "{trace}", "profile"]),
    "func-same": (60000, ["report", "{trace}", "profile"]),
    "siblings": (60000, ["report", "{trace}", "profile", "--svg", "{out}"]),
    "demangle": (1000000, ["report", "{trace}", "profile"]),
}

# a hostile trace may take this many times the ordinary one's time, plus process start-up
# and the noise of a shared machine
FACTOR = 4
SLACK_S = 0.5


def make_trace(tmp_path, kind, shape, n):
    path = tmp_path / f"{kind}-{shape}.ebr"
    subprocess.run([workload("ebr-traces"), kind, shape, str(n), str(path)], check=True,
                   timeout=120)
    return path


def timed(tmp_path, kind, shape, n, args):
    trace = make_trace(tmp_path, kind, shape, n)
    out = tmp_path / f"{kind}-{shape}.out"
    argv = [a.format(trace=trace, out=out) for a in args]
    start = time.monotonic()
    p = ebrec(*argv, timeout=300)
    return time.monotonic() - start, p, os.path.getsize(trace)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_hostile_trace_costs_what_an_ordinary_one_does(tmp_path, kind):
    n, args = CASES[kind]
    t_ord, ordinary, size_ord = timed(tmp_path, kind, "ordinary", n, args)
    t_hos, hostile, size_hos = timed(tmp_path, kind, "hostile", n, args)
    assert ordinary.returncode == 0, ordinary.stderr
    assert hostile.returncode == 0, hostile.stderr
    if args[0] == "redact":
        assert hostile.stderr == f"ebrec redact: {n // 16} events written to " \
                                 f"{tmp_path}/{kind}-hostile.out, {n} distinct names replaced\n"
    else:
        assert hostile.stderr == ""
    print(f"{kind}: hostile {t_hos:.2f} s ({size_hos} bytes), "
          f"ordinary {t_ord:.2f} s ({size_ord} bytes)")
    assert t_hos <= FACTOR * t_ord + SLACK_S, (kind, t_hos, t_ord)


def test_paths_expanded_against_a_long_directory_are_bounded(tmp_path):
    """20,000 opens of "a" in a working directory of 8,000 bytes: each row's path is cut to
    4095 bytes and ends in "...", so the listing is at most 20,000 rows of 4 KiB (it was 8 KiB
    a row: 160 MB from a 1.2 KB trace), and the ordinary directory's rows are whole."""
    n = 20000
    trace = make_trace(tmp_path, "cwd-expand", "hostile", n)
    p = subprocess.run([EBREC, "report", str(trace), "opensnoop"],
                       capture_output=True, timeout=120)
    assert p.returncode == 0 and p.stderr == b""
    rows = p.stdout.splitlines()[1:n + 1]
    assert len(rows) == n
    for row in rows:
        path = row.split(b" ")[-1]
        assert len(path) == 4095 and path.endswith(b"...") and path.startswith(b"/ddd")
    assert len(p.stdout) <= n * (4095 + 64) + 4096
    trace = make_trace(tmp_path, "cwd-expand", "ordinary", n)
    p = ebrec("report", trace, "opensnoop", check=0)
    assert p.stdout.splitlines()[1].endswith(" /home/user/work/a")


def test_output_stops_at_its_bound_and_says_so(tmp_path):
    """The expansion above, bounded by --max-output on stdout, in -o's file and in dump: the
    output is exactly the bound, the command says why it stopped and exits 1. Without the
    option the bound is 1024 times the bytes decoded plus 64 MiB, which the 80 MB listing
    above is within."""
    trace = make_trace(tmp_path, "cwd-expand", "hostile", 20000)
    p = subprocess.run([EBREC, "report", str(trace), "opensnoop", "--max-output", "1M"],
                       capture_output=True, timeout=120)
    assert p.returncode == 1 and len(p.stdout) == 1 << 20
    assert b"ebrec report: output stopped at 1048576 bytes (--max-output)\n" in p.stderr
    out = tmp_path / "listing.txt"
    p = ebrec("report", trace, "opensnoop", "--max-output", "64K", "-o", out, check=1)
    assert os.path.getsize(out) == 64 << 10 and "(--max-output)" in p.stderr
    p = subprocess.run([EBREC, "dump", str(trace), "--max-output", "100000"],
                       capture_output=True, timeout=120)
    assert p.returncode == 1 and len(p.stdout) == 100000
    p = ebrec("report", trace, "opensnoop", "--max-output", "lots", check=2)
    assert "--max-output takes a size" in p.stderr


# (kind, N, command, exit statuses): a budget each would pass many times over without it,
# measured at e10e131 with --max-memory 48 (peak RSS): fork-args, 600 forks of a process with
# 1 MiB of arguments (2 KB), 610 MiB; stack-names, 4000 stacks of 256 frames with 1 KiB names
# (11 KB), 543 MiB for profile; redact-tokens, 300000 distinct names, 56 MiB with no option to
# bound it. Forks now cost O(1): that trace is read whole.
BUDGET_MIB = 48
MEMORY_CASES = {
    "fork-args summary": ("fork-args", 600, ["report", "{trace}"], {0}),
    "fork-args processes": ("fork-args", 600, ["report", "{trace}", "processes", "--format",
                                              "json"], {0}),
    "stack-names profile": ("stack-names", 4000, ["report", "{trace}", "profile"], {0, 1}),
    "stack-names svg": ("stack-names", 4000, ["report", "{trace}", "profile", "--svg", "{out}"],
                        {0, 1}),
    "stack-names html": ("stack-names", 4000, ["report", "{trace}", "--format", "html", "-o",
                                               "{out}"], {0, 1}),
    "redact-tokens redact": ("redact-tokens", 300000, ["redact", "{trace}", "-o", "{out}",
                                                       "--paths"], {0, 1}),
}
# what the process holds besides the budget: the binary and its libraries, zstd's context,
# stdio's buffers, malloc's rounding
RSS_SLACK_MIB = 40


@pytest.mark.parametrize("case", sorted(MEMORY_CASES))
def test_every_command_holds_at_most_max_memory(tmp_path, case):
    """Each allocation is counted against --max-memory where it is made: a command either
    finishes within it or says that the limit was reached, with exit status 1."""
    kind, n, args, statuses = MEMORY_CASES[case]
    trace = make_trace(tmp_path, kind, "hostile", n)
    argv = [a.format(trace=trace, out=tmp_path / "out") for a in args]
    rc, err, rss = peak_rss([EBREC, *argv, "--max-memory", BUDGET_MIB], timeout=300)
    assert rc in statuses, (rc, err)
    if rc == 1:
        assert f"its memory limit was reached (--max-memory {BUDGET_MIB} MiB)" in err, err
    else:
        assert "memory" not in err, err
    print(f"{case}: {os.path.getsize(trace)} bytes, exit {rc}, peak RSS {rss:.0f} MiB")
    if not built_with_asan():
        assert rss <= BUDGET_MIB + RSS_SLACK_MIB, rss


VIEWS = ["biolatency", "biosnoop", "execsnoop", "exitsnoop", "processes", "opensnoop",
         "fsslower", "ext4slower", "cachestat", "tcplife", "tcpconnect", "tcpconnlat",
         "tcpaccept", "tcpretrans", "tcpstates", "runqlat", "cpudist", "profile", "offcputime"]
# what a terminal, a JSON reader or a browser acts on: C0 but newline and tab, DEL, C1, the
# line and paragraph separators, the bidi embeddings, overrides and isolates
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MARKUP = ("<b>&", "'</script>")  # the hostile strings' markup, as written


def outputs(tmp_path, trace):
    """(what, bytes, is markup-sensitive) of every command that reads the trace."""
    runs = [(["info"], False), (["verify"], False), (["dump"], False),
            (["dump", "--json"], True), (["report"], False),
            (["report", "--format", "json"], True),
            (["report", "profile", "-f"], False), (["report", "offcputime", "-f"], False),
            (["report", "profile", "-f", "-d"], False)]
    runs += [(["report", v], False) for v in VIEWS]
    runs += [(["report", v, "--format", "json"], True) for v in VIEWS]
    for args, markup in runs:
        cmd = [args[0], str(trace), *args[1:]]
        p = subprocess.run([EBREC, *cmd], capture_output=True, timeout=120)
        assert p.returncode in (0, 1), (cmd, p.stderr[-500:])
        yield " ".join(args), p.stdout, markup
        yield " ".join(args) + " (stderr)", p.stderr, False
    html, svg = tmp_path / "page.html", tmp_path / "graph.svg"
    ebrec("report", trace, "--format", "html", "-o", html, check=0)
    ebrec("report", trace, "profile", "--svg", svg, check=0)
    yield "report --format html", html.read_bytes(), True
    yield "profile --svg", svg.read_bytes(), True
    # query prints what the program asks for: every string field of the hostile events
    prog = ("ebrec:proc.exec { printf(\"%s %s\\n\", comm, str(args.filename)); } "
            "ebrec:file.open { printf(\"%s\\n\", str(args.path)); @[comm] = count(); }")
    p = subprocess.run([EBREC, "query", str(trace), "-e", prog], capture_output=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr[-500:]
    yield "query", p.stdout, False
    speedscope, jsonl = tmp_path / "s.json", tmp_path / "jsonl"
    ebrec("export", trace, "--format", "speedscope", "-o", speedscope, check=0)
    ebrec("export", trace, "--format", "jsonl", "-o", jsonl, check=0)
    yield "export speedscope", speedscope.read_bytes(), True
    for name in sorted(os.listdir(jsonl)):
        rows = subprocess.run(["zstd", "-dc", str(jsonl / name)], capture_output=True,
                              check=True).stdout
        yield f"export jsonl {name}", rows, True


def test_no_output_carries_a_control_or_markup_raw(tmp_path):
    """A trace whose every string, every META value and fsslower's op byte hold ESC
    sequences, C0, DEL, C1 (raw and as UTF-8), bidi controls, U+2028/2029 and markup: every
    command's output (text, folded, JSON, dump --json, HTML, SVG) is valid UTF-8 with none of
    them in it, the markup escaped where it would be read as markup, and the hostile strings
    do reach the outputs (escaped)."""
    trace = make_trace(tmp_path, "strings", "hostile", 2)
    seen = 0
    for what, data, markup in outputs(tmp_path, trace):
        text = data.decode("utf-8")  # strict: a lone 0x9b or 0xff fails here
        bad = CONTROLS.search(text)
        assert bad is None, (what, hex(ord(bad.group())), text[max(0, bad.start() - 60):
                                                             bad.start() + 20])
        if markup:
            assert not any(m in text for m in MARKUP), what
        seen += "title" in text
    assert seen >= 25  # the hostile strings reach the outputs (30 here), made harmless


def test_info_fields_do_not_overlap(tmp_path):
    """A host name of 3 x 128 bytes once escaped: the CPU count and the page size that
    follow it on info's host line are their own values (they were written into the host
    name's buffer, past its 256th byte, and overwrote it)."""
    trace = make_trace(tmp_path, "strings", "hostile", 1)
    hostile = (b"h\x1b]0;title\x07\x1b[2J\x01\x7f\x9b31m\xc2\x85\xc2\x9b1m\xe2\x80\xae"
               b"\xe2\x80\xa8\xe2\x80\xa9\xe2\x81\xa6<b>&\"'</script>\xff")  # ebr-traces.c's
    esc = "".join(chr(c) if 0x20 <= c < 0x7f and c != 0x5c else f"\\x{c:02x}" for c in hostile)
    host = [line for line in ebrec("info", trace, check=0).stdout.splitlines()
            if line.startswith("host:")]
    head = f"host:      {esc * 3}, Linux {esc} {esc}, "
    assert len(host) == 1 and host[0].startswith(head), host
    cpus, page = host[0][len(head):].split(" CPUs, page size ")
    # the two short fields are cut to what their buffers hold, each a prefix of its own value
    assert len(cpus) > 40 and esc.startswith(cpus) and len(page) > 40 and esc.startswith(page)


@pytest.mark.parametrize("args", [
    ["redact", "{trace}", "-o", "{out}", "-f", "--all"],
    ["report", "{trace}", "--format", "html", "-o", "{out}"],
    ["report", "{trace}", "profile", "--svg", "{out}"],
])
def test_an_output_that_is_the_input_is_refused(tmp_path, args):
    """The output named as the trace itself, through another name (a hard link) or with the
    trace on stdin: exit 2 and one line, before anything is opened for writing, and the trace
    is as it was (it was truncated while read, then reported damaged, or unlinked)."""
    trace = tmp_path / "t.ebr"
    with open(os.path.join(REPO, "tests", "fixtures", "damaged", "intact.ebr"), "rb") as f:
        original = f.read()
    trace.write_bytes(original)
    os.link(trace, tmp_path / "link.ebr")
    for out, shown, stdin in ((trace, trace, None), (tmp_path / "link.ebr", trace, None),
                              (trace, "-", trace)):
        argv = [a.format(trace="-" if stdin else trace, out=out) for a in args]
        if stdin and args[0] == "redact":
            continue  # redact reads IN twice: never stdin
        with open(stdin or os.devnull, "rb") as f:
            p = subprocess.run([EBREC, *argv], stdin=f, capture_output=True, text=True,
                               timeout=60)
        where = "standard input" if stdin else shown
        assert p.returncode == 2 and p.stdout == ""
        assert p.stderr == (f"ebrec {args[0]}: {out} is the trace being read ({where}): "
                            "writing it would destroy it; choose another output file\n")
        assert trace.read_bytes() == original
    ebrec(*[a.format(trace=trace, out=tmp_path / "other") for a in args], check=0)
