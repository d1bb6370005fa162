// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs a checked program over a trace: BEGIN, then every event in the trace's order offered
 * to the probes bound to its type (entry halves of an aliased pair first, at their entry
 * time), interval probes as trace time passes their period, END, then every map as bpftrace
 * prints it at exit. One analyzer of analyze/pass.h, so --max-memory bounds it as it bounds
 * the reports. Each action may run a bounded number of statements per event: a loop that
 * does not end stops the run with a message instead of hanging.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "format/mem.h"
#include "analyze/proc.h"
#include "analyze/procfilter.h"
#include "analyze/reorder.h"
#include "analyze/symtab.h"
#include "query/ast.h"
#include "query/maps.h"
#include "query/probes.h"
#include "query/query.h"
#include "report/text.h"

#define QRUN_DEFAULT_STEPS (1u << 20)
#define QSTR_MAX 63u /* bpftrace's str(): BPFTRACE_STRLEN 64, with its NUL */
#define QSCRATCH (64u << 10)
/* what the analyzer returns to end the pass early (exit(), an error): not an EBR_E_* code */
#define QRUN_STOPPED 1

enum flow { FLOW_NEXT, FLOW_RETURN, FLOW_BREAK, FLOW_CONTINUE, FLOW_STOP };

struct qrt {
	struct qcompiled *q;
	const struct ebr_reader *r;
	const struct symtab *syms;
	FILE *out;
	struct qmap *maps;
	struct qval *vars;
	uint32_t max_vars;
	char *scratch;
	uint32_t scratch_used;
	const struct ebr_event *ev;
	const struct qbound *b;
	uint64_t nsecs, start_ns;
	bool started;
	uint64_t steps, max_steps;
	uint64_t total_steps, max_total_steps;
	uint64_t next_interval_min;
	uint64_t *interval_next; /* by bound index */
	struct qrun_result *res;
	struct reorder *ro;  /* the events of bound types, into time order */
	const struct proc_filter *who; /* --cgroup, --container: NULL, every event */
	struct proctable *procs;       /* the table who's scope reads */
	int32_t *pid_field; /* by schema index: the field of the event's process, -1 none,
			     * -2 not looked up yet */
	bool stop;    /* exit(), an error or the step limit */
	bool nomem;
	uint8_t keybuf[QKEY_MAX];
};

static struct qval VI(int64_t i)
{
	struct qval v = { .kind = QTY_INT, .i = i };

	return v;
}

static struct qval VS(const char *s, uint32_t len)
{
	struct qval v = { .kind = QTY_STR, .s = s, .len = len };

	return v;
}

static void rt_error(struct qrt *rt, const char *msg)
{
	if (!rt->res->error[0])
		snprintf(rt->res->error, sizeof(rt->res->error), "%s", msg);
	rt->stop = true;
}

/* room in the event's scratch space for temporary strings (str(), ntop(), ksym() ...) */
static char *scratch(struct qrt *rt, uint32_t n)
{
	if (rt->scratch_used + n > QSCRATCH)
		return NULL;
	char *p = rt->scratch + rt->scratch_used;

	rt->scratch_used += n;
	return p;
}

static struct qval field_value(const struct qrt *rt, const struct qsrc *s)
{
	const struct ebr_value *v;

	if (s->kind != QSRC_FIELD || !rt->ev || s->field >= rt->ev->nraw)
		return VI(0);
	v = &rt->ev->raw[s->field];
	switch (s->fkind) {
	case EBR_KIND_STR: case EBR_KIND_BYTES:
		return VS(v->s ? v->s : "", v->s ? v->len : 0);
	case EBR_KIND_STACK: {
		struct qval sv = { .kind = QTY_KSTACK, .frames = v->frames, .len = v->len };

		return sv;
	}
	case EBR_KIND_S64:
		return VI(s->div > 1 ? ebr_value_s64(v) / (int64_t)s->div : ebr_value_s64(v));
	default:
		return VI((int64_t)(s->div > 1 ? v->u / s->div : v->u));
	}
}

static bool truthy(const struct qval *v)
{
	if (v->kind == QTY_STR)
		return v->len && v->s[0];
	return v->i != 0;
}

static struct qval eval(struct qrt *rt, struct qnode *n);

static bool build_key(struct qrt *rt, struct qnode *map, uint32_t *klen)
{
	*klen = 0;
	for (uint32_t i = 0; i < map->nargs; i++) {
		struct qval k = eval(rt, map->args[i]);

		if (rt->stop)
			return false;
		qval_serialize(&k, rt->keybuf, klen, sizeof(rt->keybuf));
	}
	return true;
}

static struct qval builtin(struct qrt *rt, struct qnode *n)
{
	const struct qbound *b = rt->b;

