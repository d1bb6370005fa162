// SPDX-License-Identifier: GPL-2.0-only
/*
 * fsslower: reads, writes and syncs (file.slow) and opens (file.open) of regular files that
 * took at least -m, on the chosen file system.
 */
#include <string.h>
#include "analyze/file.h"

static bool fs_wanted(const struct fsslower *s, const char *fstype, bool on_bdev)
{
	return s->fstype ? !strcmp(s->fstype, fstype) : on_bdev;
}

int fsslower_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct fsslower *s = self;
	const struct ebr_value *v = ev->v;
	struct fsslower_row row;

	if (ev->type == EBR_EV_FILE_SLOW) {
		row.pid = (uint32_t)v[EBR_F_FILE_SLOW_PID].u;
		row.comm = v[EBR_F_FILE_SLOW_COMM].s;
		row.op = (char)v[EBR_F_FILE_SLOW_OP].u;
		row.bytes = ebr_value_s64(&v[EBR_F_FILE_SLOW_RET]);
		row.offset = v[EBR_F_FILE_SLOW_OFFSET].u;
		row.lat_ns = v[EBR_F_FILE_SLOW_LAT_NS].u;
		row.fstype = v[EBR_F_FILE_SLOW_FSTYPE].s ? v[EBR_F_FILE_SLOW_FSTYPE].s : "";
		row.name = v[EBR_F_FILE_SLOW_NAME].s;
		/* the kernel recorded only what its own filter wanted: a block device's, or --fs */
		if (!fs_wanted(s, row.fstype, true))
			return 0;
		if (row.op == EBR_SLOW_SYNC)
			row.bytes = 0;
	} else if (ev->type == EBR_EV_FILE_OPEN) {
		const char *path, *slash;

		/* most opens are fast: the latency first, the path only for the slow ones */
		if (ebr_value_s64(&v[EBR_F_FILE_OPEN_RET]) < 0 ||
		    v[EBR_F_FILE_OPEN_LAT_NS].u < s->min_ns)
			return 0;
		path = v[EBR_F_FILE_OPEN_PATH].s ? v[EBR_F_FILE_OPEN_PATH].s : "";
		slash = strrchr(path, '/');
		row.pid = (uint32_t)v[EBR_F_FILE_OPEN_PID].u;
		row.comm = v[EBR_F_FILE_OPEN_COMM].s;
		row.op = 'O';
		row.bytes = 0;
		row.offset = 0;
		row.lat_ns = v[EBR_F_FILE_OPEN_LAT_NS].u;
		row.fstype = v[EBR_F_FILE_OPEN_FSTYPE].s ? v[EBR_F_FILE_OPEN_FSTYPE].s : "";
		row.name = slash ? slash + 1 : path;
		if (!fs_wanted(s, row.fstype, v[EBR_F_FILE_OPEN_FS_FLAGS].u & EBR_FS_BDEV))
			return 0;
	} else {
		return 0;
	}
	if (row.lat_ns < s->min_ns || !proc_filter_match(&s->who, row.pid, row.comm))
		return 0;
	row.comm = row.comm ? row.comm : "";
	row.name = row.name ? row.name : "";
	row.ts_ns = ev->ts;
	s->rows++;
	return s->emit(s->ctx, &row);
}
