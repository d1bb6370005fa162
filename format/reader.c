// SPDX-License-Identifier: BSD-2-Clause
/*
 * The .ebr reader. Every trace is untrusted: each size is checked against what is left and
 * against the format's limits before anything is allocated, every block's header and payload
 * CRC is checked before the payload is interpreted, and damage is stepped over (reported as a
 * problem) rather than ending the read: a cut file gives every complete block, a damaged
 * block costs only itself.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include "layout.h"
#include "reader_int.h"
#include "columns.h"
#include "format/decode_pool.h"
#include "format/siphash.h"
#include "format/mem.h"

#define MAX_PROBLEMS 256
/* bytes read at a time while resynchronising over garbage (a header needs 48) */
#define WIN_SIZE (64u << 10)

struct file_field {
	char *name;
	enum ebr_kind kind;
};

struct file_type {
	uint32_t id;
	char *name;
	uint32_t nfields;
	struct file_field *fields;
	const struct ebr_event_def *def; /* compiled-in type of the same name, or NULL */
	uint32_t type_bit;               /* EBR_TYPE() of def's id, or of EBR_EV_UNKNOWN */
	int32_t map[EBR_MAX_FIELDS];     /* compiled field -> file field, -1 if absent */
	bool same_fields; /* map is the identity: the decoded fields serve as they are */
	/* the fields that are not numbers (STR, BYTES, STACK): a number is its word alone */
	uint8_t refs[EBR_MAX_FIELDS];
	uint32_t nrefs;
	/*
	 * The values of its event being given out (build_event()): a type's own, so that an
	 * event changes only its numbers' u and its references, whatever type came before
	 * (the other members of a number stay zero); vals in the compiled order when the
	 * fields differ (!same_fields), the missing ones "" from parse_schema() on.
	 */
	struct ebr_value *raw_vals, *vals;
};

/*
 * Type ids below TYPE_DIRECT (every id a writer of this format gives) find their type through
 * a table, others by binary search: an event's type costs the same whatever the schema holds.
 */
#define TYPE_DIRECT 256u

struct type_slot {
	uint32_t id, index;
};

struct str_ref {
	uint32_t off, len; /* into strdata */
};

struct stack_ref {
	uint32_t off, len; /* into frames */
};

struct block_header {
	uint16_t type, flags;
	uint32_t stored, raw, seq, count, payload_crc;
	uint64_t t_first, t_last;
};

/*
 * One block on its way from the source to the events. It is fetched (its header and stored
 * payload read, what was stepped over to reach it noted) by the reading thread, in file order;
 * an events block is then decoded (CRC checked, decompressed, its tables read and its events
 * turned into words: scan_event()) by any thread, since it needs only the schema, which no
 * block decoded meanwhile can change; and taken by the reading thread in file order, which
 * gives its problems and events out as a reader without threads would have. Blocks of other
 * types are interpreted when taken: META is read as the pass goes.
 */
#define MAX_JOBS 16u
/* the words a job decodes ahead of its events being taken: the rest waits for them */
#define JOB_MAX_WORDS (2u << 20)
/*
 * What a block's job may hold at most, rounded up: its payload stored and decompressed
 * (EBR_MAX_BLOCK_STORED, EBR_MAX_BLOCK_RAW), its words (JOB_MAX_WORDS, grown up to twice
 * what they need), its strings, and a block in columns' tables of EBR_MAX_BLOCK_EVENTS.
 */
#define JOB_HOLDS_MAX ((size_t)128 << 20)

struct block_job {
	/* fetched */
	int fetched; /* 1 a block, 0 the end of the source, < 0 its failure */
	struct block_header bh;
	struct ebr_block_info blk;
	int check_err;  /* what header_check() found besides the size */
	bool off_thread; /* an events block of known flags: decoded by decode_job() */
	uint32_t want;   /* the types decoded (ebr_reader_want_types() when it was fetched) */
	bool pooled;     /* handed to the reader's decode_pool */
	struct wbuf stored;
	struct ebr_problem *before; /* stepped over while fetching, before the block */
	uint32_t nbefore;
	size_t cap_before;
	int fetch_err; /* EBR_E_NOMEM noting what was stepped over, or 0 */

	/* decoded */
	int err;   /* EBR_E_NOMEM, or 0 */
	bool skip; /* damaged: the problem is `end`, no event is given */
	ZSTD_DCtx *dctx;
	struct wbuf raw;
	char *strdata;
	size_t strdata_cap;
	struct str_ref *strs;
	uint32_t nstrs, cap_strs;
	uint64_t *frames;
	size_t cap_frames;
	struct stack_ref *stacks;
	uint32_t nstacks, cap_stacks;
	struct cursor ev_cur;
	bool columns; /* the events are in columns (cb), not in rows (ev_cur) */
	struct column_block cb;
	uint64_t prev_ts;
	uint32_t ev_scanned;
	bool ev_done;          /* every event scanned (or the block found damaged) */
	uint64_t *words;       /* events scanned ahead, scan_event()'s words one after the other */
	size_t nwords, cap_words;
	uint32_t nahead;

	/* taken */
	uint32_t given;     /* of the events scanned ahead */
	uint32_t pos;       /* the block's events passed, in block order: given or stepped over */
	size_t given_words;
	struct ebr_problem end; /* what ended the block early, given after its last event */
	bool has_end;
};

/* the clock.start.* keys a series' first file gives the others (monotonic_ns, realtime_ns) */
#define PIN_KEYS 4

struct ebr_reader {
	struct ebr_source src;
	uint64_t off; /* bytes consumed from the source */
	uint16_t major, minor;
	int at_end;
	int saw_footer;
	uint32_t next_seq; /* block number expected next */
	uint32_t blocks_ok;

	/*
	 * win[win_pos, win_pos + win_len): read, not consumed. It and problems are malloc'd
	 * apart from the reader, not calloc'd with it: zeroing them was 30 page faults a reader,
	 * a sixth of a small trace's report here, for pages a small file never touches.
	 */
	unsigned char *win;
	size_t win_pos, win_len;

	struct file_type *types;
	uint32_t ntypes;
	uint16_t type_direct[TYPE_DIRECT]; /* 1 + index into types of that id, 0: none */
	struct type_slot *type_ids;        /* every type by id, sorted */

	/* META in the order keys first came, found through meta_slots (keyed: keys are the trace's) */
	char **meta_key, **meta_val;
	uint32_t nmeta, cap_meta;
	uint32_t *meta_slots; /* open addressing: 1 + index into meta_key, 0 empty */
	uint32_t meta_nslots; /* a power of two, at least twice nmeta */
	struct siphash_key meta_hash_key;
	size_t meta_bytes; /* of the keys and values held, against EBR_MAX_META_BYTES */
	bool meta_full;    /* a limit was reached: the rest of META is ignored */
	/* clock.start.* of the series' first file, which this file's own take the place of */
	bool start_pinned;
	char *pin_key[PIN_KEYS], *pin_val[PIN_KEYS];
	uint32_t npin;
	uint64_t start_ns; /* META clock.start.monotonic_ns, parsed once: every row's time needs it */

	/* the current block */
	struct ebr_block_info blk;
	struct wbuf stored, raw; /* reader_block_at()'s (the index and META by offset) */
	ZSTD_DCtx *dctx;

	/*
	 * The blocks between the source and the events, in file order: jobs[taken % depth] up
	 * to jobs[(fetched - 1) % depth], the one taken included.
	 */
	struct block_job *jobs;
	unsigned long taken, fetched;
	unsigned depth;
	struct decode_pool *pool; /* NULL: every block decoded on the reading thread */
	bool fetch_end;    /* the end (or a failure) of the source is fetched: nothing after it */
	bool fetch_schema; /* a SCHEMA block is fetched: later events wait for it to be taken */
	int end_rc;        /* once the end is taken: 0, or the source's failure */
	bool ended;
	struct block_job *cur; /* the events block whose events are being given out */
	struct block_job *sink; /* while fetching: where reader_problem() puts what it finds */
	uint64_t scan_words[3 + EBR_MAX_FIELDS]; /* an event decoded from cur itself */

	struct ebr_event ev;
	/* ebr_reader_want_types(): the events of other types are stepped over, not built */
	uint32_t want_types;
	uint64_t stepped_over;

	struct ebr_problem *problems; /* MAX_PROBLEMS of them */
	uint32_t nproblems;

	struct ebr_block_info *seen; /* intact blocks, for summaries */
	uint32_t nseen, cap_seen;
};

int ebr_problem_is_damage(enum ebr_problem_kind kind)
{
	return kind != EBR_PROB_UNKNOWN_BLOCK;
}

static void problem_vset(struct ebr_problem *p, enum ebr_problem_kind kind, int err,
			 uint32_t block, uint64_t offset, uint64_t length, const char *fmt,
			 va_list ap)
{
	p->kind = kind;
	p->err = err;
	p->block = block;
	p->offset = offset;
	p->length = length;
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	void *np;

	if (need <= *cap)
		return 0;
	np = ebr_realloc(*p, need * elem);
	if (!np)
		return EBR_E_NOMEM;
	*p = np;
	*cap = need;
	return 0;
}

/* Where the next problem goes: the reader's list, or the job being fetched (NULL: full). */
static struct ebr_problem *problem_slot(struct ebr_reader *r)
{
	struct block_job *j = r->sink;

	if (!j)
		return r->nproblems < MAX_PROBLEMS ? &r->problems[r->nproblems++] : NULL;
	if (j->nbefore >= MAX_PROBLEMS)
		return NULL;
	if (j->nbefore == j->cap_before &&
	    grow((void **)&j->before, &j->cap_before, j->nbefore ? 2 * j->nbefore : 4,
		 sizeof(*j->before))) {
		j->fetch_err = EBR_E_NOMEM;
		return NULL;
	}
	return &j->before[j->nbefore++];
}

void reader_problem(struct ebr_reader *r, enum ebr_problem_kind kind, int err, uint32_t block,
		    uint64_t offset, uint64_t length, const char *fmt, ...)
{
	struct ebr_problem *p = problem_slot(r);
	va_list ap;

	if (!p)
		return;
	va_start(ap, fmt);
	problem_vset(p, kind, err, block, offset, length, fmt, ap);
	va_end(ap);
}

/* What ends job j's block early (a damaged payload or event): given after its last event. */
__attribute__((format(printf, 4, 5)))
static void job_problem(struct block_job *j, int err, uint64_t length, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	problem_vset(&j->end, EBR_PROB_BAD_PAYLOAD, err, j->blk.seq, j->blk.offset, length, fmt,
		     ap);
	va_end(ap);
	j->has_end = true;
}

/* Gives the reader the problems of what was taken, in file order, up to its limit. */
static void problems_give(struct ebr_reader *r, const struct ebr_problem *p, uint32_t n)
{
	for (uint32_t i = 0; i < n && r->nproblems < MAX_PROBLEMS; i++)
		r->problems[r->nproblems++] = p[i];
}

/* ------------------------------------------------------------ reading the source */

static const unsigned char *win_data(const struct ebr_reader *r)
{
	return r->win + r->win_pos;
}

/*
 * Tops the window up to n bytes, asking the source for up to max (n <= max <= WIN_SIZE):
 * blocks ask for just what they need, resync() for a whole window. Returns bytes available
 * (fewer than n only at the end of the input) or < 0.
 */
