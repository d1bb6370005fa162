"""The HTML report (`ebrec report FILE --format html -o PAGE`): one self-contained page, checked
in headless Chromium (no console error, no request, every section drawn, the flame graph
zooms) and against a process whose every name is hostile markup.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from browser import Browser
from conftest import REPO, ebrec, ebrec_json, on_block_device, require_live, workload

ARTIFACTS = os.environ.get("EBREC_ARTIFACTS", os.path.join(REPO, "build", "test-artifacts"))
FAMILIES = "block,proc,file,tcp,sched,profile,offcpu"
HOSTILE_FILES = ["<img src=x onerror=window.pwned=1>", "\"quoted' & <b>bold"]
HOSTILE_ARG = "</script><script>window.pwned=2</script>"
HOSTILE_COMM = "<s>\"'&"  # then \x07 and \xff, which JSON carries as \u0007 and \u00ff


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """One recording of every family while ebr-hostile runs, and its HTML page."""
    require_live()
    out = tmp_path_factory.mktemp("html")
    # the names go on a disk, so that the workload's writes are block I/O
    d = tempfile.mkdtemp(prefix="ebrec-html-",
                         dir="/var/tmp" if on_block_device("/var/tmp") else REPO)
    trace = out / "hostile.ebr"
    p = ebrec("record", "-o", trace, "-e", FAMILIES, "--", workload("ebr-hostile"), d, check=0,
              errors="replace")  # the names it prints are not all UTF-8
    assert p.stdout.count("\n") == 4, p.stdout
    page = out / "report.html"
    ebrec("report", trace, "--format", "html", "-o", page, check=0)
    yield trace, page, d
    subprocess.run(["rm", "-rf", d], check=False)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


def page_data(page):
    raw = open(page, "rb").read()
    return json.loads(re.search(rb'id="ebrec-data">(.*?)</script>', raw, re.S).group(1))


def log2_quantile(m, a, b, q):
    """The page's quantile of a heat map's columns [a, b): linear inside a power of two."""
    counts = [sum(c[r] for c in m["columns"][a:b]) for r in range(len(m["columns"][0]))]
    total = sum(counts)
    if not total:
        return None
    want, seen = q * total, 0
    for r, n in enumerate(counts):
        if not n or seen + n < want:
            seen += n
            continue
        lo = 2 ** (m["first_row"] + r)
        return lo + lo * (want - seen) / n
    return 2 ** (m["first_row"] + len(counts))


def parse_dur(text):
    value, unit = text.split(" ")
    return float(value) * {"ns": 1, "µs": 1e3, "ms": 1e6, "s": 1e9}[unit]


def fresh(browser, page):
    browser.events.clear()
    browser.open(page)
    assert browser.eval("document.body.getAttribute('data-ready')") == "1"


def test_page_is_self_contained_and_escaped(recorded):
    trace, page, _ = recorded
    raw = open(page, "rb").read()
    # the page's two scripts (the data and the code) and no other: every name from the trace
    # is inside the JSON data, where '<', '>' and '&' are \u escapes
    assert len(re.findall(rb"<script", raw, re.I)) == 2
    for bad in (b"<img", b"<svg onload", b"window.pwned=2</script>", b"<b>bold"):
        assert bad not in raw
    # nothing is fetched: no URL of another origin, and a policy that allows none
    assert not re.search(rb"(src|href)=[\"']?(https?:)?//", raw)
    assert b"default-src 'none'" in raw and b"script-src 'sha256-" in raw
    # the data is the same documents as --format json
    data = page_data(page)
    names = [v["view"] for v in data["views"]]
    assert names == ["biolatency", "biosnoop", "biotop", "execsnoop", "exitsnoop", "cgroups",
                     "opensnoop", "opentop", "filetop", "fsslower", "cachestat", "tcplife",
                     "tcptop", "tcpconnect", "tcpaccept", "tcpretrans", "runqlat", "cpudist",
                     "proctop", "profile", "offcputime"]
    execs = ebrec_json("report", trace, "execsnoop", "--format", "json")["views"][0]["rows"]
    html_execs = next(v for v in data["views"] if v["view"] == "execsnoop")["rows"]
    assert html_execs == execs
    assert any(HOSTILE_ARG in r["args"] for r in execs)


def test_every_section_renders_in_chromium(recorded, browser):
    trace, page, _ = recorded
    fresh(browser, page)
    assert browser.errors() == []
    assert browser.requests() == ["file://" + os.path.abspath(page)]
    ev = browser.eval
    sections = ev("Array.from(document.querySelectorAll('section')).map(s => s.id)")
    # the answer first (headlines), the trace's raw META last
    assert sections == ["sec-summary", "sec-timeline", "sec-quality", "sec-block", "sec-proc",
                        "sec-file", "sec-tcp", "sec-sched", "sec-profile", "sec-offcpu",
                        "sec-host"]
    # histograms with their percentiles, for every histogram view
    for v in ("biolatency", "runqlat", "cpudist"):
        assert ev(f"document.querySelectorAll('#view-{v} svg.hist rect.bar').length") >= 1, v
        assert ev(f"document.querySelectorAll('#view-{v} svg.hist line.pct').length") >= 3, v
        assert "p99" in ev(f"document.getElementById('view-{v}').textContent")
    # listings: as many rows drawn as the first page holds
    n_exec = len(ebrec_json("report", trace, "execsnoop", "--format", "json")["views"][0]["rows"])
    assert ev("document.querySelectorAll('#view-execsnoop tbody tr').length") == min(50, n_exec)
    tcp = ebrec_json("report", trace, "tcplife", "--format", "json")["views"][0]["rows"]
    assert ev("document.querySelectorAll('#view-tcplife tbody tr').length") == len(tcp) >= 2
    # the timeline: one line per family with events; the quality panel: a row per probe
    data = page_data(page)
    assert ev("document.querySelectorAll('#sec-timeline polyline').length") == \
        len(data["timeline"]["per_second"]) >= 5
    rows = ev("document.querySelectorAll('#sec-quality table')[0].querySelectorAll('tr').length")
    assert rows == len(data["probes"]) + 1 >= 10
    assert data["warnings"] == []
    # both flame graphs have frames
    for v in ("profile", "offcputime"):
        assert ev(f"document.querySelectorAll('#view-{v} svg.flame g.frame').length") > 3, v
    # the top views are on the page, as tables
    for v in ("biotop", "opentop", "filetop", "tcptop", "proctop"):
        assert ev(f"document.querySelectorAll('#view-{v} tbody tr').length") >= 1, v
    os.makedirs(ARTIFACTS, exist_ok=True)
    browser.screenshot(os.path.join(ARTIFACTS, "html-report.png"))
    assert os.path.getsize(os.path.join(ARTIFACTS, "html-report.png")) > 10000


def test_the_first_screen_is_the_answer(recorded, browser):
    """One line of host, span and losses; headline cards that link to their views; the
    trace's META collapsed at the end."""
    trace, page, _ = recorded
    fresh(browser, page)
    ev = browser.eval
    data = page_data(page)
    sub = ev("document.querySelector('header .sub').textContent")
    assert data["meta"]["host.hostname"] in sub
    secs = (int(data["meta"]["clock.end.monotonic_ns"]) -
            int(data["meta"]["clock.start.monotonic_ns"])) / 1e9
    assert f"for {secs:.3f} s" in sub and "{:,} lost".format(data["losses"]["lost"]) in sub
    cards = ev("""Array.from(document.querySelectorAll('#sec-summary a.card'))
                  .map(a => [a.getAttribute('href'), a.querySelector('.card-title').textContent,
                             a.querySelector('.card-big').textContent])""")
    titles = [c[1] for c in cards]
    assert {"Block I/O latency", "Waiting for a CPU", "On-CPU time", "Top by CPU",
            "Top by block I/O", "Top by opens"} <= set(titles), titles
    for href, _, _ in cards:
        assert ev(f"!!document.querySelector('{href}')"), href
    # a latency card's p50 and p99 are its histogram's
    bio = next(v for v in data["views"] if v["view"] == "biolatency")
    g = max(bio["histograms"], key=lambda g: g["total"])
    big = next(c[2] for c in cards if c[1] == "Block I/O latency")
    assert big.startswith("p50 ") and " · p99 " in big
    # the top opener is the process with the most opensnoop rows
    opens = next(v for v in data["views"] if v["view"] == "opensnoop")["rows"]
    counts = {}
    for r in opens:
        counts[(r["pid"], r["comm"])] = counts.get((r["pid"], r["comm"]), 0) + 1
    pid, comm = max(counts, key=counts.get)
    assert next(c[2] for c in cards if c[1] == "Top by opens") == f"{comm} ({pid})"
    assert g["total"] > 0
    # each latency card shows its change over time: a p99 sparkline and the first third's
    # p50/p99 against the last third's, from its view's heat map
    for name, title in [("biolatency", "Block I/O latency"), ("runqlat", "Waiting for a CPU"),
                        ("cpudist", "On-CPU time")]:
        m = next(v for v in data["views"] if v["view"] == name)["heatmap"]
        if len(m["columns"]) < 3:
            continue
        trend = ev(f"""(() => {{
            const a = Array.from(document.querySelectorAll('#sec-summary a.card'))
                           .find(a => a.querySelector('.card-title').textContent === '{title}');
            const t = a.querySelector('.trend-line');
            return [t ? t.textContent : null, !!a.querySelector('svg.spark path')];
        }})()""")
        third = len(m["columns"]) // 3
        want = []
        for q in ("p50", "p99"):
            a = log2_quantile(m, 0, third, 0.5 if q == "p50" else 0.99)
            b = log2_quantile(m, len(m["columns"]) - third, len(m["columns"]), 0.5 if q == "p50" else 0.99)
            want.append((q, a, b))
        assert trend[0] and trend[0].startswith("first → last third: "), (name, trend)
        shown = trend[0][len("first → last third: "):].split(" · ")
        for (q, a, b), text in zip(want, shown):
            got = re.fullmatch(q + r" (\S+ \S+|—) → (\S+ \S+|—)(?: \(([+-]\d+)%\))?", text)
            assert got, (name, text)
            for ns, shown_dur in ((a, got.group(1)), (b, got.group(2))):
                assert (ns is None) == (shown_dur == "—"), (name, text)
                if ns is not None:
                    assert abs(parse_dur(shown_dur) - ns) <= 0.01 * ns, (name, text, ns)
            if a and b:
                assert abs(int(got.group(3)) - 100 * (b - a) / a) <= 1, (name, text)
    assert ev("document.querySelector('#sec-host details').open") is False
    assert browser.errors() == []


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_no_horizontal_scroll_and_a_screenshot_of_every_section(recorded, browser, width,
                                                                height):
    """The page fits the window of a laptop and of a phone: only tables and graphs scroll
    inside their own boxes. Each section is kept as a picture for a reviewer."""
    _, page, _ = recorded
    browser.viewport(width, height)
    try:
        fresh(browser, page)
        ev = browser.eval
        assert ev("document.scrollingElement.scrollWidth") <= ev("window.innerWidth")
        # long cells (command lines, paths) on at most two lines, the whole value on a click
        clip = "document.querySelector('#view-execsnoop td .clip')"
        assert ev(clip + ".title.length") > 40
        h = ev(clip + ".getBoundingClientRect().height")
        line = ev(f"parseFloat(getComputedStyle({clip}).lineHeight)")
        assert h <= 2 * line + 1, (h, line)
        ev(clip + ".click()")
        assert ev(clip + ".classList.contains('open')")
        # numbers with their units
        assert ev("document.querySelector('#view-biosnoop tbody td.num').textContent").endswith(" s")
        os.makedirs(ARTIFACTS, exist_ok=True)
        for sec in ev("Array.from(document.querySelectorAll('section')).map(s => s.id)"):
            out = os.path.join(ARTIFACTS, f"html-{width}x{height}-{sec}.png")
            browser.screenshot_of("#" + sec, out)
            assert os.path.getsize(out) > 2000, out
        assert browser.errors() == []
    finally:
        browser.viewport(1400, 1000)


