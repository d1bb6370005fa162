// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of analyze/ (and the report/ pieces that must match bcc byte for byte), on
 * traces built in memory with known contents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/block.h"
#include "analyze/cgroups.h"
#include "analyze/demangle.h"
#include "analyze/diff.h"
#include "analyze/file.h"
#include "analyze/proc.h"
#include "analyze/sched.h"
#include "analyze/stackprof.h"
#include "analyze/stacktree.h"
#include "analyze/hist.h"
#include "analyze/losses.h"
#include "analyze/siphash.h"
#include "analyze/pass.h"
#include "analyze/tcp.h"
#include "analyze/timeline.h"
#include "analyze/timewindow.h"
#include "analyze/top.h"
#include "analyze/latseries.h"
#include <time.h>
#include "format/array_size.h"
#include "format/ebr.h"
#include "report/json.h"
#include "report/membuf.h"
#include "format/mem.h"
#include "report/text.h"
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
#define NIOS ARRAY_SIZE(ios)

struct trace {
	struct ebr_mem_sink mem;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
};

static void counts_at(struct ebr_writer *w, uint64_t ts, uint32_t probe, uint64_t emitted,
		      uint64_t lost_rb, uint64_t lost_user)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

	v[EBR_F_COUNTS_PROBE].u = probe;
	v[EBR_F_COUNTS_EMITTED].u = emitted;
	v[EBR_F_COUNTS_LOST_RINGBUF].u = lost_rb;
	v[EBR_F_COUNTS_LOST_USER].u = lost_user;
	CHECK(ebr_writer_event(w, EBR_EV_COUNTS, ts, 0, v) == 0);
}

static void counts(struct ebr_writer *w, uint32_t probe, uint64_t emitted, uint64_t lost_rb,
		   uint64_t lost_user)
{
	counts_at(w, 2000000000, probe, emitted, lost_rb, lost_user);
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

/* A writer into t's memory, the recording starting at start_ns; trace_read() then reads it. */
static struct ebr_writer *trace_writer(struct trace *t, const char *start_ns)
{
	struct ebr_writer *w = NULL;
	struct ebr_sink sink;

	memset(t, 0, sizeof(*t));
	ebr_sink_mem(&sink, &t->mem);
	CHECK(ebr_writer_new(&w, &sink, NULL) == 0);
	CHECK(ebr_writer_meta(w, "clock.start.monotonic_ns", start_ns) == 0);
	return w;
}

static void trace_read(struct trace *t, struct ebr_writer *w)
{
	CHECK(ebr_writer_close(w) == 0);
	ebr_source_mem(&t->src, &t->ms, t->mem.buf, t->mem.len);
	CHECK(ebr_reader_open(&t->r, &t->src, NULL, 0) == 0);
}

static void run_biolatency(struct biolatency *b)
{
	struct trace t;
	struct analyzer an;

	trace_open(&t);
	an = (struct analyzer){ biolatency_on_event, b, BIOLATENCY_TYPES };
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

	for (size_t i = 0; i < ARRAY_SIZE(counts_); i++)
		h.slot[i] = counts_[i];
	text_log2_hist(f, &h, "usecs");
	fclose(f);
	CHECK(buf && !strcmp(buf, bcc_hist));
	if (buf && strcmp(buf, bcc_hist))
		fprintf(stderr, "got:\n%s", buf);
	free(buf);
}

/* The TIME(s) column's integer formatting is printf's "%.6f" of ns / 1e9, byte for byte. */
static void test_seconds_text_is_printfs(void)
{
	static const uint64_t edges[] = { 0, 1, 499, 500, 501, 999, 1000, 1499, 1500, 999999499,
					  999999500, 999999501, 1000000000, 59999999999ull,
					  86400000000499ull, 86400000000500ull, 2500ull, 3500ull };
	uint64_t x = 0x9e3779b97f4a7c15ull, bad = 0;
	char got[32], want[32];

	for (size_t i = 0; i < ARRAY_SIZE(edges) + 200000; i++) {
		uint64_t ns;

		if (i < ARRAY_SIZE(edges)) {
			ns = edges[i];
		} else {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			ns = x % (i & 1 ? 100000000000000ull : 10000000000ull);
			if (i % 4 == 0)
				ns = ns / 1000 * 1000 + 500; /* the ties */
		}
		text_seconds6(ns, got);
		snprintf(want, sizeof(want), "%.6f", (double)ns / 1e9);
		if (strcmp(got, want) && bad++ < 3)
			fprintf(stderr, "%llu ns: %s, printf %s\n", (unsigned long long)ns, got, want);
	}
	CHECK(!bad);
}

/* Percentiles from the finer histogram: within 1/32 of the exact nearest-rank value. */
static void test_percentiles_within_a_32nd(void)
{
	static const double shares[] = { 0.5, 0.9, 0.99, 0.999 };
	struct quantiles *q = calloc(1, sizeof(*q));
	uint64_t n = 100000;

	CHECK(q != NULL);
	if (!q)
		return;
	CHECK(quantiles_value(q, 0.5) == 0);
	/* values 1000, 2000, ... n * 1000 ns: the share-th is share * n * 1000 */
	for (uint64_t i = n; i >= 1; i--)
		quantiles_add(q, i * 1000);
	for (size_t i = 0; i < ARRAY_SIZE(shares); i++) {
		double exact = shares[i] * (double)n * 1000, got = (double)quantiles_value(q, shares[i]);

		CHECK(got >= exact * (1 - 1.0 / 32) && got <= exact * (1 + 1.0 / 32));
	}
	CHECK(q->min == 1000 && q->max == n * 1000);
	CHECK(quantiles_value(q, 0) == 1000 && quantiles_value(q, 1) == n * 1000);
	CHECK(quantiles_mean(q) == (n + 1) * 1000 / 2);
	/* small values are exact */
	memset(q, 0, sizeof(*q));
	for (uint64_t v = 0; v < 16; v++)
		quantiles_add(q, v);
	CHECK(quantiles_value(q, 0.5) == 7 && quantiles_value(q, 0.9) == 14);
	free(q);
}

/* -p and --comm: a NAME longer than a COMM matches on the 15 bytes the kernel keeps. */
static void test_process_filter(void)
{
	struct proc_filter any = { 0 }, pid = { .by_pid = true, .pid = 7 };
	struct proc_filter both = { .by_pid = true, .pid = 7, .comm = "postgres" };
	struct proc_filter longname = { .comm = "kworker/u4:2-events_unbound" };

	CHECK(proc_filter_match(&any, 0, NULL) && !proc_filter_active(&any));
	CHECK(proc_filter_match(&pid, 7, "x") && !proc_filter_match(&pid, 8, "x"));
	CHECK(proc_filter_match(&both, 7, "postgres") && !proc_filter_match(&both, 7, "postgre"));
	CHECK(!proc_filter_match(&both, 7, "postgres2") && !proc_filter_match(&both, 9, "postgres"));
	CHECK(proc_filter_match(&longname, 1, "kworker/u4:2-ev"));
	CHECK(!proc_filter_match(&longname, 1, "kworker/u4:2-e") && proc_filter_active(&longname));
}

/* A capped JSON array keeps its first rows, counts the rest and stays valid JSON. */
static void test_json_capped_rows(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_array_begin_capped(&j, "rows", 2);
	for (int i = 0; i < 5; i++) {
		json_object_begin(&j, NULL);
		json_u64(&j, "i", (uint64_t)i);
		json_array_begin(&j, "a");
		json_str(&j, NULL, "x");
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_u64(&j, "rows_omitted", json_array_dropped(&j));
	json_array_begin(&j, "after");
	json_u64(&j, NULL, 7);
	json_array_end(&j);
	json_object_end(&j);
	fclose(f);
	CHECK(buf && !strcmp(buf, "{\"rows\":[{\"i\":0,\"a\":[\"x\"]},{\"i\":1,\"a\":[\"x\"]}],"
				  "\"rows_omitted\":3,\"after\":[7]}"));
	if (buf && strcmp(buf, "{\"rows\":[{\"i\":0,\"a\":[\"x\"]},{\"i\":1,\"a\":[\"x\"]}],"
			       "\"rows_omitted\":3,\"after\":[7]}"))
		fprintf(stderr, "got: %s\n", buf);
	free(buf);
}

/*
 * A capped array with a byte budget, on the page's own stream (a membuf, through ftell): rows
 * that begin past the budget are dropped and counted, whatever --rows allows.
 */
static void test_json_capped_rows_by_bytes(void)
{
	struct membuf b = { 0 };
	FILE *f = membuf_open(&b);
	const char *want = "{\"rows\":[\"0123456789\",\"0123456789\",\"0123456789\"],"
			   "\"rows_omitted\":7}";
	struct json j;

	CHECK(f != NULL);
	if (!f)
		return;
	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_array_begin_capped(&j, "rows", 100);
	json_array_cap_bytes(&j, 30); /* rows begin at bytes 0, 12, 25 and 38 */
	for (int i = 0; i < 10; i++)
		json_str(&j, NULL, "0123456789");
	json_array_end(&j);
	json_u64(&j, "rows_omitted", json_array_dropped(&j));
	json_object_end(&j);
	fclose(f);
	CHECK(b.data && !strcmp(b.data, want));
	if (b.data && strcmp(b.data, want))
		fprintf(stderr, "got: %s\n", b.data);
	ebr_free(b.data);
}

/*
 * --by-host's tag: each row of an array named "rows" (capped or not, and not one the cap
 * dropped) begins with it, and with top each top-level object (held rows); no other object.
 */
static void test_json_tag_rows(void)
{
	static const char want[] =
		"{\"view\":\"v\",\"rows\":[{\"host\":\"h\",\"i\":0,\"o\":{\"x\":1}},"
		"{\"host\":\"h\",\"i\":1,\"o\":{\"x\":1}}],\"histograms\":[{\"i\":2}],"
		"\"more\":[{\"rows\":[{\"host\":\"h\"}]}]}"
		"{\"host\":\"h\",\"held\":1}";
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j, top;

	CHECK(f != NULL);
	if (!f)
		return;
	json_init(&j, f);
	json_tag_rows(&j, "host", "h", false);
	json_object_begin(&j, NULL); /* the document: not a row */
	json_str(&j, "view", "v");
	json_array_begin_capped(&j, "rows", 2);
	for (int i = 0; i < 4; i++) {
		json_object_begin(&j, NULL);
		json_u64(&j, "i", (uint64_t)i);
		json_object_begin(&j, "o");
		json_u64(&j, "x", 1);
		json_object_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "histograms");
	json_object_begin(&j, NULL);
	json_u64(&j, "i", 2);
	json_object_end(&j);
	json_array_end(&j);
	json_array_begin(&j, "more");
	json_object_begin(&j, NULL);
	json_array_begin(&j, "rows");
	json_object_begin(&j, NULL);
	json_object_end(&j);
	json_array_end(&j);
	json_object_end(&j);
	json_array_end(&j);
	json_object_end(&j);
	json_init(&top, f);
	json_tag_rows(&top, "host", "h", true);
	json_object_begin(&top, NULL);
	json_u64(&top, "held", 1);
	json_object_end(&top);
	fclose(f);
	CHECK(buf && !strcmp(buf, want));
	if (buf && strcmp(buf, want))
		fprintf(stderr, "got: %s\n", buf);
	free(buf);
}

/* The timeline counts the traced system's events per second and family, nothing else. */
static void test_timeline_counts_per_second(void)
{
	struct timeline t = { 0 };
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };
	struct ebr_event ev = { .v = v };
	static const struct { uint32_t type; uint64_t ts; } evs[] = {
		{ EBR_EV_PROC_TASK, 5000000000 },     /* a snapshot: not counted */
		{ EBR_EV_BLOCK_RQ, 5000000001 },
		{ EBR_EV_BLOCK_RQ, 5999999999 },
		{ EBR_EV_SCHED_SWITCH, 6000000000 },
		{ EBR_EV_SYM_FUNC, 9000000000 },      /* symbols: not counted */
		{ EBR_EV_FILE_OPEN, 7500000000 },
		{ EBR_EV_BLOCK_RQ, 4000000000 },      /* before the start */
	};

	t.start_ns = 5000000000;
	for (size_t i = 0; i < ARRAY_SIZE(evs); i++) {
		ev.type = evs[i].type;
		ev.ts = evs[i].ts;
		CHECK(timeline_on_event(&t, NULL, &ev) == 0);
	}
	CHECK(t.nseconds == 3);
	CHECK(t.nseconds == 3 && t.per_second[0][TL_BLOCK] == 2 && t.per_second[1][TL_SCHED] == 1 &&
	      t.per_second[2][TL_FILE] == 1 && t.per_second[1][TL_BLOCK] == 0);
	CHECK(t.total[TL_BLOCK] == 2 && t.total[TL_PROC] == 0 && t.before == 1);
	timeline_release(&t);
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
	struct block_req_names old; /* a trace of format 1.3: no names of the kernel's bits */
	char rwbs[8], label[64];

	block_req_names_parse(&old, NULL, NULL);
	CHECK(!old.known);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		block_rwbs(cases[i].flags, rwbs);
		block_flags_label(&old, cases[i].flags, 0, label, sizeof(label));
		CHECK(!strcmp(rwbs, cases[i].rwbs));
		CHECK(!strcmp(label, cases[i].label));
	}
}

/* META block.req_flag_bits and block.req_ops as Linux 6.18 writes them (its BTF) */
static const char linux_6_18_flag_bits[] =
	"__REQ_FAILFAST_DEV=8,__REQ_FAILFAST_TRANSPORT=9,__REQ_FAILFAST_DRIVER=10,__REQ_SYNC=11,"
	"__REQ_META=12,__REQ_PRIO=13,__REQ_NOMERGE=14,__REQ_IDLE=15,__REQ_INTEGRITY=16,"
	"__REQ_FUA=17,__REQ_PREFLUSH=18,__REQ_RAHEAD=19,__REQ_BACKGROUND=20,__REQ_NOWAIT=21,"
	"__REQ_POLLED=22,__REQ_ALLOC_CACHE=23,__REQ_SWAP=24,__REQ_DRV=25,__REQ_FS_PRIVATE=26,"
	"__REQ_ATOMIC=27,__REQ_P2PDMA=28,__REQ_NOUNMAP=29,__REQ_NR_BITS=30";
static const char linux_6_18_ops[] =
	"REQ_OP_READ=0,REQ_OP_WRITE=1,REQ_OP_FLUSH=2,REQ_OP_DISCARD=3,REQ_OP_SECURE_ERASE=5,"
	"REQ_OP_ZONE_APPEND=7,REQ_OP_WRITE_ZEROES=9,REQ_OP_ZONE_OPEN=11,REQ_OP_ZONE_CLOSE=13,"
	"REQ_OP_ZONE_FINISH=15,REQ_OP_ZONE_RESET=17,REQ_OP_ZONE_RESET_ALL=19,REQ_OP_DRV_IN=34,"
	"REQ_OP_DRV_OUT=35,REQ_OP_LAST=36";

