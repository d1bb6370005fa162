// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: any bytes as a trace file, through everything that reads traces: the
 * footer and index, the block scan, event decoding and every analyzer (block, the process
 * table, proc, file, tcp, sched, and the stack profiles with their symbols and flame-graph
 * tree), then `ebrec report` with one of its views, `ebrec info` and `ebrec script`. And the
 * same bytes as a tracepoint's format file and an event of it (through_format): what a hostile
 * trace can give libtraceevent to parse and print. A hostile trace must get a clear error,
 * never a crash, a leak or undefined behaviour (built with ASan+UBSan).
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "analyze/block.h"
#include "analyze/file.h"
#include "analyze/proc.h"
#include "analyze/sched.h"
#include "analyze/stackprof.h"
#include "analyze/stacktree.h"
#include "analyze/tcp.h"
#include "analyze/losses.h"
#include "analyze/tpevent.h"
#include "analyze/pass.h"
#include "format/array_size.h"
#include "format/ebr.h"
#include "report/commands.h"
#include "report/view.h"

static int ignore_row(void *ctx, const struct biosnoop_row *row)
{
	(void)ctx;
	return row->comm[0] == 1; /* read the borrowed string */
}

static int ignore_exec(void *ctx, const struct execsnoop_row *row)
{
	(void)ctx;
	return row->args[0] == 1 && row->comm[0] == 1;
}

static int ignore_exit(void *ctx, const struct exitsnoop_row *row)
{
	(void)ctx;
	return row->comm[0] == 1;
}

static int ignore_open(void *ctx, const struct opensnoop_row *row)
{
	(void)ctx;
	return row->abspath[0] == 1 && row->args[0] == 1 && row->comm[0] == 1;
}

static int ignore_tcp(void *ctx, const struct tcp_event *e)
{
	(void)strlen(tcp_state_name(e->state));
	return 0;
}

static int ignore_slow(void *ctx, const struct fsslower_row *row)
{
	(void)ctx;
	return row->name[0] == 1 && row->comm[0] == 1 && row->fstype[0] == 1;
}

/* A reader over the input, or NULL when the input is refused at open (also fine). */
static struct ebr_reader *open_input(struct ebr_mem_source *ms, const uint8_t *data, size_t size)
{
	struct ebr_source src;
	struct ebr_reader *r = NULL;
	char msg[256];

	ebr_source_mem(&src, ms, data, size);
	if (ebr_reader_open(&r, &src, msg, sizeof(msg)))
		return NULL;
	return r;
}

static void through_index(const uint8_t *data, size_t size)
{
	struct ebr_mem_source ms;
	struct ebr_reader *r = open_input(&ms, data, size);
	struct ebr_summary sum = { 0 };

	if (!r)
		return;
	if (ebr_reader_load_index(r, &sum) == 0)
		for (uint32_t i = 0; i < ebr_reader_meta_count(r); i++) {
			const char *k, *v;

			ebr_reader_meta_at(r, i, &k, &v);
		}
	ebr_summary_release(&sum);
	ebr_reader_close(r);
}

static int ignore_frame(void *ctx, const char *name, bool kernel)
{
	(void)ctx;
	(void)kernel;
	(void)strlen(name); /* every byte of every name is read */
	return 0;
}

/* Every stack named both ways, the share, and the flame graph's tree. */
static void name_stacks(struct stackprof *p)
{
	struct stacktree t;
	uint64_t frames, resolved;

	if (stackprof_finish(p) == 0) {
		for (uint32_t i = 0; i < p->nstacks; i++) {
			stackprof_walk_leaf_first(p, &p->stacks[i], ignore_frame, NULL);
			stackprof_walk_root_first(p, &p->stacks[i], ignore_frame, NULL);
		}
		stackprof_resolved_share(p, &frames, &resolved);
		stacktree_build(&t, p);
		stacktree_release(&t);
	}
	stackprof_release(p);
}

