// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include "analyze/siphash.h"
#include "analyze/u64map.h"
#include "format/ebr.h"
#include "format/mem.h"

/* keyed: the keys (cookies, pid << 32 | fd, tids) are whatever a trace says they are */
static uint32_t slot_of(uint64_t key, uint32_t cap)
{
	return (uint32_t)siphash_word(key) & (cap - 1);
}

bool u64map_get(const struct u64map *m, uint64_t key, uint32_t *val)
{
	/* the slot found last: a key is in one slot only, and stays there until the map grows
	 * (a new map, whose remembered slot is 0) */
	uint32_t *last;

	if (!m->cap)
		return false;
	last = &m->vals[m->cap];
	if (m->used[*last] && m->keys[*last] == key) {
		*val = m->vals[*last];
		return true;
	}
	for (uint32_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (!m->used[i])
			return false;
		if (m->keys[i] == key) {
			*val = m->vals[i];
			*last = i;
			return true;
		}
	}
}

static int grow(struct u64map *m)
{
	uint32_t cap = m->cap ? m->cap * 2 : 64;
	struct u64map n = { ebr_calloc(cap, sizeof(*n.keys)), ebr_calloc(cap + 1, sizeof(*n.vals)),
			    ebr_calloc(cap, sizeof(*n.used)), cap, 0 };

	if (!n.keys || !n.vals || !n.used || cap < m->cap) {
		u64map_release(&n);
		return EBR_E_NOMEM;
	}
	for (uint32_t i = 0; i < m->cap; i++)
		if (m->used[i])
			u64map_put(&n, m->keys[i], m->vals[i]); /* cannot grow: half full at most */
	u64map_release(m);
	*m = n;
	return 0;
}

int u64map_put(struct u64map *m, uint64_t key, uint32_t val)
{
	if ((m->len + 1) * 2 > m->cap) {
		int err = grow(m);

		if (err)
			return err;
	}
	for (uint32_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (!m->used[i]) {
			m->used[i] = true;
			m->keys[i] = key;
			m->vals[i] = val;
			m->len++;
			return 0;
		}
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return 0;
		}
	}
}

void u64map_release(struct u64map *m)
{
	ebr_free(m->keys);
	ebr_free(m->vals);
	ebr_free(m->used);
	*m = (struct u64map){ 0 };
}