static void test_flag_labels_name_the_recording_kernels_bits(void)
{
	static const struct {
		uint64_t cmd_flags;
		const char *label;
	} cases[] = {
		{ 1 | 1 << 11, "Sync-Write" },
		{ 1 | 1 << 11 | 1 << 15, "Idle-Sync-Write" },
		{ 1 | 1 << 20 | 1 << 13 | 1 << 12, "Background-Priority-Metadata-Write" },
		{ 2 | 1 << 18, "PreFlush-Flush" }, /* the flush machinery's own request */
		{ 0 | 1 << 19, "ReadAhead-Read" },
		{ 1 | 1 << 21 | 1 << 17 | 1 << 16 | 1 << 14, "NoWait-FUA-Integrity-NoMerge-Write" },
		/* bits bcc does not name: after bcc's, from the lowest, in bcc's spelling */
		{ 1 | 1 << 11 | 1 << 24 | 1 << 8, "Sync-FailfastDev-Swap-Write" },
		{ 0 | 1 << 23, "AllocCache-Read" },
		{ 0 | 1ull << 30, "Bit30-Read" }, /* no name in the trace: its number */
		{ 7, "ZoneAppend" },
		{ 9, "WriteZeroes" },
		{ 19, "ZoneResetAll" },
		{ 34, "DrvIn" },
		{ 4, "Unknown" },
		{ 36, "Unknown" }, /* REQ_OP_LAST is the enum's end, not an operation */
	};
	struct block_req_names names;
	char label[256];

	block_req_names_parse(&names, linux_6_18_flag_bits, linux_6_18_ops);
	CHECK(names.known);
	CHECK_EQ(names.op_mask, 0xff);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		/* the stable flags are not used once the trace names the kernel's */
		block_flags_label(&names, EBR_BIO_OP_OTHER, cases[i].cmd_flags, label, sizeof(label));
		if (strcmp(label, cases[i].label))
			fprintf(stderr, "  %#llx: %s, not %s\n", (unsigned long long)cases[i].cmd_flags,
				label, cases[i].label);
		CHECK(!strcmp(label, cases[i].label));
	}

	/* another kernel puts the bits elsewhere: the same value names other flags */
	block_req_names_parse(&names, "__REQ_SYNC=4,__REQ_IDLE=5,__REQ_META=11,__REQ_SCSI_X=6",
			      "REQ_OP_WRITE=1,REQ_OP_SCSI_IN=2");
	CHECK_EQ(names.op_mask, 0xf);
	block_flags_label(&names, 0, 1 | 1 << 11 | 1 << 4, label, sizeof(label));
	CHECK(!strcmp(label, "Metadata-Sync-Write"));
	block_flags_label(&names, 0, 2 | 1 << 6 | 1 << 5, label, sizeof(label));
	CHECK(!strcmp(label, "Idle-ScsiX-SCSIIn"));

	/* what a hostile trace may say: nothing usable, so the stable flags are labelled */
	block_req_names_parse(&names, "=,==1,__REQ_SYNC=abc,__REQ_SYNC=11x,__REQ_SYNC=64,"
				      "__REQ_A_NAME_LONGER_THAN_THIRTY_ONE=3,__REQ_NR_BITS=9",
			      "REQ_OP_READ=0");
	CHECK(!names.known);
	block_flags_label(&names, EBR_BIO_OP_WRITE | EBR_BIO_SYNC, 1, label, sizeof(label));
	CHECK(!strcmp(label, "Sync-Write"));
	/* a label longer than the room is cut, never overrun */
	block_req_names_parse(&names, linux_6_18_flag_bits, linux_6_18_ops);
	block_flags_label(&names, 0, 0x3fffff01, label, 16);
	CHECK_EQ(strlen(label), 15);
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
	struct analyzer an = { biosnoop_on_event, &s, BIOSNOOP_TYPES };

	trace_open(&t);
	CHECK(analyze_pass(t.r, &an, 1) == 0);
	trace_close(&t);
	CHECK_EQ(rows.n, NIOS);
	/* the event's own time: the report counts it from the start of the recording */
	CHECK_EQ(rows.row[0].ts_ns, ios[0].ts);
	CHECK_EQ(rows.row[4].ts_ns, ios[4].ts);
	CHECK(!strcmp(rows.row[0].disk, "vda"));
	CHECK(!strcmp(rows.row[3].disk, "sdb"));
	CHECK(!strcmp(rows.row[3].rwbs, "RA"));
	CHECK(!strcmp(rows.comm[2], "cat"));
	CHECK_EQ(rows.row[2].pid, 11);
	CHECK_EQ(rows.row[3].bytes, 131072);
	CHECK_EQ(rows.row[1].queue_ns, 30000);

	/* bcc's biosnoop: LAT is the device's time; -Q only shows the queue time beside it */
	CHECK_EQ(rows.row[1].lat_ns, 40000);

	rows.n = 0;
	s = (struct biosnoop){ .emit = keep_row, .ctx = &rows, .disk = "sdb" };
	trace_open(&t);
	CHECK(analyze_pass(t.r, &an, 1) == 0);
	trace_close(&t);
	CHECK_EQ(rows.n, 2);
	CHECK_EQ(rows.row[0].ts_ns, ios[3].ts); /* not from the first I/O shown, as bcc's */
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
	static struct losses l;
	struct analyzer an = { losses_on_event, &l, LOSSES_TYPES };
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

/* Each ebr.counts covers the time since its probe's previous one (or the start): a family's
 * losses are listed by window, windows of its probes that overlap merged. */
static void test_losses_per_window(void)
{
	struct trace t;
	struct ebr_writer *w = trace_writer(&t, "500000000");
	struct losses *l = calloc(1, sizeof(*l));
	struct analyzer an = { losses_on_event, l, LOSSES_TYPES };
	struct probe_losses sum;

	CHECK(l != NULL);
	CHECK(ebr_writer_meta(w, "probe.1", "block/rq") == 0);
	CHECK(ebr_writer_meta(w, "probe.2", "block/other") == 0);
	CHECK(ebr_writer_meta(w, "probe.3", "file/open") == 0);
	counts_at(w, 1000000000, 1, 10, 0, 0);
	counts_at(w, 2000000000, 1, 10, 5, 0); /* (1 s, 2 s] */
	counts_at(w, 2000000000, 2, 10, 3, 0); /* (0.5 s, 2 s]: its first count */
	counts_at(w, 3000000000, 3, 10, 0, 7);
	counts_at(w, 4000000000, 1, 10, 0, 1); /* (2 s, 4 s] */
	trace_read(&t, w);
	CHECK(analyze_pass(t.r, &an, 1) == 0);
	losses_of_family(l, "block", &sum);
	CHECK_EQ(probe_losses_total(&sum), 9);
	CHECK_EQ(sum.nwindows, 2);
	CHECK_EQ(sum.windows[0].start_ns, 500000000);
	CHECK_EQ(sum.windows[0].end_ns, 2000000000);
	CHECK_EQ(sum.windows[0].lost, 8);
	CHECK_EQ(sum.windows[1].start_ns, 2000000000);
	CHECK_EQ(sum.windows[1].end_ns, 4000000000);
	CHECK_EQ(sum.windows[1].lost, 1);
	losses_of_family(l, "file", &sum);
	CHECK_EQ(sum.nwindows, 1);
	CHECK_EQ(sum.windows[0].start_ns, 500000000);
	CHECK_EQ(sum.windows[0].lost, 7);
	trace_close(&t);
	free(l);
}

struct type_count {
	uint64_t rq, sym;
};

static int count_types(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct type_count *c = self;

	c->rq += ev->type == EBR_EV_BLOCK_RQ;
	c->sym += ev->type == EBR_EV_SYM_KERNEL;
	return 0;
}

/* each analyzer of the fan-out test appends its letter, and fails where told to */
struct fan_probe {
	char letter;
	int fail_on; /* an event type; -1 none */
	char *log;
	int *calls;
};

static int fan_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct fan_probe *p = self;
	size_t n = strlen(p->log);

	(void)r;
	p->log[n] = p->letter;
	p->log[n + 1] = 0;
	++*p->calls;
	return (int)ev->type == p->fail_on ? EBR_E_CORRUPT : 0;
}

static void test_fanout_offers_each_analyzer_its_types(void)
{
	char log[256] = "";
	int calls = 0;
	struct fan_probe a = { 'A', -1, log, &calls }, b = { 'B', -1, log, &calls },
			 c = { 'C', EBR_EV_SYM_KERNEL, log, &calls };
	struct analyzer an[] = {
		{ fan_on_event, &a, EBR_TYPE(EBR_EV_BLOCK_RQ) },
		{ NULL, NULL, ANALYZER_EVERY_TYPE },
		{ fan_on_event, &b, ANALYZER_EVERY_TYPE },
		{ fan_on_event, &c, EBR_TYPE(EBR_EV_SYM_KERNEL) | EBR_TYPE(EBR_EV_UNKNOWN) },
	};
	struct analyzer many[ANALYZER_FANOUT_MAX + 1];
	struct ebr_event ev = { .type = EBR_EV_BLOCK_RQ };
	struct analyzer_fanout f;

	analyzer_fanout_init(&f, an, ARRAY_SIZE(an));
	CHECK_EQ(analyzer_fanout_event(&f, NULL, &ev), 0);
	CHECK(!strcmp(log, "AB")); /* in their order, each of its types only */
	ev.type = EBR_EV_FILE_OPEN;
	CHECK_EQ(analyzer_fanout_event(&f, NULL, &ev), 0);
	CHECK(!strcmp(log, "ABB"));
	ev.type = EBR_EV_UNKNOWN; /* a generic probe's event */
	CHECK_EQ(analyzer_fanout_event(&f, NULL, &ev), 0);
	CHECK(!strcmp(log, "ABBBC"));
	ev.type = EBR_EV_SYM_KERNEL; /* C fails: its error is the fan-out's */
	CHECK_EQ(analyzer_fanout_event(&f, NULL, &ev), EBR_E_CORRUPT);
	CHECK(!strcmp(log, "ABBBCBC"));
	b.fail_on = EBR_EV_SYM_KERNEL; /* B fails first: C is not offered the event */
	CHECK_EQ(analyzer_fanout_event(&f, NULL, &ev), EBR_E_CORRUPT);
	CHECK(!strcmp(log, "ABBBCBCB"));

	/* more than it lists: every analyzer is offered every event, as without types */
	log[0] = 0;
	calls = 0;
	for (size_t i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct analyzer){ fan_on_event, &a, EBR_TYPE(EBR_EV_BLOCK_RQ) };
	a.log = log;
	analyzer_fanout_init(&f, many, ARRAY_SIZE(many));
	ev.type = EBR_EV_FILE_OPEN;
	for (int i = 0; i < 2; i++)
		CHECK_EQ(analyzer_fanout_event(&f, NULL, &ev), 0);
	CHECK_EQ(calls, 2 * (int)ARRAY_SIZE(many));
}

/* 30 events 1 ns apart from 1 s on: block.rq at 0, 3, 6 ... ns, kernel symbols between */
static void rq_and_symbols(struct trace *t)
{
	struct ebr_writer *w = trace_writer(t, "1000000000");
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

	v[EBR_F_SYM_KERNEL_NAME].s = "vfs_read";
	for (uint64_t i = 0; i < 30; i++)
		CHECK(ebr_writer_event(w, i % 3 ? EBR_EV_SYM_KERNEL : EBR_EV_BLOCK_RQ,
				       1000000000 + i, 0, v) == 0);
	trace_read(t, w);
}

/*
 * A pass whose analyzers read only block.rq: the reader builds no other event (the symbols
 * are stepped over), yet the pass counts every event; an analyzer of every type gets them
 * all. A reader told to want every type again gives every event from there on.
 */
static void test_pass_steps_over_the_types_no_analyzer_reads(void)
{
	struct trace t;
	struct type_count rq_only = { 0 }, every = { 0 };
	struct analyzer an[] = {
		{ count_types, &rq_only, EBR_TYPE(EBR_EV_BLOCK_RQ) },
		{ NULL, NULL, ANALYZER_EVERY_TYPE },
		{ count_types, &every, ANALYZER_EVERY_TYPE },
	};
	char log[8] = "";
	int calls = 0;
	struct fan_probe fails = { 'F', EBR_EV_BLOCK_RQ, log, &calls };
	struct analyzer failing = { fan_on_event, &fails, EBR_TYPE(EBR_EV_BLOCK_RQ) };
	struct pass_limit limit = { 0 };
	const struct ebr_event *ev;
	int n = 0;

	rq_and_symbols(&t);
	CHECK(analyze_pass_limited(t.r, an, 2, &limit) == 0);
	CHECK_EQ(rq_only.rq, 10);
	CHECK_EQ(rq_only.sym, 0);
	CHECK_EQ(ebr_reader_stepped_over(t.r), 20);
	CHECK_EQ(limit.events, 30);
	trace_close(&t);

	rq_and_symbols(&t);
	rq_only = (struct type_count){ 0 };
	CHECK(analyze_pass(t.r, an, ARRAY_SIZE(an)) == 0); /* one reads every type */
	CHECK_EQ(rq_only.rq, 10);
	CHECK_EQ(every.rq, 10);
	CHECK_EQ(every.sym, 20);
	CHECK_EQ(ebr_reader_stepped_over(t.r), 0);
	trace_close(&t);

	rq_and_symbols(&t);
	ebr_reader_want_types(t.r, EBR_TYPE(EBR_EV_BLOCK_RQ)); /* the events at 0 and 3 ns */
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(ebr_reader_next(t.r, &ev), 1);
		CHECK(ev->type == EBR_EV_BLOCK_RQ && ev->ts == 1000000000 + 3 * (uint64_t)i);
	}
	ebr_reader_want_types(t.r, EBR_EVERY_TYPE); /* then every one from 4 ns on */
	while (ebr_reader_next(t.r, &ev) == 1)
		CHECK_EQ(ev->ts, 1000000004 + (uint64_t)n++);
	CHECK_EQ(n, 26);
	CHECK_EQ(ebr_reader_stepped_over(t.r), 2);
	trace_close(&t);

	/* a pass that an analyzer's error ends leaves the reader giving every event */
	rq_and_symbols(&t);
	CHECK_EQ(analyze_pass(t.r, &failing, 1), EBR_E_CORRUPT);
	CHECK_EQ(ebr_reader_next(t.r, &ev), 1);
	CHECK(ev->type == EBR_EV_SYM_KERNEL && ev->ts == 1000000001);
	trace_close(&t);
}

/* block.rq at 0 s, 1 s ... 9 s of a recording that started 2026-11-25 10:00:00 UTC, and a
 * symbol at the end: how many of each a window lets through. */
