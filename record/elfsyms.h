/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The function symbols of one ELF module, sorted by address, for naming many addresses in it:
 * dwfl_module_addrinfo() reads the whole symbol table at every call (libdwfl 0.188), which
 * for PostgreSQL's tens of thousands of symbols was a third of `ebrec record -e profile`'s
 * CPU. Gives the name libdwfl would give, or says it cannot tell, so that the caller asks
 * libdwfl: the address's symbol is found here when a symbol with a size holds it, and so is
 * the lack of one when no sizeless symbol (an assembly label) could be chosen; the choice
 * among sizeless ones, which depends on the table's order and sections, is libdwfl's.
 */
#ifndef EBREC_RECORD_ELFSYMS_H
#define EBREC_RECORD_ELFSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <elfutils/libdwfl.h>

struct elfsym {
	uint64_t value, end; /* the module's addresses it covers: [value, end) */
	const char *name;    /* libdwfl's, valid while its session lives */
	uint32_t ndx;        /* in the module's symbol table: libdwfl's order */
	uint8_t bind;        /* STB_GLOBAL 3, STB_WEAK 2, STB_LOCAL 1, else 0: libdwfl's rank */
	bool global;         /* in the table's global part, searched first */
};

struct elfsym_values {
	uint64_t *v;
	size_t n, cap;
};

struct elfsyms {
	struct elfsym *syms;   /* with a size, by value */
	uint64_t *max_end;     /* the greatest end of syms[0..i] */
	uint64_t *max_end_global; /* of those of the global part, or 0 */
	size_t n;
	/* values of the sizeless symbols, sorted: all, of the global part, of a section, not */
	struct elfsym_values sizeless, global_sizeless, labels, abs_labels;
	bool has_locals; /* the table has a local part, searched when the global one has nothing */
};

/* Reads mod's symbol table. 0, -ENOMEM, or -ENOENT: none usable (the caller asks libdwfl). */
int elfsyms_load(struct elfsyms *s, Dwfl_Module *mod);
/*
 * The name dwfl_module_addrinfo(mod, addr) gives, and *off, addr's offset in that symbol;
 * NULL with *known true: it gives none; NULL with *known false: ask it.
 */
const char *elfsyms_find(const struct elfsyms *s, uint64_t addr, uint64_t *off, bool *known);
void elfsyms_free(struct elfsyms *s);

#endif
