// SPDX-License-Identifier: GPL-2.0-only
/* opensnoop: one row per open, with the path made whole from the process table. */
#include <string.h>
#include "analyze/file.h"

int opensnoop_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct opensnoop *s = self;
	const struct ebr_value *v = ev->v;
	const struct proc_entry *e;
	struct opensnoop_row row;
	int64_t ret;

	if (ev->type != EBR_EV_FILE_OPEN)
		return 0;
	ret = ebr_value_s64(&v[EBR_F_FILE_OPEN_RET]);
	row.pid = (uint32_t)v[EBR_F_FILE_OPEN_PID].u;
	row.comm = v[EBR_F_FILE_OPEN_COMM].s ? v[EBR_F_FILE_OPEN_COMM].s : "";
	if ((s->failed_only && ret >= 0) || !proc_filter_match(&s->who, row.pid, row.comm) ||
	    (s->name && !strstr(row.comm, s->name)))
		return 0;
	row.ts_ns = ev->ts;
	row.tid = (uint32_t)v[EBR_F_FILE_OPEN_TID].u;
	row.fd = ret >= 0 ? ret : -1;
	row.err = ret >= 0 ? 0 : -ret;
	row.flags = v[EBR_F_FILE_OPEN_FLAGS].u;
	row.mode = v[EBR_F_FILE_OPEN_MODE].u;
	row.path = v[EBR_F_FILE_OPEN_PATH].s ? v[EBR_F_FILE_OPEN_PATH].s : "";
	row.abspath = s->procs ? proctable_abspath(s->procs, row.pid,
						  ebr_value_s64(&v[EBR_F_FILE_OPEN_DIRFD]),
						  row.path, s->abspath, sizeof(s->abspath))
			       : row.path;
	e = s->procs ? proctable_find(s->procs, row.pid) : NULL;
	row.args = "";
	if (s->want_args && e && e->args)
		row.args = proc_args_join(e->args, e->args_len, e->args_cut, s->args,
					  sizeof(s->args));
	s->rows++;
	return s->emit(s->ctx, &row);
}
