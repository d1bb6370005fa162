// SPDX-License-Identifier: GPL-2.0-only
/* Percentiles per interval (latseries.h). */
#include <stdlib.h>
#include <string.h>
#include "analyze/grow.h"
#include "analyze/latseries.h"
#include "format/ebr.h"
#include "format/mem.h"

int latseries_add(struct latseries *s, uint64_t ts, uint64_t ns)
{
	uint64_t k;

	if (!s->origin_ns)
		s->origin_ns = ts;
	k = ts > s->origin_ns ? (ts - s->origin_ns) / s->interval_ns : 0;
	if (k >= LATSERIES_MAX_INTERVALS) {
		s->dropped++;
		return 0;
	}
	while (s->len <= k) {
		struct quantiles *q = grow_array(s->iv, s->len, &s->cap, sizeof(*q));

		if (!q)
			return EBR_E_NOMEM;
		s->iv = q;
		memset(&s->iv[s->len++], 0, sizeof(*q));
	}
	quantiles_add(&s->iv[k], ns);
	return 0;
}

void latseries_release(struct latseries *s)
{
	ebr_free(s->iv);
	memset(s, 0, sizeof(*s));
}