def test_flame_graph_merges_by_command_with_a_per_pid_toggle(recorded, browser):
    _, page, _ = recorded
    fresh(browser, page)
    data = page_data(page)
    prof = next(v for v in data["views"] if v["view"] == "profile")
    procs = "Array.from(document.querySelectorAll('#view-profile g.frame[data-depth=\"1\"] title')).map(t => t.textContent.split(' — ')[0])"
    merged = browser.eval(procs)
    assert sorted(merged) == sorted({s["comm"] for s in prof["stacks"]
                                     if s["comm"] in merged}) and merged
    assert len(merged) == len(set(merged))
    browser.eval("document.querySelector('#view-profile input[type=checkbox]').click()")
    per_pid = browser.eval(procs)
    assert all(re.fullmatch(r".* \(\d+\)", p) for p in per_pid)
    assert len(per_pid) >= len(merged)
    assert "a tower per process" in browser.eval("document.getElementById('view-profile').textContent")
    assert browser.errors() == []


def test_off_cpu_stacks_below_the_share_are_merged_per_process(recorded, browser):
    """The page's off-CPU data keeps the stacks of at least 0.1% of the whole with their frames
    and one frameless entry per process for the rest (their counts and sums exact), and says
    so above the graph; the graph draws in under a second, its height bounded to the screen."""
    trace, page, _ = recorded
    full = next(v for v in ebrec_json("report", trace, "offcputime", "--format", "json")["views"])
    shown = next(v for v in page_data(page)["views"] if v["view"] == "offcputime")
    total = sum(st["value"] for st in full["stacks"])
    # the C side compares nanoseconds, the JSON shows microseconds: a stack at the edge may go
    # either way, so the edge is left out of the exact comparison
    small = [st for st in full["stacks"] if st["value"] * 100 < 0.1 * total]
    kept = [st for st in shown["stacks"] if "merged_stacks" not in st]
    merged = [st for st in shown["stacks"] if "merged_stacks" in st]
    assert shown["min_share_percent"] == 0.1
    assert shown["stacks_merged"] == sum(st["merged_stacks"] for st in merged)
    assert abs(shown["stacks_merged"] - len(small)) <= sum(
        1 for st in full["stacks"] if abs(st["value"] * 100 - 0.1 * total) < 100)
    assert len(kept) + shown["stacks_merged"] == len(full["stacks"])
    assert all(st["kernel"] == [] and st["user"] == [] for st in merged)
    assert len({(st["pid"], st["comm"]) for st in merged}) == len(merged)
    assert sum(st["count"] for st in shown["stacks"]) == sum(st["count"] for st in full["stacks"])
    assert abs(sum(st["value"] for st in shown["stacks"]) - total) <= len(full["stacks"])
    fresh(browser, page)
    text = browser.eval("document.getElementById('view-offcputime').textContent")
    if shown["stacks_merged"]:
        assert "{:,} stacks below 0.1% of the total each".format(shown["stacks_merged"]) in text
        assert browser.eval("""Array.from(document.querySelectorAll('#view-offcputime g.frame title'))
                               .some(t => t.textContent.startsWith('other '))""")
    ms = browser.eval("""(() => {
      const c = document.querySelector('#view-offcputime input[type=checkbox]');
      const t0 = performance.now(); c.click(); c.click(); return (performance.now() - t0) / 2; })()""")
    print("off-CPU graph: %d stacks on the page of %d, drawn in %.0f ms" % (
        len(shown["stacks"]), len(full["stacks"]), ms))
    assert ms < 1000
    box = browser.eval("""(() => { const b = document.querySelector('#view-offcputime .flame-scroll');
      return [b.clientHeight, b.scrollHeight, b.scrollTop, window.innerHeight]; })()""")
    assert box[0] <= 0.7 * box[3] + 1 and box[2] + box[0] >= box[1] - 1, box  # roots in sight
    assert browser.errors() == []


