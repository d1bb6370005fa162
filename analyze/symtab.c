// SPDX-License-Identifier: GPL-2.0-only
/* The symbols of a trace and frame naming: analyze/symtab.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/demangle.h"
#include "analyze/grow.h"
#include "analyze/siphash.h"
#include "analyze/symtab.h"
#include "format/mem.h"

/* Room for one more entry of a table, or NULL (out of memory or past the cap). */
static void *table_slot(struct symtab *s, void **arr, uint32_t *n, uint32_t *cap, size_t elem,
			int *err)
{
	void *p;

	if (*n >= SYMTAB_MAX_ENTRIES) {
		s->ignored++;
		return NULL;
	}
	p = grow_array(*arr, *n, cap, elem);
	if (!p) {
		*err = EBR_E_NOMEM;
		return NULL;
	}
	*arr = p;
	return (char *)p + (size_t)(*n)++ * elem;
}

static int names_grow(struct symtab_names *t)
{
	uint32_t cap = t->cap ? t->cap * 2 : 256;
	struct symtab_name *slots = cap > t->cap ? ebr_calloc(cap, sizeof(*slots)) : NULL;

	if (!slots)
		return EBR_E_NOMEM;
	for (uint32_t i = 0; i < t->cap; i++) {
		uint32_t j;

		if (!t->slots[i].raw)
			continue;
		for (j = (uint32_t)t->slots[i].hash & (cap - 1); slots[j].raw; j = (j + 1) & (cap - 1))
			;
		slots[j] = t->slots[i];
	}
	ebr_free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}

/*
 * The kept copy of v's string: function names (function) as a reader wants them, demangled
 * when they are C++ or Rust names. NULL with *err set when out of memory.
 */
static const char *keep_name(struct symtab *s, const struct ebr_value *v, bool function,
			     int *err)
{
	struct symtab_names *t = &s->names;
	const char *raw = v->s ? v->s : "";
	uint64_t h = siphash(function, raw, strlen(raw));
	char buf[DEMANGLE_MAX];
	struct symtab_name *n;
	uint32_t i;

	for (i = (uint32_t)h & (t->cap - 1); t->cap && t->slots[i].raw; i = (i + 1) & (t->cap - 1)) {
		n = &t->slots[i];
		if (n->hash == h && n->function == function && !strcmp(n->raw, raw))
			return n->text;
	}
	if ((t->len + 1) * 2 > t->cap) {
		if ((*err = names_grow(t)))
			return NULL;
		for (i = (uint32_t)h & (t->cap - 1); t->slots[i].raw; i = (i + 1) & (t->cap - 1))
			;
	}
	n = &t->slots[i];
	n->raw = ebr_strdup(raw);
	n->text = n->raw && function && demangle(raw, buf, sizeof(buf)) ? ebr_strdup(buf) : n->raw;
	if (!n->raw || !n->text) {
		ebr_free(n->raw);
		n->raw = n->text = NULL;
		*err = EBR_E_NOMEM;
		return NULL;
	}
	n->hash = h;
	n->function = function;
	t->len++;
	return n->text;
}

/* A build-id as the tools that take one read it (pprof, Perfetto, debuginfod): hex. */
static const char *keep_build_id(struct symtab *s, const struct ebr_value *v, int *err)
{
	char hex[2 * 64 + 1];
	struct ebr_value text = { .s = hex };
	uint32_t n = v->s && v->len <= 64 ? v->len : 0; /* GNU build-ids are 20 bytes, or 16 */

	for (uint32_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)v->s[i]);
	hex[2 * n] = 0;
	return keep_name(s, &text, false, err);
}

