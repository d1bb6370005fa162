// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec report FILE [TOOL [options]]`: one pass over the trace feeding the chosen views'
 * analyzers, then each view renders its model as text (bcc's columns) or JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "analyze/timeline.h"
#include "analyze/timewindow.h"
#include "format/array_size.h"
#include "report/commands.h"
#include "report/output_cap.h"
#include "report/scope_opt.h"
#include "report/hosts.h"
#include "report/html.h"
#include "report/membuf.h"
#include "report/series.h"
#include "report/text.h"
#include "report/trace_check.h"
#include "report/view.h"
#include "format/mem.h"

#define MAX_RUNS 32
/* rows of each listing the HTML report embeds (--rows) */
#define HTML_DEFAULT_ROWS 10000

static void usage(FILE *f)
{
	fprintf(f, "usage: ebrec report FILE... [VIEW [VIEW OPTIONS]] [OPTIONS]\n"
		   "\nRebuilds what a bcc tool would have shown, from a trace, on any machine, without\n"
		   "root. Without VIEW: a summary, a line a view of every recorded family.\n"
		   "Several files, or a directory (its *.ebr files: a rotation series), are read as\n"
		   "one recording of one host, in time order; files of several hosts (or boots), as\n"
		   "one recording a host, each host's views written after the other's.\n"
		   "\noptions (every view):\n"
		   "  --format FMT       text (the bcc tool's columns; default), json or html\n"
		   "  -o OUT             write to OUT instead of stdout\n"
		   "  -p PID             only what belongs to this process: the submitter of an I/O,\n"
		   "                     the opener of a file, the owner of a TCP session...\n"
		   "  --comm NAME        only what belongs to processes named NAME (kernel's 15 bytes)\n"
		   "  --cgroup PATH      only what belongs to processes of this cgroup v2 or below it\n"
		   "                     (/system.slice/nginx.service, or /sys/fs/cgroup/...)\n"
		   "  --container ID     only what belongs to processes of containers whose id starts\n"
		   "                     with ID (docker's 12 hex digits, or fewer)\n"
		   "  --since WHEN       only events from WHEN: seconds from the start (12.5),\n"
		   "                     HH:MM:SS or 'YYYY-MM-DD HH:MM:SS' (UTC, as -T prints)\n"
		   "  --until WHEN       only events up to WHEN\n"
		   "  --max-memory MIB   stop the analysis at MIB and show the trace up to there\n"
		   "                     (default: half of this machine's memory)\n"
		   "  --max-output SIZE  stop writing at SIZE (512M, 2G; 0: no bound; default: 1024\n"
		   "                     times the trace's decompressed bytes, plus 64 MiB)\n"
		   "  --threads N        decode the trace on N threads (default: every CPU this\n"
		   "                     process may use, at most 4; one for a file under 8 MiB);\n"
		   "                     the output is the same\n"
		   "  --rows N           html: rows of each listing the page holds (default %d)\n"
		   "  --by-host          traces of several hosts: a view's lines of every host in one\n"
		   "                     table with a HOST column (a listing's header once); in\n"
		   "                     JSON, every row, view document and headline names its\n"
		   "                     \"host\" (the summary and the page compare hosts anyway)\n"
		   "\nviews:\n", HTML_DEFAULT_ROWS);
	for (size_t i = 0; i < nviews; i++)
		fprintf(f, "  %-12s %s\n  %-12s   %s\n", views[i]->name, views[i]->summary, "",
			views[i]->usage);
	fprintf(f, "\n'man ebrec-report' has each view's columns and options.\n"
		   "\nexamples:\n"
		   "  ebrec report io.ebr\n"
		   "  ebrec report io.ebr biolatency -D -F\n"
		   "  ebrec report web1.ebr web2.ebr execsnoop\n"
		   "  ebrec report io.ebr biosnoop -Q --format json -o io.json\n"
		   "  ebrec report io.ebr biosnoop --sort lat_ms --limit 10\n"
		   "  ebrec report all.ebr runqlat --since 60 --until 120 -p 4242\n"
		   "  ebrec report all.ebr opensnoop --container 3f2a9c\n"
		   "  ebrec report all.ebr cgroups --by-container\n"
		   "  ebrec report all.ebr --format html -o report.html\n"
		   "  ebrec report /var/lib/ebrec/ --since 03:00:00 --until 03:10:00\n");
}

struct report_args {
	char **files; /* FILE... (or directories), up to the view's name */
	int nfiles;
	const char *out_path;
	enum report_format format;
	const char *max_memory; /* --max-memory's MiB, or NULL */
	uint64_t rows; /* HTML: rows embedded per listing */
	struct proc_filter who; /* -p, --comm, and scope */
	struct scope_opt where; /* --cgroup, --container */
	struct window_end since, until;
	bool by_host; /* --by-host: several hosts' listings as one table */
	uint32_t nhosts; /* the hosts reported: the HTML page's rows are shared among them */
	char *rest[64]; /* TOOL and its options */
	int nrest;
};

/*
 * After FILE, whether arg is another trace rather than the view: not a view's name (./NAME is a
 * trace named so), and a file or directory that exists or a name ending in .ebr (so that a
 * misspelt view is said to be one, not a file that cannot be opened).
 */
static bool another_trace(const char *arg)
{
	size_t len = strlen(arg);
	struct stat st;

	if (view_find(arg))
		return false;
	return stat(arg, &st) == 0 || (len > 4 && !strcmp(arg + len - 4, ".ebr"));
}

static int parse_args(struct report_args *a, int argc, char **argv)
{
	memset(a, 0, sizeof(*a));
	a->rows = HTML_DEFAULT_ROWS;
	a->files = ebr_calloc((size_t)argc, sizeof(*a->files));
	if (!a->files) {
		fprintf(stderr, "ebrec report: out of memory\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = NULL;

		if (!strcmp(arg, "--format") || !strcmp(arg, "-o") || !strcmp(arg, "--max-memory") ||
		    !strcmp(arg, "--max-output") || !strcmp(arg, "--threads") ||
		    !strcmp(arg, "--rows") || !strcmp(arg, "--since") || !strcmp(arg, "--until") ||
		    !strcmp(arg, "-p") || !strcmp(arg, "--pid") || !strcmp(arg, "--comm") ||
		    scope_opt_takes(arg)) {
			if (i + 1 >= argc) {
				fprintf(stderr, "ebrec report: %s needs a value\n", arg);
				return 2;
			}
			val = argv[++i];
		} else if (!strncmp(arg, "--format=", 9)) {
			val = arg + 9;
			arg = "--format";
		} else if (!strcmp(arg, "--by-host")) {
			a->by_host = true;
			continue;
		} else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			return -1;
		}
		if (val && !strcmp(arg, "-o")) {
			a->out_path = val;
		} else if (val && (!strcmp(arg, "-p") || !strcmp(arg, "--pid"))) {
			int64_t pid;

			if (view_parse_id(val, &pid)) {
				fprintf(stderr, "ebrec report: %s takes a process id, not '%s'\n", arg,
					val);
				return 2;
			}
			a->who.by_pid = true;
			a->who.pid = (uint32_t)pid;
		} else if (val && !strcmp(arg, "--comm")) {
			a->who.comm = val;
		} else if (val && scope_opt_takes(arg)) {
			if (scope_opt_parse(&a->where, "report", arg, val))
				return 2;
		} else if (val && (!strcmp(arg, "--since") || !strcmp(arg, "--until"))) {
			if (window_end_parse(val, !strcmp(arg, "--since") ? &a->since : &a->until)) {
				fprintf(stderr, "ebrec report: %s takes seconds from the start (12.5), "
						"HH:MM:SS or 'YYYY-MM-DD HH:MM:SS' (UTC)\n", arg);
				return 2;
			}
		} else if (val && !strcmp(arg, "--max-memory")) {
			a->max_memory = val;
		} else if (val && !strcmp(arg, "--threads")) {
			if (trace_file_threads_option("report", val))
				return 2;
		} else if (val && !strcmp(arg, "--max-output")) {
			if (output_cap_option("report", val))
				return 2;
		} else if (val && !strcmp(arg, "--rows")) {
			char *end;

			a->rows = strtoull(val, &end, 10);
			if (*end || end == val || !a->rows) {
				fprintf(stderr, "ebrec report: --rows takes a number of rows, e.g. 10000\n");
				return 2;
			}
		} else if (val) {
			if (!strcmp(val, "text"))
				a->format = FORMAT_TEXT;
			else if (!strcmp(val, "json"))
				a->format = FORMAT_JSON;
			else if (!strcmp(val, "html"))
				a->format = FORMAT_HTML;
			else {
				fprintf(stderr, "ebrec report: unknown format '%s' (text, json or html)\n",
					val);
				return 2;
			}
		} else if (!a->nfiles && arg[0] == '-' && arg[1]) {
			fprintf(stderr, "ebrec report: unknown option '%s' (see 'ebrec report "
					"--help')\n", arg);
			return 2;
		} else if (!a->nrest && (!a->nfiles || another_trace(arg))) {
			a->files[a->nfiles++] = argv[i];
		} else if (a->nrest < (int)ARRAY_SIZE(a->rest)) {
			a->rest[a->nrest++] = argv[i];
		}
	}
	if (!a->nfiles) {
		usage(stderr);
		return 2;
	}
	a->who.scope = &a->where.scope;
	return trace_file_budget("report", a->max_memory);
}

/* Where the pass stopped for want of memory, on stderr (and in JSON's warnings). */
static void limit_warning(const struct report_out *out, const struct pass_limit *lim, char *msg,
			  size_t len)
{
	char why[96] = "out of memory";

	if (!lim->out_of_memory)
		snprintf(why, sizeof(why), "its memory limit was reached (--max-memory %zu MiB)",
			 ebr_mem_limit() >> 20);
	snprintf(msg, len,
		 "the analysis stopped at %.3f s of the trace, after %llu events: %s (%zu MiB held); "
		 "what follows covers the trace up to there (--max-memory MIB raises the limit)",
		 trace_seconds(out->tf->r, lim->stop_ts), (unsigned long long)lim->events, why,
		 lim->heap >> 20);
}

/* The stretch the views saw, when --since/--until cut one: on stderr, or in JSON. */
static void window_note(struct report_out *out, const struct time_window *w)
{
	double since = time_window_since_s(w, out->tf->r), until = time_window_until_s(w, out->tf->r);

	if (w->unanchored)
		fprintf(stderr, "ebrec report: warning: this trace has no wall clock (META "
				"clock.start.realtime_ns): a --since/--until time of day was ignored\n");
	if (out->format == FORMAT_JSON) {
		json_object_begin(&out->json, "window");
		json_double(&out->json, "since_s", since, 3);
		if (until >= 0)
			json_double(&out->json, "until_s", until, 3);
		json_object_end(&out->json);
	} else if (until >= 0) {
		fprintf(stderr, "ebrec report: the views show the events from %.3f s to %.3f s of "
				"the recording (--since/--until)\n", since, until);
	} else {
		fprintf(stderr, "ebrec report: the views show the events from %.3f s of the "
				"recording on (--since)\n", since);
	}
}

/* HTML: each view writes its JSON document into a buffer of its own, for the page's data. */
struct view_buffer {
	struct membuf json;
	FILE *f;
	struct report_out out;
};

static int buffers_open(struct view_buffer *b, struct view_run *runs, size_t nruns,
			const struct report_out *out, uint64_t max_rows, uint32_t nhosts)
{
	size_t nlistings = 0;

	/* the listings share the page's rows (the top tables have a few rows by their own -r) */
	for (size_t i = 0; i < nruns; i++)
		nlistings += runs[i].view->kind == VIEW_LISTING;
	for (size_t i = 0; i < nruns; i++) {
		b[i].f = membuf_open(&b[i].json);
		if (!b[i].f) {
			fprintf(stderr, "ebrec report: %s\n", trace_file_nomem());
			return -1;
		}
		b[i].out = *out;
		b[i].out.f = b[i].f;
		b[i].out.format = FORMAT_JSON;
		b[i].out.max_rows = max_rows;
		if (runs[i].view->kind == VIEW_LISTING)
			b[i].out.max_row_bytes = HTML_ROWS_BYTES / nlistings / (nhosts ? nhosts : 1);
		json_init(&b[i].out.json, b[i].f);
		runs[i].out = &b[i].out;
	}
	return 0;
}

static void buffers_close(struct view_buffer *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (b[i].f)
			fclose(b[i].f);
		ebr_free(b[i].json.data);
	}
}

