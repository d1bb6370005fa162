/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to format/: the predicted fields of a block in columns (FORMAT.md "Predicted
 * fields", since 1.8). bpf/sched.bpf.c measures a switch's intervals with the very clock
 * reading that is the record's timestamp, so most of them follow from the timestamps of
 * earlier switches of the block: how long prev ran from the switch before on its CPU, how
 * long next was off CPU (and, when it was preempted, waited) from the switch that took it off.
 * A column of such a field holds the zigzag of (value - prediction): mostly 0, where it held
 * durations that took three bytes each. The writer (column_write.c) and the reader (reader.c)
 * both walk a block's switches in block order through these functions, which makes their
 * predictions the same by construction.
 */
#ifndef EBREC_FORMAT_PREDICT_H
#define EBREC_FORMAT_PREDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* what a block's sched.switch events have told so far */
struct switch_memory {
	/* per CPU of the block's list: its last switch */
	struct switch_last {
		uint64_t ts;
		bool seen;
	} *cpus;
	size_t cap_cpus;
	/* per thread switched out: open addressing on tid, a slot live when its gen is the
	 * block's (nothing to clear from a block to the next) */
	struct switch_out {
		uint64_t tid, ts;
		uint32_t gen;
		uint32_t preempted;
	} *slots;
	size_t nslots; /* a power of two, at least twice the block's switches */
	unsigned shift;   /* 64 - log2(nslots) */
	uint32_t gen;
	uint64_t mult; /* odd, random: a trace cannot choose tids that share a slot */
};

/* a switch's fields that its predictions read, and the three they predict */
struct switch_fields {
	uint64_t flags, prev_tid, next_tid;
	uint64_t runq_ns, oncpu_ns, offcpu_ns;
};

/*
 * Forgets the block before: the next switches are a block's of ncpus CPUs and at most
 * nswitches switches. 0 or EBR_E_NOMEM.
 */
int switch_memory_start(struct switch_memory *m, uint32_t ncpus, uint32_t nswitches);
/*
 * The predictions of the switch at CPU index ci (< ncpus) and ts, from the switches before
 * it: into p's runq_ns, oncpu_ns and offcpu_ns (its other fields are read). Then remembers it.
 */
void switch_predict(struct switch_memory *m, uint32_t ci, uint64_t ts, struct switch_fields *p);
void switch_memory_release(struct switch_memory *m);

#endif
