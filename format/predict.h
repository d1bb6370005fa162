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
	/* per entry of the block's list of CPUs: its last switch */
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
	size_t nslots; /* a power of two, at least twice the threads the block can switch out */
	unsigned shift;   /* 64 - log2(nslots) */
	uint32_t gen;
	/* odd, random: a trace cannot know which tids share a slot, so cannot make them all */
	uint64_t mult;
};

/* a switch's predicted fields */
struct switch_prediction {
	uint64_t runq_ns, oncpu_ns, offcpu_ns;
};

/*
 * Forgets the block before: the next switches are a block's of ncpus CPUs, which switches
 * out at most nthreads distinct threads (a bound of its prev_tid values: the table is sized
 * by what the block can hold, not by what it claims). 0 or EBR_E_NOMEM.
 */
int switch_memory_start(struct switch_memory *m, uint32_t ncpus, uint32_t nthreads);
/*
 * The predictions for the switch at the block's CPU entry ci (< ncpus) and ts, of those
 * flags, prev_tid and next_tid, from the switches before it; then remembers it.
 */
struct switch_prediction switch_predict(struct switch_memory *m, uint32_t ci, uint64_t ts,
					uint64_t flags, uint64_t prev_tid, uint64_t next_tid);
void switch_memory_release(struct switch_memory *m);

#endif
