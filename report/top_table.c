// SPDX-License-Identifier: GPL-2.0-only
/* The top views' options and tables (top_table.h). */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/pass.h"
#include "report/text.h"
#include "report/top_table.h"
#include "format/mem.h"

/* bcc's *top tools print 20 rows unless -r says otherwise */
#define TOP_DEFAULT_ROWS 20

static int column_named(const struct top_table *t, const char *name)
{
	for (unsigned i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i].key, name))
			return (int)i;
	return -1;
}

/* "-s needs one of ios, bytes, ...; not" */
static int bad_sort_key(struct view_run *vr, const struct top_table *t, const char *arg)
{
	char what[256];
	size_t n = (size_t)snprintf(what, sizeof(what), "-s/--sort takes");

	for (unsigned i = 0; i < t->ncols && n < sizeof(what); i++)
		n += (size_t)snprintf(what + n, sizeof(what) - n, "%s %s", i ? "," : "",
				      t->cols[i].key);
	if (n < sizeof(what))
		snprintf(what + n, sizeof(what) - n, ", not");
	return view_usage_error(vr->view, what, arg);
}

int top_view_setup(struct view_run *vr, int argc, char **argv, const struct top_table *table)
{
	enum { OPT_SORT = 256, OPT_LIMIT, OPT_BY_PROCESS };
	static const struct option longopts[] = {
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "interval", required_argument, NULL, 'i' },
		{ "by-process", no_argument, NULL, OPT_BY_PROCESS },
		{ 0 },
	};
	struct top_view *s = ebr_calloc(1, sizeof(*s));
	double secs;
	int c, col;

	if (!s)
		return view_no_memory(vr->view);
	vr->state = s;
	s->table = table;
	s->sort = table->sort;
	s->limit = TOP_DEFAULT_ROWS;
	s->w.kind = table->kind;
	s->w.who = *vr->who;
	topwatch_init(&s->w);
	/* every type: its intervals start at the trace's first event, whatever its type */
	vr->an = (struct analyzer){ topwatch_on_event, &s->w, ANALYZER_EVERY_TYPE };
	view_opts_begin(vr);
	/* --by-process is tcptop's: the other views' rows are processes already */
	while ((c = view_getopt(argc, argv, "r:s:i:", longopts)) != -1) {
		switch (c) {
		case 'r':
		case OPT_LIMIT:
			if (view_parse_count(optarg, &s->limit))
				return view_usage_error(vr->view, "-r/--limit needs a number of rows, "
						       "not", optarg);
			break;
		case 's':
		case OPT_SORT:
			col = column_named(table, optarg);
			if (col < 0)
				return bad_sort_key(vr, table, optarg);
			s->sort = (unsigned)col;
			break;
		case 'i':
			if (view_parse_seconds(optarg, &secs))
				return view_usage_error(vr->view, "-i/--interval needs seconds (1, 0.5, "
						       "500ms), not", optarg);
			s->w.t.interval_ns = (uint64_t)(secs * 1e9);
			break;
		case OPT_BY_PROCESS:
			if (table->kind != TOP_TCP)
				return view_bad_option(vr->view, argv);
			s->w.by_process = true;
			break;
		default:
			return view_bad_option(vr->view, argv);
		}
	}
	return view_opts_end(vr->view, argc, argv);
}

void top_view_begin(struct view_run *vr, struct report_out *out)
{
	struct top_view *s = vr->state;

	s->w.procs = out->procs;
}

/* The title the row's process set after exec (proc.title), or NULL: read once the pass ended. */
static const char *row_title(const struct top_view *s, const struct top_row *r)
{
	const struct proc_entry *e;

	if (!s->table->pid || !s->w.procs)
		return NULL;
	e = proctable_find(s->w.procs, r->pid);
	return e ? e->title : NULL;
}

static void json_row(struct json *j, const struct top_view *s, const struct top *t,
		     const struct top_row *r)
{
	const struct top_table *tb = s->table;
	const char *title = row_title(s, r);

	json_object_begin(j, NULL);
	if (t->interval_ns)
		json_double(j, "time_s", (double)r->interval * (double)t->interval_ns / 1e9, 3);
	if (tb->pid) {
		json_u64(j, "pid", r->pid);
		json_str(j, "comm", r->comm);
	}
	for (unsigned c = 0; c < tb->ncols; c++) {
		const struct top_column *col = &tb->cols[c];

		if (col->unit == TOP_MEAN_MS)
			json_double(j, col->json, r->v[col->of] ? (double)r->v[col->value] /
							(double)r->v[col->of] / 1e6 : 0, 6);
		else
			json_u64(j, col->json, r->v[col->value]);
	}
	if (tb->name_key)
		json_str(j, tb->name_key, r->name);
	if (title)
		json_str(j, "title", title);
	json_object_end(j);
}

static void text_header(FILE *f, const struct top_view *s, bool interval)
{
	const struct top_table *tb = s->table;

	if (interval)
		fprintf(f, "%-9s ", "TIME(s)");
	if (tb->pid)
		fprintf(f, "%-7s %-16s ", "PID", "COMM");
	for (unsigned c = 0; c < tb->ncols; c++)
		fprintf(f, c + 1 < tb->ncols || tb->name_head ? "%10s " : "%10s", tb->cols[c].head);
	fprintf(f, "%s\n", tb->name_head ? tb->name_head : "");
}

