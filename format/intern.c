// SPDX-License-Identifier: BSD-2-Clause
#include <stdlib.h>
#include "intern.h"
#include "format/mem.h"

/* FNV-1a, 64 bit: strings here are short and the table is per block. */
static uint64_t hash_bytes(const void *p, uint32_t len)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (uint32_t i = 0; i < len; i++)
		h = (h ^ s[i]) * 0x100000001b3ull;
	return h;
}

static int intern_grow(struct intern *t)
{
	uint32_t cap = t->cap ? t->cap * 2 : 256;
	struct intern_slot *slots = ebr_calloc(cap, sizeof(*slots));

	if (!slots)
		return EBR_E_NOMEM;
	for (uint32_t i = 0; i < t->cap; i++) {
		struct intern_slot *s = &t->slots[i];
		uint32_t j;

		if (!s->id)
			continue;
		for (j = (uint32_t)s->hash & (cap - 1); slots[j].id; j = (j + 1) & (cap - 1))
			;
		slots[j] = *s;
	}
	ebr_free(t->slots);
	t->slots = slots;
	t->cap = cap;
	t->last = UINT32_MAX; /* the items moved */
	return 0;
}

uint32_t intern_add(struct intern *t, const void *item, uint32_t len, int is_stack, int *err)
{
	uint64_t h;
	uint32_t j;

	if (t->last < t->cap && t->slots[t->last].id && t->slots[t->last].len == len &&
	    !memcmp(t->data.p + t->slots[t->last].off, item, len))
		return t->slots[t->last].id;
	h = hash_bytes(item, len);
	if ((t->count + 1) * 2 > t->cap && (*err = intern_grow(t)))
		return 0;
	for (j = (uint32_t)h & (t->cap - 1); t->slots[j].id; j = (j + 1) & (t->cap - 1)) {
		struct intern_slot *s = &t->slots[j];

		if (s->hash == h && s->len == len && !memcmp(t->data.p + s->off, item, len)) {
			t->last = j;
			return s->id;
		}
	}
	t->slots[j] = (struct intern_slot){ h, t->count + 1, (uint32_t)t->data.len, len };
	t->last = j;
	wbuf_put(&t->data, item, len);
	if (is_stack) {
		const uint64_t *frames = item;
		uint32_t n = len / sizeof(uint64_t);

		wbuf_varint(&t->enc, n);
		for (uint32_t i = 0; i < n; i++)
			wbuf_varint(&t->enc, frames[i]);
	} else {
		wbuf_str(&t->enc, item, len);
	}
	if (t->data.err || t->enc.err) {
		*err = EBR_E_NOMEM;
		t->slots[j].id = 0;
		return 0;
	}
	return ++t->count;
}

void intern_reset(struct intern *t)
{
	if (t->slots)
		memset(t->slots, 0, t->cap * sizeof(*t->slots));
	t->count = 0;
	t->last = UINT32_MAX;
	t->data.len = 0;
	t->enc.len = 0;
}

void intern_release(struct intern *t)
{
	ebr_free(t->slots);
	wbuf_release(&t->data);
	wbuf_release(&t->enc);
	memset(t, 0, sizeof(*t));
}