	switch ((enum qbuiltin)n->id) {
	case QB_CPU: return VI(rt->ev ? rt->ev->cpu : 0);
	case QB_NSECS: return VI((int64_t)rt->nsecs);
	case QB_ELAPSED: return VI((int64_t)(rt->nsecs - rt->start_ns));
	case QB_PROBE: return VS(b->name, (uint32_t)strlen(b->name));
	case QB_COMM:
		if (b->builtin[QB_COMM].kind == QSRC_NONE)
			return VS("", 0);
		return field_value(rt, &b->builtin[QB_COMM]);
	case QB_KSTACK: case QB_USTACK: {
		struct qval v = field_value(rt, &b->builtin[n->id]);

		v.kind = n->id == QB_KSTACK ? QTY_KSTACK : QTY_USTACK;
		if (v.kind == QTY_USTACK && b->builtin[QB_PID].kind == QSRC_FIELD)
			v.pid = (uint64_t)field_value(rt, &b->builtin[QB_PID]).i;
		return v;
	}
	default:
		return field_value(rt, &b->builtin[n->id]);
	}
}

static struct qval map_read(struct qrt *rt, struct qnode *n)
{
	struct qmap *m = &rt->maps[n->id];
	struct qentry *e;
	uint32_t klen;

	if (!build_key(rt, n, &klen))
		return VI(0);
	e = qmap_get(m, rt->keybuf, klen, false);
	if (m->def->vtype.kind == QTY_STR && m->def->agg == QAGG_NONE) {
		if (!e || !e->blob || e->blen < 5)
			return VS("", 0);
		uint32_t len;

		memcpy(&len, e->blob + 1, 4);
		return VS((const char *)e->blob + 5, len);
	}
	if (!e)
		return VI(0);
	if (m->def->agg == QAGG_AVG)
		return VI(e->count ? e->total / e->count : 0);
	return VI(e->v);
}

static struct qval str_fn(struct qrt *rt, struct qnode *n)
{
	struct qval s = eval(rt, n->args[0]);
	uint32_t max = QSTR_MAX;

	if (n->nargs == 2) {
		int64_t want = eval(rt, n->args[1]).i;

		/* str(s, n): n bytes with the NUL */
		if (want < 1)
			want = 1;
		if ((uint64_t)want - 1 < max)
			max = (uint32_t)(want - 1);
	}
	const char *nul = s.len ? memchr(s.s, '\0', s.len) : NULL;

	if (nul)
		s.len = (uint32_t)(nul - s.s);
	if (s.len > max)
		s.len = max;
	return s;
}

static struct qval ntop_fn(struct qrt *rt, struct qnode *n)
{
	struct qval a = eval(rt, n->args[n->nargs - 1]);
	char *buf = scratch(rt, INET6_ADDRSTRLEN);
	unsigned char bytes[16];

	if (!buf)
		return VS("", 0);
	if (a.kind == QTY_INT) {
		uint32_t v = (uint32_t)a.i;

		memcpy(bytes, &v, 4);
		inet_ntop(AF_INET, bytes, buf, INET6_ADDRSTRLEN);
	} else if (a.len == 4 || a.len == 16) {
		memcpy(bytes, a.s, a.len);
		inet_ntop(a.len == 4 ? AF_INET : AF_INET6, bytes, buf, INET6_ADDRSTRLEN);
	} else {
		buf[0] = '\0';
	}
	return VS(buf, (uint32_t)strlen(buf));
}

static struct qval sym_fn(struct qrt *rt, struct qnode *n, bool kernel)
{
	struct qval a = eval(rt, n->args[0]);
	char *buf = scratch(rt, 256);
	struct frame_names names;

	if (!buf)
		return VS("", 0);
	if (rt->syms) {
		uint64_t pid = kernel || rt->b->builtin[QB_PID].kind == QSRC_NONE ? 0 :
			       (uint64_t)field_value(rt, &rt->b->builtin[QB_PID]).i;

		symtab_name_frame(rt->syms, kernel, pid, (uint64_t)a.i, 0, &names);
		if (names.resolved && names.n) {
			snprintf(buf, 256, "%s", names.name[0]);
			return VS(buf, (uint32_t)strlen(buf));
		}
	}
	snprintf(buf, 256, "0x%llx", (unsigned long long)a.i);
	return VS(buf, (uint32_t)strlen(buf));
}

/* wall-clock time of a trace time, through the recording's clock pair */
static bool wall_time(const struct qrt *rt, uint64_t mono, struct tm *tm, uint64_t *nsec)
{
	const char *m = ebr_reader_meta(rt->r, "clock.start.monotonic_ns");
	const char *w = ebr_reader_meta(rt->r, "clock.start.realtime_ns");

	if (!m || !w)
		return false;
	uint64_t real = mono - strtoull(m, NULL, 10) + strtoull(w, NULL, 10);
	time_t secs = (time_t)(real / 1000000000ull);

	*nsec = real % 1000000000ull;
	return localtime_r(&secs, tm) != NULL;
}

