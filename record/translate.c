// SPDX-License-Identifier: GPL-2.0-only
/* The table of the ring-buffer records the families emit, and the error boundary to format/. */
#include <errno.h>
#include "format/array_size.h"
#include "record/proctable.h"
#include "record/translate.h"
#include "record/trigger.h"

const struct record_kind record_kinds[] = {
	{ EBR_REC_BLOCK_RQ, sizeof(struct ebr_rec_block_rq), 0, EBR_PROBE_BLOCK_RQ,
	  block_translate },
	{ EBR_REC_PROC_FORK, sizeof(struct ebr_rec_proc_fork), 0, EBR_PROBE_PROC_FORK,
	  proc_fork_translate },
	{ EBR_REC_PROC_EXEC, offsetof(struct ebr_rec_proc_exec, data),
	  sizeof(struct ebr_rec_proc_exec), EBR_PROBE_PROC_EXEC, proc_exec_translate },
	/* a process's last thread: with its title (struct ebr_rec_proc_exit_title) */
	{ EBR_REC_PROC_EXIT, sizeof(struct ebr_rec_proc_exit),
	  sizeof(struct ebr_rec_proc_exit_title), EBR_PROBE_PROC_EXIT, proc_exit_translate },
	{ EBR_REC_PROC_CGROUP, sizeof(struct ebr_rec_proc_cgroup), 0, EBR_PROBE_PROC_CGROUP,
	  proc_cgroup_translate },
	{ EBR_REC_FILE_OPEN, offsetof(struct ebr_rec_file_open, path),
	  sizeof(struct ebr_rec_file_open), EBR_PROBE_FILE_OPEN, file_open_translate },
	{ EBR_REC_FILE_SLOW, sizeof(struct ebr_rec_file_slow), 0, EBR_PROBE_FILE_SLOW,
	  file_slow_translate },
	{ EBR_REC_TCP_STATE, sizeof(struct ebr_rec_tcp), 0, EBR_PROBE_TCP_STATE, tcp_translate },
	{ EBR_REC_TCP_ACCEPT, sizeof(struct ebr_rec_tcp), 0, EBR_PROBE_TCP_ACCEPT, tcp_translate },
	{ EBR_REC_TCP_RETRANS, sizeof(struct ebr_rec_tcp), 0, EBR_PROBE_TCP_RETRANS,
	  tcp_translate },
	{ EBR_REC_TCP_RESET, sizeof(struct ebr_rec_tcp), 0, EBR_PROBE_TCP_RESET, tcp_translate },
	{ EBR_REC_SCHED_SWITCH, sizeof(struct ebr_rec_sched_switch), 0, EBR_PROBE_SCHED_SWITCH,
	  sched_switch_translate },
	{ EBR_REC_PROFILE, offsetof(struct ebr_rec_stack, frames), sizeof(struct ebr_rec_stack),
	  EBR_PROBE_PROFILE, stack_translate },
	{ EBR_REC_OFFCPU, offsetof(struct ebr_rec_stack, frames), sizeof(struct ebr_rec_stack),
	  EBR_PROBE_OFFCPU, stack_translate },
	{ EBR_REC_PROFILE_COPY, offsetof(struct ebr_rec_stack_copy, data),
	  sizeof(struct ebr_rec_stack_copy), EBR_PROBE_PROFILE, stack_copy_translate },
	{ EBR_REC_OFFCPU_COPY, offsetof(struct ebr_rec_stack_copy, data),
	  sizeof(struct ebr_rec_stack_copy), EBR_PROBE_OFFCPU, stack_copy_translate },
	/* probe: EBR_PROBE_GENERIC_BASE + the record's own probe (record_probe()) */
	{ EBR_REC_GENERIC, offsetof(struct ebr_rec_generic, data), sizeof(struct ebr_rec_generic),
	  EBR_PROBE_GENERIC_BASE, generic_translate },
};
const size_t nrecord_kinds = ARRAY_SIZE(record_kinds);

const struct record_kind *record_kind_find(uint16_t type)
{
	/*
	 * The kind found last, per thread (the drain's and the writer's): in a storm every
	 * record is of one kind, and the search through the table for the generic records,
	 * its last row, was 7% of the recorder's CPU.
	 */
	static _Thread_local const struct record_kind *last;

	if (last && last->type == type)
		return last;
	for (size_t i = 0; i < nrecord_kinds; i++)
		if (record_kinds[i].type == type)
			return last = &record_kinds[i];
	return NULL;
}

uint32_t record_probe(const struct record_kind *k, const void *rec, size_t size)
{
	const struct ebr_rec_generic *g = rec;

	if (k->type != EBR_REC_GENERIC)
		return k->probe;
	if (size < offsetof(struct ebr_rec_generic, data) || g->probe >= EBR_GENERIC_MAX)
		return EBR_PROBE_MAX; /* no probe's */
	return EBR_PROBE_GENERIC_BASE + g->probe;
}

int translate_emit(struct translate_ctx *ctx, uint32_t type, const struct ebr_rec_hdr *h,
		   const struct ebr_value *v)
{
	int err = errno_of_ebr(ebr_writer_event(ctx->writer, type, h->ts, h->cpu, v));

	if (!err && ctx->procs)
		err = proc_table_event(ctx->procs, type, h->ts, v);
	if (!err && ctx->trigger)
		trigger_event(ctx->trigger, type, h->ts, v);
	return err;
}

int errno_of_ebr(int ebr_err)
{
	switch (ebr_err) {
	case EBR_OK:
		return 0;
	case EBR_E_IO:
		return errno ? -errno : -EIO;
	case EBR_E_NOMEM:
		return -ENOMEM;
	case EBR_E_TOO_BIG:
		return -E2BIG;
	case EBR_E_INVALID:
		return -EINVAL;
	default: /* compression failed, or the writer found its own state inconsistent */
		return -EIO;
	}
}
