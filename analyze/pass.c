// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include "analyze/pass.h"

uint64_t trace_start_ns(const struct ebr_reader *r)
{
	const char *s = ebr_reader_meta(r, "clock.start.monotonic_ns");

	return s ? strtoull(s, NULL, 10) : 0;
}

int analyze_pass(struct ebr_reader *r, const struct analyzer *an, size_t n)
{
	const struct ebr_event *ev;
	int ret;

	while ((ret = ebr_reader_next(r, &ev)) > 0)
		for (size_t i = 0; i < n; i++) {
			int err = an[i].on_event ? an[i].on_event(an[i].self, r, ev) : 0;

			if (err)
				return err;
		}
	return ret;
}
