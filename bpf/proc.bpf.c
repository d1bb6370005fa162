// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Process family: new processes (sched_process_fork), execs with their arguments and exits
 * with their status (sched_process_exit), and moves between cgroups v2 (cgroup_attach_task).
 * record/proc.c adds a snapshot of the processes alive at the start.
 *
 * An exec is taken where it succeeds (sched_process_exec), its arguments from the new
 * program's stack. Only when -e names the family do the execve/execveat system call
 * tracepoints run too, adding failed execs and each exec's duration: any syscall tracepoint
 * puts every system call of every process on the kernel's tracing path (about 50 ns each,
 * docs/ARCHITECTURE.md "What recording costs"), more than the default's budget on a server.
 */
#include "common.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* An exec between entry and return, keyed by thread id; the value is the record itself. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* 8 KiB values: allocate only what is in flight */
	__type(key, __u32);
	__type(value, struct ebr_rec_proc_exec);
} proc_exec_pending SEC(".maps");

/* Set by record/proc.c: the execve/execveat programs run (-e names the family). */
const volatile bool proc_exec_syscalls = false;

/* Where an exec record is built before it is stored: too big for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ebr_rec_proc_exec);
} proc_exec_scratch SEC(".maps");

SEC("tp_btf/sched_process_fork")
int BPF_PROG(proc_fork, struct task_struct *parent, struct task_struct *child)
{
	struct ebr_rec_proc_fork *r;
	__u32 child_pid = BPF_CORE_READ(child, pid);
	__u32 ppid = BPF_CORE_READ(parent, tgid);
	/* the child's: clone3(CLONE_INTO_CGROUP) starts it in another cgroup than its parent's */
	struct cgroup *cg = BPF_CORE_READ(child, cgroups, dfl_cgrp);

	/* a new thread joins its parent's process: the process table only needs processes */
	if (BPF_CORE_READ(child, tgid) != child_pid || !ebr_tgid_wanted(ppid) ||
	    !ebr_cgroup_wanted(cg))
		return 0;
	r = ebr_reserve(EBR_PROBE_PROC_FORK, EBR_REC_PROC_FORK, sizeof(*r));
	if (!r)
		return 0;
	r->cgroup_id = BPF_CORE_READ(cg, kn, id);
	r->pid = ppid;
	r->tid = BPF_CORE_READ(parent, pid);
	r->child_pid = child_pid;
	r->uid = (__u32)bpf_get_current_uid_gid();
	BPF_CORE_READ_STR_INTO(&r->comm, parent, comm);
	ebr_submit(r);
	return 0;
}

/* Copies filename and up to EBR_EXEC_MAX_ARGS arguments from user memory, at entry. */
static __always_inline int exec_enter(const char *filename, const char *const *argv)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, zero = 0;
	struct ebr_rec_proc_exec *r;
	long n;
	__u32 off;

	if (!ebr_current_wanted(id >> 32))
		return 0;
	r = bpf_map_lookup_elem(&proc_exec_scratch, &zero);
	if (!r)
		return 0;
	r->lat_ns = bpf_ktime_get_ns(); /* the start, until the return */
	r->uid = (__u32)bpf_get_current_uid_gid();
	r->flags = 0;
	r->argc = 0;
	r->pad = 0;
	n = bpf_probe_read_user_str(r->data, EBR_PATH_MAX, filename);
	if (n < 0)
		n = 0;
	r->filename_len = (__u16)n;
	off = (__u32)n;
	for (int i = 0; i < EBR_EXEC_MAX_ARGS; i++) {
		const char *arg = NULL;

		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg)
			goto done;
		if (off > EBR_EXEC_DATA - EBR_EXEC_ARG_MAX) {
			r->flags |= EBR_EXEC_MORE_ARGS;
			goto done;
		}
		n = bpf_probe_read_user_str(&r->data[off], EBR_EXEC_ARG_MAX, arg);
		if (n <= 0) { /* not resident: sched_process_exec rereads a successful exec's */
			r->flags |= EBR_EXEC_MORE_ARGS;
			goto done;
		}
		if (n == EBR_EXEC_ARG_MAX)
			r->flags |= EBR_EXEC_ARG_CUT;
		off += (__u32)n;
		r->argc++;
	}
	/* bcc prints " ..." when there were more: say so if there was one more */
	{
		const char *arg = NULL;

		if (!bpf_probe_read_user(&arg, sizeof(arg), &argv[EBR_EXEC_MAX_ARGS]) && arg)
			r->flags |= EBR_EXEC_MORE_ARGS;
	}
