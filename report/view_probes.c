// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic probes' view: every event of the probes `record -e` named (tracepoints,
 * uprobes, USDT probes), a row each, with its text as `ebrec script` prints it; and in the
 * summary a headline each probe (its events, their rate, the processes that fired it most).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/probes.h"
#include "analyze/tally.h"
#include "analyze/tpevent.h"
#include "format/mem.h"
#include "report/json_models.h"
#include "report/probe_text.h"
#include "report/text.h"
#include "report/view.h"

#define PROBES_MAX_SELECT 16

/* The summary's count of one probe. */
struct probe_count {
	struct tally tally; /* events per process */
	bool seen;
};

struct probes_view {
	struct probe_events model;
	const char *select[PROBES_MAX_SELECT];
	struct report_out *out;
	const struct view_clock *clock;
	struct tpevent *tp;
	char *text, *safe;
	struct probe_count *counts; /* by schema index, for the summary */
	uint32_t ncounts;
};

/* ------------------------------------------------------------ rows */

static int probes_tally_row(void *ctx, const struct probe_row *row)
{
	struct probes_view *s = ctx;
	char comm[EBR_COMM_MAX + 1];

	if (!s->counts) {
		uint32_t n = ebr_reader_type_count(s->out->tf->r);

		s->counts = ebr_calloc(n ? n : 1, sizeof(*s->counts));
		if (!s->counts)
			return EBR_E_NOMEM;
		s->ncounts = n;
	}
	if (row->ti >= s->ncounts)
		return 0;
	s->counts[row->ti].seen = true;
	snprintf(comm, sizeof(comm), "%.*s", (int)row->comm_len, row->comm);
	return tally_add(&s->counts[row->ti].tally, (uint32_t)row->pid, comm, 0, false);
}

static int probes_text_row(void *ctx, const struct probe_row *row)
{
	struct probes_view *s = ctx;
	char comm[TEXT_COMM_SIZE], name[1024];
	int err = probe_text(s->tp, s->out->tf->r, row, s->text, PROBE_TEXT_MAX);

	if (err)
		return err;
	view_time(s->clock, s->out, s->out->f, row->ev->ts);
	fprintf(s->out->f, "%-16s %-7" PRIu64 " %-7" PRIu64 " %-3u %s %s\n",
		text_safe(row->comm, comm, sizeof(comm)),
		row->pid, row->tid, row->ev->cpu, text_safe(row->type->name, name, sizeof(name)),
		text_safe(s->text, s->safe, TEXT_SAFE_SIZE(PROBE_TEXT_MAX)));
	return 0;
}

static int probes_json_row(void *ctx, const struct probe_row *row)
{
	struct probes_view *s = ctx;
	struct json *j = &s->out->json;
	int err = probe_text(s->tp, s->out->tf->r, row, s->text, PROBE_TEXT_MAX);

	if (err)
		return err;
	json_object_begin(j, NULL);
	json_double(j, "time_s", trace_seconds(s->out->tf->r, row->ev->ts), 6);
	json_strn(j, "comm", row->comm, row->comm_len);
	json_u64(j, "pid", row->pid);
	json_u64(j, "tid", row->tid);
	json_u64(j, "cpu", row->ev->cpu);
	json_str(j, "probe", row->type->name);
	json_str(j, "text", s->text);
	json_object_end(j);
	return 0;
}

/* ------------------------------------------------------------ the view */

static int probes_setup(struct view_run *vr, int argc, char **argv)
{
	struct probes_view *s = ebr_calloc(1, sizeof(*s));
	int c;

	if (!s)
		return view_no_memory(vr->view);
	vr->state = s;
	vr->an = (struct analyzer){ probe_events_on_event, &s->model,
				   PROBE_EVENTS_TYPES };
	s->model.who = *vr->who;
	s->model.select = s->select;
	s->text = ebr_malloc(PROBE_TEXT_MAX);
	s->safe = ebr_malloc(TEXT_SAFE_SIZE(PROBE_TEXT_MAX));
	if (!s->text || !s->safe || tpevent_new(&s->tp))
		return view_no_memory(vr->view);
	s->clock = &vr->clock;
	view_opts_begin(vr);
	while ((c = view_getopt(argc, argv, "e:T", NULL)) != -1) {
		switch (c) {
		case 'e':
			if (s->model.nselect == PROBES_MAX_SELECT)
				return view_usage_error(vr->view, "more than 16 -e, at", optarg);
			s->select[s->model.nselect++] = optarg;
			break;
		default:
			return view_bad_option(vr->view, argv);
		}
	}
	return view_opts_end(vr->view, argc, argv);
}

