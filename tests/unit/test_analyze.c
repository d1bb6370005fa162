// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of analyze/ (and the report/ pieces that must match bcc byte for byte), on
 * traces built in memory with known contents.
 */
#include <stdlib.h>
#include <string.h>
#include "analyze/block.h"
#include "analyze/hist.h"
#include "analyze/losses.h"
#include "analyze/pass.h"
#include "format/ebr.h"
#include "report/report.h"
#include "check.h"

/* ------------------------------------------------------------ a known trace */

struct io {
	uint64_t ts, dev, flags, bytes, lat_ns, queue_ns, pid;
	const char *comm;
};

static const struct io ios[] = {
	{ 1000000000, 254u << 20, EBR_BIO_OP_WRITE | EBR_BIO_SYNC, 4096, 1500, 0, 10, "dd" },
	{ 1000200000, 254u << 20, EBR_BIO_OP_WRITE | EBR_BIO_SYNC, 4096, 40000, 30000, 10, "dd" },
	{ 1000300000, 254u << 20, EBR_BIO_OP_READ, 8192, 999, 0, 11, "cat" },
	{ 1000400000, 8u << 20 | 16, EBR_BIO_OP_READ | EBR_BIO_RAHEAD, 131072, 2500000, 0, 11, "cat" },
	{ 1001000000, 8u << 20 | 16, EBR_BIO_OP_WRITE | EBR_BIO_SYNC, 4096, 0, 0, 12, "x\"\n\x1b[31m" },
};
#define NIOS (sizeof(ios) / sizeof(ios[0]))

struct trace {
	struct ebr_mem_sink mem;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
};

static void counts(struct ebr_writer *w, uint32_t probe, uint64_t emitted, uint64_t lost_rb,
		   uint64_t lost_user)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

	v[EBR_F_COUNTS_PROBE].u = probe;
	v[EBR_F_COUNTS_EMITTED].u = emitted;
	v[EBR_F_COUNTS_LOST_RINGBUF].u = lost_rb;
	v[EBR_F_COUNTS_LOST_USER].u = lost_user;
	CHECK(ebr_writer_event(w, EBR_EV_COUNTS, 2000000000, 0, v) == 0);
}

static void trace_open(struct trace *t)
{
	struct ebr_writer *w = NULL;
	struct ebr_sink sink;

	memset(t, 0, sizeof(*t));
	ebr_sink_mem(&sink, &t->mem);
	CHECK(ebr_writer_new(&w, &sink, NULL) == 0);
	CHECK(ebr_writer_meta(w, "dev.254:0", "vda") == 0);
	CHECK(ebr_writer_meta(w, "dev.8:16", "sdb") == 0);
	CHECK(ebr_writer_meta(w, "probe.1", "block/rq") == 0);
	CHECK(ebr_writer_meta(w, "probe.9", "other/x") == 0);
	for (size_t i = 0; i < NIOS; i++) {
		struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

		v[EBR_F_BLOCK_RQ_PID].u = ios[i].pid;
		v[EBR_F_BLOCK_RQ_COMM].s = ios[i].comm;
		v[EBR_F_BLOCK_RQ_DEV].u = ios[i].dev;
		v[EBR_F_BLOCK_RQ_SECTOR].u = 100 + i;
		v[EBR_F_BLOCK_RQ_BYTES].u = ios[i].bytes;
		v[EBR_F_BLOCK_RQ_FLAGS].u = ios[i].flags;
		v[EBR_F_BLOCK_RQ_LAT_NS].u = ios[i].lat_ns;
		v[EBR_F_BLOCK_RQ_QUEUE_NS].u = ios[i].queue_ns;
		CHECK(ebr_writer_event(w, EBR_EV_BLOCK_RQ, ios[i].ts, 0, v) == 0);
		if (i == 2)
			CHECK(ebr_writer_flush(w) == 0); /* the model must not care about blocks */
	}
	counts(w, 1, 8, 2, 1);
	counts(w, 9, 100, 7, 0);
	counts(w, 1, 0, 0, 0);
	CHECK(ebr_writer_close(w) == 0);
	ebr_source_mem(&t->src, &t->ms, t->mem.buf, t->mem.len);
	CHECK(ebr_reader_open(&t->r, &t->src, NULL, 0) == 0);
}