/* The page: the views' documents (those of recorded families) and the trace's own facts. */
static int html_page(struct report_out *out, struct view_run *runs, struct view_buffer *b,
		     size_t nruns, const struct losses *losses, const struct timeline *tl,
		     const struct time_window *w, const struct report_args *a, const char *limit_msg,
		     const struct host_series *host)
{
	struct html_view hv[MAX_RUNS];
	struct html_doc doc = {
		.tf = out->tf, .losses = losses, .timeline = tl, .views = hv,
		.limit_msg = limit_msg[0] ? limit_msg : NULL, .max_rows = a->rows,
		.since_s = time_window_since_s(w, out->tf->r),
		.until_s = time_window_until_s(w, out->tf->r), .host = host,
	};

	for (size_t i = 0; i < nruns; i++) {
		if (fflush(b[i].f) || ferror(b[i].f)) {
			fprintf(stderr, "ebrec report: %s\n", trace_file_nomem());
			return 1;
		}
		out->failed |= b[i].out.failed; /* a view's own file (--svg) */
		if (b[i].json.len &&
		    (a->nrest || trace_family_recorded(out->tf->r, runs[i].view->family)))
			hv[doc.nviews++] = (struct html_view){ b[i].json.data, b[i].json.len };
	}
	if (!host)
		return html_write(out->f, &doc) ? 1 : 0;
	html_data_write(out->f, &doc); /* the page is written after the last host's */
	return 0;
}

