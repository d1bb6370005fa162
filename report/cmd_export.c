// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec export FILE --format FORMAT -o OUT`: the trace in another tool's format
 * (report/export.h), one report/export_<format>.c each, listed here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "format/array_size.h"
#include "report/commands.h"
#include "report/export.h"
#include "report/output_cap.h"
#include "report/text.h"
#include "report/trace_check.h"
#include "report/view.h"

static const struct exporter *const exporters[] = {
	&export_perfetto, &export_pprof, &export_speedscope, &export_jsonl,
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ebrec export FILE --format FORMAT -o OUT [OPTIONS]\n"
		   "\nWrites a trace in the format of another tool: a timeline for the Perfetto UI,\n"
		   "profiles for pprof, Pyroscope, Grafana or speedscope, JSON Lines for DuckDB,\n"
		   "Spark, Trino or ClickHouse. No root, any machine.\n"
		   "\nformats:\n");
	for (size_t i = 0; i < ARRAY_SIZE(exporters); i++)
		fprintf(f, "  %-12s %s\n", exporters[i]->name, exporters[i]->summary);
	fprintf(f, "\noptions:\n"
		   "  --format FORMAT    one of the formats above\n"
		   "  -o OUT             the file written (jsonl: a directory, made if missing)\n"
		   "  -p PID             only what belongs to this process (as report -p)\n"
		   "  --comm NAME        only what belongs to processes named NAME\n"
		   "  --cgroup PATH      only what belongs to processes of this cgroup v2 or below\n"
		   "  --container ID     only what belongs to processes of containers whose id\n"
		   "                     starts with ID\n"
		   "  --since WHEN       only events from WHEN: seconds from the start (12.5),\n"
		   "                     HH:MM:SS or 'YYYY-MM-DD HH:MM:SS' (UTC)\n"
		   "  --until WHEN       only events up to WHEN\n"
		   "  --profile KIND     pprof, speedscope: profile (CPU samples; the default when\n"
		   "                     recorded) or offcputime (time blocked)\n"
		   "  --merged           speedscope: one profile of every process (default: one a\n"
		   "                     process)\n"
		   "\n'man ebrec-export' and docs/EXPORT.md describe each format.\n"
		   "\nexamples:\n"
		   "  ebrec export all.ebr --format perfetto -o all.perfetto-trace\n"
		   "  ebrec export cpu.ebr --format pprof -o cpu.pb.gz\n"
		   "  ebrec export cpu.ebr --format speedscope -p 4242 -o cpu.speedscope.json\n"
		   "  ebrec export all.ebr --format jsonl --since 60 --until 120 -o exports/host1\n");
}

