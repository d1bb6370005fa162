// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exports' protobuf writer (report/protobuf.c), byte for byte against encodings worked out
 * from the wire-format specification (protobuf.dev, "Encoding"), and read back by a decoder
 * written here from the same specification; and the id table (report/idtab.c).
 */
#include <stdlib.h>
#include <string.h>
#include "format/ebr.h"
#include "report/idtab.h"
#include "report/protobuf.h"
#include "tests/unit/check.h"

static int same(const struct pb *m, const void *want, size_t len)
{
	return !pb_error(m) && m->len == len && !memcmp(m->buf, want, len);
}

static void test_varints_as_the_spec_encodes_them(void)
{
	struct pb m = { 0 };
	uint8_t out[10];

	/* the spec's examples: 1 is 08 01 as field 1; 150 is 96 01 */
	pb_varint(&m, 1, 150);
	CHECK(same(&m, "\x08\x96\x01", 3));
	pb_reset(&m);
	pb_varint(&m, 2, 0);
	CHECK(same(&m, "\x10\x00", 2));
	CHECK_EQ(pb_encode_varint(UINT64_MAX, out), 10);
	CHECK_EQ(out[9], 1);
	/* an int64 of -2 is ten bytes; sint64 -2 is zigzag 3 */
	pb_reset(&m);
	pb_varint(&m, 1, (uint64_t)-2);
	CHECK_EQ(m.len, 11);
	pb_reset(&m);
	pb_sint(&m, 1, -2);
	CHECK(same(&m, "\x08\x03", 2));
	/* a field number past 15 takes two bytes of tag: field 16, varint -> 80 01 */
	pb_reset(&m);
	pb_varint(&m, 16, 1);
	CHECK(same(&m, "\x80\x01\x01", 3));
	pb_release(&m);
}

static void test_length_delimited_and_fixed(void)
{
	struct pb m = { 0 };
	uint64_t v[] = { 3, 270, 86942 };

	/* the spec's string: field 2 "testing" = 12 07 74 65 73 74 69 6e 67 */
	pb_str(&m, 2, "testing");
	CHECK(same(&m, "\x12\x07testing", 9));
	/* its packed example: field 4 [3, 270, 86942] = 22 06 03 8E 02 9E A7 05 */
	pb_reset(&m);
	pb_packed_varints(&m, 4, v, 3);
	CHECK(same(&m, "\x22\x06\x03\x8e\x02\x9e\xa7\x05", 8));
	pb_reset(&m);
	pb_fixed64(&m, 1, 0x0102030405060708ull);
	CHECK(same(&m, "\x09\x08\x07\x06\x05\x04\x03\x02\x01", 9));
	pb_reset(&m);
	pb_double(&m, 1, 1.0); /* 0x3ff0000000000000 */
	CHECK(same(&m, "\x09\x00\x00\x00\x00\x00\x00\xf0\x3f", 9));
	pb_reset(&m);
	pb_bytes(&m, 3, NULL, 0);
	CHECK(same(&m, "\x1a\x00", 2));
	/* fields encoded elsewhere join a message as they are */
	pb_reset(&m);
	pb_begin(&m, 1);
	pb_raw(&m, "\x08\x96\x01", 3);
	pb_end(&m);
	CHECK(same(&m, "\x0a\x03\x08\x96\x01", 5));
	pb_release(&m);
}

static void test_nested_messages_get_their_lengths(void)
{
	struct pb m = { 0 };
	char big[300];

	/* the spec's embedded message: field 3 { 1: 150 } = 1a 03 08 96 01 */
	pb_begin(&m, 3);
	pb_varint(&m, 1, 150);
	pb_end(&m);
	CHECK(same(&m, "\x1a\x03\x08\x96\x01", 5));
	/* a body of 128 bytes or more needs a two-byte length: the body moves up */
	pb_reset(&m);
	memset(big, 'x', sizeof(big));
	pb_begin(&m, 1);
	pb_begin(&m, 2);
	pb_bytes(&m, 3, big, sizeof(big));
	pb_end(&m);
	pb_end(&m);
	CHECK(!pb_error(&m));
	/* 1 { 2 { 3: 300 bytes } }: 0a, len(306), 12, len(303), 1a, ac 02, bytes */
	CHECK_EQ(m.len, 1 + 2 + 1 + 2 + 1 + 2 + 300);
	CHECK(!memcmp(m.buf, "\x0a\xb2\x02\x12\xaf\x02\x1a\xac\x02xxx", 12));
	pb_release(&m);
}

