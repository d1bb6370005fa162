/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Byte strings to dense ids, in order of first appearance: the string tables and interning
 * indices of the exports (pprof's string_table, its functions and locations; Perfetto's
 * interned names, frames and callstacks; speedscope's shared frames). Open addressing under
 * the keyed hash of analyze/siphash.h, as every table whose keys a trace chooses.
 */
#ifndef EBREC_REPORT_IDTAB_H
#define EBREC_REPORT_IDTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct idtab_entry {
	uint64_t hash;
	size_t off;
	uint32_t len;
};

struct idtab {
	struct idtab_entry *entries; /* by id */
	uint32_t len, cap;
	uint32_t *slots; /* id + 1, 0 empty */
	uint32_t nslots;
	char *bytes;     /* every key, one after the other */
	size_t bytes_len, bytes_cap;
};

/*
 * The id of the len bytes at key (0, 1, 2... in order of first appearance); *added (may be
 * NULL) says whether this call gave it. 0, or EBR_E_NOMEM (or EBR_E_TOO_BIG past 2^32 - 2
 * keys).
 */
int idtab_id(struct idtab *t, const void *key, size_t len, uint32_t *id, bool *added);
/* The key of id (< t->len), borrowed until the next idtab_id(); *len its length. */
const char *idtab_key(const struct idtab *t, uint32_t id, size_t *len);
void idtab_release(struct idtab *t);

#endif
