// SPDX-License-Identifier: GPL-2.0-only
/* The process family's fork, exec and exit records into proc.* events. */
#include <string.h>
#include "record/translate.h"

int proc_fork_translate(struct translate_ctx *ctx, const void *rec, size_t size)
{
	const struct ebr_rec_proc_fork *r = rec;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	char comm[EBR_COMM_LEN + 1];

	v[EBR_F_PROC_FORK_PID].u = r->pid;
	v[EBR_F_PROC_FORK_TID].u = r->tid;
	v[EBR_F_PROC_FORK_CHILD_PID].u = r->child_pid;
	v[EBR_F_PROC_FORK_UID].u = r->uid;
	v[EBR_F_PROC_FORK_COMM].s = family_kstr(comm, r->comm, EBR_COMM_LEN);
	return translate_emit(ctx, EBR_EV_PROC_FORK, &r->hdr, v);
}

int proc_exec_translate(struct translate_ctx *ctx, const void *rec, size_t size)
{
	const struct ebr_rec_proc_exec *r = rec;
	size_t data = size - offsetof(struct ebr_rec_proc_exec, data);
	size_t fname_len = r->filename_len, args_len = r->args_len, argc = 0, end = 0;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	char comm[EBR_COMM_LEN + 1], filename[EBR_PATH_MAX + 1], args[EBR_EXEC_DATA + 1];
	uint64_t flags = r->flags;

	/* the kernel side bounds both; a record that disagrees with its size is cut to it */
	if (fname_len > data)
		fname_len = data;
	if (args_len > data - fname_len)
		args_len = data - fname_len;
	family_kstr(filename, r->data, fname_len);
	/* whole arguments only, at most EBR_EXEC_MAX_ARGS of them, as bcc's execsnoop */
	memcpy(args, r->data + fname_len, args_len);
	for (size_t i = 0; i < args_len && argc < EBR_EXEC_MAX_ARGS; i++)
		if (!args[i]) {
			argc++;
			end = i + 1;
		}
	if (end < args_len)
		flags |= argc == EBR_EXEC_MAX_ARGS ? EBR_EXEC_MORE_ARGS : EBR_EXEC_ARG_CUT;
	if (end < args_len && argc < EBR_EXEC_MAX_ARGS) /* keep the cut argument, terminated */
		args[args_len] = 0, end = args_len + 1;
	v[EBR_F_PROC_EXEC_PID].u = r->pid;
	v[EBR_F_PROC_EXEC_TID].u = r->tid;
	v[EBR_F_PROC_EXEC_PPID].u = r->ppid;
	v[EBR_F_PROC_EXEC_UID].u = r->uid;
	v[EBR_F_PROC_EXEC_COMM].s = family_kstr(comm, r->comm, EBR_COMM_LEN);
	v[EBR_F_PROC_EXEC_RET].u = (uint64_t)(int64_t)r->ret;
	v[EBR_F_PROC_EXEC_FILENAME].s = filename;
	v[EBR_F_PROC_EXEC_ARGS].s = args;
	v[EBR_F_PROC_EXEC_ARGS].len = (uint32_t)end;
	v[EBR_F_PROC_EXEC_FLAGS].u = flags;
	v[EBR_F_PROC_EXEC_LAT_NS].u = r->lat_ns;
	return translate_emit(ctx, EBR_EV_PROC_EXEC, &r->hdr, v);
}

int proc_exit_translate(struct translate_ctx *ctx, const void *rec, size_t size)
{
	const struct ebr_rec_proc_exit *r = rec;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	char comm[EBR_COMM_LEN + 1];

	v[EBR_F_PROC_EXIT_PID].u = r->pid;
	v[EBR_F_PROC_EXIT_TID].u = r->tid;
	v[EBR_F_PROC_EXIT_PPID].u = r->ppid;
	v[EBR_F_PROC_EXIT_COMM].s = family_kstr(comm, r->comm, EBR_COMM_LEN);
	v[EBR_F_PROC_EXIT_CODE].u = r->code;
	v[EBR_F_PROC_EXIT_START_NS].u = r->start_ns;
	v[EBR_F_PROC_EXIT_FLAGS].u = r->flags;
	return translate_emit(ctx, EBR_EV_PROC_EXIT, &r->hdr, v);
}
