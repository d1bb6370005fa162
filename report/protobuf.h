/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A protobuf wire-format writer of our own, for the exports that write protobuf (Perfetto's
 * trace, pprof's profile.proto): varints, 64-bit fixed values and length-delimited fields
 * (strings, bytes, nested messages, packed repeated varints). It writes a message into a
 * growing buffer; a nested message's length is known once it is closed, so pb_end() moves
 * the message's bytes up behind its length (messages are small: one trace packet, one
 * pprof sample). Errors are sticky: after a failed allocation every call does nothing and
 * pb_error() says EBR_E_NOMEM.
 *
 * Wire format: https://protobuf.dev/programming-guides/encoding/ (wire types 0 VARINT,
 * 1 I64, 2 LEN).
 */
#ifndef EBREC_REPORT_PROTOBUF_H
#define EBREC_REPORT_PROTOBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PB_MAX_DEPTH 16

struct pb {
	uint8_t *buf;
	size_t len, cap;
	size_t open[PB_MAX_DEPTH]; /* where each open message's bytes start */
	int depth;
	int err; /* 0, or EBR_E_NOMEM / EBR_E_INVALID (nesting too deep or unbalanced) */
};

/* Field `field` as a varint: uint32/64, int32/64 (negative: ten bytes), bool, enum. */
void pb_varint(struct pb *m, uint32_t field, uint64_t v);
/* sint32/sint64: zigzag. */
void pb_sint(struct pb *m, uint32_t field, int64_t v);
/* fixed64 and double (the bits of v). */
void pb_fixed64(struct pb *m, uint32_t field, uint64_t v);
void pb_double(struct pb *m, uint32_t field, double v);
void pb_bytes(struct pb *m, uint32_t field, const void *data, size_t len);
void pb_str(struct pb *m, uint32_t field, const char *s);
/* A nested message: pb_begin(), its fields, pb_end(). */
void pb_begin(struct pb *m, uint32_t field);
void pb_end(struct pb *m);
/* Bytes that are fields already (written by another struct pb), appended as they are. */
void pb_raw(struct pb *m, const void *fields, size_t len);
/* A packed repeated varint field. */
void pb_packed_varints(struct pb *m, uint32_t field, const uint64_t *v, size_t n);

/* The message so far (every pb_begin() closed): 0, or the sticky error. */
int pb_error(const struct pb *m);
/* Empties m for the next message, keeping its buffer. */
void pb_reset(struct pb *m);
void pb_release(struct pb *m);

/* The bytes of one varint, into out (10 bytes at most); returns how many. */
size_t pb_encode_varint(uint64_t v, uint8_t out[10]);

#endif
