// SPDX-License-Identifier: GPL-2.0-only
/* biolatency: log2 histograms of block I/O latency, optionally per disk and per flag set. */
#include <stdlib.h>
#include "analyze/block.h"
#include "analyze/grow.h"
#include "analyze/pass.h"
#include "format/mem.h"

static struct biolatency_group *group_of(struct biolatency *b, uint64_t dev, uint64_t flags,
					 uint64_t cmd_flags)
{
	struct biolatency_group *g;

	for (uint32_t i = 0; i < b->ngroups; i++)
		if (b->groups[i].dev == dev && b->groups[i].flags == flags &&
		    b->groups[i].cmd_flags == cmd_flags)
			return &b->groups[i];
	g = grow_array(b->groups, b->ngroups, &b->cap, sizeof(*g));
	if (!g)
		return NULL;
	b->groups = g;
	g = &b->groups[b->ngroups++];
	*g = (struct biolatency_group){ .dev = dev, .flags = flags, .cmd_flags = cmd_flags };
	return g;
}

int biolatency_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct biolatency *b = self;
	struct biolatency_group *g;
	uint64_t ns;

	if (ev->type != EBR_EV_BLOCK_RQ ||
	    !proc_filter_match(&b->opts.who, ev->v[EBR_F_BLOCK_RQ_PID].u, ev->v[EBR_F_BLOCK_RQ_COMM].s))
		return 0;
	ns = ev->v[EBR_F_BLOCK_RQ_LAT_NS].u;
	if (b->opts.queued)
		ns += ev->v[EBR_F_BLOCK_RQ_QUEUE_NS].u;
	if (b->opts.heatmap) {
		int err;

		if (!b->heat.cells)
			b->heat.origin_ns = trace_start_ns(r);
		if ((err = heatmap_add(&b->heat, ev->ts, ns)))
			return err;
	}
	if (b->opts.interval_ns) {
		b->series.interval_ns = b->opts.interval_ns;
		if (!b->series.origin_ns)
			b->series.origin_ns = trace_start_ns(r);
		return latseries_add(&b->series, ev->ts, ns);
	}
	/* -F: per set of the kernel's flags, as bcc keys its histograms by cmd_flags */
	g = group_of(b, b->opts.per_disk ? ev->v[EBR_F_BLOCK_RQ_DEV].u : 0,
		     b->opts.per_flags ? ev->v[EBR_F_BLOCK_RQ_FLAGS].u : 0,
		     b->opts.per_flags ? ev->v[EBR_F_BLOCK_RQ_CMD_FLAGS].u : 0);
	if (!g)
		return EBR_E_NOMEM;
	log2_hist_add_ns(&g->hist, ns, b->opts.millis ? 1000000u : 1000u);
	return 0;
}

static int group_cmp(const void *pa, const void *pb)
{
	const struct biolatency_group *a = pa, *b = pb;

	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->flags != b->flags)
		return a->flags < b->flags ? -1 : 1;
	return a->cmd_flags < b->cmd_flags ? -1 : a->cmd_flags > b->cmd_flags;
}

void biolatency_sort(struct biolatency *b)
{
	if (b->ngroups > 1)
		qsort(b->groups, b->ngroups, sizeof(b->groups[0]), group_cmp);
}

void biolatency_release_model(struct biolatency *b)
{
	ebr_free(b->groups);
	b->groups = NULL;
	b->ngroups = b->cap = 0;
	latseries_release(&b->series);
	heatmap_release(&b->heat);
}
