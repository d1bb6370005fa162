// SPDX-License-Identifier: BSD-2-Clause
/*
 * One column of an events block in columns (FORMAT.md "EVENTS in columns"), opened: its size
 * and method checked, so that column_next() (columns.h) reads within it without a test of
 * its own but the count of values left; and read whole, a loop a method.
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

/* where the i-th value goes: dst[at[i]], or dst[i] without at */
#define COLUMN_PUT(i, v) (dst[at ? at[i] : (i)] = (v))

/*
 * PACK and DICT's width bits from bit on, by one 8-byte load where the bytes allow it: a
 * value starts up to 7 bits into its first byte, so one load holds it up to 56 bits wide.
 */
static inline uint64_t column_bits_fast(const unsigned char *p, const unsigned char *end,
					size_t bit, unsigned width, uint64_t mask)
{
	if (width > 56 || (size_t)(end - p) < (bit >> 3) + 8)
		return column_bits(p, bit, width);
	return (get_le64(p + (bit >> 3)) >> (bit & 7)) & mask;
}

int column_read_all(const struct column *col, const uint64_t *pool, uint64_t *dst,
		    const uint32_t *at)
{
	uint32_t n = col->left;
	uint64_t mask = col->width >= 64 ? ~0ull : (1ull << col->width) - 1;
	struct cursor c = { col->p, col->end, 0 };
	uint64_t v = col->base;
	size_t bit = col->bit;

	switch (col->method) {
	case COL_VARINT:
		for (uint32_t i = 0; i < n; i++)
			COLUMN_PUT(i, cur_varint(&c));
		return c.err || c.p != c.end ? EBR_E_CORRUPT : 0;
	case COL_DELTA:
		for (uint32_t i = 0; i < n; i++) {
			v += (uint64_t)unzigzag(cur_varint(&c));
			COLUMN_PUT(i, v);
		}
		return c.err || c.p != c.end ? EBR_E_CORRUPT : 0;
	case COL_PACK:
		if (!col->width) { /* every value the base: most fields of a burst of one call */
			for (uint32_t i = 0; i < n; i++)
				COLUMN_PUT(i, v);
			return 0;
		}
		for (uint32_t i = 0; i < n; i++, bit += col->width)
			COLUMN_PUT(i, v + column_bits_fast(col->p, col->end, bit, col->width, mask));
		return 0;
	case COL_DICT:
		for (uint32_t i = 0; i < n; i++, bit += col->width) {
			uint64_t k = column_bits_fast(col->p, col->end, bit, col->width, mask);

			if (k >= col->ndict)
				return EBR_E_CORRUPT;
			COLUMN_PUT(i, pool[col->dict + k]);
		}
		return 0;
	default:
		return EBR_E_CORRUPT;
	}
}

#undef COLUMN_PUT

void column_block_release(struct column_block *cb)
{
	ebr_free(cb->cols);
	ebr_free(cb->type);
	ebr_free(cb->first);
	ebr_free(cb->n);
	ebr_free(cb->cpu);
	ebr_free(cb->ts);
	ebr_free(cb->dict);
	ebr_free(cb->tmp);
	ebr_free(cb->at);
	ebr_free(cb->start);
	*cb = (struct column_block){ 0 };
}