static int run_views(struct report_out *out, struct view_run *runs, size_t nruns, bool summary,
		     struct report_args *a, struct trace_series *series,
		     const struct host_series *host)
{
	/* the pass stops at 3/4 of the budget: the views' sorting and rendering have the rest */
	struct pass_limit limit = { .max_heap = ebr_mem_limit() / 4 * 3 };
	struct analyzer views_an[MAX_RUNS + 1];
	struct time_window window = { .since = a->since, .until = a->until, .next = views_an,
				      .nnext = nruns };
	bool windowed = a->since.kind != WINDOW_NONE || a->until.kind != WINDOW_NONE;
	bool html = out->format == FORMAT_HTML;
	bool headlines = summary && !html;
	char limit_msg[512] = "";
	struct losses *losses = ebr_calloc(1, sizeof(*losses));
	struct view_buffer buffers[MAX_RUNS] = { 0 };
	struct timeline timeline = { 0 };
	struct proctable procs = { 0 };
	int err, status = 1;

	if (!losses) {
		fprintf(stderr, "ebrec report: %s\n", trace_file_nomem());
		return 1;
	}
	/*
	 * The losses and the process table see every event of their types; the views what
	 * --since/--until let through, and without them, every event, offered it directly (the
	 * window's relay was a tenth of the reading thread's work in runqlat on two CPUs).
	 */
	struct analyzer an[3 + ARRAY_SIZE(views_an)] = {
		{ losses_on_event, losses, LOSSES_TYPES },
		{ proctable_on_event, &procs, ANALYZER_EVERY_TYPE /* once no_paths is set */ },
		{ time_window_on_event, &window, ANALYZER_EVERY_TYPE },
	};
	size_t nan = windowed ? 3 : 2;

	out->procs = &procs;
	procs.no_paths = true;
	for (size_t i = 0; i < nruns; i++)
		procs.no_paths = procs.no_paths && !runs[i].view->paths;
	an[1].types = proctable_types(&procs);
	/* --cgroup, --container: the processes' cgroups as the pass goes */
	a->where.scope.procs = &procs;
	for (size_t i = 0; i < nruns; i++) {
		views_an[i] = runs[i].an;
		runs[i].out = out;
	}
	if (html) {
		views_an[window.nnext++] = (struct analyzer){ timeline_on_event, &timeline,
								     ANALYZER_EVERY_TYPE };
		if (buffers_open(buffers, runs, nruns, out, a->rows, a->nhosts))
			goto cleanup;
	}
	out->summary = headlines;
	if (out->format == FORMAT_JSON) {
		json_object_begin(&out->json, NULL);
		if (host)
			host_json(&out->json, host);
		if (!headlines)
			json_array_begin(&out->json, "views");
	}
	for (size_t i = 0; i < nruns; i++)
		if (runs[i].view->begin)
			runs[i].view->begin(&runs[i], runs[i].out);
	for (size_t i = 0; i < window.nnext && !windowed; i++)
		an[nan++] = views_an[i];
	err = series_pass(series, an, nan, &limit);
	if (err) {
		char safe[256];

		if (err < 0) /* 1: said */
			fprintf(stderr, "ebrec report: reading %s failed: %s\n",
				text_safe(series_current_path(series), safe, sizeof(safe)),
				trace_file_strerror(err));
		goto cleanup;
	}
	if (limit.stopped) {
		limit_warning(out, &limit, limit_msg, sizeof(limit_msg));
		fprintf(stderr, "ebrec report: warning: %s\n", limit_msg);
	}
	if (windowed && out->format != FORMAT_JSON)
		window_note(out, &window);
	if (headlines)
		summary_write(out, runs, nruns, losses);
	for (size_t i = 0; i < nruns && !headlines; i++)
		runs[i].view->end(&runs[i], runs[i].out, losses);
	status = limit.stopped ? 1 : 0;
	if (html &&
	    html_page(out, runs, buffers, nruns, losses, &timeline, &window, a, limit_msg, host))
		status = 1;
	if (out->format == FORMAT_JSON) {
		if (!headlines)
			json_array_end(&out->json);
		json_str(&out->json, "redacted", ebr_reader_meta(out->tf->r, "redact.kinds"));
		if (windowed)
			window_note(out, &window);
		series_json_warnings(series, &out->json, limit_msg[0] ? limit_msg : NULL);
		json_object_end(&out->json);
		json_finish(&out->json);
	}
cleanup:
	if (html) {
		buffers_close(buffers, nruns);
		for (size_t i = 0; i < nruns; i++)
			runs[i].out = out;
	}
	timeline_release(&timeline);
	proctable_release(&procs);
	out->procs = NULL;
	a->where.scope.procs = NULL;
	ebr_free(losses);
	return status;
}

