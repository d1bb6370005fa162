// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec diff BEFORE AFTER [VIEW]`: what changed from one recording to another (report/diff.h).
 * Each trace is read in one pass of its own, with the same measures and the same cuts; the
 * checks before the passes are report's (report/trace_check.h), made of each trace.
 */
#include <stdlib.h>
#include <string.h>
#include "format/array_size.h"
#include "format/mem.h"
#include "report/commands.h"
#include "report/diff.h"
#include "report/text.h"
#include "report/trace_check.h"
#include "report/view.h"

#define DIFF_DEFAULT_LIMIT 10

struct diff_args {
	const char *file[2], *view, *out_path, *svg, *max_memory;
	bool json, folded, normalize;
	uint64_t limit;
	struct proc_filter who;
	struct window_end since, until;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ebrec diff BEFORE AFTER [VIEW] [OPTIONS]\n"
		   "\nWhat changed from one recording to another, as perf diff and differential flame\n"
		   "graphs show it: latency histograms side by side with the change of their\n"
		   "percentiles, the biggest changes in opens, execs and TCP bytes, and the stacks\n"
		   "whose share of a profile grew or shrank. Without VIEW: every family both traces\n"
		   "recorded. No root, any machine.\n"
		   "\nviews:\n");
	for (int i = 0; i < DIFF_HISTS; i++)
		fprintf(f, "  %-12s %s\n", diff_hists[i].view, diff_hists[i].what);
	for (int i = 0; i < DIFF_TABLES; i++)
		fprintf(f, "  %-12s %s\n", diff_tables[i].view, diff_tables[i].what);
	for (int i = 0; i < DIFF_PROFILES; i++)
		fprintf(f, "  %-12s %s: stacks by share of the samples\n", diff_profiles[i].view,
			diff_profiles[i].what);
	fprintf(f, "\noptions:\n"
		   "  --format FMT       text (default) or json\n"
		   "  -o OUT             write to OUT instead of stdout\n"
		   "  --comm NAME        only what belongs to processes named NAME\n"
		   "  --since WHEN       only events from WHEN of each recording: seconds from its\n"
		   "                     start (12.5), HH:MM:SS or 'YYYY-MM-DD HH:MM:SS' (UTC)\n"
		   "  --until WHEN       only events up to WHEN of each recording\n"
		   "  --limit ROWS       rows of each table and stacks of each profile (default %d;\n"
		   "                     0 all)\n"
		   "  --svg FILE         a differential flame graph of profile (or offcputime):\n"
		   "                     AFTER's stacks, red where their share grew, blue where it\n"
		   "                     shrank\n"
		   "  --folded           only the stacks, as FlameGraph's difffolded.pl writes them:\n"
		   "                     'STACK BEFORE AFTER' a line\n"
		   "  -n, --normalize    --folded: BEFORE's values scaled to AFTER's total\n"
		   "                     (difffolded.pl -n)\n"
		   "  --max-memory MIB   the memory both traces' analysis may hold (default: half\n"
		   "                     of this machine's memory)\n"
		   "\n'man ebrec-diff' says how each measure is compared.\n"
		   "\nexamples:\n"
		   "  ebrec diff monday.ebr tuesday.ebr\n"
		   "  ebrec diff before.ebr after.ebr biolatency --format json\n"
		   "  ebrec diff before.ebr after.ebr profile --svg diff.svg\n"
		   "  ebrec diff before.ebr after.ebr profile --folded -n | flamegraph.pl > diff.svg\n",
		DIFF_DEFAULT_LIMIT);
}