static long win_read(struct ebr_reader *r, size_t n, size_t max)
{
	while (r->win_len < n) {
		long got;

		if (r->win_pos + max > WIN_SIZE) {
			memmove(r->win, r->win + r->win_pos, r->win_len);
			r->win_pos = 0;
		}
		got = r->src.read(r->src.ctx, r->win + r->win_pos + r->win_len, max - r->win_len);
		if (got < 0)
			return got;
		if (got == 0)
			break;
		r->win_len += (size_t)got;
	}
	return (long)r->win_len;
}

static long win_fill(struct ebr_reader *r, size_t n)
{
	return win_read(r, n, n);
}

static void win_consume(struct ebr_reader *r, size_t n)
{
	r->win_pos = r->win_len == n ? 0 : r->win_pos + n;
	r->win_len -= n;
	r->off += n;
}

/* Reads exactly n bytes into dst (window first); returns bytes read or < 0. */
static long src_read(struct ebr_reader *r, void *dst, size_t n)
{
	size_t from_win = r->win_len < n ? r->win_len : n;
	size_t got = from_win;

	memcpy(dst, win_data(r), from_win);
	win_consume(r, from_win);
	while (got < n) {
		long k = r->src.read(r->src.ctx, (char *)dst + got, n - got);

		if (k < 0)
			return k;
		if (k == 0)
			break;
		got += (size_t)k;
		r->off += (uint64_t)k;
	}
	return (long)got;
}

/* ------------------------------------------------------------ headers */

static int header_parse(const unsigned char *h, struct block_header *bh)
{
	if (memcmp(h, EBR_BLOCK_MAGIC, 4))
		return EBR_E_CORRUPT;
	if (get_le32(h + 44) != ebr_crc32c(0, h, 44))
		return EBR_E_CRC;
	bh->type = get_le16(h + 4);
	bh->flags = get_le16(h + 6);
	bh->stored = get_le32(h + 8);
	bh->raw = get_le32(h + 12);
	bh->seq = get_le32(h + 16);
	bh->count = get_le32(h + 20);
	bh->t_first = get_le64(h + 24);
	bh->t_last = get_le64(h + 32);
	bh->payload_crc = get_le32(h + 40);
	return 0;
}

/* What a header says about its block, which starts at offset. */
static struct ebr_block_info block_info(const struct block_header *bh, uint64_t offset)
{
	return (struct ebr_block_info){ .seq = bh->seq, .type = bh->type, .flags = bh->flags,
					.offset = offset, .stored_size = bh->stored,
					.raw_size = bh->raw, .count = bh->count,
					.t_first = bh->t_first, .t_last = bh->t_last };
}

/* Checks the claims of a header that passed its CRC. */
static int header_check(const struct block_header *bh)
{
	uint16_t known = EBR_BF_ZSTD;

	if (bh->type == EBR_BLOCK_EVENTS)
		known |= EBR_BF_COLUMNS | EBR_BF_COLUMNS_1_8;
	if (bh->stored > EBR_MAX_BLOCK_STORED || bh->raw > EBR_MAX_BLOCK_RAW)
		return EBR_E_TOO_BIG;
	if (bh->flags & EBR_BF_REQUIRED_MASK & ~known)
		return EBR_E_UNSUPPORTED;
	/* bit 2 qualifies the columns of bit 1: alone it describes nothing */
	if ((bh->flags & EBR_BF_COLUMNS_1_8) && !(bh->flags & EBR_BF_COLUMNS))
		return EBR_E_CORRUPT;
	if (!(bh->flags & EBR_BF_ZSTD) && bh->stored != bh->raw)
		return EBR_E_CORRUPT;
	return 0;
}

/* ------------------------------------------------------------ block payloads */

static char *dup_str(struct cursor *c)
{
	uint64_t len = cur_varint_max(c, EBR_MAX_STRING);
	const unsigned char *p = cur_bytes(c, (size_t)len);
	char *s;

	if (!p)
		return NULL;
	s = ebr_malloc((size_t)len + 1);
	if (!s) {
		c->err = EBR_E_NOMEM;
		return NULL;
	}
	memcpy(s, p, (size_t)len);
	s[len] = 0;
	return s;
}

static void types_free(struct file_type *types, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		ebr_free(types[i].name);
		for (uint32_t f = 0; types[i].fields && f < types[i].nfields; f++)
			ebr_free(types[i].fields[f].name);
		ebr_free(types[i].fields);
		ebr_free(types[i].raw_vals);
		ebr_free(types[i].vals);
	}
	ebr_free(types);
}

/* Links a file type to the compiled-in type of the same name, field by field. */
static void type_link(struct file_type *t)
{
	t->type_bit = EBR_TYPE(EBR_EV_UNKNOWN);
	for (uint32_t i = 0; i < ebr_event_def_count(); i++) {
		const struct ebr_event_def *d = ebr_event_def_at(i);

		if (strcmp(d->name, t->name))
			continue;
		t->def = d;
		t->type_bit = EBR_TYPE(d->id);
		for (uint32_t f = 0; f < d->nfields && f < EBR_MAX_FIELDS; f++) {
			t->map[f] = -1;
			for (uint32_t g = 0; g < t->nfields; g++)
				if (!strcmp(t->fields[g].name, d->fields[f].name) &&
				    t->fields[g].kind == d->fields[f].kind)
					t->map[f] = (int32_t)g;
		}
		t->same_fields = d->nfields == t->nfields;
		for (uint32_t f = 0; f < d->nfields && f < EBR_MAX_FIELDS; f++)
			t->same_fields = t->same_fields && t->map[f] == (int32_t)f;
		return;
	}
}

/* The most fields a compiled-in type has. */
static uint32_t compiled_fields_max(void)
{
	uint32_t n = 1;

	for (uint32_t i = 0; i < ebr_event_def_count(); i++)
		if (ebr_event_def_at(i)->nfields > n)
			n = ebr_event_def_at(i)->nfields;
	return n;
}

/*
 * The values build_event() gives t's events in: 0 or EBR_E_NOMEM. Each array has a value
 * for every field of any compiled-in type, zero past t's own, as the one array all types
 * shared had: an analyzer that reads a field of its type before it has checked the event's
 * type reads within them (topwatch's did).
 */
static int type_values(struct file_type *t)
{
	uint32_t n = compiled_fields_max();

	t->raw_vals = ebr_calloc(t->nfields > n ? t->nfields : n, sizeof(*t->raw_vals));
	if (!t->raw_vals)
		return EBR_E_NOMEM;
	if (!t->def || t->same_fields)
		return 0;
	t->vals = ebr_calloc(n, sizeof(*t->vals));
	if (!t->vals)
		return EBR_E_NOMEM;
	for (uint32_t f = 0; f < t->def->nfields; f++)
		if (t->map[f] < 0)
			t->vals[f].s = ""; /* a field this file lacks: 0, or "" */
	return 0;
}

