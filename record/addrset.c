// SPDX-License-Identifier: GPL-2.0-only
/* The multiset of frame keys: record/addrset.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "record/addrset.h"

static int by_key(const void *a, const void *b)
{
	const struct addr_count *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

void addrset_compact(struct addrset *s)
{
	size_t out = 0;

	if (!s->n)
		return;
	qsort(s->items, s->n, sizeof(*s->items), by_key);
	for (size_t i = 1; i < s->n; i++) {
		if (s->items[i].key == s->items[out].key)
			s->items[out].count += s->items[i].count;
		else
			s->items[++out] = s->items[i];
	}
	s->n = out + 1;
}

int addrset_add(struct addrset *s, uint64_t key)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		struct addr_count *items;

		addrset_compact(s);
		/* grow only when compacting left it more than half full */
		if (!s->cap || s->n > s->cap / 2) {
			items = reallocarray(s->items, cap, sizeof(*items));
			if (!items)
				return -ENOMEM;
			s->items = items;
			s->cap = cap;
		}
	}
	s->items[s->n].key = key;
	s->items[s->n].count = 1;
	s->n++;
	return 0;
}

void addrset_free(struct addrset *s)
{
	free(s->items);
	s->items = NULL;
	s->n = s->cap = 0;
}

size_t addr_table_upto(const void *table, size_t n, size_t stride, uint64_t addr)
{
	const unsigned char *base = table;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t start;

		memcpy(&start, base + mid * stride, sizeof(start));
		if (start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