static int parse_args(struct diff_args *a, int argc, char **argv)
{
	int nfiles = 0;

	memset(a, 0, sizeof(*a));
	a->limit = DIFF_DEFAULT_LIMIT;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = NULL;

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			return 1;
		}
		if (!strcmp(arg, "--folded") || !strcmp(arg, "-n") || !strcmp(arg, "--normalize")) {
			*(!strcmp(arg, "--folded") ? &a->folded : &a->normalize) = true;
			continue;
		}
		if (!strcmp(arg, "--format") || !strcmp(arg, "-o") || !strcmp(arg, "--comm") ||
		    !strcmp(arg, "--since") || !strcmp(arg, "--until") || !strcmp(arg, "--limit") ||
		    !strcmp(arg, "--svg") || !strcmp(arg, "--max-memory")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "ebrec diff: %s needs a value\n", arg);
				return 2;
			}
			val = argv[++i];
		} else if (arg[0] == '-' && arg[1]) {
			fprintf(stderr, "ebrec diff: unknown option '%s' (see 'ebrec diff --help')\n",
				arg);
			return 2;
		} else if (nfiles < 2) {
			a->file[nfiles++] = arg;
			continue;
		} else if (!a->view) {
			a->view = arg;
			continue;
		} else {
			fprintf(stderr, "ebrec diff: one view at a time: '%s' is one too many\n", arg);
			return 2;
		}
		if (!strcmp(arg, "--format")) {
			if (strcmp(val, "text") && strcmp(val, "json")) {
				fprintf(stderr, "ebrec diff: --format is text or json (the differential "
						"flame graph is --svg FILE)\n");
				return 2;
			}
			a->json = !strcmp(val, "json");
		} else if (!strcmp(arg, "-o")) {
			a->out_path = val;
		} else if (!strcmp(arg, "--comm")) {
			a->who.comm = val;
		} else if (!strcmp(arg, "--svg")) {
			a->svg = val;
		} else if (!strcmp(arg, "--max-memory")) {
			a->max_memory = val;
		} else if (!strcmp(arg, "--limit")) {
			if (view_parse_count(val, &a->limit)) {
				fprintf(stderr, "ebrec diff: --limit takes a number of rows (0: all)\n");
				return 2;
			}
		} else if (window_end_parse(val, !strcmp(arg, "--since") ? &a->since : &a->until)) {
			fprintf(stderr, "ebrec diff: %s takes seconds from the start (12.5), HH:MM:SS "
					"or 'YYYY-MM-DD HH:MM:SS' (UTC)\n", arg);
			return 2;
		}
	}
	if (nfiles < 2) {
		usage(stderr);
		return 2;
	}
	for (int i = 0; i < 2; i++)
		if (!strcmp(a->file[i], "-")) {
			fprintf(stderr, "ebrec diff: reads two trace files, not stdin\n");
			return 2;
		}
	if (a->normalize && !a->folded) {
		fprintf(stderr, "ebrec diff: -n scales --folded's values: give --folded too\n");
		return 2;
	}
	if (a->folded && a->json) {
		fprintf(stderr, "ebrec diff: --folded writes folded lines, not JSON\n");
		return 2;
	}
	return trace_file_budget("diff", a->max_memory);
}

/* Whether VIEW names a measure of the diff (its measures set in o), else the usage error. */
static int choose_view(const char *view, struct diff_opts *o)
{
	bool found = false;

	for (int i = 0; i < DIFF_HISTS; i++)
		found |= o->hist[i] = !strcmp(view, diff_hists[i].view);
	for (int i = 0; i < DIFF_TABLES; i++)
		found |= o->table[i] = !strcmp(view, diff_tables[i].view);
	for (int i = 0; i < DIFF_PROFILES; i++)
		found |= o->profile[i] = !strcmp(view, diff_profiles[i].view);
	if (!found) {
		char safe[128];

		fprintf(stderr, "ebrec diff: '%s' is no view diff compares (see 'ebrec diff "
				"--help')\n", text_safe(view, safe, sizeof(safe)));
		return 2;
	}
	return 0;
}

/* Whether a trace recorded family (true when its families are not known before its pass). */
static bool recorded(const struct trace_peek *peek, const char *family)
{
	return !peek->known || trace_family_recorded(peek->tf.r, family);
}

/* VIEW's family in both traces, said as report says it (exit 1) when either lacks it. */
static int check_view(const struct diff_args *a, const struct diff_measure *m,
		      const struct trace_peek peek[2])
{
	for (int i = 0; i < 2; i++) {
		char what[512], safe[384];
		int status;

		snprintf(what, sizeof(what), "%s: %s", text_safe(a->file[i], safe, sizeof(safe)),
			 m->view);
		status = trace_check_family("diff", what, m->family, &peek[i]);
		if (status)
			return status;
	}
	return 0;
}