static int slot_cmp(const void *a, const void *b)
{
	const struct type_slot *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * The lookup of the n types by id, into r (sorted array and direct table); EBR_E_CORRUPT when
 * two types share an id or one has id 0, and r is then left as it was.
 */
static int types_index(struct ebr_reader *r, const struct file_type *types, uint32_t n)
{
	struct type_slot *ids = ebr_malloc((n ? n : 1) * sizeof(*ids));

	if (!ids)
		return EBR_E_NOMEM;
	for (uint32_t i = 0; i < n; i++)
		ids[i] = (struct type_slot){ types[i].id, i };
	qsort(ids, n, sizeof(*ids), slot_cmp);
	for (uint32_t i = 0; i < n; i++) {
		if (!ids[i].id || (i && ids[i].id == ids[i - 1].id)) {
			ebr_free(ids);
			return EBR_E_CORRUPT;
		}
	}
	ebr_free(r->type_ids);
	r->type_ids = ids;
	memset(r->type_direct, 0, sizeof(r->type_direct));
	for (uint32_t i = 0; i < n && ids[i].id < TYPE_DIRECT; i++)
		r->type_direct[ids[i].id] = (uint16_t)(ids[i].index + 1);
	return 0;
}

/* The index in r->types of the type of file id, or -1. */
static int type_find(const struct ebr_reader *r, uint64_t id)
{
	const struct type_slot *s;
	struct type_slot key;

	if (id < TYPE_DIRECT)
		return (int)r->type_direct[id] - 1;
	if (id > UINT32_MAX || !r->ntypes)
		return -1;
	key.id = (uint32_t)id;
	s = bsearch(&key, r->type_ids, r->ntypes, sizeof(*s), slot_cmp);
	return s ? (int)s->index : -1;
}

static int parse_schema(struct ebr_reader *r, struct cursor *c)
{
	uint64_t n = cur_varint_max(c, EBR_MAX_TYPES);
	struct file_type *types;

	if (c->err)
		return c->err;
	types = ebr_calloc(n ? n : 1, sizeof(*types));
	if (!types)
		return EBR_E_NOMEM;
	for (uint32_t i = 0; i < n && !c->err; i++) {
		struct file_type *t = &types[i];

		t->id = (uint32_t)cur_varint_max(c, UINT32_MAX);
		t->name = dup_str(c);
		t->nfields = (uint32_t)cur_varint_max(c, EBR_MAX_FIELDS);
		if (c->err)
			break;
		t->fields = ebr_calloc(t->nfields ? t->nfields : 1, sizeof(*t->fields));
		if (!t->fields) {
			c->err = EBR_E_NOMEM;
			break;
		}
		for (uint32_t f = 0; f < t->nfields && !c->err; f++) {
			t->fields[f].name = dup_str(c);
			t->fields[f].kind = (enum ebr_kind)cur_varint(c);
			if (t->fields[f].kind < EBR_KIND_U64 || t->fields[f].kind > EBR_KIND_STACK)
				c->err = EBR_E_UNSUPPORTED;
			else if (t->fields[f].kind != EBR_KIND_U64 &&
				 t->fields[f].kind != EBR_KIND_S64)
				t->refs[t->nrefs++] = (uint8_t)f;
		}
		if (!c->err) {
			type_link(t);
			c->err = type_values(t);
		}
	}
	if (!c->err)
		c->err = types_index(r, types, (uint32_t)n);
	if (c->err) {
		types_free(types, (uint32_t)n);
		return c->err;
	}
	types_free(r->types, r->ntypes);
	r->types = types;
	r->ntypes = (uint32_t)n;
	return 0;
}

/* The compiled-in schema, for a file of this very version whose schema block is damaged. */
static int schema_from_build(struct ebr_reader *r)
{
	struct wbuf b = { 0 };
	struct cursor c;
	uint32_t n = ebr_event_def_count();
	int err;

	wbuf_varint(&b, n);
	wbuf_schema_types(&b);
	if (b.err)
		return b.err;
	c = (struct cursor){ b.p, b.p + b.len, 0 };
	err = parse_schema(r, &c);
	wbuf_release(&b);
	return err;
}

/* The slot of key in meta_slots: its own, or the empty one where it would go. */
static uint32_t meta_slot(const struct ebr_reader *r, const char *key)
{
	uint32_t mask = r->meta_nslots - 1;
	uint32_t i = (uint32_t)siphash24(&r->meta_hash_key, key, strlen(key)) & mask;

	while (r->meta_slots[i] && strcmp(r->meta_key[r->meta_slots[i] - 1], key))
		i = (i + 1) & mask;
	return i;
}

static int meta_find(const struct ebr_reader *r, const char *key)
{
	return r->meta_nslots ? (int)r->meta_slots[meta_slot(r, key)] - 1 : -1;
}

/* Room for one more key: the arrays and a table at most half full. */
static int meta_reserve(struct ebr_reader *r)
{
	if (r->nmeta == r->cap_meta) {
		uint32_t cap = r->cap_meta ? 2 * r->cap_meta : 64;
		char **k = ebr_realloc(r->meta_key, cap * sizeof(*k)), **v;

		if (!k)
			return EBR_E_NOMEM;
		r->meta_key = k;
		v = ebr_realloc(r->meta_val, cap * sizeof(*v));
		if (!v)
			return EBR_E_NOMEM;
		r->meta_val = v;
		r->cap_meta = cap;
	}
	if (2 * (r->nmeta + 1) > r->meta_nslots) {
		uint32_t n = r->meta_nslots ? 2 * r->meta_nslots : 128;
		uint32_t *slots = ebr_calloc(n, sizeof(*slots));

		if (!slots)
			return EBR_E_NOMEM;
		ebr_free(r->meta_slots);
		r->meta_slots = slots;
		r->meta_nslots = n;
		for (uint32_t i = 0; i < r->nmeta; i++)
			r->meta_slots[meta_slot(r, r->meta_key[i])] = i + 1;
	}
	return 0;
}

/*
 * Sets key to val, taking both. EBR_E_TOO_BIG (both freed) when that would pass the limits of
 * FORMAT.md on the META a reader holds, EBR_E_NOMEM.
 */
static int meta_set(struct ebr_reader *r, char *key, char *val)
{
	int i = meta_find(r, key);
	size_t vlen = strlen(val), klen = i < 0 ? strlen(key) : 0;
	size_t old = i < 0 ? 0 : strlen(r->meta_val[i]);
	int err = EBR_E_TOO_BIG;

	if (r->start_pinned && !strncmp(key, "clock.start.", 12)) {
		/* the series began with an earlier file: its start, where the file has its own */
		uint32_t p = 0;

		while (p < r->npin && strcmp(r->pin_key[p], key))
			p++;
		err = 0;
		if (p == r->npin)
			goto drop;
		ebr_free(val);
		val = ebr_strdup(r->pin_val[p]);
		err = EBR_E_NOMEM;
		if (!val)
			goto drop;
		vlen = strlen(val);
	}
	if ((i < 0 && r->nmeta >= EBR_MAX_META_KEYS) ||
	    r->meta_bytes - old + klen + vlen > EBR_MAX_META_BYTES)
		goto drop;
	if (!strcmp(key, "clock.start.monotonic_ns"))
		r->start_ns = strtoull(val, NULL, 10);
	r->meta_bytes = r->meta_bytes - old + klen + vlen;
	if (i >= 0) {
		ebr_free(key);
		ebr_free(r->meta_val[i]);
		r->meta_val[i] = val;
		return 0;
	}
	err = meta_reserve(r);
	if (err)
		goto drop;
	r->meta_slots[meta_slot(r, key)] = r->nmeta + 1;
	r->meta_key[r->nmeta] = key;
	r->meta_val[r->nmeta++] = val;
	return 0;
drop:
	ebr_free(key);
	ebr_free(val);
	return err;
}

/*
 * The key/value pairs of META block b. Once the META held reaches a limit, the rest of the
 * file's META is ignored, said once as a problem: a trace cannot make its reader hold more.
 */
static int parse_meta(struct ebr_reader *r, struct cursor *c, const struct ebr_block_info *b)
{
	uint64_t n = cur_varint_max(c, EBR_MAX_META);

	for (uint64_t i = 0; i < n && !c->err && !r->meta_full; i++) {
		char *k = dup_str(c), *v = k ? dup_str(c) : NULL;
		int err;

		if (!v) {
			ebr_free(k);
			break;
		}
		err = meta_set(r, k, v);
		if (err == EBR_E_TOO_BIG) {
			r->meta_full = true;
			reader_problem(r, EBR_PROB_BAD_PAYLOAD, err, b->seq, b->offset, b->stored_size,
				"block %u (meta) at offset %llu: META passes this reader's limit of "
				"%u keys or %u MiB; the rest of META is ignored", b->seq,
				(unsigned long long)b->offset, EBR_MAX_META_KEYS,
				EBR_MAX_META_BYTES >> 20);
			return 0;
		}
		if (err)
			return err;
	}
	return c->err;
}

/*
 * The bytes of the n strings (or the frames of the n stacks) the table at c holds, c left as
 * it was: the reader's tables are sized by what a block holds, not by its payload's size.
 */
static int table_size(const struct cursor *c, uint64_t n, bool stacks, size_t *size)
{
	struct cursor t = *c;

	*size = 0;
	for (uint64_t i = 0; i < n && !t.err; i++) {
		uint64_t len = cur_varint_max(&t, stacks ? EBR_MAX_STACK_DEPTH : EBR_MAX_STRING);

		/* each frame costs at least one byte, so both are lies past what is left */
		if (len > cur_left(&t))
			return EBR_E_CORRUPT;
		*size += (size_t)len;
		if (!stacks)
			t.p += len;
		for (uint64_t k = 0; stacks && k < len; k++)
			cur_varint(&t);
	}
	return t.err;
}

/* Reads the string and stack tables of j's block; leaves the cursor at the first event. */
static int parse_events_tables(struct block_job *j, struct cursor *c)
{
	size_t cap, need;
	uint64_t n;
	size_t sd = 0, fr = 0;

	/* each string costs at least one byte: a count above what is left is a lie */
	n = cur_varint_max(c, EBR_MAX_BLOCK_STRINGS);
	if (c->err || n > cur_left(c) || table_size(c, n, false, &need))
		return EBR_E_CORRUPT;
	cap = j->cap_strs;
	if (grow((void **)&j->strs, &cap, (size_t)n + 1, sizeof(*j->strs)))
		return EBR_E_NOMEM;
	j->cap_strs = (uint32_t)cap;
	if (grow((void **)&j->strdata, &j->strdata_cap, need + (size_t)n + 1, 1))
		return EBR_E_NOMEM;
	j->strdata[sd++] = 0; /* id 0: "" */
	j->strs[0] = (struct str_ref){ 0, 0 };
	for (uint32_t i = 1; i <= n; i++) {
		uint64_t len = cur_varint_max(c, EBR_MAX_STRING);
		const unsigned char *p = cur_bytes(c, (size_t)len);

		if (!p)
			return EBR_E_CORRUPT;
		memcpy(j->strdata + sd, p, (size_t)len);
		j->strs[i] = (struct str_ref){ (uint32_t)sd, (uint32_t)len };
		sd += (size_t)len;
		j->strdata[sd++] = 0;
	}
	j->nstrs = (uint32_t)n;

	n = cur_varint_max(c, EBR_MAX_BLOCK_STACKS);
	if (c->err || n > cur_left(c) || table_size(c, n, true, &need))
		return EBR_E_CORRUPT;
	cap = j->cap_stacks;
	if (grow((void **)&j->stacks, &cap, (size_t)n + 1, sizeof(*j->stacks)))
		return EBR_E_NOMEM;
	j->cap_stacks = (uint32_t)cap;
	if (grow((void **)&j->frames, &j->cap_frames, need + 1, sizeof(uint64_t)))
		return EBR_E_NOMEM;
	j->stacks[0] = (struct stack_ref){ 0, 0 };
	for (uint32_t i = 1; i <= n; i++) {
		uint64_t depth = cur_varint_max(c, EBR_MAX_STACK_DEPTH);

		if (c->err || depth > cur_left(c))
			return EBR_E_CORRUPT;
		j->stacks[i] = (struct stack_ref){ (uint32_t)fr, (uint32_t)depth };
		for (uint64_t k = 0; k < depth; k++)
			j->frames[fr++] = cur_varint(c);
	}
	j->nstacks = (uint32_t)n;
	return c->err;
}

/* ------------------------------------------------------------ blocks */

/*
 * After a header that failed: slide forward to the next offset that holds a block header
 * with a valid CRC (or the footer), so that one damaged header costs one block. Garbage is
 * read a window at a time and crossed with memchr(): both magics start with 'E'.
 */
static long resync(struct ebr_reader *r)
{
	uint64_t skipped = 1;

	win_consume(r, 1);
	for (;;) {
		struct block_header bh;
		const unsigned char *p, *e;
		long got = win_read(r, EBR_BLOCK_HEADER_SIZE, WIN_SIZE);
		size_t lead;

		if (got <= 0)
			return got < 0 ? got : (long)skipped;
		p = win_data(r);
		e = memchr(p, 'E', (size_t)got);
		lead = e ? (size_t)(e - p) : (size_t)got;
		if (lead) {
			win_consume(r, lead);
			skipped += lead;
			continue;
		}
		if (got >= 8 && !memcmp(p, EBR_FOOTER_MAGIC, 8))
			return (long)skipped;
		if (got >= EBR_BLOCK_HEADER_SIZE && !header_parse(p, &bh) && !header_check(&bh))
			return (long)skipped;
		if (got < EBR_BLOCK_HEADER_SIZE &&
		    !memcmp(p, EBR_BLOCK_MAGIC, got < 4 ? (size_t)got : 4))
			return (long)skipped;
		win_consume(r, 1);
		skipped++;
	}
}

/*
 * Whether the stored payload is exactly one zstd frame (FORMAT.md "Blocks"): zstd itself would
 * also decode several frames one after the other and step over skippable frames, which a
 * writer never makes and which could hide bytes from a reader of another language.
 */
static bool one_zstd_frame(const unsigned char *p, size_t len)
{
	size_t n;

	if (len < 4 || get_le32(p) != ZSTD_MAGICNUMBER)
		return false;
	n = ZSTD_findFrameCompressedSize(p, len);
	return !ZSTD_isError(n) && n == len;
}

/* The block's payload, stored, into raw (the caller counts it: ebr_mem_note_decoded()). */
static int decode_payload(ZSTD_DCtx *dctx, const struct wbuf *stored, struct wbuf *raw,
			  const struct block_header *bh)
{
	if (bh->flags & EBR_BF_ZSTD) {
		size_t n;

		if (!one_zstd_frame(stored->p, bh->stored))
			return EBR_E_ZSTD;
		raw->len = 0;
		if (wbuf_reserve(raw, bh->raw ? bh->raw : 1))
			return EBR_E_NOMEM;
		n = ZSTD_decompressDCtx(dctx, raw->p, bh->raw, stored->p, bh->stored);
		if (ZSTD_isError(n) || n != bh->raw)
			return EBR_E_ZSTD;
		raw->len = n;
		return 0;
	}
	raw->len = 0;
	wbuf_put(raw, stored->p, bh->stored);
	return raw->err;
}

static const char *block_type_name(uint16_t type)
{
	switch (type) {
	case EBR_BLOCK_SCHEMA: return "schema";
	case EBR_BLOCK_META: return "meta";
	case EBR_BLOCK_EVENTS: return "events";
	case EBR_BLOCK_INDEX: return "index";
	}
	return "unknown";
}

/* Notes r->blk as read intact; returns 1 (a block was read) or EBR_E_NOMEM. */
static int block_seen(struct ebr_reader *r)
{
	if (r->nseen == r->cap_seen) {
		uint32_t cap = r->cap_seen ? r->cap_seen * 2 : 64;
		struct ebr_block_info *p = ebr_realloc(r->seen, cap * sizeof(*p));

		if (!p)
			return EBR_E_NOMEM;
		r->seen = p;
		r->cap_seen = cap;
	}
	r->seen[r->nseen++] = r->blk;
	r->blocks_ok++;
	return 1;
}

/*
 * The stages of reading a block, in file order: each returns 1 (a block was read), 0 (the
 * end), < 0 (a source failure), or one of these.
 */
enum {
	BLOCK_GO_ON = 2, /* the stage passed: on to the next */
	BLOCK_SKIP = 3,  /* the block is damaged or unknown, reported: read the next one */
};

/* At a block boundary: the end of the input, or the footer that ends the file. */
static int read_end_or_footer(struct ebr_reader *r, uint64_t at)
{
	long got = win_fill(r, EBR_BLOCK_HEADER_SIZE);

	if (got < 0)
		return (int)got;
	if (got == 0) {
		r->at_end = 1;
		if (!r->saw_footer)
			reader_problem(r, EBR_PROB_NO_FOOTER, EBR_E_TRUNCATED, r->next_seq, at, 0,
				"file ends after block %u at offset %llu without a footer: "
				"the recording did not finish (every complete block was read)",
				r->next_seq ? r->next_seq - 1 : 0, (unsigned long long)at);
		return 0;
	}
	if (got < 8 || memcmp(win_data(r), EBR_FOOTER_MAGIC, 8))
		return BLOCK_GO_ON;
	got = win_fill(r, EBR_FOOTER_SIZE);
	if (got < 0)
		return (int)got;
	r->at_end = 1;
	if (got < EBR_FOOTER_SIZE) {
		reader_problem(r, EBR_PROB_TRUNCATED, EBR_E_TRUNCATED, r->next_seq, at, (uint64_t)got,
			"file cut at offset %llu inside the footer (every block was read)",
			(unsigned long long)(at + (uint64_t)got));
		return 0;
	}
	r->saw_footer = 1;
	win_consume(r, EBR_FOOTER_SIZE);
	got = win_fill(r, 1);
	if (got > 0)
		reader_problem(r, EBR_PROB_GARBAGE, EBR_E_CORRUPT, r->next_seq, r->off, 0,
			"bytes after the footer at offset %llu are ignored",
			(unsigned long long)r->off);
	return 0;
}

/*
 * The block header in the window: parsed, its CRC and size claims checked, consumed, j->bh
 * and j->blk set. A header that fails is skipped by resync(). j->check_err gets what
 * header_check() found wrong besides the size, reported only once the payload proves intact.
 */
static int read_header(struct ebr_reader *r, uint64_t at, struct block_job *j)
{
	struct block_header *bh = &j->bh;
	size_t got = r->win_len; /* what read_end_or_footer() found */
	long skipped;
	int err;

	if (got < EBR_BLOCK_HEADER_SIZE) {
		r->at_end = 1;
		reader_problem(r, EBR_PROB_TRUNCATED, EBR_E_TRUNCATED, r->next_seq, at, (uint64_t)got,
			"file cut at offset %llu inside the header of block %u "
			"(every complete block before it was read)",
			(unsigned long long)(at + (uint64_t)got), r->next_seq);
		return 0;
	}
	err = header_parse(win_data(r), bh);
	if (err) {
		uint32_t seq = r->next_seq;

		skipped = resync(r);
		if (skipped < 0)
			return (int)skipped;
		reader_problem(r, err == EBR_E_CRC ? EBR_PROB_BAD_HEADER : EBR_PROB_GARBAGE, err, seq, at,
			(uint64_t)skipped,
			"block %u at offset %llu: %s; skipped %ld bytes to the next block", seq,
			(unsigned long long)at,
			err == EBR_E_CRC ? "header checksum mismatch" : "no block header here",
			skipped);
		r->next_seq = seq + 1;
		return BLOCK_SKIP;
	}
	err = header_check(bh);
	if (err == EBR_E_TOO_BIG) {
		/*
		 * A valid CRC over an absurd claim: refuse without allocating it. No writer makes
		 * such a block, so its size is not trusted either: the next block is found by
		 * scanning, as after a bad header.
		 */
		skipped = resync(r);
		if (skipped < 0)
			return (int)skipped;
		reader_problem(r, EBR_PROB_BAD_PAYLOAD, err, bh->seq, at, bh->stored,
			"block %u at offset %llu claims %u stored / %u raw bytes, over the "
			"limit of %u: skipped %ld bytes to the next block", bh->seq,
			(unsigned long long)at, bh->stored, bh->raw, EBR_MAX_BLOCK_RAW, skipped);
		r->next_seq = bh->seq + 1;
		return BLOCK_SKIP;
	}
	j->check_err = err;
	win_consume(r, EBR_BLOCK_HEADER_SIZE);
	r->next_seq = bh->seq + 1;
	j->blk = block_info(bh, at);
	return BLOCK_GO_ON;
}

/* The stored payload, read into j->stored whole (its CRC is checked when it is decoded). */
static int read_payload(struct ebr_reader *r, uint64_t at, struct block_job *j)
{
	const struct block_header *bh = &j->bh;
	long got;

	j->stored.len = 0;
	if (wbuf_reserve(&j->stored, bh->stored ? bh->stored : 1))
		return EBR_E_NOMEM;
	got = src_read(r, j->stored.p, bh->stored);
	if (got < 0)
		return (int)got;
	if ((uint32_t)got < bh->stored) {
		r->at_end = 1;
		reader_problem(r, EBR_PROB_TRUNCATED, EBR_E_TRUNCATED, bh->seq, at, (uint64_t)got,
			"file cut at offset %llu inside block %u (starts at offset %llu, "
			"%u of %u payload bytes present): every complete block was read",
			(unsigned long long)r->off, bh->seq, (unsigned long long)at, (unsigned)got,
			bh->stored);
		return 0;
	}
	j->stored.len = bh->stored;
	return 1;
}

/* Whether the payload's CRC is the header's; if not, the problem is j->end. */
static bool payload_intact(struct block_job *j)
{
	const struct block_header *bh = &j->bh;

	if (ebr_crc32c(0, j->stored.p, bh->stored) == bh->payload_crc)
		return true;
	job_problem(j, EBR_E_CRC, bh->stored, "block %u (%s) at offset %llu: payload checksum "
		    "mismatch; its %u events are skipped", bh->seq, block_type_name(bh->type),
		    (unsigned long long)j->blk.offset,
		    bh->type == EBR_BLOCK_EVENTS ? bh->count : 0);
	return false;
}

/* Whether this reader knows the intact block's flags (check_err) and type. */
static int block_known(struct ebr_reader *r, uint64_t at, const struct block_header *bh,
		       int check_err)
{
	if (check_err) {
		reader_problem(r, EBR_PROB_BAD_PAYLOAD, check_err, bh->seq, at, bh->stored,
			"block %u at offset %llu uses flags 0x%x this ebrec does not know: "
			"skipped (a newer ebrec may read it)", bh->seq, (unsigned long long)at,
			bh->flags);
		return BLOCK_SKIP;
	}
	if ((bh->type & EBR_BLOCK_OPTIONAL) && bh->type != EBR_BLOCK_INDEX) {
		reader_problem(r, EBR_PROB_UNKNOWN_BLOCK, 0, bh->seq, at, bh->stored,
			"block %u at offset %llu: optional block type 0x%x unknown, skipped",
			bh->seq, (unsigned long long)at, bh->type);
		return BLOCK_SKIP;
	}
	if (bh->type != EBR_BLOCK_SCHEMA && bh->type != EBR_BLOCK_META &&
	    bh->type != EBR_BLOCK_EVENTS && bh->type != EBR_BLOCK_INDEX) {
		reader_problem(r, EBR_PROB_BAD_PAYLOAD, EBR_E_UNSUPPORTED, bh->seq, at, bh->stored,
			"block %u at offset %llu: required block type 0x%x unknown to this "
			"ebrec: skipped (a newer ebrec may read it)", bh->seq,
			(unsigned long long)at, bh->type);
		return BLOCK_SKIP;
	}
	return BLOCK_GO_ON;
}

/*
 * The next block of the source into j: its header and stored payload, after the damage that
 * comes first (noted in j->before). j->fetched: 1, 0 at the end, < 0 the source failed.
 */
static void fetch_job(struct ebr_reader *r, struct block_job *j)
{
	int ret;

	j->nbefore = 0;
	j->fetch_err = 0;
	j->err = 0;
	r->sink = j;
	do {
		uint64_t at = r->off;

		j->check_err = 0;
		ret = r->at_end ? 0 : read_end_or_footer(r, at);
		if (ret == BLOCK_GO_ON)
			ret = read_header(r, at, j);
		if (ret == BLOCK_GO_ON)
			ret = read_payload(r, at, j);
	} while (ret == BLOCK_SKIP);
	r->sink = NULL;
	j->fetched = ret;
	j->want = r->want_types;
	j->off_thread = ret == 1 && j->bh.type == EBR_BLOCK_EVENTS && !j->check_err;
}

/* ------------------------------------------------------------ events */

/*
 * An event's words (scan_event()) begin with this: its type's index in the schema, and << 32
 * its place in its block (a block in columns may leave out the events of types not wanted).
 */
#define WORD_TYPE(w0) ((uint32_t)(w0))
#define WORD_AT(w0) ((uint32_t)((w0) >> 32))

static void events_damaged(struct block_job *j, const char *what)
{
	job_problem(j, EBR_E_CORRUPT, j->blk.stored_size,
		    "block %u at offset %llu: %s after %u of its %u events; the rest are skipped",
		    j->blk.seq, (unsigned long long)j->blk.offset, what, j->ev_scanned,
		    j->blk.count);
	j->ev_done = true;
}

/* An event field that names an entry past its block's string or stack table. */
static void dangling(struct block_job *j, const struct file_type *t, uint32_t f,
		     const char *table, uint64_t id, uint32_t n)
{
	char what[160];

	snprintf(what, sizeof(what), "field %.40s of a %.40s event names %s %llu of the block's %u",
		 t->fields[f].name, t->name, table, (unsigned long long)id, n);
	events_damaged(j, what);
}

/* the fields of sched.switch of enum switch_field, as the compiled schema numbers them */
static const uint32_t switch_field[SWITCH_FIELDS] = {
	[SWITCH_FLAGS] = EBR_F_SCHED_SWITCH_FLAGS,
	[SWITCH_PREV_TID] = EBR_F_SCHED_SWITCH_PREV_TID,
	[SWITCH_NEXT_TID] = EBR_F_SCHED_SWITCH_NEXT_TID,
	[SWITCH_RUNQ_NS] = EBR_F_SCHED_SWITCH_RUNQ_NS,
	[SWITCH_ONCPU_NS] = EBR_F_SCHED_SWITCH_ONCPU_NS,
	[SWITCH_OFFCPU_NS] = EBR_F_SCHED_SWITCH_OFFCPU_NS,
};

/*
 * In a block with predicted fields, once its columns are open: the listed type sched.switch
 * (cb->switch_k, or UINT32_MAX), the word of each field its predictions read and make, and
 * the switches' memory made ready, sized by what its column of prev_tid can hold.
 * EBR_E_CORRUPT when two listed types are sched.switch or its file type lacks one of the
 * fields (a u64 of that name); EBR_E_NOMEM.
 */
static int switch_fields_find(const struct ebr_reader *r, struct block_job *j)
{
	struct column_block *cb = &j->cb;

	cb->switch_k = UINT32_MAX;
	if (!(j->bh.flags & EBR_BF_COLUMNS_1_8))
		return 0;
	for (uint32_t k = 0; k < cb->ntypes; k++) {
		const struct file_type *t = &r->types[cb->type[k]];
		uint32_t col = cb->first[k];

		if (!t->def || t->def->id != EBR_EV_SCHED_SWITCH)
			continue;
		if (cb->switch_k != UINT32_MAX)
			return EBR_E_CORRUPT;
		for (uint32_t f = 0; f < SWITCH_FIELDS; f++) {
			if (t->map[switch_field[f]] < 0)
				return EBR_E_CORRUPT;
			cb->switch_f[f] = 3 + (uint32_t)t->map[switch_field[f]];
		}
		/* the column of prev_tid: after those of the fields before it, a BYTES field's two */
		for (int32_t f = 0; f < t->map[EBR_F_SCHED_SWITCH_PREV_TID]; f++)
			col += 1 + (t->fields[f].kind == EBR_KIND_BYTES);
		cb->switch_k = k;
		cb->switch_threads = column_values_bound(&cb->cols[col]);
	}
	if (cb->switch_k == UINT32_MAX)
		return 0;
	return switch_memory_start(&cb->switches, cb->ncpus, cb->switch_threads);
}

/* The switch of words w at CPU entry ci (< ncpus), its predicted fields made their values. */
static inline void switch_words(struct column_block *cb, uint32_t ci, uint64_t *w)
{
	const uint32_t *f = cb->switch_f;
	struct switch_prediction p = switch_predict(&cb->switches, ci, w[1], w[f[SWITCH_FLAGS]],
						    w[f[SWITCH_PREV_TID]],
						    w[f[SWITCH_NEXT_TID]]);

	w[f[SWITCH_RUNQ_NS]] = p.runq_ns + (uint64_t)unzigzag(w[f[SWITCH_RUNQ_NS]]);
	w[f[SWITCH_ONCPU_NS]] = p.oncpu_ns + (uint64_t)unzigzag(w[f[SWITCH_ONCPU_NS]]);
	w[f[SWITCH_OFFCPU_NS]] = p.offcpu_ns + (uint64_t)unzigzag(w[f[SWITCH_OFFCPU_NS]]);
}

/*
 * The lists and columns of a block in columns, after its tables (FORMAT.md "EVENTS in
 * columns"), into j->cb: every claim checked against what is left of the payload before it
 * is allocated for.
 */
static int open_columns(const struct ebr_reader *r, struct block_job *j, struct cursor *c)
{
	struct column_block *cb = &j->cb;
	uint32_t count = j->bh.count, seen[EBR_MAX_TYPES / 32] = { 0 };
	uint64_t n, total = 0;
	size_t ncols = 3;
	bool v1_8 = j->bh.flags & EBR_BF_COLUMNS_1_8;
	int err;

	/* a list's entries take a byte at least: a count past what is left is a lie */
	n = cur_varint_max(c, EBR_MAX_TYPES);
	if (c->err || !n || n > cur_left(c) || !count || count > EBR_MAX_BLOCK_EVENTS)
		return EBR_E_CORRUPT;
	if (grow((void **)&cb->type, &cb->cap_type, (size_t)n, sizeof(*cb->type)) ||
	    grow((void **)&cb->first, &cb->cap_first, (size_t)n, sizeof(*cb->first)) ||
	    grow((void **)&cb->n, &cb->cap_n, (size_t)n, sizeof(*cb->n)))
		return EBR_E_NOMEM;
	cb->ntypes = (uint32_t)n;
	for (uint32_t k = 0; k < cb->ntypes; k++) {
		int i = type_find(r, cur_varint(c));
		uint64_t events = cur_varint_max(c, count);

		/* each type once, with events, the schema's */
		if (c->err || i < 0 || !events || seen[i / 32] & 1u << (i % 32))
			return EBR_E_CORRUPT;
		seen[i / 32] |= 1u << (i % 32);
		cb->type[k] = (uint32_t)i;
		cb->first[k] = (uint32_t)ncols;
		cb->n[k] = (uint32_t)events;
		total += events;
		ncols += r->types[i].nfields;
		for (uint32_t f = 0; f < r->types[i].nfields; f++)
			ncols += r->types[i].fields[f].kind == EBR_KIND_BYTES;
	}
	n = cur_varint_max(c, count);
	/* a column takes three bytes at least, the bytes after a BYTES column one, a CPU one */
	if (c->err || total != count || !n || n + 2 * (uint64_t)ncols > cur_left(c))
		return EBR_E_CORRUPT;
	if (grow((void **)&cb->cpu, &cb->cap_cpu, (size_t)n, sizeof(*cb->cpu)) ||
	    grow((void **)&cb->ts, &cb->cap_ts, (size_t)n, sizeof(*cb->ts)) ||
	    grow((void **)&cb->cols, &cb->cap_cols, ncols, sizeof(*cb->cols)))
		return EBR_E_NOMEM;
	cb->ncpus = (uint32_t)n;
	for (uint32_t i = 0; i < cb->ncpus; i++) {
		cb->cpu[i] = cur_varint(c);
		cb->ts[i] = 0;
	}
	cb->ncols = (uint32_t)ncols;
	cb->ndict = 0;
	for (uint32_t col = 0; col < 3; col++)
		if ((err = column_open(&cb->cols[col], c, count, v1_8, &cb->dict, &cb->ndict,
				       &cb->cap_dict)))
			return err;
	for (uint32_t k = 0; k < cb->ntypes; k++) {
		const struct file_type *t = &r->types[cb->type[k]];
		uint32_t col = cb->first[k];

		for (uint32_t f = 0; f < t->nfields; f++) {
			if ((err = column_open(&cb->cols[col++], c, cb->n[k], v1_8, &cb->dict,
					       &cb->ndict, &cb->cap_dict)))
				return err;
			if (t->fields[f].kind != EBR_KIND_BYTES)
				continue;
			/* the values' bytes, one after the other */
			uint64_t size = cur_varint(c);
			const unsigned char *p = cur_bytes(c, (size_t)size);

			if (!p)
				return EBR_E_CORRUPT;
			cb->cols[col++] = (struct column){ .p = p, .end = p + size,
							   .method = COL_BYTES };
		}
	}
	if (c->err || cur_left(c))
		return EBR_E_CORRUPT;
	return switch_fields_find(r, j);
}

/* what column_word() found of a field's value */
enum column_word_check { WORD_OK, WORD_BAD, WORD_NO_STRING, WORD_NO_STACK };

/*
 * A field's column value made the word scan_event() gives (an S64 unzigzagged; a BYTES
 * field's offset in the payload << 32 | its length, its bytes taken from *bytes up to
 * bytes_end) and checked against the block's tables. Both ways of reading columns use it,
 * so that they find the same values damaged.
 */
static inline enum column_word_check column_word(const struct block_job *j, enum ebr_kind kind,
						 uint64_t *x, const unsigned char **bytes,
						 const unsigned char *bytes_end)
{
	switch (kind) {
	case EBR_KIND_S64:
		*x = (uint64_t)unzigzag(*x);
		return WORD_OK;
	case EBR_KIND_STR:
		return *x > j->nstrs ? WORD_NO_STRING : WORD_OK;
	case EBR_KIND_STACK:
		return *x > j->nstacks ? WORD_NO_STACK : WORD_OK;
	case EBR_KIND_BYTES:
		if (*x > EBR_MAX_STRING || *x > (uint64_t)(bytes_end - *bytes))
			return WORD_BAD;
		*x |= (uint64_t)(*bytes - j->raw.p) << 32;
		*bytes += (uint32_t)*x;
		return WORD_OK;
	default:
		return WORD_OK;
	}
}

/* The next event of a block in columns: scan_event()'s words, from a value of each column. */
static int scan_column_event(const struct ebr_reader *r, struct block_job *j, uint64_t *w)
{
	struct column_block *cb = &j->cb;
	const struct file_type *t;
	uint64_t k, ci;
	uint32_t col;
	int err = 0;

	if (j->ev_scanned == j->blk.count) {
		for (col = 0; col < cb->ncols; col++)
			if (!column_done(&cb->cols[col])) {
				events_damaged(j, "a column that holds more values than events");
				return 0;
			}
		j->ev_done = true;
		return 0;
	}
	k = column_next(&cb->cols[0], cb->dict, &err);
	ci = column_next(&cb->cols[1], cb->dict, &err);
	if (err || k >= cb->ntypes || ci >= cb->ncpus) {
		events_damaged(j, "an event that does not decode");
		return 0;
	}
	t = &r->types[cb->type[k]];
	w[0] = cb->type[k] | (uint64_t)j->ev_scanned << 32;
	cb->ts[ci] += (uint64_t)unzigzag(column_next(&cb->cols[2], cb->dict, &err));
	w[1] = cb->ts[ci];
	w[2] = (uint32_t)cb->cpu[ci];
	col = cb->first[k];
	for (uint32_t f = 0; f < t->nfields && !err; f++) {
		enum ebr_kind kind = t->fields[f].kind;
		uint64_t x = column_next(&cb->cols[col++], cb->dict, &err);
		struct column *bytes = kind == EBR_KIND_BYTES ? &cb->cols[col++] : NULL;

		if (err)
			break;
		switch (column_word(j, kind, &x, bytes ? &bytes->p : NULL,
				    bytes ? bytes->end : NULL)) {
		case WORD_NO_STRING:
			dangling(j, t, f, "string", x, j->nstrs);
			return 0;
		case WORD_NO_STACK:
			dangling(j, t, f, "stack", x, j->nstacks);
			return 0;
		case WORD_BAD:
			err = EBR_E_CORRUPT;
			break;
		case WORD_OK:
			break;
		}
		w[3 + f] = x;
	}
	if (err) {
		events_damaged(j, "an event that does not decode");
		return 0;
	}
	if (k == cb->switch_k)
		switch_words(cb, (uint32_t)ci, w);
	j->ev_scanned++;
	return 1;
}

/*
 * The next n values of a field's column into the words of its type's events (at: each one's
 * word for the field), each value made and checked by column_word(); bytes: a BYTES field's
 * column of bytes, which they take from. 0, or EBR_E_CORRUPT at anything
 * scan_column_event() would find damaged.
 */
static int field_words(const struct block_job *j, struct column *col, struct column *bytes,
		       enum ebr_kind kind, uint64_t *w, const uint32_t *at, uint32_t n)
{
	uint64_t most = 0;

	if (column_read(col, j->cb.dict, w, at, n))
		return EBR_E_CORRUPT;
	switch (kind) {
	case EBR_KIND_U64:
		return 0;
	case EBR_KIND_STR:
	case EBR_KIND_STACK:
		/* as column_word(), with one test of the largest index instead of one a value */
		for (uint32_t i = 0; i < n; i++)
			most = w[at[i]] > most ? w[at[i]] : most;
		return most > (kind == EBR_KIND_STR ? j->nstrs : j->nstacks) ? EBR_E_CORRUPT : 0;
	default:
		break;
	}
	for (uint32_t i = 0; i < n; i++)
		if (column_word(j, kind, &w[at[i]], bytes ? &bytes->p : NULL,
				bytes ? bytes->end : NULL) != WORD_OK)
			return EBR_E_CORRUPT;
	return 0;
}

/*
 * the events whose words a block in columns is read into at a time, every column's values
 * for them: the words of so many stay in a core's cache from one column to the next
 */
#define COLUMN_CHUNK 1024u

/*
 * The words of the events kept of [e, e + n) of a block in columns: their CPUs, timestamps
 * and fields from the columns as they are read (cb->work), each type's from its next entry in
 * cb->at (cb->start[k]) on. Every event's CPU and timestamp are read: a timestamp follows
 * from the one before on its CPU, kept or not. 0, or EBR_E_CORRUPT as field_words().
 */
static int chunk_words(const struct ebr_reader *r, struct block_job *j, uint32_t e, uint32_t n,
		       size_t end)
{
	struct column_block *cb = &j->cb;
	const uint32_t *ev_at = cb->at + j->blk.count + e;
	uint64_t *w = j->words, cpus[COLUMN_CHUNK], deltas[COLUMN_CHUNK];

	if (column_read(&cb->work[1], cb->dict, cpus, NULL, n) ||
	    column_read(&cb->work[2], cb->dict, deltas, NULL, n))
		return EBR_E_CORRUPT;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t ci = cpus[i], k = cb->tmp[e + i];

		if (ci >= cb->ncpus)
			return EBR_E_CORRUPT;
		cb->ts[ci] += (uint64_t)unzigzag(deltas[i]);
		if (cb->keep[k]) { /* its words here, not first of all: see the caller */
			uint64_t *ev = w + ev_at[i];

			ev[0] = cb->type[k] | (uint64_t)(e + i) << 32;
			ev[1] = cb->ts[ci];
			ev[2] = (uint32_t)cb->cpu[ci];
		}
		cb->tmp[e + i] = ci; /* for the predicted fields, below */
	}
	for (uint32_t k = 0; k < cb->ntypes; k++) {
		const struct file_type *t = &r->types[cb->type[k]];
		const uint32_t *at = cb->at + cb->start[k];
		uint32_t col = cb->first[k], m = 0;

		/* nothing to read, or read apart (pass_type()): its entries are not looked at */
		if (!t->nfields || !cb->keep[k])
			continue;
		/* the type's events among these: its entries of at before the next events' words */
		while (m < cb->n[k] - (cb->start[k] - cb->first_at[k]) && at[m] < end)
			m++;
		for (uint32_t f = 0; f < t->nfields && m; f++) {
			struct column *bytes = NULL;

			if (t->fields[f].kind == EBR_KIND_BYTES)
				bytes = &cb->work[col + 1];
			if (field_words(j, &cb->work[col], bytes, t->fields[f].kind, w + 3 + f, at, m))
				return EBR_E_CORRUPT;
			col += 1 + (bytes != NULL);
		}
		cb->start[k] += m;
	}
	/* the predicted fields, once the fields they follow from are read; in block order */
	if (cb->switch_k != UINT32_MAX && cb->keep[cb->switch_k]) {
		uint32_t type = cb->type[cb->switch_k];

		/* an event not kept shares its entry with the next kept: its place tells them apart */
		for (uint32_t i = 0; i < n; i++)
			if (ev_at[i] < end && w[ev_at[i]] == (type | (uint64_t)(e + i) << 32))
				switch_words(cb, (uint32_t)cb->tmp[e + i], w + ev_at[i]);
	}
	return 0;
}

