// SPDX-License-Identifier: BSD-2-Clause
/*
 * The events of a block in columns (FORMAT.md "EVENTS in columns"): one column of types, of
 * CPUs and of timestamps, then one a field of each type, gathered as the events come and
 * encoded when the block ends. The values of a column
 * are alike (sizes with sizes, a thread's pid again and again), which both the column's own
 * method (deltas, a base and few bits, a small dictionary) and zstd after it make use of.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "columns.h"
#include "predict.h"
#include "format/layout.h"
#include "format/mem.h"

/* A type of the block and its events' values; its buffers serve the types of later blocks. */
struct column_type {
	uint32_t type;
	uint32_t n; /* events of the type in the block */
	const struct ebr_event_def *d;
	bool bytes;     /* it has a BYTES field */
	uint64_t *vals; /* n events' values, an event's fields one after the other */
	size_t cap_vals;
	uint32_t *at; /* bytes: where each value's bytes are in the rows, as vals */
	size_t cap_at;
};

/* DICT is tried up to this many distinct values (a bigger dictionary seldom pays) */
#define DICT_MAX 256u
#define DICT_SLOTS 1024u

/* the writer's arrays grow an event at a time: doubled, from 64 */
static int grow_to(void **p, size_t *cap, size_t need, size_t elem)
{
	return array_grow(p, cap, need, elem, 64);
}

static unsigned varint_len(uint64_t v)
{
	return (70u - (unsigned)__builtin_clzll(v | 1)) / 7;
}

static unsigned width_of(uint64_t range)
{
	return range ? 64u - (unsigned)__builtin_clzll(range) : 0;
}

/* ------------------------------------------------------------ one column */

/* each (v[i] - base) >> shift in width bits */
static void put_bits(struct wbuf *b, const uint64_t *v, uint32_t n, uint64_t base,
		     unsigned shift, unsigned width)
{
	size_t bytes = ((size_t)n * width + 7) / 8;
	uint64_t acc = 0;
	unsigned have = 0;

	if (wbuf_reserve(b, bytes))
		return;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t x = (v[i] - base) >> shift;

		acc |= x << have;
		if (have + width < 64) {
			have += width;
		} else {
			/* acc is full: out with it, keep the bits of x that did not fit */
			for (unsigned k = 0; k < 8; k++)
				b->p[b->len++] = (unsigned char)(acc >> (8 * k));
			acc = have ? x >> (64 - have) : 0;
			have = have + width - 64;
		}
	}
	while (have > 0) {
		b->p[b->len++] = (unsigned char)acc;
		acc >>= 8;
		have = have > 8 ? have - 8 : 0;
	}
}

struct dict {
	uint64_t v[DICT_MAX];
	uint16_t slot[DICT_SLOTS]; /* 1 + index into v, 0 empty */
	uint32_t n;
};

static uint32_t dict_slot(const struct dict *d, uint64_t x)
{
	uint32_t h = (uint32_t)((x * 0x9E3779B97F4A7C15ull) >> 54);

	while (d->slot[h] && d->v[d->slot[h] - 1] != x)
		h = (h + 1) & (DICT_SLOTS - 1);
	return h;
}

/*
 * The distinct values of v (of every step-th value) in the order they first come, at most
 * DICT_MAX; 0 past that.
 */
static uint32_t dict_build(struct dict *d, const uint64_t *v, uint32_t n, uint32_t step)
{
	memset(d->slot, 0, sizeof(d->slot));
	d->n = 0;
	for (uint32_t i = 0; i < n; i += step) {
		uint32_t h = dict_slot(d, v[i]);

		if (d->slot[h])
			continue;
		if (d->n == DICT_MAX)
			return d->n = 0;
		d->v[d->n++] = v[i];
		d->slot[h] = (uint16_t)d->n;
	}
	return d->n;
}

/*
 * One column of n values, behind its size: the method that stores it in the fewest bytes
 * before zstd, but for varints, which must be a tenth smaller to be chosen (below).
 */
