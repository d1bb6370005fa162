/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A view: one bcc tool rebuilt from a trace (biolatency, opensnoop, profile...). Every view is
 * one `struct view` in its family's report/view_<family>.c and one row of the registry
 * (report/views.c); nothing else names it. docs/ARCHITECTURE.md says how to add one.
 *
 * The life of a view in `ebrec report`: setup() parses its options before the trace is
 * opened; begin() before the pass (streaming views print their header and pick their row
 * sink, view_rows_begin()); the pass feeds its analyzer (vr->an); then end() renders its
 * model, or headline() writes its line of the summary; release() frees its state.
 */
#ifndef EBREC_REPORT_VIEW_H
#define EBREC_REPORT_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "analyze/hist.h"
#include "analyze/losses.h"
#include "analyze/pass.h"
#include "analyze/proc.h"
#include "analyze/procfilter.h"
#include "analyze/tally.h"
#include "report/json.h"
#include "report/trace_file.h"

/* HTML: the views write JSON into buffers of their own, which the page embeds (html.h) */
enum report_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_HTML };

struct report_out {
	FILE *f;
	enum report_format format;
	struct json json;
	const struct trace_file *tf;
	/* who each PID is, kept current as the pass goes (its analyzer runs before the views') */
	const struct proctable *procs;
	bool failed; /* a view could not write a file of its own (--svg): exit 1 */
	uint64_t max_rows; /* JSON rows a row view writes (0: all), then "rows_omitted" */
	uint64_t max_row_bytes; /* with max_rows: and the bytes of them (0: any) */
	bool summary; /* the views count for their headline instead of writing rows */
	/* --sort/--limit: this out holds a listing's rows until view_rows_finish() (view_rows.c) */
	struct row_order *order;
};

/* What a view's JSON document holds, and so how the HTML page draws it. */
enum view_kind {
	VIEW_HISTOGRAM, /* "histograms": log2 histograms with percentiles */
	VIEW_LISTING,   /* "rows": one row an event (an I/O, an exec, a session...) */
	VIEW_TABLE,     /* "rows": one row an interval or an entity (cachestat, processes) */
	VIEW_PROFILE,   /* "stacks": a stack profile, drawn as a flame graph */
};

struct view_run;

/*
 * The time column of every row view, the same everywhere (ebrec-report(1), TIME): seconds
 * from the start of the recording, or with -T the wall clock, in UTC or with --local in the
 * recording host's time zone (META host.utc_offset_s). view_getopt() takes -T and --local
 * for every view whose options list -T.
 */
struct view_clock {
	bool wall;  /* -T */
	bool local; /* --local */
};
/* The column's header ("TIME(s)" or "TIME") and its value at ts (the trace's clock), each
 * followed by a space. */
void view_time_head(const struct view_clock *c, FILE *f);
void view_time(const struct view_clock *c, const struct report_out *out, FILE *f, uint64_t ts);
/* --local on a trace that does not hold its zone: said, and the usage error (2); else 0. */
int view_clock_check(const struct view_run *vr, const struct ebr_reader *r);

struct view {
	const char *name;
	const char *family;
	enum view_kind kind;
	const char *summary;
	const char *usage; /* its options */
	/* On the HTML page when no view is named, with these options ("" none); NULL: not on it */
	const char *html_args;
	/*
	 * A listing's: the JSON keys of its rows that --sort takes ("lat_ms time_s pid"), and
	 * VIEW_ROWS_USAGE ends its usage; NULL: no --sort/--limit (view_rows.c)
	 */
	const char *sort_keys;
	/* Shows absolute paths (proctable_abspath()) or working directories: the process table
	 * follows opens and chdirs for it (struct proctable's no_paths) */
	bool paths;
	/*
	 * Parses options (argv[0] is the view's name): 0, 1 for a runtime error (out of memory)
	 * or 2 for a usage error, with the message printed either way.
	 */
	int (*setup)(struct view_run *vr, int argc, char **argv);
	/* Before the pass (streaming views print their header here). May be NULL. */
	void (*begin)(struct view_run *vr, struct report_out *out);
	/* After the pass. */
	void (*end)(struct view_run *vr, struct report_out *out, const struct losses *losses);
	void (*release)(struct view_run *vr);
	/* The summary's line instead of end() (out->summary), or NULL: not in the summary. */
	void (*headline)(struct view_run *vr, struct report_out *out, const struct losses *losses);
	/*
	 * Row views (view_rows_finish): what the view says after its rows, before its losses,
	 * as JSON keys of its document or as text lines. May be NULL.
	 */
	void (*json_tail)(struct view_run *vr, struct json *j);
	void (*text_tail)(struct view_run *vr, FILE *f);
};

