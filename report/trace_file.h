/* SPDX-License-Identifier: GPL-2.0-only */
/* A trace opened by a reading command (report, info, dump, verify, redact). */
#ifndef EBREC_REPORT_TRACE_FILE_H
#define EBREC_REPORT_TRACE_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include "format/ebr.h"
#include "report/json.h"

struct trace_file {
	const char *path;
	int fd;
	struct ebr_fd_source fs;
	struct ebr_source src;
	struct ebr_reader *r;
};

/*
 * The arguments of a command that takes FILE and --max-memory MIB: *file set and the budget
 * set (trace_file_budget()), -1 to go on, else the exit status.
 */
int trace_file_args(int argc, char **argv, const char *help, const char *examples,
		    const char **file);
/*
 * Sets the memory a reading command may hold for a trace (format/mem.h): mib, the value of
 * --max-memory, or NULL for the default, half of this machine's memory. Call it before
 * anything is read. 0, or 2 (a usage error, said).
 */
int trace_file_budget(const char *cmd, const char *mib);
/*
 * The threads a trace of size bytes (-1: not known, a pipe) is decoded with (format/ebr.h
 * ebr_reader_set_threads()): --threads N (0, or 2 said), else one for a file of less than
 * TRACE_THREADS_MIN_BYTES, else every CPU this process may run on, at most
 * TRACE_MAX_THREADS: the views run on one thread, which more decoders than that cannot keep
 * up with.
 */
#define TRACE_MAX_THREADS 4
/*
 * On two CPUs, a second thread read traces of 0.9-1.6 M events (2.9-3.5 MB) no faster, for
 * 1.5x the CPU: each thread's block buffers are new memory to fault in, and the words it
 * decodes reach the reading thread from the other core's cache. 3.5 M events (9.7 MB) it
 * read 1.18x as fast, 10.5 M (34 MB) 1.29x (medians of 9 alternating runs of runqlat).
 */
#define TRACE_THREADS_MIN_BYTES (8ll << 20)
int trace_file_threads_option(const char *cmd, const char *val);
unsigned trace_file_threads(long long size);
/* "out of memory", or "its memory limit was reached (--max-memory N MiB)" when it was. */
const char *trace_file_nomem(void);
/* ebr_strerror(err), but EBR_E_NOMEM said as trace_file_nomem() says it. */
const char *trace_file_strerror(int err);
/* Opens path ("-" = stdin) and reads its header; on failure prints one line and returns 1. */
int trace_file_open(struct trace_file *t, const char *cmd, const char *path);
void trace_file_close(struct trace_file *t);
/* 2 (message printed) when out is the file in names ("-": stdin), by device and inode,
 * before out is opened: writing it would truncate the trace while it is read; else 0. */
int output_is_input(const char *cmd, const char *out, const char *in);
/* Prints what the reader stepped over to stderr; returns 1 if any of it lost data. */
int trace_file_warn(const struct trace_file *t, const char *cmd);
/* Whether the comma-separated list (a META value; NULL: none) holds item whole. */
bool trace_list_has(const char *list, const char *item);
/* Whether META record.families names family. */
bool trace_family_recorded(const struct ebr_reader *r, const char *family);
/*
 * Whether the recording attached family's tracepoint ("syscalls:sys_exit_execve"): META
 * family.FAMILY.tracepoints; a trace without the key (older) is taken to have.
 */
bool trace_tracepoint_recorded(const struct ebr_reader *r, const char *family,
			       const char *tracepoint);
/* A trace's index and META, read before its events (by a reader of its own): when it ended,
 * what it recorded. */
struct trace_peek {
	bool known;      /* false: a pipe, or no usable index: nothing below is known */
	struct trace_file tf; /* its reader has every META block */
	uint64_t end_ns; /* when the recording ended (CLOCK_MONOTONIC) */
};
/* 0 (p->known says whether anything was learnt) or EBR_E_NOMEM. Release it always. */
int trace_file_peek(const char *path, struct trace_peek *p);
void trace_peek_release(struct trace_peek *p);
/* The same problems as a JSON array "warnings", after extra (when not NULL). */
void trace_file_json_warnings(const struct trace_file *t, struct json *j, const char *extra);

#endif