/*
 * The columns of listed type k passed over, its events given no words (a type not wanted),
 * with the checks chunk_words() makes of the columns it reads: a block is found damaged or
 * intact whatever is wanted. 0, or EBR_E_CORRUPT.
 */
static int pass_type(const struct ebr_reader *r, struct block_job *j, uint32_t k)
{
	struct column_block *cb = &j->cb;
	const struct file_type *t = &r->types[cb->type[k]];
	uint64_t values[COLUMN_CHUNK];
	uint32_t at[COLUMN_CHUNK], col = cb->first[k];

	for (uint32_t i = 0; i < COLUMN_CHUNK; i++)
		at[i] = i;
	for (uint32_t f = 0; f < t->nfields; f++) {
		enum ebr_kind kind = t->fields[f].kind;
		struct column *bytes = kind == EBR_KIND_BYTES ? &cb->work[col + 1] : NULL;

		/* any value of a number is one: the column's own checks are all there is */
		if (kind == EBR_KIND_U64 || kind == EBR_KIND_S64) {
			if (column_pass(&cb->work[col], cb->dict, cb->n[k]))
				return EBR_E_CORRUPT;
		} else {
			for (uint32_t done = 0, m; done < cb->n[k]; done += m) {
				m = cb->n[k] - done < COLUMN_CHUNK ? cb->n[k] - done : COLUMN_CHUNK;
				if (field_words(j, &cb->work[col], bytes, kind, values, at, m))
					return EBR_E_CORRUPT;
			}
		}
		col += 1 + (bytes != NULL);
	}
	return 0;
}

