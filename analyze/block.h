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
#include "analyze/heatmap.h"
#include "analyze/latseries.h"
#include "format/ebr.h"

/* The kernel's rwbs string ("WS", "R", "FWFS"...): blk_fill_rwbs() rules. */
void block_rwbs(uint64_t flags, char out[8]);

#define BLOCK_NAME_LEN 32
#define BLOCK_MAX_OPS 64

/*
 * The recording kernel's names for block.rq's cmd_flags (META block.req_flag_bits and
 * block.req_ops), already turned into bcc's labels: its bits move between kernels, so they are
 * named from the trace, never from this machine's headers.
 */
struct block_req_names {
	bool known;       /* the trace has them: labels come from cmd_flags, else from flags */
	uint64_t op_mask; /* the operation: the bits below the lowest flag bit */
	char bit[64][BLOCK_NAME_LEN]; /* label of each flag bit, "" for a bit it does not name */
	uint8_t order[64];            /* the bits in the order labels print them */
	unsigned norder;
	struct {
		uint64_t value;
		char name[BLOCK_NAME_LEN];
	} ops[BLOCK_MAX_OPS];
	unsigned nops;
};

/* From the two META values (either may be NULL: then names->known is false). */
void block_req_names_parse(struct block_req_names *names, const char *flag_bits,
			   const char *ops);
void block_req_names_load(struct block_req_names *names, const struct ebr_reader *r);
/*
 * biolatency -F's label, as bcc prints it: "Sync-Write", "Idle-Sync-Write",
 * "PreFlush-Flush"... from cmd_flags when names->known, else from the stable flags (traces
 * of format 1.3 and older, which name Sync, Metadata, FUA, PreFlush and ReadAhead only).
 */
void block_flags_label(const struct block_req_names *names, uint64_t flags, uint64_t cmd_flags,
		       char *out, size_t len);
/* The disk's name from META dev.<major>:<minor>, else "major:minor". */
void block_disk_name(const struct ebr_reader *r, uint64_t dev, char *out, size_t len);

struct biolatency_opts {
	bool millis;    /* -m */
	bool per_disk;  /* -D */
	bool per_flags; /* -F */
	bool queued;    /* -Q: from insertion in the OS queue, not from issue */
	uint64_t interval_ns; /* --interval: percentiles per interval (series), not groups */
	bool heatmap;   /* --heatmap: time x latency as well */
	struct proc_filter who; /* -p, --comm: the submitting process */
};

struct biolatency_group {
	uint64_t dev;       /* when per_disk */
	uint64_t flags;     /* when per_flags: op and EBR_BIO_* flags */
	uint64_t cmd_flags; /* when per_flags: the kernel's (0 in traces before 1.4) */
	struct log2_hist hist;
};

struct biolatency {
	struct biolatency_opts opts;
	struct biolatency_group *groups;
	uint32_t ngroups, cap;
	struct latseries series; /* with opts.interval_ns */
	struct heatmap heat;     /* with opts.heatmap */
};

int biolatency_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
/* what it reads: struct analyzer's types */
#define BIOLATENCY_TYPES EBR_TYPE(EBR_EV_BLOCK_RQ)
/* groups in a stable order: by disk, then flags */
void biolatency_sort(struct biolatency *b);
void biolatency_release_model(struct biolatency *b);

/* One row of biosnoop. */
struct biosnoop_row {
	uint64_t ts_ns;   /* completion, the trace's clock (CLOCK_MONOTONIC) */
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
	uint64_t rows;
	/* called for every row, in file order */
	int (*emit)(void *ctx, const struct biosnoop_row *row);
	void *ctx;
};

int biosnoop_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
/* what it reads: struct analyzer's types */
#define BIOSNOOP_TYPES EBR_TYPE(EBR_EV_BLOCK_RQ)

#endif
