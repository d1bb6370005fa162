// SPDX-License-Identifier: GPL-2.0-only
/* Generic probes as text (record/probe_spec.h): parsed, never resolved, here. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bpf/events.h"
#include "format/array_size.h"
#include "record/probe_spec.h"

static const struct {
	const char *prefix;
	int kind;
} prefixes[] = {
	{ "tracepoint", EBR_GEN_TRACEPOINT }, { "t", EBR_GEN_TRACEPOINT },
	{ "uprobe", EBR_GEN_UPROBE },         { "u", EBR_GEN_UPROBE },
	{ "uretprobe", EBR_GEN_URETPROBE },   { "ur", EBR_GEN_URETPROBE },
	{ "usdt", EBR_GEN_USDT },             { "U", EBR_GEN_USDT },
};

bool probe_spec_is_probe(const char *item)
{
	return strchr(item, ':') != NULL;
}

const char *probe_kind_name(int kind)
{
	/* the first prefix of each kind is its full name */
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (prefixes[i].kind == kind)
			return prefixes[i].prefix;
	return "?";
}

/* Takes the +kstack/+ustack modifiers off the end of s; -EINVAL for another "+word". */
static int strip_modifiers(char *s, unsigned *flags, char *err, size_t errlen)
{
	for (;;) {
		char *plus = strrchr(s, '+');

		if (!plus || strchr(plus, ':') || strchr(plus, '/'))
			return 0;
		if (!strcmp(plus, "+kstack"))
			*flags |= EBR_GEN_KSTACK;
		else if (!strcmp(plus, "+ustack"))
			*flags |= EBR_GEN_USTACK;
		else if (plus[1] && strspn(plus + 1, "abcdefghijklmnopqrstuvwxyz") ==
					    strlen(plus + 1)) {
			snprintf(err, errlen, "unknown modifier '%s' (+kstack and +ustack are "
				 "known)", plus);
			return -EINVAL;
		} else {
			return 0; /* a '+' of the function's name, as C++ operator+ */
		}
		*plus = 0;
	}
}

int probe_spec_parse(const char *text, struct probe_spec *spec, char *err, size_t errlen)
{
	char *rest, *colon, *last;
	size_t n;

	memset(spec, 0, offsetof(struct probe_spec, buf));
	if (strlen(text) >= sizeof(spec->buf)) {
		snprintf(err, errlen, "probe '%.40s...' is too long", text);
		return -EINVAL;
	}
	strcpy(spec->buf, text);
	if (strip_modifiers(spec->buf, &spec->flags, err, errlen))
		return -EINVAL;
	colon = strchr(spec->buf, ':');
	if (!colon) {
		snprintf(err, errlen, "'%s' is not a probe (tracepoint:SYS:NAME, uprobe:PATH:FUNC, "
			 "uretprobe:PATH:FUNC or usdt:PATH:PROVIDER:NAME)", text);
		return -EINVAL;
	}
	*colon = 0;
	rest = colon + 1;
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strcmp(spec->buf, prefixes[i].prefix))
			spec->kind = prefixes[i].kind;
	if (!spec->kind) {
		snprintf(err, errlen, "unknown probe type '%s' in '%s' (tracepoint, uprobe, "
			 "uretprobe, usdt; or t, u, ur, U)", spec->buf, text);
		return -EINVAL;
	}
	last = strrchr(rest, ':');
	if (!last || last == rest || !last[1])
		goto parts;
	*last = 0;
	spec->a = rest;
	spec->b = last + 1;
	if (spec->kind == EBR_GEN_TRACEPOINT) {
		if (strchr(rest, ':'))
			goto parts;
	} else if (spec->kind == EBR_GEN_USDT) {
		spec->c = spec->b;
		spec->b = NULL;
		colon = strrchr(rest, ':');
		if (colon) { /* PATH:PROVIDER:NAME */
			*colon = 0;
			spec->b = colon + 1;
			if (!*spec->b || colon == rest)
				goto parts;
		}
	}
	n = strlen(spec->a);
	if (!n)
		goto parts;
	return 0;
parts:
	snprintf(err, errlen, "'%s' lacks a part: %s", text,
		 spec->kind == EBR_GEN_TRACEPOINT ? "tracepoint:SYS:NAME" :
		 spec->kind == EBR_GEN_USDT	  ? "usdt:PATH:PROVIDER:NAME or usdt:PATH:NAME" :
						    "uprobe:PATH:FUNC");
	return -EINVAL;
}

int probe_str_parse(const char *text, struct probe_spec *spec, int *arg, char *err,
		    size_t errlen)
{
	const char *colon = strrchr(text, ':');
	char probe[PROBE_SPEC_MAX];
	char *end;

	if (!colon || (size_t)(colon - text) >= sizeof(probe)) {
		snprintf(err, errlen, "--str needs PROBE:ARG (e.g. "
			 "uretprobe:/bin/bash:readline:retval), not '%s'", text);
		return -EINVAL;
	}
	memcpy(probe, text, (size_t)(colon - text));
	probe[colon - text] = 0;
	if (!strcmp(colon + 1, "retval")) {
		*arg = 0;
	} else if (!strncmp(colon + 1, "arg", 3) && colon[4] >= '0' && colon[4] <= '9') {
		*arg = (int)strtol(colon + 4, &end, 10);
		if (*end || *arg >= EBR_GENERIC_MAX_ARGS) {
			snprintf(err, errlen, "--str '%s': arguments are arg0 to arg%d", text,
				 EBR_GENERIC_MAX_ARGS - 1);
			return -EINVAL;
		}
	} else {
		snprintf(err, errlen, "--str '%s': the argument is argN or retval, not '%s'", text,
			 colon + 1);
		return -EINVAL;
	}
	if (probe_spec_parse(probe, spec, err, errlen))
		return -EINVAL;
	if (spec->kind == EBR_GEN_TRACEPOINT) {
		snprintf(err, errlen, "--str '%s': a tracepoint's strings are its own fields (and "
			 "syscalls: tracepoints read their user strings by themselves)", text);
		return -EINVAL;
	}
	if ((spec->kind == EBR_GEN_URETPROBE) != !strcmp(colon + 1, "retval")) {
		snprintf(err, errlen, "--str '%s': a uretprobe has retval, a uprobe or USDT probe "
			 "arguments", text);
		return -EINVAL;
	}
	return 0;
}