def test_repeating_frames_fold_into_one(recorded, browser, tmp_path):
    """A run of a cycle of frames (loopback stacks nest A B A B ...) draws as one frame
    "A → B ×N", a run of one frame as "A ×N", and the graph is only as tall as what is drawn."""
    _, page, _ = recorded
    raw = open(page, "rb").read()
    m = re.search(rb'id="ebrec-data">(.*?)</script>', raw, re.S)
    data = json.loads(m.group(1))
    prof = next(v for v in data["views"] if v["view"] == "offcputime")
    # leaf first, as the JSON gives them: 100 frames of a 2-cycle and 30 of one frame
    kernel = ["leaf_wait"] + ["ip_rcv", "tcp_v4_rcv"] * 50 + ["recurse"] * 30 + ["do_syscall_64"]
    prof["stacks"] = [{"pid": 4242, "comm": "loopy", "value": 1000, "count": 1,
                       "kernel": kernel, "user": []}]
    body = json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    folded_page = tmp_path / "folded.html"
    folded_page.write_bytes(raw[:m.start(1)] + body.encode() + raw[m.end(1):])
    fresh(browser, folded_page)
    names = browser.eval("""Array.from(document.querySelectorAll('#view-offcputime g.frame'))
        .map(g => [+g.dataset.depth, g.querySelector('title').textContent.split(' — ')[0]])""")
    assert sorted(names) == [[0, "all"], [1, "loopy"], [2, "do_syscall_64"], [3, "recurse ×30"],
                             [4, "tcp_v4_rcv → ip_rcv ×50"], [5, "leaf_wait"]], names
    height = browser.eval("document.querySelector('#view-offcputime svg.flame').viewBox.baseVal.height")
    assert height == 6 * 17 + 4
    assert "128 repeated frames folded" in browser.eval(
        "document.getElementById('view-offcputime').textContent")
    assert browser.errors() == []


