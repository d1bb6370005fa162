// SPDX-License-Identifier: GPL-2.0-only
/* Events in time order within the trace's reorder window (analyze/reorder.h). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "analyze/grow.h"
#include "analyze/reorder.h"
#include "format/mem.h"

/*
 * Held events are carved from chunks, not allocated one by one: they leave about in the order
 * they came, so a chunk empties soon after the next one is begun, and is freed (or kept for
 * reuse) then. One malloc per 64 KiB instead of one per event.
 */
#define CHUNK_BYTES (64u << 10)

struct chunk {
	uint32_t live;   /* events of it still held */
	size_t used, cap;
	max_align_t data[];
};

/* An event copied out of the reader's block: its values, strings and frames after it. */
struct held {
	struct ebr_event ev;
	uint64_t seq;        /* file order, for events of equal time */
	struct chunk *chunk; /* where it was carved */
};

struct reorder {
	uint64_t window_ns;
	struct analyzer next;
	struct held **heap; /* a binary min-heap by (ts, seq) */
	uint32_t n, cap;
	uint64_t seq;
	uint64_t max_ts;    /* the latest time read so far */
	struct chunk *current, *spare;
};

/* room for size bytes (a multiple of 8), or NULL */
static struct held *chunk_alloc(struct reorder *ro, size_t size)
{
	struct chunk *c = ro->current;
	struct held *h;

	if (c && !c->live)
		c->used = 0;
	if (!c || c->cap - c->used < size) {
		/* a chunk with events held is freed by the last of them (chunk_release) */
		if (c && !c->live) {
			if (ro->spare)
				ebr_free(c);
			else
				ro->spare = c;
		}
		if (ro->spare && ro->spare->cap >= size) {
			c = ro->spare;
			ro->spare = NULL;
		} else {
			size_t cap = size > CHUNK_BYTES ? size : CHUNK_BYTES;

			c = ebr_malloc(sizeof(*c) + cap);
			if (!c)
				return NULL;
			c->cap = cap;
		}
		c->live = 0;
		c->used = 0;
		ro->current = c;
	}
	h = (struct held *)(void *)((char *)c->data + c->used);
	c->used += size;
	c->live++;
	h->chunk = c;
	return h;
}

static void chunk_release(struct reorder *ro, struct held *h)
{
	struct chunk *c = h->chunk;

	if (--c->live || c == ro->current)
		return;
	if (!ro->spare)
		ro->spare = c;
	else
		ebr_free(c);
}

int reorder_new(struct reorder **out, uint64_t window_ns, const struct analyzer *next)
{
	struct reorder *ro = ebr_calloc(1, sizeof(*ro));

	*out = ro;
	if (!ro)
		return EBR_E_NOMEM;
	ro->window_ns = window_ns;
	ro->next = *next;
	return 0;
}

static bool before(const struct held *a, const struct held *b)
{
	return a->ev.ts < b->ev.ts || (a->ev.ts == b->ev.ts && a->seq < b->seq);
}

static size_t values_size(const struct ebr_value *v, uint32_t n)
{
	size_t size = n * sizeof(*v);

	for (uint32_t i = 0; i < n; i++) {
		if (v[i].s)
			size += (size_t)v[i].len + 1;
		if (v[i].frames)
			size += (size_t)v[i].len * sizeof(uint64_t);
	}
	return size;
}

/*
 * The frames (pass 0) or strings (pass 1) of n values into *extra, dst pointed at them: the
 * frames of every value first, so that they stay aligned as the values are.
 */
static void values_copy(struct ebr_value *dst, const struct ebr_value *src, uint32_t n,
			int pass, char **extra)
{
	for (uint32_t i = 0; i < n; i++) {
		if (pass == 0 && src[i].frames) {
			size_t bytes = (size_t)src[i].len * sizeof(uint64_t);

			/* the block's frames need not be aligned: memcpy reads them */
			memcpy(*extra, src[i].frames, bytes);
			dst[i].frames = (const uint64_t *)(void *)*extra;
			*extra += bytes;
		}
		if (pass == 1 && src[i].s) {
			memcpy(*extra, src[i].s, src[i].len);
			(*extra)[src[i].len] = '\0';
			dst[i].s = *extra;
			*extra += (size_t)src[i].len + 1;
		}
	}
}

