// SPDX-License-Identifier: GPL-2.0-only
/* report/membuf.h: an in-memory FILE whose failure to grow is a write error. */
#include <stdlib.h>
#include <string.h>
#include "report/membuf.h"
#include "format/mem.h"

static ssize_t membuf_write(void *cookie, const char *buf, size_t n)
{
	struct membuf *b = cookie;

	if (n + 1 > b->cap - b->len || !b->data) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap - b->len < n + 1) {
			if (cap > ((size_t)-1) / 2)
				return 0;
			cap *= 2;
		}
		p = ebr_realloc(b->data, cap);
		if (!p)
			return 0; /* nothing written: the stream's error flag is set */
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, buf, n);
	b->len += n;
	b->data[b->len] = 0;
	return (ssize_t)n;
}

/* only where it is (ftell(): the bytes written so far), for json_array_cap_bytes() */
static int membuf_seek(void *cookie, off64_t *offset, int whence)
{
	const struct membuf *b = cookie;

	if (whence != SEEK_CUR || *offset)
		return -1;
	*offset = (off64_t)b->len;
	return 0;
}

FILE *membuf_open(struct membuf *b)
{
	cookie_io_functions_t io = { .write = membuf_write, .seek = membuf_seek };

	return fopencookie(b, "w", io);
}
