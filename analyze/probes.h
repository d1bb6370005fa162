/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The events of the generic probes (record -e tracepoint:..., uprobe:..., usdt:...): types the
 * trace describes itself (FORMAT.md "Types described by the file"), known by their names and
 * their fields' names. The model `ebrec script` and the probes view share: which types are a
 * probe's, where their common fields are, and the events a selection lets through.
 */
#ifndef EBREC_ANALYZE_PROBES_H
#define EBREC_ANALYZE_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "analyze/procfilter.h"
#include "format/ebr.h"

/* A type of the trace's schema, as the probes' readers see it. */
struct probe_type {
	bool seen;
	bool generic;    /* a generic probe's type */
	bool tracepoint;
	bool hex_args;   /* a uprobe's or uretprobe's: its values are registers */
	const char *name;       /* "tracepoint:signal:signal_generate", borrowed from the reader */
	const char *short_name; /* what a line names it: a tracepoint's NAME, as ftrace does */
	int32_t pid, tgid, comm; /* its common_pid (the thread), common_tgid, common_comm; -1 */
};

/* The schema's types, learnt as their events come. */
struct probe_types {
	struct probe_type *v;
	uint32_t n;
};

/* Whether a type name is a generic probe's ("tracepoint:", "uprobe:", "uretprobe:", "usdt:"). */
bool probe_name_generic(const char *name);

/*
 * ev's type, its schema index in *ti: NULL when ev is not a generic probe's, or when there is
 * no memory for the table (then *err is EBR_E_NOMEM).
 */
const struct probe_type *probe_type_of(struct probe_types *t, const struct ebr_reader *r,
				       const struct ebr_event *ev, uint32_t *ti, int *err);
void probe_types_release(struct probe_types *t);

/* One event of a generic probe, its common fields read. Borrowed until the next event. */
struct probe_row {
	const struct probe_type *type;
	uint32_t ti; /* schema index of its type */
	const struct ebr_event *ev;
	uint64_t pid, tid; /* process, thread */
	const char *comm;
	uint32_t comm_len;
};

/* The generic probes' events that a selection lets through, handed to emit one by one. */
struct probe_events {
	struct probe_types types;
	const char *const *select; /* globs over the probes' names: only these (none: all) */
	size_t nselect;
	struct proc_filter who;
	int (*emit)(void *ctx, const struct probe_row *row); /* 0 or an EBR_E_* code */
	void *ctx;
};

int probe_events_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
/* what it reads: struct analyzer's types */
#define PROBE_EVENTS_TYPES EBR_TYPE(EBR_EV_UNKNOWN) /* the generic probes' */
/* Whether the selection takes the probe of this name. */
bool probe_events_selects(const struct probe_events *p, const char *name);
void probe_events_release(struct probe_events *p);

#endif
