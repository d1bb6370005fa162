"""The layout is the architecture (docs/ARCHITECTURE.md): data flows one way, bpf/ -> record/
-> format/ -> analyze/ -> report/, and no file includes a header of a later stage or of a
stage beside it. Within a folder, headers include each other without a cycle."""
import os
import re

from conftest import REPO

# what each folder may include besides itself
MAY_INCLUDE = {
    "bpf": {"format"},                      # on-disk constants the programs produce
    "format": set(),
    "analyze": {"format"},
    "report": {"format", "analyze"},
    "redact": {"format", "analyze", "report"},  # reads through report/'s trace_file and text
    "record": {"bpf", "format"},
    "query": {"format", "analyze", "report"},  # report's trace_file and text escaping
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/([^"]+)"', re.M)


def sources():
    for folder in MAY_INCLUDE:
        for name in sorted(os.listdir(os.path.join(REPO, folder))):
            if name.endswith((".c", ".h")):
                path = os.path.join(folder, name)
                with open(os.path.join(REPO, path), encoding="utf-8") as f:
                    yield folder, path, INCLUDE.findall(f.read())


def test_every_include_points_down_the_pipeline():
    wrong = [(path, f"{d}/{h}") for folder, path, incs in sources() for d, h in incs
             if d != folder and d in MAY_INCLUDE and d not in MAY_INCLUDE[folder]]
    assert not wrong, wrong


def test_no_include_cycle():
    graph = {}
    for _, path, incs in sources():
        graph[path] = {f"{d}/{h}" for d, h in incs if d in MAY_INCLUDE}
    # a .c file's own header counts as the .c file: report/view.h's users depend on views.c
    # through it only by linking, not by including, so cycles are among headers and files
    state = {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                raise AssertionError("include cycle: " + " -> ".join(stack + [node, nxt]))
            if nxt not in state:
                visit(nxt, stack + [node])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def test_views_are_named_in_the_registry_only():
    """A view is declared once, in report/views.c; nothing else lists the views."""
    with open(os.path.join(REPO, "report", "views.c"), encoding="utf-8") as f:
        registry = set(re.findall(r"VIEW\((\w+)\)", f.read()))
    defined = set()
    for name in os.listdir(os.path.join(REPO, "report")):
        if name.startswith("view_") and name.endswith(".c"):
            with open(os.path.join(REPO, "report", name), encoding="utf-8") as f:
                defined |= set(re.findall(r"^const struct view view_(\w+) = \{", f.read(), re.M))
    assert registry == defined
    for path in ["report/cmd_report.c", "report/summary.c"]:
        with open(os.path.join(REPO, path), encoding="utf-8") as f:
            text = f.read()
        named = {v for v in registry if re.search(r'"%s"' % v, text)}
        assert not named, (path, named)
    # the page may treat a view specially in how it draws it, but takes which family a view
    # belongs to from the registry in its data: no table of views keyed by name
    with open(os.path.join(REPO, "report", "html", "app.js"), encoding="utf-8") as f:
        text = f.read()
    keyed = {v for v in registry - {"profile"}  # also a family: its colour is keyed by it
             if re.search(r"\b%s\s*:" % v, text)}
    assert not keyed, keyed
