/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to format/: the writer's per-block intern tables for strings and stacks. Ids count
 * from 1 (0 means "" or "no stack"); the tables restart with every events block, which is what
 * keeps each block decodable on its own (FORMAT.md "Interning").
 */
#ifndef EBREC_FORMAT_INTERN_H
#define EBREC_FORMAT_INTERN_H

#include <stdint.h>
#include "wire.h"

struct intern_slot {
	uint64_t hash;
	uint32_t id;  /* 0 = empty slot */
	uint32_t off; /* offset of the item's bytes in the table's data */
	uint32_t len; /* bytes */
};

struct intern {
	struct intern_slot *slots;
	uint32_t cap;     /* power of two */
	uint32_t count;   /* items interned, the last id given */
	uint32_t last;    /* slot of the item added or found last, or UINT32_MAX: a run of one
			   * comm or stack (a storm from one thread) skips the hash */
	struct wbuf data; /* raw item bytes, for comparison */
	struct wbuf enc;  /* the table as FORMAT.md encodes it */
};

/* Interns item (len bytes); returns its id (>= 1), or 0 with *err set on failure. */
uint32_t intern_add(struct intern *t, const void *item, uint32_t len, int is_stack, int *err);
/* Forgets every item (a new block starts), keeps memory. */
void intern_reset(struct intern *t);
void intern_release(struct intern *t);

#endif
