// SPDX-License-Identifier: BSD-2-Clause
/*
 * One column of an events block in columns (FORMAT.md "EVENTS in columns"), opened: its size
 * and method checked, so that column_next() (columns.h) reads within it without a test of
 * its own but the count of values left.
 */
#include "columns.h"
#include "format/mem.h"

int column_open(struct column *col, struct cursor *c, uint32_t n, uint64_t **pool,
		size_t *pool_len, size_t *pool_cap)
{
	uint64_t size = cur_varint(c);
	const unsigned char *p = cur_bytes(c, (size_t)size);
	struct cursor b;
	uint64_t nd = 0;

	if (!p || !size)
		return EBR_E_CORRUPT;
	b = (struct cursor){ p + 1, p + size, 0 };
	*col = (struct column){ .method = p[0], .left = n };
	switch (col->method) {
	case COL_VARINT:
	case COL_DELTA:
		/* each value takes a byte at least: more values than bytes is a lie */
		if (n > cur_left(&b))
			return EBR_E_CORRUPT;
		col->p = b.p;
		col->end = b.end;
		return 0;
	case COL_PACK:
		col->base = cur_varint(&b);
		break;
	case COL_DICT:
		nd = cur_varint(&b);
		/* a value a byte at least; none unless there are indexes to name them */
		if (b.err || !nd || nd > n || nd > cur_left(&b))
			return EBR_E_CORRUPT;
		if (array_grow((void **)pool, pool_cap, *pool_len + nd, sizeof(**pool), 256))
			return EBR_E_NOMEM;
		col->dict = *pool_len;
		col->ndict = (uint32_t)nd;
		for (uint64_t i = 0; i < nd; i++)
			(*pool)[(*pool_len)++] = cur_varint(&b);
		break;
	default:
		return EBR_E_CORRUPT;
	}
	col->width = (uint8_t)cur_varint_max(&b, 64);
	/* the bits of n values, to the byte: no more, no less */
	if (b.err || cur_left(&b) != ((uint64_t)n * col->width + 7) / 8)
		return EBR_E_CORRUPT;
	col->p = b.p;
	col->end = b.end;
	return 0;
}

void column_block_release(struct column_block *cb)
{
	ebr_free(cb->cols);
	ebr_free(cb->type);
	ebr_free(cb->first);
	ebr_free(cb->n);
	ebr_free(cb->cpu);
	ebr_free(cb->ts);
	ebr_free(cb->dict);
	*cb = (struct column_block){ 0 };
}
