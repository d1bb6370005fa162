// SPDX-License-Identifier: GPL-2.0-only
/* The scheduler family's views: runqlat and cpudist, bcc's histograms. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "format/array_size.h"
#include "analyze/sched.h"
#include "report/json_models.h"
#include "report/text.h"
#include "report/top_table.h"
#include "report/view.h"
#include "format/mem.h"

/* Options of both: -m -P -L, and cpudist's -O (-p and --comm are report's own). */
struct sched_view {
	struct sched_dist d; /* first: the analyzer's self and vr->state's model */
	bool by_process;     /* --by-process: a table of processes by total time */
};

static int sched_setup(struct view_run *vr, int argc, char **argv, const char *opts,
		       enum sched_measure measure)
{
	enum { OPT_BY_PROCESS = 256, OPT_HEATMAP };
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "by-process", no_argument, NULL, OPT_BY_PROCESS },
		{ "heatmap", no_argument, NULL, OPT_HEATMAP },
		{ 0 },
	};
	struct sched_view *s = ebr_calloc(1, sizeof(*s));
	struct sched_dist *d = s ? &s->d : NULL;
	double secs;
	int c;

	if (!s)
		return view_no_memory(vr->view);
	vr->state = s;
	vr->an = (struct analyzer){ sched_dist_on_event, d, SCHED_DIST_TYPES };
	d->measure = measure;
	d->who = *vr->who;
	view_opts_begin(vr);
	while ((c = view_getopt(argc, argv, opts, longopts)) != -1) {
		switch (c) {
		case 'm':
			d->millis = true;
			break;
		case 'P':
			d->per = SCHED_PER_PID;
			break;
		case 'L':
			d->per = SCHED_PER_TID;
			break;
		case 'O':
			d->measure = SCHED_OFFCPU;
			break;
		case 'i':
			if (view_parse_seconds(optarg, &secs))
				return view_usage_error(vr->view, "--interval needs seconds (1, 0.5, "
						       "500ms), not", optarg);
			d->interval_ns = (uint64_t)(secs * 1e9);
			break;
		case OPT_BY_PROCESS:
			s->by_process = true;
			d->per = SCHED_PER_PID;
			break;
		case OPT_HEATMAP:
			d->heatmap = true;
			break;
		default:
			return view_bad_option(vr->view, argv);
		}
	}
	if (d->interval_ns && d->per != SCHED_ALL)
		return view_usage_error(vr->view, "--interval shows every task: not with",
					"-P/-L/--by-process");
	return view_opts_end(vr->view, argc, argv);
}

static int runqlat_setup(struct view_run *vr, int argc, char **argv)
{
	return sched_setup(vr, argc, argv, "mPL", SCHED_RUNQ);
}

static int cpudist_setup(struct view_run *vr, int argc, char **argv)
{
	return sched_setup(vr, argc, argv, "mPLO", SCHED_ONCPU);
}

/* --by-process: a line a process, the most time first */
static void text_by_process(FILE *f, const struct sched_dist *d)
{
	double unit = d->millis ? 1e6 : 1e3;
	const char *u = d->millis ? "ms" : "us";
	char comm[TEXT_COMM_SIZE], p50[16], p99[16], max[16];

	snprintf(p50, sizeof(p50), "P50(%s)", u);
	snprintf(p99, sizeof(p99), "P99(%s)", u);
	snprintf(max, sizeof(max), "MAX(%s)", u);
	fprintf(f, "%-7s %-16s %10s %12s %10s %10s %10s\n", "PID", "COMM", "COUNT", "TOTAL(ms)", p50,
		p99, max);
	for (uint32_t i = 0; i < d->ngroups; i++) {
		const struct sched_group *g = &d->groups[i];
		const struct quantiles *q = &g->hist.ns;

		fprintf(f, "%-7llu %-16s %10llu %12.2f %10.1f %10.1f %10.1f\n",
			(unsigned long long)g->key, text_safe(g->comm, comm, sizeof(comm)),
			(unsigned long long)q->count, (double)g->sum_ns / 1e6,
			(double)quantiles_value(q, 0.5) / unit, (double)quantiles_value(q, 0.99) / unit,
			(double)q->max / unit);
	}
}

