// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Block I/O family: one record per request that reached the device, paired in the kernel from
 * the first tracepoint that sees it (block_io_start, else block_rq_insert, else
 * block_rq_issue), block_rq_insert (queue time), block_rq_issue and block_rq_complete. Pairing
 * here keeps the trace at one record per I/O instead of four.
 *
 * Not every request passes block_io_start (Linux 6.5+, in the submitter's context): the flush
 * machinery issues its own REQ_OP_FLUSH request (blk_kick_flush) for every PREFLUSH it
 * serves, which is first seen at block_rq_issue; the kernel counts those in the disk's flush
 * counter. Such a request is taken from the first tracepoint that sees it, with whoever is
 * current there as its task. A data-less PREFLUSH write passes block_io_start but is never
 * issued (the flush request does its work; the kernel's I/O statistics skip it too): it is
 * not recorded.
 */
#include "common.bpf.h"
#include "core_fixes.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct block_start {
	__u64 insert_ts;
	__u64 issue_ts;
	__u32 pid;
	__u32 tid;
	__u32 cgroup_wanted; /* --cgroup: the submitter's cgroup, judged where it was current */
	__u32 live;          /* between the request's first tracepoint and its completion */
	char comm[EBR_COMM_LEN];
};

/*
 * Keyed by the request struct, whose entry stays after completion (live = 0) for its next
 * use: a device's requests are a pool (its tags), so a use costs a lookup where an update and
 * a delete took a bucket lock each (block_io_start was 933 ns a run under pgbench, the
 * family's costliest). LRU: a host's pools may hold more structs than the map (an NVMe disk
 * without a scheduler: hardware queues x depth), so the least recently used entry, one
 * completed long ago, makes room for a struct not seen yet (not one in flight, unless 32768
 * I/Os are).
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 32768);
	__type(key, __u64); /* struct request * */
	__type(value, struct block_start);
} block_inflight SEC(".maps");

static __always_inline __u32 block_dev_of(struct request *rq)
{
	struct gendisk *disk = ebr_request_disk(rq);

	if (!disk)
		return 0;
	return ((__u32)BPF_CORE_READ(disk, major) << 20) | (__u32)BPF_CORE_READ(disk, first_minor);
}

static __always_inline __u32 block_flags_of(struct request *rq)
{
	__u32 opf = BPF_CORE_READ(rq, cmd_flags);
	__u32 op = opf & ((1u << 8) - 1); /* REQ_OP_BITS is 8 on every kernel ebrec supports */
	__u32 out;

	if (op == bpf_core_enum_value(enum req_op, REQ_OP_READ))
		out = EBR_BIO_OP_READ;
	else if (op == bpf_core_enum_value(enum req_op, REQ_OP_WRITE))
		out = EBR_BIO_OP_WRITE;
	else if (op == bpf_core_enum_value(enum req_op, REQ_OP_FLUSH))
		out = EBR_BIO_OP_FLUSH;
	else if (op == bpf_core_enum_value(enum req_op, REQ_OP_DISCARD))
		out = EBR_BIO_OP_DISCARD;
	else if (op == bpf_core_enum_value(enum req_op, REQ_OP_SECURE_ERASE))
		out = EBR_BIO_OP_SECURE_ERASE;
	else if (op == bpf_core_enum_value(enum req_op, REQ_OP_WRITE_ZEROES))
		out = EBR_BIO_OP_WRITE_ZEROES;
	else
		out = EBR_BIO_OP_OTHER;
	if (opf & (1u << bpf_core_enum_value(enum req_flag_bits, __REQ_SYNC)))
		out |= EBR_BIO_SYNC;
	if (opf & (1u << bpf_core_enum_value(enum req_flag_bits, __REQ_META)))
		out |= EBR_BIO_META;
	if (opf & (1u << bpf_core_enum_value(enum req_flag_bits, __REQ_FUA)))
		out |= EBR_BIO_FUA;
	if (opf & (1u << bpf_core_enum_value(enum req_flag_bits, __REQ_PREFLUSH)))
		out |= EBR_BIO_PREFLUSH;
	if (opf & (1u << bpf_core_enum_value(enum req_flag_bits, __REQ_RAHEAD)))
		out |= EBR_BIO_RAHEAD;
	return out;
}

