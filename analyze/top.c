// SPDX-License-Identifier: GPL-2.0-only
/* The top-N model: keyed sums, per interval, sorted (top.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/grow.h"
#include "analyze/siphash.h"
#include "analyze/top.h"
#include "format/mem.h"

static uint32_t interval_of(const struct top *t, uint64_t ts)
{
	uint64_t i;

	if (!t->interval_ns || ts <= t->origin_ns)
		return 0;
	i = (ts - t->origin_ns) / t->interval_ns;
	return i > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)i;
}

/* The row of (interval, pid, name), or NULL; *hash is its hash either way. */
static struct top_row *find(const struct top *t, uint32_t interval, uint32_t pid,
			    const char *name, size_t nlen, uint64_t *hash)
{
	uint32_t i;

	/* keyed: the names are whatever a trace says they are */
	*hash = siphash((uint64_t)interval << 32 | pid, name, nlen);
	if (!u64map_get(&t->by_hash, *hash, &i))
		return NULL;
	for (i++; i; i = t->rows[i - 1].next) {
		struct top_row *r = &t->rows[i - 1];

		if (r->hash == *hash && r->interval == interval && r->pid == pid &&
		    !strncmp(r->name, name, nlen) && !r->name[nlen])
			return r;
	}
	return NULL;
}

int top_add(struct top *t, uint64_t ts, uint32_t pid, const char *comm, const char *name,
	    const uint64_t add[TOP_VALUES])
{
	uint32_t interval = interval_of(t, ts), first;
	size_t nlen = name ? strnlen(name, TOP_NAME_MAX - 1) : 0;
	struct top_row *r;
	uint64_t hash;

	if (!name)
		name = "";
	r = find(t, interval, pid, name, nlen, &hash);
	if (!r) {
		if (t->len >= TOP_MAX_ROWS) {
			t->dropped++;
			return 0;
		}
		r = grow_array(t->rows, t->len, &t->cap, sizeof(*t->rows));
		if (!r)
			return EBR_E_NOMEM;
		t->rows = r;
		r = &t->rows[t->len];
		memset(r, 0, sizeof(*r));
		r->name = ebr_strndup(name, nlen);
		if (!r->name)
			return EBR_E_NOMEM;
		r->hash = hash;
		r->interval = interval;
		r->pid = pid;
		/* chained in front of the rows of the same hash */
		r->next = u64map_get(&t->by_hash, hash, &first) ? first + 1 : 0;
		if (u64map_put(&t->by_hash, hash, t->len)) {
			ebr_free(r->name);
			return EBR_E_NOMEM;
		}
		t->len++;
		if (interval >= t->nintervals)
			t->nintervals = interval + 1;
	}
	ebr_comm_copy(r->comm, comm);
	for (int k = 0; k < TOP_VALUES; k++)
		r->v[k] += add[k];
	return 0;
}

struct top_order {
	unsigned by;
	int by_mean_of;
};

/* v[by], or v[by] / v[by_mean_of] scaled to keep three decimals of a mean of small numbers */
static double sort_value(const struct top_row *r, const struct top_order *o)
{
	if (o->by_mean_of < 0)
		return (double)r->v[o->by];
	return r->v[o->by_mean_of] ? (double)r->v[o->by] / (double)r->v[o->by_mean_of] : 0;
}

static int row_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct top_row *a = pa, *b = pb;
	double va = sort_value(a, ctx), vb = sort_value(b, ctx);
	int c;

	if (a->interval != b->interval)
		return a->interval < b->interval ? -1 : 1;
	if (va != vb)
		return va < vb ? 1 : -1;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	c = strcmp(a->name, b->name);
	return c;
}

void top_sort(struct top *t, unsigned by, int by_mean_of)
{
	struct top_order o = { by < TOP_VALUES ? by : 0,
			       by_mean_of < TOP_VALUES ? by_mean_of : -1 };

	/* the index's row numbers are stale once sorted: the model is only read from here */
	u64map_release(&t->by_hash);
	if (t->len > 1)
		qsort_r(t->rows, t->len, sizeof(*t->rows), row_cmp, &o);
}

uint32_t top_interval_rows(const struct top *t, uint32_t i, uint32_t *first)
{
	uint32_t lo = 0, hi = t->len, end;

	/* binary search: an interval's rows are contiguous once sorted */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (t->rows[mid].interval < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	for (end = lo, hi = t->len; end < hi;) {
		uint32_t mid = end + (hi - end) / 2;

		if (t->rows[mid].interval <= i)
			end = mid + 1;
		else
			hi = mid;
	}
	return end - lo;
}

void top_release(struct top *t)
{
	for (uint32_t i = 0; i < t->len; i++)
		ebr_free(t->rows[i].name);
	ebr_free(t->rows);
	u64map_release(&t->by_hash);
	memset(t, 0, sizeof(*t));
}
