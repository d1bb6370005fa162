// SPDX-License-Identifier: GPL-2.0-only
/*
 * What `ebrec diff` writes (report/diff.h): text or JSON (docs/JSON.md, "ebrec diff"), the
 * stacks as difffolded.pl's two-column folded lines, the differential flame graph.
 *
 * Counts are compared as they are (record both the same length, or cut them with
 * --since/--until, to compare rates); percentiles need no such care; profiles are compared by
 * share of each one's total, as perf diff does, so that a longer recording does not read as
 * a hotter one.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/stacktree.h"
#include "format/mem.h"
#include "report/diff.h"
#include "report/flamegraph.h"
#include "report/json_models.h"
#include "report/membuf.h"
#include "report/text.h"

static const char *const side_name[2] = { "before", "after" };
static const char *const side_label[2] = { "BEFORE", "AFTER" };

/* ------------------------------------------------------------ the traces */

static void trace_facts(struct diff_report *r, int i)
{
	const struct ebr_reader *rd = r->t[i].tf.r;
	const char *host = ebr_reader_meta(rd, "host.hostname");
	const char *fams = ebr_reader_meta(rd, "record.families");
	char start[64], safe[512], safe_host[256];

	text_utc(ebr_reader_meta(rd, "clock.start.realtime_ns"), start, sizeof(start));
	if (r->json) {
		json_object_begin(&r->j, side_name[i]);
		json_str(&r->j, "file", r->t[i].tf.path);
		json_str(&r->j, "host", host ? host : "");
		json_str(&r->j, "start", start);
		json_double(&r->j, "duration_s", trace_recording_seconds(rd), 3);
		json_str(&r->j, "families", fams ? fams : "");
		json_object_end(&r->j);
		return;
	}
	fprintf(r->f, "%-7s %s: host %s, from %s, %.1f s\n", side_label[i],
		text_safe(r->t[i].tf.path, safe, sizeof(safe)),
		text_safe(host ? host : "unknown", safe_host, sizeof(safe_host)), start,
		trace_recording_seconds(rd));
}

/* The loss line of a family for each trace (every view ends with its losses). */
static void losses_of_both(struct diff_report *r, const char *family)
{
	for (int i = 0; i < 2; i++) {
		struct probe_losses l;

		losses_of_family(r->t[i].losses, family, &l);
		if (r->json) {
			json_losses_as(&r->j, side_name[i], r->t[i].tf.r, &l);
			continue;
		}
		fprintf(r->f, "%-7s ", side_label[i]);
		text_losses(r->f, r->t[i].tf.r, &l);
	}
}

/* ------------------------------------------------------------ histograms */

struct stat_row {
	const char *text, *json;
	double share; /* < 0: the count; 1: the max */
};

static const struct stat_row stat_rows[] = {
	{ "count", "count", -1 }, { "p50", "p50_ns", 0.5 }, { "p90", "p90_ns", 0.9 },
	{ "p99", "p99_ns", 0.99 }, { "max", "max_ns", 1 },
};

static uint64_t stat_of(const struct quantiles *q, const struct stat_row *s)
{
	return s->share < 0 ? q->count : quantiles_value(q, s->share);
}

/* "+12.0 us (+100.0%)", "-3 (-25.0%)", "+5 (new)", "0" */
static void text_change(FILE *f, uint64_t before, uint64_t after, bool duration, int width)
{
	uint64_t size = after > before ? after - before : before - after;
	char buf[64], num[32];

	if (duration)
		text_duration(size, num, sizeof(num));
	else
		snprintf(num, sizeof(num), "%" PRIu64, size);
	if (!size)
		snprintf(buf, sizeof(buf), "0");
	else if (before)
		snprintf(buf, sizeof(buf), "%c%s (%+.1f%%)", after > before ? '+' : '-', num,
			 100.0 * ((double)after - (double)before) / (double)before);
	else
		snprintf(buf, sizeof(buf), "+%s (new)", num);
	fprintf(f, "%*s", width, buf);
}

