// SPDX-License-Identifier: GPL-2.0-only
/*
 * The registry of views: every view `ebrec report` knows, once, in the order the summary,
 * the HTML page and --help show them. Adding a view is one VIEW() line here and its
 * `struct view` in its family's file (docs/ARCHITECTURE.md, "Adding a view").
 */
#include <stdio.h>
#include <string.h>
#include "format/array_size.h"
#include "report/view.h"

#define EBREC_VIEWS(VIEW)                                                                      \
	VIEW(biolatency) VIEW(biosnoop) VIEW(biotop)                                           \
	VIEW(execsnoop) VIEW(exitsnoop) VIEW(processes) VIEW(cgroups)                          \
	VIEW(opensnoop) VIEW(opentop) VIEW(filetop) VIEW(fsslower) VIEW(ext4slower)            \
	VIEW(cachestat)                                                                        \
	VIEW(tcplife) VIEW(tcptop) VIEW(tcpconnect) VIEW(tcpconnlat) VIEW(tcpaccept)           \
	VIEW(tcpretrans) VIEW(tcpstates)                                                       \
	VIEW(runqlat) VIEW(cpudist) VIEW(proctop)                                              \
	VIEW(profile) VIEW(offcputime)                                                         \
	VIEW(probes)

#define VIEW_DECLARE(n) extern const struct view view_##n;
EBREC_VIEWS(VIEW_DECLARE)
#define VIEW_ENTRY(n) &view_##n,
const struct view *const views[] = { EBREC_VIEWS(VIEW_ENTRY) };
const size_t nviews = ARRAY_SIZE(views);

const struct view_family view_families[] = {
	{ "block", "Block I/O", NULL },
	{ "proc", "Processes", NULL },
	{ "file", "Files", NULL },
	{ "tcp", "TCP", NULL },
	{ "sched", "Scheduler", NULL },
	{ "profile", "CPU profile", NULL },
	{ "offcpu", "Off-CPU time", NULL },
	/* not a family of record's: the probes -e names besides the families */
	{ "probes", "Probes", "tracepoint:SYS:NAME, uprobe:PATH:FUNC or usdt:PATH:PROVIDER:NAME" },
};
const size_t nview_families = ARRAY_SIZE(view_families);

const struct view *view_find(const char *name)
{
	for (size_t i = 0; i < nviews; i++)
		if (!strcmp(views[i]->name, name))
			return views[i];
	return NULL;
}

const struct view_family *view_family_find(const char *name)
{
	for (size_t i = 0; i < nview_families; i++)
		if (!strcmp(view_families[i].name, name))
			return &view_families[i];
	return NULL;
}

/* Levenshtein distance of two short names, at most 63 bytes of b counted. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t lb = strnlen(b, 63), row[64];

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; a[i - 1] && i < 64; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

const struct view *view_closest(const char *name)
{
	const struct view *best = NULL;
	size_t best_d = 3; /* a typo: at most two edits */

	for (size_t i = 0; i < nviews; i++) {
		size_t d = edit_distance(name, views[i]->name);

		if (d < best_d) {
			best_d = d;
			best = views[i];
		}
	}
	return best;
}

const char *views_of_family(const char *family, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < nviews && n < len; i++)
		if (!strcmp(views[i]->family, family))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", views[i]->name);
	return buf;
}

int view_usage_error(const struct view *v, const char *what, const char *arg)
{
	fprintf(stderr, "ebrec report: %s: %s '%s'; options: %s\n", v->name, what, arg, v->usage);
	return 2;
}

int view_no_memory(const struct view *v)
{
	fprintf(stderr, "ebrec report: %s: %s\n", v->name, trace_file_nomem());
	return 1;
}
