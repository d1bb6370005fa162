// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fields of a generic probe's event type, and what its BPF program copies: from a
 * tracepoint's format file (parsed with libtraceevent, as the readers parse it, so that both
 * sides see the same offsets), or from the arguments of a uprobe, uretprobe or USDT probe.
 * No skeleton: tests/unit/test_translate.c builds probes from format files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include "record/generic.h"
#include "record/translate.h"

/* A probe's fields as they are being built. */
struct field_list {
	struct ebr_field_def defs[EBR_MAX_FIELDS];
	struct generic_field src[EBR_MAX_FIELDS];
	uint32_t n;
	bool full;
};

static int add_field(struct field_list *l, const char *name, enum ebr_kind kind,
		     struct generic_field src)
{
	char *copy;

	if (l->n == EBR_MAX_FIELDS) {
		l->full = true;
		return -EINVAL;
	}
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	l->defs[l->n] = (struct ebr_field_def){ copy, kind, NULL };
	l->src[l->n++] = src;
	return 0;
}

static void field_list_release(struct field_list *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		free((char *)l->defs[i].name);
	l->n = 0;
}

/* Moves the fields into p, named name. */
static int field_list_finish(struct field_list *l, struct generic_probe *p, const char *name)
{
	p->fields = calloc(l->n, sizeof(*p->fields));
	p->src = calloc(l->n, sizeof(*p->src));
	p->def.name = strdup(name);
	if (!p->fields || !p->src || !p->def.name) {
		field_list_release(l);
		return -ENOMEM;
	}
	memcpy(p->fields, l->defs, l->n * sizeof(*p->fields));
	memcpy(p->src, l->src, l->n * sizeof(*p->src));
	p->def.fields = p->fields;
	p->def.nfields = l->n;
	l->n = 0;
	return 0;
}

/* The fields every generic probe's events begin with: the task the probe fired in. */
static int add_common(struct field_list *l)
{
	int err = add_field(l, "common_pid", EBR_KIND_U64,
			    (struct generic_field){ .src = GSRC_COMMON_PID });

	err = err ?: add_field(l, "common_tgid", EBR_KIND_U64,
			       (struct generic_field){ .src = GSRC_COMMON_TGID });
	return err ?: add_field(l, "common_comm", EBR_KIND_STR,
				(struct generic_field){ .src = GSRC_COMMON_COMM });
}

/* The fields every generic probe's events end with: stacks and what was cut. */
static int add_tail(struct field_list *l, unsigned flags, bool strings)
{
	int err = 0;

	if (flags & EBR_GEN_KSTACK)
		err = add_field(l, "kstack", EBR_KIND_STACK,
				(struct generic_field){ .src = GSRC_KSTACK });
	if (!err && (flags & EBR_GEN_USTACK))
		err = add_field(l, "ustack", EBR_KIND_STACK,
				(struct generic_field){ .src = GSRC_USTACK });
	if (!err && (strings || (flags & (EBR_GEN_KSTACK | EBR_GEN_USTACK))))
		err = add_field(l, "capture_flags", EBR_KIND_U64,
				(struct generic_field){ .src = GSRC_FLAGS });
	return err;
}

/* "char[16]", "__data_loc char[]", "const char[]": a string, up to its first NUL. */
static bool is_char_array(const char *type)
{
	if (!strncmp(type, "__data_loc ", 11))
		type += 11;
	else if (!strncmp(type, "__rel_loc ", 10))
		type += 10;
	if (!strncmp(type, "const ", 6))
		type += 6;
	return !strncmp(type, "char[", 5);
}

/* One field of a tracepoint's format, after its common fields. */
static int add_tracepoint_field(struct field_list *l, struct ebr_generic_cfg *cfg,
				const struct tep_format_field *f)
{
	struct generic_field src = { .offset = (uint16_t)f->offset, .size = (uint16_t)f->size,
				     .is_signed = f->flags & TEP_FIELD_IS_SIGNED,
				     .rel = f->flags & TEP_FIELD_IS_RELATIVE };
	enum ebr_kind kind;

	if (f->offset < 8 || f->size <= 0 || f->offset + f->size > EBR_GENERIC_RAW_MAX)
		return -EINVAL;
	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		if (f->size != 4 || cfg->ndyn == EBR_GENERIC_MAX_DYN)
			return -EINVAL;
		cfg->dyn_off[cfg->ndyn++] = (uint16_t)(f->offset | (src.rel ? EBR_GEN_DYN_REL : 0));
		src.src = GSRC_DYNAMIC;
		kind = is_char_array(f->type) ? EBR_KIND_STR : EBR_KIND_BYTES;
	} else if ((f->flags & TEP_FIELD_IS_ARRAY) || (f->size != 1 && f->size != 2 &&
						       f->size != 4 && f->size != 8)) {
		src.src = GSRC_ARRAY;
		kind = is_char_array(f->type) ? EBR_KIND_STR : EBR_KIND_BYTES;
	} else {
		src.src = GSRC_NUMBER;
		kind = src.is_signed ? EBR_KIND_S64 : EBR_KIND_U64;
	}
	if ((uint32_t)(f->offset + f->size) > cfg->raw_size)
		cfg->raw_size = (uint32_t)(f->offset + f->size);
	return add_field(l, f->name, kind, src);
}

/*
 * A syscalls: tracepoint's `const char *` argument: the string it points to in user memory
 * is read at the probe, into a field NAME_str.
 */
static int add_user_string(struct field_list *l, struct ebr_generic_cfg *cfg,
			   const struct tep_format_field *f)
{
	char name[256];

	if (cfg->nstr == EBR_GENERIC_MAX_STRS || f->size != 8)
		return 0; /* more than the record has room for: the pointer alone */
	snprintf(name, sizeof(name), "%s_str", f->name);
	cfg->str_src[cfg->nstr] = (uint16_t)f->offset;
	return add_field(l, name, EBR_KIND_STR,
			 (struct generic_field){ .src = GSRC_STRING, .index = cfg->nstr++ });
}

