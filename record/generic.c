// SPDX-License-Identifier: GPL-2.0-only
/*
 * Generic probes resolved against this system before anything is loaded: tracepoints in
 * tracefs (globs expanded, their format files read), functions and USDT probes in their
 * binaries. Every mistake is one line and exit status 2, and names what would be right.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "record/elf_probes.h"
#include "record/generic.h"
#include "record/record.h"
#include "record/tracefs.h"

#define CLOSEST 3 /* names an unknown tracepoint's message offers */

static int no_memory(void)
{
	fprintf(stderr, "ebrec record: out of memory\n");
	return 1;
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* A new probe at the end of g (its strings NULL), or NULL: out of memory or over the limit. */
static struct generic_probe *probe_new(struct generic_probes *g, const char *text, int *status)
{
	struct generic_probe *p;

	if (g->n == EBR_GENERIC_MAX) {
		*status = record_usage_error("'%s' takes the recording over its limit of %d probes: name "
				      "fewer, or narrow the glob", text, EBR_GENERIC_MAX);
		return NULL;
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;

		p = realloc(g->p, cap * sizeof(*p));
		if (!p) {
			*status = no_memory();
			return NULL;
		}
		g->p = p;
		g->cap = cap;
	}
	p = &g->p[g->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* The probe already resolved to the same place, or NULL: -e naming it twice records it once. */
static struct generic_probe *probe_find(struct generic_probes *g, int kind, const char *a,
					const char *b, const char *c)
{
	for (size_t i = 0; i < g->n; i++) {
		struct generic_probe *p = &g->p[i];

		if (p->cfg.kind != kind)
			continue;
		if (kind == EBR_GEN_TRACEPOINT && !strcmp(p->sys, a) && !strcmp(p->tp, b))
			return p;
		if (kind != EBR_GEN_TRACEPOINT && !strcmp(p->path, a) && !strcmp(p->func, b) &&
		    (kind != EBR_GEN_USDT || !strcmp(p->usdt_name, c)))
			return p;
	}
	return NULL;
}

/* ------------------------------------------------------------ tracepoints */

static int add_tracepoint(struct generic_probes *g, const struct probe_spec *s,
			  const struct tracepoint_name *tp)
{
	struct generic_probe *p = probe_find(g, EBR_GEN_TRACEPOINT, tp->sys, tp->name, NULL);
	int status = 0, err;

	if (p) {
		p->cfg.flags |= (uint16_t)s->flags;
		return 0;
	}
	p = probe_new(g, s->buf, &status);
	if (!p)
		return status;
	p->cfg.kind = EBR_GEN_TRACEPOINT;
	p->cfg.flags = (uint16_t)s->flags;
	p->sys = strdup(tp->sys);
	p->tp = strdup(tp->name);
	if (!p->sys || !p->tp)
		return no_memory();
	err = tracefs_format(tp->sys, tp->name, &p->format);
	if (err)
		return record_usage_error("cannot read the format of tracepoint %s:%s: %s", tp->sys,
				   tp->name, strerror(-err));
	return 0;
}

/* The closest names to sys:name, for the message about an unknown tracepoint. */
static int unknown_tracepoint(const struct tracepoint_list *all, const char *sys,
			      const char *name)
{
	char want[512], names[1024] = "";
	size_t idx[CLOSEST], n;

	snprintf(want, sizeof(want), "%s:%s", sys, name);
	n = tracefs_closest(all, want, idx, CLOSEST);
	for (size_t i = 0; i < n; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s:%s",
			 i ? ", " : "", all->v[idx[i]].sys, all->v[idx[i]].name);
	return record_usage_error("no tracepoint %s%s%s ('ebrec list tracepoint:%s:*' lists a system's)",
			   want, n ? "; the closest: " : "", names, sys);
}

static int resolve_tracepoints(struct generic_probes *g, const struct probe_spec *s,
			       const char *text)
{
	struct tracepoint_list all;
	size_t matched = 0;
	char msg[256];
	int status = 0;

	if (tracefs_list(&all, NULL, msg, sizeof(msg))) {
		fprintf(stderr, "ebrec record: %s\n", msg);
		return 1;
	}
	for (size_t i = 0; i < all.n; i++)
		if (!fnmatch(s->a, all.v[i].sys, 0) && !fnmatch(s->b, all.v[i].name, 0))
			matched++;
	if (!matched && (has_glob(s->a) || has_glob(s->b)))
		status = record_usage_error("%s matches no tracepoint ('ebrec list tracepoint:*' lists "
				     "them)", text);
	else if (!matched)
		status = unknown_tracepoint(&all, s->a, s->b);
	else if (matched > EBR_GENERIC_MAX)
		status = record_usage_error("%s matches %zu tracepoints; a recording takes at most %d "
				     "probes: narrow the glob", text, matched, EBR_GENERIC_MAX);
	for (size_t i = 0; i < all.n && !status; i++)
		if (!fnmatch(s->a, all.v[i].sys, 0) && !fnmatch(s->b, all.v[i].name, 0))
			status = add_tracepoint(g, s, &all.v[i]);
	tracefs_list_free(&all);
	return status;
}

/* ------------------------------------------------------------ uprobes and USDT */

static int resolve_binary(const struct probe_spec *s, const char *text, char *path,
			  size_t len)
{
	if (elf_resolve_path(s->a, path, len))
		return record_usage_error("%s: no such binary %s%s", text, s->a,
				   strchr(s->a, '/') ? "" : " (on $PATH or in /etc/ld.so.cache)");
	return 0;
}

static int add_binary_probe(struct generic_probes *g, const struct probe_spec *s,
			    const char *path, const char *func, const char *usdt_name,
			    const char *text)
{
	struct generic_probe *p = probe_find(g, s->kind, path, func, usdt_name);
	int status = 0;

	if (p) {
		p->cfg.flags |= (uint16_t)s->flags;
		return 0;
	}
	p = probe_new(g, text, &status);
	if (!p)
		return status;
	p->cfg.kind = (uint16_t)s->kind;
	p->cfg.flags = (uint16_t)s->flags;
	p->path = strdup(path);
	p->func = strdup(func);
	p->usdt_name = usdt_name ? strdup(usdt_name) : NULL;
	if (!p->path || !p->func || (usdt_name && !p->usdt_name))
		return no_memory();
	return 0;
}

static int resolve_functions(struct generic_probes *g, const struct probe_spec *s,
			     const char *text)
{
	struct elf_names funcs;
	char path[PATH_MAX];
	size_t matched = 0;
	int status = resolve_binary(s, text, path, sizeof(path)), err;

	if (status)
		return status;
	err = elf_functions(path, &funcs);
	if (err == -ENOMEM)
		return no_memory();
	if (err)
		return record_usage_error("%s: %s is not an ELF file", text, path);
	for (size_t i = 0; i < funcs.n; i++)
		matched += !fnmatch(s->b, funcs.v[i], 0);
	if (!matched)
		status = record_usage_error("%s: %s has no function %s%s ('ebrec list uprobe:%s:*' lists "
				     "them)", text, path, has_glob(s->b) ? "matching " : "", s->b,
				     path);
	else if (matched > EBR_GENERIC_MAX)
		status = record_usage_error("%s matches %zu functions; a recording takes at most %d "
				     "probes: narrow the glob", text, matched, EBR_GENERIC_MAX);
	for (size_t i = 0; i < funcs.n && !status; i++)
		if (!fnmatch(s->b, funcs.v[i], 0))
			status = add_binary_probe(g, s, path, funcs.v[i], NULL, text);
	elf_names_free(&funcs);
	return status;
}

static bool usdt_matches(const struct probe_spec *s, const struct usdt_note *n)
{
	return (!s->b || !fnmatch(s->b, n->provider, 0)) && !fnmatch(s->c, n->name, 0);
}

static int resolve_usdt(struct generic_probes *g, const struct probe_spec *s, const char *text)
{
	struct usdt_notes notes;
	char path[PATH_MAX];
	size_t matched = 0;
	int status = resolve_binary(s, text, path, sizeof(path)), err;

	if (status)
		return status;
	err = elf_usdt_notes(path, &notes);
	if (err == -ENOMEM)
		return no_memory();
	if (err)
		return record_usage_error("%s: %s is not an ELF file", text, path);
	for (size_t i = 0; i < notes.n; i++)
		matched += usdt_matches(s, &notes.v[i]);
	if (!matched)
		status = record_usage_error("%s: %s has no USDT probe %s%s%s ('ebrec list usdt:%s' lists "
				     "them)", text, path, s->b ? s->b : "", s->b ? ":" : "", s->c,
				     path);
	for (size_t i = 0; i < notes.n && !status; i++)
		if (usdt_matches(s, &notes.v[i]))
			status = add_binary_probe(g, s, path, notes.v[i].provider, notes.v[i].name,
						  text);
	usdt_notes_free(&notes);
	return status;
}

/* ------------------------------------------------------------ --str */

/* Marks argument arg of every probe the --str probe text names; 2 when it names none. */
static int resolve_str(struct generic_probes *g, const char *text)
{
	struct probe_spec s;
	char err[256], path[PATH_MAX];
	size_t marked = 0;
	int arg;

	if (probe_str_parse(text, &s, &arg, err, sizeof(err)))
		return record_usage_error("%s", err);
	if (elf_resolve_path(s.a, path, sizeof(path)))
		return record_usage_error("--str %s: no such binary %s", text, s.a);
	for (size_t i = 0; i < g->n; i++) {
		struct generic_probe *p = &g->p[i];

		if (p->cfg.kind != s.kind || strcmp(p->path, path))
			continue;
		if (s.kind == EBR_GEN_USDT ? (s.b && fnmatch(s.b, p->func, 0)) ||
						     fnmatch(s.c, p->usdt_name, 0) :
					     fnmatch(s.b, p->func, 0) != 0)
			continue;
		p->str_args |= 1ull << arg;
		marked++;
	}
	if (!marked)
		return record_usage_error("--str %s names no probe that -e records", text);
	return 0;
}

/* ------------------------------------------------------------ fields */

static int probe_fields(struct generic_probe *p, unsigned stack_flags)
{
	struct usdt_notes notes;
	uint32_t signed_args = 0;
	unsigned nargs = 0;
	int err;

	p->cfg.flags |= (uint16_t)stack_flags;
	switch (p->cfg.kind) {
	case EBR_GEN_TRACEPOINT:
		err = generic_tracepoint_fields(p, p->sys, p->tp, p->format);
		if (err == -EINVAL)
			return record_usage_error("tracepoint %s:%s: its format is one ebrec cannot copy "
					   "(a record over %d bytes, over %d __data_loc fields or "
					   "%u fields)", p->sys, p->tp, EBR_GENERIC_RAW_MAX,
					   EBR_GENERIC_MAX_DYN, EBR_MAX_FIELDS);
		return err ? no_memory() : 0;
	case EBR_GEN_UPROBE:
		nargs = 6;
		break;
	case EBR_GEN_URETPROBE:
		nargs = 1;
		break;
	case EBR_GEN_USDT:
		err = elf_usdt_notes(p->path, &notes);
		if (err)
			return err == -ENOMEM ? no_memory() : record_usage_error("%s changed", p->path);
		for (size_t i = 0; i < notes.n; i++)
			if (!strcmp(notes.v[i].provider, p->func) && !strcmp(notes.v[i].name,
									     p->usdt_name))
				nargs = usdt_arg_count(notes.v[i].args, &signed_args);
		usdt_notes_free(&notes);
		if (nargs > EBR_GENERIC_MAX_ARGS)
			nargs = EBR_GENERIC_MAX_ARGS; /* libbpf reads no more */
		break;
	}
	if (p->str_args >> nargs)
		return record_usage_error("--str: %s:%s has %u argument%s", p->path, p->func, nargs,
				   nargs == 1 ? "" : "s");
	err = generic_arg_fields(p, nargs, signed_args);
	return err ? no_memory() : 0;
}

int generic_resolve(struct generic_probes *g)
{
	int status = 0;

	for (size_t i = 0; i < g->nspecs && !status; i++) {
		struct probe_spec s;
		char err[256];

		if (probe_spec_parse(g->specs[i], &s, err, sizeof(err)))
			return record_usage_error("%s", err);
		if (s.kind == EBR_GEN_TRACEPOINT)
			status = resolve_tracepoints(g, &s, g->specs[i]);
		else if (s.kind == EBR_GEN_USDT)
			status = resolve_usdt(g, &s, g->specs[i]);
		else
			status = resolve_functions(g, &s, g->specs[i]);
	}
	for (size_t i = 0; i < g->nstrs && !status; i++)
		status = resolve_str(g, g->strs[i]);
	for (size_t i = 0; i < g->n && !status; i++)
		status = probe_fields(&g->p[i], g->stack_flags);
	if (status || !g->n)
		return status;
	g->defs = calloc(g->n, sizeof(*g->defs));
	if (!g->defs)
		return no_memory();
	for (size_t i = 0; i < g->n; i++)
		g->defs[i] = g->p[i].def;
	return 0;
}

bool generic_has_stacks(const struct generic_probes *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->p[i].cfg.flags & (EBR_GEN_KSTACK | EBR_GEN_USTACK))
			return true;
	return false;
}

void generic_probes_free(struct generic_probes *g)
{
	for (size_t i = 0; i < g->n; i++)
		generic_probe_release(&g->p[i]);
	free(g->p);
	free(g->defs);
	free(g->events_buf);
	g->p = NULL;
	g->defs = NULL;
	g->events_buf = NULL;
	g->nspecs = 0;
	g->n = g->cap = 0;
}
