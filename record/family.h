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
	const char *tracepoint; /* "block:block_rq_issue" */
	bool optional;          /* the family works without it (feature-probed) */
	/* the skeleton's program, found by name at run time */
	const char *prog_name;
};

/* A unit of loss accounting: one emitting program (bpf/events.h EBR_PROBE_*). */
struct family_probe {
	uint32_t id;
	const char *name; /* "block/rq" */
};

/* What a family sees of the recording while it sets itself up. */
struct family_env {
	struct ebrec_bpf *skel;
	struct ebr_writer *writer; /* for snapshots into META */
	const bool *have_prog;     /* per prog of the family: the kernel has its hook */
};

struct family {
	const char *name;
	const char *desc;
	const char *views; /* the report views it feeds, for `list` and --help */
	const struct family_prog *progs;
	size_t nprogs;
	const struct family_probe *probes;
	size_t nprobes;
	/* Sets rodata before load (after feature probing). May be NULL. */
	int (*configure)(const struct family_env *env);
	/* Writes what the family needs to know of the host into META. May be NULL. */
	int (*snapshot)(const struct family_env *env);
};

/* A ring-buffer record type: its size, its probe, and its translation into a trace event. */
struct record_kind {
	uint16_t type; /* EBR_REC_* */
	uint16_t size;
	uint32_t probe;
	int (*translate)(struct ebr_writer *w, const void *rec);
};

extern const struct family *const families[];
extern const size_t nfamilies;
extern const struct record_kind record_kinds[];
extern const size_t nrecord_kinds;

const struct family *family_find(const char *name);
const struct record_kind *record_kind_find(uint16_t type);

/* the block family (record/block.c) */
extern const struct family block_family;
int block_translate(struct ebr_writer *w, const void *rec);

#endif
