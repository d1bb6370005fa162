"""samples/: every checked-in trace stays readable, and the current ebrec makes each
checked-in report again, byte for byte: the text reports (report.txt, the summary; VIEW.txt,
that view) and the HTML page. Needs no root: the traces were recorded by `make samples`."""
import glob
import os
import re
import subprocess

import pytest

from conftest import EBREC, REPO

SAMPLES = sorted(os.path.dirname(p) for p in glob.glob(os.path.join(REPO, "samples", "*",
                                                                     "trace.ebr")))


def report(*args):
    # from the repository root with relative paths, as make samples wrote them
    p = subprocess.run([EBREC, "report", *args], cwd=REPO, capture_output=True)
    assert p.returncode == 0, (args, p.stderr[-2000:])
    assert b"warning" not in p.stderr, p.stderr
    return p.stdout


def format_of(trace):
    info = subprocess.run([EBREC, "info", trace], cwd=REPO, capture_output=True, text=True)
    return re.search(r"format (\d+)\.(\d+)", info.stdout).groups(), info.stdout


def test_there_is_a_sample_of_every_format_minor_version():
    with open(os.path.join(REPO, "format", "ebr.h")) as f:
        minor = int(re.search(r"#define EBR_VERSION_MINOR (\d+)", f.read()).group(1))
    assert [os.path.basename(d) for d in SAMPLES] == \
        ["build", "format-1.0", "format-1.1", "format-1.2", "format-1.4", "format-1.5",
         "format-1.6", "format-1.7", "format-1.8", "fsync", "nginx-wrk", "pgbench"]
    seen = {format_of(os.path.join(d, "trace.ebr"))[0] for d in SAMPLES}
    assert seen == {("1", str(m)) for m in range(minor + 1)}


@pytest.mark.parametrize("sample", SAMPLES, ids=os.path.basename)
def test_sample_reads_whole_and_its_reports_are_made_again(sample):
    trace = os.path.relpath(os.path.join(sample, "trace.ebr"), REPO)
    p = subprocess.run([EBREC, "verify", trace], cwd=REPO, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    (major, minor), info = format_of(trace)
    if os.path.basename(sample).startswith("format-"):
        assert minor == os.path.basename(sample)[-1]
        assert "host:      ebrec-sample," in info  # a neutral name: nothing to redact
    else:
        assert "redacted:  host,users" in info  # nothing private of the recording machine
    texts = sorted(glob.glob(os.path.join(sample, "*.txt")))
    assert os.path.join(sample, "report.txt") in texts
    for path in texts:
        name = os.path.basename(path)[:-4]
        with open(path, "rb") as f:
            want = f.read()
        got = report(trace) if name == "report" else report(trace, name)
        assert got == want, f"{path} differs from what ebrec makes of {trace} now"
    with open(os.path.join(sample, "report.html"), "rb") as f:
        want = f.read()
    assert report(trace, "--format", "html", "--rows", "2000") == want
    assert os.path.getsize(os.path.join(sample, "trace.ebr")) < 4 << 20
    assert os.path.exists(os.path.join(sample, "README.md"))
