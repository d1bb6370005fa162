// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec record --program PROGRAM.bt`: records what a bpftrace program's probes read, so that
 * `ebrec query TRACE PROGRAM.bt` runs it later. The program is parsed (not bound: there is no
 * trace yet) and each probe becomes what `ebrec record` already takes: a tracepoint, uprobe,
 * uretprobe or USDT probe is recorded as itself (+kstack/+ustack when its action reads the
 * stacks, --str for str(argN)/str(retval) of a uprobe), an ebrec:TYPE probe by the family
 * that records TYPE, profile:hz:N by the profile family at N Hz. The command line the
 * recorder gets is its own: -e, --str and -F in place of --program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "format/ebr.h"
#include "query/ast.h"
#include "query/probes.h"
#include "query/query.h"

#define RECORD_MAX_EXTRA 64 /* --str and -F arguments added */

/* What an action reads that decides how its probes are recorded. */
struct action_uses {
	bool kstack, ustack;
	unsigned str_args;   /* bit n: str(argN); bit 6: str(retval) */
	bool reads_argv;     /* args.argv */
};

static void walk(const struct qnode *n, struct action_uses *u)
{
	if (!n)
		return;
	if (n->kind == QN_BUILTIN && n->id == QB_KSTACK)
		u->kstack = true;
	if (n->kind == QN_BUILTIN && n->id == QB_USTACK)
		u->ustack = true;
	if (n->kind == QN_ARG_FIELD && n->sval && !strcmp(n->sval, "argv"))
		u->reads_argv = true;
	if (n->kind == QN_CALL && n->id == QF_STR && n->nargs && n->args[0]->kind == QN_BUILTIN) {
		int b = n->args[0]->id;

		if (b >= QB_ARG0 && b <= QB_ARG5)
			u->str_args |= 1u << (b - QB_ARG0);
		else if (b == QB_RETVAL)
			u->str_args |= 1u << 6;
	}
	walk(n->a, u);
	walk(n->b, u);
	walk(n->c, u);
	for (uint32_t i = 0; i < n->nargs; i++)
		walk(n->args[i], u);
}

/* What -e will name: families and probes, each once, a probe's stacks the union of its uses. */
struct event_item {
	char *name;
	bool kstack, ustack;
};

struct events {
	struct event_item *items;
	uint32_t n, cap;
	char *joined; /* the -e value, once built */
};

static int events_add(struct events *e, const char *name, bool kstack, bool ustack)
{
	for (uint32_t i = 0; i < e->n; i++)
		if (!strcmp(e->items[i].name, name)) {
			e->items[i].kstack |= kstack;
			e->items[i].ustack |= ustack;
			return 0;
		}
	if (e->n == e->cap) {
		uint32_t cap = e->cap ? e->cap * 2 : 16;
		struct event_item *ni = realloc(e->items, cap * sizeof(*ni));

		if (!ni)
			return -1;
		e->items = ni;
		e->cap = cap;
	}
	e->items[e->n].name = strdup(name);
	if (!e->items[e->n].name)
		return -1;
	e->items[e->n].kstack = kstack;
	e->items[e->n].ustack = ustack;
	e->n++;
	return 0;
}

/* "a,b+kstack,c": 0 or -1 */
static int events_join(struct events *e)
{
	size_t len = 1, used = 0;

	for (uint32_t i = 0; i < e->n; i++)
		len += strlen(e->items[i].name) + sizeof(",+kstack+ustack");
	e->joined = malloc(len);
	if (!e->joined)
		return -1;
	for (uint32_t i = 0; i < e->n; i++)
		used += (size_t)snprintf(e->joined + used, len - used, "%s%s%s%s", i ? "," : "",
					 e->items[i].name, e->items[i].kstack ? "+kstack" : "",
					 e->items[i].ustack ? "+ustack" : "");
	return 0;
}

struct plan {
	struct events events;
	char *extra[RECORD_MAX_EXTRA]; /* option, value, option, value ... (malloc'd) */
	int nextra;
	char hz[24];
};

static int plan_option(struct plan *p, const char *opt, const char *value)
{
	for (int i = 0; i + 1 < p->nextra; i += 2)
		if (!strcmp(p->extra[i], opt) && !strcmp(p->extra[i + 1], value))
			return 0;
	if (p->nextra + 2 > RECORD_MAX_EXTRA)
		return 1;
	p->extra[p->nextra] = strdup(opt);
	p->extra[p->nextra + 1] = strdup(value);
	p->nextra += 2;
	return p->extra[p->nextra - 2] && p->extra[p->nextra - 1] ? 0 : -1;
}

