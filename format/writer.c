// SPDX-License-Identifier: BSD-2-Clause
/*
 * The .ebr writer: buffers one events block at a time, compresses it with zstd and hands
 * header + payload to the sink in one call. It never seeks, so the sink can be a pipe; the
 * index it keeps in memory goes out at close, after the last block (FORMAT.md).
 */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include <zstd_errors.h>
#include "columns.h"
#include "intern.h"
#include "layout.h"
#include "format/mem.h"

struct writer_probe {
	struct ebr_probe_total t;
};

struct ebr_writer {
	struct ebr_sink sink;
	int level;
	size_t block_bytes;
	int err; /* first error; sticky */
	uint64_t written;
	uint32_t seq;

	/* the open events block */
	struct intern strings, stacks;
	struct wbuf events;
	uint32_t count;
	uint64_t prev_ts, t_first, t_last;

	/* pending META */
	struct wbuf meta;
	uint32_t nmeta;

	struct wbuf payload, zbuf, rows_payload; /* scratch */
	ZSTD_CCtx *zctx;
	bool rows; /* events blocks in the row layout (else in columns) */
	struct column_writer columns;

	/* index and summary */
	struct ebr_block_info *blocks;
	uint32_t nblocks, cap_blocks;
	uint64_t type_counts[EBR_EV_LIMIT];
	const struct ebr_event_def *dyn_types; /* the caller's, borrowed */
	uint32_t ndyn_types;
	uint64_t *dyn_counts; /* events of each described type */
	uint64_t total_events;
	struct ebr_probe_total *probes;
	uint32_t nprobes, cap_probes;
};

static int writer_fail(struct ebr_writer *w, int err)
{
	if (!w->err)
		w->err = err;
	return w->err;
}

static int sink_write(struct ebr_writer *w, const void *buf, size_t len)
{
	int err;

	if (w->err)
		return w->err;
	err = w->sink.write(w->sink.ctx, buf, len);
	if (err)
		return writer_fail(w, err);
	w->written += len;
	return 0;
}

static int index_add(struct ebr_writer *w, const struct ebr_block_info *bi)
{
	if (w->nblocks == w->cap_blocks) {
		uint32_t cap = w->cap_blocks ? w->cap_blocks * 2 : 64;
		struct ebr_block_info *b = ebr_realloc(w->blocks, cap * sizeof(*b));

		if (!b)
			return writer_fail(w, EBR_E_NOMEM);
		w->blocks = b;
		w->cap_blocks = cap;
	}
	w->blocks[w->nblocks++] = *bi;
	return 0;
}

/* Compresses payload (when it pays) and writes one framed block. */
static int write_block(struct ebr_writer *w, uint16_t type, uint16_t flags,
		       const struct wbuf *payload, uint32_t count, uint64_t t_first,
		       uint64_t t_last)
{
	unsigned char hdr[EBR_BLOCK_HEADER_SIZE];
	const unsigned char *stored = payload->p;
	size_t stored_len = payload->len;
	struct ebr_block_info bi;

	if (w->err)
		return w->err;
	if (payload->err)
		return writer_fail(w, payload->err);
	if (payload->len > EBR_MAX_BLOCK_RAW)
		return writer_fail(w, EBR_E_TOO_BIG);
	if (payload->len) {
		size_t bound = ZSTD_compressBound(payload->len), n;

		w->zbuf.len = 0;
		if (wbuf_reserve(&w->zbuf, bound))
			return writer_fail(w, EBR_E_NOMEM);
		n = ZSTD_compressCCtx(w->zctx, w->zbuf.p, bound, payload->p, payload->len, w->level);
		/* zstd allocates its tables at the first block: that failing is no bad input */
		if (ZSTD_isError(n))
			return writer_fail(w, ZSTD_getErrorCode(n) == ZSTD_error_memory_allocation
						      ? EBR_E_NOMEM : EBR_E_ZSTD);
		if (n < payload->len) {
			stored = w->zbuf.p;
			stored_len = n;
			flags |= EBR_BF_ZSTD;
		}
	}
	memcpy(hdr, EBR_BLOCK_MAGIC, 4);
	put_le16(hdr + 4, type);
	put_le16(hdr + 6, flags);
	put_le32(hdr + 8, (uint32_t)stored_len);
	put_le32(hdr + 12, (uint32_t)payload->len);
	put_le32(hdr + 16, w->seq);
	put_le32(hdr + 20, count);
	put_le64(hdr + 24, t_first);
	put_le64(hdr + 32, t_last);
	put_le32(hdr + 40, ebr_crc32c(0, stored, stored_len));
	put_le32(hdr + 44, ebr_crc32c(0, hdr, 44));

	bi = (struct ebr_block_info){ .seq = w->seq, .type = type, .flags = flags,
				      .offset = w->written, .stored_size = (uint32_t)stored_len,
				      .raw_size = (uint32_t)payload->len, .count = count,
				      .t_first = t_first, .t_last = t_last };
	if (sink_write(w, hdr, sizeof(hdr)) || (stored_len && sink_write(w, stored, stored_len)))
		return w->err;
	w->seq++;
	return index_add(w, &bi);
}

