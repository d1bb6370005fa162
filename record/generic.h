/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic probes (`record -e tracepoint:..., uprobe:..., uretprobe:..., usdt:...`): resolved
 * before anything is loaded (generic.c), attached with one program per attach type and a BPF
 * cookie each (bpf/generic.bpf.c), their records named by generic_translate.c. Each probe is
 * an event type of the trace's own schema (FORMAT.md "Types described by the file").
 */
#ifndef EBREC_RECORD_GENERIC_H
#define EBREC_RECORD_GENERIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bpf/events.h"
#include "format/ebr.h"
#include "record/probe_spec.h"

/* Where a field of a probe's events comes from in its records. */
enum generic_src {
	GSRC_COMMON_PID = 1, /* the thread id (the kernel's common_pid) */
	GSRC_COMMON_TGID,
	GSRC_COMMON_COMM,
	GSRC_NUMBER,  /* a tracepoint's number: offset, size, is_signed */
	GSRC_ARRAY,   /* a tracepoint's fixed array (or a field of an odd size): offset, size */
	GSRC_DYNAMIC, /* a tracepoint's __data_loc (or __rel_loc: rel) field at offset */
	GSRC_ARG,     /* argument index (uprobe arg0..5, uretprobe retval 0, USDT 0..11) */
	GSRC_STRING,  /* the index-th string of the record */
	GSRC_KSTACK,
	GSRC_USTACK,
	GSRC_FLAGS,   /* capture_flags: EBR_STACK_*, EBR_GENERIC_STR_CUT */
};

struct generic_field {
	enum generic_src src;
	uint16_t offset, size;
	uint8_t index;
	bool is_signed, rel;
};

struct generic_probe {
	struct ebr_event_def def;     /* name and fields in the trace (names owned here) */
	struct ebr_field_def *fields; /* def.fields */
	struct generic_field *src;    /* how each field is read, in def.fields order */
	struct ebr_generic_cfg cfg;   /* what the BPF program copies */
	char *path;     /* uprobe, uretprobe, usdt: the binary, resolved */
	char *func;     /* uprobe, uretprobe: the function; usdt: the provider */
	char *usdt_name;
	char *format;   /* tracepoint: its format file, as tracefs gives it */
	char *sys, *tp; /* tracepoint */
	uint64_t str_args; /* arguments whose strings to read (--str): bit i = argument i */
	bool raw_syscall;  /* served by the raw sys_enter/sys_exit program (generic_attach.c) */
};

struct generic_probes {
	struct generic_probe *p;
	size_t n, cap;
	struct ebr_event_def *defs; /* the schema's described types, probe i's at i */
	char comm[EBR_COMM_LEN];    /* --comm, or "" */
	unsigned stack_flags;       /* --stacks: EBR_GEN_KSTACK | EBR_GEN_USTACK for every probe */
	bool syscall_perf;          /* --syscall-path perf: no raw system-call programs */
	/* -e and --str as given, until generic_resolve() */
	char *events_buf; /* -e's copy, which specs point into */
	const char *specs[256];
	size_t nspecs;
	const char *strs[64];
	size_t nstrs;
};

/*
 * Resolves every probe text of g (specs, strs) against this system: tracepoints in tracefs,
 * functions and USDT probes in their binaries. Returns 0; 2 after one line on stderr saying
 * what is wrong (unknown tracepoint with the closest names, a glob matching nothing or more
 * than EBR_GENERIC_MAX probes, no such binary, function or USDT probe); 1 on other failures.
 */
int generic_resolve(struct generic_probes *g);
/* Whether a probe of g captures a stack (then the recording needs the kernel's symbols). */
bool generic_has_stacks(const struct generic_probes *g);
void generic_probes_free(struct generic_probes *g);

/* Probe i's probe id for loss accounting (bpf/events.h) and event type id in the trace. */
static inline uint32_t generic_probe_id(size_t i)
{
	return EBR_PROBE_GENERIC_BASE + (uint32_t)i;
}

static inline uint32_t generic_type_id(size_t i)
{
	return EBR_DYN_TYPE_BASE + (uint32_t)i;
}

/* META of the generic probes: each probe's name (probe.<id>), each tracepoint's format. */
int generic_describe(const struct generic_probes *g, struct ebr_writer *w);

/*
 * Fills the probes' fields from a tracepoint's format file (text, as tracefs gives it); sys
 * and name say which. Returns 0, -EINVAL when the file does not parse or describes a record
 * ebrec cannot copy (more than EBR_GENERIC_RAW_MAX bytes, EBR_GENERIC_MAX_DYN dynamic fields,
 * EBR_MAX_FIELDS fields), or -ENOMEM. (Unit-tested: no kernel needed.)
 */
int generic_tracepoint_fields(struct generic_probe *p, const char *sys, const char *name,
			      const char *text);
/* The fields of a uprobe, uretprobe (nargs: 6, 1) or USDT probe; signed_args: bit i signed. */
int generic_arg_fields(struct generic_probe *p, unsigned nargs, uint32_t signed_args);
/* Frees what one probe holds. */
void generic_probe_release(struct generic_probe *p);

#endif
