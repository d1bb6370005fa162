/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The top views (biotop, opentop, filetop, tcptop, proctop): their shared options (bcc's -r
 * MAXROWS and -s KEY, --sort and --limit as every listing has them, -i SECONDS for a table an
 * interval) and the rendering of their model (analyze/top.h) as text and JSON. A view names
 * its columns; this file does the rest.
 */
#ifndef EBREC_REPORT_TOP_TABLE_H
#define EBREC_REPORT_TOP_TABLE_H

#include "analyze/top.h"
#include "report/view.h"

enum top_unit {
	TOP_COUNT,   /* as it is */
	TOP_KB,      /* bytes, shown in KiB; JSON bytes */
	TOP_MS,      /* ns, shown in ms; JSON ns */
	TOP_MEAN_MS, /* v[value] / v[of] ns, shown and written in ms */
};

struct top_column {
	const char *head; /* the text header: "I/O", "Kbytes" */
	const char *key;  /* the name -s/--sort take: "ios", "bytes", "avg" */
	const char *json; /* the JSON key, its unit in its name: "ios", "bytes", "avg_ms" */
	unsigned value;   /* index into top_row.v */
	enum top_unit unit;
	unsigned of;      /* TOP_MEAN_MS: the count it is divided by */
};

struct top_table {
	enum top_kind kind;
	const struct top_column *cols;
	unsigned ncols;
	unsigned sort;        /* the default column to sort by */
	bool pid;             /* PID and COMM columns */
	const char *name_head, *name_key; /* the key's name column (DISK, FILE), or NULL */
	const char *nothing;  /* the text when no row: "no block I/O in this trace" */
};

/* A top view's state: the model, the options, how it reads. */
struct top_view {
	struct topwatch w;
	const struct top_table *table;
	unsigned sort;  /* column */
	uint64_t limit; /* rows an interval; 0 all */
	uint64_t more;  /* rows the limit left out, over all intervals */
};

/* setup() of a top view: its options parsed into a new top_view (vr->state). */
int top_view_setup(struct view_run *vr, int argc, char **argv, const struct top_table *table);
void top_view_begin(struct view_run *vr, struct report_out *out);
void top_view_end(struct view_run *vr, struct report_out *out, const struct losses *ls);
void top_view_release(struct view_run *vr);
/* "more_rows", "dropped" (and filetop's "recorded_min_us"); filetop's note on --min-us */
/* Whether the trace's reads, writes and syncs were traced (META file.slow_io; older: yes). */
bool file_slow_io_recorded(const struct ebr_reader *r);
void top_view_json_tail(struct view_run *vr, struct json *j);
void top_view_text_tail(struct view_run *vr, FILE *f);

/* The usage text every top view shares, after its own. */
#define TOP_VIEW_USAGE "-r MAXROWS (rows an interval, default 20; 0: all) --sort KEY (as -s) " \
		       "--limit ROWS (as -r) -i SECONDS (a table an interval; also --interval)"

#endif
