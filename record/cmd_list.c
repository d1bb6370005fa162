// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec list`: the families, their tracepoints, and whether this kernel has each; with a
 * probe pattern, the tracepoints (with their fields, as `bpftrace -lv`), functions or USDT
 * probes that `record -e` can record.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "record/elf_probes.h"
#include "record/family.h"
#include "record/probe_spec.h"
#include "record/record.h"
#include "record/tracefs.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: ebrec list [PROBE]\n\n"
		   "Lists the probe families, the tracepoints each uses, and whether this kernel\n"
		   "has them. With PROBE, what record -e can record besides: tracepoints with\n"
		   "their fields (tracepoint:SYS:NAME, globs allowed), the functions of a\n"
		   "binary (uprobe:PATH:FUNC, PATH may be a library name such as libc) or its\n"
		   "USDT probes with their arguments (usdt:PATH).\n\n"
		   "examples:\n"
		   "  ebrec list\n  ebrec list | grep -v '^ *yes'\n"
		   "  ebrec list 'tracepoint:sched:*'\n"
		   "  ebrec list 'uprobe:/usr/bin/python3:*'\n"
		   "  ebrec list usdt:/usr/lib/postgresql/15/bin/postgres\n");
}

/* A tracepoint's fields as its format file declares them, the common ones left out. */
static void print_fields(const char *format, bool syscall)
{
	for (const char *line = format; line && *line; line = strchr(line, '\n'), line += !!line) {
		const char *decl = strstr(line, "field:"), *end, *eol = strchr(line, '\n');
		const char *name;

		if (!decl || (eol && decl > eol))
			continue;
		decl += 6;
		end = strchr(decl, ';');
		if (!end || (eol && end > eol))
			continue;
		/* the declared name is the last word before any [N] */
		name = end;
		while (name > decl && name[-1] != ' ' && name[-1] != '*')
			name--;
		if (!strncmp(name, "common_", 7))
			continue;
		printf("    %.*s\n", (int)(end - decl), decl);
		if (syscall && !strncmp(decl, "const char * ", 13))
			printf("    (read as a string: %.*s_str)\n", (int)(end - name), name);
	}
}

static int list_tracepoints(const struct probe_spec *s, const char *text)
{
	struct tracepoint_list l;
	char msg[256];
	size_t shown = 0;

	if (tracefs_list(&l, s->a, msg, sizeof(msg))) {
		fprintf(stderr, "ebrec list: %s\n", msg);
		return 1;
	}
	for (size_t i = 0; i < l.n; i++) {
		char *format = NULL;

		if (fnmatch(s->b, l.v[i].name, 0))
			continue;
		shown++;
		printf("tracepoint:%s:%s\n", l.v[i].sys, l.v[i].name);
		if (!tracefs_format(l.v[i].sys, l.v[i].name, &format))
			print_fields(format, !strcmp(l.v[i].sys, "syscalls"));
		free(format);
	}
	tracefs_list_free(&l);
	if (!shown) {
		fprintf(stderr, "ebrec list: %s matches no tracepoint\n", text);
		return 2;
	}
	return 0;
}

static int list_binary(const struct probe_spec *s, const char *text)
{
	char path[PATH_MAX];
	size_t shown = 0;
	int err;

	if (elf_resolve_path(s->a, path, sizeof(path))) {
		fprintf(stderr, "ebrec list: %s: no such binary %s\n", text, s->a);
		return 2;
	}
	if (s->kind == EBR_GEN_USDT) {
		struct usdt_notes notes;

		err = elf_usdt_notes(path, &notes);
		for (size_t i = 0; !err && i < notes.n; i++) {
			const struct usdt_note *n = &notes.v[i];
			uint32_t signed_args;
			unsigned nargs = usdt_arg_count(n->args, &signed_args);

			if ((s->b && fnmatch(s->b, n->provider, 0)) ||
			    (s->c && fnmatch(s->c, n->name, 0)))
				continue;
			shown++;
			printf("usdt:%s:%s:%s\n", path, n->provider, n->name);
			for (unsigned a = 0; a < nargs && a < EBR_GENERIC_MAX_ARGS; a++)
				printf("    %s arg%u\n", signed_args & (1u << a) ? "s64" : "u64",
				       a);
		}
		if (!err)
			usdt_notes_free(&notes);
	} else {
		struct elf_names funcs;

		err = elf_functions(path, &funcs);
		for (size_t i = 0; !err && i < funcs.n; i++) {
			if (s->b && fnmatch(s->b, funcs.v[i], 0))
				continue;
			shown++;
			printf("%s:%s:%s\n", probe_kind_name(s->kind), path, funcs.v[i]);
		}
		if (!err)
			elf_names_free(&funcs);
	}
	if (err) {
		fprintf(stderr, "ebrec list: %s: %s\n", path,
			err == -ENOMEM ? "out of memory" : "not an ELF file");
		return err == -ENOMEM ? 1 : 2;
	}
	if (!shown) {
		fprintf(stderr, "ebrec list: %s matches nothing in %s\n", text, path);
		return 2;
	}
	return 0;
}