static void plan_release(struct plan *p)
{
	for (uint32_t i = 0; i < p->events.n; i++)
		free(p->events.items[i].name);
	free(p->events.items);
	free(p->events.joined);
	for (int i = 0; i < p->nextra; i++)
		free(p->extra[i]);
}

/* the families whose types an ebrec:GLOB names: 0, 1 when it names none, -1 out of memory */
static int add_families(struct plan *p, const char *glob)
{
	bool any = false;

	for (uint32_t i = 0; i < ebr_event_def_count(); i++) {
		const struct ebr_event_def *d = ebr_event_def_at(i);
		char buf[32];
		const char *fam = qtype_family(d->name, buf, sizeof(buf));

		if (!fam || !qglob_match(glob, d->name))
			continue;
		any = true;
		if (events_add(&p->events, fam, false, false))
			return -1;
	}
	return any ? 0 : 1;
}

/*
 * The alias family that records a tracepoint's argument array: a generic tracepoint holds
 * the strings its `const char *` arguments point to, not arrays of them (execve's argv), which
 * the proc family reads whole.
 */
static const char *argv_family(const char *full, char *buf, size_t len)
{
	for (uint32_t a = 0; a < qnaliases; a++) {
		if (!qglob_match(full, qaliases[a].probe))
			continue;
		for (int f = 0; f < 8 && qaliases[a].fields[f].name; f++)
			if (!strcmp(qaliases[a].fields[f].name, "argv"))
				return qtype_family(qaliases[a].type, buf, len);
	}
	return NULL;
}

/* One probe of an action into the plan: 0, 1 with *err set (a usage error), -1 no memory. */
static int plan_probe(struct plan *p, const struct qsource *src, const struct qprobe_spec *spec,
		      const struct action_uses *u, char **err)
{
	char full[1024], provider[32], msg[1200], buf[32];
	const char *fam;

	qprobe_full_name(spec->text, full, sizeof(full), provider, sizeof(provider));
	if (!strcmp(full, "BEGIN") || !strcmp(full, "END") || !strcmp(provider, "interval"))
		return 0;
	if (!strchr(full, ':')) {
		*err = qerror_format(src, &spec->loc, "Invalid probe type: %s", full);
		return *err ? 1 : -1;
	}
	if (qprobe_unrecordable(full, provider, msg, sizeof(msg))) {
		*err = qerror_format(src, &spec->loc, "%s", msg);
		return *err ? 1 : -1;
	}
	if (!strcmp(provider, "ebrec")) {
		int ret = add_families(p, full + strlen("ebrec:"));

		if (ret == 1) {
			*err = qerror_format(src, &spec->loc, "%s: no event type of ebrec's matches "
					     "(ebrec-query(1) lists them: ebrec:file.open, "
					     "ebrec:block.rq ...)", full);
			return *err ? 1 : -1;
		}
		return ret;
	}
	if (!strcmp(provider, "profile")) {
		unsigned long hz;
		char extra;

		/* profile:hz:N sets the rate; profile:ms:N and the others sample at the default */
		if (sscanf(full, "profile:hz:%lu%c", &hz, &extra) == 1 && hz)
			snprintf(p->hz, sizeof(p->hz), "%lu", hz);
		return events_add(&p->events, "profile", false, false);
	}
	if (strcmp(provider, "tracepoint") && strcmp(provider, "uprobe") &&
	    strcmp(provider, "uretprobe") && strcmp(provider, "usdt")) {
		*err = qerror_format(src, &spec->loc, "%s: ebrec records no %s probes (it records "
				     "tracepoint:, uprobe:, uretprobe:, usdt:, profile: and its "
				     "families' ebrec:)", full, provider);
		return *err ? 1 : -1;
	}
	if (!strcmp(provider, "tracepoint") && u->reads_argv &&
	    (fam = argv_family(full, buf, sizeof(buf))))
		return events_add(&p->events, fam, false, false);
	if (events_add(&p->events, full, u->kstack, u->ustack))
		return -1;
	if (!strcmp(provider, "tracepoint"))
		return 0; /* a tracepoint's strings are its own fields, read at the probe */
	for (int a = 0; a <= 6; a++) {
		char arg[1100];
		int ret;

		if (!(u->str_args & (1u << a)))
			continue;
		if ((a == 6) != !strcmp(provider, "uretprobe"))
			continue; /* str(retval) of a uprobe reads nothing the trace could hold */
		if (a == 6)
			snprintf(arg, sizeof(arg), "%s:retval", full);
		else
			snprintf(arg, sizeof(arg), "%s:arg%d", full, a);
		ret = plan_option(p, "--str", arg);
		if (ret) {
			if (ret > 0 && !(*err = qerror_format(src, &spec->loc, "%s: more strings "
							      "than ebrec record takes", full)))
				return -1;
			return ret;
		}
	}
	return 0;
}

