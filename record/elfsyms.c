// SPDX-License-Identifier: GPL-2.0-only
/* The function symbols of an ELF module, sorted: record/elfsyms.h. */
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include "record/addrset.h"
#include "record/elfsyms.h"
#include "record/grow.h"

/* Symbols holding one address, beyond which libdwfl is asked. */
#define MAX_HOLDERS 64

_Static_assert(offsetof(struct elfsym, value) == 0, "addr_table_upto() reads the leading value");

static int by_value(const void *a, const void *b)
{
	const struct elfsym *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->ndx < y->ndx ? -1 : x->ndx > y->ndx;
}

static int by_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint8_t bind_rank(const GElf_Sym *sym)
{
	switch (GELF_ST_BIND(sym->st_info)) {
	case STB_GLOBAL:
		return 3;
	case STB_WEAK:
		return 2;
	case STB_LOCAL:
		return 1;
	default:
		return 0;
	}
}

/* Whether libdwfl's search considers sym at all. */
static bool eligible(const char *name, const GElf_Sym *sym)
{
	int type = GELF_ST_TYPE(sym->st_info);

	return name && name[0] && sym->st_shndx != SHN_UNDEF && type != STT_SECTION &&
	       type != STT_FILE && type != STT_TLS;
}

static int add_value(struct elfsym_values *values, uint64_t value)
{
	if (record_grow(&values->v, values->n, &values->cap, sizeof(*values->v), 64))
		return -ENOMEM;
	values->v[values->n++] = value;
	return 0;
}

static void sort_values(struct elfsym_values *values)
{
	if (values->n)
		qsort(values->v, values->n, sizeof(*values->v), by_u64);
}

/*
 * A sizeless symbol: all of them bound the labels above them; libdwfl names an address by one
 * in a section only if the address is in that section too, by one outside (absolute) only at
 * its exact value.
 */
static int add_sizeless(struct elfsyms *s, uint64_t value, GElf_Word shndx, bool global)
{
	int err = add_value(&s->sizeless, value);

	err = err ?: add_value(shndx < SHN_LORESERVE ? &s->labels : &s->abs_labels, value);
	if (!err && global)
		err = add_value(&s->global_sizeless, value);
	return err;
}

int elfsyms_load(struct elfsyms *s, Dwfl_Module *mod)
{
	size_t cap = 0;
	GElf_Addr bias;
	GElf_Ehdr eh;
	Elf *elf = dwfl_module_getelf(mod, &bias);
	int nsyms = dwfl_module_getsymtab(mod);
	int first_global = dwfl_module_getsymtab_first_global(mod);
	int err = 0;

	memset(s, 0, sizeof(*s));
	/* a function descriptor's symbol (ppc64) names two addresses: libdwfl's own way */
	if (!elf || !gelf_getehdr(elf, &eh) || eh.e_machine == EM_PPC64 || nsyms < 0 ||
	    first_global < 0)
		return -ENOENT;
	s->has_locals = first_global > 1;
	for (int i = 1; i < nsyms && !err; i++) {
		GElf_Sym sym;
		GElf_Addr value;
		GElf_Word shndx;
		const char *name = dwfl_module_getsym_info(mod, i, &sym, &value, &shndx, NULL,
							   NULL);
		bool global = i >= first_global;

		if (!eligible(name, &sym))
			continue;
		if (!sym.st_size) {
			err = add_sizeless(s, value, shndx, global);
			continue;
		}
		if (record_grow(&s->syms, s->n, &cap, sizeof(*s->syms), 256)) {
			err = -ENOMEM;
			break;
		}
		s->syms[s->n++] = (struct elfsym){ value, value + sym.st_size, name, (uint32_t)i,
						   bind_rank(&sym), global };
	}
	if (!err && s->n) {
		s->max_end = malloc(s->n * sizeof(*s->max_end));
		s->max_end_global = malloc(s->n * sizeof(*s->max_end_global));
		if (!s->max_end || !s->max_end_global)
			err = -ENOMEM;
	}
	if (err) {
		elfsyms_free(s);
		return err;
	}
	qsort(s->syms, s->n, sizeof(*s->syms), by_value);
	for (size_t i = 0; i < s->n; i++) {
		uint64_t end = s->syms[i].end, before = i ? s->max_end[i - 1] : 0;
		uint64_t before_global = i ? s->max_end_global[i - 1] : 0;

		s->max_end[i] = before > end ? before : end;
		s->max_end_global[i] = before_global;
		if (s->syms[i].global && end > before_global)
			s->max_end_global[i] = end;
	}
	sort_values(&s->sizeless);
	sort_values(&s->global_sizeless);
	sort_values(&s->labels);
	sort_values(&s->abs_labels);
	return 0;
}