int symtab_on_event(struct symtab *s, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	int err = 0;

	switch (ev->type) {
	case EBR_EV_SYM_KERNEL: {
		struct symtab_ksym *k = table_slot(s, (void **)&s->ksyms, &s->nksyms,
						   &s->cap_ksyms, sizeof(*k), &err);

		if (!k)
			return err ?: 1;
		k->addr = v[EBR_F_SYM_KERNEL_ADDR].u;
		k->size = v[EBR_F_SYM_KERNEL_SIZE].u;
		k->name = keep_name(s, &v[EBR_F_SYM_KERNEL_NAME], true, &err);
		k->module = keep_name(s, &v[EBR_F_SYM_KERNEL_MODULE], false, &err);
		break;
	}
	case EBR_EV_SYM_OBJECT: {
		struct symtab_object *o = table_slot(s, (void **)&s->objects, &s->nobjects,
						     &s->cap_objects, sizeof(*o), &err);

		if (!o)
			return err ?: 1;
		o->id = v[EBR_F_SYM_OBJECT_OBJECT].u;
		o->path = keep_name(s, &v[EBR_F_SYM_OBJECT_PATH], false, &err);
		o->build_id = keep_build_id(s, &v[EBR_F_SYM_OBJECT_BUILD_ID], &err);
		break;
	}
	case EBR_EV_SYM_MAP: {
		struct symtab_map *m = table_slot(s, (void **)&s->maps, &s->nmaps, &s->cap_maps,
						  sizeof(*m), &err);

		if (!m)
			return err ?: 1;
		m->pid = v[EBR_F_SYM_MAP_PID].u;
		m->start = v[EBR_F_SYM_MAP_START].u;
		m->end = v[EBR_F_SYM_MAP_END].u;
		m->pgoff = v[EBR_F_SYM_MAP_PGOFF].u;
		m->object = v[EBR_F_SYM_MAP_OBJECT].u;
		m->seq = s->nmaps;
		m->name = keep_name(s, &v[EBR_F_SYM_MAP_NAME], false, &err);
		break;
	}
	case EBR_EV_SYM_FUNC: {
		struct symtab_func *f = table_slot(s, (void **)&s->funcs, &s->nfuncs,
						   &s->cap_funcs, sizeof(*f), &err);

		if (!f)
			return err ?: 1;
		f->object = v[EBR_F_SYM_FUNC_OBJECT].u;
		f->offset = v[EBR_F_SYM_FUNC_OFFSET].u;
		f->depth = v[EBR_F_SYM_FUNC_DEPTH].u;
		f->line = v[EBR_F_SYM_FUNC_LINE].u;
		f->name = keep_name(s, &v[EBR_F_SYM_FUNC_NAME], true, &err);
		f->file = keep_name(s, &v[EBR_F_SYM_FUNC_FILE], false, &err);
		break;
	}
	default:
		return 0;
	}
	s->sorted = false;
	return err ?: 1;
}

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b))

static int ksym_cmp(const void *a, const void *b)
{
	const struct symtab_ksym *x = a, *y = b;

	return CMP(x->addr, y->addr);
}

static int object_cmp(const void *a, const void *b)
{
	const struct symtab_object *x = a, *y = b;

	return CMP(x->id, y->id);
}

static int map_cmp(const void *a, const void *b)
{
	const struct symtab_map *x = a, *y = b;

	return x->pid != y->pid ? CMP(x->pid, y->pid) : CMP(x->start, y->start);
}

static int func_cmp(const void *a, const void *b)
{
	const struct symtab_func *x = a, *y = b;

	if (x->object != y->object)
		return CMP(x->object, y->object);
	return x->offset != y->offset ? CMP(x->offset, y->offset) : CMP(x->depth, y->depth);
}

/* A max-heap of map indices by seq: the mappings that hold the current address. */
static void heap_push(const struct symtab_map *maps, uint32_t *heap, uint32_t *n, uint32_t m)
{
	uint32_t i = (*n)++;

	for (; i && maps[heap[(i - 1) / 2]].seq < maps[m].seq; i = (i - 1) / 2)
		heap[i] = heap[(i - 1) / 2];
	heap[i] = m;
}

static void heap_pop(const struct symtab_map *maps, uint32_t *heap, uint32_t *n)
{
	uint32_t last = heap[--(*n)], i = 0;

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && maps[heap[c + 1]].seq > maps[heap[c]].seq)
			c++;
		if (maps[heap[c]].seq <= maps[last].seq)
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (*n)
		heap[i] = last;
}

