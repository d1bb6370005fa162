// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Scheduler family, on BTF-typed tracepoints: one record per context switch carrying how
 * long the incoming task waited on a run queue (runqlat), how long the outgoing one ran
 * (cpudist) and how long the incoming one was off CPU (cpudist -O). Wakeups only stamp the
 * task: these tracepoints fire hundreds of thousands of times a second on a busy host, so the
 * intervals are measured here and no wakeup costs a record.
 *
 * The stamps live in task storage: found in O(1), freed with the task (no map to fill or
 * leak, unlike bcc's pid-keyed hashes).
 */
#include "common.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define TASK_RUNNING 0

struct sched_stamps {
	__u64 enqueued; /* woken or preempted: on a run queue since; 0 when not */
	__u64 on_cpu;   /* switched in at; 0 when not running */
	__u64 off_cpu;  /* switched out at; 0 when running or unknown */
	__u64 ran;      /* the kernel's run time of the task when it last left a CPU; 0 before */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sched_stamps);
} sched_task SEC(".maps");

static __always_inline struct sched_stamps *stamps_of(struct task_struct *p)
{
	return bpf_task_storage_get(&sched_task, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

static __always_inline int mark_enqueued(struct task_struct *p)
{
	struct sched_stamps *s;

	if (!p->pid) /* an idle task */
		return 0;
	s = stamps_of(p);
	if (s)
		s->enqueued = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	return mark_enqueued(p);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	return mark_enqueued(p);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	__u64 now = bpf_ktime_get_ns(), runq = 0, oncpu = 0, offcpu = 0;
	struct ebr_rec_sched_switch *r;
	struct sched_stamps *s;
	__u32 flags = 0;

	if (preempt || prev_state == TASK_RUNNING)
		flags |= EBR_SCHED_PREEMPTED;
	if (prev->pid && (s = stamps_of(prev))) {
		__u64 ran = prev->se.sum_exec_runtime; /* brought up to date before the switch */

		if (s->on_cpu && now > s->on_cpu) {
			oncpu = now - s->on_cpu;
			flags |= EBR_SCHED_ONCPU;
		} else if (s->ran && ran > s->ran) {
			/* a switch-in the kernel did not trace (README: after the VM agent's threads):
			 * the slice has no start here, but the run time the kernel accounted to the
			 * task grew by that slice since it last left a CPU (steal time left out) */
			oncpu = ran - s->ran;
			flags |= EBR_SCHED_ONCPU;
		}
		s->ran = ran;
		s->on_cpu = 0;
		s->off_cpu = now;
		s->enqueued = flags & EBR_SCHED_PREEMPTED ? now : 0;
	}
	if (next->pid && (s = stamps_of(next))) {
		if (s->enqueued && now > s->enqueued) {
			runq = now - s->enqueued;
			flags |= EBR_SCHED_RUNQ;
		}
		if (s->off_cpu && now > s->off_cpu) {
			offcpu = now - s->off_cpu;
			flags |= EBR_SCHED_OFFCPU;
		}
		s->enqueued = 0;
		s->off_cpu = 0;
		s->on_cpu = now;
	}
	if (ebr_target_tgid && prev->tgid != ebr_target_tgid && next->tgid != ebr_target_tgid)
		return 0;
	/* --cgroup: a switch from or to a task of the cgroup (next is not the current task) */
	if (ebr_target_cgroup_id && !ebr_task_cgroup_wanted(prev) && !ebr_task_cgroup_wanted(next))
		return 0;
	r = ebr_reserve_at(EBR_PROBE_SCHED_SWITCH, EBR_REC_SCHED_SWITCH, sizeof(*r), now);
	if (!r)
		return 0;
	r->runq_ns = runq;
	r->oncpu_ns = oncpu;
	r->offcpu_ns = offcpu;
	r->prev_pid = prev->tgid;
	r->prev_tid = prev->pid;
	r->next_pid = next->tgid;
	r->next_tid = next->pid;
	r->prev_state = prev_state;
	r->flags = flags;
	__builtin_memcpy(r->prev_comm, prev->comm, EBR_COMM_LEN);
	__builtin_memcpy(r->next_comm, next->comm, EBR_COMM_LEN);
	ebr_submit(r);
	return 0;
}
