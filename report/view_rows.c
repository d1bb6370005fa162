// SPDX-License-Identifier: GPL-2.0-only
/*
 * What every view's document shares, whatever it lists: the choice of a row sink, the JSON
 * framing (opened and closed here only), the closing loss line, and the views' option
 * parsing.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "format/array_size.h"
#include "report/membuf.h"
#include "report/json_models.h"
#include "report/text.h"
#include "report/view.h"
#include "format/mem.h"

void view_doc_begin(struct view_run *vr, struct report_out *out)
{
	json_object_begin(&out->json, NULL);
	json_str(&out->json, "view", vr->view->name);
	/* --by-host: the document names its host, as each of its rows does (json_tag_rows) */
	if (out->json.tag_key)
		json_str(&out->json, out->json.tag_key, out->json.tag_val);
}

/* ------------------------------------------------------------ --sort and --limit */

/* One held row: where it is in the buffer, and its key. */
struct held_row {
	size_t off, len;
	uint64_t seq;  /* arrival: ties keep the trace's order */
	bool has_key;  /* the row has the key (exitsnoop's signal is only in killed rows) */
	double num;
	char *str;     /* a string key as JSON wrote it (escaped), owned; NULL: a number */
};

struct row_order {
	struct report_out out; /* the views write their rows here */
	struct membuf rows, scratch; /* the text or JSON rows; text: each row's JSON, for its key */
	FILE *rows_f, *scratch_f;
	struct held_row *v;
	size_t len, cap;
	size_t head;       /* bytes written before the first row (a header) */
	size_t after;      /* the end of the last row: what follows is written after the rows */
	size_t row_start;  /* of the row being written */
	uint64_t seq, more; /* rows seen; rows --limit left out */
	const char *key;   /* NULL: the order of the trace */
	char *pattern;     /* "KEY": as the rows' JSON has it */
	uint64_t limit;
	bool failed;       /* a row could not be held: the pass stopped there */
};

/* "time_s pid lat_ms": is name one of them? */
static bool sort_key_listed(const char *keys, const char *name)
{
	size_t n = strlen(name);

	for (const char *k = keys; *k;) {
		size_t len = strcspn(k, " ");

		if (len == n && !strncmp(k, name, n))
			return true;
		k += len;
		k += strspn(k, " ");
	}
	return false;
}

/* A row's key from its JSON text ({"k":v,...}, as report/json.c writes it): 0 or EBR_E_NOMEM */
static int row_key(const struct row_order *o, const char *json, size_t len, struct held_row *h)
{
	const char *p = json, *end = json + len, *v;
	size_t plen = strlen(o->pattern);
	char *stop;

	/* a key follows '{' or ','; inside a string value a '"' is written \" */
	while ((p = memmem(p, (size_t)(end - p), o->pattern, plen))) {
		if (p > json && (p[-1] == '{' || p[-1] == ','))
			break;
		p++;
	}
	if (!p)
		return 0;
	v = p + plen;
	if (v < end && *v == '"') {
		const char *q = v + 1;

		while (q < end && *q != '"')
			q += *q == '\\' ? 2 : 1;
		size_t n = (size_t)((q < end ? q : end) - v - 1);

		h->str = ebr_malloc(n + 1);
		if (!h->str)
			return EBR_E_NOMEM;
		memcpy(h->str, v + 1, n);
		h->str[n] = 0;
		h->has_key = true;
		return 0;
	}
	h->num = strtod(v, &stop);
	h->has_key = stop != v;
	return 0;
}

static void held_free_key(struct held_row *h)
{
	ebr_free(h->str);
	h->str = NULL;
}

