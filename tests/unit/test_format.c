// SPDX-License-Identifier: BSD-2-Clause
/* Unit tests of format/: each property of FORMAT.md, on traces built in memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <zstd.h>
#include "format/array_size.h"
#include "format/columns.h"
#include "format/ebr.h"
#include "format/mem.h"
#include "format/intern.h"
#include "format/predict.h"
#include "format/layout.h"
#include "format/sched_flags.h"
#include "format/siphash.h"
#include "format/title.h"
#include "format/wire.h"
#include "analyze/pass.h"
#include "check.h"

/* ------------------------------------------------------------ a synthetic event stream */

static const char *const comms[] = { "dd", "kworker/0:1", "", "postgres", "a;b c",
				     "\xff\xfe invalid utf8", "x" };

struct gen {
	uint64_t state, ts;
	/* gen_switch()'s: each CPU's last switch, each thread's last switch out */
	uint64_t cpu_ts[4], out_ts[8];
	bool preempted[8];
};

static uint64_t gen_rand(struct gen *g)
{
	g->state ^= g->state << 13;
	g->state ^= g->state >> 7;
	g->state ^= g->state << 17;
	return g->state;
}

/*
 * A switch between 8 threads, its intervals those bpf/sched.bpf.c measures (what FORMAT.md
 * "Predicted fields" predicts within a block), but one in four not, and in the event's
 * jittered time (differences that wrap): predictions that hit and miss.
 */
static uint32_t gen_switch(struct gen *g, uint64_t r, uint64_t ts, uint32_t cpu,
			   struct ebr_value *v)
{
	uint32_t prev = (uint32_t)(r >> 20) % 8, next = (uint32_t)(r >> 24) % 8;
	uint64_t flags = (r >> 28) & 15, miss = (r >> 40) % 4 == 0 ? r >> 44 : 0;

	v[EBR_F_SCHED_SWITCH_PREV_PID].u = v[EBR_F_SCHED_SWITCH_PREV_TID].u = 100 + prev;
	v[EBR_F_SCHED_SWITCH_NEXT_PID].u = v[EBR_F_SCHED_SWITCH_NEXT_TID].u = 100 + next;
	v[EBR_F_SCHED_SWITCH_PREV_COMM].s = comms[prev % 7];
	v[EBR_F_SCHED_SWITCH_NEXT_COMM].s = comms[next % 7];
	v[EBR_F_SCHED_SWITCH_PREV_STATE].u = (r >> 32) % 3;
	v[EBR_F_SCHED_SWITCH_FLAGS].u = flags;
	if (flags & EBR_SCHED_ONCPU)
		v[EBR_F_SCHED_SWITCH_ONCPU_NS].u = ts - g->cpu_ts[cpu] + miss;
	if (flags & EBR_SCHED_OFFCPU)
		v[EBR_F_SCHED_SWITCH_OFFCPU_NS].u = ts - g->out_ts[next] - miss;
	if (flags & EBR_SCHED_RUNQ)
		v[EBR_F_SCHED_SWITCH_RUNQ_NS].u = g->preempted[next] ? ts - g->out_ts[next]
								     : (r >> 36) % 100000;
	g->cpu_ts[cpu] = ts;
	g->out_ts[prev] = ts;
	g->preempted[prev] = flags & EBR_SCHED_PREEMPTED;
	return EBR_EV_SCHED_SWITCH;
}

/* Event i of the stream: a mix of types, jittered (sometimes backwards) timestamps. */
static uint32_t gen_event(struct gen *g, uint64_t *ts, uint32_t *cpu, struct ebr_value *v)
{
	uint64_t r = gen_rand(g);

	g->ts += r % 5000;
	*ts = g->ts - (r % 7 == 0 ? r % 3000 : 0);
	*cpu = (uint32_t)(r >> 40) % 4;
	memset(v, 0, sizeof(*v) * EBR_MAX_FIELDS);
	if (r % 10 == 0) {
		v[EBR_F_COUNTS_PROBE].u = r % 3;
		v[EBR_F_COUNTS_EMITTED].u = r >> 50;
		v[EBR_F_COUNTS_LOST_RINGBUF].u = (r >> 20) % 100;
		v[EBR_F_COUNTS_LOST_MAP].u = (r >> 30) % 2;
		v[EBR_F_COUNTS_LOST_USER].u = 0;
		return EBR_EV_COUNTS;
	}
	if (r % 10 <= 3)
		return gen_switch(g, r, *ts, *cpu, v);
	v[EBR_F_BLOCK_RQ_PID].u = 1000 + r % 50;
	v[EBR_F_BLOCK_RQ_TID].u = r >> 48;
	v[EBR_F_BLOCK_RQ_COMM].s = comms[(r >> 8) % 7];
	v[EBR_F_BLOCK_RQ_DEV].u = 254u << 20;
	v[EBR_F_BLOCK_RQ_SECTOR].u = gen_rand(g);
	v[EBR_F_BLOCK_RQ_BYTES].u = 4096u << (r % 5);
	v[EBR_F_BLOCK_RQ_FLAGS].u = r % 3;
	v[EBR_F_BLOCK_RQ_ERROR].u = (uint64_t)(r % 13 == 0 ? -5 : 0);
	v[EBR_F_BLOCK_RQ_LAT_NS].u = r % 100000000;
	v[EBR_F_BLOCK_RQ_QUEUE_NS].u = r == 3 ? UINT64_MAX : (r >> 3) % 1000;
	return EBR_EV_BLOCK_RQ;
}

static int same_event(const struct ebr_event *ev, uint32_t type, uint64_t ts, uint32_t cpu,
		      const struct ebr_value *v)
{
	const struct ebr_event_def *d = ebr_event_def(type);

	if (ev->type != type || ev->ts != ts || ev->cpu != cpu)
		return 0;
	for (uint32_t f = 0; f < d->nfields; f++) {
		if (d->fields[f].kind == EBR_KIND_STR) {
			if (strcmp(ev->v[f].s, v[f].s ? v[f].s : ""))
				return 0;
		} else if (ev->v[f].u != v[f].u) {
			return 0;
		}
	}
	return 1;
}

/* How write_stream() lays events out: the tests of streams run in columns, then in rows. */
static enum ebr_layout layout = EBR_LAYOUT_COLUMNS;

/* Writes n events of seed into mem; block_bytes small gives many blocks. */
static int write_stream(struct ebr_mem_sink *mem, uint64_t seed, uint32_t n, size_t block_bytes)
{
	struct ebr_writer_opts opts = { .block_bytes = block_bytes, .layout = layout };
	struct ebr_value v[EBR_MAX_FIELDS];
	struct gen g = { .state = seed, .ts = 1000000 };
	struct ebr_writer *w;
	struct ebr_sink sink;
	int err;

	memset(mem, 0, sizeof(*mem));
	ebr_sink_mem(&sink, mem);
	err = ebr_writer_new(&w, &sink, &opts);
	if (err)
		return err;
	ebr_writer_meta(w, "host.hostname", "test-host");
	for (uint32_t i = 0; i < n && !err; i++) {
		uint64_t ts;
		uint32_t cpu, type = gen_event(&g, &ts, &cpu, v);

		err = ebr_writer_event(w, type, ts, cpu, v);
	}
	if (err) {
		ebr_writer_abandon(w);
		return err;
	}
	return ebr_writer_close(w);
}

struct readback {
	int open_err;
	uint32_t events;    /* events read */
	uint32_t matched;   /* events equal to the stream at their position */
	uint32_t nproblems;
	struct ebr_problem first;
	int has_kind[16];
};

/*
 * Reads buf; checks every event against the generator. Events of a skipped block are
 * missing, so the comparison resynchronises on block boundaries via the block's count.
 */
static void read_back(const void *buf, size_t len, uint64_t seed, struct readback *rb,
		      const uint32_t *block_counts, uint32_t nblocks)
{
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	const struct ebr_event *ev;

	memset(rb, 0, sizeof(*rb));
	ebr_source_mem(&src, &ms, buf, len);
	rb->open_err = ebr_reader_open(&r, &src, NULL, 0);
	if (rb->open_err)
		return;
	/* expected events by position: regenerate all of them */
	uint32_t total = 0;
	for (uint32_t b = 0; b < nblocks; b++)
		total += block_counts[b];
	struct ebr_value (*vals)[EBR_MAX_FIELDS] = malloc(sizeof(*vals) * (total ? total : 1));
	uint64_t *tss = malloc(sizeof(*tss) * (total ? total : 1));
	uint32_t *types = malloc(sizeof(*types) * (total ? total : 1));
	uint32_t *cpus = malloc(sizeof(*cpus) * (total ? total : 1));
	struct gen g = { .state = seed, .ts = 1000000 };

	for (uint32_t i = 0; i < total; i++)
		types[i] = gen_event(&g, &tss[i], &cpus[i], vals[i]);
	/* any event read must equal some generated event with the same ts, in order */
	uint32_t pos = 0;
	while (ebr_reader_next(r, &ev) > 0) {
		rb->events++;
		while (pos < total && !same_event(ev, types[pos], tss[pos], cpus[pos], vals[pos]))
			pos++;
		if (pos < total) {
			rb->matched++;
			pos++;
		}
	}
	rb->nproblems = ebr_reader_problem_count(r);
	for (uint32_t i = 0; i < rb->nproblems; i++)
		rb->has_kind[ebr_reader_problem(r, i)->kind & 15] = 1;
	if (rb->nproblems)
		rb->first = *ebr_reader_problem(r, 0);
	free(vals);
	free(tss);
	free(types);
	free(cpus);
	ebr_reader_close(r);
}

/* The events blocks of an intact file, from its index. */
static uint32_t events_blocks(const void *buf, size_t len, struct ebr_block_info *out,
			      uint32_t max)
{
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	struct ebr_summary sum;
	uint32_t n = 0;

	ebr_source_mem(&src, &ms, buf, len);
	if (ebr_reader_open(&r, &src, NULL, 0))
		return 0;
	if (!ebr_reader_load_index(r, &sum)) {
		for (uint32_t i = 0; i < sum.nblocks && n < max; i++)
			if (sum.blocks[i].type == EBR_BLOCK_EVENTS)
				out[n++] = sum.blocks[i];
		ebr_summary_release(&sum);
	}
	ebr_reader_close(r);
	return n;
}

/* ------------------------------------------------------------ tests */

