/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `report --since/--until`: the views see only the events of a stretch of the recording, so a
 * long trace can be cut down to the minute that matters. The window is given in seconds from
 * the recording's start or as a wall-clock time (UTC), and resolved through META's clock
 * pair when the first event comes. Snapshots and symbols (proc.task, tcp.sock, sym.*) and the
 * loss counters always pass: they describe the whole recording, not a moment of it.
 */
#ifndef EBREC_ANALYZE_TIMEWINDOW_H
#define EBREC_ANALYZE_TIMEWINDOW_H

#include <stdbool.h>
#include <stdint.h>
#include "analyze/pass.h"

/* One end of the window. */
struct window_end {
	enum {
		WINDOW_NONE,
		WINDOW_SECONDS,     /* seconds from the recording's start */
		WINDOW_REALTIME,    /* ns since the epoch */
		WINDOW_TIME_OF_DAY, /* ns since midnight UTC of the recording's first day */
	} kind;
	double seconds;
	int64_t ns;
};

struct time_window {
	struct window_end since, until;
	const struct analyzer *next; /* the views' analyzers, fed what is inside */
	size_t nnext;
	struct analyzer_fanout fan; /* next by type, at the first event */
	/* resolved at the first event: CLOCK_MONOTONIC bounds, inclusive */
	bool resolved;
	bool unanchored; /* a wall-clock end, but the trace has no wall clock: ignored */
	uint64_t lo_ns, hi_ns;
};

/*
 * "12.5" (seconds from the start), "HH:MM:SS" (UTC, on the recording's first day) or
 * "YYYY-MM-DD HH:MM:SS" (UTC). 0, or -1 if s is none of them.
 */
int window_end_parse(const char *s, struct window_end *e);

/* Resolves the bounds through the trace's META clock pair (done at the first event if not
 * before): lo_ns and hi_ns, CLOCK_MONOTONIC. */
void time_window_resolve(struct time_window *w, const struct ebr_reader *r);
int time_window_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);

/* The bounds as seconds from the recording's start (after the pass). */
double time_window_since_s(const struct time_window *w, const struct ebr_reader *r);
double time_window_until_s(const struct time_window *w, const struct ebr_reader *r);

#endif
