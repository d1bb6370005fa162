"""FORMAT.md is normative: its event tables must say exactly what format/events.def defines."""
import os
import re

from conftest import REPO

KINDS = {"EBR_KIND_U64": "u64", "EBR_KIND_S64": "s64", "EBR_KIND_STR": "str",
         "EBR_KIND_BYTES": "bytes", "EBR_KIND_STACK": "stack"}


def events_def():
    text = open(os.path.join(REPO, "format", "events.def")).read()
    events, cnames = {}, {}
    for m in re.finditer(r'^EBR_EVENT\((\d+), (\w+), "([^"]+)", "([^"]*)"\)', text, re.M):
        events[m[3]] = {"id": int(m[1]), "fields": []}
        cnames[m[2]] = m[3]
    for m in re.finditer(r'^EBR_FIELD\((\w+), (\d+), \w+, "([^"]+)", (\w+), "([^"]*)"\)',
                         text, re.M):
        events[cnames[m[1]]]["fields"].append((int(m[2]), m[3], KINDS[m[4]], m[5]))
    return events


def format_md():
    text = open(os.path.join(REPO, "format", "FORMAT.md")).read()
    text = text.split("## Event types of version")[1]
    events = {}
    for sec in re.split(r"^### ", text, flags=re.M)[1:]:
        m = re.match(r"`([^`]+)` \(id (\d+)\)", sec)
        if not m:
            continue
        fields = []
        for row in re.findall(r"^\| (\d+) \| (\w+) \| (\w+) \| (.*) \|$", sec, re.M):
            fields.append((int(row[0]), row[1], row[2], row[3].replace("\\|", "|")))
        events[m[1]] = {"id": int(m[2]), "fields": fields}
    return events


def test_format_md_matches_events_def():
    assert format_md() == events_def()
    assert len(events_def()) >= 2
