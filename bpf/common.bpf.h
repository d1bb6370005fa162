/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What every probe family shares: the one ring buffer, the per-probe counters and the
 * filters set by record/ before load. Included by each bpf/<family>.bpf.c; the definitions
 * are weak so that the static linker merges them into one skeleton.
 */
#ifndef EBREC_COMMON_BPF_H
#define EBREC_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "events.h"
#include "core_fixes.bpf.h"

/* Sized by record/ (--buffer-size) before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} ebr_ring SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, EBR_PROBE_MAX);
	__type(key, __u32);
	__type(value, struct ebr_probe_counters);
} ebr_counters SEC(".maps") __weak;

/* -p PID: 0 records every process. */
const volatile __u32 ebr_target_tgid __weak = 0;
/* The recorder itself: its reads of tracefs and writes of the trace are not the workload's. */
const volatile __u32 ebr_self_tgid __weak = 0;
/*
 * --cgroup PATH: the id of that cgroup v2 and its depth (0 records every cgroup). A task is
 * wanted when its cgroup is that one or below it: its ancestor at that depth has that id.
 */
const volatile __u64 ebr_target_cgroup_id __weak = 0;
const volatile __u32 ebr_target_cgroup_level __weak = 0;
/* The kernel lets these programs call bpf_get_current_ancestor_cgroup_id() (probed by record/) */
const volatile __u32 ebr_have_ancestor_helper __weak = 0;
/*
 * Set by record/ when the recording's span starts and cleared when it ends, so the trace
 * holds the span asked for (-d): attaching before it and detaching after it take seconds.
 * Nothing is emitted, nor counted as emitted, outside the span.
 */
volatile __u32 ebr_recording __weak = 0;
/*
 * While the drain thread sleeps longer than its interval (record/drain.c), the ring's fill in
 * bytes at which a record wakes it (0: it is not asleep, or has been woken). The first record
 * that finds the ring this full, or that must be read at once (ebr_output_wake's urgent),
 * wakes it and clears this, so that one wakeup, not one per record, follows; the drain sets
 * it again.
 */
volatile __u64 ebr_drain_wake_at __weak = 0;

static __always_inline struct ebr_probe_counters *ebr_counters_of(__u32 probe)
{
	return bpf_map_lookup_elem(&ebr_counters, &probe);
}

static __always_inline void ebr_count_map_loss(__u32 probe)
{
	struct ebr_probe_counters *c = ebr_recording ? ebr_counters_of(probe) : NULL;

	if (c)
		__sync_fetch_and_add(&c->lost_map, 1);
}

/*
 * How a record is handed over: never with a wakeup per record (5-8 us each where the drain's
 * timer costs 0.3 us: docs/ARCHITECTURE.md, performance), but once when the drain sleeps long
 * and the ring reaches ebr_drain_wake_at, or the record is urgent.
 */
static __always_inline __u64 ebr_wake_flags(bool urgent)
{
	if (!ebr_drain_wake_at)
		return BPF_RB_NO_WAKEUP;
	if (!urgent && bpf_ringbuf_query(&ebr_ring, BPF_RB_AVAIL_DATA) < ebr_drain_wake_at)
		return BPF_RB_NO_WAKEUP;
	ebr_drain_wake_at = 0;
	return BPF_RB_FORCE_WAKEUP;
}

/*
 * Reserve a record and fill its header, or count the loss. The timestamp is taken after the
 * reservation so that file order and time order differ only by what can run between the two
 * on another CPU (FORMAT.md: reorder window). A probe that has just read the clock for its
 * own intervals passes that time as ts instead (0: read it here): a second read costs 30 ns
 * on a VM, and the recorder measures whatever reordering results (record.max_reorder_ns).
 */
static __always_inline void *ebr_reserve_at(__u32 probe, __u16 type, __u32 size, __u64 ts)
{
	struct ebr_probe_counters *c;
	struct ebr_rec_hdr *h;

	if (!ebr_recording)
		return NULL;
	c = ebr_counters_of(probe);
	/* atomic: an NMI-context program may interrupt another on the same CPU */
	if (c)
		__sync_fetch_and_add(&c->emitted, 1);
	h = bpf_ringbuf_reserve(&ebr_ring, size, 0);
	if (!h) {
		if (c)
			__sync_fetch_and_add(&c->lost_ringbuf, 1);
		return NULL;
	}
	h->ts = ts ? ts : bpf_ktime_get_ns();
	h->type = type;
	h->size = size;
	h->cpu = bpf_get_smp_processor_id();
	return h;
}

static __always_inline void *ebr_reserve(__u32 probe, __u16 type, __u32 size)
{
	return ebr_reserve_at(probe, type, size, 0);
}