/* Numbers biggest first, strings in byte order, rows without the key last; ties by arrival. */
static int held_cmp(const void *a, const void *b)
{
	const struct held_row *x = a, *y = b;
	int d = 0;

	if (x->has_key != y->has_key)
		return x->has_key ? -1 : 1;
	if (x->has_key && x->str && y->str)
		d = strcmp(x->str, y->str);
	else if (x->has_key && !x->str && !y->str)
		d = (x->num < y->num) - (x->num > y->num);
	else if (x->has_key)
		d = x->str ? 1 : -1;
	return d ? d : (x->seq > y->seq) - (x->seq < y->seq);
}

/* --sort with --limit N: the best N rows so far are all that need be held */
static int held_compact(struct row_order *o)
{
	char *data;
	size_t at = o->head;

	qsort(o->v, o->len, sizeof(*o->v), held_cmp);
	for (size_t i = o->limit; i < o->len; i++)
		held_free_key(&o->v[i]);
	o->more += o->len - o->limit;
	o->len = o->limit;
	data = ebr_malloc(o->rows.cap);
	if (!data)
		return EBR_E_NOMEM;
	memcpy(data, o->rows.data, o->head);
	for (size_t i = 0; i < o->len; i++) {
		memcpy(data + at, o->rows.data + o->v[i].off, o->v[i].len);
		o->v[i].off = at;
		at += o->v[i].len;
	}
	data[at] = 0;
	ebr_free(o->rows.data);
	o->rows.data = data;
	o->rows.len = o->after = at;
	return 0;
}

bool view_row_json(const struct report_out *rows)
{
	return rows->format == FORMAT_JSON || (rows->order && rows->order->key);
}

bool view_row_text(const struct report_out *rows)
{
	return rows->format != FORMAT_JSON;
}

void view_row_begin(struct report_out *rows)
{
	struct row_order *o = rows->order;

	if (!o)
		return;
	fflush(o->rows_f);
	if (!o->seq)
		o->head = o->rows.len;
	o->row_start = o->rows.len;
	if (o->scratch_f) {
		fflush(o->scratch_f);
		o->scratch.len = 0;
	}
}

int view_row_end(struct report_out *rows)
{
	struct row_order *o = rows->order;
	struct held_row h = { .seq = 0 };
	const char *json;
	size_t json_len;

	if (!o)
		return 0;
	if (fflush(o->rows_f) || ferror(o->rows_f) ||
	    (o->scratch_f && (fflush(o->scratch_f) || ferror(o->scratch_f))))
		goto nomem;
	h.off = o->row_start;
	h.len = o->rows.len - o->row_start;
	h.seq = o->seq++;
	if (!o->key && o->limit && o->len >= o->limit) {
		/* --limit alone: the first N rows, the others only counted */
		o->rows.len = o->row_start;
		o->rows.data[o->rows.len] = 0;
		o->more++;
		return 0;
	}
	json = o->scratch_f ? o->scratch.data : o->rows.data + h.off;
	json_len = o->scratch_f ? o->scratch.len : h.len;
	if (o->key && json && row_key(o, json, json_len, &h))
		goto nomem;
	if (o->len == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 1024;
		struct held_row *v = (cap > SIZE_MAX / sizeof(*v) ? NULL : ebr_realloc(o->v, cap * sizeof(*v)));

		if (!v) {
			held_free_key(&h);
			goto nomem;
		}
		o->v = v;
		o->cap = cap;
	}
	o->v[o->len++] = h;
	o->after = o->rows.len;
	if (o->key && o->limit && o->len >= 2 * o->limit + 1024 && held_compact(o))
		goto nomem;
	return 0;
nomem:
	o->failed = true;
	return EBR_E_NOMEM;
}

static void order_free(struct row_order *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->len; i++)
		held_free_key(&o->v[i]);
	ebr_free(o->v);
	if (o->rows_f)
		fclose(o->rows_f);
	if (o->scratch_f)
		fclose(o->scratch_f);
	ebr_free(o->rows.data);
	ebr_free(o->scratch.data);
	ebr_free(o->pattern);
	ebr_free(o);
}

