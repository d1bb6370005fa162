// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec script FILE`: every event of the generic probes (record -e tracepoint:..., uprobe:...,
 * usdt:...), one per line, as `perf script` and `trace-cmd report` print them: a tracepoint's
 * with its own print format (analyze/tpevent.c), the others with their fields; or JSON Lines.
 */
#include <stdlib.h>
#include <string.h>
#include "analyze/losses.h"
#include "analyze/pass.h"
#include "analyze/proc.h"
#include "analyze/probes.h"
#include "analyze/symtab.h"
#include "analyze/timewindow.h"
#include "analyze/tpevent.h"
#include "report/commands.h"
#include "report/json.h"
#include "report/json_models.h"
#include "report/probe_text.h"
#include "report/scope_opt.h"
#include "report/text.h"
#include "report/trace_file.h"
#include "report/view.h"

#define SCRIPT_MAX_SELECT 64 /* -e PROBE options */
#define INFO_SAFE TEXT_SAFE_SIZE(PROBE_TEXT_MAX)

/* Columns of a text line (-F), in the order they are printed. */
enum {
	COL_COMM = 1,
	COL_TID = 2,
	COL_PID = 4,
	COL_CPU = 8,
	COL_TIME = 16,
	COL_EVENT = 32,
	COL_TRACE = 64,
};

static const struct {
	const char *name;
	unsigned bit;
} columns[] = {
	{ "comm", COL_COMM }, { "tid", COL_TID },     { "pid", COL_PID },     { "cpu", COL_CPU },
	{ "time", COL_TIME }, { "event", COL_EVENT }, { "trace", COL_TRACE },
};

struct script {
	const struct ebr_reader *r;
	bool json, wall;
	unsigned cols;
	const char *select[SCRIPT_MAX_SELECT];
	struct probe_events events;
	struct losses *losses;
	struct tpevent *tp;
	char *info, *safe; /* an event's text, and as text_safe() made it */
	struct symtab syms; /* the frames' names, when the probes captured stacks */
	bool named;         /* syms was read (a file: not a pipe, read twice) */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ebrec script FILE [-e PROBE]... [-p PID] [--comm NAME] [--since WHEN]\n"
		"                    [--until WHEN] [--cgroup PATH] [--container ID]\n"
		"                    [-F COLUMNS] [-T] [--format text|json]\n"
		"\n"
		"Every event of the trace's probes (record -e tracepoint:..., uprobe:...,\n"
		"usdt:...), one per line, as trace-cmd report and perf script print them:\n"
		"comm-tid, [cpu], time (seconds from the start), the probe, and its fields by\n"
		"the tracepoint's own print format where it has one. Losses are said at the end,\n"
		"on stderr.\n"
		"\n"
		"  -e PROBE          only this probe (a glob over the names 'ebrec info' lists:\n"
		"                    tracepoint:sched:*, uprobe:*:readline); repeatable\n"
		"  -p PID            only events of this process\n"
		"  --comm NAME       only events of threads named NAME\n"
		"  --since WHEN      only events from WHEN: seconds from the start (12.5), HH:MM:SS\n"
		"                    or 'YYYY-MM-DD HH:MM:SS' (UTC)\n"
		"  --until WHEN      only events up to WHEN\n"
		"  --cgroup PATH     only events of processes of this cgroup v2 or below it\n"
		"  --container ID    only events of processes of containers whose id starts with ID\n"
		"  -F COLUMNS        text columns, comma separated: comm, tid, pid, cpu, time,\n"
		"                    event, trace (default comm,tid,cpu,time,event,trace)\n"
		"  -T                time as wall clock (UTC), not seconds from the start\n"
		"  --format FORMAT   text (default), or json: one JSON object per line\n"
		"\n"
		"examples:\n"
		"  ebrec script sig.ebr\n"
		"  ebrec script sig.ebr -e 'tracepoint:signal:*' -p 4242 --since 10\n"
		"  ebrec script app.ebr --format json | jq -r .fields.retval_str\n");
}

static int usage_error(const char *what, const char *arg)
{
	char safe[256];

	fprintf(stderr, "ebrec script: %s '%s' (see 'ebrec script --help')\n", what,
		text_safe(arg, safe, sizeof(safe)));
	return 2;
}