static int write_schema(struct ebr_writer *w)
{
	struct wbuf *b = &w->payload;
	uint32_t n = ebr_event_def_count();

	b->len = 0;
	wbuf_varint(b, n + w->ndyn_types);
	wbuf_schema_types(b);
	for (uint32_t i = 0; i < w->ndyn_types; i++)
		wbuf_schema_type(b, EBR_DYN_TYPE_BASE + i, &w->dyn_types[i]);
	return write_block(w, EBR_BLOCK_SCHEMA, 0, b, n + w->ndyn_types, 0, 0);
}

static bool name_ok(const char *name)
{
	return name && *name && strlen(name) <= EBR_MAX_STRING;
}

/* Whether a described type may join the schema: named, fields named and of known kinds. */
static bool dyn_type_ok(const struct ebr_event_def *d)
{
	if (!name_ok(d->name) || d->nfields > EBR_MAX_FIELDS || (d->nfields && !d->fields))
		return false;
	for (uint32_t f = 0; f < d->nfields; f++)
		if (!name_ok(d->fields[f].name) || d->fields[f].kind < EBR_KIND_U64 ||
		    d->fields[f].kind > EBR_KIND_STACK)
			return false;
	return true;
}

/* Type i of the schema to be written: the compiled-in ones, then the described ones. */
static const char *schema_name(const struct ebr_writer_opts *o, uint32_t i)
{
	uint32_t n = ebr_event_def_count();

	return i < n ? ebr_event_def_at(i)->name : o->dyn_types[i - n].name;
}

/* Types a reader can tell apart only by name: every name once (a quadratic check, over at
 * most EBR_MAX_TYPES names once per file). */
static bool dyn_types_ok(const struct ebr_writer_opts *o)
{
	uint32_t n = ebr_event_def_count() + o->ndyn_types;

	if (o->ndyn_types && !o->dyn_types)
		return false;
	if (n > EBR_MAX_TYPES)
		return false;
	for (uint32_t i = 0; i < o->ndyn_types; i++)
		if (!dyn_type_ok(&o->dyn_types[i]))
			return false;
	for (uint32_t i = ebr_event_def_count(); i < n; i++)
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(schema_name(o, i), schema_name(o, j)))
				return false;
	return true;
}

int ebr_writer_new(struct ebr_writer **out, const struct ebr_sink *sink,
		   const struct ebr_writer_opts *opts)
{
	unsigned char hdr[EBR_FILE_HEADER_SIZE] = { 0 };
	struct ebr_writer *w;
	int err;

	*out = NULL;
	if (!sink || !sink->write || (opts && !dyn_types_ok(opts)))
		return EBR_E_INVALID;
	w = ebr_calloc(1, sizeof(*w));
	if (!w)
		return EBR_E_NOMEM;
	w->sink = *sink;
	if (opts && opts->ndyn_types) {
		w->dyn_counts = ebr_calloc(opts->ndyn_types, sizeof(*w->dyn_counts));
		if (!w->dyn_counts) {
			ebr_free(w);
			return EBR_E_NOMEM;
		}
		w->dyn_types = opts->dyn_types;
		w->ndyn_types = opts->ndyn_types;
	}
	/* zstd's own default: 4-8% smaller blocks than level 1 for a few ns per event */
	w->level = opts && opts->zstd_level ? opts->zstd_level : 3;
	w->block_bytes = opts && opts->block_bytes ? opts->block_bytes : 1u << 20;
	w->rows = opts && opts->layout == EBR_LAYOUT_ROWS;
	if (w->block_bytes > EBR_MAX_BLOCK_RAW / 2)
		w->block_bytes = EBR_MAX_BLOCK_RAW / 2;
	w->zctx = ZSTD_createCCtx();
	if (!w->zctx) {
		ebr_free(w->dyn_counts);
		ebr_free(w);
		return EBR_E_NOMEM;
	}
	memcpy(hdr, EBR_FILE_MAGIC, 8);
	put_le16(hdr + 8, EBR_VERSION_MAJOR);
	put_le16(hdr + 10, EBR_VERSION_MINOR);
	err = sink_write(w, hdr, sizeof(hdr));
	if (!err)
		err = write_schema(w);
	if (err) {
		ebr_writer_abandon(w);
		return err;
	}
	*out = w;
	return 0;
}