void view_rows_release(struct view_run *vr)
{
	order_free(vr->order);
	vr->order = NULL;
}

/* The out that holds rows for --sort/--limit, or NULL with the message said. */
static struct row_order *order_new(struct view_run *vr, struct report_out *out)
{
	struct row_order *o = ebr_calloc(1, sizeof(*o));

	if (!o)
		goto nomem;
	o->key = vr->sort;
	o->limit = vr->limit;
	if (o->key && asprintf(&o->pattern, "\"%s\":", o->key) < 0) {
		o->pattern = NULL;
		goto nomem;
	}
	o->rows_f = membuf_open(&o->rows);
	if (!o->rows_f || (out->format != FORMAT_JSON && vr->sort &&
			   !(o->scratch_f = membuf_open(&o->scratch))))
		goto nomem;
	o->out = *out;
	o->out.f = o->rows_f;
	o->out.order = o;
	/* each row is a whole JSON value of its own, joined into the real array at the end */
	json_init(&o->out.json, o->scratch_f ? o->scratch_f : o->rows_f);
	json_tag_rows(&o->out.json, out->json.tag_key, out->json.tag_val, true);
	return o;
nomem:
	order_free(o);
	fprintf(stderr, "ebrec report: %s: out of memory\n", vr->view->name);
	return NULL;
}

enum row_sink view_rows_begin(struct view_run *vr, struct report_out *out,
			      struct report_out **rows)
{
	enum row_sink sink = ROW_SINK_TEXT;

	*rows = out;
	if (out->summary)
		return ROW_SINK_TALLY;
	if (out->format == FORMAT_JSON) {
		view_doc_begin(vr, out);
		if (vr->sort)
			json_str(&out->json, "sort", vr->sort);
		json_array_begin_capped(&out->json, "rows", out->max_rows);
		/* the page's rows: at most --rows of them and their share of the page */
		if (out->max_rows && out->max_row_bytes)
			json_array_cap_bytes(&out->json, out->max_row_bytes);
		sink = ROW_SINK_JSON;
	}
	if (!vr->sort && !vr->limit)
		return sink;
	vr->order = order_new(vr, out);
	if (!vr->order) {
		out->failed = true;
		return ROW_SINK_TALLY; /* nothing written; exit 1 */
	}
	*rows = &vr->order->out;
	return ROW_SINK_HELD;
}

/* The held rows, sorted and cut at --limit, where they were meant to go. */
static void order_write(struct row_order *o, struct report_out *out)
{
	size_t n;

	fflush(o->rows_f);
	if (!o->seq)
		o->head = o->after = o->rows.len;
	if (o->key)
		qsort(o->v, o->len, sizeof(*o->v), held_cmp);
	n = o->limit && o->len > o->limit ? o->limit : o->len;
	o->more += o->len - n;
	if (out->format != FORMAT_JSON)
		fwrite(o->rows.data, 1, o->head, out->f);
	for (size_t i = 0; i < n; i++) {
		const char *row = o->rows.data + o->v[i].off;

		if (out->format == FORMAT_JSON)
			json_raw(&out->json, row, o->v[i].len);
		else
			fwrite(row, 1, o->v[i].len, out->f);
	}
	if (out->format != FORMAT_JSON)
		fwrite(o->rows.data + o->after, 1, o->rows.len - o->after, out->f);
}

