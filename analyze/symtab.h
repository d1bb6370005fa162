/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The symbols a trace carries (sym.kernel, sym.object, sym.map, sym.func: FORMAT.md "Stacks
 * and symbols") and the naming of stack frames through them. The recorder writes symbols
 * after the stacks that need them, so a view collects both and names frames at the end.
 */
#ifndef EBREC_ANALYZE_SYMTAB_H
#define EBREC_ANALYZE_SYMTAB_H

#include <stdbool.h>
#include <stdint.h>
#include "format/ebr.h"

/* Caps that keep a hostile trace from exhausting memory (extra entries are ignored). */
#define SYMTAB_MAX_ENTRIES (1u << 22)
#define SYMTAB_MAX_INLINE 16

struct symtab_ksym {
	uint64_t addr, size;
	char *name, *module;
};

struct symtab_object {
	uint64_t id;
	char *path;
};

struct symtab_map {
	uint64_t pid, start, end, pgoff, object;
	uint32_t seq; /* later mappings of a range replace earlier ones */
	char *name;
};

struct symtab_func {
	uint64_t object, offset, depth, line;
	char *name, *file;
};

struct symtab {
	struct symtab_ksym *ksyms;
	uint32_t nksyms, cap_ksyms;
	struct symtab_object *objects;
	uint32_t nobjects, cap_objects;
	struct symtab_map *maps;
	uint32_t nmaps, cap_maps;
	struct symtab_func *funcs;
	uint32_t nfuncs, cap_funcs;
	uint64_t ignored; /* entries past the caps */
	bool sorted;
};

/* Keeps ev if it is a sym.* event: 1 if it was, 0 if not, or EBR_E_NOMEM. */
int symtab_on_event(struct symtab *s, const struct ebr_event *ev);
/* Sorts the tables for lookups: call once every event is in. */
void symtab_sort(struct symtab *s);

/* The names of one frame: several when functions were inlined there, innermost first. */
struct frame_names {
	const char *name[SYMTAB_MAX_INLINE + 1];
	int n;
	bool resolved;  /* false: name[0] is "[unknown] module+0xoffset" */
	char buf[192];  /* for such synthesized names */
};

/*
 * Names frame i of a stack: kernel (pid ignored) or user of process pid. Frames after the
 * leaf (i > 0) are return addresses, looked up at address - 1 (the call).
 */
void symtab_name_frame(const struct symtab *s, bool kernel, uint64_t pid, uint64_t addr,
		       uint32_t i, struct frame_names *out);
void symtab_release(struct symtab *s);

#endif
