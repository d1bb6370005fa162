/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A streaming JSON writer. Every string is escaped to valid JSON whatever bytes it holds
 * (trace contents are attacker-controlled): invalid UTF-8 becomes \u00XX, and '<', '>' and
 * '&' are escaped so the output can be embedded in HTML as it is.
 */
#ifndef EBREC_REPORT_JSON_H
#define EBREC_REPORT_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *f;
	int depth;
	bool has_items[JSON_MAX_DEPTH];
	bool pretty;
	/* json_array_begin_capped(): items past cap in the array at cap_depth are dropped */
	int cap_depth;
	uint64_t cap, cap_items, cap_dropped;
	uint64_t cap_bytes; /* json_array_cap_bytes(): and past this many bytes of the array */
	long cap_start;
	int mute; /* scopes open inside a dropped item */
	/* json_tag_rows(): objects in arrays named "rows" begin with tag_key: tag_val */
	const char *tag_key, *tag_val;
	bool tag_top;        /* and the objects at the top level (held rows, view_rows.c) */
	uint32_t rows_depths; /* bit d: the array open at depth d is named "rows" */
};

void json_init(struct json *j, FILE *f);
/* key is NULL inside arrays and at the top level */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
/*
 * An array that keeps its first cap items (0: all) and drops the rest, counting them: the HTML
 * report embeds a listing's first rows, not a million. One capped array at a time.
 */
void json_array_begin_capped(struct json *j, const char *key, uint64_t cap);
/*
 * The capped array just begun also drops the items that begin past bytes of it (the page's
 * budget: long command lines must not make a listing tens of MB). Needs a stream ftell() can
 * tell (a file, a membuf); elsewhere only the count caps.
 */
void json_array_cap_bytes(struct json *j, uint64_t bytes);
/*
 * From now on every object that is an item of an array named "rows" (a row of a listing or a
 * table), and with top every object at the top level, begins with key: val (--by-host's
 * "host"). The strings are not copied: they must outlive the writing.
 */
void json_tag_rows(struct json *j, const char *key, const char *val, bool top);
/* items the last capped array dropped */
uint64_t json_array_dropped(const struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_strn(struct json *j, const char *key, const char *val, size_t len);
/* a value that is already JSON (written by this writer), inside an array */
void json_raw(struct json *j, const char *text, size_t len);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_s64(struct json *j, const char *key, int64_t v);
void json_double(struct json *j, const char *key, double v, int decimals);
void json_bool(struct json *j, const char *key, bool v);
/* ends the document with a newline */
void json_finish(struct json *j);

#endif
