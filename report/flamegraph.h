/* SPDX-License-Identifier: GPL-2.0-only */
/* `profile --svg` and `offcputime --svg`: a stack tree as one interactive SVG file. */
#ifndef EBREC_REPORT_FLAMEGRAPH_H
#define EBREC_REPORT_FLAMEGRAPH_H

struct stacktree;

/* Writes t as an interactive SVG in path; 0, or 1 with the reason printed. */
int flamegraph_write(const char *path, const struct stacktree *t, const char *title,
		     const char *unit);

#endif
