/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One pass over a trace, many analyzers: the trace is decoded once and every event is
 * offered to each analyzer, which keeps what it needs and ignores the rest.
 */
#ifndef EBREC_ANALYZE_PASS_H
#define EBREC_ANALYZE_PASS_H

#include <stdbool.h>
#include <stddef.h>
#include "format/ebr.h"

struct analyzer {
	/* 0, or a negative EBR_E* code that ends the pass; NULL for a view that needs no events */
	int (*on_event)(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
	void *self;
	/*
	 * The event types on_event reads (EBR_TYPE() bits; EBR_EV_UNKNOWN's for the generic
	 * probes'), which alone it is offered; 0: every type. A speed-up only: on_event still
	 * ignores what it does not read. A summary offers each event to some 15 views, and the
	 * calls that returned at once were a fifth of its CPU.
	 */
	uint32_t types;
};
#define ANALYZER_EVERY_TYPE 0u

/*
 * Analyzers by event type, in their order: an event is offered to those that read its type.
 * More than ANALYZER_FANOUT_MAX analyzers are each offered every event.
 */
#define ANALYZER_FANOUT_MAX 64
struct analyzer_fanout {
	const struct analyzer *an;
	size_t nan;
	bool every; /* too many to list: every analyzer is offered every event */
	uint32_t wanted; /* EBR_TYPE() bits of the types some analyzer reads */
	uint8_t n[EBR_EV_LIMIT];                          /* type t's analyzers are */
	uint8_t which[EBR_EV_LIMIT][ANALYZER_FANOUT_MAX]; /* an[which[t][0 .. n[t])] */
};

void analyzer_fanout_init(struct analyzer_fanout *f, const struct analyzer *an, size_t n);
/* Offers ev to the analyzers of its type, in order: 0, or the first one's error. */
int analyzer_fanout_event(const struct analyzer_fanout *f, const struct ebr_reader *r,
			  const struct ebr_event *ev);

/*
 * Recording start, CLOCK_MONOTONIC ns (META clock.start.monotonic_ns), or 0. META is read as
 * the pass goes: ask once events have come, not before the pass.
 */
uint64_t trace_start_ns(const struct ebr_reader *r);
/* Seconds from the recording's start to a CLOCK_MONOTONIC time (0 before it, or unknown). */
double trace_seconds(const struct ebr_reader *r, uint64_t mono_ns);
/* How long the recording ran, from the clock pairs written at its start and end (META
 * clock.*.monotonic_ns); 0 if it did not finish. */
double trace_recording_seconds(const struct ebr_reader *r);

/*
 * The memory a pass may hold. A hostile trace of a few hundred KB can decompress into
 * gigabytes of distinct processes, paths or stacks: the pass stops before an event once the
 * bytes held for the trace (ebr_mem_held(), format/mem.h) pass max_heap, or where an
 * allocation fails (refused past the budget of format/mem.h, or out of memory), and says
 * where, so the views can show the trace up to there instead of the machine running out of
 * memory. max_heap is set below that budget, to leave the views room to render.
 */
struct pass_limit {
	size_t max_heap;     /* bytes; 0: no limit */
	/* set by the pass when it stopped early */
	bool stopped;
	bool out_of_memory;  /* an allocation failed with the budget not reached */
	uint64_t events;     /* events read (before the stop), over the passes given this limit */
	uint64_t stop_ts;    /* the last event's ts */
	size_t heap;         /* bytes held at the stop */
};

/* Reads r to its end. Returns 0, or the first error of the source or of an analyzer. */
int analyze_pass(struct ebr_reader *r, const struct analyzer *an, size_t n);

/*
 * analyze_pass() within limit: returns 0 with limit->stopped set when the pass stopped at the
 * limit or for want of memory, else as analyze_pass(). The files of a series are read by one
 * call each with the same limit, which counts their events together.
 */
int analyze_pass_limited(struct ebr_reader *r, const struct analyzer *an, size_t n,
			 struct pass_limit *limit);

#endif
