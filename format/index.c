// SPDX-License-Identifier: BSD-2-Clause
/*
 * Summaries of a trace: from the footer and index when the file has them (no event is
 * decompressed: `ebrec info` on a large trace reads a few KiB), else by a full scan.
 */
#include <stdlib.h>
#include <string.h>
#include "layout.h"
#include "reader_int.h"
#include "format/mem.h"

void ebr_summary_release(struct ebr_summary *sum)
{
	ebr_free(sum->blocks);
	ebr_free(sum->types);
	ebr_free(sum->probes);
	memset(sum, 0, sizeof(*sum));
}

static int summary_add_type(struct ebr_summary *sum, uint32_t type, uint64_t count)
{
	struct ebr_type_total *t;

	for (uint32_t i = 0; i < sum->ntypes; i++) {
		if (sum->types[i].type == type) {
			sum->types[i].count += count;
			return 0;
		}
	}
	if (sum->ntypes >= EBR_MAX_TYPES)
		return EBR_E_TOO_BIG;
	t = ebr_realloc(sum->types, (sum->ntypes + 1) * sizeof(*t));
	if (!t)
		return EBR_E_NOMEM;
	sum->types = t;
	sum->types[sum->ntypes++] = (struct ebr_type_total){ type, count };
	return 0;
}

static int summary_add_probe(struct ebr_summary *sum, const struct ebr_probe_total *p)
{
	struct ebr_probe_total *n;

	for (uint32_t i = 0; i < sum->nprobes; i++) {
		struct ebr_probe_total *q = &sum->probes[i];

		if (q->probe == p->probe) {
			q->emitted += p->emitted;
			q->lost_ringbuf += p->lost_ringbuf;
			q->lost_map += p->lost_map;
			q->lost_user += p->lost_user;
			return 0;
		}
	}
	if (sum->nprobes >= 4096)
		return EBR_E_TOO_BIG;
	n = ebr_realloc(sum->probes, (sum->nprobes + 1) * sizeof(*n));
	if (!n)
		return EBR_E_NOMEM;
	sum->probes = n;
	sum->probes[sum->nprobes++] = *p;
	return 0;
}

static void summary_totals(struct ebr_summary *sum)
{
	int have_time = 0;

	sum->events = sum->raw_bytes = sum->stored_bytes = 0;
	for (uint32_t i = 0; i < sum->nblocks; i++) {
		const struct ebr_block_info *b = &sum->blocks[i];

		sum->raw_bytes += b->raw_size;
		sum->stored_bytes += b->stored_size + EBR_BLOCK_HEADER_SIZE;
		if (b->type != EBR_BLOCK_EVENTS || !b->count)
			continue;
		sum->events += b->count;
		if (!have_time || b->t_first < sum->t_first)
			sum->t_first = b->t_first;
		if (!have_time || b->t_last > sum->t_last)
			sum->t_last = b->t_last;
		have_time = 1;
	}
}

/* The index at index_off, into sum; *why says what is wrong with it when it fails. */
static int parse_index(struct ebr_reader *r, struct cursor *c, uint64_t index_off,
		       struct ebr_summary *sum, const char **why)
{
	const struct ebr_source *src = reader_source(r);
	uint64_t n = cur_varint_max(c, src->size / EBR_BLOCK_HEADER_SIZE);
	int err = 0;

	if (c->err || n > cur_left(c))
		return EBR_E_CORRUPT;
	sum->blocks = ebr_calloc(n ? n : 1, sizeof(*sum->blocks));
	if (!sum->blocks)
		return EBR_E_NOMEM;
	for (uint32_t i = 0; i < n; i++) {
		struct ebr_block_info *b = &sum->blocks[i];

		b->seq = i;
		b->offset = cur_varint_max(c, index_off);
		/* in file order (FORMAT.md): a block listed twice would be read twice */
		if (i && b->offset <= b[-1].offset && !c->err) {
			*why = "lists a block twice or out of file order";
			c->err = EBR_E_CORRUPT;
		}
		b->type = (uint16_t)cur_varint_max(c, UINT16_MAX);
		b->flags = (uint16_t)cur_varint_max(c, UINT16_MAX);
		b->stored_size = (uint32_t)cur_varint_max(c, EBR_MAX_BLOCK_STORED);
		b->raw_size = (uint32_t)cur_varint_max(c, EBR_MAX_BLOCK_RAW);
		b->count = (uint32_t)cur_varint_max(c, UINT32_MAX);
		b->t_first = cur_varint(c);
		b->t_last = b->t_first + cur_varint(c);
		if (c->err)
			return c->err;
	}
	sum->nblocks = (uint32_t)n;
	n = cur_varint_max(c, EBR_MAX_TYPES);
	for (uint64_t i = 0; i < n && !c->err && !err; i++) {
		uint32_t type = (uint32_t)cur_varint_max(c, UINT32_MAX);

		err = summary_add_type(sum, type, cur_varint(c));
	}
	n = cur_varint_max(c, 4096);
	for (uint64_t i = 0; i < n && !c->err && !err; i++) {
		struct ebr_probe_total p;

		p.probe = (uint32_t)cur_varint_max(c, UINT32_MAX);
		p.emitted = cur_varint(c);
		p.lost_ringbuf = cur_varint(c);
		p.lost_map = cur_varint(c);
		p.lost_user = cur_varint(c);
		err = summary_add_probe(sum, &p);
	}
	return c->err ? c->err : err;
}