static struct type_count windowed(const char *since, const char *until)
{
	struct tm tm = { .tm_year = 126, .tm_mon = 10, .tm_mday = 25, .tm_hour = 10 };
	struct trace t;
	struct ebr_writer *w = trace_writer(&t, "1000000000");
	struct type_count c = { 0 };
	struct analyzer counter = { count_types, &c, ANALYZER_EVERY_TYPE };
	struct time_window tw = { .next = &counter, .nnext = 1 };
	struct analyzer an = { time_window_on_event, &tw, ANALYZER_EVERY_TYPE };
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };
	char real[32];

	if (since)
		CHECK_EQ(window_end_parse(since, &tw.since), 0);
	if (until)
		CHECK_EQ(window_end_parse(until, &tw.until), 0);
	snprintf(real, sizeof(real), "%lld", (long long)timegm(&tm) * 1000000000);
	CHECK(ebr_writer_meta(w, "clock.start.realtime_ns", real) == 0);
	for (uint64_t i = 0; i < 10; i++)
		CHECK(ebr_writer_event(w, EBR_EV_BLOCK_RQ, 1000000000 + i * 1000000000, 0, v) == 0);
	v[EBR_F_SYM_KERNEL_NAME].s = "vfs_read";
	CHECK(ebr_writer_event(w, EBR_EV_SYM_KERNEL, 11000000000, 0, v) == 0);
	trace_read(&t, w);
	CHECK(analyze_pass(t.r, &an, 1) == 0);
	trace_close(&t);
	return c;
}

static void test_time_window(void)
{
	struct window_end e;
	struct type_count c;

	c = windowed("2.5", "5"); /* 3 s, 4 s and 5 s: the ends are inclusive */
	CHECK_EQ(c.rq, 3);
	CHECK_EQ(c.sym, 1); /* symbols describe the whole recording */
	c = windowed("10:00:07", NULL); /* a time of day, on the recording's day (UTC) */
	CHECK_EQ(c.rq, 3);
	c = windowed(NULL, "2026-11-25 10:00:01");
	CHECK_EQ(c.rq, 2);
	c = windowed("9.5", NULL);
	CHECK_EQ(c.rq, 0);
	CHECK_EQ(c.sym, 1);
	CHECK_EQ(window_end_parse("abc", &e), -1);
	CHECK_EQ(window_end_parse("-1", &e), -1);
	CHECK_EQ(window_end_parse("25:00:00", &e), -1);
	CHECK_EQ(window_end_parse("", &e), -1);
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
		/* valid UTF-8 that acts: C1 (NEL, CSI), line and paragraph separators, bidi
		 * override and isolates; the characters around them pass */
		{ "a\xc2\x85\xc2\x9b" "2J\xc2\xa0", "\"a\\u0085\\u009b2J\xc2\xa0\"" },
		{ "\xe2\x80\xa8\xe2\x80\xa9", "\"\\u2028\\u2029\"" },
		{ "x\xe2\x80\xaegnp.exe", "\"x\\u202egnp.exe\"" },
		{ "\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\xaf",
		  "\"\\u202a\\u2066\\u2069\xe2\x80\xaf\"" },
		{ "\x9b" "2J", "\"\\u009b2J\"" }, /* an 8-bit CSI, not UTF-8 */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
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

/* ------------------------------------------------------------ processes and files */

struct proc_trace {
	struct ebr_mem_sink mem;
	struct ebr_writer *w;
};

static void ev(struct proc_trace *t, uint32_t type, uint64_t ts, const struct ebr_value *v)
{
	CHECK(ebr_writer_event(t->w, type, ts, 0, v) == 0);
}

static void strv(struct ebr_value *v, const char *s)
{
	v->s = s;
}

static void bytesv(struct ebr_value *v, const char *s, uint32_t len)
{
	v->s = s;
	v->len = len;
}

static void open_ev(struct proc_trace *t, uint64_t ts, uint32_t pid, int64_t dirfd,
		    const char *path, int64_t ret, uint64_t fs_flags, uint64_t lat_ns)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

	v[EBR_F_FILE_OPEN_PID].u = pid;
	v[EBR_F_FILE_OPEN_TID].u = pid;
	strv(&v[EBR_F_FILE_OPEN_COMM], "bash");
	v[EBR_F_FILE_OPEN_DIRFD].u = (uint64_t)dirfd;
	strv(&v[EBR_F_FILE_OPEN_PATH], path);
	v[EBR_F_FILE_OPEN_RET].u = (uint64_t)ret;
	strv(&v[EBR_F_FILE_OPEN_FSTYPE], ret >= 0 ? "ext4" : "");
	v[EBR_F_FILE_OPEN_FS_FLAGS].u = fs_flags;
	v[EBR_F_FILE_OPEN_LAT_NS].u = lat_ns;
	ev(t, EBR_EV_FILE_OPEN, ts, v);
}

/*
 * bash (100, in the snapshot, cwd /home/u) forks 200, which chdirs to sub, opens a.txt and
 * /etc, then passwd relative to /etc's descriptor, execs ls and exits 2; 300 fails to exec;
 * a thread of 100 exits. Two seconds of page-cache samples.
 */
static struct ebr_reader *proc_trace_open(struct proc_trace *t, struct ebr_mem_source *ms)
{
	struct ebr_value v[EBR_MAX_FIELDS];
	struct ebr_reader *r = NULL;
	struct ebr_source src;
	struct ebr_sink sink;

	memset(t, 0, sizeof(*t));
	ebr_sink_mem(&sink, &t->mem);
	CHECK(ebr_writer_new(&t->w, &sink, NULL) == 0);
	CHECK(ebr_writer_meta(t->w, "clock.start.monotonic_ns", "1000000000") == 0);
	CHECK(ebr_writer_meta(t->w, "clock.start.realtime_ns", "1764000000000000000") == 0);

	memset(v, 0, sizeof(v));
	v[EBR_F_PROC_TASK_PID].u = 100;
	v[EBR_F_PROC_TASK_PPID].u = 1;
	v[EBR_F_PROC_TASK_UID].u = 1000;
	strv(&v[EBR_F_PROC_TASK_COMM], "bash");
	bytesv(&v[EBR_F_PROC_TASK_ARGS], "bash\0-l", 8);
	v[EBR_F_PROC_TASK_START_NS].u = 500000000;
	strv(&v[EBR_F_PROC_TASK_CWD], "/home/u");
	ev(t, EBR_EV_PROC_TASK, 1000000000, v);

	memset(v, 0, sizeof(v));
	v[EBR_F_PROC_FORK_PID].u = 100;
	v[EBR_F_PROC_FORK_CHILD_PID].u = 200;
	v[EBR_F_PROC_FORK_UID].u = 1000;
	strv(&v[EBR_F_PROC_FORK_COMM], "bash");
	ev(t, EBR_EV_PROC_FORK, 1100000000, v);

	memset(v, 0, sizeof(v));
	v[EBR_F_FILE_CHDIR_PID].u = 200;
	v[EBR_F_FILE_CHDIR_FD].u = (uint64_t)-100;
	strv(&v[EBR_F_FILE_CHDIR_PATH], "./sub");
	ev(t, EBR_EV_FILE_CHDIR, 1150000000, v);

	open_ev(t, 1200000000, 200, -100, "a.txt", 3, 1, 20000000);
	open_ev(t, 1210000000, 200, -100, "/etc", 4, 1, 1000);
	open_ev(t, 1220000000, 200, 4, "passwd", -2, 0, 1000);
	open_ev(t, 1230000000, 200, 9, "unknown-dir-fd", 5, 0, 30000000);

	memset(v, 0, sizeof(v));
	v[EBR_F_PROC_EXEC_PID].u = 200;
	v[EBR_F_PROC_EXEC_PPID].u = 100;
	v[EBR_F_PROC_EXEC_UID].u = 1000;
	strv(&v[EBR_F_PROC_EXEC_COMM], "ls");
	strv(&v[EBR_F_PROC_EXEC_FILENAME], "/bin/ls");
	bytesv(&v[EBR_F_PROC_EXEC_ARGS], "ls\0-la", 7);
	ev(t, EBR_EV_PROC_EXEC, 1300000000, v);

	memset(v, 0, sizeof(v));
	v[EBR_F_PROC_EXEC_PID].u = 300;
	v[EBR_F_PROC_EXEC_PPID].u = 100;
	v[EBR_F_PROC_EXEC_RET].u = (uint64_t)-2;
	strv(&v[EBR_F_PROC_EXEC_COMM], "bash");
	bytesv(&v[EBR_F_PROC_EXEC_ARGS], "nope\0x", 7);
	v[EBR_F_PROC_EXEC_FLAGS].u = 1;
	ev(t, EBR_EV_PROC_EXEC, 1310000000, v);

	memset(v, 0, sizeof(v));
	v[EBR_F_PROC_EXIT_PID].u = 200;
	v[EBR_F_PROC_EXIT_TID].u = 200;
	v[EBR_F_PROC_EXIT_PPID].u = 100;
	strv(&v[EBR_F_PROC_EXIT_COMM], "ls");
	v[EBR_F_PROC_EXIT_CODE].u = 2 << 8;
	v[EBR_F_PROC_EXIT_START_NS].u = 1100000000;
	v[EBR_F_PROC_EXIT_FLAGS].u = 1;
	ev(t, EBR_EV_PROC_EXIT, 1400000000, v);
	v[EBR_F_PROC_EXIT_PID].u = 100;
	v[EBR_F_PROC_EXIT_TID].u = 101;
	v[EBR_F_PROC_EXIT_CODE].u = 0;
	v[EBR_F_PROC_EXIT_FLAGS].u = 0;
	ev(t, EBR_EV_PROC_EXIT, 1500000000, v);

	/* samples at +0.5 s, +1.5 s (each 1 s long, the first from the start) and +2.5 s */
	for (int i = 0; i < 3; i++) {
		memset(v, 0, sizeof(v));
		v[EBR_F_CACHE_STAT_WINDOW_NS].u = i ? 1000000000 : 500000000;
		v[EBR_F_CACHE_STAT_READ_PAGES].u = 100;
		v[EBR_F_CACHE_STAT_ADDED_PAGES].u = i == 0 ? 130 : 30;
		v[EBR_F_CACHE_STAT_DIRTIED_PAGES].u = 10;
		v[EBR_F_CACHE_STAT_CACHED_BYTES].u = (uint64_t)(i + 1) << 20;
		ev(t, EBR_EV_CACHE_STAT, 1500000000ull + (uint64_t)i * 1000000000ull, v);
	}
	CHECK(ebr_writer_close(t->w) == 0);
	ebr_source_mem(&src, ms, t->mem.buf, t->mem.len);
	CHECK(ebr_reader_open(&r, &src, NULL, 0) == 0);
	return r;
}

struct collected {
	int n;
	char text[8][160];
	int64_t num[8];
};

static int collect_exec(void *ctx, const struct execsnoop_row *row)
{
	struct collected *c = ctx;

	if (c->n < 8) {
		snprintf(c->text[c->n], sizeof(c->text[0]), "%s %u %u %lld %s", row->comm, row->pid,
			 row->ppid, (long long)row->ret, row->args);
		c->num[c->n] = row->ret;
	}
	c->n++;
	return 0;
}

static int collect_exit(void *ctx, const struct exitsnoop_row *row)
{
	struct collected *c = ctx;
	char code[64];

	if (c->n < 8)
		snprintf(c->text[c->n], sizeof(c->text[0]), "%s %u %u %llu %s", row->comm, row->pid,
			 row->tid, (unsigned long long)(row->age_ns / 1000000),
			 exit_code_text(row->code, code, sizeof(code)));
	c->n++;
	return 0;
}

static int collect_open(void *ctx, const struct opensnoop_row *row)
{
	struct collected *c = ctx;

	if (c->n < 8)
		snprintf(c->text[c->n], sizeof(c->text[0]), "%lld %lld %s [%s]", (long long)row->fd,
			 (long long)row->err, row->abspath, row->args);
	c->n++;
	return 0;
}

static int collect_slow(void *ctx, const struct fsslower_row *row)
{
	struct collected *c = ctx;

	if (c->n < 8)
		snprintf(c->text[c->n], sizeof(c->text[0]), "%c %s %llu", row->op, row->name,
			 (unsigned long long)(row->lat_ns / 1000000));
	c->n++;
	return 0;
}

/*
 * Titles (proc.title): the worker a server forked keeps its title once it exited, the child
 * it forks inherits it (its memory is a copy), an exec ends it; a title of a PID the table did
 * not know makes an entry for it.
 */
static void test_process_titles(void)
{
	struct ebr_value v[EBR_MAX_FIELDS];
	struct proctable procs = { 0 };
	struct analyzer an = { proctable_on_event, &procs, ANALYZER_EVERY_TYPE };
	struct ebr_mem_source ms;
	struct ebr_reader *r = NULL;
	struct ebr_source src;
	struct ebr_sink sink;
	struct proc_trace t;
	const struct proc_entry *e;
	uint64_t ts = 1000;

	memset(&t, 0, sizeof(t));
	ebr_sink_mem(&sink, &t.mem);
	CHECK(ebr_writer_new(&t.w, &sink, NULL) == 0);
	memset(v, 0, sizeof(v));
	v[EBR_F_PROC_TASK_PID].u = 100;
	strv(&v[EBR_F_PROC_TASK_COMM], "srv");
	bytesv(&v[EBR_F_PROC_TASK_ARGS], "srv\0", 4);
	ev(&t, EBR_EV_PROC_TASK, ts, v);
	for (uint32_t child = 200; child <= 201; child++) {
		memset(v, 0, sizeof(v));
		v[EBR_F_PROC_FORK_PID].u = child == 200 ? 100 : 200;
		v[EBR_F_PROC_FORK_CHILD_PID].u = child;
		strv(&v[EBR_F_PROC_FORK_COMM], "srv");
		ev(&t, EBR_EV_PROC_FORK, ts += 1000, v);
		if (child == 201)
			break;
		memset(v, 0, sizeof(v));
		v[EBR_F_PROC_TITLE_PID].u = 200;
		strv(&v[EBR_F_PROC_TITLE_TITLE], "srv: worker 127.0.0.1(57658)");
		v[EBR_F_PROC_TITLE_REASON].u = EBR_TITLE_AT_END; /* a series' earlier file's end */
		ev(&t, EBR_EV_PROC_TITLE, ts += 1000, v);
	}
	memset(v, 0, sizeof(v));
	v[EBR_F_PROC_EXEC_PID].u = 201;
	strv(&v[EBR_F_PROC_EXEC_COMM], "sh");
	bytesv(&v[EBR_F_PROC_EXEC_ARGS], "sh\0", 3);
	ev(&t, EBR_EV_PROC_EXEC, ts += 1000, v);
	memset(v, 0, sizeof(v));
	v[EBR_F_PROC_TITLE_PID].u = 999;
	strv(&v[EBR_F_PROC_TITLE_COMM], "postgres");
	strv(&v[EBR_F_PROC_TITLE_TITLE], "postgres: checkpointer");
	v[EBR_F_PROC_TITLE_REASON].u = EBR_TITLE_AT_EXIT;
	ev(&t, EBR_EV_PROC_TITLE, ts += 1000, v);
	memset(v, 0, sizeof(v));
	v[EBR_F_PROC_EXIT_PID].u = 999;
	v[EBR_F_PROC_EXIT_FLAGS].u = EBR_EXIT_GROUP_DEAD;
	ev(&t, EBR_EV_PROC_EXIT, ts, v);
	CHECK(ebr_writer_close(t.w) == 0);
	ebr_source_mem(&src, &ms, t.mem.buf, t.mem.len);
	CHECK(ebr_reader_open(&r, &src, NULL, 0) == 0);
	CHECK(r && analyze_pass(r, &an, 1) == 0);
	e = proctable_find(&procs, 200);
	CHECK(e && e->title && !strcmp(e->title, "srv: worker 127.0.0.1(57658)"));
	e = proctable_find(&procs, 201); /* inherited at the fork, gone at the exec */
	CHECK(e && !e->title && e->execed);
	e = proctable_find(&procs, 100);
	CHECK(e && !e->title);
	e = proctable_find(&procs, 999);
	CHECK(e && e->exited && e->title && !strcmp(e->title, "postgres: checkpointer") &&
	      !strcmp(e->comm, "postgres"));
	CHECK(proctable_incarnation(&procs, 999) == procs.len);
	CHECK(proctable_incarnation(&procs, 12345) == 0);
	ebr_reader_close(r);
	proctable_release(&procs);
	free(t.mem.buf);
}