void view_rows_finish(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	struct probe_losses l;
	uint64_t more = 0;
	bool held = vr->order;

	if (held) {
		order_write(vr->order, out);
		more = vr->order->more;
		view_rows_release(vr);
	}
	losses_of_family(ls, vr->view->family, &l);
	if (out->format == FORMAT_JSON) {
		json_array_end(&out->json);
		/* the listings' rows are what --rows caps for the page */
		if (out->max_rows && (vr->view->kind == VIEW_LISTING || vr->view->kind == VIEW_TABLE))
			json_u64(&out->json, "rows_omitted", json_array_dropped(&out->json));
		if (held && vr->limit)
			json_u64(&out->json, "more_rows", more);
		if (vr->view->json_tail)
			vr->view->json_tail(vr, &out->json);
		json_losses(&out->json, out->tf->r, &l);
		json_object_end(&out->json);
		return;
	}
	fputc('\n', out->f);
	if (more)
		fprintf(out->f, "%" PRIu64 " more rows (--limit %" PRIu64 " shows the first%s)\n",
			more, vr->limit, vr->sort ? " by --sort" : "");
	if (vr->view->text_tail)
		vr->view->text_tail(vr, out->f);
	text_losses(out->f, out->tf->r, &l);
}

void view_json_proc(struct report_out *out, const struct proc_entry *e)
{
	char args[4096];

	json_str(&out->json, "args",
		 e && e->args ? proc_args_join(e->args, e->args_len, e->args_cut, args, sizeof(args))
			      : "");
	if (e && e->title)
		json_str(&out->json, "title", e->title);
}

void view_json_args(struct report_out *out, uint32_t pid)
{
	view_json_proc(out, out->procs ? proctable_find(out->procs, pid) : NULL);
}

void view_free_state(struct view_run *vr)
{
	ebr_free(vr->state);
	vr->state = NULL;
}

int view_parse_id(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (*end || end == s || v < 0 || v > UINT32_MAX)
		return -1;
	*out = v;
	return 0;
}

int view_parse_count(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end)
		return -1;
	*out = v;
	return 0;
}

int view_parse_seconds(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s)
		return -1;
	if (!strcmp(end, "ms"))
		v /= 1000;
	else if (*end && strcmp(end, "s"))
		return -1;
	if (!(v >= 0.001) || v > 86400)
		return -1;
	*out = v;
	return 0;
}

/* ------------------------------------------------------------ the time column */

void view_time_head(const struct view_clock *c, FILE *f)
{
	fprintf(f, c->wall ? "%-8s " : "%-11s ", c->wall ? "TIME" : "TIME(s)");
}

/* "%-11.6f " of the seconds, without printf's floating point: the column of every row */
static void view_seconds(FILE *f, uint64_t ns)
{
	char buf[32];
	size_t n = text_seconds6(ns, buf);

	while (n < 11)
		buf[n++] = ' ';
	buf[n++] = ' ';
	fwrite_unlocked(buf, 1, n, f);
}

void view_time(const struct view_clock *c, const struct report_out *out, FILE *f, uint64_t ts)
{
	const char *zone = c->local ? ebr_reader_meta(out->tf->r, "host.utc_offset_s") : NULL;
	uint64_t start = trace_start_ns(out->tf->r);
	char hms[16];

	if (c->wall)
		fprintf(f, "%-8s ", text_hms(out->tf->r, ts, zone ? strtol(zone, NULL, 10) : 0, hms,
					     sizeof(hms)));
	else
		view_seconds(f, ts > start ? ts - start : 0);
}

int view_clock_check(const struct view_run *vr, const struct ebr_reader *r)
{
	const char *zone = ebr_reader_meta(r, "host.utc_offset_s");
	char *end = NULL;

	if (zone && *zone)
		strtol(zone, &end, 10);
	if (!vr->clock.local || (end && !*end))
		return 0;
	fprintf(stderr, "ebrec report: %s: --local: this trace does not hold the recording host's "
			"time zone (META host.utc_offset_s; an older ebrec recorded it): -T alone "
			"shows UTC\n", vr->view->name);
	return 2;
}

/* ------------------------------------------------------------ options */

/* What view_getopt() last looked at, for view_bad_option()'s message (getopt's own state is
 * global too). */
static struct {
	int at; /* argv index of the element getopt read the option from */
	const char *opts;
	struct view_run *vr;
	int status; /* a --sort or --limit value refused, said already: the usage error */
} view_opt;

