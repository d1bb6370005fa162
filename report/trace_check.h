/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a reading command checks of a trace before its pass, so that it fails with the reason
 * instead of writing an empty view, export or diff: a family it needs that the trace did not
 * record, a --since/--until that selects nothing. `report`, `export` and `diff` say the same
 * thing the same way, "ebrec CMD: ..." where CMD is the label given.
 */
#ifndef EBREC_REPORT_TRACE_CHECK_H
#define EBREC_REPORT_TRACE_CHECK_H

#include "analyze/timewindow.h"
#include "report/trace_file.h"

/*
 * 1 (a runtime error, said) when the trace's META says it did not record family, which what
 * (a view's name) needs; 0 when it did, or when the trace's families are not known.
 */
int trace_check_family(const char *cmd, const char *what, const char *family,
		       const struct trace_peek *peek);

/*
 * 2 (a usage error, said) when since..until selects nothing of the trace: a window that ends
 * before it starts, or that lies wholly outside the recording; 0 otherwise (or when the
 * trace's start and end are not known before its pass).
 */
int trace_check_window(const char *cmd, const struct window_end *since,
		       const struct window_end *until, const struct trace_peek *peek);

#endif