static void test_process_table_follows_fork_chdir_exec_exit(void)
{
	struct proc_trace t;
	struct ebr_mem_source ms;
	struct ebr_reader *r = proc_trace_open(&t, &ms);
	struct proctable procs = { 0 };
	struct collected opens = { 0 }, execs = { 0 }, exits = { 0 };
	struct opensnoop os = { .procs = &procs, .want_args = true, .emit = collect_open,
				 .ctx = &opens };
	struct execsnoop es = { .uid = -1, .emit = collect_exec, .ctx = &execs };
	struct exitsnoop xs = { .procs = &procs, .emit = collect_exit, .ctx = &exits };
	struct analyzer an[] = {
		{ proctable_on_event, &procs, ANALYZER_EVERY_TYPE },
		{ opensnoop_on_event, &os, OPENSNOOP_TYPES },
		{ execsnoop_on_event, &es, EXECSNOOP_TYPES },
		{ exitsnoop_on_event, &xs, EXITSNOOP_TYPES },
	};
	const struct proc_entry *e;
	char path[64];

	CHECK(analyze_pass(r, an, 4) == 0);
	e = proctable_find(&procs, 200);
	CHECK(e && !strcmp(e->comm, "ls") && e->ppid == 100 && e->exited && e->exit_code == 512);
	CHECK(e && e->args_len == 7 && !memcmp(e->args, "ls\0-la", 7) && e->execed);
	CHECK(e && e->cwd && !strcmp(e->cwd, "/home/u/sub"));
	e = proctable_find(&procs, 100);
	CHECK(e && e->in_snapshot && !e->exited && !strcmp(e->cwd, "/home/u")); /* a thread left */
	CHECK(procs.len == 2);
	CHECK(!strcmp(proctable_abspath(&procs, 100, -100, "x/../y", path, sizeof(path)),
		      "/home/u/x/../y"));
	CHECK(!strcmp(proctable_abspath(&procs, 999, -100, "x", path, sizeof(path)), "x"));

	CHECK(opens.n == 4);
	CHECK(!strcmp(opens.text[0], "3 0 /home/u/sub/a.txt [bash -l]"));
	CHECK(!strcmp(opens.text[1], "4 0 /etc [bash -l]"));
	CHECK(!strcmp(opens.text[2], "-1 2 /etc/passwd [bash -l]"));
	CHECK(!strcmp(opens.text[3], "5 0 unknown-dir-fd [bash -l]"));

	CHECK(execs.n == 2);
	CHECK(!strcmp(execs.text[0], "ls 200 100 0 ls -la"));
	CHECK(!strcmp(execs.text[1], "bash 300 100 -2 nope x ..."));

	CHECK(exits.n == 1);
	CHECK(!strcmp(exits.text[0], "ls 200 200 300 2"));

	execsnoop_release_model(&es);
	proctable_release(&procs);
	ebr_reader_close(r);
	free(t.mem.buf);
}

#define DOCKER_ID "3f2a9c0d1e4b5a6978879a5b4c3d2e1f00112233445566778899aabbccddeeff"

/* The container rule (FORMAT.md "Containers"): the innermost runtime component, 12 digits. */
static void test_container_ids_from_cgroup_paths(void)
{
	static const struct {
		const char *path, *id;
	} cases[] = {
		{ "/system.slice/docker-" DOCKER_ID ".scope", "3f2a9c0d1e4b" },
		{ "/docker/" DOCKER_ID, "3f2a9c0d1e4b" },
		{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/"
		  "cri-containerd-" DOCKER_ID ".scope", "3f2a9c0d1e4b" },
		{ "/machine.slice/libpod-" DOCKER_ID ".scope/container", "3f2a9c0d1e4b" },
		{ "/system.slice/crio-" DOCKER_ID ".scope", "3f2a9c0d1e4b" },
		{ "/kubepods/burstable/pod9/" DOCKER_ID, "3f2a9c0d1e4b" },
		{ "/docker/" DOCKER_ID "/docker/00112233445566778899aabbccddeeff"
		  "00112233445566778899aabbccddeeff", "001122334455" },
		{ "/machine.slice/libpod-conmon-" DOCKER_ID ".scope", "" },
		{ "/system.slice/docker-" DOCKER_ID "0.scope", "" },
		{ "/system.slice/docker-3F2A9C0D1E4B5A6978879A5B4C3D2E1F00112233445566778899"
		  "AABBCCDDEEFF.scope", "" }, /* docker's ids are lowercase */
		{ "/system.slice/docker.service", "" },
		{ "/", "" },
		{ "", "" },
	};
	char id[EBR_CONTAINER_ID_LEN + 1];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = ebr_container_id(cases[i].path, strlen(cases[i].path), id);

		CHECK(!strcmp(id, cases[i].id) && n == strlen(cases[i].id));
	}
	CHECK(ebr_cgroup_under("/a/b", "/a") && ebr_cgroup_under("/a", "/a"));
	CHECK(!ebr_cgroup_under("/ab", "/a") && ebr_cgroup_under("/ab", "/"));
}

/*
 * Processes in cgroups: 100 in /a (id 10), 150 in a docker scope (a 1.4-style snapshot: no
 * id); 100 forks 200 (into /a) and 201 (clone3 into id 20, named /b after); 200 moves to
 * /a/sub. --cgroup /a takes /a and /a/sub, --container a prefix of the id; the cgroups model
 * counts each cgroup's processes and opens, by cgroup and by container.
 */
static void test_cgroups_of_processes_filter_and_usage(void)
{
	static const char docker[] = "/system.slice/docker-" DOCKER_ID ".scope";
	struct ebr_value v[EBR_MAX_FIELDS];
	struct proc_trace t;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r = NULL;
	struct proctable procs = { 0 };
	struct proc_scope in_a = { .cgroup = "/a", .procs = &procs };
	struct proc_scope in_b = { .cgroup = "/b", .procs = &procs };
	struct proc_scope in_docker = { .container = "3f2a", .procs = &procs };
	struct collected opens_a = { 0 }, opens_b = { 0 }, opens_docker = { 0 };
	struct opensnoop os_a = { .who.scope = &in_a, .procs = &procs, .emit = collect_open,
				  .ctx = &opens_a };
	struct opensnoop os_b = { .who.scope = &in_b, .procs = &procs, .emit = collect_open,
				  .ctx = &opens_b };
	struct opensnoop os_docker = { .who.scope = &in_docker, .procs = &procs,
				       .emit = collect_open, .ctx = &opens_docker };
	struct cgroup_usage_model by_cgroup = { .procs = &procs };
	struct cgroup_usage_model by_container = { .procs = &procs, .by_container = true };
	struct analyzer an[] = {
		{ proctable_on_event, &procs, ANALYZER_EVERY_TYPE },
		{ opensnoop_on_event, &os_a, OPENSNOOP_TYPES },
		{ opensnoop_on_event, &os_b, OPENSNOOP_TYPES },
		{ opensnoop_on_event, &os_docker, OPENSNOOP_TYPES },
		{ cgroup_usage_on_event, &by_cgroup, CGROUP_USAGE_TYPES },
		{ cgroup_usage_on_event, &by_container, CGROUP_USAGE_TYPES },
	};
	const struct proc_cgroup *c;
	uint64_t ts = 1000000000;

	memset(&t, 0, sizeof(t));
	{
		struct ebr_sink sink;

		ebr_sink_mem(&sink, &t.mem);
		CHECK(ebr_writer_new(&t.w, &sink, NULL) == 0);
		memset(v, 0, sizeof(v));
		v[EBR_F_PROC_TASK_PID].u = 100;
		strv(&v[EBR_F_PROC_TASK_COMM], "sh");
		strv(&v[EBR_F_PROC_TASK_CGROUP], "/a");
		v[EBR_F_PROC_TASK_CGROUP_ID].u = 10;
		ev(&t, EBR_EV_PROC_TASK, ts, v);
		memset(v, 0, sizeof(v));
		v[EBR_F_PROC_TASK_PID].u = 150;
		strv(&v[EBR_F_PROC_TASK_COMM], "nginx");
		strv(&v[EBR_F_PROC_TASK_CGROUP], docker);
		ev(&t, EBR_EV_PROC_TASK, ts, v);
		for (uint32_t child = 200; child <= 201; child++) {
			memset(v, 0, sizeof(v));
			v[EBR_F_PROC_FORK_PID].u = 100;
			v[EBR_F_PROC_FORK_CHILD_PID].u = child;
			strv(&v[EBR_F_PROC_FORK_COMM], "sh");
			v[EBR_F_PROC_FORK_CGROUP_ID].u = child == 200 ? 10 : 20;
			ev(&t, EBR_EV_PROC_FORK, ts += 1000, v);
		}
		memset(v, 0, sizeof(v));
		v[EBR_F_PROC_CGROUP_PID].u = 201;
		strv(&v[EBR_F_PROC_CGROUP_CGROUP], "/b");
		v[EBR_F_PROC_CGROUP_CGROUP_ID].u = 20;
		v[EBR_F_PROC_CGROUP_REASON].u = EBR_CGROUP_NAMED;
		ev(&t, EBR_EV_PROC_CGROUP, ts += 1000, v);
		memset(v, 0, sizeof(v));
		v[EBR_F_PROC_CGROUP_PID].u = 200;
		strv(&v[EBR_F_PROC_CGROUP_CGROUP], "/a/sub");
		v[EBR_F_PROC_CGROUP_CGROUP_ID].u = 30;
		v[EBR_F_PROC_CGROUP_REASON].u = EBR_CGROUP_MOVED;
		ev(&t, EBR_EV_PROC_CGROUP, ts += 1000, v);
		open_ev(&t, ts += 1000, 100, -100, "/x", 3, 0, 1000);
		for (int i = 0; i < 2; i++)
			open_ev(&t, ts += 1000, 200, -100, "/y", 3, 0, 1000);
		for (int i = 0; i < 3; i++)
			open_ev(&t, ts += 1000, 201, -100, "/z", 3, 0, 1000);
		open_ev(&t, ts += 1000, 150, -100, "/w", 3, 0, 1000);
		open_ev(&t, ts += 1000, 999, -100, "/v", 3, 0, 1000); /* a process nobody placed */
		CHECK(ebr_writer_close(t.w) == 0);
	}
	ebr_source_mem(&src, &ms, t.mem.buf, t.mem.len);
	CHECK(ebr_reader_open(&r, &src, NULL, 0) == 0);
	CHECK(analyze_pass(r, an, ARRAY_SIZE(an)) == 0);

	c = proctable_cgroup(&procs, proctable_find(&procs, 200));
	CHECK(c && !strcmp(c->path, "/a/sub") && c->id == 30);
	c = proctable_cgroup(&procs, proctable_find(&procs, 201));
	CHECK(c && !strcmp(c->path, "/b") && c->id == 20 && !c->container[0]);
	c = proctable_cgroup(&procs, proctable_find(&procs, 150));
	CHECK(c && !strcmp(c->container, "3f2a9c0d1e4b") && c->id == 0);
	CHECK(procs.ncgroups == 4); /* /a, the scope, /b, /a/sub: 20 named, not a fifth */
	CHECK(opens_a.n == 3 && opens_b.n == 3 && opens_docker.n == 1);

	cgroup_usage_sort(&by_cgroup);
	CHECK(by_cgroup.len == 5); /* and the process nobody placed */
	for (uint32_t i = 0; i < by_cgroup.len; i++) {
		const struct cgroup_usage *u = &by_cgroup.rows[i];
		const char *path = u->cgroup ? procs.cgroups[u->cgroup - 1].path : "";

		if (!strcmp(path, "/a"))
			CHECK(u->opens == 1 && u->procs == 2); /* 100, and 200 until it moved */
		else if (!strcmp(path, "/a/sub"))
			CHECK(u->opens == 2 && u->procs == 1);
		else if (!strcmp(path, "/b"))
			CHECK(u->opens == 3 && u->procs == 1);
		else if (u->cgroup)
			CHECK(!strcmp(path, docker) && u->opens == 1 && u->procs == 1);
		else
			CHECK(u->opens == 1 && u->procs == 0);
	}
	CHECK(by_cgroup.rows[0].opens == 3); /* most opens first, as no CPU was recorded */
	cgroup_usage_sort(&by_container);
	CHECK(by_container.len == 2);
	CHECK(by_container.rows[0].opens == 7 && by_container.rows[0].key == 0);
	CHECK(by_container.rows[1].opens == 1 && by_container.rows[1].cgroups == 1);

	cgroup_usage_release(&by_cgroup);
	cgroup_usage_release(&by_container);
	proctable_release(&procs);
	ebr_reader_close(r);
	free(t.mem.buf);
}

static void test_snoop_filters(void)
{
	struct proc_trace t;
	struct ebr_mem_source ms;
	struct ebr_reader *r = proc_trace_open(&t, &ms);
	struct collected failed = { 0 }, byuid = { 0 }, named = { 0 }, threads = { 0 }, errs = { 0 };
	struct execsnoop x = { .uid = -1, .failed_only = true, .emit = collect_exec, .ctx = &failed };
	struct execsnoop u = { .uid = 4242, .emit = collect_exec, .ctx = &byuid };
	struct execsnoop n = { .uid = -1, .name = "-la", .emit = collect_exec, .ctx = &named };
	struct exitsnoop pt = { .per_thread = true, .emit = collect_exit, .ctx = &threads };
	struct opensnoop ox = { .failed_only = true, .emit = collect_open, .ctx = &errs };
	struct analyzer an[] = {
		{ execsnoop_on_event, &x, EXECSNOOP_TYPES },
		{ execsnoop_on_event, &u, EXECSNOOP_TYPES },
		{ execsnoop_on_event, &n, EXECSNOOP_TYPES },
		{ exitsnoop_on_event, &pt, EXITSNOOP_TYPES },
		{ opensnoop_on_event, &ox, OPENSNOOP_TYPES },
	};

	CHECK(analyze_pass(r, an, 5) == 0);
	CHECK(failed.n == 1 && failed.num[0] == -2);
	CHECK(byuid.n == 0);
	CHECK(named.n == 1 && !strncmp(named.text[0], "ls 200", 6));
	CHECK(threads.n == 2 && !strcmp(threads.text[1], "ls 100 101 400 0"));
	/* without a process table, a relative path stays as it was passed */
	CHECK(errs.n == 1 && !strcmp(errs.text[0], "-1 2 passwd []"));
	execsnoop_release_model(&x);
	execsnoop_release_model(&u);
	execsnoop_release_model(&n);
	ebr_reader_close(r);
	free(t.mem.buf);
}