/*
 * Makes s the entry of a new use of its request, the current task its submitter. Every request
 * gets one, wanted or not: the -p filter applies to the submitter at completion, so that a
 * request of another process is never taken for one of the wanted process's when a later
 * tracepoint (an unplug, a dispatch from a kworker) runs in the wanted one's context.
 */
static __always_inline void block_start_init(struct block_start *s)
{
	__u64 id = bpf_get_current_pid_tgid();

	s->insert_ts = 0;
	s->issue_ts = 0;
	s->pid = id >> 32;
	s->tid = (__u32)id;
	s->cgroup_wanted = ebr_current_cgroup_wanted();
	s->live = 1;
	ebr_current_comm(s->comm);
}

/* rq's entry for a new use: old (what its previous use left, or NULL) made new, else added. */
static __always_inline struct block_start *block_entry_renew(struct request *rq,
							     struct block_start *old)
{
	__u64 key = (__u64)rq;
	struct block_start init = {};

	if (old) {
		block_start_init(old);
		return old;
	}
	block_start_init(&init);
	if (bpf_map_update_elem(&block_inflight, &key, &init, BPF_ANY)) {
		ebr_count_map_loss(EBR_PROBE_BLOCK_RQ);
		return NULL;
	}
	return bpf_map_lookup_elem(&block_inflight, &key);
}

/* Returns the entry for rq, making it with the current task as submitter if it is not live. */
static __always_inline struct block_start *block_entry(struct request *rq)
{
	__u64 key = (__u64)rq;
	struct block_start *s = bpf_map_lookup_elem(&block_inflight, &key);

	if (s && s->live)
		return s;
	return block_entry_renew(rq, s);
}

/* a request struct is reused: its entry starts again, whatever a previous use left */
SEC("tp_btf/block_io_start")
int BPF_PROG(block_io_start, struct request *rq)
{
	__u64 key = (__u64)rq;

	block_entry_renew(rq, bpf_map_lookup_elem(&block_inflight, &key));
	return 0;
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(block_rq_insert, struct request *rq)
{
	struct block_start *s = block_entry(rq);

	if (s)
		s->insert_ts = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(block_rq_issue, struct request *rq)
{
	struct block_start *s = block_entry(rq);

	if (s)
		s->issue_ts = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(block_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	__u64 key = (__u64)rq;
	struct block_start *s = bpf_map_lookup_elem(&block_inflight, &key);
	struct ebr_rec_block_rq *r;
	__u64 now;

	/*
	 * No issue: issued before the recording started (it cannot be timed), or completed by the
	 * block layer without reaching the device (a data-less PREFLUSH write). Not submitted by a
	 * wanted process: -p, --cgroup (completion runs in an interrupt: the submitter's cgroup
	 * was judged when the request was first seen).
	 */
	if (!s || !s->live)
		return 0;
	if (!s->issue_ts || !ebr_tgid_wanted(s->pid) || !s->cgroup_wanted)
		goto done;
	r = ebr_reserve(EBR_PROBE_BLOCK_RQ, EBR_REC_BLOCK_RQ, sizeof(*r));
	if (!r)
		goto done;
	now = r->hdr.ts;
	r->sector = BPF_CORE_READ(rq, __sector);
	r->lat_ns = now > s->issue_ts ? now - s->issue_ts : 0;
	r->queue_ns = s->insert_ts && s->issue_ts > s->insert_ts ? s->issue_ts - s->insert_ts : 0;
	r->pid = s->pid;
	r->tid = s->tid;
	r->dev = block_dev_of(rq);
	r->bytes = nr_bytes;
	r->flags = block_flags_of(rq);
	r->cmd_flags = BPF_CORE_READ(rq, cmd_flags);
	r->pad = 0;
	r->error = error;
	__builtin_memcpy(r->comm, s->comm, sizeof(r->comm));
	ebr_submit(r);
done:
	s->live = 0;
	return 0;
}
