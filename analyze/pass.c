// SPDX-License-Identifier: GPL-2.0-only
#include "analyze/pass.h"

int analyze_pass(struct ebr_reader *r, const struct analyzer *an, size_t n)
{
	const struct ebr_event *ev;
	int ret;

	while ((ret = ebr_reader_next(r, &ev)) > 0)
		for (size_t i = 0; i < n; i++) {
			int err = an[i].on_event(an[i].self, r, ev);

			if (err)
				return err;
		}
	return ret;
}
