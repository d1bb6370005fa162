/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The top-N model of biotop, filetop, opentop, tcptop and proctop: rows keyed by a process
 * and a name (a disk, a file, a session), each with a few summed values (I/Os, bytes, ns...),
 * over the whole trace or per interval, then sorted by one value, most first. The views say
 * what the key and the values are; the model only adds and orders them.
 */
#ifndef EBREC_ANALYZE_TOP_H
#define EBREC_ANALYZE_TOP_H

#include <stdbool.h>
#include <stdint.h>
#include "analyze/proc.h"
#include "analyze/procfilter.h"
#include "analyze/tcp.h"
#include "analyze/u64map.h"
#include "format/ebr.h"

#define TOP_VALUES 6
/* rows a model keeps apart (over all intervals); the rest count in dropped */
#define TOP_MAX_ROWS (1u << 20)
/* the longest name kept, its NUL included; longer ones are cut */
#define TOP_NAME_MAX 4096

struct top_row {
	uint64_t hash;
	uint32_t next;     /* the next row of the same hash + 1, 0 none */
	uint32_t interval; /* 0 without intervals */
	uint32_t pid;      /* 0 when the view does not key by process */
	char comm[EBR_COMM_MAX + 1]; /* the last name seen */
	char *name;        /* owned; "" when the view keys by process only */
	uint64_t v[TOP_VALUES];
};

struct top {
	uint64_t interval_ns; /* 0: one table for the whole trace */
	uint64_t origin_ns;   /* intervals are counted from here (the recording's start) */
	struct top_row *rows;
	uint32_t len, cap;
	struct u64map by_hash; /* hash -> first row of that hash */
	uint32_t nintervals;   /* 1 + the last interval that has a row */
	uint64_t dropped;      /* additions not kept: TOP_MAX_ROWS reached */
};

/*
 * Adds add[] to the row of (the interval of ts, pid, name), made if new; comm becomes its
 * name. 0 or EBR_E_NOMEM. Times before origin_ns count in the first interval.
 */
int top_add(struct top *t, uint64_t ts, uint32_t pid, const char *comm, const char *name,
	    const uint64_t add[TOP_VALUES]);

/*
 * Orders the rows by interval, then by v[by] (by < TOP_VALUES), most first, then by pid and
 * name; drops the index (add no more after). With by_mean_of >= 0, by the mean
 * v[by] / v[by_mean_of] instead.
 */
void top_sort(struct top *t, unsigned by, int by_mean_of);

/* The rows of interval i after top_sort: *first and the count. */
uint32_t top_interval_rows(const struct top *t, uint32_t i, uint32_t *first);

void top_release(struct top *t);

/* ------------------------------------------------------------ the top views' analyzers */

/* What each view's values are (struct top_row.v). */
enum { BIOTOP_IOS, BIOTOP_BYTES, BIOTOP_LAT_NS, BIOTOP_READS, BIOTOP_WRITES };
enum { OPENTOP_OPENS, OPENTOP_FAILED };
enum { FILETOP_OPENS, FILETOP_READS, FILETOP_WRITES, FILETOP_RBYTES, FILETOP_WBYTES,
       FILETOP_OPS };
enum { TCPTOP_TX, TCPTOP_RX, TCPTOP_BYTES };
enum { PROCTOP_CPU_NS, PROCTOP_SAMPLES, PROCTOP_RUNQ_NS, PROCTOP_OFFCPU_NS, PROCTOP_SWITCHES };

/*
 * One analyzer for every top view; kind says which events it adds:
 *   biotop  block.rq: a row a process and disk (I/Os, bytes, device time, reads, writes)
 *   opentop file.open: a row a file, by its absolute path (opens, failed opens)
 *   filetop file.open and file.slow: a row a process and file name (opens; reads, writes and
 *           their bytes: those the recording's --min-us let into the trace)
 *   tcptop  tcp.*: a row a session (or a process with by_process), bytes each way as the
 *           session's state changes and close report them, in the interval of the report
 *   proctop sched.switch and profile.sample: a row a process (time on CPU, profile samples,
 *           run-queue wait, time off CPU, switches in)
 */
enum top_kind { TOP_BIO, TOP_OPEN, TOP_FILE, TOP_TCP, TOP_PROC };

struct topwatch {
	enum top_kind kind;
	struct top t;
	struct proc_filter who;         /* -p, --comm */
	bool by_process;                /* tcptop: a row a process, not a session */
	const struct proctable *procs;  /* opentop: to make paths absolute */
	struct tcpwatch tcp;            /* tcptop's session table */
	/* tcptop: the bytes of each session (by index in the table) already counted */
	uint64_t (*counted)[2];
	uint32_t ncounted;
	char path[PROC_PATH_MAX];
};

/* Call before the pass: ties tcptop's session table to the model. */
void topwatch_init(struct topwatch *w);
int topwatch_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
void topwatch_release(struct topwatch *w);

#endif
