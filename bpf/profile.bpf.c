// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Profile family: on every tick of a per-CPU cpu-clock perf event (record/ opens them at -F
 * Hz), the kernel and user stacks of the task the tick interrupted.
 */
#include "stack.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* -I: sample the idle tasks too (as bcc's profile -I) */
const volatile bool profile_idle = false;

/* the record is built here: it is too big for the BPF stack */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ebr_rec_stack);
} profile_scratch SEC(".maps");

/* --call-graph dwarf: the record with the user registers and stack copy */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ebr_rec_stack_copy);
} profile_copy_scratch SEC(".maps");

/* --call-graph dwarf: the registers and a copy of the stack, unwound by the recorder */
static __always_inline void profile_copy(struct bpf_perf_event_data *ctx, __u32 tgid, __u32 tid)
{
	struct ebr_rec_stack_copy *r;
	__u32 key = 0, size;

	r = bpf_map_lookup_elem(&profile_copy_scratch, &key);
	if (!r) {
		ebr_count_map_loss(EBR_PROBE_PROFILE);
		return;
	}
	r->offcpu_ns = 0;
	r->pid = tgid;
	r->tid = tid;
	r->state = 0;
	ebr_current_comm(r->comm);
	size = ebr_capture_stack_copy(ctx, bpf_get_current_task_btf(), r);
	if (size > sizeof(*r))
		return;
	ebr_output_wake(EBR_PROBE_PROFILE, EBR_REC_PROFILE_COPY, r, size, bpf_ktime_get_ns(),
			ebr_stack_urgent(tgid, bpf_get_current_task_btf()->mm));
}

SEC("perf_event")
int profile_tick(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id, key = 0, size;
	struct ebr_rec_stack *r;

	if (!tid && !profile_idle)
		return 0;
	if (!ebr_current_wanted(tgid)) /* the task the tick interrupted */
		return 0;
	if (ebr_ustack_copy_bytes) {
		profile_copy(ctx, tgid, tid);
		return 0;
	}
	r = bpf_map_lookup_elem(&profile_scratch, &key);
	if (!r) {
		ebr_count_map_loss(EBR_PROBE_PROFILE);
		return 0;
	}
	r->offcpu_ns = 0;
	r->pid = tgid;
	r->tid = tid;
	r->state = 0;
	ebr_current_comm(r->comm);
	size = ebr_capture_stacks(ctx, r);
	if (size > sizeof(*r))
		return 0;
	ebr_output_wake(EBR_PROBE_PROFILE, EBR_REC_PROFILE, r, size, bpf_ktime_get_ns(),
			ebr_stack_urgent(tgid, bpf_get_current_task_btf()->mm));
	return 0;
}