static int u64_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return CMP(*x, *y);
}

/* The spans of the maps [a, b) of one process (sorted by start), appended to s->spans. */
static void cut_spans(struct symtab *s, uint32_t a, uint32_t b, uint64_t *points,
		      uint32_t *heap)
{
	const struct symtab_map *maps = s->maps;
	uint32_t npoints = 0, nheap = 0, next = a;

	for (uint32_t i = a; i < b; i++) {
		points[npoints++] = maps[i].start;
		points[npoints++] = maps[i].end;
	}
	qsort(points, npoints, sizeof(*points), u64_cmp);
	for (uint32_t p = 0; p + 1 < npoints; p++) {
		uint64_t x = points[p];
		struct symtab_span *last = s->nspans ? &s->spans[s->nspans - 1] : NULL;

		if (x == points[p + 1])
			continue;
		for (; next < b && maps[next].start <= x; next++)
			if (maps[next].start < maps[next].end)
				heap_push(maps, heap, &nheap, next);
		while (nheap && maps[heap[0]].end <= x)
			heap_pop(maps, heap, &nheap);
		if (!nheap)
			continue;
		if (last && last->pid == maps[a].pid && last->map == heap[0] && last->end == x)
			last->end = points[p + 1];
		else
			s->spans[s->nspans++] = (struct symtab_span){ maps[a].pid, x, points[p + 1],
								     heap[0] };
	}
}

int symtab_sort(struct symtab *s)
{
	uint64_t *points = NULL;
	uint32_t *heap = NULL;

	if (s->nksyms)
		qsort(s->ksyms, s->nksyms, sizeof(*s->ksyms), ksym_cmp);
	if (s->nobjects)
		qsort(s->objects, s->nobjects, sizeof(*s->objects), object_cmp);
	if (s->nmaps)
		qsort(s->maps, s->nmaps, sizeof(*s->maps), map_cmp);
	if (s->nfuncs)
		qsort(s->funcs, s->nfuncs, sizeof(*s->funcs), func_cmp);
	ebr_free(s->spans);
	s->spans = NULL;
	s->nspans = 0;
	if (s->nmaps) {
		/* each boundary starts at most one span: 2 * nmaps of them at most */
		s->spans = ebr_calloc(2 * (size_t)s->nmaps, sizeof(*s->spans));
		points = ebr_calloc(2 * (size_t)s->nmaps, sizeof(*points));
		heap = ebr_calloc(s->nmaps, sizeof(*heap));
		if (!s->spans || !points || !heap) {
			ebr_free(points);
			ebr_free(heap);
			return EBR_E_NOMEM;
		}
		for (uint32_t a = 0, b; a < s->nmaps; a = b) {
			for (b = a + 1; b < s->nmaps && s->maps[b].pid == s->maps[a].pid; b++)
				;
			cut_spans(s, a, b, points, heap);
		}
		ebr_free(points);
		ebr_free(heap);
	}
	s->sorted = true;
	return 0;
}

/* Index of the first element of a sorted table not less than the key (lower bound). */
#define LOWER_BOUND(arr, n, less_than_key)                                             \
	({                                                                             \
		uint32_t lo_ = 0, hi_ = (n);                                           \
		while (lo_ < hi_) {                                                    \
			uint32_t mid_ = lo_ + (hi_ - lo_) / 2;                         \
			if (less_than_key(&(arr)[mid_]))                               \
				lo_ = mid_ + 1;                                        \
			else                                                           \
				hi_ = mid_;                                            \
		}                                                                      \
		lo_;                                                                   \
	})

static const struct symtab_ksym *ksym_at(const struct symtab *s, uint64_t addr)
{
#define KSYM_LE(k) ((k)->addr <= addr)
	uint32_t i = LOWER_BOUND(s->ksyms, s->nksyms, KSYM_LE);
#undef KSYM_LE
	const struct symtab_ksym *k;

	if (!i)
		return NULL;
	k = &s->ksyms[i - 1];
	return !k->size || addr - k->addr < k->size ? k : NULL;
}