static int parse_args(struct export_job *job, const struct exporter **fmt, int argc, char **argv)
{
	memset(job, 0, sizeof(*job));
	*fmt = NULL;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = NULL;

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			return 1;
		}
		if (!strcmp(arg, "--merged")) {
			job->merged = true;
			continue;
		}
		if (!strcmp(arg, "--format") || !strcmp(arg, "-o") || !strcmp(arg, "-p") ||
		    !strcmp(arg, "--comm") || !strcmp(arg, "--since") || !strcmp(arg, "--until") ||
		    !strcmp(arg, "--profile") || scope_opt_takes(arg)) {
			if (i + 1 >= argc) {
				fprintf(stderr, "ebrec export: %s needs a value\n", arg);
				return 2;
			}
			val = argv[++i];
		} else if (arg[0] == '-' && arg[1]) {
			fprintf(stderr, "ebrec export: unknown option '%s' (see 'ebrec export --help')\n",
				arg);
			return 2;
		} else if (!job->file) {
			job->file = arg;
			continue;
		} else {
			fprintf(stderr, "ebrec export: one trace at a time: '%s' is one too many\n", arg);
			return 2;
		}
		if (!strcmp(arg, "--format")) {
			for (size_t f = 0; f < ARRAY_SIZE(exporters); f++)
				if (!strcmp(val, exporters[f]->name))
					*fmt = exporters[f];
			if (!*fmt) {
				fprintf(stderr, "ebrec export: unknown format (perfetto, pprof, speedscope "
						"or jsonl)\n");
				return 2;
			}
		} else if (!strcmp(arg, "-o")) {
			job->out = val;
		} else if (!strcmp(arg, "-p")) {
			int64_t pid;

			if (view_parse_id(val, &pid)) {
				fprintf(stderr, "ebrec export: -p takes a process id\n");
				return 2;
			}
			job->who.by_pid = true;
			job->who.pid = (uint32_t)pid;
		} else if (!strcmp(arg, "--comm")) {
			job->who.comm = val;
		} else if (scope_opt_takes(arg)) {
			if (scope_opt_parse(&job->where, "export", arg, val))
				return 2;
		} else if (!strcmp(arg, "--profile")) {
			job->profile_set = true;
			if (!strcmp(val, "profile")) {
				job->profile = STACKPROF_CPU;
			} else if (!strcmp(val, "offcputime")) {
				job->profile = STACKPROF_OFFCPU;
			} else {
				fprintf(stderr, "ebrec export: --profile is profile or offcputime\n");
				return 2;
			}
		} else if (window_end_parse(val, !strcmp(arg, "--since") ? &job->since : &job->until)) {
			fprintf(stderr, "ebrec export: %s takes seconds from the start (12.5), HH:MM:SS "
					"or 'YYYY-MM-DD HH:MM:SS' (UTC)\n", arg);
			return 2;
		}
	}
	job->who.scope = &job->where.scope;
	if (!job->file || !*fmt || !job->out) {
		fprintf(stderr, "ebrec export: give a trace, --format FORMAT and -o OUT (see "
				"'ebrec export --help')\n");
		return 2;
	}
	if (!strcmp(job->file, "-")) {
		/* the exports with stacks read the trace twice: symbols come at its end */
		fprintf(stderr, "ebrec export: reads a trace file, not stdin (it may read it twice)\n");
		return 2;
	}
	return 0;
}

/*
 * Before the pass, as report does: a profile export of a trace that did not record the
 * profile's family, or a window that selects nothing, fails instead of writing an empty file.
 */
static int check_trace(struct export_job *job, const struct exporter *fmt)
{
	struct trace_peek peek = { 0 };
	int status;

	if (trace_file_peek(job->file, &peek)) {
		fprintf(stderr, "ebrec export: %s\n", trace_file_nomem());
		trace_peek_release(&peek);
		return 1;
	}
	/* profile when the trace has CPU samples, else offcputime */
	if (!job->profile_set && peek.known && !trace_family_recorded(peek.tf.r, "profile") &&
	    trace_family_recorded(peek.tf.r, "offcpu"))
		job->profile = STACKPROF_OFFCPU;
	status = !fmt->stacks ? 0
		 : job->profile == STACKPROF_CPU
			 ? trace_check_family("export", "profile", "profile", &peek)
			 : trace_check_family("export", "offcputime", "offcpu", &peek);
	if (!status)
		status = trace_check_window("export", &job->since, &job->until, &peek);
	trace_peek_release(&peek);
	return status;
}

int cmd_export(int argc, char **argv)
{
	const struct exporter *fmt;
	struct export_job job;
	int status = parse_args(&job, &fmt, argc, argv);

	if (status)
		return status == 1 ? 0 : status;
	if (strcmp(fmt->name, "jsonl") && (status = output_is_input("export", job.out, job.file)))
		return status;
	if ((status = check_trace(&job, fmt)))
		return status;
	return fmt->run(&job);
}

void export_profile_opts(const struct export_job *job, struct stackprof_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = job->profile;
	o->tid = -1;
	o->who = job->who;
}

bool export_wants(const struct export_job *job, uint64_t pid, const char *comm)
{
	const struct proc_entry *e;

	if (!proc_filter_active(&job->who))
		return true;
	if (proc_filter_match(&job->who, pid, comm ? comm : ""))
		return true;
	/* a thread's own name may differ from its process's: --comm names either */
	e = job->procs && job->who.comm && !job->who.by_pid ?
		    proctable_find(job->procs, (uint32_t)pid) : NULL;
	return e && proc_filter_match(&job->who, pid, e->comm);
}

