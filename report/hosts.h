/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Traces of several hosts (or boots) given to one report: `ebrec report A.ebr B.ebr` or a
 * directory holding both. The files are split into one series per host and boot (each read as
 * report/series.h reads one), and each series' clock is placed on the wall clock by its clock
 * pairs (META clock.start.* and clock.end.*: CLOCK_REALTIME and CLOCK_MONOTONIC read together):
 * where it starts after the earliest host's start, and within how much that is known (how far
 * the realtime - monotonic offset moved between the start and end pairs: NTP's slewing, a step
 * of the clock, or the two reads' gap).
 */
#ifndef EBREC_REPORT_HOSTS_H
#define EBREC_REPORT_HOSTS_H

#include <stdbool.h>
#include <stdint.h>
#include "report/json.h"
#include "report/membuf.h"

struct host_series {
	char name[128];      /* META host.hostname (or the rotation name's); "#2" after a reboot */
	char **paths;        /* its files, in time order (owned) */
	uint32_t npaths;
	uint64_t boot_ns;    /* META host.boot_time_ns, 0 unknown */
	uint64_t start_real_ns; /* its first file's clock.start.realtime_ns, 0 unknown */
	int64_t offset_ns;   /* realtime - monotonic at its start */
	bool aligned;        /* both pairs known: uncertainty_ns holds */
	uint64_t uncertainty_ns; /* |offset at the end - offset at the start| */
	int64_t after_first_ns; /* its start after the earliest host's start */
	/* its monotonic clock ahead of the earliest host's (both aligned), within ahead_within_ns:
	 * the sum of the two hosts' uncertainties (0 for the earliest host itself) */
	int64_t ahead_ns;
	uint64_t ahead_within_ns;
	bool ahead_known; /* both aligned, and not the earliest host */
	struct membuf text;     /* text: its summary (or --by-host listing) as written */
};

struct host_set {
	struct host_series *hosts;
	uint32_t n;
};

/*
 * Splits paths (files and directories) by host and boot, each host's files in time order, the
 * hosts by their starts. 0, or the exit status (said): 1 when a file cannot be read.
 */
int host_set_split(struct host_set *hs, const char *cmd, char *const *paths, size_t npaths);
/* Text: the heading of h's part of the report (name, files, start, alignment). */
void host_heading(FILE *f, const struct host_series *h);
/* JSON: "host" and "clock" members of h's document. */
void host_json(struct json *j, const struct host_series *h);
/*
 * Text: the summaries' headlines side by side, a line a host under each view's name (a view
 * no host's summary has is left out). Returns fprintf's failure as -1.
 */
int host_compare(FILE *f, const struct host_set *hs);
/*
 * JSON: the summaries' headlines side by side, an array of {"view", "hosts": [names],
 * "headlines": [each host's headline object, or null]} (a view no host's summary has is left
 * out). Returns fprintf's failure as -1.
 */
int host_compare_json(FILE *f, const struct host_set *hs);
/*
 * Text, --by-host: the hosts' views as one table, a HOST column first. A listing's (listing
 * true): the header once, each host's rows (a listing's lines up to its first blank line),
 * then each host's tail (losses) after its name; any other view's: every line of each host's
 * view, a host after the other. Returns fprintf's failure as -1.
 */
int host_table(FILE *f, const struct host_set *hs, bool listing);
void host_set_release(struct host_set *hs);

#endif
