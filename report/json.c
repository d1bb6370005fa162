// SPDX-License-Identifier: GPL-2.0-only
#include <math.h>
#include <string.h>
#include "report/json.h"
#include "report/text_line.h"
#include "report/utf8.h"

void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* bytes that go out as they are: printable ASCII but the quote, the backslash and markup */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
}

static void put_string(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc_unlocked('"', f);
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t len;

		if (plain(c)) { /* a run of them in one write: a listing is mostly these */
			for (len = 1; i + len < n && plain(s[i + len]); len++)
				;
			fwrite_unlocked(s + i, 1, len, f);
			i += len;
		} else if (c == '"' || c == '\\') {
			fputc_unlocked('\\', f);
			fputc_unlocked(c, f);
			i++;
		} else if (c == '\n') {
			fputs_unlocked("\\n", f);
			i++;
		} else if (c == '\t') {
			fputs_unlocked("\\t", f);
			i++;
		} else if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&') {
			fprintf(f, "\\u%04x", c);
			i++;
		} else if ((len = utf8_seq(s + i, n - i, &cp)) == 0) {
			fprintf(f, "\\u%04x", c); /* the byte, read as Latin-1 */
			i++;
		} else if (utf8_is_control(cp)) {
			fprintf(f, "\\u%04x", cp); /* valid, but a control: named, never acted on */
			i += len;
		} else {
			fwrite_unlocked(s + i, 1, len, f);
			i += len;
		}
	}
	fputc_unlocked('"', f);
}

/* printf's "%llu" (with a '-' when negative) without its format parsing */
static void put_u64(FILE *f, uint64_t v, bool negative)
{
	char d[24];
	size_t n = sizeof(d) - text_decimal_back(v, d + sizeof(d));

	if (negative)
		d[--n] = '-';
	fwrite_unlocked(d + n, 1, sizeof(d) - n, f);
}

/* true when this item is to be dropped: inside a dropped item, or past a capped array's cap */
static bool dropped(struct json *j)
{
	if (j->mute)
		return true;
	if (j->cap && j->depth == j->cap_depth) {
		long at = j->cap_bytes ? ftell(j->f) : -1;

		if (j->cap_items >= j->cap ||
		    (at >= 0 && (uint64_t)(at - j->cap_start) >= j->cap_bytes)) {
			j->cap_dropped++;
			return true;
		}
		j->cap_items++;
	}
	return false;
}

static void item(struct json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->has_items[j->depth])
			fputc_unlocked(',', j->f);
		j->has_items[j->depth] = true;
	}
	if (key) {
		put_string(j->f, key, strlen(key));
		fputc_unlocked(':', j->f);
	}
}

static void open_scope(struct json *j, const char *key, char c)
{
	if (dropped(j)) {
		j->mute++;
		return;
	}
	item(j, key);
	fputc_unlocked(c, j->f);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->has_items[j->depth] = false;
	j->rows_depths &= ~(1u << j->depth);
	if (c == '[' && j->tag_key && key && !strcmp(key, "rows"))
		j->rows_depths |= 1u << j->depth;
}

static void close_scope(struct json *j, char c)
{
	if (j->mute) {
		j->mute--;
		return;
	}
	if (j->cap && j->depth == j->cap_depth)
		j->cap = 0; /* the capped array ends */
	fputc_unlocked(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void json_object_begin(struct json *j, const char *key)
{
	int mute = j->mute;

	open_scope(j, key, '{');
	/* a row (or a top-level object) opened, not dropped: its tag first */
	if (j->tag_key && !key && j->mute == mute &&
	    ((j->rows_depths >> (j->depth - 1) & 1) || (j->tag_top && j->depth == 1)))
		json_str(j, j->tag_key, j->tag_val);
}

void json_object_end(struct json *j)
{
	close_scope(j, '}');
}

void json_array_begin(struct json *j, const char *key)
{
	open_scope(j, key, '[');
}

void json_array_end(struct json *j)
{
	close_scope(j, ']');
}

void json_array_begin_capped(struct json *j, const char *key, uint64_t cap)
{
	open_scope(j, key, '[');
	if (j->mute)
		return;
	j->cap = cap;
	j->cap_depth = j->depth;
	j->cap_items = j->cap_dropped = j->cap_bytes = 0;
}

void json_array_cap_bytes(struct json *j, uint64_t bytes)
{
	if (j->mute || !j->cap)
		return;
	j->cap_start = ftell(j->f);
	j->cap_bytes = j->cap_start >= 0 ? bytes : 0;
}

void json_tag_rows(struct json *j, const char *key, const char *val, bool top)
{
	j->tag_key = key;
	j->tag_val = val;
	j->tag_top = top;
}

uint64_t json_array_dropped(const struct json *j)
{
	return j->cap_dropped;
}

void json_strn(struct json *j, const char *key, const char *val, size_t len)
{
	if (dropped(j))
		return;
	item(j, key);
	put_string(j->f, val ? val : "", val ? len : 0);
}

void json_str(struct json *j, const char *key, const char *val)
{
	json_strn(j, key, val, val ? strlen(val) : 0);
}

void json_raw(struct json *j, const char *text, size_t len)
{
	if (dropped(j))
		return;
	item(j, NULL);
	fwrite(text, 1, len, j->f);
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	if (dropped(j))
		return;
	item(j, key);
	put_u64(j->f, v, false);
}

void json_s64(struct json *j, const char *key, int64_t v)
{
	if (dropped(j))
		return;
	item(j, key);
	put_u64(j->f, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

void json_double(struct json *j, const char *key, double v, int decimals)
{
	if (dropped(j))
		return;
	item(j, key);
	if (isfinite(v))
		fprintf(j->f, "%.*f", decimals, v);
	else
		fputs("null", j->f);
}

void json_bool(struct json *j, const char *key, bool v)
{
	if (dropped(j))
		return;
	item(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_finish(struct json *j)
{
	fputc('\n', j->f);
}
