/* SPDX-License-Identifier: GPL-2.0-only */
/* `profile --svg`, `offcputime --svg` and `diff --svg`: a stack tree as one interactive SVG
 * file; folded lines' names. */

#ifndef EBREC_REPORT_FLAMEGRAPH_H
#define EBREC_REPORT_FLAMEGRAPH_H

#include <stdio.h>

struct stacktree;

/* Writes t as an interactive SVG in path; 0, or 1 with the reason printed. */
int flamegraph_write(const char *path, const struct stacktree *t, const char *title,
		     const char *unit);

/*
 * A differential flame graph of t (stacktree_add_before()): frames as wide as the later
 * profile has them, red where they grew, blue where they shrank (by share of each profile's
 * total), as FlameGraph draws difffolded.pl's output. 0, or 1 with the reason printed.
 */
int flamegraph_write_diff(const char *path, const struct stacktree *t, const char *title,
			  const char *unit);

/* A frame's name in a folded line: ';' as ':', controls and bytes not UTF-8 as '?'. */
void folded_name(FILE *f, const char *s);
/* The same of the n bytes at s. */
void folded_name_n(FILE *f, const char *s, size_t n);

#endif