static void test_fsslower_threshold_and_fs(void)
{
	struct proc_trace t;
	struct ebr_mem_source ms;
	struct ebr_reader *r = proc_trace_open(&t, &ms);
	struct collected slow = { 0 }, none = { 0 };
	struct fsslower s = { .min_ns = 10000000, .emit = collect_slow, .ctx = &slow };
	struct fsslower x = { .fstype = "xfs", .emit = collect_slow, .ctx = &none };
	struct analyzer an[] = { { fsslower_on_event, &s, FSSLOWER_TYPES },
				 { fsslower_on_event, &x, FSSLOWER_TYPES } };

	CHECK(analyze_pass(r, an, 2) == 0);
	/* opens slower than 10 ms on a block device's file system: a.txt (the other has none) */
	CHECK(slow.n == 1 && !strcmp(slow.text[0], "O a.txt 20"));
	CHECK(none.n == 0);
	ebr_reader_close(r);
	free(t.mem.buf);
}

static void test_cachestat_intervals_and_ratio(void)
{
	struct proc_trace t;
	struct ebr_mem_source ms;
	struct ebr_reader *r = proc_trace_open(&t, &ms);
	struct cachestat one = { .interval_ns = 1000000000 }, two = { .interval_ns = 2000000000 };
	struct analyzer an[] = { { cachestat_on_event, &one, CACHESTAT_TYPES },
				 { cachestat_on_event, &two, CACHESTAT_TYPES } };
	struct cachestat_interval iv = { .read_pages = 5, .added_pages = 50, .dirtied_pages = 1 };
	uint64_t hits, misses, dirties;
	double ratio;

	CHECK(analyze_pass(r, an, 2) == 0);
	CHECK(one.len == 3 && two.len == 2);
	CHECK(one.iv[0].start_ns == 1000000000 && one.iv[2].start_ns == 3000000000ull);
	CHECK(two.iv[0].read_pages == 200 && two.iv[1].read_pages == 100);
	CHECK(one.iv[1].cached_bytes == 2u << 20);
	cachestat_compute(&one.iv[0], &hits, &misses, &dirties, &ratio);
	/* 100 read + 10 dirtied accessed; 130 added - 10 dirtied = 120 > 110: all missed */
	CHECK(hits == 0 && misses == 110 && dirties == 10 && ratio == 0.0);
	cachestat_compute(&one.iv[1], &hits, &misses, &dirties, &ratio);
	CHECK(hits == 90 && misses == 20 && ratio > 0.818 && ratio < 0.819);
	cachestat_compute(&iv, &hits, &misses, &dirties, &ratio);
	CHECK(misses == 6 && hits == 0);
	cachestat_release_model(&one);
	cachestat_release_model(&two);
	ebr_reader_close(r);
	free(t.mem.buf);
}

static void test_exit_codes_and_args_read_as_bccs(void)
{
	char buf[64];

	CHECK(!strcmp(exit_code_text(0, buf, sizeof(buf)), "0"));
	CHECK(!strcmp(exit_code_text(2 << 8, buf, sizeof(buf)), "2"));
	CHECK(!strcmp(exit_code_text(9, buf, sizeof(buf)), "signal 9 (KILL)"));
	CHECK(!strcmp(exit_code_text(0x80 | 11, buf, sizeof(buf)), "signal 11 (SEGV), core dumped"));
	CHECK(!strcmp(proc_args_join("a\0b c\0", 6, false, buf, sizeof(buf)), "a b c"));
	CHECK(!strcmp(proc_args_join("a\0b", 3, true, buf, sizeof(buf)), "a b ..."));
	CHECK(!strcmp(proc_args_join("", 0, false, buf, sizeof(buf)), ""));
	CHECK(strlen(proc_args_join("abcdefgh\0", 9, false, buf, 4)) == 3);
}

/*
 * A working directory of 8,000 bytes (no kernel gives one: PATH_MAX is 4096) and a one-byte
 * relative path: the path shown is cut to PROC_PATH_MAX - 1 bytes, ending in "...", and so
 * is an absolute path of a megabyte; short ones are whole.
 */
static void test_paths_shown_are_at_most_path_max(void)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };
	struct ebr_event e = { .type = EBR_EV_PROC_TASK, .v = v };
	struct proctable t = { 0 };
	char *big = malloc(1 << 20), out[PROC_PATH_MAX];
	const char *p;

	CHECK(big != NULL);
	if (!big)
		return;
	memset(big, 'd', (1 << 20) - 1);
	big[0] = '/';
	big[(1 << 20) - 1] = 0;
	big[8000] = 0;
	v[EBR_F_PROC_TASK_PID].u = 5;
	v[EBR_F_PROC_TASK_CWD].s = big;
	CHECK(proctable_on_event(&t, NULL, &e) == 0);
	p = proctable_abspath(&t, 5, -100, "a", out, sizeof(out));
	CHECK(strlen(p) == PROC_PATH_MAX - 1 && !strncmp(p, big, PROC_PATH_MAX - 4) &&
	      !strcmp(p + PROC_PATH_MAX - 4, "..."));
	big[8000] = 'd';
	p = proctable_abspath(&t, 5, -100, big, out, sizeof(out));
	CHECK(strlen(p) == PROC_PATH_MAX - 1 && !strcmp(p + PROC_PATH_MAX - 4, "..."));
	CHECK(!strcmp(proctable_abspath(&t, 5, -100, "/etc/hosts", out, sizeof(out)),
		      "/etc/hosts"));
	v[EBR_F_PROC_TASK_PID].u = 6;
	v[EBR_F_PROC_TASK_CWD].s = "/home/u";
	CHECK(proctable_on_event(&t, NULL, &e) == 0);
	CHECK(!strcmp(proctable_abspath(&t, 6, -100, "./a", out, sizeof(out)), "/home/u/a"));
	proctable_release(&t);
	free(big);
}

/*
 * The next file of a series holds a process of the one before in its snapshot: a live PID is
 * one process, which keeps what it knew (its start, its arguments) and takes what it did not;
 * a PID seen again after its exit is a new one.
 */
static void test_a_snapshot_of_a_live_process_is_the_same_process(void)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };
	struct ebr_event fork = { .type = EBR_EV_PROC_FORK, .ts = 100, .v = v };
	struct ebr_event task = { .type = EBR_EV_PROC_TASK, .ts = 500, .v = v };
	struct ebr_event exit = { .type = EBR_EV_PROC_EXIT, .ts = 600, .v = v };
	struct proctable t = { 0 };
	const struct proc_entry *e;

	v[EBR_F_PROC_FORK_PID].u = 1;
	v[EBR_F_PROC_FORK_CHILD_PID].u = 7;
	CHECK(proctable_on_event(&t, NULL, &fork) == 0);
	memset(v, 0, sizeof(v));
	v[EBR_F_PROC_TASK_PID].u = 7;
	v[EBR_F_PROC_TASK_PPID].u = 1;
	v[EBR_F_PROC_TASK_START_NS].u = 99; /* /proc's clock ticks, not the fork's time */
	v[EBR_F_PROC_TASK_CWD].s = "/srv";
	v[EBR_F_PROC_TASK_COMM].s = "app";
	v[EBR_F_PROC_TASK_COMM].len = 3;
	CHECK(proctable_on_event(&t, NULL, &task) == 0);
	CHECK_EQ(t.len, 1);
	e = proctable_find(&t, 7);
	CHECK(e && e->start_ns == 100 && !e->in_snapshot && !strcmp(e->cwd, "/srv") &&
	      !strcmp(e->comm, "app"));
	memset(v, 0, sizeof(v));
	v[EBR_F_PROC_EXIT_PID].u = 7;
	v[EBR_F_PROC_EXIT_FLAGS].u = EBR_EXIT_GROUP_DEAD;
	CHECK(proctable_on_event(&t, NULL, &exit) == 0);
	memset(v, 0, sizeof(v));
	v[EBR_F_PROC_TASK_PID].u = 7;
	CHECK(proctable_on_event(&t, NULL, &task) == 0);
	CHECK_EQ(t.len, 2);
	proctable_release(&t);
}

static void test_u64map_grows_and_overwrites(void)
{
	struct u64map m = { 0 };
	uint32_t v = 0;
	int ok = 1;

	for (uint64_t k = 0; k < 20000; k++)
		ok &= u64map_put(&m, k * 7919, (uint32_t)k) == 0;
	CHECK(ok && m.len == 20000);
	for (uint64_t k = 0; k < 20000; k++)
		ok &= u64map_get(&m, k * 7919, &v) && v == k;
	CHECK(ok);
	CHECK(u64map_put(&m, 7919, 5) == 0 && u64map_get(&m, 7919, &v) && v == 5 && m.len == 20000);
	CHECK(!u64map_get(&m, 3, &v));
	u64map_release(&m);
	CHECK(!u64map_get(&m, 0, &v));
}

/*
 * The slot a lookup found is tried first by the next: a value set since is what it gives, a
 * key not in the map is not found there (nor 0, the key of an unused slot), and a map that
 * grew finds its keys where they are now.
 */
static void test_u64map_remembers_the_slot_found(void)
{
	struct u64map m = { 0 };
	uint32_t v = 0, unused = UINT32_MAX;
	int ok = 1;

	for (uint64_t k = 1; k <= 10; k++)
		CHECK_EQ(u64map_put(&m, k, (uint32_t)k * 10), 0);
	CHECK(u64map_get(&m, 4, &v) && v == 40 && u64map_get(&m, 4, &v) && v == 40);
	CHECK(m.used[m.vals[m.cap]] && m.keys[m.vals[m.cap]] == 4); /* remembered */
	CHECK(u64map_put(&m, 4, 99) == 0 && u64map_get(&m, 4, &v) && v == 99);
	CHECK(!u64map_get(&m, 11, &v) && u64map_get(&m, 4, &v) && v == 99);
	/* the remembered slot an unused one, whose key reads 0: 0 is not in the map */
	for (uint32_t i = 0; i < m.cap && unused == UINT32_MAX; i++)
		if (!m.used[i])
			unused = i;
	CHECK(unused != UINT32_MAX);
	m.vals[m.cap] = unused;
	CHECK(!u64map_get(&m, 0, &v));
	/* grown past its first table: each key where it is now */
	CHECK(u64map_get(&m, 7, &v) && v == 70);
	for (uint64_t k = 11; k <= 1000; k++)
		ok &= u64map_put(&m, k, (uint32_t)k * 10) == 0;
	CHECK(ok && m.cap > 64);
	for (uint64_t k = 1; k <= 1000; k++)
		ok &= u64map_get(&m, k, &v) && u64map_get(&m, k, &v) && v == (k == 4 ? 99 : k * 10);
	CHECK(ok && !u64map_get(&m, 1001, &v));
	u64map_release(&m);
}

/* SipHash-1-3 of the reference key 00..0f and messages 00, 01, 02...: an independent
 * implementation's values (the same code gives SipHash-2-4's published 726fdb47dd0e0e31) */
static void test_siphash_vectors(void)
{
	static const struct { size_t len; uint64_t hash; } vec[] = {
		{ 8, 0x369095118d299a8eull }, { 15, 0xd320d86d2a519956ull },
		{ 16, 0xcc4fdd1a7d908b66ull }, { 23, 0x525a0e7fdae6c123ull },
	};
	unsigned char msg[32];

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)i;
	siphash_set_key(0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull);
	for (size_t i = 0; i < ARRAY_SIZE(vec); i++)
		CHECK_EQ(siphash(0x0706050403020100ull, msg + 8, vec[i].len - 8), vec[i].hash);
	siphash_set_key(1, 2);
	CHECK(siphash(0x0706050403020100ull, msg + 8, 0) != vec[0].hash);
}