static struct qval strftime_fn(struct qrt *rt, struct qnode *n)
{
	uint64_t mono = (uint64_t)eval(rt, n->args[1]).i, ns;
	char *buf = scratch(rt, 256);
	struct tm tm;

	if (!buf)
		return VS("", 0);
	buf[0] = '\0';
	if (wall_time(rt, mono, &tm, &ns)) {
		char fmt[256];
		const char *f = n->args[0]->sval;
		size_t o = 0;

		/* bpftrace's %f: microseconds */
		for (size_t i = 0; f[i] && o + 8 < sizeof(fmt); i++) {
			if (f[i] == '%' && f[i + 1] == 'f') {
				o += (size_t)snprintf(fmt + o, sizeof(fmt) - o, "%06llu",
						      (unsigned long long)(ns / 1000));
				i++;
			} else {
				fmt[o++] = f[i];
			}
		}
		fmt[o] = '\0';
		if (!strftime(buf, 256, fmt, &tm))
			buf[0] = '\0';
	}
	return VS(buf, (uint32_t)strlen(buf));
}

static struct qval call(struct qrt *rt, struct qnode *n)
{
	switch ((enum qfunc)n->id) {
	case QF_STR: return str_fn(rt, n);
	case QF_NTOP: return ntop_fn(rt, n);
	case QF_KSYM: return sym_fn(rt, n, true);
	case QF_USYM: return sym_fn(rt, n, false);
	case QF_STRFTIME: return strftime_fn(rt, n);
	case QF_STRNCMP: {
		struct qval a = eval(rt, n->args[0]), b = eval(rt, n->args[1]);
		int64_t lim = n->args[2]->ival;

		for (int64_t i = 0; i < lim; i++) {
			int ca = (uint32_t)i < a.len ? (unsigned char)a.s[i] : 0;
			int cb = (uint32_t)i < b.len ? (unsigned char)b.s[i] : 0;

			if (ca != cb)
				return VI(1);
			if (!ca)
				break;
		}
		return VI(0);
	}
	default:
		return VI(0);
	}
}

static int64_t arith(int op, struct qval a, struct qval b, bool is_signed)
{
	uint64_t x = (uint64_t)a.i, y = (uint64_t)b.i;

	switch (op) {
	case QT_PLUS: return (int64_t)(x + y);
	case QT_MINUS: return (int64_t)(x - y);
	case QT_STAR: return (int64_t)(x * y);
	case QT_SLASH:
		/* bpftrace's BPF division by zero gives 0 */
		if (!y)
			return 0;
		if (is_signed && !(a.i == INT64_MIN && b.i == -1))
			return a.i / b.i;
		return (int64_t)(x / y);
	case QT_PERCENT:
		if (!y)
			return 0;
		if (is_signed && !(a.i == INT64_MIN && b.i == -1))
			return a.i % b.i;
		return (int64_t)(x % y);
	case QT_AMP: return (int64_t)(x & y);
	case QT_PIPE: return (int64_t)(x | y);
	case QT_CARET: return (int64_t)(x ^ y);
	case QT_SHL: return y >= 64 ? 0 : (int64_t)(x << y);
	case QT_SHR: return y >= 64 ? 0 : (int64_t)(x >> y);
	default: return 0;
	}
}

static int str_cmp(const struct qval *a, const struct qval *b)
{
	/* strings compare to their NUL, as bpftrace's fixed-size strings */
	const char *na = a->len ? memchr(a->s, '\0', a->len) : NULL;
	const char *nb = b->len ? memchr(b->s, '\0', b->len) : NULL;
	uint32_t la = na ? (uint32_t)(na - a->s) : a->len, lb = nb ? (uint32_t)(nb - b->s) : b->len;

	return la == lb && (!la || !memcmp(a->s, b->s, la)) ? 0 : 1;
}

static struct qval binop(struct qrt *rt, struct qnode *n)
{
	if (n->op == QT_ANDAND || n->op == QT_OROR) {
		struct qval a = eval(rt, n->a);
		bool t = truthy(&a);

		if (n->op == QT_ANDAND ? !t : t)
			return VI(t);
		struct qval b = eval(rt, n->b);

		return VI(truthy(&b));
	}
	struct qval a = eval(rt, n->a), b = eval(rt, n->b);
	bool sig = n->a->type.is_signed || n->b->type.is_signed;

	switch (n->op) {
	case QT_EQ: case QT_NE: {
		bool eq = a.kind == QTY_STR ? !str_cmp(&a, &b) : a.i == b.i;

		return VI(n->op == QT_EQ ? eq : !eq);
	}
	case QT_LT: return VI(sig ? a.i < b.i : (uint64_t)a.i < (uint64_t)b.i);
	case QT_LE: return VI(sig ? a.i <= b.i : (uint64_t)a.i <= (uint64_t)b.i);
	case QT_GT: return VI(sig ? a.i > b.i : (uint64_t)a.i > (uint64_t)b.i);
	case QT_GE: return VI(sig ? a.i >= b.i : (uint64_t)a.i >= (uint64_t)b.i);
	default: return VI(arith(n->op, a, b, n->type.is_signed));
	}
}

