// SPDX-License-Identifier: GPL-2.0-only
/* ebrec: record kernel events into a trace file; report on them anywhere. The command hub. */
#include <stdio.h>
#include <string.h>
#include "format/array_size.h"
#include "query/query.h"
#include "record/record.h"
#include "redact/redact.h"
#include "report/commands.h"
#include "report/view.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* `ebrec list` names each family's views, which report/'s registry knows and record/ may not */
static int list(int argc, char **argv)
{
	return cmd_list(argc, argv, views_of_family);
}

/* `ebrec record --program P.bt`: query/ knows which probes a program uses */
static int record(int argc, char **argv)
{
	return query_record(argc, argv, cmd_record);
}

static const struct command commands[] = {
	{ "record", record, "record events into a trace file (root)" },
	{ "report", cmd_report, "rebuild a bcc tool's view from a trace (text, json, html)" },
	{ "info", cmd_info, "host, time span, families, counts, losses and sizes of a trace" },
	{ "dump", cmd_dump, "every event of a trace, decoded through its schema" },
	{ "script", cmd_script, "every event of the probes, one per line, as trace-cmd report" },
	{ "verify", cmd_verify, "check every block of a trace; exit 0 only if all are intact" },
	{ "export", cmd_export, "a trace for Perfetto, pprof, speedscope, or DuckDB/Spark (jsonl)" },
	{ "diff", cmd_diff, "what changed between two traces: latencies, counts, stacks" },
	{ "query", cmd_query, "a bpftrace program run over the events of a trace" },
	{ "redact", cmd_redact, "a copy of a trace with paths, names, addresses... pseudonymized" },
	{ "list", list, "the probe families and whether this kernel supports them" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ebrec COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'ebrec COMMAND --help' or 'man ebrec-COMMAND' describes each command;\n"
		   "format/FORMAT.md the file.\n"
		   "\nexamples:\n"
		   "  sudo ebrec record -o io.ebr -e block -d 10   # on the production host\n"
		   "  ebrec report io.ebr biolatency -D            # anywhere, no root\n"
		   "  ebrec report io.ebr --format html -o io.html\n"
		   "  ebrec export io.ebr --format perfetto -o io.perfetto-trace\n"
		   "  ebrec info io.ebr\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "ebrec: unknown command '%s' (see 'ebrec --help')\n", argv[1]);
	return 2;
}
