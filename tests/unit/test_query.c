// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of query/: the lexer, the parser's and the checker's messages (bpftrace's), and
 * programs run over a trace built in memory with known events, their output compared byte
 * for byte with what bpftrace 0.17 prints for the same values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "format/ebr.h"
#include "query/ast.h"
#include "query/maps.h"
#include "query/query.h"
#include "check.h"

/* ------------------------------------------------------------ a known trace */

struct trace {
	struct ebr_mem_sink mem;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
};

#define T0 1000000000ull /* recording start */

static void file_open(struct ebr_writer *w, uint64_t ts, uint64_t pid, const char *comm,
		      uint64_t call, const char *path, int64_t ret, uint64_t lat)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

	v[EBR_F_FILE_OPEN_PID].u = pid;
	v[EBR_F_FILE_OPEN_TID].u = pid + 1;
	v[EBR_F_FILE_OPEN_COMM].s = comm;
	v[EBR_F_FILE_OPEN_CALL].u = call;
	v[EBR_F_FILE_OPEN_DIRFD].u = (uint64_t)-100;
	v[EBR_F_FILE_OPEN_PATH].s = path;
	v[EBR_F_FILE_OPEN_RET].u = (uint64_t)ret;
	v[EBR_F_FILE_OPEN_LAT_NS].u = lat;
	CHECK(ebr_writer_event(w, EBR_EV_FILE_OPEN, ts, 1, v) == 0);
}

static void block_rq(struct ebr_writer *w, uint64_t ts, uint64_t bytes, uint64_t lat)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

	v[EBR_F_BLOCK_RQ_PID].u = 7;
	v[EBR_F_BLOCK_RQ_COMM].s = "dd";
	v[EBR_F_BLOCK_RQ_BYTES].u = bytes;
	v[EBR_F_BLOCK_RQ_LAT_NS].u = lat;
	CHECK(ebr_writer_event(w, EBR_EV_BLOCK_RQ, ts, 0, v) == 0);
}

static void proc_exec(struct ebr_writer *w, uint64_t ts, uint64_t pid, const char *file,
		      const char *args, uint32_t args_len)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

	v[EBR_F_PROC_EXEC_PID].u = pid;
	v[EBR_F_PROC_EXEC_TID].u = pid;
	v[EBR_F_PROC_EXEC_COMM].s = "sh";
	v[EBR_F_PROC_EXEC_FILENAME].s = file;
	v[EBR_F_PROC_EXEC_ARGS].s = args;
	v[EBR_F_PROC_EXEC_ARGS].len = args_len;
	v[EBR_F_PROC_EXEC_LAT_NS].u = 1000;
	CHECK(ebr_writer_event(w, EBR_EV_PROC_EXEC, ts, 0, v) == 0);
}

static struct ebr_writer *writer_open(struct trace *t)
{
	struct ebr_writer *w = NULL;
	struct ebr_sink sink;

	memset(t, 0, sizeof(*t));
	ebr_sink_mem(&sink, &t->mem);
	CHECK(ebr_writer_new(&w, &sink, NULL) == 0);
	CHECK(ebr_writer_meta(w, "clock.start.monotonic_ns", "1000000000") == 0);
	return w;
}

/* closes w and opens the trace it wrote for reading */
static void writer_finish(struct trace *t, struct ebr_writer *w)
{
	CHECK(ebr_writer_close(w) == 0);
	ebr_source_mem(&t->src, &t->ms, t->mem.buf, t->mem.len);
	CHECK(ebr_reader_open(&t->r, &t->src, NULL, 0) == 0);
}

