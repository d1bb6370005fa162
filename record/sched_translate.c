// SPDX-License-Identifier: GPL-2.0-only
/* The scheduler family's switch records into sched.switch events. */
#include "record/translate.h"

int sched_switch_translate(struct translate_ctx *ctx, const void *rec, size_t size)
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
	return translate_emit(ctx, EBR_EV_SCHED_SWITCH, &r->hdr, v);
}
