/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --call-graph dwarf: one process's user stacks unwound with libdw from a copy of its
 * registers and stack (bpf/events.h ebr_rec_stack_copy), as perf's libdw unwinder does, over
 * the ELF objects it maps, read from the files the recorder keeps open (record/usyms.h). The
 * CFI (.eh_frame, .debug_frame) of each object is parsed once per process and kept.
 *
 * The stack copy and the registers come from the traced process, the CFI from files it
 * mapped: both are untrusted. Unwinding is bounded in frames (the caller's room), every read
 * of the process's memory is served from the copy (or from a mapped file's bytes) with its
 * bounds checked, and nothing else is read (tests/fuzz/fuzz_unwind.c).
 */
#ifndef EBREC_RECORD_UNWIND_H
#define EBREC_RECORD_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct unwinder;

/* One mapping of an ELF object: [start, end) maps the file from offset pgoff. */
struct unwind_module {
	uint64_t start, end, pgoff;
	const char *path;
	int fd; /* open on the file (borrowed: the caller keeps it open), or -1 to open path */
};

/* One sample to unwind: the user registers (DWARF numbering) and the copy of the stack. */
struct unwind_sample {
	uint32_t tid;
	const uint64_t *regs;
	uint32_t nregs;       /* EBR_UREGS, or fewer: unwinding needs the SP and the IP */
	const uint8_t *stack; /* the bytes at regs[EBR_UREG_SP]... */
	size_t stack_len;
};

/* A new unwinder for process pid, with no module yet; NULL when out of memory. */
struct unwinder *unwinder_new(uint32_t pid);
/*
 * Sets the process's modules to mods[0..n) (the executable mappings of ELF files), in place
 * of those set before: modules that stay keep their parsed CFI. 0, or -ENOMEM.
 */
int unwinder_set_modules(struct unwinder *u, const struct unwind_module *mods, size_t n);
/*
 * Unwinds s into frames[0..max): the leaf's IP, then return addresses. Returns how many; sets
 * *whole when the unwinding reached the outermost frame (the CFI of the process's or thread's
 * entry ends the chain), false when it stopped early (no CFI for a frame, the copy too short,
 * max reached).
 */
size_t unwinder_unwind(struct unwinder *u, const struct unwind_sample *s, uint64_t *frames,
		       size_t max, bool *whole);
void unwinder_free(struct unwinder *u);

#endif