# what a table cell shows, by its column's key (docs/JSON.md's units and fields)
CELL_RULES = [
    (lambda v, k: k.endswith(("_ns", "_us", "_ms")) or k == "ms" or
     (k.endswith("_s") and k not in ("time_s", "start_s", "end_s")),
     r"-?[\d.]+ (ns|µs|ms|s)"),
    (lambda v, k: k in ("time_s", "start_s", "end_s"), r"-?\d+\.\d{6} s"),
    (lambda v, k: k == "bytes" or k.endswith("_bytes"), r"[\d.]+ (B|KiB|MiB|GiB)"),
    (lambda v, k: k.endswith("_mb"), r"[\d,.]+ MiB"),
    (lambda v, k: k.endswith("_pages"), r"[\d,]+ \([\d.]+ (B|KiB|MiB|GiB)\)"),
    (lambda v, k: "ratio" in k, r"\d+\.\d\d%"),
    (lambda v, k: k == "rwbs", r"F?[RWDEFN][FASM]* \((preflush, )?(read|write|discard|secure erase|"
     r"flush|none)(, (fua|readahead|sync|metadata))*\)"),
    (lambda v, k: v == "opensnoop" and k == "flags", r"O_[A-Z]+(\|O_[A-Z]+)*(\|0[0-7]+)?"),
    (lambda v, k: v == "opensnoop" and k == "mode", r"0[0-7]*"),
    (lambda v, k: k == "err", r"0|(E[A-Z0-9]+|errno) \(\d+\)"),
    (lambda v, k: v == "execsnoop" and k == "ret", r"0|-(E[A-Z0-9]+|errno) \(\d+\)|\d+"),
    (lambda v, k: v in ("exitsnoop", "processes") and k == "status",
     r"|exit \d+|signal \d+ \([A-Z0-9]+\)(, core dumped)?|stopped by signal \d+"),
    (lambda v, k: v == "exitsnoop" and k == "signal", r"\d+ \([A-Z0-9]+\)"),
    (lambda v, k: k == "ip", r"IPv[46]"),
]
UNIT_KEY = re.compile(r"(_ns|_us|_ms|_s|_bytes|_mb|_pages)$|^(bytes|ms|rwbs|err|flags)$|ratio")


