// SPDX-License-Identifier: GPL-2.0-only
#include <stdbool.h>
#include <string.h>
#include "report/text_line.h"

static const char hex[] = "0123456789abcdef";

/* The byte b escaped into buf at n; n after it. */
static size_t escape_byte(unsigned char b, char *buf, size_t n)
{
	if (b >= 0x20 && b < 0x7f && b != '\\') {
		buf[n++] = (char)b;
	} else if (b != '\\') {
		buf[n++] = '\\';
		buf[n++] = 'x';
		buf[n++] = hex[b >> 4];
		buf[n++] = hex[b & 15];
	} else {
		buf[n++] = '\\';
		buf[n++] = '\\';
	}
	return n;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/*
 * Whether one of the 8 bytes of x needs escaping: below 0x20, above 0x7e or a backslash
 * (the tests of "Bit Twiddling Hacks": any byte less than, more than, equal to; exact for
 * "any", which is all this asks).
 */
static bool word_needs_escape(uint64_t x)
{
	uint64_t below = (x - ONES * 0x20) & ~x & HIGHS;
	uint64_t above = ((x + ONES * (127 - 0x7e)) | x) & HIGHS;
	uint64_t y = x ^ (ONES * '\\');
	uint64_t backslash = (y - ONES) & ~y & HIGHS;

	return below | above | backslash;
}

size_t text_escape(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = 0, left = strlen((const char *)p);
	uint64_t x;

	/*
	 * Eight plain bytes are copied at once (paths and names are mostly plain: this was an
	 * eighth of opensnoop's listing), where each would have fitted a byte at a time: byte k
	 * of them is written while n + k + 5 < len.
	 */
	while (left && n + 5 < len) {
		if (left >= 8 && n + 12 < len) {
			memcpy(&x, p, 8);
			if (!word_needs_escape(x)) {
				memcpy(buf + n, &x, 8);
				n += 8;
				p += 8;
				left -= 8;
				continue;
			}
		}
		n = escape_byte(*p++, buf, n);
		left--;
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

const char text_digit_pairs[201] = "0001020304050607080910111213141516171819"
				   "2021222324252627282930313233343536373839"
				   "4041424344454647484950515253545556575859"
				   "6061626364656667686970717273747576777879"
				   "8081828384858687888990919293949596979899";

size_t text_decimal_back(uint64_t v, char *end)
{
	char *p = end;

	/* two digits a division: a listing formats several numbers a row */
	for (; v >= 100; v /= 100) {
		p -= 2;
		memcpy(p, text_digit_pairs + 2 * (v % 100), 2);
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, text_digit_pairs + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	return (size_t)(end - p);
}

static size_t octal_of(uint64_t v, char out[24])
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + (v & 7));
		v >>= 3;
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
	size_t n = text_decimal_back(v, d + sizeof(d));

	put_field(l, d + sizeof(d) - n, n, width);
}

void text_line_s64(struct text_line *l, int64_t v, int width)
{
	char d[24];
	size_t n = text_decimal_back(v < 0 ? -(uint64_t)v : (uint64_t)v, d + sizeof(d));

	if (v < 0)
		d[sizeof(d) - ++n] = '-';
	put_field(l, d + sizeof(d) - n, n, width);
}

void text_line_oct(struct text_line *l, uint64_t v, int width)
{
	char d[24];
	size_t n = octal_of(v, d);

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
