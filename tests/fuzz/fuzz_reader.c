// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: any bytes as a trace file, through the reader alone: the footer, the
 * index and META, the block scan and every event decoded, each value read. Fast (no
 * analysis, no rendering), so that it reaches the decoder's corners; fuzz_analyze.c and
 * fuzz_render.c take the same inputs further. A hostile trace must get a clear error, never
 * a crash, a leak or undefined behaviour (built with ASan+UBSan).
 */
#include <string.h>
#include "format/ebr.h"
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
 * Every event decoded on threads and every value of it read through the file's schema,
 * with the problems, into a hash in which order counts.
 */
static uint64_t through_decoder(const uint8_t *data, size_t size, unsigned threads)
{
	struct ebr_mem_source ms;
	struct ebr_reader *r = fuzz_open(&ms, data, size);
	const struct ebr_event *ev;
	uint64_t sum = 0;

	if (!r)
		return 0;
	ebr_reader_set_threads(r, threads);
	while (ebr_reader_next(r, &ev) > 0) {
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	through_index(data, size);
	through_blocks(data, size);
	decoded = through_decoder(data, size, 1); /* the compiler keeps every load */
	/* on threads, the reader gives the same events and problems in the same order */
	if (through_decoder(data, size, 2) != decoded)
		__builtin_trap();
	return 0;
}