const struct symtab_object *symtab_object_of(const struct symtab *s, uint64_t id)
{
#define OBJ_LT(o) ((o)->id < id)
	uint32_t i = LOWER_BOUND(s->objects, s->nobjects, OBJ_LT);
#undef OBJ_LT
	return i < s->nobjects && s->objects[i].id == id ? &s->objects[i] : NULL;
}

/* The latest mapping of pid holding addr. */
static const struct symtab_map *map_of(const struct symtab *s, uint64_t pid, uint64_t addr)
{
#define SPAN_LE(x) ((x)->pid < pid || ((x)->pid == pid && (x)->start <= addr))
	uint32_t i = LOWER_BOUND(s->spans, s->nspans, SPAN_LE);
#undef SPAN_LE
	const struct symtab_span *sp = i ? &s->spans[i - 1] : NULL;

	return sp && sp->pid == pid && addr < sp->end ? &s->maps[sp->map] : NULL;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

static void name_unknown(struct frame_names *out, const char *module, uint64_t off)
{
	snprintf(out->buf, sizeof(out->buf), "[unknown] %s+0x%" PRIx64, module, off);
	out->name[0] = out->buf;
	out->file[0] = "";
	out->line[0] = 0;
	out->n = 1;
	out->resolved = false;
}

static void name_user(const struct symtab *s, uint64_t pid, uint64_t addr, uint32_t i,
		      struct frame_names *out)
{
	const struct symtab_map *m = map_of(s, pid, addr);
	const struct symtab_object *o;
	uint64_t off, key;
	uint32_t f, end;

	out->map = m;
	out->offset = addr;
	if (!m) {
		name_unknown(out, "[unmapped]", addr);
		return;
	}
	off = addr - m->start + m->pgoff;
	out->offset = off;
	key = i ? off - 1 : off;
	/* the entries at this offset, found by two searches: a trace may hold millions of them */
#define FUNC_LT(x) ((x)->object < m->object || ((x)->object == m->object && (x)->offset < key))
#define FUNC_LE(x) ((x)->object < m->object || ((x)->object == m->object && (x)->offset <= key))
	f = LOWER_BOUND(s->funcs, s->nfuncs, FUNC_LT);
	end = LOWER_BOUND(s->funcs, s->nfuncs, FUNC_LE);
#undef FUNC_LE
#undef FUNC_LT
	if (f == end || !m->object) {
		o = m->object ? symtab_object_of(s, m->object) : NULL;
		name_unknown(out, base_name(o ? o->path : m->name), off);
		return;
	}
	/* the events are outermost first (depth 0 is the function); frames go innermost first */
	out->n = 0;
	for (uint32_t j = end; j > f && out->n <= SYMTAB_MAX_INLINE; j--) {
		out->file[out->n] = s->funcs[j - 1].file;
		out->line[out->n] = s->funcs[j - 1].line;
		out->name[out->n++] = s->funcs[j - 1].name;
	}
	out->resolved = true;
}

void symtab_name_frame(const struct symtab *s, bool kernel, uint64_t pid, uint64_t addr,
		       uint32_t i, struct frame_names *out)
{
	const struct symtab_ksym *k;

	out->map = NULL;
	out->offset = addr;
	if (!kernel) {
		name_user(s, pid, addr, i, out);
		return;
	}
	k = ksym_at(s, i ? addr - 1 : addr);
	if (!k) {
		name_unknown(out, "[kernel]", addr);
		return;
	}
	out->name[0] = k->name;
	out->file[0] = "";
	out->line[0] = 0;
	out->n = 1;
	out->resolved = true;
}

void symtab_release(struct symtab *s)
{
	for (uint32_t i = 0; i < s->names.cap; i++) {
		if (s->names.slots[i].text != s->names.slots[i].raw)
			ebr_free(s->names.slots[i].text);
		ebr_free(s->names.slots[i].raw);
	}
	ebr_free(s->names.slots);
	ebr_free(s->ksyms);
	ebr_free(s->objects);
	ebr_free(s->maps);
	ebr_free(s->funcs);
	ebr_free(s->spans);
	memset(s, 0, sizeof(*s));
}