/*
 * A block in columns turned into j->words, as scan_column_event() would an event at a time,
 * but reading each column many values at a time, and only the events of the types j->want
 * names: the columns of the others are checked, not read into words. false, with nothing
 * changed that scan_column_event() reads but cb->ts and cb->switches (which the caller starts
 * again), when the words would pass JOB_MAX_WORDS or anything is damaged: its events are then
 * scanned one at a time, which gives those before the damage and names it.
 */
static bool scan_columns_whole(const struct ebr_reader *r, struct block_job *j)
{
	struct column_block *cb = &j->cb;
	uint32_t count = j->blk.count, kept = 0, *ev_at;
	uint64_t nwords = 0;
	size_t off = 0;

	if (grow((void **)&cb->keep, &cb->cap_keep, cb->ntypes, sizeof(*cb->keep)))
		return false;
	/* open_columns() checked that the types' counts add up to the block's */
	for (uint32_t k = 0; k < cb->ntypes; k++) {
		cb->keep[k] = r->types[cb->type[k]].type_bit & j->want;
		if (!cb->keep[k])
			continue;
		nwords += (uint64_t)cb->n[k] * (3 + r->types[cb->type[k]].nfields);
		kept += cb->n[k];
	}
	if (nwords > JOB_MAX_WORDS ||
	    ebr_big_grow((void **)&j->words, &j->cap_words, (size_t)nwords, sizeof(*j->words)) ||
	    ebr_big_grow((void **)&cb->tmp, &cb->cap_tmp, count, sizeof(*cb->tmp)) ||
	    ebr_big_grow((void **)&cb->at, &cb->cap_at, 2 * (size_t)count, sizeof(*cb->at)) ||
	    grow((void **)&cb->start, &cb->cap_start, cb->ntypes, sizeof(*cb->start)) ||
	    grow((void **)&cb->first_at, &cb->cap_first_at, cb->ntypes, sizeof(*cb->first_at)) ||
	    grow((void **)&cb->work, &cb->cap_work, cb->ncols, sizeof(*cb->work)))
		return false;
	memcpy(cb->work, cb->cols, cb->ncols * sizeof(*cb->work));
	if (column_read(&cb->work[0], cb->dict, cb->tmp, NULL, count))
		return false;
	/* each type with as many events as its list says */
	memset(cb->start, 0, cb->ntypes * sizeof(*cb->start));
	for (uint32_t e = 0; e < count; e++) {
		if (cb->tmp[e] >= cb->ntypes)
			return false;
		cb->start[cb->tmp[e]]++;
	}
	for (uint32_t k = 0, first = 0; k < cb->ntypes; k++) {
		if (cb->start[k] != cb->n[k])
			return false;
		cb->start[k] = cb->first_at[k] = first;
		first += cb->n[k];
	}
	/* where each event's words start: grouped by type (cb->at, type k's from
	 * cb->first_at[k]), and in event order (ev_at; an event not kept shares the entry of the
	 * next that is, as the words after a chunk start there). The words are not touched here but a
	 * chunk at a time (chunk_words()): a block's words are larger than a core's cache, and
	 * a pass over them all would have each line fetched twice, from the other core's cache
	 * where another thread took the last block out of them (decode_job()'s time doubled on
	 * two threads, perf) */
	ev_at = cb->at + count;
	for (uint32_t e = 0; e < count; e++) {
		uint32_t k = (uint32_t)cb->tmp[e];

		ev_at[e] = (uint32_t)off;
		if (!cb->keep[k])
			continue;
		cb->at[cb->start[k]++] = (uint32_t)off;
		off += 3 + r->types[cb->type[k]].nfields;
	}
	memcpy(cb->start, cb->first_at, cb->ntypes * sizeof(*cb->start));
	for (uint32_t e = 0; e < count; e += COLUMN_CHUNK) {
		uint32_t n = count - e < COLUMN_CHUNK ? count - e : COLUMN_CHUNK;

		if (chunk_words(r, j, e, n, e + n < count ? ev_at[e + n] : (size_t)nwords))
			return false;
	}
	for (uint32_t k = 0; k < cb->ntypes; k++)
		if (!cb->keep[k] && pass_type(r, j, k))
			return false;
	/* every column read to its end, a BYTES field's bytes used up */
	for (uint32_t col = 0; col < cb->ncols; col++)
		if (!column_done(&cb->work[col]))
			return false;
	j->nwords = (size_t)nwords;
	j->nahead = kept;
	j->ev_scanned = count;
	j->ev_done = true;
	return true;
}