int ebr_writer_meta(struct ebr_writer *w, const char *key, const char *value)
{
	if (w->err)
		return w->err;
	if (!key || !value || strlen(key) > EBR_MAX_STRING || strlen(value) > EBR_MAX_STRING)
		return EBR_E_INVALID;
	wbuf_str(&w->meta, key, strlen(key));
	wbuf_str(&w->meta, value, strlen(value));
	if (w->meta.err)
		return writer_fail(w, w->meta.err);
	w->nmeta++;
	return 0;
}

static int flush_meta(struct ebr_writer *w)
{
	struct wbuf *b = &w->payload;

	if (!w->nmeta)
		return 0;
	b->len = 0;
	wbuf_varint(b, w->nmeta);
	wbuf_put(b, w->meta.p, w->meta.len);
	w->meta.len = 0;
	w->nmeta = 0;
	return write_block(w, EBR_BLOCK_META, 0, b, 0, 0, 0);
}

/* Blocks of fewer events than this are written in rows when that is smaller, compressed. */
#define ROWS_TRIED_BELOW 1024u

/* The bytes zstd makes of payload (its own size when compression does not pay), or 0. */
static size_t compressed_size(struct ebr_writer *w, const struct wbuf *payload)
{
	size_t bound = ZSTD_compressBound(payload->len), n;

	w->zbuf.len = 0;
	if (payload->err || wbuf_reserve(&w->zbuf, bound))
		return 0;
	n = ZSTD_compressCCtx(w->zctx, w->zbuf.p, bound, payload->p, payload->len, w->level);
	if (ZSTD_isError(n))
		return 0;
	return n < payload->len ? n : payload->len;
}

/*
 * Whether the events block goes out in rows: always from a writer of rows; from a writer of
 * columns, a small block whose columns compress larger than its rows (each column's size
 * and method cost a few bytes, which a few events do not win back).
 */
static bool events_in_rows(struct ebr_writer *w, const struct wbuf *columns, size_t tables)
{
	struct wbuf *b = &w->rows_payload;
	size_t in_columns;

	if (w->rows)
		return true;
	if (w->count >= ROWS_TRIED_BELOW)
		return false;
	b->len = 0;
	wbuf_put(b, columns->p, tables);
	wbuf_put(b, w->events.p, w->events.len);
	in_columns = compressed_size(w, columns);
	return in_columns && compressed_size(w, b) < in_columns;
}

static int flush_events(struct ebr_writer *w)
{
	struct wbuf *b = &w->payload;
	size_t tables;
	uint16_t flags = 0;
	int err;

	if (!w->count)
		return 0;
	b->len = 0;
	wbuf_varint(b, w->strings.count);
	wbuf_put(b, w->strings.enc.p, w->strings.enc.len);
	wbuf_varint(b, w->stacks.count);
	wbuf_put(b, w->stacks.enc.p, w->stacks.enc.len);
	tables = b->len;
	if (!w->rows && (err = columns_encode(&w->columns, b, w->events.p, &flags)))
		return writer_fail(w, err);
	if (events_in_rows(w, b, tables)) {
		b->len = tables;
		wbuf_put(b, w->events.p, w->events.len);
		err = write_block(w, EBR_BLOCK_EVENTS, 0, b, w->count, w->t_first, w->t_last);
	} else {
		err = write_block(w, EBR_BLOCK_EVENTS, flags, b, w->count, w->t_first,
				  w->t_last);
	}
	intern_reset(&w->strings);
	intern_reset(&w->stacks);
	w->events.len = 0;
	w->count = 0;
	w->prev_ts = 0;
	return err;
}

int ebr_writer_flush(struct ebr_writer *w)
{
	if (flush_meta(w))
		return w->err;
	return flush_events(w);
}