/* Without VIEW: every measure of the families both recorded; the others named. */
static int choose_common(struct diff_report *r, const struct trace_peek peek[2], char *notes,
			 size_t len)
{
	static const char *const families[] = { "block", "sched", "file", "tcp", "proc", "profile",
						"offcpu" };
	bool any = false;
	size_t n = 0;

	notes[0] = 0;
	for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
		bool before = recorded(&peek[0], families[f]), after = recorded(&peek[1], families[f]);

		if (before != after && n < len)
			n += (size_t)snprintf(notes + n, len - n, "%s%s (only %s)", n ? ", " : "",
					      families[f], before ? "BEFORE" : "AFTER");
		if (!before || !after)
			continue;
		for (int i = 0; i < DIFF_HISTS; i++)
			any |= r->o.hist[i] |= !strcmp(diff_hists[i].family, families[f]);
		for (int i = 0; i < DIFF_TABLES; i++)
			any |= r->o.table[i] |= !strcmp(diff_tables[i].family, families[f]);
		for (int i = 0; i < DIFF_PROFILES; i++)
			any |= r->o.profile[i] |= !strcmp(diff_profiles[i].family, families[f]);
	}
	if (!any) {
		fprintf(stderr, "ebrec diff: the two traces recorded no family in common to compare "
				"(%s); record both with the same -e\n", notes);
		return 1;
	}
	return 0;
}

/* --svg and --folded draw one profile: VIEW's, else CPU samples, else time off CPU. */
static int choose_stacks(struct diff_report *r, const struct diff_args *a,
			 const struct trace_peek peek[2])
{
	if (!a->svg && !a->folded)
		return 0;
	r->stack_profile = r->o.profile[DIFF_PROFILE] || !r->o.profile[DIFF_OFFCPU] ? DIFF_PROFILE
										     : DIFF_OFFCPU;
	if (a->view && !r->o.profile[DIFF_PROFILE] && !r->o.profile[DIFF_OFFCPU]) {
		fprintf(stderr, "ebrec diff: --svg and --folded draw stacks: name profile or "
				"offcputime, not %s\n", a->view);
		return 2;
	}
	if (!r->o.profile[r->stack_profile]) /* neither in common: said as a view would be */
		return check_view(a, &diff_profiles[DIFF_PROFILE], peek);
	if (a->folded) { /* only the stacks are written: nothing else is measured */
		memset(&r->o, 0, sizeof(r->o));
		r->o.who = a->who;
		r->o.profile[r->stack_profile] = true;
	}
	return 0;
}

/* One trace's pass: the losses and the process table see it all, the measures the window. */
static int read_trace(struct diff_trace *t, const struct diff_args *a, const struct diff_opts *o,
		      struct pass_limit *limit)
{
	struct proctable procs = { 0 };
	struct time_window window = { .since = a->since, .until = a->until };
	int err, status = 1;

	t->losses = ebr_calloc(1, sizeof(*t->losses));
	t->side = ebr_calloc(1, sizeof(*t->side));
	if (!t->losses || !t->side) {
		fprintf(stderr, "ebrec diff: %s\n", trace_file_nomem());
		return 1;
	}
	diff_side_init(t->side, o, &procs);
	window.next = t->side->an;
	window.nnext = t->side->nan;
	struct analyzer an[] = {
		{ losses_on_event, t->losses, LOSSES_TYPES },
		{ proctable_on_event, &procs, proctable_types(&procs) },
		{ time_window_on_event, &window, ANALYZER_EVERY_TYPE },
	};