static void text_row(FILE *f, const struct top_view *s, const struct top *t,
		     const struct top_row *r)
{
	const struct top_table *tb = s->table;
	char comm[TEXT_COMM_SIZE], name[TEXT_SAFE_SIZE(TOP_NAME_MAX)];

	if (t->interval_ns)
		fprintf(f, "%-9.3f ", (double)r->interval * (double)t->interval_ns / 1e9);
	if (tb->pid)
		fprintf(f, "%-7u %-16s ", r->pid, text_safe(r->comm, comm, sizeof(comm)));
	for (unsigned c = 0; c < tb->ncols; c++) {
		const struct top_column *col = &tb->cols[c];
		uint64_t v = r->v[col->value];

		if (c)
			fputc(' ', f);
		switch (col->unit) {
		case TOP_COUNT:
			fprintf(f, "%10" PRIu64, v);
			break;
		case TOP_KB:
			fprintf(f, "%10" PRIu64, v / 1024);
			break;
		case TOP_MS:
			fprintf(f, "%10.2f", (double)v / 1e6);
			break;
		case TOP_MEAN_MS:
			fprintf(f, "%10.3f", r->v[col->of] ? (double)v / (double)r->v[col->of] / 1e6
							    : 0);
			break;
		}
	}
	if (tb->name_key)
		fprintf(f, " %s", text_safe(r->name, name, sizeof(name)));
	if (row_title(s, r)) /* which worker of a fork-per-connection server it was */
		fprintf(f, " [%s]", text_safe(row_title(s, r), name, sizeof(name)));
	fputc('\n', f);
}

void top_view_end(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	struct top_view *s = vr->state;
	const struct top_column *sort = &s->table->cols[s->sort];
	struct top *t = &s->w.t;
	struct json *j = &out->json;

	top_sort(t, sort->value, sort->unit == TOP_MEAN_MS ? (int)sort->of : -1);
	if (out->format == FORMAT_JSON) {
		view_doc_begin(vr, out);
		json_double(j, "interval_s", (double)t->interval_ns / 1e9, 3);
		json_str(j, "sort", sort->key);
		json_array_begin(j, "rows");
	} else if (t->len) {
		text_header(out->f, s, t->interval_ns);
	}
	for (uint32_t i = 0; i < t->nintervals; i++) {
		uint32_t first, n = top_interval_rows(t, i, &first);

		if (s->limit && n > s->limit) {
			s->more += n - s->limit;
			n = (uint32_t)s->limit;
		}
		for (uint32_t k = first; k < first + n; k++) {
			if (out->format == FORMAT_JSON)
				json_row(j, s, t, &t->rows[k]);
			else
				text_row(out->f, s, t, &t->rows[k]);
		}
	}
	if (out->format != FORMAT_JSON) {
		if (!t->len)
			fprintf(out->f, "%s\n", s->table->nothing);
		if (s->more)
			fprintf(out->f, "%" PRIu64 " more rows (-r/--limit shows more, 0 all)\n",
				s->more);
		if (t->dropped)
			fprintf(out->f, "%" PRIu64 " events not counted: more than %u rows\n",
				t->dropped, TOP_MAX_ROWS);
	}
	view_rows_finish(vr, out, ls);
}

bool file_slow_io_recorded(const struct ebr_reader *r)
{
	const char *v = ebr_reader_meta(r, "file.slow_io");

	return !v || strcmp(v, "0");
}

void top_view_json_tail(struct view_run *vr, struct json *j)
{
	const struct top_view *s = vr->state;
	const char *rec_min = ebr_reader_meta(vr->out->tf->r, "file.min_us");

	json_u64(j, "more_rows", s->more);
	json_u64(j, "dropped", s->w.t.dropped);
	if (s->table->kind == TOP_FILE) {
		json_u64(j, "recorded_min_us", rec_min ? strtoull(rec_min, NULL, 10) : 0);
		json_bool(j, "recorded_slow_io", file_slow_io_recorded(vr->out->tf->r));
	}
}

void top_view_text_tail(struct view_run *vr, FILE *f)
{
	const struct top_view *s = vr->state;
	const char *rec_min = ebr_reader_meta(vr->out->tf->r, "file.min_us");
	char safe[64];

	if (s->table->kind == TOP_FILE && !file_slow_io_recorded(vr->out->tf->r))
		fprintf(f, "note: recorded without -e: reads and writes were not traced (READS and "
			   "WRITES are 0); record with '-e file' to count them\n");
	else if (s->table->kind == TOP_FILE && rec_min && strcmp(rec_min, "0"))
		fprintf(f, "note: recorded with --min-us %s: READS and WRITES count the reads and "
			   "writes that took at least that long (record with --min-us 0 for all)\n",
			text_safe(rec_min, safe, sizeof(safe)));
}

void top_view_release(struct view_run *vr)
{
	struct top_view *s = vr->state;

	if (s)
		topwatch_release(&s->w);
	view_free_state(vr);
}
