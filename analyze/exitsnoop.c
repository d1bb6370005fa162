// SPDX-License-Identifier: GPL-2.0-only
/* exitsnoop: one row per process exit (per thread with --per-thread), with its age. */
#include "analyze/proc.h"

int exitsnoop_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct exitsnoop *s = self;
	const struct ebr_value *v = ev->v;
	const struct proc_entry *e;
	struct exitsnoop_row row;
	uint64_t start;

	if (ev->type != EBR_EV_PROC_EXIT)
		return 0;
	/* a process ends with its last thread, whichever thread that is */
	if (!s->per_thread && !(v[EBR_F_PROC_EXIT_FLAGS].u & EBR_EXIT_GROUP_DEAD))
		return 0;
	row.pid = (uint32_t)v[EBR_F_PROC_EXIT_PID].u;
	row.code = v[EBR_F_PROC_EXIT_CODE].u;
	row.comm = v[EBR_F_PROC_EXIT_COMM].s ? v[EBR_F_PROC_EXIT_COMM].s : "";
	if ((s->failed_only && row.code == 0) || !proc_filter_match(&s->who, row.pid, row.comm))
		return 0;
	row.tid = (uint32_t)v[EBR_F_PROC_EXIT_TID].u;
	row.ppid = (uint32_t)v[EBR_F_PROC_EXIT_PPID].u;
	start = v[EBR_F_PROC_EXIT_START_NS].u;
	/* the process's age, not its last thread's */
	e = s->procs && !s->per_thread ? proctable_find(s->procs, row.pid) : NULL;
	if (e && e->known_start && e->start_ns < start)
		start = e->start_ns;
	row.age_ns = ev->ts > start ? ev->ts - start : 0;
	row.ts_ns = ev->ts;
	s->rows++;
	return s->emit(s->ctx, &row);
}