done:
	r->args_len = (__u16)(off - r->filename_len);
	if (bpf_map_update_elem(&proc_exec_pending, &tid, r, BPF_ANY))
		ebr_count_map_loss(EBR_PROBE_PROC_EXEC);
	return 0;
}

/* The filename the kernel resolved and the new program's arguments, on its fresh stack. */
static __always_inline void exec_image(struct ebr_rec_proc_exec *r, struct task_struct *p,
				       struct linux_binprm *bprm)
{
	unsigned long start, end;
	__u64 len;
	long n;

	n = bpf_probe_read_kernel_str(r->data, EBR_PATH_MAX, BPF_CORE_READ(bprm, filename));
	if (n < 0)
		n = 0;
	if (n > EBR_PATH_MAX)
		n = EBR_PATH_MAX;
	start = BPF_CORE_READ(p, mm, arg_start);
	end = BPF_CORE_READ(p, mm, arg_end);
	len = end > start ? end - start : 0;
	r->flags = 0;
	if (len > EBR_EXEC_DATA - EBR_PATH_MAX) {
		len = EBR_EXEC_DATA - EBR_PATH_MAX;
		r->flags = EBR_EXEC_MORE_ARGS;
	}
	if (bpf_probe_read_user(&r->data[n], len, (const void *)start))
		len = 0;
	r->filename_len = (__u16)n;
	r->args_len = (__u16)len;
}

/* Completes r in the exec's task (at its return, or where it succeeded) and hands it over. */
static __always_inline void exec_output(struct ebr_rec_proc_exec *r, long ret)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 size;

	r->cgroup_id = bpf_get_current_cgroup_id();
	r->ret = (__s32)ret;
	r->pid = BPF_CORE_READ(task, tgid);
	r->tid = BPF_CORE_READ(task, pid);
	r->ppid = BPF_CORE_READ(task, real_parent, tgid);
	ebr_current_comm(r->comm);
	size = offsetof(struct ebr_rec_proc_exec, data) + r->filename_len + r->args_len;
	if (size > sizeof(*r))
		size = sizeof(*r);
	ebr_output(EBR_PROBE_PROC_EXEC, EBR_REC_PROC_EXEC, r, size);
}

/*
 * A successful exec. With the system call programs: the arguments at entry may have been
 * unreadable (a BPF program cannot fault in a page of the old program), but the new
 * program's copy is resident; take those, and the filename the kernel resolved, into the
 * pending record. When a thread other than the leader execs, it takes the leader's id: the
 * pending record follows it. Without them (the default), or with none pending, this is the
 * exec's only record: no duration (0); a failed exec is not seen.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(proc_exec_done, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 key = (__u32)old_pid, tid = BPF_CORE_READ(p, pid), zero = 0;
	struct ebr_rec_proc_exec *r;

	if (proc_exec_syscalls) {
		r = bpf_map_lookup_elem(&proc_exec_pending, &key);
		if (r) {
			exec_image(r, p, bprm);
			if (tid != key) {
				if (bpf_map_update_elem(&proc_exec_pending, &tid, r, BPF_ANY))
					ebr_count_map_loss(EBR_PROBE_PROC_EXEC);
				bpf_map_delete_elem(&proc_exec_pending, &key);
			}
			return 0;
		}
		/*
		 * None pending: an exec that no system call began (the kernel's usermode helpers:
		 * modprobe, a core dump's pipe), begun before the recording, or whose entry did not
		 * fit the map. Recorded here, as without the system call programs.
		 */
	}
	if (!ebr_current_wanted(BPF_CORE_READ(p, tgid)))
		return 0;
	r = bpf_map_lookup_elem(&proc_exec_scratch, &zero);
	if (!r)
		return 0;
	r->lat_ns = 0;
	r->uid = (__u32)bpf_get_current_uid_gid();
	r->argc = 0;
	r->pad = 0;
	exec_image(r, p, bprm);
	exec_output(r, 0);
	return 0;
}