static void trace_close(struct trace *t)
{
	ebr_reader_close(t->r);
	free(t->mem.buf);
}

static void run_biolatency(struct biolatency *b)
{
	struct trace t;
	struct analyzer an;

	trace_open(&t);
	an = (struct analyzer){ biolatency_on_event, b };
	CHECK(analyze_pass(t.r, &an, 1) == 0);
	biolatency_sort(b);
	trace_close(&t);
}

/* ------------------------------------------------------------ tests */

static void test_log2_slots_match_bcc(void)
{
	uint64_t lo, hi;

	CHECK_EQ(log2_slot(0), 0);
	CHECK_EQ(log2_slot(1), 0);
	CHECK_EQ(log2_slot(2), 1);
	CHECK_EQ(log2_slot(3), 1);
	CHECK_EQ(log2_slot(4), 2);
	CHECK_EQ(log2_slot(1023), 9);
	CHECK_EQ(log2_slot(1024), 10);
	CHECK_EQ(log2_slot(UINT64_MAX), 63);
	log2_slot_bounds(0, &lo, &hi);
	CHECK(lo == 0 && hi == 1);
	log2_slot_bounds(1, &lo, &hi);
	CHECK(lo == 2 && hi == 3);
	log2_slot_bounds(14, &lo, &hi);
	CHECK(lo == 16384 && hi == 32767);
	log2_slot_bounds(63, &lo, &hi);
	CHECK(lo == 1ull << 63 && hi == UINT64_MAX);
}

/* bcc's biolatency -D output on this kind of machine (shared/reference-outputs.md) */
static const char bcc_hist[] =
	"     usecs               : count    distribution\n"
	"         0 -> 1          : 0        |                                        |\n"
	"         2 -> 3          : 0        |                                        |\n"
	"         4 -> 7          : 0        |                                        |\n"
	"         8 -> 15         : 0        |                                        |\n"
	"        16 -> 31         : 4        |                                        |\n"
	"        32 -> 63         : 2450     |****************************************|\n"
	"        64 -> 127        : 1689     |***************************             |\n"
	"       128 -> 255        : 51       |                                        |\n"
	"       256 -> 511        : 34       |                                        |\n"
	"       512 -> 1023       : 70       |*                                       |\n"
	"      1024 -> 2047       : 6        |                                        |\n"
	"      2048 -> 4095       : 2        |                                        |\n"
	"      4096 -> 8191       : 0        |                                        |\n"
	"      8192 -> 16383      : 4        |                                        |\n"
	"     16384 -> 32767      : 1        |                                        |\n";

static void test_hist_text_is_bccs(void)
{
	static const uint64_t counts_[] = { 0, 0, 0, 0, 4, 2450, 1689, 51, 34, 70, 6, 2, 0, 4, 1 };
	struct log2_hist h = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (size_t i = 0; i < sizeof(counts_) / sizeof(counts_[0]); i++)
		h.slot[i] = counts_[i];
	text_log2_hist(f, &h, "usecs");
	fclose(f);
	CHECK(buf && !strcmp(buf, bcc_hist));
	if (buf && strcmp(buf, bcc_hist))
		fprintf(stderr, "got:\n%s", buf);
	free(buf);
}

