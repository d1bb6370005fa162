// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: any bytes as a trace file, through the reading commands as a user runs
 * them: `ebrec report FILE VIEW` with one view (text or JSON, chosen by the input's last
 * bytes) or the whole HTML page, `ebrec info`, `ebrec script` and `ebrec diff` of the trace
 * against itself; and the same bytes as a tracepoint's format file and an event of it
 * (through_format): what a hostile trace can give libtraceevent to parse and print. The slowest target (a page renders every view): the
 * reader's and the analyzers' corners are fuzz_reader.c's and fuzz_analyze.c's.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "format/array_size.h"
#include "format/ebr.h"
#include "report/commands.h"
#include "report/view.h"
#include "tests/fuzz/fuzz_input.h"

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
	char path[64];
	const struct view *v;
	const char *opt;
	char *argv[12];
	int argc = 0;

	if (fuzz_file(data, size, path, sizeof(path)))
		return;
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
	/* the trace against itself: both sides' models, the tables and stacks merged */
	argv[0] = "diff";
	argv[2] = path;
	argc = 3;
	if (size > 1 && (data[size - 2] & 16)) {
		argv[argc++] = "--format";
		argv[argc++] = "json";
	} else if (size > 1 && (data[size - 2] & 32)) {
		argv[argc++] = "--folded";
	}
	if (size > 1 && (data[size - 2] & 64)) {
		argv[argc++] = "--svg";
		argv[argc++] = "/dev/null";
	}
	argv[argc++] = "-o";
	argv[argc++] = "/dev/null";
	argv[argc] = NULL;
	cmd_diff(argc, argv);
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


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	through_report(data, size);
	through_format(data, size);
	return 0;
}