static __always_inline int exec_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct ebr_rec_proc_exec *r = bpf_map_lookup_elem(&proc_exec_pending, &tid);

	if (!r)
		return 0;
	r->lat_ns = bpf_ktime_get_ns() - r->lat_ns;
	exec_output(r, ret);
	bpf_map_delete_elem(&proc_exec_pending, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int proc_execve_enter(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter((const char *)ctx->args[0], (const char *const *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int proc_execve_exit(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int proc_execveat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter((const char *)ctx->args[1], (const char *const *)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int proc_execveat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit(ctx->ret);
}

/*
 * The argument memory of the exiting process, as /proc/PID/cmdline gives it: the area between
 * arg_start and arg_end, or, when the program overwrote its last NUL (setproctitle past the
 * arguments' end), the string from arg_start. sched_process_exit fires before exit_mm(), in
 * the exiting task: its mm, and the stack page its arguments are on, are still there.
 */
static __always_inline void exit_title(struct task_struct *task, struct ebr_rec_proc_exit_title *r)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	unsigned long start, end;
	__u64 len;
	char last = 1;
	long n;

	r->title_len = 0;
	r->title_flags = 0;
	if (!mm)
		return;
	start = BPF_CORE_READ(mm, arg_start);
	end = BPF_CORE_READ(mm, arg_end);
	if (end <= start || bpf_probe_read_user(&last, 1, (const void *)(end - 1)))
		return;
	len = end - start;
	if (last) {
		n = bpf_probe_read_user_str(r->title, EBR_TITLE_MAX, (const void *)start);
		if (n <= 0)
			return;
		if (n == EBR_TITLE_MAX)
			r->title_flags = EBR_TITLE_CUT;
		r->title_len = (__u32)n;
		return;
	}
	if (len > EBR_TITLE_MAX) {
		len = EBR_TITLE_MAX;
		r->title_flags = EBR_TITLE_CUT;
	}
	if (!bpf_probe_read_user(r->title, len, (const void *)start))
		r->title_len = (__u32)len;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(proc_exit, struct task_struct *task)
{
	struct ebr_rec_proc_exit *r;
	__u32 pid = BPF_CORE_READ(task, tgid), flags;

	if (!ebr_current_wanted(pid)) /* task is the current one: it exits itself */
		return 0;
	/* do_exit() counts the thread out of signal->live before this tracepoint */
	flags = BPF_CORE_READ(task, signal, live.counter) == 0 ? EBR_EXIT_GROUP_DEAD : 0;
	if (flags & EBR_EXIT_GROUP_DEAD) {
		struct ebr_rec_proc_exit_title *t;

		t = ebr_reserve(EBR_PROBE_PROC_EXIT, EBR_REC_PROC_EXIT, sizeof(*t));
		if (!t)
			return 0;
		exit_title(task, t);
		r = &t->exit;
	} else {
		r = ebr_reserve(EBR_PROBE_PROC_EXIT, EBR_REC_PROC_EXIT, sizeof(*r));
		if (!r)
			return 0;
	}
	r->start_ns = BPF_CORE_READ(task, start_time);
	r->pid = pid;
	r->tid = BPF_CORE_READ(task, pid);
	r->ppid = BPF_CORE_READ(task, real_parent, tgid);
	r->code = (__u32)BPF_CORE_READ(task, exit_code);
	r->flags = flags;
	r->pad = 0;
	BPF_CORE_READ_STR_INTO(&r->comm, task, comm);
	ebr_submit(r);
	return 0;
}

/*
 * A move to another cgroup, once done: when a process is written to cgroup.procs, leader is
 * its thread group leader and threadgroup is set (its threads moved with it); a thread moved
 * alone (cgroup.threads, threaded cgroups) is not a process's move. Only the unified
 * hierarchy (id 0) counts: cgroup v1 hierarchies fire this tracepoint too. Under --cgroup, a
 * move into the cgroup is recorded, and from there on the process; a move out is not.
 */
SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(proc_cgroup_attach, struct cgroup *dst, const char *path, struct task_struct *leader,
	     bool threadgroup)
{
	struct ebr_rec_proc_cgroup *r;
	__u32 pid = BPF_CORE_READ(leader, tgid), tid = BPF_CORE_READ(leader, pid);

	if (BPF_CORE_READ(dst, root, hierarchy_id) != 0 || (!threadgroup && pid != tid) ||
	    !ebr_tgid_wanted(pid) || !ebr_cgroup_wanted(dst))
		return 0;
	r = ebr_reserve(EBR_PROBE_PROC_CGROUP, EBR_REC_PROC_CGROUP, sizeof(*r));
	if (!r)
		return 0;
	r->cgroup_id = BPF_CORE_READ(dst, kn, id);
	r->pid = pid;
	r->tid = tid;
	BPF_CORE_READ_STR_INTO(&r->comm, leader, comm);
	if (bpf_probe_read_kernel_str(r->path, sizeof(r->path), path) < 0)
		r->path[0] = 0;
	ebr_submit(r);
	return 0;
}