static void test_rwbs_follows_the_kernel(void)
{
	static const struct {
		uint64_t flags;
		const char *rwbs, *label;
	} cases[] = {
		{ EBR_BIO_OP_WRITE | EBR_BIO_SYNC, "WS", "Sync-Write" },
		{ EBR_BIO_OP_DISCARD | EBR_BIO_SYNC, "DS", "Sync-Discard" },
		{ EBR_BIO_OP_WRITE | EBR_BIO_SYNC | EBR_BIO_META, "WSM", "Metadata-Sync-Write" },
		{ EBR_BIO_OP_READ | EBR_BIO_RAHEAD, "RA", "ReadAhead-Read" },
		{ EBR_BIO_OP_WRITE | EBR_BIO_PREFLUSH | EBR_BIO_FUA | EBR_BIO_SYNC, "FWFS",
		  "PreFlush-FUA-Sync-Write" },
		{ EBR_BIO_OP_FLUSH, "F", "Flush" },
		{ EBR_BIO_OP_SECURE_ERASE, "DE", "SecureErase" },
		{ EBR_BIO_OP_WRITE_ZEROES, "N", "WriteZeroes" },
		{ EBR_BIO_OP_OTHER, "N", "Unknown" },
		{ EBR_BIO_OP_READ, "R", "Read" },
	};
	char rwbs[8], label[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		block_rwbs(cases[i].flags, rwbs);
		block_flags_label(cases[i].flags, label, sizeof(label));
		CHECK(!strcmp(rwbs, cases[i].rwbs));
		CHECK(!strcmp(label, cases[i].label));
	}
}

static void test_biolatency_default_counts_every_io(void)
{
	struct biolatency b = { 0 };

	run_biolatency(&b);
	CHECK_EQ(b.ngroups, 1);
	CHECK_EQ(b.groups[0].hist.total, NIOS);
	/* whole microseconds, as bcc divides: 1.5 us, 0.999 us and 0 us are in "0 -> 1" */
	CHECK_EQ(b.groups[0].hist.slot[0], 3);
	CHECK_EQ(b.groups[0].hist.slot[5], 1);  /* 40 us */
	CHECK_EQ(b.groups[0].hist.slot[11], 1); /* 2500 us */
	biolatency_release_model(&b);
}

static void test_biolatency_options(void)
{
	struct biolatency b = { .opts = { .per_disk = true } };

	run_biolatency(&b);
	CHECK_EQ(b.ngroups, 2);
	CHECK_EQ(b.groups[0].dev, 8u << 20 | 16); /* sorted by device */
	CHECK_EQ(b.groups[0].hist.total, 2);
	CHECK_EQ(b.groups[1].hist.total, 3);
	biolatency_release_model(&b);

	b = (struct biolatency){ .opts = { .per_flags = true } };
	run_biolatency(&b);
	CHECK_EQ(b.ngroups, 3); /* Sync-Write, Read, ReadAhead-Read */
	biolatency_release_model(&b);

	b = (struct biolatency){ .opts = { .queued = true } };
	run_biolatency(&b);
	CHECK_EQ(b.groups[0].hist.slot[log2_slot(70)], 1); /* 40 us + 30 us queued */
	biolatency_release_model(&b);

	b = (struct biolatency){ .opts = { .millis = true } };
	run_biolatency(&b);
	CHECK_EQ(b.groups[0].hist.slot[0], 4); /* everything below 2 ms */
	CHECK_EQ(b.groups[0].hist.slot[1], 1); /* 2.5 ms */
	biolatency_release_model(&b);
}

struct rows {
	struct biosnoop_row row[16];
	char comm[16][32];
	int n;
};

static int keep_row(void *ctx, const struct biosnoop_row *row)
{
	struct rows *r = ctx;

	if (r->n < 16) {
		r->row[r->n] = *row;
		snprintf(r->comm[r->n], sizeof(r->comm[0]), "%s", row->comm);
		r->n++;
	}
	return 0;
}

static void test_biosnoop_rows(void)
{
	struct trace t;
	struct rows rows = { .n = 0 };
	struct biosnoop s = { .emit = keep_row, .ctx = &rows };
	struct analyzer an = { biosnoop_on_event, &s };

	trace_open(&t);
	CHECK(analyze_pass(t.r, &an, 1) == 0);
	trace_close(&t);
	CHECK_EQ(rows.n, NIOS);
	CHECK_EQ(rows.row[0].ts_ns, 0);
	CHECK_EQ(rows.row[4].ts_ns, 1000000);
	CHECK(!strcmp(rows.row[0].disk, "vda"));
	CHECK(!strcmp(rows.row[3].disk, "sdb"));
	CHECK(!strcmp(rows.row[3].rwbs, "RA"));
	CHECK(!strcmp(rows.comm[2], "cat"));
	CHECK_EQ(rows.row[2].pid, 11);
	CHECK_EQ(rows.row[3].bytes, 131072);
	CHECK_EQ(rows.row[1].queue_ns, 30000);

	rows.n = 0;
	s = (struct biosnoop){ .emit = keep_row, .ctx = &rows, .queued = true };
	trace_open(&t);
	CHECK(analyze_pass(t.r, &an, 1) == 0);
	trace_close(&t);
	CHECK_EQ(rows.row[1].lat_ns, 70000); /* -Q: 40 us on the device + 30 us queued */
	CHECK_EQ(rows.row[1].queue_ns, 30000);

	rows.n = 0;
	s = (struct biosnoop){ .emit = keep_row, .ctx = &rows, .disk = "sdb" };
	trace_open(&t);
	CHECK(analyze_pass(t.r, &an, 1) == 0);
	trace_close(&t);
	CHECK_EQ(rows.n, 2);
	CHECK_EQ(rows.row[0].ts_ns, 0); /* from the first I/O shown */
}