def test_cells_read_with_units_and_names(recorded, browser):
    """Every table's cells on the page: times with their unit, sizes in B/KiB/MiB, ratios as
    percentages, open flags, rwbs, errnos and wait statuses by name; no column whose key names a
    unit is left raw."""
    _, page, _ = recorded
    fresh(browser, page)
    tables = browser.eval("""Array.from(document.querySelectorAll('.view')).map(v => [v.dataset.view,
        Array.from(v.querySelectorAll('table.rows th')).map(t => t.textContent),
        Array.from(v.querySelectorAll('table.rows tbody tr')).map(tr =>
          Array.from(tr.children).map(td => td.textContent))])""")
    checked = set()
    for view_name, cols, rows in tables:
        for i, key in enumerate(cols):
            rule = next((r for when, r in CELL_RULES if when(view_name, key)), None)
            assert rule or not UNIT_KEY.search(key), (view_name, key, "shown raw")
            for row in rows if rule else []:
                if row[i] == "":
                    continue  # absent in this row (a key of some rows only)
                assert re.fullmatch(rule, row[i]), (view_name, key, row[i])
                checked.add((view_name, key))
    assert {("biosnoop", "rwbs"), ("biosnoop", "lat_ms"), ("opensnoop", "flags"),
            ("opensnoop", "err"), ("exitsnoop", "status"), ("proctop", "cpu_ns")} <= checked, checked
    assert browser.errors() == []


ZOOM = """(() => {
  /* the profile's graph, or the off-CPU one when every profile sample has the same frames
     below the process (nothing else ran while the workload burned): the same zoom code */
  const width = g => g.querySelector('rect').width.baseVal.value;
  const title = g => g.querySelector('title').textContent;
  const seen = {};
  for (const view of ['profile', 'offcputime']) {
    const frames = () => Array.from(document.querySelectorAll('#view-' + view + ' g.frame'));
    const g = frames().filter(g => +g.dataset.depth >= 2 && width(g) < 1199)
                      .sort((a, b) => width(b) - width(a))[0];
    if (!g) {
      seen[view] = frames().slice(0, 30).map(x => [+x.dataset.depth, width(x), title(x)]);
      continue;
    }
    /* the same name and value may be in other towers too (a frame of one sample) */
    const t = title(g), before = width(g), beforeAll = frames().filter(x => title(x) === t).map(width);
    g.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    const after = frames().filter(x => title(x) === t).map(width);
    const reset = document.querySelector('#view-' + view + ' button');
    const resetOn = !reset.disabled;
    reset.click();
    const back = frames().filter(x => title(x) === t).map(width);
    return { view, t, before, beforeAll, after, resetOn, back, resetOff: reset.disabled, seen };
  }
  return { none: seen };  /* say what the graphs hold instead of failing in the script */
})()"""


def test_flame_graph_zooms_and_searches(recorded, browser):
    _, page, _ = recorded
    fresh(browser, page)
    z = browser.eval(ZOOM)
    assert "none" not in z, ("no frame below the process narrower than the page", z)
    if z["view"] != "profile":
        # only because the profile's graph is one chain below its process, not empty
        assert z["seen"]["profile"] and all(w >= 1199 for d, w, _ in z["seen"]["profile"]
                                            if d >= 2), z["seen"]
    assert z["before"] < 1199 and z["after"] == [1200], z
    assert z["resetOn"] and z["resetOff"] and z["back"] == z["beforeAll"], z
    matched = browser.eval("""(() => {
      const box = document.getElementById('view-profile');
      const input = box.querySelector('input');
      input.value = 'burn|main';
      input.dispatchEvent(new Event('input'));
      return [box.querySelector('.controls span').textContent,
              box.querySelectorAll('g.frame.match').length];
    })()""")
    assert re.fullmatch(r"matched: \d+\.\d%", matched[0]) and matched[1] >= 1, matched
    assert browser.errors() == []


def test_tables_sort_filter_and_page(recorded, browser):
    trace, page, _ = recorded
    # the workload's own opens: the machine's other opens would push its rows out of the 55
    every = ebrec_json("report", trace, "opensnoop", "--format", "json")["views"][0]["rows"]
    pid = str(next(r["pid"] for r in every if "<img" in r.get("path", "")))
    rows = ebrec_json("report", trace, "opensnoop", "-p", pid, "--format", "json")["views"][0]["rows"]
    assert len(rows) > 60
    small = os.path.join(os.path.dirname(page), "rows.html")
    ebrec("report", trace, "opensnoop", "-p", pid, "--format", "html", "--rows", "55", "-o", small,
          check=0)
    fresh(browser, small)
    ev = browser.eval
    box = "document.getElementById('view-opensnoop')"
    assert f"first 55 rows of {len(rows)}" in ev(box + ".textContent").replace(",", "")
    assert ev(box + ".querySelector('.controls span').textContent") == "rows 1–50 of 55"
    ev(box + ".querySelectorAll('.controls button')[1].click()")
    assert ev(box + ".querySelector('.controls span').textContent") == "rows 51–55 of 55"
    assert ev(box + ".querySelectorAll('tbody tr').length") == 5
    # filter: the rows whose cells contain the text
    want = sum(1 for r in rows[:55] if "<img" in r.get("path", ""))
    ev(box + ".querySelector('input').value = '<img'; " + box +
       ".querySelector('input').dispatchEvent(new Event('input'))")
    assert ev(box + ".querySelectorAll('tbody tr').length") == want >= 1
    # sort: a numeric column sorts descending first, then ascending (every process's rows)
    mixed = os.path.join(os.path.dirname(page), "mixed.html")
    ebrec("report", trace, "opensnoop", "--format", "html", "--rows", "55", "-o", mixed, check=0)
    fresh(browser, mixed)
    cols = ev(f"Array.from({box}.querySelectorAll('th')).map(t => t.textContent)")
    i = cols.index("pid")
    ev(f"{box}.querySelectorAll('th')[{i}].click()")
    assert ev(f"{box}.querySelectorAll('th')[{i}].className") == "sorted-desc"
    pids = ev(f"Array.from({box}.querySelectorAll('tbody tr')).map(r => +r.children[{i}].textContent.replace(/,/g, ''))")
    assert pids == sorted(pids, reverse=True)
    assert browser.errors() == []


