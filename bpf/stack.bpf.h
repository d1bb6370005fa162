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

/* The kernel stack into buf (EBR_KSTACK_BYTES): its bytes, with *flags saying if it failed. */
static __always_inline long ebr_kernel_stack(void *ctx, void *buf, __u32 *flags)
{
	long kb = bpf_get_stack(ctx, buf, EBR_KSTACK_BYTES, 0);

	if (kb < 0) {
		*flags |= EBR_STACK_KERNEL_ERR;
		kb = 0;
	}
	if (kb >= EBR_KSTACK_BYTES) {
		*flags |= EBR_STACK_KERNEL_FULL;
		kb = EBR_KSTACK_BYTES;
	}
	return kb;
}

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

	if (kernel)
		kb = ebr_kernel_stack(ctx, frames, flags);
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

/* --call-graph dwarf[,SIZE]: bytes of user stack copied at each sample; 0 walks frame pointers */
const volatile __u32 ebr_ustack_copy_bytes __weak = 0;

struct ebr_vma_end {
	__u64 end;
};

static long ebr_vma_end_of(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	((struct ebr_vma_end *)data)->end = vma->vm_end;
	return 0;
}

/*
 * --call-graph dwarf: fills r with task's user registers (bpf_task_pt_regs: saved on entry to
 * the kernel, so they are the user's even when the sample interrupted the kernel), up to
 * ebr_ustack_copy_bytes of its user stack from the stack pointer, and the kernel stack (ctx:
 * the program's context); returns the size of the record that holds them. The copy ends at
 * the end of the stack's mapping, so a stack shorter than SIZE costs only what it holds; if a
 * page of it cannot be read (swapped out), the copy keeps what the first page holds, the
 * leaf's frame, rather than lose the sample. task must be the current task.
 */
static __always_inline __u32 ebr_capture_stack_copy(void *ctx, struct task_struct *task,
						   struct ebr_rec_stack_copy *r)
{
	__u32 flags = 0, n = 0;
	long kb;

	r->udepth = 0;
	r->nregs = 0;
#if defined(__TARGET_ARCH_x86)
	if (task->mm && !(task->flags & 0x00200000 /* PF_KTHREAD */)) {
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
		struct ebr_vma_end vma = { 0 };
		__u64 sp;

		/* DWARF numbering, x86-64 psABI: rax rdx rcx rbx rsi rdi rbp rsp r8-r15 rip */
		r->regs[0] = regs->ax;
		r->regs[1] = regs->dx;
		r->regs[2] = regs->cx;
		r->regs[3] = regs->bx;
		r->regs[4] = regs->si;
		r->regs[5] = regs->di;
		r->regs[6] = regs->bp;
		r->regs[7] = regs->sp;
		r->regs[8] = regs->r8;
		r->regs[9] = regs->r9;
		r->regs[10] = regs->r10;
		r->regs[11] = regs->r11;
		r->regs[12] = regs->r12;
		r->regs[13] = regs->r13;
		r->regs[14] = regs->r14;
		r->regs[15] = regs->r15;
		r->regs[16] = regs->ip;
		r->nregs = EBR_UREGS;
		sp = regs->sp;
		n = ebr_ustack_copy_bytes;
		/* -EBUSY (its mm's lock is held): copy SIZE, the fallback below bounds it */
		if (bpf_find_vma(task, sp, ebr_vma_end_of, &vma, 0) == 0 && vma.end > sp &&
		    vma.end - sp < n)
			n = vma.end - sp;
		n &= ~7u;
		if (n > EBR_USTACK_COPY_MAX)
			n = EBR_USTACK_COPY_MAX;
		if (n && bpf_probe_read_user(r->data, n, (void *)sp)) {
			n = (4096 - (sp & 4095)) & ~7u;
			if (n > ebr_ustack_copy_bytes)
				n = ebr_ustack_copy_bytes & ~7u;
			if (n > EBR_USTACK_COPY_MAX)
				n = EBR_USTACK_COPY_MAX;
			if (bpf_probe_read_user(r->data, n, (void *)sp))
				n = 0;
		}
	} else {
		flags |= EBR_STACK_USER_ERR;
	}
#else
	flags |= EBR_STACK_USER_ERR; /* the registers' layout is known for x86-64 only */
#endif
	if (n > EBR_USTACK_COPY_MAX)
		n = EBR_USTACK_COPY_MAX;
	r->ustack_len = (__u16)n;
	kb = ebr_kernel_stack(ctx, r->data + n, &flags);
	r->kdepth = kb / 8;
	r->flags = flags;
	return (__u32)(__builtin_offsetof(struct ebr_rec_stack_copy, data) + n + kb);
}

#endif
