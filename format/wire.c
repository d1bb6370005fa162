// SPDX-License-Identifier: BSD-2-Clause
#include <stdlib.h>
#include "wire.h"
#include "format/mem.h"

int wbuf_grow(struct wbuf *b, size_t extra)
{
	size_t cap;
	unsigned char *p;

	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + extra)
		cap *= 2;
	p = ebr_realloc(b->p, cap);
	if (!p) {
		b->err = EBR_E_NOMEM;
		return b->err;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void wbuf_release(struct wbuf *b)
{
	ebr_free(b->p);
	memset(b, 0, sizeof(*b));
}