	err = analyze_pass_limited(t->tf.r, an, ARRAY_SIZE(an), limit);
	if (err) {
		fprintf(stderr, "ebrec diff: reading %s failed: %s\n", t->tf.path,
			trace_file_strerror(err));
		goto cleanup;
	}
	if (limit->stopped) {
		fprintf(stderr, "ebrec diff: reading %s stopped at %.3f s of it, after %llu events: "
				"%s (--max-memory MIB raises the limit)\n", t->tf.path,
			trace_seconds(t->tf.r, limit->stop_ts), (unsigned long long)limit->events,
			trace_file_nomem());
		goto cleanup;
	}
	if (window.unanchored)
		fprintf(stderr, "ebrec diff: warning: %s has no wall clock: a --since/--until time "
				"of day was ignored\n", t->tf.path);
	err = diff_side_finish(t->side);
	if (err) {
		fprintf(stderr, "ebrec diff: %s\n", trace_file_strerror(err));
		goto cleanup;
	}
	status = 0;
cleanup:
	/* opens' paths were made absolute as the pass went: the table is not needed after it */
	t->side->opens.procs = NULL;
	proctable_release(&procs);
	return status;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_args a;
	struct diff_report r = { 0 };
	struct trace_peek peek[2] = { { 0 }, { 0 } };
	/* the passes stop at 3/4 of the budget, both sides' models counted: rendering has the
	 * rest */
	struct pass_limit limit = { 0 };
	char notes[256] = "";
	int status = parse_args(&a, argc, argv);

	if (status)
		return status == 1 ? 0 : status;
	r.t[0].tf.fd = r.t[1].tf.fd = -1;
	r.json = a.json;
	r.limit = a.limit;
	r.svg = a.svg;
	r.folded = a.folded;
	r.normalize = a.normalize;
	r.o.who = a.who;
	if (a.view && (status = choose_view(a.view, &r.o)))
		return status;
	for (int i = 0; i < 2 && !status; i++) {
		if (a.out_path)
			status = output_is_input("diff", a.out_path, a.file[i]);
		if (!status && a.svg)
			status = output_is_input("diff", a.svg, a.file[i]);
	}
	if (status)
		return status;
	status = 1;
	for (int i = 0; i < 2; i++) {
		if (trace_file_open(&r.t[i].tf, "diff", a.file[i]))
			goto cleanup;
		if (trace_file_peek(a.file[i], &peek[i])) {
			fprintf(stderr, "ebrec diff: %s\n", trace_file_nomem());
			goto cleanup;
		}
	}
	if (a.view) {
		const struct diff_measure *m = NULL;

		for (int i = 0; i < DIFF_HISTS; i++)
			m = r.o.hist[i] ? &diff_hists[i] : m;
		for (int i = 0; i < DIFF_TABLES; i++)
			m = r.o.table[i] ? &diff_tables[i] : m;
		for (int i = 0; i < DIFF_PROFILES; i++)
			m = r.o.profile[i] ? &diff_profiles[i] : m;
		status = check_view(&a, m, peek);
	} else {
		status = choose_common(&r, peek, notes, sizeof(notes));
	}
	for (int i = 0; i < 2 && !status; i++)
		status = trace_check_window("diff", &a.since, &a.until, &peek[i]);
	if (!status)
		status = choose_stacks(&r, &a, peek);
	if (status)
		goto cleanup;
	status = 1;
	r.not_compared = notes;
	limit.max_heap = ebr_mem_limit() / 4 * 3;
	for (int i = 0; i < 2; i++)
		if (read_trace(&r.t[i], &a, &r.o, &limit))
			goto cleanup;
	r.f = stdout;
	if (a.out_path && !(r.f = fopen(a.out_path, "we"))) {
		fprintf(stderr, "ebrec diff: cannot create %s: %m\n", a.out_path);
		r.f = NULL;
		goto cleanup;
	}
	json_init(&r.j, r.f);
	status = diff_write(&r);
	if (fflush(r.f) != 0 || ferror(r.f)) {
		fprintf(stderr, "ebrec diff: writing the diff failed: %m\n");
		status = 1;
	}
	for (int i = 0; i < 2; i++)
		if (trace_file_warn(&r.t[i].tf, "diff"))
			status = 1;
cleanup:
	if (r.f && r.f != stdout)
		fclose(r.f);
	for (int i = 0; i < 2; i++) {
		if (r.t[i].side)
			diff_side_release(r.t[i].side);
		ebr_free(r.t[i].side);
		ebr_free(r.t[i].losses);
		trace_file_close(&r.t[i].tf);
		trace_peek_release(&peek[i]);
	}
	return status;
}
