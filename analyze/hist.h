/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Power-of-two histograms as bcc's tools build them: slot 0 holds 0 and 1, slot i >= 1
 * holds [2^i, 2^(i+1) - 1].
 */
#ifndef EBREC_ANALYZE_HIST_H
#define EBREC_ANALYZE_HIST_H

#include <stdint.h>

#define LOG2_HIST_SLOTS 64

struct log2_hist {
	uint64_t slot[LOG2_HIST_SLOTS];
	uint64_t total;
};

unsigned log2_slot(uint64_t v);
void log2_hist_add(struct log2_hist *h, uint64_t v);
/* slot bounds as bcc prints them: "0 -> 1", "2 -> 3", ... */
void log2_slot_bounds(unsigned slot, uint64_t *low, uint64_t *high);

#endif
