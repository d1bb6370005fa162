/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A multiset of 64-bit keys (frame addresses, object offsets) that the stacks of a recording
 * use: appended to as samples come, compacted by sorting when it fills, so its memory follows
 * the number of distinct frames, not of samples.
 */
#ifndef EBREC_RECORD_ADDRSET_H
#define EBREC_RECORD_ADDRSET_H

#include <stddef.h>
#include <stdint.h>

struct addr_count {
	uint64_t key;
	uint64_t count;
};

struct addrset {
	struct addr_count *items;
	size_t n, cap;
};

/* Counts one use of key. 0, or -ENOMEM. */
int addrset_add(struct addrset *s, uint64_t key);
/* Sorts by key and merges equal keys (summing their counts). */
void addrset_compact(struct addrset *s);
void addrset_free(struct addrset *s);

/*
 * In a table sorted by a leading uint64_t address (kernel symbols, mappings: n elements of
 * stride bytes), how many elements start at or before addr: the one holding addr, if any, is
 * the one before that count.
 */
size_t addr_table_upto(const void *table, size_t n, size_t stride, uint64_t addr);

#endif
