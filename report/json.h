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
};

void json_init(struct json *j, FILE *f);
/* key is NULL inside arrays and at the top level */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_strn(struct json *j, const char *key, const char *val, size_t len);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_s64(struct json *j, const char *key, int64_t v);
void json_double(struct json *j, const char *key, double v, int decimals);
void json_bool(struct json *j, const char *key, bool v);
/* ends the document with a newline */
void json_finish(struct json *j);

#endif