/* One program (its text) into the plan: 0, 1 with *err set, -1 out of memory. */
static int plan_program(struct plan *p, const char *name, const char *text, size_t len,
			char **err)
{
	struct qsource src = { name, text, len };
	struct qprogram prog;
	int ret = 0;

	if (qparse(&prog, &src, err)) {
		ret = prog.arena.failed && !*err ? -1 : 1;
		goto out;
	}
	for (uint32_t a = 0; a < prog.nactions && !ret; a++) {
		struct qaction *act = &prog.actions[a];
		struct action_uses u = { 0 };

		walk(act->filter, &u);
		walk(act->body, &u);
		for (uint32_t i = 0; i < act->nprobes && !ret; i++)
			ret = plan_probe(p, &src, &act->probes[i], &u, err);
	}
out:
	qprogram_release(&prog);
	return ret;
}

static bool is_program_option(const char *arg, const char **value, bool *inline_text,
			      int *used)
{
	static const char *const names[] = { "--program", "--program-text" };

	for (int i = 0; i < 2; i++) {
		size_t n = strlen(names[i]);

		if (strncmp(arg, names[i], n) || (arg[n] && arg[n] != '='))
			continue;
		*inline_text = i == 1;
		*value = arg[n] ? arg + n + 1 : NULL;
		*used = arg[n] ? 1 : 2;
		return true;
	}
	return false;
}

int query_record(int argc, char **argv, int (*record)(int argc, char **argv))
{
	struct plan plan = { 0 };
	char **nargv = NULL, *err = NULL;
	int status = 0, nargc = 0, first = -1;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *value;
		char *text;
		bool inline_text;
		size_t len;
		int used, ret;

		if (!is_program_option(argv[i], &value, &inline_text, &used))
			continue;
		if (!value && i + 1 >= argc) {
			fprintf(stderr, "ebrec record: %s needs a value (see 'ebrec record --help')\n",
				argv[i]);
			status = 2;
			goto out;
		}
		if (!value)
			value = argv[i + 1];
		if (first < 0)
			first = i;
		i += used - 1;
		if (inline_text) {
			text = strdup(value);
			len = strlen(value);
		} else if (!(text = query_read_program("record", value, &len))) {
			status = 2;
			goto out;
		}
		if (!text) {
			status = 1;
			goto nomem;
		}
		ret = plan_program(&plan, inline_text ? "stdin" : value, text, len, &err);
		free(text);
		if (ret) {
			if (ret < 0 || !err)
				goto nomem;
			fprintf(stderr, "ebrec record: the program does not say what to record:\n%s",
				err);
			status = 2;
			goto out;
		}
	}
	if (first < 0)
		return record(argc, argv);
	if (!plan.events.n) {
		fprintf(stderr, "ebrec record: the program has no probe a trace can hold (BEGIN, END "
				"and interval probes need no recording)\n");
		status = 2;
		goto out;
	}

	/* argv with the program options replaced by -e LIST, --str ..., -F HZ where the first was */
	if (events_join(&plan.events))
		goto nomem;
	nargv = calloc((size_t)argc + RECORD_MAX_EXTRA + 6, sizeof(*nargv));
	if (!nargv)
		goto nomem;
	for (int i = 0, past = 0; i < argc; i++) {
		const char *value;
		bool inline_text;
		int used;

		if (i == first) {
			nargv[nargc++] = "-e";
			nargv[nargc++] = plan.events.joined;
			for (int x = 0; x < plan.nextra; x++)
				nargv[nargc++] = plan.extra[x];
			if (plan.hz[0]) {
				nargv[nargc++] = "-F";
				nargv[nargc++] = plan.hz;
			}
		}
		past |= !strcmp(argv[i], "--");
		if (i && !past && is_program_option(argv[i], &value, &inline_text, &used)) {
			i += used - 1;
			continue;
		}
		nargv[nargc++] = argv[i];
	}
	status = record(nargc, nargv);
	goto out;
nomem:
	fprintf(stderr, "ebrec record: out of memory\n");
	status = 1;
out:
	free(nargv);
	free(err);
	plan_release(&plan);
	return status;
}
