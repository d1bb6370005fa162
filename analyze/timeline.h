/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Events per second of the recording, per family: the HTML report's timeline, where a burst
 * or a gap shows at a glance and the seconds with losses can be marked beside it. Snapshots,
 * symbols and counters are not events of the traced system and are not counted.
 */
#ifndef EBREC_ANALYZE_TIMELINE_H
#define EBREC_ANALYZE_TIMELINE_H

#include <stdint.h>
#include "format/ebr.h"

enum timeline_family {
	TL_BLOCK, TL_PROC, TL_FILE, TL_TCP, TL_SCHED, TL_PROFILE, TL_OFFCPU, TL_PROBES, TL_FAMILIES
};

/* seconds a timeline holds (12 days); later events are counted in beyond */
#define TIMELINE_MAX_SECONDS (1u << 20)

struct timeline {
	uint64_t start_ns; /* second 0 (the recording's start, or the first event) */
	uint32_t nseconds, cap;
	uint32_t (*per_second)[TL_FAMILIES];
	uint64_t total[TL_FAMILIES];
	uint64_t before, beyond; /* events before the start or past TIMELINE_MAX_SECONDS */
};

extern const char *const timeline_family_names[TL_FAMILIES];

int timeline_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
void timeline_release(struct timeline *t);

#endif