struct view_run {
	const struct view *view;
	const struct proc_filter *who; /* report's -p/--comm: every view applies it (set up first) */
	const char *file; /* a file of its own the view writes (--svg), set by setup, or NULL */
	struct report_out *out;
	void *state;
	struct analyzer an;
	struct view_clock clock; /* -T, --local */
	/* --sort KEY and --limit N, which view_getopt() takes for every listing (sort_keys) */
	const char *sort; /* NULL: the order of the trace */
	uint64_t limit;   /* rows; 0 all */
	struct row_order *order; /* the rows held for them, from view_rows_begin() on */
};

/* the time options of a row view's usage */
#define VIEW_CLOCK_USAGE "-T (wall clock, UTC) --local (-T in the recording host's time zone)"

/* the end of a listing's usage: the options view_getopt() takes for it */
#define VIEW_ROWS_USAGE " --sort KEY (rows by a key of their JSON: numbers biggest first) " \
			"--limit ROWS (the first ROWS rows; 0 all)"

/* ------------------------------------------------------------ views.c: the registry */

/* every view, in the order of the summary, the HTML page and --help */
extern const struct view *const views[];
extern const size_t nviews;

/* A family as the summary and the HTML page title it. */
struct view_family {
	const char *name;  /* "block", as record.families names it */
	const char *title; /* "Block I/O" */
	const char *record_with; /* what `record -e` takes to record it; NULL: its name */
};
extern const struct view_family view_families[];
extern const size_t nview_families;

const struct view *view_find(const char *name);
/* The family of this name, or NULL. */
const struct view_family *view_family_find(const char *name);
/* The registered view whose name is closest to name (a typo), or NULL if none is close. */
const struct view *view_closest(const char *name);
/* The names of the views of family, space-separated, in buf ("" if none): for `ebrec list`. */
const char *views_of_family(const char *family, char *buf, size_t len);
/* "VIEW: what ARG; options: USAGE" on stderr; returns 2 (usage error). */
int view_usage_error(const struct view *v, const char *what, const char *arg);
/* "ebrec report: VIEW: out of memory" on stderr; returns 1 (runtime error), for setup(). */
int view_no_memory(const struct view *v);

/* ------------------------------------------------------------ view_rows.c: row views */

/* Where a row view's rows go, chosen once by view_rows_begin(). */
enum row_sink {
	ROW_SINK_TALLY, /* the summary: counted for the headline, nothing written */
	ROW_SINK_JSON,  /* the view's JSON document is open at its "rows" array */
	ROW_SINK_TEXT,  /* text: the view prints its header, then a line a row */
	ROW_SINK_HELD,  /* --sort/--limit: each row between view_row_begin() and view_row_end() */
};
/* One of four emitters of a model, by the sink view_rows_begin() chose. */
#define ROW_SINK_PICK(sink, tally, json, text, held)                                            \
	((sink) == ROW_SINK_TALLY ? (tally)                                                      \
	 : (sink) == ROW_SINK_JSON ? (json)                                                      \
	 : (sink) == ROW_SINK_TEXT ? (text)                                                      \
				   : (held))
/*
 * The held emitter of a listing whose model calls back with (ctx, const row_type *): ctx is
 * its state, whose member out is where rows go. The JSON row is written in JSON and whenever
 * the rows are sorted (the key is read from it), the text row in text.
 */
#define VIEW_ROW_HELD(name, state_type, row_type, json_row, text_row)                           \
	static int name(void *ctx, const row_type *row)                                          \
	{                                                                                        \
		struct report_out *o = ((state_type *)ctx)->out;                                 \
		int err;                                                                         \
                                                                                                 \
		view_row_begin(o);                                                               \
		err = view_row_json(o) ? json_row(ctx, row) : 0;                                 \
		if (!err && view_row_text(o))                                                    \
			err = text_row(ctx, row);                                                \
		return err ? err : view_row_end(o);                                              \
	}

