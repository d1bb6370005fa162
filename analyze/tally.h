/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rows counted per process, for the summary's headlines ("top submitters: dd (412) 300 I/Os,
 * 1.2 MiB"): how many rows, a sum of one of their values, how many were flagged (failed).
 */
#ifndef EBREC_ANALYZE_TALLY_H
#define EBREC_ANALYZE_TALLY_H

#include <stdbool.h>
#include <stdint.h>
#include "analyze/u64map.h"
#include "format/ebr.h"

/* processes a tally keeps apart; the rest count in the totals only */
#define TALLY_MAX_PROCS (1u << 16)

struct tally_proc {
	uint32_t pid;
	char comm[EBR_COMM_MAX + 1]; /* the last name seen */
	uint64_t rows, sum, flagged;
};

struct tally {
	struct tally_proc *procs;
	uint32_t len, cap;
	struct u64map by_pid;
	uint64_t rows, sum, flagged; /* over all processes */
};

/* 0, or EBR_E_NOMEM */
int tally_add(struct tally *t, uint32_t pid, const char *comm, uint64_t value, bool flagged);
/* Orders procs by rows (by sum when by_sum), most first; the pid index is dropped. */
void tally_sort(struct tally *t, bool by_sum);
void tally_release(struct tally *t);

#endif
