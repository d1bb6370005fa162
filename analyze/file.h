/* SPDX-License-Identifier: GPL-2.0-only */
/* The file family's models: opensnoop's and fsslower's rows, and cachestat's intervals. */
#ifndef EBREC_ANALYZE_FILE_H
#define EBREC_ANALYZE_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include "analyze/pass.h"
#include "analyze/proc.h"
#include "analyze/procfilter.h"
#include "format/ebr.h"

/* ------------------------------------------------------------ opensnoop */

struct opensnoop_row {
	uint64_t ts_ns;
	const char *comm;
	uint32_t pid, tid;
	int64_t fd;  /* -1 on failure */
	int64_t err; /* errno, 0 on success */
	uint64_t flags, mode;
	const char *path;    /* as passed */
	const char *abspath; /* made absolute when its directory is known, else as passed */
	const char *args;    /* the process's command line from the process table, or "" */
};

struct opensnoop {
	bool failed_only;  /* -x */
	const char *name;  /* -n: comm contains it, or NULL */
	struct proc_filter who; /* -p, --comm */
	const struct proctable *procs;
	bool want_args; /* rows carry args (else ""): joining them is a tenth of a listing's time */
	uint64_t rows;
	char abspath[PROC_PATH_MAX];
	char args[4096];
	int (*emit)(void *ctx, const struct opensnoop_row *row);
	void *ctx;
};

int opensnoop_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
/* what it reads: struct analyzer's types */
#define OPENSNOOP_TYPES EBR_TYPE(EBR_EV_FILE_OPEN)

/* ------------------------------------------------------------ fsslower */

struct fsslower_row {
	uint64_t ts_ns;
	const char *comm;
	uint32_t pid;
	char op; /* R W O S */
	int64_t bytes;
	uint64_t offset;
	uint64_t lat_ns;
	const char *fstype;
	const char *name;
};

struct fsslower {
	uint64_t min_ns;    /* -m */
	const char *fstype; /* -t, or NULL: every file system on a block device */
	struct proc_filter who; /* -p, --comm */
	uint64_t rows;
	int (*emit)(void *ctx, const struct fsslower_row *row);
	void *ctx;
};

int fsslower_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
/* what it reads: struct analyzer's types */
#define FSSLOWER_TYPES (EBR_TYPE(EBR_EV_FILE_SLOW) | EBR_TYPE(EBR_EV_FILE_OPEN))

/* ------------------------------------------------------------ cachestat */

struct cachestat_interval {
	uint64_t start_ns; /* CLOCK_MONOTONIC */
	uint64_t read_pages, fault_pages, added_pages, dirtied_pages;
	uint64_t buffers_bytes, cached_bytes; /* at the end of the interval */
};

struct cachestat {
	uint64_t interval_ns;
	uint64_t origin_ns; /* intervals are counted from here (the recording's start) */
	struct cachestat_interval *iv;
	uint32_t len, cap;
};

int cachestat_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
/* what it reads: struct analyzer's types */
#define CACHESTAT_TYPES EBR_TYPE(EBR_EV_CACHE_STAT)
void cachestat_release_model(struct cachestat *c);

/* bcc's columns from the counters (FORMAT.md and view help say how, and the limits). */
void cachestat_compute(const struct cachestat_interval *iv, uint64_t *hits, uint64_t *misses,
		       uint64_t *dirties, double *ratio);

#endif
