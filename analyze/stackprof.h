/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The stack profiles of profile.sample (CPU samples) and offcpu.span (time off CPU): the
 * distinct (process, name, kernel stack, user stack) with their sample count or time, as
 * bcc's profile and offcputime count them, plus the trace's symbols to name their frames.
 */
#ifndef EBREC_ANALYZE_STACKPROF_H
#define EBREC_ANALYZE_STACKPROF_H

#include <stdbool.h>
#include <stdint.h>
#include "analyze/procfilter.h"
#include "analyze/symtab.h"
#include "analyze/u64map.h"
#include "format/ebr.h"

#define STACKPROF_MAX_STACKS (1u << 20)

enum stackprof_kind { STACKPROF_CPU, STACKPROF_OFFCPU };

struct stackprof_opts {
	enum stackprof_kind kind;
	bool kernel_only, user_only; /* -K, -U */
	struct proc_filter who;      /* -p, --comm */
	int64_t tid;                 /* -t, or -1 */
	uint64_t min_ns, max_ns;     /* offcputime -m, -M (max 0: none) */
	/* keep stacks apart that differ only in addresses within the same functions (pprof's
	 * locations are addresses); else stackprof_finish() merges them */
	bool by_address;
};

struct stackprof_stack {
	uint64_t hash;
	uint32_t next;  /* the next stack with the same hash + 1, 0 none */
	uint32_t pid;
	char comm[EBR_COMM_MAX + 1];
	uint32_t kdepth, udepth;
	uint64_t *frames;   /* kernel (leaf first), then user (leaf first) */
	uint64_t value;     /* samples, or ns off CPU */
	uint64_t count;     /* samples, or spans */
	uint32_t flags;     /* EBR stack flags seen (kernel/user stack missing or cut) */
};

struct stackprof {
	struct stackprof_opts o;
	struct stackprof_stack *stacks;
	uint32_t nstacks, cap;
	struct u64map by_hash; /* hash -> first stack + 0 */
	struct symtab syms;
	uint64_t samples;       /* events of the chosen kind that passed the filters */
	uint64_t value;         /* their total value */
	uint64_t missing_kernel, missing_user; /* stacks that could not be captured */
	uint64_t cut;           /* stacks that may be cut (their depth filled the room) */
	/* --call-graph dwarf: user stacks unwound from a copy, and those to the outermost frame */
	uint64_t unwound, unwound_whole;
	uint64_t dropped;       /* samples not kept: STACKPROF_MAX_STACKS reached */
	uint64_t t_first, t_last;
};

int stackprof_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
/* what it reads: struct analyzer's types */
#define STACKPROF_TYPES \
	(EBR_TYPE(EBR_EV_PROFILE_SAMPLE) | EBR_TYPE(EBR_EV_OFFCPU_SPAN) | \
	 EBR_TYPE(EBR_EV_SYM_KERNEL) | EBR_TYPE(EBR_EV_SYM_OBJECT) | EBR_TYPE(EBR_EV_SYM_MAP) | \
	 EBR_TYPE(EBR_EV_SYM_FUNC))
/*
 * Call once the pass is over: sorts the symbols, merges stacks whose frames have the same
 * names, sorts the stacks by value, smallest first. 0 or EBR_E_NOMEM.
 */
int stackprof_finish(struct stackprof *p);

/*
 * The frames of a stack from the root down (as flame graphs and folded lines read): user
 * frames root first, then kernel frames; inlined functions expanded. fn gets each name;
 * returns the first non-zero value of fn.
 */
int stackprof_walk_root_first(const struct stackprof *p, const struct stackprof_stack *s,
			      int (*fn)(void *ctx, const char *name, bool kernel), void *ctx);
/* The same leaf first (bcc's multi-line output): kernel frames, then user frames. */
int stackprof_walk_leaf_first(const struct stackprof *p, const struct stackprof_stack *s,
			      int (*fn)(void *ctx, const char *name, bool kernel), void *ctx);

/*
 * A stack's name, one string: its process name, its pid when with_pid, then its frames root
 * first, each part after STACKPROF_KEY_USER (the process name and pid, user frames) or
 * STACKPROF_KEY_KERNEL (kernel frames), separators no name holds. NULL when out of memory;
 * ebr_free() it. Stacks of the same name are the same stack to a flame graph.
 */
#define STACKPROF_KEY_USER '\1'
#define STACKPROF_KEY_KERNEL '\2'
char *stackprof_stack_key(const struct stackprof *p, const struct stackprof_stack *s,
			  bool with_pid);

/* Frame i (leaf first) of the kernel or the user part of stack s, named. */
void stackprof_name_frame(const struct stackprof *p, const struct stackprof_stack *s, bool kernel,
			  uint32_t i, struct frame_names *fn);

/* Frames named through the trace's symbols, weighted by value: the share info reports. */
void stackprof_resolved_share(const struct stackprof *p, uint64_t *frames, uint64_t *resolved);

void stackprof_release(struct stackprof *p);

/*
 * The summary's hottest stacks: key "comm\x01leaf\x01caller\x01caller" (frames up to the first
 * unnamed one), value summed over the stacks that share it. Leaf frames that only say a
 * sample landed in the scheduler or after a hypervisor exit (finish_task_switch, __schedule,
 * native_safe_halt...) are left out when a frame above them says more: skipped says so.
 */
#define STACK_HOT_TOP 3
#define STACK_HOT_FRAMES 3
struct stack_hot {
	char *key;
	uint64_t value;
	bool skipped; /* landing frames were left out of some of its stacks */
};
/* Fills top[] (most first, keys the caller frees); returns how many, or EBR_E_NOMEM. */
int stackprof_hottest(const struct stackprof *p, struct stack_hot top[STACK_HOT_TOP]);

#endif