int ebr_reader_load_index(struct ebr_reader *r, struct ebr_summary *sum)
{
	const struct ebr_source *src = reader_source(r);
	unsigned char footer[EBR_FOOTER_SIZE];
	struct ebr_block_info info;
	struct cursor c;
	uint64_t index_off;
	long got;
	int err;

	memset(sum, 0, sizeof(*sum));
	if (!src->pread || src->size == UINT64_MAX || src->size < EBR_FILE_HEADER_SIZE + EBR_FOOTER_SIZE)
		return EBR_E_NO_INDEX;
	got = src->pread(src->ctx, footer, sizeof(footer), src->size - sizeof(footer));
	if (got != (long)sizeof(footer) || memcmp(footer, EBR_FOOTER_MAGIC, 8))
		return EBR_E_NO_INDEX;
	index_off = get_le64(footer + 8);
	err = EBR_E_CORRUPT;
	if (index_off >= EBR_FILE_HEADER_SIZE && index_off <= src->size - sizeof(footer))
		err = reader_block_at(r, index_off, EBR_BLOCK_INDEX, &info, &c);
	/*
	 * What a scan would not see is damage to report here: a footer that names no index
	 * block, an intact index block whose content is wrong. A CRC failure the scan reports.
	 */
	if (err == EBR_E_CORRUPT)
		reader_problem(r, EBR_PROB_BAD_PAYLOAD, err, 0, index_off, 0,
			       "the footer names offset %llu for the index, where there is none: "
			       "the blocks are read without it", (unsigned long long)index_off);
	if (!err) {
		const char *why = "does not decode";

		err = parse_index(r, &c, index_off, sum, &why);
		if (err && err != EBR_E_NOMEM)
			reader_problem(r, EBR_PROB_BAD_PAYLOAD, err, info.seq, index_off,
				       info.stored_size, "block %u (index) at offset %llu %s: the "
				       "blocks are read without it", info.seq,
				       (unsigned long long)index_off, why);
	}
	for (uint32_t i = 0; !err && i < sum->nblocks; i++) {
		if (sum->blocks[i].type != EBR_BLOCK_META)
			continue;
		err = reader_block_at(r, sum->blocks[i].offset, EBR_BLOCK_META, &info, &c);
		if (!err)
			err = reader_parse_meta(r, &c, &info);
	}
	if (err) {
		ebr_summary_release(sum);
		return err == EBR_E_NOMEM ? err : EBR_E_NO_INDEX;
	}
	summary_totals(sum);
	return 0;
}

int ebr_reader_summarize(struct ebr_reader *r, struct ebr_summary *sum)
{
	const struct ebr_block_info *seen;
	const struct ebr_event *ev;
	uint32_t nseen;
	int rc, err = 0;

	memset(sum, 0, sizeof(*sum));
	while (!err && (rc = ebr_reader_next(r, &ev)) > 0) {
		err = summary_add_type(sum, ev->file_type, 1);
		if (!err && ev->type == EBR_EV_COUNTS) {
			struct ebr_probe_total p = {
				.probe = (uint32_t)ev->v[EBR_F_COUNTS_PROBE].u,
				.emitted = ev->v[EBR_F_COUNTS_EMITTED].u,
				.lost_ringbuf = ev->v[EBR_F_COUNTS_LOST_RINGBUF].u,
				.lost_map = ev->v[EBR_F_COUNTS_LOST_MAP].u,
				.lost_user = ev->v[EBR_F_COUNTS_LOST_USER].u,
			};
			err = summary_add_probe(sum, &p);
		}
	}
	if (!err && rc < 0)
		err = rc;
	seen = reader_blocks(r, &nseen);
	if (!err && nseen) {
		sum->blocks = ebr_malloc(nseen * sizeof(*sum->blocks));
		if (!sum->blocks)
			err = EBR_E_NOMEM;
		else
			memcpy(sum->blocks, seen, nseen * sizeof(*sum->blocks));
		sum->nblocks = nseen;
	}
	if (err) {
		ebr_summary_release(sum);
		return err;
	}
	summary_totals(sum);
	return 0;
}
