// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec query FILE -e PROGRAM | PROGRAM.bt`: a bpftrace program run over a trace. The
 * program is parsed and checked against the trace's schema before a single event is read;
 * the run prints what bpftrace prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/symtab.h"
#include "query/query.h"
#include "analyze/proc.h"
#include "report/scope_opt.h"
#include "report/trace_file.h"

#define QUERY_MAX_PROGRAM (1u << 20)
/*
 * The reorder window of a trace that does not state its own (read from a pipe, or its
 * recorder killed before it wrote record.max_reorder_ns at its end): ten of the recorder's
 * drain intervals, far more than the reorderings measured on this kind of machine.
 */
#define QUERY_DEFAULT_REORDER_NS 100000000ull

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ebrec query FILE -e PROGRAM | ebrec query FILE PROGRAM.bt [--max-memory MIB]\n"
		"                   [--cgroup PATH] [--container ID]\n"
		"\nRuns a program in bpftrace's language over the events of FILE, in their order,\n"
		"and prints what bpftrace prints: printf lines as events match, every map at the\n"
		"end. Probes: the families' events as ebrec:TYPE (ebrec:file.open, ebrec:block.rq,\n"
		"ebrec:sched.switch ...) with FORMAT.md's fields, generic probes by their names\n"
		"(tracepoint:SYS:NAME, uprobe:..., usdt:...), common tracepoints read from the\n"
		"family events that record them (tracepoint:syscalls:sys_exit_openat ...), BEGIN,\n"
		"END and interval:s:N in trace time. 'man ebrec-query' has the language.\n"
		"\n  -e PROGRAM         the program itself (named 'stdin' in messages, as bpftrace)\n"
		"  --max-memory MIB   stop the run at MIB of maps and print what it has\n"
		"  --cgroup PATH      only events of processes of this cgroup v2 or below it (and\n"
		"                     those of no process: cache.stat, ebr.counts)\n"
		"  --container ID     only events of processes of containers whose id starts with ID\n"
		"\nexamples:\n"
		"  ebrec query t.ebr -e 'ebrec:file.open /args.ret < 0/ { @[comm] = count(); }'\n"
		"  ebrec query t.ebr -e 'ebrec:block.rq { @usecs = hist(args.lat_ns / 1000); }'\n"
		"  ebrec query t.ebr /usr/sbin/opensnoop.bt\n");
}

