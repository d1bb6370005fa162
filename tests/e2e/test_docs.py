"""The man pages, `--help` and the code's own tables say the same thing: every command has a
page and help that ends with examples; every view of `report --help` (the views table) has a
section in ebrec-report(1) with exactly its options, under the family `ebrec list` (the
families table) gives it; every option the docs name is one the view accepts; record's and
redact's options are the same in both. Needs no root."""
import os
import re
import subprocess

import pytest

from conftest import REPO, check_documented, ebrec, ebrec_json

MAN = os.path.join(REPO, "docs", "man")
FIXTURE = os.path.join(REPO, "tests", "fixtures", "damaged", "intact.ebr")
COMMANDS = ["record", "report", "info", "dump", "script", "verify", "export", "diff", "query",
            "redact", "list"]
ARG_VALUES = {"DISK": "vda", "TID": "1", "MS": "5", "FSTYPE": "ext4", "MIN_US": "1",
              "MAX_US": "1000", "PORT": "80", "NAME": "x", "UID": "0", "MAXROWS": "5",
              "ROWS": "5", "SECONDS": "1", "PROBE": "tracepoint:*", "PERCENT": "0.1"}
# a sort KEY is each top view's own
SORT_KEYS = {"biotop": "bytes", "opentop": "failed", "filetop": "wbytes", "tcptop": "rx",
             "proctop": "runq", "biosnoop": "lat_ms", "execsnoop": "pid", "exitsnoop": "age_s",
             "processes": "start_s", "cgroups": "cpu_ms", "opensnoop": "path", "fsslower": "lat_ms",
             "ext4slower": "lat_ms", "tcplife": "tx_bytes", "tcpconnect": "rport",
             "tcpconnlat": "lat_ms", "tcpaccept": "lport", "tcpretrans": "retransmits",
             "tcpstates": "ms", "probes": "probe"}


def man(name):
    with open(os.path.join(MAN, name + ".1"), encoding="utf-8") as f:
        return f.read()


def section(text, title):
    m = re.search(r"^\.SH " + re.escape(title) + r"\n(.*?)(?=^\.SH |\Z)", text, re.M | re.S)
    assert m, title
    return m.group(1)


def man_options(text):
    """The options a page lists as .TP items: \\fB\\-x\\fR or \\fB\\-\\-long\\fR."""
    found = re.findall(r"^\.TP\n\\fB((?:\\-)+[A-Za-z0-9](?:[A-Za-z0-9]|\\-)*)\\fR", text, re.M)
    return {o.replace("\\-", "-") for o in found}


def usage_options(usage):
    """The options of a usage text, parenthesised explanations left out."""
    bare = re.sub(r"\([^)]*\)", "", usage)
    return set(re.findall(r"(?:^|\s)(--?[A-Za-z0-9][\w-]*)", bare))


def help_text(*args):
    p = ebrec(*args, "--help")
    assert p.returncode == 0, args
    return p.stdout


