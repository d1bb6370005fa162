// SPDX-License-Identifier: GPL-2.0-only
/*
 * cachestat from tracepoints. bcc counts kprobes on mark_page_accessed, mark_buffer_dirty,
 * add_to_page_cache_lru and account_page_dirtied; none is a tracepoint. Here:
 *   accesses = pages looked up by reads + file page faults + pages dirtied (writes)
 *   misses   = pages added to the cache - pages dirtied (a write adds the pages it creates:
 *              those are not read misses), clamped to [0, accesses]
 *   hits     = accesses - misses
 * Limits: pages mapped by fault-around and then touched without a fault are not counted;
 * readahead beyond what was read counts as misses of the read that caused it.
 */
#include <stdlib.h>
#include "analyze/file.h"
#include "analyze/grow.h"
#include "format/mem.h"

int cachestat_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct cachestat *c = self;
	const struct ebr_value *v = ev->v;
	struct cachestat_interval *iv;
	uint64_t window = v[EBR_F_CACHE_STAT_WINDOW_NS].u, start, k;

	if (ev->type != EBR_EV_CACHE_STAT)
		return 0;
	if (!c->origin_ns)
		c->origin_ns = trace_start_ns(r);
	/* a sample covers [ts - window, ts]: it belongs to the interval of its middle */
	start = ev->ts > window / 2 ? ev->ts - window / 2 : 0;
	k = start > c->origin_ns ? (start - c->origin_ns) / c->interval_ns : 0;
	start = c->origin_ns + k * c->interval_ns;
	iv = c->len ? &c->iv[c->len - 1] : NULL;
	if (iv && start < iv->start_ns)
		start = iv->start_ns; /* out of order: keep intervals increasing */
	if (!iv || iv->start_ns != start) {
		iv = grow_array(c->iv, c->len, &c->cap, sizeof(*iv));
		if (!iv)
			return EBR_E_NOMEM;
		c->iv = iv;
		iv = &c->iv[c->len++];
		*iv = (struct cachestat_interval){ .start_ns = start };
	}
	iv->read_pages += v[EBR_F_CACHE_STAT_READ_PAGES].u;
	iv->fault_pages += v[EBR_F_CACHE_STAT_FAULT_PAGES].u;
	iv->added_pages += v[EBR_F_CACHE_STAT_ADDED_PAGES].u;
	iv->dirtied_pages += v[EBR_F_CACHE_STAT_DIRTIED_PAGES].u;
	iv->buffers_bytes = v[EBR_F_CACHE_STAT_BUFFERS_BYTES].u;
	iv->cached_bytes = v[EBR_F_CACHE_STAT_CACHED_BYTES].u;
	return 0;
}

void cachestat_compute(const struct cachestat_interval *iv, uint64_t *hits, uint64_t *misses,
		       uint64_t *dirties, double *ratio)
{
	uint64_t total = iv->read_pages + iv->fault_pages + iv->dirtied_pages;
	uint64_t miss = iv->added_pages > iv->dirtied_pages ? iv->added_pages - iv->dirtied_pages : 0;

	if (miss > total)
		miss = total;
	*misses = miss;
	*hits = total - miss;
	*dirties = iv->dirtied_pages;
	*ratio = total ? (double)*hits / (double)total : 0.0;
}

void cachestat_release_model(struct cachestat *c)
{
	ebr_free(c->iv);
	c->iv = NULL;
	c->len = c->cap = 0;
}
