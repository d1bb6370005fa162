// SPDX-License-Identifier: GPL-2.0-only
/* runqlat's and cpudist's histograms from sched.switch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/grow.h"
#include "analyze/sched.h"
#include "format/mem.h"


static struct sched_group *group_of(struct sched_dist *d, uint64_t key, int *err)
{
	struct sched_group *g;
	uint32_t i;

	*err = 0;
	if (u64map_get(&d->by_key, key, &i))
		return &d->groups[i];
	if (d->ngroups == SCHED_MAX_GROUPS) {
		d->dropped++;
		return NULL;
	}
	g = grow_array(d->groups, d->ngroups, &d->cap, sizeof(*g));
	if (!g || u64map_put(&d->by_key, key, d->ngroups)) {
		*err = EBR_E_NOMEM;
		return NULL;
	}
	d->groups = g;
	g = &d->groups[d->ngroups++];
	memset(g, 0, sizeof(*g));
	g->key = key;
	return g;
}

static bool wanted(const struct sched_dist *d, uint64_t pid, uint64_t tid, const char *comm)
{
	return tid && proc_filter_match(&d->who, pid, comm); /* bcc leaves idle tasks out */
}

static uint64_t group_key(const struct sched_dist *d, uint64_t pid, uint64_t tid)
{
	return d->per == SCHED_PER_PID ? pid : d->per == SCHED_PER_TID ? tid : 0;
}

/* Counts a switch-out whose switch-in the kernel did not trace (sched_dist.cpu_current). */
static int follow_cpu(struct sched_dist *d, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint64_t prev = v[EBR_F_SCHED_SWITCH_PREV_TID].u, pid = v[EBR_F_SCHED_SWITCH_PREV_PID].u;
	uint64_t *cur;
	struct sched_group *g;
	int err;

	if (ev->cpu >= SCHED_MAX_CPUS)
		return 0;
	if (!d->cpu_current) {
		d->cpu_current = ebr_calloc(SCHED_MAX_CPUS, sizeof(*d->cpu_current));
		if (!d->cpu_current)
			return EBR_E_NOMEM;
	}
	cur = &d->cpu_current[ev->cpu];
	if (*cur && *cur != prev + 1 &&
	    wanted(d, pid, prev, v[EBR_F_SCHED_SWITCH_PREV_COMM].s)) {
		g = group_of(d, group_key(d, pid, prev), &err);
		if (!g)
			return err;
		g->untraced_in++;
		d->untraced_in++;
	}
	*cur = v[EBR_F_SCHED_SWITCH_NEXT_TID].u + 1;
	return 0;
}

int sched_dist_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct sched_dist *d = self;
	const struct ebr_value *v = ev->v;
	bool in = d->measure != SCHED_ONCPU; /* the task switched in, else the one out */
	uint64_t pid, tid, flags, ns, want;
	const char *comm;
	struct sched_group *g;
	int err;

	if (ev->type != EBR_EV_SCHED_SWITCH)
		return 0;
	err = follow_cpu(d, ev);
	if (err)
		return err;
	pid = v[in ? EBR_F_SCHED_SWITCH_NEXT_PID : EBR_F_SCHED_SWITCH_PREV_PID].u;
	tid = v[in ? EBR_F_SCHED_SWITCH_NEXT_TID : EBR_F_SCHED_SWITCH_PREV_TID].u;
	comm = v[in ? EBR_F_SCHED_SWITCH_NEXT_COMM : EBR_F_SCHED_SWITCH_PREV_COMM].s;
	if (!wanted(d, pid, tid, comm))
		return 0;
	flags = v[EBR_F_SCHED_SWITCH_FLAGS].u;
	want = d->measure == SCHED_RUNQ ? EBR_SCHED_RUNQ : d->measure == SCHED_ONCPU ? EBR_SCHED_ONCPU
										 : EBR_SCHED_OFFCPU;
	if (!(flags & want)) {
		d->unknown++;
		return 0;
	}
	ns = v[d->measure == SCHED_RUNQ    ? EBR_F_SCHED_SWITCH_RUNQ_NS
	       : d->measure == SCHED_ONCPU ? EBR_F_SCHED_SWITCH_ONCPU_NS
					   : EBR_F_SCHED_SWITCH_OFFCPU_NS]
		     .u;
	if (d->heatmap) {
		if (!d->heat.cells)
			d->heat.origin_ns = trace_start_ns(r);
		if ((err = heatmap_add(&d->heat, ev->ts, ns)))
			return err;
	}
	if (d->interval_ns) {
		d->intervals++;
		d->series.interval_ns = d->interval_ns;
		if (!d->series.origin_ns)
			d->series.origin_ns = trace_start_ns(r);
		return latseries_add(&d->series, ev->ts, ns);
	}
	g = group_of(d, group_key(d, pid, tid), &err);
	if (!g)
		return err;
	if (d->per != SCHED_ALL) /* a group of every task has no name */
		ebr_comm_copy(g->comm, comm);
	log2_hist_add_ns(&g->hist, ns, d->millis ? 1000000u : 1000u);
	g->sum_ns += ns;
	d->intervals++;
	return 0;
}

static int group_cmp(const void *pa, const void *pb)
{
	const struct sched_group *a = pa, *b = pb;

	return (a->key > b->key) - (a->key < b->key);
}

/* --by-process: the most time first, then the key */
static int group_sum_cmp(const void *pa, const void *pb)
{
	const struct sched_group *a = pa, *b = pb;

	if (a->sum_ns != b->sum_ns)
		return a->sum_ns < b->sum_ns ? 1 : -1;
	return group_cmp(pa, pb);
}

void sched_dist_sort(struct sched_dist *d, bool by_sum)
{
	if (d->ngroups > 1)
		qsort(d->groups, d->ngroups, sizeof(d->groups[0]), by_sum ? group_sum_cmp : group_cmp);
	/* the map's indices are stale now: the model is only read from here on */
	u64map_release(&d->by_key);
}

void sched_dist_release(struct sched_dist *d)
{
	ebr_free(d->groups);
	ebr_free(d->cpu_current);
	u64map_release(&d->by_key);
	latseries_release(&d->series);
	heatmap_release(&d->heat);
	memset(d, 0, sizeof(*d));
}