static void test_roundtrip_million(void)
{
	struct ebr_mem_sink mem;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	const struct ebr_event *ev;
	struct ebr_value v[EBR_MAX_FIELDS];
	struct gen g = { .state = 42, .ts = 1000000 };
	uint32_t n = 1000000, i = 0, bad = 0;

	CHECK_EQ(write_stream(&mem, 42, n, 0), 0);
	ebr_source_mem(&src, &ms, mem.buf, mem.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	if (!r)
		return;
	while (ebr_reader_next(r, &ev) > 0) {
		uint64_t ts;
		uint32_t cpu, type = gen_event(&g, &ts, &cpu, v);

		bad += !same_event(ev, type, ts, cpu, v);
		i++;
	}
	CHECK_EQ(i, n);
	CHECK_EQ(bad, 0);
	CHECK_EQ(ebr_reader_problem_count(r), 0);
	CHECK(ebr_reader_meta(r, "host.hostname") && !strcmp(ebr_reader_meta(r, "host.hostname"), "test-host"));
	printf("  1M events: %zu bytes, %.2f bytes/event\n", mem.len, (double)mem.len / n);
	ebr_reader_close(r);
	free(mem.buf);
}

static void test_schema_self_describing(void)
{
	struct ebr_mem_sink mem;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	int found = 0;

	CHECK_EQ(write_stream(&mem, 1, 10, 0), 0);
	ebr_source_mem(&src, &ms, mem.buf, mem.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	for (uint32_t i = 0; r && i < ebr_reader_type_count(r); i++) {
		uint32_t id, nf;
		const char *name, *fname;
		enum ebr_kind kind;

		ebr_reader_type_at(r, i, &id, &name, &nf);
		if (strcmp(name, "block.rq"))
			continue;
		found = 1;
		CHECK_EQ(id, EBR_EV_BLOCK_RQ);
		CHECK_EQ(nf, 11);
		ebr_reader_type_field(r, i, EBR_F_BLOCK_RQ_COMM, &fname, &kind);
		CHECK(!strcmp(fname, "comm"));
		CHECK_EQ(kind, EBR_KIND_STR);
	}
	CHECK(found);
	ebr_reader_close(r);
	free(mem.buf);
}

static void test_truncation_every_byte(void)
{
	struct ebr_mem_sink mem;
	struct ebr_block_info blocks[64];
	uint32_t counts[64], nb;
	uint32_t bad = 0, total = 0;

	CHECK_EQ(write_stream(&mem, 7, 400, 1500), 0);
	nb = events_blocks(mem.buf, mem.len, blocks, 64);
	CHECK(nb >= 5);
	for (uint32_t b = 0; b < nb; b++) {
		counts[b] = blocks[b].count;
		total += counts[b];
	}
	CHECK_EQ(total, 400);
	for (size_t cut = 0; cut <= mem.len; cut++) {
		struct readback rb;
		uint32_t expect = 0;

		read_back(mem.buf, cut, 7, &rb, counts, nb);
		if (cut < EBR_FILE_HEADER_SIZE) {
			int want = cut == 0 ? EBR_E_EMPTY : EBR_E_TRUNCATED;

			bad += rb.open_err != want;
			continue;
		}
		/* every block wholly inside the cut is read, nothing else */
		for (uint32_t b = 0; b < nb; b++)
			if (blocks[b].offset + EBR_BLOCK_HEADER_SIZE + blocks[b].stored_size <= cut)
				expect += counts[b];
		if (rb.open_err) {
			/* only a cut inside the schema block may fail to open... and it must not */
			bad++;
			continue;
		}
		bad += rb.events != expect || rb.matched != expect;
		if (cut < mem.len)
			bad += !(rb.has_kind[EBR_PROB_TRUNCATED] || rb.has_kind[EBR_PROB_NO_FOOTER]);
		else
			bad += rb.nproblems != 0;
	}
	CHECK_EQ(bad, 0);
	printf("  %zu cut points checked\n", mem.len + 1);
	free(mem.buf);
}

static void test_truncated_message_names_offset(void)
{
	struct ebr_mem_sink mem;
	struct ebr_block_info blocks[64];
	struct readback rb;
	uint32_t counts[64], nb;
	char want[64];

	CHECK_EQ(write_stream(&mem, 7, 400, 1500), 0);
	nb = events_blocks(mem.buf, mem.len, blocks, 64);
	for (uint32_t b = 0; b < nb; b++)
		counts[b] = blocks[b].count;
	/* cut in the middle of the third events block */
	size_t cut = blocks[2].offset + EBR_BLOCK_HEADER_SIZE + blocks[2].stored_size / 2;
	read_back(mem.buf, cut, 7, &rb, counts, nb);
	CHECK_EQ(rb.first.kind, EBR_PROB_TRUNCATED);
	CHECK_EQ(rb.first.block, blocks[2].seq);
	snprintf(want, sizeof(want), "file cut at offset %zu inside block %u", cut, blocks[2].seq);
	CHECK(strstr(rb.first.msg, want) != NULL);
	CHECK_EQ(rb.events, counts[0] + counts[1]);
	free(mem.buf);
}

static void test_bit_flips(void)
{
	struct ebr_mem_sink mem;
	struct ebr_block_info blocks[64];
	uint32_t counts[64], nb, total = 0;
	uint32_t bad_named = 0, bad_count = 0, flips = 0;

	CHECK_EQ(write_stream(&mem, 9, 300, 1500), 0);
	nb = events_blocks(mem.buf, mem.len, blocks, 64);
	for (uint32_t b = 0; b < nb; b++) {
		counts[b] = blocks[b].count;
		total += counts[b];
	}
	unsigned char *copy = malloc(mem.len);
	for (uint32_t b = 0; b < nb; b++) {
		size_t start = blocks[b].offset, end = start + EBR_BLOCK_HEADER_SIZE + blocks[b].stored_size;

		/* every bit of every events block: header and payload */
		for (size_t off = start; off < end; off++) {
			for (int bit = 0; bit < 8; bit++) {
				struct readback rb;
				int named = 0;

				memcpy(copy, mem.buf, mem.len);
				copy[off] ^= (unsigned char)(1u << bit);
				read_back(copy, mem.len, 9, &rb, counts, nb);
				flips++;
				if (rb.open_err) {
					bad_named++;
					continue;
				}
				/* the damaged block is named, with its offset */
				for (uint32_t p = 0; p < rb.nproblems; p++)
					named |= rb.first.block == blocks[b].seq && rb.first.offset == start;
				bad_named += !named;
				/* and only that block's events are missing: interning is per block */
				bad_count += rb.events != total - counts[b] || rb.matched != rb.events;
			}
		}
	}
	CHECK_EQ(bad_named, 0);
	CHECK_EQ(bad_count, 0);
	printf("  %u single-bit flips in %u events blocks checked\n", flips, nb);
	free(copy);
	free(mem.buf);
}

static void test_flips_anywhere_never_crash(void)
{
	struct ebr_mem_sink mem;
	struct readback rb;
	uint32_t counts[1] = { 0 };

	CHECK_EQ(write_stream(&mem, 11, 200, 2000), 0);
	unsigned char *copy = malloc(mem.len);
	for (size_t off = 0; off < mem.len; off++) {
		memcpy(copy, mem.buf, mem.len);
		copy[off] ^= 0x10;
		read_back(copy, mem.len, 11, &rb, counts, 0);
		/* header bytes fail to open with a code; anything else reads */
		if (off < 8)
			CHECK_EQ(rb.open_err, EBR_E_NOT_TRACE);
	}
	free(copy);
	free(mem.buf);
}

/* A block with valid CRCs whose payload is stored as given (flags: EBR_BF_ZSTD or 0). */
static void put_block_stored(struct wbuf *out, uint16_t type, uint16_t flags, uint32_t seq,
			     const void *payload, size_t len, size_t raw_len, uint32_t count)
{
	unsigned char h[EBR_BLOCK_HEADER_SIZE] = { 0 };

	memcpy(h, EBR_BLOCK_MAGIC, 4);
	put_le16(h + 4, type);
	put_le16(h + 6, flags);
	put_le32(h + 8, (uint32_t)len);
	put_le32(h + 12, (uint32_t)raw_len);
	put_le32(h + 16, seq);
	put_le32(h + 20, count);
	put_le32(h + 40, ebr_crc32c(0, payload, len));
	put_le32(h + 44, ebr_crc32c(0, h, 44));
	wbuf_put(out, h, sizeof(h));
	wbuf_put(out, payload, len);
}

/* A raw, uncompressed block with valid CRCs. */
static void put_block(struct wbuf *out, uint16_t type, uint32_t seq, const void *payload,
		      size_t len, uint32_t count)
{
	put_block_stored(out, type, 0, seq, payload, len, len, count);
}

static void put_file_header(struct wbuf *out, uint16_t major, uint16_t minor)
{
	unsigned char h[EBR_FILE_HEADER_SIZE] = { 0 };

	memcpy(h, EBR_FILE_MAGIC, 8);
	put_le16(h + 8, major);
	put_le16(h + 10, minor);
	wbuf_put(out, h, sizeof(h));
}

/* A schema of the compiled types plus "future.thing" (id 900: u64 a, str b, bytes c). */
static void put_schema_with_future_type(struct wbuf *out)
{
	struct wbuf s = { 0 };
	uint32_t n = ebr_event_def_count();

	wbuf_varint(&s, n + 1);
	wbuf_schema_types(&s);
	wbuf_varint(&s, 900);
	wbuf_str(&s, "future.thing", 12);
	wbuf_varint(&s, 3);
	wbuf_str(&s, "a", 1);
	wbuf_varint(&s, EBR_KIND_U64);
	wbuf_str(&s, "b", 1);
	wbuf_varint(&s, EBR_KIND_STR);
	wbuf_str(&s, "c", 1);
	wbuf_varint(&s, EBR_KIND_BYTES);
	put_block(out, 1, 0, s.p, s.len, n + 1);
	wbuf_release(&s);
}

static void test_unknown_types_skipped(void)
{
	struct wbuf f = { 0 }, ev = { 0 };
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	const struct ebr_event *e;
	uint32_t known = 0, unknown = 0;

	put_file_header(&f, 1, 7); /* a newer minor: readable */
	put_schema_with_future_type(&f);
	/* unknown optional block: skipped */
	put_block(&f, 0x8077, 1, "whatever", 8, 0);
	/* events: one string "zz", a future.thing then an ebr.counts */
	wbuf_varint(&ev, 1);
	wbuf_str(&ev, "zz", 2);
	wbuf_varint(&ev, 0);
	wbuf_varint(&ev, 900);
	wbuf_varint(&ev, zigzag(100));
	wbuf_varint(&ev, 0);
	wbuf_varint(&ev, 5);
	wbuf_varint(&ev, 1);
	wbuf_str(&ev, "xyz", 3);
	wbuf_varint(&ev, EBR_EV_COUNTS);
	wbuf_varint(&ev, zigzag(10));
	wbuf_varint(&ev, 1);
	for (int i = 0; i < 5; i++)
		wbuf_varint(&ev, (uint64_t)i + 1);
	put_block(&f, 3, 2, ev.p, ev.len, 2);
	/* unknown required block: reported, skipped */
	put_block(&f, 0x0077, 3, "x", 1, 0);
	ebr_source_mem(&src, &ms, f.p, f.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	if (!r)
		goto out;
	while (ebr_reader_next(r, &e) > 0) {
		if (e->type == EBR_EV_UNKNOWN) {
			unknown++;
			CHECK_EQ(e->file_type, 900);
			CHECK_EQ(e->nraw, 3);
			CHECK_EQ(e->raw[0].u, 5);
			CHECK(!strcmp(e->raw[1].s, "zz"));
			CHECK(e->raw[2].len == 3 && !memcmp(e->raw[2].s, "xyz", 3));
			CHECK_EQ(e->ts, 100);
		} else {
			known++;
			CHECK_EQ(e->type, EBR_EV_COUNTS);
			CHECK_EQ(e->ts, 110);
			CHECK_EQ(e->v[EBR_F_COUNTS_LOST_USER].u, 5);
		}
	}
	CHECK_EQ(known, 1);
	CHECK_EQ(unknown, 1);
	int saw_optional = 0, saw_required = 0;
	for (uint32_t i = 0; i < ebr_reader_problem_count(r); i++) {
		const struct ebr_problem *p = ebr_reader_problem(r, i);

		saw_optional |= p->kind == EBR_PROB_UNKNOWN_BLOCK && !ebr_problem_is_damage(p->kind);
		saw_required |= p->kind == EBR_PROB_BAD_PAYLOAD && p->err == EBR_E_UNSUPPORTED &&
				p->block == 3;
	}
	CHECK(saw_optional);
	CHECK(saw_required);
	ebr_reader_close(r);
out:
	wbuf_release(&f);
	wbuf_release(&ev);
}

static void test_older_file_missing_field(void)
{
	/* a file whose block.rq lacks cmd_flags (format 1.3 and older): reads it as 0 */
	struct wbuf f = { 0 }, s = { 0 }, ev = { 0 };
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	const struct ebr_event *e;
	const struct ebr_event_def *d = ebr_event_def(EBR_EV_BLOCK_RQ);

	put_file_header(&f, 1, 0);
	wbuf_varint(&s, 1);
	wbuf_varint(&s, d->id);
	wbuf_str(&s, d->name, strlen(d->name));
	wbuf_varint(&s, d->nfields - 1);
	for (uint32_t i = 0; i + 1 < d->nfields; i++) {
		wbuf_str(&s, d->fields[i].name, strlen(d->fields[i].name));
		wbuf_varint(&s, d->fields[i].kind);
	}
	put_block(&f, 1, 0, s.p, s.len, 1);
	wbuf_varint(&ev, 0);
	wbuf_varint(&ev, 0);
	wbuf_varint(&ev, EBR_EV_BLOCK_RQ);
	wbuf_varint(&ev, zigzag(5));
	wbuf_varint(&ev, 0);
	for (uint32_t i = 0; i + 1 < d->nfields; i++)
		wbuf_varint(&ev, d->fields[i].kind == EBR_KIND_STR ? 0 : 77);
	put_block(&f, 3, 1, ev.p, ev.len, 1);
	ebr_source_mem(&src, &ms, f.p, f.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	CHECK_EQ(ebr_reader_next(r, &e), 1);
	CHECK_EQ(e->type, EBR_EV_BLOCK_RQ);
	CHECK_EQ(e->v[EBR_F_BLOCK_RQ_LAT_NS].u, 77);
	CHECK_EQ(e->v[EBR_F_BLOCK_RQ_QUEUE_NS].u, 77);
	CHECK_EQ(e->v[EBR_F_BLOCK_RQ_CMD_FLAGS].u, 0);
	ebr_reader_close(r);
	wbuf_release(&f);
	wbuf_release(&s);
	wbuf_release(&ev);
}

static void test_newer_major_refused(void)
{
	struct wbuf f = { 0 };
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	char msg[200];

	put_file_header(&f, 2, 3);
	ebr_source_mem(&src, &ms, f.p, f.len);
	CHECK_EQ(ebr_reader_open(&r, &src, msg, sizeof(msg)), EBR_E_VERSION);
	CHECK(strstr(msg, "2.3") && strstr(msg, "1.x"));
	wbuf_release(&f);
}

static void test_empty_and_not_trace(void)
{
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	char msg[200];
	static const char text[] = "#!/bin/sh\necho this is not a trace\n";

	ebr_source_mem(&src, &ms, "", 0);
	CHECK_EQ(ebr_reader_open(&r, &src, msg, sizeof(msg)), EBR_E_EMPTY);
	CHECK(strstr(msg, "empty"));
	ebr_source_mem(&src, &ms, text, sizeof(text) - 1);
	CHECK_EQ(ebr_reader_open(&r, &src, msg, sizeof(msg)), EBR_E_NOT_TRACE);
	CHECK(strstr(msg, "not an ebrec trace"));
}

static void test_oversized_claims(void)
{
	struct wbuf f = { 0 };
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	const struct ebr_event *e;
	unsigned char h[EBR_BLOCK_HEADER_SIZE] = { 0 };
	struct ebr_mem_sink mem;

	CHECK_EQ(write_stream(&mem, 3, 5, 0), 0);
	/* header + schema of a real file, then a block claiming 3 GiB, then nothing */
	wbuf_put(&f, mem.buf, mem.len);
	memcpy(h, EBR_BLOCK_MAGIC, 4);
	put_le16(h + 4, 3);
	put_le16(h + 6, 1);
	put_le32(h + 8, 3u << 30);
	put_le32(h + 12, 3u << 30);
	put_le32(h + 16, 5);
	put_le32(h + 44, ebr_crc32c(0, h, 44));
	/* insert it before the footer: the index then no longer matches, the scan must cope */
	f.len -= EBR_FOOTER_SIZE;
	wbuf_put(&f, h, sizeof(h));
	ebr_source_mem(&src, &ms, f.p, f.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	uint32_t n = 0;
	while (ebr_reader_next(r, &e) > 0)
		n++;
	CHECK_EQ(n, 5);
	int refused = 0;
	for (uint32_t i = 0; i < ebr_reader_problem_count(r); i++)
		refused |= ebr_reader_problem(r, i)->err == EBR_E_TOO_BIG;
	CHECK(refused);
	ebr_reader_close(r);
	wbuf_release(&f);
	free(mem.buf);
}

static void test_index_matches_scan(void)
{
	struct ebr_mem_sink mem;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	struct ebr_summary a, b;

	CHECK_EQ(write_stream(&mem, 5, 20000, 64 << 10), 0);
	ebr_source_mem(&src, &ms, mem.buf, mem.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	CHECK_EQ(ebr_reader_load_index(r, &a), 0);
	ebr_reader_close(r);
	ebr_source_mem(&src, &ms, mem.buf, mem.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	CHECK_EQ(ebr_reader_summarize(r, &b), 0);
	CHECK_EQ(a.events, 20000);
	CHECK_EQ(a.events, b.events);
	CHECK_EQ(a.t_first, b.t_first);
	CHECK_EQ(a.t_last, b.t_last);
	CHECK_EQ(a.ntypes, b.ntypes);
	CHECK_EQ(a.nprobes, b.nprobes);
	for (uint32_t i = 0; i < a.nprobes && i < b.nprobes; i++) {
		CHECK_EQ(a.probes[i].emitted, b.probes[i].emitted);
		CHECK_EQ(a.probes[i].lost_ringbuf, b.probes[i].lost_ringbuf);
	}
	/* the index lists every block but itself; the scan read every block */
	CHECK_EQ(a.nblocks + 1, b.nblocks);
	ebr_summary_release(&a);
	ebr_summary_release(&b);
	ebr_reader_close(r);
	/* without a footer, there is no index */
	ebr_source_mem(&src, &ms, mem.buf, mem.len - 1);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	CHECK_EQ(ebr_reader_load_index(r, &a), EBR_E_NO_INDEX);
	ebr_reader_close(r);
	free(mem.buf);
}

static void test_writer_into_pipe(void)
{
	/* the writer never seeks: write through a pipe, read the other end with the reader */
	int fds[2];
	pid_t pid;
	struct ebr_fd_source fs;
	struct ebr_source src;
	struct ebr_reader *r;
	const struct ebr_event *e;
	uint32_t n = 0;
	int status;

	CHECK_EQ(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		struct ebr_sink sink;
		struct ebr_writer *w;
		struct ebr_value v[EBR_MAX_FIELDS] = { 0 };
		int fd = fds[1];

		close(fds[0]);
		ebr_sink_fd(&sink, &fd);
		if (ebr_writer_new(&w, &sink, NULL))
			_exit(2);
		for (int i = 0; i < 50000; i++) {
			v[EBR_F_BLOCK_RQ_PID].u = (uint64_t)i;
			v[EBR_F_BLOCK_RQ_COMM].s = "piped";
			if (ebr_writer_event(w, EBR_EV_BLOCK_RQ, (uint64_t)i * 10, 0, v))
				_exit(3);
		}
		_exit(ebr_writer_close(w) ? 4 : 0);
	}
	close(fds[1]);
	ebr_source_fd(&src, &fs, fds[0]);
	CHECK(src.pread == NULL);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	while (r && ebr_reader_next(r, &e) > 0) {
		CHECK_EQ(e->v[EBR_F_BLOCK_RQ_PID].u, n);
		n++;
	}
	CHECK_EQ(n, 50000);
	CHECK_EQ(ebr_reader_problem_count(r), 0);
	ebr_reader_close(r);
	close(fds[0]);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_crc32c_known_value(void)
{
	/* RFC 3720 B.4 test vector: 32 bytes of zeros */
	unsigned char zeros[32] = { 0 };

	CHECK_EQ(ebr_crc32c(0, zeros, 32), 0x8A9136AA);
	CHECK_EQ(ebr_crc32c(0, "123456789", 9), 0xE3069283);
}

static void test_write_error_is_sticky(void)
{
	int fd = open("/dev/full", O_WRONLY);
	struct ebr_sink sink;
	struct ebr_writer *w = NULL;
	int err;

	if (fd < 0) {
		CHECK(fd >= 0);
		return;
	}
	ebr_sink_fd(&sink, &fd);
	err = ebr_writer_new(&w, &sink, NULL);
	CHECK_EQ(err, EBR_E_IO);
	CHECK(w == NULL);
	close(fd);
}

/* An event refused for a value past the limits leaves nothing of itself in the file. */
static void test_refused_event_leaves_no_trace(void)
{
	static uint64_t frames[EBR_MAX_STACK_DEPTH + 1];
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	struct ebr_mem_sink mem = { 0 };
	struct ebr_mem_source ms;
	struct ebr_sink sink;
	struct ebr_source src;
	struct ebr_writer *w;
	struct ebr_reader *r;
	const struct ebr_event *e;

	ebr_sink_mem(&sink, &mem);
	CHECK_EQ(ebr_writer_new(&w, &sink, NULL), 0);
	v[EBR_F_PROFILE_SAMPLE_PID].u = 7;
	v[EBR_F_PROFILE_SAMPLE_COMM].s = "refused";
	v[EBR_F_PROFILE_SAMPLE_KSTACK].frames = frames;
	v[EBR_F_PROFILE_SAMPLE_KSTACK].len = EBR_MAX_STACK_DEPTH + 1;
	CHECK_EQ(ebr_writer_event(w, EBR_EV_PROFILE_SAMPLE, 10, 0, v), EBR_E_INVALID);
	v[EBR_F_PROFILE_SAMPLE_KSTACK].len = 0;
	v[EBR_F_PROFILE_SAMPLE_COMM].s = "kept";
	CHECK_EQ(ebr_writer_event(w, EBR_EV_PROFILE_SAMPLE, 20, 0, v), 0);
	CHECK_EQ(ebr_writer_close(w), 0);
	ebr_source_mem(&src, &ms, mem.buf, mem.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	CHECK(ebr_reader_next(r, &e) == 1 && e->ts == 20 &&
	      !strcmp(e->v[EBR_F_PROFILE_SAMPLE_COMM].s, "kept"));
	CHECK_EQ(ebr_reader_next(r, &e), 0);
	CHECK_EQ(ebr_reader_problem_count(r), 0);
	ebr_reader_close(r);
	free(mem.buf);
}

/*
 * No EBR_E_* code can be read as a -errno: every code ebr_strerror() names lies below
 * -EBR_E_ERRNO_MAX, where strerror() knows no errno, and each has a message of its own.
 */
static void test_error_codes_apart_from_errno(void)
{
	static const int pinned[] = { EBR_E_IO,	     EBR_E_NOMEM,     EBR_E_NOT_TRACE, EBR_E_VERSION,
				      EBR_E_EMPTY,   EBR_E_TRUNCATED, EBR_E_CRC,       EBR_E_CORRUPT,
				      EBR_E_TOO_BIG, EBR_E_ZSTD,      EBR_E_INVALID,   EBR_E_NO_INDEX,
				      EBR_E_UNSUPPORTED };
	const char *unknown = ebr_strerror(1);
	int named[64], n = 0, lowest = -2 * EBR_E_ERRNO_MAX - 10000;

	for (int err = -1; err >= lowest; err--) {
		char errno_unknown[64];

		if (!strcmp(ebr_strerror(err), unknown))
			continue;
		CHECK(err < -EBR_E_ERRNO_MAX);
		snprintf(errno_unknown, sizeof(errno_unknown), "Unknown error %d", -err);
		CHECK(!strcmp(strerror(-err), errno_unknown));
		for (int i = 0; i < n; i++)
			CHECK(strcmp(ebr_strerror(named[i]), ebr_strerror(err)));
		if (n < (int)ARRAY_SIZE(named))
			named[n++] = err;
	}
	CHECK_EQ(n, (int)ARRAY_SIZE(pinned));
	for (size_t i = 0; i < ARRAY_SIZE(pinned); i++)
		CHECK(strcmp(ebr_strerror(pinned[i]), unknown));
	/* and the errnos ebr_strerror could be handed by mistake name no EBR_E_* code */
	CHECK(!strcmp(ebr_strerror(-ENOENT), unknown) && !strcmp(ebr_strerror(-ENOMEM), unknown));
}

/* The varints of FORMAT.md "Conventions": 10 bytes at most, and no value over 64 bits. */
static void test_varint_over_64_bits(void)
{
	static const unsigned char max[] = { 0xff, 0xff, 0xff, 0xff, 0xff,
					     0xff, 0xff, 0xff, 0xff, 0x01 };
	unsigned char over[sizeof(max)];
	struct cursor c = { max, max + sizeof(max), 0 };

	CHECK_EQ(cur_varint(&c), UINT64_MAX);
	CHECK_EQ(c.err, 0);
	/* the 10th byte may hold bit 63 alone: each of its 6 other bits is a 65th bit or more */
	for (int bit = 1; bit < 7; bit++) {
		memcpy(over, max, sizeof(max));
		over[9] = (unsigned char)(1u << bit);
		c = (struct cursor){ over, over + sizeof(over), 0 };
		cur_varint(&c);
		CHECK_EQ(c.err, EBR_E_CORRUPT);
	}
}

/*
 * Reads f: returns its events, with the first damage's error (0: none) and the problems
 * besides the missing footer.
 */
static uint32_t read_all(const struct wbuf *f, int *first_err, uint32_t *nproblems)
{
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	const struct ebr_event *e;
	uint32_t n = 0;

	*first_err = 0;
	*nproblems = 0;
	ebr_source_mem(&src, &ms, f->p, f->len);
	if (ebr_reader_open(&r, &src, NULL, 0))
		return UINT32_MAX;
	while (ebr_reader_next(r, &e) > 0)
		n++;
	for (uint32_t i = 0; i < ebr_reader_problem_count(r); i++) {
		const struct ebr_problem *p = ebr_reader_problem(r, i);

		if (p->kind == EBR_PROB_NO_FOOTER) /* these files have none */
			continue;
		if (!*first_err && ebr_problem_is_damage(p->kind))
			*first_err = p->err;
		++*nproblems;
	}
	ebr_reader_close(r);
	return n;
}

/* A file of the compiled schema and one events block of count ebr.counts, as given. */
static void file_with_events(struct wbuf *f, const struct wbuf *ev, uint16_t flags,
			     size_t raw_len, uint32_t count)
{
	struct wbuf s = { 0 };
	uint32_t n = ebr_event_def_count();

	put_file_header(f, EBR_VERSION_MAJOR, EBR_VERSION_MINOR);
	wbuf_varint(&s, n);
	wbuf_schema_types(&s);
	put_block(f, EBR_BLOCK_SCHEMA, 0, s.p, s.len, n);
	put_block_stored(f, EBR_BLOCK_EVENTS, flags, 1, ev->p, ev->len, raw_len, count);
	wbuf_release(&s);
}

/* The events payload of n ebr.counts whose lost_user is value (a varint of vlen bytes). */
static void counts_events(struct wbuf *ev, uint32_t n, const unsigned char *value, size_t vlen)
{
	wbuf_varint(ev, 0); /* strings */
	wbuf_varint(ev, 0); /* stacks */
	for (uint32_t i = 0; i < n; i++) {
		wbuf_varint(ev, EBR_EV_COUNTS);
		wbuf_varint(ev, zigzag(10));
		wbuf_varint(ev, 0);
		for (int k = 0; k < 4; k++)
			wbuf_varint(ev, 1);
		wbuf_put(ev, value, vlen);
	}
}

/* An event field of 10 bytes over 64 bits makes its block damaged; bit 63 alone does not. */
static void test_reader_refuses_varint_over_64_bits(void)
{
	unsigned char v[10] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	struct wbuf f = { 0 }, ev = { 0 };
	uint32_t nprob;
	int err;

	counts_events(&ev, 3, v, sizeof(v));
	file_with_events(&f, &ev, 0, ev.len, 3);
	CHECK_EQ(read_all(&f, &err, &nprob), 3);
	CHECK_EQ(err, 0);
	wbuf_release(&f);
	wbuf_release(&ev);
	v[9] = 0x7f; /* 63 bits more */
	counts_events(&ev, 3, v, sizeof(v));
	file_with_events(&f, &ev, 0, ev.len, 3);
	CHECK_EQ(read_all(&f, &err, &nprob), 0);
	CHECK_EQ(err, EBR_E_CORRUPT);
	wbuf_release(&f);
	wbuf_release(&ev);
}

/* A compressed payload is exactly one zstd frame: two frames, or a skippable one, are damage. */
static void test_one_zstd_frame_per_block(void)
{
	static const unsigned char skippable[] = { 0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0,
						   'h', 'i', 'd', 'e' };
	unsigned char one = 1;
	struct wbuf raw = { 0 }, z = { 0 }, f = { 0 };
	size_t half, n1, n2;
	uint32_t nprob;
	int err;

	counts_events(&raw, 40, &one, 1);
	CHECK_EQ(wbuf_reserve(&z, 2 * ZSTD_compressBound(raw.len) + sizeof(skippable)), 0);
	/* one frame: reads */
	n1 = ZSTD_compress(z.p, ZSTD_compressBound(raw.len), raw.p, raw.len, 3);
	CHECK(!ZSTD_isError(n1));
	file_with_events(&f, &(struct wbuf){ z.p, n1, 0, 0 }, 1, raw.len, 40);
	CHECK_EQ(read_all(&f, &err, &nprob), 40);
	CHECK_EQ(nprob, 0);
	f.len = 0;
	/* the same frame, then a skippable frame: zstd steps over it, the format does not */
	memcpy(z.p + n1, skippable, sizeof(skippable));
	file_with_events(&f, &(struct wbuf){ z.p, n1 + sizeof(skippable), 0, 0 }, 1, raw.len, 40);
	CHECK_EQ(read_all(&f, &err, &nprob), 0);
	CHECK_EQ(err, EBR_E_ZSTD);
	f.len = 0;
	/* the skippable frame first */
	memcpy(z.p, skippable, sizeof(skippable));
	n1 = ZSTD_compress(z.p + sizeof(skippable), ZSTD_compressBound(raw.len), raw.p, raw.len, 3);
	file_with_events(&f, &(struct wbuf){ z.p, n1 + sizeof(skippable), 0, 0 }, 1, raw.len, 40);
	CHECK_EQ(read_all(&f, &err, &nprob), 0);
	CHECK_EQ(err, EBR_E_ZSTD);
	f.len = 0;
	/* two frames that together hold the payload */
	half = raw.len / 2;
	n1 = ZSTD_compress(z.p, ZSTD_compressBound(half), raw.p, half, 3);
	n2 = ZSTD_compress(z.p + n1, ZSTD_compressBound(raw.len - half), raw.p + half,
			   raw.len - half, 3);
	CHECK(!ZSTD_isError(n1) && !ZSTD_isError(n2));
	file_with_events(&f, &(struct wbuf){ z.p, n1 + n2, 0, 0 }, 1, raw.len, 40);
	CHECK_EQ(read_all(&f, &err, &nprob), 0);
	CHECK_EQ(err, EBR_E_ZSTD);
	wbuf_release(&f);
	wbuf_release(&z);
	wbuf_release(&raw);
}

struct counting_source {
	struct ebr_mem_source mem;
	struct ebr_source inner;
	uint32_t reads;
};

static long counting_read(void *ctx, void *buf, size_t len)
{
	struct counting_source *cs = ctx;

	cs->reads++;
	return cs->inner.read(cs->inner.ctx, buf, len);
}

/* Resynchronising over 1 MiB of garbage reads it in chunks, not a read() per byte. */
static void test_resync_reads_in_chunks(void)
{
	struct ebr_mem_sink mem;
	struct counting_source cs;
	struct ebr_source src;
	struct ebr_reader *r;
	const struct ebr_event *e;
	struct ebr_block_info blocks[8];
	struct wbuf f = { 0 };
	uint64_t rng = 77;
	uint32_t n = 0, nblocks, garbage = 0;
	size_t at;

	CHECK_EQ(write_stream(&mem, 21, 2000, 16 << 10), 0);
	nblocks = events_blocks(mem.buf, mem.len, blocks, ARRAY_SIZE(blocks));
	CHECK(nblocks > 2);
	if (nblocks <= 2)
		goto out;
	at = blocks[1].offset;
	wbuf_put(&f, mem.buf, at);
	for (int i = 0; i < (1 << 20) / 8; i++) {
		unsigned char x[8];

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		put_le64(x, rng);
		wbuf_put(&f, x, sizeof(x));
	}
	wbuf_put(&f, mem.buf + at, mem.len - at);
	memset(&cs, 0, sizeof(cs));
	ebr_source_mem(&cs.inner, &cs.mem, f.p, f.len);
	src = (struct ebr_source){ counting_read, NULL, UINT64_MAX, &cs };
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	if (!r)
		goto out;
	while (ebr_reader_next(r, &e) > 0)
		n++;
	CHECK_EQ(n, 2000);
	for (uint32_t i = 0; i < ebr_reader_problem_count(r); i++) {
		const struct ebr_problem *p = ebr_reader_problem(r, i);

		CHECK_EQ(p->kind, EBR_PROB_GARBAGE);
		CHECK_EQ(p->offset, at);
		CHECK_EQ(p->length, 1 << 20);
		garbage++;
	}
	CHECK_EQ(garbage, 1);
	/* 16 windows of 64 KiB for the garbage, a few reads per block for the rest */
	CHECK(cs.reads < 16 + 4 * 64);
	ebr_reader_close(r);
out:
	wbuf_release(&f);
	free(mem.buf);
}

/*
 * A schema of 1024 types (the limit), ids small and large in no order: each event finds its
 * type, ebr_reader_type_index() finds each id, and two types of one id make the schema corrupt.
 */
static void test_type_lookup_in_a_large_schema(void)
{
	struct wbuf f = { 0 }, sch = { 0 }, ev = { 0 };
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	const struct ebr_event *e;
	uint32_t ids[EBR_MAX_TYPES], seen[3] = { 0 };

	for (uint32_t i = 0; i < EBR_MAX_TYPES; i++) /* every 3rd 7 .. 348, the others huge */
		ids[i] = i % 3 ? 4000000000u - i * 7919u : 7 + i / 3;
	wbuf_varint(&sch, EBR_MAX_TYPES);
	for (uint32_t i = 0; i < EBR_MAX_TYPES; i++) {
		char name[32];

		snprintf(name, sizeof(name), "t.%u", ids[i]);
		wbuf_varint(&sch, ids[i]);
		wbuf_str(&sch, name, strlen(name));
		wbuf_varint(&sch, 1);
		wbuf_str(&sch, "v", 1);
		wbuf_varint(&sch, EBR_KIND_U64);
	}
	put_file_header(&f, 1, EBR_VERSION_MINOR + 1);
	put_block(&f, EBR_BLOCK_SCHEMA, 0, sch.p, sch.len, EBR_MAX_TYPES);
	/* an event of the last type, the first, and one of a small id */
	wbuf_varint(&ev, 0);
	wbuf_varint(&ev, 0);
	for (int k = 0; k < 3; k++) {
		uint32_t i = k == 0 ? EBR_MAX_TYPES - 1 : k == 1 ? 0 : 3;

		wbuf_varint(&ev, ids[i]);
		wbuf_varint(&ev, zigzag(1));
		wbuf_varint(&ev, 0);
		wbuf_varint(&ev, ids[i]); /* v: its own id */
	}
	put_block(&f, EBR_BLOCK_EVENTS, 1, ev.p, ev.len, 3);
	ebr_source_mem(&src, &ms, f.p, f.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	if (!r)
		goto out;
	for (uint32_t i = 0; i < EBR_MAX_TYPES; i++)
		CHECK_EQ(ebr_reader_type_index(r, ids[i]), i);
	CHECK_EQ(ebr_reader_type_index(r, 1), -1);
	CHECK_EQ(ebr_reader_type_index(r, 4000000001u), -1);
	for (int k = 0; k < 3 && ebr_reader_next(r, &e) > 0; k++) {
		CHECK_EQ(e->file_type, e->raw[0].u);
		seen[k] = e->file_type;
	}
	CHECK_EQ(seen[0], ids[EBR_MAX_TYPES - 1]);
	CHECK_EQ(seen[1], ids[0]);
	CHECK_EQ(seen[2], ids[3]);
	ebr_reader_close(r);
	/* the last type takes the first one's id: the schema is corrupt */
	f.len = 0;
	ids[EBR_MAX_TYPES - 1] = ids[0];
	sch.len = 0;
	wbuf_varint(&sch, EBR_MAX_TYPES);
	for (uint32_t i = 0; i < EBR_MAX_TYPES; i++) {
		wbuf_varint(&sch, ids[i]);
		wbuf_str(&sch, "t", 1);
		wbuf_varint(&sch, 0);
	}
	put_file_header(&f, 1, EBR_VERSION_MINOR + 1);
	put_block(&f, EBR_BLOCK_SCHEMA, 0, sch.p, sch.len, EBR_MAX_TYPES);
	ebr_source_mem(&src, &ms, f.p, f.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), EBR_E_CORRUPT);
out:
	wbuf_release(&f);
	wbuf_release(&sch);
	wbuf_release(&ev);
}

/* SipHash-2-4's reference vectors: key 00..0f, message 00..len-1 (veorq/SipHash vectors.h). */
static void test_siphash_reference_vectors(void)
{
	static const struct {
		size_t len;
		uint64_t hash;
	} vectors[] = {
		{ 0, 0x726fdb47dd0e0e31ull },  { 1, 0x74f839c593dc67fdull },
		{ 2, 0x0d6c8009d9a94f5aull },  { 3, 0x85676696d7fb7e2dull },
		{ 4, 0xcf2794e0277187b7ull },  { 5, 0x18765564cd99a68dull },
		{ 6, 0xcbc9466e58fee3ceull },  { 7, 0xab0200f58b01d137ull },
		{ 8, 0x93f5f5799a932462ull },  { 9, 0x9e0082df0ba9e4b0ull },
		{ 10, 0x7a5dbbc594ddb9f3ull }, { 11, 0xf4b32f46226bada7ull },
		{ 12, 0x751e8fbc860ee5fbull }, { 15, 0xa129ca6149be45e5ull },
	};
	struct siphash_key key = { 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull };
	unsigned char msg[16];

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)i;
	for (size_t i = 0; i < ARRAY_SIZE(vectors); i++)
		CHECK_EQ(siphash24(&key, msg, vectors[i].len), vectors[i].hash);
}

/* A META block of n keys "PREFIX.NNNNNN", each value vlen bytes of 'v'. */
static void put_meta_keys(struct wbuf *f, uint32_t seq, const char *prefix, uint32_t from,
			  uint32_t n, size_t vlen)
{
	struct wbuf m = { 0 };
	char *val = malloc(vlen + 1);

	if (!val)
		return;
	memset(val, 'v', vlen);
	val[vlen] = 0;
	wbuf_varint(&m, n);
	for (uint32_t i = 0; i < n; i++) {
		char key[48];

		snprintf(key, sizeof(key), "%s.%06u", prefix, from + i);
		wbuf_str(&m, key, strlen(key));
		wbuf_str(&m, val, vlen);
	}
	put_block(f, EBR_BLOCK_META, seq, m.p, m.len, 0);
	wbuf_release(&m);
	free(val);
}

/*
 * A reader holds at most EBR_MAX_META_KEYS keys and EBR_MAX_META_BYTES of META from a file:
 * past either, the rest of the file's META is ignored, said once as damage of that block.
 */
static void test_meta_limits(void)
{
	struct ebr_mem_sink mem;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	const struct ebr_event *e;
	struct wbuf f = { 0 };
	uint32_t over = 0;

	CHECK_EQ(write_stream(&mem, 9, 10, 0), 0);
	/* the schema and the stream's first META, then 3 blocks of 6000 keys, then one more */
	wbuf_put(&f, mem.buf, mem.len - EBR_FOOTER_SIZE);
	put_meta_keys(&f, 100, "a", 0, 6000, 1);
	put_meta_keys(&f, 101, "a", 6000, 6000, 1);
	put_meta_keys(&f, 102, "a", 12000, 6000, 1);
	put_meta_keys(&f, 103, "late", 0, 1, 1);
	ebr_source_mem(&src, &ms, f.p, f.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	if (!r)
		goto out;
	while (ebr_reader_next(r, &e) > 0)
		;
	CHECK_EQ(ebr_reader_meta_count(r), EBR_MAX_META_KEYS);
	CHECK(ebr_reader_meta(r, "host.hostname") != NULL);
	CHECK(ebr_reader_meta(r, "a.000000") != NULL);
	CHECK(ebr_reader_meta(r, "a.016382") != NULL); /* the stream's own key is the 16384th */
	CHECK(ebr_reader_meta(r, "a.016383") == NULL);
	CHECK(ebr_reader_meta(r, "late.000000") == NULL);
	for (uint32_t i = 0; i < ebr_reader_problem_count(r); i++) {
		const struct ebr_problem *p = ebr_reader_problem(r, i);

		if (p->err != EBR_E_TOO_BIG)
			continue;
		over++;
		CHECK_EQ(p->kind, EBR_PROB_BAD_PAYLOAD);
		CHECK(ebr_problem_is_damage(p->kind));
		CHECK(strstr(p->msg, "the rest of META is ignored") != NULL);
	}
	CHECK_EQ(over, 1);
	ebr_reader_close(r);
	/* five values of 1 MiB: three are held (a fourth and the keys pass 4 MiB) */
	f.len = mem.len - EBR_FOOTER_SIZE;
	for (uint32_t i = 0; i < 5; i++)
		put_meta_keys(&f, 100 + i, "big", i, 1, EBR_MAX_STRING);
	ebr_source_mem(&src, &ms, f.p, f.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	if (!r)
		goto out;
	while (ebr_reader_next(r, &e) > 0)
		;
	CHECK(ebr_reader_meta(r, "big.000002") != NULL);
	CHECK(ebr_reader_meta(r, "big.000003") == NULL);
	CHECK_EQ(ebr_reader_meta_count(r), 4);
	ebr_reader_close(r);
out:
	wbuf_release(&f);
	free(mem.buf);
}

/*
 * A block without stacks costs the reader about its payload: not a frame table of 8 bytes per
 * payload byte (a 6.4 MB block of counters held 51 MB more).
 */
static void test_tables_sized_by_what_a_block_holds(void)
{
	unsigned char one = 1;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	const struct ebr_event *e;
	struct wbuf f = { 0 }, ev = { 0 };
	size_t before, held = 0;
	uint32_t n = 800000, read = 0;

	counts_events(&ev, n, &one, 1); /* 8 bytes each: 6.4 MB */
	file_with_events(&f, &ev, 0, ev.len, n);
	wbuf_release(&ev);
	before = ebr_mem_held();
	ebr_source_mem(&src, &ms, f.p, f.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	if (!r)
		goto out;
	while (ebr_reader_next(r, &e) > 0) {
		if (!read++)
			held = ebr_mem_held() - before;
	}
	CHECK_EQ(read, n);
	/* the payload as stored and as decoded (each rounded up to a power of two), little else */
	CHECK(held < 3 * f.len);
	ebr_reader_close(r);
out:
	wbuf_release(&f);
}

/*
 * A big buffer keeps its values from small (malloc'd) to big (mapped) and as it grows (a new
 * mapping), is counted in the bytes held while it lives, and is refused past the budget as
 * the budget's refusal.
 */
static void test_big_buffer_grows_keeps_and_counts(void)
{
	size_t before = ebr_mem_held(), cap = 0, sizes[] = { 1000, 100000, 3000000, 9000000 };
	uint64_t *p = NULL, *q = NULL;
	size_t qcap = 0, filled = 0;

	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		CHECK_EQ(ebr_big_grow((void **)&p, &cap, sizes[k], sizeof(*p)), 0);
		if (!p)
			return;
		CHECK(cap >= sizes[k]);
		CHECK(ebr_mem_held() - before >= cap * sizeof(*p));
		for (size_t i = 0; i < filled; i++)
			if (p[i] != i * 2654435761u) {
				CHECK_EQ(p[i], i * 2654435761u);
				break;
			}
		for (size_t i = filled; i < sizes[k]; i++)
			p[i] = i * 2654435761u;
		filled = sizes[k];
	}
	/* a smaller need keeps the buffer */
	q = p;
	CHECK_EQ(ebr_big_grow((void **)&p, &cap, 10, sizeof(*p)), 0);
	CHECK(p == q);
	q = NULL;
	ebr_mem_set_limit(ebr_mem_held() + (1u << 20));
	CHECK_EQ(ebr_big_grow((void **)&q, &qcap, 1u << 20, sizeof(*q)), EBR_E_NOMEM);
	CHECK(!q && !qcap);
	CHECK(ebr_mem_limit_reached());
	ebr_mem_set_limit(0);
	ebr_big_free(p, cap, sizeof(*p));
	CHECK_EQ(ebr_mem_held(), before);
}

/* f (a whole trace) with its index replaced by one listing blocks[order[0..n-1]]. */
static void replace_index(struct wbuf *f, const struct ebr_summary *sum, const uint32_t *order,
			  uint32_t n)
{
	uint64_t index_off = get_le64(f->p + f->len - 8);
	unsigned char footer[EBR_FOOTER_SIZE];
	struct wbuf ix = { 0 };

	wbuf_varint(&ix, n);
	for (uint32_t i = 0; i < n; i++) {
		const struct ebr_block_info *b = &sum->blocks[order[i]];

		wbuf_varint(&ix, b->offset);
		wbuf_varint(&ix, b->type);
		wbuf_varint(&ix, b->flags);
		wbuf_varint(&ix, b->stored_size);
		wbuf_varint(&ix, b->raw_size);
		wbuf_varint(&ix, b->count);
		wbuf_varint(&ix, b->t_first);
		wbuf_varint(&ix, b->t_last - b->t_first);
	}
	wbuf_varint(&ix, 0);
	wbuf_varint(&ix, 0);
	f->len = (size_t)index_off;
	put_block(f, EBR_BLOCK_INDEX, 99, ix.p, ix.len, n);
	memcpy(footer, EBR_FOOTER_MAGIC, 8);
	put_le64(footer + 8, index_off);
	wbuf_put(f, footer, sizeof(footer));
	wbuf_release(&ix);
}

/* load_index() of f: its result, and the problems it noted. */
static int index_of(const struct wbuf *f, uint32_t *nproblems, struct ebr_problem *first)
{
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	struct ebr_summary sum;
	int err;

	ebr_source_mem(&src, &ms, f->p, f->len);
	err = ebr_reader_open(&r, &src, NULL, 0);
	if (err)
		return err;
	err = ebr_reader_load_index(r, &sum);
	ebr_summary_release(&sum);
	*nproblems = ebr_reader_problem_count(r);
	if (*nproblems)
		*first = *ebr_reader_problem(r, 0);
	ebr_reader_close(r);
	return err;
}

/*
 * The index lists the blocks in file order (FORMAT.md): one that lists a block twice would
 * have it read twice (a META block 4000 times made `info` run for minutes), so it is refused
 * and said to be damaged; so is a footer that names no index.
 */
static void test_index_in_file_order(void)
{
	struct ebr_mem_sink mem;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	struct ebr_summary sum;
	struct ebr_problem first;
	struct wbuf f = { 0 };
	uint32_t order[8], nprob = 0, n;

	CHECK_EQ(write_stream(&mem, 13, 3000, 16 << 10), 0);
	ebr_source_mem(&src, &ms, mem.buf, mem.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	if (!r)
		goto out;
	CHECK_EQ(ebr_reader_load_index(r, &sum), 0);
	CHECK_EQ(ebr_reader_problem_count(r), 0);
	ebr_reader_close(r);
	n = sum.nblocks < ARRAY_SIZE(order) - 1 ? sum.nblocks : ARRAY_SIZE(order) - 1;
	CHECK(n > 3 && sum.blocks[1].type == EBR_BLOCK_META);
	/* every block once, in order: intact */
	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	wbuf_put(&f, mem.buf, mem.len);
	replace_index(&f, &sum, order, n);
	CHECK_EQ(index_of(&f, &nprob, &first), 0);
	CHECK_EQ(nprob, 0);
	/* the META block listed twice */
	order[n] = 1;
	replace_index(&f, &sum, order, n + 1);
	CHECK_EQ(index_of(&f, &nprob, &first), EBR_E_NO_INDEX);
	CHECK_EQ(nprob, 1);
	CHECK(ebr_problem_is_damage(first.kind));
	CHECK(strstr(first.msg, "lists a block twice or out of file order") != NULL);
	/* two blocks swapped */
	order[1] = 2;
	order[2] = 1;
	replace_index(&f, &sum, order, n);
	CHECK_EQ(index_of(&f, &nprob, &first), EBR_E_NO_INDEX);
	CHECK_EQ(nprob, 1);
	/* a footer that names the schema block: no index there */
	put_le64(f.p + f.len - 8, EBR_FILE_HEADER_SIZE);
	CHECK_EQ(index_of(&f, &nprob, &first), EBR_E_NO_INDEX);
	CHECK_EQ(nprob, 1);
	CHECK(strstr(first.msg, "for the index, where there is none") != NULL);
	ebr_summary_release(&sum);
out:
	wbuf_release(&f);
	free(mem.buf);
}

/* Types a file describes (generic probes): written after the compiled-in ones, decoded by
 * name as unknown types, counted in the index; names that clash or bad fields are refused. */
static void test_described_types(void)
{
	static const struct ebr_field_def tp_fields[] = {
		{ "common_pid", EBR_KIND_U64, NULL }, { "sig", EBR_KIND_S64, NULL },
		{ "comm", EBR_KIND_STR, NULL },       { "data", EBR_KIND_BYTES, NULL },
	};
	static const struct ebr_field_def bad_kind[] = { { "x", (enum ebr_kind)9, NULL } };
	struct ebr_event_def dyn[2] = {
		{ 0, "tracepoint:signal:signal_generate", NULL, 4, tp_fields },
		{ 0, "uprobe:/bin/true:main", NULL, 1, tp_fields },
	};
	struct ebr_writer_opts o = { .dyn_types = dyn, .ndyn_types = 2 };
	struct ebr_value v[4] = { { .u = 42 }, { .u = (uint64_t)-10 }, { .s = "sleep" },
				  { .s = "\x01\x00\x02", .len = 3 } };
	struct ebr_mem_sink mem = { 0 };
	struct ebr_sink sink;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_writer *w;
	struct ebr_reader *r;
	struct ebr_summary sum;
	const struct ebr_event *e;
	uint32_t n = 0, first = 0;

	ebr_sink_mem(&sink, &mem);
	CHECK_EQ(ebr_writer_new(&w, &sink, &o), 0);
	if (!w)
		return;
	CHECK_EQ(ebr_writer_event(w, EBR_DYN_TYPE_BASE, 100, 1, v), 0);
	CHECK_EQ(ebr_writer_event(w, EBR_DYN_TYPE_BASE, 200, 0, v), 0);
	CHECK_EQ(ebr_writer_event(w, EBR_DYN_TYPE_BASE + 1, 300, 0, v), 0);
	CHECK_EQ(ebr_writer_event(w, EBR_DYN_TYPE_BASE + 2, 300, 0, v), EBR_E_INVALID);
	CHECK_EQ(ebr_writer_close(w), 0);

	ebr_source_mem(&src, &ms, mem.buf, mem.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	if (!r)
		goto out;
	CHECK_EQ(ebr_reader_type_count(r), ebr_event_def_count() + 2);
	while (ebr_reader_next(r, &e) > 0) {
		int ti = ebr_reader_type_index(r, e->file_type);
		const char *name = NULL, *fname = NULL;
		enum ebr_kind kind = 0;
		uint32_t id, nf;

		CHECK_EQ(e->type, EBR_EV_UNKNOWN);
		CHECK(ti >= 0);
		if (ti < 0)
			continue;
		ebr_reader_type_at(r, (uint32_t)ti, &id, &name, &nf);
		CHECK(!strcmp(name, dyn[e->file_type - EBR_DYN_TYPE_BASE].name));
		CHECK_EQ(nf, e->nraw);
		if (n++ == 0) {
			first = e->file_type;
			CHECK_EQ(e->nraw, 4);
			CHECK_EQ(e->raw[0].u, 42);
			CHECK_EQ(ebr_value_s64(&e->raw[1]), -10);
			CHECK(!strcmp(e->raw[2].s, "sleep"));
			CHECK(e->raw[3].len == 3 && !memcmp(e->raw[3].s, "\x01\x00\x02", 3));
			ebr_reader_type_field(r, (uint32_t)ti, 1, &fname, &kind);
			CHECK(!strcmp(fname, "sig") && kind == EBR_KIND_S64);
		}
	}
	CHECK_EQ(n, 3);
	CHECK_EQ(first, EBR_DYN_TYPE_BASE);
	ebr_reader_close(r);

	ebr_source_mem(&src, &ms, mem.buf, mem.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	CHECK_EQ(ebr_reader_load_index(r, &sum), 0);
	for (uint32_t i = 0; i < sum.ntypes; i++) {
		if (sum.types[i].type == EBR_DYN_TYPE_BASE)
			CHECK_EQ(sum.types[i].count, 2);
		if (sum.types[i].type == EBR_DYN_TYPE_BASE + 1)
			CHECK_EQ(sum.types[i].count, 1);
	}
	CHECK_EQ(sum.ntypes, 2);
	ebr_summary_release(&sum);
	ebr_reader_close(r);
out:
	free(mem.buf);

	/* refused: a name twice, a compiled-in name, a bad kind, too many fields, no name */
	memset(&mem, 0, sizeof(mem));
	dyn[1].name = dyn[0].name;
	CHECK_EQ(ebr_writer_new(&w, &sink, &o), EBR_E_INVALID);
	dyn[1].name = "block.rq";
	CHECK_EQ(ebr_writer_new(&w, &sink, &o), EBR_E_INVALID);
	dyn[1] = (struct ebr_event_def){ 0, "usdt:/x:p:n", NULL, 1, bad_kind };
	CHECK_EQ(ebr_writer_new(&w, &sink, &o), EBR_E_INVALID);
	dyn[1] = (struct ebr_event_def){ 0, "usdt:/x:p:n", NULL, EBR_MAX_FIELDS + 1, tp_fields };
	CHECK_EQ(ebr_writer_new(&w, &sink, &o), EBR_E_INVALID);
	dyn[1] = (struct ebr_event_def){ 0, "", NULL, 1, tp_fields };
	CHECK_EQ(ebr_writer_new(&w, &sink, &o), EBR_E_INVALID);
	CHECK(w == NULL);
	CHECK_EQ(mem.len, 0);
	free(mem.buf);
}

/* A file of a series keeps the series' start when its own META says another one. */
static void write_clocked(struct ebr_mem_sink *mem, const char *start, const char *end,
			  const char *host)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };
	struct ebr_writer *w;
	struct ebr_sink sink;

	memset(mem, 0, sizeof(*mem));
	ebr_sink_mem(&sink, mem);
	CHECK_EQ(ebr_writer_new(&w, &sink, NULL), 0);
	ebr_writer_meta(w, "clock.start.monotonic_ns", start);
	ebr_writer_meta(w, "clock.start.realtime_ns", start);
	ebr_writer_meta(w, "host.hostname", host);
	CHECK_EQ(ebr_writer_event(w, EBR_EV_COUNTS, strtoull(start, NULL, 10) + 1, 0, v), 0);
	ebr_writer_meta(w, "clock.end.monotonic_ns", end);
	CHECK_EQ(ebr_writer_close(w), 0);
}

static struct ebr_reader *read_whole(struct ebr_mem_sink *mem, struct ebr_mem_source *ms,
				     struct ebr_source *src, const struct ebr_reader *first)
{
	const struct ebr_event *ev;
	struct ebr_reader *r = NULL;

	ebr_source_mem(src, ms, mem->buf, mem->len);
	CHECK_EQ(ebr_reader_open(&r, src, NULL, 0), 0);
	if (first)
		CHECK_EQ(ebr_reader_pin_start(r, first), 0);
	while (r && ebr_reader_next(r, &ev) > 0)
		;
	return r;
}

static void test_pin_start(void)
{
	struct ebr_mem_sink a, b;
	struct ebr_mem_source ma, mb;
	struct ebr_source sa, sb;
	struct ebr_reader *ra, *rb;

	write_clocked(&a, "1000", "5000", "one");
	write_clocked(&b, "5000", "9000", "two");
	ra = read_whole(&a, &ma, &sa, NULL);
	rb = read_whole(&b, &mb, &sb, ra);
	CHECK_EQ(ebr_reader_start_ns(rb), 1000);
	CHECK(!strcmp(ebr_reader_meta(rb, "clock.start.monotonic_ns"), "1000"));
	CHECK(!strcmp(ebr_reader_meta(rb, "clock.start.realtime_ns"), "1000"));
	/* the rest is the file's own: the series ends with its last file */
	CHECK(!strcmp(ebr_reader_meta(rb, "clock.end.monotonic_ns"), "9000"));
	CHECK(!strcmp(ebr_reader_meta(rb, "host.hostname"), "two"));
	CHECK_EQ(ebr_reader_start_ns(ra), 1000);
	ebr_reader_close(ra);
	ebr_reader_close(rb);
	free(a.buf);
	free(b.buf);
}

/*
 * The intern tables answer a repeat of the last item before hashing: every id stays the one
 * the item was first given, for a repeat, a shorter item that the last one starts with, after
 * the table grew (its items moved) and after a reset.
 */
static void test_intern_repeats_keep_their_ids(void)
{
	struct intern t = { 0 };
	char name[16];
	int err = 0;

	CHECK(intern_add(&t, "bash", 4, 0, &err) == 1);
	CHECK(intern_add(&t, "bash", 4, 0, &err) == 1);
	CHECK(intern_add(&t, "bas", 3, 0, &err) == 2);
	CHECK(intern_add(&t, "bash", 4, 0, &err) == 1);
	for (int i = 0; i < 300; i++) { /* past 128 and 256 items: two grows */
		snprintf(name, sizeof(name), "t%d", i);
		CHECK(intern_add(&t, name, (uint32_t)strlen(name), 0, &err) == 3u + (uint32_t)i);
		CHECK(intern_add(&t, name, (uint32_t)strlen(name), 0, &err) == 3u + (uint32_t)i);
	}
	CHECK(intern_add(&t, "bas", 3, 0, &err) == 2);
	CHECK(intern_add(&t, "t0", 2, 0, &err) == 3);
	intern_reset(&t);
	CHECK(intern_add(&t, "t0", 2, 0, &err) == 1);
	CHECK(intern_add(&t, "bash", 4, 0, &err) == 2);
	CHECK(intern_add(&t, "t0", 2, 0, &err) == 1);
	CHECK(t.count == 2 && !err);
	intern_release(&t);
}

/*
 * Process titles (format/title.h): a command line shows as ps shows it; a rewritten one
 * differs from the arguments, the same one (or one cut at EBR_TITLE_MAX, or one going on past
 * an exec's last recorded argument) does not.
 */
static void test_titles(void)
{
	char out[EBR_TITLE_MAX + 1], args[600], joined[600];
	bool cut;

	CHECK_EQ(ebr_title_of("postgres: alice db\0\0\0", 21, out, &cut), 18);
	CHECK(!strcmp(out, "postgres: alice db") && !cut);
	CHECK_EQ(ebr_title_of("ls\0-l\0", 6, out, &cut), 5);
	CHECK(!strcmp(out, "ls -l"));
	CHECK_EQ(ebr_title_of("\0\0", 2, out, &cut), 0);
	CHECK(ebr_title_is_args("ls -l", false, "ls\0-l\0", 6, 20));
	CHECK(!ebr_title_is_args("ls -la", false, "ls\0-l\0", 6, 20));
	CHECK(!ebr_title_is_args("postgres: alice db", false, "postgres\0-D\0/data\0", 18, 20));
	CHECK(!ebr_title_is_args("ls", false, "ls\0-l\0", 6, 20)); /* it dropped an argument */
	for (size_t i = 0; i < sizeof(args); i++) {
		args[i] = i % 8 == 7 ? 0 : (char)('a' + i % 8);
		joined[i] = args[i] ? args[i] : ' ';
	}
	ebr_title_of(args, sizeof(args), out, &cut);
	CHECK(cut && strlen(out) == EBR_TITLE_MAX && !memcmp(out, joined, EBR_TITLE_MAX));
	CHECK(ebr_title_is_args(out, true, args, sizeof(args), 100));
	CHECK(!ebr_title_is_args(out, false, args, sizeof(args), 100)); /* only its first 256 */
	/* 3 arguments recorded of more: a title that goes on after them is the same */
	CHECK(ebr_title_is_args("a b c d e", false, "a\0b\0c\0", 6, 3));
	CHECK(!ebr_title_is_args("a b cd", false, "a\0b\0c\0", 6, 3));
	CHECK(!ebr_title_is_args("a b c d", false, "a\0b\0c\0", 6, 20));
}

/* ------------------------------------------------------------ decoding on threads */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/*
 * Everything a reader gives of buf, read on threads: every event (each value, string and
 * frame), how the read ended, every problem and META, as one hash.
 */
static uint64_t read_digest(const void *buf, size_t len, unsigned threads, uint32_t *events)
{
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	const struct ebr_event *ev;
	uint64_t h = 0xcbf29ce484222325ull;
	int rc;

	*events = 0;
	ebr_source_mem(&src, &ms, buf, len);
	rc = ebr_reader_open(&r, &src, NULL, 0);
	if (rc)
		return fnv(h, &rc, sizeof(rc));
	CHECK_EQ(ebr_reader_set_threads(r, threads), 0);
	while ((rc = ebr_reader_next(r, &ev)) > 0) {
		const struct ebr_event_def *d = ebr_event_def(ev->type);

		(*events)++;
		h = fnv(h, &ev->type, sizeof(ev->type));
		h = fnv(h, &ev->file_type, sizeof(ev->file_type));
		h = fnv(h, &ev->ts, sizeof(ev->ts));
		h = fnv(h, &ev->cpu, sizeof(ev->cpu));
		for (uint32_t f = 0; f < ev->nraw; f++) {
			const struct ebr_value *v = &ev->raw[f];

			h = fnv(h, &v->u, sizeof(v->u));
			h = fnv(h, &v->len, sizeof(v->len));
			if (v->s)
				h = fnv(h, v->s, v->len);
			if (v->frames)
				h = fnv(h, v->frames, v->len * sizeof(*v->frames));
		}
		for (uint32_t f = 0; d && f < d->nfields; f++)
			h = fnv(h, &ev->v[f].u, sizeof(ev->v[f].u));
	}
	h = fnv(h, &rc, sizeof(rc));
	for (uint32_t i = 0; i < ebr_reader_problem_count(r); i++) {
		const struct ebr_problem *p = ebr_reader_problem(r, i);

		h = fnv(h, &p->kind, sizeof(p->kind));
		h = fnv(h, &p->err, sizeof(p->err));
		h = fnv(h, &p->block, sizeof(p->block));
		h = fnv(h, &p->offset, sizeof(p->offset));
		h = fnv(h, &p->length, sizeof(p->length));
		h = fnv(h, p->msg, strlen(p->msg));
	}
	for (uint32_t i = 0; i < ebr_reader_meta_count(r); i++) {
		const char *k, *v;

		ebr_reader_meta_at(r, i, &k, &v);
		h = fnv(h, k, strlen(k) + 1);
		h = fnv(h, v, strlen(v) + 1);
	}
	ebr_reader_close(r);
	return h;
}

/* What one thread reads of buf, three read alike. */
static int threads_agree(const void *buf, size_t len, uint32_t *events)
{
	uint32_t n3;

	return read_digest(buf, len, 1, events) == read_digest(buf, len, 3, &n3) && *events == n3;
}

static void test_threads_read_as_one(void)
{
	struct ebr_mem_sink mem;
	struct ebr_block_info blocks[256];
	uint32_t nb, events, total, variants = 0, differ = 0;
	unsigned char *copy;
	size_t schema_len, at;

	CHECK_EQ(write_stream(&mem, 21, 6000, 1500), 0);
	nb = events_blocks(mem.buf, mem.len, blocks, 256);
	CHECK(nb > 20);
	CHECK(threads_agree(mem.buf, mem.len, &total));
	CHECK_EQ(total, 6000);
	/* twice as long: room for a copy of the schema block put in the middle of the file */
	copy = malloc(2 * mem.len);
	for (size_t cut = 1; cut < mem.len; cut += mem.len / 61) {
		variants++;
		differ += !threads_agree(mem.buf, cut, &events);
	}
	for (size_t off = 0; off < mem.len; off += 89) {
		memcpy(copy, mem.buf, mem.len);
		copy[off] ^= 0x5a;
		variants++;
		differ += !threads_agree(copy, mem.len, &events);
	}
	/* garbage over two blocks' worth: resynchronised after */
	memcpy(copy, mem.buf, mem.len);
	memset(copy + blocks[nb / 2].offset + 7, 'E', 3000);
	variants++;
	differ += !threads_agree(copy, mem.len, &events);
	CHECK(events < total);
	/* a second schema mid-file: the blocks after it wait for it to be taken */
	schema_len = blocks[0].offset - EBR_FILE_HEADER_SIZE;
	at = blocks[nb / 2].offset;
	memcpy(copy, mem.buf, at);
	memcpy(copy + at, (const char *)mem.buf + EBR_FILE_HEADER_SIZE, schema_len);
	memcpy(copy + at + schema_len, (const char *)mem.buf + at, mem.len - at);
	variants++;
	differ += !threads_agree(copy, mem.len + schema_len, &events);
	CHECK_EQ(events, total);
	CHECK_EQ(differ, 0);
	/* a pass that stops early closes its reader while blocks are decoded ahead */
	for (uint32_t stop = 0; stop < 3000; stop += 97) {
		struct ebr_mem_source ms;
		struct ebr_source src;
		struct ebr_reader *r;
		const struct ebr_event *ev;
		uint32_t n = 0;

		ebr_source_mem(&src, &ms, mem.buf, mem.len);
		CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
		CHECK_EQ(ebr_reader_set_threads(r, 3), 0);
		while (n < stop && ebr_reader_next(r, &ev) > 0)
			n++;
		CHECK_EQ(n, stop);
		ebr_reader_close(r);
	}
	printf("  %u files (cut, flipped, resynchronised, a second schema) read alike on 1 and 3 "
	       "threads\n", variants);
	free(copy);
	free(mem.buf);
}

/* The stream tests again, their events in rows: the layout of every file before 1.7. */
static void test_streams_in_rows(void)
{
	layout = EBR_LAYOUT_ROWS;
	test_roundtrip_million();
	test_truncation_every_byte();
	test_truncated_message_names_offset();
	test_bit_flips();
	test_flips_anywhere_never_crash();
	test_threads_read_as_one();
	layout = EBR_LAYOUT_COLUMNS;
}

/* The events blocks of mem, each as its flags say and its payload decompressed. */
static uint32_t raw_events_blocks(const struct ebr_mem_sink *mem, struct ebr_block_info *b,
				  unsigned char **raw, uint32_t max)
{
	uint32_t nb = events_blocks(mem->buf, mem->len, b, max);

	for (uint32_t i = 0; i < nb; i++) {
		const unsigned char *stored = (const unsigned char *)mem->buf + b[i].offset +
					      EBR_BLOCK_HEADER_SIZE;

		raw[i] = malloc(b[i].raw_size ? b[i].raw_size : 1);
		if (b[i].flags & EBR_BF_ZSTD)
			CHECK_EQ(ZSTD_decompress(raw[i], b[i].raw_size, stored, b[i].stored_size),
				 b[i].raw_size);
		else
			memcpy(raw[i], stored, b[i].raw_size);
	}
	return nb;
}

/*
 * f: what mem holds before its first events block (header, schema, META), then block b's
 * payload raw (as raw_events_blocks() gives it, perhaps changed), stored uncompressed as block
 * 1 with valid checksums: damage that only the decoder can see.
 */
static void file_of_block(struct wbuf *f, const struct ebr_mem_sink *mem,
			  const struct ebr_block_info *first, const struct ebr_block_info *b,
			  const unsigned char *raw)
{
	f->len = 0;
	wbuf_put(f, mem->buf, first->offset);
	put_block_stored(f, EBR_BLOCK_EVENTS, b->flags & ~EBR_BF_ZSTD, 1, raw, b->raw_size,
			 b->raw_size, b->count);
}

/*
 * Damage that the checksums do not see: every bit of every column block's payload flipped
 * in turn, the block stored again with valid CRCs after the schema. The reader never gives
 * more events than the header counts, and gives fewer only with the block reported.
 */
static void test_column_payload_flips(void)
{
	struct ebr_mem_sink mem;
	struct ebr_block_info blocks[64];
	unsigned char *raw[64];
	uint32_t nb, flips = 0, bad = 0, damaged = 0;

	CHECK_EQ(write_stream(&mem, 13, 300, 1500), 0);
	nb = raw_events_blocks(&mem, blocks, raw, 64);
	CHECK(nb >= 3);
	for (uint32_t b = 0; b < nb && b < 3; b++) {
		CHECK(blocks[b].flags & EBR_BF_COLUMNS);
		for (size_t off = 0; off < blocks[b].raw_size; off++) {
			for (int bit = 0; bit < 8; bit++) {
				struct wbuf f = { 0 };
				struct ebr_mem_source ms;
				struct ebr_source src;
				struct ebr_reader *r;
				const struct ebr_event *ev;
				uint32_t n = 0;

				raw[b][off] ^= (unsigned char)(1u << bit);
				file_of_block(&f, &mem, &blocks[0], &blocks[b], raw[b]);
				raw[b][off] ^= (unsigned char)(1u << bit);
				ebr_source_mem(&src, &ms, f.p, f.len);
				CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
				while (ebr_reader_next(r, &ev) > 0)
					n++;
				bool reported = false;

				for (uint32_t p = 0; p < ebr_reader_problem_count(r); p++)
					reported |= ebr_reader_problem(r, p)->kind ==
						    EBR_PROB_BAD_PAYLOAD;
				damaged += reported;
				bad += n > blocks[b].count || (n < blocks[b].count && !reported);
				flips++;
				ebr_reader_close(r);
				wbuf_release(&f);
			}
		}
	}
	CHECK_EQ(bad, 0);
	/* most flips change a string or a value, which only the CRCs catch; some break a column */
	CHECK(damaged > 0 && damaged < flips / 2);
	printf("  %u flips of column payloads: %u found damaged, none read past its count\n",
	       flips, damaged);
	for (uint32_t b = 0; b < nb; b++)
		free(raw[b]);
	free(mem.buf);
}

/* An event's digest: its type, time, CPU and every value (a string's or bytes' contents). */
static uint64_t event_digest(const struct ebr_event *ev)
{
	const struct ebr_event_def *d = ebr_event_def(ev->type);
	uint64_t h = 1469598103934665603ull;

#define MIX(x) (h = (h ^ (uint64_t)(x)) * 1099511628211ull)
	MIX(ev->type);
	MIX(ev->ts);
	MIX(ev->cpu);
	for (uint32_t f = 0; d && f < d->nfields; f++) {
		if (d->fields[f].kind == EBR_KIND_STR || d->fields[f].kind == EBR_KIND_BYTES) {
			MIX(ev->v[f].len);
			for (uint32_t i = 0; i < ev->v[f].len; i++)
				MIX((unsigned char)ev->v[f].s[i]);
		} else {
			MIX(ev->v[f].u);
		}
	}
#undef MIX
	return h;
}

/* what a read of a file gave: its events' digests and types, its problems, what it stepped over */
struct wanted_read {
	uint64_t digest[4096];
	uint32_t type[4096];
	uint32_t n;
	uint64_t stepped;
	char problems[4][200];
	uint32_t nproblems;
};

/* widen: after so many events, every type is wanted (0: never) */
static void read_wanting(const void *buf, size_t len, uint32_t types, uint32_t widen,
			 struct wanted_read *out)
{
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	const struct ebr_event *ev;

	memset(out, 0, sizeof(*out));
	ebr_source_mem(&src, &ms, buf, len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	ebr_reader_want_types(r, types);
	while (ebr_reader_next(r, &ev) > 0 && out->n < 4096) {
		out->type[out->n] = ev->type;
		out->digest[out->n++] = event_digest(ev);
		if (out->n == widen)
			ebr_reader_want_types(r, EBR_EVERY_TYPE);
	}
	out->stepped = ebr_reader_stepped_over(r);
	out->nproblems = ebr_reader_problem_count(r);
	for (uint32_t p = 0; p < out->nproblems && p < 4; p++) {
		const struct ebr_problem *pb = ebr_reader_problem(r, p);

		snprintf(out->problems[p], sizeof(out->problems[p]), "%d %d %u %s", pb->kind,
			 pb->err, pb->block, pb->msg);
	}
	ebr_reader_close(r);
}

/*
 * A reader that wants some types leaves the others' columns undecoded
 * (ebr_reader_want_types()), but checks them as ever: every bit of a block in columns of four
 * types (a string, bytes and predicted fields among them) flipped in turn, each file read
 * wanting every type and wanting each of a few sets. Each read gives the events of its types
 * that the whole read gives, in the same order, steps over the rest, and reports the same
 * damage.
 */
static void test_column_flips_alike_whatever_is_wanted(void)
{
	static const uint32_t sets[] = {
		EBR_TYPE(EBR_EV_BLOCK_RQ),
		EBR_TYPE(EBR_EV_SCHED_SWITCH),
		EBR_TYPE(EBR_EV_PROC_EXEC),
		EBR_TYPE(EBR_EV_COUNTS) | EBR_TYPE(EBR_EV_PROC_EXEC),
		0,
	};
	struct ebr_writer_opts opts = { .block_bytes = 4000, .layout = EBR_LAYOUT_COLUMNS };
	struct ebr_value v[EBR_MAX_FIELDS];
	struct gen g = { .state = 29, .ts = 1000000 };
	struct ebr_mem_sink mem;
	struct ebr_sink sink;
	struct ebr_writer *w;
	struct ebr_block_info blocks[8];
	unsigned char *raw[8];
	struct wanted_read *all = malloc(sizeof(*all)), *some = malloc(sizeof(*some));
	uint32_t nb, files = 0, damaged = 0, differ = 0, intact, stepped_before_third = 0;
	struct wbuf one = { 0 };

	memset(&mem, 0, sizeof(mem));
	ebr_sink_mem(&sink, &mem);
	CHECK_EQ(ebr_writer_new(&w, &sink, &opts), 0);
	for (uint32_t i = 0; i < 120; i++) {
		uint64_t ts;
		uint32_t cpu, type = gen_event(&g, &ts, &cpu, v);

		if (i % 4 == 1) { /* an exec: a string and bytes */
			static const char args[] = "sh\0-c\0true";

			memset(v, 0, sizeof(v));
			type = EBR_EV_PROC_EXEC;
			v[EBR_F_PROC_EXEC_PID].u = 4000 + i;
			v[EBR_F_PROC_EXEC_COMM].s = comms[i % 7];
			v[EBR_F_PROC_EXEC_FILENAME].s = i % 8 == 1 ? "/bin/sh" : "/usr/bin/true";
			v[EBR_F_PROC_EXEC_ARGS].s = args;
			v[EBR_F_PROC_EXEC_ARGS].len = (uint32_t)(i % 3 ? sizeof(args) : 3);
		}
		CHECK_EQ(ebr_writer_event(w, type, ts, cpu, v), 0);
	}
	CHECK_EQ(ebr_writer_close(w), 0);
	nb = raw_events_blocks(&mem, blocks, raw, 8);
	CHECK(nb >= 1);
	CHECK(blocks[0].flags & EBR_BF_COLUMNS_1_8);
	/* the file of the first block alone ends without an index: a problem of its own */
	file_of_block(&one, &mem, &blocks[0], &blocks[0], raw[0]);
	read_wanting(one.p, one.len, EBR_EVERY_TYPE, 0, all);
	intact = all->nproblems;
	CHECK_EQ(all->n, blocks[0].count);
	/* a set widened between two events of the block: the block decoded again, from there */
	read_wanting(one.p, one.len, EBR_TYPE(EBR_EV_BLOCK_RQ), 3, some);
	wbuf_release(&one);
	for (uint32_t e = 0, n = 0; e < all->n; e++) {
		/* before the third block.rq, the others are stepped over: exactly those */
		stepped_before_third += n < 3 && all->type[e] != EBR_EV_BLOCK_RQ;
		if (n >= 3 || all->type[e] == EBR_EV_BLOCK_RQ)
			CHECK(n < some->n && some->digest[n++] == all->digest[e]);
		if (e == all->n - 1)
			CHECK_EQ(n, some->n);
	}
	CHECK(stepped_before_third > 0);
	CHECK_EQ(some->stepped, stepped_before_third);
	CHECK_EQ(some->stepped + some->n, all->n);
	for (size_t off = 0; off < blocks[0].raw_size; off++) {
		for (int bit = off % 3; bit < 8; bit += 3) { /* a third of the bits: 3 s, not 9 */
			struct wbuf f = { 0 };

			raw[0][off] ^= (unsigned char)(1u << bit);
			file_of_block(&f, &mem, &blocks[0], &blocks[0], raw[0]);
			raw[0][off] ^= (unsigned char)(1u << bit);
			read_wanting(f.p, f.len, EBR_EVERY_TYPE, 0, all);
			damaged += all->nproblems > intact;
			for (uint32_t k = 0; sets[k]; k++) {
				uint32_t n = 0;
				bool same;

				read_wanting(f.p, f.len, sets[k], 0, some);
				same = some->nproblems == all->nproblems &&
				       some->stepped + some->n == all->n;
				for (uint32_t p = 0; same && p < all->nproblems && p < 4; p++)
					same = !strcmp(some->problems[p], all->problems[p]);
				for (uint32_t e = 0; same && e < all->n; e++) {
					if (!(EBR_TYPE(all->type[e]) & sets[k]))
						continue;
					same = n < some->n && some->digest[n] == all->digest[e];
					n++;
				}
				differ += !same || n != some->n;
			}
			files++;
			wbuf_release(&f);
		}
	}
	CHECK_EQ(differ, 0);
	CHECK(damaged > 0 && damaged < files);
	printf("  %u flips of a column block, each read wanting every type and 4 sets: alike "
	       "(%u damaged)\n", files, damaged);
	for (uint32_t b = 0; b < nb; b++)
		free(raw[b]);
	free(mem.buf);
	free(all);
	free(some);
}

/* The same events in columns and in rows: the columns are smaller, and read the same. */
static void test_columns_against_rows(void)
{
	struct ebr_mem_sink cols, rows;
	uint32_t counts[1] = { 0 };
	struct readback rb;

	layout = EBR_LAYOUT_ROWS;
	CHECK_EQ(write_stream(&rows, 5, 200000, 0), 0);
	layout = EBR_LAYOUT_COLUMNS;
	CHECK_EQ(write_stream(&cols, 5, 200000, 0), 0);
	CHECK(cols.len < rows.len);
	counts[0] = 200000;
	read_back(cols.buf, cols.len, 5, &rb, counts, 1);
	CHECK_EQ(rb.events, 200000);
	CHECK_EQ(rb.matched, 200000);
	CHECK_EQ(rb.nproblems, 0);
	printf("  200k events: %zu bytes in rows, %zu in columns (%.2f)\n", rows.len, cols.len,
	       (double)cols.len / (double)rows.len);
	free(cols.buf);
	free(rows.buf);
}

/*
 * field f of event i of test_large_column_block(): a number of up to 7 varint bytes (of its
 * low bits bits), or text
 */
static struct ebr_value large_block_value(enum ebr_kind kind, uint32_t i, uint32_t f,
					  unsigned bits)
{
	static const char text[] = "sda\0-c\0";
	uint64_t x = ((uint64_t)i * (f + 1) * 2654435761u >> (f * 3 % 29)) & ((1ull << bits) - 1);

	switch (kind) {
	case EBR_KIND_S64:
		return (struct ebr_value){ .u = (uint64_t)-(int64_t)(x % 1000) };
	case EBR_KIND_STR:
		return (struct ebr_value){ .s = text + (i % 2) * 4, .len = 3 - i % 2 };
	case EBR_KIND_BYTES:
		return (struct ebr_value){ .s = text, .len = (uint32_t)(i % 8) };
	default:
		return (struct ebr_value){ .u = x };
	}
}

/*
 * n events of block.rq and of type other (proc.task: 11 fields of U64, S64, STR and BYTES;
 * sched.switch: predicted fields, FORMAT.md), the i-th of other when pick(i), their numbers
 * of bits bits, written in one block in columns and read back: every value must be what was
 * written.
 */
static void check_one_column_block(uint32_t n, uint32_t other, bool (*pick)(uint32_t i),
				   unsigned bits)
{
	struct ebr_writer_opts opts = { .block_bytes = 8u << 20, .layout = EBR_LAYOUT_COLUMNS };
	struct ebr_value v[EBR_MAX_FIELDS];
	struct ebr_mem_sink mem = { 0 };
	const struct ebr_event *ev;
	struct ebr_mem_source ms;
	struct ebr_block_info info;
	struct ebr_source src;
	struct ebr_writer *w;
	struct ebr_reader *r;
	uint32_t i, matched = 0, blocks = 0;
	struct ebr_sink sink;

	ebr_sink_mem(&sink, &mem);
	CHECK_EQ(ebr_writer_new(&w, &sink, &opts), 0);
	for (i = 0; i < n; i++) {
		const struct ebr_event_def *d =
			ebr_event_def(pick(i) ? other : EBR_EV_BLOCK_RQ);

		for (uint32_t f = 0; f < d->nfields; f++)
			v[f] = large_block_value(d->fields[f].kind, i, f, bits);
		CHECK_EQ(ebr_writer_event(w, d->id, 1000 + i * 7ull, i % 3, v), 0);
	}
	CHECK_EQ(ebr_writer_close(w), 0);
	ebr_source_mem(&src, &ms, mem.buf, mem.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	while (ebr_reader_next_block(r, &info, 0) == 1)
		blocks += info.type == EBR_BLOCK_EVENTS && info.flags & EBR_BF_COLUMNS;
	ebr_reader_close(r);
	CHECK_EQ(blocks, 1);
	ebr_source_mem(&src, &ms, mem.buf, mem.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	for (i = 0; ebr_reader_next(r, &ev) == 1; i++) {
		const struct ebr_event_def *d =
			ebr_event_def(pick(i) ? other : EBR_EV_BLOCK_RQ);
		bool same = ev->type == d->id && ev->ts == 1000 + i * 7ull && ev->cpu == i % 3;

		for (uint32_t f = 0; same && f < d->nfields; f++) {
			struct ebr_value x = large_block_value(d->fields[f].kind, i, f, bits);

			if (d->fields[f].kind == EBR_KIND_STR || d->fields[f].kind == EBR_KIND_BYTES)
				same = ev->v[f].len == x.len && !memcmp(ev->v[f].s, x.s, x.len);
			else
				same = ev->v[f].u == x.u;
		}
		matched += same;
	}
	CHECK_EQ(i, n);
	CHECK_EQ(matched, n);
	CHECK_EQ(ebr_reader_problem_count(r), 0);
	ebr_reader_close(r);
	free(mem.buf);
}

static bool every(uint32_t i)
{
	(void)i;
	return true;
}

static bool every_other(uint32_t i)
{
	return i % 2;
}

static bool after_1400(uint32_t i)
{
	return i >= 1400;
}

/*
 * One block of 155,000 events: more words than the reader decodes a block into at once
 * (reader.c JOB_MAX_WORDS: 3 words an event and one a field, 2 << 20 words), so its columns
 * are walked an event at a time, which must read what the writer was given, as a smaller
 * block decoded whole does. And one of 1,500 whose proc.tasks all come in its last,
 * shorter thousand (reader.c COLUMN_CHUNK). And with sched.switch, whose predicted fields
 * the two ways of reading work out alike: 155,000 an event at a time, 1,500 over two
 * thousands.
 */
static void test_large_column_block(void)
{
	CHECK(155000 * (3ull + 11) > 2u << 20);
	check_one_column_block(155000, EBR_EV_PROC_TASK, every_other, 63);
	check_one_column_block(1500, EBR_EV_PROC_TASK, after_1400, 63);
	/* numbers of 3 bytes: 155,000 switches (as many words) in a block's 8 MiB of rows */
	check_one_column_block(155000, EBR_EV_SCHED_SWITCH, every, 21);
	check_one_column_block(1500, EBR_EV_SCHED_SWITCH, every_other, 63);
}

/* A column of n values in varints (method 0): its size, the method, the values. */
static void put_varint_column(struct wbuf *b, const uint64_t *v, uint32_t n)
{
	struct wbuf c = { 0 };

	wbuf_put(&c, "", 1);
	for (uint32_t i = 0; i < n; i++)
		wbuf_varint(&c, v[i]);
	wbuf_varint(b, c.len);
	wbuf_put(b, c.p, c.len);
	wbuf_release(&c);
}

/*
 * A file of one block in columns of n future.things (put_schema_with_future_type(): u64 a,
 * str b, bytes c) on CPU 0, 10 ns apart: a's column as given, b's values, c one byte each.
 */
static void put_future_block(struct wbuf *f, uint32_t n, const struct wbuf *col_a,
			     const uint64_t *b)
{
	uint64_t zero[4] = { 0 }, ts[4], one[4] = { 1, 1, 1, 1 };
	struct wbuf ev = { 0 };

	for (uint32_t i = 0; i < n; i++)
		ts[i] = zigzag(10);
	put_file_header(f, 1, 7);
	put_schema_with_future_type(f);
	wbuf_varint(&ev, 1); /* strings: "zz" */
	wbuf_str(&ev, "zz", 2);
	wbuf_varint(&ev, 0); /* no stacks */
	wbuf_varint(&ev, 1); /* types: future.thing, n events */
	wbuf_varint(&ev, 900);
	wbuf_varint(&ev, n);
	wbuf_varint(&ev, 1); /* CPUs: 0 */
	wbuf_varint(&ev, 0);
	put_varint_column(&ev, zero, n);
	put_varint_column(&ev, zero, n);
	put_varint_column(&ev, ts, n);
	wbuf_put(&ev, col_a->p, col_a->len);
	put_varint_column(&ev, b, n);
	put_varint_column(&ev, one, n);
	wbuf_varint(&ev, n);
	wbuf_put(&ev, "wxyz", n);
	put_block_stored(f, EBR_BLOCK_EVENTS, EBR_BF_COLUMNS, 1, ev.p, ev.len, ev.len, n);
	wbuf_release(&ev);
}

/*
 * Reads a file of put_future_block(): the events' a into a (as many as given, at most 4),
 * whether each came at its ts and with its byte; the problems that say the block was damaged
 * after `after` of its events into *damaged. Returns the events read.
 */
static uint32_t read_future_block(const struct wbuf *f, uint64_t *a, uint32_t after,
				  uint32_t *damaged)
{
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
	const struct ebr_event *e;
	char what[40];
	uint32_t n = 0, payload = 0;

	*damaged = 0;
	ebr_source_mem(&src, &ms, f->p, f->len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	if (!r)
		return 0;
	while (ebr_reader_next(r, &e) > 0 && n < 4) {
		CHECK_EQ(e->file_type, 900);
		CHECK_EQ(e->ts, 10 * (n + 1));
		CHECK_EQ(e->raw[2].len, 1);
		CHECK_EQ(e->raw[2].s[0], "wxyz"[n]);
		a[n++] = e->raw[0].u;
	}
	snprintf(what, sizeof(what), "after %u of its", after);
	/* besides those, only that the file has no footer */
	for (uint32_t i = 0; i < ebr_reader_problem_count(r); i++) {
		payload += ebr_reader_problem(r, i)->kind == EBR_PROB_BAD_PAYLOAD;
		*damaged += ebr_reader_problem(r, i)->kind == EBR_PROB_BAD_PAYLOAD &&
			    strstr(ebr_reader_problem(r, i)->msg, what);
	}
	CHECK_EQ(payload, *damaged);
	ebr_reader_close(r);
	return n;
}

/*
 * A block in columns whose last event names a string the block does not have. Read whole,
 * the damage is found after the timestamps were worked out; read again an event at a time,
 * the events before it must come with their own timestamps, then the damage.
 */
static void test_column_damage_after_timestamps(void)
{
	const uint64_t a[3] = { 7, 8, 9 }, b[3] = { 1, 1, 5 }; /* string 5 of 1 */
	struct wbuf f = { 0 }, col = { 0 };
	uint64_t got[4];
	uint32_t damaged;

	put_varint_column(&col, a, 3);
	put_future_block(&f, 3, &col, b);
	CHECK_EQ(read_future_block(&f, got, 2, &damaged), 2);
	CHECK_EQ(got[0], 7);
	CHECK_EQ(got[1], 8);
	CHECK_EQ(damaged, 1);
	wbuf_release(&f);
	wbuf_release(&col);
}

/*
 * predict.c on its own (FORMAT.md "Predicted fields"): what each prediction reads, that a
 * block forgets the one before, a thread switched out and in at once, a table grown for a
 * larger block, and the generation counter's wrap, after which an old block's slots must
 * not come back to life.
 */
static void test_switch_predictions(void)
{
	const uint64_t all = EBR_SCHED_RUNQ | EBR_SCHED_ONCPU | EBR_SCHED_OFFCPU;
	struct switch_memory m = { 0 };
	struct switch_prediction p;
	uint32_t found = 0;

	CHECK_EQ(switch_memory_start(&m, 2, 4), 0);
	p = switch_predict(&m, 0, 100, all | EBR_SCHED_PREEMPTED, 1, 2); /* nothing before */
	CHECK(!p.runq_ns && !p.oncpu_ns && !p.offcpu_ns);
	p = switch_predict(&m, 0, 150, all, 2, 1); /* 1 was preempted at 100 on this CPU */
	CHECK_EQ(p.oncpu_ns, 50);
	CHECK_EQ(p.offcpu_ns, 50);
	CHECK_EQ(p.runq_ns, 50);
	p = switch_predict(&m, 1, 170, all, 3, 2); /* another CPU; 2 went off at 150, asleep */
	CHECK_EQ(p.oncpu_ns, 0);
	CHECK_EQ(p.offcpu_ns, 20);
	CHECK_EQ(p.runq_ns, 0);
	p = switch_predict(&m, 1, 180, 0, 4, 3); /* nothing known: nothing predicted */
	CHECK(!p.runq_ns && !p.oncpu_ns && !p.offcpu_ns);
	p = switch_predict(&m, 1, 190, all, 5, 5); /* its own switch out is not an earlier one */
	CHECK_EQ(p.offcpu_ns, 0);
	CHECK_EQ(p.oncpu_ns, 10);
	p = switch_predict(&m, 1, 120, all, 6, 5); /* time going back: the difference wraps */
	CHECK_EQ(p.oncpu_ns, (uint64_t)-70);
	CHECK_EQ(p.offcpu_ns, (uint64_t)-70);
	/* the next block knows nothing of this one */
	CHECK_EQ(switch_memory_start(&m, 2, 4), 0);
	p = switch_predict(&m, 0, 200, all, 7, 2);
	CHECK(!p.runq_ns && !p.oncpu_ns && !p.offcpu_ns);
	/* a block of 1,000 threads: the table grows, every one is found again */
	CHECK_EQ(switch_memory_start(&m, 1, 1001), 0); /* and the one switched out below */
	CHECK(m.nslots >= 2002);
	for (uint64_t t = 0; t < 1000; t++)
		switch_predict(&m, 0, 1000 + t, 0, t * 4096, 0);
	for (uint64_t t = 0; t < 1000; t++)
		found += switch_predict(&m, 0, 5000, EBR_SCHED_OFFCPU, 1u << 30, t * 4096)
				 .offcpu_ns == 4000 - t;
	CHECK_EQ(found, 1000);
	/* tid 8 switched out in a block of generation 1, then 2^32 - 1 blocks on */
	m.gen = 0;
	CHECK_EQ(switch_memory_start(&m, 1, 4), 0);
	CHECK_EQ(m.gen, 1);
	switch_predict(&m, 0, 10, 0, 8, 0);
	m.gen = UINT32_MAX - 1;
	CHECK_EQ(switch_memory_start(&m, 1, 4), 0);
	CHECK_EQ(m.gen, UINT32_MAX);
	CHECK_EQ(switch_memory_start(&m, 1, 4), 0);
	CHECK_EQ(m.gen, 1);
	CHECK_EQ(switch_predict(&m, 0, 20, EBR_SCHED_OFFCPU, 9, 8).offcpu_ns, 0);
	switch_memory_release(&m);
}

/*
 * 1,500 switches whose intervals hit and miss their predictions, and at event 1,400 a
 * block.rq whose name the block's string table is then made to lack: the block read whole
 * finds that in its second thousand events, after the first thousand's predictions; read
 * again an event at a time, its first 1,400 switches must come with the values written.
 */
static void test_column_switches_before_damage(void)
{
	struct ebr_writer_opts opts = { .layout = EBR_LAYOUT_COLUMNS };
	struct ebr_value v[EBR_MAX_FIELDS], want[1400][EBR_MAX_FIELDS];
	struct ebr_mem_sink mem = { 0 };
	struct ebr_block_info blocks[4];
	struct gen g = { .state = 77, .ts = 1000000 };
	unsigned char *raw[4], *cut;
	const struct ebr_event *ev;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_writer *w;
	struct ebr_reader *r;
	struct ebr_sink sink;
	struct wbuf f = { 0 };
	uint32_t i, nb, matched = 0, damaged = 0, cpus[1400];
	uint64_t ts[1400];

	ebr_sink_mem(&sink, &mem);
	CHECK_EQ(ebr_writer_new(&w, &sink, &opts), 0);
	for (i = 0; i < 1500; i++) {
		uint64_t r64 = gen_rand(&g), t = g.ts += r64 % 5000;
		uint32_t type = EBR_EV_SCHED_SWITCH;

		memset(v, 0, sizeof(v));
		if (i == 1400) {
			v[EBR_F_BLOCK_RQ_COMM].s = "QQQQ"; /* the block's last string */
			type = EBR_EV_BLOCK_RQ;
		} else {
			gen_switch(&g, r64, t, (uint32_t)(r64 >> 40) % 2, v);
		}
		if (i < 1400) {
			memcpy(want[i], v, sizeof(v));
			ts[i] = t;
			cpus[i] = (uint32_t)(r64 >> 40) % 2;
		}
		CHECK_EQ(ebr_writer_event(w, type, t, (uint32_t)(r64 >> 40) % 2, v), 0);
	}
	CHECK_EQ(ebr_writer_close(w), 0);
	nb = raw_events_blocks(&mem, blocks, raw, 4);
	CHECK_EQ(nb, 1);
	CHECK(blocks[0].flags & EBR_BF_COLUMNS_1_8);
	/* the string table without its last string: a count of fewer than 128, then "QQQQ" */
	cut = memmem(raw[0], blocks[0].raw_size, "\x04QQQQ", 5);
	CHECK(cut && raw[0][0] > 1 && raw[0][0] < 128);
	if (!cut)
		goto out;
	raw[0][0]--;
	memmove(cut, cut + 5, blocks[0].raw_size - (size_t)(cut + 5 - raw[0]));
	wbuf_put(&f, mem.buf, blocks[0].offset);
	put_block_stored(&f, EBR_BLOCK_EVENTS, blocks[0].flags & ~EBR_BF_ZSTD, 1, raw[0],
			 blocks[0].raw_size - 5, blocks[0].raw_size - 5, blocks[0].count);
	ebr_source_mem(&src, &ms, f.p, f.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	for (i = 0; ebr_reader_next(r, &ev) == 1; i++)
		matched += i < 1400 && same_event(ev, EBR_EV_SCHED_SWITCH, ts[i], cpus[i], want[i]);
	CHECK_EQ(i, 1400);
	CHECK_EQ(matched, 1400);
	for (uint32_t p = 0; p < ebr_reader_problem_count(r); p++)
		damaged += ebr_reader_problem(r, p)->kind == EBR_PROB_BAD_PAYLOAD &&
			   strstr(ebr_reader_problem(r, p)->msg, "after 1400 of its");
	CHECK_EQ(damaged, 1);
	ebr_reader_close(r);
out:
	wbuf_release(&f);
	free(raw[0]);
	free(mem.buf);
}

/*
 * Sectors of 4 KiB (8 sectors) apart: the writer stores them as a PACK_SHIFT (their 3 low
 * bits are 0 above the base), a 1.8 column that the block's flags must announce; read back
 * exactly, and without the flag the block is damaged, as a column of an unknown method; the
 * flag without the columns it qualifies, too.
 */
static void test_column_pack_shift(void)
{
	struct ebr_writer_opts opts = { .layout = EBR_LAYOUT_COLUMNS };
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };
	struct ebr_mem_sink mem = { 0 };
	struct ebr_block_info blocks[4];
	unsigned char *raw[4];
	const struct ebr_event *ev;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_writer *w;
	struct ebr_reader *r;
	struct ebr_sink sink;
	struct wbuf f = { 0 };
	uint32_t i, nb, matched = 0;

	ebr_sink_mem(&sink, &mem);
	CHECK_EQ(ebr_writer_new(&w, &sink, &opts), 0);
	v[EBR_F_BLOCK_RQ_COMM].s = "fio";
	for (i = 0; i < 3000; i++) {
		v[EBR_F_BLOCK_RQ_SECTOR].u = 2048 + (i * 2654435761u % 131072) * 8;
		v[EBR_F_BLOCK_RQ_BYTES].u = 4096;
		CHECK_EQ(ebr_writer_event(w, EBR_EV_BLOCK_RQ, 1000 + i, 0, v), 0);
	}
	CHECK_EQ(ebr_writer_close(w), 0);
	nb = raw_events_blocks(&mem, blocks, raw, 4);
	CHECK_EQ(nb, 1);
	CHECK_EQ(blocks[0].flags & (EBR_BF_COLUMNS | EBR_BF_COLUMNS_1_8),
		 EBR_BF_COLUMNS | EBR_BF_COLUMNS_1_8);
	ebr_source_mem(&src, &ms, mem.buf, mem.len);
	CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
	for (i = 0; ebr_reader_next(r, &ev) == 1; i++)
		matched += ev->v[EBR_F_BLOCK_RQ_SECTOR].u == 2048 + (i * 2654435761u % 131072) * 8;
	CHECK_EQ(i, 3000);
	CHECK_EQ(matched, 3000);
	CHECK_EQ(ebr_reader_problem_count(r), 0);
	ebr_reader_close(r);
	/* the block again, its flags those of 1.7; then bit 2 without the columns of bit 1 */
	for (int k = 0; k < 2; k++) {
		f.len = 0;
		wbuf_put(&f, mem.buf, blocks[0].offset);
		put_block_stored(&f, EBR_BLOCK_EVENTS, k ? EBR_BF_COLUMNS_1_8 : EBR_BF_COLUMNS, 1,
				 raw[0], blocks[0].raw_size, blocks[0].raw_size, blocks[0].count);
		ebr_source_mem(&src, &ms, f.p, f.len);
		CHECK_EQ(ebr_reader_open(&r, &src, NULL, 0), 0);
		for (i = 0; ebr_reader_next(r, &ev) == 1; i++)
			;
		CHECK_EQ(i, 0);
		CHECK(ebr_reader_problem_count(r) > 0);
		if (ebr_reader_problem_count(r))
			CHECK_EQ(ebr_problem_is_damage(ebr_reader_problem(r, 0)->kind), 1);
		ebr_reader_close(r);
	}
	wbuf_release(&f);
	free(raw[0]);
	free(mem.buf);
}

/*
 * Varints of 10 bytes and of 9 where a column ends, read by the reader's loop that tests the
 * end once a value (10 bytes or more left) and by the one that tests it a byte; and varints
 * the format refuses (a 10th byte over 1, an 11th byte), which damage the block from the
 * event that holds them on, as a block in rows.
 */
static void test_column_varints_at_the_end(void)
{
	static const unsigned char over_64[10] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
						   0xff, 0x02 };
	static const unsigned char eleven[11] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
						  0x80, 0x80, 0x00 };
	const uint64_t b[4] = { 1, 1, 1, 1 };
	const uint64_t ends[2][3] = { { UINT64_MAX, 1ull << 62, 3 }, { 5, 1ull << 62, 1ull << 62 } };
	const struct { const unsigned char *p; size_t len; } bad[2] = { { over_64, 10 },
								       { eleven, 11 } };
	struct wbuf f = { 0 }, col = { 0 }, vals = { 0 };
	uint64_t got[4];
	uint32_t damaged;

	for (int k = 0; k < 2; k++) {
		put_varint_column(&col, ends[k], 3);
		put_future_block(&f, 3, &col, b);
		CHECK_EQ(read_future_block(&f, got, 0, &damaged), 3);
		for (int i = 0; i < 3; i++)
			CHECK_EQ(got[i], ends[k][i]);
		CHECK_EQ(damaged, 0);
		f.len = col.len = 0;
	}
	for (int k = 0; k < 2; k++) {
		/* a = 7, the bad varint, 9: the first event, then the damage */
		wbuf_put(&vals, "", 1);
		wbuf_varint(&vals, 7);
		wbuf_put(&vals, bad[k].p, bad[k].len);
		wbuf_varint(&vals, 9);
		wbuf_varint(&col, vals.len);
		wbuf_put(&col, vals.p, vals.len);
		put_future_block(&f, 3, &col, b);
		CHECK_EQ(read_future_block(&f, got, 1, &damaged), 1);
		CHECK_EQ(got[0], 7);
		CHECK_EQ(damaged, 1);
		f.len = col.len = vals.len = 0;
	}
	wbuf_release(&f);
	wbuf_release(&col);
	wbuf_release(&vals);
}

/*
 * n values of width bits, LSB first, after a column's method and header (hdr, hlen); col's
 * buffer is then made exactly that long, so that ASan sees a read past the column's end
 */
static void put_bits_column(struct wbuf *col, const unsigned char *hdr, size_t hlen,
			    const uint64_t *vals, uint32_t n, unsigned width)
{
	size_t nbytes = ((size_t)n * width + 7) / 8;
	unsigned char *bits = calloc(nbytes ? nbytes : 1, 1);

	CHECK(bits != NULL);
	if (!bits)
		return;
	for (uint32_t i = 0; i < n; i++)
		for (unsigned b = 0; b < width; b++)
			if (vals[i] >> b & 1)
				bits[((size_t)i * width + b) / 8] |= 1u << (((size_t)i * width + b) % 8);
	col->len = 0;
	wbuf_varint(col, hlen + nbytes);
	wbuf_put(col, hdr, hlen);
	wbuf_put(col, bits, nbytes);
	free(bits);
	bits = ebr_malloc(col->len); /* as wbuf's own */
	CHECK(bits != NULL);
	if (!bits)
		return;
	memcpy(bits, col->p, col->len);
	ebr_free(col->p);
	col->p = bits;
	col->cap = col->len;
}

/*
 * PACK and DICT columns of every width that matters to column_read()'s two loops (values read
 * by one 8-byte load, up to 56 bits wide and 8 bytes from the end, and the rest a byte at a
 * time), of 1 to 40 values: read whole, whole into a permutation (at), and a value at a
 * time, the same values; a DICT index past its dictionary found wherever it is.
 */
static void test_column_bits_read(void)
{
	static const unsigned widths[] = { 1, 3, 7, 8, 13, 31, 55, 56, 57, 63, 64 };
	uint64_t vals[40], want[40], got[40], *pool = NULL;
	uint32_t at[40];
	struct wbuf col = { 0 }, hdr = { 0 };
	size_t pool_len = 0, pool_cap = 0;

	for (size_t wi = 0; wi < ARRAY_SIZE(widths); wi++) {
		unsigned w = widths[wi];
		uint64_t mask = w == 64 ? ~0ull : (1ull << w) - 1;

		for (uint32_t n = 1; n <= 40; n++) {
			for (int dict = 0; dict < 2; dict++) {
				/* a DICT of n values at most, indexes below it; a PACK's base 5 */
				uint32_t nd = dict ? (n < 3 ? n : 3) : 0;

				for (uint32_t i = 0; i < n; i++) {
					uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ull >> (64 - w);

					vals[i] = dict ? x % nd : x & mask;
					want[i] = dict ? 100 + vals[i] : 5 + vals[i];
					at[i] = n - 1 - i;
				}
				hdr.len = 0;
				wbuf_put(&hdr, dict ? "\x03" : "\x02", 1);
				if (dict) {
					wbuf_varint(&hdr, nd);
					for (uint32_t k = 0; k < nd; k++)
						wbuf_varint(&hdr, 100 + k);
				} else {
					wbuf_varint(&hdr, 5);
				}
				wbuf_varint(&hdr, w);
				put_bits_column(&col, hdr.p, hdr.len, vals, n, w);
				for (int way = 0; way < 3; way++) {
					struct cursor c = { col.p, col.p + col.len, 0 };
					struct column cl;
					int err = 0;

					pool_len = 0;
					CHECK_EQ(column_open(&cl, &c, n, false, &pool, &pool_len,
							     &pool_cap), 0);
					if (way == 0)
						err = column_read(&cl, pool, got, NULL, n);
					else if (way == 1)
						err = column_read(&cl, pool, got, at, n);
					for (uint32_t i = 0; way == 2 && i < n; i++)
						got[i] = column_next(&cl, pool, &err);
					CHECK_EQ(err, 0);
					CHECK_EQ(column_done(&cl), 1);
					for (uint32_t i = 0; i < n; i++)
						CHECK_EQ(got[way == 1 ? at[i] : i], want[i]);
				}
				/* each index in turn past the dictionary, where the width has room */
				for (uint32_t bad = 0; dict && w > 1 && w < 64 && bad < n; bad++) {
					uint64_t keep = vals[bad];
					struct cursor c;
					struct column cl;

					vals[bad] = nd;
					put_bits_column(&col, hdr.p, hdr.len, vals, n, w);
					vals[bad] = keep;
					c = (struct cursor){ col.p, col.p + col.len, 0 };
					pool_len = 0;
					CHECK_EQ(column_open(&cl, &c, n, false, &pool, &pool_len,
							     &pool_cap), 0);
					CHECK_EQ(column_read(&cl, pool, got, NULL, n), EBR_E_CORRUPT);
				}
			}
		}
	}
	ebr_free(pool);
	wbuf_release(&col);
	wbuf_release(&hdr);
}

int main(void)
{
	RUN(test_crc32c_known_value);
	RUN(test_roundtrip_million);
	RUN(test_schema_self_describing);
	RUN(test_truncation_every_byte);
	RUN(test_truncated_message_names_offset);
	RUN(test_bit_flips);
	RUN(test_flips_anywhere_never_crash);
	RUN(test_unknown_types_skipped);
	RUN(test_older_file_missing_field);
	RUN(test_newer_major_refused);
	RUN(test_empty_and_not_trace);
	RUN(test_oversized_claims);
	RUN(test_index_matches_scan);
	RUN(test_writer_into_pipe);
	RUN(test_write_error_is_sticky);
	RUN(test_refused_event_leaves_no_trace);
	RUN(test_error_codes_apart_from_errno);
	RUN(test_varint_over_64_bits);
	RUN(test_reader_refuses_varint_over_64_bits);
	RUN(test_one_zstd_frame_per_block);
	RUN(test_big_buffer_grows_keeps_and_counts);
	RUN(test_resync_reads_in_chunks);
	RUN(test_type_lookup_in_a_large_schema);
	RUN(test_siphash_reference_vectors);
	RUN(test_meta_limits);
	RUN(test_tables_sized_by_what_a_block_holds);
	RUN(test_index_in_file_order);
	RUN(test_described_types);
	RUN(test_pin_start);
	RUN(test_intern_repeats_keep_their_ids);
	RUN(test_titles);
	RUN(test_threads_read_as_one);
	RUN(test_streams_in_rows);
	RUN(test_column_payload_flips);
	RUN(test_column_flips_alike_whatever_is_wanted);
	RUN(test_columns_against_rows);
	RUN(test_large_column_block);
	RUN(test_column_damage_after_timestamps);
	RUN(test_column_varints_at_the_end);
	RUN(test_column_bits_read);
	RUN(test_column_pack_shift);
	RUN(test_column_switches_before_damage);
	RUN(test_switch_predictions);
	return CHECK_SUMMARY();
}
