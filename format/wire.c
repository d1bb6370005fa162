// SPDX-License-Identifier: BSD-2-Clause
#include <stdlib.h>
#include "wire.h"
#include "format/mem.h"

int array_grow(void **p, size_t *cap, size_t need, size_t elem, size_t first)
{
	size_t n = *cap ? *cap : first;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = ebr_realloc(*p, n * elem);
	if (!q)
		return EBR_E_NOMEM;
	*p = q;
	*cap = n;
	return 0;
}

int wbuf_grow(struct wbuf *b, size_t extra)
{
	if (array_grow((void **)&b->p, &b->cap, b->len + extra, 1, 4096))
		b->err = EBR_E_NOMEM;
	return b->err;
}

void wbuf_release(struct wbuf *b)
{
	ebr_free(b->p);
	memset(b, 0, sizeof(*b));
}