def report_views():
    """{view: usage} from `report --help`, which prints the code's views table."""
    lines = help_text("report").split("\nviews:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(lines) % 2 == 0
    return {re.match(r"  (\S+)", lines[i]).group(1): lines[i + 1].strip()
            for i in range(0, len(lines), 2)}


def listed_families():
    """{view: family} from `ebrec list` (the record families table)."""
    out, fam = {}, None
    for line in ebrec("list", check=0).stdout.splitlines():
        m = re.match(r"(\w+)\s+(supported|unsupported)", line)
        if m:
            fam = m.group(1)
        m = re.match(r"\s+views: (.*)", line)
        if m:
            out.update({v: fam for v in m.group(1).split()})
    return out


@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_command_has_a_page_and_help_ending_with_examples(cmd):
    text = help_text(cmd)
    head, examples = text.rsplit("\nexamples:\n", 1)
    lines = examples.rstrip("\n").splitlines()
    assert lines and all(ln.startswith("  ") and "ebrec " in ln for ln in lines), examples
    page = man("ebrec-" + cmd)
    for title in ("NAME", "SYNOPSIS", "DESCRIPTION", "EXAMPLES", "SEE ALSO"):
        assert re.search(r"^\.SH " + title + r"$", page, re.M), (cmd, title)
    # the page's examples are the help's, as roff
    page_examples = section(page, "EXAMPLES").replace("\\-", "-")
    for ln in lines:
        assert ln.strip().split("#")[0].strip() in page_examples, (cmd, ln)


def test_ebrec_page_lists_every_command():
    text = help_text()
    listed = re.findall(r"^  (\w+) ", text.split("\ncommands:\n", 1)[1].split("\n\n")[0], re.M)
    assert listed == COMMANDS
    page = section(man("ebrec"), "COMMANDS")
    assert re.findall(r"^\.TP\n\.B (\w+)", page, re.M) == COMMANDS
    assert sorted(f[6:-2] for f in os.listdir(MAN) if f.startswith("ebrec-")) == sorted(COMMANDS)


def test_report_views_options_and_families_agree():
    views = report_views()
    fams = listed_families()
    page = section(man("ebrec-report"), "VIEWS")
    sections = dict(re.findall(r"^\.SS (\S+)\n(.*?)(?=^\.SS |\Z)", page, re.M | re.S))
    assert list(sections) == list(views), "views in ebrec-report(1) and report --help"
    assert set(fams) == set(views), "views in 'ebrec list' and report --help"
    for v, usage in views.items():
        text = sections[v]
        assert usage_options(usage) == man_options(text), v
        fam = re.search(r"^Family: (\w+)\.", text, re.M)
        assert fam and fam.group(1) == fams[v], v
        assert re.search(r"^Columns: ", text, re.M) and re.search(r"^OVERHEAD: ", text, re.M), v


def test_every_documented_view_option_is_accepted(tmp_path):
    for v, usage in report_views().items():
        bare = re.sub(r"\([^)]*\)", "", usage)
        for opt in usage_options(usage):
            m = re.search(re.escape(opt) + r" ([A-Z][A-Z_]+)\b", bare)
            args = [opt]
            if m:
                args.append(str(tmp_path / "g.svg") if m.group(1) == "FILE"
                            else SORT_KEYS[v] if m.group(1) == "KEY" else ARG_VALUES[m.group(1)])
            p = ebrec("report", FIXTURE, v, *args)
            # options are parsed before the trace is read: a view of a family the fixture
            # did not record then says so (exit 1), having accepted them; --local, that the
            # fixture (recorded before it) does not hold its zone (exit 2)
            assert p.returncode == 0 or (p.returncode == 1 and "did not record" in p.stderr) \
                or (opt == "--local" and p.returncode == 2 and "time zone" in p.stderr), \
                (v, args, p.stderr)


def test_report_global_options_agree():
    text = help_text("report")
    block = text.split("\noptions (every view):\n", 1)[1].split("\n\n", 1)[0]
    in_help = set(re.findall(r"^  (--?[\w-]+)", block, re.M))
    assert in_help == man_options(section(man("ebrec-report"), "OPTIONS"))
    for opt, val in (("--format", "html"), ("-p", "1"), ("--comm", "x"), ("--since", "0"),
                     ("--until", "1"), ("--max-memory", "64"), ("--rows", "5")):
        assert opt in in_help
        p = ebrec("report", FIXTURE, "biosnoop", opt, val, "-o", os.devnull)
        assert p.returncode == 0, (opt, p.stderr)


@pytest.mark.parametrize("cmd", ["record", "redact", "dump", "info", "verify", "export", "query",
                                 "script", "diff"])
def test_command_options_agree(cmd):
    text = help_text(cmd)
    in_help = set(re.findall(r"^  (--?[\w-]+)", text.split("\nexamples:\n")[0], re.M))
    assert in_help == man_options(section(man("ebrec-" + cmd), "OPTIONS")), cmd
    if cmd == "record":
        fams = set(listed_families().values())
        page = section(man("ebrec-record"), "FAMILIES")
        assert set(re.findall(r"^\.SS (\w+)", page, re.M)) == fams


def test_pages_render_without_warnings():
    if not subprocess.run(["sh", "-c", "command -v man"], capture_output=True).stdout:
        pytest.fail("man is not installed: make deps installs it")
    for f in sorted(os.listdir(MAN)):
        p = subprocess.run(["man", "--warnings", "-l", os.path.join(MAN, f)],
                           capture_output=True, text=True, env={**os.environ, "MANWIDTH": "80"})
        assert p.returncode == 0 and p.stderr == "", (f, p.stderr)
        assert len(p.stdout) > 500, f


SEEDS = {"block": "block-10-writes", "proc": "proc-file-shell", "file": "proc-file-shell",
         "tcp": "tcp-sessions", "sched": "sched-switches", "profile": "stacks-profile-offcpu",
         "offcpu": "stacks-profile-offcpu", "probes": "generic-probes"}
# views whose rows the seeds lack: test_file.py and test_tcp.py check the keys of the rows
# their live recordings make (ext4slower's rows are fsslower's)
NO_ROWS_IN_SEEDS = {"fsslower", "ext4slower", "tcpretrans"}


def test_json_keys_are_documented():
    """Every view's JSON, on the recorded seed traces, has exactly docs/JSON.md's keys."""
    fams = listed_families()
    for v in report_views():
        trace = os.path.join(REPO, "tests", "fuzz", "corpus", SEEDS[fams[v]] + ".ebr")
        doc = ebrec_json("report", trace, v, "--format", "json",
                         *(["--all"] if v == "tcplife" else []))
        assert set(doc) == {"views", "redacted", "warnings"}
        n = check_documented(doc["views"][0])
        assert (n == 0) == (v in NO_ROWS_IN_SEEDS), (v, n)
        assert doc["views"][0]["losses"]["family"] == fams[v], v
    # histograms per disk/flags and per process carry their documented group keys
    for v, opts, trace in (("biolatency", ["-D", "-F"], "block-10-writes"),
                           ("runqlat", ["-P"], "sched-switches"),
                           ("cpudist", ["-L"], "sched-switches")):
        doc = ebrec_json("report", os.path.join(REPO, "tests", "fuzz", "corpus", trace + ".ebr"),
                         v, *opts, "--format", "json")
        assert check_documented(doc["views"][0]) > 0