def test_hostile_names_are_text_and_run_nothing(recorded, browser):
    _, page, _ = recorded
    fresh(browser, page)
    ev = browser.eval
    assert ev("typeof window.pwned") == "undefined"
    assert ev("document.scripts.length") == 2
    assert ev("document.querySelectorAll('img, [onerror], [onload]').length") == 0
    text = ev("document.body.textContent")
    for name in HOSTILE_FILES:
        assert name in text, name
    assert HOSTILE_ARG in text
    assert HOSTILE_COMM + "\x07\u00ff" in text  # the comm, its bytes shown, not interpreted
    assert "ctl\x01\x1b[31mred\x7f" in text      # control bytes are text in the page
    assert browser.errors() == []


def test_a_million_events_make_a_small_page(live, out_dir, browser):
    """A listing embeds its first --rows rows (default 10,000, and no more than its share of
    the page's 3 MiB of rows) and counts the rest, so the page of a million-event trace stays
    a few MB and draws in about a second."""
    trace, page = out_dir / "big.ebr", out_dir / "big.html"
    ebrec("record", "-o", trace, "-e", "file,proc", "--", workload("ebr-files"), "open",
          1000000, 0, "/dev/null", "/nonexistent", check=0, timeout=300)
    ebrec("report", trace, "--format", "html", "-o", page, check=0, timeout=300)
    data = page_data(page)
    snoop = next(v for v in data["views"] if v["view"] == "opensnoop")
    opens = next(p["losses"] for p in data["probes"] if p["probe"] == "file/open")
    # the first 10,000 rows, or fewer when they would pass the listing's share of the page's
    # 3 MiB of rows (shared among the page's listings, those of families not recorded too)
    rows_bytes = len(json.dumps(snoop["rows"], separators=(",", ":"), ensure_ascii=False))
    listings = sum(1 for v in data["views"]
                   if next(r for r in data["registry"]["views"] if r["view"] == v["view"])["kind"]
                   == "listing")
    assert len(snoop["rows"]) >= 500 and snoop["rows_omitted"] > 0
    assert len(snoop["rows"]) == 10000 or rows_bytes <= (3 << 20) // listings + 4096, rows_bytes
    # the probe also emits chdir/fchdir, of any process on the host (the recording is
    # system-wide): those are not opens
    info = ebrec("info", trace, check=0).stdout.split()
    chdirs = int(info[info.index("file.chdir") + 1]) if "file.chdir" in info else 0
    assert len(snoop["rows"]) + snoop["rows_omitted"] == \
        opens["emitted"] - opens["lost"] - chdirs
    assert opens["emitted"] >= 1000000
    assert os.path.getsize(page) < 8 << 20
    fresh(browser, page)
    assert browser.errors() == []
    assert browser.eval("document.querySelectorAll('#view-opensnoop tbody tr').length") == 50
    print("page of %d events: %.1f MB, drawn %.2f s after navigation" % (
        opens["emitted"], os.path.getsize(page) / 1e6,
        browser.eval("performance.now()") / 1e3))


def test_losses_are_marked_on_the_timeline_and_in_the_quality_panel(live, out_dir, browser):
    """A recording that lost most of its events (a 4 KiB ring buffer under an open storm):
    the timeline marks the seconds they were lost in, the quality panel counts them per
    probe, and the view says it is incomplete."""
    trace, page = out_dir / "lossy.ebr", out_dir / "lossy.html"
    ebrec("record", "-o", trace, "--buffer-size", "4K", "-e", "file", "--",
          workload("ebr-files"), "open", 200000, 0, "/dev/null", "/nonexistent", check=0)
    ebrec("report", trace, "--format", "html", "-o", page, check=0)
    data = page_data(page)
    assert data["losses"]["lost"] > 0 and data["losses"]["windows"]
    opens = next(p for p in data["probes"] if p["probe"] == "file/open")["losses"]
    fresh(browser, page)
    ev = browser.eval
    assert browser.errors() == []
    # marked on the chart of the family whose probe lost them
    fams = set(data["timeline"]["per_second"])
    windows = sum(len(p["losses"]["windows"]) for p in data["probes"]
                  if p["probe"].split("/")[0] in fams)
    assert ev("document.querySelectorAll('#sec-timeline rect.loss').length") == windows > 0
    assert ev("document.querySelectorAll('#sec-timeline svg[data-family=file] rect.loss').length") \
        == sum(len(p["losses"]["windows"]) for p in data["probes"] if p["probe"].startswith("file/"))
    row = ev("""Array.from(document.querySelectorAll('#sec-quality tr'))
                .filter(r => r.children[0].textContent === 'file/open')
                .map(r => [r.className, r.children[2].textContent])[0]""")
    assert row == ["warn", "{:,}".format(opens["lost"])]
    family = next(v for v in data["views"] if v["view"] == "opensnoop")["losses"]
    note = ev("document.querySelector('#view-opensnoop p.warn:last-child').textContent")
    assert "this view is incomplete" in note and "{:,}".format(family["lost"]) in note


