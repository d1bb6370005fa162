/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SipHash (Aumasson and Bernstein, 2012), the keyed hash of every table whose keys come from
 * a trace (format/'s META, analyze/'s tables, redact/'s tokens): with a key the trace cannot
 * know, it cannot choose keys that all land in one bucket and make each insert walk the
 * others (a 1.3 MB trace took a minute under a fixed hash).
 */
#ifndef EBREC_FORMAT_SIPHASH_H
#define EBREC_FORMAT_SIPHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct siphash_key {
	uint64_t k0, k1; /* the 16 key bytes, little-endian halves */
};

/* A random key from getrandom(2); when that fails, one from the clock and the address space. */
void siphash_key_random(struct siphash_key *key);
/* SipHash-2-4 of data: the reference function. */
uint64_t siphash24(const struct siphash_key *key, const void *data, size_t len);
/* SipHash-1-3 of prefix (8 bytes, little-endian) then data: fewer rounds for hot tables. */
uint64_t siphash13(const struct siphash_key *key, uint64_t prefix, const void *data, size_t len);

#endif
