/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to format/: what index.c needs from reader.c. */
#ifndef EBREC_FORMAT_READER_INT_H
#define EBREC_FORMAT_READER_INT_H

#include "wire.h"

/*
 * Reads the block whose header is at off with pread, checks both CRCs and the limits, and
 * leaves its decompressed payload in a cursor valid until the next reader call.
 */
int reader_block_at(struct ebr_reader *r, uint64_t off, uint16_t want_type,
		    struct ebr_block_info *info, struct cursor *payload);
/* Takes in the META block b's payload (c), within the limits of what a reader holds. */
int reader_parse_meta(struct ebr_reader *r, struct cursor *c, const struct ebr_block_info *b);
/* Notes a problem the reader stepped over (at most MAX_PROBLEMS are kept). */
void reader_problem(struct ebr_reader *r, enum ebr_problem_kind kind, int err, uint32_t block,
		    uint64_t offset, uint64_t length, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* The intact blocks read so far, in file order. */
const struct ebr_block_info *reader_blocks(const struct ebr_reader *r, uint32_t *n);
const struct ebr_source *reader_source(const struct ebr_reader *r);

#endif
