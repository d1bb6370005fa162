/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Probe families: one row per family in record/families.c.
 *
 * Errors: the functions of record/ return 0 or a negative errno, the callbacks below and the
 * translators included. format/ returns its own codes (EBR_E_*): they are converted where
 * format/ is called, `return errno_of_ebr(ebr_writer_meta(...))`. A failure is said in one
 * line of stderr, by the code that knows what failed: a callback that fails for another
 * reason than writing the trace says it; the recorder says that the trace could not be
 * written, or which family's configure failed.
 *
 * How to add a family:
 *  1. bpf/<name>.bpf.c with its programs; ring-buffer record structs, EBR_REC_* and
 *     EBR_PROBE_* ids in bpf/events.h. A kernel-version switch goes in bpf/core_fixes.bpf.h.
 *  2. Its event types in format/events.def (append only) and FORMAT.md's table.
 *  3. record/<name>_translate.c: a translator per record type (record/translate.h), which
 *     must not include the skeleton; a row per record type in record/translate.c; cases in
 *     tests/unit/test_translate.c.
 *  4. record/<name>.c: a `struct family` whose programs are FAMILY_PROG(tracepoint, optional,
 *     skeleton program name) rows (every program of the skeleton must be in a family's table:
 *     record refuses to start otherwise), its state_size if its callbacks keep state, and a
 *     row for it in record/families.c.
 *  5. analyze/ models and report/ views for its tools; tests/e2e/test_<name>.py.
 */
#ifndef EBREC_RECORD_FAMILY_H
#define EBREC_RECORD_FAMILY_H

#include <stdbool.h>
#include <stddef.h>
#include "format/ebr.h"
#include "bpf/events.h"
#include "record/translate.h"

struct ebrec_bpf;
struct bpf_program;
struct stack_symbols;

/* One BPF program of a family and the kernel hook it needs. */
struct family_prog {
	/* "block:block_rq_issue"; NULL: the family's attach() attaches it (perf events) */
	const char *tracepoint;
	bool optional;   /* the family works without it (feature-probed) */
	size_t skel_off; /* where the skeleton keeps the program: see FAMILY_PROG */
	bool named_only; /* loaded only when -e names the families: too costly for the default */
};

/*
 * A row of a family's programs: prog is the program's name in the skeleton, so that a name
 * the skeleton lacks does not compile (the file needs ebrec.skel.h).
 */
#define FAMILY_PROG(tracepoint, optional, prog)                                            \
	{ (tracepoint), (optional), offsetof(struct ebrec_bpf, progs.prog), false }
/* A program that a recording without -e leaves out (docs/BENCH.md: what it costs). */
#define FAMILY_PROG_NAMED(tracepoint, optional, prog)                                      \
	{ (tracepoint), (optional), offsetof(struct ebrec_bpf, progs.prog), true }

/* The skeleton's program of fp. */
static inline struct bpf_program *family_prog_get(const struct ebrec_bpf *skel,
						   const struct family_prog *fp)
{
	return *(struct bpf_program *const *)((const char *)skel + fp->skel_off);
}

/* A unit of loss accounting: one emitting program (bpf/events.h EBR_PROBE_*). */
struct family_probe {
	uint32_t id;
	const char *name; /* "block/rq" */
};

/* The record options families read (ebrec record --help). */
struct family_opts {
	uint64_t min_us; /* --min-us: thresholds applied in the kernel */
	bool min_us_set; /* else each family has its own default */
	const char *fs;  /* --fs: file system type filter, or NULL */
	long pid;        /* -p, or 0 */
	const char *cgroup; /* --cgroup: that cgroup's path from the hierarchy's root, or NULL */
	long freq;       /* -F: sampling frequency in Hz, 0 for the family's default */
	bool idle;       /* -I: sample the idle tasks too */
	uint32_t ustack_copy; /* --call-graph dwarf,SIZE: user stack bytes copied; 0: fp */
};

/*
 * Whether the recording loads fp, if the kernel has its hook: named, -e named its family by
 * its own name (not as one of "default").
 */
static inline bool family_prog_selected(const struct family_prog *fp, bool named)
{
	return !fp->named_only || named;
}

struct features;

/* What a family sees of the recording. */
struct family_env {
	struct ebrec_bpf *skel;
	struct ebr_writer *writer; /* snapshot, sample, finish: where their events and META go */
	const bool *have_prog;     /* configure: per prog of the family, the kernel has its hook */
	const struct family_opts *opts;
	bool named; /* -e named the family: its named_only programs load (family_prog_selected) */
	void *state;                  /* the family's state_size bytes, zeroed at the start */
	struct stack_symbols *stacks; /* the recording's stack symbols (record/stacks.h) */
	const struct features *feat;  /* snapshot: the kernel's BTF (record/record.h) */
	/* the recording's process table (record/proctable.h), or NULL */
	struct proc_table *procs;
	/* finish: the end of the file's span, the time of what it writes (0: not known) */
	uint64_t end_ns;
	/*
	 * finish: a flight recorder's periodic seam, whose end no dump reads (a dump reads the
	 * end of its last segment only): what is read for a reader of the end alone is skipped
	 */
	bool end_unread;
};

struct bpf_link;

struct family {
	const char *name;
	const char *desc;
	/* what it cost when last measured (docs/BENCH.md "Real workloads"), for `ebrec list` */
	const char *cost;
	bool opt_in; /* costly: recorded only when -e names it */
	const struct family_prog *progs;
	size_t nprogs;
	const struct family_probe *probes;
	size_t nprobes;
	size_t state_size; /* what the callbacks keep from one call to the next (env->state) */
	/* Sets rodata before load (after feature probing). May be NULL. */
	int (*configure)(const struct family_env *env);
	/*
	 * Once the probes are attached: writes what the family needs to know of the host (META,
	 * or events for state that exists before the recording). May be NULL.
	 */
	int (*snapshot)(const struct family_env *env);
	/* Once a second and at the end: writes counters kept in maps, not rings. May be NULL. */
	int (*sample)(const struct family_env *env, uint64_t now_ns);
	/* Once the probes are detached and their last records written. May be NULL. */
	int (*finish)(const struct family_env *env);
	/*
	 * After load: attaches the programs whose tracepoint is NULL, adding their links to
	 * links[*nlinks...max). Returns 0 or a negative errno, having said what failed.
	 */
	int (*attach)(const struct family_env *env, struct bpf_link **links, size_t *nlinks,
		      size_t max);
};

extern const struct family *const families[];
extern const size_t nfamilies;
/* When and how the families' costs (struct family.cost) were measured, for `ebrec list` */
extern const char family_costs_measured[];

const struct family *family_find(const char *name);

extern const struct family block_family;   /* record/block.c */
extern const struct family proc_family;    /* record/proc.c */
extern const struct family file_family;    /* record/file.c */
extern const struct family tcp_family;     /* record/tcp.c */
extern const struct family sched_family;   /* record/sched.c */
extern const struct family profile_family; /* record/profile.c */
extern const struct family offcpu_family;  /* record/offcpu.c */

/* The finish of the stack families: writes the symbols their samples need (record/stacks.h). */
int stack_symbols_finish(const struct family_env *env);

#endif