/* {"before": N, "after": M, "change": M - N, "change_pct": ... (when N > 0)} */
static void json_change(struct json *j, const char *key, uint64_t before, uint64_t after)
{
	json_object_begin(j, key);
	json_u64(j, "before", before);
	json_u64(j, "after", after);
	json_s64(j, "change", (int64_t)(after - before));
	if (before)
		json_double(j, "change_pct", 100.0 * ((double)after - (double)before) / (double)before,
			    1);
	json_object_end(j);
}

/*
 * Two log2 histograms side by side, bcc's columns twice; each bar scaled to its own
 * histogram's peak, so that shapes compare when the counts differ (the counts are beside).
 */
static void text_hist_pair(FILE *f, const struct log2_hist *h[2], const char *unit)
{
	int idx_max = -1;
	uint64_t val_max[2] = { 0, 0 };

	for (int s = 0; s < 2; s++)
		for (int i = 0; i < LOG2_HIST_SLOTS; i++) {
			if (h[s]->slot[i] && i > idx_max)
				idx_max = i;
			if (h[s]->slot[i] > val_max[s])
				val_max[s] = h[s]->slot[i];
		}
	if (idx_max < 0)
		return;
	fprintf(f, "\n%*s%-*s : before   after    |%-20s|%-20s|\n", idx_max <= 32 ? 5 : 15, "",
		idx_max <= 32 ? 19 : 29, unit, "before", "after");
	for (int i = 0; i <= idx_max; i++) {
		uint64_t low, high;

		log2_slot_bounds((unsigned)i, &low, &high);
		fprintf(f, "%*" PRIu64 " -> %-*" PRIu64 " : %-8" PRIu64 " %-8" PRIu64 " |",
			idx_max <= 32 ? 10 : 20, low, idx_max <= 32 ? 10 : 20, high, h[0]->slot[i],
			h[1]->slot[i]);
		text_stars(f, h[0]->slot[i], val_max[0], 20);
		fputc('|', f);
		text_stars(f, h[1]->slot[i], val_max[1], 20);
		fputs("|\n", f);
	}
}

static void write_hist(struct diff_report *r, enum diff_hist_id id)
{
	const struct diff_measure *m = &diff_hists[id];
	const struct log2_hist *h[2] = { diff_side_hist(r->t[0].side, id),
					 diff_side_hist(r->t[1].side, id) };

	if (r->json) {
		json_object_begin(&r->j, NULL);
		json_str(&r->j, "view", m->view);
		json_str(&r->j, "what", m->what);
		json_str(&r->j, "unit", m->unit);
		for (int i = 0; i < 2; i++) {
			json_object_begin(&r->j, side_name[i]);
			json_u64(&r->j, "count", h[i]->total);
			json_log2_hist(&r->j, "buckets", h[i]);
			json_percentiles(&r->j, &h[i]->ns);
			json_object_end(&r->j);
		}
		json_object_begin(&r->j, "change");
		for (size_t s = 0; s < sizeof(stat_rows) / sizeof(stat_rows[0]); s++)
			json_change(&r->j, stat_rows[s].json, stat_of(&h[0]->ns, &stat_rows[s]),
				    stat_of(&h[1]->ns, &stat_rows[s]));
		json_object_end(&r->j);
		json_object_begin(&r->j, "losses");
		losses_of_both(r, m->family);
		json_object_end(&r->j);
		json_object_end(&r->j);
		return;
	}
	fprintf(r->f, "\n%s: %s\n%-7s %12s %12s %24s\n", m->view, m->what, "", "BEFORE", "AFTER",
		"CHANGE");
	for (size_t s = 0; s < sizeof(stat_rows) / sizeof(stat_rows[0]); s++) {
		uint64_t v[2] = { stat_of(&h[0]->ns, &stat_rows[s]), stat_of(&h[1]->ns, &stat_rows[s]) };
		bool duration = stat_rows[s].share >= 0;
		char a[32], b[32];

		if (duration) {
			text_duration(v[0], a, sizeof(a));
			text_duration(v[1], b, sizeof(b));
		} else {
			snprintf(a, sizeof(a), "%" PRIu64, v[0]);
			snprintf(b, sizeof(b), "%" PRIu64, v[1]);
		}
		fprintf(r->f, "  %-5s %12s %12s ", stat_rows[s].text, a, b);
		text_change(r->f, v[0], v[1], duration, 24);
		fputc('\n', r->f);
	}
	text_hist_pair(r->f, h, m->unit);
	losses_of_both(r, m->family);
}

