// SPDX-License-Identifier: GPL-2.0-only
/* The checks before a pass: report/trace_check.h. */
#include <stdio.h>
#include "analyze/pass.h"
#include "report/text.h"
#include "report/trace_check.h"
#include "report/view.h"

int trace_check_family(const char *cmd, const char *what, const char *family,
		       const struct trace_peek *peek)
{
	const char *fams = peek->known ? ebr_reader_meta(peek->tf.r, "record.families") : NULL;
	const struct view_family *fam;
	char safe[256];

	if (!fams || trace_family_recorded(peek->tf.r, family))
		return 0;
	fam = view_family_find(family);
	fprintf(stderr, "ebrec %s: %s needs the %s family, which this trace did not record "
			"(it recorded: %s); record with '-e %s' to see it\n",
		cmd, what, family, *fams ? text_safe(fams, safe, sizeof(safe)) : "none",
		fam && fam->record_with ? fam->record_with : family);
	return 1;
}

int trace_check_window(const char *cmd, const struct window_end *since,
		       const struct window_end *until, const struct trace_peek *peek)
{
	struct time_window w = { .since = *since, .until = *until };
	const struct ebr_reader *r = peek->tf.r;
	uint64_t start;
	char from[64];

	if ((since->kind == WINDOW_NONE && until->kind == WINDOW_NONE) || !peek->known)
		return 0; /* the trace's start and end are not known before the pass */
	start = trace_start_ns(r);
	time_window_resolve(&w, r);
	if (w.unanchored)
		return 0; /* said after the pass: the times of day are ignored */
	if (w.lo_ns > w.hi_ns) {
		fprintf(stderr, "ebrec %s: --since (%.3f s) is after --until (%.3f s): nothing "
				"to show\n", cmd, trace_seconds(r, w.lo_ns), trace_seconds(r, w.hi_ns));
		return 2;
	}
	if (!start || peek->end_ns < start)
		return 0;
	if (w.lo_ns <= peek->end_ns && (w.hi_ns == UINT64_MAX || w.hi_ns >= start))
		return 0;
	text_utc(ebr_reader_meta(r, "clock.start.realtime_ns"), from, sizeof(from));
	if (peek->end_ns == UINT64_MAX) /* a series whose last file's end is not known yet */
		fprintf(stderr, "ebrec %s: --since/--until select nothing: the recording starts "
				"at %s; give seconds from the start or times after it\n", cmd, from);
	else
		fprintf(stderr, "ebrec %s: --since/--until select nothing: the recording spans 0 "
				"to %.3f s (from %s); give seconds from the start or times within "
				"it\n", cmd, (double)(peek->end_ns - start) / 1e9, from);
	return 2;
}