/*
 * The next event of j's block, checked, as words: its type's index in the schema, ts, cpu,
 * then a word a field (a number; the index of a string or stack; a BYTES field's offset in
 * the payload << 32 | its length). 1, or 0 at the block's end or its damage (noted in j).
 * It reads the reader's schema, nothing else of it: any thread may run it.
 */
static int scan_event(const struct ebr_reader *r, struct block_job *j, uint64_t *w)
{
	struct cursor *c = &j->ev_cur;
	const struct file_type *t;
	uint64_t id;
	int i;

	if (j->columns)
		return scan_column_event(r, j, w);
	if (!cur_left(c)) {
		if (j->ev_scanned != j->blk.count)
			events_damaged(j, "event count differs from the header");
		j->ev_done = true;
		return 0;
	}
	id = cur_varint(c);
	i = c->err ? -1 : type_find(r, id);
	if (i < 0) {
		events_damaged(j, "an event type that is not in the schema");
		return 0;
	}
	t = &r->types[i];
	w[0] = (uint64_t)i | (uint64_t)j->ev_scanned << 32;
	j->prev_ts += (uint64_t)unzigzag(cur_varint(c));
	w[1] = j->prev_ts;
	w[2] = (uint32_t)cur_varint(c);
	for (uint32_t f = 0; f < t->nfields; f++) {
		uint64_t x;
		const unsigned char *p;

		switch (t->fields[f].kind) {
		case EBR_KIND_U64:
			x = cur_varint(c);
			break;
		case EBR_KIND_S64:
			x = (uint64_t)unzigzag(cur_varint(c));
			break;
		case EBR_KIND_STR:
			x = cur_varint(c);
			if (!c->err && x > j->nstrs) {
				dangling(j, t, f, "string", x, j->nstrs);
				return 0;
			}
			break;
		case EBR_KIND_BYTES:
			x = cur_varint_max(c, EBR_MAX_STRING);
			p = cur_bytes(c, (size_t)x);
			x = p ? (uint64_t)(p - j->raw.p) << 32 | x : 0;
			break;
		case EBR_KIND_STACK:
			x = cur_varint(c);
			if (!c->err && x > j->nstacks) {
				dangling(j, t, f, "stack", x, j->nstacks);
				return 0;
			}
			break;
		default:
			x = 0;
		}
		w[3 + f] = x;
	}
	if (c->err) {
		events_damaged(j, "an event that does not decode");
		return 0;
	}
	j->ev_scanned++;
	return 1;
}