static void test_unbalanced_and_too_deep_messages_are_errors(void)
{
	struct pb m = { 0 };

	pb_begin(&m, 1);
	CHECK_EQ(pb_error(&m), EBR_E_INVALID); /* still open */
	pb_end(&m);
	CHECK_EQ(pb_error(&m), 0);
	pb_end(&m);
	CHECK_EQ(pb_error(&m), EBR_E_INVALID);
	pb_reset(&m);
	for (int i = 0; i <= PB_MAX_DEPTH; i++)
		pb_begin(&m, 1);
	CHECK_EQ(pb_error(&m), EBR_E_INVALID);
	pb_release(&m);
}

/* A decoder of the wire format, from the specification: the fields of one message. */
struct field {
	uint32_t num, wire;
	uint64_t v;
	const uint8_t *data;
	size_t len;
};

static int decode(const uint8_t *p, size_t n, struct field *out, int max)
{
	int k = 0;

	for (size_t i = 0; i < n;) {
		uint64_t tag = 0, v = 0;
		int shift = 0;

		do {
			tag |= (uint64_t)(p[i] & 0x7f) << shift;
			shift += 7;
		} while (p[i++] & 0x80 && i < n);
		if (k == max)
			return -1;
		out[k].num = (uint32_t)(tag >> 3);
		out[k].wire = tag & 7;
		if (out[k].wire == 0 || out[k].wire == 2) {
			shift = 0;
			do {
				v |= (uint64_t)(p[i] & 0x7f) << shift;
				shift += 7;
			} while (p[i++] & 0x80 && i < n);
			out[k].v = v;
			if (out[k].wire == 2) {
				out[k].data = p + i;
				out[k].len = v;
				i += v;
			}
		} else if (out[k].wire == 1) {
			memcpy(&out[k].v, p + i, 8);
			i += 8;
		} else {
			return -1;
		}
		k++;
	}
	return k;
}

static void test_what_is_written_reads_back(void)
{
	struct pb m = { 0 };
	struct field top[8], inner[8];
	uint64_t ids[] = { 1, 2, 300 };
	int n;

	pb_varint(&m, 8, 4621743332960ull);
	pb_begin(&m, 60);
	pb_varint(&m, 1, 42);
	pb_str(&m, 2, "vda");
	pb_packed_varints(&m, 7, ids, 3);
	pb_end(&m);
	pb_sint(&m, 5, -123456789);
	n = decode(m.buf, m.len, top, 8);
	CHECK_EQ(n, 3);
	CHECK(top[0].num == 8 && top[0].v == 4621743332960ull);
	CHECK(top[1].num == 60 && top[1].wire == 2);
	CHECK_EQ(top[2].v >> 1 ^ (uint64_t) - (int64_t)(top[2].v & 1), (uint64_t)-123456789);
	n = decode(top[1].data, top[1].len, inner, 8);
	CHECK_EQ(n, 3);
	CHECK(inner[0].v == 42 && inner[1].len == 3 && !memcmp(inner[1].data, "vda", 3));
	CHECK(inner[2].num == 7 && inner[2].len == 4); /* 01 02 ac 02 */
	pb_release(&m);
}

static void test_idtab_gives_dense_ids_in_order(void)
{
	struct idtab t = { 0 };
	uint32_t id = 99;
	bool added;
	size_t len;
	char key[16];

	CHECK(!idtab_id(&t, "", 0, &id, &added) && id == 0 && added);
	CHECK(!idtab_id(&t, "main", 4, &id, &added) && id == 1 && added);
	CHECK(!idtab_id(&t, "", 0, &id, &added) && id == 0 && !added);
	/* bytes, NUL included, are keys: "a\0b" is not "a" */
	CHECK(!idtab_id(&t, "a\0b", 3, &id, &added) && id == 2 && added);
	CHECK(!idtab_id(&t, "a", 1, &id, &added) && id == 3 && added);
	/* many keys: the table grows and every id stays */
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		CHECK(!idtab_id(&t, key, strlen(key), &id, NULL) && id == 4u + (uint32_t)i);
	}
	CHECK(!idtab_id(&t, "k1234", 5, &id, &added) && id == 4 + 1234 && !added);
	CHECK(!strcmp(idtab_key(&t, 1, &len), "main") && len == 4);
	CHECK(!memcmp(idtab_key(&t, 2, &len), "a\0b", 3) && len == 3);
	CHECK_EQ(t.len, 5004);
	idtab_release(&t);
}

int main(void)
{
	RUN(test_varints_as_the_spec_encodes_them);
	RUN(test_length_delimited_and_fixed);
	RUN(test_nested_messages_get_their_lengths);
	RUN(test_unbalanced_and_too_deep_messages_are_errors);
	RUN(test_what_is_written_reads_back);
	RUN(test_idtab_gives_dense_ids_in_order);
	return CHECK_SUMMARY();
}
