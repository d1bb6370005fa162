/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ebrec query`: a program in bpftrace's language, run over the events of a trace in their
 * order, printing what bpftrace prints (printf lines as events match; every map at the end).
 */
#ifndef EBREC_QUERY_QUERY_H
#define EBREC_QUERY_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "analyze/pass.h"
#include "format/ebr.h"

struct qcompiled;

/*
 * Parses and type-checks text (named name in messages: "stdin" for -e, as bpftrace) against
 * the schema of r, before any event is read. families is META record.families when it is
 * known (the types of families not recorded are not held), NULL if not; meta, a reader of
 * the same trace whose META is known (its tracepoints: a syscall probe that the recording did
 * not attach is refused), or NULL. Returns 0 with *out set, 1 with *err (malloc'd) saying
 * what is wrong with the program as bpftrace says it, or EBR_E_NOMEM. text must outlive *out.
 */
int query_compile(struct qcompiled **out, const char *name, const char *text, size_t len,
		  const struct ebr_reader *r, const char *families,
		  const struct ebr_reader *meta, char **err);

/* Whether the program prints stacks or symbols: they are read before the events, in a pass of
 * their own (query_symbols). */
bool query_needs_symbols(const struct qcompiled *q);

struct qrun_opts {
	FILE *out;
	struct pass_limit *limit;   /* --max-memory; NULL: none */
	uint64_t max_steps;         /* statements an action may run on one event; 0: default */
	uint64_t max_total_steps;   /* statements of the whole run (the fuzzer's bound); 0: none */
	uint64_t reorder_ns;        /* events are run in time order within this window of the
				     * file's order (record.max_reorder_ns); 0: in file order,
				     * as are those of a program whose output cannot depend on it
				     * (it only aggregates, reads no map, prints at the end) */
	/*
	 * --cgroup, --container (NULL: every event): only the events whose process (the field
	 * the pid builtin reads) it matches, and those of no process; procs, the table its scope
	 * reads, is fed every event, and the cut made, in file order (before the reordering)
	 */
	const struct proc_filter *who;
	struct proctable *procs;
};

struct qrun_result {
	bool exited;       /* exit() ended it before the trace did */
	bool step_limit;   /* an action ran past max_steps or the run past max_total_steps */
	char error[200];   /* a runtime error that stopped the run, else empty */
};

struct symtab;
struct proc_filter;
struct proctable;

/*
 * Runs q over r's events: BEGIN, each event in order, interval probes in trace time, END,
 * then every map. syms: the trace's symbols (NULL: stacks print as addresses). Returns 0
 * (result says how it ended) or the first error of the reader (EBR_E_*).
 */
int query_run(struct qcompiled *q, struct ebr_reader *r, const struct symtab *syms,
	      const struct qrun_opts *opts, struct qrun_result *result);

void query_free(struct qcompiled *q);

/*
 * A program file's text (malloc'd, NUL-terminated, at most 1 MiB) and its length; NULL when it
 * cannot be read, having said why as "ebrec CMD: ..." (a usage error).
 */
char *query_read_program(const char *cmd, const char *path, size_t *len);

/*
 * `ebrec record` with --program FILE / --program-text PROGRAM: the probes the program uses
 * become record's own -e, --str and -F options, then record(argc, argv) runs (record/ is
 * passed in: query/ reads traces, it does not include the recorder). Without them, record
 * runs as given. Returns an exit status.
 */
int query_record(int argc, char **argv, int (*record)(int argc, char **argv));

/* the command: exit status 0, 1 (runtime) or 2 (usage, or a program that does not check) */
int cmd_query(int argc, char **argv);

#endif
