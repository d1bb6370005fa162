// SPDX-License-Identifier: GPL-2.0-only
/* The process family's views: execsnoop and exitsnoop in bcc's columns, and the process table. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "report/json_models.h"
#include "report/text.h"
#include "report/trace_file.h"
#include "report/view.h"
#include "format/mem.h"

/* ------------------------------------------------------------ execsnoop */

struct execsnoop_view {
	struct execsnoop model;
	struct report_out *out;
	const struct view_clock *clock;
	bool show_uid;  /* -U */
	struct tally tally; /* the summary's: execs per parent */
};

static int execsnoop_tally_row(void *ctx, const struct execsnoop_row *row)
{
	struct execsnoop_view *s = ctx;
	const struct proc_entry *parent = s->out->procs ? proctable_find(s->out->procs, row->ppid)
							: NULL;

	return tally_add(&s->tally, row->ppid, parent ? parent->comm : "?", 0, row->ret < 0);
}

static void execsnoop_headline(struct view_run *vr, struct report_out *out,
			       const struct losses *ls)
{
	headline_tally(vr, out, &((struct execsnoop_view *)vr->state)->tally, "execs",
		       "top parents");
}

static int execsnoop_text_row(void *ctx, const struct execsnoop_row *row)
{
	struct execsnoop_view *s = ctx;
	FILE *f = s->out->f;
	char comm[TEXT_COMM_SIZE], *args;
	size_t alen = TEXT_SAFE_SIZE(strlen(row->command));

	view_time(s->clock, s->out, f, row->ts_ns);
	if (s->show_uid)
		fprintf(f, "%-6u ", row->uid);
	args = ebr_malloc(alen);
	if (!args)
		return EBR_E_NOMEM;
	fprintf(f, "%-16s %-6u %-6u %3lld %s\n", text_safe(row->comm, comm, sizeof(comm)), row->pid,
		row->ppid, (long long)row->ret, text_safe(row->command, args, alen));
	ebr_free(args);
	return 0;
}

static int execsnoop_json_row(void *ctx, const struct execsnoop_row *row)
{
	struct execsnoop_view *s = ctx;
	struct json *j = &s->out->json;

	json_object_begin(j, NULL);
	json_double(j, "time_s",
		    trace_seconds(s->out->tf->r, row->ts_ns), 6);
	json_str(j, "comm", row->comm);
	json_u64(j, "pid", row->pid);
	json_u64(j, "ppid", row->ppid);
	json_u64(j, "uid", row->uid);
	json_s64(j, "ret", row->ret);
	json_str(j, "filename", row->filename);
	json_str(j, "args", row->args);
	json_object_end(j);
	return 0;
}

static int execsnoop_setup(struct view_run *vr, int argc, char **argv)
{
	struct execsnoop_view *s = ebr_calloc(1, sizeof(*s));
	int c;

	if (!s)
		return view_no_memory(vr->view);
	vr->state = s;
	vr->an = (struct analyzer){ execsnoop_on_event, &s->model, EXECSNOOP_TYPES };
	s->model.who = *vr->who;
	s->model.uid = -1;
	s->clock = &vr->clock;
	view_opts_begin(vr);
	while ((c = view_getopt(argc, argv, "Ttxn:u:U", NULL)) != -1) {
		switch (c) {
		case 't':
			break; /* bcc's: seconds from the start, every row view's time column */
		case 'x':
			s->model.failed_only = true;
			break;
		case 'n':
			s->model.name = optarg;
			break;
		case 'u':
			if (view_parse_id(optarg, &s->model.uid))
				return view_usage_error(vr->view, "-u needs a user id, not", optarg);
			break;
		case 'U':
			s->show_uid = true;
			break;
		default:
			return view_bad_option(vr->view, argv);
		}
	}
	return view_opts_end(vr->view, argc, argv);
}

/* --sort/--limit */
VIEW_ROW_HELD(execsnoop_held_row, struct execsnoop_view, struct execsnoop_row, execsnoop_json_row,
	      execsnoop_text_row)

static void execsnoop_begin(struct view_run *vr, struct report_out *out)
{
	struct execsnoop_view *s = vr->state;
	enum row_sink sink;

	s->model.ctx = s;
	sink = view_rows_begin(vr, out, &s->out);
	s->model.emit = ROW_SINK_PICK(sink, execsnoop_tally_row, execsnoop_json_row,
				      execsnoop_text_row, execsnoop_held_row);
	if (sink == ROW_SINK_TALLY || out->format == FORMAT_JSON)
		return;
	view_time_head(s->clock, out->f);
	if (s->show_uid)
		fprintf(out->f, "%-6s ", "UID");
	fprintf(out->f, "%-16s %-6s %-6s %3s %s\n", "PCOMM", "PID", "PPID", "RET", "ARGS");
}