/* ------------------------------------------------------------ tables */

static const char *const table_key_head[DIFF_TABLES] = {
	[DIFF_OPENS] = "FILE", [DIFF_EXECS] = "FILE", [DIFF_TCP_REMOTE] = "REMOTE",
	[DIFF_TCP_PROCESS] = "COMM",
};

static int write_table(struct diff_report *r, enum diff_table_id id)
{
	const struct diff_measure *m = &diff_tables[id];
	struct top t;
	uint32_t nshown;
	int err = diff_table_build(&t, r->t[0].side, r->t[1].side, id);

	if (err) {
		top_release(&t);
		fprintf(stderr, "ebrec diff: %s: %s\n", m->view, trace_file_strerror(err));
		return 1;
	}
	nshown = r->limit && r->limit < t.len ? (uint32_t)r->limit : t.len;
	if (r->json) {
		json_object_begin(&r->j, NULL);
		json_str(&r->j, "view", m->view);
		json_str(&r->j, "what", m->what);
		json_str(&r->j, "unit", m->unit);
		json_array_begin(&r->j, "rows");
		for (uint32_t i = 0; i < nshown; i++) {
			const struct top_row *row = &t.rows[i];

			json_object_begin(&r->j, NULL);
			json_str(&r->j, "name", row->name);
			json_u64(&r->j, "before", row->v[DIFF_V_BEFORE]);
			json_u64(&r->j, "after", row->v[DIFF_V_AFTER]);
			json_s64(&r->j, "change",
				 (int64_t)(row->v[DIFF_V_AFTER] - row->v[DIFF_V_BEFORE]));
			if (row->v[DIFF_V_BEFORE])
				json_double(&r->j, "change_pct",
					    100.0 * ((double)row->v[DIFF_V_AFTER] -
						     (double)row->v[DIFF_V_BEFORE]) /
						    (double)row->v[DIFF_V_BEFORE], 1);
			json_object_end(&r->j);
		}
		json_array_end(&r->j);
		json_u64(&r->j, "more_rows", t.len - nshown);
		json_object_begin(&r->j, "losses");
		losses_of_both(r, m->family);
		json_object_end(&r->j);
		json_object_end(&r->j);
		top_release(&t);
		return 0;
	}
	fprintf(r->f, "\n%s: %s, %s (%u biggest changes of %u)\n%12s %12s %24s  %s\n", m->view,
		m->what, m->unit, nshown, t.len, "BEFORE", "AFTER", "CHANGE", table_key_head[id]);
	for (uint32_t i = 0; i < nshown; i++) {
		const struct top_row *row = &t.rows[i];
		char safe[1024];

		fprintf(r->f, "%12" PRIu64 " %12" PRIu64 " ", row->v[DIFF_V_BEFORE],
			row->v[DIFF_V_AFTER]);
		text_change(r->f, row->v[DIFF_V_BEFORE], row->v[DIFF_V_AFTER], false, 24);
		fprintf(r->f, "  %s\n", text_safe(row->name, safe, sizeof(safe)));
	}
	if (!t.len)
		fprintf(r->f, "none in either trace\n");
	losses_of_both(r, m->family);
	top_release(&t);
	return 0;
}

/* ------------------------------------------------------------ profiles */

/* A value as shown: samples, or microseconds off CPU (the profile views' units). */
static uint64_t shown_value(enum diff_profile_id id, uint64_t value)
{
	return id == DIFF_PROFILE ? value : value / 1000;
}