static void put_column(struct column_writer *cw, struct wbuf *out, const uint64_t *v,
		       uint32_t n)
{
	/* a long column is sized from every 8th value: the choice is a guess all the same */
	uint32_t step = n > 4096 ? 8 : 1, nd = 0;
	uint64_t lo = n ? v[0] : 0, hi = lo, prev, ones = 0;
	size_t size[5] = { 0 }, best = COL_VARINT;
	unsigned shift, width;
	struct dict dd, *d = &dd;
	struct wbuf *b = &cw->body;

	/* ones: the bits where some value differs from the first; the low bits all values
	 * share (sectors of 4 KiB, aligned sizes) are then 0 in every value - base too */
	for (uint32_t i = 0; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
		ones |= v[i] ^ v[0];
	}
	shift = ones ? (unsigned)__builtin_ctzll(ones) : 0;
	width = width_of(hi - lo);
	for (uint32_t i = 0; i < n; i += step) {
		size[COL_VARINT] += varint_len(v[i]);
		size[COL_DELTA] += varint_len(zigzag((int64_t)(v[i] - (i ? v[i - 1] : 0))));
	}
	/*
	 * Varints must be a tenth smaller to be chosen: values of a fixed width compress better
	 * under zstd than varints of about their size (a column of socket addresses: 7% more
	 * bytes stored for 2% fewer before zstd, in the nginx sample)
	 */
	size[COL_VARINT] = size[COL_VARINT] * step * 11 / 10;
	size[COL_DELTA] = size[COL_DELTA] * step * 11 / 10;
	size[COL_PACK] = varint_len(lo) + 1 + ((size_t)n * width + 7) / 8;
	size[COL_PACK_SHIFT] = SIZE_MAX;
	if (shift)
		size[COL_PACK_SHIFT] = varint_len(lo) + 2 + ((size_t)n * (width - shift) + 7) / 8;
	/* a dictionary's indexes take a bit at least: not worth a look below two */
	if (width > 1)
		nd = dict_build(d, v, n, step);
	size[COL_DICT] = SIZE_MAX;
	if (nd) {
		size[COL_DICT] = varint_len(nd) + 1 + ((size_t)n * width_of(nd - 1) + 7) / 8;
		for (uint32_t i = 0; i < nd; i++)
			size[COL_DICT] += varint_len(d->v[i]);
	}
	for (size_t m = COL_DELTA; m <= COL_PACK_SHIFT; m++)
		if (size[m] < size[best])
			best = m;
	/* the sample's dictionary may miss values: the whole column's, or the next best */
	if (best == COL_DICT && step > 1 && !(nd = dict_build(d, v, n, 1))) {
		best = COL_VARINT;
		for (size_t m = COL_DELTA; m <= COL_PACK_SHIFT; m++)
			if (m != COL_DICT && size[m] < size[best])
				best = m;
	}
	cw->shifted |= best == COL_PACK_SHIFT;

	b->len = 0;
	wbuf_put(b, &(unsigned char){ (unsigned char)best }, 1);
	switch (best) {
	case COL_VARINT:
		for (uint32_t i = 0; i < n; i++)
			wbuf_varint(b, v[i]);
		break;
	case COL_DELTA:
		prev = 0;
		for (uint32_t i = 0; i < n; i++) {
			wbuf_varint(b, zigzag((int64_t)(v[i] - prev)));
			prev = v[i];
		}
		break;
	case COL_PACK:
		wbuf_varint(b, lo);
		wbuf_varint(b, width);
		put_bits(b, v, n, lo, 0, width);
		break;
	case COL_PACK_SHIFT:
		wbuf_varint(b, lo);
		wbuf_varint(b, shift);
		wbuf_varint(b, width - shift);
		put_bits(b, v, n, lo, shift, width - shift);
		break;
	default: {
		uint64_t idx[512];

		wbuf_varint(b, nd);
		for (uint32_t i = 0; i < nd; i++)
			wbuf_varint(b, d->v[i]);
		wbuf_varint(b, width_of(nd - 1));
		/* 512 indexes at a time: a whole number of bytes, so the runs join without a gap */
		for (uint32_t i = 0; i < n; i += 512) {
			uint32_t k = n - i < 512 ? n - i : 512;

			for (uint32_t x = 0; x < k; x++)
				idx[x] = d->slot[dict_slot(d, v[i + x])] - 1u;
			put_bits(b, idx, k, 0, 0, width_of(nd - 1));
		}
		break;
	}
	}
	wbuf_varint(out, b->len);
	wbuf_put(out, b->p, b->len);
	if (b->err && !out->err)
		out->err = b->err;
}

/* ------------------------------------------------------------ the block */

/* The index of cpu in the block's list of CPUs, which it joins if new; -1: no memory. */
static long cpu_index(struct column_writer *cw, uint64_t cpu)
{
	uint32_t i;

	if (cpu < COLUMN_CPU_DIRECT && cw->cpu_direct[cpu])
		return cw->cpu_direct[cpu] - 1;
	if (cpu >= COLUMN_CPU_DIRECT)
		for (i = 0; i < cw->ncpus; i++)
			if (cw->cpus[i] == cpu)
				return i;
	i = cw->ncpus;
	if (grow_to((void **)&cw->cpus, &cw->cap_cpus, i + 1, sizeof(*cw->cpus)) ||
	    grow_to((void **)&cw->cpu_ts, &cw->cap_cpu_ts, i + 1, sizeof(*cw->cpu_ts)))
		return -1;
	cw->cpus[i] = cpu;
	cw->cpu_ts[i] = 0;
	if (cpu < COLUMN_CPU_DIRECT)
		cw->cpu_direct[cpu] = i + 1;
	cw->ncpus++;
	return i;
}