/* 6 opens (3 failed, 2 of them by "cat"), 4 block requests, 2 execs, over 3.5 s */
static void trace_open(struct trace *t, const char *families)
{
	struct ebr_writer *w = writer_open(t);

	CHECK(ebr_writer_meta(w, "clock.start.realtime_ns", "1767225600000000000") == 0);
	if (families)
		CHECK(ebr_writer_meta(w, "record.families", families) == 0);
	file_open(w, T0 + 100000000, 10, "cat", EBR_CALL_OPENAT, "/etc/passwd", 3, 5000);
	file_open(w, T0 + 200000000, 10, "cat", EBR_CALL_OPENAT, "/nope", -2, 1500);
	file_open(w, T0 + 300000000, 10, "cat", EBR_CALL_OPENAT, "/nope2", -2, 2500);
	file_open(w, T0 + 400000000, 20, "bash", EBR_CALL_OPEN, "/etc/hosts", 4, 100);
	file_open(w, T0 + 1500000000, 20, "bash", EBR_CALL_OPENAT, "/root/x", -13, 700);
	file_open(w, T0 + 2500000000, 30, "ls", EBR_CALL_OPENAT, "/", 3, 9);
	block_rq(w, T0 + 500000000, 4096, 1500000);
	block_rq(w, T0 + 600000000, 4096, 3000);
	block_rq(w, T0 + 700000000, 8192, 0);
	block_rq(w, T0 + 800000000, 65536, 40000);
	proc_exec(w, T0 + 900000000, 40, "/bin/ls", "ls\0-l\0/tmp\0", 11);
	proc_exec(w, T0 + 3500000000, 41, "/bin/true", "true\0", 5);
	CHECK(ebr_writer_meta(w, "clock.end.monotonic_ns", "4600000000") == 0);
	writer_finish(t, w);
}

static void trace_close(struct trace *t)
{
	ebr_reader_close(t->r);
	free(t->mem.buf);
}

/* compiles and runs prog over a fresh trace; the output, or the compile error (malloc'd) */
static char *run_opts(const char *prog, const char *families, uint64_t max_steps,
		      uint64_t max_total_steps, struct qrun_result *res_out)
{
	struct trace t;
	struct qcompiled *q = NULL;
	struct qrun_result res;
	char *err = NULL, *out = NULL;
	size_t n = 0;
	FILE *f;
	int ret;

	trace_open(&t, families);
	ret = query_compile(&q, "stdin", prog, strlen(prog), t.r, families, NULL, &err);
	if (ret) {
		CHECK(ret == 1 && err);
		trace_close(&t);
		return err;
	}
	f = open_memstream(&out, &n);
	struct qrun_opts opts = { .out = f, .max_steps = max_steps,
				  .max_total_steps = max_total_steps };

	CHECK(query_run(q, t.r, NULL, &opts, &res) == 0);
	fclose(f);
	if (res_out)
		*res_out = res;
	query_free(q);
	trace_close(&t);
	return out;
}

static char *run(const char *prog)
{
	return run_opts(prog, NULL, 0, 0, NULL);
}

static void expect_output(const char *prog, const char *want)
{
	char *got = run(prog);

	CHECK(got && !strcmp(got, want));
	if (got && strcmp(got, want))
		fprintf(stderr, "program: %s\n--- got:\n%s--- want:\n%s---\n", prog, got, want);
	free(got);
}

/* ------------------------------------------------------------ lexer */

static void test_lexer_tokens(void)
{
	const char *text = "@m[tid] = 1e6 + 0x10 - 1_000; $x != \"a\\tb\\x41\\101\" && ++ -> >>=";
	struct qsource src = { "stdin", text, strlen(text) };
	struct qarena arena = { 0 };
	struct qlexer lx;
	enum qtok want[] = { QT_MAP, QT_LBRACKET, QT_IDENT, QT_RBRACKET, QT_ASSIGN, QT_INT,
		QT_PLUS, QT_INT, QT_MINUS, QT_INT, QT_SEMI, QT_VAR, QT_NE, QT_STR, QT_ANDAND,
		QT_INC, QT_ARROW, QT_SHREQ, QT_EOF };
	int64_t ints[] = { 1000000, 16, 1000 };
	int ni = 0;

	qlexer_init(&lx, &src, &arena);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct qtoken t = qlexer_next(&lx);

		CHECK_EQ(t.kind, want[i]);
		if (t.kind == QT_INT && ni < 3)
			CHECK_EQ(t.ival, ints[ni++]);
		if (t.kind == QT_STR)
			CHECK(t.slen == 5 && !memcmp(t.sval, "a\tbAA", 5));
		if (t.kind == QT_MAP)
			CHECK(!strcmp(t.sval, "@m") && t.loc.line == 1 && t.loc.col == 1);
	}
	CHECK(!lx.error);
	qarena_release(&arena);
}