/* A stack's name as a folded line's: "comm;root;...;leaf", each name made safe. */
static void folded_key(FILE *f, const char *key)
{
	const char *part = key + (*key == STACKPROF_KEY_USER); /* the process name's separator */

	for (bool first = true; part; first = false) {
		const char *next = strpbrk(part, "\1\2");

		if (!first)
			fputc(';', f);
		folded_name_n(f, part, next ? (size_t)(next - part) : strlen(part));
		part = next ? next + 1 : NULL;
	}
}

/* BEFORE's value scaled to AFTER's total (difffolded.pl -n), rounded */
static uint64_t normalized(const struct diff_stacks *d, uint64_t before)
{
	return d->before_total ? (uint64_t)((double)before * (double)d->after_total /
					    (double)d->before_total + 0.5)
			       : before;
}

static int write_folded(struct diff_report *r, const struct diff_stacks *d)
{
	enum diff_profile_id id = r->stack_profile;

	for (uint32_t i = 0; i < d->n; i++) {
		const struct diff_stack *s = &d->s[i];

		folded_key(r->f, s->key);
		fprintf(r->f, " %" PRIu64 " %" PRIu64 "\n",
			shown_value(id, r->normalize ? normalized(d, s->before) : s->before),
			shown_value(id, s->after));
	}
	return 0;
}

static int write_svg(struct diff_report *r)
{
	const struct stackprof *p[2] = { &r->t[0].side->prof[r->stack_profile],
					 &r->t[1].side->prof[r->stack_profile] };
	struct stacktree t;
	char title[512], a[200], b[200];
	int err;

	err = stacktree_build(&t, p[1]);
	if (!err)
		err = stacktree_add_before(&t, p[0]);
	if (err) {
		stacktree_release(&t);
		fprintf(stderr, "ebrec diff: building the flame graph: %s\n", trace_file_nomem());
		return 1;
	}
	snprintf(title, sizeof(title), "%s: %s -> %s (red grew, blue shrank)",
		 diff_profiles[r->stack_profile].what, text_safe(r->t[0].tf.path, a, sizeof(a)),
		 text_safe(r->t[1].tf.path, b, sizeof(b)));
	err = flamegraph_write_diff(r->svg, &t, title,
				    r->stack_profile == DIFF_PROFILE ? "samples" : "ns");
	stacktree_release(&t);
	return err;
}

static void text_stack_row(FILE *f, enum diff_profile_id id, const struct diff_stacks *d,
			   const struct diff_stack *s)
{
	double was = d->before_total ? 100.0 * (double)s->before / (double)d->before_total : 0;
	double now = d->after_total ? 100.0 * (double)s->after / (double)d->after_total : 0;

	fprintf(f, "%8.2f %8.2f %+8.2f %10" PRIu64 " %10" PRIu64 "  ", was, now, s->change,
		shown_value(id, s->before), shown_value(id, s->after));
	folded_key(f, s->key);
	fputc('\n', f);
}

/* One stack's JSON: its folded name ("stack"), values and shares. 0, or 1 out of memory. */
static int json_stack_row(struct json *j, enum diff_profile_id id, const struct diff_stacks *d,
			  const struct diff_stack *s)
{
	struct membuf name = { 0 };
	FILE *f = membuf_open(&name);
	int bad;

	if (!f)
		return 1;
	folded_key(f, s->key);
	bad = fflush(f) != 0 || ferror(f);
	if (!bad) {
		json_object_begin(j, NULL);
		json_strn(j, "stack", name.data, name.len);
		json_u64(j, "before", shown_value(id, s->before));
		json_u64(j, "after", shown_value(id, s->after));
		json_double(j, "before_pct", d->before_total ? 100.0 * (double)s->before /
							       (double)d->before_total : 0, 3);
		json_double(j, "after_pct", d->after_total ? 100.0 * (double)s->after /
							     (double)d->after_total : 0, 3);
		json_double(j, "delta_pct", s->change, 3);
		json_object_end(j);
	}
	fclose(f);
	ebr_free(name.data);
	return bad;
}