/* The block's type of id type, listed (with no events) if new; NULL: no memory. */
static struct column_type *block_type(struct column_writer *cw, uint32_t type,
				      const struct ebr_event_def *d)
{
	struct column_type *t;
	uint32_t k;

	if (type < COLUMN_TYPE_DIRECT && cw->type_direct[type])
		return &cw->types[cw->type_direct[type] - 1];
	if (type >= COLUMN_TYPE_DIRECT)
		for (k = 0; k < cw->ntypes; k++)
			if (cw->types[k].type == type)
				return &cw->types[k];
	k = cw->ntypes;
	if (k == cw->made) {
		if (grow_to((void **)&cw->types, &cw->cap_types, k + 1, sizeof(*cw->types)))
			return NULL;
		cw->types[cw->made++] = (struct column_type){ 0 };
	}
	t = &cw->types[k];
	t->type = type;
	t->n = 0;
	t->d = d;
	t->bytes = false;
	for (uint32_t f = 0; f < d->nfields; f++)
		t->bytes |= d->fields[f].kind == EBR_KIND_BYTES;
	if (type < COLUMN_TYPE_DIRECT)
		cw->type_direct[type] = (uint16_t)(k + 1);
	cw->ntypes++;
	return t;
}

int column_writer_add(struct column_writer *cw, uint32_t type, const struct ebr_event_def *d,
		      uint64_t ts, uint64_t cpu, const uint64_t *vals, const uint32_t *at)
{
	struct column_type *t = block_type(cw, type, d);
	size_t nf = d->nfields, need;
	uint32_t i = cw->count;
	long ci = cpu_index(cw, cpu);

	if (!t || ci < 0)
		return EBR_E_NOMEM;
	need = ((size_t)t->n + 1) * nf;
	if (grow_to((void **)&t->vals, &t->cap_vals, need, sizeof(*t->vals)) ||
	    (t->bytes && grow_to((void **)&t->at, &t->cap_at, need, sizeof(*t->at))) ||
	    grow_to((void **)&cw->ev_type, &cw->cap_ev_type, i + 1, sizeof(*cw->ev_type)) ||
	    grow_to((void **)&cw->ev_cpu, &cw->cap_ev_cpu, i + 1, sizeof(*cw->ev_cpu)) ||
	    grow_to((void **)&cw->ev_ts, &cw->cap_ev_ts, i + 1, sizeof(*cw->ev_ts)))
		return EBR_E_NOMEM;
	memcpy(t->vals + (size_t)t->n * nf, vals, nf * sizeof(*vals));
	if (t->bytes)
		memcpy(t->at + (size_t)t->n * nf, at, nf * sizeof(*at));
	t->n++;
	cw->ev_type[i] = (uint64_t)(t - cw->types);
	cw->ev_cpu[i] = (uint64_t)ci;
	cw->ev_ts[i] = zigzag((int64_t)(ts - cw->cpu_ts[ci]));
	cw->cpu_ts[ci] = ts;
	cw->count++;
	return 0;
}

/* Whether t is sched.switch as this build writes it, whose fields FORMAT.md predicts. */
static bool predicted_type(const struct column_type *t)
{
	return t->type == EBR_EV_SCHED_SWITCH && !strcmp(t->d->name, "sched.switch") &&
	       t->d->nfields > EBR_F_SCHED_SWITCH_OFFCPU_NS;
}

/*
 * The predicted fields of type k's events (FORMAT.md "Predicted fields"), each made the
 * zigzag of its difference from its prediction, the switches walked in block order.
 */
