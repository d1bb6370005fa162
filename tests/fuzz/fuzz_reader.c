// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: any bytes as a trace file, through the reader alone: the footer, the
 * index and META, the block scan and every event decoded, each value read. Fast (no
 * analysis, no rendering), so that it reaches the decoder's corners; fuzz_analyze.c and
 * fuzz_render.c take the same inputs further. Each input is also read as the payload of one
 * events block (through_payload()), which is how mutations reach the events' decoding. A
 * hostile trace must get a clear error, never a crash, a leak or undefined behaviour (built
 * with ASan+UBSan).
 */
#include <string.h>
#include "format/ebr.h"
#include "format/layout.h"
#include "format/wire.h"
#include "tests/fuzz/fuzz_input.h"

static void through_index(const uint8_t *data, size_t size)
{
	struct ebr_mem_source ms;
	struct ebr_reader *r = fuzz_open(&ms, data, size);
	struct ebr_summary sum = { 0 };

	if (!r)
		return;
	if (ebr_reader_load_index(r, &sum) == 0)
		for (uint32_t i = 0; i < ebr_reader_meta_count(r); i++) {
			const char *k, *v;

			ebr_reader_meta_at(r, i, &k, &v);
		}
	ebr_summary_release(&sum);
	ebr_reader_close(r);
}

static void through_blocks(const uint8_t *data, size_t size)
{
	struct ebr_mem_source ms;
	struct ebr_reader *r = fuzz_open(&ms, data, size);
	struct ebr_summary sum = { 0 };

	if (!r)
		return;
	ebr_reader_summarize(r, &sum);
	ebr_summary_release(&sum);
	ebr_reader_close(r);
}

static volatile uint64_t decoded;

/*
 * Every event of the types want decoded on threads (ebr_reader_want_types()), and every
 * value of those of the types hashed read through the file's schema, with the problems,
 * into a hash in which order counts.
 */
static uint64_t through_decoder(const uint8_t *data, size_t size, unsigned threads,
				uint32_t want, uint32_t hashed)
{
	struct ebr_mem_source ms;
	struct ebr_reader *r = fuzz_open(&ms, data, size);
	const struct ebr_event *ev;
	uint64_t sum = 0;

	if (!r)
		return 0;
	ebr_reader_set_threads(r, threads);
	ebr_reader_want_types(r, want);
	while (ebr_reader_next(r, &ev) > 0) {
		if (!(EBR_TYPE(ev->type) & hashed))
			continue;
		sum = sum * 31 + ev->ts + ev->cpu + ev->type;
		for (uint32_t f = 0; f < ev->nraw; f++) {
			const struct ebr_value *v = &ev->raw[f];

			sum = sum * 31 + v->u + v->len;
			if (v->s && v->len)
				sum += (unsigned char)v->s[v->len - 1];
			if (v->frames && v->len)
				sum += v->frames[v->len - 1];
		}
		sum += (uint64_t)ebr_reader_type_index(r, ev->file_type);
	}
	for (uint32_t i = 0; i < ebr_reader_problem_count(r); i++)
		sum = sum * 31 + strlen(ebr_reader_problem(r, i)->msg) +
		      ebr_reader_problem(r, i)->offset;
	ebr_reader_close(r);
	return sum;
}

static void put_block(struct wbuf *f, uint16_t type, uint16_t flags, uint32_t seq,
		      uint32_t count, const void *payload, size_t len)
{
	unsigned char h[EBR_BLOCK_HEADER_SIZE] = { 0 };

	memcpy(h, EBR_BLOCK_MAGIC, 4);
	put_le16(h + 4, type);
	put_le16(h + 6, flags);
	put_le32(h + 8, (uint32_t)len);
	put_le32(h + 12, (uint32_t)len);
	put_le32(h + 16, seq);
	put_le32(h + 20, count);
	put_le32(h + 40, ebr_crc32c(0, payload, len));
	put_le32(h + 44, ebr_crc32c(0, h, 44));
	wbuf_put(f, h, sizeof(h));
	wbuf_put(f, payload, len);
}

/*
 * The input as the payload of an events block with valid checksums, in columns or in rows,
 * with what 1.8 adds to columns or without (its first byte's bits 0 and 1), of a count of
 * events (the next two), after the compiled-in schema:
 * mutations reach the event decoder, which a block's CRC otherwise keeps them from. A read
 * that wants one type (named by the first byte's other bits) gives the events of it and the
 * problems that a read of every type gives.
 */
static void through_payload(const uint8_t *data, size_t size)
{
	unsigned char fh[EBR_FILE_HEADER_SIZE] = { 0 };
	struct wbuf f = { 0 }, schema = { 0 };

	if (size < 3)
		return;
	memcpy(fh, EBR_FILE_MAGIC, 8);
	put_le16(fh + 8, EBR_VERSION_MAJOR);
	put_le16(fh + 10, EBR_VERSION_MINOR);
	wbuf_put(&f, fh, sizeof(fh));
	wbuf_varint(&schema, ebr_event_def_count());
	wbuf_schema_types(&schema);
	put_block(&f, EBR_BLOCK_SCHEMA, 0, 0, ebr_event_def_count(), schema.p, schema.len);
	put_block(&f, EBR_BLOCK_EVENTS,
		  (data[0] & 1 ? EBR_BF_COLUMNS : 0) | (data[0] & 2 ? EBR_BF_COLUMNS_1_8 : 0), 1,
		  (uint32_t)data[1] | (uint32_t)data[2] << 8, data + 3, size - 3);
	uint32_t one = EBR_TYPE((data[0] >> 2) % 32);

	if (!f.err && (through_decoder(f.p, f.len, 1, EBR_EVERY_TYPE, EBR_EVERY_TYPE) !=
			       through_decoder(f.p, f.len, 2, EBR_EVERY_TYPE, EBR_EVERY_TYPE) ||
		       through_decoder(f.p, f.len, 1, EBR_EVERY_TYPE, one) !=
			       through_decoder(f.p, f.len, 2, one, one)))
		__builtin_trap();
	wbuf_release(&f);
	wbuf_release(&schema);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	through_index(data, size);
	through_blocks(data, size);
	/* the compiler keeps every load */
	decoded = through_decoder(data, size, 1, EBR_EVERY_TYPE, EBR_EVERY_TYPE);
	/* on threads, the reader gives the same events and problems in the same order */
	if (through_decoder(data, size, 2, EBR_EVERY_TYPE, EBR_EVERY_TYPE) != decoded)
		__builtin_trap();
	through_payload(data, size);
	return 0;
}