static struct held *held_copy(struct reorder *ro, const struct ebr_event *ev, uint64_t seq)
{
	const struct ebr_event_def *def = ev->v != ev->raw ? ebr_event_def(ev->type) : NULL;
	uint32_t nv = def && ev->v ? def->nfields : 0;
	size_t size = sizeof(struct held) + values_size(ev->raw, ev->nraw) +
		      values_size(ev->v, nv);
	struct held *h;
	struct ebr_value *vals;
	char *extra;

	if (size > SIZE_MAX - 8)
		return NULL;
	h = chunk_alloc(ro, (size + 7) & ~(size_t)7);
	if (!h)
		return NULL;
	h->ev = *ev;
	h->seq = seq;
	vals = (struct ebr_value *)(h + 1);
	extra = (char *)(vals + ev->nraw + nv);
	if (ev->nraw)
		memcpy(vals, ev->raw, ev->nraw * sizeof(*vals));
	if (nv)
		memcpy(vals + ev->nraw, ev->v, nv * sizeof(*vals));
	for (int pass = 0; pass < 2; pass++) {
		values_copy(vals, ev->raw, ev->nraw, pass, &extra);
		values_copy(vals + ev->nraw, ev->v, nv, pass, &extra);
	}
	h->ev.raw = vals;
	h->ev.v = nv ? vals + ev->nraw : vals;
	return h;
}

static void heap_push(struct reorder *ro, struct held *h)
{
	uint32_t i = ro->n++;

	while (i && before(h, ro->heap[(i - 1) / 2])) {
		ro->heap[i] = ro->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	ro->heap[i] = h;
}

static struct held *heap_pop(struct reorder *ro)
{
	struct held *top = ro->heap[0], *last = ro->heap[--ro->n];
	uint32_t i = 0;

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= ro->n)
			break;
		if (c + 1 < ro->n && before(ro->heap[c + 1], ro->heap[c]))
			c++;
		if (!before(ro->heap[c], last))
			break;
		ro->heap[i] = ro->heap[c];
		i = c;
	}
	if (ro->n)
		ro->heap[i] = last;
	return top;
}

/* offers the held events at or before limit, in order */
static int release(struct reorder *ro, const struct ebr_reader *r, uint64_t limit)
{
	while (ro->n && ro->heap[0]->ev.ts <= limit) {
		struct held *h = heap_pop(ro);
		int err = ro->next.on_event(ro->next.self, r, &h->ev);

		chunk_release(ro, h);
		if (err)
			return err;
	}
	return 0;
}

int reorder_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct reorder *ro = self;
	struct held *h;

	if (!ro->window_ns)
		return ro->next.on_event(ro->next.self, r, ev);
	if (ro->n == ro->cap) {
		struct held **heap = grow_array(ro->heap, ro->n, &ro->cap, sizeof(*heap));

		if (!heap)
			return EBR_E_NOMEM;
		ro->heap = heap;
	}
	h = held_copy(ro, ev, ro->seq++);
	if (!h)
		return EBR_E_NOMEM;
	heap_push(ro, h);
	if (ev->ts > ro->max_ts)
		ro->max_ts = ev->ts;
	/* no event still to come in the file is earlier than max_ts - window_ns */
	if (ro->max_ts < ro->window_ns)
		return 0;
	return release(ro, r, ro->max_ts - ro->window_ns);
}

int reorder_flush(struct reorder *ro, const struct ebr_reader *r)
{
	return release(ro, r, UINT64_MAX);
}

void reorder_free(struct reorder *ro)
{
	if (!ro)
		return;
	while (ro->n)
		chunk_release(ro, heap_pop(ro));
	ebr_free(ro->current);
	ebr_free(ro->spare);
	ebr_free(ro->heap);
	ebr_free(ro);
}