static void test_lexer_probes(void)
{
	const char *text = "uprobe:/bin/bash:readline /pid/ t:syscalls:sys_enter_open*,BEGIN{";
	struct qsource src = { "stdin", text, strlen(text) };
	struct qarena arena = { 0 };
	struct qlexer lx;
	struct qtoken t;

	qlexer_init(&lx, &src, &arena);
	t = qlexer_probe(&lx);
	CHECK(t.kind == QT_PROBE && !strcmp(t.sval, "uprobe:/bin/bash:readline"));
	CHECK_EQ(qlexer_next(&lx).kind, QT_SLASH);
	CHECK_EQ(qlexer_next(&lx).kind, QT_IDENT);
	CHECK_EQ(qlexer_next(&lx).kind, QT_SLASH);
	t = qlexer_probe(&lx);
	CHECK(t.kind == QT_PROBE && !strcmp(t.sval, "t:syscalls:sys_enter_open*"));
	CHECK_EQ(qlexer_next(&lx).kind, QT_COMMA);
	t = qlexer_probe(&lx);
	CHECK(t.kind == QT_PROBE && !strcmp(t.sval, "BEGIN"));
	CHECK_EQ(qlexer_next(&lx).kind, QT_LBRACE);
	qarena_release(&arena);
}

static void test_lexer_errors(void)
{
	char *err = run("BEGIN { printf(\"abc); }");

	CHECK(err && strstr(err, "stdin:1:16-") && strstr(err, "unterminated string"));
	free(err);
	err = run("BEGIN { @x = 99999999999999999999999; }");
	CHECK(err && strstr(err, "integer too large"));
	free(err);
	err = run("BEGIN { /* never ends");
	CHECK(err && strstr(err, "unterminated comment"));
	free(err);
	err = run("BEGIN { exit(); }\n/* never ends");
	CHECK(err && strstr(err, "stdin:2:1-3: ERROR: unterminated comment"));
	free(err);
}

/* ------------------------------------------------------------ parser */

static void test_parser_messages_as_bpftrace(void)
{
	/* bpftrace 0.17: "stdin:1:14-15: ERROR: syntax error, unexpected ;", the line, '~' */
	char *err = run("BEGIN { @a = ; }");

	CHECK(err && !strcmp(err, "stdin:1:14-15: ERROR: syntax error, unexpected ;\n"
			     "BEGIN { @a = ; }\n"
			     "             ~\n"));
	free(err);
	err = run("BEGIN {\n  @x = 1;\n  @y = $z + ;\n}\n");
	CHECK(err && !strcmp(err, "stdin:3:13-14: ERROR: syntax error, unexpected ;\n"
			     "  @y = $z + ;\n"
			     "            ~\n"));
	free(err);
	err = run("BEGIN { @x = 1 ");
	CHECK(err && strstr(err, "unexpected end of file"));
	free(err);
	err = run("");
	CHECK(err && strstr(err, "no probes"));
	free(err);
}

static void test_parser_accepts_bpftrace_forms(void)
{
	/* shebang, #include, comments, several probes, filters with parenthesised division,
	 * ternaries, if/else if/else, unroll, while, ++, op= */
	expect_output("#!/usr/bin/env bpftrace\n#include <linux/sched.h>\n"
		      "// a comment\nBEGIN /* here */ {\n"
		      "  $i = 0; $s = 0;\n"
		      "  while ($i < 5) { $i++; if ($i == 2) { continue; } $s += $i; }\n"
		      "  unroll(3) { $s = $s * 2; }\n"
		      "  if ($s > 1000) { printf(\"big\\n\"); } else if ($s == 104) "
		      "{ printf(\"%d\\n\", $s); } else { printf(\"small\\n\"); }\n"
		      "  @t = (10 / 2) > 4 ? TASK_RUNNING : -1;\n"
		      "  exit();\n}\n",
		      "104\n\n\n@t: 0\n");
}

/* ------------------------------------------------------------ checker */