static int predict_fields(struct column_writer *cw, uint32_t k)
{
	struct column_type *t = &cw->types[k];
	uint32_t nf = t->d->nfields, e = 0;
	int err = switch_memory_start(&cw->switches, cw->ncpus, t->n);

	if (err)
		return err;
	memset(cw->cpu_ts, 0, cw->ncpus * sizeof(*cw->cpu_ts));
	for (uint32_t i = 0; i < cw->count; i++) {
		uint64_t ci = cw->ev_cpu[i], *v;
		struct switch_prediction p;

		cw->cpu_ts[ci] += (uint64_t)unzigzag(cw->ev_ts[i]);
		if (cw->ev_type[i] != k)
			continue;
		v = t->vals + (size_t)e++ * nf;
		p = switch_predict(&cw->switches, (uint32_t)ci, cw->cpu_ts[ci],
				   v[EBR_F_SCHED_SWITCH_FLAGS], v[EBR_F_SCHED_SWITCH_PREV_TID],
				   v[EBR_F_SCHED_SWITCH_NEXT_TID]);
		v[EBR_F_SCHED_SWITCH_RUNQ_NS] = zigzag((int64_t)(v[EBR_F_SCHED_SWITCH_RUNQ_NS] -
								 p.runq_ns));
		v[EBR_F_SCHED_SWITCH_ONCPU_NS] = zigzag((int64_t)(v[EBR_F_SCHED_SWITCH_ONCPU_NS] -
								  p.oncpu_ns));
		v[EBR_F_SCHED_SWITCH_OFFCPU_NS] = zigzag((int64_t)(v[EBR_F_SCHED_SWITCH_OFFCPU_NS] -
								   p.offcpu_ns));
	}
	return 0;
}

int columns_encode(struct column_writer *cw, struct wbuf *out, const unsigned char *rows,
		   uint16_t *flags)
{
	bool predicted = false;

	for (uint32_t k = 0; k < cw->ntypes; k++) {
		if (!predicted_type(&cw->types[k]))
			continue;
		if ((out->err = predict_fields(cw, k)))
			return out->err;
		predicted = true;
	}
	cw->shifted = false;
	wbuf_varint(out, cw->ntypes);
	for (uint32_t k = 0; k < cw->ntypes; k++) {
		wbuf_varint(out, cw->types[k].type);
		wbuf_varint(out, cw->types[k].n);
	}
	wbuf_varint(out, cw->ncpus);
	for (uint32_t i = 0; i < cw->ncpus; i++)
		wbuf_varint(out, cw->cpus[i]);
	put_column(cw, out, cw->ev_type, cw->count);
	put_column(cw, out, cw->ev_cpu, cw->count);
	put_column(cw, out, cw->ev_ts, cw->count);
	for (uint32_t k = 0; k < cw->ntypes; k++) {
		const struct column_type *t = &cw->types[k];
		uint32_t nf = t->d->nfields;

		if (grow_to((void **)&cw->column, &cw->cap_column, t->n, sizeof(*cw->column))) {
			out->err = EBR_E_NOMEM;
			break;
		}
		for (uint32_t f = 0; f < nf; f++) {
			/* the field's values, from the events' rows of values */
			for (uint32_t e = 0; e < t->n; e++)
				cw->column[e] = t->vals[(size_t)e * nf + f];
			put_column(cw, out, cw->column, t->n);
			if (t->d->fields[f].kind != EBR_KIND_BYTES)
				continue;
			/* the bytes, one value after the other: a column without a method */
			size_t total = 0;

			for (uint32_t e = 0; e < t->n; e++)
				total += cw->column[e];
			wbuf_varint(out, total);
			for (uint32_t e = 0; e < t->n; e++)
				wbuf_put(out, rows + t->at[(size_t)e * nf + f], (size_t)cw->column[e]);
		}
	}
	*flags = EBR_BF_COLUMNS | (predicted || cw->shifted ? EBR_BF_COLUMNS_1_8 : 0);
	column_writer_reset(cw);
	return out->err;
}

void column_writer_reset(struct column_writer *cw)
{
	for (uint32_t k = 0; k < cw->ntypes; k++)
		if (cw->types[k].type < COLUMN_TYPE_DIRECT)
			cw->type_direct[cw->types[k].type] = 0;
	for (uint32_t i = 0; i < cw->ncpus; i++)
		if (cw->cpus[i] < COLUMN_CPU_DIRECT)
			cw->cpu_direct[cw->cpus[i]] = 0;
	cw->ntypes = cw->ncpus = cw->count = 0;
}

void column_writer_release(struct column_writer *cw)
{
	for (uint32_t k = 0; k < cw->made; k++) {
		ebr_free(cw->types[k].vals);
		ebr_free(cw->types[k].at);
	}
	ebr_free(cw->types);
	ebr_free(cw->cpus);
	ebr_free(cw->cpu_ts);
	ebr_free(cw->ev_type);
	ebr_free(cw->ev_cpu);
	ebr_free(cw->ev_ts);
	ebr_free(cw->column);
	switch_memory_release(&cw->switches);
	wbuf_release(&cw->body);
	memset(cw, 0, sizeof(*cw));
}