/* Failed execs are seen at the system call's return, which the default leaves out. */
static bool failed_execs_recorded(struct view_run *vr)
{
	return trace_tracepoint_recorded(vr->out->tf->r, "proc", "syscalls:sys_exit_execve");
}

static void execsnoop_json_tail(struct view_run *vr, struct json *j)
{
	json_bool(j, "recorded_failed_execs", failed_execs_recorded(vr));
}

static void execsnoop_text_tail(struct view_run *vr, FILE *f)
{
	if (!failed_execs_recorded(vr))
		fprintf(f, "note: recorded without '-e proc': successful execs only (a failed "
			   "exec is seen at the system call's return, which the default does not "
			   "trace); record with '-e proc' to see them\n");
}

static void execsnoop_release(struct view_run *vr)
{
	struct execsnoop_view *s = vr->state;

	if (s) {
		execsnoop_release_model(&s->model);
		tally_release(&s->tally);
	}
	view_free_state(vr);
}

const struct view view_execsnoop = {
	.name = "execsnoop",
	.family = "proc",
	.kind = VIEW_LISTING,
	.html_args = "",
	.summary = "every exec, successful or failed, with its arguments",
	.usage = "-t (seconds from the start: the default) -x (failed only) -n NAME (command or an "
		 "argument contains NAME) -u UID -U (UID column) " VIEW_CLOCK_USAGE VIEW_ROWS_USAGE,
	.sort_keys = "time_s pid ppid uid ret comm args",
	.setup = execsnoop_setup,
	.begin = execsnoop_begin,
	.end = view_rows_finish,
	.release = execsnoop_release,
	.headline = execsnoop_headline,
	.json_tail = execsnoop_json_tail,
	.text_tail = execsnoop_text_tail,
};

/* ------------------------------------------------------------ exitsnoop */

struct exitsnoop_view {
	struct exitsnoop model;
	struct report_out *out;
	const struct view_clock *clock;
	uint64_t exits, failed, signaled; /* the summary's */
};

static int exitsnoop_count_row(void *ctx, const struct exitsnoop_row *row)
{
	struct exitsnoop_view *s = ctx;

	s->exits++;
	s->failed += row->code != 0;
	s->signaled += (row->code & 0x7f) != 0;
	return 0;
}

static void exitsnoop_headline(struct view_run *vr, struct report_out *out,
			       const struct losses *ls)
{
	struct exitsnoop_view *s = vr->state;

	headline_begin(vr, out);
	headline_count(out, "exits", s->exits, "%" PRIu64 " process exits");
	headline_count(out, "non_zero", s->failed, ", %" PRIu64 " not 0");
	headline_count(out, "killed_by_signal", s->signaled, " (%" PRIu64 " by a signal)");
	headline_end(vr, out);
}

static int exitsnoop_text_row(void *ctx, const struct exitsnoop_row *row)
{
	struct exitsnoop_view *s = ctx;
	char comm[TEXT_COMM_SIZE], code[64];

	view_time(s->clock, s->out, s->out->f, row->ts_ns);
	fprintf(s->out->f, "%-16s %-7u %-7u %-7u %-7.2f %s\n",
		text_safe(row->comm, comm, sizeof(comm)), row->pid, row->ppid, row->tid,
		(double)row->age_ns / 1e9, exit_code_text(row->code, code, sizeof(code)));
	return 0;
}

static int exitsnoop_json_row(void *ctx, const struct exitsnoop_row *row)
{
	struct exitsnoop_view *s = ctx;
	struct json *j = &s->out->json;

	json_object_begin(j, NULL);
	json_double(j, "time_s", trace_seconds(s->out->tf->r, row->ts_ns), 6);
	json_str(j, "comm", row->comm);
	json_u64(j, "pid", row->pid);
	json_u64(j, "ppid", row->ppid);
	json_u64(j, "tid", row->tid);
	view_json_args(s->out, row->pid);
	json_double(j, "age_s", (double)row->age_ns / 1e9, 6);
	json_u64(j, "status", row->code);
	if (row->code & 0x7f)
		json_u64(j, "signal", row->code & 0x7f);
	else
		json_u64(j, "exit_code", (row->code >> 8) & 0xff);
	json_object_end(j);
	return 0;
}