/* `ebrec list PROBE`; "usdt:PATH" and "uprobe:PATH" list everything of the binary. */
static int list_probes(const char *text)
{
	struct probe_spec s;
	char err[256], whole[PROBE_SPEC_MAX + 4];

	if (probe_spec_parse(text, &s, err, sizeof(err))) {
		/* a binary alone: all of it */
		if (snprintf(whole, sizeof(whole), "%s:*", text) >= (int)sizeof(whole) ||
		    strncmp(text, "tracepoint:", 11) == 0 || strncmp(text, "t:", 2) == 0 ||
		    probe_spec_parse(whole, &s, err, sizeof(err))) {
			fprintf(stderr, "ebrec list: %s\n", err);
			return 2;
		}
	}
	if (s.kind == EBR_GEN_TRACEPOINT)
		return list_tracepoints(&s, text);
	return list_binary(&s, text);
}

int cmd_list(int argc, char **argv,
	     const char *(*views_of)(const char *family, char *buf, size_t len))
{
	struct features *feat = NULL;
	char msg[256], views[512];

	if (argc > 1) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			usage(stdout);
			return 0;
		}
		if (argc == 2 && probe_spec_is_probe(argv[1]))
			return list_probes(argv[1]);
		fprintf(stderr, "ebrec list: unexpected argument '%s' (see 'ebrec list --help')\n",
			argv[1]);
		return 2;
	}
	if (features_open(&feat, msg, sizeof(msg)))
		fprintf(stderr, "ebrec list: %s; support is unknown\n", msg);
	for (size_t i = 0; i < nfamilies; i++) {
		const struct family *f = families[i];
		bool usable = true;

		/* as the default records it: its named_only programs are needed only when named */
		for (size_t p = 0; p < f->nprogs; p++)
			if (!f->progs[p].optional && !f->progs[p].named_only &&
			    !(feat && features_has_hook(feat, &f->progs[p])))
				usable = false;
		printf("%-10s %s  %s%s\n", f->name, !feat ? "unknown" : usable ? "supported" : "UNSUPPORTED",
		       f->desc, f->opt_in ? " (recorded only when -e names it)" : "");
		printf("           views: %s\n", views_of(f->name, views, sizeof(views)));
		printf("           cost: %s\n", f->cost);
		for (size_t p = 0; p < f->nprogs; p++) {
			const char *state = !feat ? "?" :
					    features_has_hook(feat, &f->progs[p]) ? "yes" :
					    "no";

			if (!f->progs[p].tracepoint) {
				printf("           ?   perf_event cpu-clock (opened when recording starts)\n");
				continue;
			}
			printf("           %-3s %s%s%s\n", state, f->progs[p].tracepoint,
			       f->progs[p].optional ? " (optional)" : "",
			       f->progs[p].named_only ? " (only when -e names the family)" : "");
		}
	}
	features_close(feat);
	printf("%-10s %s  any tracepoint, uprobe, uretprobe or USDT probe -e names: "
	       "tracepoint:SYS:NAME,\n"
	       "           uprobe:PATH:FUNC, uretprobe:PATH:FUNC, usdt:PATH:PROVIDER:NAME ('ebrec "
	       "list PROBE' lists them)\n"
	       "           views: probes\n", "probes", "supported");
	printf("%s\n", family_costs_measured);
	return 0;
}