static struct qval eval(struct qrt *rt, struct qnode *n)
{
	if (rt->stop)
		return VI(0);
	switch (n->kind) {
	case QN_INT: return VI(n->ival);
	case QN_STR: return VS(n->sval, n->slen);
	case QN_BUILTIN: return builtin(rt, n);
	case QN_ARG_FIELD: return field_value(rt, &rt->b->args[n->id]);
	case QN_VAR: return rt->vars[n->id];
	case QN_MAP: return map_read(rt, n);
	case QN_CALL: return call(rt, n);
	case QN_UNOP: {
		struct qval a = eval(rt, n->a);

		if (n->op == QT_BANG)
			return VI(!truthy(&a));
		if (n->op == QT_TILDE)
			return VI((int64_t)~(uint64_t)a.i);
		return VI((int64_t)(0 - (uint64_t)a.i));
	}
	case QN_BINOP: return binop(rt, n);
	case QN_TERNARY: {
		struct qval c = eval(rt, n->a);

		return truthy(&c) ? eval(rt, n->b) : eval(rt, n->c);
	}
	default: return VI(0);
	}
}

/* ------------------------------------------------------------------ statements */

static void do_printf(struct qrt *rt, struct qnode *n, FILE *out)
{
	const char *f = n->args[0]->sval;
	uint32_t len = n->args[0]->slen, ai = 1;

	for (uint32_t i = 0; i < len; i++) {
		if (f[i] != '%') {
			fputc(f[i], out);
			continue;
		}
		if (i + 1 < len && f[i + 1] == '%') {
			fputc('%', out);
			i++;
			continue;
		}
		char spec[32];
		uint32_t s = 0;

		spec[s++] = '%';
		i++;
		while (i < len && strchr("-+ #0123456789.", f[i]) && s < 20)
			spec[s++] = f[i++];
		while (i < len && strchr("hlzjt", f[i]))
			i++;
		if (i >= len || ai >= n->nargs)
			break;
		char conv = f[i];
		struct qval v = eval(rt, n->args[ai++]);

		if (conv == 's') {
			char *tmp, safe[TEXT_SAFE_SIZE(1024)];
			uint32_t l = v.len > 1024 ? 1024 : v.len;

			if (v.kind == QTY_KSTACK || v.kind == QTY_USTACK) {
				qval_print(&v, out, rt->syms, false);
				continue;
			}
			tmp = scratch(rt, l + 1);
			if (!tmp)
				continue;
			if (l)
				memcpy(tmp, v.s, l);
			tmp[l] = '\0';
			spec[s++] = 's';
			spec[s] = '\0';
			fprintf(out, spec, text_safe(tmp, safe, sizeof(safe)));
		} else {
			spec[s++] = 'l';
			spec[s++] = 'l';
			spec[s++] = conv == 'p' ? 'x' : conv;
			spec[s] = '\0';
			if (conv == 'c')
				spec[s - 3] = 'c', spec[s - 2] = '\0';
			if (conv == 'c')
				fprintf(out, spec, (int)v.i);
			else
				fprintf(out, spec, (long long)v.i);
		}
	}
}

static void do_join(struct qrt *rt, struct qnode *n)
{
	struct qval v = eval(rt, n->args[0]);
	const char *sep = n->nargs == 2 ? n->args[1]->sval : " ";
	char safe[TEXT_SAFE_SIZE(1024)];
	bool first = true;

	/* an argument list: each argument NUL-terminated (FORMAT.md "Argument lists") */
	for (uint32_t at = 0; at < v.len;) {
		const char *arg = v.s + at;
		const char *nul = memchr(arg, '\0', v.len - at);
		uint32_t l = nul ? (uint32_t)(nul - arg) : v.len - at;
		char *tmp = scratch(rt, l + 1);

		if (!tmp)
			break;
		memcpy(tmp, arg, l);
		tmp[l] = '\0';
		fprintf(rt->out, "%s%s", first ? "" : sep, text_safe(tmp, safe, sizeof(safe)));
		first = false;
		at += l + 1;
	}
	fputc('\n', rt->out);
}

static void do_time(struct qrt *rt, struct qnode *n)
{
	const char *fmt = n->nargs ? n->args[0]->sval : "%H:%M:%S\n";
	char buf[256];
	struct tm tm;
	uint64_t ns;

	if (!wall_time(rt, rt->nsecs, &tm, &ns))
		return;
	if (strftime(buf, sizeof(buf), fmt, &tm))
		fputs(buf, rt->out);
}