static int parse_columns(const char *list, unsigned *cols)
{
	char buf[256], *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);
	*cols = 0;
	for (char *c = strtok_r(buf, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		unsigned bit = 0;

		for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
			if (!strcmp(c, columns[i].name))
				bit = columns[i].bit;
		if (!bit)
			return -1;
		*cols |= bit;
	}
	return *cols ? 0 : -1;
}

struct script_args {
	const char *file;
	struct window_end since, until;
	struct scope_opt where; /* --cgroup, --container */
};

static int parse_args(struct script *s, struct script_args *a, int argc, char **argv)
{
	s->cols = COL_COMM | COL_TID | COL_CPU | COL_TIME | COL_EVENT | COL_TRACE;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = !strcmp(arg, "-e") || !strcmp(arg, "-p") || !strcmp(arg, "--comm") ||
			     !strcmp(arg, "--since") || !strcmp(arg, "--until") ||
			     !strcmp(arg, "-F") || !strcmp(arg, "--format") || scope_opt_takes(arg);
		int64_t pid;

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			return 0;
		}
		if (takes && !val)
			return usage_error("this option needs a value:", arg);
		if (takes)
			i++;
		if (!strcmp(arg, "-T")) {
			s->wall = true;
		} else if (!strcmp(arg, "-e")) {
			if (s->events.nselect == SCRIPT_MAX_SELECT)
				return usage_error("too many -e, at", val);
			s->select[s->events.nselect++] = val;
		} else if (!strcmp(arg, "-p")) {
			if (view_parse_id(val, &pid))
				return usage_error("-p takes a process id, not", val);
			s->events.who.by_pid = true;
			s->events.who.pid = (uint32_t)pid;
		} else if (!strcmp(arg, "--comm")) {
			s->events.who.comm = val;
		} else if (scope_opt_takes(arg)) {
			if (scope_opt_parse(&a->where, "script", arg, val))
				return 2;
		} else if (!strcmp(arg, "--since") || !strcmp(arg, "--until")) {
			if (window_end_parse(val, !strcmp(arg, "--since") ? &a->since : &a->until))
				return usage_error("--since and --until take seconds from the "
						   "start, HH:MM:SS or 'YYYY-MM-DD HH:MM:SS', not",
						   val);
		} else if (!strcmp(arg, "-F")) {
			if (parse_columns(val, &s->cols))
				return usage_error("-F takes columns of comm, tid, pid, cpu, time, "
						   "event, trace, not", val);
		} else if (!strcmp(arg, "--format")) {
			if (strcmp(val, "text") && strcmp(val, "json"))
				return usage_error("--format is text or json, not", val);
			s->json = !strcmp(val, "json");
		} else if (!a->file && !(arg[0] == '-' && arg[1])) {
			a->file = arg;
		} else {
			return usage_error("unknown option", arg);
		}
	}
	if (!a->file) {
		usage(stderr);
		return 2;
	}
	return -1;
}

/* ------------------------------------------------------------ one event */

static const char *time_text(const struct script *s, uint64_t ts, char *buf, size_t len)
{
	char hms[32];

	if (s->wall) {
		const char *real = ebr_reader_meta(s->r, "clock.start.realtime_ns");
		uint64_t start = trace_start_ns(s->r);
		/* probes attached before the clock pair was read fire a little before it */
		uint64_t ns = real && start ? strtoull(real, NULL, 10) + ts - start : 0;

		text_hms(s->r, ts, 0, hms, sizeof(hms)); /* -T: UTC, as report's -T */
		snprintf(buf, len, "%s.%06llu", hms,
			 (unsigned long long)(ns % 1000000000ull / 1000));
		return buf;
	}
	ts = ts > trace_start_ns(s->r) ? ts - trace_start_ns(s->r) : 0;
	snprintf(buf, len, "%6llu.%06llu", (unsigned long long)(ts / 1000000000ull),
		 (unsigned long long)(ts % 1000000000ull / 1000));
	return buf;
}

