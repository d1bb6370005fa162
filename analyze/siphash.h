/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hash of every table analyze/ and redact/ key by what a trace chooses (cookies,
 * pid << 32 | fd, stacks, names, tokens): format/siphash.h's SipHash-1-3 under one key drawn
 * per process, which nobody who writes a trace knows.
 */
#ifndef EBREC_ANALYZE_SIPHASH_H
#define EBREC_ANALYZE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* The hash of word followed by the len bytes of data (data may be NULL when len is 0). */
uint64_t siphash(uint64_t word, const void *data, size_t len);

/*
 * siphash(word, NULL, 0), remembered for the last few words this thread asked about: a table
 * keyed by pid is asked about the same pid event after event, and the hash was a twentieth of
 * a listing's time.
 */
uint64_t siphash_word(uint64_t word);

/* Replaces the random key (and forgets the calling thread's siphash_word() memory), for tests that want the same hashes on every run. */
void siphash_set_key(uint64_t k0, uint64_t k1);

#endif