int export_pass(struct export_job *job, const struct analyzer *an, size_t n,
		int (*before)(void *ctx, struct export_job *job),
		int (*after)(void *ctx, struct export_job *job), void *ctx)
{
	struct proctable procs = { 0 };
	struct time_window window = { .since = job->since, .until = job->until, .next = an,
				      .nnext = n };
	struct analyzer chain[] = {
		{ proctable_on_event, &procs, proctable_types(&procs) },
		{ time_window_on_event, &window, ANALYZER_EVERY_TYPE },
	};
	int err, status = 1;

	job->tf = (struct trace_file){ .fd = -1 };
	if (trace_file_open(&job->tf, "export", job->file))
		return 1;
	job->procs = &procs;
	job->where.scope.procs = &procs;
	if (before && before(ctx, job))
		goto cleanup;
	err = analyze_pass(job->tf.r, chain, ARRAY_SIZE(chain));
	if (err) {
		fprintf(stderr, "ebrec export: reading %s failed: %s\n", job->file,
			err == EBR_E_NOMEM ? "out of memory" : ebr_strerror(err));
		goto cleanup;
	}
	if (window.unanchored)
		fprintf(stderr, "ebrec export: warning: this trace has no wall clock: a --since/"
				"--until time of day was ignored\n");
	if (after && after(ctx, job))
		goto cleanup;
	status = job->quiet ? 0 : trace_file_warn(&job->tf, "export");
cleanup:
	proctable_release(&procs);
	job->procs = NULL;
	job->where.scope.procs = NULL;
	trace_file_close(&job->tf);
	return status;
}

static int symbols_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	int ret = symtab_on_event(self, ev);

	(void)r;
	return ret < 0 ? ret : 0;
}

int export_symbols(struct export_job *job, struct symtab *syms)
{
	struct trace_peek peek = { 0 };
	bool stacks = true;
	struct analyzer an = { symbols_on_event, syms, SYMTAB_TYPES };
	int err;

	/* a trace of no stack family has no symbol to collect: one pass is enough */
	if (trace_file_peek(job->file, &peek) == 0 && peek.known)
		stacks = trace_family_recorded(peek.tf.r, "profile") ||
			 trace_family_recorded(peek.tf.r, "offcpu");
	trace_peek_release(&peek);
	if (!stacks)
		return 0;
	/* the second pass says what the reader stepped over: once is enough */
	job->quiet = true;
	err = export_pass(job, &an, 1, NULL, NULL, NULL);
	job->quiet = false;
	if (err)
		return 1;
	err = symtab_sort(syms);
	return err ? export_fail("symbols", err) : 0;
}

FILE *export_create(const char *path)
{
	FILE *f = output_cap_stream(fopen(path, "we"), "export");

	if (!f)
		fprintf(stderr, "ebrec export: cannot create %s: %s\n", path, strerror(errno));
	return f;
}

int export_close(FILE *f, const char *path)
{
	int bad = fflush(f) != 0 || ferror(f);

	if (fclose(f) != 0)
		bad = 1;
	if (bad)
		fprintf(stderr, "ebrec export: writing %s failed: %s\n", path, strerror(errno));
	return bad;
}

int export_fail(const char *format, int err)
{
	fprintf(stderr, "ebrec export: %s: %s\n", format,
		err == EBR_E_NOMEM ? "out of memory" : ebr_strerror(err));
	return 1;
}

uint64_t export_realtime_ns(const struct ebr_reader *r, uint64_t mono_ns)
{
	const char *real = ebr_reader_meta(r, "clock.start.realtime_ns");
	uint64_t start = trace_start_ns(r);

	if (!real || !start)
		return 0;
	return strtoull(real, NULL, 10) + (mono_ns - start);
}