/*
 * Hands over a variable-size record built elsewhere (a scratch or pairing map value), or
 * counts the loss. size must be bounded for the verifier by the caller. urgent: the recorder
 * must see it while its process lives (stack.bpf.h, ebr_stack_urgent).
 */
static __always_inline void ebr_output_wake(__u32 probe, __u16 type, void *rec, __u32 size,
					    __u64 ts, bool urgent)
{
	struct ebr_probe_counters *c;
	struct ebr_rec_hdr *h = rec;

	if (!ebr_recording)
		return;
	c = ebr_counters_of(probe);
	if (c)
		__sync_fetch_and_add(&c->emitted, 1);
	h->ts = ts;
	h->type = type;
	h->size = size;
	h->cpu = bpf_get_smp_processor_id();
	if (bpf_ringbuf_output(&ebr_ring, rec, size, ebr_wake_flags(urgent)) && c)
		__sync_fetch_and_add(&c->lost_ringbuf, 1);
}

static __always_inline void ebr_output_at(__u32 probe, __u16 type, void *rec, __u32 size,
					  __u64 ts)
{
	ebr_output_wake(probe, type, rec, size, ts, false);
}

static __always_inline void ebr_output(__u32 probe, __u16 type, void *rec, __u32 size)
{
	ebr_output_at(probe, type, rec, size, bpf_ktime_get_ns());
}

static __always_inline void ebr_submit(void *rec)
{
	bpf_ringbuf_submit(rec, ebr_wake_flags(false));
}

static __always_inline bool ebr_tgid_wanted(__u32 tgid)
{
	return (ebr_target_tgid == 0 || ebr_target_tgid == tgid) && tgid != ebr_self_tgid;
}

/* Whether a cgroup v2 is the --cgroup one or below it (cg NULL: unknown, not wanted). */
static __always_inline bool ebr_cgroup_wanted(struct cgroup *cg)
{
	if (!ebr_target_cgroup_id)
		return true;
	if (!cg || BPF_CORE_READ(cg, level) < (int)ebr_target_cgroup_level)
		return false;
	return ebr_cgroup_ancestor_id(cg, ebr_target_cgroup_level) == ebr_target_cgroup_id;
}

/* --cgroup for a task that may not be the current one (sched_switch's next). */
static __always_inline bool ebr_task_cgroup_wanted(struct task_struct *t)
{
	if (!ebr_target_cgroup_id)
		return true;
	return ebr_cgroup_wanted(BPF_CORE_READ(t, cgroups, dfl_cgrp));
}

/*
 * --cgroup for the current task; without --cgroup not even the task is looked up. One helper
 * call where the kernel has it (Linux 5.7 on), else the walk from the task: five reads.
 */
static __always_inline bool ebr_current_cgroup_wanted(void)
{
	if (!ebr_target_cgroup_id)
		return true;
	if (ebr_have_ancestor_helper)
		return bpf_get_current_ancestor_cgroup_id((int)ebr_target_cgroup_level) ==
		       ebr_target_cgroup_id;
	return ebr_task_cgroup_wanted((struct task_struct *)bpf_get_current_task());
}

/*
 * -p and --cgroup for a probe that runs in the context of the process it records (a system
 * call, an exit, a profile tick, the task switched out): tgid is the current task's.
 */
static __always_inline bool ebr_current_wanted(__u32 tgid)
{
	return ebr_tgid_wanted(tgid) && ebr_current_cgroup_wanted();
}

/*
 * The current thread's name, read straight from its task_struct: bpf_get_current_comm()
 * costs 70 ns here (the storm's second largest cost), two loads do not. Bytes after the
 * NUL may be stale, so readers stop at the first NUL (record/translate.h family_kstr).
 */
static __always_inline void ebr_current_comm(char comm[EBR_COMM_LEN])
{
	struct task_struct *t = bpf_get_current_task_btf();

	__builtin_memcpy(comm, t->comm, EBR_COMM_LEN);
}

/*
 * The current task's open file fd, or NULL. The descriptor table is reached by loads through
 * the task's BTF pointer; only the slot itself (an array of pointers, which the verifier
 * cannot index) needs a helper call.
 */
static __always_inline struct file *file_of_fd(long fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct files_struct *files = task->files;
	struct fdtable *fdt;
	struct file *f = NULL;

	if (!files)
		return NULL;
	fdt = files->fdt;
	if (!fdt || fd < 0 || fd >= fdt->max_fds)
		return NULL;
	if (bpf_probe_read_kernel(&f, sizeof(f), &fdt->fd[fd]))
		return NULL;
	return f;
}

#endif /* EBREC_COMMON_BPF_H */
