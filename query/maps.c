// SPDX-License-Identifier: GPL-2.0-only
/*
 * The maps of a running program and bpftrace's printing of them. The formats are bpftrace
 * 0.17's (Debian's), src/output.cpp: TextOutput::hist_to_str / lhist_to_str (a 16-column
 * left-aligned label, the count right-aligned in 8, " |", a bar of '@' scaled to 52
 * columns, "|"), hist_index_label (powers of two with K, M, G, T suffixes: "[1K, 2K)"),
 * lhist_index_label, map_keyval_to_str ("@name[k1, k2]: value"; "@h: " and a newline before
 * a histogram), map_stats_to_str ("count N, average N, total N"); and src/bpftrace.cpp's
 * print_map* for the order: integers by value, histograms by their total count, avg and
 * stats by their average, ascending; others by key. Ties, which bpftrace leaves in its hash
 * table's order, are broken by key here, so that a run prints the same every time.
 */
#include <stdlib.h>
#include <string.h>
#include "format/mem.h"
#include "analyze/siphash.h"
#include "analyze/symtab.h"
#include "query/maps.h"
#include "report/text.h"

#define QKEY_STR_MAX 1024u
#define QKEY_STACK_MAX 127u

void qval_serialize(const struct qval *v, uint8_t *buf, uint32_t *len, uint32_t cap)
{
	uint32_t at = *len;

	if (v->kind == QTY_INT) {
		if (at + 9 > cap)
			return;
		buf[at++] = 'i';
		memcpy(buf + at, &v->i, 8);
		at += 8;
	} else if (v->kind == QTY_STR) {
		uint32_t n = v->len > QKEY_STR_MAX ? QKEY_STR_MAX : v->len;

		if (at + 5 + n > cap)
			return;
		buf[at++] = 's';
		memcpy(buf + at, &n, 4);
		at += 4;
		if (n)
			memcpy(buf + at, v->s, n);
		at += n;
	} else if (v->kind == QTY_KSTACK || v->kind == QTY_USTACK) {
		uint32_t n = v->len > QKEY_STACK_MAX ? QKEY_STACK_MAX : v->len;

		if (at + 13 + 8 * n > cap)
			return;
		buf[at++] = v->kind == QTY_KSTACK ? 'k' : 'u';
		memcpy(buf + at, &v->pid, 8);
		memcpy(buf + at + 8, &n, 4);
		at += 12;
		if (n)
			memcpy(buf + at, v->frames, 8 * n);
		at += 8 * n;
	}
	*len = at;
}

/* the value at *at of a serialized key; false at its end */
static bool deserialize(const uint8_t *buf, uint32_t len, uint32_t *at, struct qval *v)
{
	uint32_t n;

	memset(v, 0, sizeof(*v));
	if (*at >= len)
		return false;
	switch (buf[(*at)++]) {
	case 'i':
		v->kind = QTY_INT;
		memcpy(&v->i, buf + *at, 8);
		*at += 8;
		return true;
	case 's':
		v->kind = QTY_STR;
		memcpy(&n, buf + *at, 4);
		v->s = (const char *)buf + *at + 4;
		v->len = n;
		*at += 4 + n;
		return true;
	case 'k': case 'u':
		v->kind = buf[*at - 1] == 'k' ? QTY_KSTACK : QTY_USTACK;
		memcpy(&v->pid, buf + *at, 8);
		memcpy(&n, buf + *at + 8, 4);
		v->len = n;
		v->frames = (const uint64_t *)(const void *)(buf + *at + 12);
		*at += 12 + 8 * n;
		return true;
	default:
		return false;
	}
}

static uint64_t key_hash(const uint8_t *key, uint32_t klen)
{
	return siphash(klen, key, klen);
}

static bool grow(struct qmap *m)
{
	uint32_t cap = m->cap ? m->cap * 2 : 64;
	struct qentry **slots = ebr_calloc(cap, sizeof(*slots));

	if (!slots)
		return false;
	for (uint32_t i = 0; i < m->cap; i++)
		for (struct qentry *e = m->slots[i], *next; e; e = next) {
			next = e->next;
			e->next = slots[e->hash & (cap - 1)];
			slots[e->hash & (cap - 1)] = e;
		}
	ebr_free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return true;
}