static void test_checker_type_errors(void)
{
	char *err = run("BEGIN { if (comm == 1) { printf(\"x\\n\"); } }");

	CHECK(err && strstr(err, "ERROR: Type mismatch for '==': comparing 'string' with "
			    "'int64'"));
	free(err);
	err = run("BEGIN { @x = \"a\"; } END { @x = 1; }");
	CHECK(err && strstr(err, "Type mismatch for @x: trying to assign value of type 'int64' "
			    "when map already contains a value of type 'string'"));
	free(err);
	err = run("BEGIN { printf(\"%d\\n\", \"a\"); }");
	CHECK(err && strstr(err, "printf: %d specifier expects a value of type integer (string "
			    "supplied)"));
	free(err);
	err = run("BEGIN { printf(\"%d %d\\n\", 1); }");
	CHECK(err && strstr(err, "Not enough arguments for format string (1 supplied, 2 "
			    "expected)"));
	free(err);
	err = run("BEGIN { @x = nosuch(1); }");
	CHECK(err && strstr(err, "stdin:1:14-23: ERROR: Unknown function: nosuch"));
	free(err);
	err = run("BEGIN { @x = $y; }");
	CHECK(err && strstr(err, "Undefined or undeclared variable: $y"));
	free(err);
	err = run("BEGIN { printf(\"%d\\n\", @never); }");
	CHECK(err && strstr(err, "Undefined map: @never"));
	free(err);
	err = run("BEGIN { @x = args.foo; }");
	CHECK(err && strstr(err, "The args builtin can only be used with tracepoint"));
	free(err);
	err = run("BEGIN { @h = hist(1); @y = @h + 1; }");
	CHECK(err && strstr(err, "@h holds a hist(): it can be printed, not read"));
	free(err);
	err = run("BEGIN { $x = count(); }");
	CHECK(err && strstr(err, "count() should be directly assigned to a map"));
	free(err);
	err = run("BEGIN { @l = lhist(1, 10, 5, 1); }");
	CHECK(err && strstr(err, "lhist() max must be greater than min"));
	free(err);
	err = run("ebrec:file.open { @[comm] = count(); @[pid] = count(); }");
	CHECK(err && strstr(err, "Argument mismatch for @"));
	free(err);
}

static void test_checker_probe_errors(void)
{
	char *err = run_opts("tracepoint:syscalls:sys_enter_kill { @ = count(); }", "file,block",
			     0, 0, NULL);

	CHECK(err && strstr(err, "stdin:1:1-35: ERROR: tracepoint:syscalls:sys_enter_kill: this "
			    "trace holds no such events; it holds: ebrec:block.rq, ebrec:file.open"));
	CHECK(err && strstr(err, "tracepoint:syscalls:sys_exit_openat"));
	/* the proc family was not recorded: neither its types nor their tracepoints */
	CHECK(err && !strstr(err, "proc.exec") && !strstr(err, "sys_enter_execve"));
	free(err);
	err = run_opts("ebrec:proc.exec { @ = count(); }", "file", 0, 0, NULL);
	CHECK(err && strstr(err, "ebrec:proc.exec: this trace holds no such events"));
	free(err);
	/* a provider alone names no probe (the fuzzer's: ebrec{ ... }) */
	err = run_opts("ebrec{ @h = count(); }", NULL, 0, 0, NULL);
	CHECK(err && strstr(err, "stdin:1:1-6: ERROR: Invalid probe type: ebrec"));
	free(err);
	err = run("kprobe:blk_account_io_done { @ = count(); }");
	CHECK(err && strstr(err, "ebrec records no kprobes or kfuncs") &&
	      strstr(err, "usually replaces it is tracepoint:block:block_rq_complete"));
	free(err);
	err = run("kretprobe:__x64_sys_openat { @ = count(); }");
	CHECK(err && strstr(err, "tracepoint:syscalls:sys_enter_openat"));
	free(err);
	err = run("tracepoint:syscalls:sys_exit_openat { @[args.filename] = count(); }");
	CHECK(err && strstr(err, "tracepoint:syscalls:sys_exit_openat is read from "
			    "ebrec:file.open, which does not record its field 'filename'; it "
			    "has: ret"));
	free(err);
	err = run("ebrec:file.open { @[kstack] = count(); }");
	CHECK(err && strstr(err, "kstack: ebrec:file.open events hold no field"));
	free(err);
	err = run("interval:x:1 { exit(); }");
	CHECK(err && strstr(err, "interval probe must be"));
	free(err);
}

/* ------------------------------------------------------------ evaluator */

