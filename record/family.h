/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Probe families: one row per family in record/families.c.
 *
 * How to add a family:
 *  1. bpf/<name>.bpf.c with its programs; ring-buffer record structs, EBR_REC_* and
 *     EBR_PROBE_* ids in bpf/events.h.
 *  2. Its event types in format/events.def (append only) and FORMAT.md's table.
 *  3. record/<name>.c: a `struct family` (programs, tracepoints, probes, translate) and a row
 *     for it in record/families.c.
 *  4. analyze/ models and report/ views for its tools; tests/e2e/test_<name>.py.
 */
#ifndef EBREC_RECORD_FAMILY_H
#define EBREC_RECORD_FAMILY_H

#include <stdbool.h>
#include <stddef.h>
#include "format/ebr.h"
#include "bpf/events.h"

struct ebrec_bpf;
struct bpf_program;

/* One BPF program of a family and the kernel hook it needs. */
struct family_prog {
	/* "block:block_rq_issue"; NULL: the family's attach() attaches it (perf events) */
	const char *tracepoint;
	bool optional;          /* the family works without it (feature-probed) */
	/* the skeleton's program, found by name at run time */
	const char *prog_name;
};

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
	long freq;       /* -F: sampling frequency in Hz, 0 for the family's default */
	bool idle;       /* -I: sample the idle tasks too */
};

/* What a family sees of the recording. */
struct family_env {
	struct ebrec_bpf *skel;
	struct ebr_writer *writer; /* snapshot and sample: where their events and META go */
	const bool *have_prog;     /* configure: per prog of the family, the kernel has its hook */
	const struct family_opts *opts;
};

struct bpf_link;

struct family {
	const char *name;
	const char *desc;
	bool opt_in; /* costly: recorded only when -e names it */
	const char *views; /* the report views it feeds, for `list` and --help */
	const struct family_prog *progs;
	size_t nprogs;
	const struct family_probe *probes;
	size_t nprobes;
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

/* A ring-buffer record type: its size, its probe, and its translation into a trace event. */
struct record_kind {
	uint16_t type;     /* EBR_REC_* */
	uint16_t size;     /* the record's size; its smallest size when max_size is set */
	uint16_t max_size; /* 0: fixed size; else records carry a tail up to this size */
	uint32_t probe;
	/* size is the record's whole size, checked against size and max_size */
	int (*translate)(struct ebr_writer *w, const void *rec, size_t size);
};

/* Whether a ring record of this kind may have this size. */
static inline int record_kind_fits(const struct record_kind *k, size_t size)
{
	return k->max_size ? size >= k->size && size <= k->max_size : size == k->size;
}

extern const struct family *const families[];
extern const size_t nfamilies;
extern const struct record_kind record_kinds[];
extern const size_t nrecord_kinds;

const struct family *family_find(const char *name);
const struct record_kind *record_kind_find(uint16_t type);

/* the block family (record/block.c) */
extern const struct family block_family;
int block_translate(struct ebr_writer *w, const void *rec, size_t size);

/* the process family (record/proc.c) */
extern const struct family proc_family;
int proc_fork_translate(struct ebr_writer *w, const void *rec, size_t size);
int proc_exec_translate(struct ebr_writer *w, const void *rec, size_t size);
int proc_exit_translate(struct ebr_writer *w, const void *rec, size_t size);

/* the file family (record/file.c) */
extern const struct family file_family;
int file_open_translate(struct ebr_writer *w, const void *rec, size_t size);
int file_slow_translate(struct ebr_writer *w, const void *rec, size_t size);

/* the TCP family (record/tcp.c) */
extern const struct family tcp_family;
int tcp_translate(struct ebr_writer *w, const void *rec, size_t size);

/* the scheduler family (record/sched.c) */
extern const struct family sched_family;
int sched_switch_translate(struct ebr_writer *w, const void *rec, size_t size);

/* the profile and offcpu families (record/profile.c, record/offcpu.c, record/stacks.c) */
extern const struct family profile_family;
extern const struct family offcpu_family;
int stack_translate(struct ebr_writer *w, const void *rec, size_t size);
/* Reads the kernel's symbols (once), before the first stack comes. */
int stack_symbols_start(void);
/* Writes the symbols the stacks written so far need, and forgets them. */
int stack_symbols_finish(const struct family_env *env);

/* A fixed-size kernel string (comm, fs type) as a C string. */
static inline const char *family_kstr(char *out, const char *in, size_t len)
{
	size_t n = 0;

	while (n < len && in[n])
		n++;
	for (size_t i = 0; i < n; i++)
		out[i] = in[i];
	out[n] = 0;
	return out;
}

#endif