static void sched_end(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	struct sched_view *s = vr->state;
	struct sched_dist *d = &s->d;
	const char *unit = d->millis ? "msecs" : "usecs";
	const char *per = d->per == SCHED_PER_PID ? "pid" : "tid";
	char comm[TEXT_COMM_SIZE];

	sched_dist_sort(d, s->by_process);
	if (out->format == FORMAT_JSON) {
		struct json *j = &out->json;

		view_doc_begin(vr, out);
		json_str(j, "measure", d->measure == SCHED_RUNQ    ? "run queue"
				       : d->measure == SCHED_ONCPU ? "on cpu"
								   : "off cpu");
		json_str(j, "unit", unit);
		json_u64(j, "intervals", d->intervals);
		json_u64(j, "unknown", d->unknown);
		json_u64(j, "untraced_switch_ins", d->untraced_in);
		if (d->heatmap)
			json_heatmap(j, &d->heat);
		if (d->interval_ns) {
			json_latseries(j, &d->series);
			view_rows_finish(vr, out, ls);
			return;
		}
		json_array_begin(j, "histograms");
		for (uint32_t i = 0; i < d->ngroups; i++) {
			const struct sched_group *g = &d->groups[i];

			json_object_begin(j, NULL);
			if (d->per != SCHED_ALL) {
				json_u64(j, per, g->key);
				json_str(j, "comm", g->comm);
			}
			json_u64(j, "total", g->hist.total);
			json_u64(j, "sum_ns", g->sum_ns);
			json_u64(j, "untraced_switch_ins", g->untraced_in);
			json_log2_hist(j, "buckets", &g->hist);
			json_percentiles(j, &g->hist.ns);
			json_object_end(j);
		}
		view_rows_finish(vr, out, ls);
		return;
	}
	if (d->interval_ns)
		text_latseries(out->f, &d->series, d->millis);
	else if (s->by_process)
		text_by_process(out->f, d);
	for (uint32_t i = 0; i < d->ngroups && !s->by_process; i++) {
		const struct sched_group *g = &d->groups[i];

		if (d->per != SCHED_ALL)
			fprintf(out->f, "\n%s = %llu %s\n", per, (unsigned long long)g->key,
				text_safe(g->comm, comm, sizeof(comm)));
		text_log2_hist(out->f, &g->hist, unit);
	}
	if (!d->ngroups && !d->interval_ns)
		fprintf(out->f, "no context switch in this trace\n");
	else if (d->heatmap)
		text_heatmap(out->f, &d->heat);
	if (d->untraced_in)
		fprintf(out->f, "\n%llu switch-ins of these tasks were not traced by the kernel (it "
				"traced no switch-out of the task before them)\n",
			(unsigned long long)d->untraced_in);
	view_rows_finish(vr, out, ls);
}

static void sched_release(struct view_run *vr)
{
	if (vr->state)
		sched_dist_release(vr->state);
	view_free_state(vr);
}

static void sched_headline(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	struct sched_dist *d = vr->state;
	static const struct quantiles none;

	/* the summary sets it up without -P or -L: one group */
	headline_begin(vr, out);
	headline_percentiles(out, d->ngroups ? &d->groups[0].hist.ns : &none,
			     d->measure == SCHED_RUNQ ? "waits on a run queue" : "slices on a CPU");
	headline_end(vr, out);
}

const struct view view_runqlat = {
	.name = "runqlat",
	.family = "sched",
	.kind = VIEW_HISTOGRAM,
	.html_args = "--heatmap",
	.summary = "run-queue latency (wakeup or preemption to running) as a log2 histogram",
	.usage = "-m (msecs) -P (per process) -L (per thread) --by-process (processes by total "
		 "wait, with percentiles) --interval SECONDS (p50, p90, p99, max and count an "
		 "interval) --heatmap (time x latency)",
	.setup = runqlat_setup,
	.end = sched_end,
	.release = sched_release,
	.headline = sched_headline,
};

const struct view view_cpudist = {
	.name = "cpudist",
	.family = "sched",
	.kind = VIEW_HISTOGRAM,
	.html_args = "--heatmap",
	.summary = "time on CPU per scheduling slice (-O: time off CPU) as a log2 histogram",
	.usage = "-m (msecs) -P (per process) -L (per thread) -O (off-CPU time) --by-process "
		 "(processes by total time, with percentiles) --interval SECONDS (p50, p90, p99, "
		 "max and count an interval) --heatmap (time x latency)",
	.setup = cpudist_setup,
	.end = sched_end,
	.release = sched_release,
	.headline = sched_headline,
};

/* ------------------------------------------------------------ proctop */

static const struct top_column proctop_cols[] = {
	{ "CPU(ms)", "cpu", "cpu_ns", PROCTOP_CPU_NS, TOP_MS, 0 },
	{ "SAMPLES", "samples", "samples", PROCTOP_SAMPLES, TOP_COUNT, 0 },
	{ "RUNQ(ms)", "runq", "runq_ns", PROCTOP_RUNQ_NS, TOP_MS, 0 },
	{ "OFFCPU(ms)", "offcpu", "offcpu_ns", PROCTOP_OFFCPU_NS, TOP_MS, 0 },
	{ "SWITCHES", "switches", "switches", PROCTOP_SWITCHES, TOP_COUNT, 0 },
};

static const struct top_table proctop_table = {
	.kind = TOP_PROC,
	.cols = proctop_cols,
	.ncols = ARRAY_SIZE(proctop_cols),
	.sort = 0,
	.pid = true,
	.nothing = "no context switch in this trace",
};

static int proctop_setup(struct view_run *vr, int argc, char **argv)
{
	return top_view_setup(vr, argc, argv, &proctop_table);
}

const struct view view_proctop = {
	.name = "proctop",
	.family = "sched",
	.kind = VIEW_TABLE,
	.html_args = "", /* the first 20 rows, bcc's default */
	.summary = "processes by time on CPU, profile samples, run-queue wait and time off CPU",
	.usage = "-s KEY (sort by cpu, samples, runq, offcpu or switches; default cpu) "
		 TOP_VIEW_USAGE,
	.setup = proctop_setup,
	.begin = top_view_begin,
	.end = top_view_end,
	.json_tail = top_view_json_tail,
	.release = top_view_release,
};
