// SPDX-License-Identifier: GPL-2.0-only
/* The symbols of a trace and frame naming: analyze/symtab.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/demangle.h"
#include "analyze/grow.h"
#include "analyze/symtab.h"

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

static char *dup_str(const struct ebr_value *v, int *err)
{
	char *p = strdup(v->s ? v->s : "");

	if (!p)
		*err = EBR_E_NOMEM;
	return p;
}

/* A function's name as a reader wants it: demangled when it is a C++ or Rust name. */
static char *dup_name(const struct ebr_value *v, int *err)
{
	char buf[DEMANGLE_MAX];
	char *p;

	if (!demangle(v->s, buf, sizeof(buf)))
		return dup_str(v, err);
	p = strdup(buf);
	if (!p)
		*err = EBR_E_NOMEM;
	return p;
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
		k->name = dup_name(&v[EBR_F_SYM_KERNEL_NAME], &err);
		k->module = dup_str(&v[EBR_F_SYM_KERNEL_MODULE], &err);
		break;
	}
	case EBR_EV_SYM_OBJECT: {
		struct symtab_object *o = table_slot(s, (void **)&s->objects, &s->nobjects,
						     &s->cap_objects, sizeof(*o), &err);

		if (!o)
			return err ?: 1;
		o->id = v[EBR_F_SYM_OBJECT_OBJECT].u;
		o->path = dup_str(&v[EBR_F_SYM_OBJECT_PATH], &err);
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
		m->name = dup_str(&v[EBR_F_SYM_MAP_NAME], &err);
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
		f->name = dup_name(&v[EBR_F_SYM_FUNC_NAME], &err);
		f->file = dup_str(&v[EBR_F_SYM_FUNC_FILE], &err);
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

void symtab_sort(struct symtab *s)
{
	if (s->nksyms)
		qsort(s->ksyms, s->nksyms, sizeof(*s->ksyms), ksym_cmp);
	if (s->nobjects)
		qsort(s->objects, s->nobjects, sizeof(*s->objects), object_cmp);
	if (s->nmaps)
		qsort(s->maps, s->nmaps, sizeof(*s->maps), map_cmp);
	if (s->nfuncs)
		qsort(s->funcs, s->nfuncs, sizeof(*s->funcs), func_cmp);
	s->sorted = true;
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

static const struct symtab_object *object_of(const struct symtab *s, uint64_t id)
{
#define OBJ_LT(o) ((o)->id < id)
	uint32_t i = LOWER_BOUND(s->objects, s->nobjects, OBJ_LT);
#undef OBJ_LT
	return i < s->nobjects && s->objects[i].id == id ? &s->objects[i] : NULL;
}

/* The latest mapping of pid holding addr. */
static const struct symtab_map *map_of(const struct symtab *s, uint64_t pid, uint64_t addr)
{
#define MAP_LT(m) ((m)->pid < pid)
	uint32_t i = LOWER_BOUND(s->maps, s->nmaps, MAP_LT);
#undef MAP_LT
	const struct symtab_map *best = NULL;

	for (; i < s->nmaps && s->maps[i].pid == pid && s->maps[i].start <= addr; i++)
		if (addr < s->maps[i].end && (!best || s->maps[i].seq > best->seq))
			best = &s->maps[i];
	return best;
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

	if (!m) {
		name_unknown(out, "[unmapped]", addr);
		return;
	}
	off = addr - m->start + m->pgoff;
	key = i ? off - 1 : off;
#define FUNC_LT(x) ((x)->object < m->object || ((x)->object == m->object && (x)->offset < key))
	f = LOWER_BOUND(s->funcs, s->nfuncs, FUNC_LT);
#undef FUNC_LT
	for (end = f; end < s->nfuncs && s->funcs[end].object == m->object &&
		      s->funcs[end].offset == key;
	     end++)
		;
	if (f == end || !m->object) {
		o = m->object ? object_of(s, m->object) : NULL;
		name_unknown(out, base_name(o ? o->path : m->name), off);
		return;
	}
	/* the events are outermost first (depth 0 is the function); frames go innermost first */
	out->n = 0;
	for (uint32_t j = end; j > f && out->n <= SYMTAB_MAX_INLINE; j--)
		out->name[out->n++] = s->funcs[j - 1].name;
	out->resolved = true;
}

void symtab_name_frame(const struct symtab *s, bool kernel, uint64_t pid, uint64_t addr,
		       uint32_t i, struct frame_names *out)
{
	const struct symtab_ksym *k;

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
	out->n = 1;
	out->resolved = true;
}

void symtab_release(struct symtab *s)
{
	for (uint32_t i = 0; i < s->nksyms; i++) {
		free(s->ksyms[i].name);
		free(s->ksyms[i].module);
	}
	for (uint32_t i = 0; i < s->nobjects; i++)
		free(s->objects[i].path);
	for (uint32_t i = 0; i < s->nmaps; i++)
		free(s->maps[i].name);
	for (uint32_t i = 0; i < s->nfuncs; i++) {
		free(s->funcs[i].name);
		free(s->funcs[i].file);
	}
	free(s->ksyms);
	free(s->objects);
	free(s->maps);
	free(s->funcs);
	memset(s, 0, sizeof(*s));
}