@pytest.fixture(scope="module")
def two_host_pages(tmp_path_factory):
    """Two recordings of known workloads at overlapping times, named alpha and beta by
    `ebrec record --host-name` (test_hosts.py's: 5 and 3 cats), the page of both and each
    host's own page."""
    from test_hosts import record_two_hosts
    require_live()
    d = tmp_path_factory.mktemp("html-hosts")
    record_two_hosts(d, "proc,sched")
    # the page of two hosts gives each host's listings half the bytes of rows a page of one
    # does: 20 rows a listing (of at most 4.6 KB each) fit either way, whatever else this
    # machine runs meanwhile, so that a host's part is its own page's exactly
    for name in ("alpha", "beta"):
        ebrec("report", d / f"{name}.ebr", "--format", "html", "--rows", "20",
              "-o", d / f"{name}.html", check=0)
    ebrec("report", d / "alpha.ebr", d / "beta.ebr", "--format", "html", "--rows", "20",
          "-o", d / "both.html", check=0)
    return d


def drawn_sections(browser, prefix=""):
    """Each section's drawing (its inner HTML) by id, and each view's, without the prefix."""
    got = browser.eval(f"""(() => {{ const out = {{}};
        for (const e of document.querySelectorAll('section[id^="{prefix}sec-"], div.view[id^="{prefix}view-"]'))
            out[e.id.slice({len(prefix)})] = e.innerHTML;
        return out; }})()""")
    return got


def pick_host(browser, value):
    browser.eval(f"""(() => {{ const s = document.getElementById('host-select');
        s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change')); }})()""")
    assert browser.eval("document.body.getAttribute('data-ready')") == "1"


def test_several_hosts_one_page_with_a_host_selector(two_host_pages, browser):
    """The page of two hosts: the selector draws one host's sections exactly as that host's own
    page draws them (the same counts, histograms, rows), or both hosts' one after another; a
    table says how well the clocks were aligned and compares the hosts' headline numbers."""
    from test_hosts import CATS, own_cats
    d = two_host_pages
    both = d / "both.html"
    raw = open(both, "rb").read()
    assert len(re.findall(rb"<script", raw, re.I)) == 2 and b"default-src 'none'" in raw
    data = page_data(both)
    doc = ebrec_json("report", d / "alpha.ebr", d / "beta.ebr", "execsnoop", "--format", "json")
    names = [h["host"] for h in doc["hosts"]]
    assert [h["host"] for h in data["hosts"]] == names and sorted(names) == ["alpha", "beta"]
    own = {}
    for i, name in enumerate(names):
        mine = data["hosts"][i]
        alone = page_data(d / f"{name}.html")
        # the host's data is its own page's, with its host and clock (as JSON's)
        assert mine["views"] == alone["views"] and mine["probes"] == alone["probes"]
        assert mine["clock"] == doc["hosts"][i]["clock"] and mine["clock"]["aligned"]
        execs = ebrec_json("report", d / f"{name}.ebr", "execsnoop", "--format", "json")
        assert len(own_cats(execs["views"][0]["rows"], name)) == CATS[name]
        fresh(browser, d / f"{name}.html")
        own[name] = drawn_sections(browser)
        assert {"view-execsnoop", "view-runqlat", "view-cpudist", "sec-proc"} <= set(own[name])
    fresh(browser, both)
    ev = browser.eval
    assert ev("document.getElementById('host-select').value") == "0"
    for i, name in enumerate(names):
        pick_host(browser, str(i))
        assert ev("document.body.getAttribute('data-host')") == name
        assert ev("document.querySelector('header h1').textContent") == f"ebrec report: host {name}"
        drawn = drawn_sections(browser)
        assert drawn.pop("sec-hosts")
        assert drawn == own[name]  # every section, as the host's own page draws it
        assert ev("document.querySelectorAll('#view-execsnoop tbody tr').length") == \
            min(50, len(next(v for v in data["hosts"][i]["views"]
                             if v["view"] == "execsnoop")["rows"]))
    # every host, one after the other: each host's views under ids of its own
    pick_host(browser, "all")
    for i, name in enumerate(names):
        drawn = drawn_sections(browser, f"h{i}-")
        for key in own[name]:
            if key.startswith("view-"):
                assert drawn[key] == own[name][key], (name, key)
    # the clocks: each host's spread as the JSON says it, and the bound on the hosts' offset
    cells = ev("Array.from(document.querySelectorAll('table.host-clocks tr[data-host]'))"
               ".map(r => Array.from(r.children).map(c => c.textContent))")
    assert [c[0] for c in cells] == names
    for c, h in zip(cells, doc["hosts"]):
        assert c[2] == f"{h['clock']['start_after_first_s']:.6f} s"
        assert parse_dur(c[4]) == pytest.approx(h["clock"]["uncertainty_ns"], rel=0.01, abs=1)
        # its monotonic clock against the first host's, and within how much
        first = doc["hosts"][0]["clock"]
        ahead, spread = c[5].split(" ± ")
        ahead_ns = first["realtime_minus_monotonic_ns"] - h["clock"]["realtime_minus_monotonic_ns"]
        within_ns = 0 if h is doc["hosts"][0] else first["uncertainty_ns"] + \
            h["clock"]["uncertainty_ns"]
        assert h["clock"]["monotonic_ahead_of_first_ns"] == ahead_ns
        assert float(ahead.split()[0]) == pytest.approx(ahead_ns / 1e9, abs=1e-9)
        assert parse_dur(spread) == pytest.approx(within_ns, rel=0.01, abs=1)
    note = ev("document.getElementById('host-alignment').textContent")
    bound = sum(h["clock"]["uncertainty_ns"] for h in doc["hosts"])
    m = re.search(r"here at most ([0-9.]+ [nµm]?s)", note)
    assert m and parse_dur(m.group(1)) == pytest.approx(bound, rel=0.01, abs=1), note
    # the hosts compared: each host's execs, as its own data counts them
    cmp = ev("(() => { const t = document.querySelector('table.host-compare');"
             "const head = Array.from(t.rows[0].cells).map(c => c.textContent);"
             "return Array.from(t.querySelectorAll('tr[data-host]')).map(r => Object.fromEntries("
             "Array.from(r.cells).map((c, i) => [head[i], c.textContent]))); })()")
    for row, h in zip(cmp, data["hosts"]):
        v = next(v for v in h["views"] if v["view"] == "execsnoop")
        assert row["host"] == h["host"]
        assert int(row["execsnoop"].replace(",", "")) == len(v["rows"]) + v["rows_omitted"]
        assert int(row["events"].replace(",", "")) == h["losses"]["emitted"]
    assert browser.errors() == []
    assert browser.requests() == ["file://" + os.path.abspath(both)]