static void agg_update(struct qentry *e, enum qagg agg, const struct qmapdef *d, int64_t v)
{
	switch (agg) {
	case QAGG_COUNT: e->v++; break;
	case QAGG_SUM: e->v += v; break;
	case QAGG_MIN:
		if (!e->has_value || v < e->v)
			e->v = v;
		e->has_value = true;
		break;
	case QAGG_MAX:
		if (!e->has_value || v > e->v)
			e->v = v;
		e->has_value = true;
		break;
	case QAGG_AVG: case QAGG_STATS:
		e->count++;
		e->total += v;
		break;
	case QAGG_HIST:
		e->buckets[qhist_bucket(v)]++;
		break;
	case QAGG_LHIST: {
		int64_t buckets = (d->lh_max - d->lh_min) / d->lh_step;
		int64_t b = v < d->lh_min ? 0 : v >= d->lh_max ? buckets + 1 :
			    (v - d->lh_min) / d->lh_step + 1;

		if (b > buckets + 1)
			b = buckets + 1;
		e->buckets[b]++;
		break;
	}
	default:
		break;
	}
}

/* the operator of a compound assignment: += is + */
static int compound_base(int op)
{
	static const int base_op[][2] = { { QT_PLUSEQ, QT_PLUS }, { QT_MINUSEQ, QT_MINUS },
		{ QT_STAREQ, QT_STAR }, { QT_SLASHEQ, QT_SLASH }, { QT_PERCENTEQ, QT_PERCENT },
		{ QT_AMPEQ, QT_AMP }, { QT_PIPEEQ, QT_PIPE }, { QT_CARETEQ, QT_CARET },
		{ QT_SHLEQ, QT_SHL }, { QT_SHREQ, QT_SHR } };

	for (size_t i = 0; i < sizeof(base_op) / sizeof(base_op[0]); i++)
		if (base_op[i][0] == op)
			return base_op[i][1];
	return 0;
}

static void assign_map(struct qrt *rt, struct qnode *n)
{
	struct qmap *m = &rt->maps[n->a->id];
	struct qval v = { 0 };
	struct qentry *e;
	uint32_t klen;

	if (n->b && !(n->op == QT_ASSIGN && n->b->kind == QN_CALL && n->b->agg)) {
		v = eval(rt, n->b);
	} else if (n->b && n->b->nargs) {
		v = eval(rt, n->b->args[0]);
	}
	if (rt->stop || !build_key(rt, n->a, &klen))
		return;
	e = qmap_get(m, rt->keybuf, klen, true);
	if (!e) {
		rt->nomem = true;
		rt->stop = true;
		return;
	}
	if (n->op == QT_ASSIGN && n->b->kind == QN_CALL && n->b->agg) {
		agg_update(e, n->b->agg, m->def, v.i);
		return;
	}
	switch (n->op) {
	case QT_ASSIGN:
		if (v.kind == QTY_INT) {
			e->v = v.i;
		} else {
			uint8_t tmp[QKEY_MAX];
			uint32_t len = 0;

			qval_serialize(&v, tmp, &len, sizeof(tmp));
			if (len > e->blen || !e->blob) {
				uint8_t *nb = ebr_realloc(e->blob, len ? len : 1);

				if (!nb) {
					rt->nomem = true;
					rt->stop = true;
					return;
				}
				e->blob = nb;
			}
			memcpy(e->blob, tmp, len);
			e->blen = len;
		}
		break;
	case QT_INC: e->v++; break;
	case QT_DEC: e->v--; break;
	default:
		e->v = arith(compound_base(n->op), VI(e->v), v, true);
	}
}

static void assign_var(struct qrt *rt, struct qnode *n)
{
	struct qval *slot = &rt->vars[n->a->id];
	struct qval v = n->b ? eval(rt, n->b) : VI(0);

	switch (n->op) {
	case QT_ASSIGN: *slot = v; break;
	case QT_INC: slot->i++; break;
	case QT_DEC: slot->i--; break;
	default:
		slot->i = arith(compound_base(n->op), *slot, v, n->a->type.is_signed);
	}
}

static void stmt_call(struct qrt *rt, struct qnode *n)
{
	switch ((enum qfunc)n->id) {
	case QF_PRINTF:
		do_printf(rt, n, rt->out);
		break;
	case QF_PRINT:
		if (n->args[0]->kind == QN_MAP && !n->args[0]->nargs) {
			uint64_t top = n->nargs > 1 ? (uint64_t)eval(rt, n->args[1]).i : 0;
			uint64_t div = n->nargs > 2 ? (uint64_t)eval(rt, n->args[2]).i : 1;

			if (qmap_print(&rt->maps[n->args[0]->id], rt->out,
				       top > UINT32_MAX ? UINT32_MAX : (uint32_t)top, div, rt->syms)) {
				rt->nomem = true;
				rt->stop = true;
			}
		} else {
			struct qval v = eval(rt, n->args[0]);

			qval_print(&v, rt->out, rt->syms, false);
			fputc('\n', rt->out);
		}
		break;
	case QF_TIME:
		do_time(rt, n);
		break;
	case QF_JOIN:
		do_join(rt, n);
		break;
	case QF_DELETE: {
		uint32_t klen;

		if (build_key(rt, n->args[0], &klen))
			qmap_delete(&rt->maps[n->args[0]->id], rt->keybuf, klen);
		break;
	}
	case QF_CLEAR: {
		struct qmap *m = &rt->maps[n->args[0]->id];

		/* an array's entries cannot be removed: bpftrace's clear() zeroes a keyless count */
		if (m->def->agg == QAGG_COUNT && !m->def->nkeys)
			qmap_zero(m);
		else
			qmap_clear(m);
		break;
	}
	case QF_ZERO:
		qmap_zero(&rt->maps[n->args[0]->id]);
		break;
	case QF_EXIT:
		rt->res->exited = true;
		break;
	default:
		eval(rt, n);
	}
}