struct qentry *qmap_get(struct qmap *m, const uint8_t *key, uint32_t klen, bool create)
{
	uint64_t h = key_hash(key, klen);

	if (m->cap)
		for (struct qentry *e = m->slots[h & (m->cap - 1)]; e; e = e->next)
			if (e->hash == h && e->klen == klen && !memcmp(e->key, key, klen))
				return e;
	if (!create)
		return NULL;
	if (m->len >= m->cap && !grow(m))
		return NULL;
	struct qentry *e = ebr_calloc(1, sizeof(*e) + klen);

	if (!e)
		return NULL;
	if (m->def->agg == QAGG_HIST || m->def->agg == QAGG_LHIST) {
		uint64_t n = m->def->agg == QAGG_HIST ? QHIST_BUCKETS :
			     (uint64_t)((m->def->lh_max - m->def->lh_min) / m->def->lh_step) + 2;

		e->buckets = ebr_calloc(n, sizeof(*e->buckets));
		if (!e->buckets) {
			ebr_free(e);
			return NULL;
		}
	}
	e->hash = h;
	e->klen = klen;
	memcpy(e->key, key, klen);
	e->next = m->slots[h & (m->cap - 1)];
	m->slots[h & (m->cap - 1)] = e;
	m->len++;
	return e;
}

static void entry_free(struct qentry *e)
{
	ebr_free(e->buckets);
	ebr_free(e->blob);
	ebr_free(e);
}

void qmap_delete(struct qmap *m, const uint8_t *key, uint32_t klen)
{
	uint64_t h = key_hash(key, klen);

	if (!m->cap)
		return;
	for (struct qentry **p = &m->slots[h & (m->cap - 1)]; *p; p = &(*p)->next) {
		struct qentry *e = *p;

		if (e->hash == h && e->klen == klen && !memcmp(e->key, key, klen)) {
			*p = e->next;
			entry_free(e);
			m->len--;
			return;
		}
	}
}

void qmap_clear(struct qmap *m)
{
	for (uint32_t i = 0; i < m->cap; i++)
		for (struct qentry *e = m->slots[i], *next; e; e = next) {
			next = e->next;
			entry_free(e);
		}
	if (m->slots)
		memset(m->slots, 0, m->cap * sizeof(*m->slots));
	m->len = 0;
}

void qmap_zero(struct qmap *m)
{
	uint64_t nb = m->def->agg == QAGG_HIST ? QHIST_BUCKETS : m->def->agg == QAGG_LHIST ?
		      (uint64_t)((m->def->lh_max - m->def->lh_min) / m->def->lh_step) + 2 : 0;

	for (uint32_t i = 0; i < m->cap; i++)
		for (struct qentry *e = m->slots[i]; e; e = e->next) {
			e->v = e->count = e->total = 0;
			e->has_value = false;
			if (e->buckets)
				memset(e->buckets, 0, nb * sizeof(*e->buckets));
			if (e->blob)
				memset(e->blob, 0, e->blen);
		}
}

void qmap_release(struct qmap *m)
{
	qmap_clear(m);
	ebr_free(m->slots);
	m->slots = NULL;
	m->cap = 0;
}

uint32_t qhist_bucket(int64_t v)
{
	if (v < 0)
		return 0;
	if (v == 0)
		return 1;
	uint32_t b = 2 + (uint32_t)(63 - __builtin_clzll((uint64_t)v));

	return b < QHIST_BUCKETS ? b : QHIST_BUCKETS - 1;
}

/* ------------------------------------------------------------------ printing */

static void print_bytes(FILE *out, const char *s, uint32_t len)
{
	char raw[1025], safe[TEXT_SAFE_SIZE(1024)];
	uint32_t n = len > 1024 ? 1024 : len;

	/* a string ends at its NUL, as bpftrace's fixed-size strings do */
	const char *nul = memchr(s, '\0', n);

	if (nul)
		n = (uint32_t)(nul - s);
	memcpy(raw, s, n);
	raw[n] = '\0';
	fputs(text_safe(raw, safe, sizeof(safe)), out);
}

