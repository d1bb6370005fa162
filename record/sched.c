// SPDX-License-Identifier: GPL-2.0-only
/* The scheduler family on the record side: its programs and the translation of switches. */
#include "format/array_size.h"
#include "record/family.h"
#include "record/record.h"

static const struct family_prog sched_progs[] = {
	{ "sched:sched_wakeup", false, "sched_wakeup" },
	{ "sched:sched_wakeup_new", false, "sched_wakeup_new" },
	{ "sched:sched_switch", false, "sched_switch" },
};

static const struct family_probe sched_probes[] = {
	{ EBR_PROBE_SCHED_SWITCH, "sched/switch" },
};

const struct family sched_family = {
	.name = "sched",
	.desc = "scheduler: every context switch, with the run-queue wait of the task switched "
		"in, the time on CPU of the one switched out and the time off CPU of the one in",
	.views = "runqlat cpudist",
	.progs = sched_progs,
	.nprogs = ARRAY_SIZE(sched_progs),
	.probes = sched_probes,
	.nprobes = ARRAY_SIZE(sched_probes),
};

int sched_switch_translate(struct ebr_writer *w, const void *rec, size_t size)
{
	const struct ebr_rec_sched_switch *r = rec;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	char prev_comm[EBR_COMM_LEN + 1], next_comm[EBR_COMM_LEN + 1];

	v[EBR_F_SCHED_SWITCH_PREV_PID].u = r->prev_pid;
	v[EBR_F_SCHED_SWITCH_PREV_TID].u = r->prev_tid;
	v[EBR_F_SCHED_SWITCH_PREV_COMM].s = family_kstr(prev_comm, r->prev_comm, EBR_COMM_LEN);
	v[EBR_F_SCHED_SWITCH_NEXT_PID].u = r->next_pid;
	v[EBR_F_SCHED_SWITCH_NEXT_TID].u = r->next_tid;
	v[EBR_F_SCHED_SWITCH_NEXT_COMM].s = family_kstr(next_comm, r->next_comm, EBR_COMM_LEN);
	v[EBR_F_SCHED_SWITCH_PREV_STATE].u = r->prev_state;
	v[EBR_F_SCHED_SWITCH_FLAGS].u = r->flags;
	v[EBR_F_SCHED_SWITCH_RUNQ_NS].u = r->runq_ns;
	v[EBR_F_SCHED_SWITCH_ONCPU_NS].u = r->oncpu_ns;
	v[EBR_F_SCHED_SWITCH_OFFCPU_NS].u = r->offcpu_ns;
	return ebr_writer_event(w, EBR_EV_SCHED_SWITCH, r->hdr.ts, r->hdr.cpu, v);
}