/* getopt_long's codes for the options every listing takes, beyond any view's own */
enum { OPT_ROWS_SORT = 0x4000, OPT_ROWS_LIMIT, OPT_CLOCK_LOCAL };

void view_opts_begin(struct view_run *vr)
{
	optind = 1; /* each view parses its own argv */
	opterr = 0; /* view_bad_option() says what was wrong, with the view's usage */
	view_opt.vr = vr;
	view_opt.status = 0;
}

/* --sort's value: one of the view's sort_keys, or the usage error naming them */
static int parse_sort(struct view_run *vr, const char *arg)
{
	char what[512];

	if (sort_key_listed(vr->view->sort_keys, arg)) {
		vr->sort = arg;
		return 0;
	}
	snprintf(what, sizeof(what), "--sort takes a key of its JSON rows (%s), not",
		 vr->view->sort_keys);
	return view_usage_error(vr->view, what, arg);
}

int view_getopt(int argc, char **argv, const char *opts, const struct option *longopts)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	static struct option merged[16];
	struct view_run *vr = view_opt.vr;
	bool rows = vr && vr->view->sort_keys, clock = vr && strchr(opts, 'T');
	size_t n = 0;
	int c;

	if (!longopts)
		longopts = none;
	/* its own long options, and --sort, --limit (a listing), --local (a view with -T) */
	for (; longopts[n].name && n < ARRAY_SIZE(merged) - 4; n++)
		merged[n] = longopts[n];
	if (rows) {
		merged[n++] = (struct option){ "sort", required_argument, NULL, OPT_ROWS_SORT };
		merged[n++] = (struct option){ "limit", required_argument, NULL, OPT_ROWS_LIMIT };
	}
	if (clock)
		merged[n++] = (struct option){ "local", no_argument, NULL, OPT_CLOCK_LOCAL };
	merged[n] = (struct option){ NULL, 0, NULL, 0 };
	for (;;) {
		view_opt.at = optind;
		view_opt.opts = opts;
		c = getopt_long(argc, argv, opts, merged, NULL);
		if (c == OPT_ROWS_SORT)
			view_opt.status = parse_sort(vr, optarg);
		else if (c == OPT_ROWS_LIMIT && view_parse_count(optarg, &vr->limit))
			view_opt.status = view_usage_error(vr->view, "--limit needs a number of "
							   "rows (0: all), not", optarg);
		else if (clock && c == 'T')
			vr->clock.wall = true;
		else if (c == OPT_CLOCK_LOCAL)
			vr->clock.wall = vr->clock.local = true;
		else if (c != OPT_ROWS_LIMIT)
			return c;
		if (view_opt.status)
			return '?';
	}
}

int view_bad_option(const struct view *v, char **argv)
{
	const char *arg = argv[view_opt.at];
	bool is_long = !strncmp(arg, "--", 2);
	const char *known = optopt > 0 && optopt < 256 && !is_long ? strchr(view_opt.opts, optopt)
								   : NULL;
	char opt[3] = { '-', (char)optopt, 0 }, what[64];

	if (view_opt.status)
		return view_opt.status; /* a --sort or --limit value, said by view_getopt() */
	/* getopt_long names a long option it knows but whose value is missing by its optopt */
	if (is_long && optopt)
		return view_usage_error(v, strchr(arg, '=') ? "this option takes no value:"
							    : "this option needs a value:", arg);
	if (known && known[1] == ':')
		return view_usage_error(v, "this option needs a value:", opt);
	if (known || is_long || strlen(arg) <= 2)
		return view_usage_error(v, "unknown option", arg);
	snprintf(what, sizeof(what), "unknown option '%s' in", opt);
	return view_usage_error(v, what, arg);
}

int view_opts_end(const struct view *v, int argc, char **argv)
{
	return optind < argc ? view_usage_error(v, "unexpected argument", argv[optind]) : 0;
}
