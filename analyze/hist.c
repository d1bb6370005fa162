// SPDX-License-Identifier: GPL-2.0-only
#include "analyze/hist.h"

unsigned log2_slot(uint64_t v)
{
	return v ? 63u - (unsigned)__builtin_clzll(v) : 0;
}

void log2_hist_add(struct log2_hist *h, uint64_t v)
{
	h->slot[log2_slot(v)]++;
	h->total++;
}

void log2_hist_add_ns(struct log2_hist *h, uint64_t ns, uint64_t unit_ns)
{
	log2_hist_add(h, ns / unit_ns);
	quantiles_add(&h->ns, ns);
}

void log2_slot_bounds(unsigned slot, uint64_t *low, uint64_t *high)
{
	*low = slot ? 1ull << slot : 0;
	*high = slot >= 63 ? UINT64_MAX : (1ull << (slot + 1)) - 1;
}

/* Below 2^QUANTILE_SUB_BITS a part is one value wide; above, 2^(slot - QUANTILE_SUB_BITS). */
static void part_of(uint64_t v, unsigned *slot, unsigned *sub)
{
	*slot = log2_slot(v);
	*sub = *slot < QUANTILE_SUB_BITS ? (unsigned)(v & (QUANTILE_SUBS - 1))
					 : (unsigned)(v >> (*slot - QUANTILE_SUB_BITS)) & (QUANTILE_SUBS - 1);
}

static uint64_t part_middle(unsigned slot, unsigned sub)
{
	unsigned shift = slot - QUANTILE_SUB_BITS;

	if (slot < QUANTILE_SUB_BITS)
		return sub;
	return ((uint64_t)(QUANTILE_SUBS | sub) << shift) + ((1ull << shift) >> 1);
}

void quantiles_add(struct quantiles *q, uint64_t v)
{
	unsigned slot, sub;

	part_of(v, &slot, &sub);
	q->part[slot][sub]++;
	if (!q->count || v < q->min)
		q->min = v;
	if (v > q->max)
		q->max = v;
	q->count++;
	q->sum += v;
}

uint64_t quantiles_value(const struct quantiles *q, double share)
{
	uint64_t rank, seen = 0, v;

	if (!q->count)
		return 0;
	if (share <= 0)
		return q->min;
	if (share >= 1)
		return q->max;
	/* the smallest value with at least share of all at or below it (nearest rank) */
	rank = (uint64_t)(share * (double)q->count);
	if ((double)rank < share * (double)q->count)
		rank++;
	for (unsigned slot = 0; slot < LOG2_HIST_SLOTS; slot++)
		for (unsigned sub = 0; sub < QUANTILE_SUBS; sub++) {
			seen += q->part[slot][sub];
			if (seen < rank)
				continue;
			v = part_middle(slot, sub);
			return v < q->min ? q->min : v > q->max ? q->max : v;
		}
	return q->max;
}

uint64_t quantiles_mean(const struct quantiles *q)
{
	return q->count ? (uint64_t)(q->sum / q->count) : 0;
}
