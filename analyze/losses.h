/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the kernel emitted and what was lost, per probe, from the trace's ebr.counts events;
 * probe names from META probe.<id> ("block/rq": family "block"; a generic probe's name,
 * "tracepoint:signal:signal_generate", is of the family "probes"). Each ebr.counts event covers
 * the time since the previous one of its probe, so losses are also kept per time window:
 * a view can say when its events were lost, not only how many.
 */
#ifndef EBREC_ANALYZE_LOSSES_H
#define EBREC_ANALYZE_LOSSES_H

#include <stdint.h>
#include "format/ebr.h"

/* the families' probes (64 ids) and a recording's generic probes (EBR_GENERIC_MAX, 512) */
#define LOSSES_MAX_PROBES 640
/* windows with losses kept for the whole trace; later ones are only counted */
#define LOSSES_MAX_WINDOWS 4096
/* windows a family's summary lists; the rest are counted in more_windows */
#define LOSSES_LISTED_WINDOWS 32

/* (start_ns, end_ns]: CLOCK_MONOTONIC of the trace */
struct loss_window {
	uint64_t start_ns, end_ns, lost;
};

struct probe_losses {
	uint32_t probe;
	char name[256];
	uint64_t emitted, lost_ringbuf, lost_map, lost_user;
	/* when they were lost, oldest first; overlapping windows of several probes merged */
	uint32_t nwindows, more_windows;
	struct loss_window windows[LOSSES_LISTED_WINDOWS];
};

struct losses {
	uint32_t nprobes;
	struct probe_losses probes[LOSSES_MAX_PROBES];
	uint64_t last_ns[LOSSES_MAX_PROBES]; /* end of each probe's previous window */
	uint32_t nwindows;
	uint32_t windows_dropped[LOSSES_MAX_PROBES]; /* past LOSSES_MAX_WINDOWS */
	struct {
		uint32_t probe_index;
		struct loss_window w;
	} windows[LOSSES_MAX_WINDOWS];
};

int losses_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
/* what it reads: struct analyzer's types */
#define LOSSES_TYPES EBR_TYPE(EBR_EV_COUNTS)

/* Sum over the probes of a family (NULL: every probe), into *out (name = the family). */
void losses_of_family(const struct losses *l, const char *family, struct probe_losses *out);
/* Probe i (< l->nprobes) alone, with its own windows. */
void losses_of_probe(const struct losses *l, uint32_t i, struct probe_losses *out);

static inline uint64_t probe_losses_total(const struct probe_losses *p)
{
	return p->lost_ringbuf + p->lost_map + p->lost_user;
}

#endif