/*
 * Sets up every registered view the summary (a headline) or the HTML page (html_args) shows,
 * with the page's options for it.
 */
static int setup_all(struct view_run *runs, size_t *nruns, bool html, const struct proc_filter *who)
{
	for (size_t i = 0; i < nviews; i++) {
		const struct view *v = views[i];
		/* the page's options, a word each (the registry's strings are short) */
		char args[64], *vargv[8] = { (char *)v->name };
		int vargc = 1, status;

		if (html ? !v->html_args : !v->headline)
			continue;
		snprintf(args, sizeof(args), "%s", html ? v->html_args : "");
		for (char *w = strtok(args, " "); w && vargc < (int)ARRAY_SIZE(vargv) - 1;
		     w = strtok(NULL, " "))
			vargv[vargc++] = w;
		vargv[vargc] = NULL;
		if (*nruns == MAX_RUNS) {
			fprintf(stderr, "ebrec report: more than %d views to show\n", MAX_RUNS);
			return 1;
		}
		runs[*nruns].view = v;
		runs[*nruns].who = who;
		status = v->setup(&runs[*nruns], vargc, vargv);
		(*nruns)++;
		if (status)
			return status;
	}
	return 0;
}

/*
 * One recording (a host's series, host NULL when there is one host): its views set up, the
 * files read, the views written to out (opened here the first time, after the checks) after
 * *lead (then NULL) when there is one. A host's text summary is kept in host->text too, its
 * --by-host listing only there.
 */
