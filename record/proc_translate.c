// SPDX-License-Identifier: GPL-2.0-only
/*
 * The process family's fork, exec, exit and cgroup records into proc.* events. A fork or an
 * exec in a cgroup the trace has not named yet is followed by a proc.cgroup that names it
 * (FORMAT.md "Cgroups"): the records carry the cgroup's id only, its path is the recorder's
 * to find. The exit of a process's last thread carries its argument memory: a proc.title
 * precedes its proc.exit when that differs from the arguments the process table holds.
 */
#include <string.h>
#include "format/container.h"
#include "format/title.h"
#include "record/cgroup.h"
#include "record/proctable.h"
#include "record/translate.h"

/* proc.cgroup: pid's thread tid is in the cgroup of this id and path, for this reason */
static int emit_cgroup(struct translate_ctx *ctx, const struct ebr_rec_hdr *h, uint32_t pid,
		       uint32_t tid, const char *comm, uint64_t id, const char *path,
		       uint64_t reason)
{
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	char container[EBR_CONTAINER_ID_LEN + 1];

	ebr_container_id(path, strlen(path), container);
	v[EBR_F_PROC_CGROUP_PID].u = pid;
	v[EBR_F_PROC_CGROUP_TID].u = tid;
	v[EBR_F_PROC_CGROUP_COMM].s = comm;
	v[EBR_F_PROC_CGROUP_CGROUP_ID].u = id;
	v[EBR_F_PROC_CGROUP_CGROUP].s = path;
	v[EBR_F_PROC_CGROUP_CONTAINER].s = container;
	v[EBR_F_PROC_CGROUP_REASON].u = reason;
	return translate_emit(ctx, EBR_EV_PROC_CGROUP, h, v);
}

/* After a fork or exec into cgroup id: names it if the trace has not yet. */
static int name_cgroup(struct translate_ctx *ctx, const struct ebr_rec_hdr *h, uint32_t pid,
		       uint32_t tid, const char *comm, uint64_t id)
{
	char path[4096];

	if (!id || !ctx->cgroups || !cgroup_names_first(ctx->cgroups, id))
		return 0;
	cgroup_path_of_id(ctx->cgroups, id, path, sizeof(path)); /* "" if it is gone */
	return emit_cgroup(ctx, h, pid, tid, comm, id, path, EBR_CGROUP_NAMED);
}

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
	v[EBR_F_PROC_FORK_CGROUP_ID].u = r->cgroup_id;
	return translate_emit(ctx, EBR_EV_PROC_FORK, &r->hdr, v) ?:
	       name_cgroup(ctx, &r->hdr, r->child_pid, r->child_pid, comm, r->cgroup_id);
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
	v[EBR_F_PROC_EXEC_CGROUP_ID].u = r->cgroup_id;
	return translate_emit(ctx, EBR_EV_PROC_EXEC, &r->hdr, v) ?:
	       name_cgroup(ctx, &r->hdr, r->pid, r->tid, comm, r->cgroup_id);
}

int proc_title_emit(struct ebr_writer *w, const struct proc_table *procs, uint64_t ts,
		    uint32_t cpu, uint64_t pid, const char *comm, const char *cmdline, size_t len,
		    uint64_t reason, uint64_t flags)
{
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	char title[EBR_TITLE_MAX + 1];
	const char *args;
	size_t args_len;
	bool cut;

	ebr_title_of(cmdline, len, title, &cut);
	if (!title[0])
		return 0;
	if (cut)
		flags |= EBR_TITLE_CUT;
	/* a process the table does not know: the trace holds no arguments to tell it by */
	if (procs && proc_table_args(procs, pid, &args, &args_len) &&
	    ebr_title_is_args(title, flags & EBR_TITLE_CUT, args, args_len, EBR_EXEC_MAX_ARGS))
		return 0;
	v[EBR_F_PROC_TITLE_PID].u = pid;
	v[EBR_F_PROC_TITLE_COMM].s = comm;
	v[EBR_F_PROC_TITLE_TITLE].s = title;
	v[EBR_F_PROC_TITLE_REASON].u = reason;
	v[EBR_F_PROC_TITLE_FLAGS].u = flags;
	return errno_of_ebr(ebr_writer_event(w, EBR_EV_PROC_TITLE, ts, cpu, v));
}

int proc_exit_translate(struct translate_ctx *ctx, const void *rec, size_t size)
{
	const struct ebr_rec_proc_exit *r = rec;
	const struct ebr_rec_proc_exit_title *t = rec;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	char comm[EBR_COMM_LEN + 1];
	int err = 0;

	family_kstr(comm, r->comm, EBR_COMM_LEN);
	/* before the exit, which takes the process out of the table */
	if (size >= sizeof(*t) && (r->flags & EBR_EXIT_GROUP_DEAD) && t->title_len)
		err = proc_title_emit(ctx->writer, ctx->procs, r->hdr.ts, r->hdr.cpu, r->pid, comm,
				      t->title, t->title_len < EBR_TITLE_MAX ? t->title_len
									  : EBR_TITLE_MAX,
				      EBR_TITLE_AT_EXIT, t->title_flags & EBR_TITLE_CUT);
	if (err)
		return err;
	v[EBR_F_PROC_EXIT_PID].u = r->pid;
	v[EBR_F_PROC_EXIT_TID].u = r->tid;
	v[EBR_F_PROC_EXIT_PPID].u = r->ppid;
	v[EBR_F_PROC_EXIT_COMM].s = comm;
	v[EBR_F_PROC_EXIT_CODE].u = r->code;
	v[EBR_F_PROC_EXIT_START_NS].u = r->start_ns;
	v[EBR_F_PROC_EXIT_FLAGS].u = r->flags;
	return translate_emit(ctx, EBR_EV_PROC_EXIT, &r->hdr, v);
}

int proc_cgroup_translate(struct translate_ctx *ctx, const void *rec, size_t size)
{
	const struct ebr_rec_proc_cgroup *r = rec;
	char comm[EBR_COMM_LEN + 1], path[EBR_CGROUP_PATH_MAX + 1];

	family_kstr(comm, r->comm, EBR_COMM_LEN);
	family_kstr(path, r->path, EBR_CGROUP_PATH_MAX);
	if (ctx->cgroups) /* named here: a fork into it later needs no name of its own */
		cgroup_names_first(ctx->cgroups, r->cgroup_id);
	return emit_cgroup(ctx, &r->hdr, r->pid, r->tid, comm, r->cgroup_id, path,
			   EBR_CGROUP_MOVED);
}