static enum flow exec_block(struct qrt *rt, struct qnode *b);

static bool step(struct qrt *rt)
{
	if (++rt->steps > rt->max_steps) {
		rt->res->step_limit = true;
		rt_error(rt, "an action ran past its limit of statements on one event (a loop "
			 "that does not end?): the run stops there");
		return false;
	}
	if (rt->max_total_steps && ++rt->total_steps > rt->max_total_steps) {
		rt->res->step_limit = true;
		rt_error(rt, "the program ran past its limit of statements: the run stops there");
		return false;
	}
	return true;
}

static enum flow exec(struct qrt *rt, struct qnode *n)
{
	if (rt->stop || !step(rt))
		return FLOW_STOP;
	switch (n->kind) {
	case QN_EXPR:
		if (n->a->kind == QN_CALL)
			stmt_call(rt, n->a);
		else
			eval(rt, n->a);
		break;
	case QN_ASSIGN_MAP:
		assign_map(rt, n);
		break;
	case QN_ASSIGN_VAR:
		assign_var(rt, n);
		break;
	case QN_IF: {
		struct qval c = eval(rt, n->a);

		if (truthy(&c))
			return exec_block(rt, n->b);
		if (n->c)
			return n->c->kind == QN_IF ? exec(rt, n->c) : exec_block(rt, n->c);
		break;
	}
	case QN_WHILE: case QN_UNROLL: {
		int64_t times = n->kind == QN_UNROLL ? n->a->ival : -1;

		for (int64_t i = 0; times < 0 || i < times; i++) {
			if (times < 0) {
				struct qval c = eval(rt, n->a);

				if (!truthy(&c))
					break;
			}
			enum flow f = exec_block(rt, n->b);

			if (f == FLOW_BREAK)
				break;
			if (f == FLOW_RETURN || f == FLOW_STOP)
				return f;
			if (!step(rt))
				return FLOW_STOP;
		}
		break;
	}
	case QN_RETURN: return FLOW_RETURN;
	case QN_BREAK: return FLOW_BREAK;
	case QN_CONTINUE: return FLOW_CONTINUE;
	default: break;
	}
	return rt->stop ? FLOW_STOP : FLOW_NEXT;
}

static enum flow exec_block(struct qrt *rt, struct qnode *b)
{
	for (uint32_t i = 0; i < b->nargs; i++) {
		enum flow f = exec(rt, b->args[i]);

		if (f != FLOW_NEXT)
			return f;
	}
	return FLOW_NEXT;
}

static void run_bound(struct qrt *rt, const struct qbound *b, const struct ebr_event *ev,
		      uint64_t nsecs)
{
	struct qaction *a = &rt->q->prog.actions[b->action];

	rt->b = b;
	rt->ev = ev;
	rt->nsecs = nsecs;
	rt->steps = 0;
	rt->scratch_used = 0;
	memset(rt->vars, 0, a->nvars * sizeof(*rt->vars));
	if (a->filter) {
		struct qval c = eval(rt, a->filter);

		if (rt->stop || !truthy(&c))
			return;
	}
	exec_block(rt, a->body);
	if (rt->res->exited)
		rt->stop = true;
}

static void run_special(struct qrt *rt, enum qspecial which)
{
	for (uint32_t i = 0; i < rt->q->nbound && !rt->stop; i++)
		if (rt->q->bound[i].special == which)
			run_bound(rt, &rt->q->bound[i], NULL, rt->nsecs);
}

/* the interval probes due at or before ts, in time order */
static void run_intervals(struct qrt *rt, uint64_t ts)
{
	while (!rt->stop && rt->next_interval_min <= ts) {
		uint64_t due = UINT64_MAX;
		uint32_t which = 0;

		for (uint32_t i = 0; i < rt->q->nbound; i++)
			if (rt->q->bound[i].special == QSPECIAL_INTERVAL && rt->interval_next[i] < due) {
				due = rt->interval_next[i];
				which = i;
			}
		if (due > ts) {
			rt->next_interval_min = due;
			return;
		}
		rt->interval_next[which] += rt->q->bound[which].interval_ns;
		run_bound(rt, &rt->q->bound[which], NULL, due);
	}
}

