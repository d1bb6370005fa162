// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Off-CPU family: at sched_switch the outgoing task's stacks are kept in its task storage
 * (the tracepoint runs in its context, so they are its stacks); when it is switched back in,
 * one record says how long it was off CPU, if at least --min-us. The threshold is applied
 * here so that short waits cost no ring-buffer space. A span whose end the kernel did not
 * trace is counted in lost_map (FORMAT.md ebr.counts).
 */
#include "stack.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u64 offcpu_min_ns = 1000;

struct offcpu_stash {
	__u64 off_ts;   /* switched out at; 0: nothing pending */
	__u32 size;     /* of rec */
	__u32 pad;
	struct ebr_rec_stack rec;
};

/* --call-graph dwarf: the same with the user registers and stack copy (its first fields) */
struct offcpu_copy_stash {
	__u64 off_ts;
	__u32 size;
	__u32 pad;
	struct ebr_rec_stack_copy rec;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct offcpu_stash);
} offcpu_task SEC(".maps");

/* a map of its own, so that frame-pointer recordings keep their small values */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct offcpu_copy_stash);
} offcpu_copy_task SEC(".maps");

/* An off-CPU span pending in s that has lasted at least --min-us by now. */
static __always_inline bool span_reaches_min(const struct offcpu_stash *s, __u64 now)
{
	return s->off_ts && now > s->off_ts && now - s->off_ts >= offcpu_min_ns;
}

/*
 * prev leaves the CPU: its span starts in s (either stash type: they share their first
 * fields), whose stacks the caller captures.
 */
static __always_inline void stash_switch_out(struct offcpu_stash *s, struct task_struct *prev,
					     unsigned int prev_state, __u64 now)
{
	/*
	 * Still pending: the kernel never traced the switch that brought prev back (it fires
	 * none when some hidden tasks leave a CPU: README). That span's end is unknown: counted
	 * lost rather than given a made-up one.
	 */
	if (span_reaches_min(s, now))
		ebr_count_map_loss(EBR_PROBE_OFFCPU);
	s->rec.pid = prev->tgid;
	s->rec.tid = prev->pid;
	s->rec.state = prev_state;
	__builtin_memcpy(s->rec.comm, prev->comm, EBR_COMM_LEN);
	s->off_ts = now;
}

/*
 * next is back on a CPU: its span, of record type `type` up to max bytes, if long enough. mm:
 * next's address space.
 */
static __always_inline void stash_switch_in(struct offcpu_stash *s, __u64 now, __u16 type,
					    __u32 max, void *mm)
{
	__u32 size;

	if (span_reaches_min(s, now)) {
		size = s->size;
		if (size <= max) {
			s->rec.offcpu_ns = now - s->off_ts;
			/* the switch-in's time, already read: the record's time and the span's end */
			ebr_output_wake(EBR_PROBE_OFFCPU, type, &s->rec, size, now,
					ebr_stack_urgent(s->rec.pid, mm));
		}
	}
	s->off_ts = 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(offcpu_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	__u64 now = bpf_ktime_get_ns();
	struct offcpu_copy_stash *c;
	struct offcpu_stash *s;

	if (ebr_ustack_copy_bytes) {
		if (prev->pid && ebr_current_wanted(prev->tgid)) {
			c = bpf_task_storage_get(&offcpu_copy_task, prev, 0,
						 BPF_LOCAL_STORAGE_GET_F_CREATE);
			if (c) {
				stash_switch_out((struct offcpu_stash *)c, prev, prev_state, now);
				c->size = ebr_capture_stack_copy(ctx, prev, &c->rec);
			} else {
				ebr_count_map_loss(EBR_PROBE_OFFCPU);
			}
		}
		if (!next->pid)
			return 0;
		c = bpf_task_storage_get(&offcpu_copy_task, next, 0, 0);
		if (c)
			stash_switch_in((struct offcpu_stash *)c, now, EBR_REC_OFFCPU_COPY,
					sizeof(c->rec), next->mm);
		return 0;
	}
	if (prev->pid && ebr_current_wanted(prev->tgid)) {
		s = bpf_task_storage_get(&offcpu_task, prev, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (s) {
			stash_switch_out(s, prev, prev_state, now);
			s->size = ebr_capture_stacks(ctx, &s->rec);
		} else {
			ebr_count_map_loss(EBR_PROBE_OFFCPU);
		}
	}
	if (!next->pid)
		return 0;
	s = bpf_task_storage_get(&offcpu_task, next, 0, 0);
	if (s)
		stash_switch_in(s, now, EBR_REC_OFFCPU, sizeof(s->rec), next->mm);
	return 0;
}
