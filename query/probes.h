/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which events a probe of a program means in a trace: the families' event types under the
 * `ebrec:` provider, the generic probes' types by their own names (tracepoint:SYS:NAME ...),
 * and bpftrace's common tracepoints read from the family event that records the same thing
 * (the alias table, ebrec-query(1) "TRACEPOINTS READ FROM FAMILY EVENTS").
 */
#ifndef EBREC_QUERY_PROBES_H
#define EBREC_QUERY_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "query/ast.h"

/* A field of an alias: the tracepoint's name for it, and the family field it is read from. */
struct qalias_field {
	const char *name;   /* args.NAME */
	const char *field;  /* the family type's field */
	uint32_t div;       /* 0/1: as is; else divided by it (bytes -> 512-byte sectors) */
};

enum qfilter_op { QFILTER_NONE, QFILTER_EQ, QFILTER_NE };

struct qalias {
	const char *probe;  /* "tracepoint:syscalls:sys_exit_openat" */
	const char *type;   /* "file.open" */
	bool enter;         /* the entry half: at ts - lat_ns, before the event's exit half */
	const char *filter_field; /* only the events whose field ... */
	enum qfilter_op filter_op;
	int64_t filter_value;
	struct qalias_field fields[8];
};

/* The alias table, for expansion and for the man page's test. */
extern const struct qalias qaliases[];
extern const uint32_t qnaliases;

/*
 * The field a builtin (pid, tid, comm, uid, retval, arg0-5, kstack, ustack) is read from in
 * an event type of that name, or NULL: "pid" for the families, "common_tgid" for generic
 * probes, "prev_pid" for sched.switch (the tracepoint runs in the task switched out).
 * Returns the candidate names in order, NULL-terminated.
 */
const char *const *qbuiltin_fields(enum qbuiltin b, const char *type_name);

/* "kprobe:vfs_read" -> "tracepoint:syscalls:sys_enter_read", or NULL */
const char *qkprobe_replacement(const char *func, char *buf, size_t len);

/*
 * A probe specifier with bpftrace's short provider names spelled out ("t:a:b" ->
 * "tracepoint:a:b") into full, and its provider's full name into provider ("BEGIN" for
 * BEGIN, whose specifier has no provider).
 */
void qprobe_full_name(const char *text, char *full, size_t flen, char *provider, size_t plen);

/*
 * Whether a provider's probes can never be in a trace (kprobes, kfuncs, software and
 * hardware events, watchpoints): true with msg saying so, and which tracepoint usually
 * replaces the kernel function where one does. full and provider: qprobe_full_name's.
 */
bool qprobe_unrecordable(const char *full, const char *provider, char *msg, size_t len);

/*
 * The family whose recording holds an event type of the compiled-in schema ("block.rq" ->
 * "block", "cache.stat" -> "file") into buf; NULL for the trace's own types (ebr.*, sym.*,
 * recorded whatever the families) and for names that are no family's type.
 */
const char *qtype_family(const char *type_name, char *buf, size_t len);

/* fnmatch()-style glob of * ? [..] over a whole name */
bool qglob_match(const char *pattern, const char *name);

#endif
