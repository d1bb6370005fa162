/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Power-of-two histograms as bcc's tools build them: slot 0 holds 0 and 1, slot i >= 1
 * holds [2^i, 2^(i+1) - 1]. Beside them, the same values in nanoseconds at a finer grain,
 * for percentiles: a power-of-two slot cut into 16 equal parts, so a percentile is off by at
 * most 1/32 of its value (half a part), whatever the range.
 */
#ifndef EBREC_ANALYZE_HIST_H
#define EBREC_ANALYZE_HIST_H

#include <stdint.h>

#define LOG2_HIST_SLOTS 64
#define QUANTILE_SUB_BITS 4
#define QUANTILE_SUBS (1u << QUANTILE_SUB_BITS)

struct quantiles {
	uint64_t part[LOG2_HIST_SLOTS][QUANTILE_SUBS];
	uint64_t count, min, max;
	unsigned __int128 sum;
};

struct log2_hist {
	uint64_t slot[LOG2_HIST_SLOTS]; /* in the view's unit */
	uint64_t total;
	struct quantiles ns; /* the same values in ns */
};

unsigned log2_slot(uint64_t v);
void log2_hist_add(struct log2_hist *h, uint64_t v);
/* ns into the quantiles and ns / unit_ns into the slots */
void log2_hist_add_ns(struct log2_hist *h, uint64_t ns, uint64_t unit_ns);
/* slot bounds as bcc prints them: "0 -> 1", "2 -> 3", ... */
void log2_slot_bounds(unsigned slot, uint64_t *low, uint64_t *high);

void quantiles_add(struct quantiles *q, uint64_t v);
/* The value below which a share q (0..1) of the values lie: the middle of its part, clamped
 * to the least and greatest value seen; 0 when empty. */
uint64_t quantiles_value(const struct quantiles *q, double share);
uint64_t quantiles_mean(const struct quantiles *q);

#endif