char *query_read_program(const char *cmd, const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0;

	if (!f) {
		fprintf(stderr, "ebrec %s: cannot open the program %s: %s\n", cmd, path,
			strerror(errno));
		return NULL;
	}
	buf = malloc(QUERY_MAX_PROGRAM + 1);
	if (!buf) {
		fprintf(stderr, "ebrec %s: out of memory\n", cmd);
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, QUERY_MAX_PROGRAM + 1, f);
	if (ferror(f) || n > QUERY_MAX_PROGRAM) {
		fprintf(stderr, "ebrec %s: cannot read the program %s: %s\n", cmd, path,
			ferror(f) ? strerror(errno) : "larger than 1 MiB");
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* the trace's symbols, read in a pass of their own: the recorder writes them at its end */
static int read_symbols(const char *path, struct symtab *syms)
{
	struct trace_file tf;
	const struct ebr_event *ev;
	int ret;

	if (!strcmp(path, "-")) {
		fprintf(stderr, "ebrec query: a program that prints stacks or symbols reads the "
				"trace twice: give a file, not standard input\n");
		return 2;
	}
	if (trace_file_open(&tf, "query", path))
		return 1;
	ebr_reader_want_types(tf.r, SYMTAB_TYPES); /* the others are not decoded */
	while ((ret = ebr_reader_next(tf.r, &ev)) > 0)
		if (symtab_on_event(syms, ev) < 0) {
			ret = EBR_E_NOMEM;
			break;
		}
	trace_file_close(&tf);
	if (!ret)
		ret = symtab_sort(syms);
	if (ret) {
		fprintf(stderr, "ebrec query: reading the symbols of %s: %s\n", path,
			ebr_strerror(ret));
		return 1;
	}
	return 0;
}

int cmd_query(int argc, char **argv)
{
	const char *file = NULL, *prog_path = NULL, *inline_prog = NULL;
	char *text = NULL, *err = NULL;
	size_t len = 0, max_heap = 0;
	struct trace_peek peek = { .tf.fd = -1 };
	struct trace_file tf = { .fd = -1 };
	struct symtab syms = { 0 };
	struct qcompiled *q = NULL;
	struct pass_limit limit = { 0 };
	struct qrun_result res;
	struct scope_opt where = { 0 }; /* --cgroup, --container */
	struct proc_filter who = { .scope = &where.scope };
	struct proctable procs = { 0 };
	bool opened = false, have_syms = false;
	int status = 0, ret;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			return 0;
		} else if (scope_opt_takes(arg)) {
			if (i + 1 >= argc) {
				fprintf(stderr, "ebrec query: %s needs a value\n", arg);
				return 2;
			}
			if (scope_opt_parse(&where, "query", arg, argv[++i]))
				return 2;
		} else if (!strcmp(arg, "-e") || !strcmp(arg, "--max-memory")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "ebrec query: %s needs a value\n", arg);
				return 2;
			}
			if (arg[1] == 'e') {
				inline_prog = argv[++i];
				continue;
			}
			char *end;
			unsigned long long mib = strtoull(argv[++i], &end, 10);

			if (*end || !mib || mib > (SIZE_MAX >> 20)) {
				fprintf(stderr, "ebrec query: --max-memory takes MiB, e.g. 4096\n");
				return 2;
			}
			max_heap = (size_t)mib << 20;
		} else if (arg[0] == '-' && arg[1]) {
			fprintf(stderr, "ebrec query: unknown option '%s' (see 'ebrec query --help')\n",
				arg);
			return 2;
		} else if (!file) {
			file = arg;
		} else if (!prog_path) {
			prog_path = arg;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!file || (!inline_prog == !prog_path)) {
		usage(stderr);
		return 2;
	}
	if (inline_prog) {
		text = strdup(inline_prog);
		len = strlen(inline_prog);
		if (!text) {
			fprintf(stderr, "ebrec query: out of memory\n");
			return 1;
		}
	} else if (!(text = query_read_program("query", prog_path, &len))) {
		return 2;
	}
	/* which families were recorded, from the META the index points to, when it can */
	if (strcmp(file, "-") && trace_file_peek(file, &peek)) {
		fprintf(stderr, "ebrec query: out of memory\n");
		status = 1;
		goto out;
	}
	if (trace_file_open(&tf, "query", file)) {
		status = 1;
		goto out;
	}
	opened = true;
	ret = query_compile(&q, inline_prog ? "stdin" : prog_path, text, len, tf.r,
			    peek.known ? ebr_reader_meta(peek.tf.r, "record.families") : NULL,
			    peek.known ? peek.tf.r : NULL, &err);
	if (ret) {
		if (ret == 1 && err)
			fputs(err, stderr);
		else
			fprintf(stderr, "ebrec query: out of memory\n");
		status = ret == 1 ? 2 : 1;
		goto out;
	}
	if (query_needs_symbols(q)) {
		status = read_symbols(file, &syms);
		if (status)
			goto out;
		have_syms = true;
	}
	limit.max_heap = max_heap;
	const char *reorder = peek.known ? ebr_reader_meta(peek.tf.r, "record.max_reorder_ns") :
				NULL;
	struct qrun_opts opts = {
		.out = stdout, .limit = &limit,
		.reorder_ns = reorder ? strtoull(reorder, NULL, 10) : QUERY_DEFAULT_REORDER_NS,
	};

	if (proc_filter_active(&who)) {
		where.scope.procs = &procs;
		opts.who = &who;
		opts.procs = &procs;
	}

	ret = query_run(q, tf.r, have_syms ? &syms : NULL, &opts, &res);
	fflush(stdout);
	if (ret) {
		fprintf(stderr, "ebrec query: reading %s: %s\n", file, ebr_strerror(ret));
		status = 1;
	}
	if (limit.stopped) {
		status = 1;
		fprintf(stderr, "ebrec query: the run stopped at %.3f s of the trace, after %llu "
				"events: %s (%zu MiB held); the maps above cover the trace up to there "
				"(--max-memory MIB raises the limit)\n",
			trace_seconds(tf.r, limit.stop_ts), (unsigned long long)limit.events,
			limit.out_of_memory ? "out of memory" : "its memory limit was reached",
			limit.heap >> 20);
	}
	if (res.error[0]) {
		fprintf(stderr, "ebrec query: %s\n", res.error);
		status = 1;
	}
	if (trace_file_warn(&tf, "query") && !status)
		status = 1;
out:
	if (have_syms)
		symtab_release(&syms);
	query_free(q);
	free(err);
	free(text);
	proctable_release(&procs);
	if (opened)
		trace_file_close(&tf);
	trace_peek_release(&peek);
	return status;
}