static void start(struct qrt *rt, uint64_t first_ts)
{
	uint64_t s = trace_start_ns(rt->r);

	rt->started = true;
	rt->start_ns = s && s <= first_ts ? s : first_ts;
	rt->next_interval_min = UINT64_MAX;
	for (uint32_t i = 0; i < rt->q->nbound; i++)
		if (rt->q->bound[i].special == QSPECIAL_INTERVAL) {
			rt->interval_next[i] = rt->start_ns + rt->q->bound[i].interval_ns;
			if (rt->interval_next[i] < rt->next_interval_min)
				rt->next_interval_min = rt->interval_next[i];
		}
	rt->nsecs = rt->start_ns;
	run_special(rt, QSPECIAL_BEGIN);
}

static int on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct qrt *rt = self;
	int ti;

	(void)r;
	if (rt->stop)
		return rt->nomem ? EBR_E_NOMEM : QRUN_STOPPED;
	if (!rt->started)
		start(rt, ev->ts);
	run_intervals(rt, ev->ts);
	ti = ebr_reader_type_index(rt->r, ev->file_type);
	if (ti < 0 || (uint32_t)ti >= rt->q->ntypes || !rt->q->nby_type[ti])
		return 0;
	for (uint32_t k = 0; k < rt->q->nby_type[ti] && !rt->stop; k++) {
		const struct qbound *b = &rt->q->bound[rt->q->by_type[ti][k]];
		uint64_t nsecs = ev->ts;

		rt->ev = ev;
		if (b->filter.kind == QSRC_FIELD) {
			int64_t v = field_value(rt, &b->filter).i;

			if ((b->filter_op == QFILTER_EQ) != (v == b->filter_value))
				continue;
		}
		if (b->enter && b->lat.kind == QSRC_FIELD) {
			uint64_t lat = (uint64_t)field_value(rt, &b->lat).i;

			nsecs = lat < ev->ts ? ev->ts - lat : 0;
		}
		run_bound(rt, b, ev, nsecs);
	}
	return rt->nomem ? EBR_E_NOMEM : rt->stop ? QRUN_STOPPED : 0;
}

/* The field of schema entry ti that says whose an event is (the pid builtin's), or -1. */
static int32_t pid_field(const struct ebr_reader *r, int ti)
{
	const char *tn = "?", *name;
	const char *const *cands;
	uint32_t id, nf = 0;
	enum ebr_kind kind;

	if (ebr_reader_type_at(r, (uint32_t)ti, &id, &tn, &nf))
		return -1;
	cands = qbuiltin_fields(QB_PID, tn);
	for (int i = 0; cands && cands[i]; i++)
		for (uint32_t f = 0; f < nf; f++)
			if (!ebr_reader_type_field(r, (uint32_t)ti, f, &name, &kind) &&
			    kind == EBR_KIND_U64 && !strcmp(name, cands[i]))
				return (int32_t)f;
	return -1;
}

/* --cgroup, --container: whether the event is of a process they let through, or of none. */
static bool in_scope(struct qrt *rt, int ti, const struct ebr_event *ev)
{
	if (rt->pid_field[ti] == -2)
		rt->pid_field[ti] = pid_field(rt->r, ti);
	if (rt->pid_field[ti] < 0 || (uint32_t)rt->pid_field[ti] >= ev->nraw)
		return true; /* the system's (cache.stat, ebr.counts) */
	return proc_filter_match(rt->who, ev->raw[rt->pid_field[ti]].u, NULL);
}

/* the pass's analyzer: the events of the program's probes go on in time order, others nowhere */
static int on_file_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct qrt *rt = self;
	int ti, err;

	if (rt->stop)
		return rt->nomem ? EBR_E_NOMEM : QRUN_STOPPED;
	if (rt->procs && (err = proctable_on_event(rt->procs, r, ev)))
		return err;
	ti = ebr_reader_type_index(rt->r, ev->file_type);
	if (ti < 0 || (uint32_t)ti >= rt->q->ntypes || !rt->q->nby_type[ti])
		return 0;
	/* the cut as of the event's place in the file: the process table is not ahead of it */
	if (rt->who && !in_scope(rt, ti, ev))
		return 0;
	return reorder_on_event(rt->ro, r, ev);
}