static int exitsnoop_setup(struct view_run *vr, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "failed", no_argument, NULL, 'x' },
		{ "per-thread", no_argument, NULL, 'P' },
		{ 0 },
	};
	struct exitsnoop_view *s = ebr_calloc(1, sizeof(*s));
	int c;

	if (!s)
		return view_no_memory(vr->view);
	vr->state = s;
	vr->an = (struct analyzer){ exitsnoop_on_event, &s->model, EXITSNOOP_TYPES };
	s->model.who = *vr->who;
	s->clock = &vr->clock;
	view_opts_begin(vr);
	while ((c = view_getopt(argc, argv, "xT", longopts)) != -1) {
		switch (c) {
		case 'x':
			s->model.failed_only = true;
			break;
		case 'P':
			s->model.per_thread = true;
			break;
		default:
			return view_bad_option(vr->view, argv);
		}
	}
	return view_opts_end(vr->view, argc, argv);
}

/* --sort/--limit */
VIEW_ROW_HELD(exitsnoop_held_row, struct exitsnoop_view, struct exitsnoop_row, exitsnoop_json_row,
	      exitsnoop_text_row)

static void exitsnoop_begin(struct view_run *vr, struct report_out *out)
{
	struct exitsnoop_view *s = vr->state;
	enum row_sink sink;

	s->model.ctx = s;
	s->model.procs = out->procs;
	sink = view_rows_begin(vr, out, &s->out);
	s->model.emit = ROW_SINK_PICK(sink, exitsnoop_count_row, exitsnoop_json_row,
				      exitsnoop_text_row, exitsnoop_held_row);
	if (sink == ROW_SINK_TALLY || out->format == FORMAT_JSON)
		return;
	view_time_head(s->clock, out->f);
	fprintf(out->f, "%-16s %-7s %-7s %-7s %-7s %s\n", "PCOMM", "PID", "PPID", "TID", "AGE(s)",
		"EXIT_CODE");
}

const struct view view_exitsnoop = {
	.name = "exitsnoop",
	.family = "proc",
	.kind = VIEW_LISTING,
	.html_args = "",
	.summary = "every process exit with its age and exit code or signal",
	.usage = "-x (non-zero exits only) --per-thread (every thread) " VIEW_CLOCK_USAGE
		 VIEW_ROWS_USAGE,
	.sort_keys = "age_s time_s pid ppid status exit_code signal comm",
	.setup = exitsnoop_setup,
	.begin = exitsnoop_begin,
	.end = view_rows_finish,
	.release = view_free_state,
	.headline = exitsnoop_headline,
};

/* ------------------------------------------------------------ processes */

struct processes_view {
	bool only_new; /* --new: started, exec'd or exited during the recording */
};

static int processes_setup(struct view_run *vr, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "new", no_argument, NULL, 'N' },
		{ 0 },
	};
	struct processes_view *s = ebr_calloc(1, sizeof(*s));
	int c;

	if (!s)
		return view_no_memory(vr->view);
	vr->state = s;
	/* the process table is built for every view */
	vr->an = (struct analyzer){ NULL, NULL, ANALYZER_EVERY_TYPE };
	view_opts_begin(vr);
	while ((c = view_getopt(argc, argv, "", longopts)) != -1) {
		if (c != 'N')
			return view_bad_option(vr->view, argv);
		s->only_new = true;
	}
	return view_opts_end(vr->view, argc, argv);
}