/*
 * The start of a row view: in JSON opens {"view": NAME, "rows": [ (capped at --rows for the
 * HTML page), and says where the rows go. *rows is the out the rows are written to: out, or
 * with --sort/--limit one that holds them (in memory, which --max-memory bounds: the pass
 * stops there as for any model, and the rows held so far are shown) until
 * view_rows_finish() sorts, cuts and writes them; what is written to it before the first row
 * (a header) comes first, what after the last row last.
 */
enum row_sink view_rows_begin(struct view_run *vr, struct report_out *out,
			      struct report_out **rows);
/*
 * Around each row written to a held out; nothing without --sort/--limit. view_row_end() is 0
 * or EBR_E_NOMEM (the pass stops as at --max-memory).
 */
void view_row_begin(struct report_out *rows);
int view_row_end(struct report_out *rows);
/* Whether a row written to rows needs its JSON (JSON, or held: its sort key) and its text. */
bool view_row_json(const struct report_out *rows);
bool view_row_text(const struct report_out *rows);
/*
 * The end of every view's document: the held rows sorted, cut at --limit and written; then
 * JSON closes the array, counts the rows the cap dropped ("rows_omitted") and those --limit
 * left out ("more_rows"), adds the view's json_tail and its family's losses; text prints a
 * blank line, the rows --limit left out, the view's text_tail and the loss line.
 */
void view_rows_finish(struct view_run *vr, struct report_out *out, const struct losses *ls);
/* Frees what view_rows_begin() held, if view_rows_finish() did not run (the pass failed). */
void view_rows_release(struct view_run *vr);
/* A view document that is not a listing ({"view": NAME, its own keys, an array...). */
void view_doc_begin(struct view_run *vr, struct report_out *out);
/* release for views whose state is one allocation */
void view_free_state(struct view_run *vr);
/*
 * "args": pid's command line at this point of the pass, from the process table ("" unknown),
 * and "title" when the trace recorded the title it set (proc.title)
 */
void view_json_args(struct report_out *out, uint32_t pid);
/* The same of one process incarnation (NULL: unknown) */
void view_json_proc(struct report_out *out, const struct proc_entry *e);

/*
 * A view's getopt loop: begin resets getopt for its argv; view_getopt is getopt_long
 * (longopts may be NULL) that also takes a listing's --sort KEY and --limit N; bad_option
 * is the usage error (2) for what getopt refused, naming
 * the option; end is 0, or the usage error for an argument left over.
 */
struct option;
void view_opts_begin(struct view_run *vr);
int view_getopt(int argc, char **argv, const char *opts, const struct option *longopts);
int view_bad_option(const struct view *v, char **argv);
int view_opts_end(const struct view *v, int argc, char **argv);
/* A PID or UID option's value: 0 or -1 if it is not one. */
int view_parse_id(const char *s, int64_t *out);
/* A number of rows (0 or more): 0 or -1 if it is not one. */
int view_parse_count(const char *s, uint64_t *out);
/* An interval: "1", "0.5", "1s", "500ms" (1 ms to a day): 0 or -1 if it is not one. */
int view_parse_seconds(const char *s, double *out);

/* ------------------------------------------------------------ headline.c: the summary's lines */

/* A headline is "VIEW  text..." and a line pointing to the view (text), or
 * {"view": VIEW, ...} (JSON). */
enum headline_sum { HEADLINE_NO_SUM, HEADLINE_SUM_BYTES };
void headline_begin(struct view_run *vr, struct report_out *out);
void headline_end(struct view_run *vr, struct report_out *out);
/* "N what: p50 X, p90 Y, p99 Z, max M" (text), "count" and "percentiles" (JSON) */
void headline_percentiles(struct report_out *out, const struct quantiles *q, const char *what);
/* "; label: comm (pid) N unit [bytes], ..." for the top processes (JSON "top"); sorts t */
void headline_top(struct report_out *out, struct tally *t, const char *label, const char *unit,
		  enum headline_sum sum);
/* A whole headline from a tally whose flag means failed: "N what, F failed; label: ..." */
void headline_tally(struct view_run *vr, struct report_out *out, struct tally *t,
		    const char *what, const char *label);
/* n as text (a printf format with one PRIu64) or as JSON key */
void headline_count(struct report_out *out, const char *key, uint64_t n, const char *text);

/* summary.c: the report without a view, from the views' headlines (after the pass) */
void summary_write(struct report_out *out, struct view_run *runs, size_t nruns,
		   const struct losses *ls);

#endif
