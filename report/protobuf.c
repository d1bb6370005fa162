// SPDX-License-Identifier: GPL-2.0-only
/* The protobuf wire-format writer: report/protobuf.h. */
#include <stdlib.h>
#include <string.h>
#include "format/ebr.h"
#include "report/protobuf.h"

enum { PB_WIRE_VARINT = 0, PB_WIRE_I64 = 1, PB_WIRE_LEN = 2 };

size_t pb_encode_varint(uint64_t v, uint8_t out[10])
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

static int reserve(struct pb *m, size_t more)
{
	size_t cap = m->cap ? m->cap : 256;
	uint8_t *buf;

	if (m->err)
		return m->err;
	if (m->len + more <= m->cap)
		return 0;
	while (cap < m->len + more)
		cap *= 2;
	buf = realloc(m->buf, cap);
	if (!buf)
		return m->err = EBR_E_NOMEM;
	m->buf = buf;
	m->cap = cap;
	return 0;
}

static void put_raw_varint(struct pb *m, uint64_t v)
{
	if (reserve(m, 10))
		return;
	m->len += pb_encode_varint(v, m->buf + m->len);
}

static void put_tag(struct pb *m, uint32_t field, unsigned wire)
{
	put_raw_varint(m, (uint64_t)field << 3 | wire);
}

void pb_varint(struct pb *m, uint32_t field, uint64_t v)
{
	put_tag(m, field, PB_WIRE_VARINT);
	put_raw_varint(m, v);
}

void pb_sint(struct pb *m, uint32_t field, int64_t v)
{
	pb_varint(m, field, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void pb_fixed64(struct pb *m, uint32_t field, uint64_t v)
{
	put_tag(m, field, PB_WIRE_I64);
	if (reserve(m, 8))
		return;
	for (int i = 0; i < 8; i++)
		m->buf[m->len++] = (uint8_t)(v >> (8 * i)); /* little-endian */
}

void pb_double(struct pb *m, uint32_t field, double v)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof(bits));
	pb_fixed64(m, field, bits);
}

void pb_bytes(struct pb *m, uint32_t field, const void *data, size_t len)
{
	put_tag(m, field, PB_WIRE_LEN);
	put_raw_varint(m, len);
	pb_raw(m, data, len);
}

void pb_raw(struct pb *m, const void *fields, size_t len)
{
	if (!len || reserve(m, len))
		return;
	memcpy(m->buf + m->len, fields, len);
	m->len += len;
}

void pb_str(struct pb *m, uint32_t field, const char *s)
{
	pb_bytes(m, field, s ? s : "", s ? strlen(s) : 0);
}

void pb_begin(struct pb *m, uint32_t field)
{
	if (m->err)
		return;
	if (m->depth == PB_MAX_DEPTH) {
		m->err = EBR_E_INVALID;
		return;
	}
	put_tag(m, field, PB_WIRE_LEN);
	m->open[m->depth++] = m->len;
}

void pb_end(struct pb *m)
{
	uint8_t len[10];
	size_t start, body, n;

	if (m->err)
		return;
	if (!m->depth) {
		m->err = EBR_E_INVALID;
		return;
	}
	start = m->open[--m->depth];
	body = m->len - start;
	n = pb_encode_varint(body, len);
	if (reserve(m, n))
		return;
	memmove(m->buf + start + n, m->buf + start, body);
	memcpy(m->buf + start, len, n);
	m->len += n;
}

void pb_packed_varints(struct pb *m, uint32_t field, const uint64_t *v, size_t n)
{
	if (!n)
		return;
	pb_begin(m, field);
	for (size_t i = 0; i < n; i++)
		put_raw_varint(m, v[i]);
	pb_end(m);
}

int pb_error(const struct pb *m)
{
	return m->err ? m->err : m->depth ? EBR_E_INVALID : 0;
}

void pb_reset(struct pb *m)
{
	m->len = 0;
	m->depth = 0;
	m->err = 0;
}

void pb_release(struct pb *m)
{
	free(m->buf);
	memset(m, 0, sizeof(*m));
}