static void through_events(const uint8_t *data, size_t size)
{
	struct ebr_mem_source ms;
	struct ebr_reader *r;
	struct biolatency lat = { .opts = { .per_disk = true, .per_flags = true, .queued = true } };
	struct biosnoop snoop = { .emit = ignore_row };
	static struct losses losses;
	struct proctable procs = { 0 };
	struct execsnoop exec = { .uid = -1, .emit = ignore_exec };
	struct exitsnoop exits = { .procs = &procs, .emit = ignore_exit };
	static struct opensnoop opens;
	struct fsslower slow = { .emit = ignore_slow };
	struct cachestat cache = { .interval_ns = 1000000000 };
	struct tcpwatch tcp = { .filter = { 0, -1, -1, -1 }, .on_event = ignore_tcp };
	struct sched_dist runq = { .measure = SCHED_RUNQ, .per = SCHED_PER_TID };
	struct stackprof cpu = { .o = { .kind = STACKPROF_CPU, .tid = -1 } };
	struct stackprof off = { .o = { .kind = STACKPROF_OFFCPU, .tid = -1 } };
	struct analyzer an[] = {
		{ biolatency_on_event, &lat },	{ biosnoop_on_event, &snoop },
		{ losses_on_event, &losses },	{ proctable_on_event, &procs },
		{ execsnoop_on_event, &exec },	{ exitsnoop_on_event, &exits },
		{ opensnoop_on_event, &opens },	{ fsslower_on_event, &slow },
		{ cachestat_on_event, &cache },	{ tcpwatch_on_event, &tcp },
		{ sched_dist_on_event, &runq },	{ stackprof_on_event, &cpu },
		{ stackprof_on_event, &off },
	};

	memset(&losses, 0, sizeof(losses));
	opens = (struct opensnoop){ .procs = &procs, .emit = ignore_open };
	r = open_input(&ms, data, size);
	if (!r)
		return;
	analyze_pass(r, an, ARRAY_SIZE(an));
	execsnoop_release_model(&exec);
	cachestat_release_model(&cache);
	tcptable_release(&tcp.table);
	sched_dist_sort(&runq);
	sched_dist_release(&runq);
	name_stacks(&cpu);
	name_stacks(&off);
	proctable_release(&procs);
	for (uint32_t i = 0; i < ebr_reader_problem_count(r); i++)
		(void)strlen(ebr_reader_problem(r, i)->msg);
	biolatency_release_model(&lat);
	ebr_reader_close(r);
}

static void through_blocks(const uint8_t *data, size_t size)
{
	struct ebr_mem_source ms;
	struct ebr_reader *r = open_input(&ms, data, size);
	struct ebr_summary sum = { 0 };

	if (!r)
		return;
	ebr_reader_summarize(r, &sum);
	ebr_summary_release(&sum);
	ebr_reader_close(r);
}

