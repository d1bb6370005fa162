/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A hash map from uint64_t keys to uint32_t values (indices into an owner's array), open
 * addressing with linear probing under a keyed hash (analyze/siphash.h). Nothing may depend
 * on where a key lands: owners keep their entries in an array and iterate that. Keys are
 * never removed: the tables that use it only grow while a trace is read.
 */
#ifndef EBREC_ANALYZE_U64MAP_H
#define EBREC_ANALYZE_U64MAP_H

#include <stdbool.h>
#include <stdint.h>

struct u64map {
	uint64_t *keys;
	uint32_t *vals; /* cap of them, and after them the slot found last (u64map_get()) */
	bool *used;
	uint32_t cap, len;
};

/*
 * *val for key, or false. The slot found is remembered and tried first the next time: most
 * lookups of a table are of the key before (the same process, descriptor or group, event
 * after event). Not for two threads at once.
 */
bool u64map_get(const struct u64map *m, uint64_t key, uint32_t *val);
/* Sets key to val; 0 or EBR_E_NOMEM. */
int u64map_put(struct u64map *m, uint64_t key, uint32_t val);
void u64map_release(struct u64map *m);

#endif
