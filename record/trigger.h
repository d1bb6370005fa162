/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ebrec record --flight-recorder DURATION --trigger 'METRIC > LATENCY'`: a condition on the
 * events the recorder translates (every event passes translate_emit()), which, once met,
 * has the flight recorder write the window around that moment: DURATION ending
 * --trigger-after (default DURATION/4) after the event that fired, into a file named after
 * when it fired. Then the trigger re-arms, --trigger-holdoff (default DURATION) after it
 * fired, so that a storm of slow events writes one file per window, not one per event.
 *
 * The metrics are latencies the families measure in the kernel, read from the fields of the
 * translated events: biolatency (block.rq lat_ns: issue to the device until completion),
 * runqlat (sched.switch runq_ns: wakeup or preemption until switched in), fsslower
 * (file.slow lat_ns: a read, write or sync of a regular file), offcpu (offcpu.span
 * offcpu_ns). Several --trigger: any of them fires.
 */
#ifndef EBREC_RECORD_TRIGGER_H
#define EBREC_RECORD_TRIGGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "format/ebr.h"
#include "bpf/events.h"

#define TRIGGER_MAX 4
#define TRIGGER_EXPR_MAX 64

struct trigger_metric;

/* One --trigger: METRIC > THRESHOLD (or >=). */
struct trigger_cond {
	const struct trigger_metric *metric;
	uint64_t threshold_ns;
	bool or_equal;
	char expr[TRIGGER_EXPR_MAX]; /* as written into the dump: "biolatency > 100ms" */
};

/* The command line's --trigger, --trigger-after and --trigger-holdoff. */
struct trigger_spec {
	struct trigger_cond conds[TRIGGER_MAX];
	size_t n;
	uint64_t after_ns, holdoff_ns;
	bool after_set, holdoff_set;
};

/* The event that met a condition. */
struct trigger_fire {
	const struct trigger_cond *cond;
	uint32_t type; /* its event type */
	uint64_t ts, value_ns;
	uint64_t pid, tid;
	char comm[EBR_COMM_LEN + 1];
};

/* The trigger of a recording. */
struct trigger {
	const struct trigger_spec *spec; /* NULL: no --trigger */
	uint64_t after_ns, holdoff_ns;   /* the spec's, or their defaults from the window */
	bool pending;                    /* fired, its window not written yet */
	struct trigger_fire fire;
	uint64_t armed_from;  /* events before this (monotonic ns) do not fire */
	uint64_t held_off;    /* events that met a condition while held off, since the last file */
	unsigned nfired;      /* files written */
	char **files;         /* those still kept (--keep), oldest first */
	size_t nfiles, cap;
};

/*
 * Adds the condition expr ("METRIC > LATENCY", LATENCY a duration of record/duration.h of
 * at most a day: 100ms, 1.5s) to s: 0, or -1 having written what is wrong into msg.
 */
int trigger_parse(struct trigger_spec *s, const char *expr, char *msg, size_t len);
/* The family that records condition c's events ("block"...). */
const char *trigger_family(const struct trigger_cond *c);
/* The names of the metrics, for messages: "biolatency, runqlat, fsslower, offcpu". */
const char *trigger_metric_names(void);

/* The trigger of a flight recorder of window_ns, from spec (NULL: none). */
void trigger_init(struct trigger *t, const struct trigger_spec *spec, uint64_t window_ns);
/* An event the recorder wrote: fires the trigger when it meets a condition, armed. */
void trigger_event(struct trigger *t, uint32_t type, uint64_t ts, const struct ebr_value *v);
/* Whether the window of the trigger that fired ends by now_ns: its file is to be written. */
bool trigger_due(const struct trigger *t, uint64_t now_ns);
/*
 * The dump's file for the trigger that fired at realtime_ns: -o FILE's name with
 * -trigger-YYYYMMDDTHHMMSS.mmmZ before its .ebr.
 */
void trigger_path(const char *out, uint64_t realtime_ns, char *buf, size_t len);
/*
 * META of the file of the trigger that fired, whose window ends at to_ns (monotonic), fired
 * at fired_real (realtime): 0 or an EBR_E_* code.
 */
int trigger_meta(const struct trigger *t, struct ebr_writer *w, uint64_t to_ns,
		 uint64_t fired_real);
/*
 * The file of the trigger that fired was written to path (NULL: it could not be): the
 * trigger re-arms, and with keep (--keep) the oldest of its files past keep are removed.
 * 0 or -ENOMEM.
 */
int trigger_done(struct trigger *t, const char *path, uint64_t keep);
void trigger_free(struct trigger *t);

#endif
