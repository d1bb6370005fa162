/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One row of a text listing, built in memory and written with one fwrite. For a listing of
 * a million rows, printf's parsing of its format costs more than reading the trace does.
 * Widths follow printf: positive pads on the left (right-justified), negative on the right.
 */
#ifndef EBREC_REPORT_TEXT_LINE_H
#define EBREC_REPORT_TEXT_LINE_H

#include <stdint.h>
#include <stdio.h>
#include "analyze/proc.h"

/* The room text_escape() needs for n bytes: each may become a 4-byte \xNN; then the NUL. */
#define TEXT_SAFE_SIZE(n) (4 * (n) + 1)

/* The longest row: short columns, then one escaped absolute path (opensnoop's). */
#define TEXT_LINE_MAX (TEXT_SAFE_SIZE(PROC_PATH_MAX) + 255)

struct text_line {
	size_t len;
	char buf[TEXT_LINE_MAX];
};

static inline void text_line_reset(struct text_line *l)
{
	l->len = 0;
}

void text_line_char(struct text_line *l, char c);
void text_line_u64(struct text_line *l, uint64_t v, int width);
void text_line_s64(struct text_line *l, int64_t v, int width);
/* zero-padded octal, as %0<width>o */
void text_line_oct(struct text_line *l, uint64_t v, int width);
/* s as text_safe(s, buf, room) would make it, then padded on the right to -width (width <= 0) */
void text_line_safe(struct text_line *l, const char *s, size_t room, int width);
/* the line and a newline; returns fwrite's failure as -1 */
int text_line_write(struct text_line *l, FILE *f);

/* "00" "01" .. "99": the two digits of n at 2 * n */
extern const char text_digit_pairs[201];

/* v in decimal, its last digit at end[-1]: the digits written, backwards from end (at most 20) */
size_t text_decimal_back(uint64_t v, char *end);

/* text_safe's escaping of s into buf (of len bytes, len >= 1); the bytes written, NUL apart */
size_t text_escape(const char *s, char *buf, size_t len);

#endif