static void test_disk_name_without_meta(void)
{
	struct trace t;
	char name[32];

	trace_open(&t);
	block_disk_name(t.r, 259u << 20 | 3, name, sizeof(name));
	CHECK(!strcmp(name, "259:3"));
	trace_close(&t);
}

static void test_losses_per_family(void)
{
	struct trace t;
	struct losses l = { 0 };
	struct analyzer an = { losses_on_event, &l };
	struct probe_losses sum;

	trace_open(&t);
	CHECK(analyze_pass(t.r, &an, 1) == 0);
	trace_close(&t);
	CHECK_EQ(l.nprobes, 2);
	losses_of_family(&l, "block", &sum);
	CHECK_EQ(sum.emitted, 8);
	CHECK_EQ(sum.lost_ringbuf, 2);
	CHECK_EQ(sum.lost_user, 1);
	CHECK_EQ(probe_losses_total(&sum), 3);
	losses_of_family(&l, NULL, &sum);
	CHECK_EQ(sum.emitted, 108);
	losses_of_family(&l, "blo", &sum); /* a prefix of a family name is not the family */
	CHECK_EQ(sum.emitted, 0);
}

static char *json_of(const char *s, size_t len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct json j;

	json_init(&j, f);
	json_strn(&j, NULL, s, len);
	fclose(f);
	return buf;
}

static void test_json_escapes_hostile_strings(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "dd", "\"dd\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "x\n\x1b[31m", "\"x\\n\\u001b[31m\"" },
		{ "</script>", "\"\\u003c/script\\u003e\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "\xff\xc3", "\"\\u00ff\\u00c3\"" },   /* invalid and cut UTF-8 */
		{ "\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"" }, /* a surrogate */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = json_of(cases[i].in, strlen(cases[i].in));

		CHECK(got && !strcmp(got, cases[i].out));
		if (got && strcmp(got, cases[i].out))
			fprintf(stderr, "json of case %zu: %s\n", i, got);
		free(got);
	}
	{
		char *got = json_of("a\0b", 3);

		CHECK(got && !strcmp(got, "\"a\\u0000b\""));
		free(got);
	}
}

static void test_text_safe_defuses_terminal_escapes(void)
{
	char buf[64];

	CHECK(!strcmp(text_safe("dd", buf, sizeof(buf)), "dd"));
	CHECK(!strcmp(text_safe("x\x1b[2J\n", buf, sizeof(buf)), "x\\x1b[2J\\x0a"));
	CHECK(!strcmp(text_safe(NULL, buf, sizeof(buf)), ""));
	CHECK(strlen(text_safe("\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01",
			       buf, 16)) < 16);
}

int main(void)
{
	RUN(test_log2_slots_match_bcc);
	RUN(test_hist_text_is_bccs);
	RUN(test_rwbs_follows_the_kernel);
	RUN(test_biolatency_default_counts_every_io);
	RUN(test_biolatency_options);
	RUN(test_biosnoop_rows);
	RUN(test_disk_name_without_meta);
	RUN(test_losses_per_family);
	RUN(test_json_escapes_hostile_strings);
	RUN(test_text_safe_defuses_terminal_escapes);
	return CHECK_SUMMARY();
}