static void print_frame(FILE *out, const struct symtab *syms, bool kernel, uint64_t pid,
			uint64_t addr, uint32_t i)
{
	struct frame_names names;

	if (!syms) {
		fprintf(out, "0x%llx", (unsigned long long)addr);
		return;
	}
	symtab_name_frame(syms, kernel, pid, addr, i, &names);
	if (!names.resolved || !names.n) {
		/* bpftrace prints an address it cannot name in hex */
		fprintf(out, "0x%llx", (unsigned long long)addr);
		return;
	}
	print_bytes(out, names.name[0], (uint32_t)strlen(names.name[0]));
	if (kernel && syms->nksyms) {
		/* bpftrace's kstack: "name+offset", the offset in decimal */
		uint32_t lo = 0, hi = syms->nksyms;

		while (hi - lo > 1) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (syms->ksyms[mid].addr <= addr)
				lo = mid;
			else
				hi = mid;
		}
		if (syms->ksyms[lo].addr <= addr)
			fprintf(out, "+%llu", (unsigned long long)(addr - syms->ksyms[lo].addr));
	}
}

void qval_print(const struct qval *v, FILE *out, const struct symtab *syms, bool as_key)
{
	switch (v->kind) {
	case QTY_INT:
		fprintf(out, "%lld", (long long)v->i);
		break;
	case QTY_STR:
		print_bytes(out, v->s, v->len);
		break;
	case QTY_KSTACK: case QTY_USTACK:
		/* BPFtrace::get_stack: a newline, then each frame indented by 8 */
		fputc('\n', out);
		for (uint32_t i = 0; i < v->len; i++) {
			uint64_t addr;

			/* a stack out of a map's key: its bytes are not aligned */
			memcpy(&addr, (const uint8_t *)v->frames + 8 * (size_t)i, sizeof(addr));
			fputs("        ", out);
			print_frame(out, syms, v->kind == QTY_KSTACK, v->pid, addr, i);
			fputc('\n', out);
		}
		break;
	default:
		break;
	}
	(void)as_key;
}

static void print_int(FILE *out, int64_t v, bool is_signed, uint64_t div)
{
	if (is_signed)
		fprintf(out, "%lld", (long long)(v / (int64_t)div));
	else
		fprintf(out, "%llu", (unsigned long long)((uint64_t)v / div));
}

static void print_key(const struct qmap *m, const struct qentry *e, FILE *out,
		      const struct symtab *syms)
{
	uint32_t at = 0, i = 0;
	struct qval v;

	fputs(m->def->name, out);
	if (!m->def->nkeys || m->def->nkeys == UINT32_MAX)
		return;
	fputc('[', out);
	while (deserialize(e->key, e->klen, &at, &v)) {
		if (i)
			fputs(", ", out);
		if (v.kind == QTY_INT)
			print_int(out, v.i, i < 8 ? m->def->ktypes[i].is_signed : true, 1);
		else
			qval_print(&v, out, syms, true);
		i++;
	}
	fputc(']', out);
}

/* TextOutput::hist_index_label */
static void hist_label(char *buf, size_t len, int power)
{
	const char *suffix = "";

	if (power >= 40) {
		suffix = "T";
		power -= 40;
	} else if (power >= 30) {
		suffix = "G";
		power -= 30;
	} else if (power >= 20) {
		suffix = "M";
		power -= 20;
	} else if (power >= 10) {
		suffix = "K";
		power -= 10;
	}
	snprintf(buf, len, "%llu%s", 1ull << power, suffix);
}

/* TextOutput::lhist_index_label */
static void lhist_label(char *buf, size_t len, int64_t n)
{
	if (n == 0)
		snprintf(buf, len, "0");
	else if (n % 1048576 == 0)
		snprintf(buf, len, "%lldM", (long long)(n / 1048576));
	else if (n % 1024 == 0)
		snprintf(buf, len, "%lldK", (long long)(n / 1024));
	else
		snprintf(buf, len, "%lld", (long long)n);
}

static void bar_line(FILE *out, const char *label, uint64_t value, uint64_t max_value)
{
	int width = max_value ? (int)((float)value / (float)max_value * 52) : 0;

	fprintf(out, "%-16s%8llu |", label, (unsigned long long)value);
	for (int i = 0; i < 52; i++)
		fputc(i < width ? '@' : ' ', out);
	fputs("|\n", out);
}

