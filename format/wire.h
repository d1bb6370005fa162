/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to format/: the byte-level encoding of FORMAT.md ("Integers") — a growable output
 * buffer for the writer and a bounds-checked cursor for the reader. The cursor never reads
 * past its end: a short or malformed input sets a sticky error and yields zeros.
 */
#ifndef EBREC_FORMAT_WIRE_H
#define EBREC_FORMAT_WIRE_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include "ebr.h"

struct wbuf {
	unsigned char *p;
	size_t len, cap;
	int err; /* sticky: EBR_E_NOMEM */
};

/*
 * Room for need elements of elem bytes in *p, of *cap now: doubled from first (or from *cap)
 * until it fits, so that a buffer grown an element at a time is copied O(log n) times.
 * 0 or EBR_E_NOMEM (*p and *cap are then unchanged).
 */
int array_grow(void **p, size_t *cap, size_t need, size_t elem, size_t first);

int wbuf_grow(struct wbuf *b, size_t extra);

/* room for extra more bytes; the sticky error if there is none */
static inline int wbuf_reserve(struct wbuf *b, size_t extra)
{
	if (b->err)
		return b->err;
	return b->len + extra <= b->cap ? 0 : wbuf_grow(b, extra);
}
void wbuf_release(struct wbuf *b);

static inline void wbuf_put(struct wbuf *b, const void *src, size_t n)
{
	if (!n) /* src may be NULL then, which memcpy does not allow */
		return;
	if (wbuf_reserve(b, n))
		return;
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

static inline void wbuf_varint(struct wbuf *b, uint64_t v)
{
	if (wbuf_reserve(b, 10))
		return;
	while (v >= 0x80) {
		b->p[b->len++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	b->p[b->len++] = (unsigned char)v;
}

static inline uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static inline void wbuf_str(struct wbuf *b, const char *s, size_t n)
{
	wbuf_varint(b, n);
	wbuf_put(b, s, n);
}

static inline void put_le16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static inline void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline void put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint16_t get_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get_le64(const unsigned char *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

/* The SCHEMA entries of the compiled-in types (FORMAT.md "SCHEMA"), after their count. */
/* One type of a SCHEMA block's list, under id; every compiled-in type (FORMAT.md "SCHEMA"). */
void wbuf_schema_type(struct wbuf *b, uint32_t id, const struct ebr_event_def *d);
void wbuf_schema_types(struct wbuf *b);

struct cursor {
	const unsigned char *p, *end;
	int err; /* sticky: EBR_E_CORRUPT */
};

static inline size_t cur_left(const struct cursor *c)
{
	return (size_t)(c->end - c->p);
}

static inline uint64_t cur_varint(struct cursor *c)
{
	uint64_t v = 0;

	/* most fields of most events are one byte */
	if (c->p < c->end && !(*c->p & 0x80))
		return *c->p++;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (c->p >= c->end) {
			c->err = EBR_E_CORRUPT;
			return 0;
		}
		unsigned char byte = *c->p++;

		/* the 10th byte holds bit 63 alone: more would be a value over 64 bits */
		if (shift == 63 && byte > 1)
			break;
		v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return v;
	}
	c->err = EBR_E_CORRUPT; /* more than 10 bytes, or over 64 bits */
	return 0;
}

/* A varint that must be <= max; otherwise the cursor fails. */
static inline uint64_t cur_varint_max(struct cursor *c, uint64_t max)
{
	uint64_t v = cur_varint(c);

	if (v > max) {
		c->err = EBR_E_CORRUPT;
		return 0;
	}
	return v;
}

/* n bytes, or NULL (and the error set) when fewer are left. */
static inline const unsigned char *cur_bytes(struct cursor *c, size_t n)
{
	const unsigned char *p = c->p;

	if (n > cur_left(c)) {
		c->err = EBR_E_CORRUPT;
		c->p = c->end;
		return NULL;
	}
	c->p += n;
	return p;
}

#endif /* EBREC_FORMAT_WIRE_H */