/* The longest run of used slots: what an insert or a failed lookup may have to walk. */
static uint32_t longest_run(const bool *used, uint32_t cap)
{
	uint32_t run = 0, longest = 0;

	for (uint32_t i = 0; i < 2 * cap; i++) { /* twice round: a run may wrap */
		run = used[i % cap] ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	return longest;
}

/*
 * Keys chosen so that the old fixed hash (murmur3's finalizer, inverted here) put them all
 * in slot 0: one run of 20,000 slots, so that each insert walked all the others. Keyed, the
 * longest run stays short.
 */
static void test_u64map_keys_a_trace_chose_do_not_collide(void)
{
	const uint64_t c = 0xff51afd7ed558ccdull;
	struct u64map m = { 0 };
	uint64_t inv = c;
	uint32_t v;
	int ok = 1;

	for (int i = 0; i < 6; i++)
		inv *= 2 - c * inv;
	for (uint64_t k = 1; k <= 20000; k++) {
		uint64_t key = k << 24;

		key ^= key >> 33;
		key *= inv;
		key ^= key >> 33;
		ok &= u64map_put(&m, key, (uint32_t)k) == 0 && u64map_get(&m, key, &v) && v == k;
	}
	CHECK(ok && m.len == 20000);
	CHECK(longest_run(m.used, m.cap) < 500);
	u64map_release(&m);
}

/* ------------------------------------------------------------ TCP sessions */

struct tcp_step {
	uint32_t type;
	uint64_t cookie, skaddr;
	uint32_t pid;
	const char *comm;
	uint8_t old, state;
	uint64_t tx, rx, flags; /* tcp.sock: tx, rx, origin in flags, phase in old */
	uint16_t lport, rport;
};

static const char lo4[4] = { 127, 0, 0, 1 };

/*
 * A connect (cookie 1) and its accepted peer (2, whose state changes run in the client's
 * context), a session open before the recording (3), a listener (4), two sessions at one
 * address without cookies (reuse), a reset no socket wanted, and hostile values.
 */
static const struct tcp_step tcp_steps[] = {
	{ EBR_EV_TCP_SOCK, 3, 0, 30, "held", 0, 1, 3001, 5000, 1, 7000, 80 },
	{ EBR_EV_TCP_STATE, 4, 0xa4, 20, "srv", 7, 10, 0, 0, 0, 80, 0 },
	{ EBR_EV_TCP_STATE, 1, 0xa1, 10, "cli", 7, 2, 0, 0, 2, 0, 80 },
	{ EBR_EV_TCP_STATE, 2, 0xa2, 10, "cli", 10, 3, 0, 0, 0, 80, 5000 },
	{ EBR_EV_TCP_STATE, 1, 0xa1, 10, "cli", 2, 1, 1, 0, 2, 5000, 80 },
	{ EBR_EV_TCP_STATE, 2, 0xa2, 10, "cli", 3, 1, 0, 0, 2, 80, 5000 },
	{ EBR_EV_TCP_ACCEPT, 2, 0xa2, 20, "srv", 0, 1, 0, 0, 0, 80, 5000 },
	{ EBR_EV_TCP_STATE, 1, 0xa1, 10, "cli", 1, 4, 1001, 0, 2, 5000, 80 },
	{ EBR_EV_TCP_STATE, 2, 0xa2, 10, "cli", 1, 8, 0, 1001, 3, 80, 5000 },
	{ EBR_EV_TCP_STATE, 1, 0xa1, 0, "swapper", 4, 5, 1002, 0, 2, 5000, 80 },
	{ EBR_EV_TCP_STATE, 2, 0xa2, 20, "srv", 8, 9, 500, 1001, 3, 80, 5000 },
	{ EBR_EV_TCP_RETRANS, 2, 0xa2, 0, "swapper", 0, 9, 0, 0, 0, 80, 5000 },
	{ EBR_EV_TCP_STATE, 1, 0xa1, 0, "swapper", 5, 7, 1002, 501, 3, 0, 80 },
	{ EBR_EV_TCP_STATE, 2, 0xa2, 0, "swapper", 9, 7, 501, 1001, 3, 0, 5000 },
	{ EBR_EV_TCP_STATE, 3, 0xa3, 30, "held", 1, 4, 3001, 5000, 2, 7000, 80 },
	{ EBR_EV_TCP_STATE, 3, 0xa3, 0, "swapper", 4, 5, 3002, 5000, 2, 7000, 80 },
	{ EBR_EV_TCP_STATE, 3, 0xa3, 0, "swapper", 5, 7, 3002, 5001, 3, 7000, 80 },
	{ EBR_EV_TCP_STATE, 0, 0xb0, 40, "old", 7, 2, 0, 0, 0, 0, 443 },
	{ EBR_EV_TCP_STATE, 0, 0xb0, 40, "old", 2, 7, 0, 0, 0, 0, 443 },
	{ EBR_EV_TCP_STATE, 0, 0xb0, 41, "new", 7, 2, 0, 0, 0, 0, 443 },
	{ EBR_EV_TCP_RESET, 0, 0, 0, "swapper", 0, 0, 0, 0, 0, 81, 6000 },
	{ EBR_EV_TCP_STATE, 9, 0xc0, 50, "evil", 7, 200, 0, 0, 0, 1, 2 },
};

struct tcp_seen {
	int closes, resets_without_socket;
	uint64_t last_ms_in_state_ns;
};

static int tcp_collect(void *ctx, const struct tcp_event *e)
{
	struct tcp_seen *seen = ctx;

	if (e->moment == TCP_MOMENT_STATE && e->state == EBR_TCP_CLOSE && e->s && !e->s->listener)
		seen->closes++;
	if (e->moment == TCP_MOMENT_RESET && !e->s)
		seen->resets_without_socket++;
	if (e->moment == TCP_MOMENT_STATE && e->s && e->s->cookie == 1)
		seen->last_ms_in_state_ns = e->in_old_state_ns;
	return 0;
}

static const struct tcp_session *tcp_by_cookie(const struct tcptable *t, uint64_t cookie)
{
	for (uint32_t i = 0; i < t->len; i++)
		if (t->s[i].cookie == cookie)
			return &t->s[i];
	return NULL;
}

static void test_tcp_sessions_bytes_and_owners(void)
{
	struct proc_trace t;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_sink sink;
	struct ebr_reader *r = NULL;
	struct tcp_seen seen = { 0 };
	struct tcpwatch w = { .filter = { .lport = -1, .rport = -1 }, .on_event = tcp_collect, .ctx = &seen };
	struct analyzer an[] = { { tcpwatch_on_event, &w, TCPWATCH_TYPES } };
	const struct tcp_session *s;
	struct tcp_ends want = { .ip = 4, .lport = 80 };

	memset(&t, 0, sizeof(t));
	ebr_sink_mem(&sink, &t.mem);
	CHECK(ebr_writer_new(&t.w, &sink, NULL) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(tcp_steps); i++) {
		const struct tcp_step *st = &tcp_steps[i];
		struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

		v[EBR_F_TCP_STATE_PID].u = st->pid;
		strv(&v[EBR_F_TCP_STATE_COMM], st->comm);
		v[EBR_F_TCP_STATE_COOKIE].u = st->cookie;
		v[EBR_F_TCP_STATE_SKADDR].u = st->skaddr;
		v[EBR_F_TCP_STATE_IP].u = 4;
		/* the hostile one has a 3-byte address: read as zeros */
		bytesv(&v[EBR_F_TCP_STATE_LADDR], lo4, st->cookie == 9 ? 3 : 4);
		bytesv(&v[EBR_F_TCP_STATE_RADDR], lo4, 4);
		v[EBR_F_TCP_STATE_LPORT].u = st->lport;
		v[EBR_F_TCP_STATE_RPORT].u = st->rport;
		v[EBR_F_TCP_STATE_STATE].u = st->state;
		if (st->type == EBR_EV_TCP_STATE) {
			v[EBR_F_TCP_STATE_OLDSTATE].u = st->old;
			v[EBR_F_TCP_STATE_TX_BYTES].u = st->tx;
			v[EBR_F_TCP_STATE_RX_BYTES].u = st->rx;
			v[EBR_F_TCP_STATE_FLAGS].u = st->flags;
		} else if (st->type == EBR_EV_TCP_SOCK) {
			v[EBR_F_TCP_SOCK_PHASE].u = st->old;
			v[EBR_F_TCP_SOCK_TX_BYTES].u = st->tx;
			v[EBR_F_TCP_SOCK_RX_BYTES].u = st->rx;
			v[EBR_F_TCP_SOCK_ORIGIN].u = st->flags;
		} else if (st->type == EBR_EV_TCP_RESET) {
			v[EBR_F_TCP_RESET_DIRECTION].u = 1;
		}
		ev(&t, st->type, 1000000000ull + i * 1000000ull, v);
	}
	CHECK(ebr_writer_close(t.w) == 0);
	ebr_source_mem(&src, &ms, t.mem.buf, t.mem.len);
	CHECK(ebr_reader_open(&r, &src, NULL, 0) == 0);
	CHECK(analyze_pass(r, an, 1) == 0);

	/* the connect: SYN and FIN taken out of tx, the peer's FIN out of rx */
	s = tcp_by_cookie(&w.table, 1);
	CHECK(s && s->active && s->began_in_trace && s->closed && !s->listener);
	CHECK(s && s->tx_bytes == 1000 && s->rx_bytes == 500);
	CHECK(s && s->owner == TCP_OWNER_CONNECT && s->pid == 10 && !strcmp(s->comm, "cli"));
	CHECK(s && s->ends.lport == 5000 && s->ends.rport == 80); /* the port of its middle */
	CHECK(s && s->syn_sent_ns == 1002000000 && s->end_ns == 1012000000);
	CHECK(seen.last_ms_in_state_ns == 3000000); /* FIN_WAIT2 -> CLOSE */
	/* the accepted end: owned by the accepting process, not the client it ran under */
	s = tcp_by_cookie(&w.table, 2);
	CHECK(s && !s->active && s->began_in_trace && s->closed && s->retransmits == 1);
	CHECK(s && s->tx_bytes == 500 && s->rx_bytes == 1000);
	CHECK(s && s->owner == TCP_OWNER_ACCEPT && s->pid == 20 && !strcmp(s->comm, "srv"));
	CHECK(s && tcp_filter_pass(&(struct tcp_filter){ 4, 80, 5000, { true, 20, NULL, NULL } }, &s->ends,
				   s->pid, s->comm));
	CHECK(s && !tcp_filter_pass(&(struct tcp_filter){ 6, -1, -1, { 0 } }, &s->ends, s->pid,
				    s->comm));
	CHECK(s && !tcp_filter_pass(&(struct tcp_filter){ 0, -1, -1, { true, 10, NULL, NULL } }, &s->ends,
				    s->pid, s->comm));
	/* --comm: the owner's name, not the client's the state change ran under */
	CHECK(s && tcp_filter_pass(&(struct tcp_filter){ 0, -1, -1, { false, 0, "srv", NULL } }, &s->ends,
				   s->pid, s->comm));
	CHECK(s && !tcp_filter_pass(&(struct tcp_filter){ 0, -1, -1, { false, 0, "cli", NULL } }, &s->ends,
				    s->pid, s->comm));
	/* open before the recording: connected (origin 1), so its tx held the SYN too */
	s = tcp_by_cookie(&w.table, 3);
	CHECK(s && !s->began_in_trace && s->closed && s->owner == TCP_OWNER_SNAPSHOT);
	CHECK(s && s->tx_bytes == 3000 && s->rx_bytes == 5000 && s->pid == 30);
	CHECK(s && s->start_ns == 1000000000);
	s = tcp_by_cookie(&w.table, 4);
	CHECK(s && s->listener);
	/* no cookie: one address, two sessions once the first closed */
	CHECK(w.table.len == 7);
	CHECK(w.table.s[4].pid == 40 && w.table.s[4].closed && w.table.s[5].pid == 41);
	CHECK(seen.closes == 4 && seen.resets_without_socket == 1);
	s = tcp_by_cookie(&w.table, 9);
	CHECK(s && !memcmp(s->ends.laddr, (uint8_t[16]){ 0 }, 16));
	CHECK(s && !strcmp(tcp_state_name(s->state), "UNKNOWN"));
	CHECK(!strcmp(tcp_state_name(EBR_TCP_NEW_SYN_RECV), "NEW_SYN_RECV"));
	CHECK(tcp_filter_pass(&w.filter, &want, 1, ""));
	tcptable_release(&w.table);
	ebr_reader_close(r);
	free(t.mem.buf);
}

/* ------------------------------------------------------------ scheduler */

/* cpu, prev pid/tid, next pid/tid, flags, runq, oncpu, offcpu (us) */
static const uint64_t sched_steps[][9] = {
	{ 0, 0, 0, 10, 11, 1 | 4, 3000, 0, 5000 },   /* 11 in after 3 ms queued */
	{ 1, 0, 0, 10, 12, 0, 0, 0, 0 },             /* 12 in: its wakeup not seen */
	{ 0, 10, 11, 99, 99, 2 | 8, 0, 4000, 0 },    /* 11 preempted by 99 after 4 ms */
	{ 0, 10, 11, 10, 12, 1 | 2, 10, 1500, 0 },   /* 11 out again: 99 -> 11 was not traced */
	{ 1, 10, 12, 10, 11, 2, 0, 7, 0 },           /* 12 out, 11 in: its runq not known */
	{ 5000, 10, 11, 0, 0, 2, 0, 9, 0 },          /* a CPU beyond the cap: no tracking */
};

static void test_sched_dists_and_untraced_switch_ins(void)
{
	struct proc_trace t;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_sink sink;
	struct ebr_reader *r = NULL;
	struct sched_dist rq = { .measure = SCHED_RUNQ, .per = SCHED_PER_TID };
	struct sched_dist on = { .measure = SCHED_ONCPU, .per = SCHED_PER_PID,
				  .who = { .by_pid = true, .pid = 10 } };
	struct sched_dist off = { .measure = SCHED_OFFCPU, .millis = true };
	struct analyzer an[] = { { sched_dist_on_event, &rq, SCHED_DIST_TYPES },
				 { sched_dist_on_event, &on, SCHED_DIST_TYPES },
				 { sched_dist_on_event, &off, SCHED_DIST_TYPES } };

	memset(&t, 0, sizeof(t));
	ebr_sink_mem(&sink, &t.mem);
	CHECK(ebr_writer_new(&t.w, &sink, NULL) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(sched_steps); i++) {
		const uint64_t *st = sched_steps[i];
		struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

		v[EBR_F_SCHED_SWITCH_PREV_PID].u = st[1];
		v[EBR_F_SCHED_SWITCH_PREV_TID].u = st[2];
		strv(&v[EBR_F_SCHED_SWITCH_PREV_COMM], "prev");
		v[EBR_F_SCHED_SWITCH_NEXT_PID].u = st[3];
		v[EBR_F_SCHED_SWITCH_NEXT_TID].u = st[4];
		strv(&v[EBR_F_SCHED_SWITCH_NEXT_COMM], st[4] == 99 ? "other" : "burn");
		v[EBR_F_SCHED_SWITCH_FLAGS].u = st[5];
		v[EBR_F_SCHED_SWITCH_RUNQ_NS].u = st[6] * 1000;
		v[EBR_F_SCHED_SWITCH_ONCPU_NS].u = st[7] * 1000;
		v[EBR_F_SCHED_SWITCH_OFFCPU_NS].u = st[8] * 1000;
		CHECK(ebr_writer_event(t.w, EBR_EV_SCHED_SWITCH, 1000 + i, (uint32_t)st[0], v) == 0);
	}
	CHECK(ebr_writer_close(t.w) == 0);
	ebr_source_mem(&src, &ms, t.mem.buf, t.mem.len);
	CHECK(ebr_reader_open(&r, &src, NULL, 0) == 0);
	CHECK(analyze_pass(r, an, 3) == 0);
	sched_dist_sort(&rq, false);
	sched_dist_sort(&on, false);
	/* runqlat -L: 11 (3000 us), 12 (10 us), 99 (unknown); 12 and 11 unknown once each */
	CHECK(rq.intervals == 2 && rq.unknown == 3 && rq.ngroups == 2);
	CHECK(rq.groups[0].key == 11 && rq.groups[0].hist.total == 1 &&
	      rq.groups[0].sum_ns == 3000000 && rq.groups[0].hist.slot[log2_slot(3000)] == 1);
	CHECK(rq.groups[0].untraced_in == 1 && rq.untraced_in == 1);
	CHECK(rq.groups[1].key == 12 && rq.groups[1].sum_ns == 10000);
	CHECK(!strcmp(rq.groups[0].comm, "burn"));
	/* cpudist -P -p 10: 4000 + 1500 + 7 + 9 us on CPU */
	CHECK(on.ngroups == 1 && on.groups[0].key == 10 && on.groups[0].hist.total == 4);
	CHECK(on.groups[0].sum_ns == 5516000);
	/* cpudist -O -m: one off-CPU interval of 5 ms */
	CHECK(off.intervals == 1 && off.groups[0].hist.slot[log2_slot(5)] == 1);
	sched_dist_release(&rq);
	sched_dist_release(&on);
	sched_dist_release(&off);
	ebr_reader_close(r);
	free(t.mem.buf);
}

/* ------------------------------------------------------------ stacks and symbols */

static void sym_func(struct proc_trace *t, uint64_t object, uint64_t offset, uint64_t depth,
		     const char *name)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

	v[EBR_F_SYM_FUNC_OBJECT].u = object;
	v[EBR_F_SYM_FUNC_OFFSET].u = offset;
	v[EBR_F_SYM_FUNC_DEPTH].u = depth;
	strv(&v[EBR_F_SYM_FUNC_NAME], name);
	ev(t, EBR_EV_SYM_FUNC, 9000, v);
}

static void sample(struct proc_trace *t, uint32_t pid, const uint64_t *k, uint32_t nk,
		   const uint64_t *u, uint32_t nu)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

	v[EBR_F_PROFILE_SAMPLE_PID].u = pid;
	v[EBR_F_PROFILE_SAMPLE_TID].u = pid;
	strv(&v[EBR_F_PROFILE_SAMPLE_COMM], "app");
	v[EBR_F_PROFILE_SAMPLE_KSTACK].frames = k;
	v[EBR_F_PROFILE_SAMPLE_KSTACK].len = nk;
	v[EBR_F_PROFILE_SAMPLE_USTACK].frames = u;
	v[EBR_F_PROFILE_SAMPLE_USTACK].len = nu;
	ev(t, EBR_EV_PROFILE_SAMPLE, 5000, v);
}