/* Options that reach the renderers' less common paths, per view (NULL: none). */
static const char *view_option(const char *view)
{
	static const char *const opts[][2] = {
		{ "biolatency", "-DFQ" }, { "biosnoop", "-Q" },   { "execsnoop", "-xTU" },
		{ "opensnoop", "-xTe" },  { "tcplife", "--all" }, { "profile", "-f" },
		{ "offcputime", "-d" },	  { "runqlat", "-P" },	  { "cpudist", "-O" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (!strcmp(opts[i][0], view))
			return opts[i][1];
	return NULL;
}

/*
 * The whole report pipeline, as `ebrec report FILE VIEW` runs it: the input as a file (a
 * memfd), one view chosen by the input's last byte, text or JSON, or the HTML page of them
 * all, rendered to /dev/null; `ebrec info` too. Stderr is closed by -close_fd_mask=2 (the views' warnings would flood it).
 */
static void through_report(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char path[64];
	const struct view *v;
	const char *opt;
	char *argv[12];
	int argc = 0;

	if (fd < 0)
		fd = memfd_create("fuzz-trace", 0);
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	v = views[size ? data[size - 1] % nviews : 0];
	opt = view_option(v->name);
	argv[argc++] = "report";
	argv[argc++] = path;
	/* bit 2: the whole HTML page (every view, the timeline, the losses) instead of one view */
	if (!(size > 1 && (data[size - 2] & 4)))
		argv[argc++] = (char *)v->name;
	if (opt && size > 1 && (data[size - 2] & 5) == 1)
		argv[argc++] = (char *)opt;
	if (size > 1 && (data[size - 2] & 6)) {
		argv[argc++] = "--format";
		argv[argc++] = data[size - 2] & 4 ? "html" : "json";
	}
	argv[argc++] = "-o";
	argv[argc++] = "/dev/null";
	argv[argc] = NULL;
	cmd_report(argc, argv);
	argv[0] = "info";
	argv[2] = NULL;
	cmd_info(2, argv);
	argv[0] = "script";
	argc = 2;
	if (size > 1 && (data[size - 2] & 8)) {
		argv[argc++] = "--format";
		argv[argc++] = "json";
	}
	argv[argc] = NULL;
	cmd_script(argc, argv);
}

/*
 * The fields of a format file's "field:" lines as the recorder would describe them (FORMAT.md),
 * into fields[n...max): read here without libtraceevent, whose parser this harness must not
 * run in its own process (ebrec tries it in a child: analyze/tpevent.c). Names point into
 * text, which is cut at each field's ';'.
 */
static uint32_t format_fields(char *text, struct ebr_field_def *fields, uint32_t n, uint32_t max)
{
	for (char *line = strstr(text, "field:"); line && n < max; line = strstr(line, "field:")) {
		char *decl = line + 6, *semi = strchr(decl, ';'), *name, *bracket;
		const char *size;
		unsigned long bytes = 0;
		enum ebr_kind kind;

		if (!semi)
			break;
		*semi = 0;
		line = semi + 1;
		bracket = strchr(decl, '[');
		name = decl + strlen(decl);
		while (name > decl && (name[-1] == '_' || (name[-1] >= '0' && name[-1] <= '9') ||
				       (name[-1] >= 'a' && name[-1] <= 'z') ||
				       (name[-1] >= 'A' && name[-1] <= 'Z')))
			name--;
		if (bracket && !strchr(bracket, ']'))
			continue;
		if (bracket && bracket > decl && bracket[1] != ']') { /* char comm[16] */
			*bracket = 0;
			name = bracket;
			while (name > decl && name[-1] != ' ' && name[-1] != '*')
				name--;
		}
		if (!*name || !strncmp(name, "common_", 7))
			continue;
		size = strstr(line, "size:");
		if (size)
			bytes = strtoul(size + 5, NULL, 10);
		if (strstr(decl, "char") && (bracket || strstr(decl, "__data_loc")))
			kind = EBR_KIND_STR;
		else if (bracket || (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8))
			kind = EBR_KIND_BYTES;
		else
			kind = strstr(line, "signed:1") ? EBR_KIND_S64 : EBR_KIND_U64;
		fields[n++] = (struct ebr_field_def){ name, kind, NULL };
	}
	return n;
}

/*
 * The input as a tracepoint's format file (up to its first NUL) and an event of it (the bytes
 * after: the fields' values in order), written as `ebrec record` writes a generic probe's
 * type, then read by `ebrec script`, text and JSON: the format reaches libtraceevent as a
 * hostile trace would give it.
 */
static void through_format(const uint8_t *data, size_t size)
{
	static int fd = -1;
	const uint8_t *nul = memchr(data, 0, size), *val;
	size_t tlen = nul ? (size_t)(nul - data) : size, left;
	struct ebr_field_def fields[EBR_MAX_FIELDS];
	struct ebr_value v[EBR_MAX_FIELDS];
	struct ebr_event_def def = { 0, "tracepoint:fz:ev", NULL, 0, fields };
	struct ebr_writer_opts o = { .dyn_types = &def, .ndyn_types = 1 };
	struct ebr_writer *w = NULL;
	struct ebr_sink sink;
	char *text = malloc(tlen + 1), *names = malloc(tlen + 1), path[64];
	char *argv[] = { "script", path, "--format", "json", NULL };

	if (!text || !names)
		goto out;
	memcpy(text, data, tlen);
	text[tlen] = 0;
	memcpy(names, text, tlen + 1);
	val = nul ? nul + 1 : data + size;
	left = (size_t)(data + size - val);
	fields[def.nfields++] = (struct ebr_field_def){ "common_pid", EBR_KIND_U64, NULL };
	def.nfields = format_fields(names, fields, def.nfields, EBR_MAX_FIELDS);
	memset(v, 0, sizeof(v));
	for (uint32_t i = 0; i < def.nfields; i++) {
		size_t n = left ? (size_t)val[0] % 64 : 0;

		if (left)
			val++, left--;
		n = n < left ? n : left;
		if (fields[i].kind == EBR_KIND_STR || fields[i].kind == EBR_KIND_BYTES) {
			char *s = malloc(n + 1);

			if (!s)
				continue;
			memcpy(s, val, n);
			s[n] = 0;
			v[i].s = s;
			v[i].len = (uint32_t)n;
		} else {
			memcpy(&v[i].u, val, n < 8 ? n : 8);
		}
		val += n;
		left -= n;
	}
	if (fd < 0)
		fd = memfd_create("fuzz-format", 0);
	if (fd < 0 || ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET))
		goto values;
	ebr_sink_fd(&sink, &fd);
	/* names the format repeats make the writer refuse the type: fine, nothing to read */
	if (ebr_writer_new(&w, &sink, &o))
		goto values;
	ebr_writer_meta(w, "format.tracepoint:fz:ev", text);
	ebr_writer_meta(w, "clock.start.monotonic_ns", "1");
	ebr_writer_event(w, EBR_DYN_TYPE_BASE, 2, 0, v);
	ebr_writer_event(w, EBR_DYN_TYPE_BASE, 3, 1, v);
	ebr_writer_close(w);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	cmd_script(2, argv);
	cmd_script(4, argv);
values:
	for (uint32_t i = 0; i < def.nfields; i++)
		if (fields[i].kind == EBR_KIND_STR || fields[i].kind == EBR_KIND_BYTES)
			free((char *)v[i].s);
out:
	free(text);
	free(names);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* what info prints goes nowhere (stdout stays open: a closed fd 1 would be reused) */
	int null = open("/dev/null", O_WRONLY);

	if (null >= 0 && dup2(null, STDOUT_FILENO) >= 0 && null != STDOUT_FILENO)
		close(null);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	through_index(data, size);
	through_events(data, size);
	through_blocks(data, size);
	through_report(data, size);
	through_format(data, size);
	return 0;
}
