// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target of `ebrec query`: any bytes as a program, parsed, checked and run over a
 * small trace of known events (opens, block requests, execs, profile samples with stacks over
 * 10 ms); bytes after a NUL are a trace of their own to check and run the program against.
 * No input may crash, leak or hang: actions run a bounded number of statements per event and
 * in all, and the pass holds at most 64 MiB, the events held for time order included (built
 * with ASan+UBSan).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/pass.h"
#include "format/ebr.h"
#include "query/query.h"

static unsigned char *known;
static size_t known_len;

static void build_known(void)
{
	struct ebr_mem_sink mem = { 0 };
	struct ebr_writer *w = NULL;
	struct ebr_sink sink;
	static const uint64_t frames[] = { 0xffffffff81000010ull, 0xffffffff81000200ull };

	ebr_sink_mem(&sink, &mem);
	if (ebr_writer_new(&w, &sink, NULL))
		abort();
	ebr_writer_meta(w, "clock.start.monotonic_ns", "1000000000");
	ebr_writer_meta(w, "clock.start.realtime_ns", "1767225600000000000");
	for (int i = 0; i < 40; i++) {
		struct ebr_value v[EBR_MAX_FIELDS] = { 0 };
		uint64_t ts = 1000000000ull + (uint64_t)i * 250000;

		v[0].u = 100 + (uint64_t)(i % 3);
		v[1].u = 200 + (uint64_t)(i % 5);
		v[2].s = i % 2 ? "cat" : "bash";
		switch (i % 4) {
		case 0:
			v[EBR_F_FILE_OPEN_CALL].u = 1 + (uint64_t)(i % 4);
			v[EBR_F_FILE_OPEN_PATH].s = "/etc/passwd";
			v[EBR_F_FILE_OPEN_RET].u = (uint64_t)(i % 8 ? 3 : -2);
			v[EBR_F_FILE_OPEN_LAT_NS].u = (uint64_t)i * 1000;
			ebr_writer_event(w, EBR_EV_FILE_OPEN, ts, 0, v);
			break;
		case 1:
			v[EBR_F_BLOCK_RQ_BYTES].u = 4096u << (i % 6);
			v[EBR_F_BLOCK_RQ_LAT_NS].u = (uint64_t)i * 7777;
			ebr_writer_event(w, EBR_EV_BLOCK_RQ, ts, 1, v);
			break;
		case 2:
			v[EBR_F_PROC_EXEC_FILENAME].s = "/bin/ls";
			v[EBR_F_PROC_EXEC_ARGS].s = "ls\0-l\0";
			v[EBR_F_PROC_EXEC_ARGS].len = 6;
			ebr_writer_event(w, EBR_EV_PROC_EXEC, ts, 0, v);
			break;
		default:
			v[EBR_F_PROFILE_SAMPLE_KSTACK].frames = frames;
			v[EBR_F_PROFILE_SAMPLE_KSTACK].len = 2;
			ebr_writer_event(w, EBR_EV_PROFILE_SAMPLE, ts, 1, v);
		}
	}
	ebr_writer_meta(w, "clock.end.monotonic_ns", "1010000000");
	if (ebr_writer_close(w))
		abort();
	known = mem.buf;
	known_len = mem.len;
}

static void run_over(const char *prog, size_t len, const uint8_t *trace, size_t trace_len,
		     uint64_t reorder_ns, FILE *out)
{
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r = NULL;
	struct qcompiled *q = NULL;
	struct pass_limit limit = { .max_heap = 64u << 20 };
	struct qrun_opts opts = { .out = out, .limit = &limit, .max_steps = 20000,
				  .max_total_steps = 2000000, .reorder_ns = reorder_ns };
	struct qrun_result res;
	char *err = NULL;

	ebr_source_mem(&src, &ms, trace, trace_len);
	if (ebr_reader_open(&r, &src, NULL, 0))
		return;
	if (!query_compile(&q, "stdin", prog, len, r, NULL, NULL, &err))
		query_run(q, r, NULL, &opts, &res);
	free(err);
	query_free(q);
	ebr_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	const uint8_t *nul = memchr(data, '\0', size);
	size_t plen = nul ? (size_t)(nul - data) : size;
	char *prog = malloc(plen + 1);

	if (!known)
		build_known();
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (!prog || !devnull) {
		free(prog);
		return 0;
	}
	memcpy(prog, data, plen);
	prog[plen] = '\0';
	/* the known trace's events are 0.25 ms apart: a 1 ms window holds four at a time */
	run_over(prog, plen, known, known_len, 1000000, devnull);
	if (nul && size - plen > 1)
		run_over(prog, plen, nul + 1, size - plen - 1, 10000000, devnull);
	free(prog);
	return 0;
}