struct names {
	char buf[512];
};

static int join_name(void *ctx, const char *name, bool kernel)
{
	struct names *n = ctx;
	size_t len = strlen(n->buf);

	snprintf(n->buf + len, sizeof(n->buf) - len, "%s%s%s", len ? ";" : "", name,
		 kernel ? "_[k]" : "");
	return 0;
}

/* Closes t's writer and runs a CPU profile over what it wrote (p, reading through *r). */
static void profile_of(struct proc_trace *t, struct stackprof *p, struct ebr_reader **r,
		       struct ebr_mem_source *ms)
{
	struct analyzer an = { stackprof_on_event, p, STACKPROF_TYPES };
	struct ebr_source src;

	*p = (struct stackprof){ .o = { .kind = STACKPROF_CPU, .tid = -1 } };
	CHECK(ebr_writer_close(t->w) == 0);
	ebr_source_mem(&src, ms, t->mem.buf, t->mem.len);
	CHECK(ebr_reader_open(r, &src, NULL, 0) == 0);
	CHECK(analyze_pass(*r, &an, 1) == 0);
	CHECK(stackprof_finish(p) == 0);
}

/*
 * Samples written before the symbols (as the recorder does), named at the end: kernel frames
 * through kallsyms entries, user frames through the process's mappings and the objects'
 * functions with an inlined one, return addresses looked up at address - 1, frames nothing
 * names as "[unknown] module+0xoffset", and stacks that name the same merged.
 */
static void test_stacks_are_named_through_the_traces_symbols(void)
{
	static const uint64_t k[] = { 0x1050, 0x2001 }, u1[] = { 0x400010, 0x400204, 0x7010 },
			      u2[] = { 0x400012, 0x400204, 0x7010 }, u3[] = { 0x999 };
	struct ebr_value v[EBR_MAX_FIELDS];
	struct proc_trace t;
	struct ebr_mem_source ms;
	struct ebr_sink sink;
	struct ebr_reader *r = NULL;
	struct stackprof p;
	struct stacktree tree;
	struct names n = { "" };
	uint64_t frames, resolved;

	memset(&t, 0, sizeof(t));
	ebr_sink_mem(&sink, &t.mem);
	CHECK(ebr_writer_new(&t.w, &sink, NULL) == 0);
	sample(&t, 50, k, 2, u1, 3);
	sample(&t, 50, k, 2, u1, 3);
	sample(&t, 50, k, 2, u2, 3);
	sample(&t, 60, NULL, 0, u3, 1);
	memset(v, 0, sizeof(v));
	v[EBR_F_SYM_KERNEL_ADDR].u = 0x1000;
	v[EBR_F_SYM_KERNEL_SIZE].u = 0x100;
	strv(&v[EBR_F_SYM_KERNEL_NAME], "k_leaf");
	ev(&t, EBR_EV_SYM_KERNEL, 9000, v);
	v[EBR_F_SYM_KERNEL_ADDR].u = 0x2000;
	strv(&v[EBR_F_SYM_KERNEL_NAME], "k_entry");
	ev(&t, EBR_EV_SYM_KERNEL, 9000, v);
	memset(v, 0, sizeof(v));
	v[EBR_F_SYM_OBJECT_OBJECT].u = 1;
	strv(&v[EBR_F_SYM_OBJECT_PATH], "/usr/bin/app");
	ev(&t, EBR_EV_SYM_OBJECT, 9000, v);
	memset(v, 0, sizeof(v));
	v[EBR_F_SYM_MAP_PID].u = 50;
	v[EBR_F_SYM_MAP_START].u = 0x400000;
	v[EBR_F_SYM_MAP_END].u = 0x401000;
	v[EBR_F_SYM_MAP_PGOFF].u = 0x1000;
	v[EBR_F_SYM_MAP_OBJECT].u = 1;
	strv(&v[EBR_F_SYM_MAP_NAME], "/usr/bin/app");
	ev(&t, EBR_EV_SYM_MAP, 9000, v);
	v[EBR_F_SYM_MAP_START].u = 0x7000;
	v[EBR_F_SYM_MAP_END].u = 0x8000;
	v[EBR_F_SYM_MAP_PGOFF].u = 0;
	v[EBR_F_SYM_MAP_OBJECT].u = 0;
	strv(&v[EBR_F_SYM_MAP_NAME], "[vdso]");
	ev(&t, EBR_EV_SYM_MAP, 9000, v);
	sym_func(&t, 1, 0x1010, 0, "leaf_fn");
	sym_func(&t, 1, 0x1012, 0, "leaf_fn");
	/* the call before return address 0x1204; C++ and Rust names, read demangled */
	sym_func(&t, 1, 0x1203, 0, "_ZN3app5outerEv");
	sym_func(&t, 1, 0x1203, 1, "_RNvCs1234_3app7inlined");
	profile_of(&t, &p, &r, &ms);
	CHECK(p.samples == 4 && p.nstacks == 2);
	/* least first: pid 60's one sample, then pid 50's three, merged by name */
	CHECK(p.stacks[0].pid == 60 && p.stacks[0].value == 1);
	stackprof_walk_leaf_first(&p, &p.stacks[0], join_name, &n);
	CHECK(!strcmp(n.buf, "[unknown] [unmapped]+0x999"));
	CHECK(p.stacks[1].pid == 50 && p.stacks[1].value == 3 && p.stacks[1].count == 3);
	n.buf[0] = 0;
	stackprof_walk_leaf_first(&p, &p.stacks[1], join_name, &n);
	CHECK(!strcmp(n.buf, "k_leaf_[k];k_entry_[k];leaf_fn;app::inlined;app::outer();"
			     "[unknown] [vdso]+0x10"));
	n.buf[0] = 0;
	stackprof_walk_root_first(&p, &p.stacks[1], join_name, &n);
	CHECK(!strcmp(n.buf, "[unknown] [vdso]+0x10;app::outer();app::inlined;leaf_fn;"
			     "k_entry_[k];k_leaf_[k]"));
	/* 3 samples of 5 frames (4 named) and 1 of 1 frame (unnamed) */
	stackprof_resolved_share(&p, &frames, &resolved);
	CHECK(frames == 16 && resolved == 12);
	CHECK(stacktree_build(&tree, &p) == 0);
	CHECK(tree.nodes[0].value == 4 && tree.max_depth == 7);
	stacktree_release(&tree);
	/* the summary's hottest: name and first 3 frames, nothing below an unnamed frame */
	struct stack_hot top[STACK_HOT_TOP];
	CHECK(stackprof_hottest(&p, top) == 2);
	CHECK(!strcmp(top[0].key, "app\x01k_leaf\x01k_entry\x01leaf_fn") &&
	      top[0].value == 3);
	CHECK(!strcmp(top[1].key, "app") && top[1].value == 1);
	free(top[0].key);
	free(top[1].key);
	stackprof_release(&p);
	ebr_reader_close(r);
	free(t.mem.buf);
}

static void symtab_map(struct symtab *s, uint64_t start, uint64_t end, uint64_t pgoff)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };
	struct ebr_event e = { .type = EBR_EV_SYM_MAP, .v = v };

	v[EBR_F_SYM_MAP_PID].u = 7;
	v[EBR_F_SYM_MAP_START].u = start;
	v[EBR_F_SYM_MAP_END].u = end;
	v[EBR_F_SYM_MAP_PGOFF].u = pgoff;
	v[EBR_F_SYM_MAP_OBJECT].u = 0;
	v[EBR_F_SYM_MAP_NAME].s = "m";
	CHECK(symtab_on_event(s, &e) == 1);
}

static void symtab_func(struct symtab *s, uint64_t offset, uint64_t depth, const char *name)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };
	struct ebr_event e = { .type = EBR_EV_SYM_FUNC, .v = v };

	v[EBR_F_SYM_FUNC_OBJECT].u = 1;
	v[EBR_F_SYM_FUNC_OFFSET].u = offset;
	v[EBR_F_SYM_FUNC_DEPTH].u = depth;
	v[EBR_F_SYM_FUNC_NAME].s = name;
	CHECK(symtab_on_event(s, &e) == 1);
}

/* The frame at addr of pid 7, named: "[unknown] m+0x..." gives the mapping's offset. */
static const char *frame_at(const struct symtab *s, uint64_t addr, struct frame_names *fn)
{
	symtab_name_frame(s, false, 7, addr, 0, fn);
	return fn->name[0];
}

/*
 * Overlapping mappings: the latest one holding an address names it, wherever the others
 * start and end; 100,000 mappings that all overlap every frame cost one binary search a
 * frame (they were a scan of every earlier start: 100,000 x 100,000).
 */
