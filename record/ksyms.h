/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's symbols from /proc/kallsyms, and the ones the recorded stacks use: those are
 * written to the trace (sym.kernel) so that kernel frames read on any machine.
 */
#ifndef EBREC_RECORD_KSYMS_H
#define EBREC_RECORD_KSYMS_H

#include <stdbool.h>
#include "format/ebr.h"
#include "record/addrset.h"

struct ksym {
	uint64_t addr;
	uint32_t name;   /* offsets into ksyms.names */
	uint32_t module; /* "" for the kernel image */
};

struct ksyms {
	struct ksym *syms; /* by address */
	size_t n;
	char *names;
	size_t names_len, names_cap;
	struct addrset used; /* addresses as looked up (FORMAT.md: return addresses - 1) */
	bool loaded;
};

/* Reads /proc/kallsyms (text symbols). On failure msg says why; frames stay unresolved. */
int ksyms_load(struct ksyms *k, char *msg, size_t msglen);
/* The symbol holding addr, or NULL. */
const struct ksym *ksyms_find(const struct ksyms *k, uint64_t addr);
/*
 * Leaf frames that belong to the tracing machinery (the BPF program and the tracepoint
 * call), which a stack taken in a tracepoint starts with: the caller drops them.
 */
size_t ksyms_tracing_frames(const struct ksyms *k, const uint64_t *frames, size_t n);
/* Counts a frame's lookup address as used: 0 or -ENOMEM. */
int ksyms_use(struct ksyms *k, uint64_t lookup_addr);
/*
 * Writes sym.kernel, stamped ts, for every symbol used since the last call; adds frame
 * counts. 0 or -errno.
 */
int ksyms_write(struct ksyms *k, struct ebr_writer *w, uint64_t ts, uint64_t *frames,
		uint64_t *resolved);
void ksyms_free(struct ksyms *k);

#endif