/* r->ev from an event's words (scan_event()); returns how many words it took. */
static size_t build_event(struct ebr_reader *r, const struct block_job *j, const uint64_t *w)
{
	const struct file_type *t = &r->types[WORD_TYPE(w[0])];
	struct ebr_value *raw = t->raw_vals;

	r->ev.ts = w[1];
	r->ev.cpu = (uint32_t)w[2];
	for (uint32_t f = 0; f < t->nfields; f++)
		raw[f].u = w[3 + f];
	for (uint32_t k = 0; k < t->nrefs; k++) {
		uint32_t f = t->refs[k];
		struct ebr_value *v = &raw[f];
		uint64_t x = w[3 + f];

		switch (t->fields[f].kind) {
		case EBR_KIND_STR:
			v->s = j->strdata + j->strs[x].off;
			v->len = j->strs[x].len;
			break;
		case EBR_KIND_BYTES:
			v->u = 0;
			v->s = (const char *)j->raw.p + (x >> 32);
			v->len = (uint32_t)x;
			break;
		case EBR_KIND_STACK:
			v->frames = j->frames + j->stacks[x].off;
			v->len = j->stacks[x].len;
			break;
		default:
			break;
		}
	}
	r->ev.file_type = t->id;
	r->ev.nraw = t->nfields;
	r->ev.raw = raw;
	if (t->def && t->same_fields) {
		r->ev.type = t->def->id;
		r->ev.v = raw;
	} else if (t->def) {
		for (uint32_t f = 0; f < t->def->nfields; f++)
			if (t->map[f] >= 0)
				t->vals[f] = raw[t->map[f]];
		r->ev.type = t->def->id;
		r->ev.v = t->vals;
	} else {
		r->ev.type = EBR_EV_UNKNOWN;
		r->ev.v = raw;
	}
	return 3 + t->nfields;
}

/*
 * An events block decoded: CRC, payload, tables; a block in columns into words whole where it
 * can be (scan_columns_whole()), else with ahead its events scanned into words up to
 * JOB_MAX_WORDS (the rest are scanned as they are taken). Damage goes to j->end and
 * j->skip, running out of memory to j->err. Any thread: of the reader it reads the schema.
 */
static void decode_job(const struct ebr_reader *r, struct block_job *j, bool ahead)
{
	struct cursor c;
	int err;

	j->skip = false;
	j->has_end = false;
	j->nwords = j->nahead = j->given = j->pos = 0;
	j->given_words = 0;
	j->ev_scanned = 0;
	j->ev_done = false;
	j->prev_ts = 0;
	if (!payload_intact(j)) {
		j->skip = true;
		return;
	}
	err = 0;
	if (!j->dctx && !(j->dctx = ZSTD_createDCtx()))
		err = EBR_E_NOMEM;
	if (!err)
		err = decode_payload(j->dctx, &j->stored, &j->raw, &j->bh);
	if (!err) {
		/* an empty payload has no buffer: a cursor over nothing all the same */
		const unsigned char *p = j->raw.p ? j->raw.p : (const unsigned char *)"";

		c = (struct cursor){ p, p + j->raw.len, 0 };
		err = parse_events_tables(j, &c);
	}
	j->columns = j->bh.flags & EBR_BF_COLUMNS;
	if (!err && j->columns)
		err = open_columns(r, j, &c);
	if (err == EBR_E_NOMEM) {
		j->err = err;
		return;
	}
	if (err) {
		job_problem(j, err, j->bh.stored, "block %u (events) at offset %llu does not "
			    "decode (%s); skipped", j->bh.seq, (unsigned long long)j->blk.offset,
			    ebr_strerror(err));
		j->skip = true;
		return;
	}
	j->ev_cur = c;
	if (j->columns && !scan_columns_whole(r, j)) {
		/* and one at a time, from the block's start: its CPUs' timestamps, its switches */
		memset(j->cb.ts, 0, j->cb.ncpus * sizeof(*j->cb.ts));
		if (j->cb.switch_k != UINT32_MAX &&
		    (err = switch_memory_start(&j->cb.switches, j->cb.ncpus,
					       j->cb.switch_threads))) {
			j->err = err;
			return;
		}
	}
	while (ahead && !j->ev_done) {
		size_t need = j->nwords + 3 + EBR_MAX_FIELDS;

		if (need > JOB_MAX_WORDS)
			break;
		/* no room to scan ahead is no failure: the events are scanned as they are taken */
		if (need > j->cap_words &&
		    ebr_big_grow((void **)&j->words, &j->cap_words, 2 * need, sizeof(*j->words)))
			break;
		if (!scan_event(r, j, j->words + j->nwords))
			break;
		j->nwords += 3 + r->types[WORD_TYPE(j->words[j->nwords])].nfields;
		j->nahead++;
	}
}

/* decode_pool's work: an events block, off the reading thread */
static void decode_job_work(void *ctx, void *job)
{
	decode_job(ctx, job, true);
}

/* ------------------------------------------------------------ taking blocks in order */

/* Fetches blocks ahead of the one taken, as deep as the reader goes, handing events to the pool. */
static void fetch_ahead(struct ebr_reader *r)
{
	while (!r->fetch_end && !r->fetch_schema && r->fetched - r->taken < r->depth) {
		struct block_job *j = &r->jobs[r->fetched++ % r->depth];

		fetch_job(r, j);
		if (j->fetched <= 0 || j->fetch_err)
			r->fetch_end = true;
		else if (j->bh.type == EBR_BLOCK_SCHEMA)
			r->fetch_schema = true; /* the events after it are decoded by it */
		j->pooled = j->off_thread && r->pool && !j->fetch_err;
		if (j->pooled)
			decode_pool_submit(r->pool, j);
	}
}

/*
 * A block that is not an intact events block of known flags, interpreted as it is taken:
 * the schema and META taken in, damage reported.
 */
static int take_other(struct ebr_reader *r, struct block_job *j)
{
	const struct block_header *bh = &j->bh;
	struct cursor c;
	int err = 0;

	if (!payload_intact(j)) {
		problems_give(r, &j->end, 1);
		j->has_end = false;
		return BLOCK_SKIP;
	}
	err = block_known(r, j->blk.offset, bh, j->check_err);
	if (err != BLOCK_GO_ON)
		return err;
	if (bh->type == EBR_BLOCK_INDEX)
		return block_seen(r);
	if (!j->dctx && !(j->dctx = ZSTD_createDCtx()))
		return EBR_E_NOMEM;
	err = decode_payload(j->dctx, &j->stored, &j->raw, bh);
	if (!err) {
		ebr_mem_note_decoded(j->raw.len);
		c = (struct cursor){ j->raw.p, j->raw.p + j->raw.len, 0 };
		if (bh->type == EBR_BLOCK_SCHEMA)
			err = parse_schema(r, &c);
		else
			err = r->meta_full ? 0 : parse_meta(r, &c, &r->blk);
	}
	if (err == EBR_E_NOMEM)
		return err;
	if (err) {
		reader_problem(r, EBR_PROB_BAD_PAYLOAD, err, bh->seq, j->blk.offset, bh->stored,
			"block %u (%s) at offset %llu does not decode (%s); skipped", bh->seq,
			block_type_name(bh->type), (unsigned long long)j->blk.offset,
			ebr_strerror(err));
		return BLOCK_SKIP;
	}
	return block_seen(r);
}

/* The oldest block fetched, taken: read_block()'s result, r->cur set for an events block. */
static int take_job(struct ebr_reader *r, struct block_job *j)
{
	problems_give(r, j->before, j->nbefore);
	if (j->fetch_err)
		return j->fetch_err;
	if (j->fetched <= 0)
		return j->fetched;
	r->blk = j->blk;
	if (!j->off_thread) {
		if (j->bh.type == EBR_BLOCK_SCHEMA)
			r->fetch_schema = false;
		return take_other(r, j);
	}
	if (j->pooled)
		decode_pool_wait(r->pool);
	/* on this thread; or again, decoded ahead for fewer types than are wanted now */
	if (!j->pooled || (!j->err && r->want_types & ~j->want)) {
		j->want = r->want_types;
		decode_job(r, j, false);
	}
	if (j->err)
		return j->err;
	if (j->skip) {
		problems_give(r, &j->end, 1);
		return BLOCK_SKIP;
	}
	ebr_mem_note_decoded(j->raw.len);
	r->cur = j;
	return block_seen(r);
}

/*
 * Takes the next intact block in file order: 1 with r->blk set (and r->cur, for events), 0 at
 * the end, < 0 on a failure of the source or of memory. Damaged blocks are reported and
 * skipped.
 */
static int read_block(struct ebr_reader *r)
{
	if (r->cur) {
		r->cur = NULL;
		r->taken++;
	}
	for (;;) {
		struct block_job *j;
		int ret;

		if (r->ended)
			return r->end_rc;
		fetch_ahead(r);
		j = &r->jobs[r->taken % r->depth];
		ret = take_job(r, j);
		if (ret == 1 && r->cur)
			return 1; /* taken once its events are */
		r->taken++;
		if (ret <= 0) {
			r->ended = true;
			r->end_rc = ret;
		}
		if (ret != BLOCK_SKIP)
			return ret;
	}
}

/*
 * The next event of r->cur of a type r wants: 1 with r->ev set, 0 at its block's end (its
 * damage given). An event of another type costs its words' step, not the building of its
 * values; one its decoding left out (j->want), not even that.
 */
static int next_event(struct ebr_reader *r)
{
	struct block_job *j = r->cur;
	const uint64_t *w;
	const struct file_type *t;

	for (;;) {
		if (j->given < j->nahead) {
			w = j->words + j->given_words;
			j->given++;
		} else if (!j->ev_done && scan_event(r, j, r->scan_words)) {
			w = r->scan_words;
		} else {
			r->stepped_over += j->ev_scanned - j->pos; /* left out after the last */
			j->pos = j->ev_scanned;
			if (j->has_end) {
				problems_give(r, &j->end, 1);
				j->has_end = false;
			}
			return 0;
		}
		r->stepped_over += WORD_AT(w[0]) - j->pos; /* left out before it */
		j->pos = WORD_AT(w[0]) + 1;
		t = &r->types[WORD_TYPE(w[0])];
		if (t->type_bit & r->want_types)
			break;
		j->given_words += 3 + t->nfields;
		r->stepped_over++;
	}
	j->given_words += build_event(r, j, w);
	return 1;
}

/*
 * r->cur decoded again with the types wanted now, some of which its decoding left out
 * (ebr_reader_want_types() between two of its events), and taken up where it was: past the
 * events given or stepped over. 0, or EBR_E_NOMEM.
 */
static int redecode_current(struct ebr_reader *r)
{
	struct block_job *j = r->cur;
	uint32_t pos = j->pos;

	j->want = r->want_types;
	decode_job(r, j, false);
	if (j->err)
		return j->err;
	j->pos = pos;
	while (j->given < j->nahead && WORD_AT(j->words[j->given_words]) < pos) {
		j->given_words += 3 + r->types[WORD_TYPE(j->words[j->given_words])].nfields;
		j->given++;
	}
	/* one at a time (the words would be too many): the same events scanned again */
	while (j->given == j->nahead && !j->ev_done && j->ev_scanned < pos &&
	       scan_event(r, j, r->scan_words))
		;
	return 0;
}

int ebr_reader_next(struct ebr_reader *r, const struct ebr_event **ev)
{
	for (;;) {
		int rc;

		if (r->cur && r->want_types & ~r->cur->want && (rc = redecode_current(r)))
			return rc;
		if (r->cur && next_event(r)) {
			*ev = &r->ev;
			return 1;
		}
		rc = read_block(r);
		if (rc <= 0)
			return rc;
	}
}

void ebr_reader_want_types(struct ebr_reader *r, uint32_t types)
{
	r->want_types = types;
}

uint64_t ebr_reader_stepped_over(const struct ebr_reader *r)
{
	return r->stepped_over;
}