static void test_count_by_comm_with_filter(void)
{
	/* bpftrace sorts count maps by value, ascending */
	expect_output("ebrec:file.open /args.ret < 0/ { @[comm] = count(); }",
		      "\n\n@[bash]: 1\n@[cat]: 2\n");
	expect_output("tracepoint:syscalls:sys_exit_openat /args->ret < 0/ "
		      "{ @fails[comm, args->ret] = count(); }",
		      "\n\n@fails[bash, -13]: 1\n@fails[cat, -2]: 2\n");
	/* sys_exit_open is call 1 only: one open() by bash */
	expect_output("tracepoint:syscalls:sys_exit_open { @[probe] = count(); }",
		      "\n\n@[tracepoint:syscalls:sys_exit_open]: 1\n");
	expect_output("t:syscalls:sys_exit_open* { @[probe] = count(); }",
		      "\n\n@[tracepoint:syscalls:sys_exit_open]: 1\n"
		      "@[tracepoint:syscalls:sys_exit_openat]: 5\n");
}

static void test_hist_lhist_stats_as_bpftrace(void)
{
	/* the output of bpftrace 0.17 for the same values: lat_ns / 1000 = 1500, 3, 0, 40 */
	expect_output("ebrec:block.rq { @usecs = hist(args.lat_ns / 1000); }",
		      "\n\n@usecs: \n"
		      "[0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		      "[1]                    0 |                                                    |\n"
		      "[2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		      "[4, 8)                 0 |                                                    |\n"
		      "[8, 16)                0 |                                                    |\n"
		      "[16, 32)               0 |                                                    |\n"
		      "[32, 64)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		      "[64, 128)              0 |                                                    |\n"
		      "[128, 256)             0 |                                                    |\n"
		      "[256, 512)             0 |                                                    |\n"
		      "[512, 1K)              0 |                                                    |\n"
		      "[1K, 2K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		      "\n");
	expect_output("ebrec:block.rq { @b = lhist(args.bytes / 1024, 0, 32, 8); "
		      "@s = stats(args.bytes); @a = avg(args.bytes); @mn = min(args.bytes); "
		      "@mx = max(args.bytes); @sum = sum(args.bytes); }",
		      "\n\n@a: 20480\n\n"
		      "@b: \n"
		      "[0, 8)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		      "[8, 16)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		      "[16, 24)               0 |                                                    |\n"
		      "[24, 32)               0 |                                                    |\n"
		      "[32, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		      "\n"
		      "@mn: 4096\n@mx: 65536\n"
		      "@s: count 4, average 20480, total 81920\n\n"
		      "@sum: 81920\n");
	/* negative values, and a hist with keys sorted by their total */
	expect_output("BEGIN { @k = hist(-1); @h[2] = hist(5); @h[2] = hist(6); @h[1] = hist(1100); "
		      "exit(); }",
		      "\n\n@h[1]: \n"
		      "[1K, 2K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		      "\n"
		      "@h[2]: \n"
		      "[4, 8)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		      "\n"
		      "@k: \n"
		      "(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		      "\n");
}

static void test_latency_idiom(void)
{
	/* store at entry, read at exit, delete: the entry half runs at ts - lat_ns */
	expect_output("tracepoint:syscalls:sys_enter_openat { @start[tid] = nsecs; }\n"
		      "tracepoint:syscalls:sys_exit_openat /@start[tid]/ {\n"
		      "  @ns[comm] = sum(nsecs - @start[tid]); @n = count();\n"
		      "  delete(@start[tid]);\n}\n",
		      "\n\n@n: 5\n@ns[ls]: 9\n@ns[bash]: 700\n@ns[cat]: 9000\n\n");
}

static void test_opensnoop_style_printf(void)
{
	expect_output("BEGIN { printf(\"%-6s %-16s %4s %3s %s\\n\", \"PID\", \"COMM\", \"FD\", "
		      "\"ERR\", \"PATH\"); }\n"
		      "tracepoint:syscalls:sys_enter_open, tracepoint:syscalls:sys_enter_openat "
		      "{ @filename[tid] = args->filename; }\n"
		      "tracepoint:syscalls:sys_exit_open, tracepoint:syscalls:sys_exit_openat "
		      "/@filename[tid]/ { $ret = args->ret; $fd = $ret >= 0 ? $ret : -1; "
		      "$errno = $ret >= 0 ? 0 : - $ret; printf(\"%-6d %-16s %4d %3d %s\\n\", pid, "
		      "comm, $fd, $errno, str(@filename[tid])); delete(@filename[tid]); }\n"
		      "END { clear(@filename); }\n",
		      "PID    COMM               FD ERR PATH\n"
		      "10     cat                 3   0 /etc/passwd\n"
		      "10     cat                -1   2 /nope\n"
		      "10     cat                -1   2 /nope2\n"
		      "20     bash                4   0 /etc/hosts\n"
		      "20     bash               -1  13 /root/x\n"
		      "30     ls                  3   0 /\n"
		      "\n\n\n");
}

static void test_execsnoop_join_and_elapsed(void)
{
	expect_output("tracepoint:syscalls:sys_enter_exec* { printf(\"%-10u %-5d \", "
		      "elapsed / 1e6, pid); join(args->argv); }",
		      "899        40    ls -l /tmp\n"
		      "3499       41    true\n"
		      "\n\n");
	expect_output("tracepoint:sched:sched_process_exec { printf(\"%s %d\\n\", "
		      "args->filename, args->pid); }",
		      "/bin/ls 40\n/bin/true 41\n\n\n");
}

static void test_print_top_zero_strings(void)
{
	expect_output("ebrec:file.open { @[comm] = count(); @last[pid] = str(args.path, 4); }\n"
		      "END { print(@, 2); printf(\"--\\n\"); zero(@); print(@last); "
		      "clear(@last); }",
		      "@[bash]: 2\n@[cat]: 3\n--\n@last[10]: /no\n@last[20]: /ro\n@last[30]: /\n"
		      "\n\n@[bash]: 0\n@[cat]: 0\n@[ls]: 0\n\n");
	expect_output("BEGIN { @s = \"x\"; if (strncmp(\"abc\", \"abd\", 2) == 0) "
		      "{ print(\"same\"); } print(5); exit(); }",
		      "same\n5\n\n\n@s: x\n");
}

static void test_interval_and_exit_in_trace_time(void)
{
	/* opens at 0.1 0.2 0.3 0.4 1.5 2.5 s; the recording ends at 3.6 s */
	expect_output("ebrec:file.open { @n = count(); }\n"
		      "interval:s:1 { printf(\"%d %d\\n\", elapsed / 1000000000, @n); }",
		      "1 4\n2 5\n3 6\n\n\n@n: 6\n");
	expect_output("ebrec:file.open { @n = count(); if (@n == 2) { exit(); } }\n"
		      "END { printf(\"end %d\\n\", @n); }",
		      "end 2\n\n\n@n: 2\n");
}

static void test_loop_limit_stops_a_run(void)
{
	struct qrun_result res;
	char *out = run_opts("BEGIN { $i = 0; while (1) { $i++; } }", NULL, 10000, 0, &res);

	CHECK(out != NULL);
	CHECK(res.step_limit && strstr(res.error, "limit of statements on one event"));
	free(out);
	/* each event's loop ends, the six of them together do not fit the run's budget */
	out = run_opts("ebrec:file.open { $i = 0; while ($i < 50) { $i++; } @n = count(); }", NULL,
		       0, 300, &res);
	CHECK(out && strstr(out, "@n: 2\n"));
	CHECK(res.step_limit && strstr(res.error, "the program ran past its limit"));
	free(out);
}

/* prog run within reorder_ns over the trace w wrote (closed here, then t closed): its output */
static char *run_written(struct trace *t, struct ebr_writer *w, const char *prog,
			 uint64_t reorder_ns)
{
	struct qcompiled *q = NULL;
	struct qrun_result res;
	char *err = NULL, *out = NULL;
	size_t n = 0;
	FILE *f;

	writer_finish(t, w);
	CHECK(query_compile(&q, "stdin", prog, strlen(prog), t->r, NULL, NULL, &err) == 0);
	f = open_memstream(&out, &n);
	struct qrun_opts opts = { .out = f, .reorder_ns = reorder_ns };

	CHECK(q && query_run(q, t->r, NULL, &opts, &res) == 0);
	fclose(f);
	free(err);
	query_free(q);
	trace_close(t);
	return out;
}

/* a trace whose file order is not its time order: runs prog over it within reorder_ns */
static char *run_unordered(const char *prog, uint64_t reorder_ns)
{
	struct trace t;
	struct ebr_writer *w = writer_open(&t);

	/* as a ring hands them over: a later reservation may have read an earlier time */
	file_open(w, T0 + 10000000, 1, "a", EBR_CALL_OPENAT, "/one", 3, 100);
	block_rq(w, T0 + 5000000, 4096, 200);
	file_open(w, T0 + 7000000, 2, "b", EBR_CALL_OPENAT, "/two", -2, 100);
	file_open(w, T0 + 7000000, 4, "d", EBR_CALL_OPENAT, "/four", 5, 100);
	file_open(w, T0 + 50000000, 3, "c", EBR_CALL_OPENAT, "/three", 4, 100);
	return run_written(&t, w, prog, reorder_ns);
}

/* pairs written swapped, each path long: the events held span many of reorder.c's chunks */
static char *run_many_swapped(const char *prog, uint64_t reorder_ns)
{
	struct trace t;
	struct ebr_writer *w = writer_open(&t);
	char path[600];

	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	for (uint64_t i = 0; i < 3000; i += 2) {
		file_open(w, T0 + (i + 1) * 1000, 1, "a", EBR_CALL_OPENAT, path, 3, 100);
		file_open(w, T0 + i * 1000, 1, "a", EBR_CALL_OPENAT, path + i % 500, 3, 100);
	}
	return run_written(&t, w, prog, reorder_ns);
}

static void test_events_in_time_order(void)
{
	static const char prog[] =
		"ebrec:file.open { printf(\"%d %s %s %d\\n\", pid, comm, args.path, args.ret); }\n"
		"ebrec:block.rq { printf(\"rq %d\\n\", args.bytes); @t = nsecs; }\n"
		"ebrec:file.open /@t/ { @since[pid] = (nsecs - @t) / 1000000; }";
	char *ordered = run_unordered(prog, 10000000), *file_order = run_unordered(prog, 0);

	/* within the window: by time, equal times in file order, strings copied whole */
	CHECK(ordered && !strcmp(ordered, "rq 4096\n2 b /two -2\n4 d /four 5\n1 a /one 3\n"
				 "3 c /three 4\n\n\n@since[2]: 2\n@since[4]: 2\n@since[1]: 5\n"
				 "@since[3]: 45\n@t: 1005000000\n"));
	/* without a window, as the file has them: the first open before the request */
	CHECK(file_order && !strncmp(file_order, "1 a /one 3\nrq 4096\n", 19));
	free(ordered);
	free(file_order);

	ordered = run_many_swapped("ebrec:file.open { if (nsecs < @last) { @back = count(); } "
				   "@last = nsecs; @n = count(); }", 2000);
	file_order = run_many_swapped("ebrec:file.open { if (nsecs < @last) { @back = count(); } "
				      "@last = nsecs; @n = count(); }", 0);
	CHECK(ordered && strstr(ordered, "@back: 0\n") && strstr(ordered, "@n: 3000\n"));
	CHECK(file_order && strstr(file_order, "@back: 1500\n"));
	free(ordered);
	free(file_order);
}

/* which programs are run in file order: those whose output no order of events can change */
static void test_order_free_programs(void)
{
	static const struct {
		const char *prog;
		bool free;
	} cases[] = {
		{ "ebrec:file.open /args.ret < 0/ { @[comm] = count(); }", true },
		{ "ebrec:file.open { @h = hist(args.lat_ns); @s[pid] = stats(args.ret); $x = 1; "
		  "if ($x) { @m = max(nsecs); } }\nEND { print(@h); clear(@s); }", true },
		{ "ebrec:file.open { @last = nsecs; }", false },
		{ "ebrec:file.open /@n/ { @n = count(); }", false },
		{ "ebrec:file.open { printf(\"%d\\n\", pid); }", false },
		{ "ebrec:file.open { @[comm] = count(); }\ninterval:s:1 { exit(); }", false },
		{ "ebrec:file.open { @c[comm] = count(); delete(@c[comm]); }", false },
	};
	struct trace t;

	trace_open(&t, NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct qcompiled *q = NULL;
		char *err = NULL;

		CHECK(query_compile(&q, "stdin", cases[i].prog, strlen(cases[i].prog), t.r, NULL,
				    NULL, &err) == 0);
		CHECK(q && q->order_free == cases[i].free);
		free(err);
		query_free(q);
	}
	trace_close(&t);
}

/* ------------------------------------------------------------ record --program */

static char recorded_argv[2048];
static int record_calls;

/* stands for cmd_record: what the recorder would have been given */
static int fake_record(int argc, char **argv)
{
	size_t used = 0;

	record_calls++;
	recorded_argv[0] = '\0';
	for (int i = 0; i < argc; i++)
		used += (size_t)snprintf(recorded_argv + used, sizeof(recorded_argv) - used, "%s%s",
					 i ? " " : "", argv[i]);
	return 0;
}

static int record_with(const char *program)
{
	char *argv[] = { "record", "-o", "x.ebr", "--program-text", (char *)program, "-d", "5",
			 "--", "sh", "--program", NULL };

	record_calls = 0;
	recorded_argv[0] = '\0';
	return query_record(10, argv, fake_record);
}

static void test_record_program_options(void)
{
	CHECK(record_with("t:syscalls:sys_enter_kill { @[kstack] = count(); }\n"
			  "uretprobe:/bin/bash:readline { printf(\"%s\", str(retval)); }\n"
			  "uprobe:/bin/bash:readline { @[str(arg1)] = count(); }\n"
			  "ebrec:block.rq, ebrec:cache.* { @ = count(); }\n"
			  "profile:hz:99 { @p[ustack] = count(); }\n"
			  "tracepoint:syscalls:sys_enter_exec* { join(args->argv); }\n"
			  "tracepoint:syscalls:sys_enter_kill, interval:s:1, BEGIN, END { }") == 0);
	CHECK_EQ(record_calls, 1);
	/* --program's value and after -- untouched: the command's own arguments */
	CHECK(!strcmp(recorded_argv, "record -o x.ebr -e tracepoint:syscalls:sys_enter_kill+kstack,"
		      "uretprobe:/bin/bash:readline,uprobe:/bin/bash:readline,block,file,"
		      "profile,proc --str "
		      "uretprobe:/bin/bash:readline:retval --str uprobe:/bin/bash:readline:arg1 "
		      "-F 99 -d 5 -- sh --program"));
	/* what no trace can hold: said before the recorder runs */
	CHECK_EQ(record_with("kprobe:vfs_read { @ = count(); }"), 2);
	CHECK_EQ(record_with("BEGIN { exit(); }"), 2);
	CHECK_EQ(record_with("ebrec:nosuch.type { }"), 2);
	CHECK_EQ(record_with("software:cpu-clock:1 { }"), 2);
	CHECK_EQ(record_with("tracepoint:a:b {"), 2);
	CHECK_EQ(record_with("ebrec { @ = count(); }"), 2);
	CHECK_EQ(record_calls, 0);
}

static void test_hist_bucket_edges(void)
{
	CHECK_EQ(qhist_bucket(-5), 0);
	CHECK_EQ(qhist_bucket(0), 1);
	CHECK_EQ(qhist_bucket(1), 2);
	CHECK_EQ(qhist_bucket(3), 3);
	CHECK_EQ(qhist_bucket(4), 4);
	CHECK_EQ(qhist_bucket(INT64_MAX), 64);
}

int main(void)
{
	RUN(test_lexer_tokens);
	RUN(test_lexer_probes);
	RUN(test_lexer_errors);
	RUN(test_parser_messages_as_bpftrace);
	RUN(test_parser_accepts_bpftrace_forms);
	RUN(test_checker_type_errors);
	RUN(test_checker_probe_errors);
	RUN(test_count_by_comm_with_filter);
	RUN(test_hist_lhist_stats_as_bpftrace);
	RUN(test_latency_idiom);
	RUN(test_opensnoop_style_printf);
	RUN(test_execsnoop_join_and_elapsed);
	RUN(test_print_top_zero_strings);
	RUN(test_interval_and_exit_in_trace_time);
	RUN(test_loop_limit_stops_a_run);
	RUN(test_hist_bucket_edges);
	RUN(test_events_in_time_order);
	RUN(test_record_program_options);
	RUN(test_order_free_programs);
	return CHECK_SUMMARY();
}
