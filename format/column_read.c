// SPDX-License-Identifier: BSD-2-Clause
/*
 * One column of an events block in columns (FORMAT.md "EVENTS in columns"), opened: its size
 * and method checked, so that column_next() (columns.h) reads within it without a test of
 * its own but the count of values left; and read many values at a time (column_read()).
 */
#include <stdbool.h>
#include "columns.h"
#include "format/mem.h"

int column_open(struct column *col, struct cursor *c, uint32_t n, bool v1_8, uint64_t **pool,
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
	case COL_PACK_SHIFT:
		if (!v1_8)
			return EBR_E_CORRUPT;
		/* a PACK whose bits are shifted: read as one */
		col->method = COL_PACK;
		col->base = cur_varint(&b);
		col->shift = (uint8_t)cur_varint_max(&b, 63);
		break;
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
	col->width = (uint8_t)cur_varint_max(&b, 64u - col->shift);
	/* the bits of n values, to the byte: no more, no less */
	if (b.err || cur_left(&b) != ((uint64_t)n * col->width + 7) / 8)
		return EBR_E_CORRUPT;
	col->p = b.p;
	col->end = b.end;
	return 0;
}

/* width bits from bit on, a byte at a time */
static uint64_t column_bits(const unsigned char *p, size_t bit, unsigned width)
{
	uint64_t v = 0;
	size_t at = bit >> 3;
	unsigned shift = bit & 7, got = 0;

	while (got < width) {
		v |= (uint64_t)(p[at++] >> shift) << got;
		got += 8 - shift;
		shift = 0;
	}
	return width == 64 ? v : v & ((1ull << width) - 1);
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

/*
 * A varint from p, which has 10 bytes at least after it: no test of the end a byte. NULL for
 * a varint of more than 10 bytes or over 64 bits, as cur_varint() refuses.
 */
static inline const unsigned char *varint_within(const unsigned char *p, uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned shift = 0; shift < 63; shift += 7) {
		unsigned char byte = *p++;

		x |= (uint64_t)(byte & 0x7f) << shift;
		if (byte < 0x80) {
			*v = x;
			return p;
		}
	}
	if (*p > 1) /* the 10th byte holds bit 63 alone */
		return NULL;
	*v = x | (uint64_t)*p << 63;
	return p + 1;
}

/* The next n varints of a VARINT or DELTA column, into dst as COLUMN_PUT() says. */
static int read_varints(struct column *col, uint64_t *dst, const uint32_t *at, uint32_t n)
{
	const unsigned char *p = col->p;
	bool delta = col->method == COL_DELTA;
	uint64_t base = col->base, x;
	uint32_t i = 0;

	/* most values are far from the column's end: no test of it a byte */
	for (; i < n && col->end - p >= 10; i++) {
		if (*p < 0x80)
			x = *p++;
		else if (!(p = varint_within(p, &x)))
			return EBR_E_CORRUPT;
		if (delta)
			x = base += (uint64_t)unzigzag(x);
		COLUMN_PUT(i, x);
	}
	for (; i < n; i++) {
		struct cursor c = { p, col->end, 0 };

		x = cur_varint(&c);
		if (c.err)
			return EBR_E_CORRUPT;
		p = c.p;
		if (delta)
			x = base += (uint64_t)unzigzag(x);
		COLUMN_PUT(i, x);
	}
	col->p = p;
	col->base = base;
	return 0;
}

int column_read(struct column *col, const uint64_t *pool, uint64_t *dst, const uint32_t *at,
		uint32_t n)
{
	uint64_t mask = col->width >= 64 ? ~0ull : (1ull << col->width) - 1;
	size_t bit = col->bit;
	int err = 0;

	if (n > col->left)
		return EBR_E_CORRUPT;
	switch (col->method) {
	case COL_VARINT:
	case COL_DELTA:
		err = read_varints(col, dst, at, n);
		break;
	case COL_PACK:
		if (!col->width) { /* every value the base: most fields of a burst of one call */
			for (uint32_t i = 0; i < n; i++)
				COLUMN_PUT(i, col->base);
			break;
		}
		for (uint32_t i = 0; i < n; i++, bit += col->width)
			COLUMN_PUT(i, col->base + (column_bits_fast(col->p, col->end, bit,
								    col->width, mask)
						   << col->shift));
		break;
	case COL_DICT:
		for (uint32_t i = 0; i < n && !err; i++, bit += col->width) {
			uint64_t k = column_bits_fast(col->p, col->end, bit, col->width, mask);

			if (k >= col->ndict)
				err = EBR_E_CORRUPT;
			else
				COLUMN_PUT(i, pool[col->dict + k]);
		}
		break;
	default:
		err = EBR_E_CORRUPT;
	}
	col->bit = bit;
	col->left -= n;
	return err;
}

#undef COLUMN_PUT

uint32_t column_values_bound(const struct column *col)
{
	switch (col->method) {
	case COL_PACK:
		return col->width < 32 && (1u << col->width) < col->left ? 1u << col->width
									 : col->left;
	case COL_DICT:
		return col->ndict < col->left ? col->ndict : col->left;
	default: /* a value a byte at least, which column_open() checked */
		return col->left;
	}
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
	ebr_free(cb->tmp);
	ebr_free(cb->at);
	ebr_free(cb->first_at);
	ebr_free(cb->start);
	ebr_free(cb->work);
	switch_memory_release(&cb->switches);
	*cb = (struct column_block){ 0 };
}
