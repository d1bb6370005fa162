/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ebrec diff BEFORE AFTER [VIEW]`: cmd_diff.c reads the two traces (one pass each, the
 * measures of analyze/diff.h), diff_out.c writes what changed, as text or JSON, the stacks as
 * two-column folded lines (FlameGraph's difffolded.pl) or a differential flame graph.
 */
#ifndef EBREC_REPORT_DIFF_H
#define EBREC_REPORT_DIFF_H

#include <stdbool.h>
#include <stdio.h>
#include "analyze/diff.h"
#include "analyze/losses.h"
#include "report/json.h"
#include "report/trace_file.h"

enum { DIFF_BEFORE, DIFF_AFTER };

/* One trace, read. */
struct diff_trace {
	struct trace_file tf;
	struct losses *losses;
	struct diff_side *side;
};

struct diff_report {
	FILE *f;
	bool json;
	struct json j;
	struct diff_trace t[2];
	struct diff_opts o;       /* the measures compared (both traces recorded their family) */
	const char *not_compared; /* the families only one trace recorded, "" none */
	uint64_t limit;           /* rows of each table and stacks of each profile; 0 all */
	const char *svg;          /* --svg: the differential flame graph of stack_profile */
	enum diff_profile_id stack_profile; /* --svg and --folded: the profile drawn */
	bool folded, normalize;   /* --folded (-n: BEFORE scaled to AFTER's total) */
};

/* The whole report to r->f: 0, or 1 (out of memory, a file that could not be written: said). */
int diff_write(struct diff_report *r);

#endif