/* --sort/--limit */
VIEW_ROW_HELD(probes_held_row, struct probes_view, struct probe_row, probes_json_row,
	      probes_text_row)

static void probes_begin(struct view_run *vr, struct report_out *out)
{
	struct probes_view *s = vr->state;
	enum row_sink sink;

	s->model.ctx = s;
	sink = view_rows_begin(vr, out, &s->out);
	s->model.emit = ROW_SINK_PICK(sink, probes_tally_row, probes_json_row, probes_text_row,
				      probes_held_row);
	if (sink == ROW_SINK_TALLY || out->format == FORMAT_JSON)
		return;
	view_time_head(s->clock, out->f);
	fprintf(out->f, "%-16s %-7s %-7s %-3s %s %s\n", "COMM", "PID", "TID", "CPU", "PROBE",
		"EVENT");
}

/* A headline each probe that fired: "PROBE  N events, R/s; top: comm (pid) N events...". */
static void probes_headline(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	struct probes_view *s = vr->state;
	double secs = trace_recording_seconds(out->tf->r);
	uint64_t total = 0, probes = 0;
	char name[1024];

	for (uint32_t i = 0; i < s->ncounts; i++) {
		total += s->counts[i].tally.rows;
		probes += s->counts[i].seen;
	}
	headline_begin(vr, out);
	if (out->format == FORMAT_JSON) {
		json_u64(&out->json, "events", total);
		json_array_begin(&out->json, "probes");
	} else {
		fprintf(out->f, "%" PRIu64 " events of %" PRIu64 " probe%s", total, probes,
			probes == 1 ? "" : "s");
	}
	for (uint32_t i = 0; i < s->ncounts; i++) {
		struct tally *t = &s->counts[i].tally;
		const char *pname = "?";
		uint32_t id, nf;

		if (!s->counts[i].seen)
			continue;
		ebr_reader_type_at(out->tf->r, i, &id, &pname, &nf);
		if (out->format == FORMAT_JSON) {
			json_object_begin(&out->json, NULL);
			json_str(&out->json, "probe", pname);
			json_u64(&out->json, "events", t->rows);
			json_double(&out->json, "per_s", secs > 0 ? (double)t->rows / secs : 0, 1);
		} else {
			fprintf(out->f, "\n  %s: %" PRIu64 " events, %.1f/s",
				text_safe(pname, name, sizeof(name)), t->rows,
				secs > 0 ? (double)t->rows / secs : 0.0);
		}
		headline_top(out, t, "top", "events", HEADLINE_NO_SUM);
		if (out->format == FORMAT_JSON)
			json_object_end(&out->json);
	}
	if (out->format == FORMAT_JSON)
		json_array_end(&out->json);
	headline_end(vr, out);
}

static void probes_release(struct view_run *vr)
{
	struct probes_view *s = vr->state;

	if (s) {
		probe_events_release(&s->model);
		tpevent_free(s->tp);
		ebr_free(s->text);
		ebr_free(s->safe);
		for (uint32_t i = 0; i < s->ncounts; i++)
			tally_release(&s->counts[i].tally);
		ebr_free(s->counts);
	}
	view_free_state(vr);
}

const struct view view_probes = {
	.name = "probes",
	.family = "probes",
	.kind = VIEW_LISTING,
	.html_args = "",
	.summary = "every event of the probes -e named (tracepoints, uprobes, USDT probes), "
		   "as ebrec script prints it",
	.usage = "-e PROBE (only probes this glob names; repeatable) " VIEW_CLOCK_USAGE
		 VIEW_ROWS_USAGE,
	.sort_keys = "time_s pid tid cpu comm probe text",
	.setup = probes_setup,
	.begin = probes_begin,
	.end = view_rows_finish,
	.release = probes_release,
	.headline = probes_headline,
};