static int write_profile(struct diff_report *r, enum diff_profile_id id)
{
	const struct diff_measure *m = &diff_profiles[id];
	struct diff_stacks d;
	uint32_t n;
	int err = diff_stacks_build(&d, &r->t[0].side->prof[id], &r->t[1].side->prof[id]);

	if (err) {
		diff_stacks_release(&d);
		fprintf(stderr, "ebrec diff: %s: %s\n", m->view, trace_file_strerror(err));
		return 1;
	}
	if (r->folded) {
		err = write_folded(r, &d);
		diff_stacks_release(&d);
		return err;
	}
	diff_stacks_sort_by_change(&d);
	n = r->limit && r->limit < d.n ? (uint32_t)r->limit : d.n;
	if (r->json) {
		json_object_begin(&r->j, NULL);
		json_str(&r->j, "view", m->view);
		json_str(&r->j, "what", m->what);
		json_str(&r->j, "unit", m->unit);
		json_u64(&r->j, "before_total", shown_value(id, d.before_total));
		json_u64(&r->j, "after_total", shown_value(id, d.after_total));
		json_array_begin(&r->j, "stacks");
		for (uint32_t i = 0; i < n && !err; i++)
			err = json_stack_row(&r->j, id, &d, &d.s[i]);
		json_array_end(&r->j);
		json_u64(&r->j, "more_stacks", d.n - n);
		json_object_begin(&r->j, "losses");
		losses_of_both(r, m->family);
		json_object_end(&r->j);
		json_object_end(&r->j);
	} else {
		fprintf(r->f, "\n%s: %s, %" PRIu64 " %s BEFORE and %" PRIu64 " AFTER: the %u stacks "
			      "whose share changed most, of %u\n%8s %8s %8s %10s %10s  %s\n",
			m->view, m->what, shown_value(id, d.before_total), m->unit, shown_value(id, d.after_total),
			n, d.n, "BEFORE%", "AFTER%", "DELTA", "BEFORE", "AFTER", "STACK");
		for (uint32_t i = 0; i < n; i++)
			text_stack_row(r->f, id, &d, &d.s[i]);
		if (!d.n)
			fprintf(r->f, "no stacks in either trace\n");
		losses_of_both(r, m->family);
	}
	diff_stacks_release(&d);
	if (err)
		fprintf(stderr, "ebrec diff: %s: %s\n", m->view, trace_file_nomem());
	return err;
}

/* ------------------------------------------------------------ the report */

int diff_write(struct diff_report *r)
{
	int status = 0;

	if (r->folded)
		return write_profile(r, r->stack_profile);
	if (r->json)
		json_object_begin(&r->j, NULL);
	for (int i = 0; i < 2; i++)
		trace_facts(r, i);
	if (r->json) {
		json_str(&r->j, "not_compared", r->not_compared);
		json_array_begin(&r->j, "histograms");
	} else if (*r->not_compared) {
		fprintf(r->f, "not compared: %s\n", r->not_compared);
	}
	for (int i = 0; i < DIFF_HISTS; i++)
		if (r->o.hist[i])
			write_hist(r, i);
	if (r->json) {
		json_array_end(&r->j);
		json_array_begin(&r->j, "tables");
	}
	for (int i = 0; i < DIFF_TABLES; i++)
		if (r->o.table[i])
			status |= write_table(r, i);
	if (r->json) {
		json_array_end(&r->j);
		json_array_begin(&r->j, "profiles");
	}
	for (int i = 0; i < DIFF_PROFILES; i++)
		if (r->o.profile[i])
			status |= write_profile(r, i);
	if (r->json) {
		json_array_end(&r->j);
		json_object_end(&r->j);
		json_finish(&r->j);
	}
	if (r->svg) {
		status |= write_svg(r);
		if (!status && !r->json)
			fprintf(r->f, "\n%s: differential flame graph of %s\n", r->svg,
				diff_profiles[r->stack_profile].view);
	}
	return status;
}
