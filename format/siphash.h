/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to format/: SipHash-2-4 (Aumasson and Bernstein, 2012), the keyed hash of tables
 * whose keys come from a trace: with a key the trace cannot know, it cannot choose keys that
 * all land in one bucket.
 */
#ifndef EBREC_FORMAT_SIPHASH_H
#define EBREC_FORMAT_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct siphash_key {
	uint64_t k0, k1; /* the 16 key bytes, little-endian halves */
};

/* A random key from getrandom(2); when that fails, one from the clock and the address space. */
void siphash_key_random(struct siphash_key *key);
uint64_t siphash24(const struct siphash_key *key, const void *data, size_t len);

#endif
