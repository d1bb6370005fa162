// SPDX-License-Identifier: GPL-2.0-only
/*
 * Binds a parsed program to a trace and types it, before any event is read: every probe
 * expanded against the trace's schema (by name: the families' types under ebrec:, the generic
 * probes' under their own names, bpftrace's tracepoints through the alias table), every
 * args.f and builtin resolved to a field of every probe of its action, every map, variable
 * and function call typed. The messages are bpftrace's where bpftrace has one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "query/ast.h"
#include "query/probes.h"
#include "query/query.h"
#include "report/trace_file.h"

#define CHECK_MAX_VARS 256
#define CHECK_MAX_ARGS 64
#define LHIST_MAX_BUCKETS 1000

struct var {
	const char *name;
	struct qtype type;
};

struct checker {
	struct qcompiled *q;
	const struct ebr_reader *r;
	const char *families;
	const struct ebr_reader *meta; /* the trace's META, when known (query_compile) */
	char *error;
	bool quiet;          /* the first pass: learn the maps' types, say nothing */
	bool nomem;
	struct qaction *act;
	uint32_t act_index;
	struct var vars[CHECK_MAX_VARS];
	uint32_t nvars;
	int loop_depth;
	uint32_t bound_cap;
};

/* Says what is wrong at loc, once: the first error is the one reported. */
static int vfail(struct checker *c, bool stop, const struct qloc *loc, const char *fmt,
		 va_list ap)
{
	char msg[512];

	/* the quiet pass only learns the maps' types: it goes on past what it cannot type */
	if (c->quiet)
		return stop ? -1 : 0;
	if (c->error)
		return -1;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	c->error = qerror_format(&c->q->prog.src, loc, "%s", msg);
	if (!c->error)
		c->nomem = true;
	return -1;
}

