// SPDX-License-Identifier: GPL-2.0-only
/* Time x latency counts (heatmap.h). */
#include <string.h>
#include "analyze/heatmap.h"
#include "analyze/hist.h"
#include "format/ebr.h"
#include "format/mem.h"

/* Two columns into one, the width doubled: what a trace longer than the columns costs. */
static void halve(struct heatmap *h)
{
	for (uint32_t c = 0; c < HEATMAP_MAX_COLUMNS / 2; c++)
		for (unsigned r = 0; r < HEATMAP_ROWS; r++) {
			uint64_t sum = (uint64_t)h->cells[2 * c][r] + h->cells[2 * c + 1][r];

			h->cells[c][r] = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
		}
	memset(h->cells[HEATMAP_MAX_COLUMNS / 2], 0,
	       HEATMAP_MAX_COLUMNS / 2 * sizeof(h->cells[0]));
	h->ncolumns = (h->ncolumns + 1) / 2;
	h->column_ns *= 2;
}

int heatmap_add(struct heatmap *h, uint64_t ts, uint64_t ns)
{
	uint64_t col;
	unsigned row = log2_slot(ns);

	if (!h->cells) {
		h->cells = ebr_calloc(HEATMAP_MAX_COLUMNS, sizeof(h->cells[0]));
		if (!h->cells)
			return EBR_E_NOMEM;
		h->column_ns = 10000000ull;
	}
	col = ts > h->origin_ns ? (ts - h->origin_ns) / h->column_ns : 0;
	/* a hostile timestamp far in the future halves at most 64 times */
	while (col >= HEATMAP_MAX_COLUMNS && h->column_ns <= UINT64_MAX / 2) {
		halve(h);
		col = (ts - h->origin_ns) / h->column_ns;
	}
	if (col >= HEATMAP_MAX_COLUMNS)
		col = HEATMAP_MAX_COLUMNS - 1;
	if (row >= HEATMAP_ROWS)
		row = HEATMAP_ROWS - 1;
	if (h->cells[col][row] < UINT32_MAX)
		h->cells[col][row]++;
	if (col >= h->ncolumns)
		h->ncolumns = (uint32_t)col + 1;
	return 0;
}

void heatmap_release(struct heatmap *h)
{
	ebr_free(h->cells);
	memset(h, 0, sizeof(*h));
}