static void print_hist(FILE *out, const uint64_t *b, uint64_t div)
{
	int lo = -1, hi = -1;
	uint64_t max = 0;
	char label[64], a[24], z[24];

	for (int i = 0; i < (int)QHIST_BUCKETS; i++) {
		if (b[i] > 0) {
			if (lo < 0)
				lo = i;
			hi = i;
		}
		if (b[i] > max)
			max = b[i];
	}
	for (int i = lo; lo >= 0 && i <= hi; i++) {
		if (i == 0) {
			snprintf(label, sizeof(label), "(..., 0)");
		} else if (i == 1) {
			snprintf(label, sizeof(label), "[0]");
		} else if (i == 2) {
			snprintf(label, sizeof(label), "[1]");
		} else {
			hist_label(a, sizeof(a), i - 2);
			hist_label(z, sizeof(z), i - 1);
			snprintf(label, sizeof(label), "[%s, %s)", a, z);
		}
		/* the bar is of the count, the number printed divided (bpftrace's hist_to_str) */
		int width = max ? (int)((float)b[i] / (float)max * 52) : 0;

		fprintf(out, "%-16s%8llu |", label, (unsigned long long)(b[i] / div));
		for (int k = 0; k < 52; k++)
			fputc(k < width ? '@' : ' ', out);
		fputs("|\n", out);
	}
}

static void print_lhist(FILE *out, const uint64_t *b, const struct qmapdef *d)
{
	int64_t buckets = (d->lh_max - d->lh_min) / d->lh_step;
	int64_t start = -1, end = 0;
	uint64_t max = 0;
	char label[80], a[32], z[32];

	for (int64_t i = 0; i <= buckets + 1; i++) {
		if (b[i] > max)
			max = b[i];
		if (b[i] > 0) {
			if (start < 0)
				start = i;
			end = i;
		}
	}
	if (start < 0)
		return;
	for (int64_t i = start; i <= end; i++) {
		if (i == 0) {
			lhist_label(a, sizeof(a), d->lh_min);
			snprintf(label, sizeof(label), "(..., %s)", a);
		} else if (i == buckets + 1) {
			lhist_label(a, sizeof(a), d->lh_max);
			snprintf(label, sizeof(label), "[%s, ...)", a);
		} else {
			lhist_label(a, sizeof(a), (i - 1) * d->lh_step + d->lh_min);
			lhist_label(z, sizeof(z), i * d->lh_step + d->lh_min);
			snprintf(label, sizeof(label), "[%s, %s)", a, z);
		}
		bar_line(out, label, b[i], max);
	}
}

struct sort_ctx {
	const struct qmap *m;
	uint64_t nbuckets;
};

static int key_compare(const struct qentry *a, const struct qentry *b)
{
	uint32_t ia = 0, ib = 0;
	struct qval va, vb;

	while (deserialize(a->key, a->klen, &ia, &va) && deserialize(b->key, b->klen, &ib, &vb)) {
		int c = 0;

		if (va.kind == QTY_INT && vb.kind == QTY_INT) {
			c = va.i < vb.i ? -1 : va.i > vb.i;
		} else if (va.kind == QTY_STR && vb.kind == QTY_STR) {
			uint32_t n = va.len < vb.len ? va.len : vb.len;

			c = n ? memcmp(va.s, vb.s, n) : 0;
			if (!c)
				c = va.len < vb.len ? -1 : va.len > vb.len;
		} else {
			uint32_t n = va.len < vb.len ? va.len : vb.len;

			c = n ? memcmp(va.frames, vb.frames, 8 * n) : 0;
			if (!c)
				c = va.len < vb.len ? -1 : va.len > vb.len;
		}
		if (c)
			return c;
	}
	return a->klen < b->klen ? -1 : a->klen > b->klen;
}

static const struct sort_ctx *sorting;

static int64_t avg_of(const struct qentry *e)
{
	return e->count ? e->total / e->count : 0;
}