/*
 * libdwfl's choice among the symbols with a size that hold the address, of one part of the
 * table, met in table order: the nearest start, then the stronger binding; at an equal start,
 * the smaller one unless weaker, then the first met.
 */
static const struct elfsym *pick(const struct elfsym **holders, size_t n, bool global)
{
	const struct elfsym *best = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct elfsym *c = holders[i];

		if (c->global != global)
			continue;
		if (!best || best->value < c->value || best->bind < c->bind)
			best = c;
		else if (best->value == c->value &&
			 ((best->end > c->end && best->bind <= c->bind) ||
			  (best->end >= c->end && best->bind < c->bind)))
			best = c;
	}
	return best;
}

static bool has_value(const struct elfsym_values *values, uint64_t value)
{
	size_t upto = addr_table_upto(values->v, values->n, sizeof(*values->v), value);

	return upto && values->v[upto - 1] == value;
}

/* The greatest of values at or below addr, or 0. */
static uint64_t last_upto(const struct elfsym_values *values, uint64_t addr)
{
	size_t upto = addr_table_upto(values->v, values->n, sizeof(*values->v), addr);

	return upto ? values->v[upto - 1] : 0;
}

/*
 * Whether libdwfl could name addr, held by no symbol with a size, by a sizeless one: it keeps
 * the last sizeless symbol it meets that starts at or past the end of every symbol met before
 * it, and gives it only if it starts at or past the end of all those met at or below addr (in
 * the global part, or in both when it searched the local part too): so one must start exactly
 * at the greatest of those ends. upto: the symbols with a size starting at or below addr.
 */
static bool sizeless_may_name(const struct elfsyms *s, size_t upto, uint64_t addr)
{
	uint64_t all = upto ? s->max_end[upto - 1] : 0;
	uint64_t global = upto ? s->max_end_global[upto - 1] : 0;
	uint64_t label = last_upto(&s->sizeless, addr);
	uint64_t global_label = last_upto(&s->global_sizeless, addr);

	if (label > all)
		all = label;
	if (global_label > global)
		global = global_label;
	return has_value(&s->labels, all) || has_value(&s->labels, global) ||
	       has_value(&s->abs_labels, addr);
}

const char *elfsyms_find(const struct elfsyms *s, uint64_t addr, uint64_t *off, bool *known)
{
	const struct elfsym *holders[MAX_HOLDERS], *best;
	size_t n = 0, upto = addr_table_upto(s->syms, s->n, sizeof(*s->syms), addr);

	*known = false;
	for (size_t i = upto; i-- > 0 && s->max_end[i] > addr;) {
		if (s->syms[i].end <= addr)
			continue;
		if (n == MAX_HOLDERS)
			return NULL;
		holders[n++] = &s->syms[i];
	}
	/* in table order, as libdwfl meets them */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && holders[j - 1]->ndx > holders[j]->ndx; j--) {
			const struct elfsym *t = holders[j];

			holders[j] = holders[j - 1];
			holders[j - 1] = t;
		}
	best = pick(holders, n, true);
	/* the local part is searched unless a global sizeless symbol starts at addr */
	if (!best && s->has_locals) {
		if (has_value(&s->global_sizeless, addr))
			return NULL;
		best = pick(holders, n, false);
	}
	if (best) {
		*known = true;
		*off = addr - best->value;
		return best->name;
	}
	*known = !sizeless_may_name(s, upto, addr);
	return NULL;
}

void elfsyms_free(struct elfsyms *s)
{
	free(s->syms);
	free(s->max_end);
	free(s->max_end_global);
	free(s->sizeless.v);
	free(s->global_sizeless.v);
	free(s->labels.v);
	free(s->abs_labels.v);
	memset(s, 0, sizeof(*s));
}
