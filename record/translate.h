/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ring-buffer records (bpf/events.h) into trace events (format/events.def): one translator
 * per record kind, in record/translate.c and record/<family>_translate.c. None of them needs
 * the BPF skeleton, so tests/unit/test_translate.c runs them without root or a kernel.
 *
 * Translators return 0 or a negative errno, as every function of record/ does (family.h);
 * what format/ returns (EBR_E_*) is converted where it is called, with errno_of_ebr().
 */
#ifndef EBREC_RECORD_TRANSLATE_H
#define EBREC_RECORD_TRANSLATE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "format/ebr.h"
#include "bpf/events.h"

struct stack_symbols;
struct generic_probes;
struct cgroup_names;
struct proc_table;
struct trigger;

/* What translators write to and keep: the recorder's, for the whole recording. */
struct translate_ctx {
	struct ebr_writer *writer;
	struct stack_symbols *stacks; /* the symbols stack samples use (record/stacks.h) */
	const struct generic_probes *generic; /* the generic probes (record/generic.h) */
	/* the cgroup ids named in the trace, and how to name one (record/cgroup.h); may be NULL */
	struct cgroup_names *cgroups;
	/* the recording's process table, which follows proc events (record/proctable.h) */
	struct proc_table *procs;
	/* a flight recorder's --trigger, which every event is shown (record/trigger.h); or NULL */
	struct trigger *trigger;
	uint64_t malformed; /* records whose fields disagree with their size, written as far
			     * as they go */
};

/* A ring-buffer record type: its size, its probe, and its translation into a trace event. */
struct record_kind {
	uint16_t type;     /* EBR_REC_* */
	uint16_t size;     /* the record's size; its smallest size when max_size is set */
	uint16_t max_size; /* 0: fixed size; else records carry a tail up to this size */
	uint32_t probe;
	/* size is the record's whole size, already checked with record_kind_fits() */
	int (*translate)(struct translate_ctx *ctx, const void *rec, size_t size);
};

/* Whether a ring record of this kind may have this size. */
static inline int record_kind_fits(const struct record_kind *k, size_t size)
{
	return k->max_size ? size >= k->size && size <= k->max_size : size == k->size;
}

/* The probe (EBR_PROBE_*) that emitted rec, a record of kind k of size bytes. */
uint32_t record_probe(const struct record_kind *k, const void *rec, size_t size);

extern const struct record_kind record_kinds[];
extern const size_t nrecord_kinds;

const struct record_kind *record_kind_find(uint16_t type);

/* Writes event type with values v at the time and on the CPU of record header h. */
int translate_emit(struct translate_ctx *ctx, uint32_t type, const struct ebr_rec_hdr *h,
		   const struct ebr_value *v);

/*
 * A format/ error code (EBR_E_*) as a negative errno, at the boundary between the two
 * conventions. EBR_E_IO: the sink's failed write(2) left its reason in errno.
 */
int errno_of_ebr(int ebr_err);

/* A fixed-size kernel string (comm, fs type) as a C string: out has room for len + 1. */
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

/* record/block_translate.c */
int block_translate(struct translate_ctx *ctx, const void *rec, size_t size);

/* record/proc_translate.c */
int proc_fork_translate(struct translate_ctx *ctx, const void *rec, size_t size);
int proc_exec_translate(struct translate_ctx *ctx, const void *rec, size_t size);
int proc_exit_translate(struct translate_ctx *ctx, const void *rec, size_t size);
int proc_cgroup_translate(struct translate_ctx *ctx, const void *rec, size_t size);
/*
 * The title of process pid from len bytes of its argument memory (cmdline), as a proc.title
 * for this reason (EBR_TITLE_AT_*) and flags, unless it says what the arguments procs holds
 * for pid say (no table, or pid not in it: written). 0 or a negative errno.
 */
int proc_title_emit(struct ebr_writer *w, const struct proc_table *procs, uint64_t ts,
		    uint32_t cpu, uint64_t pid, const char *comm, const char *cmdline, size_t len,
		    uint64_t reason, uint64_t flags);

/* record/file_translate.c */
int file_open_translate(struct translate_ctx *ctx, const void *rec, size_t size);
int file_slow_translate(struct translate_ctx *ctx, const void *rec, size_t size);

/* record/tcp_translate.c: kernel records, and the fields tcp.sock events share with them */
int tcp_translate(struct translate_ctx *ctx, const void *rec, size_t size);

/* The fields every tcp.* type shares (format/events.def: the first eleven). */
struct tcp_common {
	uint32_t pid, tid;
	const char *comm;
	uint64_t cookie, skaddr;
	int family; /* AF_INET, AF_INET6 */
	const uint8_t *laddr, *raddr;
	uint16_t lport, rport;
	uint8_t state;
};

/* Sets v's shared tcp.* fields from c. */
void tcp_common_values(struct ebr_value *v, const struct tcp_common *c);

/* record/sched_translate.c */
int sched_switch_translate(struct translate_ctx *ctx, const void *rec, size_t size);

/* record/generic_translate.c: generic probes (their descriptions: ctx->generic) */
int generic_translate(struct translate_ctx *ctx, const void *rec, size_t size);

/* record/stacks.c: profile and offcpu samples */
int stack_translate(struct translate_ctx *ctx, const void *rec, size_t size);
/* the same with a copy of the user stack to unwind (--call-graph dwarf) */
int stack_copy_translate(struct translate_ctx *ctx, const void *rec, size_t size);

#endif
