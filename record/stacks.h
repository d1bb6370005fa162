/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The symbols of a recording's stack samples (profile, offcpu): every frame is counted as its
 * sample is written (stack_translate), and the symbols of those frames are written at the end
 * (stack_symbols_finish), so that the trace reads without the recording host. The recorder
 * owns one, zeroed, for the whole recording (record_unload() frees it).
 */
#ifndef EBREC_RECORD_STACKS_H
#define EBREC_RECORD_STACKS_H

#include <stdbool.h>
#include <stdint.h>
#include "record/ksyms.h"
#include "record/usyms.h"

struct stack_symbols {
	struct ksyms k;
	struct usyms u;
	bool tried_kallsyms;
	/* symbols written after the recording's span are stamped with its end (0: when written) */
	uint64_t span_end_ns;
	uint64_t kframes, kresolved, uframes, uresolved;
	/* --call-graph dwarf: user stacks unwound, and those that reached the outermost frame */
	uint64_t unwound, unwound_whole;
};

struct family_opts;

/*
 * Reads the kernel's symbols (once), before the first stack comes, warning when it cannot,
 * and writes how user stacks are walked (META stack.call_graph). 0 or a negative errno.
 */
int stack_symbols_start(struct stack_symbols *s, struct ebr_writer *w,
			const struct family_opts *o);
/*
 * Notes the frames of a stack about to be written (kernel and user, leaf first, of process
 * pid at ts): their symbols are written at the end. 0 or a negative errno.
 */
int stack_symbols_use(struct stack_symbols *s, struct ebr_writer *w, uint32_t pid, uint64_t ts,
		      const uint64_t *kframes, size_t kdepth, const uint64_t *uframes,
		      size_t udepth);
/*
 * Writes the symbols the stacks written so far need, and forgets them: a second call writes
 * no symbol again. 0 or a negative errno.
 */
int stack_symbols_write(struct stack_symbols *s, struct ebr_writer *w);
/* The flag bits that say a stack was unwound, and unwound whole, in an event type's flags. */
struct stack_unwound_bits {
	uint32_t dwarf, whole;
};
/*
 * --call-graph dwarf: unwinds the user stack copy s of pid, sampled at ts, into
 * uframes[0..EBR_USTACK_MAX), *udepth of them, and adds to *flags bits->dwarf, bits->whole
 * when it reached the outermost frame, EBR_STACK_USER_FULL when it filled uframes,
 * EBR_STACK_USER_ERR when it found nothing; counted in symbols.user_unwound*. 0 or a
 * negative errno.
 */
int stack_unwind_copy(struct stack_symbols *syms, struct ebr_writer *w, uint32_t pid,
		      uint64_t ts, const struct unwind_sample *s, uint64_t *uframes,
		      size_t *udepth, const struct stack_unwound_bits *bits, uint32_t *flags);
/*
 * A rotated recording's next file begins on w (the last one's symbols written): its counts
 * start again, and the objects and mappings known so far are written into it, so that it
 * names its own stacks. 0 or a negative errno.
 */
int stack_symbols_next_file(struct stack_symbols *s, struct ebr_writer *w);
/*
 * Forgets what the processes that ended needed, writing now the symbols of their objects that
 * no live process maps (usyms_prune): the recorder's memory follows the live processes, not
 * every process it ever sampled. seen_ts: the time of the latest record written. 0 or -errno.
 */
int stack_symbols_prune(struct stack_symbols *s, struct ebr_writer *w, uint64_t seen_ts);
void stack_symbols_free(struct stack_symbols *s);

#endif