static void processes_end(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	const struct processes_view *s = vr->state;
	const struct proctable *t = out->procs;
	uint64_t start = trace_start_ns(out->tf->r);
	size_t cap = 1 << 16;
	char *args = ebr_malloc(cap), *safe = ebr_malloc(cap * 4), comm[TEXT_COMM_SIZE], code[64];
	struct report_out *rows;
	uint64_t shown = 0;

	if (!args || !safe) {
		fprintf(stderr, "ebrec report: %s\n", trace_file_nomem());
		goto cleanup;
	}
	if (view_rows_begin(vr, out, &rows) != ROW_SINK_TALLY && out->format != FORMAT_JSON)
		fprintf(out->f, "%-7s %-7s %-6s %9s %9s %-16s %-16s %s\n", "PID", "PPID", "UID",
			"START(s)", "END(s)", "EXIT", "COMM", "ARGS");
	for (uint32_t i = 0; i < t->len; i++) {
		const struct proc_entry *e = &t->entries[i];
		const struct proc_cgroup *cg = proctable_cgroup(t, e);
		double st = e->known_start ? ((double)e->start_ns - (double)start) / 1e9 : 0;
		double en = e->exited ? ((double)e->exit_ns - (double)start) / 1e9 : 0;

		if ((s->only_new && e->in_snapshot && !e->exited && !e->execed) ||
		    !proc_filter_match(vr->who, e->pid, e->comm))
			continue;
		proc_args_join(e->args ? e->args : "", e->args_len, e->args_cut, args, cap);
		shown++;
		view_row_begin(rows);
		if (view_row_json(rows)) {
			struct json *j = &rows->json;

			json_object_begin(j, NULL);
			json_u64(j, "pid", e->pid);
			json_u64(j, "ppid", e->ppid);
			json_u64(j, "uid", e->uid);
			json_str(j, "comm", e->comm);
			json_str(j, "args", args);
			if (e->title)
				json_str(j, "title", e->title);
			json_str(j, "cwd", e->cwd);
			json_bool(j, "in_snapshot", e->in_snapshot);
			json_str(j, "cgroup", cg ? cg->path : "");
			json_str(j, "container", cg ? cg->container : "");
			if (e->known_start)
				json_double(j, "start_s", st, 6);
			if (e->exited) {
				json_double(j, "end_s", en, 6);
				json_u64(j, "status", e->exit_code);
			}
			json_object_end(j);
		}
		if (view_row_text(rows)) {
			fprintf(rows->f, "%-7u %-7u %-6u ", e->pid, e->ppid, e->uid);
			if (e->known_start)
				fprintf(rows->f, "%9.3f ", st);
			else
				fprintf(rows->f, "%9s ", "-");
			if (e->exited)
				fprintf(rows->f, "%9.3f %-16s ", en,
					exit_code_text(e->exit_code, code, sizeof(code)));
			else
				fprintf(rows->f, "%9s %-16s ", "-", "-");
			fprintf(rows->f, "%-16s %s", text_safe(e->comm, comm, sizeof(comm)),
				text_safe(args, safe, cap * 4));
			/* the title it set after exec (setproctitle), as the other views show it */
			if (e->title)
				fprintf(rows->f, " [%s]", text_safe(e->title, safe, cap * 4));
			fputc('\n', rows->f);
		}
		if (view_row_end(rows)) {
			fprintf(stderr, "ebrec report: processes: out of memory: the table is "
					"cut\n");
			out->failed = true;
			break;
		}
	}
	/* after the rows, held or not */
	if (out->format == FORMAT_TEXT && !shown)
		fprintf(rows->f, "no processes in this trace (record with -e proc)\n");
	if (t->dropped && out->format == FORMAT_TEXT)
		fprintf(rows->f, "%llu processes or descriptors not kept: the table reached its "
				"limit\n", (unsigned long long)t->dropped);
	view_rows_finish(vr, out, ls);
cleanup:
	ebr_free(args);
	ebr_free(safe);
}

static void processes_headline(struct view_run *vr, struct report_out *out,
			       const struct losses *ls)
{
	const struct proctable *t = out->procs;
	uint64_t all = 0, started = 0, exited = 0;

	for (uint32_t i = 0; i < t->len; i++) {
		if (!proc_filter_match(vr->who, t->entries[i].pid, t->entries[i].comm))
			continue;
		all++;
		started += !t->entries[i].in_snapshot;
		exited += t->entries[i].exited;
	}
	headline_begin(vr, out);
	headline_count(out, "processes", all, "%" PRIu64 " processes");
	headline_count(out, "started", started, ", %" PRIu64 " started");
	headline_count(out, "exited", exited, " and %" PRIu64 " exited during the recording");
	headline_end(vr, out);
}

const struct view view_processes = {
	.name = "processes",
	.family = "proc",
	.kind = VIEW_TABLE,
	.paths = true, /* its JSON's cwd */
	.summary = "the process table: every process of the trace, alive at the start or started "
		   "during it, with its arguments and exit",
	.usage = "--new (only processes that started, exec'd or exited during the recording)"
		 VIEW_ROWS_USAGE,
	.sort_keys = "start_s end_s pid ppid uid status comm args",
	.setup = processes_setup,
	.end = processes_end,
	.release = view_free_state,
	.headline = processes_headline,
};
