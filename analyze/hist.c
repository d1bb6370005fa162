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

void log2_slot_bounds(unsigned slot, uint64_t *low, uint64_t *high)
{
	*low = slot ? 1ull << slot : 0;
	*high = slot >= 63 ? UINT64_MAX : (1ull << (slot + 1)) - 1;
}