def test_hostile_host_names_are_text(browser, tmp_path):
    """Host names (here a rotation name's: no root) reach the page of several hosts as text:
    in its title, its selector, its clock table and each host's header, and run nothing."""
    sample = os.path.join(REPO, "samples", "build", "trace.ebr")
    names = ["<img src=x onerror=window.pwned=1>", "b&q\"'"]
    for name in names:
        shutil.copy(sample, tmp_path / f"ebrec-20261130T234738Z-{name}.ebr")
    page = tmp_path / "page.html"
    ebrec("report", tmp_path, "--format", "html", "-o", page, check=0)
    raw = open(page, "rb").read()
    assert b"<img" not in raw and len(re.findall(rb"<script", raw, re.I)) == 2
    assert b"<title>ebrec report: 2 hosts (&lt;img src=x onerror=window.pwned=1&gt;, b&amp;q" in raw
    fresh(browser, page)
    ev = browser.eval
    got = ev("Array.from(document.querySelectorAll('#host-select option')).map(o => o.textContent)")
    assert sorted(got[:2]) == sorted(names) and len(got) == 3
    pick_host(browser, "all")
    heads = ev("Array.from(document.querySelectorAll('main > header h1')).map(e => e.textContent)")
    assert sorted(heads) == sorted("host " + n for n in names)
    assert ev("document.querySelectorAll('img').length") == 0
    assert ev("window.pwned") is None
    assert browser.errors() == []


def test_a_default_recording_says_what_it_left_out(live, out_dir, browser):
    """A recording without -e has no failed exec and no accept: the page says so where the
    text report does, above execsnoop's and tcpaccept's tables."""
    trace, page = out_dir / "default.ebr", out_dir / "default.html"
    ebrec("record", "-o", trace, "--", workload("ebr-spawn"), 2, 1, 0, "pagetoken", check=0)
    ebrec("report", trace, "--format", "html", "-o", page, check=0)
    fresh(browser, page)
    ev = browser.eval
    execs = ev("document.getElementById('view-execsnoop').textContent")
    assert "Successful execs only: recorded without -e proc" in execs
    accepts = ev("document.getElementById('view-tcpaccept').textContent")
    assert "No accepts: recorded without -e tcp" in accepts
    # a recording that named the families says nothing of the kind
    named, named_page = out_dir / "named.ebr", out_dir / "named.html"
    ebrec("record", "-o", named, "-e", "proc,tcp", "--", "true", check=0)
    ebrec("report", named, "--format", "html", "-o", named_page, check=0)
    fresh(browser, named_page)
    shown = ev("Array.from(document.querySelectorAll('section')).map(s => s.textContent)"
               ".join(' ')")
    assert "Successful execs only" not in shown and "No accepts" not in shown
    assert "execsnoop" in shown  # the sections are there, without the notes