static struct ebr_probe_total *probe_total(struct ebr_writer *w, uint32_t probe)
{
	for (uint32_t i = 0; i < w->nprobes; i++)
		if (w->probes[i].probe == probe)
			return &w->probes[i];
	if (w->nprobes == w->cap_probes) {
		uint32_t cap = w->cap_probes ? w->cap_probes * 2 : 16;
		struct ebr_probe_total *p = ebr_realloc(w->probes, cap * sizeof(*p));

		if (!p)
			return NULL;
		w->probes = p;
		w->cap_probes = cap;
	}
	w->probes[w->nprobes] = (struct ebr_probe_total){ .probe = probe };
	return &w->probes[w->nprobes++];
}

/* ebr.counts events also feed the index's per-probe totals, so `info` needs no scan. */
static int account_counts(struct ebr_writer *w, const struct ebr_value *v)
{
	struct ebr_probe_total *p = probe_total(w, (uint32_t)v[EBR_F_COUNTS_PROBE].u);

	if (!p)
		return writer_fail(w, EBR_E_NOMEM);
	p->emitted += v[EBR_F_COUNTS_EMITTED].u;
	p->lost_ringbuf += v[EBR_F_COUNTS_LOST_RINGBUF].u;
	p->lost_map += v[EBR_F_COUNTS_LOST_MAP].u;
	p->lost_user += v[EBR_F_COUNTS_LOST_USER].u;
	return 0;
}

/* Whether every value fits the format's limits: checked before any byte of the event is
 * written, so that a refused event leaves no half of itself in the block. */
static bool values_fit(const struct ebr_event_def *d, const struct ebr_value *vals)
{
	for (uint32_t f = 0; f < d->nfields; f++) {
		if (d->fields[f].kind == EBR_KIND_BYTES && vals[f].len > EBR_MAX_STRING)
			return false;
		if (d->fields[f].kind == EBR_KIND_STACK && vals[f].len > EBR_MAX_STACK_DEPTH)
			return false;
	}
	return true;
}

/* The definition of a type this writer knows, compiled-in or described; NULL for others. */
static const struct ebr_event_def *writer_type(const struct ebr_writer *w, uint32_t type)
{
	if (type >= EBR_DYN_TYPE_BASE)
		return type - EBR_DYN_TYPE_BASE < w->ndyn_types ?
			       &w->dyn_types[type - EBR_DYN_TYPE_BASE] : NULL;
	return ebr_event_def(type);
}

int ebr_writer_event(struct ebr_writer *w, uint32_t type, uint64_t ts, uint32_t cpu,
		     const struct ebr_value *vals)
{
	const struct ebr_event_def *d = writer_type(w, type);
	struct wbuf *b = &w->events;
	/* the values as columns take them (column_writer_add()) */
	uint64_t col[EBR_MAX_FIELDS];
	uint32_t at[EBR_MAX_FIELDS];
	int err = 0;

	if (w->err)
		return w->err;
	if (!d || !values_fit(d, vals))
		return EBR_E_INVALID;
	wbuf_varint(b, type);
	wbuf_varint(b, zigzag((int64_t)(ts - w->prev_ts)));
	wbuf_varint(b, cpu);
	for (uint32_t f = 0; f < d->nfields; f++) {
		const struct ebr_value *v = &vals[f];
		uint32_t id = 0;

		at[f] = 0;
		switch (d->fields[f].kind) {
		case EBR_KIND_U64:
			col[f] = v->u;
			break;
		case EBR_KIND_S64:
			col[f] = zigzag((int64_t)v->u);
			break;
		case EBR_KIND_STR: {
			size_t len = v->s ? strnlen(v->s, EBR_MAX_STRING) : 0;

			if (len)
				id = intern_add(&w->strings, v->s, (uint32_t)len, 0, &err);
			col[f] = id;
			break;
		}
		case EBR_KIND_BYTES:
			wbuf_str(b, v->s, v->len);
			col[f] = v->len;
			at[f] = (uint32_t)(b->len - v->len);
			continue;
		case EBR_KIND_STACK:
			if (v->len)
				id = intern_add(&w->stacks, v->frames, v->len * 8u, 1, &err);
			col[f] = id;
			break;
		}
		if (err)
			return writer_fail(w, err);
		wbuf_varint(b, col[f]);
	}
	if (b->err)
		return writer_fail(w, b->err);
	if (!w->rows && (err = column_writer_add(&w->columns, type, d, ts, cpu, col, at)))
		return writer_fail(w, err);
	if (!w->count || ts < w->t_first)
		w->t_first = ts;
	if (!w->count || ts > w->t_last)
		w->t_last = ts;
	w->prev_ts = ts;
	w->count++;
	w->total_events++;
	if (type < EBR_EV_LIMIT)
		w->type_counts[type]++;
	else
		w->dyn_counts[type - EBR_DYN_TYPE_BASE]++;
	if (type == EBR_EV_COUNTS && account_counts(w, vals))
		return w->err;
	if (w->events.len + w->strings.enc.len + w->stacks.enc.len >= w->block_bytes ||
	    w->count == EBR_MAX_BLOCK_EVENTS ||
	    w->strings.count >= EBR_MAX_BLOCK_STRINGS - 1 ||
	    w->stacks.count >= EBR_MAX_BLOCK_STACKS - 1)
		return ebr_writer_flush(w);
	return 0;
}