static int report_series(struct report_args *a, char **files, int nfiles, struct report_out *out,
			 struct host_series *host, const char **lead)
{
	struct report_args one = *a;
	struct trace_series series = { .cur.fd = -1, .first.tf.fd = -1 };
	const struct trace_peek *peek = &series.first;
	struct view_run runs[MAX_RUNS] = { 0 };
	size_t nruns = 0;
	bool summary = a->nrest == 0;
	FILE *kept = NULL; /* a host's summary or --by-host listing goes to host->text */
	int status = 0;

	one.files = files;
	one.nfiles = nfiles;
	one.who.scope = &one.where.scope; /* run_views() gives the scope this pass's processes */
	a = &one;
	if (summary) {
		status = setup_all(runs, &nruns, a->format == FORMAT_HTML, &a->who);
	} else if (!(runs[0].view = view_find(a->rest[0]))) {
		const struct view *near = view_closest(a->rest[0]);
		char safe[128];

		fprintf(stderr, "ebrec report: unknown view '%s'%s%s%s (see 'ebrec report --help')\n",
			text_safe(a->rest[0], safe, sizeof(safe)), near ? "; did you mean '" : "",
			near ? near->name : "", near ? "'?" : "");
		return 2;
	} else {
		nruns = 1;
		runs[0].who = &a->who;
		status = runs[0].view->setup(&runs[0], a->nrest, a->rest);
	}
	for (int f = 0; f < a->nfiles && !status; f++) {
		if (a->out_path)
			status = output_is_input("report", a->out_path, a->files[f]);
		for (size_t i = 0; i < nruns && !status; i++)
			status = runs[i].file ? output_is_input("report", runs[i].file, a->files[f])
					      : 0;
	}
	if (status || (status = series_open(&series, "report", a->files, (size_t)a->nfiles)))
		goto cleanup;
	if ((!summary && ((status = trace_check_family("report", runs[0].view->name,
							runs[0].view->family, peek)) ||
			  (peek->known && (status = view_clock_check(&runs[0], peek->tf.r))))) ||
	    (status = trace_check_window("report", &a->since, &a->until, peek)) ||
	    (status = series_select(&series, &a->since, &a->until)))
		goto cleanup;
	status = 1;
	if (!out->f) {
		out->f = stdout;
		if (a->out_path &&
		    !(out->f = output_cap_stream(fopen(a->out_path, "we"), "report"))) {
			fprintf(stderr, "ebrec report: cannot create %s: %m\n", a->out_path);
			goto cleanup;
		}
	}
	if (lead && *lead) {
		fputs(*lead, out->f);
		*lead = NULL;
	}
	if (host && a->format == FORMAT_TEXT)
		host_heading(out->f, host);
	/* kept: a text summary or --by-host view, a JSON summary (compared after the last host),
	 * an HTML page's data */
	if (host && (summary || a->format == FORMAT_HTML ||
		     (a->format == FORMAT_TEXT && a->by_host))) {
		kept = out->f;
		if (!(out->f = membuf_open(&host->text))) {
			fprintf(stderr, "ebrec report: %s\n", trace_file_nomem());
			out->f = kept;
			goto cleanup;
		}
	}
	out->format = a->format;
	out->tf = &series.view;
	json_init(&out->json, out->f);
	/* --by-host: JSON's rows and view documents (a summary's headlines) name their host; the
	 * HTML page and the text summary are by host already */
	if (host && a->by_host && a->format == FORMAT_JSON)
		json_tag_rows(&out->json, "host", host->name, false);
	status = run_views(out, runs, nruns, summary, a, &series, host);
	if (kept) {
		if (fflush(out->f) || ferror(out->f)) {
			fprintf(stderr, "ebrec report: %s\n", trace_file_nomem());
			status = 1;
		}
		fclose(out->f);
		out->f = kept;
		if (host->text.len && summary && a->format != FORMAT_HTML)
			fwrite(host->text.data, 1, host->text.len, out->f);
	}
	if (out->failed)
		status = 1;
	if (fflush(out->f) != 0 || ferror(out->f)) {
		fprintf(stderr, "ebrec report: writing the report failed: %m\n");
		status = 1;
	}
	if (series_warn(&series))
		status = 1;
	if (series.view.r && ebr_reader_meta(series.view.r, "redact.kinds") &&
	    out->format != FORMAT_JSON) {
		char safe[128];

		/* on stderr: stdout may be folded stacks or a bcc tool's exact columns */
		fprintf(stderr, "ebrec report: this trace was redacted (%s): those names are keyed "
				"pseudonyms\n",
			text_safe(ebr_reader_meta(series.view.r, "redact.kinds"), safe, sizeof(safe)));
	}
cleanup:
	for (size_t i = 0; i < nruns; i++) {
		view_rows_release(&runs[i]); /* held rows, when the pass failed before the end */
		if (runs[i].view && runs[i].view->release)
			runs[i].view->release(&runs[i]);
	}
	series_close(&series);
	return status;
}

