/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `report --format html`: one self-contained page. The views' JSON (the same documents as
 * --format json) is embedded as data and drawn by the page's own script; nothing is fetched
 * and the page's Content-Security-Policy allows no other script, style or request, so a name
 * from a hostile trace can only ever be shown as text.
 */
#ifndef EBREC_REPORT_HTML_H
#define EBREC_REPORT_HTML_H

#include <stdio.h>
#include "analyze/losses.h"
#include "analyze/timeline.h"
#include "report/hosts.h"
#include "report/trace_file.h"

/* the page's script and style, and the SVG flame graph's script (report/html/, embedded at
 * build time by embed.sh) */
extern const char html_app_js[], html_style_css[], html_flamegraph_js[];

struct html_view {
	const char *json; /* one view's JSON document */
	size_t len;
};

/*
 * The bytes of rows the page's listings hold together, shared out equally among them (each
 * also holds at most --rows rows): with the off-CPU graph's merge (offcputime --min-share), a
 * busy host's page stays a few MB.
 */
#define HTML_ROWS_BYTES (3u << 20)

struct html_doc {
	const struct trace_file *tf;
	const struct losses *losses;
	const struct timeline *timeline;
	const struct html_view *views;
	size_t nviews;
	const char *limit_msg; /* the pass stopped early: why, or NULL */
	uint64_t max_rows;     /* rows embedded per listing */
	double since_s, until_s; /* the window the views saw; until_s < 0: to the end */
	const struct host_series *host; /* one of several hosts: its name and clock, or NULL */
};

/* Writes the page to f; 0, or -1 when writing failed. */
int html_write(FILE *f, const struct html_doc *d);
/* One host's part of a page of several: the data html_write() embeds, with its "host", "clock". */
void html_data_write(FILE *f, const struct html_doc *d);
/*
 * The page of several hosts, each host's data (html_data_write) in its text: the page's
 * selector shows one host's sections, or every host's one after another. 0, or -1 when
 * writing failed.
 */
int html_write_hosts(FILE *f, const struct host_set *hs);

#endif