int ebr_reader_next_block(struct ebr_reader *r, struct ebr_block_info *info, int decode)
{
	int rc = read_block(r);

	if (rc <= 0)
		return rc;
	while (decode && r->cur && next_event(r))
		;
	*info = r->blk;
	return 1;
}

/* ------------------------------------------------------------ open and close */

int ebr_reader_open(struct ebr_reader **out, const struct ebr_source *src, char *msg,
		    size_t msglen)
{
	struct ebr_reader *r;
	unsigned char hdr[EBR_FILE_HEADER_SIZE];
	long got;
	int err = 0, rc;

	*out = NULL;
	if (msg && msglen)
		msg[0] = 0;
	r = ebr_calloc(1, sizeof(*r));
	if (!r)
		return EBR_E_NOMEM;
	r->src = *src;
	siphash_key_random(&r->meta_hash_key);
	r->dctx = ZSTD_createDCtx();
	r->jobs = ebr_calloc(MAX_JOBS, sizeof(*r->jobs));
	r->win = ebr_malloc(WIN_SIZE);
	r->problems = ebr_malloc(MAX_PROBLEMS * sizeof(*r->problems));
	r->depth = 1;
	r->want_types = EBR_EVERY_TYPE;
	if (!r->dctx || !r->jobs || !r->win || !r->problems) {
		err = EBR_E_NOMEM;
		goto fail;
	}
	got = src_read(r, hdr, sizeof(hdr));
	if (got < 0) {
		err = (int)got;
		goto fail;
	}
	if (got == 0) {
		err = EBR_E_EMPTY;
		if (msg)
			snprintf(msg, msglen, "the file is empty");
		goto fail;
	}
	if (memcmp(hdr, EBR_FILE_MAGIC, (size_t)got < 8 ? (size_t)got : 8)) {
		err = EBR_E_NOT_TRACE;
		if (msg)
			snprintf(msg, msglen, "not an ebrec trace (no .ebr magic at offset 0)");
		goto fail;
	}
	if (got < (long)sizeof(hdr)) {
		err = EBR_E_TRUNCATED;
		if (msg)
			snprintf(msg, msglen, "the file is cut inside its header (%ld of %d bytes)",
				 got, EBR_FILE_HEADER_SIZE);
		goto fail;
	}
	r->major = get_le16(hdr + 8);
	r->minor = get_le16(hdr + 10);
	if (r->major != EBR_VERSION_MAJOR) {
		err = EBR_E_VERSION;
		if (msg)
			snprintf(msg, msglen,
				 "trace format %u.%u %s this ebrec, which reads format %u.x%s",
				 r->major, r->minor,
				 r->major > EBR_VERSION_MAJOR ? "is newer than" : "predates", EBR_VERSION_MAJOR,
				 r->major > EBR_VERSION_MAJOR ? ": upgrade ebrec to read it" : "");
		goto fail;
	}
	rc = read_block(r);
	if (rc < 0) {
		err = rc;
		goto fail;
	}
	if (rc == 0 || r->blk.type != EBR_BLOCK_SCHEMA || !r->types) {
		/* the schema block is damaged; this build's schema is the file's if versions match */
		if (r->minor == EBR_VERSION_MINOR && !schema_from_build(r)) {
			reader_problem(r, EBR_PROB_BAD_PAYLOAD, EBR_E_CORRUPT, 0, EBR_FILE_HEADER_SIZE, 0,
				"the schema block is missing or damaged: using this ebrec's own "
				"schema for format %u.%u", r->major, r->minor);
		} else {
			err = EBR_E_CORRUPT;
			if (msg)
				snprintf(msg, msglen, "the schema block (offset %d) is missing or damaged: "
					 "no event can be decoded", EBR_FILE_HEADER_SIZE);
			goto fail;
		}
	}
	*out = r;
	return 0;
fail:
	ebr_reader_close(r);
	return err;
}

void ebr_reader_close(struct ebr_reader *r)
{
	if (!r)
		return;
	/* first: its threads may be decoding blocks ahead, with the schema */
	decode_pool_free(r->pool);
	types_free(r->types, r->ntypes);
	ebr_free(r->type_ids);
	for (uint32_t i = 0; i < r->nmeta; i++) {
		ebr_free(r->meta_key[i]);
		ebr_free(r->meta_val[i]);
	}
	ebr_free(r->meta_key);
	ebr_free(r->meta_val);
	ebr_free(r->meta_slots);
	for (uint32_t i = 0; i < r->npin; i++) {
		ebr_free(r->pin_key[i]);
		ebr_free(r->pin_val[i]);
	}
	wbuf_release(&r->stored);
	wbuf_release(&r->raw);
	ZSTD_freeDCtx(r->dctx);
	for (uint32_t i = 0; r->jobs && i < MAX_JOBS; i++) {
		struct block_job *j = &r->jobs[i];

		wbuf_release(&j->stored);
		wbuf_release(&j->raw);
		ZSTD_freeDCtx(j->dctx);
		ebr_free(j->before);
		ebr_free(j->strdata);
		ebr_free(j->strs);
		ebr_free(j->frames);
		ebr_free(j->stacks);
		ebr_big_free(j->words, j->cap_words, sizeof(*j->words));
		column_block_release(&j->cb);
	}
	ebr_free(r->jobs);
	ebr_free(r->seen);
	ebr_free(r->win);
	ebr_free(r->problems);
	ebr_free(r);
}

int ebr_reader_set_threads(struct ebr_reader *r, unsigned n)
{
	size_t limit = ebr_mem_limit();
	unsigned depth;
	int err;

	/* the ring of jobs changes size: only while no block is in it */
	if (r->pool || n < 2 || r->fetched != r->taken || r->cur)
		return 0;
	if (n > MAX_JOBS - 1)
		n = MAX_JOBS - 1;
	/*
	 * A block a thread; and one more, which the reading thread decodes while it waits for
	 * its next (decode_pool_wait()), where the budget (--max-memory) has room for it in its
	 * first quarter: each job of the ring keeps its buffers, and the views need the budget.
	 */
	depth = n + (!limit || JOB_HOLDS_MAX < limit / 4);
	err = decode_pool_new(&r->pool, n - 1, depth, decode_job_work, r);
	if (!err)
		r->depth = depth;
	return err;
}

const struct ebr_block_info *reader_blocks(const struct ebr_reader *r, uint32_t *n)
{
	*n = r->nseen;
	return r->seen;
}

const struct ebr_source *reader_source(const struct ebr_reader *r)
{
	return &r->src;
}

int reader_parse_meta(struct ebr_reader *r, struct cursor *c, const struct ebr_block_info *b)
{
	return r->meta_full ? 0 : parse_meta(r, c, b);
}

int reader_block_at(struct ebr_reader *r, uint64_t off, uint16_t want_type,
		    struct ebr_block_info *info, struct cursor *payload)
{
	unsigned char h[EBR_BLOCK_HEADER_SIZE];
	struct block_header bh;
	long got;
	int err;

	if (!r->src.pread || off > r->src.size || r->src.size - off < sizeof(h))
		return EBR_E_NO_INDEX;
	got = r->src.pread(r->src.ctx, h, sizeof(h), off);
	if (got < 0)
		return (int)got;
	if ((size_t)got < sizeof(h))
		return EBR_E_TRUNCATED;
	err = header_parse(h, &bh);
	if (!err)
		err = header_check(&bh);
	if (err)
		return err;
	if (bh.type != want_type)
		return EBR_E_CORRUPT;
	if (r->src.size - off - sizeof(h) < bh.stored)
		return EBR_E_TRUNCATED;
	r->stored.len = 0;
	if (wbuf_reserve(&r->stored, bh.stored ? bh.stored : 1))
		return EBR_E_NOMEM;
	got = r->src.pread(r->src.ctx, r->stored.p, bh.stored, off + sizeof(h));
	if (got < 0)
		return (int)got;
	if ((uint32_t)got < bh.stored)
		return EBR_E_TRUNCATED;
	if (ebr_crc32c(0, r->stored.p, bh.stored) != bh.payload_crc)
		return EBR_E_CRC;
	err = decode_payload(r->dctx, &r->stored, &r->raw, &bh);
	if (err)
		return err;
	ebr_mem_note_decoded(r->raw.len);
	*info = block_info(&bh, off);
	*payload = (struct cursor){ r->raw.p, r->raw.p + r->raw.len, 0 };
	return 0;
}

void ebr_reader_version(const struct ebr_reader *r, uint16_t *major, uint16_t *minor)
{
	*major = r->major;
	*minor = r->minor;
}

uint32_t ebr_reader_problem_count(const struct ebr_reader *r)
{
	return r->nproblems;
}

const struct ebr_problem *ebr_reader_problem(const struct ebr_reader *r, uint32_t i)
{
	return i < r->nproblems ? &r->problems[i] : NULL;
}

const char *ebr_reader_meta(const struct ebr_reader *r, const char *key)
{
	int i = meta_find(r, key);

	return i >= 0 ? r->meta_val[i] : NULL;
}

uint64_t ebr_reader_start_ns(const struct ebr_reader *r)
{
	return r->start_ns;
}

int ebr_reader_pin_start(struct ebr_reader *r, const struct ebr_reader *first)
{
	for (uint32_t i = 0; i < first->nmeta && r->npin < PIN_KEYS; i++) {
		if (strncmp(first->meta_key[i], "clock.start.", 12))
			continue;
		r->pin_key[r->npin] = ebr_strdup(first->meta_key[i]);
		r->pin_val[r->npin] = ebr_strdup(first->meta_val[i]);
		if (!r->pin_key[r->npin] || !r->pin_val[r->npin]) {
			ebr_free(r->pin_key[r->npin]);
			ebr_free(r->pin_val[r->npin]);
			return EBR_E_NOMEM;
		}
		r->npin++;
	}
	r->start_pinned = true;
	r->start_ns = first->start_ns;
	return 0;
}

uint32_t ebr_reader_meta_count(const struct ebr_reader *r)
{
	return r->nmeta;
}

void ebr_reader_meta_at(const struct ebr_reader *r, uint32_t i, const char **key,
			const char **value)
{
	*key = i < r->nmeta ? r->meta_key[i] : NULL;
	*value = i < r->nmeta ? r->meta_val[i] : NULL;
}

uint32_t ebr_reader_type_count(const struct ebr_reader *r)
{
	return r->ntypes;
}

int ebr_reader_type_at(const struct ebr_reader *r, uint32_t i, uint32_t *file_id,
		       const char **name, uint32_t *nfields)
{
	if (i >= r->ntypes)
		return EBR_E_INVALID;
	*file_id = r->types[i].id;
	*name = r->types[i].name;
	*nfields = r->types[i].nfields;
	return 0;
}

int ebr_reader_type_field(const struct ebr_reader *r, uint32_t i, uint32_t f,
			  const char **name, enum ebr_kind *kind)
{
	if (i >= r->ntypes || f >= r->types[i].nfields)
		return EBR_E_INVALID;
	*name = r->types[i].fields[f].name;
	*kind = r->types[i].fields[f].kind;
	return 0;
}

int ebr_reader_type_index(const struct ebr_reader *r, uint32_t file_id)
{
	return type_find(r, file_id);
}

uint32_t ebr_reader_type_bit(const struct ebr_reader *r, uint32_t i)
{
	return i < r->ntypes ? r->types[i].type_bit : 0;
}

uint64_t ebr_reader_offset(const struct ebr_reader *r)
{
	return r->off;
}
