// SPDX-License-Identifier: GPL-2.0-only
/* biosnoop: one row per completed I/O (the report times it as every row view: ebrec-report(1)). */
#include <string.h>
#include "analyze/block.h"

int biosnoop_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct biosnoop *s = self;
	struct biosnoop_row row;

	if (ev->type != EBR_EV_BLOCK_RQ ||
	    !proc_filter_match(&s->who, ev->v[EBR_F_BLOCK_RQ_PID].u, ev->v[EBR_F_BLOCK_RQ_COMM].s))
		return 0;
	block_disk_name(r, ev->v[EBR_F_BLOCK_RQ_DEV].u, row.disk, sizeof(row.disk));
	if (s->disk && strcmp(s->disk, row.disk))
		return 0;
	row.ts_ns = ev->ts;
	row.comm = ev->v[EBR_F_BLOCK_RQ_COMM].s ? ev->v[EBR_F_BLOCK_RQ_COMM].s : "";
	row.pid = ev->v[EBR_F_BLOCK_RQ_PID].u;
	block_rwbs(ev->v[EBR_F_BLOCK_RQ_FLAGS].u, row.rwbs);
	row.sector = ev->v[EBR_F_BLOCK_RQ_SECTOR].u;
	row.bytes = ev->v[EBR_F_BLOCK_RQ_BYTES].u;
	row.queue_ns = ev->v[EBR_F_BLOCK_RQ_QUEUE_NS].u;
	/* bcc's biosnoop: LAT is the device's time with or without -Q, which adds QUE */
	row.lat_ns = ev->v[EBR_F_BLOCK_RQ_LAT_NS].u;
	row.error = ebr_value_s64(&ev->v[EBR_F_BLOCK_RQ_ERROR]);
	s->rows++;
	return s->emit(s->ctx, &row);
}
