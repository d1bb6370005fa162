/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Stack capture shared by the profile and offcpu families. bpf_get_stack copies the whole
 * stack into the record, never bpf_get_stackid, whose hash table drops or mixes stacks on
 * collisions (docs/ARCHITECTURE.md); the recorder interns them, so each distinct stack is
 * stored once.
 */
#ifndef EBREC_STACK_BPF_H
#define EBREC_STACK_BPF_H

#include "common.bpf.h"

#define EBR_KSTACK_BYTES (EBR_KSTACK_MAX * 8)
#define EBR_USTACK_BYTES (EBR_USTACK_MAX * 8)

/*
 * Copies the current task's kernel stack (when kernel) and then its user stack (when user)
 * into frames, leaf first, one after the other; sets their depths and adds EBR_STACK_* to
 * *flags. Returns the bytes of frames filled. ctx: the program's context.
 */
static __always_inline __u32 ebr_capture_stacks_into(void *ctx, void *frames, bool kernel,
						      bool user, __u16 *kdepth, __u16 *udepth,
						      __u32 *flags)
{
	long kb = 0, ub = 0;

	if (kernel) {
		kb = bpf_get_stack(ctx, frames, EBR_KSTACK_BYTES, 0);
		if (kb < 0) {
			*flags |= EBR_STACK_KERNEL_ERR;
			kb = 0;
		}
		if (kb >= EBR_KSTACK_BYTES) {
			*flags |= EBR_STACK_KERNEL_FULL;
			kb = EBR_KSTACK_BYTES;
		}
	}
	if (user) {
		/* user frames follow the kernel's: the record carries only what was captured */
		ub = bpf_get_stack(ctx, frames + kb, EBR_USTACK_BYTES, BPF_F_USER_STACK);
		if (ub < 0) {
			*flags |= EBR_STACK_USER_ERR;
			ub = 0;
		}
		if (ub >= EBR_USTACK_BYTES) {
			*flags |= EBR_STACK_USER_FULL;
			ub = EBR_USTACK_BYTES;
		}
	}
	*kdepth = kb / 8;
	*udepth = ub / 8;
	return (__u32)(kb + ub);
}

/*
 * Fills r's kernel and user stacks of the current task (ctx: the program's context) and
 * their depths and flags; returns the size of the record that holds them.
 */
static __always_inline __u32 ebr_capture_stacks(void *ctx, struct ebr_rec_stack *r)
{
	__u32 flags = 0, bytes;

	bytes = ebr_capture_stacks_into(ctx, r->frames, true, true, &r->kdepth, &r->udepth,
					&flags);
	r->flags = flags;
	return (__u32)__builtin_offsetof(struct ebr_rec_stack, frames) + bytes;
}

#endif