/* The stacks of an event, a frame a line below it, named as perf script names them. */
static void print_stacks(const struct script *s, const struct probe_row *row)
{
	char name[1024];

	for (uint32_t f = 0; f < row->ev->nraw; f++) {
		const struct ebr_value *v = &row->ev->raw[f];
		const char *fname = "?";
		enum ebr_kind kind = 0;
		bool kernel;

		ebr_reader_type_field(s->r, row->ti, f, &fname, &kind);
		if (kind != EBR_KIND_STACK)
			continue;
		kernel = !strcmp(fname, "kstack");
		for (uint32_t i = 0; i < v->len; i++) {
			struct frame_names names;

			if (!s->named) {
				printf("\t%16llx\n", (unsigned long long)v->frames[i]);
				continue;
			}
			symtab_name_frame(&s->syms, kernel, row->pid, v->frames[i], i, &names);
			for (int k = 0; k < names.n; k++)
				printf("\t%16llx %s%s\n", (unsigned long long)v->frames[i],
				       text_safe(names.name[k], name, sizeof(name)),
				       kernel ? " ([kernel.kallsyms])" : "");
		}
	}
}

/* trace-cmd report's line: "            comm-tid   [cpu] time: name:   info". */
static int print_text(struct script *s, const struct probe_row *row)
{
	char comm[TEXT_COMM_SIZE], name[512], when[64];
	int err;

	if (s->cols & COL_COMM)
		printf("%16s", row->tid ? text_safe(row->comm, comm, sizeof(comm)) : "<idle>");
	if (s->cols & COL_TID)
		printf("%s%-5llu", s->cols & COL_COMM ? "-" : "", (unsigned long long)row->tid);
	if (s->cols & COL_PID)
		printf(" %-7llu", (unsigned long long)row->pid);
	if (s->cols & COL_CPU)
		printf(" [%03u]", row->ev->cpu);
	if (s->cols & COL_TIME)
		printf(" %s:", time_text(s, row->ev->ts, when, sizeof(when)));
	if (s->cols & COL_EVENT) {
		size_t n = strlen(text_safe(row->type->short_name, name, sizeof(name)));

		printf(" %s: %.*s", name, n < 20 ? (int)(20 - n) : 0, "                    ");
	}
	if (s->cols & COL_TRACE) {
		err = probe_text(s->tp, s->r, row, s->info, PROBE_TEXT_MAX);
		if (err)
			return err;
		fputs(text_safe(s->info, s->safe, INFO_SAFE), stdout);
	}
	putchar('\n');
	print_stacks(s, row);
	return 0;
}

static int print_json(struct script *s, const struct probe_row *row)
{
	const struct ebr_event *ev = row->ev;
	struct json j;
	int printed;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_double(&j, "time", trace_seconds(s->r, ev->ts), 9);
	json_u64(&j, "ts", ev->ts);
	json_strn(&j, "comm", row->comm, row->comm_len);
	json_u64(&j, "pid", row->pid);
	json_u64(&j, "tid", row->tid);
	json_u64(&j, "cpu", ev->cpu);
	json_str(&j, "event", row->type->name);
	json_event_fields(&j, s->r, row->ti, ev, "common_");
	printed = probe_format_text(s->tp, s->r, row, s->info, PROBE_TEXT_MAX);
	if (printed < 0)
		return printed;
	if (printed)
		json_str(&j, "text", s->info);
	json_object_end(&j);
	json_finish(&j);
	return 0;
}

static int script_row(void *ctx, const struct probe_row *row)
{
	struct script *s = ctx;

	return s->json ? print_json(s, row) : print_text(s, row);
}

/* The losses of the probes shown, on stderr: a line each probe that lost events. */
static void say_losses(const struct script *s)
{
	for (uint32_t i = 0; i < s->losses->nprobes; i++) {
		struct probe_losses l;

		if (!probe_losses_total(&s->losses->probes[i]) ||
		    !probe_name_generic(s->losses->probes[i].name) ||
		    !probe_events_selects(&s->events, s->losses->probes[i].name))
			continue;
		losses_of_probe(s->losses, i, &l);
		fputs("ebrec script: ", stderr);
		text_losses(stderr, s->r, &l);
	}
}

