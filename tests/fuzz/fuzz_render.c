// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: any bytes as a trace file, through the reading commands as a user runs
 * them: `ebrec report FILE VIEW` with one view (text or JSON, chosen by the input's last
 * bytes) or the whole HTML page, and `ebrec info`. The slowest target (a page renders every
 * view): the reader's and the analyzers' corners are fuzz_reader.c's and fuzz_analyze.c's.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "format/array_size.h"
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
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	through_report(data, size);
	return 0;
}
