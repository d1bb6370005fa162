/* SPDX-License-Identifier: GPL-2.0-only */
/* What the renderers share: the open trace, the output, and the views table. */
#ifndef EBREC_REPORT_REPORT_H
#define EBREC_REPORT_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "analyze/hist.h"
#include "analyze/losses.h"
#include "analyze/pass.h"
#include "analyze/proc.h"
#include "analyze/procfilter.h"
#include "analyze/tally.h"
#include "format/ebr.h"
#include "report/json.h"

/* ------------------------------------------------------------ trace_file.c */

struct trace_file {
	const char *path;
	int fd;
	struct ebr_fd_source fs;
	struct ebr_source src;
	struct ebr_reader *r;
};

/* The arguments of a command that takes just FILE: -1 to go on, else the exit status. */
int trace_file_args(int argc, char **argv, const char *help);
/* Opens path ("-" = stdin) and reads its header; on failure prints one line and returns 1. */
int trace_file_open(struct trace_file *t, const char *cmd, const char *path);
void trace_file_close(struct trace_file *t);
/* 2 (message printed) when out is the file in names ("-": stdin), by device and inode,
 * before out is opened: writing it would truncate the trace while it is read; else 0. */
int output_is_input(const char *cmd, const char *out, const char *in);
/* Prints what the reader stepped over to stderr; returns 1 if any of it lost data. */
int trace_file_warn(const struct trace_file *t, const char *cmd);
/* Whether META record.families names family. */
bool trace_family_recorded(const struct ebr_reader *r, const char *family);
/* The same problems as a JSON array "warnings", after extra (when not NULL). */
void trace_file_json_warnings(const struct trace_file *t, struct json *j, const char *extra);

/* ------------------------------------------------------------ text.c */

/*
 * A copy of s fit for a terminal: control and non-UTF-8 bytes become \xNN, so a hostile
 * trace cannot send escape sequences to whoever reads its report.
 */
const char *text_safe(const char *s, char *buf, size_t len);
/* s as XML/HTML text and attribute value: markup characters escaped, control and non-ASCII
 * bytes as '?' (so no encoding question arises) */
void markup_text(FILE *f, const char *s);
/* "2026-11-25 06:39:12 UTC" from META's decimal ns since the epoch, or "unknown" */
const char *text_utc(const char *realtime_ns, char *buf, size_t len);
/* "HH:MM:SS" (UTC) of a CLOCK_MONOTONIC time, through META's clock pair; "--:--:--" without. */
const char *text_hms(const struct ebr_reader *r, uint64_t mono_ns, char *buf, size_t len);
/* "0", "2", "signal 9 (KILL)", "signal 11 (SEGV), core dumped": exitsnoop's EXIT_CODE */
const char *exit_code_text(uint64_t wait_status, char *out, size_t len);
/* bcc's print_log2_hist(): the header line and one line per slot up to the last used one */
void text_log2_hist(FILE *f, const struct log2_hist *h, const char *unit);
void json_log2_hist(struct json *j, const char *key, const struct log2_hist *h);
/* "percentiles": {min_ns, mean_ns, p50_ns, p90_ns, p99_ns, p999_ns, max_ns} */
void json_percentiles(struct json *j, const struct quantiles *q);
/* the loss line every view ends with, and when the events were lost */
void text_losses(FILE *f, const struct ebr_reader *r, const struct probe_losses *l);
void json_losses(struct json *j, const struct ebr_reader *r, const struct probe_losses *l);

/* ------------------------------------------------------------ views */

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
	bool summary; /* the views count for their headline instead of writing rows */
};

struct view_run;

struct view {
	const char *name;
	const char *family;
	const char *summary;
	const char *usage; /* its options */
	/* Parses options (argv[0] is the view's name); 0 or 2 (usage error, message printed). */
	int (*setup)(struct view_run *vr, int argc, char **argv);
	/* Before the pass (streaming views print their header here). May be NULL. */
	void (*begin)(struct view_run *vr, struct report_out *out);
	/* After the pass. */
	void (*end)(struct view_run *vr, struct report_out *out, const struct losses *losses);
	void (*release)(struct view_run *vr);
	/* The summary's line instead of end() (out->summary), or NULL: not in the summary. */
	void (*headline)(struct view_run *vr, struct report_out *out, const struct losses *losses);
};

struct view_run {
	const struct view *view;
	const struct proc_filter *who; /* report's -p/--comm: every view applies it (set up first) */
	const char *file; /* a file of its own the view writes (--svg), set by setup, or NULL */
	struct report_out *out;
	void *state;
	struct analyzer an;
};

extern const struct view *const views[];
extern const size_t nviews;
const struct view *view_find(const char *name);

/* the block family's views (view_block.c) */
extern const struct view view_biolatency, view_biosnoop;
/* the process family's views (view_proc.c) */
extern const struct view view_execsnoop, view_exitsnoop, view_processes;
/* the file family's views (view_file.c) */
extern const struct view view_opensnoop, view_fsslower, view_ext4slower, view_cachestat;
/* the TCP family's views (view_tcp.c) */
extern const struct view view_tcplife, view_tcpconnect, view_tcpconnlat, view_tcpaccept,
	view_tcpretrans, view_tcpstates;
/* the scheduler family's views (view_sched.c) */
extern const struct view view_runqlat, view_cpudist;
/* the stack views (view_stacks.c) */
extern const struct view view_profile, view_offcputime;

/* flamegraph.c: t as an interactive SVG in path; 0, or 1 with the reason printed */
struct stacktree;
int flamegraph_write(const char *path, const struct stacktree *t, const char *title,
		     const char *unit);

/* headline.c: what the views' headlines share. A headline is "VIEW  text..." and a line
 * pointing to the view (text), or {"view": VIEW, ...} (JSON). */
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
/* "42.0 us", "1.25 ms"; "1.2 MiB" */
const char *text_duration(uint64_t ns, char *buf, size_t len);
const char *text_bytes(uint64_t n, char *buf, size_t len);

/* summary.c: the report without a view, from the views' headlines (after the pass) */
void summary_write(struct report_out *out, struct view_run *runs, size_t nruns,
		   const struct losses *ls);

/* "VIEW: what ARG; options: USAGE" on stderr; returns 2 (usage error). */
int view_usage_error(const struct view *v, const char *what, const char *arg);

/* view_rows.c: row views open {"view": NAME, "rows": [ in JSON (text: nothing), and end
 * with the family's losses (text: a blank line and the loss line). */
void view_rows_begin(struct report_out *out, const char *view);
void view_rows_end(struct report_out *out, const struct losses *ls, const char *family);
/* view_rows_end() with the view's own family: the end of most row views */
void view_rows_finish(struct view_run *vr, struct report_out *out, const struct losses *ls);
/* release for views whose state is one allocation */
void view_free_state(struct view_run *vr);
/* "args": pid's command line at this point of the pass, from the process table ("" unknown) */
void view_json_args(struct report_out *out, uint32_t pid);
/* A view's getopt loop: begin resets getopt for its argv; bad_option is the usage error (2)
 * for what getopt refused; end is 0, or the usage error for an argument left over. */
void view_opts_begin(void);
int view_bad_option(const struct view *v, char **argv);
int view_opts_end(const struct view *v, int argc, char **argv);
/* A PID or UID option's value: 0 or -1 if it is not one. */
int view_parse_id(const char *s, int64_t *out);

#endif
