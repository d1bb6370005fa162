// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>
#include "analyze/grow.h"
#include "analyze/pass.h"
#include "analyze/timeline.h"
#include "format/mem.h"

const char *const timeline_family_names[TL_FAMILIES] = {
	[TL_BLOCK] = "block", [TL_PROC] = "proc",   [TL_FILE] = "file",     [TL_TCP] = "tcp",
	[TL_SCHED] = "sched", [TL_PROFILE] = "profile", [TL_OFFCPU] = "offcpu",
	[TL_PROBES] = "probes",
};

/*
 * The family an event of the traced system belongs to, or -1 (snapshots, symbols, counters).
 * A type the file describes (a generic probe's, FORMAT.md) is of the probes.
 */
static int family_of(const struct ebr_event *ev)
{
	switch (ev->type) {
	case EBR_EV_UNKNOWN:
		return ev->file_type >= EBR_DYN_TYPE_BASE ? TL_PROBES : -1;
	case EBR_EV_BLOCK_RQ:
		return TL_BLOCK;
	case EBR_EV_PROC_FORK: case EBR_EV_PROC_EXEC: case EBR_EV_PROC_EXIT:
		return TL_PROC;
	case EBR_EV_FILE_OPEN: case EBR_EV_FILE_CHDIR: case EBR_EV_FILE_SLOW:
		return TL_FILE;
	case EBR_EV_TCP_STATE: case EBR_EV_TCP_ACCEPT: case EBR_EV_TCP_RETRANS:
	case EBR_EV_TCP_RESET:
		return TL_TCP;
	case EBR_EV_SCHED_SWITCH:
		return TL_SCHED;
	case EBR_EV_PROFILE_SAMPLE:
		return TL_PROFILE;
	case EBR_EV_OFFCPU_SPAN:
		return TL_OFFCPU;
	default:
		return -1;
	}
}

int timeline_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct timeline *t = self;
	int fam = family_of(ev);
	uint64_t sec;

	if (fam < 0)
		return 0;
	if (!t->start_ns && !t->nseconds)
		t->start_ns = trace_start_ns(r) ? trace_start_ns(r) : ev->ts;
	if (ev->ts < t->start_ns) {
		t->before++;
		return 0;
	}
	sec = (ev->ts - t->start_ns) / 1000000000u;
	if (sec >= TIMELINE_MAX_SECONDS) {
		t->beyond++;
		return 0;
	}
	while (t->nseconds <= sec) {
		void *p = grow_array(t->per_second, t->nseconds, &t->cap, sizeof(*t->per_second));

		if (!p)
			return EBR_E_NOMEM;
		t->per_second = p;
		memset(t->per_second[t->nseconds], 0, sizeof(*t->per_second));
		t->nseconds++;
	}
	if (t->per_second[sec][fam] < UINT32_MAX)
		t->per_second[sec][fam]++;
	t->total[fam]++;
	return 0;
}

void timeline_release(struct timeline *t)
{
	ebr_free(t->per_second);
	memset(t, 0, sizeof(*t));
}
