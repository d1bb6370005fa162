// SPDX-License-Identifier: GPL-2.0-only
/* Byte strings to dense ids: report/idtab.h. */
#include <stdlib.h>
#include <string.h>
#include "analyze/grow.h"
#include "analyze/siphash.h"
#include "format/ebr.h"
#include "report/idtab.h"

static bool same_key(const struct idtab *t, const struct idtab_entry *e, uint64_t hash,
		     const void *key, size_t len)
{
	return e->hash == hash && e->len == len && !memcmp(t->bytes + e->off, key, len);
}

static int rehash(struct idtab *t)
{
	uint32_t n = t->nslots ? t->nslots * 2 : 1024;
	uint32_t *slots = n > t->nslots ? calloc(n, sizeof(*slots)) : NULL;

	if (!slots)
		return EBR_E_NOMEM;
	for (uint32_t id = 0; id < t->len; id++) {
		uint32_t i = (uint32_t)t->entries[id].hash & (n - 1);

		while (slots[i])
			i = (i + 1) & (n - 1);
		slots[i] = id + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	return 0;
}

int idtab_id(struct idtab *t, const void *key, size_t len, uint32_t *id, bool *added)
{
	uint64_t hash = siphash(len, key, len);
	struct idtab_entry *e;
	uint32_t i;
	int err;

	if (added)
		*added = false;
	if (len > UINT32_MAX)
		return EBR_E_TOO_BIG;
	for (i = (uint32_t)hash & (t->nslots - 1); t->nslots && t->slots[i];
	     i = (i + 1) & (t->nslots - 1)) {
		if (same_key(t, &t->entries[t->slots[i] - 1], hash, key, len)) {
			*id = t->slots[i] - 1;
			return 0;
		}
	}
	if (t->len >= UINT32_MAX - 1)
		return EBR_E_TOO_BIG;
	if ((uint64_t)(t->len + 1) * 2 > t->nslots) {
		if ((err = rehash(t)))
			return err;
		for (i = (uint32_t)hash & (t->nslots - 1); t->slots[i]; i = (i + 1) & (t->nslots - 1))
			;
	}
	if (t->bytes_len + len + 1 > t->bytes_cap) {
		size_t cap = t->bytes_cap ? t->bytes_cap : 4096;
		char *bytes;

		while (cap < t->bytes_len + len + 1)
			cap *= 2;
		if (!(bytes = realloc(t->bytes, cap)))
			return EBR_E_NOMEM;
		t->bytes = bytes;
		t->bytes_cap = cap;
	}
	e = grow_array(t->entries, t->len, &t->cap, sizeof(*e));
	if (!e)
		return EBR_E_NOMEM;
	t->entries = e;
	e = &t->entries[t->len];
	e->hash = hash;
	e->off = t->bytes_len;
	e->len = (uint32_t)len;
	if (len)
		memcpy(t->bytes + t->bytes_len, key, len);
	t->bytes[t->bytes_len + len] = 0; /* a key read as a C string ends here */
	t->bytes_len += len + 1;
	t->slots[i] = t->len + 1;
	*id = t->len++;
	if (added)
		*added = true;
	return 0;
}

const char *idtab_key(const struct idtab *t, uint32_t id, size_t *len)
{
	*len = t->entries[id].len;
	return t->bytes + t->entries[id].off;
}

void idtab_release(struct idtab *t)
{
	free(t->entries);
	free(t->slots);
	free(t->bytes);
	memset(t, 0, sizeof(*t));
}