/*
 * Several hosts: each host's series reported in turn, under a heading in text, as one document
 * each of JSON's "hosts", as one part each of the HTML page (which a selector shows); then
 * the hosts compared (a summary), or --by-host's table.
 */
static int report_hosts(struct report_args *a, struct host_set *hs, struct report_out *out)
{
	bool json = a->format == FORMAT_JSON, html = a->format == FORMAT_HTML, written = false;
	bool failed = false;
	const struct view *v = a->nrest ? view_find(a->rest[0]) : NULL;
	int status = 0;

	/* a misspelt view is said once, not once a host */
	if (a->nrest && !v)
		return report_series(a, hs->hosts[0].paths, 1, out, NULL, NULL);
	a->nhosts = hs->n;
	for (uint32_t i = 0; i < hs->n; i++) {
		const char *lead = json ? (written ? "," : "{\"hosts\":[")
					: (written && !(a->by_host && v) && !html ? "\n" : "");
		int one = report_series(a, hs->hosts[i].paths, (int)hs->hosts[i].npaths, out,
					&hs->hosts[i], &lead);

		written |= !lead;
		if (one > status)
			status = one;
	}
	if (!written)
		return status;
	if (json && !v)
		failed = fputs("],\"compared\":", out->f) == EOF || host_compare_json(out->f, hs) ||
			 fputs("}\n", out->f) == EOF;
	else if (json)
		failed = fputs("]}\n", out->f) == EOF;
	else if (html)
		failed = html_write_hosts(out->f, hs);
	else if (!v)
		failed = host_compare(out->f, hs);
	else if (a->by_host)
		failed = fputc('\n', out->f) == EOF ||
			 host_table(out->f, hs, v->kind == VIEW_LISTING || v->kind == VIEW_TABLE);
	/* a failed stream is said by cmd_report() */
	return failed && !status ? 1 : status;
}

int cmd_report(int argc, char **argv)
{
	struct report_args a;
	struct report_out out = { 0 };
	struct host_set hosts = { 0 };
	int status = parse_args(&a, argc, argv);

	if (status) {
		ebr_free(a.files);
		return status < 0 ? 0 : status;
	}
	status = host_set_split(&hosts, "report", a.files, (size_t)a.nfiles);
	if (!status && hosts.n > 1)
		status = report_hosts(&a, &hosts, &out);
	else if (!status)
		status = report_series(&a, a.files, a.nfiles, &out, NULL, NULL);
	if (hosts.n > 1 && out.f && (fflush(out.f) != 0 || ferror(out.f))) {
		fprintf(stderr, "ebrec report: writing the report failed: %m\n");
		status = 1;
	}
	if (out.f && out.f != stdout)
		fclose(out.f);
	host_set_release(&hosts);
	ebr_free(a.files);
	return status;
}
