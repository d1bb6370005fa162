/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The ring-buffer protocol between bpf/ and record/. Private to one ebrec build: the public,
 * versioned encoding is the .ebr format (format/FORMAT.md); record/ translates these records
 * into it. Fixed-width types only, largest fields first, explicit padding, sizes asserted, so
 * that the BPF and the user-space compilers agree on every offset.
 */
#ifndef EBREC_BPF_EVENTS_H
#define EBREC_BPF_EVENTS_H

#ifdef __bpf__
/* vmlinux.h already defines the __u* types */
#else
#include <linux/types.h>
#endif

/* block.rq flags (EBR_BIO_*) are part of the file format */
#include "format/block_flags.h"

#define EBR_COMM_LEN 16

/* Record types in the ring buffer (hdr.type). Not on disk. */
enum {
	EBR_REC_BLOCK_RQ = 1,
};

/*
 * Probe ids: one per emitting BPF program, the unit of loss accounting. They are written to
 * every trace (META "probe.<id>") so a trace stays readable when this list changes.
 */
enum {
	EBR_PROBE_BLOCK_RQ = 1,
	EBR_PROBE_MAX = 64,
};

/* Per probe, per CPU counters kept by the kernel side (map ebr_counters). */
struct ebr_probe_counters {
	__u64 emitted;      /* records the probe tried to hand over */
	__u64 lost_ringbuf; /* bpf_ringbuf_reserve() failed: ring buffer full */
	__u64 lost_map;     /* a pairing map was full: the event could not be built */
};

/* Common header of every ring-buffer record. */
struct ebr_rec_hdr {
	__u64 ts;   /* CLOCK_MONOTONIC ns, bpf_ktime_get_ns() */
	__u16 type; /* EBR_REC_* */
	__u16 size; /* sizeof the whole record */
	__u32 cpu;
};

/* One completed block request: built from insert/issue/complete in the kernel. */
struct ebr_rec_block_rq {
	struct ebr_rec_hdr hdr; /* ts = completion time */
	__u64 sector;
	__u64 lat_ns;   /* issue -> complete */
	__u64 queue_ns; /* insert -> issue; 0 when the request was not queued */
	__u32 pid;      /* process that submitted the request */
	__u32 tid;
	__u32 dev;      /* major << 20 | minor, as the kernel's dev_t */
	__u32 bytes;
	__u32 flags;    /* EBR_BIO_*, format/block_flags.h */
	__s32 error;    /* blk_status_t at completion, 0 = success */
	char comm[EBR_COMM_LEN];
};

#ifndef __bpf__
_Static_assert(sizeof(struct ebr_rec_hdr) == 16, "ebr_rec_hdr layout");
_Static_assert(sizeof(struct ebr_rec_block_rq) == 80, "ebr_rec_block_rq layout");
_Static_assert(sizeof(struct ebr_probe_counters) == 24, "ebr_probe_counters layout");
#endif

#endif /* EBREC_BPF_EVENTS_H */
