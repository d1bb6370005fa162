// SPDX-License-Identifier: GPL-2.0-only
/* Kernel symbols: record/ksyms.h. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "format/array_size.h"
#include "record/ksyms.h"
#include "record/record.h"
#include "record/translate.h"

_Static_assert(offsetof(struct ksym, addr) == 0, "addr_table_upto() reads the leading address");

static int by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Appends s (len bytes and a NUL) to the name pool; its offset, or -1. */
static long add_name(struct ksyms *k, const char *s, size_t len)
{
	size_t off = k->names_len;

	if (off + len + 1 > k->names_cap) {
		size_t cap = k->names_cap ? k->names_cap * 2 : 1 << 20;
		char *names;

		while (cap < off + len + 1)
			cap *= 2;
		if (cap > UINT32_MAX || !(names = realloc(k->names, cap)))
			return -1;
		k->names = names;
		k->names_cap = cap;
	}
	memcpy(k->names + off, s, len);
	k->names[off + len] = 0;
	k->names_len = off + len + 1;
	return (long)off;
}

static int add_line(struct ksyms *k, char *line, size_t *cap)
{
	char *end, *name, *tab;
	unsigned long long addr = strtoull(line, &end, 16);
	long name_off, mod_off = 0;
	char type;

	if (end == line || end[0] != ' ' || !end[1] || end[2] != ' ')
		return 0;
	type = end[1];
	/* functions only: text, weak; data symbols are never in a stack */
	if (type != 't' && type != 'T' && type != 'w' && type != 'W')
		return 0;
	name = end + 3;
	tab = strchr(name, '\t');
	if (tab)
		*tab = 0;
	if (k->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 65536;
		struct ksym *syms = reallocarray(k->syms, ncap, sizeof(*syms));

		if (!syms)
			return -ENOMEM;
		k->syms = syms;
		*cap = ncap;
	}
	name_off = add_name(k, name, strlen(name));
	if (name_off < 0)
		return -ENOMEM;
	if (tab && tab[1] == '[') { /* "name\t[module]" */
		char *module = tab + 2;

		module[strcspn(module, "]")] = 0;
		mod_off = add_name(k, module, strlen(module));
		if (mod_off < 0)
			return -ENOMEM;
	}
	k->syms[k->n].addr = addr;
	k->syms[k->n].name = (uint32_t)name_off;
	k->syms[k->n].module = (uint32_t)mod_off;
	k->n++;
	return 0;
}

int ksyms_load(struct ksyms *k, char *msg, size_t msglen)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char *line = NULL;
	size_t len = 0, cap = 0, nonzero = 0;
	int err = 0;

	if (!f) {
		snprintf(msg, msglen, "cannot read /proc/kallsyms: %s", strerror(errno));
		return -errno;
	}
	/* offset 0 is the empty module name */
	if (add_name(k, "", 0) < 0)
		err = -ENOMEM;
	while (!err && getline(&line, &len, f) > 0) {
		line[strcspn(line, "\n")] = 0;
		err = add_line(k, line, &cap);
		if (!err && k->n && k->syms[k->n - 1].addr)
			nonzero++;
	}
	free(line);
	fclose(f);
	if (err) {
		snprintf(msg, msglen, "reading /proc/kallsyms: %s", strerror(-err));
		return err;
	}
	if (!nonzero) {
		snprintf(msg, msglen, "/proc/kallsyms shows no addresses (kernel.kptr_restrict): "
				      "kernel frames will not be named");
		k->n = 0;
		return -EPERM;
	}
	qsort(k->syms, k->n, sizeof(*k->syms), by_addr);
	k->loaded = true;
	return 0;
}

const struct ksym *ksyms_find(const struct ksyms *k, uint64_t addr)
{
	/* the last symbol starting at or before addr */
	size_t upto = addr_table_upto(k->syms, k->n, sizeof(*k->syms), addr);

	return upto ? &k->syms[upto - 1] : NULL;
}

static bool is_tracing(const struct ksyms *k, const struct ksym *s)
{
	static const char *const prefixes[] = { "bpf_", "__bpf_", "__traceiter_", "perf_trace_",
						"trace_event_raw_event_" };
	const char *name = k->names + s->name;

	if (!strcmp(k->names + s->module, "bpf"))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

size_t ksyms_tracing_frames(const struct ksyms *k, const uint64_t *frames, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const struct ksym *s = ksyms_find(k, frames[i]);

		if (!s || !is_tracing(k, s))
			break;
		i++;
	}
	return i == n ? 0 : i; /* a stack of nothing but tracing frames is kept as it is */
}

int ksyms_use(struct ksyms *k, uint64_t lookup_addr)
{
	return addrset_add(&k->used, lookup_addr);
}

/* Bytes from s to the next symbol at a higher address; 0 for the last. */
static uint64_t ksym_size(const struct ksyms *k, const struct ksym *s)
{
	for (const struct ksym *next = s + 1; next < k->syms + k->n; next++)
		if (next->addr > s->addr)
			return next->addr - s->addr;
	return 0;
}

int ksyms_write(struct ksyms *k, struct ebr_writer *w, uint64_t now, uint64_t *frames,
		uint64_t *resolved)
{
	const struct ksym *last = NULL;
	int err = 0;

	addrset_compact(&k->used);
	/* used addresses are sorted, so each symbol comes up in one run */
	for (size_t i = 0; i < k->used.n && !err; i++) {
		const struct ksym *s = ksyms_find(k, k->used.items[i].key);
		struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };

		*frames += k->used.items[i].count;
		if (!s)
			continue;
		*resolved += k->used.items[i].count;
		if (s == last)
			continue;
		last = s;
		v[EBR_F_SYM_KERNEL_ADDR].u = s->addr;
		v[EBR_F_SYM_KERNEL_SIZE].u = ksym_size(k, s);
		v[EBR_F_SYM_KERNEL_NAME].s = k->names + s->name;
		v[EBR_F_SYM_KERNEL_MODULE].s = k->names + s->module;
		err = errno_of_ebr(ebr_writer_event(w, EBR_EV_SYM_KERNEL, now, 0, v));
	}
	k->used.n = 0;
	return err;
}

void ksyms_free(struct ksyms *k)
{
	free(k->syms);
	free(k->names);
	addrset_free(&k->used);
	memset(k, 0, sizeof(*k));
}