int query_run(struct qcompiled *q, struct ebr_reader *r, const struct symtab *syms,
	      const struct qrun_opts *opts, struct qrun_result *result)
{
	struct qrt rt = { 0 };
	struct analyzer an = { on_file_event, &rt, ANALYZER_EVERY_TYPE }, in_order = { on_event, &rt,
									  ANALYZER_EVERY_TYPE };
	uint32_t max_vars = 1;
	int ret = 0;

	memset(result, 0, sizeof(*result));
	rt.q = q;
	rt.r = r;
	rt.syms = syms;
	rt.out = opts->out;
	rt.res = result;
	rt.max_steps = opts->max_steps ? opts->max_steps : QRUN_DEFAULT_STEPS;
	rt.max_total_steps = opts->max_total_steps;
	rt.who = opts->who;
	rt.procs = opts->procs;
	if (rt.who) {
		rt.pid_field = ebr_calloc(q->ntypes ? q->ntypes : 1, sizeof(*rt.pid_field));
		if (!rt.pid_field) {
			ret = EBR_E_NOMEM;
			goto out;
		}
		for (uint32_t i = 0; i < q->ntypes; i++)
			rt.pid_field[i] = -2;
	}
	for (uint32_t a = 0; a < q->prog.nactions; a++)
		if (q->prog.actions[a].nvars > max_vars)
			max_vars = q->prog.actions[a].nvars;
	rt.vars = ebr_calloc(max_vars, sizeof(*rt.vars));
	rt.maps = ebr_calloc(q->prog.nmaps ? q->prog.nmaps : 1, sizeof(*rt.maps));
	rt.scratch = ebr_malloc(QSCRATCH);
	rt.interval_next = ebr_calloc(q->nbound ? q->nbound : 1, sizeof(*rt.interval_next));
	if (!rt.vars || !rt.maps || !rt.scratch || !rt.interval_next ||
	    reorder_new(&rt.ro, q->order_free ? 0 : opts->reorder_ns, &in_order)) {
		ret = EBR_E_NOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < q->prog.nmaps; i++) {
		rt.maps[i].def = &q->prog.maps[i];
		/* bpftrace keeps a keyless count() in an array: it has its entry, 0, from the start */
		if (q->prog.maps[i].agg == QAGG_COUNT && !q->prog.maps[i].nkeys &&
		    !qmap_get(&rt.maps[i], rt.keybuf, 0, true)) {
			ret = EBR_E_NOMEM;
			goto out;
		}
	}

	/* the reader decodes the types the probes name, and the process table's when it keeps
	 * one; no other event reaches the program (on_file_event()). None named: every type */
	an.types = rt.procs ? proctable_types(rt.procs) : 0;
	for (uint32_t i = 0; i < q->ntypes; i++)
		if (q->nby_type[i])
			an.types |= ebr_reader_type_bit(r, i);
	ret = analyze_pass_limited(r, &an, 1, opts->limit);
	/* the events still held: read before any stop, they are the program's */
	if (!ret && !rt.stop)
		ret = reorder_flush(rt.ro, r);
	if (ret == QRUN_STOPPED)
		ret = 0;
	if (ret && ret != EBR_E_NOMEM)
		goto out;
	if (rt.nomem || ret == EBR_E_NOMEM) {
		ret = EBR_E_NOMEM;
		goto out;
	}
	if (!rt.started) {
		uint64_t s = trace_start_ns(r);

		start(&rt, s);
	}
	if (!rt.stop || (result->exited && !result->error[0])) {
		const char *end = ebr_reader_meta(r, "clock.end.monotonic_ns");

		/* the intervals up to the recording's end, as a live run ticks until Ctrl-C */
		if (!result->exited && end)
			run_intervals(&rt, strtoull(end, NULL, 10));
		rt.stop = false;
		rt.nsecs = end ? strtoull(end, NULL, 10) : rt.nsecs;
		run_special(&rt, QSPECIAL_END);
		rt.stop = false;
	}
	if (rt.nomem) {
		ret = EBR_E_NOMEM;
		goto out;
	}
	/* bpftrace at exit: two newlines, then every map of the program by name */
	fputs("\n\n", rt.out);
	{
		uint32_t *order = ebr_malloc((q->prog.nmaps ? q->prog.nmaps : 1) * sizeof(*order));

		if (!order) {
			ret = EBR_E_NOMEM;
			goto out;
		}
		for (uint32_t i = 0; i < q->prog.nmaps; i++)
			order[i] = i;
		for (uint32_t i = 1; i < q->prog.nmaps; i++)
			for (uint32_t j = i; j > 0 && strcmp(q->prog.maps[order[j - 1]].name,
							     q->prog.maps[order[j]].name) > 0; j--) {
				uint32_t t = order[j];

				order[j] = order[j - 1];
				order[j - 1] = t;
			}
		for (uint32_t i = 0; i < q->prog.nmaps && !ret; i++)
			if (qmap_print(&rt.maps[order[i]], rt.out, 0, 1, syms))
				ret = EBR_E_NOMEM;
		ebr_free(order);
	}
out:
	for (uint32_t i = 0; rt.maps && i < q->prog.nmaps; i++)
		qmap_release(&rt.maps[i]);
	ebr_free(rt.maps);
	ebr_free(rt.vars);
	ebr_free(rt.scratch);
	ebr_free(rt.interval_next);
	ebr_free(rt.pid_field);
	reorder_free(rt.ro);
	return ret;
}