/* Whether a generic probe's type of the trace has a stack: its frames want names. */
static bool probes_have_stacks(const struct ebr_reader *r)
{
	for (uint32_t i = 0; i < ebr_reader_type_count(r); i++) {
		const char *tname, *fname;
		enum ebr_kind kind;
		uint32_t id, nf;

		ebr_reader_type_at(r, i, &id, &tname, &nf);
		for (uint32_t f = 0; probe_name_generic(tname) && f < nf; f++)
			if (!ebr_reader_type_field(r, i, f, &fname, &kind) && kind == EBR_KIND_STACK)
				return true;
	}
	return false;
}

/*
 * The symbols the stacks need, which the recorder wrote at the end of the trace: a pass of
 * their own over the file first (a pipe cannot be read twice: its frames stay addresses).
 * 0, or an EBR_E_* code having said what failed.
 */
static int read_symbols(struct script *s, const struct trace_file *tf, const char *path)
{
	const struct ebr_event *ev;
	struct trace_file again;
	int ret;

	if (!tf->src.pread || !probes_have_stacks(tf->r) || s->json)
		return 0;
	if (trace_file_open(&again, "script", path))
		return EBR_E_IO;
	ebr_reader_want_types(again.r, SYMTAB_TYPES); /* the others are not decoded */
	while ((ret = ebr_reader_next(again.r, &ev)) > 0)
		if ((ret = symtab_on_event(&s->syms, ev)) < 0)
			break;
	trace_file_close(&again);
	if (ret < 0) {
		fprintf(stderr, "ebrec script: reading %s failed: %s\n", path,
			ret == EBR_E_NOMEM ? "out of memory" : ebr_strerror(ret));
		return ret;
	}
	symtab_sort(&s->syms);
	s->named = true;
	return 0;
}

int cmd_script(int argc, char **argv)
{
	struct script s = { 0 };
	struct script_args a = { 0 };
	struct trace_file tf;
	struct analyzer an[2] = { { probe_events_on_event, &s.events,
					    PROBE_EVENTS_TYPES } };
	struct time_window window = { .next = an, .nnext = 2 };
	struct proctable procs = { 0 };
	/* the process table (--cgroup, --container) sees every event, the rest the window's */
	struct analyzer chain[] = { { proctable_on_event, &procs, proctable_types(&procs) },
				    { time_window_on_event, &window,
					      ANALYZER_EVERY_TYPE } };
	int status = parse_args(&s, &a, argc, argv), err;

	if (status >= 0)
		return status;
	status = 1;
	window.since = a.since;
	window.until = a.until;
	a.where.scope.procs = &procs;
	s.events.who.scope = &a.where.scope;
	if (trace_file_open(&tf, "script", a.file))
		return 1;
	s.r = tf.r;
	s.events.select = s.select;
	s.events.emit = script_row;
	s.events.ctx = &s;
	s.info = malloc(PROBE_TEXT_MAX);
	s.safe = malloc(INFO_SAFE);
	s.losses = calloc(1, sizeof(*s.losses));
	an[1] = (struct analyzer){ losses_on_event, s.losses, LOSSES_TYPES };
	if (!s.info || !s.safe || !s.losses || tpevent_new(&s.tp)) {
		fprintf(stderr, "ebrec script: out of memory\n");
		goto cleanup;
	}
	if (read_symbols(&s, &tf, a.file))
		goto cleanup;
	/* the process table only when a cut needs it */
	if (a.where.scope.cgroup || a.where.scope.container)
		err = analyze_pass(tf.r, chain, 2);
	else
		err = analyze_pass(tf.r, &chain[1], 1);
	if (err) {
		fprintf(stderr, "ebrec script: reading %s failed: %s\n", a.file,
			err == EBR_E_NOMEM ? "out of memory" : ebr_strerror(err));
		goto cleanup;
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "ebrec script: writing failed: %m\n");
		goto cleanup;
	}
	say_losses(&s);
	status = trace_file_warn(&tf, "script") ? 1 : 0;
cleanup:
	tpevent_free(s.tp);
	free(s.info);
	free(s.safe);
	free(s.losses);
	probe_events_release(&s.events);
	symtab_release(&s.syms);
	proctable_release(&procs);
	trace_file_close(&tf);
	return status;
}
