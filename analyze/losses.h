/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the kernel emitted and what was lost, per probe, from the trace's ebr.counts events;
 * probe names from META probe.<id> ("block/rq": family "block").
 */
#ifndef EBREC_ANALYZE_LOSSES_H
#define EBREC_ANALYZE_LOSSES_H

#include <stdint.h>
#include "format/ebr.h"

#define LOSSES_MAX_PROBES 64

struct probe_losses {
	uint32_t probe;
	char name[64];
	uint64_t emitted, lost_ringbuf, lost_map, lost_user;
};

struct losses {
	uint32_t nprobes;
	struct probe_losses probes[LOSSES_MAX_PROBES];
};

int losses_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);

/* Sum over the probes of a family (NULL: every probe), into *out (name = the family). */
void losses_of_family(const struct losses *l, const char *family, struct probe_losses *out);

static inline uint64_t probe_losses_total(const struct probe_losses *p)
{
	return p->lost_ringbuf + p->lost_map + p->lost_user;
}

#endif