uint64_t ebr_writer_bytes(const struct ebr_writer *w)
{
	return w->written;
}

uint64_t ebr_writer_events(const struct ebr_writer *w)
{
	return w->total_events;
}

static int write_index(struct ebr_writer *w)
{
	struct wbuf *b = &w->payload;
	unsigned char footer[EBR_FOOTER_SIZE];
	uint64_t index_off, ntypes = 0;

	b->len = 0;
	wbuf_varint(b, w->nblocks);
	for (uint32_t i = 0; i < w->nblocks; i++) {
		const struct ebr_block_info *bi = &w->blocks[i];

		wbuf_varint(b, bi->offset);
		wbuf_varint(b, bi->type);
		wbuf_varint(b, bi->flags);
		wbuf_varint(b, bi->stored_size);
		wbuf_varint(b, bi->raw_size);
		wbuf_varint(b, bi->count);
		wbuf_varint(b, bi->t_first);
		wbuf_varint(b, bi->t_last - bi->t_first);
	}
	for (uint32_t t = 0; t < EBR_EV_LIMIT; t++)
		ntypes += w->type_counts[t] != 0;
	for (uint32_t t = 0; t < w->ndyn_types; t++)
		ntypes += w->dyn_counts[t] != 0;
	wbuf_varint(b, ntypes);
	for (uint32_t t = 0; t < EBR_EV_LIMIT; t++) {
		if (!w->type_counts[t])
			continue;
		wbuf_varint(b, t);
		wbuf_varint(b, w->type_counts[t]);
	}
	for (uint32_t t = 0; t < w->ndyn_types; t++) {
		if (!w->dyn_counts[t])
			continue;
		wbuf_varint(b, EBR_DYN_TYPE_BASE + t);
		wbuf_varint(b, w->dyn_counts[t]);
	}
	wbuf_varint(b, w->nprobes);
	for (uint32_t i = 0; i < w->nprobes; i++) {
		const struct ebr_probe_total *p = &w->probes[i];

		wbuf_varint(b, p->probe);
		wbuf_varint(b, p->emitted);
		wbuf_varint(b, p->lost_ringbuf);
		wbuf_varint(b, p->lost_map);
		wbuf_varint(b, p->lost_user);
	}
	index_off = w->written;
	if (write_block(w, EBR_BLOCK_INDEX, 0, b, w->nblocks, 0, 0))
		return w->err;
	memcpy(footer, EBR_FOOTER_MAGIC, 8);
	put_le64(footer + 8, index_off);
	return sink_write(w, footer, sizeof(footer));
}

int ebr_writer_close(struct ebr_writer *w)
{
	int err;

	if (!w)
		return EBR_E_INVALID;
	if (!ebr_writer_flush(w))
		write_index(w);
	err = w->err;
	ebr_writer_abandon(w);
	return err;
}

void ebr_writer_abandon(struct ebr_writer *w)
{
	if (!w)
		return;
	intern_release(&w->strings);
	intern_release(&w->stacks);
	wbuf_release(&w->events);
	wbuf_release(&w->meta);
	wbuf_release(&w->payload);
	wbuf_release(&w->zbuf);
	wbuf_release(&w->rows_payload);
	column_writer_release(&w->columns);
	ZSTD_freeCCtx(w->zctx);
	ebr_free(w->blocks);
	ebr_free(w->probes);
	ebr_free(w->dyn_counts);
	ebr_free(w);
}
