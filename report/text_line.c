// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>
#include "report/text_line.h"

static const char hex[] = "0123456789abcdef";

size_t text_escape(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = 0;

	for (; *p && n + 5 < len; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\') {
			buf[n++] = (char)*p;
		} else if (*p != '\\') {
			buf[n++] = '\\';
			buf[n++] = 'x';
			buf[n++] = hex[*p >> 4];
			buf[n++] = hex[*p & 15];
		} else {
			buf[n++] = '\\';
			buf[n++] = '\\';
		}
	}
	buf[n] = 0;
	return n;
}

/* room left for text, keeping one byte for the newline */
static size_t room_of(const struct text_line *l)
{
	return TEXT_LINE_MAX - 1 - l->len;
}

static void pad(struct text_line *l, char c, size_t n)
{
	if (n > room_of(l))
		n = room_of(l);
	memset(l->buf + l->len, c, n);
	l->len += n;
}

/* digits (already formatted, at most 24) placed by width as printf would */
static void put_field(struct text_line *l, const char *digits, size_t n, int width)
{
	size_t w = (size_t)(width < 0 ? -width : width);

	if (width > 0 && w > n)
		pad(l, ' ', w - n);
	if (n > room_of(l))
		n = room_of(l);
	memcpy(l->buf + l->len, digits, n);
	l->len += n;
	if (width < 0 && w > n)
		pad(l, ' ', w - n);
}

static size_t digits_of(uint64_t v, unsigned base, char out[24])
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = hex[v % base];
		v /= base;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

void text_line_char(struct text_line *l, char c)
{
	if (room_of(l))
		l->buf[l->len++] = c;
}

void text_line_u64(struct text_line *l, uint64_t v, int width)
{
	char d[24];

	put_field(l, d, digits_of(v, 10, d), width);
}

void text_line_s64(struct text_line *l, int64_t v, int width)
{
	char d[24];
	size_t n = 0;

	if (v < 0)
		d[n++] = '-';
	n += digits_of(v < 0 ? -(uint64_t)v : (uint64_t)v, 10, d + n);
	put_field(l, d, n, width);
}

void text_line_oct(struct text_line *l, uint64_t v, int width)
{
	char d[24];
	size_t n = digits_of(v, 8, d);

	if (width > 0 && (size_t)width > n)
		pad(l, '0', (size_t)width - n);
	put_field(l, d, n, 0);
}

void text_line_safe(struct text_line *l, const char *s, size_t room, int width)
{
	size_t n;

	if (room > room_of(l) + 1)
		room = room_of(l) + 1;
	n = text_escape(s, l->buf + l->len, room);
	l->len += n;
	if (width < 0 && (size_t)-width > n)
		pad(l, ' ', (size_t)-width - n);
}

int text_line_write(struct text_line *l, FILE *f)
{
	l->buf[l->len++] = '\n';
	/* unlocked: a report writes from one thread, and the lock was a tenth of a listing */
	return fwrite_unlocked(l->buf, 1, l->len, f) == l->len ? 0 : -1;
}