static void test_symtab_overlapping_maps_latest_wins_in_log_time(void)
{
	struct symtab s = { 0 };
	struct frame_names fn;
	struct timespec t0, t1;
	int ok = 1;

	symtab_map(&s, 0x1000, 0x9000, 0);          /* seq 0: the widest, oldest */
	symtab_map(&s, 0x3000, 0x5000, 0x100000);   /* seq 1: its middle */
	symtab_map(&s, 0x4000, 0x7000, 0x200000);   /* seq 2: over seq 1's end */
	symtab_map(&s, 0x2000, 0x2000, 0x300000);   /* empty: holds nothing */
	CHECK(symtab_sort(&s) == 0);
	CHECK(!strcmp(frame_at(&s, 0x1800, &fn), "[unknown] m+0x800"));
	CHECK(!strcmp(frame_at(&s, 0x2000, &fn), "[unknown] m+0x1000"));
	CHECK(!strcmp(frame_at(&s, 0x3800, &fn), "[unknown] m+0x100800"));
	CHECK(!strcmp(frame_at(&s, 0x4800, &fn), "[unknown] m+0x200800"));
	CHECK(!strcmp(frame_at(&s, 0x6fff, &fn), "[unknown] m+0x202fff"));
	CHECK(!strcmp(frame_at(&s, 0x7000, &fn), "[unknown] m+0x6000"));
	CHECK(!strcmp(frame_at(&s, 0x9000, &fn), "[unknown] [unmapped]+0x9000"));
	CHECK(!strcmp(frame_at(&s, 0xfff, &fn), "[unknown] [unmapped]+0xfff"));
	symtab_release(&s);

	for (uint64_t i = 0; i < 100000; i++)
		symtab_map(&s, 0x100000 + i * 16, 1ull << 40, i << 32);
	CHECK(symtab_sort(&s) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t i = 0; i < 100000; i++) {
		uint64_t addr = 0x100000 + 100000 * 16 + i;

		frame_at(&s, addr, &fn);
		ok &= fn.buf[0] && strstr(fn.buf, "+0x1869f") != NULL; /* the last mapping, 99999 */
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(ok);
	CHECK((t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec) < 500000000);
	symtab_release(&s);
}

/*
 * Functions at one offset: the frame's names are the deepest SYMTAB_MAX_INLINE + 1 of them,
 * found by two binary searches (not a walk through the rest); a name repeated a million
 * times is kept and demangled once.
 */
static void test_symtab_same_offset_funcs_and_repeated_names(void)
{
	struct symtab s = { 0 };
	struct frame_names fn;
	struct timespec t0, t1;
	int ok = 1;

	symtab_map(&s, 0x400000, 0x500000, 0);
	s.maps[0].object = 1;
	for (uint64_t i = 0; i < 1000000; i++)
		symtab_func(&s, 0x1000, i, "_ZN3app4stepEv");
	symtab_func(&s, 0x2000, 0, "_ZN3app4stepEv");
	symtab_func(&s, 0x2000, 1, "plain");
	/* two names, the mapping's "m" and "" (no source file) */
	CHECK(s.nfuncs == 1000002 && s.names.len == 4);
	CHECK(s.funcs[0].name == s.funcs[999999].name && !strcmp(s.funcs[0].name, "app::step()"));
	CHECK(symtab_sort(&s) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 100000; i++) {
		frame_at(&s, 0x401000, &fn);
		ok &= fn.n == SYMTAB_MAX_INLINE + 1 && fn.resolved;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(ok);
	CHECK((t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec) < 500000000);
	frame_at(&s, 0x402000, &fn);
	CHECK(fn.n == 2 && !strcmp(fn.name[0], "plain") && !strcmp(fn.name[1], "app::step()"));
	symtab_release(&s);
}

/*
 * A flame graph whose one process calls 100,000 distinct functions: its node has 100,000
 * children, each found through the tree's index (they were searched one by one: 5 * 10^9
 * name comparisons), in the same order and with the same values as before.
 */
static void test_flame_graph_siblings_in_linear_time(void)
{
	enum { N = 100000 };
	struct ebr_value v[EBR_MAX_FIELDS];
	struct proc_trace t;
	struct ebr_mem_source ms;
	struct ebr_sink sink;
	struct ebr_reader *r = NULL;
	struct stackprof p;
	struct stacktree tree;
	struct timespec t0, t1;
	char name[16];
	int ok = 1;

	memset(&t, 0, sizeof(t));
	ebr_sink_mem(&sink, &t.mem);
	CHECK(ebr_writer_new(&t.w, &sink, NULL) == 0);
	for (uint64_t i = 0; i < N; i++) {
		uint64_t addr = 0x100000 + i * 16;

		sample(&t, 50, &addr, 1, NULL, 0);
		sample(&t, 50, &addr, 1, NULL, 0);
	}
	for (uint32_t i = 0; i < N; i++) {
		memset(v, 0, sizeof(v));
		v[EBR_F_SYM_KERNEL_ADDR].u = 0x100000 + i * 16ull;
		v[EBR_F_SYM_KERNEL_SIZE].u = 16;
		snprintf(name, sizeof(name), "k%u", i);
		strv(&v[EBR_F_SYM_KERNEL_NAME], name);
		ev(&t, EBR_EV_SYM_KERNEL, 9000, v);
	}
	profile_of(&t, &p, &r, &ms);
	CHECK(p.nstacks == N);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(stacktree_build(&tree, &p) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK((t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec) < 2000000000);
	/* all, the process, its functions: newest child first, each with its two samples */
	CHECK(tree.nnodes == N + 2 && tree.nodes[0].value == 2 * N && tree.nodes[1].value == 2 * N);
	for (uint32_t c = tree.nodes[1].first_child, i = 0; c; c = tree.nodes[c - 1].next_sibling)
		ok &= tree.nodes[c - 1].value == 2 && tree.nodes[c - 1].kernel && ++i <= N;
	CHECK(ok);
	stacktree_release(&tree);
	stackprof_release(&p);
	ebr_reader_close(r);
	free(t.mem.buf);
}

/* f<int, pair<int, int>, then levels more template-ids, each of two of the one before>(int) */
static void substitution_bomb(char *buf, size_t cap, unsigned levels)
{
	static const char b36[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = (size_t)snprintf(buf, cap, "_Z1fIiSt4pairIiiE");

	for (unsigned i = 0; i < levels && i < 36 * 36; i++) {
		/* the previous pair<> is substitution i: S<i in base 36>_ */
		char id[3] = { b36[i % 36], 0, 0 };

		if (i >= 36) {
			id[0] = b36[i / 36];
			id[1] = b36[i % 36];
		}
		n += (size_t)snprintf(buf + n, cap - n, "S_IS%s_S%s_E", id, id);
	}
	snprintf(buf + n, cap - n, "EvT_");
}

static void test_demangle_cpp_and_rust_within_bounds(void)
{
	char out[DEMANGLE_MAX], big[4 * DEMANGLE_MAX];
	size_t n;

	CHECK(demangle("_ZNSt6vectorIiSaIiEE9push_backERKi", out, sizeof(out)) &&
	      !strcmp(out, "std::vector<int, std::allocator<int> >::push_back(int const&)"));
	CHECK(demangle("_Z1fv.isra.0", out, sizeof(out)) &&
	      !strcmp(out, "f() [clone .isra.0]"));
	/* Rust: v0, and legacy (a C++-style name whose hash is dropped) */
	CHECK(demangle("_RNvMs_NtNtCsalM65ksrrJu_3std6thread6threadNtB4_6Thread12park_timeout",
		       out, sizeof(out)) &&
	      !strcmp(out, "<std::thread::thread::Thread>::park_timeout"));
	CHECK(demangle("_ZN3std6thread4park17h0123456789abcdefE", out, sizeof(out)) &&
	      !strcmp(out, "std::thread::park"));
	/* not mangled, or malformed: left to the caller as they are */
	CHECK(!demangle("main", out, sizeof(out)));
	CHECK(!demangle("_ZN", out, sizeof(out)));
	CHECK(!demangle("_R", out, sizeof(out)));
	CHECK(!demangle("", out, sizeof(out)));
	CHECK(!demangle(NULL, out, sizeof(out)));
	/* an output that does not fit stops the demangler: never truncated, never overrun */
	CHECK(!demangle("_ZNSt6vectorIiSaIiEE9push_backERKi", out, 16));
	/* an input as long as the cap is not read at all; deep nesting ends in an error */
	memset(big, 'A', sizeof(big) - 1);
	big[0] = '_';
	big[1] = 'Z';
	big[sizeof(big) - 1] = 0;
	CHECK(!demangle(big, out, sizeof(out)));
	n = 2;
	memcpy(big, "_Z", 2);
	while (n + 3 < DEMANGLE_MAX - 2) {
		memcpy(big + n, "A1_", 3);
		n += 3;
	}
	big[n++] = 'i';
	big[n] = 0;
	CHECK(!demangle(big, out, sizeof(out)));
	/*
	 * A substitution bomb: each template-id is made of two of the previous one, so 669
	 * bytes would demangle to about 2^60 (cplus_demangle makes 2.5 MB of 30 levels). The output passes
	 * the cap within microseconds, which ends the demangling; with 2 levels it is valid.
	 */
	substitution_bomb(big, sizeof(big), 2);
	CHECK(demangle(big, out, sizeof(out)) &&
	      !strcmp(out, "void f<int, std::pair<int, int>, f<std::pair, std::pair>, "
			   "f<std::pair<int, int>, std::pair<int, int> > >(int)"));
	substitution_bomb(big, sizeof(big), 60);
	CHECK(strlen(big) == 669 && !demangle(big, out, sizeof(out)));
}

/* ------------------------------------------------------------ the top model, per interval */

static void test_top_sums_sorts_and_cuts_per_interval(void)
{
	struct top t = { .interval_ns = 1000000000ull, .origin_ns = 5000000000ull };
	uint64_t one[TOP_VALUES] = { 1, 4096 }, big[TOP_VALUES] = { 1, 1 << 20 };
	uint32_t first, n;

	/* second 0: pid 10 three small writes to vda, pid 11 one big one; pid 10 on vdb once */
	for (int i = 0; i < 3; i++)
		CHECK_EQ(top_add(&t, 5000000000ull + (uint64_t)i * 1000, 10, "dd", "vda", one), 0);
	CHECK_EQ(top_add(&t, 5100000000ull, 11, "cp", "vda", big), 0);
	CHECK_EQ(top_add(&t, 5200000000ull, 10, "dd2", "vdb", one), 0);
	/* before the origin: the first interval; second 2: pid 11 again */
	CHECK_EQ(top_add(&t, 1, 11, "cp", "vda", one), 0);
	CHECK_EQ(top_add(&t, 7500000000ull, 11, "cp", "vda", one), 0);
	CHECK_EQ(t.len, 4);
	CHECK_EQ(t.nintervals, 3);
	top_sort(&t, 0, -1); /* by count */
	n = top_interval_rows(&t, 0, &first);
	CHECK_EQ(n, 3);
	CHECK_EQ(first, 0);
	CHECK_EQ(t.rows[0].pid, 10);
	CHECK(!strcmp(t.rows[0].name, "vda") && !strcmp(t.rows[0].comm, "dd"));
	CHECK_EQ(t.rows[0].v[0], 3);
	CHECK_EQ(t.rows[0].v[1], 3 * 4096);
	CHECK_EQ(t.rows[1].pid, 11);
	CHECK_EQ(t.rows[1].v[0], 2);
	CHECK(!strcmp(t.rows[2].name, "vdb") && !strcmp(t.rows[2].comm, "dd2"));
	CHECK_EQ(top_interval_rows(&t, 1, &first), 0);
	CHECK_EQ(top_interval_rows(&t, 2, &first), 1);
	CHECK_EQ(first, 3);
	CHECK_EQ(t.rows[3].interval, 2);
	top_release(&t);

	/* by bytes, and by the mean of bytes per count */
	t = (struct top){ 0 };
	CHECK_EQ(top_add(&t, 0, 10, "dd", "vda", one), 0);
	CHECK_EQ(top_add(&t, 0, 10, "dd", "vda", one), 0);
	CHECK_EQ(top_add(&t, 0, 11, "cp", "vda", big), 0);
	top_sort(&t, 1, -1);
	CHECK_EQ(t.rows[0].pid, 11);
	top_sort(&t, 1, 0);
	CHECK_EQ(t.rows[0].pid, 11);
	top_sort(&t, 0, -1);
	CHECK_EQ(t.rows[0].pid, 10);
	top_release(&t);
}

static void test_top_keeps_names_apart_and_cuts_long_ones(void)
{
	struct top t = { 0 };
	uint64_t one[TOP_VALUES] = { 1 };
	char *longname = malloc(TOP_NAME_MAX * 2);

	CHECK(longname != NULL);
	if (!longname)
		return;
	memset(longname, 'a', TOP_NAME_MAX * 2 - 1);
	longname[TOP_NAME_MAX * 2 - 1] = 0;
	/* "ab" and "a" + "b" prefixes: the name is compared whole, not by its hash */
	CHECK_EQ(top_add(&t, 0, 0, "x", "/a", one), 0);
	CHECK_EQ(top_add(&t, 0, 0, "x", "/ab", one), 0);
	CHECK_EQ(top_add(&t, 0, 0, "x", "/a", one), 0);
	CHECK_EQ(top_add(&t, 0, 0, "x", longname, one), 0);
	CHECK_EQ(top_add(&t, 0, 0, "x", longname, one), 0);
	CHECK_EQ(top_add(&t, 0, 0, "x", NULL, one), 0);
	CHECK_EQ(t.len, 4);
	top_sort(&t, 0, -1);
	CHECK_EQ(t.rows[0].v[0], 2);
	CHECK_EQ(t.rows[1].v[0], 2);
	CHECK_EQ(strlen(t.rows[0].name) + strlen(t.rows[1].name), 2 + TOP_NAME_MAX - 1);
	top_release(&t);
	free(longname);
}

static void test_latseries_shows_a_change_in_its_second(void)
{
	struct latseries s = { .interval_ns = 1000000000ull, .origin_ns = 1000000000ull };

	/* seconds 0 and 1: 100 values of 10 us; second 3: 100 of 1 ms; none in second 2 */
	for (int i = 0; i < 100; i++) {
		CHECK_EQ(latseries_add(&s, 1000000000ull + (uint64_t)i * 1000000, 10000), 0);
		CHECK_EQ(latseries_add(&s, 2000000000ull + (uint64_t)i * 1000000, 10000), 0);
		CHECK_EQ(latseries_add(&s, 4000000000ull + (uint64_t)i * 1000000, 1000000), 0);
	}
	CHECK_EQ(latseries_add(&s, 4999999999ull, 5000000), 0);
	CHECK_EQ(s.len, 4);
	CHECK_EQ(s.iv[0].count, 100);
	CHECK_EQ(s.iv[2].count, 0);
	CHECK_EQ(s.iv[3].count, 101);
	CHECK(quantiles_value(&s.iv[1], 0.99) >= 9700 && quantiles_value(&s.iv[1], 0.99) <= 10300);
	CHECK(quantiles_value(&s.iv[3], 0.5) >= 970000 && quantiles_value(&s.iv[3], 0.5) <= 1030000);
	CHECK_EQ(s.iv[3].max, 5000000);
	/* past the cap: counted as dropped, not kept */
	CHECK_EQ(latseries_add(&s, 1000000000ull + (uint64_t)LATSERIES_MAX_INTERVALS * 1000000000ull,
			       1), 0);
	CHECK_EQ(s.dropped, 1);
	CHECK_EQ(s.len, 4);
	latseries_release(&s);
}

/* diff: both traces' counts in one table, biggest change first; shares as perf diff's */
static void test_diff_tables_and_shares(void)
{
	struct diff_side *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	uint64_t one[TOP_VALUES] = { 1 }, bytes[TOP_VALUES] = { 0 };
	struct top t;

	CHECK(a && b);
	if (!a || !b)
		goto out;
	for (int i = 0; i < 10; i++)
		CHECK_EQ(top_add(&a->opens.t, 0, 0, "cat", "/x", one), 0);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(top_add(&a->opens.t, 0, 0, "cat", "/y", one), 0);
	for (int i = 0; i < 20; i++)
		CHECK_EQ(top_add(&b->opens.t, 0, 0, "cat", "/x", one), 0);
	CHECK_EQ(top_add(&b->opens.t, 0, 0, "cat", "/z", one), 0);
	CHECK_EQ(diff_table_build(&t, a, b, DIFF_OPENS), 0);
	CHECK_EQ(t.len, 3);
	if (t.len == 3) {
		CHECK(!strcmp(t.rows[0].name, "/x") && !strcmp(t.rows[1].name, "/y") &&
		      !strcmp(t.rows[2].name, "/z"));
		CHECK_EQ(t.rows[0].v[DIFF_V_BEFORE], 10);
		CHECK_EQ(t.rows[0].v[DIFF_V_AFTER], 20);
		CHECK_EQ(t.rows[1].v[DIFF_V_CHANGE], 5);
		CHECK_EQ(t.rows[2].v[DIFF_V_BEFORE], 0);
		CHECK_EQ(t.rows[2].v[DIFF_V_AFTER], 1);
	}
	top_release(&t);

	/* TCP: by remote address (its port left out) and by process name, never by PID */
	bytes[TCPTOP_BYTES] = 100;
	CHECK_EQ(top_add(&a->tcp.t, 0, 7, "curl", "10.0.0.1:5000 10.0.0.2:80", bytes), 0);
	bytes[TCPTOP_BYTES] = 300;
	CHECK_EQ(top_add(&b->tcp.t, 0, 8, "curl", "10.0.0.1:5001 10.0.0.2:80", bytes), 0);
	bytes[TCPTOP_BYTES] = 50;
	CHECK_EQ(top_add(&b->tcp.t, 0, 9, "curl", "[::1]:6000 ::1:22", bytes), 0);
	CHECK_EQ(diff_table_build(&t, a, b, DIFF_TCP_REMOTE), 0);
	CHECK_EQ(t.len, 2);
	if (t.len == 2) {
		CHECK(!strcmp(t.rows[0].name, "10.0.0.2") && !strcmp(t.rows[1].name, "::1"));
		CHECK_EQ(t.rows[0].v[DIFF_V_CHANGE], 200);
	}
	top_release(&t);
	CHECK_EQ(diff_table_build(&t, a, b, DIFF_TCP_PROCESS), 0);
	CHECK_EQ(t.len, 1);
	if (t.len == 1)
		CHECK(t.rows[0].v[DIFF_V_BEFORE] == 100 && t.rows[0].v[DIFF_V_AFTER] == 350);
	top_release(&t);

	/* 50 of 100 samples, then 200 of 300: the share grew by 16.67 points */
	CHECK(diff_share_change(50, 100, 200, 300) > 16.66 &&
	      diff_share_change(50, 100, 200, 300) < 16.67);
	CHECK(diff_share_change(5, 0, 0, 0) == 0);
	diff_side_release(a);
	diff_side_release(b);
out:
	free(a);
	free(b);
}

int main(void)
{
	RUN(test_log2_slots_match_bcc);
	RUN(test_top_sums_sorts_and_cuts_per_interval);
	RUN(test_top_keeps_names_apart_and_cuts_long_ones);
	RUN(test_diff_tables_and_shares);
	RUN(test_latseries_shows_a_change_in_its_second);
	RUN(test_hist_text_is_bccs);
	RUN(test_seconds_text_is_printfs);
	RUN(test_percentiles_within_a_32nd);
	RUN(test_json_capped_rows);
	RUN(test_json_capped_rows_by_bytes);
	RUN(test_json_tag_rows);
	RUN(test_process_filter);
	RUN(test_timeline_counts_per_second);
	RUN(test_rwbs_follows_the_kernel);
	RUN(test_flag_labels_name_the_recording_kernels_bits);
	RUN(test_biolatency_default_counts_every_io);
	RUN(test_biolatency_options);
	RUN(test_biosnoop_rows);
	RUN(test_disk_name_without_meta);
	RUN(test_losses_per_family);
	RUN(test_losses_per_window);
	RUN(test_fanout_offers_each_analyzer_its_types);
	RUN(test_pass_steps_over_the_types_no_analyzer_reads);
	RUN(test_time_window);
	RUN(test_json_escapes_hostile_strings);
	RUN(test_text_safe_defuses_terminal_escapes);
	RUN(test_process_table_follows_fork_chdir_exec_exit);
	RUN(test_process_titles);
	RUN(test_container_ids_from_cgroup_paths);
	RUN(test_cgroups_of_processes_filter_and_usage);
	RUN(test_snoop_filters);
	RUN(test_fsslower_threshold_and_fs);
	RUN(test_cachestat_intervals_and_ratio);
	RUN(test_exit_codes_and_args_read_as_bccs);
	RUN(test_paths_shown_are_at_most_path_max);
	RUN(test_u64map_grows_and_overwrites);
	RUN(test_u64map_remembers_the_slot_found);
	RUN(test_siphash_vectors);
	RUN(test_u64map_keys_a_trace_chose_do_not_collide);
	RUN(test_tcp_sessions_bytes_and_owners);
	RUN(test_stacks_are_named_through_the_traces_symbols);
	RUN(test_symtab_overlapping_maps_latest_wins_in_log_time);
	RUN(test_symtab_same_offset_funcs_and_repeated_names);
	RUN(test_flame_graph_siblings_in_linear_time);
	RUN(test_sched_dists_and_untraced_switch_ins);
	RUN(test_demangle_cpp_and_rust_within_bounds);
	RUN(test_a_snapshot_of_a_live_process_is_the_same_process);
	return CHECK_SUMMARY();
}
