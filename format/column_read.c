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
 * How many of the next n values of a PACK or DICT, the first at bit, one 8-byte load each
 * reads within the column: a value starts up to 7 bits into its first byte, so one load
 * holds it up to 56 bits wide, where 8 bytes are left from that byte.
 */
static uint32_t values_by_load(const struct column *col, size_t bit, uint32_t n)
{
	size_t bytes = (size_t)(col->end - col->p), last;
	uint64_t k;

	if (!col->width || col->width > 56 || bytes < 8)
		return 0;
	last = (bytes - 8) * 8 + 7; /* the last bit a value read by one load may start at */
	if (bit > last)
		return 0;
	k = (last - bit) / col->width + 1;
	return k < n ? (uint32_t)k : n;
}

/*
 * The next n values of a PACK (dict false) or DICT: those one load reads without a test of
 * the column's end (values_by_load()), then the rest a byte at a time. Inlined twice, with at
 * and without, so that the loop of each has no test of at. A DICT index past its dictionary
 * is counted, not branched on, and reads its first value meanwhile: EBR_E_CORRUPT after.
 */
static inline __attribute__((always_inline)) int
read_bits(struct column *col, const uint64_t *pool, uint64_t *dst, const uint32_t *at,
	  uint32_t n, bool dict)
{
	uint64_t mask = col->width >= 64 ? ~0ull : (1ull << col->width) - 1;
	uint32_t fast = values_by_load(col, col->bit, n), bad = 0, i = 0;
	const unsigned char *p = col->p;
	const uint64_t *values = dict ? pool + col->dict : NULL;
	uint64_t base = col->base, ndict = col->ndict;
	unsigned width = col->width, shift = col->shift;
	size_t bit = col->bit;

/* a value's bits k stored: a DICT's value (an index past it counted), or base + k << shift */
#define PUT_BITS(bits)                                                   \
	do {                                                             \
		uint64_t k = (bits);                                     \
									 \
		if (dict) {                                              \
			bad += k >= ndict;                               \
			COLUMN_PUT(i, values[k < ndict ? k : 0]);        \
		} else {                                                 \
			COLUMN_PUT(i, base + (k << shift));              \
		}                                                        \
	} while (0)
	for (; i < fast; i++, bit += width)
		PUT_BITS((get_le64(p + (bit >> 3)) >> (bit & 7)) & mask);
	for (; i < n; i++, bit += width)
		PUT_BITS(column_bits(p, bit, width));
#undef PUT_BITS
	col->bit = bit;
	return bad ? EBR_E_CORRUPT : 0;
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
			uint64_t base = col->base; /* not read again after each store to dst */

			if (at)
				for (uint32_t i = 0; i < n; i++)
					dst[at[i]] = base;
			else
				for (uint32_t i = 0; i < n; i++)
					dst[i] = base;
			break;
		}
		err = at ? read_bits(col, pool, dst, at, n, false)
			 : read_bits(col, pool, dst, NULL, n, false);
		break;
	case COL_DICT:
		err = at ? read_bits(col, pool, dst, at, n, true)
			 : read_bits(col, pool, dst, NULL, n, true);
		break;
	default:
		err = EBR_E_CORRUPT;
	}
	col->left -= n;
	return err;
}

#undef COLUMN_PUT

/* the values column_pass() reads at a time where it must read them */
#define PASS_CHUNK 512u

int column_pass(struct column *col, const uint64_t *pool, uint32_t n)
{
	uint64_t scratch[PASS_CHUNK];

	if (n > col->left)
		return EBR_E_CORRUPT;
	/*
	 * Any bits are a PACK's value, and a DICT's when its width cannot name an index past its
	 * dictionary: column_read() cannot fail on them, so they are stepped over, not read.
	 */
	if (col->method == COL_PACK ||
	    (col->method == COL_DICT && col->width < 32 && (1u << col->width) <= col->ndict)) {
		col->bit += (size_t)n * col->width;
		col->left -= n;
		return 0;
	}
	while (n) {
		uint32_t k = n < PASS_CHUNK ? n : PASS_CHUNK;

		if (column_read(col, pool, scratch, NULL, k))
			return EBR_E_CORRUPT;
		n -= k;
	}
	return 0;
}

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
	ebr_big_free(cb->tmp, cb->cap_tmp, sizeof(*cb->tmp));
	ebr_big_free(cb->at, cb->cap_at, sizeof(*cb->at));
	ebr_free(cb->first_at);
	ebr_free(cb->start);
	ebr_free(cb->work);
	ebr_free(cb->keep);
	switch_memory_release(&cb->switches);
	*cb = (struct column_block){ 0 };
}
