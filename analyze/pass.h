/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One pass over a trace, many analyzers: the trace is decoded once and every event is
 * offered to each analyzer, which keeps what it needs and ignores the rest.
 */
#ifndef EBREC_ANALYZE_PASS_H
#define EBREC_ANALYZE_PASS_H

#include <stddef.h>
#include "format/ebr.h"

struct analyzer {
	/* 0, or a negative EBR_E* code that ends the pass; NULL for a view that needs no events */
	int (*on_event)(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
	void *self;
};

/*
 * Recording start, CLOCK_MONOTONIC ns (META clock.start.monotonic_ns), or 0. META is read as
 * the pass goes: ask once events have come, not before the pass.
 */
uint64_t trace_start_ns(const struct ebr_reader *r);

/* Reads r to its end. Returns 0, or the first error of the source or of an analyzer. */
int analyze_pass(struct ebr_reader *r, const struct analyzer *an, size_t n);

#endif
