/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A latency's percentiles per interval (`biolatency --interval 1`: p50, p90, p99, max and
 * count each second): one set of quantiles (hist.h) an interval, every interval from the
 * first to the last, empty ones included, so that a change shows in the second it happened.
 */
#ifndef EBREC_ANALYZE_LATSERIES_H
#define EBREC_ANALYZE_LATSERIES_H

#include <stdint.h>
#include "analyze/hist.h"

/* intervals a series holds (a 4.5-hour trace at 1 s); later values count in dropped */
#define LATSERIES_MAX_INTERVALS (1u << 14)

struct latseries {
	uint64_t interval_ns; /* > 0 */
	uint64_t origin_ns;   /* interval 0 starts here; 0: at the first value added */
	struct quantiles *iv; /* iv[i]: the values of [origin + i * interval, + interval) */
	uint32_t len, cap;
	uint64_t dropped;
};

/* ns, measured at ts (CLOCK_MONOTONIC), into its interval. 0 or EBR_E_NOMEM. */
int latseries_add(struct latseries *s, uint64_t ts, uint64_t ns);
void latseries_release(struct latseries *s);

#endif