int generic_tracepoint_fields(struct generic_probe *p, const char *sys, const char *name,
			      const char *text)
{
	struct tep_handle *tep = tep_alloc();
	struct tep_event *ev = NULL;
	struct field_list l = { .n = 0 };
	char type_name[512];
	int err = -ENOMEM;

	if (!tep)
		return -ENOMEM;
	p->cfg = (struct ebr_generic_cfg){ .kind = EBR_GEN_TRACEPOINT, .raw_size = 8,
					   .flags = p->cfg.flags };
	if (!strcmp(sys, "syscalls"))
		p->cfg.flags |= EBR_GEN_NOT_SELF;
	err = -EINVAL;
	if (tep_parse_format(tep, &ev, text, strlen(text), sys) || !ev)
		goto cleanup;
	err = add_common(&l);
	for (struct tep_format_field *f = ev->format.fields; f && !err; f = f->next)
		err = add_tracepoint_field(&l, &p->cfg, f);
	if (!strcmp(sys, "syscalls"))
		for (struct tep_format_field *f = ev->format.fields; f && !err; f = f->next)
			if (!strcmp(f->type, "const char *"))
				err = add_user_string(&l, &p->cfg, f);
	err = err ?: add_tail(&l, p->cfg.flags, p->cfg.nstr > 0);
	if (l.full)
		err = -EINVAL;
	snprintf(type_name, sizeof(type_name), "tracepoint:%s:%s", sys, name);
	err = err ?: field_list_finish(&l, p, type_name);
cleanup:
	field_list_release(&l);
	tep_free(tep);
	return err;
}

int generic_arg_fields(struct generic_probe *p, unsigned nargs, uint32_t signed_args)
{
	struct field_list l = { .n = 0 };
	const char *kind_name = probe_kind_name(p->cfg.kind);
	char name[PROBE_SPEC_MAX * 2];
	int err;

	if (nargs > EBR_GENERIC_MAX_ARGS)
		return -EINVAL;
	p->cfg.nargs = (uint8_t)nargs;
	p->cfg.flags |= EBR_GEN_NOT_SELF; /* uprobe:libc:malloc would see the recorder's own */
	err = add_common(&l);
	for (unsigned i = 0; i < nargs && !err; i++) {
		bool is_signed = signed_args & (1u << i);

		if (p->cfg.kind == EBR_GEN_URETPROBE)
			snprintf(name, sizeof(name), "retval");
		else
			snprintf(name, sizeof(name), "arg%u", i);
		err = add_field(&l, name, is_signed ? EBR_KIND_S64 : EBR_KIND_U64,
				(struct generic_field){ .src = GSRC_ARG, .index = (uint8_t)i,
							.is_signed = is_signed });
	}
	p->cfg.nstr = 0;
	for (unsigned i = 0; i < nargs && !err; i++) {
		if (!(p->str_args & (1ull << i)) || p->cfg.nstr == EBR_GENERIC_MAX_STRS)
			continue;
		snprintf(name, sizeof(name), "%s_str", l.defs[3 + i].name);
		p->cfg.str_src[p->cfg.nstr] = (uint16_t)i;
		err = add_field(&l, name, EBR_KIND_STR,
				(struct generic_field){ .src = GSRC_STRING,
							.index = p->cfg.nstr++ });
	}
	err = err ?: add_tail(&l, p->cfg.flags, p->cfg.nstr > 0);
	if (p->cfg.kind == EBR_GEN_USDT)
		snprintf(name, sizeof(name), "usdt:%s:%s:%s", p->path, p->func, p->usdt_name);
	else
		snprintf(name, sizeof(name), "%s:%s:%s", kind_name, p->path, p->func);
	err = err ?: field_list_finish(&l, p, name);
	field_list_release(&l);
	return err;
}

void generic_probe_release(struct generic_probe *p)
{
	for (uint32_t i = 0; p->fields && i < p->def.nfields; i++)
		free((char *)p->fields[i].name);
	free(p->fields);
	free(p->src);
	free((char *)p->def.name);
	free(p->path);
	free(p->func);
	free(p->usdt_name);
	free(p->format);
	free(p->sys);
	free(p->tp);
	memset(p, 0, sizeof(*p));
}

int generic_describe(const struct generic_probes *g, struct ebr_writer *w)
{
	char key[PROBE_SPEC_MAX * 2];
	int err = 0;

	for (size_t i = 0; i < g->n && !err; i++) {
		const struct generic_probe *p = &g->p[i];

		snprintf(key, sizeof(key), "probe.%u", generic_probe_id(i));
		err = errno_of_ebr(ebr_writer_meta(w, key, p->def.name));
		if (!err && p->format) {
			snprintf(key, sizeof(key), "format.%s", p->def.name);
			err = errno_of_ebr(ebr_writer_meta(w, key, p->format));
		}
		if (!err && p->sys && !strcmp(p->sys, "syscalls")) {
			snprintf(key, sizeof(key), "probe.%u.path", generic_probe_id(i));
			err = errno_of_ebr(ebr_writer_meta(w, key,
							   p->raw_syscall ? "raw" : "perf"));
		}
	}
	if (!err && g->n) {
		snprintf(key, sizeof(key), "%zu", sizeof(long));
		err = errno_of_ebr(ebr_writer_meta(w, "host.long_size", key));
	}
	if (!err && g->comm[0])
		err = errno_of_ebr(ebr_writer_meta(w, "record.comm_filter", g->comm));
	return err;
}
