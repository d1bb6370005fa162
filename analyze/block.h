/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Block I/O models: biolatency's histograms and biosnoop's rows, from block.rq events, and
 * the names bcc gives to disks and request flags.
 */
#ifndef EBREC_ANALYZE_BLOCK_H
#define EBREC_ANALYZE_BLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include "analyze/procfilter.h"
#include "analyze/hist.h"
#include "analyze/latseries.h"
#include "format/ebr.h"

/* The kernel's rwbs string ("WS", "R", "FWFS"...): blk_fill_rwbs() rules. */
void block_rwbs(uint64_t flags, char out[8]);
/* biolatency -F's label: "Sync-Write", "ReadAhead-Read"... */
void block_flags_label(uint64_t flags, char *out, size_t len);
/* The disk's name from META dev.<major>:<minor>, else "major:minor". */
void block_disk_name(const struct ebr_reader *r, uint64_t dev, char *out, size_t len);

struct biolatency_opts {
	bool millis;    /* -m */
	bool per_disk;  /* -D */
	bool per_flags; /* -F */
	bool queued;    /* -Q: from insertion in the OS queue, not from issue */
	uint64_t interval_ns; /* --interval: percentiles per interval (series), not groups */
	struct proc_filter who; /* -p, --comm: the submitting process */
};

struct biolatency_group {
	uint64_t dev;   /* when per_disk */
	uint64_t flags; /* when per_flags: op and EBR_BIO_* flags */
	struct log2_hist hist;
};

struct biolatency {
	struct biolatency_opts opts;
	struct biolatency_group *groups;
	uint32_t ngroups, cap;
	struct latseries series; /* with opts.interval_ns */
};

int biolatency_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
/* groups in a stable order: by disk, then flags */
void biolatency_sort(struct biolatency *b);
void biolatency_release_model(struct biolatency *b);

/* One row of biosnoop. */
struct biosnoop_row {
	uint64_t ts_ns;   /* since the first I/O of the trace */
	const char *comm; /* borrowed until the next event */
	uint64_t pid;
	char disk[32];
	char rwbs[8];
	uint64_t sector, bytes;
	uint64_t lat_ns;   /* issue -> complete: the device's time */
	uint64_t queue_ns; /* insert -> issue */
	int64_t error;
};

struct biosnoop {
	const char *disk;   /* -d: only this disk, or NULL */
	struct proc_filter who; /* -p, --comm: the submitting process */
	uint64_t first_ts;
	bool started;
	uint64_t rows;
	/* called for every row, in file order */
	int (*emit)(void *ctx, const struct biosnoop_row *row);
	void *ctx;
};

int biosnoop_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);

#endif
