/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ebrec export`: a trace written in another tool's format (Perfetto, pprof, speedscope,
 * JSON Lines), so that the tools people already use read it. One report/export_<format>.c
 * each, registered in report/cmd_export.c's table. Every export reads the trace through
 * analysis passes like a view (export_pass()), takes report's cuts (--since/--until, -p,
 * --comm, --cgroup, --container) and streams: what it holds grows with the trace's
 * processes, threads, disks, distinct stacks and symbols, never with its events
 * (docs/EXPORT.md says what each holds).
 */
#ifndef EBREC_REPORT_EXPORT_H
#define EBREC_REPORT_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "analyze/pass.h"
#include "analyze/proc.h"
#include "analyze/procfilter.h"
#include "analyze/stackprof.h"
#include "analyze/timewindow.h"
#include "report/scope_opt.h"
#include "report/trace_file.h"

struct export_job {
	const char *file; /* the trace */
	const char *out;  /* -o: the file written (jsonl: the directory) */
	struct proc_filter who;          /* -p, --comm, and where */
	struct scope_opt where;          /* --cgroup, --container */
	struct window_end since, until;  /* --since, --until */
	enum stackprof_kind profile;     /* pprof, speedscope: --profile */
	bool profile_set;                /* --profile was given (else: what the trace holds) */
	bool merged;                     /* speedscope --merged: one profile of every process */
	bool quiet; /* export_pass() leaves the reader's problems unsaid (said by another pass) */
	/* while a pass runs (export_pass) */
	struct trace_file tf;
	struct proctable *procs; /* who each PID is, current as the pass goes */
};

struct exporter {
	const char *name;
	const char *summary;
	/* it exports --profile's stacks: a trace that did not record their family fails */
	bool stacks;
	/* Writes job->out. 0, or 1 for a runtime error (the message printed). */
	int (*run)(struct export_job *job);
};

extern const struct exporter export_perfetto, export_pprof, export_speedscope, export_jsonl;

/*
 * One pass over the trace: the process table sees every event; an the events that
 * --since/--until let through (every event when whole). before (may be NULL) runs once the
 * trace is open, before its first event; after (may be NULL) once the pass is over, while
 * the trace and the process table are still there. 0, or 1 with the message printed.
 */
int export_pass(struct export_job *job, const struct analyzer *an, size_t n,
		int (*before)(void *ctx, struct export_job *job),
		int (*after)(void *ctx, struct export_job *job), void *ctx);
/*
 * The exports that name stack frames as they go read the trace twice: the recorder writes
 * the symbols at the trace's end, after the stacks. This is the first pass: syms gets every
 * sym.* event of the trace, sorted for lookups (nothing when the trace recorded no stacks).
 * 0, or 1 with the message printed.
 */
int export_symbols(struct export_job *job, struct symtab *syms);
/* The stack profile options of the job: --profile, -p, --comm. */
void export_profile_opts(const struct export_job *job, struct stackprof_opts *o);
/* Whether the -p/--comm of the job keep pid (named comm, or its process's name). */
bool export_wants(const struct export_job *job, uint64_t pid, const char *comm);
/* The output file, created for writing ("ebrec export: cannot create ..." printed on failure). */
FILE *export_create(const char *path);
/* Closes f: 0, or 1 with "writing PATH failed" printed. */
int export_close(FILE *f, const char *path);
/* "out of memory" and the like, one line naming the format; returns 1. */
int export_fail(const char *format, int err);

/*
 * CLOCK_MONOTONIC ns of the trace as ns since the epoch, through META's clock pair at the
 * recording's start; 0 when the trace has none.
 */
uint64_t export_realtime_ns(const struct ebr_reader *r, uint64_t mono_ns);

#endif
