/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SipHash-1-3 under a key drawn once per process from getrandom(): the hash of every table
 * whose keys a trace chooses (cookies, pid << 32 | fd, stacks, names, redact's tokens). A
 * fixed hash lets a crafted trace put every key in one slot and make each insert walk all
 * the others (a 1.3 MB trace took a minute); nobody who writes a trace knows this key.
 */
#ifndef EBREC_ANALYZE_SIPHASH_H
#define EBREC_ANALYZE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* The hash of word followed by the len bytes of data (data may be NULL when len is 0). */
uint64_t siphash(uint64_t word, const void *data, size_t len);

/* Replaces the random key, for tests that want the same hashes on every run. */
void siphash_set_key(uint64_t k0, uint64_t k1);

#endif