static int entry_compare(const void *pa, const void *pb)
{
	const struct qentry *a = *(const struct qentry *const *)pa;
	const struct qentry *b = *(const struct qentry *const *)pb;
	const struct qmapdef *d = sorting->m->def;
	int c = 0;

	switch (d->agg) {
	case QAGG_COUNT: case QAGG_SUM: case QAGG_MIN: case QAGG_MAX:
		if (d->agg == QAGG_COUNT)
			c = (uint64_t)a->v < (uint64_t)b->v ? -1 : (uint64_t)a->v > (uint64_t)b->v;
		else
			c = a->v < b->v ? -1 : a->v > b->v;
		break;
	case QAGG_AVG: case QAGG_STATS:
		c = avg_of(a) < avg_of(b) ? -1 : avg_of(a) > avg_of(b);
		break;
	case QAGG_HIST: case QAGG_LHIST: {
		uint64_t ta = 0, tb = 0;

		for (uint64_t i = 0; i < sorting->nbuckets; i++) {
			ta += a->buckets[i];
			tb += b->buckets[i];
		}
		c = ta < tb ? -1 : ta > tb;
		break;
	}
	case QAGG_NONE:
		if (d->vtype.kind == QTY_INT) {
			if (d->vtype.is_signed)
				c = a->v < b->v ? -1 : a->v > b->v;
			else
				c = (uint64_t)a->v < (uint64_t)b->v ? -1 :
				    (uint64_t)a->v > (uint64_t)b->v;
		}
		break;
	}
	return c ? c : key_compare(a, b);
}

int qmap_print(const struct qmap *m, FILE *out, uint32_t top, uint64_t div,
	       const struct symtab *syms)
{
	const struct qmapdef *d = m->def;
	struct qentry **all = NULL;
	struct sort_ctx ctx = { m, 0 };
	uint32_t n = 0, skip = 0;
	bool hist = d->agg == QAGG_HIST || d->agg == QAGG_LHIST;
	bool stats = d->agg == QAGG_AVG || d->agg == QAGG_STATS;

	if (!div)
		div = 1;
	if (m->len) {
		all = ebr_malloc(m->len * sizeof(*all));
		if (!all)
			return -1;
	}
	for (uint32_t i = 0; i < m->cap; i++)
		for (struct qentry *e = m->slots[i]; e; e = e->next)
			all[n++] = e;
	ctx.nbuckets = d->agg == QAGG_HIST ? QHIST_BUCKETS :
		       d->agg == QAGG_LHIST ? (uint64_t)((d->lh_max - d->lh_min) / d->lh_step) + 2 :
		       0;
	sorting = &ctx;
	if (n)
		qsort(all, n, sizeof(*all), entry_compare);
	sorting = NULL;
	/* top N: the last N of the ascending order (bpftrace skips total - top first) */
	if (top && n > top)
		skip = n - top;
	for (uint32_t i = skip; i < n; i++) {
		const struct qentry *e = all[i];

		/* elements are joined by a newline (map_elem_delim_to_str) */
		if (i > skip)
			fputc('\n', out);
		print_key(m, e, out, syms);
		fputs(": ", out);
		if (hist) {
			fputc('\n', out);
			if (d->agg == QAGG_HIST)
				print_hist(out, e->buckets, div);
			else
				print_lhist(out, e->buckets, d);
		} else if (d->agg == QAGG_STATS) {
			fprintf(out, "count %lld, average %lld, total %lld", (long long)e->count,
				(long long)avg_of(e), (long long)e->total);
		} else if (d->agg == QAGG_AVG) {
			fprintf(out, "%lld", (long long)(avg_of(e) / (int64_t)div));
		} else if (d->agg == QAGG_COUNT) {
			print_int(out, e->v, false, div);
		} else if (d->agg != QAGG_NONE || d->vtype.kind == QTY_INT) {
			print_int(out, e->v, d->agg != QAGG_NONE || d->vtype.is_signed, div);
		} else {
			uint32_t at = 0;
			struct qval v;

			if (e->blob && deserialize(e->blob, e->blen, &at, &v))
				qval_print(&v, out, syms, false);
		}
	}
	/* TextOutput::map, map_hist: std::endl after the elements; map_stats: two */
	fputc('\n', out);
	if (stats)
		fputc('\n', out);
	ebr_free(all);
	return 0;
}
