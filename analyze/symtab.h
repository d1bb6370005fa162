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

/* The tables' strings point into the table of names (struct symtab_names): each once. */
struct symtab_ksym {
	uint64_t addr, size;
	const char *name, *module;
};

struct symtab_object {
	uint64_t id;
	const char *path;
	const char *build_id; /* GNU build-id in lowercase hex; "" when the file has none */
};

struct symtab_map {
	uint64_t pid, start, end, pgoff, object;
	uint32_t seq; /* later mappings of a range replace earlier ones */
	const char *name;
};

struct symtab_func {
	uint64_t object, offset, depth, line;
	const char *name, *file;
};

/*
 * A process's mappings cut where they overlap: each span names the latest mapping holding
 * its addresses, so that a frame finds its mapping with one binary search however many
 * mappings overlap it (a crafted trace can make every mapping overlap every frame).
 */
struct symtab_span {
	uint64_t pid, start, end;
	uint32_t map; /* index into maps */
};

/*
 * Every distinct string the symbols hold, kept once, function names demangled once: a
 * trace can repeat one name (a long mangled one, each demangling costing microseconds and a
 * kilobyte) in millions of events. Open addressing under a keyed hash (analyze/siphash.h).
 */
struct symtab_name {
	char *raw;  /* as the trace has it */
	char *text; /* as shown: raw, or its demangled form */
	uint64_t hash;
	bool function; /* a function's name: demangled */
};

struct symtab_names {
	struct symtab_name *slots;
	uint32_t cap, len;
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
	struct symtab_span *spans; /* by pid and start, after symtab_sort */
	uint32_t nspans;
	struct symtab_names names;
	uint64_t ignored; /* entries past the caps */
	bool sorted;
};

/* Keeps ev if it is a sym.* event: 1 if it was, 0 if not, or EBR_E_NOMEM. */
int symtab_on_event(struct symtab *s, const struct ebr_event *ev);
/* the types symtab_on_event() keeps: what a pass that only reads symbols wants of a reader */
#define SYMTAB_TYPES                                                                     \
	(EBR_TYPE(EBR_EV_SYM_KERNEL) | EBR_TYPE(EBR_EV_SYM_OBJECT) | EBR_TYPE(EBR_EV_SYM_MAP) | \
	 EBR_TYPE(EBR_EV_SYM_FUNC))
/* Sorts the tables for lookups: call once every event is in. 0 or EBR_E_NOMEM. */
int symtab_sort(struct symtab *s);

/* The names of one frame: several when functions were inlined there, innermost first. */
struct frame_names {
	const char *name[SYMTAB_MAX_INLINE + 1];
	/* each name's source file ("" unknown) and line (0 unknown), from sym.func */
	const char *file[SYMTAB_MAX_INLINE + 1];
	uint64_t line[SYMTAB_MAX_INLINE + 1];
	int n;
	/* a user frame: the mapping holding it (NULL: none) and its file offset in the mapping's
	 * object (the address when no mapping holds it); a kernel frame: NULL and the address */
	const struct symtab_map *map;
	uint64_t offset;
	bool resolved;  /* false: name[0] is "[unknown] module+0xoffset" */
	char buf[192];  /* for such synthesized names */
};

/*
 * Names frame i of a stack: kernel (pid ignored) or user of process pid. Frames after the
 * leaf (i > 0) are return addresses, looked up at address - 1 (the call).
 */
void symtab_name_frame(const struct symtab *s, bool kernel, uint64_t pid, uint64_t addr,
		       uint32_t i, struct frame_names *out);
/* The sym.object of id, or NULL (after symtab_sort). */
const struct symtab_object *symtab_object_of(const struct symtab *s, uint64_t id);
void symtab_release(struct symtab *s);

#endif
