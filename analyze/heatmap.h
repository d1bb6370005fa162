/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A latency heat map (time x latency, as in Gregg's latency heat maps): counts per column of
 * time and per log2 row of nanoseconds, so that the HTML page shows when a latency spiked in
 * one look. The columns start at 10 ms; when a trace is longer than HEATMAP_MAX_COLUMNS of them,
 * neighbouring columns merge and the width doubles, so its memory is fixed whatever the
 * trace's length: HEATMAP_MAX_COLUMNS x HEATMAP_ROWS counts.
 */
#ifndef EBREC_ANALYZE_HEATMAP_H
#define EBREC_ANALYZE_HEATMAP_H

#include <stdint.h>

#define HEATMAP_MAX_COLUMNS 512
#define HEATMAP_ROWS 40 /* log2 of ns: up to 2^40 ns, 18 minutes; longer counts in the top row */

struct heatmap {
	uint64_t origin_ns; /* column 0 starts here (set before the first add) */
	uint64_t column_ns; /* 10 ms, doubled as the trace outgrows the columns */
	uint32_t (*cells)[HEATMAP_ROWS]; /* HEATMAP_MAX_COLUMNS columns, made at the first add */
	uint32_t ncolumns; /* columns up to the last one with a value */
};

/* ns measured at ts (CLOCK_MONOTONIC, >= origin_ns). 0 or EBR_E_NOMEM. */
int heatmap_add(struct heatmap *h, uint64_t ts, uint64_t ns);
void heatmap_release(struct heatmap *h);

#endif