static int cerr(struct checker *c, const struct qloc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cerr(struct checker *c, const struct qloc *loc, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfail(c, false, loc, fmt, ap);
	va_end(ap);
	return ret;
}

/* an error after which the walk cannot go on (an argument that is not there), in the quiet
 * pass too, where the strict pass says it */
static int cstop(struct checker *c, const struct qloc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cstop(struct checker *c, const struct qloc *loc, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfail(c, true, loc, fmt, ap);
	va_end(ap);
	return ret;
}

static const char *type_name(struct qtype t)
{
	switch (t.kind) {
	case QTY_INT: return t.is_signed ? "int64" : "uint64";
	case QTY_STR: return "string";
	case QTY_KSTACK: return "kstack";
	case QTY_USTACK: return "ustack";
	default: return "none";
	}
}

static const char *agg_name(enum qagg a)
{
	static const char *const names[] = { "", "count", "sum", "min", "max", "avg", "stats",
		"hist", "lhist" };

	return names[a];
}

/* ------------------------------------------------------------------ probes */

static bool type_held(const struct checker *c, const char *name)
{
	char buf[32];
	const char *fam;

	if (!c->families || !strchr(name, '.') || strchr(name, ':'))
		return true; /* unknown, or a generic probe's type: in the schema only if recorded */
	fam = qtype_family(name, buf, sizeof(buf));
	if (!fam)
		return !strncmp(name, "sym.", 4) || !strncmp(name, "ebr.", 4);
	return trace_list_has(c->families, fam);
}

static int schema_find(const struct ebr_reader *r, const char *name)
{
	uint32_t n = ebr_reader_type_count(r);

	for (uint32_t i = 0; i < n; i++) {
		const char *tn;
		uint32_t id, nf;

		if (!ebr_reader_type_at(r, i, &id, &tn, &nf) && !strcmp(tn, name))
			return (int)i;
	}
	return -1;
}

static int field_find(const struct ebr_reader *r, int ti, const char *name, enum ebr_kind *kind)
{
	const char *tn;
	uint32_t id, nf;

	if (ti < 0 || ebr_reader_type_at(r, (uint32_t)ti, &id, &tn, &nf))
		return -1;
	for (uint32_t f = 0; f < nf; f++) {
		const char *fname;
		enum ebr_kind k;

		if (!ebr_reader_type_field(r, (uint32_t)ti, f, &fname, &k) && !strcmp(fname, name)) {
			*kind = k;
			return (int)f;
		}
	}
	return -1;
}

static const char *schema_name(const struct ebr_reader *r, int ti)
{
	const char *tn = "?";
	uint32_t id, nf;

	ebr_reader_type_at(r, (uint32_t)ti, &id, &tn, &nf);
	return tn;
}

static struct qbound *bound_add(struct checker *c)
{
	struct qcompiled *q = c->q;

	if (q->nbound == c->bound_cap) {
		uint32_t cap = c->bound_cap ? c->bound_cap * 2 : 16;
		struct qbound *nb = realloc(q->bound, cap * sizeof(*nb));

		if (!nb) {
			c->nomem = true;
			return NULL;
		}
		q->bound = nb;
		c->bound_cap = cap;
	}
	struct qbound *b = &q->bound[q->nbound++];

	memset(b, 0, sizeof(*b));
	b->action = c->act_index;
	b->type_index = -1;
	return b;
}

static char *arena_printf(struct checker *c, const char *fmt, const char *a, const char *b)
{
	char buf[512];

	snprintf(buf, sizeof(buf), fmt, a, b);
	char *s = qarena_strndup(&c->q->prog.arena, buf, strlen(buf));

	if (!s)
		c->nomem = true;
	return s;
}

static bool bind_type(struct checker *c, int ti, const char *probe_name,
		      const struct qalias *alias)
{
	struct qbound *b = bound_add(c);
	enum ebr_kind k;

	if (!b)
		return false;
	b->name = probe_name;
	b->type_index = ti;
	b->alias = alias;
	if (alias && alias->enter) {
		int f = field_find(c->r, ti, "lat_ns", &k);

		b->enter = true;
		if (f >= 0) {
			b->lat.kind = QSRC_FIELD;
			b->lat.field = (uint16_t)f;
			b->lat.fkind = (uint8_t)k;
		}
	}
	if (alias && alias->filter_field) {
		int f = field_find(c->r, ti, alias->filter_field, &k);

		if (f < 0) {
			c->q->nbound--; /* a file too old to tell this call apart: not held */
			return true;
		}
		b->filter.kind = QSRC_FIELD;
		b->filter.field = (uint16_t)f;
		b->filter.fkind = (uint8_t)k;
		b->filter_op = (uint8_t)alias->filter_op;
		b->filter_value = alias->filter_value;
	}
	return true;
}

/* "what the trace holds": its types' probes and the tracepoints read from them */
static void held_list(struct checker *c, char *buf, size_t len)
{
	size_t used = 0;
	uint32_t n = ebr_reader_type_count(c->r);

	buf[0] = '\0';
	for (uint32_t i = 0; i < n && used + 1 < len; i++) {
		const char *tn = schema_name(c->r, (int)i);

		if (!type_held(c, tn) || !strncmp(tn, "sym.", 4) || !strcmp(tn, "ebr.counts"))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s%s", used ? ", " : "",
					 strchr(tn, ':') ? "" : "ebrec:", tn);
	}
	for (uint32_t a = 0; a < qnaliases && used + 1 < len; a++) {
		int ti = schema_find(c->r, qaliases[a].type);

		if (ti >= 0 && type_held(c, qaliases[a].type))
			used += (size_t)snprintf(buf + used, len - used, ", %s", qaliases[a].probe);
	}
	if (used + 1 >= len && len > 4)
		strcpy(buf + len - 5, "...");
}

/*
 * Whether the recording attached the system call tracepoint an alias stands for (its family's
 * META lists them): a default recording takes execs at sched_process_exec, so its proc.exec
 * events hold no failed exec and no duration, and sys_enter/sys_exit_execve would read them
 * as if they did. Other aliases are read from events of any recording.
 */
static bool alias_recorded(const struct checker *c, const struct qalias *a)
{
	const char *tp = strchr(a->probe, ':'), *dot = strchr(a->type, '.');
	char family[32];

	if (!c->meta || !tp || strncmp(tp + 1, "syscalls:", 9) || !dot)
		return true;
	snprintf(family, sizeof(family), "%.*s", (int)(dot - a->type), a->type);
	return trace_tracepoint_recorded(c->meta, family, tp + 1);
}

static int bind_spec(struct checker *c, const struct qprobe_spec *spec)
{
	char full[1024], held[8192], msg[512];
	const char *colon = strchr(spec->text, ':');
	uint32_t before = c->q->nbound;
	const struct qalias *unrecorded = NULL;
	char provider[32];

	qprobe_full_name(spec->text, full, sizeof(full), provider, sizeof(provider));
	if (!strcmp(full, "BEGIN") || !strcmp(full, "END")) {
		struct qbound *b = bound_add(c);

		if (!b)
			return -1;
		b->special = full[0] == 'B' ? QSPECIAL_BEGIN : QSPECIAL_END;
		b->name = spec->text;
		return 0;
	}
	if (!colon)
		return cerr(c, &spec->loc, "Invalid probe type: %s", full);
	if (!strcmp(provider, "interval")) {
		char unit[8];
		unsigned long long n;
		char extra;

		if (sscanf(full, "interval:%7[a-z]:%llu%c", unit, &n, &extra) != 2 || !n ||
		    (strcmp(unit, "s") && strcmp(unit, "ms") && strcmp(unit, "us") &&
		     strcmp(unit, "hz")) || n > 1000000000ull)
			return cerr(c, &spec->loc, "interval probe must be interval:s:N, "
				    "interval:ms:N, interval:us:N or interval:hz:N with N > 0");
		struct qbound *b = bound_add(c);

		if (!b)
			return -1;
		b->special = QSPECIAL_INTERVAL;
		b->name = qarena_strndup(&c->q->prog.arena, full, strlen(full));
		b->interval_ns = unit[0] == 's' ? n * 1000000000ull : unit[0] == 'm' ?
				 n * 1000000ull : unit[0] == 'u' ? n * 1000ull : 1000000000ull / n;
		if (!b->interval_ns)
			b->interval_ns = 1;
		return b->name ? 0 : -1;
	}
	if (qprobe_unrecordable(full, provider, msg, sizeof(msg)))
		return cerr(c, &spec->loc, "%s", msg);
	if (!strcmp(provider, "profile")) {
		int ti = schema_find(c->r, "profile.sample");

		if (ti >= 0 && type_held(c, "profile.sample")) {
			const char *name = qarena_strndup(&c->q->prog.arena, full, strlen(full));

			if (!name || !bind_type(c, ti, name, NULL))
				return -1;
			return 0;
		}
	} else if (!strcmp(provider, "ebrec")) {
		uint32_t n = ebr_reader_type_count(c->r);

		for (uint32_t i = 0; i < n; i++) {
			const char *tn = schema_name(c->r, (int)i);

			if (!strchr(tn, ':') && type_held(c, tn) && qglob_match(colon + 1, tn)) {
				const char *name = arena_printf(c, "ebrec:%s%s", tn, "");

				if (!name || !bind_type(c, (int)i, name, NULL))
					return -1;
			}
		}
	} else {
		uint32_t n = ebr_reader_type_count(c->r);

		/* the generic probes' own types first: a recorded tracepoint is read as itself */
		for (uint32_t i = 0; i < n; i++) {
			const char *tn = schema_name(c->r, (int)i);

			if (strchr(tn, ':') && qglob_match(full, tn) && !bind_type(c, (int)i, tn, NULL))
				return -1;
		}
		for (uint32_t a = 0; a < qnaliases; a++) {
			int ti;

			if (!qglob_match(full, qaliases[a].probe) ||
			    schema_find(c->r, qaliases[a].probe) >= 0)
				continue;
			ti = schema_find(c->r, qaliases[a].type);
			if (ti < 0 || !type_held(c, qaliases[a].type))
				continue;
			if (!alias_recorded(c, &qaliases[a])) {
				unrecorded = &qaliases[a];
				continue;
			}
			if (!bind_type(c, ti, qaliases[a].probe, &qaliases[a]))
				return -1;
		}
	}
	if (c->nomem)
		return -1;
	if (c->q->nbound == before && unrecorded)
		return cerr(c, &spec->loc, "%s: this trace was recorded without that system call "
			    "tracepoint%s; record with -e %.*s", full,
			    strcmp(unrecorded->type, "proc.exec") ? "" :
			    " (a recording without -e takes execs where they succeed: "
			    "tracepoint:sched:sched_process_exec reads them)",
			    (int)strcspn(unrecorded->type, "."), unrecorded->type);
	if (c->q->nbound == before) {
		held_list(c, held, sizeof(held));
		return cerr(c, &spec->loc, "%s: this trace holds no such events; it holds: %s",
			    full, held[0] ? held : "no events a probe can match");
	}
	return 0;
}

/* ------------------------------------------------------------------ types */

static struct qtype T(enum qtype_kind k, bool s)
{
	struct qtype t = { k, s };

	return t;
}

static struct qtype kind_type(enum ebr_kind k)
{
	switch (k) {
	case EBR_KIND_S64: return T(QTY_INT, true);
	case EBR_KIND_STR: case EBR_KIND_BYTES: return T(QTY_STR, false);
	case EBR_KIND_STACK: return T(QTY_NONE, false); /* as kstack/ustack only */
	default: return T(QTY_INT, false);
	}
}

static bool is_special(const struct qbound *b)
{
	return b->special != QSPECIAL_NONE;
}

/* every bound probe of the current action */
#define for_each_bound(c, b)                                                              \
	for (struct qbound *b = (c)->q->bound; b < (c)->q->bound + (c)->q->nbound; b++)   \
		if (b->action == (c)->act_index)

static int check_builtin(struct checker *c, struct qnode *n)
{
	enum qbuiltin id = (enum qbuiltin)n->id;
	const char *const *cands;
	bool have = false;
	struct qtype t = T(QTY_NONE, false);

	c->act->used_builtins |= 1u << id;
	if (!c->act->builtin_loc[id].line)
		c->act->builtin_loc[id] = n->loc;
	switch (id) {
	case QB_CPU: case QB_NSECS: case QB_ELAPSED:
		n->type = T(QTY_INT, false);
		return 0;
	case QB_PROBE:
		n->type = T(QTY_STR, false);
		return 0;
	case QB_KSTACK: case QB_USTACK:
		c->q->uses_stacks = true;
		n->type = T(id == QB_KSTACK ? QTY_KSTACK : QTY_USTACK, false);
		break;
	case QB_COMM:
		n->type = T(QTY_STR, false);
		break;
	default:
		break;
	}
	for_each_bound(c, b) {
		enum ebr_kind k = 0;
		int f = -1;

		if (is_special(b))
			continue;
		cands = qbuiltin_fields(id, schema_name(c->r, b->type_index));
		for (int i = 0; cands && cands[i] && f < 0; i++)
			f = field_find(c->r, b->type_index, cands[i], &k);
		if (f < 0)
			return cerr(c, &n->loc, "%s: %s events hold no field it is read from (%s%s)",
				    qbuiltin_name(id), b->name, cands && cands[0] ? cands[0] : "none",
				    cands && cands[0] && cands[1] ? ", ..." : "");
		if ((id == QB_KSTACK || id == QB_USTACK) && k != EBR_KIND_STACK)
			return cerr(c, &n->loc, "%s: the field %s of %s is not a stack",
				    qbuiltin_name(id), cands[0], b->name);
		b->builtin[id].kind = QSRC_FIELD;
		b->builtin[id].field = (uint16_t)f;
		b->builtin[id].fkind = (uint8_t)k;
		if (id == QB_USTACK) {
			/* a user stack's addresses are its process's: they are named through its pid */
			int pf = -1;

			cands = qbuiltin_fields(QB_PID, schema_name(c->r, b->type_index));
			for (int i = 0; cands && cands[i] && pf < 0; i++)
				pf = field_find(c->r, b->type_index, cands[i], &k);
			if (pf >= 0) {
				b->builtin[QB_PID].kind = QSRC_FIELD;
				b->builtin[QB_PID].field = (uint16_t)pf;
				b->builtin[QB_PID].fkind = (uint8_t)k;
			}
		}
		if (id != QB_KSTACK && id != QB_USTACK) {
			struct qtype ft = kind_type(k);

			if (have && ft.kind != t.kind)
				return cerr(c, &n->loc, "%s is a %s in one probe and a %s in another",
					    qbuiltin_name(id), type_name(t), type_name(ft));
			if (have && ft.is_signed)
				t.is_signed = true;
			else if (!have)
				t = ft;
			have = true;
		}
	}
	if (id != QB_KSTACK && id != QB_USTACK)
		n->type = have ? t : (id == QB_COMM ? T(QTY_STR, false) : T(QTY_INT, false));
	return 0;
}

static int check_arg_field(struct checker *c, struct qnode *n)
{
	struct qaction *a = c->act;
	uint32_t slot;
	bool have = false;
	struct qtype t = T(QTY_NONE, false);

	for (slot = 0; slot < a->nargs_slots; slot++)
		if (!strcmp(a->args_names[slot], n->sval))
			break;
	if (slot == a->nargs_slots) {
		if (slot == CHECK_MAX_ARGS)
			return cerr(c, &n->loc, "more than %d distinct args fields in one action",
				    CHECK_MAX_ARGS);
		if (!a->args_names) {
			a->args_names = qarena_alloc(&c->q->prog.arena,
						     CHECK_MAX_ARGS * sizeof(*a->args_names));
			if (!a->args_names) {
				c->nomem = true;
				return -1;
			}
		}
		a->args_names[a->nargs_slots++] = n->sval;
	}
	n->id = (int)slot;
	for_each_bound(c, b) {
		const char *fname = n->sval;
		uint32_t div = 0;
		enum ebr_kind k = 0;
		int f = -1;
		char str_name[160];

		if (is_special(b))
			return cerr(c, &n->loc, "The args builtin can only be used with "
				    "tracepoint/kfunc/uprobeprobes (special used here)");
		if (!b->args) {
			b->args = qarena_alloc(&c->q->prog.arena, CHECK_MAX_ARGS * sizeof(*b->args));
			b->args_types = qarena_alloc(&c->q->prog.arena,
						     CHECK_MAX_ARGS * sizeof(*b->args_types));
			if (!b->args || !b->args_types) {
				c->nomem = true;
				return -1;
			}
		}
		if (b->alias) {
			fname = NULL;
			for (int i = 0; i < 8 && b->alias->fields[i].name; i++)
				if (!strcmp(b->alias->fields[i].name, n->sval)) {
					fname = b->alias->fields[i].field;
					div = b->alias->fields[i].div;
				}
			if (!fname) {
				char have_list[256] = "";
				size_t used = 0;

				for (int i = 0; i < 8 && b->alias->fields[i].name; i++)
					used += (size_t)snprintf(have_list + used, sizeof(have_list) - used,
						"%s%s", i ? ", " : "", b->alias->fields[i].name);
				return cerr(c, &n->loc, "%s is read from ebrec:%s, which does not record "
					    "its field '%s'; it has: %s", b->name, b->alias->type, n->sval,
					    have_list);
			}
		} else {
			/* a generic probe's pointer to a string: the string read at the probe */
			snprintf(str_name, sizeof(str_name), "%s_str", n->sval);
			f = field_find(c->r, b->type_index, str_name, &k);
		}
		if (f < 0)
			f = field_find(c->r, b->type_index, fname, &k);
		if (f < 0 || k == EBR_KIND_STACK) {
			char have_list[512] = "";
			size_t used = 0;
			uint32_t id, nf;
			const char *tn;

			ebr_reader_type_at(c->r, (uint32_t)b->type_index, &id, &tn, &nf);
			for (uint32_t i = 0; i < nf && used + 1 < sizeof(have_list); i++) {
				const char *fn;
				enum ebr_kind fk;

				if (!ebr_reader_type_field(c->r, (uint32_t)b->type_index, i, &fn, &fk))
					used += (size_t)snprintf(have_list + used, sizeof(have_list) - used,
								 "%s%s", i ? ", " : "", fn);
			}
			return cerr(c, &n->loc, "Can not access field '%s' of %s: it has %s", n->sval,
				    b->name, have_list);
		}
		b->args[slot].kind = QSRC_FIELD;
		b->args[slot].field = (uint16_t)f;
		b->args[slot].fkind = (uint8_t)k;
		b->args[slot].div = div;
		struct qtype ft = kind_type(k);

		b->args_types[slot] = ft;
		if (have && ft.kind != t.kind)
			return cerr(c, &n->loc, "args.%s is a %s in one probe and a %s in another",
				    n->sval, type_name(t), type_name(ft));
		if (!have || ft.is_signed)
			t = ft;
		have = true;
	}
	n->type = t;
	return 0;
}

static struct qmapdef *map_get(struct checker *c, struct qnode *n)
{
	struct qprogram *p = &c->q->prog;

	for (uint32_t i = 0; i < p->nmaps; i++)
		if (!strcmp(p->maps[i].name, n->sval)) {
			n->id = (int)i;
			return &p->maps[i];
		}
	struct qmapdef *m = realloc(p->maps, (p->nmaps + 1) * sizeof(*m));

	if (!m) {
		c->nomem = true;
		return NULL;
	}
	p->maps = m;
	m = &p->maps[p->nmaps];
	memset(m, 0, sizeof(*m));
	m->name = n->sval;
	m->loc = n->loc;
	m->nkeys = UINT32_MAX;
	n->id = (int)p->nmaps++;
	return m;
}

/* The map n was bound to by map_get(), found again: map_get() may move the maps. */
static struct qmapdef *map_of(struct checker *c, const struct qnode *n)
{
	return &c->q->prog.maps[n->id];
}

static int check_expr(struct checker *c, struct qnode *n);

/* the keys of a map access: as many and of the types of its first use */
static int check_map_keys(struct checker *c, struct qnode *n, struct qmapdef *m)
{
	if (n->nargs > 8)
		return cerr(c, &n->loc, "a map has at most 8 keys");
	for (uint32_t i = 0; i < n->nargs; i++) {
		if (check_expr(c, n->args[i]))
			return -1;
		if (n->args[i]->type.kind == QTY_NONE && !c->quiet)
			return cerr(c, &n->args[i]->loc, "a map key must have a value");
	}
	/* a key may name another map (@a[@b[1]]): the maps may have moved since m was found */
	m = map_of(c, n);
	if (m->nkeys == UINT32_MAX) {
		m->nkeys = n->nargs;
		for (uint32_t i = 0; i < n->nargs; i++)
			m->ktypes[i] = n->args[i]->type;
		return 0;
	}
	if (m->nkeys != n->nargs)
		return cerr(c, &n->loc, "Argument mismatch for %s: trying to access with %u "
			    "arguments when map expects %u arguments", m->name, n->nargs, m->nkeys);
	for (uint32_t i = 0; i < n->nargs; i++) {
		struct qtype *kt = &m->ktypes[i];

		if (kt->kind == QTY_NONE)
			*kt = n->args[i]->type;
		else if (n->args[i]->type.kind != QTY_NONE && n->args[i]->type.kind != kt->kind)
			return cerr(c, &n->args[i]->loc, "Argument mismatch for %s: trying to access "
				    "with arguments: [%s] when map expects arguments: [%s]", m->name,
				    type_name(n->args[i]->type), type_name(*kt));
		else if (n->args[i]->type.is_signed)
			kt->is_signed = true;
	}
	return 0;
}

static int check_map_read(struct checker *c, struct qnode *n)
{
	struct qmapdef *m = map_get(c, n);

	if (!m)
		return -1;
	if (check_map_keys(c, n, m))
		return -1;
	m = map_of(c, n);
	if (!m->assigned && !c->quiet)
		return cerr(c, &n->loc, "Undefined map: %s", m->name);
	if (m->agg == QAGG_HIST || m->agg == QAGG_LHIST || m->agg == QAGG_STATS)
		return cerr(c, &n->loc, "%s holds a %s(): it can be printed, not read", m->name,
			    agg_name(m->agg));
	n->type = m->agg != QAGG_NONE ? T(QTY_INT, m->agg != QAGG_COUNT) : m->vtype;
	return 0;
}

static bool truthy_type(struct qtype t)
{
	return t.kind == QTY_INT || t.kind == QTY_STR;
}

static const char *op_text(int op)
{
	return qtok_name((enum qtok)op);
}

static int check_binop(struct checker *c, struct qnode *n)
{
	if (check_expr(c, n->a) || check_expr(c, n->b))
		return -1;
	struct qtype l = n->a->type, r = n->b->type;
	int op = n->op;

	if (c->quiet && (l.kind == QTY_NONE || r.kind == QTY_NONE)) {
		n->type = T(QTY_INT, true);
		return 0;
	}
	if (op == QT_ANDAND || op == QT_OROR) {
		if (!truthy_type(l) || !truthy_type(r))
			return cerr(c, &n->loc, "Type mismatch for '%s': comparing '%s' with '%s'",
				    op_text(op), type_name(l), type_name(r));
		n->type = T(QTY_INT, false);
		return 0;
	}
	if (op == QT_EQ || op == QT_NE || op == QT_LT || op == QT_LE || op == QT_GT ||
	    op == QT_GE) {
		if (l.kind != r.kind || (l.kind != QTY_INT && l.kind != QTY_STR))
			return cerr(c, &n->loc, "Type mismatch for '%s': comparing '%s' with '%s'",
				    op_text(op), type_name(l), type_name(r));
		if (l.kind == QTY_STR && op != QT_EQ && op != QT_NE)
			return cerr(c, &n->loc, "Comparison '%s' is not supported for strings, "
				    "only == and !=", op_text(op));
		n->type = T(QTY_INT, false);
		return 0;
	}
	if (l.kind != QTY_INT || r.kind != QTY_INT)
		return cerr(c, &n->loc, "The %s operator can not be used on expressions of types "
			    "%s, %s", op_text(op), type_name(l), type_name(r));
	n->type = T(QTY_INT, l.is_signed || r.is_signed);
	return 0;
}

/* a printf-style format against its arguments: bpftrace's specifiers */
static int check_format(struct checker *c, struct qnode *call, const char *fn, uint32_t first)
{
	struct qnode *fmt = call->nargs ? call->args[0] : NULL;
	uint32_t want = 0;

	if (!fmt || fmt->kind != QN_STR)
		return cerr(c, &call->loc, "%s() requires at least one argument: a format string "
			    "literal", fn);
	for (uint32_t i = 0; i < fmt->slen; i++) {
		if (fmt->sval[i] != '%')
			continue;
		i++;
		if (i < fmt->slen && fmt->sval[i] == '%')
			continue;
		while (i < fmt->slen && strchr("-+ #0", fmt->sval[i]))
			i++;
		while (i < fmt->slen && (fmt->sval[i] >= '0' && fmt->sval[i] <= '9'))
			i++;
		if (i < fmt->slen && fmt->sval[i] == '.') {
			i++;
			while (i < fmt->slen && fmt->sval[i] >= '0' && fmt->sval[i] <= '9')
				i++;
		}
		while (i < fmt->slen && strchr("hlzjt", fmt->sval[i]))
			i++;
		if (i >= fmt->slen || !strchr("diouxXcsp", fmt->sval[i]))
			return cerr(c, &fmt->loc, "%s: Invalid format string", fn);
		uint32_t ai = first + want++;

		if (ai >= call->nargs)
			continue;
		struct qtype t = call->args[ai]->type;
		bool str_spec = fmt->sval[i] == 's';

		if (c->quiet || t.kind == QTY_NONE)
			continue;
		if (!str_spec && t.kind != QTY_INT)
			return cerr(c, &call->args[ai]->loc, "%s: %%%c specifier expects a value of "
				    "type integer (%s supplied)", fn, fmt->sval[i],
				    t.kind == QTY_STR ? "string" : type_name(t));
		if (str_spec && t.kind == QTY_INT)
			return cerr(c, &call->args[ai]->loc, "%s: %%s specifier expects a value of "
				    "type string (integer supplied)", fn);
	}
	if (call->nargs - first > want)
		return cerr(c, &call->loc, "%s: Too many arguments for format string (%u supplied, "
			    "%u expected)", fn, call->nargs - first, want);
	if (call->nargs - first < want)
		return cerr(c, &call->loc, "%s: Not enough arguments for format string (%u "
			    "supplied, %u expected)", fn, call->nargs - first, want);
	return 0;
}

static int want_args(struct checker *c, struct qnode *n, uint32_t min, uint32_t max)
{
	if (n->nargs < min || n->nargs > max) {
		if (min == max)
			return cstop(c, &n->loc, "%s() requires %u argument%s (%u provided)", n->sval,
				    min, min == 1 ? "" : "s", n->nargs);
		return cstop(c, &n->loc, "%s() takes %u to %u arguments (%u provided)", n->sval,
			    min, max, n->nargs);
	}
	return 0;
}

static int want_int(struct checker *c, struct qnode *call, struct qnode *a)
{
	if (a->type.kind != QTY_INT && !(c->quiet && a->type.kind == QTY_NONE))
		return cerr(c, &a->loc, "%s() only supports integer arguments (%s provided)",
			    call->sval, type_name(a->type));
	return 0;
}

static int want_literal(struct checker *c, struct qnode *call, struct qnode *a)
{
	if (a->kind != QN_INT)
		return cstop(c, &a->loc, "%s: this argument must be an integer literal", call->sval);
	return 0;
}

static int want_whole_map(struct checker *c, struct qnode *call)
{
	struct qnode *a = call->nargs ? call->args[0] : NULL;

	if (!a || a->kind != QN_MAP)
		return cstop(c, &call->loc, "%s() expects a map to be provided", call->sval);
	if (a->nargs)
		return cstop(c, &a->loc, "The map passed to %s() should not be indexed by a key",
			    call->sval);
	struct qmapdef *m = map_get(c, a);

	if (!m)
		return -1;
	if (!m->assigned && !c->quiet)
		return cstop(c, &a->loc, "Undefined map: %s", m->name);
	return 0;
}

/*
 * str(argN) or str(retval) of probes recorded with --str: the string read at the probe, the
 * field ARG_str, which every probe of the action must hold. Returns 1 with n read as that
 * field (args.ARG_str), 0 when n is something else, -1 on an error.
 */
static int str_of_pointer(struct checker *c, struct qnode *n)
{
	char name[16];
	bool any = false;
	enum ebr_kind k;

	if (n->kind != QN_BUILTIN || !(n->id == QB_RETVAL || (n->id >= QB_ARG0 &&
							      n->id <= QB_ARG5)))
		return 0;
	snprintf(name, sizeof(name), "%s_str", qbuiltin_name((enum qbuiltin)n->id));
	for_each_bound(c, b) {
		if (is_special(b))
			continue;
		if (field_find(c->r, b->type_index, name, &k) < 0 || k != EBR_KIND_STR)
			return 0;
		any = true;
	}
	if (!any)
		return 0;
	n->kind = QN_ARG_FIELD;
	n->sval = qarena_strndup(&c->q->prog.arena, name, strlen(name));
	if (!n->sval) {
		c->nomem = true;
		return -1;
	}
	n->slen = (uint32_t)strlen(name);
	return check_expr(c, n) ? -1 : 1;
}

static int check_call(struct checker *c, struct qnode *n, bool as_map_value)
{
	enum qfunc f = (enum qfunc)n->id;

	if (n->id < 0)
		return cstop(c, &n->loc, "Unknown function: %s", n->sval);
	/* the whole-map functions take the map itself, not its value */
	if (f == QF_CLEAR || f == QF_ZERO || (f == QF_PRINT && n->nargs &&
					      n->args[0]->kind == QN_MAP && !n->args[0]->nargs)) {
		if (f == QF_PRINT ? want_args(c, n, 1, 3) : want_args(c, n, 1, 1))
			return -1;
		if (want_whole_map(c, n))
			return -1;
		for (uint32_t i = 1; i < n->nargs; i++)
			if (check_expr(c, n->args[i]) || want_int(c, n, n->args[i]))
				return -1;
		n->type = T(QTY_NONE, false);
		return 0;
	}
	if (f == QF_DELETE) {
		struct qnode *a = n->nargs == 1 ? n->args[0] : NULL;

		if (!a || a->kind != QN_MAP)
			return cstop(c, &n->loc, "delete() expects a map to be provided");
		struct qmapdef *m = map_get(c, a);

		if (!m || check_map_keys(c, a, m))
			return -1;
		n->type = T(QTY_NONE, false);
		return 0;
	}
	for (uint32_t i = 0; i < n->nargs; i++)
		if (check_expr(c, n->args[i]))
			return -1;
	switch (f) {
	case QF_PRINTF:
		if (check_format(c, n, "printf", 1))
			return -1;
		n->type = T(QTY_NONE, false);
		return 0;
	case QF_PRINT:
		if (want_args(c, n, 1, 1))
			return -1;
		n->type = T(QTY_NONE, false);
		return 0;
	case QF_TIME:
		if (want_args(c, n, 0, 1))
			return -1;
		if (n->nargs && n->args[0]->kind != QN_STR)
			return cerr(c, &n->args[0]->loc, "time() expects a string literal");
		n->type = T(QTY_NONE, false);
		return 0;
	case QF_STRFTIME:
		if (want_args(c, n, 2, 2) || want_int(c, n, n->args[1]))
			return -1;
		if (n->args[0]->kind != QN_STR)
			return cerr(c, &n->args[0]->loc, "strftime() expects a string literal");
		n->type = T(QTY_STR, false);
		return 0;
	case QF_STR:
		if (want_args(c, n, 1, 2) || str_of_pointer(c, n->args[0]) < 0)
			return -1;
		if (n->args[0]->type.kind == QTY_INT)
			return cerr(c, &n->args[0]->loc, "str(): a trace holds the events' fields, "
				    "not memory to read at an address; its strings are strings "
				    "already (args.f, comm), and a uprobe's argument is one when "
				    "recorded with --str PROBE:ARG");
		if (n->nargs == 2 && want_int(c, n, n->args[1]))
			return -1;
		n->type = T(QTY_STR, false);
		return 0;
	case QF_STRNCMP:
		if (want_args(c, n, 3, 3) || want_literal(c, n, n->args[2]))
			return -1;
		for (int i = 0; i < 2; i++)
			if (n->args[i]->type.kind != QTY_STR && !c->quiet)
				return cerr(c, &n->args[i]->loc, "strncmp() expects string "
					    "arguments (%s provided)", type_name(n->args[i]->type));
		n->type = T(QTY_INT, false);
		return 0;
	case QF_KSYM: case QF_USYM:
		if (want_args(c, n, 1, 1) || want_int(c, n, n->args[0]))
			return -1;
		c->q->uses_stacks = true;
		n->type = T(QTY_STR, false);
		return 0;
	case QF_NTOP:
		if (want_args(c, n, 1, 2))
			return -1;
		if (n->nargs == 2 && want_int(c, n, n->args[0]))
			return -1;
		n->type = T(QTY_STR, false);
		return 0;
	case QF_JOIN:
		if (want_args(c, n, 1, 2))
			return -1;
		if (n->args[0]->type.kind != QTY_STR && !c->quiet)
			return cerr(c, &n->args[0]->loc, "join() expects an argument list "
				    "(args.argv)");
		if (n->nargs == 2 && n->args[1]->kind != QN_STR)
			return cerr(c, &n->args[1]->loc, "join() expects a string literal "
				    "delimiter");
		n->type = T(QTY_NONE, false);
		return 0;
	case QF_EXIT:
		if (want_args(c, n, 0, 0))
			return -1;
		n->type = T(QTY_NONE, false);
		return 0;
	case QF_COUNT: case QF_SUM: case QF_AVG: case QF_MIN: case QF_MAX: case QF_STATS:
	case QF_HIST: case QF_LHIST: {
		static const enum qagg aggs[] = { [QF_COUNT] = QAGG_COUNT, [QF_SUM] = QAGG_SUM,
			[QF_AVG] = QAGG_AVG, [QF_MIN] = QAGG_MIN, [QF_MAX] = QAGG_MAX,
			[QF_STATS] = QAGG_STATS, [QF_HIST] = QAGG_HIST, [QF_LHIST] = QAGG_LHIST };

		if (!as_map_value)
			return cerr(c, &n->loc, "%s() should be directly assigned to a map",
				    n->sval);
		if (f == QF_COUNT ? want_args(c, n, 0, 0) :
		    f == QF_LHIST ? want_args(c, n, 4, 4) : want_args(c, n, 1, 1))
			return -1;
		if (n->nargs && want_int(c, n, n->args[0]))
			return -1;
		if (f == QF_LHIST) {
			for (int i = 1; i < 4; i++)
				if (want_literal(c, n, n->args[i]))
					return -1;
			int64_t lo = n->args[1]->ival, hi = n->args[2]->ival, st = n->args[3]->ival;

			if (lo < 0)
				return cerr(c, &n->args[1]->loc, "lhist() min must be non-negative "
					    "(provided min %lld)", (long long)lo);
			if (hi <= lo)
				return cerr(c, &n->loc, "lhist() max must be greater than min "
					    "(provided min %lld and max %lld)", (long long)lo,
					    (long long)hi);
			if (st <= 0)
				return cerr(c, &n->args[3]->loc, "lhist() step must be >= 1 "
					    "(provided step %lld)", (long long)st);
			if ((hi - lo) / st > LHIST_MAX_BUCKETS)
				return cerr(c, &n->loc, "lhist() too many buckets, must be <= %d "
					    "(provided min %lld, max %lld and step %lld)",
					    LHIST_MAX_BUCKETS, (long long)lo, (long long)hi,
					    (long long)st);
		}
		n->agg = aggs[f];
		n->type = T(QTY_INT, f != QF_COUNT);
		return 0;
	}
	default:
		return cerr(c, &n->loc, "Unknown function: %s", n->sval);
	}
}

static struct var *var_find(struct checker *c, const char *name)
{
	for (uint32_t i = 0; i < c->nvars; i++)
		if (!strcmp(c->vars[i].name, name))
			return &c->vars[i];
	return NULL;
}

static int check_expr(struct checker *c, struct qnode *n)
{
	switch (n->kind) {
	case QN_INT:
		n->type = T(QTY_INT, true);
		return 0;
	case QN_STR:
		n->type = T(QTY_STR, false);
		return 0;
	case QN_BUILTIN:
		return check_builtin(c, n);
	case QN_ARGS:
		return cerr(c, &n->loc, "args is a record: use one of its fields (args.f)");
	case QN_ARG_FIELD:
		return check_arg_field(c, n);
	case QN_CONST_IDENT:
		/* bpftrace takes these from kernel headers (#include <linux/sched.h>) */
		if (!strcmp(n->sval, "TASK_RUNNING")) {
			n->kind = QN_INT;
			n->ival = 0;
			n->type = T(QTY_INT, true);
			return 0;
		}
		return cerr(c, &n->loc, "Unknown identifier: '%s'", n->sval);
	case QN_VAR: {
		struct var *v = var_find(c, n->sval);

		if (!v)
			return cerr(c, &n->loc, "Undefined or undeclared variable: %s", n->sval);
		n->id = (int)(v - c->vars);
		n->type = v->type;
		return 0;
	}
	case QN_MAP:
		return check_map_read(c, n);
	case QN_CALL:
		return check_call(c, n, false);
	case QN_UNOP:
		if (check_expr(c, n->a))
			return -1;
		if (n->op == QT_BANG) {
			if (!truthy_type(n->a->type) && !c->quiet)
				return cerr(c, &n->loc, "The ! operator can not be used on expressions "
					    "of type %s", type_name(n->a->type));
			n->type = T(QTY_INT, false);
			return 0;
		}
		if (n->a->type.kind != QTY_INT && !c->quiet)
			return cerr(c, &n->loc, "The %s operator can not be used on expressions of "
				    "type %s", op_text(n->op), type_name(n->a->type));
		n->type = T(QTY_INT, n->op == QT_MINUS || n->a->type.is_signed);
		return 0;
	case QN_BINOP:
		return check_binop(c, n);
	case QN_TERNARY:
		if (check_expr(c, n->a) || check_expr(c, n->b) || check_expr(c, n->c))
			return -1;
		if (!truthy_type(n->a->type) && !c->quiet)
			return cerr(c, &n->a->loc, "Invalid condition in ternary: %s",
				    type_name(n->a->type));
		if (n->b->type.kind != n->c->type.kind && !c->quiet)
			return cerr(c, &n->loc, "Ternary operator must return the same type: have "
				    "'%s' and '%s'", type_name(n->b->type), type_name(n->c->type));
		n->type = n->b->type;
		n->type.is_signed = n->b->type.is_signed || n->c->type.is_signed;
		return 0;
	default:
		return cerr(c, &n->loc, "syntax error: a statement where a value is expected");
	}
}

static int check_stmt(struct checker *c, struct qnode *n);

static int check_block(struct checker *c, struct qnode *b)
{
	for (uint32_t i = 0; i < b->nargs; i++)
		if (check_stmt(c, b->args[i]))
			return -1;
	return 0;
}

static int check_assign_map(struct checker *c, struct qnode *n)
{
	struct qnode *lhs = n->a;
	struct qmapdef *m = map_get(c, lhs);
	enum qagg agg = QAGG_NONE;
	struct qtype vt;

	if (!m || check_map_keys(c, lhs, m))
		return -1;
	if (n->op == QT_ASSIGN && n->b->kind == QN_CALL && n->b->id >= 0) {
		if (check_call(c, n->b, true))
			return -1;
		agg = n->b->agg;
	} else if (n->b && check_expr(c, n->b)) {
		return -1;
	}
	/* the value may name other maps, added since m was found: the maps may have moved */
	m = map_of(c, lhs);
	if (n->op != QT_ASSIGN) {
		/* @x++, @x += e: a read and a write of an integer */
		if (n->b && n->b->type.kind != QTY_INT && !c->quiet)
			return cerr(c, &n->b->loc, "Type mismatch for %s: %s", m->name,
				    type_name(n->b->type));
		vt = T(QTY_INT, true);
		if (m->assigned && (m->vtype.kind != QTY_INT || m->agg != QAGG_NONE))
			return cerr(c, &n->loc, "Type mismatch for %s: trying to assign value of "
				    "type 'int64' when map already contains a value of type '%s'",
				    m->name, m->agg ? agg_name(m->agg) : type_name(m->vtype));
	} else {
		vt = n->b->type;
		if (vt.kind == QTY_NONE) {
			if (c->quiet)
				return 0;
			return cerr(c, &n->b->loc, "a value of no type cannot be assigned to %s",
				    m->name);
		}
	}
	if (!m->assigned) {
		m->assigned = true;
		m->vtype = vt;
		m->agg = agg;
		if (agg == QAGG_LHIST) {
			m->lh_min = n->b->args[1]->ival;
			m->lh_max = n->b->args[2]->ival;
			m->lh_step = n->b->args[3]->ival;
		}
		return 0;
	}
	if (m->agg != agg || (agg == QAGG_NONE && m->vtype.kind != vt.kind))
		return cerr(c, &n->loc, "Type mismatch for %s: trying to assign value of type "
			    "'%s' when map already contains a value of type '%s'", m->name,
			    agg ? agg_name(agg) : type_name(vt),
			    m->agg ? agg_name(m->agg) : type_name(m->vtype));
	if (agg == QAGG_LHIST && (m->lh_min != n->b->args[1]->ival ||
				  m->lh_max != n->b->args[2]->ival ||
				  m->lh_step != n->b->args[3]->ival))
		return cerr(c, &n->loc, "Different lhist bounds in a single map unsupported");
	if (vt.is_signed)
		m->vtype.is_signed = true;
	return 0;
}

static int check_stmt(struct checker *c, struct qnode *n)
{
	switch (n->kind) {
	case QN_EXPR:
		if (n->a->kind == QN_CALL)
			return check_call(c, n->a, false);
		return check_expr(c, n->a);
	case QN_ASSIGN_MAP:
		return check_assign_map(c, n);
	case QN_ASSIGN_VAR: {
		struct var *v = var_find(c, n->a->sval);

		if (n->b && check_expr(c, n->b))
			return -1;
		if (n->op != QT_ASSIGN) {
			if (!v)
				return cerr(c, &n->a->loc, "Undefined or undeclared variable: %s",
					    n->a->sval);
			if (v->type.kind != QTY_INT || (n->b && n->b->type.kind != QTY_INT &&
							!c->quiet))
				return cerr(c, &n->loc, "The %s operator can not be used on %s",
					    op_text(n->op), type_name(v->type));
		} else {
			if (n->b->type.kind == QTY_NONE && !c->quiet)
				return cerr(c, &n->b->loc, "a value of no type cannot be assigned to %s",
					    n->a->sval);
			if (!v) {
				if (c->nvars == CHECK_MAX_VARS)
					return cerr(c, &n->loc, "more than %d variables in an action",
						    CHECK_MAX_VARS);
				v = &c->vars[c->nvars++];
				v->name = n->a->sval;
				v->type = n->b->type;
			} else if (v->type.kind != n->b->type.kind && !c->quiet &&
				   v->type.kind != QTY_NONE) {
				return cerr(c, &n->loc, "Type mismatch for %s: trying to assign value "
					    "of type '%s' when variable already contains a value of "
					    "type '%s'", v->name, type_name(n->b->type),
					    type_name(v->type));
			} else if (n->b->type.is_signed) {
				v->type.is_signed = true;
			}
		}
		n->a->id = (int)(v - c->vars);
		n->a->type = v->type;
		return 0;
	}
	case QN_IF:
		if (check_expr(c, n->a))
			return -1;
		if (!truthy_type(n->a->type) && !c->quiet)
			return cerr(c, &n->a->loc, "Invalid condition in if(): %s",
				    type_name(n->a->type));
		if (check_block(c, n->b))
			return -1;
		if (n->c)
			return n->c->kind == QN_IF ? check_stmt(c, n->c) : check_block(c, n->c);
		return 0;
	case QN_WHILE: case QN_UNROLL: {
		int ret;

		if (check_expr(c, n->a))
			return -1;
		if (n->kind == QN_UNROLL) {
			if (n->a->kind != QN_INT || n->a->ival < 1 || n->a->ival > 100)
				return cerr(c, &n->a->loc, "unroll() count must be an integer literal "
					    "from 1 to 100");
		} else if (!truthy_type(n->a->type) && !c->quiet) {
			return cerr(c, &n->a->loc, "Invalid condition in while(): %s",
				    type_name(n->a->type));
		}
		c->loop_depth++;
		ret = check_block(c, n->b);
		c->loop_depth--;
		return ret;
	}
	case QN_BREAK: case QN_CONTINUE:
		if (!c->loop_depth)
			return cerr(c, &n->loc, "%s used outside of a loop",
				    n->kind == QN_BREAK ? "break" : "continue");
		return 0;
	case QN_RETURN:
		return 0;
	default:
		return cerr(c, &n->loc, "syntax error");
	}
}

static int check_action(struct checker *c)
{
	c->nvars = 0;
	c->loop_depth = 0;
	c->act->nargs_slots = 0;
	c->act->used_builtins = 0;
	if (c->act->filter) {
		if (check_expr(c, c->act->filter))
			return -1;
		if (!truthy_type(c->act->filter->type) && !c->quiet)
			return cerr(c, &c->act->filter->loc, "Invalid type for predicate: %s",
				    type_name(c->act->filter->type));
	}
	if (check_block(c, c->act->body))
		return -1;
	c->act->nvars = c->nvars;
	return 0;
}

/* ------------------------------------------------------------------ event order */

/*
 * Whether a statement or expression gives the same result whatever the order of the events
 * it runs on: it only aggregates (count, sum, min, max, avg, stats, hist, lhist: each the
 * same over any order) and reads nothing another event wrote (no map is read, no value
 * assigned to a map is kept), and prints nothing as it goes.
 */
static bool order_free(const struct qnode *n)
{
	if (!n)
		return true;
	switch (n->kind) {
	case QN_MAP:
		return false;
	case QN_CALL:
		switch ((enum qfunc)n->id) {
		case QF_PRINTF: case QF_PRINT: case QF_TIME: case QF_JOIN: case QF_DELETE:
		case QF_CLEAR: case QF_ZERO: case QF_EXIT:
			return false;
		default:
			break;
		}
		break;
	case QN_ASSIGN_MAP:
		if (n->op != QT_ASSIGN || !n->b || n->b->kind != QN_CALL || !n->b->agg)
			return false;
		for (uint32_t i = 0; i < n->a->nargs; i++)
			if (!order_free(n->a->args[i]))
				return false;
		return order_free(n->b);
	default:
		break;
	}
	if (!order_free(n->a) || !order_free(n->b) || !order_free(n->c))
		return false;
	for (uint32_t i = 0; i < n->nargs; i++)
		if (!order_free(n->args[i]))
			return false;
	return true;
}

/* every action that events run (BEGIN and END run before and after them all) order-free */
static bool program_order_free(const struct qcompiled *q)
{
	for (uint32_t i = 0; i < q->nbound; i++) {
		const struct qbound *b = &q->bound[i];
		const struct qaction *a = &q->prog.actions[b->action];

		if (b->special == QSPECIAL_BEGIN || b->special == QSPECIAL_END)
			continue;
		if (b->special == QSPECIAL_INTERVAL || !order_free(a->filter) ||
		    !order_free(a->body))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------ dispatch */

static int build_dispatch(struct qcompiled *q, uint32_t ntypes)
{
	q->ntypes = ntypes;
	q->by_type = calloc(ntypes ? ntypes : 1, sizeof(*q->by_type));
	q->nby_type = calloc(ntypes ? ntypes : 1, sizeof(*q->nby_type));
	if (!q->by_type || !q->nby_type)
		return -1;
	for (uint32_t i = 0; i < q->nbound; i++)
		if (q->bound[i].type_index >= 0)
			q->nby_type[q->bound[i].type_index]++;
	for (uint32_t t = 0; t < ntypes; t++) {
		uint32_t n = 0;

		if (!q->nby_type[t])
			continue;
		q->by_type[t] = malloc(q->nby_type[t] * sizeof(**q->by_type));
		if (!q->by_type[t])
			return -1;
		/* entry halves first: an action that pairs them sees the entry before the exit */
		for (int pass = 0; pass < 2; pass++)
			for (uint32_t i = 0; i < q->nbound; i++)
				if (q->bound[i].type_index == (int)t &&
				    q->bound[i].enter == (pass == 0))
					q->by_type[t][n++] = i;
	}
	return 0;
}

bool query_needs_symbols(const struct qcompiled *q)
{
	return q->uses_stacks;
}

void query_free(struct qcompiled *q)
{
	if (!q)
		return;
	for (uint32_t t = 0; q->by_type && t < q->ntypes; t++)
		free(q->by_type[t]);
	free(q->by_type);
	free(q->nby_type);
	free(q->bound);
	qprogram_release(&q->prog);
	free(q);
}

int query_compile(struct qcompiled **out, const char *name, const char *text, size_t len,
		  const struct ebr_reader *r, const char *families,
		  const struct ebr_reader *meta, char **err)
{
	struct qcompiled *q = calloc(1, sizeof(*q));
	struct checker c = { 0 };
	struct qsource src = { name, text, len };
	int ret = 1;

	*out = NULL;
	*err = NULL;
	if (!q)
		return EBR_E_NOMEM;
	if (qparse(&q->prog, &src, err)) {
		ret = q->prog.arena.failed && !*err ? EBR_E_NOMEM : 1;
		goto fail;
	}
	c.q = q;
	c.r = r;
	c.families = families;
	c.meta = meta;
	for (uint32_t a = 0; a < q->prog.nactions; a++) {
		c.act_index = a;
		for (uint32_t p = 0; p < q->prog.actions[a].nprobes; p++)
			if (bind_spec(&c, &q->prog.actions[a].probes[p]))
				goto checked;
	}
	/* twice: the first pass learns the maps' types wherever they are assigned */
	for (int pass = 0; pass < 2; pass++) {
		c.quiet = pass == 0;
		for (uint32_t a = 0; a < q->prog.nactions; a++) {
			c.act_index = a;
			c.act = &q->prog.actions[a];
			if (check_action(&c) && !c.quiet)
				goto checked;
			if (c.nomem)
				goto checked;
		}
	}
	if (build_dispatch(q, ebr_reader_type_count(r)))
		c.nomem = true;
	q->order_free = program_order_free(q);
checked:
	if (c.nomem || q->prog.arena.failed) {
		free(c.error);
		ret = EBR_E_NOMEM;
		goto fail;
	}
	if (c.error) {
		*err = c.error;
		goto fail;
	}
	*out = q;
	return 0;
fail:
	query_free(q);
	return ret;
}
